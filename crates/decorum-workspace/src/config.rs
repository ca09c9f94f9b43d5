//! `decorum.toml`: finding it, reading it, and answering questions from it (which
//! policies apply, which files are drafts, what metadata a draft gets).
//!
//! Reading is strict: an unknown key, a glob that does not compile or a value of the
//! wrong type is an error with a line, a column and, where it helps, a "did you mean".
//! A typo in a compliance configuration must not silently switch a check off.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use decorum_draft::{MetaValue, Metadata};
use decorum_syntax::did_you_mean;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::load::{Sandbox, holds_workspace};
use crate::paths;
use crate::stdlib::{self, DEFAULT_POLICY};

mod schema;
pub use schema::json_schema;

/// The file name Decorum looks for.
pub const CONFIG_FILE_NAME: &str = "decorum.toml";

/// The draft globs used when `[drafts] include` is absent: Markdown and plain-text
/// files by their extension (`.md`, `.markdown`, `.txt`) in any letter case, since a file
/// saved on macOS or Windows is often named `NOTES.MD` or `Post.Md`. A glob matches a
/// letter in the case it is written, so each letter of an extension is a class of both
/// cases. `decorum init` writes these, and the JSON schema gives them as the default.
pub const DEFAULT_INCLUDE: &[&str] = &[
    "**/*.[mM][dD]",
    "**/*.[mM][aA][rR][kK][dD][oO][wW][nN]",
    "**/*.[tT][xX][tT]",
];

/// The severities `[check] fail-on` accepts, most severe first.
pub const FAIL_ON_VALUES: &[&str] = &["error", "warning", "info", "hint", "never"];

/// The configuration of a workspace, read from `decorum.toml` (or the defaults when there
/// is no such file).
///
/// # The `decorum.toml` format
///
/// Every key is optional; unknown keys are errors.
///
/// ```toml
/// # Policy files that apply, relative to this file; entries starting with "std/" are the
/// # embedded standard library. A file may be named without `.decorum`; a folder stands
/// # for every `.decorum` file below it.
/// # Default when absent: ["std/healthcare"].
/// policies = ["policy/acme.decorum"]
///
/// [drafts]
/// # Which files under a folder given to `decorum check` are drafts. Globs are matched
/// # against the path relative to this file's folder, with `/` as separator: `*` stays
/// # inside one folder, `**` crosses folders. A leading `./` is this folder (`./posts/**`
/// # is `posts/**`); a glob starting with `/` or with a `..` segment is an error. A letter
/// # matches in the case it is written: `*.md` leaves `NOTES.MD` out, `*.[mM][dD]` takes
/// # both. A glob that names a folder (`posts`, `posts/`, `posts/**`: no wildcard in its
/// # last part) matches every file below it, here, in `exclude` and in `files`. Files ignored by .gitignore or
/// # .ignore, and hidden files, are never collected from folders. The default takes
/// # `.md`, `.markdown` and `.txt` in any letter case.
/// include = ["**/*.[mM][dD]", "**/*.[mM][aA][rR][kK][dD][oO][wW][nN]", "**/*.[tT][xX][tT]"]
/// # Files to leave out of the folders walked, even when `include` matches them
/// # (`posts/old` leaves out every file below it); a folder named on the command line
/// # is walked all the same.
/// exclude = ["node_modules/**"]                          # default []
///
/// # Metadata for drafts whose path (relative to this file's folder) matches `files`
/// # (one glob or a non-empty array of globs; a folder is every draft below it). Every
/// # other key becomes post metadata, as if it were in the draft's front matter (front
/// # matter wins). Values are strings, numbers,
/// # booleans or arrays; a table `consent = { type = "written" }` gives the dotted key
/// # `consent.type`. When several entries match, all apply in order, later ones winning.
/// [[drafts.metadata]]
/// files = "calendar/x/**"
/// channel = "x"
///
/// [libraries]
/// # Shared policy libraries, by name, vendored in local folders (relative to this file).
/// # A name is ASCII letters, digits, `-` and `_`, starting with a letter or digit.
/// # `import "dental-network/privacy"` reads vendor/dental-network/privacy.decorum.
/// # Policies can read files only inside this file's folder and these library folders.
/// dental-network = { path = "vendor/dental-network" }
///
/// [check]
/// # The least severe finding that makes `decorum check` fail (exit code 1).
/// fail-on = "error"             # error | warning | info | hint | never
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder of `decorum.toml` (absolute): relative paths in the file start here,
    /// and policies may read files inside it.
    pub root: PathBuf,
    /// The configuration file, when there is one.
    pub file: Option<PathBuf>,
    /// The text of the configuration file as it was read, when there is one: the
    /// places below refer to it, so a problem can be shown on its line without reading
    /// the file again.
    pub text: Option<Arc<str>>,
    /// `policies`: the files or folders whose rules apply (`std/...` or relative to `root`).
    pub policies: Vec<String>,
    /// Where each entry of `policies` is written in decorum.toml, in the same order;
    /// `None` for the default policy, which no file names.
    pub policy_places: Vec<Option<Place>>,
    /// `[drafts] include` globs.
    pub include: Vec<String>,
    /// `[drafts] exclude` globs.
    pub exclude: Vec<String>,
    /// `[[drafts.metadata]]` entries, in file order.
    pub metadata: Vec<MetadataRule>,
    /// `[libraries]`: library name to its folder (absolute).
    pub libraries: BTreeMap<String, PathBuf>,
    /// `[libraries]`: library name to where decorum.toml declares it (the name, as the
    /// key of an inline table, a dotted key or a `[libraries.NAME]` header writes it).
    pub library_places: BTreeMap<String, Place>,
    /// `[check] fail-on`, one of [`FAIL_ON_VALUES`], when given.
    pub fail_on: Option<String>,
    /// Problems that leave the file usable, in file order: a `[[drafts.metadata]]` key
    /// one letter from a key Decorum reads (`chanel`), which becomes post metadata of
    /// its own name, so what the known key does does not happen. Each is a warning.
    pub warnings: Vec<ConfigError>,
}

/// Where a value is written in decorum.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its byte range in the file (a string's with its quotes).
    pub span: std::ops::Range<usize>,
    /// The 1-based line of its start.
    pub line: u32,
    /// The 1-based column of its start, in characters.
    pub column: u32,
}

