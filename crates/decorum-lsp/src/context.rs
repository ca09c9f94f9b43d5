//! Policy contexts: what applies to the drafts under one `decorum.toml`.
//!
//! A context is found for a document by looking for `decorum.toml` in the document's
//! folder and its ancestors (so a workspace folder's own file, or a nested one, decides);
//! without one, the workspace folder that holds the document (or, for a loose file, a
//! shared default) gets the defaults: the embedded `std/healthcare` library and the
//! default draft globs. Policies are loaded and compiled once per context, on a blocking
//! thread, and shared by every document in it behind an `Arc`.
//!
//! A reload that fails (a broken `decorum.toml`, a policy with errors) keeps the last
//! good policies: the context then carries both the policies in use and the problems
//! that stopped the new ones.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::{
    AuditTrail, Compiled, PolicyProblem, PolicySet, ProblemLevel, SourceId, SymbolIndex, compile,
};
use decorum_text::{LineIndex, TextRange};
use decorum_workspace::config::{Globs, glob_set};
use decorum_workspace::{
    Config, ConfigError, LoadedPolicies, Sandbox, find_config, load_config, load_policies,
};

use crate::log::Level;
use crate::settings::Settings;

/// Identifies a context: the `decorum.toml` that configures it, else the folder whose
/// defaults apply (empty for loose files outside every workspace folder).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContextKey {
    /// Configured by this `decorum.toml`.
    Config(PathBuf),
    /// No `decorum.toml`: defaults rooted at this folder.
    Defaults(PathBuf),
}

impl ContextKey {
    /// The context for a document at `path` (a file path; `None` for unsaved documents),
    /// given the workspace folders.
    pub fn for_document(path: Option<&Path>, folders: &[PathBuf]) -> ContextKey {
        let folder = path.and_then(|p| {
            folders
                .iter()
                .filter(|f| p.starts_with(f))
                .max_by_key(|f| f.as_os_str().len())
        });
        if let Some(config) = path.and_then(Path::parent).and_then(find_config) {
            return ContextKey::Config(config);
        }
        match (folder, folders.first()) {
            (Some(folder), _) => ContextKey::Defaults(folder.clone()),
            (None, Some(first)) if path.is_none() => ContextKey::Defaults(first.clone()),
            _ => ContextKey::Defaults(
                path.and_then(Path::parent)
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
            ),
        }
    }
}

/// How a policy file is shown in hover text: its path and line numbers.
#[derive(Debug, Clone)]
pub struct SourceLabel {
    /// Workspace-relative path, or `std/...`.
    pub path: String,
    /// True for the embedded standard library.
    pub builtin: bool,
    /// The file on disk, when there is one.
    pub disk: Option<PathBuf>,
    /// Its line index.
    pub index: LineIndex,
}

/// Problems of one policy file (or of `decorum.toml`), for diagnostics on it.
#[derive(Debug, Clone)]
pub struct FileProblems {
    /// The file on disk.
    pub path: PathBuf,
    /// Its text when the problems were found (positions refer to it).
    pub text: Arc<str>,
    /// The problems.
    pub problems: Vec<PolicyProblem>,
}

/// The policies in use in a context, compiled.
#[derive(Debug)]
pub struct ActivePolicies {
    /// The compiled rules.
    pub set: PolicySet,
    /// Per source id: how to name the file in hover text.
    pub sources: Vec<SourceLabel>,
    /// The configuration they were loaded with, and which documents it makes drafts.
    pub drafts: DraftFilter,
}

/// Which documents of a context are drafts: its configuration and `[drafts]` globs.
#[derive(Debug)]
pub struct DraftFilter {
    /// The configuration.
    pub config: Config,
    /// `[drafts] include`, compiled.
    include: Globs,
    /// `[drafts] exclude`, compiled.
    exclude: Globs,
    /// Where the configuration's libraries are, with symbolic links resolved.
    sandbox: Sandbox,
}

