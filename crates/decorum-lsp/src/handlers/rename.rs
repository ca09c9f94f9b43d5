//! `textDocument/prepareRename` and `textDocument/rename` in policy files: term sets,
//! rules and rules' parameters.
//!
//! A rename edits the definition's name and every reference the server knows, the same
//! ones find-references lists (see [`crate::navigation`]): the file, what it imports, the
//! other open policy files and the policies of every workspace context. A rule's id is
//! also what waivers in drafts name (`<!-- decorum-allow test.base.client-story: ... -->`),
//! so renaming a rule also edits every waiver that names its id exactly, in the drafts of
//! each workspace context whose policies load the rule's file: open ones from their text
//! in the editor, the others from disk. A waiver naming the whole policy (`test.base`)
//! still covers the rule and is left alone.
//!
//! Every position comes from a text the server trusts for it (see [`crate::navigation`]):
//! an open file's own analysis, else the file on disk. Edits of open documents carry
//! their version when the client supports `documentChanges`, and use the URI the client
//! opened them under.
//!
//! A parameter is named in its declaration, in its rule's conditions (`> limit`,
//! `contains phrases` for a term-set parameter), in the `{limit}` placeholders of its
//! rule's message and in the `use` blocks that set it; the symbol index records only the
//! last, so the rule's own uses are found in its syntax tree.
//!
//! Names defined in the standard library (embedded in the binary) or in a library that
//! `decorum.toml` declares (pinned by `decorum.lock`) cannot be renamed from here: the
//! client is told why.
//!
//! Draft text is read to find waivers and never logged: the log gets counts only.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use decorum_engine::{Definition, SourceId, SymbolKind};
use decorum_syntax::{
    Cond, CondKind, Item, NumExpr, NumKind, RuleClause, RuleDecl, TermExpr, TextKind, Trigger,
};
use decorum_text::{LineIndex, TextRange, TextSize};
use decorum_workspace::Sandbox;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, Position,
    PrepareRenameResponse, RenameParams, TextDocumentEdit, TextDocumentPositionParams, TextEdit,
    Uri, WorkspaceEdit,
};

use crate::analysis::PolicyAnalysis;
use crate::context::{ContextKey, draft_format};
use crate::diagnostics::file_uri;
use crate::log::Level;
use crate::navigation::{self, FileId, GlobalKey, View};
use crate::position::{LineMap, Origin};
use crate::state::{Role, State};

/// Words that cannot name a term set or a rule: those the grammar reserves, and the
/// keywords that start an item (a reference renamed to `rule` at the start of a line
/// would start a new item there).
const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "when", "require", "unless", "allow", "masked", "contains", "near",
    "has", "true", "false", "decorum", "policy", "import", "terms", "rule", "use", "extend",
    "disable",
];

/// What is being renamed.
struct Target {
    analysis: Arc<PolicyAnalysis>,
    definition: Definition,
    global: GlobalKey,
    /// The name under the cursor: the definition's name, or the last segment of a dotted
    /// reference (`base.client-story`).
    under_cursor: TextRange,
}

/// Answers `textDocument/prepareRename`: the name under the cursor and its text, or an
/// error that says why it cannot be renamed.
pub async fn prepare_rename(
    state: &Arc<State>,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    // A panic in the work answers "nothing to rename here" (`None` from the pool).
    super::off_workers(state, move |state| Some(prepare_at(state, &params)))
        .await
        .unwrap_or(Ok(None))
}

fn prepare_at(
    state: &State,
    params: &TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let uri = &params.text_document.uri;
    let Some(target) = target(state, uri, params.position)? else {
        return Ok(None);
    };
    let text = target
        .analysis
        .text()
        .ok_or_else(|| refused("the file is not loaded"))?;
    let index = LineIndex::new(text);
    let range = LineMap::new(text, &index, state.encoding()).range(target.under_cursor);
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range,
        placeholder: target.definition.key.name.clone(),
    }))
}

