//! Drafts on disk: which files a run checks, and reading one safely.
//!
//! Folders are walked like git would (`.gitignore`, `.ignore` and hidden files are
//! skipped, even outside a git repository) and filtered by the `[drafts]` globs of
//! `decorum.toml`; files named explicitly are always drafts, and a folder named
//! explicitly is walked whatever the globs say about the folder itself (`exclude`
//! prunes what a walk finds, not what the user names). Reading refuses huge,
//! binary and non-UTF-8 files with an error instead of a panic or a wall of garbage.
//!
//! Drafts may hold protected health information: errors here carry paths and reasons,
//! never a byte of a draft's content.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use decorum_draft::{Draft, DraftFormat, Metadata};
use decorum_text::{LineIndex, TextLen as _};

use crate::config::{Config, DEFAULT_INCLUDE, Globs, glob_set, names_folder};
use crate::ignores::{self, AncestorIgnores};
use crate::load::Sandbox;
use crate::paths;

/// Drafts larger than this are skipped: nobody posts 64 MiB, and reading such a file
/// would only stall the run.
pub const MAX_DRAFT_BYTES: u64 = 64 * 1024 * 1024;

/// How much of a file is searched for a NUL byte to tell binary files apart, like git.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// The draft files of a run, and the paths that could not be searched.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Draft files, in argument order, files of a folder sorted; each file once.
    pub files: Vec<PathBuf>,
    /// For each path given, in order: the number of `files` collected up to and with it
    /// (a path that yields nothing adds none), to place standard input's draft among
    /// them where `-` was written.
    pub ends: Vec<usize>,
    /// Paths that do not exist or could not be searched.
    pub errors: Vec<DraftLoadError>,
    /// The folders among the paths that held no draft, in argument order.
    pub empty_folders: Vec<EmptyFolder>,
}

/// A folder named to a run that held no draft at all (before duplicates are dropped: a
/// folder whose drafts another path already named is not empty), with why. Not an error:
/// an empty folder is a fact the run reports, not a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyFolder {
    /// The folder, as named.
    pub path: PathBuf,
    /// How to show it: as [`LoadedDraft::display`] shows a draft's path, `.` for the
    /// current folder.
    pub display: String,
    /// Why it yielded no draft, e.g. "drafts are files ending in .md, .markdown or .txt,
    /// in any letter case; see docs/configuration.md".
    pub reason: String,
}

impl fmt::Display for EmptyFolder {
    /// `drafts/pics holds no draft (drafts are files ending in ...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} holds no draft ({})", self.display, self.reason)
    }
}

/// A draft that could not be collected or read. The message never quotes the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftLoadError {
    /// The path concerned.
    pub path: PathBuf,
    /// What went wrong, e.g. "skipped: not valid UTF-8 text (...)".
    pub message: String,
    /// What to do about it.
    pub help: &'static str,
    /// True when the file was found and deliberately left out (binary, not UTF-8, over
    /// [`MAX_DRAFT_BYTES`], a folder named where a file was expected): a warning. False
    /// when it does not exist or could not be read (permissions, an I/O error): the run
    /// did not check a draft it was asked to, which is an error.
    pub skipped: bool,
    /// Where in the file the problem is, as a 1-based line and column (in characters),
    /// when it is at one place: the first byte that is not UTF-8.
    pub position: Option<(u32, u32)>,
    /// True when the path does not exist (its `help` is then `decorum check`'s; another
    /// command says what it takes instead).
    pub missing: bool,
}

impl fmt::Display for DraftLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for DraftLoadError {}

/// A draft read from disk (or standard input), parsed and ready to check.
#[derive(Debug, Clone)]
pub struct LoadedDraft {
    /// The path it was read from (`<stdin>` for standard input).
    pub path: PathBuf,
    /// How to show the path: relative to the current directory, the folder every path a
    /// run prints is relative to (`posts/p.md` inside it, `../posts/p.md` as given
    /// outside it), or absolute when given so; `/` between its parts.
    pub display: String,
    /// The parsed draft.
    pub draft: Draft,
}

/// The drafts named by `paths`: files as they are (whatever their extension), folders
/// walked and filtered by `config.include` / `config.exclude`.
///
/// Globs are matched against the path relative to `config.root` (or, for a folder
/// outside it, relative to that folder). A glob that matches a folder matches everything
/// inside it ([`Globs::is_match`]), in `include` as in `exclude`.
///
/// A folder named in `paths` is walked even when the globs would leave it out, as ruff
/// does without `--force-exclude`: inside it, an `exclude` glob that names the folder
/// itself or a folder above it does not apply (one that names something below it
/// still does), and when no `include` glob can reach it, its files are taken by the
/// kinds of file `include` names. The root itself, and a folder that holds it or lies
/// outside it, are walked as before.
pub fn collect_drafts(paths: &[PathBuf], config: &Config) -> Collected {
    let cwd = std::env::current_dir().unwrap_or_else(|_| config.root.clone());
    collect_in(paths, config, &cwd)
}

/// The drafts of the current folder, for a run that names no path (`decorum check`
/// alone): as [`collect_drafts`] of `.`, except that the folder was not named, so every
/// glob applies in it, as in a walk that found it (run in a folder that `exclude` leaves
/// out, it yields nothing).
pub fn collect_current_folder(config: &Config) -> Collected {
    let cwd = std::env::current_dir().unwrap_or_else(|_| config.root.clone());
    collect_with(&[PathBuf::from(".")], config, &cwd, false)
}

pub(crate) fn collect_in(paths: &[PathBuf], config: &Config, cwd: &Path) -> Collected {
    collect_with(paths, config, cwd, true)
}

