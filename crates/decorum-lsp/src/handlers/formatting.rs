//! `textDocument/formatting` of policy files: the same formatter as `decorum fmt`, one
//! canonical layout with no options. A file with syntax errors, or one the formatter
//! could not format without changing its meaning, gets no edit (the syntax errors are
//! already diagnostics; the second case is logged).

use tower_lsp_server::ls_types::{DocumentFormattingParams, Position, Range, TextEdit};

use crate::log::Level;
use crate::position::LineMap;
use crate::state::{Role, State};

/// Answers `textDocument/formatting`: one edit replacing the whole text, none when the
/// text is already formatted, `None` for documents that are not open policy files.
pub fn formatting(state: &State, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let uri = params.text_document.uri;
    let doc = state.documents.get(&uri)?;
    if doc.role != Role::Policy {
        return None;
    }
    let text = &doc.text.text;
    let formatted = match decorum_syntax::format(text) {
        Ok(formatted) => formatted,
        Err(decorum_syntax::FormatError::Syntax(_)) => return None,
        Err(decorum_syntax::FormatError::Unsafe(_)) => {
            crate::log!(
                Level::Error,
                "formatting doc#{}: the formatter would change the policy; nothing edited",
                doc.log_id
            );
            return None;
        }
    };
    if formatted == **text {
        return Some(Vec::new());
    }
    let map = LineMap::new(text, &doc.text.index, state.encoding());
    let end = map.position(decorum_text::TextSize::try_from(text.len()).unwrap_or_default());
    Some(vec![TextEdit {
        range: Range {
            start: Position::new(0, 0),
            end,
        },
        new_text: formatted,
    }])
}