impl Config {
    /// The configuration of a folder without `decorum.toml`: the default policy
    /// ([`DEFAULT_POLICY`]), the default draft globs, no libraries.
    pub fn default_for(root: &Path) -> Config {
        Config {
            root: paths::absolute(root),
            file: None,
            text: None,
            policies: vec![DEFAULT_POLICY.to_owned()],
            policy_places: vec![None],
            include: DEFAULT_INCLUDE.iter().map(|s| (*s).to_owned()).collect(),
            exclude: Vec::new(),
            metadata: Vec::new(),
            libraries: BTreeMap::new(),
            library_places: BTreeMap::new(),
            fail_on: None,
            warnings: Vec::new(),
        }
    }

    /// True when `path` (absolute, or relative to the current directory) lies inside the
    /// folder of a library in `[libraries]`. Such files are policy code and its
    /// documentation, never drafts, whatever `[drafts] include` says.
    pub fn in_library(&self, path: &Path) -> bool {
        let path = paths::absolute(path);
        self.libraries
            .values()
            .any(|folder| path.starts_with(folder))
    }

    /// The metadata `decorum.toml` gives the draft at `draft_path` (absolute, or relative
    /// to the current directory): every matching `[[drafts.metadata]]` entry merged in
    /// order, later entries winning. Drafts outside [`Config::root`] get none.
    pub fn metadata_for(&self, draft_path: &Path) -> Metadata {
        let cwd = std::env::current_dir().unwrap_or_else(|_| self.root.clone());
        self.metadata_for_in(draft_path, &cwd)
    }

    pub(crate) fn metadata_for_in(&self, draft_path: &Path, cwd: &Path) -> Metadata {
        let mut merged = Metadata::new();
        if self.metadata.is_empty() {
            return merged;
        }
        let Some(rel) = paths::relative_to(draft_path, &self.root, cwd) else {
            return merged;
        };
        let rel = paths::to_slash(&rel);
        for rule in &self.metadata {
            if rule.matches(&rel) {
                merged = rule.values.merged_over(&merged);
            }
        }
        merged
    }

    /// The warnings for the `[[drafts.metadata]]` entries that match none of `drafts`
    /// (paths absolute or relative to the current directory), in file order: for a run
    /// over the whole workspace, where such an entry's glob is most likely misspelt.
    pub fn unmatched_metadata<'a>(
        &self,
        drafts: impl IntoIterator<Item = &'a Path>,
    ) -> Vec<ConfigError> {
        if self.metadata.is_empty() {
            return Vec::new();
        }
        let cwd = std::env::current_dir().unwrap_or_else(|_| self.root.clone());
        let relative: Vec<String> = drafts
            .into_iter()
            .filter_map(|path| paths::relative_to(path, &self.root, &cwd))
            .map(|rel| paths::to_slash(&rel))
            .collect();
        self.metadata
            .iter()
            .filter(|rule| !relative.iter().any(|rel| rule.matches(rel)))
            .filter_map(|rule| rule.unmatched.as_deref().cloned())
            .collect()
    }

    /// A short name for the configuration in messages: its file, or its root.
    pub fn origin(&self) -> &Path {
        self.file.as_deref().unwrap_or(&self.root)
    }
}

/// One `[[drafts.metadata]]` entry: globs and the metadata they give.
#[derive(Debug, Clone)]
pub struct MetadataRule {
    files: Vec<String>,
    values: Metadata,
    matcher: Globs,
    /// The warning for a run of the whole workspace in which the entry matches no draft
    /// (see [`Config::unmatched_metadata`]), at its `files` line; `None` for an entry not
    /// read from a file.
    unmatched: Option<Box<ConfigError>>,
}

impl MetadataRule {
    /// A rule giving `values` to drafts whose root-relative path matches one of `files`.
    /// Fails with the glob and the reason when a glob does not compile.
    pub fn new(files: Vec<String>, values: Metadata) -> Result<MetadataRule, String> {
        let matcher = glob_set(&files)?;
        Ok(MetadataRule {
            files,
            values,
            matcher,
            unmatched: None,
        })
    }

    /// The globs, as matched (read from decorum.toml, without a leading `./`).
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The metadata the rule gives.
    pub fn values(&self) -> &Metadata {
        &self.values
    }

    /// True when the rule applies to the draft at `relative_path` (relative to the
    /// configuration root, `/`-separated): a glob matches it, or a folder holding it
    /// ([`Globs::is_match`]).
    pub fn matches(&self, relative_path: &str) -> bool {
        self.matcher.is_match(relative_path)
    }
}

/// Compiles one glob with Decorum's conventions: `*` does not cross `/`, `**` does, and
/// a backslash escapes the next character (so patterns mean the same on every platform).
pub(crate) fn glob(pattern: &str) -> Result<Glob, String> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|err| format!("invalid glob {}: {}", quoted(pattern), err.kind()))
}

/// Compiles globs into one set with Decorum's conventions (`*` does not cross `/`,
/// `**` does, a backslash escapes); the error names the first bad glob. The globs are
/// taken as given: [`relative_glob`] reads them first.
pub fn glob_set(patterns: &[String]) -> Result<Globs, String> {
    let mut all = GlobSetBuilder::new();
    let mut folders = GlobSetBuilder::new();
    for pattern in patterns {
        let compiled = glob(pattern)?;
        if names_folder(pattern) {
            folders.add(compiled.clone());
        }
        all.add(compiled);
    }
    let build = |builder: GlobSetBuilder| {
        builder
            .build()
            .map_err(|err| format!("invalid globs: {}", err.kind()))
    };
    Ok(Globs {
        set: build(all)?,
        folders: build(folders)?,
    })
}

/// Whether `pattern` names folders whose files it stands for: it ends with `/` or `/**`,
/// or its last part is written out, with no wildcard (`clinic`, `drafts/old`). A last
/// part with a wildcard (`*.md`, `*`) names files: a folder that happens to match it
/// (`notes.md/`) does not bring its files in.
pub(crate) fn names_folder(pattern: &str) -> bool {
    if pattern.ends_with('/') || pattern.ends_with("/**") {
        return true;
    }
    let last = pattern.rsplit('/').next().unwrap_or(pattern);
    !last.is_empty() && !last.contains(['*', '?', '[', '{', '\\'])
}

/// Compiled globs of `[drafts]` (`include`, `exclude`, the `files` of
/// `[[drafts.metadata]]`) or of the language server's `drafts.globs`, matched against
/// `/`-separated paths relative to the folder they start at.
///
/// A glob that names a folder matches every file below it, as in .gitignore: `clinic`,
/// `clinic/` and `clinic/**` all match `clinic/a.md` and `clinic/2025/b.md`, so a
/// folder written without `/**` is not a glob that silently matches no draft. A glob
/// names a folder when it ends with `/` or `/**` or its last part has no wildcard
/// (`names_folder`): `**/*.md` does not take the files of a folder named `notes.md`,
/// and `*` matches top-level files only. Globs stay anchored at that folder (`clinic`
/// is not `team/clinic`).
#[derive(Debug, Clone)]
pub struct Globs {
    /// Every glob, matched against a file's path.
    set: GlobSet,
    /// The globs that name folders, matched against the folders holding a file.
    folders: GlobSet,
}