/// [`collect_drafts`] from `cwd`; `named` when the paths were named by the user.
pub(crate) fn collect_with(
    paths: &[PathBuf],
    config: &Config,
    cwd: &Path,
    named: bool,
) -> Collected {
    let mut collected = Collected::default();
    let filters = match DraftFilters::new(config) {
        Ok(filters) => filters,
        Err(message) => {
            collected.errors.push(DraftLoadError {
                skipped: false,
                position: None,
                missing: false,
                path: config.origin().to_path_buf(),
                message,
                help: "fix the glob in the [drafts] table of decorum.toml",
            });
            return collected;
        }
    };
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) => {
                // Display puts the path first: `x.md: no such file or directory`.
                let link = named_link(path, &err);
                let missing = link.is_none() && err.kind() == std::io::ErrorKind::NotFound;
                let (message, help) = match link {
                    Some(link) => link,
                    None if missing => ("no such file or directory".to_owned(), NOT_FOUND_HELP),
                    None => (format!("cannot read: {err}"), UNREADABLE_HELP),
                };
                collected.errors.push(DraftLoadError {
                    skipped: false,
                    position: None,
                    missing,
                    path: path.clone(),
                    message,
                    help,
                });
                collected.ends.push(collected.files.len());
                continue;
            }
        };
        let mut found = if metadata.is_dir() {
            let (found, tally) = walk(path, config, &filters, cwd, named, &mut collected.errors);
            if found.is_empty() {
                collected.empty_folders.push(EmptyFolder {
                    path: path.clone(),
                    display: match display_path(path, cwd) {
                        shown if shown.is_empty() => ".".to_owned(),
                        shown => shown,
                    },
                    reason: tally.reason(),
                });
            }
            found
        } else {
            vec![path.clone()]
        };
        // A draft reached twice (a folder and a link to it, a file named twice) is
        // checked once, by its path with links resolved. One path cannot repeat
        // another's drafts, and a walk drops its own repeats: no file system call per
        // draft then.
        if paths.len() > 1 {
            found.retain(|file| {
                let absolute = paths::absolute_in(cwd, file);
                seen.insert(std::fs::canonicalize(&absolute).unwrap_or(absolute))
            });
        }
        collected.files.append(&mut found);
        collected.ends.push(collected.files.len());
    }
    collected
}

/// The `decorum.toml` files that lie nearer to some of `files` than `config`'s: in a
/// folder between a file and `config.root`, or above a file outside that root. The
/// language server applies the nearest `decorum.toml` to each draft; a run of
/// `decorum check` applies one to all, so these do not apply in it. Each comes with the
/// number of `files` it concerns, in order of first appearance.
pub fn nearer_configs(files: &[PathBuf], config: &Config) -> Vec<(PathBuf, usize)> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| config.root.clone());
    nearer_configs_in(files, config, &cwd)
}

pub(crate) fn nearer_configs_in(
    files: &[PathBuf],
    config: &Config,
    cwd: &Path,
) -> Vec<(PathBuf, usize)> {
    let root = paths::absolute_in(cwd, &config.root);
    let in_use = config.file.as_deref().map(|f| paths::absolute_in(cwd, f));
    let in_use_canonical = in_use
        .as_deref()
        .and_then(|f| std::fs::canonicalize(f).ok());
    // The configuration in use, however a draft's path reaches it (through a symbolic
    // link to the workspace, say), is no nearer one. Asked once per file found.
    let is_in_use = |candidate: &Path| {
        in_use.as_deref() == Some(candidate)
            || in_use_canonical.is_some()
                && std::fs::canonicalize(candidate).ok() == in_use_canonical
    };
    // The nearest decorum.toml of each folder looked at, up to the root.
    let mut nearest: std::collections::HashMap<PathBuf, Option<PathBuf>> =
        std::collections::HashMap::new();
    let mut out: Vec<(PathBuf, usize)> = Vec::new();
    for file in files {
        let file = paths::absolute_in(cwd, file);
        let mut climbed = Vec::new();
        let mut found = None;
        for dir in file.ancestors().skip(1) {
            if dir == root {
                break;
            }
            if let Some(known) = nearest.get(dir) {
                found.clone_from(known);
                break;
            }
            climbed.push(dir.to_path_buf());
            let candidate = dir.join(crate::config::CONFIG_FILE_NAME);
            if candidate.is_file() {
                found = (!is_in_use(&candidate)).then_some(candidate);
                break;
            }
        }
        for dir in climbed {
            nearest.insert(dir, found.clone());
        }
        let Some(found) = found else {
            continue;
        };
        match out.iter_mut().find(|(f, _)| *f == found) {
            Some((_, n)) => *n += 1,
            None => out.push((found, 1)),
        }
    }
    out
}

/// The compiled `[drafts]` globs, with the globs as written for [`DraftFilters::inside`].
struct DraftFilters {
    include: Globs,
    exclude: Exclude,
    include_written: Vec<String>,
    exclude_written: Vec<String>,
}

/// What `exclude` leaves out of a walk.
#[derive(Clone, Default)]
struct Exclude {
    /// The globs that apply as written.
    globs: Globs,
    /// Inside a named folder, the folders named by the globs that name it or a folder
    /// above it (`**/old` for `drafts/old`, written without a final `/` or `/**`):
    /// matched only against the paths below it, which the walk alone meets, and only
    /// as written, so that they prune a folder they name below it
    /// (`drafts/old/x/old`), not everything below one they name above.
    below: Globs,
    /// The length of the named folder's path (relative to the root) that `below`
    /// applies under; 0 when there is none.
    named: usize,
}

impl Exclude {
    /// Whether the folder at `rel` (relative to the root, no final `/`) is pruned.
    fn folder(&self, rel: &str) -> bool {
        self.globs.matches_folder(rel) || self.below_prunes(rel)
    }

    /// Whether the file at `rel` is left out, as itself or by a folder holding it
    /// (folders below a named folder are pruned before their files are met; a file's
    /// own name is never matched against `below`, which names folders only).
    fn file(&self, rel: &str) -> bool {
        self.globs.is_match(rel)
            || !self.below.is_empty()
                && rel
                    .match_indices('/')
                    .any(|(end, _)| self.below_prunes(&rel[..end]))
    }

    /// Whether `below` prunes the folder at `rel`: only a folder strictly below the
    /// named one.
    fn below_prunes(&self, rel: &str) -> bool {
        !self.below.is_empty()
            && rel.len() > self.named
            && (self.below.matches_written(rel) || self.below.matches_written(&format!("{rel}/")))
    }
}

impl DraftFilters {
    fn new(config: &Config) -> Result<DraftFilters, String> {
        Ok(DraftFilters {
            include: glob_set(&config.include)?,
            exclude: Exclude {
                globs: glob_set(&config.exclude)?,
                below: Globs::default(),
                named: 0,
            },
            include_written: config.include.clone(),
            exclude_written: config.exclude.clone(),
        })
    }

