//! What importers changed about imported rules: the record `decorum audit` reports.

use decorum_syntax::{Item, Severity, UseItem};
use decorum_text::TextRange;

use crate::finding::RuleInfo;
use crate::input::{PolicyInputs, SourceId};

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

impl AuditTrail {
    /// Where a locked rule's lock was written: the `locked` of the last `use` block that
    /// locked it (the one nearest the root, which binds the files importing it), else the
    /// `locked` of the rule's own `severity` clause. `None` for a rule that is not locked.
    pub fn lock_origin(
        &self,
        inputs: &PolicyInputs,
        rule: &RuleInfo,
    ) -> Option<(SourceId, TextRange)> {
        if !rule.locked {
            return None;
        }
        let by_use = self
            .overrides
            .iter()
            .rev()
            .filter(|o| o.rule == rule.id)
            .find_map(|o| o.locked_at(inputs).map(|at| (o.source, at)));
        if by_use.is_some() {
            return by_use;
        }
        let source = rule.source?;
        let own = inputs
            .source(source)?
            .parse
            .file
            .rules()
            .find(|r| r.name.range == rule.name_range)
            .and_then(|r| r.severity())
            .and_then(|s| s.locked);
        Some((source, own.unwrap_or(rule.name_range)))
    }
}

impl OverrideRecord {
    /// Where this override wrote `locked` (`use RULE { severity LEVEL locked }`), which
    /// binds the files nearer the root even when the severity does not change.
    pub fn locked_at(&self, inputs: &PolicyInputs) -> Option<TextRange> {
        let OverrideChange::Severity { .. } = self.change else {
            return None;
        };
        let file = &inputs.source(self.source)?.parse.file;
        file.items.iter().find_map(|item| match item {
            Item::Use(block) if block.range.contains_range(self.range) => {
                block.items.iter().find_map(|clause| match clause {
                    UseItem::Severity(s) if s.range == self.range => s.locked,
                    _ => None,
                })
            }
            _ => None,
        })
    }
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
