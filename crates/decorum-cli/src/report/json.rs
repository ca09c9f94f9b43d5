//! `--format json`: one document per run, described by docs/output.md and the JSON
//! Schema in docs/schema/check-output.schema.json.
//!
//! Positions: `line` and `column` are 1-based, columns count Unicode scalar values;
//! `offset` is a 0-based UTF-8 byte offset into the file; `end` is exclusive.

use std::collections::HashMap;
use std::io::Write;

use decorum_engine::{
    Applicability, Finding, PolicyInputs, PolicyProblem, ProblemLevel, SeverityOrigin,
};
use decorum_text::LineIndex;
use serde_json::{Value, json};

use super::CheckedFile;
use crate::session::GeneralProblem;

/// Version of the JSON document's shape; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// Builds the whole document as one value: what [`write_document`] writes, for tests to
/// compare it with.
#[cfg(test)]
pub fn document(
    files: &[CheckedFile],
    inputs: &PolicyInputs,
    problems: &[PolicyProblem],
    general: &[GeneralProblem],
    counts: &[usize; 4],
) -> Value {
    let mut doc = document_without_findings(files, inputs, problems, general, counts);
    let mut findings = Vec::new();
    each_finding(files, inputs, |f| {
        findings.push(f);
        Ok(())
    })
    .unwrap_or_default();
    doc["findings"] = Value::Array(findings);
    doc
}

/// Writes the whole document to `out`, pretty-printed with a line break at the end, one
/// finding at a time (see [`super::write_filled`]).
pub fn write_document(
    out: &mut impl Write,
    files: &[CheckedFile],
    inputs: &PolicyInputs,
    problems: &[PolicyProblem],
    general: &[GeneralProblem],
    counts: &[usize; 4],
) -> std::io::Result<()> {
    let doc = document_without_findings(files, inputs, problems, general, counts);
    super::write_filled(out, &doc, "findings", 1, |put| {
        each_finding(files, inputs, put)
    })
}

/// Calls `each` with every finding's value, in file order.
fn each_finding(
    files: &[CheckedFile],
    inputs: &PolicyInputs,
    mut each: impl FnMut(Value) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Each rule's severity origin, worked out once: it reads the policy file's lines,
    // and an archive can hold a finding of one rule in each of thousands of drafts.
    let mut origins: HashMap<&str, Value> = HashMap::new();
    for file in files {
        for f in &file.report.findings {
            let origin = origins
                .entry(f.rule.id.as_str())
                .or_insert_with(|| origin(inputs, f.rule.severity_origin))
                .clone();
            each(finding(file, files, f, origin))?;
        }
    }
    Ok(())
}

/// The document with an empty `findings` array.
fn document_without_findings(
    files: &[CheckedFile],
    inputs: &PolicyInputs,
    problems: &[PolicyProblem],
    general: &[GeneralProblem],
    counts: &[usize; 4],
) -> Value {
    let mut waivers = Vec::new();
    for file in files {
        for w in &file.report.waivers {
            let (line, _) = file.position(w.range.start());
            waivers.push(json!({
                "file": file.display,
                "line": line,
                "rules": w.rules,
                "reason": w.reason,
                "scope": if w.whole_file { "file" } else { "block" },
                "silenced": w.silenced,
            }));
        }
    }
    let mut all_problems: Vec<Value> = problems.iter().map(|p| policy_problem(inputs, p)).collect();
    all_problems.extend(general.iter().map(|g| {
        json!({
            "level": level(g.level),
            "code": "input",
            "file": g.path,
            "line": g.line,
            "column": g.column,
            "message": g.message,
            "help": g.help,
        })
    }));
    json!({
        "version": FORMAT_VERSION,
        "tool": { "name": "decorum", "version": env!("CARGO_PKG_VERSION") },
        "findings": [],
        "waivers": waivers,
        "problems": all_problems,
        "summary": {
            "files": files.len(),
            "errors": counts[0],
            "warnings": counts[1],
            "infos": counts[2],
            "hints": counts[3],
        },
    })
}

fn finding(file: &CheckedFile, files: &[CheckedFile], f: &Finding, origin: Value) -> Value {
    let (start, end) = file.json_range(f.range);
    let related: Vec<Value> = f
        .related
        .iter()
        .filter_map(|r| {
            // In a batch, evidence can sit in another draft of the run.
            let other = files.get(r.draft)?;
            let (s, e) = other.json_range(r.range);
            Some(json!({ "file": other.display, "start": s, "end": e, "label": r.label }))
        })
        .collect();
    let fixes: Vec<Value> = f
        .fixes
        .iter()
        .map(|fix| {
            let edits: Vec<Value> = fix
                .edits
                .iter()
                .map(|e| {
                    let (s, en) = file.json_range(e.range);
                    json!({ "start": s, "end": en, "new_text": e.new_text })
                })
                .collect();
            json!({
                "title": fix.title,
                "applicability": match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::MaybeIncorrect => "maybe-incorrect",
                },
                "edits": edits,
            })
        })
        .collect();
    json!({
        "rule": f.rule.id,
        "title": f.rule.title,
        "tags": f.rule.tags,
        "severity": f.severity.as_str(),
        "severity_origin": origin,
        "file": file.display,
        "start": start,
        "end": end,
        "message": f.message,
        "link": f.rule.link,
        "related": related,
        "fixes": fixes,
    })
}

/// Where a rule's severity was decided.
pub fn origin(inputs: &PolicyInputs, o: SeverityOrigin) -> Value {
    let located = |kind: &str, source, range: decorum_text::TextRange| {
        let Some(src) = inputs.source(source) else {
            return json!({ "kind": kind });
        };
        let index = LineIndex::new(&src.text);
        let line = index.line_of(range.start()) + 1;
        json!({ "kind": kind, "file": src.path, "line": line })
    };
    match o {
        SeverityOrigin::Builtin => json!({ "kind": "builtin" }),
        SeverityOrigin::Default { source, range } => located("default", source, range),
        SeverityOrigin::Override { source, range } => located("override", source, range),
    }
}

fn level(l: ProblemLevel) -> &'static str {
    match l {
        ProblemLevel::Error => "error",
        ProblemLevel::Warning => "warning",
    }
}

fn policy_problem(inputs: &PolicyInputs, p: &PolicyProblem) -> Value {
    let (file, line, column) = match inputs.source(p.source) {
        Some(src) => {
            let index = LineIndex::new(&src.text);
            let lc = index.shown_char_col(&src.text, p.range.start());
            (src.path.clone(), Some(lc.line + 1), Some(lc.col + 1))
        }
        None => (String::new(), None, None),
    };
    json!({
        "level": level(p.level),
        "code": p.code,
        "file": file,
        "line": line,
        "column": column,
        "message": p.message,
        "help": p.help,
    })
}
