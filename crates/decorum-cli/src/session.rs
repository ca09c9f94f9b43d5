//! Loading what every command needs: the configuration, the policies, compiled.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use decorum_engine::{Compiled, PolicyInputs, PolicyProblem, ProblemLevel, compile};
use decorum_workspace::config::SourceSpan;
use decorum_workspace::{
    Config, ConfigError, LoadedPolicies, Place, find_config, load_config, load_policies,
};

/// Configuration and compiled policies.
pub struct Session {
    /// The configuration in effect (defaults when there is no decorum.toml).
    pub config: Config,
    /// The loaded policy files.
    pub inputs: PolicyInputs,
    /// The compiled policies and every problem found in them (load errors included).
    pub compiled: Compiled,
    /// Problems that are not tied to a policy file (a missing `--policy`, a bad config).
    pub general: Vec<GeneralProblem>,
    /// The shared libraries the policies import, verified against decorum.lock.
    pub libraries: Vec<decorum_workspace::Library>,
}

/// A problem outside policy files: the config, a missing root, an unreadable draft.
#[derive(Debug, Clone)]
pub struct GeneralProblem {
    /// The file concerned.
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// Error (stops the run) or warning (a skipped draft).
    pub level: ProblemLevel,
    /// The text of decorum.toml with the problem's place in it, for a problem written
    /// there: the human report shows its line. Never a draft's text.
    pub source: Option<SourceSpan>,
}

impl Session {
    /// True when the policies cannot be used.
    pub fn has_errors(&self) -> bool {
        self.compiled.policy_set.is_none()
            || self.general.iter().any(|g| g.level == ProblemLevel::Error)
    }

    /// Policy problems in file order.
    pub fn problems(&self) -> &[PolicyProblem] {
        &self.compiled.problems
    }
}

/// Finds and reads the configuration: `explicit`, else decorum.toml upward from the
/// current folder, else defaults rooted at the current folder.
pub fn config(explicit: Option<&Path>) -> Result<Config, Vec<GeneralProblem>> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find_config(&cwd),
    };
    let Some(path) = path else {
        return Ok(Config::default_for(&cwd));
    };
    load_config(&path).map_err(|errors| {
        errors
            .iter()
            .map(|e| config_problem(e, ProblemLevel::Error))
            .collect()
    })
}

/// A problem with decorum.toml as a problem of the run, at `level`.
fn config_problem(e: &ConfigError, level: ProblemLevel) -> GeneralProblem {
    GeneralProblem {
        path: shown_path(&e.path),
        // Line 0: a problem with no position in the file (it could not be read).
        line: (e.line > 0).then_some(e.line),
        column: (e.line > 0 && e.column > 0).then_some(e.column),
        message: e.message.clone(),
        help: e.help.clone(),
        level,
        source: e.source.clone(),
    }
}

/// Loads and compiles the policies for `config` (or the explicit `--policy`).
pub fn load(config: Config, explicit: Option<&Path>) -> Session {
    let LoadedPolicies {
        inputs,
        errors,
        libraries,
        ..
    } = load_policies(&config, explicit);
    let compiled = compile(&inputs);
    let general: Vec<GeneralProblem> = errors
        .into_iter()
        .map(|e| match (&e.entry, &config.file) {
            // A `policies` entry: its place in decorum.toml (the message names the path).
            (Some(place), Some(file)) => GeneralProblem {
                path: shown_path(file),
                line: Some(place.line),
                column: Some(place.column),
                message: e.message,
                help: e.help,
                level: ProblemLevel::Error,
                source: place_source(&config, place),
            },
            _ => GeneralProblem {
                path: shown_path(&e.path),
                line: None,
                column: None,
                message: e.message,
                help: e.help,
                level: ProblemLevel::Error,
                source: None,
            },
        })
        .collect();
    let mut general = general;
    if inputs.sources.is_empty() && general.is_empty() {
        // Nothing to apply and nothing said why: make it explicit.
        general.push(GeneralProblem {
            path: config
                .file
                .as_ref()
                .map(|f| shown_path(f))
                .unwrap_or_else(|| "decorum.toml".into()),
            line: None,
            column: None,
            message: "no policy files were found".into(),
            help: Some("list them under `policies` in decorum.toml, or pass --policy FILE".into()),
            level: ProblemLevel::Error,
            source: None,
        });
    }
    general.extend(config_warnings(&config.warnings));
    general.extend(missing_library_folders(&config, &libraries));
    Session {
        config,
        inputs,
        compiled,
        general,
        libraries,
    }
}