/// Answers `textDocument/rename`: the edits of the definition, its references and (for
/// a rule) the waivers naming it, as one workspace edit.
pub async fn rename(state: &Arc<State>, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    super::off_workers(state, move |state| Some(rename_at(state, &params)))
        .await
        .unwrap_or(Ok(None))
}

fn rename_at(state: &State, params: &RenameParams) -> Result<Option<WorkspaceEdit>> {
    let at = &params.text_document_position;
    let Some(target) = target(state, &at.text_document.uri, at.position)? else {
        return Ok(None);
    };
    let new_name = params.new_name.trim();
    check_name(new_name)?;
    let old_name = target.definition.key.name.as_str();
    if new_name == old_name {
        return Ok(Some(WorkspaceEdit::default()));
    }
    let kind = target.definition.key.kind;
    let views = navigation::views(state, Some(&target.analysis));
    let open = navigation::open_policy_paths(state);
    if kind == SymbolKind::Param {
        return rename_param(state, &target, &views, &open, new_name);
    }
    // The definition as its own file has it now: from that file's analysis when it
    // is open (the requesting analysis may hold an older copy of it), else from disk.
    let (def_view, definition) = navigation::definitions(&views, &open)
        .into_iter()
        .find(|(view, d)| view.global(&d.key).as_ref() == Some(&target.global))
        .ok_or_else(|| refused("the definition is not loaded"))?;
    let in_file = |d: &&Definition| d.key.source == definition.key.source;
    let symbols = def_view.symbols();
    if let Some(clash) = symbols.definitions.iter().filter(in_file).find(|d| {
        d.key.name == new_name
            && (d.key.kind == kind
                || kind == SymbolKind::TermSet && d.key.kind == SymbolKind::Param)
    }) {
        return Err(refused(&match clash.key.kind {
            // Inside that rule, a one-word set name means the parameter.
            SymbolKind::Param => format!(
                "rule `{}` has a parameter named `{new_name}`, which would take the \
                 place of the set inside that rule",
                clash.container.as_deref().unwrap_or_default()
            ),
            _ => format!(
                "the file already has a {} named `{new_name}`",
                kind_word(kind)
            ),
        }));
    }
    let mut edits = Edits::new(state);
    let encoding = state.encoding();
    let location = def_view
        .location(definition.key.source, definition.name_range, encoding)
        .ok_or_else(|| refused("the definition's file is not on disk"))?;
    edits.add(location.uri, location.range, new_name);
    let mut references = 0;
    for (view, source, range) in navigation::reference_sites(&views, &target.global, &open) {
        let text = view
            .loaded()
            .inputs
            .source(source)
            .map(|s| s.text.as_ref())
            .unwrap_or_default();
        let place = || {
            view.place(source, range.start())
                .map_or_else(String::new, |(path, line)| format!(" at {path}:{line}"))
        };
        // A reference must end with the name; anything else is not renamed blindly.
        let name = last_segment(text, range, old_name).ok_or_else(|| {
            refused(&format!(
                "the reference{} is not written `…{old_name}`",
                place()
            ))
        })?;
        let location = view
            .location(source, name, encoding)
            .ok_or_else(|| refused(&format!("the reference{} is not on disk", place())))?;
        edits.add(location.uri, location.range, new_name);
        references += 1;
    }
    let mut waivers = 0;
    if kind == SymbolKind::Rule {
        let old_id = target.definition.qualified.as_str();
        let new_id = match old_id.rsplit_once('.') {
            Some((policy, _)) => format!("{policy}.{new_name}"),
            None => new_name.to_owned(),
        };
        waivers = waiver_edits(state, &target.global, old_id, &new_id, &mut edits);
    }
    crate::log!(
        Level::Debug,
        "rename: {} references, {} waivers, {} files",
        references,
        waivers,
        edits.by_uri.len()
    );
    Ok(Some(
        edits.into_workspace_edit(state.flags().document_changes),
    ))
}

