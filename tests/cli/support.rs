//! Helpers for the black-box tests: a throw-away workspace on disk, a way to run the real
//! `decorum` binary in it, and checks of its JSON and SARIF output against their schemas.
//!
//! Every run passes through [`Outcome::render`], which prints the exit code, standard
//! output and standard error with the workspace's path replaced by `[WS]`, so snapshots do
//! not depend on where the temporary folder lives.

// Shared by the `cli` and `docs` test targets; each uses only part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

/// The repository's root (this package lives in `crates/decorum-cli`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads a file of `tests/fixtures/`.
pub fn fixture(rel: &str) -> String {
    let path = repo_root().join("tests/fixtures").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A temporary folder with drafts, policies and perhaps a decorum.toml.
pub struct Workspace {
    /// Deletes the folder when dropped.
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl Workspace {
    /// An empty workspace. Panics when an ancestor folder has a decorum.toml, because
    /// `decorum` would find it and every test would silently use it.
    pub fn new() -> Workspace {
        let dir = tempfile::Builder::new()
            .prefix("decorum-cli-test-")
            .tempdir()
            .expect("create a temporary folder");
        let root = dir.path().canonicalize().expect("canonical temp path");
        for ancestor in root.ancestors().skip(1) {
            assert!(
                !ancestor.join("decorum.toml").exists(),
                "{} has a decorum.toml: the tests need temporary folders without one above them",
                ancestor.display()
            );
        }
        Workspace { dir, root }
    }

    /// The absolute path of `rel` inside the workspace.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes a file (text or bytes), creating its folders.
    pub fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Workspace {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, contents).expect("write file");
        self
    }

    /// Copies `tests/fixtures/<fixture_rel>` to `rel`.
    pub fn fixture(&self, fixture_rel: &str, rel: &str) -> &Workspace {
        self.file(rel, fixture(fixture_rel))
    }

    /// Creates an empty folder.
    pub fn folder(&self, rel: &str) -> &Workspace {
        std::fs::create_dir_all(self.path(rel)).expect("create folder");
        self
    }

    /// `decorum ARGS` in the workspace's root.
    pub fn run(&self, args: &[&str]) -> Run<'_> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_decorum"));
        command
            .args(args)
            .current_dir(&self.root)
            // Colour is also switched off with `--color never` where a command has it;
            // `explain` has no such flag.
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("RUST_BACKTRACE");
        Run {
            workspace: self,
            command,
            stdin: None,
            stdout: StdoutTo::Pipe,
        }
    }

    /// `decorum check --color never ARGS`.
    pub fn check(&self, args: &[&str]) -> Run<'_> {
        let mut all = vec!["check", "--color", "never"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `decorum check --format json ARGS`, validated against the JSON Schema and against
    /// the drafts on disk (see [`assert_json_output`]).
    pub fn check_json(&self, args: &[&str]) -> (Outcome, Value) {
        self.check_json_in("", args)
    }

    /// Like [`Workspace::check_json`], run from the subfolder `dir`.
    pub fn check_json_in(&self, dir: &str, args: &[&str]) -> (Outcome, Value) {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let outcome = self.check(&all).in_dir(dir).output();
        let json = assert_json_output(&outcome, &self.path(dir));
        (outcome, json)
    }

    /// `decorum check --format sarif ARGS`, validated against the SARIF 2.1.0 schema and
    /// the rules of the specification that a schema cannot express.
    pub fn check_sarif(&self, args: &[&str]) -> (Outcome, Value) {
        let mut all = vec!["--format", "sarif"];
        all.extend_from_slice(args);
        let outcome = self.check(&all).output();
        let sarif = assert_sarif_output(&outcome, &self.root);
        (outcome, sarif)
    }

    /// `decorum test --color never ARGS`.
    pub fn test(&self, args: &[&str]) -> Run<'_> {
        let mut all = vec!["test", "--color", "never"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    fn normalise(&self, text: &str) -> String {
        let mut text = text.replace(&self.root.display().to_string(), "[WS]");
        // The folder as given, when the platform's temp folder is behind a symlink.
        text = text.replace(&self.dir.path().display().to_string(), "[WS]");
        text
    }
}

/// A prepared run of the binary.
pub struct Run<'w> {
    workspace: &'w Workspace,
    command: Command,
    stdin: Option<Vec<u8>>,
    stdout: StdoutTo,
}

/// Where a run's standard output goes.
enum StdoutTo {
    /// A pipe the test reads ([`Outcome::stdout`]).
    Pipe,
    /// A pipe whose reading end the test closes as soon as the binary starts, like
    /// `decorum check | head -0`.
    ClosedPipe,
    /// A file (`/dev/full`, say).
    File(std::fs::File),
}

impl Run<'_> {
    /// Runs from the subfolder `rel` of the workspace instead of its root.
    pub fn in_dir(mut self, rel: &str) -> Self {
        self.command.current_dir(self.workspace.path(rel));
        self
    }

    /// Sets an environment variable of the run.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Feeds `bytes` to standard input (otherwise standard input is empty).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// Sends standard output to `file` instead of the test ([`Outcome::stdout`] is empty).
    pub fn stdout_to(mut self, file: std::fs::File) -> Self {
        self.stdout = StdoutTo::File(file);
        self
    }

    /// Sends standard output to a pipe that nobody reads: its reading end is closed as
    /// soon as the binary starts, so its writes fail with a broken pipe.
    pub fn stdout_closed(mut self) -> Self {
        self.stdout = StdoutTo::ClosedPipe;
        self
    }

    /// Runs the binary to completion.
    pub fn output(mut self) -> Outcome {
        let stdout = match self.stdout {
            StdoutTo::Pipe | StdoutTo::ClosedPipe => Stdio::piped(),
            StdoutTo::File(ref file) => Stdio::from(file.try_clone().expect("reopen stdout file")),
        };
        self.command
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("run decorum");
        if matches!(self.stdout, StdoutTo::ClosedPipe) {
            drop(child.stdout.take());
        }
        {
            let mut stdin = child.stdin.take().expect("stdin");
            if let Some(bytes) = &self.stdin {
                stdin.write_all(bytes).expect("write stdin");
            }
        }
        let out = child.wait_with_output().expect("wait for decorum");
        let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
        Outcome {
            code: out
                .status
                .code()
                .expect("decorum exited normally, not by a signal"),
            stdout: self.workspace.normalise(&stdout),
            stderr: self.workspace.normalise(&stderr),
        }
    }
}

