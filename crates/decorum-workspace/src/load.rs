//! Loading policies: the root files, everything they import, each file once, parsed and
//! handed to the engine as [`PolicyInputs`] with every `import` resolved.
//!
//! An import source is one of
//! - `std/...`: a file or folder of the embedded standard library;
//! - `./x`, `../x`: relative to the importing file's folder; inside a standard-library
//!   file, relative within the standard library;
//! - `name` or `name/rest`: a library declared in `decorum.toml` under `[libraries]`.
//!
//! A path names a `.decorum` file (the extension may be left out) or a folder, which
//! stands for every `.decorum` file below it (hidden files and folders excepted).
//!
//! Policies may only read files inside the workspace root and the declared library
//! folders (plus the folder of a `--policy` file given explicitly): a shared policy must
//! not be able to pull `/etc/passwd` or a home directory into error messages. Paths are
//! checked twice, lexically before touching the file system and again after resolving
//! symlinks, by the [`Sandbox`], which the language server and `decorum.toml`'s check ask
//! too. Anything that cannot be resolved becomes [`ImportResolution::Failed`] with
//! a message and advice; the engine reports it at the import.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use decorum_engine::{ImportResolution, PolicyInputs, PolicySource, SourceId};

use crate::config::Config;
use crate::library::{self, Library, LibraryError, Lock};
use crate::paths;
use crate::stdlib::{self, EXTENSION, StdFile};
use decorum_syntax::did_you_mean;

mod sandbox;
pub(crate) use sandbox::holds_workspace;
pub use sandbox::{Refusal, Sandbox};

/// Policy files larger than this are refused: no real policy comes close, and reading
/// an arbitrary huge file (a log, a disk image) into memory helps nobody.
const MAX_POLICY_BYTES: u64 = 16 * 1024 * 1024;

/// How deep a policy folder is searched; deeper trees are almost certainly a mistake
/// (or a symlink maze). The language server's import completion looks as deep.
pub const MAX_FOLDER_DEPTH: usize = 32;

/// What [`load_policies`] produced.
#[derive(Debug, Clone, Default)]
pub struct LoadedPolicies {
    /// The files for the engine; roots that could not be read are missing from it.
    pub inputs: PolicyInputs,
    /// Roots that could not be read. Imports that fail are not here: they are
    /// [`ImportResolution::Failed`] entries of the importing file.
    pub errors: Vec<LoadError>,
    /// For each source (same index as `inputs.sources`), the file it was read from
    /// (canonical), or `None` for the embedded standard library: for opening, watching
    /// and linking to policy files.
    pub disk_paths: Vec<Option<PathBuf>>,
    /// The libraries the policies imported, read and verified against `decorum.lock`.
    pub libraries: Vec<Library>,
    /// The libraries the policies imported that could not be read or do not match
    /// `decorum.lock`, by name, in name order (each import of them failed with this
    /// error).
    pub library_errors: Vec<(String, LibraryError)>,
    /// Every folder (canonical) that a folder import read, in path order, the folders
    /// that symbolic links inside it lead to included: a policy file made in one later
    /// would be read too (the language server re-checks what may import it).
    pub folders: Vec<PathBuf>,
}

impl LoadedPolicies {
    /// The file a source was read from, `None` for the standard library.
    pub fn disk_path(&self, id: SourceId) -> Option<&Path> {
        self.disk_paths.get(id.0 as usize)?.as_deref()
    }

    /// The source read from `path` (any spelling of it that canonicalises the same).
    pub fn source_at(&self, path: &Path) -> Option<SourceId> {
        let canonical = paths::canonical_file(path)?;
        let index = self
            .disk_paths
            .iter()
            .position(|p| p.as_deref() == Some(&*canonical))?;
        Some(SourceId(u32::try_from(index).ok()?))
    }
}

/// A policy root (a `policies` entry or the `--policy` file) that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file or folder that was looked for.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// The entry of `policies` in decorum.toml that named the root, when one did.
    pub entry: Option<crate::Place>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for LoadError {}

/// Loads the policies that apply: `explicit` (a `--policy` file or folder, relative to the
/// current directory, or a `std/...` path) when given, else `config.policies`; then every
/// file they import, transitively, each once.
pub fn load_policies(config: &Config, explicit: Option<&Path>) -> LoadedPolicies {
    load_policies_overlaid(config, explicit, &Overlays::new())
}

/// Texts that stand in for files on disk: an editor's unsaved buffers, by canonical path.
pub type Overlays = HashMap<PathBuf, Arc<str>>;

/// [`load_policies`] reading the text of the files in `overlays` from there instead of
/// from disk. A file of `overlays` that is not on disk (a new buffer never saved) is found
/// by roots, imports and folder imports as if it were, at its folder's canonical path and
/// its name: its folder must exist, and the sandbox checks that real place. The lock
/// check of libraries always hashes what is on disk.
pub fn load_policies_overlaid(
    config: &Config,
    explicit: Option<&Path>,
    overlays: &Overlays,
) -> LoadedPolicies {
    let cwd = std::env::current_dir().unwrap_or_else(|_| config.root.clone());
    load_with_overlays(config, explicit, stdlib::files(), &cwd, overlays)
}

/// [`load_policies`] with the standard library and current directory given, for tests.
#[cfg(test)]
pub(crate) fn load_with(
    config: &Config,
    explicit: Option<&Path>,
    std_files: &[StdFile],
    cwd: &Path,
) -> LoadedPolicies {
    load_with_overlays(config, explicit, std_files, cwd, &Overlays::new())
}

