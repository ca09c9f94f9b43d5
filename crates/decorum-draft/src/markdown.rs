//! What a Markdown post body holds: its prose, blocks, HTML comments and link
//! destinations, from pulldown-cmark's events (CommonMark with tables, strikethrough,
//! footnotes and task lists).
//!
//! Prose is the text of Text events (including link text and image alt text) outside code
//! blocks and autolinks, and the text between the tags of HTML blocks (see `html`).
//! Inline code, HTML tags, HTML comments, link destinations and titles, footnote markers
//! and task-list boxes are not prose. A block is a paragraph, a
//! heading, the text of a list item, or a table row; its range runs from its first to its
//! last inline element, so `## Title` is `Title` and `- item` is `item`.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::html::HtmlText;
use crate::waiver::find_comments;

/// The findings of one body scan. All ranges are offsets in the whole text.
#[derive(Debug, Default)]
pub(crate) struct BodyScan {
    /// Blocks containing prose, in order (empty for plain text until computed).
    pub blocks: Vec<Range<usize>>,
    /// Tables, each from its first character to its last (trimmed): one block as
    /// Markdown sees it, whose rows are blocks here.
    pub tables: Vec<Range<usize>>,
    /// Terminated HTML comments.
    pub comments: Vec<Range<usize>>,
    /// Link and image destinations and autolinks.
    pub links: Vec<Range<usize>>,
    /// Whole Markdown links (`[text](dest)`): bare URLs inside them are the link's text,
    /// not further links.
    pub link_spans: Vec<Range<usize>>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    /// A block whose inline content is one of our blocks.
    Leaf,
    /// A container (quote, list, table, footnote) or an HTML block.
    Container,
    /// A code block: its text is not prose.
    Code,
}

struct Frame {
    kind: FrameKind,
    start: usize,
    end: usize,
    prose: bool,
}

impl Frame {
    fn new(kind: FrameKind) -> Frame {
        Frame {
            kind,
            start: usize::MAX,
            end: 0,
            prose: false,
        }
    }
}

/// A link whose destination is still to be located in the source.
struct OpenLink {
    /// The whole `[text](dest)` or `![alt](dest)`.
    span: Range<usize>,
    /// End of the last inline element inside the brackets.
    inner_end: usize,
    inline: bool,
    /// An autolink `<https://...>` or `<name@example.com>`: its text is not prose.
    autolink: bool,
}

/// Trims ASCII whitespace from both ends of `range` of `text`; `None` when nothing is
/// left. Byte by byte: an ASCII byte is never part of a longer character.
pub(crate) fn trim(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let s = text.get(range.clone())?.as_bytes();
    let lead = s.iter().position(|b| !b.is_ascii_whitespace())?;
    let last = s.iter().rposition(|b| !b.is_ascii_whitespace())?;
    Some(range.start + lead..range.start + last + 1)
}

struct Scanner<'t> {
    text: &'t str,
    /// The prose view being filled in: prose bytes are copied from the text.
    prose: &'t mut [u8],
    out: BodyScan,
    frames: Vec<Frame>,
    links: Vec<OpenLink>,
    autolink_depth: usize,
    html: Vec<Range<usize>>,
    /// The text of the HTML block being read, if one is.
    html_text: Option<HtmlText>,
    ref_ids: Vec<String>,
}

