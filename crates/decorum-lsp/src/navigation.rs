//! Names across policy files, for the policy-file features (definition, references,
//! hover, symbols, completion): which compiled files the server knows, how a definition
//! is identified across them, and where it is for the editor.
//!
//! The server knows policy files through *views*: the analysis of each open policy
//! document (the file as root, its imports, every open buffer standing in for its file)
//! and the policies of each workspace context (read from disk). The same file can be in
//! several views under different `SourceId`s, so a definition is identified across views
//! by its file (a path on disk, or a std file's name) with its kind and local name.
//!
//! Text positions of an open document are only trusted from that document's own analysis,
//! which is always of its current version; other views may hold an older buffer, or the
//! file on disk.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use decorum_engine::{AuditTrail, Definition, SourceId, SymbolIndex, SymbolKey, SymbolKind};
use decorum_syntax::{Item, Name, Path as SyntaxPath, PolicyFile, UseItem};
use decorum_text::{LineIndex, TextRange, TextSize};
use decorum_workspace::LoadedPolicies;
use tower_lsp_server::ls_types::{Location, Position, Uri};

use crate::analysis::{self, PolicyAnalysis};
pub use crate::context::ContextIndex;
use crate::context::{ContextKey, PolicyContext};
use crate::diagnostics::file_uri;
use crate::position::{Encoding, LineMap, Origin};
use crate::state::{Role, State};
use crate::std_files;

/// A policy file, the same in every view.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileId {
    /// A file on disk (canonical path).
    Disk(PathBuf),
    /// A file of the embedded standard library, by its name
    /// (`std/healthcare/privacy.decorum`).
    Std(String),
}

/// A definition, the same in every view.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GlobalKey {
    /// The defining file.
    pub file: FileId,
    /// What it is.
    pub kind: SymbolKind,
    /// Its local name.
    pub name: String,
}

/// One set of compiled policy files the server knows.
#[derive(Debug, Clone)]
pub enum View {
    /// The analysis of an open policy document.
    Analysis(Arc<PolicyAnalysis>),
    /// A workspace context's policies.
    Context(Arc<ContextIndex>),
}

impl View {
    /// Every file of the view.
    pub fn loaded(&self) -> &LoadedPolicies {
        match self {
            View::Analysis(a) => &a.loaded,
            View::Context(c) => &c.loaded,
        }
    }

    /// Definitions and references.
    pub fn symbols(&self) -> &SymbolIndex {
        match self {
            View::Analysis(a) => &a.compiled.symbols,
            View::Context(c) => &c.symbols,
        }
    }

    /// Overrides and disables that took effect.
    pub fn audit(&self) -> &AuditTrail {
        match self {
            View::Analysis(a) => &a.compiled.audit,
            View::Context(c) => &c.audit,
        }
    }

    /// The open document this view is the analysis of.
    fn owner(&self) -> Option<SourceId> {
        match self {
            View::Analysis(a) => a.source,
            View::Context(_) => None,
        }
    }

    /// The file of a source of this view.
    pub fn file(&self, source: SourceId) -> Option<FileId> {
        let loaded = self.loaded();
        let policy = loaded.inputs.source(source)?;
        match loaded.disk_path(source) {
            Some(path) => Some(match std_files::display_path_of(path) {
                Some(display) => FileId::Std(display),
                None => FileId::Disk(path.to_path_buf()),
            }),
            None if policy.builtin => Some(FileId::Std(policy.path.clone())),
            None => None,
        }
    }

    /// The view-independent key of a definition of this view.
    pub fn global(&self, key: &SymbolKey) -> Option<GlobalKey> {
        Some(GlobalKey {
            file: self.file(key.source)?,
            kind: key.kind,
            name: key.name.clone(),
        })
    }

    /// The editor location of a range of one of the view's files.
    pub fn location(
        &self,
        source: SourceId,
        range: TextRange,
        encoding: Encoding,
    ) -> Option<Location> {
        let text = &self.loaded().inputs.source(source)?.text;
        let uri = uri_of(&self.file(source)?)?;
        let index = LineIndex::new(text);
        // The analysis's own document has the editor's text. The rest was read from
        // disk, with any byte-order mark the editor does not show, or is another open
        // buffer's text, which editors send without one (so nothing changes for it).
        let origin = if self.owner() == Some(source) {
            Origin::Editor
        } else {
            Origin::Disk
        };
        Some(Location {
            uri,
            range: LineMap::of(text, &index, encoding, origin).range(range),
        })
    }

    /// `path:line` of an offset in a file of the view, as people read it.
    pub fn place(&self, source: SourceId, offset: TextSize) -> Option<(String, u32)> {
        let policy = self.loaded().inputs.source(source)?;
        let line = LineIndex::new(&policy.text).line_of(offset) + 1;
        Some((policy.path.clone(), line))
    }