fn load_with_overlays(
    config: &Config,
    explicit: Option<&Path>,
    std_files: &[StdFile],
    cwd: &Path,
    overlays: &Overlays,
) -> LoadedPolicies {
    let mut loader = Loader::new(config, std_files, overlays);
    match explicit {
        Some(path) => loader.add_explicit_root(path, cwd),
        None => {
            let places = config.policy_places.iter().chain(std::iter::repeat(&None));
            for (entry, place) in config.policies.iter().zip(places) {
                let before = loader.errors.len();
                loader.add_config_root(entry);
                for error in loader.errors.get_mut(before..).unwrap_or_default() {
                    error.entry = place.clone();
                }
            }
        }
    }
    loader.resolve_all_imports();
    let disk_paths = loader
        .origins
        .into_iter()
        .map(|origin| match origin {
            Origin::Std(_) => None,
            Origin::Disk(path) => Some(path),
        })
        .collect();
    let mut libraries = Vec::new();
    let mut library_errors = Vec::new();
    for (name, result) in loader.libraries.into_inner() {
        match result {
            Ok(library) => libraries.push(library),
            Err(error) => library_errors.push((name, error)),
        }
    }
    LoadedPolicies {
        inputs: loader.inputs,
        errors: loader.errors,
        disk_paths,
        library_errors,
        libraries,
        folders: loader.folders.into_inner().into_iter().collect(),
    }
}

/// Why something could not be loaded: becomes a [`LoadError`] or a failed import.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    message: String,
    help: Option<String>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Failure {
        self.help = Some(help.into());
        self
    }

    fn into_resolution(self) -> ImportResolution {
        ImportResolution::Failed {
            message: self.message,
            help: self.help,
        }
    }
}

/// Where a loaded file came from, to resolve its relative imports.
#[derive(Debug, Clone)]
enum Origin {
    /// A standard-library file, by import path.
    Std(String),
    /// A file on disk, by canonical path.
    Disk(PathBuf),
}

/// The identity of a file, to load each file once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Std(String),
    Disk(PathBuf),
}

/// What an import or root names, before its files are loaded.
enum Target {
    /// A standard-library file.
    StdFile(StdFile),
    /// Standard-library files with their module names.
    StdFolder(Vec<(String, StdFile)>),
    /// A file on disk (canonical).
    DiskFile(PathBuf),
    /// Files on disk (canonical) with their module names.
    DiskFolder(Vec<(String, PathBuf)>),
}

/// How to import by name what a path reaches inside a library.
enum ByName {
    /// The import that names it, in backticks.
    Import(String),
    /// It is not exported: the imports of what is, in backticks, joined with "or".
    Exports { module: String, imports: String },
}

/// How an import source is written.
/// What an import path names, as the loader reads it ([`import_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecKind<'s> {
    /// A file or folder of the embedded standard library (`std/...`).
    Std,
    /// A path from the importing file's folder (`./`, `../`, `.`, `..`).
    Relative,
    /// A declared library, by name.
    Library {
        /// The library's name, as declared under `[libraries]`.
        name: &'s str,
        /// The path inside its folder; empty for the library itself.
        rest: &'s str,
    },
}

/// What the import path `spec` names, as the loader reads it; `None` when the loader
/// refuses how it is written (empty, a backslash, an absolute path).
pub fn import_kind(spec: &str) -> Option<SpecKind<'_>> {
    classify(spec).ok()
}

struct Loader<'a> {
    config: &'a Config,
    std_files: &'a [StdFile],
    /// Where policies may read: the workspace root, the libraries' folders and the folder
    /// of an explicit `--policy`.
    sandbox: Sandbox,
    inputs: PolicyInputs,
    origins: Vec<Origin>,
    loaded: HashMap<Key, Result<SourceId, Failure>>,
    pending: VecDeque<SourceId>,
    errors: Vec<LoadError>,
    /// `decorum.lock`, read once.
    lock: Result<Option<Lock>, LibraryError>,
    /// Libraries read and verified so far, by name.
    libraries: RefCell<BTreeMap<String, Result<Library, LibraryError>>>,
    /// The folders folder imports read, for [`LoadedPolicies::folders`].
    folders: RefCell<BTreeSet<PathBuf>>,
    /// Unsaved texts that replace files on disk.
    overlays: &'a Overlays,
}

