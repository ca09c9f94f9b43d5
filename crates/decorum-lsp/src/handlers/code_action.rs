//! `textDocument/codeAction` on drafts (policy files: [`super::policy_actions`]): the
//! fixes of findings as quick fixes, waiver comments
//! ("Allow here…", "Allow in this file…"), and document-level fixes such as adding a
//! disclaimer at the end of the post.
//!
//! Everything comes from the diagnostics' `data`, computed with the check: asked right
//! after an edit, the answer waits for the running check of the new text, or checks it
//! when none runs ([`crate::checks::current`]). Data whose version is not the document's
//! current version is ignored: its ranges no longer fit the text. Edits are versioned
//! (`documentChanges`) where the client supports it, so a client whose text moved on
//! refuses them instead of corrupting the draft.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde_json::json;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, DocumentChanges,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range,
    TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::diagnostics::{DRAFT_SOURCE, EditData, FindingData, file_waiver_offset};
use crate::position::LineMap;
use crate::state::{ClientFlags, Evaluation, State};

/// What the waiver's reason placeholder says: obviously to be replaced, and still a
/// sentence if the writer forgets.
pub const REASON_PLACEHOLDER: &str = "why this is acceptable";

/// The marker (in a code action's `data`) that tells the service wrapper to turn the
/// action's edits into snippet edits.
pub const SNIPPET_MARKER: &str = "decorumSnippet";

/// Answers `textDocument/codeAction`; unknown documents get no actions.
pub async fn code_action(state: &Arc<State>, params: CodeActionParams) -> Vec<CodeActionOrCommand> {
    if super::is_policy(state, &params.text_document.uri) {
        // The policy's analysis may still be computing.
        return super::off_workers(state, move |state| {
            super::policy_actions::policy_actions(state, &params)
        })
        .await;
    }
    // Asked right after an edit, the check of the new text may still be running.
    let current = crate::checks::current(state, &params.text_document.uri).await;
    // On the blocking pool: over a whole draft of findings this is thousands of actions,
    // and the dispatcher would answer nothing else meanwhile.
    super::off_workers(state, move |state| draft_actions(state, params, current)).await
}