/// What a run did.
#[derive(Debug)]
pub struct Outcome {
    /// The exit code.
    pub code: i32,
    /// Standard output, normalised.
    pub stdout: String,
    /// Standard error, normalised.
    pub stderr: String,
}

impl Outcome {
    /// The whole outcome as text for a snapshot.
    pub fn render(&self) -> String {
        let mut out = format!("exit: {}\n", self.code);
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if text.is_empty() {
                out.push_str(&format!("--- {name}: (empty)\n"));
            } else {
                out.push_str(&format!("--- {name}\n{text}"));
                if !text.ends_with('\n') {
                    out.push_str("\n[no final newline]\n");
                }
            }
        }
        out
    }

    /// Asserts that neither stream contains `secret`, a piece of a draft that must stay in
    /// the draft.
    pub fn assert_stderr_free_of(&self, secret: &str) {
        assert!(
            !self.stderr.contains(secret),
            "standard error quotes the draft ({secret:?}):\n{}",
            self.stderr
        );
    }
}

fn load_schema(rel: &str) -> Value {
    let path = repo_root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator(rel: &str) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&load_schema(rel))
        .unwrap_or_else(|e| panic!("{rel} is not a valid JSON Schema: {e}"))
}

/// The schema of `decorum check --format json`.
pub fn check_output_schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| validator("docs/schema/check-output.schema.json"))
}