impl Default for Globs {
    fn default() -> Globs {
        Globs {
            set: GlobSet::empty(),
            folders: GlobSet::empty(),
        }
    }
}

impl Globs {
    /// True when a glob matches the file at `relative_path`, or a glob that names
    /// folders matches a folder holding it.
    pub fn is_match(&self, relative_path: &str) -> bool {
        self.set.is_match(relative_path)
            || !self.folders.is_empty()
                && relative_path.match_indices('/').any(|(end, _)| {
                    // The folder as written and with its `/`, both slices of the path.
                    end > 0
                        && (self.folders.is_match(&relative_path[..end])
                            || self.folders.is_match(&relative_path[..=end]))
                })
    }

    /// True when a glob that names folders matches the folder at `relative_path`
    /// (written without a final `/`): as written (`build`), with a final `/`
    /// (`build/`), or as everything inside it (`build/**` matches `build/`), so that it
    /// matches every file below. The drafts' walk prunes such a folder of `exclude`.
    pub fn matches_folder(&self, relative_path: &str) -> bool {
        self.folders.is_match(relative_path) || self.folders.is_match(format!("{relative_path}/"))
    }

    /// True when a glob matches `relative_path` itself, as written: not through a
    /// folder holding it.
    pub(crate) fn matches_written(&self, relative_path: &str) -> bool {
        self.set.is_match(relative_path)
    }

    /// True when there is no glob.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// Why `decorum.toml` could not be used, with the position of the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// 1-based line of the problem; 0 when the problem has no position (unreadable file).
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What is wrong, e.g. `unknown key "polices" (did you mean "policies"?)`.
    pub message: String,
    /// What to do, when there is more to say.
    pub help: Option<String>,
    /// The text the problem is written in, with its place, when it has one: to show
    /// the line with the problem marked.
    pub source: Option<SourceSpan>,
}

/// A range of the text of decorum.toml, with that text as it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpan {
    /// The whole text of the file.
    pub text: Arc<str>,
    /// The byte range of the problem in `text` (a string's with its quotes); inside the
    /// text, on character boundaries.
    pub span: std::ops::Range<usize>,
}

impl fmt::Display for ConfigError {
    /// `decorum.toml:3:1: unknown key "polices" (did you mean "policies"?)`; the help is
    /// not included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        }
    }
}

impl std::error::Error for ConfigError {}

/// The nearest `decorum.toml` in `start_dir` or one of its ancestors.
pub fn find_config(start_dir: &Path) -> Option<PathBuf> {
    let start = paths::absolute(start_dir);
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and checks a `decorum.toml`. The errors are in the order of the file (never
/// an empty list), from the first of these stages that finds any: the TOML syntax error
/// (reading stops there); every unknown key; every value of the wrong type; every value
/// of the right type that cannot be used (an empty path, a bad glob, a misspelt, empty or
/// blank channel,
/// an unknown `fail-on`).
pub fn load_config(path: &Path) -> Result<Config, Vec<ConfigError>> {
    let bytes = std::fs::read(path).map_err(|err| {
        let help = if err.kind() == std::io::ErrorKind::NotFound {
            "check the path: it names no file (a relative path starts at the current folder)"
        } else {
            "check that the file is readable (its permissions) and is a file, not a folder"
        };
        vec![ConfigError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: format!("cannot read the configuration: {err}"),
            help: Some(help.to_owned()),
            source: None,
        }]
    })?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let (line, column) =
            crate::drafts::line_and_column(err.as_bytes(), err.utf8_error().valid_up_to());
        vec![ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message: "the configuration is not valid UTF-8 text: its first invalid byte is at this line and column".to_owned(),
            help: Some("save decorum.toml as UTF-8".to_owned()),
            source: None,
        }]
    })?;
    let file = paths::absolute(path);
    let root = file
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    parse_config(&text, path, root, Some(file))
}