impl<'a> Loader<'a> {
    fn new(config: &'a Config, std_files: &'a [StdFile], overlays: &'a Overlays) -> Loader<'a> {
        Loader {
            config,
            std_files,
            sandbox: Sandbox::new(config),
            inputs: PolicyInputs::default(),
            origins: Vec::new(),
            loaded: HashMap::new(),
            pending: VecDeque::new(),
            errors: Vec::new(),
            lock: library::read_lock(config),
            libraries: RefCell::new(BTreeMap::new()),
            folders: RefCell::new(BTreeSet::new()),
            overlays,
        }
    }

    /// A declared library, read and checked against `decorum.lock` once.
    fn library(&self, name: &str, root: &Path, shown: &str) -> Result<Library, Failure> {
        let mut cache = self.libraries.borrow_mut();
        let entry = cache.entry(name.to_string()).or_insert_with(|| {
            let library = library::read_library(name, root, shown)?;
            let lock = self.lock.as_ref().map_err(Clone::clone)?;
            library::verify(&library, lock.as_ref())?;
            Ok(library)
        });
        entry.clone().map_err(|e| Failure {
            message: e.message,
            help: e.help,
        })
    }

    // ----- roots -------------------------------------------------------------------

    /// A `--policy` path. The person running Decorum chose it, so it may lie outside
    /// the workspace; its folder then becomes readable for its relative imports.
    fn add_explicit_root(&mut self, path: &Path, cwd: &Path) {
        let candidate = paths::absolute_in(cwd, path);
        let as_written = path.to_string_lossy().into_owned();
        let on_disk = candidate.exists() || with_extension(&candidate).exists();
        if !on_disk && stdlib::is_std_path(&as_written) {
            self.add_std_root(&as_written, path);
            return;
        }
        self.sandbox.allow_explicit_root(&candidate);
        let looked_for = as_written.trim_end_matches('/').to_owned();
        // The path is in question only when nothing usable was found there; a file that
        // was found but cannot be read says what to do itself.
        let target = self
            .find_on_disk(&candidate, &as_written, &looked_for)
            .map_err(|failure| match failure.help {
                Some(_) => failure,
                None => failure.help("check the path: it is relative to the current folder"),
            });
        self.add_root_target(target, path, Some(&as_written), None);
    }

    /// An entry of `policies` in `decorum.toml`, relative to the configuration root.
    fn add_config_root(&mut self, entry: &str) {
        let help = format!("check `policies` in {}", self.config_name());
        if stdlib::is_std_path(entry) {
            self.add_std_root(entry, Path::new(entry));
            return;
        }
        let shown = self.config.root.join(entry);
        if let Some(failure) = spec_syntax_problem(entry, false) {
            self.errors.push(LoadError {
                path: shown,
                message: failure.message,
                help: failure.help.or(Some(help)),
                entry: None,
            });
            return;
        }
        let candidate = paths::normalize(&self.sandbox.root().join(entry));
        let looked_for = entry.trim_end_matches('/').to_owned();
        let target = self
            .find_on_disk(&candidate, entry, &looked_for)
            .and_then(|target| {
                let inside = Self::target_paths(&target)
                    .into_iter()
                    .find_map(|p| self.sandbox.library_of(p));
                match inside {
                    Some(library) => Err(Failure::new(format!(
                        "`{entry}` is in the folder of the library \"{library}\""
                    ))
                    .help(match self.import_by_name(library, &candidate) {
                        ByName::Import(import) => format!(
                            "list a policy of your own here that imports it by name ({import}), so that decorum.lock pins it"
                        ),
                        ByName::Exports { module, imports } => format!(
                            "the library does not export \"{module}\"; list a policy of your own here that imports by name what it exports ({imports}), so that decorum.lock pins it"
                        ),
                    })),
                    None => Ok(target),
                }
            });
        self.add_root_target(target, &shown, None, Some(help));
    }

    fn add_std_root(&mut self, entry: &str, shown: &Path) {
        let target = self.find_std(entry);
        self.add_root_target(target, shown, None, None);
    }

    fn add_root_target(
        &mut self,
        target: Result<Target, Failure>,
        shown: &Path,
        display: Option<&str>,
        default_help: Option<String>,
    ) {
        let result = target.and_then(|target| match target {
            Target::StdFile(file) => Ok(vec![self.load_std(file)]),
            Target::StdFolder(files) => {
                Ok(files.into_iter().map(|(_, f)| self.load_std(f)).collect())
            }
            Target::DiskFile(path) => self.load_disk(&path, display).map(|id| vec![id]),
            Target::DiskFolder(files) => files
                .into_iter()
                .map(|(_, path)| self.load_disk(&path, None))
                .collect(),
        });
        match result {
            Ok(ids) => {
                for id in ids {
                    if !self.inputs.roots.contains(&id) {
                        self.inputs.roots.push(id);
                    }
                }
            }
            Err(failure) => self.errors.push(LoadError {
                path: shown.to_path_buf(),
                message: failure.message,
                help: failure.help.or(default_help),
                entry: None,
            }),
        }
    }

    // ----- imports -----------------------------------------------------------------

    /// Resolves the imports of every loaded file, loading what they name, until no file
    /// is left: each file is loaded once, so cycles end (the engine reports them).
    fn resolve_all_imports(&mut self) {
        while let Some(id) = self.pending.pop_front() {
            let index = id.0 as usize;
            let Some(source) = self.inputs.sources.get(index) else {
                continue;
            };
            let specs: Vec<String> = source
                .parse
                .file
                .imports()
                .map(|import| import.source.value.clone())
                .collect();
            let Some(origin) = self.origins.get(index).cloned() else {
                continue;
            };
            let resolutions: Vec<ImportResolution> = specs
                .iter()
                .map(|spec| self.resolve_import(spec, &origin))
                .collect();
            if let Some(source) = self.inputs.sources.get_mut(index) {
                source.imports = resolutions;
            }
        }
    }

    fn resolve_import(&mut self, spec: &str, origin: &Origin) -> ImportResolution {
        let target = self.find_import(spec, origin);
        let result = target.and_then(|target| match target {
            Target::StdFile(file) => Ok(ImportResolution::File(self.load_std(file))),
            Target::StdFolder(files) => Ok(ImportResolution::Folder(
                files
                    .into_iter()
                    .map(|(module, file)| (module, self.load_std(file)))
                    .collect(),
            )),
            Target::DiskFile(path) => self.load_disk(&path, None).map(ImportResolution::File),
            Target::DiskFolder(files) => files
                .into_iter()
                .map(|(module, path)| self.load_disk(&path, None).map(|id| (module, id)))
                .collect::<Result<Vec<_>, _>>()
                .map(ImportResolution::Folder),
        });
        result.unwrap_or_else(Failure::into_resolution)
    }

    fn find_import(&self, spec: &str, origin: &Origin) -> Result<Target, Failure> {
        let kind = classify(spec)?;
        match (kind, origin) {
            (SpecKind::Std, _) => self.find_std(spec),
            (SpecKind::Relative, Origin::Std(from)) => {
                let joined = join_std(from, spec)?;
                self.find_std(&joined)
            }
            (SpecKind::Relative, Origin::Disk(from)) => {
                let folder = from.parent().unwrap_or(Path::new("/"));
                let candidate = paths::normalize(&folder.join(spec));
                let looked_for = spec.trim_end_matches('/').to_owned();
                let target =
                    self.find_on_disk(&candidate, spec, &looked_for)
                        .map_err(|failure| match failure.help {
                            Some(_) => failure,
                            None => {
                                failure.help("check the path: it is relative to this file's folder")
                            }
                        })?;
                self.check_relative_boundary(&target, from, spec, &candidate)?;
                Ok(target)
            }
            (SpecKind::Library { name, .. }, Origin::Std(_)) => Err(Failure::new(format!(
                "the standard library cannot import the library \"{name}\""
            ))),
            (SpecKind::Library { name, rest }, Origin::Disk(from)) => {
                self.find_library(spec, name, rest, from)
            }
        }
    }

    fn find_library(
        &self,
        spec: &str,
        name: &str,
        rest: &str,
        from: &Path,
    ) -> Result<Target, Failure> {
        let Some(folder) = self.config.libraries.get(name) else {
            let declared = self.config.libraries.keys().map(String::as_str);
            let help = match did_you_mean(name, declared) {
                Some(suggestion) => format!("did you mean \"{suggestion}\"?"),
                None => format!(
                    "declare it in decorum.toml under [libraries]: {name} = {{ path = \"vendor/{name}\" }}"
                ),
            };
            return Err(Failure::new(format!("unknown library \"{name}\"")).help(help));
        };
        let shown_folder = library::shown_library_path(self.config, folder);
        // Declared, but no library of the sandbox: its folder holds the workspace.
        let Some(library_root) = self.sandbox.library_folder(name) else {
            return Err(Failure::new(format!(
                "the folder of library \"{name}\" (`{shown_folder}`) holds the workspace"
            ))
            .help(format!(
                "a library is a folder of its own, not one that holds the workspace: check [libraries] in {}",
                self.config_name()
            )));
        };
        if !library_root.exists() {
            return Err(Failure::new(format!(
                "the folder of library \"{name}\" (`{shown_folder}`) does not exist"
            ))
            .help(format!(
                "check its path under [libraries] in {}; if the library is a git submodule, fetch it with `git submodule update --init` (in CI, clone with `--recurse-submodules`)",
                self.config_name()
            )));
        }
        let library_root = library_root.to_path_buf();
        // Whether `path` is the library's own, as the sandbox says: in its folder and in
        // no library declared inside it. (By folder rather than name: a folder declared
        // under two names is refused with the lock, below, saying so.)
        let own = |path: &Path| {
            let owner = self.sandbox.library_of(path);
            owner.and_then(|owner| self.sandbox.library_folder(owner)) == Some(&*library_root)
        };
        // As written, before the file system is asked.
        let candidate = paths::normalize(&library_root.join(rest));
        match self.sandbox.library_of(&candidate) {
            Some(_) if own(&candidate) => {}
            Some(other) => {
                return Err(
                    Failure::new(format!("`{spec}` reaches into the library \"{other}\""))
                        .help(self.import_by_name_help(other, &candidate)),
                );
            }
            None => {
                return Err(Failure::new(format!(
                    "`{spec}` leaves the folder of library \"{name}\""
                )));
            }
        }
        let library = self.library(name, &library_root, &shown_folder)?;
        if library.manifest.language > decorum_syntax::SUPPORTED_VERSION {
            return Err(Failure::new(format!(
                "library \"{name}\" {} needs policy-language version {}, but this Decorum understands version {}",
                library.manifest.version,
                library.manifest.language,
                decorum_syntax::SUPPORTED_VERSION
            ))
            .help("upgrade Decorum, or use an older version of the library"));
        }
        // Files of the library import each other freely; importers only reach exports.
        let exports = if own(from) {
            None
        } else {
            Some(library.manifest.exports.clone())
        };
        let module = crate::library::module_name(rest);
        if let Some(exports) = &exports
            && !module.is_empty()
            && !exports.iter().any(|e| e == module)
        {
            let help = match did_you_mean(module, exports.iter().map(String::as_str)) {
                Some(s) => format!(
                    "did you mean \"{name}/{s}\"? It exports: {}",
                    exports.join(", ")
                ),
                None => format!("it exports: {}", exports.join(", ")),
            };
            return Err(
                Failure::new(format!("library \"{name}\" does not export \"{module}\"")).help(help),
            );
        }
        let inner = rest.trim_end_matches('/');
        let looked_for = if inner.is_empty() {
            shown_folder
        } else {
            format!("{shown_folder}/{inner}")
        };
        if rest.trim_end_matches('/').is_empty() {
            // The whole library (`name/` means the same): its exported policies.
            let as_folder = format!("{}/", spec.trim_end_matches('/'));
            let found = self.find_on_disk(&candidate, &as_folder, &looked_for)?;
            self.check_stays_in_library(&found, name, spec)?;
            return Ok(match (found, exports) {
                (Target::DiskFolder(files), Some(exports)) => Target::DiskFolder(
                    files
                        .into_iter()
                        .filter(|(module, _)| {
                            exports.iter().any(|e| e.replace('/', ".") == *module)
                        })
                        .collect(),
                ),
                (other, _) => other,
            });
        }
        let target = self.find_on_disk(&candidate, spec, &looked_for)?;
        self.check_stays_in_library(&target, name, spec)?;
        Ok(target)
    }

    /// A `std/...` path (already joined, for relative imports inside the library).
    fn find_std(&self, spec: &str) -> Result<Target, Failure> {
        let folder_only = spec.ends_with('/');
        let path = spec.trim_end_matches('/');
        let file_only = path.ends_with(EXTENSION);
        let file = if folder_only {
            None
        } else {
            stdlib::find(self.std_files, path)
        };
        let folder = if file_only {
            Vec::new()
        } else {
            stdlib::folder_in(self.std_files, path)
        };
        match (file, folder.is_empty()) {
            (Some(_), false) => Err(ambiguous(
                spec,
                &stdlib::display_path(path),
                &format!("{path}/"),
            )),
            (Some(file), true) => Ok(Target::StdFile(*file)),
            (None, false) => {
                let prefix_len = path.len() + 1;
                let modules = folder
                    .into_iter()
                    .map(|file| {
                        (
                            module_name(file.path.get(prefix_len..).unwrap_or(file.path)),
                            *file,
                        )
                    })
                    .collect();
                Ok(Target::StdFolder(modules))
            }
            (None, true) => {
                let available = stdlib::all_import_paths(self.std_files);
                let wanted = path.strip_suffix(EXTENSION).unwrap_or(path);
                let help = if available.is_empty() {
                    "this build of decorum has no standard library policies".to_owned()
                } else if let Some(suggestion) = did_you_mean(
                    wanted,
                    // A folder that contains what was asked for is no correction.
                    available
                        .iter()
                        .map(String::as_str)
                        .filter(|p| !wanted.starts_with(&format!("{p}/"))),
                ) {
                    format!("did you mean \"{suggestion}\"?")
                } else {
                    format!("the standard library has: {}", available.join(", "))
                };
                Err(Failure::new(format!("no standard library policy \"{wanted}\"")).help(help))
            }
        }
    }

    /// A file or folder on disk. `candidate` is absolute and normalised; `spec` is how the
    /// author wrote it and `looked_for` the path to show in "looked for" advice.
    fn find_on_disk(
        &self,
        candidate: &Path,
        spec: &str,
        looked_for: &str,
    ) -> Result<Target, Failure> {
        // Checked before touching the file system, so that a policy cannot even learn
        // whether a file outside the workspace exists.
        self.check_allowed(candidate, spec)?;
        let folder_only = spec.ends_with('/');
        let file_only = spec.ends_with(EXTENSION);
        let file = if file_only {
            candidate.to_path_buf()
        } else {
            with_extension(candidate)
        };
        // A policy file the editor holds but that was never saved (a new buffer) is
        // found as if it were on disk already.
        let is_file = !folder_only && (file.is_file() || self.unsaved_file(&file).is_some());
        let is_folder = !file_only && candidate.is_dir();
        match (is_file, is_folder) {
            (true, true) => Err(ambiguous(
                spec,
                &format!("{looked_for}{EXTENSION}"),
                &format!("{looked_for}/"),
            )),
            (true, false) => {
                let canonical = self.canonical_inside(&file, spec)?;
                Ok(Target::DiskFile(canonical))
            }
            (false, true) => {
                let canonical = self.canonical_inside(candidate, spec)?;
                let files = self.policy_folder(&canonical, spec)?;
                if files.is_empty() {
                    return Err(Failure::new(format!(
                        "no .decorum files in `{looked_for}/`"
                    ))
                    .help("name a folder that holds policy files (`.decorum`), or one policy file"));
                }
                Ok(Target::DiskFolder(files))
            }
            // A file named without the extension policy files need (`pol.txt`).
            (false, false) if !folder_only && !file_only && candidate.is_file() => {
                let stem = candidate
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Err(Failure::new(format!(
                    "`{spec}` is a file, but not a policy file: policy files end in `{EXTENSION}`"
                ))
                .help(format!(
                    "rename it to `{stem}{EXTENSION}` and name that, or name a folder of policy files"
                )))
            }
            (false, false) => {
                let failure = Failure::new(if file_only {
                    format!("no policy file at `{looked_for}`")
                } else if folder_only {
                    format!("no policy folder at `{looked_for}/`")
                } else {
                    format!(
                        "no policy file or folder at `{spec}` (looked for {looked_for}{EXTENSION} and {looked_for}/)"
                    )
                });
                // The names beside it are listed only in a folder the sandbox allows
                // once links are resolved: a link to a folder outside must not show
                // what is there.
                let parent = candidate
                    .parent()
                    .and_then(|parent| self.canonical_inside(parent, spec).ok());
                Err(match parent.and_then(|parent| near_miss(&parent, spec)) {
                    Some(meant) => failure.help(format!("did you mean `{meant}`?")),
                    None => failure,
                })
            }
        }
    }

    /// Every `.decorum` file below `folder` (canonical), with its module name, sorted;
    /// the folders of declared libraries below it are left out.
    fn policy_folder(&self, folder: &Path, spec: &str) -> Result<Vec<(String, PathBuf)>, Failure> {
        let mut files = Vec::new();
        let mut visited = HashSet::new();
        let walked = self.walk_policy_folder(folder, "", spec, 0, &mut visited, &mut files);
        // Also those of a walk that failed: fixing the failure may import their files.
        self.folders.borrow_mut().extend(visited);
        walked?;
        files.sort();
        Ok(files)
    }

    fn walk_policy_folder(
        &self,
        folder: &Path,
        prefix: &str,
        spec: &str,
        depth: usize,
        visited: &mut HashSet<PathBuf>,
        out: &mut Vec<(String, PathBuf)>,
    ) -> Result<(), Failure> {
        if depth > MAX_FOLDER_DEPTH {
            return Err(Failure::new(format!(
                "`{spec}` has folders nested more than {MAX_FOLDER_DEPTH} deep"
            )));
        }
        if !visited.insert(folder.to_path_buf()) {
            return Ok(()); // a symlink back to a folder already searched
        }
        let unreadable = |err: std::io::Error| {
            Failure::new(format!(
                "cannot read the folder `{}`: {err}",
                self.shown(folder)
            ))
            .help("check that you may read the folder (its permissions), then run again")
        };
        let entries = std::fs::read_dir(folder).map_err(unreadable)?;
        for entry in entries {
            let entry = entry.map_err(unreadable)?;
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                return Err(Failure::new(format!(
                    "`{}` has a name that is not valid UTF-8",
                    self.shown(&path)
                )));
            };
            if name.starts_with('.') {
                continue;
            }
            let Ok(metadata) = std::fs::metadata(&path) else {
                continue; // a dangling symlink: nothing to read
            };
            let relative = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            // A refusal names the entry of the folder, not only the folder.
            let entry_spec = format!("{}/{relative}", spec.trim_end_matches('/'));
            if metadata.is_dir() {
                let canonical = self.canonical_inside(&path, &entry_spec)?;
                if self.sandbox.library_at(&canonical).is_some() {
                    // A library vendored inside a policy folder is reached by its name
                    // (pinned by decorum.lock), not as files of the folder.
                    continue;
                }
                self.walk_policy_folder(&canonical, &relative, spec, depth + 1, visited, out)?;
            } else if metadata.is_file() && name.ends_with(EXTENSION) {
                let canonical = self.canonical_inside(&path, &entry_spec)?;
                let module = relative.strip_suffix(EXTENSION).unwrap_or(&relative);
                out.push((module_name(module), canonical));
            }
        }
        // The policy files of this folder that the editor holds but were never saved.
        for planned in self.overlays.keys() {
            if planned.parent() != Some(folder) {
                continue;
            }
            let Some(stem) = unsaved_policy_stem(planned) else {
                continue;
            };
            let module = if prefix.is_empty() {
                stem.to_owned()
            } else {
                format!("{prefix}/{stem}")
            };
            out.push((module_name(&module), planned.clone()));
        }
        Ok(())
    }

