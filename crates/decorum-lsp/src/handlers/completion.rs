//! `textDocument/completion` in policy files.
//!
//! What is offered depends on the text before the cursor on its line:
//! - inside `import "`: the files and folders of the embedded standard library, or after
//!   `./` and `../` the policy files and folders there;
//! - inside the string of `channel == "`, `channel != "` or `channel in [..., "`: the
//!   channels the engine knows (also right after `channel ==`, with the quotes);
//! - after `severity`: the severities, then `locked`;
//! - at the start of a line: the item keywords (`rule`, `terms`, `import`, ...);
//! - after `use` or `disable`: the rules in scope, after `extend`: the term sets;
//! - elsewhere: keywords of rules and conditions, the term sets in scope, the enclosing
//!   rule's parameters, the post fields and `meta.`.
//!
//! Names in scope are the file's own and those of its imports, written the way they must
//! be (`alias.name` for a file, `alias.module.name` for a folder). Local names come from
//! a parse of the editor's text; imported ones from the document's latest analysis, so
//! typing does not wait for a compile. Nothing is offered inside other strings,
//! regexes, `explain` texts or comments.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use decorum_engine::{
    ImportResolution, SourceId, SymbolKind, import_alias, known_channels, post_fields,
};
use decorum_syntax::{Item, Severity};
use decorum_text::{LineIndex, TextRange, TextSize};
use decorum_workspace::load::MAX_FOLDER_DEPTH;
use decorum_workspace::{EXTENSION, Sandbox, normalize, unsaved_policy_stem};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    TextEdit,
};

use crate::analysis::{self, PolicyAnalysis};
use crate::position::LineMap;
use crate::state::{Role, State};

/// Keywords that start a top-level item.
const ITEM_KEYWORDS: &[&str] = &[
    "decorum", "policy", "import", "terms", "rule", "use", "extend", "disable",
];

/// Every other keyword of the language: term-set options, rule clauses, conditions,
/// scopes and functions (`grammar/decorum.pest`; a test keeps the two lists complete).
const KEYWORDS: &[&str] = &[
    "as",
    "because",
    "masked",
    "case-sensitive",
    "unless",
    "negated",
    "quoted",
    "allow",
    "severity",
    "error",
    "warning",
    "info",
    "hint",
    "locked",
    "title",
    "message",
    "link",
    "explain",
    "tags",
    "param",
    "flag",
    "batch",
    "once",
    "when",
    "require",
    "fix",
    "replace",
    "remove",
    "append",
    "prepend",
    "example",
    "flags",
    "passes",
    "at",
    "or",
    "and",
    "not",
    "in",
    "contains",
    "near",
    "words",
    "chars",
    "ordered",
    "has",
    "channel",
    "type",
    "sentence",
    "paragraph",
    "post",
    "first",
    "count",
    "share",
    "posts",
    "true",
    "false",
];

/// What the cursor is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    /// The path of an `import`.
    ImportPath,
    /// A channel string (`quoted`: the quotes are still to be written).
    Channel { quoted: bool },
    /// After `severity`.
    Severity,
    /// After `severity LEVEL`.
    Locked,
    /// The first word of a line.
    ItemStart,
    /// After `use` or `disable`.
    RuleName,
    /// After `extend`.
    SetName,
    /// Anywhere else in code.
    Code,
    /// Inside another string or a comment.
    Nothing,
}

/// Answers `textDocument/completion` for policy documents; `None` for other documents.
/// Runs on the blocking pool: without a stored analysis, one is computed.
pub async fn completion(
    state: &Arc<State>,
    params: CompletionParams,
) -> Option<CompletionResponse> {
    super::off_workers(state, move |state| complete(state, params)).await
}

