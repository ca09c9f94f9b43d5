//! A fix of the embedded standard library never brings in a finding of another rule.
//!
//! Editors apply a safe fix without anyone looking (the language server marks it
//! preferred, and "fix all" and fix-on-save apply it), so a safe fix that swaps one
//! finding for another is a defect of the library: "Our frequent flyer is back today."
//! must not become a client story by the fix of `hc.tone.derogatory-label`.
//!
//! For every rule of the library, each fix of each finding of the rule on each of its
//! `example flags` texts is applied, and the whole library checks the fixed text. The
//! test fails, listing each (rule, example, fix), when the fixed text gets a finding of
//! another rule that the original text did not have (compared by rule id):
//! - for a safe fix, at any severity: it is applied unseen, so even a new hint or
//!   warning is a change nobody asked for;
//! - for a maybe-incorrect fix, at warning or above: the writer reviews it, but the
//!   library should not suggest wording it then objects to.
//!
//! A few drafts outside the examples are checked the same way for every rule that fires
//! on them: the two a tester found, and the same shape with other labels.

use std::collections::BTreeSet;

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::{Applicability, ExpectedOutcome, Finding, PolicySet, Severity, apply_edits};
use decorum_workspace::{Config, load_policies};

/// Drafts a fix of the library once turned into a draft with a new finding: a label
/// replaced by "patient" after "our" or "my" made a client story.
const PROBES: &[&str] = &[
    // Found by a tester.
    "Our frequent flyer is back today.",
    "Our frequent flyer is back.\nAs a nurse at Mercy General, I think overtime is unsafe.\n",
    // The same with other labels.
    "My drug seeker from last night is back today.",
    "Our favourite gomer is back in bay 3 tonight.",
    "Mi loca de la cama 3 volvió hoy.",
];

fn library() -> PolicySet {
    let loaded = load_policies(&Config::default_for(&std::env::temp_dir()), None);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    decorum_engine::compile(&loaded.inputs)
        .policy_set
        .expect("std compiles")
}

fn check(set: &PolicySet, text: &str) -> Vec<Finding> {
    let draft = decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::default());
    set.check(&draft).findings
}

/// The lowest severity at which a new finding counts against a fix.
fn counted_from(applicability: Applicability) -> Severity {
    match applicability {
        Applicability::Safe => Severity::Hint,
        Applicability::MaybeIncorrect => Severity::Warning,
    }
}

/// Applies each fix of each finding of `rule` (every rule's when `None`) on `text` and
/// describes each fix whose result gets a finding of another rule that `text` did not
/// have.
fn new_findings_after_fixes(set: &PolicySet, text: &str, rule: Option<&str>) -> Vec<String> {
    let before = check(set, text);
    let had: BTreeSet<&str> = before.iter().map(|f| f.rule.id.as_str()).collect();
    let mut problems = Vec::new();
    for finding in before
        .iter()
        .filter(|f| rule.is_none_or(|id| f.rule.id == id))
    {
        for fix in &finding.fixes {
            let fixed = apply_edits(text, &fix.edits);
            let floor = counted_from(fix.applicability);
            let new: Vec<String> = check(set, &fixed)
                .iter()
                .filter(|g| g.rule.id != finding.rule.id && !had.contains(g.rule.id.as_str()))
                .filter(|g| g.severity >= floor)
                .map(|g| format!("{} ({}): {}", g.rule.id, g.severity.as_str(), g.message))
                .collect();
            if new.is_empty() {
                continue;
            }
            // Two findings of one rule may offer the same fix.
            let problem = format!(
                "{} on {text:?}: the {:?} fix “{}” gives {fixed:?}, which gets\n    {}",
                finding.rule.id,
                fix.applicability,
                fix.title,
                new.join("\n    ")
            );
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    problems
}

#[test]
fn fixes_of_the_examples_bring_no_finding_of_another_rule() {
    let set = library();
    let mut examples = 0;
    let mut problems = Vec::new();
    for rule in set.rules() {
        for example in &rule.examples {
            if let ExpectedOutcome::Flags(_) = example.expect {
                examples += 1;
                problems.extend(new_findings_after_fixes(
                    &set,
                    &example.text,
                    Some(&rule.id),
                ));
            }
        }
    }
    assert!(
        examples >= 100,
        "expected the std examples, found {examples}"
    );
    assert!(
        problems.is_empty(),
        "{} fixes bring in a finding of another rule:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn fixes_of_the_probes_bring_no_finding_of_another_rule() {
    let set = library();
    let mut problems = Vec::new();
    for text in PROBES {
        assert!(!check(&set, text).is_empty(), "nothing fires on {text:?}");
        problems.extend(new_findings_after_fixes(&set, text, None));
    }
    assert!(
        problems.is_empty(),
        "{} fixes bring in a finding of another rule:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