    // ----- reading -----------------------------------------------------------------

    fn load_std(&mut self, file: StdFile) -> SourceId {
        let key = Key::Std(file.path.to_owned());
        if let Some(Ok(id)) = self.loaded.get(&key) {
            return *id;
        }
        let id = self.add(
            stdlib::display_path(file.path),
            Arc::from(file.text),
            true,
            Origin::Std(file.path.to_owned()),
        );
        self.loaded.insert(key, Ok(id));
        id
    }

    /// Reads and parses a file (canonical path) unless it was loaded before. `display`
    /// overrides how the file is shown when it lies outside the workspace.
    fn load_disk(&mut self, canonical: &Path, display: Option<&str>) -> Result<SourceId, Failure> {
        let key = Key::Disk(canonical.to_path_buf());
        if let Some(result) = self.loaded.get(&key) {
            return result.clone();
        }
        self.check_pinned(canonical)?;
        let root = self.sandbox.root();
        let shown = match (canonical.strip_prefix(root), display) {
            (Ok(relative), _) => paths::to_slash(relative),
            (Err(_), Some(display)) => display.to_owned(),
            // A library beside the workspace (`../shared/net`): shown from the root as
            // `decorum.lock` pins it, the same on every machine.
            (Err(_), None)
                if self
                    .sandbox
                    .libraries()
                    .iter()
                    .any(|(_, folder)| canonical.starts_with(folder)) =>
            {
                paths::relative_with_parents(canonical, root)
                    .map_or_else(|| canonical.display().to_string(), |p| paths::to_slash(&p))
            }
            (Err(_), None) => canonical.display().to_string(),
        };
        let text = match self.overlays.get(canonical) {
            Some(text) => Ok(Arc::clone(text)),
            None => read_policy_text(canonical, &shown, MAX_POLICY_BYTES).map(Arc::from),
        };
        let result =
            text.map(|text| self.add(shown, text, false, Origin::Disk(canonical.to_path_buf())));
        self.loaded.insert(key, result.clone());
        result
    }