/// Warnings about decorum.toml (such as [`Config::warnings`]: a metadata key one letter
/// from a known one), at their lines.
pub fn config_warnings(warnings: &[ConfigError]) -> Vec<GeneralProblem> {
    warnings
        .iter()
        .map(|e| config_problem(e, ProblemLevel::Warning))
        .collect()
}

/// A warning for each library of `[libraries]` whose folder does not exist and that no
/// policy imports (an import of it is an error already): most likely a typo in its path,
/// which would otherwise go unnoticed until the first import.
pub fn missing_library_folders(
    config: &Config,
    imported: &[decorum_workspace::Library],
) -> Vec<GeneralProblem> {
    missing_folder_warnings(config, &missing_libraries(config, imported))
}

/// The warnings of [`missing_library_folders`] for the libraries named in `missing`.
pub fn missing_folder_warnings(config: &Config, missing: &[&String]) -> Vec<GeneralProblem> {
    config
        .libraries
        .iter()
        .filter(|(name, _)| missing.contains(name))
        .map(|(name, root)| {
            let shown = decorum_workspace::library::shown_library_path(config, root);
            let place = config.library_places.get(name);
            GeneralProblem {
                path: config
                    .file
                    .as_ref()
                    .map(|f| shown_path(f))
                    .unwrap_or_else(|| "decorum.toml".into()),
                line: place.map(|p| p.line),
                column: place.map(|p| p.column),
                message: format!("library \"{name}\": its folder `{shown}` does not exist"),
                help: Some(
                    "fix its path under [libraries] in decorum.toml, or remove the entry; if the library is a git submodule, fetch it with `git submodule update --init`".into(),
                ),
                level: ProblemLevel::Warning,
                source: place.and_then(|p| place_source(config, p)),
            }
        })
        .collect()
}

/// The text of decorum.toml with `place` in it, for a problem written there.
fn place_source(config: &Config, place: &Place) -> Option<SourceSpan> {
    let text = config.text.as_ref()?;
    Some(SourceSpan {
        text: Arc::clone(text),
        span: place.span.clone(),
    })
}

/// The names of the libraries of `[libraries]` whose folder does not exist, but those
/// `imported` holds: what [`missing_library_folders`] warns about.
pub fn missing_libraries<'c>(
    config: &'c Config,
    imported: &[decorum_workspace::Library],
) -> Vec<&'c String> {
    (config.libraries.iter())
        .filter(|(name, root)| !root.is_dir() && !imported.iter().any(|l| &l.name == *name))
        .map(|(name, _)| name)
        .collect()
}

/// A draft that could not be collected or read, as a problem with its help: an error,
/// or a warning when the file was left out on purpose (binary, not UTF-8, too large).
/// A path that does not exist gets `not_found_help`, which says what the command takes
/// (the reader's own advice is `decorum check`'s).
pub fn draft_problem(
    e: &decorum_workspace::DraftLoadError,
    not_found_help: &str,
) -> GeneralProblem {
    GeneralProblem {
        path: shown_path(&e.path),
        line: e.position.map(|(line, _)| line),
        column: e.position.map(|(_, column)| column),
        message: e.message.clone(),
        help: Some(if e.missing { not_found_help } else { e.help }.to_owned()),
        level: if e.skipped {
            ProblemLevel::Warning
        } else {
            ProblemLevel::Error
        },
        source: None,
    }
}

/// A path as problems show it (a draft, decorum.toml): like the findings' paths, relative
/// to the current folder when inside it, without `./`, with `/` separators.
pub fn shown_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    let cleaned: PathBuf = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    // Separators of the platform only: a `\` in a Unix file name is part of the name.
    let shown = decorum_workspace::to_slash(&cleaned);
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}