/// [`completion`] on the calling thread.
fn complete(state: &State, params: CompletionParams) -> Option<CompletionResponse> {
    let uri = params.text_document_position.text_document.uri;
    let position = params.text_document_position.position;
    let (text, path) = {
        let doc = state.documents.get(&uri)?;
        // Unsaved policies (no `.decorum` path yet) are known by their language id.
        if doc.role != Role::Policy && doc.language_id != "decorum" {
            return None;
        }
        (doc.text.text.clone(), doc.path.clone())
    };
    let index = LineIndex::new(&text);
    let map = LineMap::new(&text, &index, state.encoding());
    let offset = usize::from(map.offset(position));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let (site, word_start) = if in_triple_string(&text[..offset]) {
        (Site::Nothing, before.len())
    } else {
        site(before)
    };
    let replace = map.range(TextRange::new(
        to_size(line_start + word_start),
        to_size(offset),
    ));
    let edit = |new_text: String| {
        Some(CompletionTextEdit::Edit(TextEdit {
            range: replace,
            new_text,
        }))
    };
    let item = |label: String, kind: CompletionItemKind, detail: Option<String>| CompletionItem {
        text_edit: edit(label.clone()),
        label,
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    };
    let mut items: Vec<CompletionItem> = Vec::new();
    match site {
        Site::Nothing => {}
        Site::ImportPath => {
            let typed = &before[word_start..];
            let (paths, what) = if typed.starts_with('.') {
                let folders = state.canonical_folders();
                let open = open_policy_files(state);
                (
                    relative_import_paths(path.as_deref(), typed, &folders, &open),
                    "",
                )
            } else {
                (std_import_paths(), "standard library ")
            };
            items.extend(paths.into_iter().map(|(path, folder)| {
                let (kind, detail) = if folder {
                    (CompletionItemKind::FOLDER, format!("{what}folder"))
                } else {
                    (CompletionItemKind::FILE, format!("{what}policy"))
                };
                item(path, kind, Some(detail))
            }));
        }
        Site::Channel { quoted } => items.extend(known_channels().iter().map(|channel| {
            let mut it = item(
                (*channel).to_owned(),
                CompletionItemKind::VALUE,
                Some("channel".to_owned()),
            );
            if !quoted {
                it.text_edit = edit(format!("\"{channel}\""));
            }
            it
        })),
        Site::Severity => items.extend(severities().map(|s| {
            item(
                s.to_owned(),
                CompletionItemKind::ENUM_MEMBER,
                Some("severity".to_owned()),
            )
        })),
        Site::Locked => items.push(item(
            "locked".to_owned(),
            CompletionItemKind::KEYWORD,
            Some("importers may raise the severity, never lower or disable the rule".to_owned()),
        )),
        Site::ItemStart => items.extend(
            ITEM_KEYWORDS
                .iter()
                .map(|k| item((*k).to_owned(), CompletionItemKind::KEYWORD, None)),
        ),
        Site::RuleName | Site::SetName | Site::Code => {
            let wanted = match site {
                Site::RuleName => &[SymbolKind::Rule][..],
                Site::SetName => &[SymbolKind::TermSet][..],
                _ => &[SymbolKind::TermSet][..],
            };
            let stored = state
                .analyses
                .get(&uri)
                .map(|a| Arc::clone(a.value()))
                .or_else(|| analysis::for_document(state, &uri));
            for (name, kind, detail) in names_in_scope(&text, stored.as_deref(), wanted) {
                let lsp_kind = match kind {
                    SymbolKind::Rule => CompletionItemKind::FUNCTION,
                    _ => CompletionItemKind::CONSTANT,
                };
                items.push(item(name, lsp_kind, Some(detail)));
            }
            if site == Site::Code {
                items.extend(
                    enclosing_params(&text, offset, stored.as_deref())
                        .into_iter()
                        .map(|p| item(p, CompletionItemKind::PROPERTY, Some("parameter".into()))),
                );
                items.extend(post_fields().map(|(name, meaning)| {
                    item(
                        name.to_owned(),
                        CompletionItemKind::FIELD,
                        Some(format!("post field: {meaning}")),
                    )
                }));
                items.push(item(
                    "meta.".to_owned(),
                    CompletionItemKind::FIELD,
                    Some("a metadata key: meta.KEY".to_owned()),
                ));
                items.extend(
                    KEYWORDS
                        .iter()
                        .map(|k| item((*k).to_owned(), CompletionItemKind::KEYWORD, None)),
                );
            }
        }
    }
    Some(CompletionResponse::Array(items))
}