    fn add(&mut self, path: String, text: Arc<str>, builtin: bool, origin: Origin) -> SourceId {
        let parse = decorum_syntax::parse(&text);
        let shared_library = match &origin {
            Origin::Disk(canonical) => self.sandbox.library_of(canonical).is_some(),
            Origin::Std(_) => false,
        };
        let id = self.inputs.add(PolicySource {
            path,
            text,
            parse,
            imports: Vec::new(),
            builtin,
            shared_library,
        });
        self.origins.push(origin);
        self.pending.push_back(id);
        id
    }

    // ----- the sandbox -------------------------------------------------------------

    /// Refuses a file of a declared library that `decorum.lock` does not pin: one in a
    /// hidden folder or hidden itself (the library's fingerprint leaves those out, like
    /// `.git`), so that changing it would change the rules without `decorum lock
    /// --check` noticing.
    fn check_pinned(&self, canonical: &Path) -> Result<(), Failure> {
        for (name, root) in self.sandbox.libraries() {
            let Ok(relative) = canonical.strip_prefix(root) else {
                continue;
            };
            let hidden = relative.components().any(|c| {
                matches!(c, std::path::Component::Normal(part) if library::is_unpinned_name(part))
            });
            if hidden {
                return Err(Failure::new(format!(
                    "`{}` is hidden inside the library \"{name}\": decorum.lock does not pin hidden files, so a library cannot use them",
                    paths::to_slash(relative)
                ))
                .help("move the file to a folder whose name does not start with a dot, then run `decorum lock`"));
            }
        }
        Ok(())
    }

