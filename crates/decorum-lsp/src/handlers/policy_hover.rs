//! `textDocument/hover` in policy files: what a name refers to.
//!
//! - On a rule (its definition or any reference: `use`, `disable`, ...): its title and
//!   id, its effective severity and the chain that produced it (the rule's own severity,
//!   a library default for the standard library, then each `use` override with its file
//!   and line), parameter overrides and disables, and the severity the workspace's
//!   configuration gives it when that differs (an importer this file cannot see).
//! - On a term set: its first members, where it is defined, and every `extend` of it the
//!   server knows.
//! - On a parameter (in its rule, or assigned in a `use` block): its value as written and
//!   every override of it.
//! - On a policy: what it is and where it is defined.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use decorum_engine::{Definition, OverrideChange, PolicySource, SourceId, SymbolKind};
use decorum_syntax::{Item, SetOp, TermExpr, TermPattern};
use decorum_text::{LineIndex, TextRange, TextSize};
use tower_lsp_server::ls_types::{Hover, Position, Uri};

use crate::analysis::PolicyAnalysis;
use crate::context::{ContextKey, PolicyContext};
use crate::navigation::{self, View};
use crate::position::LineMap;
use crate::state::State;

/// How many members of a term set the hover lists.
const SHOWN_MEMBERS: usize = 8;

/// The hover at `position` of the policy document `uri`; `None` off names.
pub fn hover(state: &State, uri: &Uri, position: Position) -> Option<Hover> {
    let (analysis, source, offset) = navigation::document_offset(state, uri, position)?;
    let (definition, under_cursor) = navigation::definition_at(&analysis, source, offset)?;
    let key = definition.key.clone();
    let markdown = state.flags().hover_markdown;
    let view = View::Analysis(Arc::clone(&analysis));
    let text = match key.kind {
        SymbolKind::Rule => describe_rule(state, &analysis, &view, &definition, markdown),
        SymbolKind::TermSet => describe_set(state, &analysis, &view, &definition, markdown),
        SymbolKind::Param => describe_param(&view, &definition, markdown),
        SymbolKind::Policy => describe_policy(&view, &definition, markdown),
        SymbolKind::Example => return None,
    };
    let document = analysis.text()?;
    let index = LineIndex::new(document);
    let range = LineMap::new(document, &index, state.encoding()).range(under_cursor);
    Some(super::hover::markup(text, markdown, range))
}

/// Title, id, effective severity and how it came about.
fn describe_rule(
    state: &State,
    analysis: &PolicyAnalysis,
    view: &View,
    definition: &Definition,
    markdown: bool,
) -> String {
    let id = &definition.qualified;
    let rule = defining_source(view, definition).and_then(|s| {
        s.parse
            .file
            .rules()
            .find(|r| r.name.text == definition.key.name)
    });
    let title = rule
        .and_then(|r| r.text(decorum_syntax::TextKind::Title))
        .map_or_else(|| definition.key.name.clone(), |t| t.value.clone());
    let mut out = super::hover::heading(&title, id, markdown);
    let builtin = defining_source(view, definition).is_some_and(|s| s.builtin);
    // The chain: the rule's own severity, then every override in the order applied.
    let clause = rule.and_then(|r| r.severity());
    let (default, at, locked) = match clause {
        Some(c) => (c.level.value, c.range.start(), c.locked.is_some()),
        None => (
            decorum_syntax::Severity::Warning,
            definition.name_range.start(),
            false,
        ),
    };
    let mut chain = vec![format!(
        "{}: {}{} ({})",
        if builtin {
            "library default"
        } else {
            "the rule's default"
        },
        strong(default.as_str(), markdown),
        if locked { ", locked" } else { "" },
        place(view, definition.key.source, at, markdown),
    )];
    let mut effective = default;
    let audit = view.audit();
    for record in audit.overrides.iter().filter(|o| o.rule == *id) {
        let place = place(view, record.source, record.range.start(), markdown);
        match &record.change {
            OverrideChange::Severity { to, .. } => {
                effective = *to;
                chain.push(format!(
                    "override: {} (`use` at {place})",
                    strong(to.as_str(), markdown)
                ));
            }
            OverrideChange::Param { name, to, .. } => {
                chain.push(format!("parameter {name} = {to} (`use` at {place})"));
            }
        }
    }
    let mut disabled = false;
    for record in audit.disables.iter().filter(|d| d.rule == *id) {
        disabled = true;
        chain.push(format!(
            "disabled at {}: {}",
            place(view, record.source, record.range.start(), markdown),
            record.reason
        ));
    }
    if let Some(compiled) = analysis
        .compiled
        .policy_set
        .as_ref()
        .and_then(|set| set.rule(id))
    {
        effective = compiled.severity;
    }
    // A disabled rule never fires: its severity is what it would have, not what it has.
    let _ = if disabled {
        write!(
            out,
            "Severity: {} ({} if it were enabled)\n\n",
            strong("disabled", markdown),
            effective.as_str()
        )
    } else {
        write!(
            out,
            "Severity: {}\n\n",
            strong(effective.as_str(), markdown)
        )
    };
    for step in chain {
        let _ = writeln!(out, "- {step}");
    }
    if let Some(workspace) = workspace_severity(state, analysis, id, effective, markdown) {
        let _ = write!(out, "\n{workspace}\n");
    }
    if let Some(explain) = rule.and_then(|r| r.text(decorum_syntax::TextKind::Explain)) {
        // The parser already took the common indentation out of the `"""` text.
        let _ = write!(out, "\n{}\n", explain.value.trim());
    }
    out.trim_end().to_owned()
}