/// Everything that applies to the documents of one context.
#[derive(Debug)]
pub struct PolicyContext {
    /// Which context this is.
    pub key: ContextKey,
    /// The last good policies (`None` until a load succeeds).
    pub active: Option<Arc<ActivePolicies>>,
    /// Problems of the last load, per file (errors and warnings). When they include
    /// errors, `active` is older than the files on disk.
    pub problems: Vec<FileProblems>,
    /// Problems not tied to a position in a policy file or `decorum.toml` (a root of
    /// the default policies that could not be read, no policy files at all); a root
    /// named in `decorum.toml` that could not be read is a problem on its entry there.
    pub general: Vec<String>,
    /// Which documents are drafts while no policies have loaded (`active` is `None`,
    /// `decorum.toml` is readable): they are told they were not checked, since no
    /// findings would read as a clean draft.
    pub waiting_drafts: Option<DraftFilter>,
    /// The policy files read by the last load, and the config file: editing one of them
    /// reloads the context.
    pub inputs: Vec<PathBuf>,
    /// Where the policies may read from, as the loader's sandbox knows them (the
    /// workspace root and the folders of the libraries `decorum.toml` declares, with
    /// symbolic links resolved, as changed files are named): editing a file there (a
    /// policy file an import may now name, a library file that may no longer match
    /// `decorum.lock`) reloads the context. `None` for a folder's defaults, which read
    /// only the embedded standard library.
    pub sandbox: Option<Sandbox>,
    /// The files of the last load and what they define and reference, for navigation
    /// (kept also when the load has errors: they are the files as they are on disk).
    /// `None` when `decorum.toml` could not be read.
    pub index: Option<Arc<ContextIndex>>,
    /// Whether the writer has been told of this load's problems
    /// ([`crate::checks::report_context`] sets it, so each load is reported once, by
    /// whichever request or check loaded it).
    pub reported: AtomicBool,
    /// The warning the drafts get while no policies are in use (`active` is `None`),
    /// built from this load's problems by the first check that needs it
    /// ([`crate::checks`]); `None` inside when there is no error to name.
    pub not_checked_message: OnceLock<Option<String>>,
}

/// A context's policy files as last loaded, with their symbols, for the policy-file
/// features (see [`crate::navigation`]).
#[derive(Debug)]
pub struct ContextIndex {
    /// Every file loaded.
    pub loaded: LoadedPolicies,
    /// Definitions and references.
    pub symbols: SymbolIndex,
    /// Overrides and disables.
    pub audit: AuditTrail,
}

impl PolicyContext {
    /// True when the last load failed (the policies in use, if any, are older).
    pub fn has_errors(&self) -> bool {
        !self.general.is_empty()
            || self
                .problems
                .iter()
                .any(|f| f.problems.iter().any(|p| p.level == ProblemLevel::Error))
    }

    /// True when editing the file at `path` (canonical, or as named when it is gone) can
    /// change this context's policies.
    pub fn depends_on(&self, path: &Path) -> bool {
        self.inputs.iter().any(|p| p == path)
            || self
                .sandbox
                .as_ref()
                .is_some_and(|sandbox| sandbox.allows(path))
    }

