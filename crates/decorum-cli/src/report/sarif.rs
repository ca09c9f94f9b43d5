//! `--format sarif`: SARIF 2.1.0 for code-scanning tools.
//!
//! One run, one rule descriptor per rule that fired, one result per finding. Regions
//! carry 1-based lines and columns counted in Unicode code points (declared with
//! `columnKind`), plus byte offsets; fixes become `fixes` with replacements.

use std::collections::BTreeMap;

use decorum_engine::{Finding, PolicyInputs, PolicyProblem, ProblemLevel, Severity};
use decorum_text::{LineIndex, TextRange};
use serde_json::{Value, json};

use super::CheckedFile;
use crate::session::GeneralProblem;

/// The schema URI SARIF consumers expect.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Builds the SARIF log as one value: what [`write_document`] writes, for tests to
/// compare it with.
#[cfg(test)]
pub fn document(
    files: &[CheckedFile],
    inputs: &PolicyInputs,
    problems: &[PolicyProblem],
    general: &[GeneralProblem],
    input: &[GeneralProblem],
) -> Value {
    let (mut doc, index_of) = document_without_results(files, inputs, problems, general, input);
    let mut results = Vec::new();
    each_result(files, &index_of, |r| {
        results.push(r);
        Ok(())
    })
    .unwrap_or_default();
    doc["runs"][0]["results"] = Value::Array(results);
    doc
}

/// Writes the SARIF log to `out`, pretty-printed with a line break at the end, one result
/// at a time (see [`super::write_filled`]). Problems of the policies and the
/// configuration (`problems`, `general`) become configuration notifications; problems
/// with the drafts (`input`: skipped or missing files) become execution notifications.
pub fn write_document(
    out: &mut impl std::io::Write,
    files: &[CheckedFile],
    inputs: &PolicyInputs,
    problems: &[PolicyProblem],
    general: &[GeneralProblem],
    input: &[GeneralProblem],
) -> std::io::Result<()> {
    let (doc, index_of) = document_without_results(files, inputs, problems, general, input);
    // `results` is a key of the run, in the `runs` array of the log: three levels down.
    super::write_filled(out, &doc, "results", 3, |put| {
        each_result(files, &index_of, put)
    })
}

/// Calls `each` with every finding's result, in file order.
fn each_result(
    files: &[CheckedFile],
    index_of: &BTreeMap<&str, usize>,
    mut each: impl FnMut(Value) -> std::io::Result<()>,
) -> std::io::Result<()> {
    for file in files {
        for f in &file.report.findings {
            let rule_index = index_of.get(f.rule.id.as_str()).copied().unwrap_or(0);
            each(result(file, files, f, rule_index))?;
        }
    }
    Ok(())
}

/// The log with an empty `results` array, and each rule's index among the descriptors.
fn document_without_results<'f>(
    files: &'f [CheckedFile],
    inputs: &PolicyInputs,
    problems: &[PolicyProblem],
    general: &[GeneralProblem],
    input: &[GeneralProblem],
) -> (Value, BTreeMap<&'f str, usize>) {
    // Rules that fired, in a stable order, with their index.
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for file in files {
        for f in &file.report.findings {
            rules.entry(f.rule.id.as_str()).or_insert(f);
        }
    }
    let index_of: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let descriptors: Vec<Value> = rules
        .values()
        .map(|f| {
            let r = &f.rule;
            let mut d = json!({
                "id": r.id,
                "name": pascal(&r.id),
                "shortDescription": { "text": r.title },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": r.tags },
            });
            if let Some(explain) = &r.explain {
                d["fullDescription"] = json!({ "text": explain });
                d["help"] = json!({ "text": explain });
            }
            if let Some(link) = &r.link {
                d["helpUri"] = json!(link);
            }
            d
        })
        .collect();

    let mut notifications: Vec<Value> = problems
        .iter()
        .map(|p| notification_for_policy(inputs, p))
        .collect();
    notifications.extend(general.iter().map(notification_for_general));
    let execution: Vec<Value> = input.iter().map(notification_for_general).collect();
    let execution_ok = !problems.iter().any(|p| p.level == ProblemLevel::Error)
        && !general
            .iter()
            .chain(input)
            .any(|g| g.level == ProblemLevel::Error);
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "decorum",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/decorum-policy/decorum",
                    "rules": descriptors,
                }
            },
            "invocations": [{
                "executionSuccessful": execution_ok,
                "toolConfigurationNotifications": notifications,
                "toolExecutionNotifications": execution,
            }],
            "columnKind": "unicodeCodePoints",
            "results": [],
        }]
    });
    (doc, index_of)
}

