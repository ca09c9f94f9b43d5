//! What importers changed about imported rules: the record `decorum audit` reports.

use decorum_syntax::Severity;
use decorum_text::TextRange;

use crate::input::SourceId;

/// Every `use` override and `disable` that took effect, in the order they were applied
/// (deepest importer first, so the last entry for a rule is the one in force).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditTrail {
    /// Severity and parameter changes.
    pub overrides: Vec<OverrideRecord>,
    /// Disabled rules with their reasons.
    pub disables: Vec<DisableRecord>,
    /// `extend` declarations on sets some rule uses.
    pub extends: Vec<ExtendRecord>,
}

/// An `extend` that took effect: terms added to or taken from an imported set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendRecord {
    /// The set's full name (`hc.privacy.identifying`).
    pub set: String,
    /// `-=` rather than `+=`.
    pub remove: bool,
    /// The terms as written.
    pub terms: String,
    /// The file holding the `extend`.
    pub source: SourceId,
    /// The item.
    pub range: TextRange,
}

/// One change a `use` block made.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideRecord {
    /// The rule's id.
    pub rule: String,
    /// What changed.
    pub change: OverrideChange,
    /// The file holding the `use` block.
    pub source: SourceId,
    /// The clause.
    pub range: TextRange,
}

/// The kinds of change.
#[derive(Debug, Clone, PartialEq)]
pub enum OverrideChange {
    /// A new severity.
    Severity {
        /// The severity before this override.
        from: Severity,
        /// The severity after it.
        to: Severity,
    },
    /// A new parameter value.
    Param {
        /// The parameter.
        name: String,
        /// Its value before, as shown to people.
        from: String,
        /// The new value as written (`+= [...]` for additions).
        to: String,
    },
}

/// A `disable` that took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisableRecord {
    /// The rule's id.
    pub rule: String,
    /// The reason given.
    pub reason: String,
    /// The file holding the `disable`.
    pub source: SourceId,
    /// The item.
    pub range: TextRange,
}