/// The severity the workspace's configuration gives the rule, when it loads it and that
/// differs from `here` (what the file and its imports make of it): an importer the file
/// cannot see (the organisation's policy above a shared file) changed it.
fn workspace_severity(
    state: &State,
    analysis: &PolicyAnalysis,
    id: &str,
    here: decorum_syntax::Severity,
    markdown: bool,
) -> Option<String> {
    let active = workspace_context(state, &analysis.path)?.active.clone()?;
    let rule = active.set.rule(id)?;
    if rule.severity == here {
        return None;
    }
    let origin = super::hover::origin(rule.severity_origin, &active.sources, markdown);
    Some(format!(
        "In this workspace's configuration: {} ({origin})",
        strong(rule.severity.as_str(), markdown)
    ))
}

/// The loaded context that a draft beside the policy file at `path` (canonical) has:
/// that of the `decorum.toml` above it, else the defaults of the innermost workspace
/// folder holding it. Contexts are keyed by paths as the client names them (a draft's, a
/// workspace folder's), and the client may reach the folder through a symbolic link
/// (`/home/me/clinic` for `/srv/clinic`): the key the canonical path gives is then
/// compared with each loaded key, its links resolved.
fn workspace_context(state: &State, path: &Path) -> Option<Arc<PolicyContext>> {
    let key = ContextKey::for_document(Some(path), &state.canonical_folders());
    if let Some(context) = state.contexts.get(&key) {
        return Some(Arc::clone(&context));
    }
    // No file-system call under a shard lock.
    let loaded: Vec<(ContextKey, Arc<PolicyContext>)> = state
        .contexts
        .iter()
        .map(|entry| (entry.key().clone(), Arc::clone(entry.value())))
        .collect();
    loaded
        .into_iter()
        .find(|(loaded, _)| resolved(loaded).is_some_and(|loaded| loaded == key))
        .map(|(_, context)| context)
}

/// `key` with the symbolic links of its folder resolved, as [`ContextKey::for_document`]
/// makes it of a canonical path: a `decorum.toml` is named in its folder (a link to the
/// file is not followed). `None` when the folder is gone.
fn resolved(key: &ContextKey) -> Option<ContextKey> {
    Some(match key {
        ContextKey::Config(file) => {
            let folder = std::fs::canonicalize(file.parent()?).ok()?;
            ContextKey::Config(folder.join(file.file_name()?))
        }
        ContextKey::Defaults(root) => ContextKey::Defaults(std::fs::canonicalize(root).ok()?),
    })
}

/// First members, definition and extensions.
fn describe_set(
    state: &State,
    analysis: &Arc<PolicyAnalysis>,
    view: &View,
    definition: &Definition,
    markdown: bool,
) -> String {
    let mut out = super::hover::heading("term set", &definition.qualified, markdown);
    let decl = defining_source(view, definition).and_then(|s| {
        s.parse
            .file
            .term_sets()
            .find(|t| t.name.text == definition.key.name)
    });
    if let Some(decl) = decl {
        let mut members = Vec::new();
        let mut total = 0;
        collect_members(&decl.expr, false, &mut members, &mut total);
        let more = total.saturating_sub(members.len());
        let mut line = members.join(", ");
        if more > 0 {
            let _ = write!(line, ", … ({more} more)");
        }
        let _ = write!(out, "Members: {}\n\n", code(&line, markdown));
    }
    let _ = writeln!(
        out,
        "- defined at {}",
        place(
            view,
            definition.key.source,
            definition.name_range.start(),
            markdown
        )
    );
    if let Some(global) = view.global(&definition.key) {
        let views = navigation::views(state, Some(analysis));
        let open = navigation::open_policy_paths(state);
        for (site_view, source, range) in navigation::reference_sites(&views, &global, &open) {
            let Some(extend) = extend_at(site_view, source, range) else {
                continue;
            };
            let _ = writeln!(
                out,
                "- extended ({}) at {}",
                if extend { "-=" } else { "+=" },
                place(site_view, source, range.start(), markdown)
            );
        }
    }
    out.trim_end().to_owned()
}