/// Renames a rule's parameter: its declaration, its uses in the rule's conditions, the
/// `{name}` placeholders of the rule's message, and the `use` blocks that set it.
fn rename_param(
    state: &State,
    target: &Target,
    views: &[View],
    open: &HashSet<PathBuf>,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>> {
    let old_name = target.definition.key.name.as_str();
    let rule_name = target
        .definition
        .container
        .as_deref()
        .ok_or_else(|| refused("the parameter's rule is not known"))?;
    // A name the rule would read as something else: a post field (`limit`), a
    // placeholder the message fills itself (`value`), a metadata key (`type == 3`).
    let taken_by_language = |name: &str| {
        BUILTIN_PLACEHOLDERS.contains(&name)
            || name == "type"
            || decorum_engine::post_fields().any(|(field, _)| field == name)
    };
    if taken_by_language(old_name) {
        // The compiler gives such a parameter no use of its own: `> limit` and `{limit}`
        // in its rule are the post field, and must not be renamed with it.
        return Err(refused(&format!(
            "inside its rule, `{old_name}` means the post field or placeholder, not this parameter"
        )));
    }
    if taken_by_language(new_name) {
        return Err(refused(&format!(
            "`{new_name}` is a post field, a metadata key or a message placeholder of its own"
        )));
    }
    // The rule's file as that file has it now: its own analysis when open, else disk.
    let (view, source) = views
        .iter()
        .find_map(|view| {
            let key = navigation::local_key(view, &target.global)?;
            view.trusted(key.source, open).then_some((view, key.source))
        })
        .ok_or_else(|| refused("the parameter's file is not loaded"))?;
    let file = &view
        .loaded()
        .inputs
        .source(source)
        .ok_or_else(|| refused("the parameter's file is not loaded"))?;
    let rule = file
        .parse
        .file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Rule(rule) if rule.name.text == rule_name => Some(rule),
            _ => None,
        })
        .ok_or_else(|| refused(&format!("rule `{rule_name}` is not in the file")))?;
    if rule.params().any(|p| p.name.text == new_name) {
        return Err(refused(&format!(
            "rule `{rule_name}` already has a parameter named `{new_name}`"
        )));
    }
    // Inside the rule a one-word set name means the parameter first: a term set of the
    // file with the new name would be taken over.
    let symbols = view.symbols();
    if symbols.definitions.iter().any(|d| {
        d.key.source == source && d.key.kind == SymbolKind::TermSet && d.key.name == new_name
    }) {
        return Err(refused(&format!(
            "the file has a term set named `{new_name}`, which the parameter would take the \
             place of inside rule `{rule_name}`"
        )));
    }
    let ranges = param_uses(rule, &file.text, old_name);
    let encoding = state.encoding();
    let mut edits = Edits::new(state);
    for range in ranges {
        if let Some(location) = view.location(source, range, encoding) {
            edits.add(location.uri, location.range, new_name);
        }
    }
    let rule_key = GlobalKey {
        kind: SymbolKind::Rule,
        name: rule_name.to_owned(),
        ..target.global.clone()
    };
    // A `use` block that sets the new name already (for the rule it has no such
    // parameter yet) would end up setting it twice.
    if let Some((view, source, range)) =
        navigation::param_assignments(views, &rule_key, new_name, open).first()
    {
        let place = view
            .place(*source, range.start())
            .map_or_else(String::new, |(path, line)| format!(" at {path}:{line}"));
        return Err(refused(&format!(
            "the `use` block{place} already sets `{new_name}` for rule `{rule_name}`"
        )));
    }
    for (view, source, range) in navigation::param_assignments(views, &rule_key, old_name, open) {
        if let Some(location) = view.location(source, range, encoding) {
            edits.add(location.uri, location.range, new_name);
        }
    }
    crate::log!(
        Level::Debug,
        "rename: a parameter in {} files",
        edits.by_uri.len()
    );
    Ok(Some(
        edits.into_workspace_edit(state.flags().document_changes),
    ))
}

