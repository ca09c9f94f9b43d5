//! `textDocument/documentSymbol` and `workspace/symbol` for policy files.
//!
//! Document symbols come from the syntax tree of the editor's text (no compile, so the
//! outline follows every keystroke, also in unsaved files): the policy, holding its term
//! sets, rules (with their parameters and examples) and `use` blocks (with theirs).
//! Workspace symbols are the policies, term sets and rules of every view the server has
//! (see [`crate::navigation`]), filtered by the query.

use std::sync::Arc;

use decorum_engine::SymbolKind as DecorumKind;
use decorum_syntax::{Example, ExampleExpect, Item, UseItem};
use decorum_text::{LineIndex, TextRange, TextSize};
use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, OneOf, SymbolKind,
    WorkspaceSymbol, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use crate::log::Level;
use crate::navigation;
use crate::position::{Encoding, LineMap};
use crate::state::{Role, State};

/// At most this many workspace symbols are returned (the client filters further).
const MAX_WORKSPACE_SYMBOLS: usize = 1000;

/// How long an example's text may be in its symbol name.
const EXAMPLE_NAME_CHARS: usize = 40;

/// Answers `textDocument/documentSymbol`: the outline of an open policy document, `None`
/// for other documents.
pub fn document_symbols(
    state: &State,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let text = {
        let doc = state.documents.get(&params.text_document.uri)?;
        // Unsaved policies (no `.decorum` path yet) are known by their language id.
        if doc.role != Role::Policy && doc.language_id != "decorum" {
            return None;
        }
        doc.text.text.clone()
    };
    Some(DocumentSymbolResponse::Nested(outline(
        &text,
        state.encoding(),
    )))
}

/// The outline of a policy file's text, positions in `encoding`.
pub fn outline(text: &str, encoding: Encoding) -> Vec<DocumentSymbol> {
    let parse = decorum_syntax::parse(text);
    let index = LineIndex::new(text);
    let map = LineMap::new(text, &index, encoding);
    let mut children = Vec::new();
    let mut policy = None;
    for item in &parse.file.items {
        match item {
            Item::Policy(p) => policy = Some(p),
            Item::Terms(t) => children.push(symbol(
                &map,
                t.name.text.clone(),
                None,
                SymbolKind::CONSTANT,
                t.range,
                t.name.range,
                Vec::new(),
            )),
            Item::Rule(r) => {
                let mut inner: Vec<DocumentSymbol> = r
                    .params()
                    .map(|p| {
                        symbol(
                            &map,
                            p.name.text.clone(),
                            None,
                            SymbolKind::PROPERTY,
                            p.range,
                            p.name.range,
                            Vec::new(),
                        )
                    })
                    .collect();
                inner.extend(r.examples().map(|e| example_symbol(&map, e)));
                inner.sort_by_key(|s| s.range.start);
                let title = r
                    .text(decorum_syntax::TextKind::Title)
                    .map(|t| t.value.clone());
                children.push(symbol(
                    &map,
                    r.name.text.clone(),
                    title,
                    SymbolKind::FUNCTION,
                    r.range,
                    r.name.range,
                    inner,
                ));
            }
            Item::Use(u) => {
                let examples = u
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        UseItem::Example(e) => Some(example_symbol(&map, e)),
                        _ => None,
                    })
                    .collect();
                children.push(symbol(
                    &map,
                    format!("use {}", u.target.dotted()),
                    None,
                    SymbolKind::OBJECT,
                    u.range,
                    u.target.range,
                    examples,
                ));
            }
            _ => {}
        }
    }
    match policy {
        Some(p) => {
            let whole = TextRange::new(TextSize::default(), index.len());
            vec![symbol(
                &map,
                p.name.dotted(),
                p.description.as_ref().map(|d| d.value.clone()),
                SymbolKind::MODULE,
                whole,
                p.name.range,
                children,
            )]
        }
        None => children,
    }
}

/// A symbol for an example: `flags "My patient came in."`.
fn example_symbol(map: &LineMap<'_>, example: &Example) -> DocumentSymbol {
    let expect = match example.expect {
        ExampleExpect::Flags(_) => "flags",
        ExampleExpect::Passes => "passes",
    };
    let one_line: String = example
        .text
        .value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut shown: String = one_line.chars().take(EXAMPLE_NAME_CHARS).collect();
    if shown.len() < one_line.len() {
        shown.truncate(shown.trim_end().len());
        shown.push('…');
    }
    symbol(
        map,
        format!("example {expect} “{shown}”"),
        None,
        SymbolKind::EVENT,
        example.range,
        example.range,
        Vec::new(),
    )
}