    /// The canonical files a target names.
    fn target_paths(target: &Target) -> Vec<&Path> {
        match target {
            Target::DiskFile(path) => vec![path.as_path()],
            Target::DiskFolder(files) => files.iter().map(|(_, p)| p.as_path()).collect(),
            Target::StdFile(_) | Target::StdFolder(_) => Vec::new(),
        }
    }

    /// A relative import stays on its side of every library's folder: a workspace file
    /// reaching into a library by path would skip `decorum.lock` and the library's
    /// exports, and a library file reaching out of its folder (by `..` or through a
    /// symbolic link) would read what the lock does not pin.
    fn check_relative_boundary(
        &self,
        target: &Target,
        from: &Path,
        spec: &str,
        candidate: &Path,
    ) -> Result<(), Failure> {
        for path in Self::target_paths(target) {
            let Err(refusal) = self.sandbox.check_side(from, path) else {
                continue;
            };
            return Err(match refusal {
                Refusal::IntoLibrary(library) => Failure::new(format!(
                    "`{spec}` reaches into the library \"{library}\" by its path"
                ))
                .help(self.import_by_name_help(&library, candidate)),
                // Out of the importer's library (the only other refusal of `check_side`).
                _ => Failure::new(format!(
                    "`{spec}` leads out of the library \"{}\" (`{}` is not in its folder)",
                    self.sandbox.library_of(from).unwrap_or_default(),
                    self.shown(path)
                ))
                .help(
                    "a library's files import each other, other libraries by name and `std/...`; decorum.lock pins nothing else",
                ),
            });
        }
        Ok(())
    }

    /// What to write instead of an import that reaches into the library `name` other
    /// than by its name: the import by name of what it reaches (`path`), or of what the
    /// library exports.
    fn import_by_name_help(&self, name: &str, path: &Path) -> String {
        match self.import_by_name(name, path) {
            ByName::Import(import) => format!(
                "import it by name ({import}), so that decorum.lock pins it and only what the library exports is used"
            ),
            ByName::Exports { module, imports } => format!(
                "the library does not export \"{module}\"; import by name what it exports ({imports}), so that decorum.lock pins it"
            ),
        }
    }