    /// Loads (or reloads, keeping `previous` policies when the new ones have errors).
    pub fn load(key: ContextKey, previous: Option<&PolicyContext>) -> PolicyContext {
        let started = Instant::now();
        let config = match &key {
            ContextKey::Config(path) => load_config(path),
            ContextKey::Defaults(root) => Ok(Config::default_for(root)),
        };
        let keep = previous.and_then(|p| p.active.clone());
        let config = match config {
            Ok(config) => config,
            Err(errors) => {
                crate::log!(Level::Warn, "context reload: decorum.toml has errors");
                return PolicyContext::config_failed(key, errors, keep);
            }
        };
        let loaded = load_policies(&config, None);
        let Compiled {
            policy_set,
            problems: compile_problems,
            audit,
            symbols,
        } = compile(&loaded.inputs);
        let mut inputs: Vec<PathBuf> = loaded.disk_paths.iter().flatten().cloned().collect();
        if let ContextKey::Config(path) = &key {
            inputs.push(path.clone());
            inputs.push(path.with_file_name("decorum.lock"));
        }
        let mut problems = file_problems(&loaded, &compile_problems);
        if let ContextKey::Config(path) = &key {
            problems.extend(config_file_problems(path, &config, &loaded));
        }
        let sandbox = match &key {
            ContextKey::Config(_) => Some(Sandbox::new(&config)),
            ContextKey::Defaults(_) => None,
        };
        let mut general: Vec<String> = match &key {
            // Each is a problem on its entry of `policies` (see `config_file_problems`).
            ContextKey::Config(_) => Vec::new(),
            ContextKey::Defaults(_) => loaded
                .errors
                .iter()
                .map(|e| match &e.help {
                    Some(help) => format!("{e} ({help})"),
                    None => e.to_string(),
                })
                .collect(),
        };
        if loaded.inputs.sources.is_empty() && loaded.errors.is_empty() {
            general.push("no policy files were found".to_owned());
        }
        let (active, waiting_drafts) = match (policy_set, DraftFilter::new(config)) {
            (Some(set), Ok(drafts)) if general.is_empty() && loaded.errors.is_empty() => {
                let active = ActivePolicies::new(set, &loaded, drafts);
                (Some(Arc::new(active)), None)
            }
            (_, Err(message)) => {
                general.push(message);
                (keep, None)
            }
            // No new policies: drafts are told they are not checked while none are in use.
            (_, Ok(drafts)) => {
                let waiting = keep.is_none().then_some(drafts);
                (keep, waiting)
            }
        };
        crate::log!(
            Level::Info,
            "context loaded: {} policy files, {} problems, usable={} in {:.1} ms",
            loaded.inputs.sources.len(),
            compile_problems.len(),
            active.is_some(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        PolicyContext {
            key,
            active,
            problems,
            general,
            waiting_drafts,
            inputs,
            sandbox,
            index: Some(Arc::new(ContextIndex {
                loaded,
                symbols,
                audit,
            })),
            reported: AtomicBool::new(false),
            not_checked_message: OnceLock::new(),
        }
    }

    fn config_failed(
        key: ContextKey,
        errors: Vec<ConfigError>,
        keep: Option<Arc<ActivePolicies>>,
    ) -> PolicyContext {
        // The errors are all about the one decorum.toml.
        let path = errors.first().map(|e| e.path.clone()).unwrap_or_default();
        // The text the errors were found in, as read; read again only when no error
        // kept it (the file could not be read, or is not UTF-8).
        let kept = errors.iter().find_map(|e| e.source.as_ref());
        let text: Arc<str> = match kept {
            Some(source) => Arc::clone(&source.text),
            None => std::fs::read_to_string(&path).unwrap_or_default().into(),
        };
        let problems = errors
            .iter()
            .map(|e| config_problem(e, &text, ProblemLevel::Error))
            .collect();
        let inputs = vec![path.clone()];
        // No library is declared while decorum.toml cannot be read: the root alone.
        let sandbox = match &key {
            ContextKey::Config(config) => config
                .parent()
                .map(|root| Sandbox::new(&Config::default_for(root))),
            ContextKey::Defaults(_) => None,
        };
        PolicyContext {
            key,
            active: keep,
            problems: vec![FileProblems {
                path,
                text,
                problems,
            }],
            general: Vec::new(),
            waiting_drafts: None,
            inputs,
            sandbox,
            index: None,
            reported: AtomicBool::new(false),
            not_checked_message: OnceLock::new(),
        }
    }
}

impl ActivePolicies {
    fn new(set: PolicySet, loaded: &LoadedPolicies, drafts: DraftFilter) -> ActivePolicies {
        let sources = loaded
            .inputs
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| SourceLabel {
                path: s.path.clone(),
                builtin: s.builtin,
                disk: loaded.disk_paths.get(i).cloned().flatten(),
                index: LineIndex::new(&s.text),
            })
            .collect();
        ActivePolicies {
            set,
            sources,
            drafts,
        }
    }

    /// True when the document at `path` with `language_id` is a draft (see
    /// [`DraftFilter::is_draft`]).
    pub fn is_draft(&self, path: Option<&Path>, language_id: &str, settings: &Settings) -> bool {
        self.drafts.is_draft(path, language_id, settings)
    }

    /// Metadata from `[[drafts.metadata]]` for the draft at `path`.
    pub fn metadata_for(&self, path: Option<&Path>) -> Metadata {
        match path {
            Some(path) => self.drafts.config.metadata_for(path),
            None => Metadata::new(),
        }
    }
}

impl DraftFilter {
    fn new(config: Config) -> Result<DraftFilter, String> {
        Ok(DraftFilter {
            include: glob_set(&config.include)?,
            exclude: glob_set(&config.exclude)?,
            sandbox: Sandbox::new(&config),
            config,
        })
    }

