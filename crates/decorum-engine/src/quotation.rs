//! Quotations: `Posts like "My client today told me..." can feel harmless` quotes a post
//! to teach, it does not tell a client's story.
//!
//! A match of a set marked `unless quoted` is dropped when it lies inside a quotation in
//! its paragraph: after an opening mark and before its closing mark, with neither mark
//! inside the match. The marks ([`Kind`]) are straight double quotes (`"..."`, paired in
//! order), curly double quotes (`“...”`), low-high quotes (`„...“` in German, `„...”` in
//! Polish or Hungarian) and guillemets, which open with whichever of `«` and `»` comes
//! first in the paragraph (`«...»` in French, `»...«` in German). A straight quote right
//! after feet and inches (`6'2"`, `5’11"`) is an inch mark, not a quote. Single quotes are
//! not quotation marks, since `'` and `’` are also apostrophes; nor are Markdown block
//! quotes (`> ...`), which often hold the writer's own words. A quotation does not run
//! across paragraphs: an unclosed mark quotes nothing.

use decorum_draft::{Draft, Post};
use decorum_text::TextRange;

/// The kinds of quotation, each with its own opening and closing marks.
#[derive(Clone, Copy)]
enum Kind {
    /// `"..."`: the same mark opens and closes.
    Straight,
    /// `“...”`.
    Curly,
    /// `„...“` or `„...”`.
    Low,
    /// `«...»` or `»...«`, by the paragraph's first guillemet.
    Guillemets,
}

const KINDS: [Kind; 4] = [Kind::Straight, Kind::Curly, Kind::Low, Kind::Guillemets];

/// Where a post's quotation marks are, so that each match asks a few binary searches
/// instead of reading its whole paragraph (a paragraph can be a megabyte long, with
/// thousands of matches in it).
pub(crate) struct Quotes {
    /// For each of [`KINDS`], the prose offsets of its opening marks and of its closing
    /// marks, sorted (for straight quotes, every mark is in the opening list).
    marks: [(Vec<u32>, Vec<u32>); 4],
}

