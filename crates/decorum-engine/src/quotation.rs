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

/// True when the match at `range` lies inside a quotation of its paragraph.
pub(crate) fn is_quoted(draft: &Draft, post: &Post, range: TextRange) -> bool {
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
        open_before(before, open, close)
            && !inside.contains(open)
            && !inside.contains(close)
            && after.contains(close)
    })
}

/// True when `text` ends inside a quotation opened by `open`: for straight quotes (the
/// same mark both ways), an odd number of them; otherwise an opening mark after the last
/// closing one.
fn open_before(text: &str, open: char, close: char) -> bool {
    if open == close {
        return text.matches(open).count() % 2 == 1;
    }
    match (text.rfind(open), text.rfind(close)) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use decorum_draft::{DraftFormat, Metadata};

    /// Whether the first occurrence of `needle` in `text` is quoted.
    fn quoted(text: &str, needle: &str) -> bool {
        let draft = decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::new());
        let start = text.find(needle).unwrap();
        let range = TextRange::new(
            (start as u32).into(),
            ((start + needle.len()) as u32).into(),
        );
        is_quoted(&draft, &draft.posts[0], range)
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