/// A parameter used at `offset` inside its rule (a condition or a message placeholder),
/// which the symbol index does not record: its definition and the name's range.
fn param_use_at(
    analysis: &PolicyAnalysis,
    source: SourceId,
    offset: TextSize,
) -> Option<(Definition, TextRange)> {
    let file = analysis.loaded.inputs.source(source)?;
    let rule = file.parse.file.items.iter().find_map(|item| match item {
        Item::Rule(rule) if rule.range.contains_inclusive(offset) => Some(rule),
        _ => None,
    })?;
    rule.params().find_map(|param| {
        let name = param.name.text.as_str();
        let uses = param_uses(rule, &file.text, name);
        let range = uses.into_iter().find(|r| r.contains_inclusive(offset))?;
        let definition = analysis.compiled.symbols.definitions.iter().find(|d| {
            d.key.kind == SymbolKind::Param
                && d.key.source == source
                && d.key.name == name
                && d.container.as_deref() == Some(rule.name.text.as_str())
        })?;
        Some((definition.clone(), range))
    })
}

/// The ranges of the parameter `name` in `rule` (whose file's text is `text`): its
/// declaration, its uses in the conditions and its message placeholders.
fn param_uses(rule: &RuleDecl, text: &str, name: &str) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = rule
        .params()
        .filter(|p| p.name.text == name)
        .map(|p| p.name.range)
        .collect();
    for clause in &rule.clauses {
        match clause {
            RuleClause::Trigger(Trigger::Flag { cond, .. }) | RuleClause::Unless(cond, _) => {
                cond_uses(cond, name, &mut ranges);
            }
            RuleClause::Trigger(Trigger::Require { when, require, .. }) => {
                cond_uses(when, name, &mut ranges);
                cond_uses(require, name, &mut ranges);
            }
            RuleClause::Text(TextKind::Message, message) => {
                placeholders(text, message.range, name, &mut ranges);
            }
            _ => {}
        }
    }
    ranges
}

/// Placeholders a message fills itself, which a parameter of the same name could not
/// take the place of.
const BUILTIN_PLACEHOLDERS: &[&str] = &["match", "left", "right", "value", "channel"];

/// The ranges of one-word names `name` in a condition: a number (`> limit`) or a term
/// set (`contains phrases`), where a rule's parameter takes the place of a set.
fn cond_uses(cond: &Cond, name: &str, out: &mut Vec<TextRange>) {
    match &cond.kind {
        CondKind::And(parts) | CondKind::Or(parts) => {
            parts.iter().for_each(|p| cond_uses(p, name, out));
        }
        CondKind::Not(inner) | CondKind::Scoped(inner, _) => cond_uses(inner, name, out),
        CondKind::Contains(set) => set_uses(set, name, out),
        CondKind::Near { left, right, .. } => {
            set_uses(left, name, out);
            set_uses(right, name, out);
        }
        CondKind::Compare { lhs, rhs, .. } => {
            num_uses(lhs, name, out);
            num_uses(rhs, name, out);
        }
        CondKind::Has(_) | CondKind::Meta { .. } => {}
    }
}

fn set_uses(set: &TermExpr, name: &str, out: &mut Vec<TextRange>) {
    match set {
        TermExpr::Ref(path) if path.segments.len() == 1 && path.segments[0].text == name => {
            out.push(path.segments[0].range);
        }
        TermExpr::Binary { lhs, rhs, .. } => {
            set_uses(lhs, name, out);
            set_uses(rhs, name, out);
        }
        TermExpr::Ref(_) | TermExpr::List(_) => {}
    }
}

fn num_uses(num: &NumExpr, name: &str, out: &mut Vec<TextRange>) {
    match &num.kind {
        NumKind::Name(n) if n.text == name => out.push(n.range),
        NumKind::Count(set) => set_uses(set, name, out),
        NumKind::Share(cond) | NumKind::Posts(cond) => cond_uses(cond, name, out),
        NumKind::Binary(a, _, b) => {
            num_uses(a, name, out);
            num_uses(b, name, out);
        }
        NumKind::Name(_) | NumKind::Number(_) | NumKind::Percent(_) => {}
    }
}