    /// True when positions in `source` can be trusted from this view: always for files
    /// that are not open documents, and for an open document only from its own analysis.
    pub fn trusted(&self, source: SourceId, open: &HashSet<PathBuf>) -> bool {
        match self.loaded().disk_path(source) {
            Some(path) if open.contains(path) => self.owner() == Some(source),
            _ => true,
        }
    }
}

/// The `file://` URI of a policy file (writing std files to their cache when needed).
pub fn uri_of(file: &FileId) -> Option<Uri> {
    match file {
        FileId::Disk(path) => file_uri(path),
        FileId::Std(display) => file_uri(&std_files::std_file(display)?),
    }
}

/// How long a request waits for the check task's analysis of the current version
/// before computing one itself. Computing it would take about as long as the check does
/// (the same files, compiled and their examples run), so this only bounds a check that
/// never stores one.
const WAIT_FOR_CHECK: Duration = Duration::from_secs(20);

/// The analysis of the current version of an open policy document. While the document's
/// check task runs, its analysis is awaited (polling, on this blocking thread) rather
/// than computed a second time beside it: on a small machine two compiles of the same
/// files only slow both down.
pub fn current_analysis(state: &State, uri: &Uri) -> Option<Arc<PolicyAnalysis>> {
    let deadline = Instant::now() + WAIT_FOR_CHECK;
    loop {
        let (version, checking) = {
            let doc = state.documents.get(uri)?;
            if doc.role != Role::Policy {
                return None;
            }
            (doc.text.version, doc.checking)
        };
        let stored = state
            .analyses
            .get(uri)
            .filter(|a| a.version == version)
            .map(|a| Arc::clone(a.value()));
        if stored.is_some() {
            return stored;
        }
        if !checking || Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    analysis::for_document(state, uri)
}

/// An open policy document's analysis, with its text's byte offset of `position`.
pub fn document_offset(
    state: &State,
    uri: &Uri,
    position: Position,
) -> Option<(Arc<PolicyAnalysis>, SourceId, TextSize)> {
    let analysis = current_analysis(state, uri)?;
    let source = analysis.source?;
    let text = analysis.text()?;
    let index = LineIndex::new(text);
    let offset = LineMap::new(text, &index, state.encoding()).offset(position);
    Some((analysis, source, offset))
}

/// The definition named at `offset` of the analysed document `source`, with the range
/// of the name under the cursor: a reference to a rule or term set, a definition's own
/// name, or a parameter assigned in a `use` block (which the engine does not record as
/// a reference).
pub fn definition_at(
    analysis: &PolicyAnalysis,
    source: SourceId,
    offset: TextSize,
) -> Option<(Definition, TextRange)> {
    let symbols = &analysis.compiled.symbols;
    if let Some(reference) = symbols
        .references
        .iter()
        .find(|r| r.source == source && r.range.contains_inclusive(offset))
    {
        let definition = symbols.definition(&reference.target)?;
        return Some((definition.clone(), reference.range));
    }
    // Parameter keys are not unique in a file (two rules can both have `limit`): match
    // the definition by position, not by key. An example's "name" is the whole clause,
    // text included: nothing to look up there.
    if let Some(definition) = symbols.definitions.iter().find(|d| {
        d.key.source == source
            && d.key.kind != SymbolKind::Example
            && d.name_range.contains_inclusive(offset)
    }) {
        return Some((definition.clone(), definition.name_range));
    }
    use_param_at(analysis, source, offset)
}

/// A parameter assigned in a `use` block at `offset`: its definition in the imported
/// rule and the assigned name's range.
fn use_param_at(
    analysis: &PolicyAnalysis,
    source: SourceId,
    offset: TextSize,
) -> Option<(Definition, TextRange)> {
    let file = &analysis.loaded.inputs.source(source)?.parse.file;
    let (target, name) =
        use_assignments(file).find(|(_, name)| name.range.contains_inclusive(offset))?;
    let symbols = &analysis.compiled.symbols;
    let rule = symbols.target_at(source, target.range)?;
    let definition = symbols.definitions.iter().find(|d| {
        d.key.kind == SymbolKind::Param
            && d.key.source == rule.source
            && d.key.name == name.text
            && d.container.as_deref() == Some(rule.name.as_str())
    })?;
    Some((definition.clone(), name.range))
}

/// Every `NAME = ...` of every `use` block of a file, with the block's target.
fn use_assignments(file: &PolicyFile) -> impl Iterator<Item = (&SyntaxPath, &Name)> {
    file.items.iter().flat_map(|item| {
        let (target, items) = match item {
            Item::Use(block) => (Some(&block.target), block.items.as_slice()),
            _ => (None, [].as_slice()),
        };
        items
            .iter()
            .filter_map(move |use_item| match (target, use_item) {
                (Some(target), UseItem::Assign { name, .. }) => Some((target, name)),
                _ => None,
            })
    })
}

/// Every view: `first` (the requesting document's analysis), the analyses of the other
/// open policy documents, then the workspace contexts' policies.
pub fn views(state: &State, first: Option<&Arc<PolicyAnalysis>>) -> Vec<View> {
    let mut out: Vec<View> = first
        .map(|a| View::Analysis(Arc::clone(a)))
        .into_iter()
        .collect();
    let uris: Vec<Uri> = state
        .documents
        .iter()
        .filter(|doc| doc.role == Role::Policy)
        .map(|doc| doc.key().clone())
        .collect();
    for uri in uris {
        let Some(analysis) = current_analysis(state, &uri) else {
            continue;
        };
        if first.is_some_and(|f| f.path == analysis.path) {
            continue;
        }
        out.push(View::Analysis(analysis));
    }
    let contexts: Vec<Arc<PolicyContext>> = state.loaded_contexts();
    out.extend(
        contexts
            .iter()
            .filter_map(|ctx| context_index(ctx).map(View::Context)),
    );
    out
}

/// The canonical paths of the open policy documents.
pub fn open_policy_paths(state: &State) -> HashSet<PathBuf> {
    state
        .documents
        .iter()
        .filter(|doc| doc.role == Role::Policy)
        .filter_map(|doc| std::fs::canonicalize(doc.path.as_ref()?).ok())
        .collect()
}

/// The references to `key` in `views` with the view and source they are in (positions
/// in open documents from their own analyses only), once each.
pub fn reference_sites<'v>(
    views: &'v [View],
    key: &GlobalKey,
    open: &HashSet<PathBuf>,
) -> Vec<(&'v View, SourceId, TextRange)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for view in views {
        for reference in &view.symbols().references {
            if !view.trusted(reference.source, open)
                || view.global(&reference.target).as_ref() != Some(key)
            {
                continue;
            }
            let Some(file) = view.file(reference.source) else {
                continue;
            };
            if seen.insert((file, reference.range)) {
                out.push((view, reference.source, reference.range));
            }
        }
    }
    out
}

