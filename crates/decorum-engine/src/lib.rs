//! The Decorum engine: gives policy files their meaning and applies them to drafts.
//!
//! [`compile()`] takes parsed policy files ([`PolicyInputs`]), resolves names across
//! imports, validates everything it can (unknown names with suggestions, invalid regexes,
//! impossible thresholds, locked rules) and compiles all term sets of all active rules
//! into one literal automaton and two regex sets. The resulting [`PolicySet`] checks a
//! draft by scanning it once and evaluating rules over the match index.
//!
//! The engine does no IO and knows nothing of LSP or JSON: text and values in, values out.

mod audit;
mod check;
mod compile;
mod eval;
mod finding;
mod input;
mod ir;
mod memo;
mod negation;
mod quotation;
mod sets;
mod symbols;

pub use audit::*;
pub use check::{
    DRAFT_PROBLEM_RULE, ExampleResult, PolicySet, WAIVER_DISABLED_RULE, WAIVER_REASON_RULE,
    WAIVER_UNKNOWN_RULE, apply_edits,
};
pub use compile::compile;
pub use decorum_syntax::Severity;
pub use finding::*;
pub use input::*;
pub use memo::ScanMemo;
pub use symbols::*;

/// The outcome of [`compile()`].
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The compiled policies, present when there are no errors.
    pub policy_set: Option<PolicySet>,
    /// Syntax and validation problems of every file, errors and warnings, in file order.
    pub problems: Vec<PolicyProblem>,
    /// Every adjustment importers made to imported rules, for `decorum audit`.
    pub audit: AuditTrail,
    /// What each file defines and which names refer to what, for editor navigation.
    pub symbols: SymbolIndex,
}

/// "did you mean `x`?" for the closest candidate, if one is close enough.
pub(crate) fn did_you_mean_phrase<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    decorum_syntax::did_you_mean(word, candidates).map(did_you_mean_text)
}

/// The closest candidate to `word`, if one is close enough.
pub(crate) fn nearest_name<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    decorum_syntax::did_you_mean(word, candidates).map(str::to_owned)
}

/// "did you mean `x`?".
pub(crate) fn did_you_mean_text(name: &str) -> String {
    format!("did you mean `{name}`?")
}
