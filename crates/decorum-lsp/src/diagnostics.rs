//! From the engine's findings and policy problems to LSP diagnostics.
//!
//! A draft diagnostic carries everything its code actions need in `data` (see
//! [`FindingData`]): the document version it was computed for, the fixes with their edits
//! already in LSP positions, and where a waiver comment would go. Code actions then need
//! no re-check, and a version mismatch tells them the edits no longer fit the text.

use std::path::Path;

use decorum_draft::Draft;
use decorum_engine::{Applicability, Finding, PolicyProblem, ProblemLevel};
use decorum_syntax::Severity;
use decorum_text::{LineIndex, TextRange, TextSize};
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use crate::position::{Encoding, LineMap};

/// `source` of diagnostics on drafts.
pub const DRAFT_SOURCE: &str = "decorum";
/// `source` of diagnostics on policy files and `decorum.toml`.
pub const POLICY_SOURCE: &str = "decorum-policy";

/// What a draft diagnostic carries in `data`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FindingData {
    /// The document version the diagnostic (and every range below) belongs to.
    pub version: i32,
    /// The rule id (also the diagnostic's `code`).
    pub rule: String,
    /// The fixes, best first.
    pub fixes: Vec<FixData>,
    /// Where an "allow here" waiver comment goes: the start of the flagged block's line.
    /// `None` for Decorum's own checks, which cannot be waived.
    pub waiver_at: Option<Position>,
    /// Where an "allow in this file" waiver goes: after the file's front matter.
    pub file_waiver_at: Option<Position>,
}

/// One fix of a finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EditData {
    /// The range replaced.
    pub range: Range,
    /// The new text.
    #[serde(rename = "newText")]
    pub new_text: String,
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
    findings: &[Finding],
) -> Vec<Diagnostic> {
    let map = LineMap::new(&draft.text, index, encoding);
    let file_waiver_at = map.position(file_waiver_offset(draft));
    findings
        .iter()
        .map(|f| finding_diagnostic(uri, version, draft, &map, f, file_waiver_at))
        .collect()
}

fn finding_diagnostic(
    uri: &Uri,
    version: i32,
    draft: &Draft,
    map: &LineMap<'_>,
    finding: &Finding,
    file_waiver_at: Position,
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
            message: r.label.clone(),
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
        rule: rule.id.clone(),
        fixes,
        waiver_at: waivable
            .then(|| map.position(block_line_start(draft, map.index, finding.range))),
        file_waiver_at: waivable.then_some(file_waiver_at),
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
        data: serde_json::to_value(&data).ok(),
    }
}

/// The start of the line where the block holding `range` starts: a `decorum-allow`
/// comment inserted there covers that block.
fn block_line_start(draft: &Draft, index: &LineIndex, range: TextRange) -> TextSize {
    let at = range.start();
    let block_start = draft
        .post_at(at)
        .and_then(|post| {
            post.paragraphs
                .iter()
                .find(|p| p.start() <= at && at < p.end().max(p.start() + TextSize::from(1)))
                .map(|p| p.start())
        })
        .unwrap_or(at);
    index
        .line_range(index.line_of(block_start))
        .map_or(block_start, |line| line.start())
}

/// Where a `decorum-allow-file` comment goes: after the file's front matter (which must
/// stay first), else after a byte-order mark, else at the start.
fn file_waiver_offset(draft: &Draft) -> TextSize {
    let bom = if draft.text.starts_with('\u{feff}') {
        TextSize::from(3)
    } else {
        TextSize::from(0)
    };
    let Some(first) = draft.posts.first() else {
        return bom;
    };
    match first.meta_range {
        Some(meta) if first.range.start() <= bom => {
            // After the closing `---` line.
            let rest = draft
                .text
                .get(usize::from(meta.end())..)
                .unwrap_or_default();
            let newline = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let line_end = usize::from(meta.end()) + newline;
            let preceding = draft
                .text
                .get(..usize::from(meta.end()))
                .unwrap_or_default();
            // The range may or may not include the closing line's break.
            let at = if preceding.ends_with('\n') {
                usize::from(meta.end())
            } else {
                line_end
            };
            TextSize::try_from(at).unwrap_or(bom)
        }
        _ => bom,
    }
}

/// Diagnostics for problems in one policy file (or `decorum.toml`).
pub fn policy_diagnostics(
    uri: &Uri,
    text: &str,
    encoding: Encoding,
    problems: &[PolicyProblem],
) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    let map = LineMap::new(text, &index, encoding);
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
                .filter(|l| l.source == p.source)
                .map(|l| DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri.clone(),
                        range: map.range(l.range),
                    },
                    message: l.message.clone(),
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
                source: Some(POLICY_SOURCE.to_owned()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data: None,
            }
        })
        .collect()
}

/// Syntax errors of a policy file's text (for unsaved edits, before a full check).
pub fn syntax_diagnostics(uri: &Uri, text: &str, encoding: Encoding) -> Vec<Diagnostic> {
    let parse = decorum_syntax::parse(text);
    let problems: Vec<PolicyProblem> = parse
        .errors
        .into_iter()
        .map(|e| PolicyProblem {
            source: decorum_engine::SourceId(0),
            range: e.range,
            level: ProblemLevel::Error,
            message: e.message,
            help: e.help,
            labels: Vec::new(),
            code: "syntax",
        })
        .collect();
    policy_diagnostics(uri, text, encoding, &problems)
}

/// A `file://` URI for a path.
pub fn file_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}