impl Scanner<'_> {
    /// Ends the inline content collected so far in the innermost leaf, making it a block.
    fn flush(&mut self) {
        if let Some(top) = self.frames.last_mut() {
            if top.kind == FrameKind::Leaf && top.start < top.end {
                if top.prose {
                    if let Some(r) = trim(self.text, top.start..top.end) {
                        self.out.blocks.push(r);
                    }
                }
                top.start = usize::MAX;
                top.end = 0;
                top.prose = false;
            }
        }
    }

    fn open(&mut self, kind: FrameKind) {
        self.flush();
        self.frames.push(Frame::new(kind));
    }

    fn close(&mut self) {
        self.flush();
        self.frames.pop();
    }

    /// An inline element: extends the current block and the open link's text.
    fn inline(&mut self, r: &Range<usize>) {
        if let Some(top) = self.frames.last_mut() {
            if top.kind == FrameKind::Leaf {
                top.start = top.start.min(r.start);
                top.end = top.end.max(r.end);
            }
        }
        if let Some(link) = self.links.last_mut() {
            if r.start >= link.span.start && r.end <= link.span.end && *r != link.span {
                link.inner_end = link.inner_end.max(r.end);
            }
        }
    }

    /// Keeps the `*` delimiters of the emphasis `r` (`len` of them on each side) in the
    /// prose where they stand inside a word. CommonMark reads `What the f*ck. Really,
    /// f*ck.` as emphasis from the first `*` to the second, but a platform shows the
    /// asterisks as typed, and a masked phrase must see them.
    fn keep_intraword_stars(&mut self, r: &Range<usize>, len: usize) {
        let bytes = self.text.as_bytes();
        let alnum_at = |i: Option<usize>| {
            i.and_then(|i| bytes.get(i))
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
        };
        let sides = [
            (r.start, r.start.checked_sub(1), r.start + len),
            (r.end.saturating_sub(len), r.end.checked_sub(len + 1), r.end),
        ];
        for (at, before, after) in sides {
            let delimiter = bytes.get(at..at + len);
            if delimiter.is_some_and(|d| d.iter().all(|&b| b == b'*'))
                && alnum_at(before)
                && alnum_at(Some(after))
            {
                if let Some(dst) = self.prose.get_mut(at..at + len) {
                    dst.fill(b'*');
                }
            }
        }
    }

    fn in_code(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f.kind == FrameKind::Code)
    }

    fn start_link(&mut self, r: Range<usize>, link_type: LinkType, id: &str, image: bool) {
        self.inline(&r);
        match link_type {
            LinkType::Autolink | LinkType::Email => {
                self.autolink_depth += 1;
                if link_type == LinkType::Autolink && r.end >= r.start + 2 {
                    self.out.links.push(r.start + 1..r.end - 1);
                }
                // Keep the pairing with the End event.
                self.links.push(OpenLink {
                    span: r.clone(),
                    inner_end: r.end,
                    inline: false,
                    autolink: true,
                });
                return;
            }
            LinkType::Inline => {}
            _ => self.ref_ids.push(id.to_owned()),
        }
        if !image {
            self.out.link_spans.push(r.clone());
        }
        let inner_end = r.start + if image { 2 } else { 1 };
        self.links.push(OpenLink {
            span: r,
            inner_end,
            inline: link_type == LinkType::Inline,
            autolink: false,
        });
    }

    fn end_link(&mut self, r: Range<usize>) {
        if let Some(link) = self.links.pop() {
            if link.autolink {
                self.autolink_depth = self.autolink_depth.saturating_sub(1);
            }
            if link.inline {
                if let Some(dest) = inline_destination(self.text, link.inner_end, link.span.end) {
                    self.out.links.push(dest);
                }
            }
        }
        self.inline(&r);
    }
}

/// Locates the destination of an inline link `[text](dest "title")`, searching from the
/// end of its text.
fn inline_destination(text: &str, from: usize, end: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let window = bytes.get(from..end)?;
    let open = memchr::memmem::find(window, b"](")? + from + 2;
    destination_at(bytes, open, end.saturating_sub(1))
}

/// Reads a link destination starting at `at` (after optional whitespace), before `limit`.
fn destination_at(bytes: &[u8], mut at: usize, limit: usize) -> Option<Range<usize>> {
    while at < limit && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    if at >= limit {
        return None;
    }
    if bytes[at] == b'<' {
        let start = at + 1;
        let len = memchr::memchr(b'>', bytes.get(start..limit)?)?;
        return (len > 0).then_some(start..start + len);
    }
    let start = at;
    let mut depth = 0usize;
    while at < limit {
        match bytes[at] {
            b'\\' if at + 1 < limit => at += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            b if b.is_ascii_whitespace() || b < 0x20 => break,
            _ => {}
        }
        at += 1;
    }
    let at = at.min(limit);
    (at > start).then_some(start..at)
}