/// Where the cursor is, from the text of its line before it, and where the word being
/// completed starts (a byte offset in `before`).
fn site(before: &str) -> (Site, usize) {
    // Strings, regexes and comments on the line, up to the cursor. A regex is only ever
    // a member of a term list, so a `/` after `[` or `,` starts one; elsewhere it divides.
    let mut in_string: Option<usize> = None;
    let mut in_regex = false;
    let mut escaped = false;
    let mut previous = ' ';
    for (i, ch) in before.char_indices() {
        if in_string.is_some() || in_regex {
            if escaped {
                escaped = false;
                continue;
            }
            match ch {
                '\\' => escaped = true,
                '"' if in_string.is_some() => in_string = None,
                '/' if in_regex => in_regex = false,
                _ => {}
            }
            if in_string.is_none() && !in_regex {
                previous = ch;
            }
            continue;
        }
        match ch {
            '"' => in_string = Some(i + 1),
            '#' => return (Site::Nothing, before.len()),
            '/' if matches!(previous, '[' | ',') => in_regex = true,
            _ => {}
        }
        if !ch.is_whitespace() {
            previous = ch;
        }
    }
    if in_regex {
        return (Site::Nothing, before.len());
    }
    if let Some(start) = in_string {
        let head = before[..start - 1].trim_end();
        let words: Vec<&str> = head.split_whitespace().collect();
        if words.first() == Some(&"import") && words.len() == 1 {
            return (Site::ImportPath, start);
        }
        let channel = head.ends_with("==")
            || head.ends_with("!=")
            || head.ends_with('[')
            || head.ends_with(',');
        if channel && mentions_channel(head) {
            return (Site::Channel { quoted: true }, start);
        }
        return (Site::Nothing, before.len());
    }
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let head = before[..word_start].trim_end();
    let last = head
        .rsplit(|c: char| c.is_whitespace() || c == '{')
        .next()
        .unwrap_or("");
    let site = if head.is_empty() && word_start == 0 {
        Site::ItemStart
    } else if last == "severity" {
        Site::Severity
    } else if Severity::from_keyword(last).is_some() && head.contains("severity") {
        Site::Locked
    } else if (head.ends_with("==") || head.ends_with("!=")) && mentions_channel(head) {
        Site::Channel { quoted: false }
    } else if head == "use" || head == "disable" {
        Site::RuleName
    } else if head == "extend" {
        Site::SetName
    } else {
        Site::Code
    };
    (site, word_start)
}

/// True when the text before the cursor leaves a `"""` string open (an `explain` text
/// over several lines). Counts every `"""`, so one inside a comment can mislead it.
fn in_triple_string(before: &str) -> bool {
    before.matches("\"\"\"").count() % 2 == 1
}

/// True when the last condition before the cursor tests `channel`.
fn mentions_channel(head: &str) -> bool {
    let operator = head
        .rfind("==")
        .max(head.rfind("!="))
        .max(head.rfind(" in "));
    let Some(at) = operator else {
        return false;
    };
    head[..at].trim_end().ends_with("channel")
}

/// The severities, most serious first.
fn severities() -> impl Iterator<Item = &'static str> {
    [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Hint,
    ]
    .into_iter()
    .map(Severity::as_str)
}

/// Every import path of the standard library with whether it is a folder, sorted.
fn std_import_paths() -> Vec<(String, bool)> {
    let mut paths = BTreeSet::new();
    for file in decorum_workspace::stdlib::files() {
        paths.insert((file.path.to_owned(), false));
        let mut folder = file.path;
        while let Some((parent, _)) = folder.rsplit_once('/') {
            paths.insert((parent.to_owned(), true));
            folder = parent;
        }
    }
    paths.into_iter().collect()
}