    /// True when the document at `path` with `language_id` is a draft: not a policy or
    /// configuration file, not inside a library's folder, not excluded by `[drafts]
    /// exclude`, and either of a draft language (settings), or matched by the settings'
    /// globs or `[drafts] include`.
    pub fn is_draft(&self, path: Option<&Path>, language_id: &str, settings: &Settings) -> bool {
        if path.is_some_and(|p| self.in_library(p)) {
            return false;
        }
        let relative = path.map(|p| self.relative(p));
        if relative
            .as_ref()
            .is_some_and(|rel| self.exclude.is_match(rel))
        {
            return false;
        }
        settings.language_ids.iter().any(|id| id == language_id)
            || relative
                .as_ref()
                .is_some_and(|rel| settings.glob_set.is_match(rel) || self.include.is_match(rel))
    }

    /// True when `path` lies in the folder of a library: as written, or once symbolic
    /// links are resolved, as the loader's sandbox knows the folders (a library declared
    /// through a link, a library file named through one), which is how `decorum check`
    /// leaves library folders out.
    fn in_library(&self, path: &Path) -> bool {
        self.config.in_library(path)
            || !self.sandbox.libraries().is_empty()
                && decorum_workspace::canonical_file(path)
                    .is_some_and(|file| self.sandbox.library_of(&file).is_some())
    }