fn result(file: &CheckedFile, files: &[CheckedFile], f: &Finding, rule_index: usize) -> Value {
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let other = files.get(r.draft)?;
            Some(json!({
                "id": i + 1,
                "message": { "text": r.label },
                "physicalLocation": physical(other, r.range),
            }))
        })
        .collect();
    let fixes: Vec<Value> = f
        .fixes
        .iter()
        .map(|fix| {
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .map(|e| json!({ "deletedRegion": region(file, e.range), "insertedContent": { "text": e.new_text } }))
                .collect();
            json!({
                "description": { "text": fix.title },
                "artifactChanges": [{ "artifactLocation": { "uri": uri(&file.display) }, "replacements": replacements }],
            })
        })
        .collect();
    let mut r = json!({
        "ruleId": f.rule.id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": physical(file, f.range) }],
        "properties": { "severity": f.severity.as_str(), "tags": f.rule.tags },
    });
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    if !fixes.is_empty() {
        r["fixes"] = json!(fixes);
    }
    r
}

fn physical(file: &CheckedFile, range: TextRange) -> Value {
    json!({ "artifactLocation": { "uri": uri(&file.display) }, "region": region(file, range) })
}

fn region(file: &CheckedFile, range: TextRange) -> Value {
    let (sl, sc) = file.position(range.start());
    let (el, ec) = file.position(range.end());
    json!({
        "startLine": sl,
        "startColumn": sc,
        "endLine": el,
        "endColumn": ec,
        "byteOffset": u32::from(range.start()),
        "byteLength": u32::from(range.len()),
    })
}

/// A problem outside the policy files (a missing `--policy` file, a draft that cannot be
/// read): its help in parentheses as for policy problems, the `input` code JSON gives it,
/// and its line and column when known.
fn notification_for_general(g: &GeneralProblem) -> Value {
    let mut location = json!({ "artifactLocation": { "uri": uri(&g.path) } });
    if let Some(line) = g.line {
        location["region"] = json!({ "startLine": line });
        if let Some(column) = g.column {
            location["region"]["startColumn"] = json!(column);
        }
    }
    json!({
        "level": match g.level { ProblemLevel::Error => "error", ProblemLevel::Warning => "warning" },
        "message": { "text": match &g.help { Some(h) => format!("{} ({h})", g.message), None => g.message.clone() } },
        "descriptor": { "id": "input" },
        "locations": [{ "physicalLocation": location }],
    })
}

fn notification_for_policy(inputs: &PolicyInputs, p: &PolicyProblem) -> Value {
    let mut n = json!({
        "level": match p.level { ProblemLevel::Error => "error", ProblemLevel::Warning => "warning" },
        "message": { "text": match &p.help { Some(h) => format!("{} ({h})", p.message), None => p.message.clone() } },
        "descriptor": { "id": format!("policy.{}", p.code) },
    });
    if let Some(src) = inputs.source(p.source) {
        let index = LineIndex::new(&src.text);
        let lc = index.shown_char_col(&src.text, p.range.start());
        n["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&src.path) },
                "region": { "startLine": lc.line + 1, "startColumn": lc.col + 1 },
            }
        }]);
    }
    n
}

/// SARIF levels: hints and infos are notes.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A relative URI reference for a displayed path, whose separators are `/` already
/// (percent-encoding what URIs forbid; a `\\` is part of a Unix file name). A `:` before
/// the first `/` is encoded too: `note:draft.md` would read as a URI of the scheme `note`.
fn uri(path: &str) -> String {
    // On Windows a `\\` can only be a separator (a policy's path outside the workspace is
    // shown as the system writes it).
    let path: std::borrow::Cow<'_, str> = if cfg!(windows) {
        path.replace('\\', "/").into()
    } else {
        path.into()
    };
    let mut out = String::with_capacity(path.len());
    let first_segment = path.find('/').unwrap_or(path.len());
    for (i, b) in path.bytes().enumerate() {
        match b {
            b':' if i < first_segment => out.push_str("%3A"),
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'=' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `hc.privacy.client-story` → `HcPrivacyClientStory` (SARIF's `name` is an identifier).
fn pascal(id: &str) -> String {
    id.split(['.', '-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_names() {
        assert_eq!(uri("posts/café 1.md"), "posts/caf%C3%A9%201.md");
        // A colon in the first segment would make a scheme; later ones are plain.
        assert_eq!(uri("note:draft.md"), "note%3Adraft.md");
        assert_eq!(uri("posts/10:30.md"), "posts/10:30.md");
        // The path's separators are `/` already: a `\` is part of a name.
        assert_eq!(uri("a\\b.md"), "a%5Cb.md");
        assert_eq!(pascal("hc.privacy.client-story"), "HcPrivacyClientStory");
    }
}
