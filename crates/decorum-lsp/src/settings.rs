//! Editor settings: from `initializationOptions` and from `workspace/configuration`
//! (section `decorum`), documented in docs/lsp.md.
//!
//! ```json
//! {
//!   "enable": true,
//!   "minimumSeverity": "hint",
//!   "drafts": { "languageIds": ["markdown", "plaintext"], "globs": ["posts/**/*.html"] }
//! }
//! ```
//!
//! The object may also be wrapped as `{ "decorum": { ... } }`; `null` and an empty array
//! (how Neovim encodes an empty Lua table) mean no settings. Settings come from people
//! typing JSON into an editor, so reading is lenient: unknown keys are ignored, and a
//! value of the wrong type keeps the default and produces a warning for the log and the
//! user (which names the key, never a document).

use decorum_syntax::Severity;
use decorum_workspace::config::{GlobError, Globs, relative_glob};
use serde_json::Value;

/// The language ids that are drafts when settings do not say otherwise.
pub const DEFAULT_LANGUAGE_IDS: &[&str] = &["markdown", "plaintext"];

/// What the writer configured.
#[derive(Debug, Clone)]
pub struct Settings {
    /// False switches draft diagnostics off (policy files are still checked).
    pub enable: bool,
    /// Findings below this severity are not shown.
    pub minimum_severity: Severity,
    /// Documents with these language ids are drafts.
    pub language_ids: Vec<String>,
    /// Files matching these globs are drafts too, whatever their language id.
    pub globs: Vec<String>,
    /// `globs`, compiled.
    pub glob_set: Globs,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enable: true,
            minimum_severity: Severity::Hint,
            language_ids: DEFAULT_LANGUAGE_IDS.iter().map(|s| s.to_string()).collect(),
            globs: Vec::new(),
            glob_set: Globs::default(),
        }
    }
}

impl PartialEq for Settings {
    fn eq(&self, other: &Settings) -> bool {
        self.enable == other.enable
            && self.minimum_severity == other.minimum_severity
            && self.language_ids == other.language_ids
            && self.globs == other.globs
    }
}

impl Settings {
    /// Reads settings from a JSON value, starting from the defaults. Returns the settings
    /// and a warning per value that could not be used.
    pub fn from_json(value: Option<&Value>) -> (Settings, Vec<String>) {
        let mut settings = Settings::default();
        let mut warnings = Vec::new();
        let Some(value) = value else {
            return (settings, warnings);
        };
        let value = value.get("decorum").unwrap_or(value);
        let Some(object) = value.as_object() else {
            // Neovim sends an empty Lua table (`{}` in a configuration) as `[]`.
            let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
            if !empty {
                warnings.push("settings: expected an object".to_owned());
            }
            return (settings, warnings);
        };
        if let Some(enable) = object.get("enable") {
            match enable.as_bool() {
                Some(b) => settings.enable = b,
                None => warnings.push("settings: `enable` must be true or false".to_owned()),
            }
        }
        if let Some(min) = object.get("minimumSeverity") {
            match min.as_str().and_then(severity_named) {
                Some(s) => settings.minimum_severity = s,
                None => warnings.push(
                    "settings: `minimumSeverity` must be \"error\", \"warning\", \"info\" or \"hint\""
                        .to_owned(),
                ),
            }
        }
        if let Some(drafts) = object.get("drafts") {
            if let Some(ids) = drafts.get("languageIds") {
                match string_list(ids) {
                    Some(ids) => settings.language_ids = ids,
                    None => warnings.push(
                        "settings: `drafts.languageIds` must be a list of strings".to_owned(),
                    ),
                }
            }
            if let Some(globs) = drafts.get("globs") {
                match string_list(globs) {
                    Some(globs) => match compile_globs(&globs) {
                        Ok((globs, set)) => {
                            settings.globs = globs;
                            settings.glob_set = set;
                        }
                        Err(found) => warnings.extend(found),
                    },
                    None => warnings
                        .push("settings: `drafts.globs` must be a list of strings".to_owned()),
                }
            }
        }
        (settings, warnings)
    }

    /// True when a finding of `severity` is shown.
    pub fn shows(&self, severity: Severity) -> bool {
        self.enable && severity >= self.minimum_severity
    }
}

