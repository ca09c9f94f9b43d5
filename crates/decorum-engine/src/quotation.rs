//! Quotations: `Posts like "My client today told me..." can feel harmless` quotes a post
//! to teach, it does not tell a client's story.
//!
//! A match of a set marked `unless quoted` is dropped when it lies inside a quotation in
//! its paragraph: after an opening mark and before its closing mark, with neither mark
//! inside the match. The marks are straight double quotes (`"..."`, paired in order),
//! curly double quotes (`“...”`) and guillemets (`«...»`). Single quotes are not, since
//! `'` and `’` are also apostrophes; nor are Markdown block quotes (`> ...`), which
//! often hold the writer's own words. A quotation does not run across paragraphs: an
//! unclosed mark quotes nothing.
//!
//! Known limits: German `„...“` closes with the mark English opens with, and `»...«` is
//! not recognised; an inch mark (`6'2"`) counts as a straight quote and can make the rest
//! of its paragraph look quoted.

use decorum_draft::{Draft, Post};
use decorum_text::TextRange;

/// The quotation marks: (opening, closing).
const MARKS: [(char, char); 3] = [('"', '"'), ('“', '”'), ('«', '»')];

/// Where a post's quotation marks are, so that each match asks a few binary searches
/// instead of reading its whole paragraph (a paragraph can be a megabyte long, with
/// thousands of matches in it).
pub(crate) struct Quotes {
    /// For each of [`MARKS`], the prose offsets of its opening marks and of its closing
    /// marks, sorted (the same list twice for straight quotes).
    marks: [(Vec<u32>, Vec<u32>); 3],
}

impl Quotes {
    /// The marks in `post`'s paragraphs.
    pub(crate) fn of(draft: &Draft, post: &Post) -> Quotes {
        let mut marks: [(Vec<u32>, Vec<u32>); 3] = Default::default();
        let prose = draft.prose.as_str();
        for &paragraph in &post.paragraphs {
            let start = usize::from(paragraph.start());
            let Some(text) = prose.get(start..usize::from(paragraph.end())) else {
                continue;
            };
            // Every mark is `"` or starts with one of the UTF-8 lead bytes of the others.
            for (i, c) in text.match_indices(['"', '“', '”', '«', '»']) {
                let at = (start + i) as u32;
                let c = c.chars().next();
                for (k, &(open, close)) in MARKS.iter().enumerate() {
                    if c == Some(open) {
                        marks[k].0.push(at);
                    }
                    if c == Some(close) && open != close {
                        marks[k].1.push(at);
                    }
                }
            }
        }
        Quotes { marks }
    }