    /// The globs that apply inside the folder at `folder` (relative to the root,
    /// `/`-separated, not empty), named on the command line, so walked whatever the
    /// globs say about the folder itself:
    ///
    /// - an `exclude` glob that names `folder` or a folder above it (`drafts/old`,
    ///   `drafts/**` for `drafts/old`) does not apply to it, while one about something
    ///   below it (`drafts/old/scratch`, `**/*.tmp`) still does, and so does one that
    ///   names `folder` and folders below it alike (`**/old` still prunes
    ///   `drafts/old/x/old`);
    /// - when no `include` glob can match a file below `folder` (`posts/**/*.md` for
    ///   `drafts/old`), the kinds of file they name apply instead, wherever the file is:
    ///   the last part of each glob that names files (`*.md`), or the default kinds when
    ///   every glob names a folder.
    fn inside(&self, folder: &str) -> Result<DraftFilters, String> {
        let mut above = Vec::new();
        let mut end = 0;
        for part in folder.split('/') {
            end += part.len();
            above.push(&folder[..end]);
            end += 1;
        }
        let mut exclude_written = Vec::with_capacity(self.exclude_written.len());
        let mut below = Vec::new();
        for pattern in &self.exclude_written {
            let one = glob_set(std::slice::from_ref(pattern))?;
            if above.iter().any(|folder| one.matches_folder(folder)) {
                below.push(named_folders(pattern).to_owned());
            } else {
                exclude_written.push(pattern.clone());
            }
        }
        let include_written = if self
            .include_written
            .iter()
            .any(|pattern| reaches(pattern, folder))
        {
            self.include_written.clone()
        } else {
            let kinds: Vec<String> = self
                .include_written
                .iter()
                .filter(|pattern| !names_folder(pattern))
                .map(|pattern| format!("**/{}", pattern.rsplit('/').next().unwrap_or(pattern)))
                .collect();
            if kinds.is_empty() {
                DEFAULT_INCLUDE.iter().map(|s| (*s).to_owned()).collect()
            } else {
                kinds
            }
        };
        Ok(DraftFilters {
            include: glob_set(&include_written)?,
            exclude: Exclude {
                globs: glob_set(&exclude_written)?,
                below: glob_set(&below)?,
                named: folder.len(),
            },
            include_written,
            exclude_written,
        })
    }
}

/// The folders a glob that names folders names: the glob without its final `/` or
/// `/**` (`drafts/**` names `drafts`, `**/old/` every folder called `old`).
fn named_folders(pattern: &str) -> &str {
    let mut stem = pattern;
    while let Some(shorter) = stem.strip_suffix('/').or_else(|| stem.strip_suffix("/**")) {
        if shorter.is_empty() {
            break;
        }
        stem = shorter;
    }
    stem
}

/// Whether `pattern` can match a file below `folder` (both relative to the root,
/// `/`-separated), judged by its literal start: the parts before the first one with a
/// wildcard or an escape agree with `folder`'s as far as both go (`posts/**` cannot
/// reach `drafts/old`; `drafts/*/x.md`, `**/*.md` and `drafts/old/keep` can). It may
/// answer yes for a glob that cannot match there, never no for one that can.
fn reaches(pattern: &str, folder: &str) -> bool {
    let literal = pattern
        .split('/')
        .filter(|part| !part.is_empty())
        .take_while(|part| !part.contains(['*', '?', '[', '{', '\\']));
    literal
        .zip(folder.split('/'))
        .all(|(written, folder)| written == folder)
}

/// What a walk of one folder met, to say why it yielded no draft.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Files found (after the ignore files and hidden files).
    files: usize,
    /// Files `include` took that `exclude` left out.
    excluded: usize,
    /// Folders `exclude` pruned, unseen.
    pruned: usize,
    /// Folders of `[libraries]` left out, unseen.
    libraries: usize,
    /// Decorum's own files that `include` took ([`is_decorum_file`]), left out.
    own: usize,
    /// Whether the walk took the default kinds of file (`include` is the default).
    default_kinds: bool,
}

impl Tally {
    /// Why a walk that met this yielded no draft, in words for the user.
    fn reason(self) -> String {
        const SEE: &str = "; see docs/configuration.md";
        const EXCLUDED: &str = "the [drafts] exclude globs of decorum.toml leave out";
        let left_out = self.excluded + self.pruned > 0;
        let kinds = if self.files == self.excluded + self.own {
            None
        } else if self.default_kinds {
            Some(format!(
                "drafts are files ending in {}, in any letter case",
                default_extensions()
            ))
        } else {
            Some("none of its files matches the [drafts] include globs of decorum.toml".to_owned())
        };
        match (kinds, left_out) {
            (Some(kinds), true) => format!("{kinds}, and {EXCLUDED} the rest{SEE}"),
            (Some(kinds), false) => format!("{kinds}{SEE}"),
            (None, true) => format!("{EXCLUDED} what it holds{SEE}"),
            (None, false) if self.own > 0 => {
                "it holds only Decorum's own files (policies, decorum.toml, decorum.lock), apart from hidden ones and those .gitignore or .ignore leave out"
                    .to_owned()
            }
            (None, false) if self.libraries > 0 => {
                "it holds only shared libraries of decorum.toml's [libraries] (policies, not drafts), apart from hidden files and those .gitignore or .ignore leave out"
                    .to_owned()
            }
            (None, false) => {
                "it holds no file, apart from hidden ones and those .gitignore or .ignore leave out"
                    .to_owned()
            }
        }
    }
}

/// True for the name of one of Decorum's own files: a policy (`.decorum`),
/// `decorum.toml`, `decorum.lock` or a library's `decorum-library.toml`. A walk never
/// takes one as a draft (a file named on the command line is checked all the same); the
/// language server reloads the policies when one changes.
pub fn is_decorum_file(name: &str) -> bool {
    name.ends_with(crate::stdlib::EXTENSION)
        || name == crate::config::CONFIG_FILE_NAME
        || name == crate::library::LOCK_FILE
        || name == crate::library::MANIFEST_FILE
}