/// One document symbol.
fn symbol(
    map: &LineMap<'_>,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: TextRange,
    selection: TextRange,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    #[allow(deprecated)]
    DocumentSymbol {
        // Clients reject empty names.
        name: if name.is_empty() {
            "?".to_owned()
        } else {
            name
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: map.range(range),
        selection_range: map.range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}

/// Answers `workspace/symbol`: policies, term sets and rules whose qualified name holds
/// the query's characters in order (ignoring case).
pub async fn workspace_symbols(
    state: &Arc<State>,
    params: WorkspaceSymbolParams,
) -> Option<WorkspaceSymbolResponse> {
    super::off_workers(state, move |state| {
        let started = std::time::Instant::now();
        let views = navigation::views(state, None);
        let open = navigation::open_policy_paths(state);
        let encoding = state.encoding();
        let query = params.query.to_lowercase();
        let mut out = Vec::new();
        for (view, definition) in navigation::definitions(&views, &open) {
            let kind = match definition.key.kind {
                DecorumKind::Policy => SymbolKind::MODULE,
                DecorumKind::TermSet => SymbolKind::CONSTANT,
                DecorumKind::Rule => SymbolKind::FUNCTION,
                DecorumKind::Param | DecorumKind::Example => continue,
            };
            if !fuzzy_match(&query, &definition.qualified.to_lowercase()) {
                continue;
            }
            let Some(location) =
                view.location(definition.key.source, definition.name_range, encoding)
            else {
                continue;
            };
            let container = view
                .loaded()
                .inputs
                .source(definition.key.source)
                .map(|s| s.path.clone());
            out.push(WorkspaceSymbol {
                name: definition.qualified.clone(),
                kind,
                tags: None,
                container_name: container,
                location: OneOf::Left(location),
                data: None,
            });
            if out.len() >= MAX_WORKSPACE_SYMBOLS {
                break;
            }
        }
        crate::log!(
            Level::Debug,
            "workspace symbols: {} from {} views in {:.1} ms",
            out.len(),
            views.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        Some(WorkspaceSymbolResponse::Nested(out))
    })
    .await
}

/// True when the characters of `query` appear in `name` in order (both lower case).
fn fuzzy_match(query: &str, name: &str) -> bool {
    let mut rest = name.chars();
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|q| rest.any(|c| c == q))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every child's range lies in its parent's, and its selection range in its range.
    fn nested(symbols: &[DocumentSymbol], parent: Option<tower_lsp_server::ls_types::Range>) {
        for symbol in symbols {
            assert!(
                symbol.range.start <= symbol.selection_range.start
                    && symbol.selection_range.end <= symbol.range.end,
                "{symbol:?}"
            );
            if let Some(parent) = parent {
                assert!(
                    parent.start <= symbol.range.start && symbol.range.end <= parent.end,
                    "{symbol:?} outside {parent:?}"
                );
            }
            nested(
                symbol.children.as_deref().unwrap_or_default(),
                Some(symbol.range),
            );
        }
    }

    #[test]
    fn outlines_nest_for_every_prefix_of_a_file() {
        let text = "\u{feff}decorum 1\r\npolicy t.x \"😀 d\"\r\n\r\nterms s = [\"é\"]\n\
                    rule r {\n  title \"T\"\n  param p = 1\n  flag when contains s\n  \
                    example flags \"a 😀 very long example text that goes on and on and on\"\n}\n\
                    use a.b { example passes \"x\" }\n";
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                nested(&outline(&text[..offset], encoding), None);
            }
        }
        let whole = outline(text, Encoding::Utf16);
        assert_eq!(whole.len(), 1);
        let names: Vec<&str> = whole[0]
            .children
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["s", "r", "use a.b"]);
        let rule = &whole[0].children.as_deref().unwrap_or_default()[1];
        let example = &rule.children.as_deref().unwrap_or_default()[1].name;
        assert_eq!(
            example,
            "example flags “a 😀 very long example text that goes on…”"
        );
    }

    #[test]
    fn queries_match_characters_in_order() {
        assert!(fuzzy_match("", "hc.privacy.client-story"));
        assert!(fuzzy_match("clientstory", "hc.privacy.client-story"));
        assert!(fuzzy_match("hc.cs", "hc.privacy.client-story"));
        assert!(!fuzzy_match("storyclient", "hc.privacy.client-story"));
    }
}
