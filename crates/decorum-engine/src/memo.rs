//! Scanning only what an edit changed.
//!
//! The language server checks a long document on every keystroke, and an edit changes
//! one or two of its chunks (runs of non-blank lines, [`chunks`]). No match spans two
//! chunks, and a chunk's matches depend only on its text and the line breaks around it,
//! so the matches of every chunk outside the edit are those of the last check, moved by
//! the length the edit added or removed. [`ScanMemo`] keeps the last check's text, prose
//! and matches; [`Matcher::scan_with_memo`] compares the new text and prose with them
//! from both ends and searches only the chunks in between.

use decorum_draft::Draft;

use crate::sets::{MatchIndex, Matcher, Region, chunks};

/// What the last check of a long draft leaves for the next check of the same document
/// ([`crate::PolicySet::check_incremental`]): the text and prose it scanned and the
/// matches it found. Held in memory only, by whoever holds the memo (the language server
/// keeps one per open document); it holds nothing for drafts checked in one piece.
#[derive(Debug, Default)]
pub struct ScanMemo {
    /// The matcher that found `index` (0: none yet).
    instance: u64,
    text: String,
    prose: String,
    index: MatchIndex,
}

impl ScanMemo {
    /// An empty memo: the next check scans everything.
    pub fn new() -> ScanMemo {
        ScanMemo::default()
    }

    /// Forgets the last check and frees what it held.
    pub fn clear(&mut self) {
        *self = ScanMemo::default();
    }

    /// Remembers a check of `draft` by `matcher` that found `index`.
    pub(crate) fn keep(&mut self, matcher: &Matcher, draft: &Draft, index: MatchIndex) {
        // Marked as belonging to no matcher until it is whole, should copying fail.
        self.instance = 0;
        self.text.clear();
        self.text.push_str(&draft.text);
        self.prose.clear();
        self.prose.push_str(&draft.prose);
        self.index = index;
        self.instance = matcher.instance;
    }
}

/// How a draft is scanned with a memo: which old matches stay, which chunks are new.
#[derive(Debug)]
struct Plan {
    /// The old matches before the edit stay where they were: `..head` of the old index.
    head: usize,
    /// The old matches after the edit move by the change in length: `tail..`.
    tail: usize,
    /// The chunks to search.
    middle: Vec<std::ops::Range<usize>>,
}

impl Matcher {
    /// The matches of [`Matcher::scan`], searching only the chunks of `draft` that may
    /// differ from the draft `memo` remembers (all of them if the memo is empty or from
    /// another matcher). Regions of at least `min_bytes` are searched on two threads.
    pub(crate) fn scan_with_memo(
        &self,
        draft: &Draft,
        memo: &ScanMemo,
        min_bytes: usize,
    ) -> MatchIndex {
        if memo.instance != self.instance {
            return self.scan_parallel_from(draft, min_bytes);
        }
        let plan = plan(draft, memo);
        let old = memo.index.entries();
        if plan.head > plan.tail || plan.tail > old.len() {
            // Cannot happen (the head lies in the common prefix, the tail after the common
            // suffix begins); scanning everything is right whatever happened.
            return self.scan_parallel_from(draft, min_bytes);
        }
        let fresh = if plan.middle.is_empty() {
            MatchIndex::default()
        } else {
            self.scan_region_parallel_from(draft, &Region::of(draft, plan.middle), min_bytes)
        };
        MatchIndex::concat(
            &old[..plan.head],
            fresh,
            &old[plan.tail..],
            (memo.text.len(), draft.text.len()),
        )
    }
}

/// Compares `draft` with the one `memo` remembers from both ends.
fn plan(draft: &Draft, memo: &ScanMemo) -> Plan {
    let (old, new) = (memo.text.as_bytes(), draft.text.as_bytes());
    let (old_prose, new_prose) = (memo.prose.as_bytes(), draft.prose.as_bytes());
    // Text and prose are the same length in each draft.
    let prefix = common_prefix(old, new).min(common_prefix(old_prose, new_prose));
    let room = old.len().min(new.len()) - prefix;
    let suffix = common_suffix(old, new)
        .min(common_suffix(old_prose, new_prose))
        .min(room);
    let tail_from = new.len() - suffix;
    let all = chunks(&draft.prose);
    // A chunk is the same in both drafts, with the same matches, when it and the blank
    // lines up to the next chunk (for the head) or from the previous one (for the tail)
    // lie in the common prefix or suffix: then the old draft's chunks break at the same
    // places there.
    let head = all.partition_point(|c| c.start <= prefix).saturating_sub(1);
    let tail = (all.partition_point(|c| c.end < tail_from) + 1).clamp(head, all.len());
    let old_matches = memo.index.entries();
    let old_before = |at: usize| old_matches.partition_point(|(r, _)| usize::from(r.start()) < at);
    Plan {
        head: if head == 0 {
            0
        } else {
            old_before(all[head].start)
        },
        // The chunk's start lies in the common suffix, after the edit.
        tail: all.get(tail).map_or(old_matches.len(), |c| {
            old_before(c.start + old.len() - new.len())
        }),
        middle: all.get(head..tail).unwrap_or_default().to_vec(),
    }
}