    /// True when the match at `range` lies inside a quotation of its paragraph in
    /// `post` (the post these marks were taken from).
    pub(crate) fn is_quoted(&self, post: &Post, range: TextRange) -> bool {
        let paragraphs = &post.paragraphs;
        let i = paragraphs.partition_point(|p| p.end() <= range.start());
        let Some(paragraph) = paragraphs.get(i).filter(|p| p.contains_range(range)) else {
            return false;
        };
        let (p_start, start, end, p_end) = (
            u32::from(paragraph.start()),
            u32::from(range.start()),
            u32::from(range.end()),
            u32::from(paragraph.end()),
        );
        // The marks of a sorted list in `from..to`.
        let within = |list: &[u32], from: u32, to: u32| {
            let a = list.partition_point(|&m| m < from);
            let b = list.partition_point(|&m| m < to);
            a..b.max(a)
        };
        self.marks.iter().enumerate().any(|(k, (opens, closes))| {
            let closes = if MARKS[k].0 == MARKS[k].1 {
                opens
            } else {
                closes
            };
            let open_before = if MARKS[k].0 == MARKS[k].1 {
                // The same mark both ways: an odd number of them before the match.
                within(opens, p_start, start).len() % 2 == 1
            } else {
                // An opening mark after the last closing one.
                let o = within(opens, p_start, start);
                let c = within(closes, p_start, start);
                match (o.is_empty(), c.is_empty()) {
                    (true, _) => false,
                    (false, true) => true,
                    (false, false) => opens[o.end - 1] > closes[c.end - 1],
                }
            };
            open_before
                && within(opens, start, end).is_empty()
                && within(closes, start, end).is_empty()
                && !within(closes, end, p_end).is_empty()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use decorum_draft::{DraftFormat, Metadata};
    use proptest::strategy::Strategy;

    /// Whether the first occurrence of `needle` in `text` is quoted.
    fn quoted(text: &str, needle: &str) -> bool {
        let draft = decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::new());
        let start = text.find(needle).unwrap();
        let range = TextRange::new(
            (start as u32).into(),
            ((start + needle.len()) as u32).into(),
        );
        Quotes::of(&draft, &draft.posts[0]).is_quoted(&draft.posts[0], range)
    }

    /// The first implementation, which reads the paragraph around each match: what
    /// [`Quotes::is_quoted`] must answer.
    fn is_quoted_by_reading(draft: &Draft, post: &Post, range: TextRange) -> bool {
        let paragraphs = &post.paragraphs;
        let i = paragraphs.partition_point(|p| p.end() <= range.start());
        let Some(paragraph) = paragraphs.get(i).filter(|p| p.contains_range(range)) else {
            return false;
        };
        let prose = draft.prose.as_str();
        let slice = |r: TextRange| prose.get(std::ops::Range::<usize>::from(r));
        let (Some(before), Some(inside), Some(after)) = (
            slice(TextRange::new(paragraph.start(), range.start())),
            slice(range),
            slice(TextRange::new(range.end(), paragraph.end())),
        ) else {
            return false;
        };
        MARKS.iter().any(|&(open, close)| {
            let open_before = if open == close {
                before.matches(open).count() % 2 == 1
            } else {
                match (before.rfind(open), before.rfind(close)) {
                    (Some(o), Some(c)) => o > c,
                    (Some(_), None) => true,
                    (None, _) => false,
                }
            };
            open_before
                && !inside.contains(open)
                && !inside.contains(close)
                && after.contains(close)
        })
    }

    proptest::proptest! {
        /// The mark positions answer as reading the paragraph does, for every span
        /// between character boundaries of text full of marks.
        #[test]
        fn mark_positions_answer_as_reading_does(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "\"", "“", "”", "«", "»", "a", "b ", " ", "\n\n", "\n", "'", "> ", "é",
                ]),
                0..40,
            ).prop_map(|parts| parts.concat())
        ) {
            let draft = decorum_draft::parse(&text, DraftFormat::Markdown, &Metadata::new());
            let prose = draft.prose.as_str();
            let bounds: Vec<usize> = (0..=prose.len()).filter(|&i| prose.is_char_boundary(i)).collect();
            for post in &draft.posts {
                let quotes = Quotes::of(&draft, post);
                for (k, &a) in bounds.iter().enumerate() {
                    for &b in &bounds[k..] {
                        let range = TextRange::new((a as u32).into(), (b as u32).into());
                        proptest::prop_assert_eq!(
                            quotes.is_quoted(post, range),
                            is_quoted_by_reading(&draft, post, range),
                            "{:?} at {}..{}", text, a, b
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn inside_quotation_marks_of_its_paragraph() {
        assert!(quoted(
            "Posts like \"My client today told me\" hurt.",
            "My client"
        ));
        assert!(quoted(
            "Posts like “My client today told me” hurt.",
            "My client"
        ));
        assert!(quoted(
            "Des posts comme «my client today» blessent.",
            "my client"
        ));
        assert!(quoted("\"a\" and \"my client\" too", "my client"));
        assert!(
            !quoted("\"a\" and my client \"b\"", "my client"),
            "between two quotes"
        );
        assert!(!quoted("My client said \"thanks\".", "My client"));
        assert!(
            !quoted("“Thanks,” my client said.", "my client"),
            "after the closing mark"
        );
        assert!(!quoted("He said “my client", "my client"), "never closed");
        assert!(
            !quoted("She wrote \"hi\n\nmy client\" there.", "my client"),
            "not across paragraphs"
        );
        assert!(
            !quoted("It's my client's 'story'.", "my client"),
            "apostrophes"
        );
        assert!(!quoted("> my client came in", "my client"), "a block quote");
        assert!(
            !quoted("He said “a “my client” b” once.", "a “my client"),
            "a match holding a mark is not inside one quotation"
        );
    }
}