/// The code actions of a draft, from `current`, its check.
fn draft_actions(
    state: &State,
    params: CodeActionParams,
    current: Option<Evaluation>,
) -> Vec<CodeActionOrCommand> {
    if let Some(only) = &params.context.only {
        if !only
            .iter()
            .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
        {
            return Vec::new();
        }
    }
    let uri = params.text_document.uri;
    let wanted = params.range;
    let encoding = state.encoding();
    let (version, stored, file_waiver_at, text_start, file_line_end) = {
        let Some(doc) = state.documents.get(&uri) else {
            return Vec::new();
        };
        let version = doc.text.version;
        let text = doc.text.text.as_str();
        let map = LineMap::new(text, &doc.text.index, encoding);
        let file_waiver_at = map.position(file_waiver_offset(text));
        // A waiver on the first line goes after a byte-order mark, not before it.
        let text_start = map.position(decorum_text::TextSize::from(
            decorum_text::bom_len(text) as u32
        ));
        let file_line_end = ending_before(text, &doc.text.index, file_waiver_at.line);
        let stored = current
            .filter(|e| e.version == version && e.is_draft)
            .map(|e| e.diagnostics);
        (version, stored, file_waiver_at, text_start, file_line_end)
    };
    let flags = state.flags();

    // The diagnostics the client sent, then the stored ones (for document-level fixes
    // offered away from the flagged words), each once.
    let mut seen: HashSet<(String, Range)> = HashSet::new();
    let mut actions = Vec::new();
    let from_client = params.context.diagnostics.iter();
    let from_store = stored.iter().flat_map(|s| s.iter());
    for diagnostic in from_client.chain(from_store) {
        let Some((rule, data)) = finding_data(diagnostic, version) else {
            continue;
        };
        if seen.contains(&(rule.clone(), diagnostic.range)) {
            continue;
        }
        let at_finding = intersects(diagnostic.range, wanted);
        let offers: Vec<usize> = data
            .fixes
            .iter()
            .enumerate()
            .filter(|(_, fix)| {
                at_finding || (fix.document && within_reach(diagnostic, fix, wanted))
            })
            .map(|(i, _)| i)
            .collect();
        if !at_finding && offers.is_empty() {
            continue;
        }
        seen.insert((rule.clone(), diagnostic.range));
        for i in offers {
            let fix = &data.fixes[i];
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit {
                    range: e.range,
                    new_text: e.new_text.clone(),
                })
                .collect::<Vec<_>>();
            actions.push(action(
                fix.title.clone(),
                diagnostic,
                workspace_edit(&uri, version, edits, flags),
                i == 0 && fix.safe,
                false,
            ));
        }
        if at_finding {
            let (indent, here_line_end) = data
                .waiver_line
                .and_then(|line| waiver_prefix(state, &uri, version, line))
                .unwrap_or_else(|| (String::new(), file_line_end));
            let places = Waivers {
                rule: &rule,
                here: data.waiver_line.map(|line| match line {
                    0 => text_start,
                    _ => Position { line, character: 0 },
                }),
                indent,
                here_line_end,
                file: file_waiver_at,
                file_line_end,
            };
            actions.extend(waiver_actions(&uri, version, diagnostic, places, flags));
        }
    }
    once_each(actions)
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// `actions` without repeats: two findings may offer the same edit under the same title
/// (a disclaimer at the end of the post, a waiver of one rule before the block both are
/// in, or in the file), and applying both would insert it twice. The first is kept, with
/// its diagnostic and whether it is preferred.
fn once_each(actions: Vec<CodeAction>) -> Vec<CodeAction> {
    // Hashed: a whole draft of findings offers thousands of actions, too many to compare
    // each with every one kept.
    let first: Vec<bool> = {
        let mut offers: HashSet<Offer<'_>> = HashSet::with_capacity(actions.len());
        actions
            .iter()
            .map(|action| offers.insert(Offer(action)))
            .collect()
    };
    actions
        .into_iter()
        .zip(first)
        .filter_map(|(action, first)| first.then_some(action))
        .collect()
}

/// A code action as the writer sees it: two are the same offer when their title, kind
/// and edit are, whichever diagnostic they came from and whether they are preferred.
struct Offer<'a>(&'a CodeAction);

impl PartialEq for Offer<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        a.title == b.title && a.kind == b.kind && a.edit == b.edit
    }
}

impl Eq for Offer<'_> {}

impl Hash for Offer<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.title.hash(state);
        self.0.kind.hash(state);
        for edit in self.0.edit.iter().flat_map(text_edits) {
            edit.range.hash(state);
            edit.new_text.hash(state);
        }
    }
}

/// The text edits of a workspace edit, for hashing: those of every versioned document,
/// and the unversioned ones only when they are of one document (the order of a map's
/// documents is not part of its equality, so it must not be part of the hash).
fn text_edits(edit: &WorkspaceEdit) -> impl Iterator<Item = &TextEdit> {
    let versioned = match &edit.document_changes {
        Some(DocumentChanges::Edits(documents)) => documents.as_slice(),
        _ => &[],
    };
    let versioned = versioned
        .iter()
        .flat_map(|document| &document.edits)
        .map(|edit| match edit {
            OneOf::Left(edit) => edit,
            OneOf::Right(annotated) => &annotated.text_edit,
        });
    let unversioned = edit
        .changes
        .iter()
        .filter(|changes| changes.len() == 1)
        .flat_map(|changes| changes.values().flatten());
    versioned.chain(unversioned)
}

/// The finding data of a Decorum diagnostic computed for `version`.
fn finding_data(diagnostic: &Diagnostic, version: i32) -> Option<(String, FindingData)> {
    if diagnostic.source.as_deref() != Some(DRAFT_SOURCE) {
        return None;
    }
    let Some(NumberOrString::String(rule)) = &diagnostic.code else {
        return None;
    };
    let data = FindingData::decode(diagnostic.data.as_ref()?)?;
    (data.version == version).then(|| (rule.clone(), data))
}