/// The extensions [`DEFAULT_INCLUDE`] takes, as people write them: `.md, .markdown or
/// .txt`. Read from the globs (`**/*.[mM][dD]` is `.md`), so the two cannot disagree.
fn default_extensions() -> String {
    let extensions: Vec<String> = DEFAULT_INCLUDE
        .iter()
        .map(|glob| {
            let written = glob.rsplit("*.").next().unwrap_or(glob);
            let mut extension = String::from(".");
            let mut in_class = false;
            for c in written.chars() {
                match c {
                    '[' => in_class = true,
                    ']' => in_class = false,
                    // A class of both cases of a letter: its first one, lower case.
                    c if in_class && extension.ends_with(|l: char| l.eq_ignore_ascii_case(&c)) => {}
                    c => extension.push(c.to_ascii_lowercase()),
                }
            }
            extension
        })
        .collect();
    match extensions.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The draft files below `folder`, sorted, and what the walk met; `named` when the user
/// named `folder`.
///
/// A symbolic link found in the walk is followed when its target, resolved, lies inside
/// the workspace root or inside `folder` (a link to a folder is walked as if its files
/// were there, a folder at most once per walk); a link that leads elsewhere, that leads
/// nowhere or in a loop, one whose target the walk leaves out where it lies (an
/// `exclude` glob, `.gitignore`: [`OwnPlace`]), and a file that is no regular file (a
/// FIFO, a socket, a device) are skipped with a warning. Never followed out of the workspace: a link added to a
/// drafts folder must not make a run print a file from elsewhere in its findings.
fn walk(
    folder: &Path,
    config: &Config,
    filters: &DraftFilters,
    cwd: &Path,
    named: bool,
    errors: &mut Vec<DraftLoadError>,
) -> (Vec<PathBuf>, Tally) {
    // Where links may lead: the workspace root and the folder as named (before it is
    // replaced by the root it holds, below).
    let sandbox = Sandbox::new(config);
    // Resolved as the file system reads the path (`a/../drafts` through a link `a` is
    // not `drafts`), not tidied as text first: the walk reads what the system resolves.
    let walked = paths::canonical_or_absolute(&cwd.join(folder));
    let mut links = Links {
        allowed: [sandbox.root().to_path_buf(), walked.clone()],
        folder: walked,
        walked: std::collections::HashSet::new(),
        reported: std::collections::HashSet::new(),
    };
    // Where `folder` sits inside the configuration root; `None` when outside it, and
    // globs are then matched relative to `folder` itself. A folder that holds the root
    // (`decorum check . --config site/decorum.toml`) is walked as the root, reached from
    // `folder` (`./site`): its other files are not this configuration's, and a hidden
    // root (`.site`) is not left out as the walk's hidden folders are. Without a
    // `decorum.toml` the root is only the folder the run started in, and a folder
    // holding it is walked whole.
    let mut prefix = paths::relative_to(folder, &config.root, cwd);
    let within = paths::absolute_in(cwd, &config.root)
        .strip_prefix(paths::absolute_in(cwd, folder))
        .map(Path::to_path_buf);
    let root_inside;
    let folder = match (&prefix, within) {
        (None, Ok(within)) if config.file.is_some() => {
            root_inside = folder.join(within);
            prefix = Some(PathBuf::new());
            root_inside.as_path()
        }
        _ => folder,
    };
    // Where a link's target lies, to ask whether the walk leaves it out there.
    let own_place = OwnPlace {
        start: paths::canonical_or_absolute(&cwd.join(folder)),
        prefix: prefix.clone(),
        root: sandbox.root().to_path_buf(),
        root_exclude: filters.exclude.clone(),
        exclude: Exclude::default(),
    };
    // A folder named inside the root is walked whatever the globs say about it.
    let inside_filters;
    let filters = match prefix.as_deref().map(paths::to_slash) {
        Some(inside) if named && !inside.is_empty() => match filters.inside(&inside) {
            Ok(inside) => {
                inside_filters = inside;
                &inside_filters
            }
            // Globs that compiled together compile apart; were it not so, the
            // globs as written still apply.
            Err(_) => filters,
        },
        _ => filters,
    };
    let own_place = OwnPlace {
        exclude: filters.exclude.clone(),
        ..own_place
    };
    let pruned = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let libraries = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let folder_owned = folder.to_path_buf();
    // The path globs are matched against. A folder reached through a link is walked
    // from the link's path, so its files too lie below `folder` as written.
    let relative = move |path: &Path| -> String {
        let inner = path.strip_prefix(&folder_owned).unwrap_or(path);
        match &prefix {
            Some(prefix) => paths::to_slash(&prefix.join(inner)),
            None => paths::to_slash(inner),
        }
    };
    let walker = |start: &Path| {
        // The ignore files above the start, up to the workspace root.
        let start_abs = paths::canonical_or_absolute(&cwd.join(start));
        let ancestors = AncestorIgnores::new(&start_abs, sandbox.root());
        let start_owned = start.to_path_buf();
        ignores::walk_builder(start)
            // Links are followed here, by `Links::resolve`, only where they may lead.
            .follow_links(false)
            .filter_entry({
                let exclude = filters.exclude.clone();
                let relative = relative.clone();
                let sandbox = sandbox.clone();
                let cwd = cwd.to_path_buf();
                let pruned = pruned.clone();
                let libraries = libraries.clone();
                move |entry| {
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    if entry.depth() > 0 && !ancestors.is_empty() {
                        let inner = entry
                            .path()
                            .strip_prefix(&start_owned)
                            .unwrap_or(entry.path());
                        if ancestors.ignored(&start_abs.join(inner), is_dir) {
                            return false;
                        }
                    }
                    if !is_dir || entry.depth() == 0 {
                        return true;
                    }
                    // A library's folder holds policies and their docs, not drafts (a
                    // folder named on the command line is walked all the same: it is
                    // depth 0). The sandbox knows the folders with links resolved, so a
                    // folder is one whichever path, written or walked, leads to it.
                    if !sandbox.libraries().is_empty()
                        && std::fs::canonicalize(paths::absolute_in(&cwd, entry.path()))
                            .is_ok_and(|folder| sandbox.library_at(&folder).is_some())
                    {
                        libraries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        return false;
                    }
                    let rel = relative(entry.path());
                    // Prune a folder that an exclude glob matches, as a folder (`build`)
                    // or as everything inside it (`build/**` matches `build/`): it would
                    // leave out every file inside anyway.
                    let excluded = exclude.folder(&rel);
                    if excluded {
                        pruned.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    !excluded
                }
            })
            .build()
    };

    let first_error = errors.len();
    // Files found as themselves, and through a link (to them or to a folder above them).
    let mut files = Vec::new();
    let mut linked = Vec::new();
    let mut tally = Tally {
        default_kinds: filters
            .include_written
            .iter()
            .map(String::as_str)
            .eq(DEFAULT_INCLUDE.iter().copied()),
        ..Tally::default()
    };
    // Folders to walk: `folder`, then those that links lead to, each with the chain of
    // folders (canonical) whose walk reached it, to tell a loop. Breadth first, and
    // each folder's links in path order, so which link walks a folder is always the same.
    let start_chain = vec![links.folder.clone()];
    let mut starts = std::collections::VecDeque::from([(folder.to_path_buf(), start_chain)]);
    while let Some((start, chain)) = starts.pop_front() {
        let mut linked_folders = Vec::new();
        for entry in walker(&start) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    errors.push(DraftLoadError {
                        skipped: false,
                        position: None,
                        missing: false,
                        path: walk_error_path(&err).unwrap_or_else(|| start.clone()),
                        // The path is shown apart; the walker's own text of an I/O error
                        // would repeat it ("IO error for operation on ...").
                        message: match err.io_error() {
                            Some(io) => match io.raw_os_error() {
                                Some(code) => format!(
                                    "cannot read the folder: {}",
                                    std::io::Error::from_raw_os_error(code)
                                ),
                                None => format!("cannot read the folder: {}", io.kind()),
                            },
                            None => format!("cannot search: {err}"),
                        },
                        help: UNREADABLE_HELP,
                    });
                    continue;
                }
            };
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            // The walk's start is a folder, reached through a link or not.
            if file_type.is_dir() || entry.depth() == 0 {
                continue;
            }
            let rel = relative(entry.path());
            // Whether the globs take this path as a draft file.
            let taken = |tally: &mut Tally| {
                tally.files += 1;
                if !filters.include.is_match(&rel) {
                    return false;
                }
                if filters.exclude.file(&rel) {
                    tally.excluded += 1;
                    return false;
                }
                // Decorum's own files are never drafts of a walk, whatever `include`
                // says (`**/*`): a policy's examples would be findings.
                if entry.file_name().to_str().is_some_and(is_decorum_file) {
                    tally.own += 1;
                    return false;
                }
                true
            };
            if file_type.is_file() {
                if taken(&mut tally) {
                    if chain.len() > 1 {
                        linked.push(entry.into_path());
                    } else {
                        files.push(entry.into_path());
                    }
                }
                continue;
            }
            if !file_type.is_symlink() {
                if let Some(what) = special_file(file_type).filter(|_| taken(&mut tally)) {
                    errors.push(draft_error(
                        entry.path(),
                        format!("skipped: {what}, not a regular file"),
                        REGULAR_FILES_HELP,
                        true,
                    ));
                }
                continue;
            }
            match links.resolve(entry.path(), cwd, &sandbox) {
                LinkTarget::File(target) => {
                    if !taken(&mut tally) {
                        continue;
                    }
                    if let Some(left_out) = own_place.left_out(&target, false) {
                        match left_out {
                            LeftOut::Excluded => tally.excluded += 1,
                            LeftOut::Ignored => tally.files -= 1,
                        }
                        links.warn(
                            errors,
                            entry.path(),
                            &left_out.message(false),
                            LEFT_OUT_HELP,
                        );
                        continue;
                    }
                    match std::fs::metadata(&target) {
                        Ok(meta) if meta.is_file() => linked.push(entry.into_path()),
                        Ok(meta) => {
                            if let Some(what) = special_file(meta.file_type()) {
                                errors.push(draft_error(
                                    entry.path(),
                                    format!(
                                        "skipped: a symbolic link to {what}, not to a regular file"
                                    ),
                                    REGULAR_FILES_HELP,
                                    true,
                                ));
                            }
                        }
                        Err(_) => linked.push(entry.into_path()),
                    }
                }
                LinkTarget::Folder(target) => {
                    if filters.exclude.folder(&rel) {
                        tally.pruned += 1;
                    } else if chain.iter().any(|walked| walked.starts_with(&target))
                        || entry
                            .path()
                            .parent()
                            .and_then(|folder| std::fs::canonicalize(folder).ok())
                            .is_some_and(|folder| folder.starts_with(&target))
                    {
                        // The folder holds the link, or a folder whose walk led here:
                        // walking it would come back here for ever. Told at the link
                        // itself, not after one turn of the loop (`d/e/dot/dot`).
                        links.warn(
                            errors,
                            entry.path(),
                            "skipped: a symbolic link to a folder that holds it (a loop)",
                            LOOP_HELP,
                        );
                    } else if let Some(left_out) = own_place.left_out(&target, true) {
                        if left_out == LeftOut::Excluded {
                            tally.pruned += 1;
                        }
                        links.warn(errors, entry.path(), &left_out.message(true), LEFT_OUT_HELP);
                    } else if links.walked.insert(target.clone()) {
                        let mut chain = chain.clone();
                        chain.push(target);
                        linked_folders.push((entry.into_path(), chain));
                    }
                }
                LinkTarget::Library => {}
                LinkTarget::Hidden { folder } => {
                    if folder || taken(&mut tally) {
                        links.warn(errors, entry.path(), HIDDEN, HIDDEN_HELP);
                    }
                }
                LinkTarget::Outside { folder } => {
                    // A link to a file outside whose name is no draft's is no draft
                    // anyway; one to a folder may lead to drafts.
                    if folder || taken(&mut tally) {
                        links.warn(errors, entry.path(), OUTSIDE, OUTSIDE_HELP);
                    }
                }
                LinkTarget::Broken { message, help } => {
                    // Whether it would have led to a file or a folder is unknown.
                    links.warn(errors, entry.path(), message, help);
                }
            }
        }
        linked_folders.sort();
        starts.extend(linked_folders);
    }
    // A draft reached both as itself and through a link keeps its own path, so it is
    // shown where it is; the rest in path order.
    files.sort();
    // A walk that followed no link met each file once: no file system call per file.
    if !linked.is_empty() {
        linked.sort();
        files.append(&mut linked);
        let mut seen = std::collections::HashSet::new();
        files.retain(|file| {
            let absolute = cwd.join(file);
            seen.insert(std::fs::canonicalize(&absolute).unwrap_or(absolute))
        });
        files.sort();
    }
    // In path order, as the files: the walk meets them in the order the system lists them.
    errors[first_error..].sort_by(|a, b| a.path.cmp(&b.path));
    tally.pruned += pruned.load(std::sync::atomic::Ordering::Relaxed);
    tally.libraries += libraries.load(std::sync::atomic::Ordering::Relaxed);
    (files, tally)
}