/// The ranges of `name` in the placeholders of the string literal at `literal` of
/// `text`, read as the compiler reads a message: `{{` is a literal brace, a placeholder
/// runs to the next `}` and its name is trimmed (`{ limit }`). A `{` right after `\u` opens
/// a character escape (`\u{1F600}`), not a placeholder.
fn placeholders(text: &str, literal: TextRange, name: &str, out: &mut Vec<TextRange>) {
    let Some(raw) = text.get(std::ops::Range::<usize>::from(literal)) else {
        return;
    };
    let mut at = 0;
    while let Some(found) = raw.get(at..).and_then(|rest| rest.find('{')) {
        let open = at + found;
        if raw[open..].starts_with("{{") {
            at = open + 2;
            continue;
        }
        let Some(close) = raw[open + 1..].find('}').map(|c| open + 1 + c) else {
            return;
        };
        let inner = &raw[open + 1..close];
        let escape = raw[..open].ends_with("\\u");
        if !escape && inner.trim() == name {
            let lead = inner.len() - inner.trim_start().len();
            let offset = TextSize::try_from(open + 1 + lead).unwrap_or_default();
            out.push(TextRange::at(literal.start() + offset, TextSize::of(name)));
        }
        at = close + 1;
    }
}

/// The term set or rule at `position` of the policy document `uri`: `Ok(None)` when
/// there is no name there, an error when the name cannot be renamed.
fn target(
    state: &State,
    uri: &Uri,
    position: Position,
) -> std::result::Result<Option<Target>, Error> {
    let Some((analysis, source, offset)) = navigation::document_offset(state, uri, position) else {
        return Ok(None);
    };
    let found = navigation::definition_at(&analysis, source, offset)
        .or_else(|| param_use_at(&analysis, source, offset));
    let Some((definition, range)) = found else {
        return Ok(None);
    };
    match definition.key.kind {
        SymbolKind::TermSet | SymbolKind::Rule | SymbolKind::Param => {}
        SymbolKind::Policy | SymbolKind::Example => return Ok(None),
    }
    let view = View::Analysis(Arc::clone(&analysis));
    let global = view
        .global(&definition.key)
        .ok_or_else(|| refused("the file that defines it is not on disk"))?;
    let qualified = &definition.qualified;
    match &global.file {
        FileId::Std(_) => {
            return Err(refused(&format!(
                "`{qualified}` belongs to the standard library, which is read-only; \
                 adjust it with `use` or `extend` in your own policy instead"
            )));
        }
        // A file on disk is named by its resolved path, so a library declared through a
        // symbolic link is known by the sandbox's resolved folders, not the one written.
        FileId::Disk(path)
            if analysis.config.in_library(path)
                || Sandbox::new(&analysis.config).library_of(path).is_some() =>
        {
            return Err(refused(&format!(
                "`{qualified}` belongs to a library declared in decorum.toml and pinned by \
                 decorum.lock; rename it where the library is maintained"
            )));
        }
        FileId::Disk(_) => {}
    }
    let text = analysis
        .loaded
        .inputs
        .source(source)
        .map(|s| Arc::clone(&s.text))
        .ok_or_else(|| refused("the file is not loaded"))?;
    let under_cursor = last_segment(&text, range, &definition.key.name)
        .ok_or_else(|| refused("the name under the cursor is not the definition's name"))?;
    Ok(Some(Target {
        analysis,
        definition,
        global,
        under_cursor,
    }))
}

/// The range of `name` at the end of the name or dotted path written at `range` of
/// `text` (`client-story` in `base.client-story`).
fn last_segment(text: &str, range: TextRange, name: &str) -> Option<TextRange> {
    let written = text.get(std::ops::Range::<usize>::from(range))?;
    let before = written.strip_suffix(name)?;
    if !(before.is_empty() || before.ends_with('.')) {
        return None;
    }
    let start = range.end() - TextSize::of(name);
    Some(TextRange::new(start, range.end()))
}

/// An error unless `name` can name a term set or a rule: a letter or `_`, then letters,
/// digits, `_` or `-`, and not a reserved word.
fn check_name(name: &str) -> std::result::Result<(), Error> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !first_ok || !rest_ok {
        return Err(refused(&format!(
            "`{name}` is not a name: use a letter or `_`, then letters, digits, `_` or `-`"
        )));
    }
    if RESERVED.contains(&name) {
        return Err(refused(&format!("`{name}` is a reserved word")));
    }
    Ok(())
}

