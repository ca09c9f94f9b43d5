//! The documentation is tested against the real `decorum` binary:
//!
//! - every ```decorum block of docs/language.md is a complete policy file whose examples
//!   pass under `decorum test`;
//! - the JSON and SARIF examples of docs/output.md are what `decorum check` really prints
//!   for the draft shown there, and match their schemas;
//! - every field of docs/schema/check-output.schema.json is documented in docs/output.md.
//!
//! Builds as a test target of decorum-cli (see its Cargo.toml) for `CARGO_BIN_EXE_decorum`.

// Test code: a panic is how a test reports a failure, also in helpers outside `#[test]`.
#![allow(clippy::unwrap_used)]

#[path = "cli/support.rs"]
mod support;

use serde_json::Value;

use support::{Workspace, assert_valid, repo_root};

fn read_doc(rel: &str) -> String {
    let path = repo_root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fenced code block of a Markdown file.
#[derive(Debug)]
struct Block {
    /// The info string after the opening fence (`decorum`, `json`, ...).
    info: String,
    /// The nearest heading above the block.
    heading: String,
    /// The line of the opening fence, 1-based.
    line: usize,
    /// The lines between the fences, each ending in `\n`.
    text: String,
    /// The HTML comment on the last non-blank line before the fence, if any
    /// (`<!-- example: json -->` marks blocks the tests compare with real output).
    marker: Option<String>,
}

/// The fenced blocks of `markdown` (``` fences only, as the docs use).
fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut heading = String::new();
    let mut last_comment: Option<String> = None;
    let mut open: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        if let Some(block) = open.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.extend(open.take());
            } else {
                block.text.push_str(line);
                block.text.push('\n');
            }
            continue;
        }
        if let Some(info) = line.strip_prefix("```") {
            open = Some(Block {
                info: info.trim().to_string(),
                heading: heading.clone(),
                line: i + 1,
                text: String::new(),
                marker: last_comment.take(),
            });
        } else if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_string();
            last_comment = None;
        } else if let Some(comment) = line
            .trim()
            .strip_prefix("<!--")
            .and_then(|c| c.strip_suffix("-->"))
        {
            last_comment = Some(comment.trim().to_string());
        } else if !line.trim().is_empty() {
            last_comment = None;
        }
    }
    assert!(open.is_none(), "an unclosed code fence");
    blocks
}

/// Blocks of docs/language.md that disagree with the engine today, by heading, with
/// the start of what `decorum test` prints for them. Each entry is a known, reported
/// discrepancy: the test fails if the block starts to pass (remove the entry) or fails
/// differently. Keep this list empty when you can.
const KNOWN_DISCREPANCIES: &[(&str, &str)] = &[];