/// Where the waiver comments of a finding go.
struct Waivers<'a> {
    rule: &'a str,
    /// "Allow here": the start of the flagged block's line; `None` when the finding
    /// cannot be waived.
    here: Option<Position>,
    /// What goes before the "Allow here" comment on its line (see [`waiver_prefix`]).
    indent: String,
    /// How the "Allow here" comment's line ends (see [`ending_before`]).
    here_line_end: &'static str,
    /// "Allow in this file": after the front matter.
    file: Position,
    /// How the "Allow in this file" comment's line ends.
    file_line_end: &'static str,
}

/// "Allow here…" and "Allow in this file…".
fn waiver_actions(
    uri: &Uri,
    version: i32,
    diagnostic: &Diagnostic,
    places: Waivers<'_>,
    flags: ClientFlags,
) -> Vec<CodeAction> {
    let Some(here) = places.here else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (snippet, reason) = placeholder(flags, REASON_PLACEHOLDER);
    let spots = [
        (
            here,
            places.indent.as_str(),
            places.here_line_end,
            "decorum-allow",
            "here",
        ),
        (
            places.file,
            "",
            places.file_line_end,
            "decorum-allow-file",
            "in this file",
        ),
    ];
    for (at, indent, line_end, directive, scope) in spots {
        let text = format!(
            "{indent}<!-- {directive} {}: {reason} -->{line_end}",
            places.rule
        );
        let edit = TextEdit {
            range: Range { start: at, end: at },
            new_text: text,
        };
        out.push(action(
            format!("Allow {} {scope}…", places.rule),
            diagnostic,
            workspace_edit(uri, version, vec![edit], flags),
            false,
            snippet,
        ));
    }
    out
}

/// What keeps a waiver comment inserted before `line` inside the containers `line` is
/// in: the line's block-quote markers (`> `, `> > `), since a comment at column 0 between
/// two lines of a quote would end it; then, for a list item, the spaces that make the
/// comment a continuation of the item before (see [`list_continuation_indent`]). Empty
/// (column 0) when neither applies. With it, how the comment's line ends: as `line` does
/// (see [`ending_before`]). `None` when the document moved on.
fn waiver_prefix(
    state: &State,
    uri: &Uri,
    version: i32,
    line: u32,
) -> Option<(String, &'static str)> {
    let doc = state.documents.get(uri)?;
    if doc.text.version != version {
        return None;
    }
    let text = doc.text.text.as_str();
    let content = |l: u32| {
        doc.text
            .index
            .line_content(text, l)
            .map(|r| decorum_text::slice(text, r))
    };
    let line_end = ending_before(text, &doc.text.index, line);
    let this = content(line)?;
    let quote = quote_prefix(this, usize::MAX);
    let depth = quote.matches('>').count();
    let above = (0..line)
        .rev()
        .filter_map(content)
        .map(|l| line_inside(l, depth))
        .find(|l| l != &Inside::Blank);
    let above = match above {
        Some(Inside::Text(l)) => Some(l),
        _ => None,
    };
    let list = list_continuation_indent(&this[quote.len()..], above);
    let prefix = format!("{quote}{}", list.unwrap_or_default());
    Some((prefix, line_end))
}

/// A line above a waiver's line, as seen from inside the block quotes of depth `depth`
/// that the waiver's line is in.
#[derive(Debug, PartialEq, Eq)]
enum Inside<'a> {
    /// Nothing, or only the quote's markers: a list goes on across it.
    Blank,
    /// Text inside the same quotes, after their markers.
    Text(&'a str),
    /// Where the quote begins: a blank line without markers (the quote cannot go on
    /// across it). What is above says nothing of the quote's lists.
    QuoteStart,
}

/// `line` seen from inside `depth` block quotes (see [`Inside`]). A line with fewer
/// markers than `depth` that is not blank is a lazy continuation of a paragraph in the
/// quote, or a line before the quote that no blank line separates from it; either way
/// it says nothing of the quote's lists, and counts as blank.
fn line_inside(line: &str, depth: usize) -> Inside<'_> {
    if depth == 0 {
        return if line.trim().is_empty() {
            Inside::Blank
        } else {
            Inside::Text(line)
        };
    }
    if line.trim().is_empty() {
        return Inside::QuoteStart;
    }
    let markers = quote_prefix(line, depth);
    if markers.matches('>').count() < depth {
        return Inside::Blank;
    }
    let rest = &line[markers.len()..];
    if rest.trim().is_empty() {
        Inside::Blank
    } else {
        Inside::Text(rest)
    }
}

