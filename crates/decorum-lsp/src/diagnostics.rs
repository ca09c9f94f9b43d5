//! From the engine's findings and policy problems to LSP diagnostics.
//!
//! A draft diagnostic carries everything its code actions need in `data` (see
//! [`FindingData`]): the document version it was computed for, the fixes with their edits
//! already in LSP positions, and where a waiver comment would go. Code actions then need
//! no re-check, and a version mismatch tells them the edits no longer fit the text.

use std::path::Path;

use decorum_draft::Draft;
use decorum_engine::{
    Applicability, ExampleResult, Finding, PolicyProblem, ProblemLevel, SourceId,
};
use decorum_syntax::Severity;
use decorum_text::{LineIndex, TextRange, TextSize};
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use crate::position::{Encoding, LineMap, Origin};

/// `source` of diagnostics on drafts.
pub const DRAFT_SOURCE: &str = "decorum";
/// `source` of validation problems of policy files, and of `decorum.toml` problems.
pub const POLICY_SOURCE: &str = "decorum-policy";
/// `source` of syntax errors in policy files.
pub const SYNTAX_SOURCE: &str = "decorum-syntax";
/// `source` of policy examples that do not behave as written.
pub const EXAMPLES_SOURCE: &str = "decorum-examples";

/// What a draft diagnostic carries in `data` (the rule id is its `code`).
///
/// On the wire it is one JSON string holding a compact array (see [`FindingData::encode`]):
/// a large draft has about a thousand diagnostics, and as nested objects their data was
/// a third of each `publishDiagnostics` message and most of the JSON nodes that the
/// server (through `serde_json::Value`) and the client build, copy and free on every
/// keystroke. Clients keep `data` as it is and hand it back with code action requests;
/// only this server reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingData {
    /// The document version the diagnostic (and every range below) belongs to.
    pub version: i32,
    /// The fixes, best first.
    pub fixes: Vec<FixData>,
    /// The line where an "allow here" waiver comment goes: where the flagged block
    /// starts. `None` for Decorum's own checks, which cannot be waived.
    pub waiver_line: Option<u32>,
}

/// One fix of a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct FixData {
    /// What it does, for the menu.
    pub title: String,
    /// True when it keeps the meaning (may be applied without a look).
    pub safe: bool,
    /// True when it only adds text away from the flagged words (a disclaimer at the end
    /// of the post): offered anywhere between the finding and the insertion.
    pub document: bool,
    /// The edits, in LSP positions of `version`.
    pub edits: Vec<EditData>,
}

/// One edit of a fix.
#[derive(Debug, Clone, PartialEq)]
pub struct EditData {
    /// The range replaced.
    pub range: Range,
    /// The new text.
    pub new_text: String,
}

/// The wire form of [`FindingData`]: `[version, waiverLine or null, fixes]`.
#[derive(Serialize, Deserialize)]
struct WireData(i32, Option<u32>, Vec<WireFix>);

/// The wire form of [`FixData`]: `[title, flags (1 safe, 2 document), edits]`.
#[derive(Serialize, Deserialize)]
struct WireFix(String, u8, Vec<WireEdit>);

/// The wire form of [`EditData`]: `[startLine, startCharacter, endLine, endCharacter,
/// newText]`.
#[derive(Serialize, Deserialize)]
struct WireEdit(u32, u32, u32, u32, String);

const SAFE: u8 = 1;
const DOCUMENT: u8 = 2;

impl FindingData {
    /// The `data` value of a diagnostic: a JSON string such as
    /// `"[3,12,[[\"Remove the flagged words\",1,[[4,10,4,15,\"\"]]]]]"`.
    pub fn encode(&self) -> serde_json::Value {
        let wire = WireData(
            self.version,
            self.waiver_line,
            self.fixes
                .iter()
                .map(|fix| {
                    let flags =
                        if fix.safe { SAFE } else { 0 } | if fix.document { DOCUMENT } else { 0 };
                    let edits = fix
                        .edits
                        .iter()
                        .map(|e| {
                            let (start, end) = (e.range.start, e.range.end);
                            WireEdit(
                                start.line,
                                start.character,
                                end.line,
                                end.character,
                                e.new_text.clone(),
                            )
                        })
                        .collect();
                    WireFix(fix.title.clone(), flags, edits)
                })
                .collect(),
        );
        serde_json::to_string(&wire).map_or(serde_json::Value::Null, serde_json::Value::String)
    }