/// Where the walk of one folder starts and how it matches globs, to tell whether it
/// leaves out a link's target where that target lies: a link must not bring in a file or
/// folder that `.gitignore`, `.ignore` or `exclude` leave out (`drafts/x.md ->
/// ../private/notes.md` with `private/` ignored).
struct OwnPlace {
    /// The folder the walk starts at (canonical).
    start: PathBuf,
    /// Where `start` lies inside the root, as the walk matches globs; `None` when it lies
    /// outside the root, and globs are matched relative to it.
    prefix: Option<PathBuf>,
    /// The workspace root (canonical).
    root: PathBuf,
    /// What `exclude` leaves out of a walk of the root.
    root_exclude: Exclude,
    /// What `exclude` leaves out of this walk (inside a named folder, less).
    exclude: Exclude,
}

/// Why a walk leaves out the target of a link where it lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeftOut {
    /// An `exclude` glob.
    Excluded,
    /// A `.gitignore` or `.ignore` file (in the workspace: see ignores.rs).
    Ignored,
}

impl LeftOut {
    /// The warning about a link to a `folder` (else a file) left out so.
    fn message(self, folder: bool) -> String {
        let what = if folder { "folder" } else { "file" };
        let by = match self {
            LeftOut::Excluded => "the [drafts] exclude globs of decorum.toml leave",
            LeftOut::Ignored => ".gitignore or .ignore leaves",
        };
        format!("skipped: a symbolic link to a {what} that {by} out where it lies")
    }
}

