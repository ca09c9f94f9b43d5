//! Property and stress tests: `parse` never panics, keeps its invariants on any input, and
//! stays roughly linear on hostile input.

use std::time::{Duration, Instant};

use decorum_draft::{
    Draft, DraftFormat, Metadata, NormalizedView, TextRange, TextSize, WaiverScope, parse,
};
use proptest::prelude::*;

fn is_boundary(text: &str, r: TextRange) -> bool {
    text.is_char_boundary(usize::from(r.start())) && text.is_char_boundary(usize::from(r.end()))
}

/// Every invariant the engine relies on.
fn check_invariants(draft: &Draft) -> Result<(), TestCaseError> {
    let text = &draft.text;
    prop_assert_eq!(draft.prose.len(), text.len());
    for (i, (p, t)) in draft.prose.bytes().zip(text.bytes()).enumerate() {
        let newline = |b: u8| b == b'\n' || b == b'\r';
        prop_assert_eq!(newline(p), newline(t), "line structure differs at {}", i);
        prop_assert!(
            p == t || p == b' ',
            "prose byte {} is neither the text nor a space",
            i
        );
    }
    prop_assert!(!draft.posts.is_empty());
    let whole = TextRange::up_to(TextSize::of(text.as_str()));
    let mut prev_end = TextSize::from(0);
    for (i, post) in draft.posts.iter().enumerate() {
        prop_assert_eq!(post.index, i);
        prop_assert!(
            post.range.start() >= prev_end,
            "posts overlap or are out of order"
        );
        prev_end = post.range.end();
        prop_assert!(whole.contains_range(post.range));
        prop_assert!(post.range.contains_range(post.body));
        prop_assert!(is_boundary(text, post.range) && is_boundary(text, post.body));
        if let Some(m) = post.meta_range {
            prop_assert!(post.range.contains_range(m) && is_boundary(text, m));
        }
        let groups = [
            &post.paragraphs,
            &post.sentences,
            &post.words,
            &post.hashtags,
            &post.mentions,
            &post.links,
            &post.comments,
        ];
        for group in groups {
            let mut last = post.body.start();
            for r in group.iter() {
                prop_assert!(
                    post.body.contains_range(*r),
                    "{:?} outside body {:?}",
                    r,
                    post.body
                );
                prop_assert!(is_boundary(text, *r), "{:?} splits a character", r);
                prop_assert!(r.start() >= last, "ranges out of order");
                last = r.start();
            }
        }
        for s in &post.sentences {
            prop_assert!(
                post.paragraphs.iter().any(|p| p.contains_range(*s)),
                "sentence {:?} crosses a paragraph",
                s
            );
        }
        for channel in [Some("x"), Some("bluesky"), Some("instagram"), None] {
            let length = post.weighted_length(draft, channel);
            if let Some(ceiling) = post.length_ceiling(channel) {
                prop_assert!(
                    length <= ceiling,
                    "{:?} length {} above its ceiling {}",
                    channel,
                    length,
                    ceiling
                );
            }
        }
    }
    for w in &draft.waivers {
        prop_assert!(is_boundary(text, w.range));
        for (_, r) in &w.rules {
            prop_assert!(w.range.contains_range(*r));
        }
        if let WaiverScope::NextBlock(r) = w.scope {
            prop_assert!(is_boundary(text, r));
        }
    }
    for p in &draft.problems {
        prop_assert!(is_boundary(text, p.range));
    }
    Ok(())
}

fn check_mapping(
    view: &NormalizedView,
    source: &str,
    a: usize,
    b: usize,
) -> Result<(), TestCaseError> {
    let len = view.text.len();
    let (a, b) = if len == 0 {
        (0, 0)
    } else {
        (a % (len + 1), b % (len + 1))
    };
    let (a, b) = (a.min(b), a.max(b));
    let r = view.to_original(TextRange::new((a as u32).into(), (b as u32).into()));
    prop_assert!(
        is_boundary(source, r),
        "{:?} -> {:?} splits a character of {:?}",
        (a, b),
        r,
        source
    );
    prop_assert!(usize::from(r.end()) <= source.len());
    Ok(())
}

/// Markdown-ish tokens: the constructs most likely to confuse the scanners.
const TOKENS: &[&str] = &[
    "\n",
    "\r\n",
    "\n\n",
    " ",
    "  ",
    "---",
    "...",
    "<!-- post -->",
    "<!-- post: Mon -->",
    "<!--",
    "-->",
    "<!-- decorum-allow a.b: why -->",
    "<!-- decorum-allow-file x -->",
    "<!-- decorum-",
    "`",
    "```",
    "~~~",
    "#",
    "# ",
    "> ",
    "- ",
    "1. ",
    "* ",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<",
    ">",
    "<https://a.b>",
    "https://",
    "http://x.y/(z)",
    "www.",
    "www.a.b",
    "@",
    "@bob",
    "#tag",
    "&#39;",
    "\\",
    "|",
    "|---|",
    "[^1]",
    "[^1]: ",
    "[x]: http://r",
    "key: value",
    "a: [b",
    "\u{feff}",
    "Dr. ",
    "Hello. World",
    "é",
    "e\u{301}",
    "\u{301}",
    "😀",
    "👩🏽\u{200d}⚕️",
    "🇪🇸",
    "1️⃣",
    "\u{200d}",
    "日本語。",
    "ﬁ",
    "“",
    "’",
    "—",
    "\u{a0}",
    "\t",
    "word",
    "don't",
    "*",
    "_",
    "**",
    "<div>",
    "</div>",
    "<a href=\"x\">",
];