    /// How to import by name what `path` (a file or folder inside the library `name`)
    /// reaches by its path: `import "dental-network/privacy"`, or `import
    /// "dental-network"` for the library's folder; or, when the library does not export
    /// it, what it does export.
    fn import_by_name(&self, name: &str, path: &Path) -> ByName {
        let Some((_, root)) = self.sandbox.libraries().iter().find(|(n, _)| n == name) else {
            return ByName::Import(format!("`import \"{name}/...\"`"));
        };
        let canonical = std::fs::canonicalize(path)
            .or_else(|_| std::fs::canonicalize(with_extension(path)))
            .unwrap_or_else(|_| path.to_path_buf());
        let Ok(relative) = canonical.strip_prefix(root).map(paths::to_slash) else {
            return ByName::Import(format!("`import \"{name}/...\"`"));
        };
        let module = relative.strip_suffix(EXTENSION).unwrap_or(&relative);
        if module.is_empty() {
            return ByName::Import(format!("`import \"{name}\"`"));
        }
        // Not through `self.library`, which would list the library among those imported.
        let cached = self
            .libraries
            .borrow()
            .get(name)
            .map(|read| read.as_ref().map(|l| l.manifest.exports.clone()).ok());
        let exports = cached.unwrap_or_else(|| {
            let shown = library::shown_library_path(self.config, root);
            library::read_library(name, root, &shown)
                .ok()
                .map(|l| l.manifest.exports)
        });
        match exports {
            Some(exports) if !exports.is_empty() && !exports.iter().any(|e| e == module) => {
                let listed: Vec<String> = exports
                    .iter()
                    .map(|e| format!("`import \"{name}/{e}\"`"))
                    .collect();
                ByName::Exports {
                    module: module.to_owned(),
                    imports: listed.join(" or "),
                }
            }
            // Exported, or the library cannot be read yet (importing it says why).
            _ => ByName::Import(format!("`import \"{name}/{module}\"`")),
        }
    }

    /// A library imported by name gives files of its own folder only, also once symbolic
    /// links are resolved.
    fn check_stays_in_library(
        &self,
        target: &Target,
        name: &str,
        spec: &str,
    ) -> Result<(), Failure> {
        for path in Self::target_paths(target) {
            if self.sandbox.library_of(path) != Some(name) {
                return Err(Self::out_of_library(spec, name));
            }
        }
        Ok(())
    }

    /// Where the file at `path` would be (its folder's canonical form and its name) when
    /// it is not on disk but the editor holds it, unsaved, in `overlays`. Its folder's
    /// symbolic links are resolved, so the caller's sandbox check sees the real place.
    fn unsaved_file(&self, path: &Path) -> Option<PathBuf> {
        if self.overlays.is_empty() {
            return None; // no file-system call outside the editor
        }
        paths::canonical_file(path).filter(|p| self.overlays.contains_key(p) && !p.exists())
    }

    fn check_allowed(&self, path: &Path, spec: &str) -> Result<(), Failure> {
        if self.sandbox.allows(path) {
            Ok(())
        } else {
            Err(self.outside(spec, false))
        }
    }

    /// The canonical form of an existing path (or of a policy file the editor holds but
    /// that was never saved: its folder's canonical form and its name), if it stays
    /// inside the allowed folders once symlinks are resolved.
    fn canonical_inside(&self, path: &Path, spec: &str) -> Result<PathBuf, Failure> {
        let canonical = match std::fs::canonicalize(path) {
            Ok(canonical) => canonical,
            Err(err) => self.unsaved_file(path).ok_or_else(|| {
                Failure::new(format!("cannot read `{}`: {err}", self.shown(path)))
            })?,
        };
        match self.sandbox.check_resolved(path, &canonical) {
            Ok(()) => Ok(canonical),
            Err(Refusal::LinkLeavesLibrary(name)) => Err(Self::out_of_library(spec, &name)),
            Err(_) => Err(self.outside(spec, true)),
        }
    }

    fn out_of_library(spec: &str, name: &str) -> Failure {
        Failure::new(format!(
            "`{spec}` leads through a symbolic link out of the library \"{name}\""
        ))
        .help("decorum.lock pins the files in the library's folder only; copy the file into the library instead of linking it")
    }

    fn outside(&self, spec: &str, via_link: bool) -> Failure {
        let how = if via_link {
            "leads through a symbolic link to"
        } else {
            "points to"
        };
        Failure::new(format!(
            "`{spec}` {how} a place outside the workspace; policies can only read files inside `{}` and the libraries declared in {}",
            self.sandbox.root().display(),
            self.config_name()
        ))
        .help(
            "copy the policy into the workspace, or declare its folder under [libraries] in decorum.toml",
        )
    }

    // ----- showing paths -----------------------------------------------------------

    fn shown(&self, path: &Path) -> String {
        match path
            .strip_prefix(self.sandbox.root())
            .or_else(|_| path.strip_prefix(&self.config.root))
        {
            Ok(relative) if relative.as_os_str().is_empty() => ".".to_owned(),
            Ok(relative) => paths::to_slash(relative),
            Err(_) => path.display().to_string(),
        }
    }

    fn config_name(&self) -> &'static str {
        if self.config.file.is_some() {
            "decorum.toml"
        } else {
            "decorum.toml (there is none yet)"
        }
    }
}

/// The name without its extension of the policy file at `path` (an editor's buffer) when
/// the buffer counts as a file of its folder that is not on disk yet: its name ends in
/// `.decorum` and is not hidden, and nothing is at `path`. The loader lists such buffers
/// with the files of their folder, and the language server's import-path completion
/// offers them.
pub fn unsaved_policy_stem(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(EXTENSION)?;
    // The file system is asked last, once.
    (!name.starts_with('.') && !path.exists()).then_some(stem)
}

/// Reads the policy file at `path`, shown as `shown`, as UTF-8 text, refusing files over
/// the size every command allows a policy (16 MiB): what `decorum fmt` reads too, so
/// that it formats only what the loader would load.
pub fn read_policy_file(path: &Path, shown: &str) -> Result<String, LoadError> {
    read_policy_text(path, shown, MAX_POLICY_BYTES).map_err(|failure| LoadError {
        path: path.to_path_buf(),
        message: failure.message,
        help: failure.help,
        entry: None,
    })
}

/// Reads a policy file as UTF-8 text, refusing huge files. Every failure carries its own
/// help: the file was found, so the path is not in question.
fn read_policy_text(path: &Path, shown: &str, limit: u64) -> Result<String, Failure> {
    let file = std::fs::File::open(path).map_err(|err| cannot_read_policy(shown, &err))?;
    policy_text_from(file, shown, limit, "save the file as UTF-8")
}

