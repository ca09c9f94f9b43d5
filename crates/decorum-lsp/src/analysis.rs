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

use std::collections::HashSet;
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
    /// Where the imports of every file loaded point, resolved or not (`import_places`).
    pub import_places: Vec<PathBuf>,
}

impl PolicyAnalysis {
    /// Analyses the policy file at `path` (canonical), reading open buffers from
    /// `overlays`, under the workspace `folders` (canonical). `version` is the document
    /// version the overlay of `path` holds.
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
        let import_places = import_places(&loaded, &config);
        PolicyAnalysis {
            version,
            path: path.to_path_buf(),
            source,
            loaded,
            compiled,
            examples,
            config,
            import_places,
        }
    }

    /// Whether an analysis of the same text could load the policy file at `path`
    /// (canonical) if its text changed or it came into being: it loaded that file, or an
    /// import of a file it loaded names it or a folder holding it (or a folder that a
    /// symbolic link inside a folder it names leads to), whether that import resolved or
    /// failed. A policy file opened in the editor may have been missing (a
    /// new buffer never saved), or read from disk without the buffer's edits.
    pub fn may_load(&self, path: &Path) -> bool {
        self.loaded
            .disk_paths
            .iter()
            .any(|p| p.as_deref() == Some(path))
            || self
                .import_places
                .iter()
                .any(|place| path.starts_with(place))
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

/// Where the imports of the files of `loaded` point, whether they resolved or failed:
/// for each `import` of a file read from disk (the standard library imports only its own
/// files), the file or folder it names (`./shared/base`: the folder
/// `shared/base` and the file `shared/base.decorum`), as written and with symbolic links
/// resolved (those of the part that exists: a folder made later under a link is found
/// where the link leads), so that [`PolicyAnalysis::may_load`] compares canonical paths
/// with no file-system call; and every folder the loader's folder imports read
/// ([`LoadedPolicies::folders`]), which holds the folders that symbolic links inside an
/// imported folder lead to. An import of the standard library or of an undeclared
/// library names no place; a library's is inside its folder.
fn import_places(loaded: &LoadedPolicies, config: &Config) -> Vec<PathBuf> {
    let libraries: Vec<(&str, PathBuf)> = config
        .libraries
        .iter()
        .map(|(name, folder)| {
            (
                name.as_str(),
                decorum_workspace::canonical_or_absolute(folder),
            )
        })
        .collect();
    let mut places = Vec::new();
    let files = loaded.inputs.sources.iter().zip(&loaded.disk_paths);
    for (source, from) in files {
        let Some(from) = from else {
            continue;
        };
        for import in source.parse.file.imports() {
            let Some(named) = named_place(&import.source.value, from, &libraries) else {
                continue;
            };
            let file = named.file_name().map(|name| {
                let mut name = name.to_os_string();
                name.push(decorum_workspace::EXTENSION);
                named.with_file_name(name)
            });
            places.extend(resolve_existing(&named));
            places.extend(file.as_deref().and_then(resolve_existing));
            places.extend(file);
            places.push(named);
        }
    }
    // The folders the loader's folder imports read, those symbolic links lead to too.
    places.extend(loaded.folders.iter().cloned());
    places.sort();
    places.dedup();
    places
}

/// `path` (absolute, normalised) with the symbolic links of its longest existing part
/// resolved and the rest as written: where the file or folder it names is, or would be
/// once made. `None` when not even the root exists.
fn resolve_existing(path: &Path) -> Option<PathBuf> {
    let mut missing = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            return Some(missing.iter().rev().fold(canonical, |p, name| p.join(name)));
        }
        missing.push(existing.file_name()?);
        existing = existing.parent()?;
    }
}

/// The file or folder (absolute, normalised, without the `.decorum` a file may lack)
/// that the import `spec` of the file at `from` names, as the loader reads it.
fn named_place(spec: &str, from: &Path, libraries: &[(&str, PathBuf)]) -> Option<PathBuf> {
    use decorum_workspace::load::{SpecKind, import_kind};
    let named = match import_kind(spec)? {
        SpecKind::Std => return None,
        SpecKind::Relative => from.parent()?.join(spec),
        SpecKind::Library { name, rest } => {
            let (_, folder) = libraries.iter().find(|(declared, _)| *declared == name)?;
            folder.join(rest)
        }
    };
    Some(decorum_workspace::normalize(&named))
}

/// The configuration a policy file at `path` (canonical) is analysed under: the
/// `decorum.toml` of its folder or the nearest above it (its defaults when that file has
/// errors, which are reported on it), else the defaults rooted where a draft there would
/// have them: the innermost of the workspace `folders` holding the file, else the file's
/// own folder. `decorum test` run from the workspace folder reads the same files.
/// `folders` are canonical ([`State::canonical_folders`]), as `path` is.
pub fn config_for(path: &Path, folders: &[PathBuf]) -> Config {
    // The context a draft at `path` would have.
    match ContextKey::for_document(Some(path), folders) {
        ContextKey::Config(config_path) => load_config(&config_path)
            .unwrap_or_else(|_| Config::default_for(config_path.parent().unwrap_or(path))),
        ContextKey::Defaults(root) => Config::default_for(&root),
    }
}