/// Locates the destination in a link reference definition `[label]: dest "title"`.
fn definition_destination(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let window = bytes.get(span.clone())?;
    let colon = memchr::memmem::find(window, b"]:")? + span.start + 2;
    destination_at(bytes, colon, span.end)
}

/// `src` with every line ending written as LF, byte for byte the same length, when it
/// holds a CR (`None` when it holds none): a lone CR becomes LF, the CR of CRLF a space.
/// pulldown-cmark takes neither a lone CR for a line end (a code block would run to the end
/// of the draft) nor, inside an HTML block, a CRLF for one line end (it splits the line's
/// HTML at the CR), while CommonMark and the line numbers of findings count LF, CRLF and a
/// lone CR alike. A space before a line end changes nothing that is read here (at most a
/// soft break becomes a hard one), and every offset stays an offset in `src`.
fn lf_endings(src: &str) -> Option<String> {
    let bytes = src.as_bytes();
    let first = memchr::memchr(b'\r', bytes)?;
    let mut copy = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', &bytes[first..]).map(|i| first + i) {
        copy[i] = if bytes.get(i + 1) == Some(&b'\n') {
            b' '
        } else {
            b'\n'
        };
    }
    // Only ASCII bytes changed, into ASCII bytes: the copy is UTF-8 as `src` is.
    String::from_utf8(copy).ok()
}