/// The official SARIF 2.1.0 schema (OASIS, errata 01), vendored.
pub fn sarif_schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| validator("docs/schema/sarif-schema-2.1.0.json"))
}

/// Panics with every violation of `schema` in `value`.
pub fn assert_valid(schema: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = schema
        .iter_errors(value)
        .map(|e| format!("  at {}: {e}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Where `offset` sits in `text` as the JSON output counts it: 1-based line, 1-based
/// column in Unicode scalar values, not counting a byte-order mark.
pub fn expected_position(text: &str, offset: usize) -> (u64, u64) {
    assert!(
        text.is_char_boundary(offset),
        "offset {offset} is inside a character"
    );
    // Lines end at `\n`, `\r\n` or a lone `\r`: `\r\n` counts as one `\n`.
    let unified = text.replace("\r\n", " \n").replace('\r', "\n");
    let before = &unified[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut column = text[line_start..offset].chars().count() + 1;
    if line_start == 0 && text.starts_with('\u{FEFF}') && offset > 0 {
        column -= 1;
    }
    (line as u64, column as u64)
}

/// Parses the JSON output of a run, validates it against the schema, and checks every
/// position against the draft on disk (relative to `cwd`): line and column must be what
/// the byte offset says, `start <= end`, and the offsets fall on character boundaries.
pub fn assert_json_output(outcome: &Outcome, cwd: &Path) -> Value {
    let json: Value = serde_json::from_str(&outcome.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            outcome.stdout, outcome.stderr
        )
    });
    assert_valid(check_output_schema(), &json, "the JSON output");
    let check = |file: &str, start: &Value, end: &Value| {
        if file == "<stdin>" {
            return;
        }
        let text = std::fs::read_to_string(cwd.join(file))
            .unwrap_or_else(|e| panic!("{file} named in the output: {e}"));
        for at in [start, end] {
            let offset = at["offset"].as_u64().expect("offset") as usize;
            let (line, column) = expected_position(&text, offset);
            assert_eq!(
                (at["line"].as_u64(), at["column"].as_u64()),
                (Some(line), Some(column)),
                "{file}: position {at} disagrees with its byte offset"
            );
        }
        assert!(
            start["offset"].as_u64() <= end["offset"].as_u64(),
            "{start} > {end}"
        );
    };
    for finding in json["findings"].as_array().expect("findings") {
        let file = finding["file"].as_str().expect("file");
        check(file, &finding["start"], &finding["end"]);
        for related in finding["related"].as_array().expect("related") {
            check(
                related["file"].as_str().expect("file"),
                &related["start"],
                &related["end"],
            );
        }
        for fix in finding["fixes"].as_array().expect("fixes") {
            for edit in fix["edits"].as_array().expect("edits") {
                check(file, &edit["start"], &edit["end"]);
            }
        }
    }
    json
}

/// SARIF's result levels.
const SARIF_LEVELS: &[&str] = &["error", "warning", "note", "none"];

/// Parses SARIF output and checks it: the official schema, and what the specification
/// requires beyond it (one run, `ruleIndex` naming the descriptor of `ruleId`, unique
/// rule ids, regions that agree with the drafts' bytes under `columnKind`
/// `unicodeCodePoints`, unique related-location ids).
pub fn assert_sarif_output(outcome: &Outcome, cwd: &Path) -> Value {
    let sarif: Value = serde_json::from_str(&outcome.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            outcome.stdout, outcome.stderr
        )
    });
    assert_valid(sarif_schema(), &sarif, "the SARIF output");
    assert_sarif_semantics(&sarif, cwd);
    sarif
}