/// Checks the text of a configuration whose relative paths start at `root`; errors name
/// `shown_path`.
pub(crate) fn parse_config(
    text: &str,
    shown_path: &Path,
    root: PathBuf,
    file: Option<PathBuf>,
) -> Result<Config, Vec<ConfigError>> {
    let shared: std::cell::OnceCell<Arc<str>> = std::cell::OnceCell::new();
    let error = |span: Option<std::ops::Range<usize>>, message: String, help: Option<String>| {
        let (line, column) = span
            .as_ref()
            .map_or((1, 1), |span| line_column(text, span.start));
        let source = span.and_then(|span| {
            let end = span.end.min(text.len());
            let start = span.start.min(end);
            (text.is_char_boundary(start) && text.is_char_boundary(end)).then(|| SourceSpan {
                text: Arc::clone(shared.get_or_init(|| text.into())),
                span: start..end,
            })
        });
        ConfigError {
            path: shown_path.to_path_buf(),
            line,
            column,
            message,
            help,
            source,
        }
    };

    // Serde stops at the first unknown key or value of the wrong type; walks of the
    // parsed file find them all (the types in the configuration's own words): every
    // unknown key, or else every mistyped value. A file that does not parse is left to
    // serde, which says where.
    let parsed = toml::de::DeTable::parse(text).ok();
    if let Some(parsed) = &parsed {
        for stage in [unknown_keys as Walk, wrong_types] {
            let found = stage(parsed.get_ref());
            if !found.is_empty() {
                return Err(found
                    .into_iter()
                    .map(|(span, message, help)| error(Some(span), message, help))
                    .collect());
            }
        }
    }
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(err) => {
            let span = err.span();
            let key = span.clone().and_then(|s| text.get(s)).unwrap_or_default();
            let (message, help) = describe_toml_error(err.message(), key);
            return Err(vec![error(span, message, help)]);
        }
    };
    let mut errors = Vec::new();

    let mut config = Config::default_for(&root);
    config.root = root;
    config.text = file
        .is_some()
        .then(|| Arc::clone(shared.get_or_init(|| text.into())));
    config.file = file;

    // The `policies` entries with their places, checked once `[libraries]` is read.
    let mut policy_spans = Vec::new();
    if let Some(policies) = raw.policies {
        if policies.get_ref().is_empty() {
            errors.push(error(
                Some(policies.span()),
                "`policies` is empty, so no rule would apply".to_owned(),
                Some(format!(
                    "remove the key to use the standard library (\"{DEFAULT_POLICY}\"), or list policy files"
                )),
            ));
        }
        let mut list = Vec::new();
        let mut places = Vec::new();
        for entry in policies.into_inner() {
            let span = entry.span();
            let value = entry.into_inner();
            let (line, column) = line_column(text, span.start);
            places.push(Some(Place {
                span: span.clone(),
                line,
                column,
            }));
            if value.trim().is_empty() {
                errors.push(error(
                    Some(span),
                    "empty policy path".to_owned(),
                    Some(EMPTY_POLICY_HELP.to_owned()),
                ));
            } else {
                policy_spans.push((value.clone(), span));
            }
            list.push(value);
        }
        if !list.is_empty() {
            config.policies = list;
            config.policy_places = places;
        }
    }

    if let Some(drafts) = raw.drafts {
        if let Some(include) = drafts.include {
            match checked_globs(include.into_iter().map(spanned)) {
                Ok(globs) => config.include = globs,
                Err(bad) => errors.extend(
                    bad.into_iter()
                        .map(|(span, msg, help)| error(Some(span), msg, help)),
                ),
            }
        }
        if let Some(exclude) = drafts.exclude {
            match checked_globs(exclude.into_iter().map(spanned)) {
                Ok(globs) => config.exclude = globs,
                Err(bad) => errors.extend(
                    bad.into_iter()
                        .map(|(span, msg, help)| error(Some(span), msg, help)),
                ),
            }
        }
        for (index, rule) in drafts.metadata.unwrap_or_default().into_iter().enumerate() {
            let files_span = rule.files.span();
            let files = match rule.files.into_inner() {
                OneOrMany::One(glob) => vec![glob],
                OneOrMany::Many(globs) => globs,
            };
            // Each glob with its own place, so an error points at the glob, not the list.
            let spans = parsed
                .as_ref()
                .and_then(|p| metadata_files_spans(p.get_ref(), index))
                .filter(|spans| spans.len() == files.len())
                .unwrap_or_else(|| vec![files_span.clone(); files.len()]);
            // An entry for no file at all is a mistake, not a way to switch it off.
            if files.is_empty() {
                errors.push(error(
                    Some(files_span.clone()),
                    "`files` is empty, so this metadata applies to no draft".to_owned(),
                    Some("list the globs of the drafts it is for, e.g. files = \"calendar/x/**\", or remove the entry".to_owned()),
                ));
            }
            // A misspelt channel, or an empty or blank one, switches its length limit off
            // for every file the rule names (one that is not text is a wrong type,
            // reported before).
            if let Some(toml::Value::String(channel)) = rule.values.get("channel") {
                let span = || {
                    parsed
                        .as_ref()
                        .and_then(|p| metadata_value_span(p.get_ref(), index, "channel"))
                        .unwrap_or_else(|| files_span.clone())
                };
                if channel.trim().is_empty() {
                    let what = if channel.is_empty() { "empty" } else { "blank" };
                    errors.push(error(
                        Some(span()),
                        format!("`channel` is {what}, so this entry sets no channel and no length limit applies to its drafts"),
                        Some("write a known channel such as \"x\", \"instagram\" or \"linkedin\", or remove the key".to_owned()),
                    ));
                } else if let Some(meant) = decorum_draft::misspelt_channel(channel) {
                    errors.push(error(
                        Some(span()),
                        format!("unknown channel \"{channel}\" (did you mean \"{meant}\"?)"),
                        Some("an unknown channel has no length limit; write a known channel such as \"x\", \"instagram\" or \"linkedin\"".to_owned()),
                    ));
                }
            }
            let files = match checked_globs(files.into_iter().zip(spans)) {
                Ok(files) => files,
                Err(bad) => {
                    errors.extend(
                        bad.into_iter()
                            .map(|(span, msg, help)| error(Some(span), msg, help)),
                    );
                    continue;
                }
            };
            let mut values = Metadata::new();
            for (key, value) in rule.values {
                flatten_value(&key, value, &mut values);
            }
            match MetadataRule::new(files, values) {
                Ok(mut rule) => {
                    rule.unmatched = Some(Box::new(error(
                        Some(files_span),
                        "this [[drafts.metadata]] entry matches none of the drafts checked, so its metadata applies to none".to_owned(),
                        Some("`files` globs are matched against each draft's path from the folder of decorum.toml (`calendar/**`, `posts/x/*.md`); fix the glob, or remove the entry".to_owned()),
                    )));
                    config.metadata.push(rule);
                }
                Err(msg) => errors.push(error(
                    Some(files_span),
                    msg,
                    Some(INVALID_GLOB_HELP.to_owned()),
                )),
            }
        }
    }

    if let Some(libraries) = raw.libraries {
        for (name, library) in libraries {
            let name_span = name.span();
            let name = name.into_inner();
            if let Some(problem) = library_name_problem(&name) {
                errors.push(error(
                    Some(name_span.clone()),
                    format!("invalid library name \"{name}\": {problem}"),
                    Some(LIBRARY_NAME_HELP.to_owned()),
                ));
            }
            let path_span = library.path.span();
            let path = library.path.into_inner();
            if path.trim().is_empty() {
                errors.push(error(
                    Some(path_span),
                    format!("library \"{name}\" has an empty path"),
                    Some(format!("e.g. {name} = {{ path = \"vendor/{name}\" }}")),
                ));
                continue;
            }
            let folder = paths::normalize(&config.root.join(&path));
            if holds_workspace(&folder, &config.root) {
                errors.push(error(
                    Some(path_span),
                    format!(
                        "the folder of library \"{name}\" (`{path}`) holds the workspace, the folder of this decorum.toml"
                    ),
                    Some(format!(
                        "a library is a folder of its own, not one that holds the workspace: vendor it in a folder such as `vendor/{name}` and declare that"
                    )),
                ));
                continue;
            }
            let (line, column) = line_column(text, name_span.start);
            let place = Place {
                span: name_span,
                line,
                column,
            };
            config.library_places.insert(name.clone(), place);
            config.libraries.insert(name, folder);
        }
    }

    for (entry, span) in policy_spans {
        if let Some((message, help)) = policy_outside(&entry, &config) {
            errors.push(error(Some(span), message, Some(help)));
        }
    }

    if let Some(fail_on) = raw.check.and_then(|check| check.fail_on) {
        let span = fail_on.span();
        let value = fail_on.into_inner();
        if !FAIL_ON_VALUES.contains(&value.as_str()) {
            let suggestion = did_you_mean(&value, FAIL_ON_VALUES.iter().copied());
            let message = match suggestion {
                Some(s) => format!("unknown severity \"{value}\" (did you mean \"{s}\"?)"),
                None => format!("unknown severity \"{value}\""),
            };
            errors.push(error(
                Some(span),
                message,
                Some(format!(
                    "`fail-on` is one of: {}",
                    FAIL_ON_VALUES.join(", ")
                )),
            ));
        } else {
            config.fail_on = Some(value);
        }
    }

    if errors.is_empty() {
        if let Some(parsed) = &parsed {
            config.warnings = metadata_key_typos(parsed.get_ref())
                .into_iter()
                .map(|(span, message, help)| error(Some(span), message, help))
                .collect();
        }
        Ok(config)
    } else {
        // In the order of the file, as the reader fixes them.
        errors.sort_by_key(|e| (e.line, e.column));
        Err(errors)
    }
}

