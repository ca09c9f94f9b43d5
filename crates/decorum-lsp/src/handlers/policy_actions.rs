//! Code actions in policy files:
//! - **did you mean**: an unknown name (or placeholder) whose problem suggests a close
//!   one is replaced by it (a preferred quick fix; the engine's `replacement`, carried in
//!   the diagnostic's `data`);
//! - **add a passes example**: inside a rule of the file, a new `example passes` line
//!   before the rule's closing brace, its text a placeholder (a snippet where the client
//!   supports snippet edits);
//! - **disable with reason**: on a reference to a rule another file defines, a
//!   `disable RULE because "..."` line at the end of the file, the reason a placeholder
//!   (Decorum requires one; `decorum audit` shows it).
//!
//! Actions are computed from the stored analysis of the document's current version, so
//! their edits fit the text the client has.

use decorum_engine::SymbolKind;
use decorum_syntax::Item;
use decorum_text::TextSize;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, Range, TextEdit,
    Uri,
};

use super::code_action::{action, ending_before, placeholder, workspace_edit};
use crate::analysis::PolicyAnalysis;
use crate::diagnostics::{POLICY_SOURCE, ProblemData, SYNTAX_SOURCE};
use crate::navigation::current_analysis;
use crate::position::LineMap;
use crate::state::{ClientFlags, State};

/// The placeholder of a new example's text.
pub const EXAMPLE_PLACEHOLDER: &str = "a near miss the rule must not flag";

/// The placeholder of a `disable`'s reason.
pub const DISABLE_REASON_PLACEHOLDER: &str = "why this rule does not apply to us";

/// The kind of the actions that add text without fixing a problem.
const INSERT: &str = "refactor.insert";