/// Import paths relative to the folder of `document` for what was `typed` so far (`./`,
/// `../shared/`): the sub-folders that hold a policy file ([`Reach::holds_policy_file`])
/// and the `.decorum` files (without the extension) of the folder it names, hidden ones
/// and the document itself left out.
///
/// Only what the loader would accept is offered, as its [`Sandbox`] decides: the loader
/// reads the document under [`analysis::config_for`] with the document as its explicit
/// root, so its imports may read the workspace root, the declared libraries' folders and
/// the document's folder, and stay on their side of every library's folder. A folder the
/// sandbox refuses is not even read, so completion cannot show what lies outside the
/// workspace any more than an import can, and an entry that is a symbolic link leading
/// outside is left out. The policy files open in the editor (`open`, canonical paths)
/// that were never saved are listed with their folder's files, since the loader imports
/// them too ([`unsaved_policy_stem`] says which).
fn relative_import_paths(
    document: Option<&Path>,
    typed: &str,
    folders: &[PathBuf],
    open: &[PathBuf],
) -> Vec<(String, bool)> {
    let Some(document) = document.and_then(decorum_workspace::canonical_file) else {
        return Vec::new();
    };
    let Some(folder) = document.parent() else {
        return Vec::new();
    };
    let prefix = match typed.rfind('/') {
        Some(at) => &typed[..=at],
        None if typed == ".." => "../",
        None => "./",
    };
    // The loader reads any other spelling (`.x/`) as a library name.
    if !(prefix.starts_with("./") || prefix.starts_with("../")) {
        return Vec::new();
    }
    let config = analysis::config_for(&document, folders);
    let sandbox = Sandbox::new(&config).with_explicit_root(&document);
    let named = normalize(&folder.join(prefix));
    let Ok(listed) = sandbox.relative_import(&document, &named) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&listed) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut budget = MAX_SEARCHED_ENTRIES;
    for entry in entries.flatten().take(MAX_FOLDER_ENTRIES) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // Resolved, so that a link is judged by where it leads (a dangling one leads
        // nowhere and is left out).
        let Ok(target) = sandbox.relative_import(&document, &entry.path()) else {
            continue;
        };
        let Ok(metadata) = std::fs::metadata(&target) else {
            continue;
        };
        if metadata.is_dir() {
            let mut visited = HashSet::new();
            let reach = Reach {
                sandbox: &sandbox,
                document: &document,
                open,
            };
            // Not searched to the end (`None`): offered, as it may hold one.
            if reach.holds_policy_file(&target, 0, &mut visited, &mut budget) != Some(false) {
                out.push((format!("{prefix}{name}"), true));
            }
        } else if let Some(stem) = name.strip_suffix(EXTENSION) {
            if metadata.is_file() && target != document {
                out.push((format!("{prefix}{stem}"), false));
            }
        }
    }
    for planned in open {
        // In the listed folder, so readable; but it could be a library's folder of its own.
        if planned.parent() != Some(listed.as_path())
            || *planned == document
            || sandbox.check_side(&document, planned).is_err()
        {
            continue;
        }
        if let Some(stem) = unsaved_policy_stem(planned) {
            out.push((format!("{prefix}{stem}"), false));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What a folder import of the document may read, for [`Reach::holds_policy_file`].
struct Reach<'a> {
    sandbox: &'a Sandbox,
    /// The document completing an import (canonical).
    document: &'a Path,
    /// The open policy files (canonical), see [`open_policy_files`].
    open: &'a [PathBuf],
}

impl Reach<'_> {
    /// Whether an import of `folder` (canonical, within reach) would read a policy file:
    /// one in it or in a folder below it, within reach (not through a symbolic link
    /// leading outside, not in a library's folder), other than the document, or one open
    /// in the editor and never saved. A folder of drafts is no import. Searched as the
    /// loader reads a folder import, at most [`MAX_FOLDER_DEPTH`] deep (the loader's limit), the files of a
    /// folder before its sub-folders; `None` when the `budget` of entries to look at ran
    /// out first.
    fn holds_policy_file(
        &self,
        folder: &Path,
        depth: usize,
        visited: &mut HashSet<PathBuf>,
        budget: &mut usize,
    ) -> Option<bool> {
        if depth > MAX_FOLDER_DEPTH || !visited.insert(folder.to_path_buf()) {
            return Some(false);
        }
        let unsaved = self.open.iter().any(|planned| {
            planned.parent() == Some(folder)
                && planned != self.document
                && self.sandbox.check_side(self.document, planned).is_ok()
                && unsaved_policy_stem(planned).is_some()
        });
        if unsaved {
            return Some(true);
        }
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Some(false);
        };
        let mut below = Vec::new();
        for entry in entries.flatten() {
            *budget = budget.checked_sub(1)?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let policy = name.ends_with(EXTENSION);
            // A draft, an image: no call to the file system beyond the listing.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if !(policy || kind.is_dir() || kind.is_symlink()) {
                continue;
            }
            let Ok(target) = self.sandbox.relative_import(self.document, &entry.path()) else {
                continue;
            };
            let Ok(metadata) = std::fs::metadata(&target) else {
                continue;
            };
            if metadata.is_dir() {
                below.push(target);
            } else if policy && metadata.is_file() && target != self.document {
                return Some(true);
            }
        }
        for sub in below {
            if self.holds_policy_file(&sub, depth + 1, visited, budget)? {
                return Some(true);
            }
        }
        Some(false)
    }
}