/// Reads policy text from standard input (`decorum fmt -`) under the limit a policy file
/// has, so that it formats only what the loader would load; failures name `<stdin>`.
pub fn read_policy_stdin(input: impl Read) -> Result<String, LoadError> {
    use crate::drafts::STDIN;
    policy_text_from(
        input,
        STDIN,
        MAX_POLICY_BYTES,
        "send the policy as UTF-8 text",
    )
    .map_err(|failure| LoadError {
        path: PathBuf::from(STDIN),
        message: failure.message,
        help: failure.help,
        entry: None,
    })
}

fn cannot_read_policy(shown: &str, err: &std::io::Error) -> Failure {
    Failure::new(format!("cannot read `{shown}`: {err}"))
        .help("check that you may read it (its permissions), then run again")
}

/// The policy text `input` holds, shown as `shown`; `not_utf8_help` says what to do
/// when it is not UTF-8 (save a file, send standard input).
fn policy_text_from(
    input: impl Read,
    shown: &str,
    limit: u64,
    not_utf8_help: &'static str,
) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    input
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| cannot_read_policy(shown, &err))?;
    if bytes.len() as u64 > limit {
        return Err(Failure::new(format!(
            "`{shown}` is larger than {} MiB, too large for a policy file",
            limit / (1024 * 1024)
        ))
        .help("check that this is the policy file you meant; split a policy that large into files that import each other"));
    }
    String::from_utf8(bytes).map_err(|err| {
        let (line, column) =
            crate::drafts::line_and_column(err.as_bytes(), err.utf8_error().valid_up_to());
        Failure::new(format!(
            "`{shown}` is not valid UTF-8 text: its first invalid byte is on line {line}, column {column}"
        ))
        .help(not_utf8_help)
    })
}

/// Sorts an import source into its kind, or says why it is not a valid source.
fn classify(spec: &str) -> Result<SpecKind<'_>, Failure> {
    if let Some(failure) = spec_syntax_problem(spec, true) {
        return Err(failure);
    }
    if stdlib::is_std_path(spec) {
        return Ok(SpecKind::Std);
    }
    if spec == "." || spec == ".." || spec.starts_with("./") || spec.starts_with("../") {
        return Ok(SpecKind::Relative);
    }
    let (name, rest) = spec.split_once('/').unwrap_or((spec, ""));
    Ok(SpecKind::Library { name, rest })
}

/// Problems with how a path is written, whatever it names.
fn spec_syntax_problem(spec: &str, is_import: bool) -> Option<Failure> {
    let kinds = "`std/...`, a path starting with `./` or `../`, or a library name";
    if spec.trim().is_empty() {
        return Some(Failure::new("the import path is empty").help(format!("write {kinds}")));
    }
    if spec.contains('\\') {
        return Some(
            Failure::new(format!("`{spec}` contains a backslash"))
                .help("write paths with `/`, which works on every system"),
        );
    }
    let has_drive = spec.as_bytes().get(1) == Some(&b':');
    if spec.starts_with('/') || has_drive {
        let help = if is_import {
            format!("write {kinds}")
        } else {
            "write the path relative to decorum.toml".to_owned()
        };
        return Some(Failure::new(format!("`{spec}` is an absolute path")).help(help));
    }
    None
}

/// Joins a relative import onto the folder of a standard-library file, staying inside
/// the standard library.
fn join_std(from: &str, spec: &str) -> Result<String, Failure> {
    let mut segments: Vec<&str> = from.split('/').collect();
    segments.pop(); // the importing file itself
    for segment in spec.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
                if segments.is_empty() {
                    return Err(Failure::new(format!(
                        "`{spec}` points outside the standard library"
                    )));
                }
            }
            other => segments.push(other),
        }
    }
    let mut joined = segments.join("/");
    if spec.ends_with('/') {
        joined.push('/');
    }
    Ok(joined)
}

/// The policy file or folder in `parent` (the folder of the path `spec` names, resolved
/// and allowed by the sandbox: its names are listed) whose name is closest to the one
/// `spec` gives (`policy/brightdentl.decorum` for `policy/brightdental.decorum`), written
/// as `spec` is: with or without the extension, with a folder's `/` when `spec` has one.
fn near_miss(parent: &Path, spec: &str) -> Option<String> {
    let written = spec.trim_end_matches('/');
    let (head, last) = match written.rsplit_once('/') {
        Some((head, last)) => (format!("{head}/"), last),
        None => (String::new(), written),
    };
    let has_extension = last.ends_with(EXTENSION);
    let wanted = last.strip_suffix(EXTENSION).unwrap_or(last);
    let folder_only = spec.ends_with('/');
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(parent).ok()?.flatten().take(1000) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        match name.strip_suffix(EXTENSION) {
            Some(stem) if !is_dir && !folder_only => names.push(stem.to_owned()),
            _ if is_dir && !has_extension => names.push(format!("{name}/")),
            _ => {}
        }
    }
    let stems: Vec<&str> = names.iter().map(|n| n.trim_end_matches('/')).collect();
    let meant = decorum_syntax::did_you_mean(wanted, stems.iter().copied())?;
    let folder = names.iter().any(|n| n.strip_suffix('/') == Some(meant));
    Some(if folder {
        format!("{head}{meant}{}", if folder_only { "/" } else { "" })
    } else if has_extension {
        format!("{head}{meant}{EXTENSION}")
    } else {
        format!("{head}{meant}")
    })
}

/// `x` becomes `x.decorum` (appended, so `a.b` becomes `a.b.decorum`).
fn with_extension(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(EXTENSION);
    PathBuf::from(name)
}

/// A module name: a path inside a folder, without extension, `/` written as `.`.
fn module_name(relative: &str) -> String {
    relative.replace('/', ".")
}

/// `spec`, as written, names both a policy file and a folder of them. The help says how
/// to write `spec` for each, since the paths on disk (a library's folder) may be no
/// import one may write.
fn ambiguous(spec: &str, file: &str, folder: &str) -> Failure {
    let written = spec.trim_end_matches('/');
    Failure::new(format!(
        "`{spec}` is ambiguous: both {file} and {folder} exist"
    ))
    .help(format!(
        "write the file with its extension (`{written}{EXTENSION}`) or the folder with a trailing slash (`{written}/`)"
    ))
}

#[cfg(test)]
mod tests;