/// The texts of every open policy document, by canonical path (a file not saved yet by
/// its folder's canonical path and its name).
pub fn overlays(state: &State) -> Overlays {
    overlays_seen(state).0
}

/// [`overlays`], and the openings (log ids) of every open policy document they were
/// taken from, read in the same pass: a policy file opened later is not among them.
pub fn overlays_seen(state: &State) -> (Overlays, HashSet<u32>) {
    let mut seen = HashSet::new();
    let mut overlays = Overlays::new();
    for doc in state
        .documents
        .iter()
        .filter(|doc| doc.role == Role::Policy)
    {
        seen.insert(doc.log_id);
        let Some(path) = doc.path.as_ref() else {
            continue;
        };
        if let Some(canonical) = decorum_workspace::canonical_file(path) {
            overlays.insert(canonical, Arc::from(doc.text.text.as_str()));
        }
    }
    (overlays, seen)
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
        &state.canonical_folders(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_analysis_may_load_what_its_imports_name_resolved_or_not() {
        let dir = std::env::temp_dir().join(format!("decorum-may-load-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for folder in ["policy", "shared", "vendor/care"] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        let root = std::fs::canonicalize(&dir).unwrap();
        std::os::unix::fs::symlink(root.join("shared"), root.join("policy/linked")).unwrap();
        std::fs::write(
            root.join("decorum.toml"),
            "policies = [\"policy/main.decorum\"]\n[libraries]\ncare = { path = \"vendor/care\" }\n",
        )
        .unwrap();
        let main = "decorum 1\npolicy test.main\n\nimport \"./fresh\" as fresh\nimport \"./linked/\" as linked\nimport \"std/healthcare\" as hc\nimport \"care/rules\" as care\n";
        std::fs::write(root.join("policy/main.decorum"), main).unwrap();
        // Loaded through the folder import: its own failed import counts too.
        std::fs::write(
            root.join("shared/base.decorum"),
            "decorum 1\npolicy test.base\n\nimport \"./deep/gone\" as gone\n",
        )
        .unwrap();
        let path = root.join("policy/main.decorum");
        let analysis = PolicyAnalysis::run(&path, 1, &Overlays::new(), std::slice::from_ref(&root));
        let may_load = |relative: &str| analysis.may_load(&root.join(relative));
        // Itself and what it loaded.
        assert!(may_load("policy/main.decorum"));
        assert!(may_load("shared/base.decorum"));
        // Missing now, named by a failed import (`./fresh` may be a folder too).
        assert!(may_load("policy/fresh.decorum"));
        assert!(may_load("policy/fresh/new.decorum"));
        assert!(may_load("shared/deep/gone.decorum"));
        assert!(may_load("vendor/care/rules.decorum"));
        // A new file of a folder imported through a symbolic link.
        assert!(may_load("shared/new.decorum"));
        // Named by nothing.
        assert!(!may_load("policy/other.decorum"));
        assert!(!may_load("policy/freshly.decorum"));
        assert!(!may_load("vendor/care/other.decorum"));
        assert!(!may_load("shared.decorum"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A folder import reads the folders linked inside it (the loader follows the links
    /// that stay in the workspace), and an import through a link may name a folder that
    /// does not exist yet: a new file in either is reached by its canonical path, which
    /// is under neither the imported folder nor the import as written.
    #[test]
    fn an_analysis_may_load_what_links_below_its_imports_reach() {
        let dir =
            std::env::temp_dir().join(format!("decorum-may-load-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for folder in ["policy/rules/plain", "shared/deeper", "elsewhere", "other"] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
        }
        let root = std::fs::canonicalize(&dir).unwrap();
        let link = |target: &str, at: &str| {
            std::os::unix::fs::symlink(root.join(target), root.join(at)).unwrap();
        };
        // A folder linked into the imported folder, and one linked below that.
        link("shared", "policy/rules/linked");
        link("elsewhere", "shared/deeper/far");
        // A link the import goes through, to a folder it names that is not there yet.
        link("other", "policy/via");
        std::fs::write(
            root.join("decorum.toml"),
            "policies = [\"policy/main.decorum\"]\n",
        )
        .unwrap();
        let main = "decorum 1\npolicy test.main\n\nimport \"./rules/\" as rules\nimport \"./via/fresh\" as fresh\n";
        std::fs::write(root.join("policy/main.decorum"), main).unwrap();
        std::fs::write(
            root.join("policy/rules/plain/old.decorum"),
            "decorum 1\npolicy test.old\n",
        )
        .unwrap();
        let path = root.join("policy/main.decorum");
        let analysis = PolicyAnalysis::run(&path, 1, &Overlays::new(), std::slice::from_ref(&root));
        let may_load = |relative: &str| analysis.may_load(&root.join(relative));
        assert!(may_load("policy/rules/plain/new.decorum"));
        // Read by the folder import as rules/linked/new and rules/linked/deeper/far/new.
        assert!(may_load("shared/new.decorum"));
        assert!(may_load("shared/deeper/new.decorum"));
        assert!(may_load("elsewhere/new.decorum"));
        // `./via/fresh`, once the folder other/fresh is made.
        assert!(may_load("other/fresh.decorum"));
        assert!(may_load("other/fresh/new.decorum"));
        // Named by nothing.
        assert!(!may_load("other/new.decorum"));
        assert!(!may_load("policy/new.decorum"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