/// How many entries below the folders of one listing completion looks at in all to
/// find which hold a policy file; a folder it could not search to the end is offered.
const MAX_SEARCHED_ENTRIES: usize = 10_000;

/// The open policy files by canonical path (one not saved yet by its folder's canonical
/// path and its name); [`relative_import_paths`] asks which are not on disk, once each.
fn open_policy_files(state: &State) -> Vec<PathBuf> {
    let paths: Vec<PathBuf> = state
        .documents
        .iter()
        .filter(|doc| doc.role == Role::Policy)
        .filter_map(|doc| doc.path.clone())
        .collect();
    paths
        .iter()
        .filter_map(|p| decorum_workspace::canonical_file(p))
        .collect()
}

/// How many entries of a folder import-path completion looks at.
const MAX_FOLDER_ENTRIES: usize = 500;

/// The names of `kinds` a file can write, with their kind and where they are defined:
/// its own (from a parse of `text`) and its imports' (from `analysis`, when there is
/// one), qualified with the import's alias.
fn names_in_scope(
    text: &str,
    analysis: Option<&PolicyAnalysis>,
    kinds: &[SymbolKind],
) -> Vec<(String, SymbolKind, String)> {
    let mut out = Vec::new();
    let parse = decorum_syntax::parse(text);
    for item in &parse.file.items {
        match item {
            Item::Terms(t) if kinds.contains(&SymbolKind::TermSet) => out.push((
                t.name.text.clone(),
                SymbolKind::TermSet,
                "term set in this file".to_owned(),
            )),
            Item::Rule(r) if kinds.contains(&SymbolKind::Rule) => out.push((
                r.name.text.clone(),
                SymbolKind::Rule,
                "rule in this file".to_owned(),
            )),
            _ => {}
        }
    }
    if let Some(analysis) = analysis {
        out.extend(
            imported_names(analysis, kinds)
                .into_iter()
                .map(|n| (n.written, n.kind, n.detail)),
        );
    }
    out
}

/// A name an import gives a file.
struct ImportedName {
    /// As the file must write it: `base.client-story`, `hc.privacy.identifying`.
    written: String,
    /// The defining file.
    source: SourceId,
    /// The name there.
    name: String,
    /// Rule or term set.
    kind: SymbolKind,
    /// "rule in policy/base.decorum".
    detail: String,
}

/// The names of `kinds` that the imports of the analysed file give it.
fn imported_names(analysis: &PolicyAnalysis, kinds: &[SymbolKind]) -> Vec<ImportedName> {
    let mut out = Vec::new();
    let Some(own) = analysis
        .source
        .and_then(|s| analysis.loaded.inputs.source(s))
    else {
        return out;
    };
    let imports = own.parse.file.items.iter().filter_map(|item| match item {
        Item::Import(import) => Some(import),
        _ => None,
    });
    let symbols = &analysis.compiled.symbols;
    for (import, resolution) in imports.zip(&own.imports) {
        let alias = match &import.alias {
            Some(alias) => alias.text.clone(),
            None => import_alias(&import.source.value),
        };
        let modules: Vec<(String, SourceId)> = match resolution {
            ImportResolution::File(id) => vec![(alias.clone(), *id)],
            ImportResolution::Folder(modules) => modules
                .iter()
                .map(|(module, id)| (format!("{alias}.{}", module.replace('/', ".")), *id))
                .collect(),
            ImportResolution::Failed { .. } => Vec::new(),
        };
        for (prefix, id) in modules {
            let Some(file) = analysis.loaded.inputs.source(id) else {
                continue;
            };
            for definition in symbols
                .definitions
                .iter()
                .filter(|d| d.key.source == id && kinds.contains(&d.key.kind))
            {
                let what = match definition.key.kind {
                    SymbolKind::Rule => "rule",
                    _ => "term set",
                };
                out.push(ImportedName {
                    written: format!("{prefix}.{}", definition.key.name),
                    source: id,
                    name: definition.key.name.clone(),
                    kind: definition.key.kind,
                    detail: format!("{what} in {}", file.path),
                });
            }
        }
    }
    out
}