/// Answers `textDocument/codeAction` for a policy document.
pub fn policy_actions(state: &State, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let wants = |kind: &str| {
        params
            .context
            .only
            .as_ref()
            .is_none_or(|only| only.iter().any(|k| kind.starts_with(k.as_str())))
    };
    let Some(analysis) = current_analysis(state, uri) else {
        return Vec::new();
    };
    let Some(text) = analysis.text() else {
        return Vec::new();
    };
    let version = analysis.version;
    let flags = state.flags();
    let index = decorum_text::LineIndex::new(text);
    let map = LineMap::new(text, &index, state.encoding());
    let mut out = Vec::new();
    if wants(CodeActionKind::QUICKFIX.as_str()) {
        for diagnostic in &params.context.diagnostics {
            if let Some(edit) = did_you_mean(diagnostic) {
                let title = format!("Change to `{}`", edit.new_text);
                let edit = workspace_edit(uri, version, vec![edit], flags);
                out.push(action(title, diagnostic, edit, true, false));
            }
        }
    }
    if wants(INSERT) {
        let at = map.offset(params.range.start);
        out.extend(add_passes_example(uri, &analysis, text, &map, at, flags));
        out.extend(disable_with_reason(uri, &analysis, text, &map, at, flags));
    }
    out.into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// The replacement a problem's diagnostic carries (a "did you mean" name), as an edit
/// of its range.
fn did_you_mean(diagnostic: &Diagnostic) -> Option<TextEdit> {
    let source = diagnostic.source.as_deref()?;
    if source != POLICY_SOURCE && source != SYNTAX_SOURCE {
        return None;
    }
    let data: ProblemData = serde_json::from_value(diagnostic.data.clone()?).ok()?;
    Some(TextEdit {
        range: diagnostic.range,
        new_text: data.replacement,
    })
}

/// "Add a passes example to RULE" when the cursor is inside a rule of this file.
fn add_passes_example(
    uri: &Uri,
    analysis: &PolicyAnalysis,
    text: &str,
    map: &LineMap<'_>,
    at: TextSize,
    flags: ClientFlags,
) -> Option<CodeAction> {
    let source = analysis.source?;
    let rule = analysis
        .compiled
        .symbols
        .definitions
        .iter()
        .filter(|d| d.key.source == source && d.key.kind == SymbolKind::Rule)
        .find(|d| d.range.contains_inclusive(at))?;
    // The closing brace ends the declaration; insert on a line of its own before it.
    let end = usize::from(rule.range.end());
    let close = text.get(..end)?.rfind('}')?;
    // The new line ends as the brace's line does, whatever the file's first line ends
    // with (a file may mix them; `decorum fmt` keeps each line's).
    let brace_line = map.index.line_of(TextSize::try_from(close).ok()?);
    let line_end = ending_before(text, map.index, brace_line);
    let line_start = text[..close].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before_brace = &text[line_start..close];
    let (insert_at, prefix) = if before_brace.trim().is_empty() {
        (line_start, "")
    } else {
        // `rule r { ... }` on one line: break the line before the brace.
        (close, line_end)
    };
    let indent = example_indent(text, rule.range.start().into(), close);
    let (snippet, example) = placeholder(flags, EXAMPLE_PLACEHOLDER);
    let position = map.position(TextSize::try_from(insert_at).ok()?);
    let edit = TextEdit {
        range: Range {
            start: position,
            end: position,
        },
        new_text: format!("{prefix}{indent}example passes \"{example}\"{line_end}"),
    };
    let title = format!("Add a passes example to `{}`", rule.key.name);
    Some(inserting(
        title,
        workspace_edit(uri, analysis.version, vec![edit], flags),
        snippet,
    ))
}

/// The indentation of the rule's clauses (its first indented line), else two spaces.
fn example_indent(text: &str, start: usize, close: usize) -> String {
    text.get(start..close)
        .into_iter()
        .flat_map(|body| body.lines().skip(1))
        .find(|line| !line.trim().is_empty())
        .map(|line| {
            line.chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect::<String>()
        })
        .filter(|indent| !indent.is_empty())
        .unwrap_or_else(|| "  ".to_owned())
}

/// "Disable RULE with a reason" when the cursor is on a reference to a rule that
/// another file defines (an imported rule), unless the rule is locked.
fn disable_with_reason(
    uri: &Uri,
    analysis: &PolicyAnalysis,
    text: &str,
    map: &LineMap<'_>,
    at: TextSize,
    flags: ClientFlags,
) -> Option<CodeAction> {
    let source = analysis.source?;
    let reference = analysis
        .compiled
        .symbols
        .references
        .iter()
        .find(|r| r.source == source && r.range.contains_inclusive(at))?;
    if reference.target.kind != SymbolKind::Rule || reference.target.source == source {
        return None;
    }
    let written =
        text.get(usize::from(reference.range.start())..usize::from(reference.range.end()))?;
    // Already disabled in this file: nothing to offer.
    let file = &analysis.loaded.inputs.source(source)?.parse.file;
    let disabled = file.items.iter().any(|item| {
        matches!(item, Item::Disable(d)
            if analysis.compiled.symbols.target_at(source, d.target.range) == Some(&reference.target))
    });
    // A locked rule cannot be disabled: the edit would only add an error.
    let symbols = &analysis.compiled.symbols;
    let locked = (analysis.compiled.policy_set.as_ref())
        .zip(symbols.definition(&reference.target))
        .and_then(|(set, definition)| set.rule(&definition.qualified))
        .is_some_and(|rule| rule.locked);
    if disabled || locked {
        return None;
    }
    let (snippet, reason) = placeholder(flags, DISABLE_REASON_PLACEHOLDER);
    let end = map.position(TextSize::try_from(text.len()).ok()?);
    // The new line goes after the last one and ends as it does (as the one before it
    // when the last line has no ending).
    let last_line = u32::try_from(map.index.line_count().saturating_sub(1)).ok()?;
    let line_end = ending_before(text, map.index, last_line);
    let separator = if text.is_empty() || text.ends_with(['\n', '\r']) {
        ""
    } else {
        line_end
    };
    let edit = TextEdit {
        range: Range { start: end, end },
        new_text: format!("{separator}disable {written} because \"{reason}\"{line_end}"),
    };
    Some(inserting(
        format!("Disable `{written}` with a reason"),
        workspace_edit(uri, analysis.version, vec![edit], flags),
        snippet,
    ))
}

fn inserting(
    title: String,
    edit: tower_lsp_server::ls_types::WorkspaceEdit,
    snippet: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::new(INSERT)),
        edit: Some(edit),
        data: snippet.then(|| serde_json::json!({ super::code_action::SNIPPET_MARKER: true })),
        ..CodeAction::default()
    }
}