    /// Reads `data` back; `None` when it is not what [`FindingData::encode`] wrote (data
    /// of another server, or edited by the client).
    pub fn decode(value: &serde_json::Value) -> Option<FindingData> {
        let WireData(version, waiver_line, fixes) = serde_json::from_str(value.as_str()?).ok()?;
        let fixes = fixes
            .into_iter()
            .map(|WireFix(title, flags, edits)| FixData {
                title,
                safe: flags & SAFE != 0,
                document: flags & DOCUMENT != 0,
                edits: edits
                    .into_iter()
                    .map(|WireEdit(sl, sc, el, ec, new_text)| EditData {
                        range: Range {
                            start: Position::new(sl, sc),
                            end: Position::new(el, ec),
                        },
                        new_text,
                    })
                    .collect(),
            })
            .collect();
        Some(FindingData {
            version,
            fixes,
            waiver_line,
        })
    }
}

/// The LSP severity of a Decorum severity.
pub fn lsp_severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The Decorum severity of an LSP severity (for filtering stored diagnostics).
pub fn decorum_severity(severity: Option<DiagnosticSeverity>) -> Severity {
    match severity {
        Some(DiagnosticSeverity::ERROR) => Severity::Error,
        Some(DiagnosticSeverity::INFORMATION) => Severity::Info,
        Some(DiagnosticSeverity::HINT) => Severity::Hint,
        _ => Severity::Warning,
    }
}

/// The diagnostics of a checked draft, in finding order.
pub fn draft_diagnostics(
    uri: &Uri,
    version: i32,
    draft: &Draft,
    index: &LineIndex,
    encoding: Encoding,
    findings: &[&Finding],
) -> Vec<Diagnostic> {
    let map = LineMap::new(&draft.text, index, encoding);
    findings
        .iter()
        .map(|f| finding_diagnostic(uri, version, draft, &map, f))
        .collect()
}

fn finding_diagnostic(
    uri: &Uri,
    version: i32,
    draft: &Draft,
    map: &LineMap<'_>,
    finding: &Finding,
) -> Diagnostic {
    let rule = &finding.rule;
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter(|r| r.draft == 0)
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: map.range(r.range),
            },
            message: r.label.to_string(),
        })
        .collect();
    let fixes = finding
        .fixes
        .iter()
        .map(|fix| FixData {
            title: fix.title.clone(),
            safe: fix.applicability == Applicability::Safe,
            document: !fix.edits.is_empty()
                && fix.edits.iter().all(|e| {
                    e.range.is_empty()
                        && (e.range.start() >= finding.range.end()
                            || e.range.end() <= finding.range.start())
                }),
            edits: fix
                .edits
                .iter()
                .map(|e| EditData {
                    range: map.range(e.range),
                    new_text: e.new_text.clone(),
                })
                .collect(),
        })
        .collect();
    // Decorum's own checks (waivers, front matter) have no source file and cannot be
    // waived.
    let waivable = rule.source.is_some();
    let data = FindingData {
        version,
        fixes,
        waiver_line: waivable.then(|| map.index.line_of(block_start(draft, finding.range.start()))),
    };
    Diagnostic {
        range: map.range(finding.range),
        severity: Some(lsp_severity(finding.severity)),
        code: Some(NumberOrString::String(rule.id.clone())),
        code_description: rule
            .link
            .as_deref()
            .and_then(|link| link.parse::<Uri>().ok())
            .map(|href| CodeDescription { href }),
        source: Some(DRAFT_SOURCE.to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(data.encode()),
    }
}