fn severity_named(name: &str) -> Option<Severity> {
    match name.to_ascii_lowercase().as_str() {
        "error" => Some(Severity::Error),
        "warning" | "warn" => Some(Severity::Warning),
        "info" | "information" => Some(Severity::Info),
        "hint" => Some(Severity::Hint),
        _ => None,
    }
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// What the globs of `drafts.globs` are matched from, in messages.
const GLOBS_FOLDER: &str =
    "the folder of the decorum.toml that applies (else the workspace folder)";

/// Reads globs by the rule of `decorum.toml` ([`relative_glob`]: a leading `./` is the
/// folder they start at; a glob starting with `/`, with a `..` segment or empty is
/// refused; a letter matches in the case written) and compiles them: the globs as
/// matched and their set, or a warning per glob that cannot be used. The default is no
/// glob: drafts by language id, and by `[drafts] include`, whose default takes `.md`,
/// `.markdown` and `.txt` in any letter case.
fn compile_globs(written: &[String]) -> Result<(Vec<String>, Globs), Vec<String>> {
    let mut globs = Vec::new();
    let mut warnings = Vec::new();
    for glob in written {
        match relative_glob(glob, GLOBS_FOLDER) {
            Ok(glob) => globs.push(glob),
            Err(GlobError { message, help }) => {
                warnings.push(format!("settings: `drafts.globs`: {message} ({help})"));
            }
        }
    }
    if !warnings.is_empty() {
        return Err(warnings);
    }
    let set = decorum_workspace::config::glob_set(&globs)
        .map_err(|message| vec![format!("settings: `drafts.globs`: {message}")])?;
    Ok((globs, set))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn defaults_without_options() {
        let (settings, warnings) = Settings::from_json(None);
        assert_eq!(settings, Settings::default());
        assert!(settings.enable);
        assert_eq!(settings.language_ids, ["markdown", "plaintext"]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn reads_bare_and_wrapped_objects() {
        let bare = json!({
            "enable": false,
            "minimumSeverity": "warning",
            "drafts": { "languageIds": ["markdown"], "globs": ["posts/**/*.html"] }
        });
        let (settings, warnings) = Settings::from_json(Some(&bare));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(!settings.enable);
        assert_eq!(settings.minimum_severity, Severity::Warning);
        assert_eq!(settings.language_ids, ["markdown"]);
        assert!(settings.glob_set.is_match("posts/2024/flu.html"));
        assert!(!settings.glob_set.is_match("flu.html"));

        let wrapped = json!({ "decorum": { "minimumSeverity": "error" } });
        let (settings, _) = Settings::from_json(Some(&wrapped));
        assert_eq!(settings.minimum_severity, Severity::Error);
        assert!(!settings.shows(Severity::Warning));
        assert!(settings.shows(Severity::Error));
    }

    #[test]
    fn wrong_values_keep_defaults_and_warn() {
        let bad = json!({
            "enable": "yes",
            "minimumSeverity": "loud",
            "drafts": { "languageIds": "markdown", "globs": ["[unclosed"] },
            "unknownKey": 1
        });
        let (settings, warnings) = Settings::from_json(Some(&bad));
        assert_eq!(settings, Settings::default());
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[3].contains("[unclosed"), "{warnings:?}");
    }

    #[test]
    fn globs_follow_the_rule_of_decorum_toml() {
        // A leading `./` is the folder the globs start at, as in decorum.toml.
        let dotted = json!({ "drafts": { "globs": ["./posts/**/*.html", ".//notes/*.txt"] } });
        let (settings, warnings) = Settings::from_json(Some(&dotted));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(settings.globs, ["posts/**/*.html", "notes/*.txt"]);
        assert!(settings.glob_set.is_match("posts/2024/flu.html"));
        assert!(settings.glob_set.is_match("notes/a.txt"));

        // A glob that can match nothing by how it is written is refused, each with a
        // warning that says what to write; the defaults stay.
        let bad = json!({ "drafts": { "globs": ["/posts/**", "ok/**", "../shared/*.md", ""] } });
        let (settings, warnings) = Settings::from_json(Some(&bad));
        assert_eq!(settings, Settings::default());
        let base = "the folder of the decorum.toml that applies (else the workspace folder)";
        assert_eq!(
            warnings,
            [
                format!(
                    "settings: `drafts.globs`: glob \"/posts/**\" starts with `/`, so it matches no draft (globs are matched against paths relative to {base}, from its start: write \"posts/**\")"
                ),
                format!(
                    "settings: `drafts.globs`: glob \"../shared/*.md\" has a `..` segment, so it matches no draft (globs are matched against paths inside {base}, which never hold `..`: write a glob of drafts inside it, such as \"posts/**\")"
                ),
                "settings: `drafts.globs`: empty glob, which matches no draft (write the drafts it is for, such as \"posts/**\" (every file below posts) or \"**/*.md\", or remove it)".to_owned(),
            ]
        );
    }

    #[test]
    fn null_means_defaults() {
        let (settings, warnings) = Settings::from_json(Some(&Value::Null));
        assert_eq!(settings, Settings::default());
        assert!(warnings.is_empty());
    }

    #[test]
    fn an_empty_array_means_defaults_and_other_non_objects_warn() {
        for empty in [json!([]), json!({ "decorum": [] })] {
            let (settings, warnings) = Settings::from_json(Some(&empty));
            assert_eq!(settings, Settings::default(), "{empty}");
            assert!(warnings.is_empty(), "{empty}: {warnings:?}");
        }
        for wrong in [json!([{ "enable": false }]), json!("off"), json!(3)] {
            let (settings, warnings) = Settings::from_json(Some(&wrong));
            assert_eq!(settings, Settings::default(), "{wrong}");
            assert_eq!(warnings, ["settings: expected an object"], "{wrong}");
        }
    }
}