/// Every `NAME = ...` of the parameter `param` in a `use` block of `rule`, in `views`
/// (positions in open documents from their own analyses only), once each: the names'
/// ranges.
pub fn param_assignments<'v>(
    views: &'v [View],
    rule: &GlobalKey,
    param: &str,
    open: &HashSet<PathBuf>,
) -> Vec<(&'v View, SourceId, TextRange)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for view in views {
        let symbols = view.symbols();
        for (i, policy) in view.loaded().inputs.sources.iter().enumerate() {
            let source = SourceId(i as u32);
            if !view.trusted(source, open) {
                continue;
            }
            for (target, name) in use_assignments(&policy.parse.file) {
                let targets_rule = symbols
                    .target_at(source, target.range)
                    .is_some_and(|t| view.global(t).as_ref() == Some(rule));
                if name.text != param || !targets_rule {
                    continue;
                }
                let Some(file) = view.file(source) else {
                    continue;
                };
                if seen.insert((file, name.range)) {
                    out.push((view, source, name.range));
                }
            }
        }
    }
    out
}

/// The definitions of every view, once each (positions in open documents from their own
/// analyses only), with the view they were found in.
pub fn definitions(
    views: &[View],
    open: &HashSet<PathBuf>,
) -> Vec<(View, decorum_engine::Definition)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for view in views {
        for definition in &view.symbols().definitions {
            if !view.trusted(definition.key.source, open) {
                continue;
            }
            let Some(key) = view.global(&definition.key) else {
                continue;
            };
            if seen.insert(key) {
                out.push((view.clone(), definition.clone()));
            }
        }
    }
    out
}

/// The symbols of a context's policies, compiled when the context was loaded; none for
/// the defaults of loose files outside every workspace folder.
fn context_index(ctx: &PolicyContext) -> Option<Arc<ContextIndex>> {
    match &ctx.key {
        ContextKey::Defaults(root) if root.as_os_str().is_empty() => None,
        _ => ctx.index.clone(),
    }
}

/// A definition's key in `view` from its global key, if the view holds that file.
pub fn local_key(view: &View, key: &GlobalKey) -> Option<SymbolKey> {
    let sources = view.loaded().inputs.sources.len();
    (0..sources)
        .map(|i| SourceId(i as u32))
        .find(|&id| view.file(id).as_ref() == Some(&key.file))
        .map(|source| SymbolKey {
            source,
            kind: key.kind,
            name: key.name.clone(),
        })
}