/// What to do about a link whose target a walk leaves out where it lies.
const LEFT_OUT_HELP: &str = "a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link";

impl OwnPlace {
    /// Whether the walk would leave out `target` (canonical, a `folder` or a file), met
    /// where it lies: inside the folder walked, by this walk's globs and ignore files;
    /// elsewhere in the workspace, by those of a walk of the root. `None` for a target
    /// that no walk of this run's globs would meet (outside the root and the folder).
    fn left_out(&self, target: &Path, folder: bool) -> Option<LeftOut> {
        let (start, exclude, prefix) = if target.starts_with(&self.start) {
            (&self.start, &self.exclude, self.prefix.as_deref())
        } else if target.starts_with(&self.root) {
            (&self.root, &self.root_exclude, None)
        } else {
            return None;
        };
        // The path globs are matched against, as the walk from `start` makes it.
        let rel = |path: &Path| {
            let inner = path.strip_prefix(start).unwrap_or(path);
            match prefix {
                Some(prefix) => paths::to_slash(&prefix.join(inner)),
                None => paths::to_slash(inner),
            }
        };
        // The folders from the start down to the target, as a walk would prune them,
        // then the file itself.
        let inside = target.strip_prefix(start).ok()?;
        if inside.as_os_str().is_empty() {
            return None;
        }
        let mut at = start.to_path_buf();
        let parts: Vec<_> = inside.components().collect();
        for (i, part) in parts.iter().enumerate() {
            at.push(part);
            let last = i + 1 == parts.len();
            let excluded = if last && !folder {
                exclude.file(&rel(&at))
            } else {
                exclude.folder(&rel(&at))
            };
            if excluded {
                return Some(LeftOut::Excluded);
            }
        }
        // The ignore files, as the walk reads them: a walk from the start that goes
        // down only towards the target, and either meets it or does not.
        let wanted = target.to_path_buf();
        let ancestors = AncestorIgnores::new(start, &self.root);
        let met = ignores::walk_builder(start)
            .follow_links(false)
            .filter_entry(move |entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                wanted.starts_with(entry.path())
                    && (entry.depth() == 0 || !ancestors.ignored(entry.path(), is_dir))
            })
            .build()
            .filter_map(Result::ok)
            .any(|entry| entry.depth() > 0 && entry.path() == target);
        (!met).then_some(LeftOut::Ignored)
    }
}

/// What to do about a FIFO, socket or device (or a link to one) found in a walk.
const REGULAR_FILES_HELP: &str =
    "drafts are regular files: leave it out, or exclude it in the [drafts] table of decorum.toml";

/// What to do about a symbolic link loop found in a walk.
const LOOP_HELP: &str =
    "remove the link, or leave it out with an exclude glob in the [drafts] table of decorum.toml";

/// Where the symbolic links found in one walk may lead, and what the walk met of them.
struct Links {
    /// The folders (canonical) a followed link may lead into: the workspace root and the
    /// folder walked.
    allowed: [PathBuf; 2],
    /// The folder walked (canonical), as named.
    folder: PathBuf,
    /// The folders (canonical) walked through a link, each walked once.
    walked: std::collections::HashSet<PathBuf>,
    /// The links (canonical folder and name) already warned about: a link reached twice,
    /// through its folder and through a link to that folder, is reported once.
    reported: std::collections::HashSet<PathBuf>,
}

/// Where a symbolic link found in a walk leads.
enum LinkTarget {
    /// A file (canonical) inside the folders links may lead into.
    File(PathBuf),
    /// A folder (canonical) inside them.
    Folder(PathBuf),
    /// A library's folder, or a file in one: left out, as the walk leaves library folders.
    Library,
    /// A hidden file or folder (`folder`), or one inside a hidden folder: not followed.
    Hidden { folder: bool },
    /// A file or folder (`folder`) outside them: not followed.
    Outside { folder: bool },
    /// Leads nowhere, or in a loop: why, and what to do.
    Broken {
        message: &'static str,
        help: &'static str,
    },
}

/// Why a link found in a walk that leads to a hidden file or folder is not followed.
const HIDDEN: &str = "skipped: a symbolic link to a hidden file or folder";
/// What to do about it.
const HIDDEN_HELP: &str = "a walk never collects hidden files (names starting with `.`), through a link or not; name the target on the command line to check it";

/// Why a link found in a walk that leads out of the workspace is not followed.
const OUTSIDE: &str = "skipped: a symbolic link to a place outside the workspace";
/// What to do about it.
const OUTSIDE_HELP: &str = "a walk follows links only inside the workspace; name its target on the command line to check it";

