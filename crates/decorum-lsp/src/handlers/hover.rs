//! `textDocument/hover`. In drafts, over a flagged range: what the rule is about and
//! why, how severe it is and who decided that, and where to read more. In policy files,
//! over a name: see [`super::policy_hover`].

use std::sync::Arc;

use tower_lsp_server::ls_types::{
    Diagnostic, Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, NumberOrString,
    Position, Range,
};

use crate::context::{ActivePolicies, SourceLabel};
use crate::diagnostics::{DRAFT_SOURCE, decorum_severity, file_uri};
use crate::state::{Evaluation, Role, State};
use decorum_engine::{RuleInfo, SeverityOrigin};

/// Answers `textDocument/hover`: for policy documents on the blocking pool (an analysis
/// can need a compile), for drafts from the check of the current version. `None` off findings and names, and for
/// unknown documents.
pub async fn hover(state: &Arc<State>, params: HoverParams) -> Option<Hover> {
    let uri = &params.text_document_position_params.text_document.uri;
    if !super::is_policy(state, uri) {
        // Asked right after an edit, the check of the new text may still be running.
        let current = crate::checks::current(state, uri).await?;
        // On the blocking pool: the first link into the std library writes its files.
        return super::off_workers(state, move |state| draft_hover(state, params, current)).await;
    }
    super::off_workers(state, move |state| {
        let at = params.text_document_position_params;
        super::policy_hover::hover(state, &at.text_document.uri, at.position)
    })
    .await
}

/// The hover of a draft: the findings under the cursor, from `latest`, its check.
fn draft_hover(state: &State, params: HoverParams, latest: Evaluation) -> Option<Hover> {
    let at = params.text_document_position_params.position;
    let uri = params.text_document_position_params.text_document.uri;
    let settings = state.settings();
    let (key, hits) = {
        let doc = state.documents.get(&uri)?;
        let Role::Draft(key) = &doc.role else {
            return None;
        };
        if latest.version != doc.text.version || !latest.is_draft {
            return None;
        }
        let hits: Vec<Diagnostic> = latest
            .diagnostics
            .iter()
            .filter(|d| d.source.as_deref() == Some(DRAFT_SOURCE))
            .filter(|d| settings.shows(decorum_severity(d.severity)))
            .filter(|d| contains(d.range, at))
            .cloned()
            .collect();
        (key.clone(), hits)
    };
    if hits.is_empty() {
        return None;
    }
    let active = state.contexts.get(&key)?.active.clone()?;
    let markdown = state.flags().hover_markdown;
    let sections: Vec<String> = hits
        .iter()
        .filter_map(|d| {
            let Some(NumberOrString::String(id)) = &d.code else {
                return None;
            };
            let rule = active
                .set
                .rule(id)
                .or_else(|| active.set.builtin_rules().into_iter().find(|r| r.id == *id))?;
            Some(describe(rule, &active, markdown))
        })
        .collect();
    if sections.is_empty() {
        return None;
    }
    let separator = if markdown { "\n\n---\n\n" } else { "\n\n" };
    Some(markup(sections.join(separator), markdown, hits[0].range))
}

/// A hover of `value` over `range`, Markdown or plain text.
pub(super) fn markup(value: String, markdown: bool, range: Range) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value,
        }),
        range: Some(range),
    }
}

/// `**title** · `id`` (or `title (id)` in plain text) and a blank line.
pub(super) fn heading(title: &str, id: &str, markdown: bool) -> String {
    if markdown {
        format!("**{}** · `{id}`\n\n", escape(title))
    } else {
        format!("{title} ({id})\n\n")
    }
}

/// True when `at` is inside `range` (ends included, so the cursor right after the
/// flagged words still shows the hover).
fn contains(range: Range, at: Position) -> bool {
    range.start <= at && at <= range.end
}

/// The hover text for one rule.
pub fn describe(rule: &RuleInfo, active: &ActivePolicies, markdown: bool) -> String {
    let mut out = heading(&rule.title, &rule.id, markdown);
    if let Some(explain) = &rule.explain {
        out.push_str(explain.trim());
        out.push_str("\n\n");
    }
    let locked = if rule.locked { ", locked" } else { "" };
    let origin = origin(rule.severity_origin, &active.sources, markdown);
    if markdown {
        out.push_str(&format!(
            "Severity: **{}**{locked} ({origin})",
            rule.severity.as_str()
        ));
    } else {
        out.push_str(&format!(
            "Severity: {}{locked} ({origin})",
            rule.severity.as_str()
        ));
    }
    if let Some(link) = &rule.link {
        if markdown {
            out.push_str(&format!("\n\n[Read more]({link})"));
        } else {
            out.push_str(&format!("\n\nRead more: {link}"));
        }
    }
    out
}

/// Where the effective severity was decided: the library's default, the rule's own
/// clause in a local policy, or an override, each with its file and line.
pub(crate) fn origin(origin: SeverityOrigin, sources: &[SourceLabel], markdown: bool) -> String {
    let (kind, source, range) = match origin {
        SeverityOrigin::Builtin => return "built into Decorum".to_owned(),
        SeverityOrigin::Default { source, range } => ("default", source, range),
        SeverityOrigin::Override { source, range } => ("override", source, range),
    };
    let Some(label) = sources.get(source.0 as usize) else {
        return kind.to_owned();
    };
    let line = label.index.line_of(range.start()) + 1;
    let place = format!("{}:{line}", label.path);
    // A std file is linked to its read-only copy on disk, as go-to-definition does.
    let disk = match (&label.disk, markdown) {
        (Some(disk), true) => Some(disk.clone()),
        (None, true) if label.builtin => crate::std_files::std_file(&label.path),
        _ => None,
    };
    let place = match disk.as_deref().and_then(file_uri) {
        Some(uri) => format!("[{place}]({}#L{line})", uri.as_str()),
        None => place,
    };
    match (kind, label.builtin) {
        ("default", true) => format!("library default, {place}"),
        ("default", false) => format!("the rule's default, {place}"),
        _ => format!("override at {place}"),
    }
}

/// Escapes Markdown emphasis characters in a title written by a policy author.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '*' | '_' | '`' | '[' | ']' | '\\' | '<') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}