#[test]
fn every_decorum_block_of_the_language_doc_compiles_and_its_examples_pass() {
    let doc = read_doc("docs/language.md");
    let blocks: Vec<Block> = fenced_blocks(&doc)
        .into_iter()
        .filter(|b| b.info == "decorum")
        .collect();
    assert!(
        blocks.len() >= 12,
        "docs/language.md has only {} decorum blocks; the extraction is broken",
        blocks.len()
    );
    let ws = Workspace::new();
    let mut failures = Vec::new();
    let mut seen_known = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let file = format!("block-{:02}-line-{}.decorum", i + 1, block.line);
        ws.file(&file, &block.text);
        let out = ws.test(&[&file]).output();
        let passed = out.code == 0
            && out.stderr.is_empty()
            && out.stdout.lines().last().is_some_and(|last| {
                last.strip_prefix("decorum test: ")
                    .and_then(|r| {
                        (r.strip_suffix(" examples passed")).or(r.strip_suffix(" example passed"))
                    })
                    .and_then(|r| r.split_once(" of "))
                    .is_some_and(|(passed, total)| passed == total && total != "0")
            });
        let known = KNOWN_DISCREPANCIES
            .iter()
            .find(|(heading, _)| *heading == block.heading);
        match (passed, known) {
            (true, None) => {}
            (true, Some(_)) => failures.push(format!(
                "docs/language.md:{} (## {}) passes now: remove it from KNOWN_DISCREPANCIES",
                block.line, block.heading
            )),
            (false, Some((heading, expected))) => {
                let shown = format!("{}{}", out.stderr, out.stdout);
                if shown.starts_with(expected) && out.code != 0 {
                    seen_known.push(*heading);
                } else {
                    failures.push(format!(
                        "docs/language.md:{} (## {}) fails differently than recorded:\n{}",
                        block.line,
                        block.heading,
                        out.render()
                    ));
                }
            }
            (false, None) => failures.push(format!(
                "docs/language.md:{} (## {}) does not pass `decorum test`:\n{}",
                block.line,
                block.heading,
                out.render()
            )),
        }
    }
    for (heading, _) in KNOWN_DISCREPANCIES {
        if !seen_known.contains(heading) && !failures.iter().any(|f| f.contains(heading)) {
            failures.push(format!(
                "no decorum block under the heading `{heading}` any more"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Replaces the lines of the fenced block after the line `<!-- marker -->` of a doc.
fn rewrite_marked_block(rel: &str, marker: &str, body: &str) {
    let path = repo_root().join(rel);
    let doc = read_doc(rel);
    let lines: Vec<&str> = doc.lines().collect();
    let comment = format!("<!-- {marker} -->");
    let at = lines
        .iter()
        .position(|l| l.trim() == comment)
        .unwrap_or_else(|| panic!("{rel}: no line `{comment}`"));
    let open = at
        + 1
        + lines[at + 1..]
            .iter()
            .position(|l| l.starts_with("```"))
            .expect("a fence after the marker");
    let close = open
        + 1
        + lines[open + 1..]
            .iter()
            .position(|l| l.starts_with("```"))
            .expect("a closing fence");
    let mut out: Vec<String> = lines[..=open].iter().map(|l| l.to_string()).collect();
    out.extend(body.lines().map(str::to_owned));
    out.extend(lines[close..].iter().map(|l| l.to_string()));
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
}

/// The example of docs/output.md: the draft, and the blocks marked `example: json` and
/// `example: sarif`.
struct OutputExample {
    path: String,
    draft: String,
    json: Value,
    sarif: Value,
}

fn output_example() -> OutputExample {
    let doc = read_doc("docs/output.md");
    let blocks = fenced_blocks(&doc);
    let marked = |prefix: &str| -> Vec<&Block> {
        blocks
            .iter()
            .filter(|b| b.marker.as_deref().is_some_and(|m| m.starts_with(prefix)))
            .collect()
    };
    let drafts = marked("example: draft ");
    assert_eq!(
        drafts.len(),
        1,
        "one block marked `<!-- example: draft PATH -->`"
    );
    let path = drafts[0]
        .marker
        .as_deref()
        .and_then(|m| m.strip_prefix("example: draft "))
        .expect("a path")
        .trim()
        .to_string();
    let parse = |prefix: &str| -> Value {
        let found = marked(prefix);
        assert_eq!(found.len(), 1, "one block marked `<!-- {prefix} -->`");
        serde_json::from_str(&found[0].text).unwrap_or_else(|e| {
            panic!(
                "docs/output.md:{}: the {prefix} block is not JSON: {e}",
                found[0].line
            )
        })
    };
    OutputExample {
        path,
        draft: drafts[0].text.clone(),
        json: parse("example: json"),
        sarif: parse("example: sarif"),
    }
}

/// Compares a documented document with the real one, except at `versions` (JSON
/// pointers to the tool's version): the doc shows a real version number but need not be
/// updated with every release. With `UPDATE_EXPECT=1` in the environment a difference
/// rewrites the block marked `<!-- marker -->` in docs/output.md instead of failing.
fn assert_same_output(
    what: &str,
    marker: &str,
    documented: &Value,
    mut real: Value,
    versions: &[&str],
) {
    for pointer in versions {
        let documented_version = documented.pointer(pointer).unwrap_or(&Value::Null);
        assert!(
            documented_version
                .as_str()
                .is_some_and(|v| v.split('.').count() == 3),
            "the documented {pointer} is a version number: {documented_version}"
        );
        let slot = real
            .pointer_mut(pointer)
            .expect("the real output has a version");
        assert_eq!(slot.as_str(), Some(env!("CARGO_PKG_VERSION")));
        *slot = documented_version.clone();
    }
    if *documented != real && std::env::var_os("UPDATE_EXPECT").is_some() {
        let pretty = serde_json::to_string_pretty(&real).unwrap_or_default();
        rewrite_marked_block("docs/output.md", marker, &pretty);
        return;
    }
    assert!(
        *documented == real,
        "the {what} example in docs/output.md is not what `decorum check` prints (UPDATE_EXPECT=1 rewrites it); replace it with:\n{}",
        serde_json::to_string_pretty(&real).unwrap_or_default()
    );
}

#[test]
fn the_json_example_of_the_output_doc_is_real_output_and_matches_the_schema() {
    let example = output_example();
    assert_valid(
        support::check_output_schema(),
        &example.json,
        "the JSON example of docs/output.md",
    );
    let ws = Workspace::new();
    ws.file(&example.path, &example.draft);
    let (out, real) = ws.check_json(&[&example.path]);
    assert_eq!(
        out.code,
        1,
        "the example has an error finding: {}",
        out.render()
    );
    assert_same_output(
        "JSON",
        "example: json",
        &example.json,
        real,
        &["/tool/version"],
    );
}

#[test]
fn the_sarif_example_of_the_output_doc_is_real_output_and_valid_sarif() {
    let example = output_example();
    let ws = Workspace::new();
    ws.file(&example.path, &example.draft);
    assert_valid(
        support::sarif_schema(),
        &example.sarif,
        "the SARIF example of docs/output.md",
    );
    support::assert_sarif_semantics(&example.sarif, &ws.path(""));
    let (_, real) = ws.check_sarif(&[&example.path]);
    assert_same_output(
        "SARIF",
        "example: sarif",
        &example.sarif,
        real,
        &[
            "/runs/0/tool/driver/version",
            "/runs/0/tool/driver/semanticVersion",
        ],
    );
}

/// Every property name that appears in the schema.
fn schema_properties(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            for value in map.values() {
                schema_properties(value, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                schema_properties(item, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_of_the_json_schema_is_documented() {
    let schema: Value = serde_json::from_str(&read_doc("docs/schema/check-output.schema.json"))
        .expect("the schema is JSON");
    let doc = read_doc("docs/output.md");
    let mut fields = Vec::new();
    schema_properties(&schema, &mut fields);
    fields.sort();
    fields.dedup();
    assert!(fields.len() > 30, "the schema walk found only {fields:?}");
    let missing: Vec<&String> = fields
        .iter()
        .filter(|f| !doc.contains(&format!("`{f}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/output.md does not mention these fields of the JSON output: {missing:?}"
    );
}

/// The JSON Schema of decorum.toml is generated from the parser's constants; the
/// committed copy must match (`UPDATE_EXPECT=1` rewrites it), and every configuration
/// in the repository, plus the one `decorum init` writes, must satisfy it.
#[test]
fn decorum_toml_schema_is_current_and_the_repository_configs_satisfy_it() {
    let path = repo_root().join("docs/schema/decorum-toml.schema.json");
    let generated = decorum_workspace::config::json_schema();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &generated).unwrap();
        } else {
            panic!("docs/schema/decorum-toml.schema.json is stale: run with UPDATE_EXPECT=1");
        }
    }
    let schema: serde_json::Value = serde_json::from_str(&generated).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_decorum"))
        .args(["init", "--name", "schema-check"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(status.status.success());
    let mut configs = vec![
        dir.path().join("decorum.toml"),
        repo_root().join("examples/dental-practice/decorum.toml"),
    ];
    configs.retain(|p| p.exists());
    assert_eq!(configs.len(), 2);
    for config in configs {
        let text = std::fs::read_to_string(&config).unwrap();
        let value: toml::Value = toml::from_str(&text).unwrap();
        let json = serde_json::to_value(&value).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", config.display());
        decorum_workspace::load_config(&config).unwrap();
    }
    // And the schema rejects what the parser rejects.
    let bad: toml::Value =
        toml::from_str("polices = [\"x\"]\n[check]\nfail-on = \"loud\"\n").unwrap();
    assert!(!validator.is_valid(&serde_json::to_value(&bad).unwrap()));
}
