//! The families of the standard library: every std rule carries exactly one of these
//! tags, `decorum eval` measures precision and recall per family, and the corpus labels
//! drafts with them.
//!
//! The accuracy targets are the standard-library issue's: recall at least 0.85 and
//! precision at least 0.90 for every family, except the three that depend most on
//! judgement (`client-story`, `venting`, `narcissism`: 0.70 and 0.85); and at most 5% of
//! clean drafts flagged at warning or above.
//!
//! This file is also compiled into the rule-docs test (`#[path]`), so it depends on
//! nothing.

/// A family of mistakes, with the accuracy it must reach on a labelled corpus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Family {
    /// The tag, e.g. `phi-identifier`.
    pub name: &'static str,
    /// Minimum precision on a corpus.
    pub min_precision: f64,
    /// Minimum recall on a corpus.
    pub min_recall: f64,
}

const fn strict(name: &'static str) -> Family {
    Family {
        name,
        min_precision: 0.90,
        min_recall: 0.85,
    }
}

const fn judgement(name: &'static str) -> Family {
    Family {
        name,
        min_precision: 0.85,
        min_recall: 0.70,
    }
}

/// Every family, in the order reports list them.
pub const FAMILIES: &[Family] = &[
    strict("phi-identifier"),
    judgement("client-story"),
    strict("boundary-policing"),
    strict("client-googling"),
    strict("testimonial-solicitation"),
    strict("undisclosed-endorsement"),
    strict("self-promotion"),
    judgement("venting"),
    judgement("narcissism"),
    strict("medical-advice-no-disclaimer"),
    strict("guarantee-claims"),
    strict("off-label-promotion"),
    strict("profanity-unprofessional"),
    strict("platform-limits"),
    strict("other"),
];

/// The most clean drafts (labelled `expect: []`) that may have a finding at warning or
/// above, as a fraction.
pub const MAX_CLEAN_FLAGGED: f64 = 0.05;

/// The family with this tag.
pub fn family(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.name == name)
}