/// What to write instead of an empty `policies` entry.
const EMPTY_POLICY_HELP: &str = "write a policy file or folder relative to decorum.toml, such as \"policy/acme.decorum\", or \"std/healthcare\" for the standard library; or remove the empty entry";

/// What a glob of decorum.toml may hold, for one that does not compile.
const INVALID_GLOB_HELP: &str = "a glob is a path relative to decorum.toml with `*` (inside one folder), `**` (across folders), `?`, `[abc]` and `{a,b}`; brackets and braces come in pairs, and a backslash makes the next character literal (`\\[`)";

/// What a library name may be, as the schema's pattern says it.
const LIBRARY_NAME_HELP: &str = "a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`";

/// The keys each table of decorum.toml accepts: the fields of [`RawConfig`],
/// [`RawDrafts`], [`RawLibrary`] and [`RawCheck`] (a test holds them together).
const TOP_KEYS: &[&str] = &["policies", "drafts", "libraries", "check"];
const DRAFTS_KEYS: &[&str] = &["include", "exclude", "metadata"];
const LIBRARY_KEYS: &[&str] = &["path"];
const CHECK_KEYS: &[&str] = &["fail-on"];

/// A problem found by a walk of the parsed file: its span, message and help.
type Found = (std::ops::Range<usize>, String, Option<String>);

/// A walk of the parsed file, in file order.
type Walk = fn(&toml::de::DeTable<'_>) -> Vec<Found>;

/// Every key of the parsed file `root` that its table does not accept.
fn unknown_keys(root: &toml::de::DeTable<'_>) -> Vec<Found> {
    use toml::de::{DeTable, DeValue};
    fn check(table: &DeTable<'_>, known: &[&str], out: &mut Vec<Found>) {
        for key in table.keys() {
            if !known.contains(&key.get_ref().as_ref()) {
                let (message, help) = unknown_key_message(key.get_ref(), known);
                out.push((key.span(), message, help));
            }
        }
    }
    let mut out = Vec::new();
    check(root, TOP_KEYS, &mut out);
    let table = |key: &str| match root.get(key).map(|v| v.get_ref()) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    };
    if let Some(drafts) = table("drafts") {
        check(drafts, DRAFTS_KEYS, &mut out);
    }
    if let Some(libraries) = table("libraries") {
        for library in libraries.values() {
            if let DeValue::Table(t) = library.get_ref() {
                check(t, LIBRARY_KEYS, &mut out);
            }
        }
    }
    if let Some(check_table) = table("check") {
        check(check_table, CHECK_KEYS, &mut out);
    }
    out.sort_by_key(|(span, ..)| span.start);
    out
}

