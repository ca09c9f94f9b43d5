//! The engine never panics and reports only valid ranges, whatever the draft: random
//! Unicode, Markdown-ish soup, calendars, waivers, CRLF, emoji. It runs every construct
//! of the language at once against each input.

mod support;

use decorum_draft::{DraftFormat, Metadata};
use proptest::prelude::*;
use support::policy;

/// Every construct of the language in one policy; the `draft` fuzz target
/// (tests/fuzz) runs the same file.
const POLICY: &str = include_str!("support/every-construct.decorum");

const SOUP: &[&str] = &[
    "my patient",
    "patient",
    "cure",
    "no cure",
    "—",
    "–",
    " — ",
    "not just",
    "and",
    "f*ck",
    "sh!t",
    "45-year-old",
    "Dana",
    "#ad",
    "@ana",
    "https://example.com/x",
    "www.example.org",
    "😀",
    "👍🏽",
    "e\u{301}",
    "\u{202E}",
    "\r\n",
    "\n",
    "\n\n",
    "---\nchannel: x\n---\n",
    "<!-- post -->\n",
    "<!-- decorum-allow fuzz.a: ok -->",
    "<!-- decorum-allow -->",
    "`code`",
    "```\ncode\n```\n",
    "# heading\n",
    "> quote",
    "- item",
    "[link](https://x.y)",
    "*",
    "_",
    " ",
    ".",
    "?",
    "!",
    ",",
    "addict",
    "side effects",
    "\u{feff}",
    "\t",
    "\0",
    "ﬁ",
    "Ｆｕｌｌ",
    "İ",
    "ß",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SOUP), 0..60).prop_map(|t| t.concat())
}

fn check(text: &str) {
    static SET: std::sync::OnceLock<decorum_engine::PolicySet> = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| policy(POLICY));
    for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
        let draft = decorum_draft::parse(text, format, &Metadata::default());
        let report = set.check(&draft);
        for (n, f) in report.findings.iter().enumerate() {
            let ranges = std::iter::once(f.range).chain(f.related.iter().map(|r| r.range));
            for r in ranges {
                let (s, e) = (usize::from(r.start()), usize::from(r.end()));
                assert!(
                    s <= e && e <= text.len(),
                    "range {s}..{e} outside {}",
                    text.len()
                );
                assert!(
                    text.is_char_boundary(s) && text.is_char_boundary(e),
                    "range splits a character"
                );
            }
            // Re-checking after every fix of every finding would be quadratic on the
            // large inputs; the first few findings exercise the fix paths.
            for fix in f.fixes.iter().filter(|_| n < 8) {
                for edit in &fix.edits {
                    let (s, e) = (
                        usize::from(edit.range.start()),
                        usize::from(edit.range.end()),
                    );
                    assert!(
                        text.is_char_boundary(s) && text.is_char_boundary(e) && e <= text.len()
                    );
                }
                let fixed = decorum_engine::apply_edits(text, &fix.edits);
                let again = decorum_draft::parse(&fixed, format, &Metadata::default());
                let _ = set.check(&again);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_unicode_never_panics(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn markdown_soup_never_panics(text in soup()) {
        check(&text);
    }
}

#[test]
fn hostile_inputs() {
    check("");
    check(&"😀".repeat(10_000));
    check(&">".repeat(50_000));
    check(&"[".repeat(50_000));
    check(&"my patient 45-year-old ".repeat(2_000));
    check(&"<!-- post -->\n".repeat(2_000));
    check("\u{feff}---\nchannel: x\n---\r\nmy patient, a 45-year-old\r\n");
}
