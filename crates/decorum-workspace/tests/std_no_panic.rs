//! The embedded standard library never panics and reports only valid ranges on drafts
//! stitched together at random from the words of its own examples (so its triggers,
//! negations and proximity rules all fire in odd combinations), with dashes, emoji,
//! combining marks, CRLF, front matter and post separators mixed in.

use std::sync::OnceLock;

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::PolicySet;
use decorum_workspace::{Config, load_policies};
use proptest::prelude::*;

/// The std library, compiled once, and the words of its examples.
fn library() -> &'static (PolicySet, Vec<String>) {
    static LIBRARY: OnceLock<(PolicySet, Vec<String>)> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let loaded = load_policies(&Config::default_for(&std::env::temp_dir()), None);
        let set = decorum_engine::compile(&loaded.inputs)
            .policy_set
            .expect("std compiles");
        let mut words: Vec<String> = set
            .run_examples()
            .iter()
            .flat_map(|r| r.rule.examples.iter().map(|e| e.text.clone()))
            .flat_map(|text| text.split(' ').map(str::to_owned).collect::<Vec<String>>())
            .filter(|w| !w.is_empty())
            .collect();
        words.sort();
        words.dedup();
        words.extend(
            [
                "—",
                "–",
                "\r\n",
                "\n\n",
                "😀",
                "👍🏽",
                "e\u{301}",
                "\u{feff}",
                "\u{202E}",
                "---\nchannel: x\n---\n",
                "<!-- post -->\n",
                "#ad",
                "988",
                "555-0100",
                "<!-- decorum-allow hc.privacy: ok -->\n",
            ]
            .map(str::to_owned),
        );
        (set, words)
    })
}

fn draft() -> impl Strategy<Value = String> {
    let count = library().1.len();
    prop::collection::vec(0..count, 0..80).prop_map(|picks| {
        let words = &library().1;
        picks
            .into_iter()
            .map(|i| words[i].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn check(text: &str) {
    let set = &library().0;
    for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
        let parsed = decorum_draft::parse(text, format, &Metadata::default());
        for finding in set.check(&parsed).findings {
            let ranges =
                std::iter::once(finding.range).chain(finding.related.iter().map(|r| r.range));
            for range in ranges {
                let (s, e) = (usize::from(range.start()), usize::from(range.end()));
                assert!(
                    s <= e && e <= text.len(),
                    "{}: range {s}..{e} outside the draft",
                    finding.rule.id
                );
                assert!(
                    text.is_char_boundary(s) && text.is_char_boundary(e),
                    "{}: range splits a character",
                    finding.rule.id
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_standard_library_never_panics_on_its_own_words_shuffled(text in draft()) {
        check(&text);
    }
}
