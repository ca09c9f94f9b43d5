//! What a check produces: findings, their fixes, and the waivers that silenced some.
//!
//! These are plain data. The CLI and the language server convert them to their own wire
//! formats; nothing here derives `Serialize`.

use std::sync::Arc;

use decorum_syntax::Severity;
use decorum_text::TextRange;

use crate::input::SourceId;

/// A problem found in a draft by one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule that fired (id, title, explanation, link, tags, effective severity).
    pub rule: Arc<RuleInfo>,
    /// The severity this finding is reported at.
    pub severity: Severity,
    /// The message with its placeholders filled in. It quotes the draft, so it must never
    /// be logged.
    pub message: String,
    /// The primary range in the draft.
    pub range: TextRange,
    /// The evidence: other ranges that made the rule fire.
    pub related: Vec<Related>,
    /// Ways to fix it, best first.
    pub fixes: Vec<Fix>,
}

/// A piece of evidence for a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// Which draft of the batch the range is in (for single-draft checks, always the
    /// draft being checked).
    pub draft: usize,
    /// The range.
    pub range: TextRange,
    /// What this evidence is, e.g. "together with this": one of a few fixed phrases, so
    /// that no finding allocates its labels.
    pub label: &'static str,
}

/// One way to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for a menu ("Replace with “died by suicide”").
    pub title: String,
    /// The edits, non-overlapping, in order.
    pub edits: Vec<Edit>,
    /// Whether it can be applied without a human looking.
    pub applicability: Applicability,
}

/// A text edit on the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The range replaced (empty for an insertion).
    pub range: TextRange,
    /// The new text.
    pub new_text: String,
}

/// How safe a fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps the meaning; can be applied automatically.
    Safe,
    /// Changes or removes wording; the writer should look at the result.
    MaybeIncorrect,
}

/// Everything about a rule that findings, hover and `decorum explain` show.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// The rule's id: `policy.name.rule-name`, e.g. `hc.privacy.client-story`.
    pub id: String,
    /// Short name of the problem (the id when the rule has no title).
    pub title: String,
    /// The message template as written.
    pub message_template: Option<String>,
    /// Why it matters and what to write instead.
    pub explain: Option<String>,
    /// The primary source.
    pub link: Option<String>,
    /// Tags, in order.
    pub tags: Vec<String>,
    /// The effective severity after overrides.
    pub severity: Severity,
    /// Where the effective severity was decided.
    pub severity_origin: SeverityOrigin,
    /// True when importers may not lower or disable the rule.
    pub locked: bool,
    /// True for `flag batch` rules.
    pub batch: bool,
    /// The file that defines the rule; `None` for Decorum's own checks of drafts
    /// (waivers without a reason, unreadable front matter).
    pub source: Option<SourceId>,
    /// The rule's name in that file.
    pub name_range: TextRange,
    /// The rule's examples.
    pub examples: Vec<ExampleInfo>,
}

/// Where a rule's effective severity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeverityOrigin {
    /// The rule's own `severity` clause, or the default (`warning`) at the rule's name.
    Default {
        /// The file.
        source: SourceId,
        /// The clause, or the rule's name when there is none.
        range: TextRange,
    },
    /// Decorum's own checks, which no policy defines.
    Builtin,
    /// A `use` block in an importing file.
    Override {
        /// The importing file.
        source: SourceId,
        /// The `severity` clause inside `use`.
        range: TextRange,
    },
}

/// An example written inside a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleInfo {
    /// The example draft.
    pub text: String,
    /// Whether the rule must fire, and where.
    pub expect: ExpectedOutcome,
    /// The file the example is written in: the rule's own, or an importer's `use` block.
    pub source: SourceId,
    /// The `example` clause in that file.
    pub range: TextRange,
}

/// What an example expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedOutcome {
    /// The rule fires; with a span, some finding's range is that span's first occurrence.
    Flags(Option<String>),
    /// The rule does not fire.
    Passes,
}

/// A waiver comment in a draft that silenced findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverUse {
    /// The rule ids the waiver names.
    pub rules: Vec<String>,
    /// The reason given.
    pub reason: String,
    /// The comment's range.
    pub range: TextRange,
    /// True for `decorum-allow-file`.
    pub whole_file: bool,
    /// How many findings it silenced.
    pub silenced: usize,
}

/// The outcome of checking one draft.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftReport {
    /// Findings in order of position.
    pub findings: Vec<Finding>,
    /// Every waiver in the draft, with how many findings each silenced.
    pub waivers: Vec<WaiverUse>,
}