/// Scans the Markdown `body` of `text`, copying its prose into `prose` (the prose view).
pub(crate) fn scan(text: &str, body: Range<usize>, prose: &mut [u8]) -> BodyScan {
    let Some(src) = text.get(body.clone()) else {
        return BodyScan::default();
    };
    let off = body.start;
    let mut s = Scanner {
        text,
        prose,
        // About one prose block per 80 bytes of the benchmark corpus, and frames nest a
        // few deep: sized up front, neither is regrown in a typical post.
        out: BodyScan {
            blocks: Vec::with_capacity((src.len() / 64 + 4).min(1 << 12)),
            ..BodyScan::default()
        },
        frames: Vec::with_capacity(8),
        links: Vec::new(),
        autolink_depth: 0,
        html: Vec::new(),
        html_text: None,
        ref_ids: Vec::new(),
    };
    let read_as_lf = lf_endings(src);
    let mut events =
        Parser::new_ext(read_as_lf.as_deref().unwrap_or(src), options()).into_offset_iter();
    for (event, range) in events.by_ref() {
        let r = range.start + off..range.end + off;
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::Item
                | Tag::TableHead
                | Tag::TableRow
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition => s.open(FrameKind::Leaf),
                Tag::CodeBlock(_) | Tag::MetadataBlock(_) => s.open(FrameKind::Code),
                Tag::Table(_) => {
                    s.open(FrameKind::Container);
                    // The whole table, its delimiter row and rows without prose included.
                    if let Some(table) = trim(text, r.clone()) {
                        s.out.tables.push(table);
                    }
                }
                Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList => s.open(FrameKind::Container),
                Tag::HtmlBlock => {
                    s.open(FrameKind::Container);
                    s.html_text = Some(HtmlText::default());
                }
                Tag::TableCell => {}
                Tag::Link { link_type, id, .. } => s.start_link(r, link_type, &id, false),
                Tag::Image { link_type, id, .. } => s.start_link(r, link_type, &id, true),
                Tag::Emphasis => {
                    s.inline(&r);
                    s.keep_intraword_stars(&r, 1);
                }
                Tag::Strong => {
                    s.inline(&r);
                    s.keep_intraword_stars(&r, 2);
                }
                Tag::Strikethrough | Tag::Superscript | Tag::Subscript => s.inline(&r),
            },
            Event::End(end) => match end {
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
                | TagEnd::CodeBlock
                | TagEnd::MetadataBlock(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionList => s.close(),
                TagEnd::Table => s.close(),
                TagEnd::HtmlBlock => {
                    if let Some(mut html) = s.html_text.take() {
                        html.finish(text, &mut s.out.blocks);
                    }
                    s.close();
                }
                TagEnd::TableCell => {}
                TagEnd::Link | TagEnd::Image => s.end_link(r),
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript => s.inline(&r),
            },
            Event::Text(_) => {
                if s.in_code() {
                    continue;
                }
                s.inline(&r);
                if s.autolink_depth == 0 {
                    if let Some(top) = s.frames.last_mut() {
                        if !top.prose {
                            top.prose = text
                                .as_bytes()
                                .get(r.clone())
                                .is_some_and(crate::lines::has_visible);
                        }
                    }
                    if let (Some(dst), Some(src)) =
                        (s.prose.get_mut(r.clone()), text.as_bytes().get(r))
                    {
                        dst.copy_from_slice(src);
                    }
                }
            }
            Event::Html(_) => {
                if let Some(html) = s.html_text.as_mut() {
                    html.line(text, r.clone(), s.prose, &mut s.out.blocks);
                }
                s.html.push(r);
            }
            Event::InlineHtml(_) => {
                s.inline(&r);
                s.html.push(r);
            }
            Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_) => s.inline(&r),
            Event::SoftBreak | Event::HardBreak | Event::Rule | Event::TaskListMarker(_) => {}
        }
    }
    // Reference-style links point at definitions elsewhere in the body.
    let defs = events.reference_definitions();
    let mut def_links: Vec<Range<usize>> = s
        .ref_ids
        .iter()
        .filter_map(|id| defs.get(id))
        .filter_map(|def| definition_destination(text, def.span.start + off..def.span.end + off))
        .collect();
    def_links.sort_unstable_by_key(|r| r.start);
    def_links.dedup();
    s.out.links.extend(def_links);
    s.out.links.sort_unstable_by_key(|r| r.start);
    // HTML comments live in HTML events (never in code).
    s.html.sort_unstable_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in s.html {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    for region in merged {
        find_comments(text, region, &mut s.out.comments);
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first `trim`, character by character.
    fn trim_by_chars(text: &str, range: Range<usize>) -> Option<Range<usize>> {
        let s = text.get(range.clone())?;
        let lead = s.len()
            - s.trim_start_matches(|c: char| c.is_ascii_whitespace())
                .len();
        let core = s.trim_matches(|c: char| c.is_ascii_whitespace());
        (!core.is_empty()).then(|| range.start + lead..range.start + lead + core.len())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// Trimming byte by byte gives the ranges of trimming character by character, on
        /// text of ASCII and other whitespace, and ranges that split characters.
        #[test]
        fn trim_agrees_with_trimming_chars(
            text in "[ \t\n\r\x0B\x0Ca\u{a0}\u{2003}\u{85}é🎉]{0,12}",
            start in 0usize..40,
            len in 0usize..40,
        ) {
            let end = (start + len).min(text.len() + 2);
            proptest::prop_assert_eq!(trim(&text, start..end), trim_by_chars(&text, start..end));
        }
    }

    #[test]
    fn destinations() {
        let text = "[a](<x y> \"t\") [b](u(1)v) ![c](  img.png ) [d]( ) [e](\\)x)";
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(i) = text[at..].find("](") {
            let open = at + i + 2;
            if let Some(r) = destination_at(text.as_bytes(), open, text.len()) {
                found.push(&text[r]);
            }
            at = open;
        }
        assert_eq!(found, ["x y", "u(1)v", "img.png", "\\)x"]);
    }
}
