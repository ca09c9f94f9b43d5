//! Policy files as the author has them in the editor: loaded with every open policy
//! buffer standing in for its file on disk, compiled, and their examples run.
//!
//! An analysis treats the policy file as the only root (with everything it imports,
//! under the `decorum.toml` that applies to it), so its problems, its symbols and its
//! examples are those of the file itself; problems that need the other roots of a
//! configuration (two roots defining the same policy name) surface in `decorum check`
//! and in the context's own load.
//!
//! The check task of a policy document computes its analysis and stores it in
//! [`State::analyses`]; the policy features (completion, navigation, symbols, code lens,
//! code actions) read it from there through [`for_document`], which computes a fresh one
//! when the stored one belongs to an older version.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use decorum_engine::{Compiled, ExampleResult, SourceId, compile};
use decorum_workspace::{Config, LoadedPolicies, Overlays, load_config, load_policies_overlaid};
use tower_lsp_server::ls_types::Uri;

use crate::context::ContextKey;
use crate::state::{Role, State};

/// One version of a policy document, analysed.
#[derive(Debug)]
pub struct PolicyAnalysis {
    /// The document version the analysis belongs to.
    pub version: i32,
    /// The document's file (canonical).
    pub path: PathBuf,
    /// The document's source among `loaded`'s sources (`None` when it could not be
    /// loaded, e.g. a file outside every allowed folder).
    pub source: Option<SourceId>,
    /// Every file loaded: the document and what it imports, with their texts and parses.
    pub loaded: LoadedPolicies,
    /// Problems, symbols and (when there are no errors) the compiled policies.
    pub compiled: Compiled,
    /// The results of the document's own examples (empty when the policies have errors).
    pub examples: Vec<ExampleResult>,
    /// The configuration the file was loaded under.
    pub config: Config,
}

impl PolicyAnalysis {
    /// Analyses the policy file at `path` (canonical), reading open buffers from
    /// `overlays`. `version` is the document version the overlay of `path` holds.
    pub fn run(
        path: &Path,
        version: i32,
        overlays: &Overlays,
        folders: &[PathBuf],
    ) -> PolicyAnalysis {
        let config = config_for(path, folders);
        let loaded = load_policies_overlaid(&config, Some(path), overlays);
        let compiled = compile(&loaded.inputs);
        let source = loaded.source_at(path);
        let examples = compiled
            .policy_set
            .as_ref()
            .zip(source)
            .map(|(set, source)| set.run_examples_of(source))
            .unwrap_or_default();
        PolicyAnalysis {
            version,
            path: path.to_path_buf(),
            source,
            loaded,
            compiled,
            examples,
            config,
        }
    }

    /// The document's text as analysed.
    pub fn text(&self) -> Option<&Arc<str>> {
        let id = self.source?;
        self.loaded
            .inputs
            .sources
            .get(id.0 as usize)
            .map(|s| &s.text)
    }
}

/// The configuration a policy file at `path` (canonical) is analysed under: the
/// `decorum.toml` of its folder or the nearest above it (its defaults when that file has
/// errors, which are reported on it), else the defaults rooted where a draft there would
/// have them: the innermost of the workspace `folders` holding the file, else the file's
/// own folder. `decorum test` run from the workspace folder reads the same files.
pub fn config_for(path: &Path, folders: &[PathBuf]) -> Config {
    // The context a draft at `path` would have; `path` is canonical, so the folders are
    // compared canonical too.
    let folders: Vec<PathBuf> = folders
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
        .collect();
    match ContextKey::for_document(Some(path), &folders) {
        ContextKey::Config(config_path) => load_config(&config_path)
            .unwrap_or_else(|_| Config::default_for(config_path.parent().unwrap_or(path))),
        ContextKey::Defaults(root) => Config::default_for(&root),
    }
}

/// The texts of every open policy document, by canonical path (a file not saved yet by
/// its folder's canonical path and its name).
pub fn overlays(state: &State) -> Overlays {
    state
        .documents
        .iter()
        .filter(|doc| doc.role == Role::Policy)
        .filter_map(|doc| {
            let path = doc.path.as_ref()?;
            let canonical = decorum_workspace::canonical_file(path)?;
            Some((canonical, Arc::from(doc.text.text.as_str())))
        })
        .collect()
}

/// The analysis of the current version of an open policy document: the stored one when
/// it is current, else a new one (computed on the calling thread). `None` for documents
/// that are not open policy files with a path in a folder on disk.
pub fn for_document(state: &State, uri: &Uri) -> Option<Arc<PolicyAnalysis>> {
    let (version, path) = {
        let doc = state.documents.get(uri)?;
        if doc.role != Role::Policy {
            return None;
        }
        (doc.text.version, doc.path.clone()?)
    };
    if let Some(stored) = state.analyses.get(uri) {
        if stored.version == version {
            return Some(Arc::clone(&stored));
        }
    }
    let canonical = decorum_workspace::canonical_file(&path)?;
    let analysis = Arc::new(PolicyAnalysis::run(
        &canonical,
        version,
        &overlays(state),
        &state.folders(),
    ));
    store(state, uri, &analysis);
    Some(analysis)
}

/// Keeps `analysis` for `uri` unless a newer one is stored.
pub fn store(state: &State, uri: &Uri, analysis: &Arc<PolicyAnalysis>) {
    match state.analyses.entry(uri.clone()) {
        dashmap::Entry::Occupied(mut entry) => {
            if entry.get().version <= analysis.version {
                entry.insert(Arc::clone(analysis));
            }
        }
        dashmap::Entry::Vacant(entry) => {
            entry.insert(Arc::clone(analysis));
        }
    }
}
