//! What importers changed about imported rules: the record `decorum audit` reports.

use decorum_syntax::Severity;
use decorum_text::TextRange;

use crate::finding::RuleInfo;
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
    /// The lock in force on each locked rule (see [`AuditTrail::lock_origin`]).
    pub locks: Vec<LockRecord>,
}

impl AuditTrail {
    /// Where a locked rule's lock was written: the `locked` of the last `use` block that
    /// locked it (the one nearest the root, which binds the files importing it), else the
    /// `locked` of the rule's own `severity` clause (its name when the rule was written
    /// locked without one). `None` for a rule that is not locked.
    pub fn lock_origin(&self, rule: &RuleInfo) -> Option<(SourceId, TextRange)> {
        if !rule.locked {
            return None;
        }
        self.locks
            .iter()
            .find(|l| l.rule == rule.id)
            .map(|l| (l.source, l.range))
    }
}

impl OverrideRecord {
    /// Where this override wrote `locked` (`use RULE { severity LEVEL locked }`), which
    /// binds the files nearer the root even when the severity does not change.
    pub fn locked_at(&self) -> Option<TextRange> {
        match self.change {
            OverrideChange::Severity { locked, .. } => locked,
            OverrideChange::Param { .. } => None,
        }
    }
}

/// Where the lock in force on a rule was written, as the compiler applied it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockRecord {
    /// The rule's id.
    pub rule: String,
    /// The file that locked it.
    pub source: SourceId,
    /// Its `locked` (or the rule's name).
    pub range: TextRange,
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
        /// Where the clause wrote `locked`, if it did.
        locked: Option<TextRange>,
    },
    /// A new parameter value.
    Param {
        /// The parameter.
        name: String,
        /// Its value before, as shown to people.
        from: String,
        /// The new value as written, after `+= ` for an addition (`+= [...]`).
        to: String,
        /// `+=`: the clause added terms to the value before it rather than replacing it.
        add: bool,
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