/// `Some(removes)` when `range` of `source` is the target of an `extend` item.
fn extend_at(view: &View, source: SourceId, range: TextRange) -> Option<bool> {
    let file = &view.loaded().inputs.source(source)?.parse.file;
    file.items.iter().find_map(|item| match item {
        Item::Extend(e) if e.target.range == range => Some(e.remove),
        _ => None,
    })
}

/// The members of a set expression in order, up to [`SHOWN_MEMBERS`]; `total` counts
/// them all. Members taken away (`A - B`) are shown with a leading `-`.
fn collect_members(expr: &TermExpr, minus: bool, out: &mut Vec<String>, total: &mut usize) {
    let sign = if minus { "-" } else { "" };
    let mut push = |shown: String, out: &mut Vec<String>| {
        *total += 1;
        if out.len() < SHOWN_MEMBERS {
            out.push(format!("{sign}{shown}"));
        }
    };
    match expr {
        TermExpr::List(list) => {
            for term in &list.terms {
                let shown = match &term.pattern {
                    TermPattern::Phrase(s) => format!("{:?}", s.value),
                    TermPattern::Regex(r) => format!("/{}/{}", r.pattern, r.flags),
                };
                push(shown, out);
            }
        }
        TermExpr::Ref(path) => push(path.dotted(), out),
        TermExpr::Binary { op, lhs, rhs, .. } => {
            collect_members(lhs, minus, out, total);
            collect_members(rhs, minus ^ (*op == SetOp::Difference), out, total);
        }
    }
}

/// A parameter: its value as written in the rule, then every override of it.
fn describe_param(view: &View, definition: &Definition, markdown: bool) -> String {
    let name = &definition.key.name;
    let rule_id = definition
        .qualified
        .strip_suffix(&format!(".{name}"))
        .unwrap_or(&definition.qualified);
    let mut out = super::hover::heading(&format!("parameter {name}"), rule_id, markdown);
    // The value as written in its `param` clause.
    let written = defining_source(view, definition)
        .and_then(|s| {
            let decl = s
                .parse
                .file
                .rules()
                .flat_map(|r| r.params())
                .find(|p| p.range == definition.range)?;
            let value = decl.value.range();
            s.text
                .get(usize::from(value.start())..usize::from(value.end()))
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "- default: {} ({})",
        code(written, markdown),
        defined_at(view, definition, markdown)
    );
    for record in view.audit().overrides.iter().filter(|o| o.rule == rule_id) {
        let OverrideChange::Param {
            name: changed, to, ..
        } = &record.change
        else {
            continue;
        };
        if changed == name {
            let _ = writeln!(
                out,
                "- override: {} (`use` at {})",
                code(to, markdown),
                place(view, record.source, record.range.start(), markdown)
            );
        }
    }
    out.trim_end().to_owned()
}

/// A policy: where it is declared.
fn describe_policy(view: &View, definition: &Definition, markdown: bool) -> String {
    let mut out = super::hover::heading("policy", &definition.qualified, markdown);
    let _ = write!(
        out,
        "- defined at {}",
        defined_at(view, definition, markdown)
    );
    out
}

/// The file that defines `definition`.
fn defining_source<'v>(view: &'v View, definition: &Definition) -> Option<&'v PolicySource> {
    view.loaded().inputs.source(definition.key.source)
}

/// Where `definition` is, as [`place`] shows it.
fn defined_at(view: &View, definition: &Definition, markdown: bool) -> String {
    place(
        view,
        definition.key.source,
        definition.range.start(),
        markdown,
    )
}

/// `path:line`, linked to the file in Markdown.
fn place(view: &View, source: SourceId, offset: TextSize, markdown: bool) -> String {
    let Some((path, line)) = view.place(source, offset) else {
        return "?".to_owned();
    };
    let shown = format!("{path}:{line}");
    if !markdown {
        return shown;
    }
    match view.file(source).and_then(|f| navigation::uri_of(&f)) {
        Some(uri) => format!("[{shown}]({}#L{line})", uri.as_str()),
        None => shown,
    }
}

/// Bold in Markdown.
fn strong(text: &str, markdown: bool) -> String {
    if markdown {
        format!("**{text}**")
    } else {
        text.to_owned()
    }
}

/// Code in Markdown (backticks inside are left to the client).
fn code(text: &str, markdown: bool) -> String {
    if markdown {
        format!("`{}`", text.replace('`', "'"))
    } else {
        text.to_owned()
    }
}