/// Length of the longest common prefix of `a` and `b`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    // Blocks first: comparing slices uses memcmp.
    let equal_blocks = a
        .chunks_exact(64)
        .zip(b.chunks_exact(64))
        .position(|(x, y)| x != y)
        .unwrap_or(n / 64);
    let from = equal_blocks * 64;
    from + a[from..]
        .iter()
        .zip(&b[from..])
        .position(|(x, y)| x != y)
        .unwrap_or(n - from)
}

/// Length of the longest common suffix of `a` and `b`.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let equal_blocks = a
        .rchunks_exact(64)
        .zip(b.rchunks_exact(64))
        .position(|(x, y)| x != y)
        .unwrap_or(n / 64);
    let done = equal_blocks * 64;
    done + a[..n - done]
        .iter()
        .rev()
        .zip(b[..n - done].iter().rev())
        .position(|(x, y)| x != y)
        .unwrap_or(n - done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sets::tests::{std_example_texts, std_policy_set};
    use decorum_draft::{DraftFormat, Metadata};

    #[test]
    fn common_ends() {
        let a = "x".repeat(200) + "abc" + &"y".repeat(130);
        let b = "x".repeat(200) + "aXc" + &"y".repeat(130);
        assert_eq!(common_prefix(a.as_bytes(), b.as_bytes()), 201);
        assert_eq!(common_suffix(a.as_bytes(), b.as_bytes()), 131);
        assert_eq!(common_prefix(b"abc", b"abcdef"), 3);
        assert_eq!(common_suffix(b"def", b"abcdef"), 3);
        assert_eq!(common_prefix(b"", b"abc"), 0);
        assert_eq!(common_suffix(a.as_bytes(), a.as_bytes()), a.len());
    }

    /// Text typed or pasted in an edit: words that match, line breaks that split or join
    /// chunks, a code fence that turns what follows into non-prose, odd characters.
    const INSERTS: &[&str] = &[
        "",
        " ",
        "e",
        "\n",
        "\n\n",
        "\r\n",
        "  \n",
        "my patient",
        "My 45-year-old patient from Millbrook",
        " cures anxiety, guaranteed",
        "```\n",
        "`",
        "# ",
        "- ",
        "<!-- ",
        " -->",
        "f*ck",
        "\u{301}",
        "\u{200b}",
        "😀",
        "Café ",
        "#collab @clinic https://example.org/x ",
    ];

    fn draft(text: &str) -> Draft {
        decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::default())
    }

    /// The floor char boundary of `fraction` (of 1024) of `text`.
    fn at(text: &str, fraction: u16) -> usize {
        let mut i = text.len() * usize::from(fraction % 1025) / 1024;
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// After any series of edits, the matches found through the memo are those of a
        /// scan of the whole draft, and so is the report.
        #[test]
        fn memo_scans_find_what_whole_scans_find(
            edits in proptest::collection::vec(
                (0u16..1025, 0u16..1025, 0usize..INSERTS.len()),
                1..8,
            )
        ) {
            let (set, texts) = fixture();
            let matcher = set.matcher();
            let mut text: String = texts.join("\n\n");
            let mut memo = ScanMemo::new();
            let first = draft(&text);
            let index = matcher.scan_with_memo(&first, &memo, 0);
            memo.keep(matcher, &first, index);
            for (i, &(from, to, insert)) in edits.iter().enumerate() {
                // Replace up to 300 bytes between two points with one of the inserts.
                let a = at(&text, from.min(to));
                let mut b = at(&text, from.max(to)).min(a + 300);
                while !text.is_char_boundary(b) {
                    b -= 1;
                }
                text.replace_range(a..b, INSERTS[insert]);
                let edited = draft(&text);
                let through_memo = matcher.scan_with_memo(&edited, &memo, 0);
                proptest::prop_assert!(
                    through_memo == matcher.scan(&edited),
                    "edit {}: {:?} at {}..{}", i, INSERTS[insert], a, b
                );
                if i + 1 < edits.len() {
                    memo.keep(matcher, &edited, through_memo);
                } else {
                    // The whole check through the memo, against a check in one piece.
                    proptest::prop_assert_eq!(
                        set.check_incremental_from(&edited, &mut memo, 0),
                        set.check(&edited)
                    );
                }
            }
        }
    }

    /// The std library and every fourth of its examples (a few KB of text, quick in
    /// debug builds), compiled once.
    fn fixture() -> &'static (crate::PolicySet, Vec<String>) {
        static FIXTURE: std::sync::OnceLock<(crate::PolicySet, Vec<String>)> =
            std::sync::OnceLock::new();
        FIXTURE.get_or_init(|| {
            let set = std_policy_set();
            let texts = std_example_texts(&set).into_iter().step_by(4).collect();
            (set, texts)
        })
    }

    /// Typing in one paragraph of a long draft searches that paragraph only.
    #[test]
    fn an_edit_inside_a_paragraph_searches_that_paragraph() {
        let (set, texts) = fixture();
        let text = texts.join("\n\n");
        let before = draft(&text);
        let mut memo = ScanMemo::new();
        memo.keep(set.matcher(), &before, set.matcher().scan(&before));
        let middle = text.len() / 2;
        let at = text[..middle].rfind("\n\n").expect("a paragraph break") + 2;
        let mut edited = text.clone();
        edited.insert(at + 1, 'x');
        let plan = plan(&draft(&edited), &memo);
        assert_eq!(plan.middle.len(), 1, "{plan:?}");
        assert!(plan.middle[0].start == at, "{plan:?}");
        let old = memo.index.entries().len();
        assert!(
            plan.head > old / 4 && plan.tail < old * 3 / 4,
            "{plan:?} of {old}"
        );
    }

    #[test]
    fn a_memo_of_another_matcher_is_not_used() {
        let (set, texts) = fixture();
        let text = texts.join("\n\n");
        let d = draft(&text);
        let mut memo = ScanMemo::new();
        // A memo claiming this matcher but holding nothing: every old chunk is "the same"
        // and would be reused as empty.
        let other = std_policy_set();
        memo.keep(other.matcher(), &d, MatchIndex::default());
        assert!(set.matcher().scan_with_memo(&d, &memo, 0) == set.matcher().scan(&d));
        assert!(!set.matcher().scan(&d).entries().is_empty());
    }
}