/// Where the block holding `at` starts: a `decorum-allow` comment on the line before
/// covers that block. In a table, that is the table's first row: a comment between two
/// rows would end the table.
fn block_start(draft: &Draft, at: TextSize) -> TextSize {
    let Some(post) = draft.post_at(at) else {
        return at;
    };
    if let Some(table) = post.tables.iter().find(|t| t.contains_inclusive(at)) {
        return table.start();
    }
    // Paragraphs are in order: the last one starting at or before `at`.
    let i = post.paragraphs.partition_point(|p| p.start() <= at);
    match i.checked_sub(1).and_then(|i| post.paragraphs.get(i)) {
        Some(p) if at <= p.end() => p.start(),
        _ => at,
    }
}

/// Where a `decorum-allow-file` comment goes in `text`: after the front matter (which
/// must stay first), else after a byte-order mark, else at the start. The front matter
/// is the draft parser's, so the two never disagree about where it ends.
pub fn file_waiver_offset(text: &str) -> TextSize {
    let at = decorum_draft::front_matter_end(text).unwrap_or(decorum_text::bom_len(text));
    TextSize::try_from(at).unwrap_or_default()
}

/// Where a problem's label in another policy file is, for the editor: `None` when
/// that file cannot be named (the label is then left out).
pub type ElsewhereFn<'a> = &'a dyn Fn(SourceId, TextRange) -> Option<Location>;

/// Diagnostics for problems in one policy file (or `decorum.toml`), without the labels
/// they have in other files.
pub fn policy_diagnostics(
    uri: &Uri,
    text: &str,
    encoding: Encoding,
    problems: &[PolicyProblem],
) -> Vec<Diagnostic> {
    policy_diagnostics_with(uri, text, encoding, problems, &|_, _| None, Origin::Editor)
}

/// Like [`policy_diagnostics`], with a label in another file (the sibling that also
/// sets a parameter, the `extend` that closes a cycle) as related information at its
/// place there, found by `elsewhere`; `origin` says where `text` came from.
pub fn policy_diagnostics_with(
    uri: &Uri,
    text: &str,
    encoding: Encoding,
    problems: &[PolicyProblem],
    elsewhere: ElsewhereFn<'_>,
    origin: Origin,
) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    let map = LineMap::of(text, &index, encoding, origin);
    problems
        .iter()
        .map(|p| {
            let mut message = p.message.clone();
            if let Some(help) = &p.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let related: Vec<DiagnosticRelatedInformation> = p
                .labels
                .iter()
                .filter_map(|l| {
                    let location = if l.source == p.source {
                        Location {
                            uri: uri.clone(),
                            range: map.range(l.range),
                        }
                    } else {
                        elsewhere(l.source, l.range)?
                    };
                    Some(DiagnosticRelatedInformation {
                        location,
                        message: l.message.clone(),
                    })
                })
                .collect();
            Diagnostic {
                range: map.range(p.range),
                severity: Some(match p.level {
                    ProblemLevel::Error => DiagnosticSeverity::ERROR,
                    ProblemLevel::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(p.code.to_owned())),
                code_description: None,
                source: Some(
                    if p.code == "syntax" {
                        SYNTAX_SOURCE
                    } else {
                        POLICY_SOURCE
                    }
                    .to_owned(),
                ),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data: p.replacement.as_ref().map(|text| {
                    serde_json::to_value(ProblemData {
                        replacement: text.clone(),
                    })
                    .unwrap_or_default()
                }),
            }
        })
        .collect()
}

/// What a policy problem's diagnostic carries in `data`, when the problem has a fix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProblemData {
    /// The text that fixes the problem when it replaces the diagnostic's range (a close
    /// name the "did you mean" help suggests).
    pub replacement: String,
}

/// Syntax errors of a policy file's text (for unsaved edits, before a full check).
pub fn syntax_diagnostics(uri: &Uri, text: &str, encoding: Encoding) -> Vec<Diagnostic> {
    let parse = decorum_syntax::parse(text);
    let problems: Vec<PolicyProblem> = parse
        .errors
        .into_iter()
        .map(|e| {
            PolicyProblem::new(
                decorum_engine::SourceId(0),
                e.range,
                ProblemLevel::Error,
                "syntax",
                e.message,
                e.help,
            )
        })
        .collect();
    policy_diagnostics(uri, text, encoding, &problems)
}