/// Every value of the parsed file `root` whose type its key does not take (a string
/// where a list of globs belongs, a number for `fail-on`).
fn wrong_types(root: &toml::de::DeTable<'_>) -> Vec<Found> {
    use toml::de::{DeTable, DeValue};
    type Out = Vec<Found>;
    const METADATA_HELP: &str =
        "write each entry as a [[drafts.metadata]] line with `files` and the metadata below";
    fn kind(value: &DeValue<'_>) -> &'static str {
        match value {
            DeValue::String(_) => "text",
            DeValue::Integer(_) | DeValue::Float(_) => "a number",
            DeValue::Boolean(_) => "true or false",
            DeValue::Datetime(_) => "a date",
            DeValue::Array(_) => "a list",
            DeValue::Table(_) => "a table",
        }
    }
    // A list of strings: the list itself, then each item.
    fn strings(value: &toml::Spanned<DeValue<'_>>, key: &str, example: &str, out: &mut Out) {
        let help = Some(format!("e.g. {key} = {example}"));
        match value.get_ref() {
            DeValue::Array(items) => {
                for item in items {
                    if !matches!(item.get_ref(), DeValue::String(_)) {
                        let what = kind(item.get_ref());
                        out.push((
                            item.span(),
                            format!("each entry of `{key}` is text in quotes, not {what}"),
                            help.clone(),
                        ));
                    }
                }
            }
            other => out.push((
                value.span(),
                format!("`{key}` is a list in brackets, not {}", kind(other)),
                help,
            )),
        }
    }
    let mut out = Vec::new();
    fn table<'t, 'i>(parent: &'t DeTable<'i>, key: &str, out: &mut Out) -> Option<&'t DeTable<'i>> {
        let value = parent.get(key)?;
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                out.push((
                    value.span(),
                    format!("`{key}` is a table, not {}", kind(other)),
                    Some(format!("write it as a [{key}] line with its keys below")),
                ));
                None
            }
        }
    }
    if let Some(policies) = root.get("policies") {
        strings(policies, "policies", "[\"policy/acme.decorum\"]", &mut out);
    }
    if let Some(drafts) = table(root, "drafts", &mut out) {
        for key in ["include", "exclude"] {
            if let Some(globs) = drafts.get(key) {
                strings(globs, key, "[\"**/*.md\"]", &mut out);
            }
        }
        if let Some(metadata) = drafts.get("metadata") {
            let entries = match metadata.get_ref() {
                DeValue::Array(entries) => entries.iter().collect(),
                other => {
                    let what = kind(other);
                    out.push((
                        metadata.span(),
                        format!("`metadata` is a list of [[drafts.metadata]] tables, not {what}"),
                        Some(METADATA_HELP.to_owned()),
                    ));
                    Vec::new()
                }
            };
            for entry in entries {
                // A channel that is not text switches off the length limit of every file
                // the entry names.
                if let DeValue::Table(t) = entry.get_ref()
                    && let Some(channel) = t.get("channel")
                    && !matches!(channel.get_ref(), DeValue::String(_))
                {
                    out.push((
                        channel.span(),
                        format!(
                            "`channel` is text in quotes, not {}",
                            kind(channel.get_ref())
                        ),
                        Some("e.g. channel = \"x\"".to_owned()),
                    ));
                }
                match entry.get_ref() {
                    DeValue::Table(t) => match t.get("files").map(|f| (f, f.get_ref())) {
                        Some((_, DeValue::String(_))) => {}
                        Some((files, DeValue::Array(_))) => {
                            strings(files, "files", "[\"calendar/x/**\"]", &mut out);
                        }
                        Some((files, other)) => out.push((
                            files.span(),
                            format!("`files` is a glob or a list of globs, not {}", kind(other)),
                            Some("e.g. files = \"calendar/x/**\"".to_owned()),
                        )),
                        // `file = "..."`: said at that key.
                        None => match t.iter().find(|(key, _)| decorum_draft::one_edit_apart(key.get_ref(), "files")) {
                            Some((key, _)) => out.push((
                                key.span(),
                                format!(
                                    "this [[drafts.metadata]] entry has no `files` (did you mean `files` for `{}`?)",
                                    key.get_ref()
                                ),
                                Some("`files` holds the globs of the drafts its metadata is for".to_owned()),
                            )),
                            None => out.push((
                                entry.span(),
                                "this [[drafts.metadata]] entry has no `files`".to_owned(),
                                Some(
                                    "add `files = \"GLOB\"`: the drafts its metadata is for".to_owned(),
                                ),
                            )),
                        },
                    },
                    other => out.push((
                        entry.span(),
                        format!("each entry of `metadata` is a table, not {}", kind(other)),
                        Some(METADATA_HELP.to_owned()),
                    )),
                }
            }
        }
    }
    if let Some(libraries) = table(root, "libraries", &mut out) {
        for (name, library) in libraries.iter() {
            let name = name.get_ref();
            let example = Some(format!("e.g. {name} = {{ path = \"vendor/{name}\" }}"));
            match library.get_ref() {
                DeValue::Table(t) => match t.get("path").map(|p| (p, p.get_ref())) {
                    Some((_, DeValue::String(_))) => {}
                    Some((path, other)) => out.push((
                        path.span(),
                        format!("a library's `path` is text in quotes, not {}", kind(other)),
                        example,
                    )),
                    None => out.push((
                        library.span(),
                        format!("library \"{name}\" has no `path`"),
                        example,
                    )),
                },
                other => out.push((
                    library.span(),
                    format!(
                        "library \"{name}\" is a table with its `path`, not {}",
                        kind(other)
                    ),
                    example,
                )),
            }
        }
    }
    if let Some(check) = table(root, "check", &mut out) {
        if let Some(fail_on) = check.get("fail-on") {
            if !matches!(fail_on.get_ref(), DeValue::String(_)) {
                out.push((
                    fail_on.span(),
                    format!(
                        "`fail-on` is a severity in quotes, not {}",
                        kind(fail_on.get_ref())
                    ),
                    Some(format!("one of: {}", FAIL_ON_VALUES.join(", "))),
                ));
            }
        }
    }
    out.sort_by_key(|(span, ..)| span.start);
    out
}

/// Every key of a `[[drafts.metadata]]` entry of `root` one letter from a key Decorum
/// reads (`chanel`, `typ`, `consnet`): accepted as metadata of its own name, as
/// documented, but most likely a typo that leaves the known key unset. Other keys are
/// metadata as written; `files` missing is an error of its own.
fn metadata_key_typos(root: &toml::de::DeTable<'_>) -> Vec<Found> {
    use toml::de::DeValue;
    let mut out = Vec::new();
    let Some(DeValue::Table(drafts)) = root.get("drafts").map(|d| d.get_ref()) else {
        return out;
    };
    let Some(DeValue::Array(entries)) = drafts.get("metadata").map(|m| m.get_ref()) else {
        return out;
    };
    for entry in entries {
        let DeValue::Table(table) = entry.get_ref() else {
            continue;
        };
        for (key, _) in table.iter() {
            let written = key.get_ref();
            // Not when the entry sets the key it looks like too, as in front matter.
            let known = match decorum_draft::one_edit_apart(written, "files") {
                true => Some("files"),
                false => decorum_draft::misspelt_metadata_key(written),
            };
            let Some(known) = known.filter(|known| !table.contains_key(*known)) else {
                continue;
            };
            out.push((
                key.span(),
                format!("`{written}` is one letter from `{known}` (did you mean `{known}`?)"),
                Some(format!(
                    "any key but `files`, `channel`, `type` and `consent` becomes post metadata of its own name, so this entry sets no `{known}`; write `{known}`, or keep `{written}` if it is metadata of your own"
                )),
            ));
        }
    }
    out.sort_by_key(|(span, ..)| span.start);
    out
}

/// Where the value of `key` in the `entry`th `[[drafts.metadata]]` table is written.
fn metadata_value_span(
    root: &toml::de::DeTable<'_>,
    entry: usize,
    key: &str,
) -> Option<std::ops::Range<usize>> {
    Some(metadata_value(root, entry, key)?.span())
}

/// The value of `key` in the `entry`th `[[drafts.metadata]]` table of the parsed file.
fn metadata_value<'t, 'i>(
    root: &'t toml::de::DeTable<'i>,
    entry: usize,
    key: &str,
) -> Option<&'t Spanned<toml::de::DeValue<'i>>> {
    use toml::de::DeValue;
    let DeValue::Table(drafts) = root.get("drafts")?.get_ref() else {
        return None;
    };
    let DeValue::Array(entries) = drafts.get("metadata")?.get_ref() else {
        return None;
    };
    let DeValue::Table(table) = entries.get(entry)?.get_ref() else {
        return None;
    };
    table.get(key)
}

/// A string of the file with where it is written.
fn spanned(value: Spanned<String>) -> (String, std::ops::Range<usize>) {
    let span = value.span();
    (value.into_inner(), span)
}

/// The globs of a list as Decorum matches them ([`matched_glob`]), or every one that
/// cannot be used, with its place, message and help.
fn checked_globs(
    globs: impl IntoIterator<Item = (String, std::ops::Range<usize>)>,
) -> Result<Vec<String>, Vec<Found>> {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (pattern, span) in globs {
        match matched_glob(&pattern) {
            Ok(glob) => ok.push(glob),
            Err((message, help)) => bad.push((span, message, Some(help))),
        }
    }
    if bad.is_empty() { Ok(ok) } else { Err(bad) }
}