#[cfg(test)]
mod edge_tests {
    use super::*;
    use crate::sets::tests::std_policy_set;
    use decorum_draft::{DraftFormat, Metadata};

    fn draft(text: &str) -> Draft {
        decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::default())
    }

    /// Edits where a chunk's matches change although its own text does not: a blank
    /// line inserted or removed next to it (the client-story regex matches across a line
    /// break inside a chunk, never across a blank line), a code fence opened before it,
    /// edits at both ends. Each case fails if the memo trusts the chunks on either side
    /// of the edit without the blank lines between them.
    #[test]
    fn edits_next_to_a_chunk_are_seen() {
        let set = std_policy_set();
        let matcher = set.matcher();
        let filler = "Wash your hands often, especially before meals.\n\n".repeat(3);
        let cases: Vec<(String, String)> = [
            ("my\npatient", "my\n\npatient"),
            ("my\n\npatient", "my\npatient"),
            // The match from "my" hides the one from "this" until the chunk splits.
            ("my\nthis old patient", "my\n\nthis old patient"),
            ("my\nthis old patient", "my,\n\nthis old patient"),
            ("my\n\nthis old patient", "my\nthis old patient"),
            ("my\n  \npatient", "my\n  x\npatient"),
            ("my patient", "```\nmy patient"),
            ("```\nmy patient", "my patient"),
        ]
        .iter()
        .flat_map(|(a, b)| {
            [
                (
                    format!("{filler}{a}\n\n{filler}"),
                    format!("{filler}{b}\n\n{filler}"),
                ),
                (format!("{a}\n\n{filler}"), format!("{b}\n\n{filler}")),
                (format!("{filler}{a}"), format!("{filler}{b}")),
            ]
        })
        .collect();
        for (before, after) in cases {
            let (before, after) = (draft(&before), draft(&after));
            let mut memo = ScanMemo::new();
            memo.keep(matcher, &before, matcher.scan(&before));
            assert!(
                matcher.scan_with_memo(&after, &memo, 0) == matcher.scan(&after),
                "{:?} -> {:?}",
                before.text,
                after.text
            );
        }
    }
}