/// The parameters the cursor (at byte `offset` of `text`) can name: those of the rule it
/// is in, read from the text (the rule being typed usually does not parse yet), or inside
/// `use RULE { ... }` those of the imported rule (from `analysis`).
fn enclosing_params(text: &str, offset: usize, analysis: Option<&PolicyAnalysis>) -> Vec<String> {
    let before = &text[..offset.min(text.len())];
    // Items start at the beginning of a line; the last one before the cursor is ours.
    let starts_item = |line: &str| {
        line.split_whitespace()
            .next()
            .is_some_and(|w| ITEM_KEYWORDS.contains(&w))
            && !line.starts_with(char::is_whitespace)
    };
    let Some(first) = before.lines().rev().find(|line| starts_item(line)) else {
        return Vec::new();
    };
    let mut words = first.split_whitespace();
    match words.next() {
        Some("rule") => {}
        Some("use") => {
            let target = words
                .next()
                .map(|w| w.trim_end_matches('{'))
                .unwrap_or_default();
            return use_target_params(analysis, target);
        }
        _ => return Vec::new(),
    }
    let Some(item_start) = before.rfind(first) else {
        return Vec::new();
    };
    let rest = &text[item_start..];
    let mut params = Vec::new();
    for (i, line) in rest.lines().enumerate() {
        if i > 0 && starts_item(line) {
            break;
        }
        let mut words = line.split_whitespace();
        if words.next() == Some("param") {
            let name = words.next().and_then(|w| w.split('=').next());
            if let Some(name) = name.filter(|n| !n.is_empty()) {
                params.push(name.to_owned());
            }
        }
    }
    params
}

/// The parameters of the imported rule written `target` (`base.client-story`).
fn use_target_params(analysis: Option<&PolicyAnalysis>, target: &str) -> Vec<String> {
    let Some(analysis) = analysis else {
        return Vec::new();
    };
    let Some((source, rule)) = imported_names(analysis, &[SymbolKind::Rule])
        .into_iter()
        .find(|n| n.written == target)
        .map(|n| (n.source, n.name))
    else {
        return Vec::new();
    };
    analysis
        .compiled
        .symbols
        .definitions
        .iter()
        .filter(|d| {
            d.key.kind == SymbolKind::Param
                && d.key.source == source
                && d.container.as_deref() == Some(rule.as_str())
        })
        .map(|d| d.key.name.clone())
        .collect()
}

