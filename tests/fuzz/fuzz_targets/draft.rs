//! Drafts: the std library and a policy using every construct check any text, as
//! Markdown and as plain text, and report ranges on character boundaries inside it;
//! applying a fix gives a draft that checks too.
#![no_main]

use std::sync::OnceLock;

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::{PolicyInputs, PolicySet, apply_edits, compile};
use decorum_workspace::{Config, load_policies};
use libfuzzer_sys::fuzz_target;

/// The policy the engine's no-panic property tests use: every construct at once.
const CONSTRUCTS: &str =
    include_str!("../../../crates/decorum-engine/tests/support/every-construct.decorum");

fn sets() -> &'static [PolicySet; 2] {
    static SETS: OnceLock<[PolicySet; 2]> = OnceLock::new();
    SETS.get_or_init(|| {
        let loaded = load_policies(&Config::default_for(&std::env::temp_dir()), None);
        let std = compile(&loaded.inputs).policy_set.expect("std compiles");
        let inputs = PolicyInputs::single("constructs.decorum", CONSTRUCTS);
        let constructs = compile(&inputs).policy_set.expect("constructs compile");
        [std, constructs]
    })
}

fn valid(text: &str, r: decorum_text::TextRange, what: &str) {
    let (s, e) = (usize::from(r.start()), usize::from(r.end()));
    assert!(
        s <= e && e <= text.len(),
        "{what}: {s}..{e} outside {}",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what}: {s}..{e} splits a character"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for set in sets() {
        for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
            let draft = decorum_draft::parse(text, format, &Metadata::default());
            let report = set.check(&draft);
            for (n, f) in report.findings.iter().enumerate() {
                valid(text, f.range, &f.rule.id);
                for r in &f.related {
                    valid(text, r.range, &f.rule.id);
                }
                for fix in f.fixes.iter().filter(|_| n < 4) {
                    for edit in &fix.edits {
                        valid(text, edit.range, "fix");
                    }
                    let fixed = apply_edits(text, &fix.edits);
                    let again = decorum_draft::parse(&fixed, format, &Metadata::default());
                    let _ = set.check(&again);
                }
            }
        }
    }
});