/// What the globs of decorum.toml are matched from, in messages.
const CONFIG_FOLDER: &str = "the folder of decorum.toml";

/// A glob of decorum.toml as it is matched against paths relative to the folder of
/// decorum.toml ([`relative_glob`]), or its message and what to write instead.
fn matched_glob(written: &str) -> Result<String, (String, String)> {
    relative_glob(written, CONFIG_FOLDER).map_err(|err| (err.message, err.help))
}

/// Why a glob cannot be used, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    /// What is wrong, quoting the glob as written (in double quotes, with `\` and `"`
    /// escaped, so a log can hide the quoted part whole).
    pub message: String,
    /// What to write instead.
    pub help: String,
}

/// A glob as it is matched against paths relative to a folder, `base` in messages
/// (such as "the folder of decorum.toml"): the one rule for `[drafts]` globs in
/// decorum.toml and the globs of the language server's settings. A leading `./` is that
/// folder, so `./posts/**` is `posts/**`. A glob that would match nothing because of how
/// it is written (starting with `/`, with a `..` segment, or empty) or that does not
/// compile is an error, with what to write instead.
pub fn relative_glob(written: &str, base: &str) -> Result<String, GlobError> {
    let error = |message: String, help: String| Err(GlobError { message, help });
    let shown = quoted(written);
    let mut pattern = written;
    while let Some(rest) = pattern.strip_prefix("./") {
        pattern = rest.trim_start_matches('/');
    }
    // A `.` segment further on is this folder too (`posts/./*.md` is `posts/*.md`): the
    // paths matched never hold one, so kept it would match nothing.
    let without_dots: String;
    if pattern.split('/').any(|segment| segment == ".") && !pattern.starts_with('/') {
        let kept: Vec<&str> = pattern.split('/').filter(|s| *s != ".").collect();
        without_dots = kept.join("/");
        pattern = &without_dots;
    }
    if pattern.starts_with('/') {
        let relative = pattern.trim_start_matches('/');
        let instead = if relative.is_empty() {
            "a path inside that folder, such as \"posts/**\"".to_owned()
        } else {
            quoted(relative)
        };
        return error(
            format!("glob {shown} starts with `/`, so it matches no draft"),
            format!(
                "globs are matched against paths relative to {base}, from its start: write {instead}"
            ),
        );
    }
    if pattern.is_empty() {
        let message = if written.is_empty() {
            "empty glob, which matches no draft".to_owned()
        } else {
            format!("glob {shown} is {base}, which is no draft")
        };
        return error(
            message,
            "write the drafts it is for, such as \"posts/**\" (every file below posts) or \"**/*.md\", or remove it".to_owned(),
        );
    }
    if pattern.split('/').any(|segment| segment == "..") {
        let instead = match without_parent_segments(pattern) {
            Some(resolved) => format!("write {}", quoted(&resolved)),
            None => "write a glob of drafts inside it, such as \"posts/**\"".to_owned(),
        };
        return error(
            format!("glob {shown} has a `..` segment, so it matches no draft"),
            format!(
                "globs are matched against paths inside {base}, which never hold `..`: {instead}"
            ),
        );
    }
    match glob(pattern) {
        Ok(_) => Ok(pattern.to_owned()),
        Err(message) => error(message, INVALID_GLOB_HELP.to_owned()),
    }
}

/// `pattern` with each `..` segment and the plain name before it taken out
/// (`posts/../x/**` is `x/**`), when every `..` follows such a name (not a wildcard,
/// and not going above the start) and something is left.
fn without_parent_segments(pattern: &str) -> Option<String> {
    let mut kept: Vec<&str> = Vec::new();
    for segment in pattern.split('/') {
        if segment == ".." {
            let name = kept.pop()?;
            if name.is_empty() || name == "." || name.contains(['*', '?', '[', '{', '\\']) {
                return None;
            }
        } else {
            kept.push(segment);
        }
    }
    let resolved = kept.join("/");
    (!resolved.is_empty()).then_some(resolved)
}

/// `text` in double quotes with `\` and `"` escaped, as TOML writes a string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Where each glob of the `files` of the `entry`th `[[drafts.metadata]]` table is
/// written: the one string, or each string of the list.
fn metadata_files_spans(
    root: &toml::de::DeTable<'_>,
    entry: usize,
) -> Option<Vec<std::ops::Range<usize>>> {
    let files = metadata_value(root, entry, "files")?;
    match files.get_ref() {
        toml::de::DeValue::Array(items) => Some(items.iter().map(|item| item.span()).collect()),
        _ => Some(vec![files.span()]),
    }
}

/// Why the `policies` entry `entry` reaches outside the workspace, by `..` or through a
/// symbolic link, or by an absolute path, with what to do; none for an entry inside it,
/// in a declared library's folder (the loader refuses those, with the import to write
/// instead), or written in a way the loader refuses itself (`std/...`, with a backslash).
fn policy_outside(entry: &str, config: &Config) -> Option<(String, String)> {
    let has_drive = entry.as_bytes().get(1) == Some(&b':');
    if entry.starts_with('/') || has_drive {
        return Some((
            format!("`{entry}` is an absolute path"),
            "write the path relative to decorum.toml: `policies` in decorum.toml lists policy files and folders inside the workspace".to_owned(),
        ));
    }
    if stdlib::is_std_path(entry) || entry.contains('\\') {
        return None;
    }
    // As written, against the folders as decorum.toml writes them; the loader compares
    // the entry joined to the canonical root with canonical folders, which differs only
    // when the root's or a library's own path goes through a symbolic link.
    let root = &config.root;
    let candidate = paths::normalize(&root.join(entry));
    let in_library = |path: &Path| config.libraries.values().any(|l| path.starts_with(l));
    let help = "`policies` in decorum.toml lists policy files and folders inside the workspace: copy the policy into it, or vendor it as a library under [libraries] and import it by name".to_owned();
    if !candidate.starts_with(root) {
        if in_library(&candidate) {
            return None;
        }
        return Some((
            format!(
                "`{entry}` points to a place outside the workspace (the folder of decorum.toml)"
            ),
            help,
        ));
    }
    // Once symbolic links are resolved, the loader's sandbox decides, for the folder or
    // the file the entry names.
    let sandbox = Sandbox::new(config);
    let mut file = candidate.as_os_str().to_owned();
    file.push(stdlib::EXTENSION);
    let leaves = [candidate.clone(), PathBuf::from(file)]
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .any(|real| !sandbox.allows(&real));
    leaves.then(|| {
        (
            format!(
                "`{entry}` leads through a symbolic link to a place outside the workspace (the folder of decorum.toml)"
            ),
            help,
        )
    })
}