/// The SARIF rules that the JSON schema cannot check.
pub fn assert_sarif_semantics(sarif: &Value, cwd: &Path) {
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run per invocation");
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "decorum");
    assert_eq!(
        run["columnKind"], "unicodeCodePoints",
        "columns are counted in Unicode scalar values"
    );
    let invocations = run["invocations"].as_array().expect("invocations");
    assert_eq!(invocations.len(), 1);
    assert!(invocations[0]["executionSuccessful"].is_boolean());

    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique: {ids:?}");
    for rule in rules {
        assert!(
            SARIF_LEVELS.contains(&rule["defaultConfiguration"]["level"].as_str().unwrap_or("")),
            "{rule}"
        );
    }

    let results = run["results"].as_array().expect("results");
    let mut used = vec![false; rules.len()];
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert!(index < rules.len(), "ruleIndex {index} out of range");
        assert_eq!(
            rules[index]["id"], id,
            "ruleIndex points at the rule's descriptor"
        );
        used[index] = true;
        assert!(
            SARIF_LEVELS.contains(&result["level"].as_str().expect("level")),
            "{result}"
        );
        assert!(
            !result["message"]["text"]
                .as_str()
                .expect("message")
                .is_empty()
        );
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "one primary location");
        assert_sarif_location(&locations[0]["physicalLocation"], cwd);
        if let Some(related) = result["relatedLocations"].as_array() {
            let mut seen = Vec::new();
            for location in related {
                let rid = location["id"].as_u64().expect("related id");
                assert!(!seen.contains(&rid), "related ids are unique in a result");
                seen.push(rid);
                assert_sarif_location(&location["physicalLocation"], cwd);
            }
        }
        for fix in result["fixes"].as_array().into_iter().flatten() {
            for change in fix["artifactChanges"].as_array().expect("artifactChanges") {
                for replacement in change["replacements"].as_array().expect("replacements") {
                    let located = serde_json::json!({
                        "artifactLocation": change["artifactLocation"],
                        "region": replacement["deletedRegion"],
                    });
                    assert_sarif_location(&located, cwd);
                }
            }
        }
    }
    assert!(
        used.iter().all(|u| *u),
        "every rule descriptor belongs to a result: {ids:?}"
    );
}

/// A physical location's region must describe the same text by lines/columns and by
/// bytes, in the file its URI names.
fn assert_sarif_location(physical: &Value, cwd: &Path) {
    let uri = physical["artifactLocation"]["uri"]
        .as_str()
        .expect("artifactLocation.uri");
    // A relative reference (RFC 3986, 4.2): a `:` before the first `/` would make the
    // start of the path a scheme.
    let first_segment = uri.split('/').next().unwrap_or_default();
    assert!(
        !first_segment.contains(':'),
        "{uri} reads as a URI with a scheme, not a path relative to the run's folder"
    );
    let region = &physical["region"];
    let start = region["startLine"].as_u64().expect("startLine");
    assert!(start >= 1);
    if uri == "%3Cstdin%3E" {
        return;
    }
    let text = std::fs::read_to_string(cwd.join(percent_decode(uri)))
        .unwrap_or_else(|e| panic!("{uri} named in SARIF: {e}"));
    let offset = region["byteOffset"].as_u64().expect("byteOffset") as usize;
    let length = region["byteLength"].as_u64().expect("byteLength") as usize;
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        {
            let (l, c) = expected_position(&text, offset);
            (Some(l), Some(c))
        },
        "{uri}: start of {region}"
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        {
            let (l, c) = expected_position(&text, offset + length);
            (Some(l), Some(c))
        },
        "{uri}: end of {region} (endColumn is exclusive)"
    );
}

fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 path")
}

/// The findings of a JSON report, one line each: `file:line:column rule: message`.
pub fn findings(json: &Value) -> String {
    let list = json["findings"].as_array().cloned().unwrap_or_default();
    list.iter()
        .map(|f| {
            format!(
                "{}:{}:{} {}: {}",
                f["file"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["start"]["column"],
                f["rule"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