impl Quotes {
    /// The marks in `post`'s paragraphs.
    pub(crate) fn of(draft: &Draft, post: &Post) -> Quotes {
        let mut marks: [(Vec<u32>, Vec<u32>); 4] = Default::default();
        let prose = draft.prose.as_str();
        for &paragraph in &post.paragraphs {
            let start = usize::from(paragraph.start());
            let Some(text) = prose.get(start..usize::from(paragraph.end())) else {
                continue;
            };
            // Which way guillemets open is decided by the paragraph's first one, which
            // is the first this walk meets.
            let mut inward = None;
            // The marks' first bytes: `"`, 0xE2 for `“`, `”` and `„` (U+201C to U+201E)
            // and 0xC2 for `«` and `»`. Looked for byte-wise with memchr rather than
            // char by char (decoding every character of every paragraph cost more than
            // the rest of this function); 0xE2 and 0xC2 only ever begin a character.
            let bytes = text.as_bytes();
            for i in memchr::memchr3_iter(b'"', 0xE2, 0xC2, bytes) {
                let at = (start + i) as u32;
                let mut push = |kind: Kind, opening: bool| {
                    let (opens, closes) = &mut marks[kind as usize];
                    if opening { opens } else { closes }.push(at);
                };
                match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
                    (b'"', _, _) if !is_inch_mark(&text[..i]) => push(Kind::Straight, true),
                    // `“`
                    (0xE2, Some(0x80), Some(0x9C)) => {
                        push(Kind::Curly, true);
                        push(Kind::Low, false);
                    }
                    // `”`
                    (0xE2, Some(0x80), Some(0x9D)) => {
                        push(Kind::Curly, false);
                        push(Kind::Low, false);
                    }
                    // `„`
                    (0xE2, Some(0x80), Some(0x9E)) => push(Kind::Low, true),
                    // `«`
                    (0xC2, Some(0xAB), _) => {
                        let inward = *inward.get_or_insert(false);
                        push(Kind::Guillemets, !inward);
                    }
                    // `»`
                    (0xC2, Some(0xBB), _) => {
                        let inward = *inward.get_or_insert(true);
                        push(Kind::Guillemets, inward);
                    }
                    _ => {}
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
        KINDS.iter().any(|&kind| {
            let (opens, closes) = &self.marks[kind as usize];
            let (open_before, closes) = if let Kind::Straight = kind {
                // The same mark both ways: an odd number of them before the match.
                (within(opens, p_start, start).len() % 2 == 1, opens)
            } else {
                // An opening mark after the last closing one.
                let o = within(opens, p_start, start);
                let c = within(closes, p_start, start);
                let open = match (o.is_empty(), c.is_empty()) {
                    (true, _) => false,
                    (false, true) => true,
                    (false, false) => opens[o.end - 1] > closes[c.end - 1],
                };
                (open, closes)
            };
            open_before
                && within(opens, start, end).is_empty()
                && within(closes, start, end).is_empty()
                && !within(closes, end, p_end).is_empty()
        })
    }
}

/// True when a straight double quote after `before` is an inch mark: it follows feet and
/// inches, a digit, an apostrophe or `’`, and one or two digits (`6'2"`, `5’11"`).
fn is_inch_mark(before: &str) -> bool {
    let inches = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=2).contains(&inches) {
        return false;
    }
    let rest = &before[..before.len() - inches];
    rest.strip_suffix(['\'', '’'])
        .and_then(|feet| feet.chars().next_back())
        .is_some_and(|c| c.is_ascii_digit())
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

    /// What [`Quotes::is_quoted`] must answer, found by reading the paragraph around
    /// the match (the first implementation, which was quadratic on long paragraphs).
    fn is_quoted_by_reading(draft: &Draft, post: &Post, range: TextRange) -> bool {
        let paragraphs = &post.paragraphs;
        let i = paragraphs.partition_point(|p| p.end() <= range.start());
        let Some(paragraph) = paragraphs.get(i).filter(|p| p.contains_range(range)) else {
            return false;
        };
        let prose = draft.prose.as_str();
        let Some(text) = prose.get(std::ops::Range::<usize>::from(*paragraph)) else {
            return false;
        };
        // Inch marks become `#`, which is no mark.
        let mut text = text.to_string();
        let inches: Vec<usize> = text
            .match_indices('"')
            .map(|(i, _)| i)
            .filter(|&i| is_inch_mark(&text[..i]))
            .collect();
        for i in inches {
            text.replace_range(i..i + 1, "#");
        }
        let inward = text
            .find(['«', '»'])
            .is_some_and(|i| text[i..].starts_with('»'));
        let base = usize::from(paragraph.start());
        let (s, e) = (
            usize::from(range.start()) - base,
            usize::from(range.end()) - base,
        );
        let (Some(before), Some(inside), Some(after)) =
            (text.get(..s), text.get(s..e), text.get(e..))
        else {
            return false;
        };
        let guillemets = if inward { ("»", "«") } else { ("«", "»") };
        let pairs: [(&[&str], &[&str]); 4] = [
            (&["\""], &["\""]),
            (&["“"], &["”"]),
            (&["„"], &["“", "”"]),
            (&[guillemets.0], &[guillemets.1]),
        ];
        pairs.iter().enumerate().any(|(k, &(open, close))| {
            let last =
                |text: &str, marks: &[&str]| marks.iter().filter_map(|m| text.rfind(m)).max();
            let has = |text: &str, marks: &[&str]| marks.iter().any(|m| text.contains(m));
            let open_before = if k == 0 {
                before.matches('"').count() % 2 == 1
            } else {
                match (last(before, open), last(before, close)) {
                    (Some(o), Some(c)) => o > c,
                    (Some(_), None) => true,
                    (None, _) => false,
                }
            };
            open_before && !has(inside, open) && !has(inside, close) && has(after, close)
        })
    }

    /// Every character that can be a quotation mark.
    const MARK_CHARS: [char; 6] = ['"', '“', '”', '„', '«', '»'];

    /// The marks as the first implementation found them: char by char.
    fn marks_by_chars(draft: &Draft, post: &Post) -> [(Vec<u32>, Vec<u32>); 4] {
        let mut marks: [(Vec<u32>, Vec<u32>); 4] = Default::default();
        let prose = draft.prose.as_str();
        for &paragraph in &post.paragraphs {
            let start = usize::from(paragraph.start());
            let Some(text) = prose.get(start..usize::from(paragraph.end())) else {
                continue;
            };
            let inward = text
                .find(['«', '»'])
                .is_some_and(|i| text[i..].starts_with('»'));
            for (i, c) in text.match_indices(MARK_CHARS) {
                let at = (start + i) as u32;
                let mut push = |kind: Kind, opening: bool| {
                    let (opens, closes) = &mut marks[kind as usize];
                    if opening { opens } else { closes }.push(at);
                };
                match c {
                    "\"" if !is_inch_mark(&text[..i]) => push(Kind::Straight, true),
                    "“" => {
                        push(Kind::Curly, true);
                        push(Kind::Low, false);
                    }
                    "”" => {
                        push(Kind::Curly, false);
                        push(Kind::Low, false);
                    }
                    "„" => push(Kind::Low, true),
                    "«" => push(Kind::Guillemets, !inward),
                    "»" => push(Kind::Guillemets, inward),
                    _ => {}
                }
            }
        }
        marks
    }

    proptest::proptest! {
        /// The byte-wise search finds the marks the char-by-char one found, in text full
        /// of marks and of other characters that share their first byte (`’`, `—`, `…`
        /// begin with 0xE2, `é` does not, `§` and `°` begin with 0xC2).
        #[test]
        fn marks_are_found_as_char_by_char(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "\"", "“", "”", "«", "»", "„", "a", "b ", " ", "\n\n", "\n", "'", "’",
                    "> ", "é", "6", "12", "—", "…", "‘", "§", "°", "€", "¡", "*", "`x`",
                ]),
                0..60,
            ).prop_map(|parts| parts.concat())
        ) {
            let draft = decorum_draft::parse(&text, DraftFormat::Markdown, &Metadata::new());
            for post in &draft.posts {
                proptest::prop_assert_eq!(
                    &Quotes::of(&draft, post).marks,
                    &marks_by_chars(&draft, post),
                    "{:?}", text
                );
            }
        }
    }

    proptest::proptest! {
        /// The mark positions answer as reading the paragraph does, for every span
        /// between character boundaries of text full of marks.
        #[test]
        fn mark_positions_answer_as_reading_does(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "\"", "“", "”", "«", "»", "„", "a", "b ", " ", "\n\n", "\n", "'", "’",
                    "> ", "é", "6", "12",
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
        // (text, the match, whether it is quoted, why)
        let cases = [
            (
                "Posts like \"My client today told me\" hurt.",
                "My client",
                true,
                "straight",
            ),
            (
                "Posts like “My client today told me” hurt.",
                "My client",
                true,
                "curly",
            ),
            (
                "Des posts comme «my client today» blessent.",
                "my client",
                true,
                "guillemets",
            ),
            (
                "\"a\" and \"my client\" too",
                "my client",
                true,
                "the second quotation",
            ),
            (
                "\"a\" and my client \"b\"",
                "my client",
                false,
                "between two quotes",
            ),
            (
                "My client said \"thanks\".",
                "My client",
                false,
                "before the quotation",
            ),
            (
                "“Thanks,” my client said.",
                "my client",
                false,
                "after the closing mark",
            ),
            ("He said “my client", "my client", false, "never closed"),
            (
                "She wrote \"hi\n\nmy client\" there.",
                "my client",
                false,
                "not across paragraphs",
            ),
            (
                "It's my client's 'story'.",
                "my client",
                false,
                "apostrophes",
            ),
            ("> my client came in", "my client", false, "a block quote"),
            (
                "He said “a “my client” b” once.",
                "a “my client",
                false,
                "a mark inside the match",
            ),
            (
                "Nie schreiben: „Mein Patient heute“.",
                "Mein Patient",
                true,
                "German",
            ),
            (
                "Nie pisz: „mój pacjent dzisiaj”.",
                "pacjent",
                true,
                "Polish",
            ),
            (
                "Nie schreiben: »Mein Patient heute«.",
                "Mein Patient",
                true,
                "inward guillemets",
            ),
            (
                "Il dit «a» my client «b».",
                "my client",
                false,
                "between two French quotations",
            ),
            (
                "He is 6'2\" and my client says \"hi\".",
                "my client",
                false,
                "an inch mark",
            ),
            (
                "She's 5’11\", my client",
                "my client",
                false,
                "an inch mark after ’",
            ),
            (
                "Code \"SAVE20\" and \"my client\" too",
                "my client",
                true,
                "a quote after digits",
            ),
        ];
        for (text, needle, expected, why) in cases {
            assert_eq!(quoted(text, needle), expected, "{why}: {text:?}");
        }
    }
}