impl Links {
    /// Where the link at `link` leads, and whether the walk may follow it.
    fn resolve(&self, link: &Path, cwd: &Path, sandbox: &Sandbox) -> LinkTarget {
        // As the file system resolves the path the walk will read, `..` included.
        let target = match std::fs::canonicalize(cwd.join(link)) {
            Ok(target) => target,
            Err(err) => {
                let (message, help) = broken_link(&err);
                return LinkTarget::Broken { message, help };
            }
        };
        if !self.allowed.iter().any(|folder| target.starts_with(folder)) {
            return LinkTarget::Outside {
                folder: target.is_dir(),
            };
        }
        // Into a hidden file or folder (`.git/config`, `.env`), which a walk never
        // collects: a link named like a draft must not bring it in (a pull request could
        // add `drafts/x.md -> ../.git/config`, whose credentials a snippet would print).
        // Below the nearest allowed folder: a hidden folder the user named (`decorum
        // check .drafts`) may link within itself.
        let hidden = self
            .allowed
            .iter()
            .filter_map(|folder| target.strip_prefix(folder).ok())
            .min_by_key(|inside| inside.components().count())
            .is_some_and(|inside| {
                inside.components().any(|part| {
                    matches!(part, std::path::Component::Normal(name)
                        if name.to_string_lossy().starts_with('.'))
                })
            });
        if hidden {
            return LinkTarget::Hidden {
                folder: target.is_dir(),
            };
        }
        // Into a library, unless the walk is of that library's folder (named).
        if sandbox
            .library_of(&target)
            .is_some_and(|library| sandbox.library_of(&self.folder) != Some(library))
        {
            return LinkTarget::Library;
        }
        if target.is_dir() {
            LinkTarget::Folder(target)
        } else {
            LinkTarget::File(target)
        }
    }

    /// Warns once about the link at `link`: a link reached twice, through its folder and
    /// through a link to that folder, is reported once.
    fn warn(
        &mut self,
        errors: &mut Vec<DraftLoadError>,
        link: &Path,
        message: &str,
        help: &'static str,
    ) {
        // The link itself, not its target: its folder resolved, and its name.
        let key = match (link.parent(), link.file_name()) {
            (Some(parent), Some(name)) => paths::canonical_or_absolute(parent).join(name),
            _ => link.to_path_buf(),
        };
        if self.reported.insert(key) {
            errors.push(draft_error(link, message.to_owned(), help, true));
        }
    }
}

/// What a FIFO, a socket or a device is, in words; `None` for a file, folder or link.
fn special_file(file_type: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    if file_type.is_file() || file_type.is_dir() || file_type.is_symlink() {
        None
    } else {
        Some("a special file")
    }
}

/// Why a symbolic link cannot be resolved (`err`, from resolving it), and what to do.
fn broken_link(err: &std::io::Error) -> (&'static str, &'static str) {
    if err.kind() == std::io::ErrorKind::NotFound {
        (
            "skipped: a broken symbolic link (what it points to does not exist)",
            "fix the link or remove it",
        )
    } else if is_link_loop(err) {
        (
            "skipped: a symbolic link loop (it leads back to itself)",
            LOOP_HELP,
        )
    } else {
        (
            "skipped: a symbolic link that cannot be followed",
            UNREADABLE_HELP,
        )
    }
}

/// True when `err` says a path holds too many levels of symbolic links: a loop (`ELOOP`,
/// which `std::io::ErrorKind` does not name on stable Rust).
fn is_link_loop(err: &std::io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const ELOOP: i32 = 40;
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))]
    const ELOOP: i32 = 62;
    #[cfg(windows)]
    // ERROR_CANT_RESOLVE_FILENAME.
    const ELOOP: i32 = 1921;
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly",
        windows
    )))]
    const ELOOP: i32 = -1;
    err.raw_os_error() == Some(ELOOP)
}

fn walk_error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

/// Reads and parses the draft at `path`. Refuses files over [`MAX_DRAFT_BYTES`], binary
/// files and files that are not UTF-8, saying which and why. The format comes from the
/// extension (plain text when unknown) and the base metadata from `decorum.toml`.
pub fn read_draft(path: &Path, config: &Config) -> Result<LoadedDraft, DraftLoadError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| config.root.clone());
    read_draft_in(path, config, &cwd, MAX_DRAFT_BYTES)
}

pub(crate) fn read_draft_in(
    path: &Path,
    config: &Config,
    cwd: &Path,
    limit: u64,
) -> Result<LoadedDraft, DraftLoadError> {
    let text = read_text(path, limit)?;
    let format = DraftFormat::from_path(&path.to_string_lossy()).unwrap_or(DraftFormat::PlainText);
    let base = config.metadata_for_in(path, cwd);
    let draft = decorum_draft::parse(&text, format, &base);
    Ok(LoadedDraft {
        path: path.to_path_buf(),
        display: display_path(path, cwd),
        draft,
    })
}

/// A draft read from standard input: Markdown, shown as `<stdin>`, without metadata
/// from `decorum.toml` (there is no path to match). Refused, as an error rather than a
/// skipped file, when it is larger than [`MAX_DRAFT_BYTES`], binary or not UTF-8.
pub fn read_stdin_draft(input: impl Read) -> Result<LoadedDraft, DraftLoadError> {
    let path = Path::new(STDIN);
    let text = text_from(input, path, MAX_DRAFT_BYTES, true)?;
    let draft = decorum_draft::parse(&text, DraftFormat::Markdown, &Metadata::new());
    Ok(LoadedDraft {
        path: path.to_path_buf(),
        display: STDIN.to_owned(),
        draft,
    })
}

/// How standard input is named in reports.
pub(crate) const STDIN: &str = "<stdin>";

/// What to do about a path that does not exist.
const NOT_FOUND_HELP: &str =
    "check the path; `decorum check` takes files, folders, or `-` for standard input";