fn to_size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_of_the_grammar_is_offered() {
        let grammar = include_str!("../../../../grammar/decorum.pest");
        for line in grammar.lines().filter(|l| l.starts_with("K_")) {
            let Some(word) = line.split('"').nth(1) else {
                continue;
            };
            assert!(
                ITEM_KEYWORDS.contains(&word) || KEYWORDS.contains(&word),
                "{word} is not offered"
            );
        }
    }

    #[test]
    fn sites_follow_the_text_before_the_cursor() {
        assert_eq!(site("import \"std/he"), (Site::ImportPath, 8));
        assert_eq!(site("import \""), (Site::ImportPath, 8));
        assert_eq!(
            site("  flag when channel == \"x"),
            (Site::Channel { quoted: true }, 24)
        );
        assert_eq!(
            site("  flag when channel in [\"x\", \"li").0,
            Site::Channel { quoted: true }
        );
        assert_eq!(
            site("  flag when channel != ").0,
            Site::Channel { quoted: false }
        );
        assert_eq!(site("  title \"my ").0, Site::Nothing);
        assert_eq!(site("  # a comment ").0, Site::Nothing);
        assert_eq!(site("  severity war"), (Site::Severity, 11));
        assert_eq!(site("use x { severity ").0, Site::Severity);
        assert_eq!(site("  severity error ").0, Site::Locked);
        assert_eq!(site("ru"), (Site::ItemStart, 0));
        assert_eq!(site(""), (Site::ItemStart, 0));
        assert_eq!(site("use hc.pri"), (Site::RuleName, 4));
        assert_eq!(site("disable "), (Site::RuleName, 8));
        assert_eq!(site("extend hc"), (Site::SetName, 7));
        assert_eq!(
            site("  flag when contains hc.privacy.ide"),
            (Site::Code, 21)
        );
        assert_eq!(site("  flag when words > 3 and \"a\" "), (Site::Code, 30));
        assert_eq!(site("terms x = [/ab").0, Site::Nothing);
        assert_eq!(site("terms x = [\"a\", /").0, Site::Nothing);
        assert_eq!(site("terms x = [/a#\\/b/, /c/] + ot").0, Site::Code);
        assert_eq!(site("  flag when count(x) / wo").0, Site::Code);
        assert_eq!(site("  title \"a \\\" b\" ").0, Site::Code);
    }

    #[test]
    fn every_cursor_position_of_an_odd_file_is_answered() {
        let text = "\u{feff}decorum 1\r\npolicy t # 😀\r\nimport \"./a\\\"b\" as\r\n\
                    rule r {\n  param p=\n  explain \"\"\"\n  é \"\n  flag when channel in [\"x\", \"\n}\nuse \n\"";
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let (_, word_start) = site(&text[line_start..offset]);
            assert!(text.is_char_boundary(line_start + word_start));
            enclosing_params(text, offset, None);
            in_triple_string(&text[..offset]);
        }
        assert!(names_in_scope(text, None, &[SymbolKind::Rule]).len() <= 1);
    }

    #[test]
    fn nothing_is_offered_inside_an_explain_text() {
        assert!(in_triple_string(
            "rule r {\n  explain \"\"\"\n    Why it mat"
        ));
        assert!(!in_triple_string(
            "rule r {\n  explain \"\"\"\n    Why.\n  \"\"\"\n  "
        ));
    }

    #[test]
    fn parameters_come_from_the_rule_being_typed() {
        let text = "rule a {\n  param one = 1\n}\nrule b {\n  param two = 2\n  flag when \n  param three=3\n}\nterms t = []\n";
        let cursor = text.find("when ").unwrap() + 5;
        assert_eq!(enclosing_params(text, cursor, None), ["two", "three"]);
        assert!(enclosing_params(text, text.len(), None).is_empty());
    }

    #[test]
    fn relative_paths_list_policy_files_and_folders() {
        let dir = std::env::temp_dir().join(format!("decorum-complete-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("shared")).unwrap();
        std::fs::create_dir_all(dir.join(".hidden")).unwrap();
        // A folder of drafts is no import: it is not offered.
        std::fs::create_dir_all(dir.join("posts/2026")).unwrap();
        for file in [
            "org.decorum",
            "base.decorum",
            "notes.md",
            "shared/common.decorum",
            "posts/2026/hello.md",
        ] {
            std::fs::write(dir.join(file), "").unwrap();
        }
        let me = dir.join("org.decorum");
        let here = relative_import_paths(Some(&me), "./", &[], &[]);
        assert_eq!(
            here,
            [("./base".to_owned(), false), ("./shared".to_owned(), true)]
        );
        let inside = relative_import_paths(Some(&me), "./shared/co", &[], &[]);
        assert_eq!(inside, [("./shared/common".to_owned(), false)]);
        assert!(relative_import_paths(None, "./", &[], &[]).is_empty());
        assert!(relative_import_paths(Some(&me), "./missing/", &[], &[]).is_empty());
        // Without decorum.toml the document's folder is the workspace: nothing above it.
        assert!(relative_import_paths(Some(&me), "../", &[], &[]).is_empty());
        assert!(relative_import_paths(Some(&me), "./shared/../../", &[], &[]).is_empty());
        // Policy files open in the editor but never saved are listed with their folder's
        // (the hidden one, and one saved since, are not; nor one above the workspace).
        let canonical = std::fs::canonicalize(&dir).unwrap();
        let unsaved = [
            canonical.join("fresh.decorum"),
            canonical.join(".draft.decorum"),
            canonical.join("base.decorum"),
            canonical.join("shared/newer.decorum"),
            canonical.parent().unwrap().join("outside.decorum"),
        ];
        let here = relative_import_paths(Some(&me), "./", &[], &unsaved);
        assert_eq!(
            here,
            [
                ("./base".to_owned(), false),
                ("./fresh".to_owned(), false),
                ("./shared".to_owned(), true)
            ]
        );
        let inside = relative_import_paths(Some(&me), "./shared/", &[], &unsaved);
        assert_eq!(
            inside,
            [
                ("./shared/common".to_owned(), false),
                ("./shared/newer".to_owned(), false)
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Folders outside the sandbox are not even listed (completion cannot tell what is
    /// there), and a library's files see only their own library.
    #[cfg(unix)]
    #[test]
    fn only_folders_within_reach_are_listed() {
        let base = std::env::temp_dir().join(format!("decorum-reach-{}", std::process::id()));
        std::fs::create_dir_all(&base).unwrap();
        let base = std::fs::canonicalize(base).unwrap();
        let root = base.join("ws");
        let outside = base.join("outside");
        for folder in [
            root.join("policy/deep"),
            root.join("lib/inner"),
            outside.clone(),
        ] {
            std::fs::create_dir_all(folder).unwrap();
        }
        std::fs::write(
            root.join("decorum.toml"),
            "[libraries]\nlib = { path = \"lib\" }\n",
        )
        .unwrap();
        for file in [
            root.join("policy/main.decorum"),
            root.join("policy/deep/tone.decorum"),
            root.join("lib/rules.decorum"),
            root.join("lib/inner/consent.decorum"),
            outside.join("secret.decorum"),
        ] {
            std::fs::write(file, "").unwrap();
        }
        std::os::unix::fs::symlink(&outside, root.join("policy/out")).unwrap();
        std::os::unix::fs::symlink(root.join("policy/deep"), root.join("policy/in")).unwrap();
        std::os::unix::fs::symlink(&root, outside.join("back")).unwrap();
        std::os::unix::fs::symlink(root.join("policy/deep"), root.join("lib/back")).unwrap();
        let main = root.join("policy/main.decorum");
        let list = |document: &Path, typed: &str| {
            relative_import_paths(Some(document), typed, &[], &[])
                .into_iter()
                .map(|(path, _)| path)
                .collect::<Vec<String>>()
        };
        // `./out` leads outside, and the library is imported by its name.
        assert_eq!(list(&main, "./"), ["./deep", "./in"]);
        assert_eq!(list(&main, "../"), ["../policy"]);
        assert_eq!(list(&main, "./in/"), ["./in/tone"]);
        assert!(list(&main, "../../").is_empty());
        assert!(list(&main, "../../outside/").is_empty());
        assert!(list(&main, "./out/").is_empty());
        // Leads back inside, but through a folder outside: refused before it is looked at.
        assert!(list(&main, "../../outside/back/policy/").is_empty());
        // Named from outside, but the path never leaves: the loader takes it too.
        assert_eq!(
            list(&main, "../../ws/policy/deep/"),
            ["../../ws/policy/deep/tone"]
        );
        assert!(list(&main, "../lib/").is_empty());
        // Through the library's folder, but it leads back out of it: judged by where it
        // leads, as the loader judges it.
        assert_eq!(list(&main, "../lib/back/"), ["../lib/back/tone"]);
        let rules = root.join("lib/rules.decorum");
        assert_eq!(list(&rules, "./"), ["./inner"]);
        assert_eq!(list(&rules, "./inner/"), ["./inner/consent"]);
        assert!(list(&rules, "../").is_empty());
        assert!(list(&rules, "../policy/").is_empty());
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn std_paths_include_folders_and_files() {
        let paths = std_import_paths();
        assert!(paths.contains(&("std/healthcare".to_owned(), true)));
        assert!(paths.contains(&("std/healthcare/privacy".to_owned(), false)));
    }
}