/// The first `most` block-quote markers at the start of `line` (`> `, `>> `, ` > > `),
/// with the space after the last one; empty outside a quote.
fn quote_prefix(line: &str, most: usize) -> &str {
    let mut end = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut found = 0;
    while found < most {
        // Up to three spaces of indentation before each marker.
        let mut j = i;
        while j < bytes.len() && j - i < 3 && bytes[j] == b' ' {
            j += 1;
        }
        if bytes.get(j) != Some(&b'>') {
            break;
        }
        j += 1;
        if bytes.get(j) == Some(&b' ') {
            j += 1;
        }
        end = j;
        i = j;
        found += 1;
    }
    &line[..end]
}

/// How a line inserted before line `line` of `text` ends: as `line` ends (a draft or a
/// policy file may mix `\r\n` and a stray `\r`; the new line then reads as part of its
/// neighbourhood), or, for a last line without an ending (or the empty line after a last
/// line ending), as the line before it ends; `\n` in a text of one line.
pub(super) fn ending_before(
    text: &str,
    index: &decorum_text::LineIndex,
    line: u32,
) -> &'static str {
    let ending = |l: u32| {
        let range = index.line_range(l)?;
        let slice = text.get(std::ops::Range::<usize>::from(range))?;
        if slice.ends_with("\r\n") {
            Some("\r\n")
        } else if slice.ends_with('\r') {
            Some("\r")
        } else if slice.ends_with('\n') {
            Some("\n")
        } else {
            None
        }
    };
    ending(line)
        .or_else(|| line.checked_sub(1).and_then(ending))
        .unwrap_or("\n")
}

/// The spaces that keep a waiver comment inserted before list item `item` inside its
/// list: at column 0 between two items, the comment would end the list, and the items
/// after it would start another (an ordered one numbered anew). Indented to the item's
/// content, it continues the item before. `None` (column 0) when `item` is no list item
/// or the first of its list: `above`, the nearest non-blank line before it, is neither
/// an item nor indented under one.
fn list_continuation_indent(item: &str, above: Option<&str>) -> Option<String> {
    let (_, item) = list_item_columns(item)?;
    let above = above?;
    let column = match list_item_columns(above) {
        Some((_, before)) => item.max(before),
        None if above.len() - above.trim_start_matches(' ').len() >= item => item,
        None => return None,
    };
    Some(" ".repeat(column))
}

/// For a list item line (`- text`, `* text`, `+ text`, `12. text`, `3) text`, after any
/// spaces), the columns of its marker and of its content.
fn list_item_columns(line: &str) -> Option<(usize, usize)> {
    let rest = line.trim_start_matches(' ');
    let marker_at = line.len() - rest.len();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match rest.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return None,
    };
    let after = rest.get(marker..)?;
    let spaces = after.len() - after.trim_start_matches(' ').len();
    // The marker must be followed by a space (an empty item aside); five or more spaces
    // make the content an indented code block one space in.
    if spaces == 0 && !after.is_empty() {
        return None;
    }
    let gap = if (1..=4).contains(&spaces) { spaces } else { 1 };
    Some((marker_at, marker_at + marker + gap))
}

/// Whether inserted text can be a snippet for this client, and `text` as what the
/// writer replaces: a tab stop in a snippet, the plain sentence otherwise.
pub(super) fn placeholder(flags: ClientFlags, text: &str) -> (bool, String) {
    if flags.snippet_edits && flags.document_changes {
        (true, format!("${{1:{text}}}"))
    } else {
        (false, text.to_owned())
    }
}

/// A quick fix for `diagnostic`; `snippet` marks its edits for the service wrapper.
pub(super) fn action(
    title: String,
    diagnostic: &Diagnostic,
    edit: WorkspaceEdit,
    preferred: bool,
    snippet: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(edit),
        command: None,
        is_preferred: preferred.then_some(true),
        disabled: None,
        data: snippet.then(|| json!({ SNIPPET_MARKER: true })),
    }
}