/// Markdown-ish token soup.
fn soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        proptest::sample::select(TOKENS).prop_map(String::from),
        "[a-zA-Z0-9 .,!?]{1,8}",
    ];
    proptest::collection::vec(token, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_unicode_never_breaks_invariants(text in any::<String>(), a in any::<usize>(), b in any::<usize>()) {
        for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
            let draft = parse(&text, format, &Metadata::new());
            check_invariants(&draft)?;
            check_mapping(&draft.normalized, &draft.prose, a, b)?;
        }
    }

    #[test]
    fn markdown_soup_never_breaks_invariants(text in soup(), a in any::<usize>(), b in any::<usize>()) {
        for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
            let draft = parse(&text, format, &Metadata::new());
            check_invariants(&draft)?;
            check_mapping(&draft.normalized, &draft.prose, a, b)?;
            let r = draft.original_range(TextRange::new(
                ((a % (draft.normalized.text.len() + 1)) as u32).into(),
                (draft.normalized.text.len() as u32).into(),
            ));
            prop_assert!(is_boundary(&draft.text, r));
        }
    }

    #[test]
    fn normalized_ranges_map_to_char_boundaries(text in any::<String>(), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        let view = NormalizedView::new(&text);
        prop_assert_eq!(&view.text, &decorum_draft::normalize_str(&text));
        for pair in cuts.chunks(2) {
            if let [a, b] = pair {
                check_mapping(&view, &text, *a, *b)?;
            }
        }
    }
}

/// Parses `text` in both formats within `limit` (generous: debug builds are slow).
fn parses_quickly(name: &str, text: &str, limit: Duration) {
    for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
        let started = Instant::now();
        let draft = parse(text, format, &Metadata::new());
        let took = started.elapsed();
        assert_eq!(draft.prose.len(), text.len());
        eprintln!("{name} ({format:?}): {took:?}");
        assert!(took < limit, "{name} ({format:?}) took {took:?}");
    }
}

#[test]
fn hostile_inputs_stay_fast() {
    let limit = Duration::from_secs(20);
    parses_quickly("100k quote markers", &">".repeat(100_000), limit);
    parses_quickly("50k nested quotes", &"> ".repeat(50_000), limit);
    parses_quickly("100k brackets", &"[".repeat(100_000), limit);
    parses_quickly("50k link openers", &"[a](".repeat(50_000), limit);
    parses_quickly("50k emphasis", &"*a ".repeat(50_000), limit);
    parses_quickly(
        "1000-level list nesting",
        &(0..1000)
            .map(|i| format!("{}- x\n", " ".repeat(i * 2)))
            .collect::<String>(),
        limit,
    );
    parses_quickly(
        "unterminated comment",
        &format!("<!--{}", "a -- b ".repeat(50_000)),
        limit,
    );
    parses_quickly(
        "many comments",
        &"<!-- decorum-allow a: b -->\n".repeat(20_000),
        limit,
    );
    parses_quickly(
        "many separators",
        &"<!-- post -->\n---\na: 1\n---\nx\n".repeat(10_000),
        limit,
    );
    parses_quickly("periods", &". ".repeat(100_000), limit);
    parses_quickly("abbreviations", &"Dr. ".repeat(50_000), limit);
    parses_quickly("url soup", &"http://".repeat(50_000), limit);
    parses_quickly("www soup", &"www.".repeat(50_000), limit);
    parses_quickly("combining marks", &"\u{301}".repeat(100_000), limit);
    parses_quickly("zwj chain", &"👩\u{200d}".repeat(50_000), limit);
    parses_quickly("flags", &"🇪".repeat(50_000), limit);
    let deep_yaml = format!(
        "---\n{}\n---\nbody",
        (0..2000)
            .map(|i| format!("{}k:", " ".repeat(i)))
            .collect::<Vec<_>>()
            .join("\n")
    );
    parses_quickly("deep yaml", &deep_yaml, limit);
    let flow_yaml = format!("---\na: {}\n---\nbody", "[".repeat(50_000));
    parses_quickly("deep flow yaml", &flow_yaml, limit);
    let binary: String = (0..150_000u64)
        .map(|i| char::from_u32(((i * 7919) % 0x2FFFF) as u32).unwrap_or('x'))
        .collect();
    parses_quickly("binary-looking", &binary, limit);
}

#[test]
fn a_large_draft_parses() {
    let paragraph = "My patient, a 45-year-old teacher, finally quit smoking! Read more at https://example.com/story. #health @clinic “Quoted” café — done.\n\n";
    let text = paragraph.repeat(1024 * 1024 / paragraph.len());
    let draft = parse(&text, DraftFormat::Markdown, &Metadata::new());
    assert_eq!(draft.posts.len(), 1);
    assert_eq!(
        draft.posts[0].paragraphs.len(),
        text.len() / paragraph.len()
    );
}