/// Diagnostics for the examples written in `source` that do not behave as written: an
/// error on the example, saying what was expected and what fired instead.
pub fn example_diagnostics(
    text: &str,
    encoding: Encoding,
    source: SourceId,
    results: &[ExampleResult],
) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    let map = LineMap::new(text, &index, encoding);
    results
        .iter()
        .filter(|r| !r.passed)
        .filter_map(|r| {
            let example = r.rule.examples.get(r.index)?;
            if example.source != source {
                return None;
            }
            let expected = r.failure.as_deref().unwrap_or("the example failed");
            Some(Diagnostic {
                range: map.range(example.range),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String(r.rule.id.clone())),
                code_description: None,
                source: Some(EXAMPLES_SOURCE.to_owned()),
                message: format!(
                    "this example of `{}` fails: {expected}; {}",
                    r.rule.id,
                    what_fired(&example.text, &r.fired)
                ),
                related_information: None,
                tags: None,
                data: None,
            })
        })
        .collect()
}

/// "the rule fired at “…”" or "the rule did not fire", for an example's diagnostic.
pub fn what_fired(example: &str, fired: &[(TextRange, String)]) -> String {
    if fired.is_empty() {
        return "the rule did not fire".to_owned();
    }
    let spans: Vec<String> = fired
        .iter()
        .map(
            |(range, _)| match example.get(range.start().into()..range.end().into()) {
                Some(span) => format!("“{span}”"),
                None => "?".to_owned(),
            },
        )
        .collect();
    format!("the rule fired at {}", spans.join(", "))
}

/// A `file://` URI for a path.
pub fn file_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_waivers_go_after_front_matter_and_bom() {
        let at = |text: &str| usize::from(file_waiver_offset(text));
        assert_eq!(at("Hello"), 0);
        assert_eq!(at("\u{feff}Hello"), 3);
        assert_eq!(at("---\nchannel: x\n---\nHello"), 19);
        assert_eq!(at("\u{feff}---\r\nchannel: x\r\n...\r\nHello"), 25);
        assert_eq!(at("---\nnever closed\n"), 0);
        assert_eq!(at("--- not front matter\n"), 0);
        // Old Mac line ends, and fences with trailing spaces, as the draft parser reads them.
        assert_eq!(at("---\rchannel: x\r---\rHello"), 19);
        assert_eq!(at("--- \nchannel: x\n---\t\nHello"), 21);
    }

    #[test]
    fn finding_data_survives_the_wire_form() {
        let data = FindingData {
            version: 7,
            fixes: vec![
                FixData {
                    title: "Replace with “client” \"quoted\"".to_owned(),
                    safe: true,
                    document: false,
                    edits: vec![EditData {
                        range: Range {
                            start: Position::new(3, 10),
                            end: Position::new(4, 0),
                        },
                        new_text: "a\r\nb 🎉".to_owned(),
                    }],
                },
                FixData {
                    title: "Add “#ad” at the end of the post".to_owned(),
                    safe: false,
                    document: true,
                    edits: Vec::new(),
                },
            ],
            waiver_line: Some(3),
        };
        let value = data.encode();
        assert!(value.is_string(), "{value}");
        assert_eq!(FindingData::decode(&value), Some(data));
        let unwaivable = FindingData {
            version: 1,
            fixes: Vec::new(),
            waiver_line: None,
        };
        assert_eq!(
            unwaivable.encode(),
            serde_json::Value::String("[1,null,[]]".to_owned())
        );
        assert_eq!(FindingData::decode(&unwaivable.encode()), Some(unwaivable));
        for foreign in [
            serde_json::json!({ "version": 1 }),
            serde_json::json!("not json"),
            serde_json::json!("[1]"),
            serde_json::Value::Null,
        ] {
            assert_eq!(FindingData::decode(&foreign), None, "{foreign}");
        }
    }
}