    /// The path relative to the configuration root with `/` separators, or the whole
    /// path when outside it.
    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.config.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The draft format of a document: from its extension, else its language id.
pub fn draft_format(path: Option<&Path>, language_id: &str) -> DraftFormat {
    path.and_then(|p| DraftFormat::from_path(&p.to_string_lossy()))
        .unwrap_or(match language_id {
            "markdown" | "mdx" => DraftFormat::Markdown,
            _ => DraftFormat::PlainText,
        })
}

/// Groups problems by the disk file they are in; standard-library problems are dropped
/// (they are not the writer's to fix, and have no file to show them on).
fn file_problems(loaded: &LoadedPolicies, problems: &[PolicyProblem]) -> Vec<FileProblems> {
    let mut out: Vec<FileProblems> = Vec::new();
    for (i, source) in loaded.inputs.sources.iter().enumerate() {
        let Some(Some(path)) = loaded.disk_paths.get(i) else {
            continue;
        };
        let id = SourceId(i as u32);
        let mine: Vec<PolicyProblem> = problems
            .iter()
            .filter(|p| p.source == id)
            .cloned()
            .collect();
        out.push(FileProblems {
            path: path.clone(),
            text: Arc::clone(&source.text),
            problems: mine,
        });
    }
    out
}

/// A `decorum.toml` error as a problem on `text` (the file's text): over what it is
/// about when the error kept the text it was found in and that is `text` (a glob, a
/// key, a value), else at its line and column, zero-width.
pub fn config_problem(error: &ConfigError, text: &str, level: ProblemLevel) -> PolicyProblem {
    let range = match &error.source {
        Some(source) if *source.text == *text => decorum_text::range_of(source.span.clone()),
        _ => config_point(error, text),
    };
    PolicyProblem::new(
        SourceId(0),
        range,
        level,
        "config",
        error.message.clone(),
        error.help.clone(),
    )
}

/// The position of a `decorum.toml` error (1-based line, column in characters) in
/// `text`, as an empty range.
fn config_point(error: &ConfigError, text: &str) -> TextRange {
    let index = LineIndex::new(text);
    let line = error.line.saturating_sub(1);
    let content = index.line_content(text, line);
    let start = content.map(|r| r.start()).unwrap_or_default();
    // The column counts characters: walk them to a byte offset.
    let line_text = content
        .map(|r| decorum_text::slice(text, r))
        .unwrap_or_default();
    let skip: usize = line_text
        .chars()
        .take(error.column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    TextRange::empty(start + decorum_text::TextSize::try_from(skip).unwrap_or_default())
}

/// The problems the loader found with what `decorum.toml` (at `config_path`) names, as
/// problems on it: each entry of `policies` that could not be
/// loaded, on that entry, and each library the policies import that could not be read
/// or no longer matches `decorum.lock`, on its name where `[libraries]` declares it;
/// `None` when there are none.
fn config_file_problems(
    config_path: &Path,
    config: &Config,
    loaded: &LoadedPolicies,
) -> Option<FileProblems> {
    if loaded.errors.is_empty() && loaded.library_errors.is_empty() && config.warnings.is_empty() {
        return None;
    }
    // The text the places were read from (a configuration read from a file keeps it).
    let text: Arc<str> = config.text.clone().unwrap_or_else(|| Arc::from(""));
    // Its warnings (a `[[drafts.metadata]]` key one letter from a known one), as every
    // CLI command prints them.
    let warnings = config
        .warnings
        .iter()
        .map(|warning| config_problem(warning, &text, ProblemLevel::Warning));
    // Without `--policy`, every root the loader could not read is an entry of
    // `policies`, which the configuration says where it is written.
    let roots = loaded.errors.iter().map(|error| {
        let at = error
            .entry
            .as_ref()
            .map_or_else(TextRange::default, |place| {
                decorum_text::range_of(place.span.clone())
            });
        PolicyProblem::new(
            SourceId(0),
            at,
            ProblemLevel::Error,
            "config",
            error.message.clone(),
            error.help.clone(),
        )
    });
    // Each library on its name where decorum.toml declares it.
    let libraries = loaded.library_errors.iter().map(|(name, error)| {
        let at = (config.library_places.get(name)).map_or_else(TextRange::default, |place| {
            decorum_text::range_of(place.span.clone())
        });
        PolicyProblem::new(
            SourceId(0),
            at,
            ProblemLevel::Error,
            "lock",
            error.message.clone(),
            error.help.clone(),
        )
    });
    let problems = warnings.chain(roots).chain(libraries).collect();
    Some(FileProblems {
        path: config_path.to_path_buf(),
        text,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use decorum_workspace::LibraryError;

    use super::*;

    /// A library that cannot be used is a problem on its name where decorum.toml
    /// declares it, however the TOML writes it: an inline table, a table of its own, a
    /// dotted key; a metadata key of the same name before it is not the declaration.
    #[test]
    fn a_library_problem_is_on_the_name_that_declares_the_library() {
        let dir = std::env::temp_dir().join(format!("decorum-lsp-context-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("decorum.toml");
        let text = "[[drafts.metadata]]\nfiles = \"x/**\"\nnet = \"x\"\n\n[libraries]\n\"quoted\" = { path = \"vendor/quoted\" }\ndotted.path = \"vendor/dotted\"\n\n[libraries.net]\npath = \"vendor/net\"\n";
        std::fs::write(&path, text).unwrap();
        let config = load_config(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        let config = config.unwrap();
        let failed = |name: &str| {
            let error = LibraryError {
                message: format!("library \"{name}\" is not pinned"),
                help: None,
            };
            (name.to_owned(), error)
        };
        let loaded = LoadedPolicies {
            library_errors: vec![failed("dotted"), failed("net"), failed("quoted")],
            ..LoadedPolicies::default()
        };
        // The places are read from the text kept with the configuration.
        let problems = config_file_problems(&path, &config, &loaded).unwrap();
        let marked: Vec<&str> = problems
            .problems
            .iter()
            .map(|p| decorum_text::slice(text, p.range))
            .collect();
        let lines: Vec<usize> = problems
            .problems
            .iter()
            .map(|p| text[..usize::from(p.range.start())].matches('\n').count() + 1)
            .collect();
        assert_eq!(marked, ["dotted", "net", "\"quoted\""]);
        assert_eq!(lines, [7, 9, 6]);
    }

    /// A decorum.toml error covers what it is about in the text it was found in; on
    /// another text (the file changed since), it is an empty range at its line and column.
    #[test]
    fn a_config_problem_covers_its_span_in_the_text_it_was_found_in() {
        let text = "[drafts]\ninclude = [\"café/*.md\", \"../up/*.md\"]\n";
        let start = text.find("\"../").unwrap();
        let error = ConfigError {
            path: PathBuf::from("decorum.toml"),
            line: 2,
            column: 25,
            message: "glob \"../up/*.md\" has a `..` segment".to_owned(),
            help: None,
            source: Some(decorum_workspace::config::SourceSpan {
                text: Arc::from(text),
                span: start..start + "\"../up/*.md\"".len(),
            }),
        };
        let problem = config_problem(&error, text, ProblemLevel::Error);
        assert_eq!(decorum_text::slice(text, problem.range), "\"../up/*.md\"");
        let edited = text.replace("\"]", "\", \"notes/*.md\"]");
        let problem = config_problem(&error, &edited, ProblemLevel::Error);
        assert!(problem.range.is_empty());
        assert_eq!(usize::from(problem.range.start()), start);
    }
}