fn kind_word(kind: SymbolKind) -> &'static str {
    match kind {
        SymbolKind::TermSet => "term set",
        SymbolKind::Rule => "rule",
        SymbolKind::Param => "parameter",
        SymbolKind::Policy => "policy",
        SymbolKind::Example => "example",
    }
}

/// The reply to a rename the server refuses: the client shows the message.
fn refused(why: &str) -> Error {
    Error {
        // LSP's RequestFailed: the request was valid, the server cannot carry it out.
        code: ErrorCode::ServerError(-32803),
        message: format!("cannot rename: {why}").into(),
        data: None,
    }
}

/// Text edits by document, each range once, under the URI and version of the document
/// when it is open.
struct Edits {
    by_uri: HashMap<Uri, Vec<TextEdit>>,
    /// Open documents with a file: the `file://` URI of the canonical path, to the URI
    /// the client opened it under and its version.
    open: HashMap<Uri, (Uri, i32)>,
}

impl Edits {
    fn new(state: &State) -> Edits {
        let open = state
            .documents
            .iter()
            .filter_map(|doc| {
                // A buffer never saved has no file to canonicalise: its folder's canonical
                // path and its name, as the policy analyses name it.
                let canonical = decorum_workspace::canonical_file(doc.path.as_ref()?)?;
                Some((file_uri(&canonical)?, (doc.key().clone(), doc.text.version)))
            })
            .collect();
        Edits {
            by_uri: HashMap::new(),
            open,
        }
    }

    fn add(&mut self, uri: Uri, range: tower_lsp_server::ls_types::Range, new_text: &str) {
        let uri = self.open.get(&uri).map_or(uri, |(own, _)| own.clone());
        let list = self.by_uri.entry(uri).or_default();
        if !list.iter().any(|e| e.range == range) {
            list.push(TextEdit {
                range,
                new_text: new_text.to_owned(),
            });
        }
    }

    /// The edits as one workspace edit: versioned `documentChanges` when the client
    /// supports them (a document edited since is not changed), else `changes`.
    fn into_workspace_edit(self, document_changes: bool) -> WorkspaceEdit {
        if !document_changes {
            return WorkspaceEdit {
                changes: Some(self.by_uri),
                ..WorkspaceEdit::default()
            };
        }
        let versions: HashMap<&Uri, i32> = self
            .open
            .values()
            .map(|(uri, version)| (uri, *version))
            .collect();
        let mut changes: Vec<TextDocumentEdit> = self
            .by_uri
            .iter()
            .map(|(uri, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: versions.get(uri).copied(),
                },
                edits: edits.iter().cloned().map(OneOf::Left).collect(),
            })
            .collect();
        changes.sort_by(|a, b| {
            a.text_document
                .uri
                .as_str()
                .cmp(b.text_document.uri.as_str())
        });
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(changes)),
            ..WorkspaceEdit::default()
        }
    }
}

