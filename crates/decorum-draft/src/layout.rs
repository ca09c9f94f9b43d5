//! Splitting a file into posts: the `<!-- post -->` separator lines of a content calendar
//! and the front matter that may open the file and each post.

use std::ops::Range;

use crate::front_matter::{self, FrontMatter};
use crate::lines::{is_blank, line_end, next_line};

/// A separator line between two posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Separator {
    /// The whole line, including its line break.
    pub line: Range<usize>,
    /// The text after `post:` in `<!-- post: label -->`, trimmed, if any.
    pub label: Option<String>,
}

/// One stretch of the file that may become a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    /// Everything from the separator line (or the file start) to the next separator.
    pub range: Range<usize>,
    /// The separator that opens the segment, if any.
    pub separator: Option<Separator>,
    /// Front matter at the start of the segment (the file's for the first segment).
    pub front_matter: Option<FrontMatter>,
    /// The text after the separator and front matter.
    pub body: Range<usize>,
    /// An opening `---` line with no closing one where front matter could start, when
    /// what follows reads like YAML (see [`front_matter::unclosed`]).
    pub unclosed_front_matter: Option<Range<usize>>,
}

/// Parses the content of a separator line: `<!-- post -->` or `<!-- post: label -->`, the
/// word `post` in any case.
fn separator_label(line: &str) -> Option<Option<String>> {
    let inner = line
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim_matches(|c: char| c.is_ascii_whitespace());
    // `<!-- POST -->` is a separator too: a writer who typed it meant one.
    let rest = inner
        .get(.."post".len())
        .filter(|word| word.eq_ignore_ascii_case("post"))
        .and_then(|_| inner.get("post".len()..))?;
    if rest.is_empty() {
        return Some(None);
    }
    let label = rest
        .trim_start_matches(|c: char| c.is_ascii_whitespace())
        .strip_prefix(':')?
        .trim();
    Some((!label.is_empty()).then(|| label.to_owned()))
}

/// An opening or closing code fence: the fence character and its run length.
fn fence(line: &str) -> Option<(u8, usize, &str)> {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = line.get(indent..)?;
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let run = rest.bytes().take_while(|&b| b == ch).count();
    if run < 3 {
        return None;
    }
    Some((ch, run, rest.get(run..).unwrap_or_default()))
}

/// Finds separator lines from `from` on. In Markdown, lines inside fenced code blocks are
/// code, not separators.
pub(crate) fn separators(text: &str, from: usize, markdown: bool) -> Vec<Separator> {
    // A separator line holds `<!--`; most drafts have none, and a search for `<` settles
    // that without reading them line by line.
    let rest = text.as_bytes().get(from..).unwrap_or_default();
    if !memchr::memchr_iter(b'<', rest).any(|i| rest.get(i + 1..i + 4) == Some(b"!--")) {
        return Vec::new();
    }
    separators_by_line(text, from, markdown)
}

/// [`separators`], reading every line.
fn separators_by_line(text: &str, from: usize, markdown: bool) -> Vec<Separator> {
    let mut found = Vec::new();
    let mut open_fence: Option<(u8, usize)> = None;
    let mut line = from;
    let len = text.len();
    while line < len {
        let end = line_end(text, line, len);
        let next = next_line(text, end, len);
        let content = text.get(line..end).unwrap_or_default();
        let first = content.bytes().find(|b| !b.is_ascii_whitespace());
        if markdown && matches!(first, Some(b'`' | b'~')) {
            if let Some((ch, run, rest)) = fence(content) {
                match open_fence {
                    None if ch == b'~' || !rest.contains('`') => open_fence = Some((ch, run)),
                    Some((open_ch, open_run))
                        if ch == open_ch && run >= open_run && is_blank(rest) =>
                    {
                        open_fence = None
                    }
                    _ => {}
                }
            }
        } else if open_fence.is_none() && first == Some(b'<') {
            if let Some(label) = separator_label(content) {
                found.push(Separator {
                    line: line..next,
                    label,
                });
            }
        }
        if next == end {
            break;
        }
        line = next;
    }
    found
}

/// Skips blank lines from `at`, returning the start of the first non-blank line.
fn skip_blank_lines(text: &str, mut at: usize, limit: usize) -> usize {
    while at < limit {
        let end = line_end(text, at, limit);
        if !is_blank(text.get(at..end).unwrap_or_default()) {
            break;
        }
        let next = next_line(text, end, limit);
        if next == end {
            return limit;
        }
        at = next;
    }
    at
}

/// Splits `text` into segments. `start` is where the file's own content begins (after a
/// byte-order mark).
pub(crate) fn segments(text: &str, start: usize, markdown: bool) -> Vec<Segment> {
    let len = text.len();
    let file_fm = front_matter::find(text, start, len);
    let after_fm = file_fm.as_ref().map_or(start, |fm| fm.after);
    let seps = separators(text, after_fm, markdown);
    let first_end = seps.first().map_or(len, |s| s.line.start);
    let mut out = vec![Segment {
        range: 0..first_end,
        separator: None,
        body: after_fm.min(first_end)..first_end,
        unclosed_front_matter: file_fm
            .is_none()
            .then(|| front_matter::unclosed(text, start, first_end))
            .flatten(),
        front_matter: file_fm,
    }];
    for (i, sep) in seps.iter().enumerate() {
        let end = seps.get(i + 1).map_or(len, |s| s.line.start);
        let content = skip_blank_lines(text, sep.line.end, end);
        let fm = front_matter::find(text, content, end);
        let body_start = fm.as_ref().map_or(sep.line.end, |fm| fm.after);
        out.push(Segment {
            range: sep.line.start..end,
            separator: Some(sep.clone()),
            body: body_start.min(end)..end,
            unclosed_front_matter: fm
                .is_none()
                .then(|| front_matter::unclosed(text, content, end))
                .flatten(),
            front_matter: fm,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_lines() {
        assert_eq!(separator_label("<!-- post -->"), Some(None));
        assert_eq!(
            separator_label("  <!--post: Monday, flu shots -->\t"),
            Some(Some("Monday, flu shots".into()))
        );
        assert_eq!(separator_label("<!-- post: -->"), Some(None));
        assert_eq!(separator_label("<!-- posts -->"), None);
        assert_eq!(separator_label("<!-- POST -->"), Some(None));
        assert_eq!(
            separator_label("<!-- Post: Friday -->"),
            Some(Some("Friday".to_owned()))
        );
        assert_eq!(separator_label("<!-- pöst -->"), None);
        assert_eq!(separator_label("<!-- post --> text"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The search for `<!--` finds every draft with a separator: text made of
        /// separators, near misses, fences and prose splits as the line-by-line reading.
        #[test]
        fn separators_are_found_as_line_by_line(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<!-- post -->", "<!--post: Monday-->", "<!-", "<!--", "< !--", "<", "!--",
                    "-->", "post", " ", "\n", "\r\n", "```", "~~~", "`", "text", "<b>", "\t",
                ]),
                0..24,
            ),
            from in 0usize..8,
        ) {
            let text: String = parts.concat();
            let from = (0..=from.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            for markdown in [true, false] {
                proptest::prop_assert_eq!(
                    separators(&text, from, markdown),
                    separators_by_line(&text, from, markdown),
                    "{:?} from {}", text, from
                );
            }
        }
    }

    #[test]
    fn fenced_separators_are_code() {
        let text = "a\n```\n<!-- post -->\n```\n<!-- post -->\nb";
        let seps = separators(text, 0, true);
        assert_eq!(seps.len(), 1);
        assert_eq!(separators(text, 0, false).len(), 2);
    }
}