/// Edits of one document, versioned when the client supports `documentChanges`.
pub(super) fn workspace_edit(
    uri: &Uri,
    version: i32,
    edits: Vec<TextEdit>,
    flags: ClientFlags,
) -> WorkspaceEdit {
    if flags.document_changes {
        WorkspaceEdit {
            changes: None,
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            change_annotations: None,
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            document_changes: None,
            change_annotations: None,
        }
    }
}

fn intersects(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// A document-level fix is offered anywhere from its finding to where it inserts.
fn within_reach(diagnostic: &Diagnostic, fix: &crate::diagnostics::FixData, wanted: Range) -> bool {
    let end = fix
        .edits
        .iter()
        .map(|e: &EditData| e.range.end)
        .max()
        .unwrap_or(diagnostic.range.end);
    let reach = Range {
        start: diagnostic.range.start.min(end),
        end: Position::max(diagnostic.range.end, end),
    };
    intersects(reach, wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(line: u32) -> Diagnostic {
        Diagnostic {
            range: Range {
                start: Position { line, character: 0 },
                end: Position { line, character: 7 },
            },
            message: format!("finding on line {line}"),
            ..Default::default()
        }
    }

    fn insert(line: u32, text: &str, flags: ClientFlags) -> WorkspaceEdit {
        let uri: Uri = "file:///tmp/post.md".parse().expect("a valid URI");
        let at = Position { line, character: 0 };
        let edit = TextEdit {
            range: Range { start: at, end: at },
            new_text: text.to_owned(),
        };
        workspace_edit(&uri, 3, vec![edit], flags)
    }

    /// The title and the line of the first diagnostic of each action.
    fn offered(actions: &[CodeAction]) -> Vec<(&str, u32)> {
        actions
            .iter()
            .map(|a| {
                let from = a.diagnostics.as_ref().and_then(|d| d.first());
                (
                    a.title.as_str(),
                    from.map_or(u32::MAX, |d| d.range.start.line),
                )
            })
            .collect()
    }

    #[test]
    fn the_same_offer_from_two_diagnostics_is_kept_once_and_distinct_ones_all() {
        for document_changes in [true, false] {
            let flags = ClientFlags {
                document_changes,
                ..ClientFlags::default()
            };
            let offer = |title: &str, from: &Diagnostic, line: u32, text: &str| {
                action(
                    title.to_owned(),
                    from,
                    insert(line, text, flags),
                    false,
                    false,
                )
            };
            let (one, two) = (diagnostic(0), diagnostic(2));
            let disclaimer = "Add “Views are my own.” at the end of the post";
            let here = "Allow test.opinion here…";
            let mut preferred = offer(disclaimer, &one, 4, "V.");
            preferred.is_preferred = Some(true);
            let mut other_kind = offer(here, &two, 0, "<!-- a -->");
            other_kind.kind = Some(CodeActionKind::REFACTOR);
            let mut snippet = offer(here, &two, 2, "<!-- a -->");
            snippet.data = Some(json!({ SNIPPET_MARKER: true }));
            let actions = vec![
                preferred,
                offer(here, &one, 0, "<!-- a -->"),
                // The same offer from the second finding: left out.
                offer(disclaimer, &two, 4, "V."),
                // The same title with another edit, the same edit under another title,
                // the same title and edit of another kind.
                offer(here, &two, 2, "<!-- a -->"),
                offer("Allow it", &two, 4, "V."),
                other_kind,
                // A repeat of the second finding's waiver: left out.
                snippet,
            ];
            let kept = once_each(actions);
            assert_eq!(
                offered(&kept),
                [
                    (disclaimer, 0),
                    (here, 0),
                    (here, 2),
                    ("Allow it", 2),
                    (here, 2)
                ],
                "document_changes: {document_changes}"
            );
            assert_eq!(kept[0].is_preferred, Some(true));
            assert_eq!(kept[4].kind, Some(CodeActionKind::REFACTOR));
        }
    }
}