/// Adds an edit for every waiver rule id equal to `old_id` in the drafts of the
/// workspace contexts whose policies load the rule's file (`rule`): open ones from their
/// editor text, the others from disk. Returns how many.
fn waiver_edits(
    state: &State,
    rule: &GlobalKey,
    old_id: &str,
    new_id: &str,
    edits: &mut Edits,
) -> usize {
    let encoding = state.encoding();
    let contexts: Vec<_> = state.loaded_contexts();
    let using: Vec<(ContextKey, decorum_workspace::Config)> = contexts
        .iter()
        .filter(|ctx| {
            ctx.index.as_ref().is_some_and(|index| {
                navigation::local_key(&View::Context(Arc::clone(index)), rule).is_some()
            })
        })
        .filter_map(|ctx| Some((ctx.key.clone(), ctx.active.as_ref()?.drafts.config.clone())))
        .collect();
    let mut found = 0;
    let mut in_editor: Vec<PathBuf> = Vec::new();
    let open: Vec<(Uri, Option<PathBuf>, String, String)> = state
        .documents
        .iter()
        .filter(|doc| matches!(&doc.role, Role::Draft(key) if using.iter().any(|(k, _)| k == key)))
        .map(|doc| {
            (
                doc.key().clone(),
                doc.path.clone(),
                doc.language_id.clone(),
                doc.text.text.as_str().to_owned(),
            )
        })
        .collect();
    for (uri, path, language_id, text) in open {
        if let Some(canonical) = path.as_deref().and_then(decorum_workspace::canonical_file) {
            in_editor.push(canonical);
        }
        let format = draft_format(path.as_deref(), &language_id);
        let draft = decorum_draft::parse(&text, format, &Default::default());
        found += add_waivers(
            &draft,
            &uri,
            old_id,
            new_id,
            encoding,
            Origin::Editor,
            edits,
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (_, config) in using {
        let collected =
            decorum_workspace::collect_drafts(std::slice::from_ref(&config.root), &config);
        for file in collected.files {
            let Ok(canonical) = std::fs::canonicalize(&file) else {
                continue;
            };
            if in_editor.contains(&canonical) || !seen.insert(canonical.clone()) {
                continue;
            }
            let Ok(loaded) = decorum_workspace::read_draft(&canonical, &config) else {
                continue;
            };
            let Some(uri) = file_uri(&canonical) else {
                continue;
            };
            found += add_waivers(
                &loaded.draft,
                &uri,
                old_id,
                new_id,
                encoding,
                Origin::Disk,
                edits,
            );
        }
    }
    found
}

/// Adds an edit for every waiver rule id of `draft` equal to `old_id`; returns how many.
fn add_waivers(
    draft: &decorum_draft::Draft,
    uri: &Uri,
    old_id: &str,
    new_id: &str,
    encoding: crate::position::Encoding,
    origin: Origin,
    edits: &mut Edits,
) -> usize {
    let mut found = 0;
    let mut index = None;
    for waiver in &draft.waivers {
        for (id, range) in &waiver.rules {
            if id != old_id {
                continue;
            }
            let index = index.get_or_insert_with(|| LineIndex::new(&draft.text));
            let lsp = LineMap::of(&draft.text, index, encoding, origin).range(*range);
            edits.add(uri.clone(), lsp, new_id);
            found += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_segment_of_a_path_is_the_name() {
        let text = "use base.client-story { }";
        let range = TextRange::new(4.into(), 21.into());
        let name = last_segment(text, range, "client-story").unwrap();
        assert_eq!(&text[std::ops::Range::<usize>::from(name)], "client-story");
        assert_eq!(
            last_segment(text, range, "story"),
            None,
            "a part of a segment"
        );
        let own = TextRange::new(9.into(), 21.into());
        assert_eq!(last_segment(text, own, "client-story"), Some(own));
    }

    #[test]
    fn placeholders_are_found_but_not_escaped_braces() {
        let text = r#"message "{hits} and {{hits}} and {hitsx} { hits } \u{a} {a}""#;
        let literal = TextRange::new(8.into(), (text.len() as u32).into());
        let mut found = Vec::new();
        placeholders(text, literal, "hits", &mut found);
        let starts: Vec<usize> = found.iter().map(|r| usize::from(r.start())).collect();
        assert_eq!(starts, [10, 43]);
        assert!(
            found
                .iter()
                .all(|r| &text[std::ops::Range::<usize>::from(*r)] == "hits")
        );
        let mut found = Vec::new();
        placeholders(text, literal, "a", &mut found);
        let starts: Vec<usize> = found.iter().map(|r| usize::from(r.start())).collect();
        assert_eq!(starts, [57], "not the `\\u{{a}}` escape");
    }

    #[test]
    fn new_names_follow_the_grammar() {
        for good in ["words", "client-story", "_x", "a1-b_2"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "1st",
            "two words",
            "a.b",
            "é",
            "-x",
            "and",
            "masked",
            "rule",
            "use",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