/// What to do about a file or folder that cannot be read.
const UNREADABLE_HELP: &str = "check that you may read it (its permissions), then run again";
/// Why the path at `path`, named by the user, could not be followed (`err`) when it is a
/// symbolic link that leads nowhere or in a loop; `None` when it is no link.
fn named_link(path: &Path, err: &std::io::Error) -> Option<(String, &'static str)> {
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    if err.kind() == std::io::ErrorKind::NotFound {
        Some((
            "a broken symbolic link: what it points to does not exist".to_owned(),
            "fix the link, or name the file it should point to",
        ))
    } else if is_link_loop(err) {
        Some((
            "a symbolic link loop: it leads back to itself".to_owned(),
            "fix the link, or name the file it should point to",
        ))
    } else {
        None
    }
}

/// The file's text, or why it was not read (never its content).
fn read_text(path: &Path, limit: u64) -> Result<String, DraftLoadError> {
    let fail = |message: String, help| draft_error(path, message, help, false);
    let cannot_read =
        |err: std::io::Error| fail(format!("cannot read the file: {err}"), UNREADABLE_HELP);
    let skip = |message: String, help: &'static str| DraftLoadError {
        skipped: true,
        ..fail(message, help)
    };
    let metadata = std::fs::metadata(path).map_err(|err| {
        if let Some((message, help)) = named_link(path, &err) {
            fail(message, help)
        } else if err.kind() == std::io::ErrorKind::NotFound {
            DraftLoadError {
                missing: true,
                ..fail("no such file or directory".to_owned(), NOT_FOUND_HELP)
            }
        } else {
            cannot_read(err)
        }
    })?;
    if metadata.is_dir() {
        return Err(skip(
            "skipped: this is a folder, not a draft file".to_owned(),
            "name the folder itself to check the drafts in it",
        ));
    }
    // A FIFO named (a walk never collects one) is read like any file, up to the limit,
    // waiting for its writer as `cat` does: process substitution, `decorum check
    // <(command)`, is one. So is a device; a socket does not open.
    if metadata.len() > limit {
        return Err(too_large(path, limit, false));
    }
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    text_from(file, path, limit, false)
}

/// The text `input` holds, `path` naming it in errors: refused when it is larger than
/// `limit`, binary or not UTF-8. `stdin` when it is standard input.
fn text_from(
    input: impl Read,
    path: &Path,
    limit: u64,
    stdin: bool,
) -> Result<String, DraftLoadError> {
    let what = if stdin { "standard input" } else { "the file" };
    let fail = |message: String, help| draft_error(path, message, help, false);
    // A file found in a folder, or named, is left out with a warning; standard input,
    // which the run was asked to check and has nothing else to fall back on, is an error.
    let skip = |message: String, help: &'static str| DraftLoadError {
        skipped: !stdin,
        ..fail(message, help)
    };
    let skipped = if stdin { "" } else { "skipped: " };
    let mut bytes = Vec::new();
    // `take` also guards against files that grow while read, special files whose size
    // the metadata does not tell, and standard input.
    input
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| fail(format!("cannot read {what}: {err}"), UNREADABLE_HELP))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit, stdin));
    }
    // UTF-16 (or UTF-32) text with its byte-order mark: text, but its NUL bytes would
    // call it binary. Not decoded: every position Decorum reports is a byte offset into
    // the file as UTF-8.
    let wide = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some("UTF-32")
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        Some("UTF-16")
    } else {
        None
    };
    if let Some(encoding) = wide {
        return Err(skip(
            format!(
                "{skipped}{what} is {encoding} text (it starts with a {encoding} byte-order mark)"
            ),
            if stdin {
                "send the draft as UTF-8 text"
            } else {
                "save the file as UTF-8 text"
            },
        ));
    }
    let sniff = bytes.get(..BINARY_SNIFF_BYTES).unwrap_or(&bytes);
    if sniff.contains(&0) {
        return Err(skip(
            format!("{skipped}{what} looks binary (it contains NUL bytes)"),
            if stdin {
                "send the draft as text"
            } else {
                "drafts are text files: leave it out, or exclude it in the [drafts] table of decorum.toml"
            },
        ));
    }
    String::from_utf8(bytes).map_err(|err| {
        let (line, column) = line_and_column(err.as_bytes(), err.utf8_error().valid_up_to());
        DraftLoadError {
            position: Some((line, column)),
            ..skip(
                format!(
                    "{skipped}{what} is not valid UTF-8 text (its first invalid byte is on line {line}, column {column})"
                ),
                if stdin {
                    "send the draft as UTF-8 text"
                } else {
                    "save the file as UTF-8 text"
                },
            )
        }
    })
}

/// The 1-based line and column of byte `at` of `bytes`, whose bytes before `at` are
/// UTF-8, counted as every position the CLI reports is ([`LineIndex::shown_char_col`]:
/// lines end at `\n`, `\r\n` or a lone `\r`, columns are characters, a byte-order mark
/// is none).
pub(crate) fn line_and_column(bytes: &[u8], at: usize) -> (u32, u32) {
    let before = bytes.get(..at).unwrap_or(bytes);
    // The caller's bytes are UTF-8 up to `at`; any that are not are left out.
    let before = match std::str::from_utf8(before) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&before[..e.valid_up_to()]).unwrap_or_default(),
    };
    let at = LineIndex::new(before).shown_char_col(before, before.text_len());
    (at.line.saturating_add(1), at.col.saturating_add(1))
}

/// Why a draft larger than `limit` was left out (an error for standard input).
fn too_large(path: &Path, limit: u64, stdin: bool) -> DraftLoadError {
    let (skipped, what) = if stdin {
        ("", "standard input")
    } else {
        ("skipped: ", "the file")
    };
    draft_error(
        path,
        format!("{skipped}{what} is larger than {}", human_size(limit)),
        "split it into smaller drafts, or leave it out",
        !stdin,
    )
}

/// Why the draft at `path` was not read: left out (`skipped`), or an error.
fn draft_error(path: &Path, message: String, help: &'static str, skipped: bool) -> DraftLoadError {
    DraftLoadError {
        path: path.to_path_buf(),
        message,
        skipped,
        help,
        position: None,
        missing: false,
    }
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// `path` as the reports show it: relative to `cwd` when inside it, else as given
/// (`../posts/p.md`, which is relative to `cwd` too, or an absolute path), without `./`
/// parts. Never relative to the configuration root: a reader, and a SARIF viewer, resolve
/// a relative path against the folder the run was started in.
fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = paths::relative_to(path, cwd, cwd).unwrap_or_else(|| {
        path.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    });
    paths::to_slash(&shown)
}

#[cfg(test)]
mod tests;
