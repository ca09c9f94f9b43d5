//! The text of raw HTML blocks in Markdown.
//!
//! CommonMark passes an HTML block through as written: a line that starts with a tag or a
//! comment (`<div>`, `<p>`, `<!-- note -->`) makes it, and every following line up to a
//! blank line (or up to the end of the comment or of the `<pre>`, `<script>`, `<style>`
//! or `<textarea>` element) belongs to it, text included. That text is published (a
//! platform shows it as written, a renderer between the tags), so it is prose: the tags,
//! comments, declarations and the contents of `<script>`, `<style>`, `<textarea>`, `<pre>`
//! and `<code>` are not. A block of prose ends at a comment, at a tag that is not one of
//! the inline ones (`<b>`, `<span>`, `<a>`, `<code>`...), at a blank line and at the end
//! of the HTML block.

use std::ops::Range;

/// Where the scan stands between two lines of an HTML block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// In text.
    #[default]
    Text,
    /// Inside a tag, in a quoted attribute value when `quote` is not 0; `raw` names the
    /// element whose contents are not prose, when the tag opens one.
    Tag {
        quote: u8,
        raw: Option<&'static [u8]>,
    },
    /// Inside `<!-- ... -->`.
    Comment,
    /// Inside `<!...>` or `<?...>`.
    Declaration,
    /// Inside the element named, whose contents are not prose, up to its closing tag.
    Raw(&'static [u8]),
}

/// The element named `name` (any case) if its contents are not prose, as its lower-case
/// name.
fn raw_element(name: &[u8]) -> Option<&'static [u8]> {
    const RAW: &[&[u8]] = &[b"script", b"style", b"textarea", b"pre", b"code"];
    RAW.iter()
        .copied()
        .find(|raw| name.eq_ignore_ascii_case(raw))
}