/// Why `name` cannot be a library name, if it cannot: it is the first segment of an
/// import path, so it must not look like a path or the standard library.
fn library_name_problem(name: &str) -> Option<String> {
    let problem = if name.is_empty() {
        "it is empty".to_owned()
    } else if name.contains(['/', '\\']) {
        "it contains a path separator".to_owned()
    } else if name.starts_with('.') {
        "it starts with a dot".to_owned()
    } else if stdlib::is_std_path(name) {
        "`std` is the standard library".to_owned()
    } else if name.contains(char::is_whitespace) {
        "it contains a space".to_owned()
    } else if let Some(first) = (name.chars().next()).filter(|&c| !in_class(c, LIBRARY_NAME_FIRST))
    {
        format!("it starts with `{}`", first.escape_debug())
    } else if let Some(other) = name.chars().find(|&c| !is_library_name_char(c)) {
        format!("it contains `{}`", other.escape_debug())
    } else {
        return None;
    };
    Some(problem)
}

/// The one definition of a library name, from which both the check above and the
/// schema's pattern ([`library_name_pattern`]) are made: a character of
/// `LIBRARY_NAME_FIRST`, then any number of those and of `LIBRARY_NAME_MORE`, so that a
/// name is one word in an import, a file name and the lock on every platform. Each is a
/// list of inclusive ranges; a `-` of its own comes last, where a pattern's class reads
/// it as itself.
const LIBRARY_NAME_FIRST: &[(char, char)] = &[('A', 'Z'), ('a', 'z'), ('0', '9')];
const LIBRARY_NAME_MORE: &[(char, char)] = &[('_', '_'), ('-', '-')];

/// True when `c` is in one of the `ranges`.
fn in_class(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|&(low, high)| (low..=high).contains(&c))
}

/// The characters of a library name after the first.
fn is_library_name_char(c: char) -> bool {
    in_class(c, LIBRARY_NAME_FIRST) || in_class(c, LIBRARY_NAME_MORE)
}

/// The pattern of a library name in the JSON Schema, `^[A-Za-z0-9][A-Za-z0-9_-]*$`,
/// written from the same ranges as the check.
pub(crate) fn library_name_pattern() -> String {
    let class = |ranges: &[(char, char)]| -> String {
        (ranges.iter())
            .map(|&(low, high)| {
                if low == high {
                    low.to_string()
                } else {
                    format!("{low}-{high}")
                }
            })
            .collect()
    };
    let first = class(LIBRARY_NAME_FIRST);
    let more = class(LIBRARY_NAME_MORE);
    format!("^[{first}][{first}{more}]*$")
}

/// Turns a TOML value into metadata under `key`, flattening tables into dotted keys.
fn flatten_value(key: &str, value: toml::Value, out: &mut Metadata) {
    match value {
        toml::Value::Table(table) => {
            for (child, value) in table {
                flatten_value(&format!("{key}.{child}"), value, out);
            }
        }
        other => {
            out.insert(key, meta_value(other));
        }
    }
}

fn meta_value(value: toml::Value) -> MetaValue {
    match value {
        toml::Value::String(s) => MetaValue::Str(s),
        toml::Value::Integer(n) => MetaValue::Num(n as f64),
        toml::Value::Float(n) => MetaValue::Num(n),
        toml::Value::Boolean(b) => MetaValue::Bool(b),
        toml::Value::Datetime(d) => MetaValue::Str(d.to_string()),
        toml::Value::Array(items) => MetaValue::List(items.into_iter().map(meta_value).collect()),
        // A table inside an array has no dotted key to flatten to; keep its text.
        toml::Value::Table(table) => MetaValue::Str(toml::Value::Table(table).to_string()),
    }
}

/// Rewrites a toml/serde message in the configuration's own words.
fn describe_toml_error(message: &str, key_text: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let key = rest
            .split('`')
            .nth(1)
            .map_or_else(|| key_text.trim().to_owned(), str::to_owned);
        // serde lists what the table accepts after "expected", each name in backticks.
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        return unknown_key_message(&key, &expected);
    }
    // serde speaks of sequences and maps; TOML of arrays and tables. A table given as an
    // array reports its length, which means nothing to the reader.
    if message.starts_with("invalid length") {
        if let Some((_, expected)) = message.split_once("expected ") {
            let expected = expected.split(" with ").next().unwrap_or(expected);
            return (format!("invalid type: array, expected {expected}"), None);
        }
    }
    let readable = message
        .replace("a sequence", "an array")
        .replace("type: sequence", "type: array")
        .replace("a map", "a table")
        .replace("type: map", "type: table");
    (readable, None)
}

/// The message and help for `key`, unknown in a table that accepts `expected`.
fn unknown_key_message(key: &str, expected: &[&str]) -> (String, Option<String>) {
    if let Some(suggestion) = did_you_mean(key, expected.iter().copied()) {
        return (
            format!("unknown key \"{key}\" (did you mean \"{suggestion}\"?)"),
            None,
        );
    }
    let help = misplaced_key_help(key).or_else(|| {
        (!expected.is_empty()).then(|| format!("known keys here: {}", expected.join(", ")))
    });
    (format!("unknown key \"{key}\""), help)
}

/// Help for a key written in the wrong table.
fn misplaced_key_help(key: &str) -> Option<String> {
    let table = match key {
        "policies" => "the top level (before any [table])",
        "include" | "exclude" | "metadata" => "[drafts]",
        "fail-on" => "[check]",
        "files" => "[[drafts.metadata]]",
        _ => return None,
    };
    Some(format!("`{key}` belongs in {table}"))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    policies: Option<Spanned<Vec<Spanned<String>>>>,
    drafts: Option<RawDrafts>,
    libraries: Option<BTreeMap<Spanned<String>, RawLibrary>>,
    check: Option<RawCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [drafts] table")]
struct RawDrafts {
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    metadata: Option<Vec<RawMetadataRule>>,
}

#[derive(Deserialize)]
struct RawMetadataRule {
    files: Spanned<OneOrMany>,
    #[serde(flatten)]
    values: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
#[serde(untagged, expecting = "`files` must be a glob or an array of globs")]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { path = \"vendor/name\" }"
)]
struct RawLibrary {
    path: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [check] table"
)]
struct RawCheck {
    fail_on: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests;