/// Tags that do not end a block of prose.
fn is_inline(name: &[u8]) -> bool {
    const INLINE: &[&str] = &[
        "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
        "i", "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong",
        "sub", "sup", "time", "tt", "u", "var", "wbr",
    ];
    INLINE
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// The prose of one HTML block, fed its lines (the ranges of pulldown-cmark's `Html`
/// events) in order.
#[derive(Debug, Default)]
pub(crate) struct HtmlText {
    state: State,
    /// The block of prose being collected: its first and last text bytes.
    open: Option<Range<usize>>,
    /// Whether the open block has anything besides whitespace.
    has_text: bool,
}

impl HtmlText {
    /// Scans `line` of `text`, copying its prose into `prose` and pushing each finished
    /// block of prose to `blocks`.
    pub(crate) fn line(
        &mut self,
        text: &str,
        line: Range<usize>,
        prose: &mut [u8],
        blocks: &mut Vec<Range<usize>>,
    ) {
        let bytes = text.as_bytes();
        let end = line.end.min(bytes.len());
        let mut i = line.start.min(end);
        if bytes[i..end].iter().all(u8::is_ascii_whitespace) && self.state == State::Text {
            // A blank line ends a block of prose.
            self.finish(text, blocks);
            return;
        }
        while i < end {
            match self.state {
                State::Text => {
                    let lt = memchr::memchr(b'<', &bytes[i..end]).map_or(end, |p| i + p);
                    self.text(bytes, i..lt, prose);
                    i = lt;
                    if i < end {
                        i = self.markup(text, i, end, prose, blocks);
                    }
                }
                State::Comment => match memchr::memmem::find(&bytes[i..end], b"-->") {
                    Some(p) => {
                        i += p + 3;
                        self.state = State::Text;
                    }
                    None => i = end,
                },
                State::Declaration => match memchr::memchr(b'>', &bytes[i..end]) {
                    Some(p) => {
                        i += p + 1;
                        self.state = State::Text;
                    }
                    None => i = end,
                },
                State::Tag { quote, raw } => {
                    i = self.in_tag(bytes, i, end, quote, raw);
                }
                State::Raw(raw) => match closing_tag(bytes, i, end, raw) {
                    Some(p) => {
                        i = p;
                        self.state = State::Text;
                    }
                    None => i = end,
                },
            }
        }
    }

    /// Ends the HTML block.
    pub(crate) fn finish(&mut self, text: &str, blocks: &mut Vec<Range<usize>>) {
        if let Some(open) = self.open.take() {
            if self.has_text {
                if let Some(r) = crate::markdown::trim(text, open) {
                    blocks.push(r);
                }
            }
        }
        self.has_text = false;
    }

    /// Text bytes: copied into the prose view and added to the open block.
    fn text(&mut self, bytes: &[u8], r: Range<usize>, prose: &mut [u8]) {
        if r.is_empty() {
            return;
        }
        if let (Some(dst), Some(src)) = (prose.get_mut(r.clone()), bytes.get(r.clone())) {
            dst.copy_from_slice(src);
            self.has_text |= crate::lines::has_visible(src);
        }
        match &mut self.open {
            Some(open) => open.end = r.end,
            None => self.open = Some(r),
        }
    }

    /// Markup starting with the `<` at `at`: returns where scanning goes on.
    fn markup(
        &mut self,
        text: &str,
        at: usize,
        end: usize,
        prose: &mut [u8],
        blocks: &mut Vec<Range<usize>>,
    ) -> usize {
        let bytes = text.as_bytes();
        let rest = &bytes[at..end];
        if rest.starts_with(b"<!--") {
            self.finish(text, blocks);
            self.state = State::Comment;
            return at + 4;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            self.finish(text, blocks);
            self.state = State::Declaration;
            return at + 2;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = (at + 1 + usize::from(closing)).min(end);
        let name_len = bytes[name_start..end]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
            .unwrap_or(end - name_start);
        let name = &bytes[name_start..name_start + name_len];
        if !name.first().is_some_and(u8::is_ascii_alphabetic) {
            // Not a tag (`a < b`): the `<` is text.
            self.text(bytes, at..at + 1, prose);
            return at + 1;
        }
        if !is_inline(name) {
            self.finish(text, blocks);
        }
        let raw = if closing { None } else { raw_element(name) };
        self.state = State::Tag { quote: 0, raw };
        name_start + name_len
    }

    /// Inside a tag from `i`: returns where scanning goes on.
    fn in_tag(
        &mut self,
        bytes: &[u8],
        mut i: usize,
        end: usize,
        quote: u8,
        raw: Option<&'static [u8]>,
    ) -> usize {
        let mut quote = quote;
        while i < end {
            let b = bytes[i];
            i += 1;
            match (quote, b) {
                (0, b'"' | b'\'') => quote = b,
                (0, b'>') => {
                    let self_closing = i >= 2 && bytes[i - 2] == b'/';
                    self.state = match raw {
                        Some(raw) if !self_closing => State::Raw(raw),
                        _ => State::Text,
                    };
                    return i;
                }
                (q, b) if q != 0 && b == q => quote = 0,
                _ => {}
            }
        }
        self.state = State::Tag { quote, raw };
        end
    }
}

/// The position of `</name` (any case) in `bytes[from..end]`, if any.
fn closing_tag(bytes: &[u8], from: usize, end: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while at < end {
        let p = memchr::memmem::find(&bytes[at..end], b"</")? + at;
        let after = p + 2;
        if bytes
            .get(after..after + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && bytes
                .get(after + name.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
        {
            return Some(p);
        }
        at = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prose and blocks of `html` given as one HTML block, line by line.
    fn scan(html: &str) -> (String, Vec<&str>) {
        let mut prose = vec![b' '; html.len()];
        let mut blocks = Vec::new();
        let mut state = HtmlText::default();
        let mut at = 0;
        for line in html.split_inclusive('\n') {
            state.line(html, at..at + line.len(), &mut prose, &mut blocks);
            at += line.len();
        }
        state.finish(html, &mut blocks);
        let prose = String::from_utf8(prose).unwrap_or_default();
        (prose, blocks.into_iter().map(|b| &html[b]).collect())
    }

    #[test]
    fn text_after_a_comment_on_its_line_is_prose() {
        let (prose, blocks) = scan("<!-- add photo --> My patient called.\n");
        assert_eq!(prose.trim(), "My patient called.");
        assert_eq!(blocks, ["My patient called."]);
    }

    #[test]
    fn block_tags_end_blocks_and_inline_tags_do_not() {
        let (_, blocks) = scan("<div><p>One <b>bold</b> line.</p><p>Two.</p>\nThree\n</div>\n");
        assert_eq!(blocks, ["One <b>bold</b> line.", "Two.", "Three"]);
    }

    #[test]
    fn markup_comments_and_raw_elements_are_not_prose() {
        let html = "<div class=\"a>b\" title='x'>Hi <!-- no\nstill no --> there\n\
                    <script>if (a < b) { x(\"</div>\") }</script><pre>\ncode\n</PRE>done\n";
        let (prose, blocks) = scan(html);
        let words: Vec<&str> = prose.split_whitespace().collect();
        assert_eq!(words, ["Hi", "there", "done"]);
        assert_eq!(blocks, ["Hi", "there", "done"]);
    }

    #[test]
    fn a_less_than_sign_that_opens_no_tag_is_text() {
        let (prose, _) = scan("<p>Ages 2 < 5 and <3 all</p>\n");
        assert_eq!(prose.trim(), "Ages 2 < 5 and <3 all");
    }

    #[test]
    fn a_blank_line_ends_a_block() {
        let (_, blocks) = scan("<div>\none\n\ntwo</div>\n");
        assert_eq!(blocks, ["one", "two"]);
    }

    #[test]
    fn unterminated_markup_swallows_the_rest_without_panicking() {
        for html in [
            "<div title=\"x",
            "<!-- open",
            "<script>x",
            "<",
            "</",
            "<!",
            "a <b",
        ] {
            let _ = scan(html);
        }
    }
}
