//! Drafts as the rule engine sees them: posts, prose, blocks, sentences, words, and a
//! normalised view for matching.
//!
//! [`parse`] takes the text of a draft (a post, a caption, a Markdown blog draft, or a
//! content calendar holding several posts) and returns a [`Draft`]. It does no IO, never
//! panics, and runs in time linear in the input. All positions are UTF-8 byte offsets into
//! [`Draft::text`].
//!
//! # Posts and content calendars
//!
//! A file is one post unless it holds separator lines. A separator is a line that is
//! exactly `<!-- post -->` or `<!-- post: label -->` (`post` in any case, surrounding
//! whitespace allowed; in Markdown, not inside a fenced code block). Each separator starts a new [`Post`] whose
//! [`Post::range`] includes the separator line; the line itself belongs to no post's
//! [`Post::body`]. A stretch that holds nothing besides whitespace and HTML comments, and
//! no front matter of its own, is not a post (the text before the first separator, a
//! separator at the end of the file, two separators in a row), so that it does not count
//! in a batch rule; a file without any content still has one post, its last stretch.
//!
//! ```markdown
//! ---
//! campaign: flu-2024
//! ---
//! <!-- post: Monday -->
//! ---
//! channel: x
//! ---
//! Flu shots are in! Walk in any weekday.
//! <!-- post: Tuesday -->
//! Ask us about the high-dose vaccine.
//! ```
//!
//! # Front matter and metadata
//!
//! A file may open (after an optional byte-order mark) with YAML front matter between two
//! `---` lines (the closing one may be `...`). Each post may open, right after its
//! separator line and any blank lines, with front matter of its own. A post's
//! [`Post::meta`] layers, later winning: the `base` metadata given to [`parse`] (from
//! configuration), the file's front matter, the post's front matter. Nested YAML mappings
//! flatten to dotted keys (`consent.type`). Invalid YAML becomes a [`DraftProblem`]; the
//! block is still not prose. So does a `channel` that is not one channel written as text
//! (a list, a number, `true`, a mapping, or empty or blank text such as `""`): it is read
//! as null, so the post has no channel, not one a layer below sets.
//!
//! # Prose
//!
//! [`Draft::prose`] is a copy of the text, byte for byte the same length, in which every
//! byte that is not prose is a space (line breaks are kept so lines stay where they
//! are). Not prose: front matter, separators, HTML comments, URLs, and in Markdown also
//! code (blocks and inline), HTML tags, link destinations and titles. Link text, image alt
//! text and the text between the tags of an HTML block are prose. The prose view keeps
//! the original bytes of prose, so escapes such as `\*` stay as written. See the `markdown` notes on [`Post::paragraphs`] for blocks.
//!
//! # Matching
//!
//! [`Draft::normalized`] folds the prose for matching literal phrases (case, accents,
//! compatibility forms, typographic quotes and dashes, invisible characters, and runs of
//! whitespace, markup blanked out included, to one space; see [`NormalizedView`]). [`normalize_str`] applies the same folding to a pattern, and
//! [`NormalizedView::to_original`] maps a match back to the text.
//!
//! # Waivers
//!
//! `<!-- decorum-allow RULE[, RULE...]: reason -->` switches rules off for the next block,
//! `<!-- decorum-allow-file RULE[, RULE...]: reason -->` for the whole file; see [`Waiver`].

mod emoji;
mod front_matter;
mod html;
mod layout;
mod length;
mod lines;
mod markdown;
mod meta;
mod normalize;
mod sentence;
mod swar;
mod tables;
mod tokens;
mod url;
mod utf8;
mod waiver;

use std::ops::Range;

pub(crate) use decorum_text::range_of;
pub use decorum_text::{TextRange, TextSize};
pub use length::{channel_id, channel_limit, channel_names, text_length};
pub use meta::{MetaValue, Metadata};
pub use normalize::{MapHint, NormalizedView, normalize_str};
pub use waiver::{Waiver, WaiverScope};

use crate::layout::Segment;
use crate::markdown::BodyScan;
use crate::waiver::Directive;

/// The syntax a draft is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DraftFormat {
    /// CommonMark with tables, strikethrough, footnotes and task lists.
    Markdown,
    /// Plain text: everything is prose except HTML comments, separators, front matter and
    /// URLs.
    PlainText,
}

impl DraftFormat {
    /// The format of a file from its extension (case-insensitive): `.md`, `.markdown`,
    /// `.mdx` are Markdown, `.txt`, `.text` plain text; anything else is `None`.
    pub fn from_path(path: &str) -> Option<DraftFormat> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (stem, ext) = name.rsplit_once('.')?;
        if stem.is_empty() {
            return None;
        }
        const KNOWN: &[(&str, DraftFormat)] = &[
            ("md", DraftFormat::Markdown),
            ("markdown", DraftFormat::Markdown),
            ("mdx", DraftFormat::Markdown),
            ("txt", DraftFormat::PlainText),
            ("text", DraftFormat::PlainText),
        ];
        KNOWN
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(ext))
            .map(|&(_, format)| format)
    }
}

/// What kind of problem a draft has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DraftProblemKind {
    /// Front matter that could not be read, so its metadata does not apply: not valid
    /// YAML, not a mapping, never closed, or not where front matter belongs.
    FrontMatter,
    /// Front matter that was read, but whose `channel` names no usable channel: not one
    /// channel written as text, empty or blank text, or one letter away from a known
    /// channel. The block's other metadata applies.
    Channel,
    /// Front matter that was read, with a key one letter from one Decorum reads (`chanel`,
    /// `typ`, `consnet`): it is metadata of its own name, and the key it looks like is
    /// not set. The block's metadata applies.
    MetadataKey,
    /// A comment addressed to Decorum (`decorum-...`) that is not a valid waiver.
    Waiver,
    /// A comment of one word one letter away from `post` (`<!-- posts -->`): a calendar's
    /// separator mistyped, which leaves the posts around it one post.
    Separator,
}

/// A problem with the draft itself (not a rule finding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftProblem {
    /// What kind of problem.
    pub kind: DraftProblemKind,
    /// What is wrong, in words (for front matter, with the line in the file).
    pub message: String,
    /// The front-matter block or the comment; for a `channel` that is not text or is
    /// empty or blank text, its value (the first line of it).
    pub range: TextRange,
    /// Where in `range` the problem was found, when that is one place: the character a
    /// YAML error points to (its message names the same place as a line and column), or
    /// the start of such a `channel` value.
    pub point: Option<TextSize>,
}

/// A parsed draft.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// The original text, unchanged.
    pub text: String,
    /// The format it was parsed as.
    pub format: DraftFormat,
    /// The posts, in order; at least one, even for empty text.
    pub posts: Vec<Post>,
    /// The prose view: same byte length as `text`, non-prose bytes replaced by spaces
    /// (line breaks kept).
    pub prose: String,
    /// The normalised view of `prose` that literal phrases are matched against.
    pub normalized: NormalizedView,
    /// The waivers, in order.
    pub waivers: Vec<Waiver>,
    /// Problems with the draft: invalid front matter, malformed waivers.
    pub problems: Vec<DraftProblem>,
}

/// One post of a draft.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    /// Position within the draft, from 0.
    pub index: usize,
    /// The whole post: its separator line (if any), front matter and body.
    pub range: TextRange,
    /// The post text after its separator and front matter.
    pub body: TextRange,
    /// The label of its separator (`<!-- post: label -->`), if any.
    pub label: Option<String>,
    /// Metadata: base (configuration) < file front matter < this post's front matter.
    pub meta: Metadata,
    /// This post's own front-matter block (the file's front matter for the first post
    /// when it starts the file).
    pub meta_range: Option<TextRange>,
    /// Blocks containing prose, in order. Markdown: paragraphs, headings, the text of list
    /// items, table rows, each from its first to its last inline element (`## Title` is
    /// `Title`). Plain text: runs of non-blank lines, trimmed.
    pub paragraphs: Vec<TextRange>,
    /// Sentences within the paragraphs, trimmed of whitespace, never crossing a paragraph.
    pub sentences: Vec<TextRange>,
    /// Word tokens of the prose: runs of letters and digits; an apostrophe or hyphen
    /// between two of them joins (`don't`, `45-year-old`), as does `.` or `,` between
    /// digits (`3.5`, `1,000`). A hashtag's text is a word; URLs are not.
    pub words: Vec<TextRange>,
    /// Hashtags in prose, `#` included.
    pub hashtags: Vec<TextRange>,
    /// Mentions (`@name`) in prose, `@` included.
    pub mentions: Vec<TextRange>,
    /// URLs: bare `http(s)://` and `www.` addresses in prose, and Markdown link and image
    /// destinations and autolinks. Each range is the URL text itself.
    pub links: Vec<TextRange>,
    /// HTML comments in the body (waivers among them).
    pub comments: Vec<TextRange>,
    /// Markdown tables, each from its first character to its last, delimiter row
    /// included: a waiver before a table covers all of it (see [`WaiverScope`]).
    pub tables: Vec<TextRange>,
    /// Number of emoji in the prose (a ZWJ sequence, a flag or a keycap counts once).
    pub emoji: usize,
}

impl Post {
    /// The text that would be published: the body without HTML comments, trimmed of
    /// leading and trailing whitespace. Markdown syntax characters are kept (a platform
    /// post is usually pasted as written).
    pub fn published_text(&self, draft: &Draft) -> String {
        self.published(draft).0
    }

    /// The published text and the ranges of its URLs within it.
    fn published(&self, draft: &Draft) -> (String, Vec<Range<usize>>) {
        let body = to_range(self.body);
        let mut text = String::with_capacity(body.len());
        let mut urls = Vec::new();
        let mut at = body.start;
        let mut pieces: Vec<Range<usize>> = Vec::new();
        for comment in self.comments.iter().map(|c| to_range(*c)) {
            if comment.start >= at && comment.end <= body.end {
                pieces.push(at..comment.start);
                at = comment.end;
            }
        }
        pieces.push(at..body.end);
        let mut removed_before = 0;
        let mut prev_end = body.start;
        let mut links = self.links.iter().map(|l| to_range(*l)).peekable();
        for piece in pieces {
            removed_before += piece.start - prev_end;
            prev_end = piece.end;
            text.push_str(draft.text.get(piece.clone()).unwrap_or_default());
            while let Some(link) = links.peek() {
                if link.start >= piece.end {
                    break;
                }
                if link.start >= piece.start && link.end <= piece.end {
                    let shift = body.start + removed_before;
                    urls.push(link.start - shift..link.end - shift);
                }
                links.next();
            }
        }
        let lead = text.len() - text.trim_start().len();
        let kept = text.trim().len();
        let trimmed = text.get(lead..lead + kept).unwrap_or_default().to_owned();
        let urls = urls
            .into_iter()
            .filter(|u| u.start >= lead && u.end <= lead + kept)
            .map(|u| u.start - lead..u.end - lead)
            .collect();
        (trimmed, urls)
    }

    /// Length of the post as `channel` counts it, over [`Post::published_text`]. Channel ids
    /// are case-insensitive:
    ///
    /// - `x`, `twitter`: twitter-text v3 weighting. The text is NFC-normalised; every URL
    ///   counts 23 whatever its length; an emoji sequence (ZWJ sequences, skin tones,
    ///   flags, keycaps) counts 2; other code points count 1 in U+0000–U+10FF,
    ///   U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 and 2 elsewhere (so CJK counts 2).
    /// - `bluesky`: extended grapheme clusters (`👩🏽‍⚕️` is 1, `\r\n` is 1).
    /// - anything else (`threads`, `instagram`, `linkedin`, `facebook`, `mastodon`, unknown
    ///   or `None`): Unicode scalar values.
    pub fn weighted_length(&self, draft: &Draft, channel: Option<&str>) -> usize {
        let (text, urls) = self.published(draft);
        length::length(&text, &urls, length::counting(channel))
    }

    /// A number [`Post::weighted_length`] never exceeds on `channel`, known without
    /// counting: the size of the body in bytes where a character counts one (every
    /// character is at least a byte, every grapheme cluster at least a character, and the
    /// published text is part of the body); `None` on X, where a short link counts 23 and
    /// a character can count 2.
    pub fn length_ceiling(&self, channel: Option<&str>) -> Option<usize> {
        match length::counting(channel) {
            length::Counting::X => None,
            length::Counting::Graphemes | length::Counting::Chars => Some(self.body.len().into()),
        }
    }
}

impl Draft {
    /// The post whose range contains `offset` (the last post for the end of the text).
    pub fn post_at(&self, offset: TextSize) -> Option<&Post> {
        self.posts
            .iter()
            .find(|p| p.range.contains(offset))
            .or_else(|| self.posts.iter().rev().find(|p| p.range.end() == offset))
    }

    /// Maps a range of [`Draft::normalized`] to [`Draft::text`], widened to whole
    /// characters of the text (a match on blanked-out non-prose can split a character of
    /// the text, though never one of the prose).
    pub fn original_range(&self, norm: TextRange) -> TextRange {
        self.original_range_near(norm, &mut MapHint::default())
    }

    /// [`Draft::original_range`] for a series of ranges in about the order of their
    /// starts (see [`NormalizedView::to_original_near`]).
    pub fn original_range_near(&self, norm: TextRange, hint: &mut MapHint) -> TextRange {
        let r = self.normalized.to_original_near(norm, hint);
        let bytes = self.text.as_bytes();
        let start = utf8::floor_boundary(bytes, usize::from(r.start()));
        let end = utf8::ceil_boundary(bytes, usize::from(r.end()));
        range_of(start..end)
    }
}

fn to_range(r: TextRange) -> Range<usize> {
    usize::from(r.start())..usize::from(r.end())
}

/// Plain-text bodies: everything but HTML comments is prose; copies it into `prose`.
fn scan_plain(text: &str, body: Range<usize>, prose: &mut [u8]) -> BodyScan {
    let mut out = BodyScan::default();
    waiver::find_comments(text, body.clone(), &mut out.comments);
    let mut at = body.start;
    let mut copy = |piece: Range<usize>| {
        if let (Some(dst), Some(src)) = (prose.get_mut(piece.clone()), text.as_bytes().get(piece)) {
            dst.copy_from_slice(src);
        }
    };
    for c in &out.comments {
        if c.start > at {
            copy(at..c.start);
        }
        at = c.end;
    }
    if body.end > at {
        copy(at..body.end);
    }
    out
}

/// Plain-text blocks: runs of non-blank lines of the prose view, trimmed. Lines end at
/// LF, CRLF or a lone CR.
fn plain_blocks(prose: &[u8], body: Range<usize>) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut current: Option<Range<usize>> = None;
    let mut line = body.start;
    while line < body.end {
        let line_end =
            memchr::memchr2(b'\n', b'\r', &prose[line..body.end]).map_or(body.end, |i| line + i);
        let content = &prose[line..line_end];
        match content.iter().position(|b| !b.is_ascii_whitespace()) {
            None => blocks.extend(current.take()),
            Some(first) => {
                let last = content
                    .iter()
                    .rposition(|b| !b.is_ascii_whitespace())
                    .unwrap_or(first);
                let (s, e) = (line + first, line + last + 1);
                match current.as_mut() {
                    Some(cur) => cur.end = e,
                    None => current = Some(s..e),
                }
            }
        }
        line = line_end
            + if prose.get(line_end..line_end + 2) == Some(b"\r\n") {
                2
            } else {
                1
            };
    }
    blocks.extend(current);
    blocks
}

/// True when `body` holds anything besides whitespace and HTML comments.
fn has_content(text: &str, body: &Range<usize>, comments: &[Range<usize>]) -> bool {
    let bytes = text.as_bytes();
    let mut at = body.start;
    for c in comments
        .iter()
        .chain(std::iter::once(&(body.end..body.end)))
    {
        if bytes
            .get(at..c.start.max(at))
            .is_some_and(|s| s.iter().any(|b| !b.is_ascii_whitespace()))
        {
            return true;
        }
        at = c.end.max(at);
    }
    false
}

/// The first block starting at or after `at`, or an empty range at `at`; when `at` is
/// before one of `tables` and that block is in it, the whole table (Markdown has a table
/// as one block, and a comment between its rows would end it).
fn next_block(blocks: &[Range<usize>], tables: &[Range<usize>], at: usize) -> TextRange {
    let i = blocks.partition_point(|b| b.start < at);
    let Some(block) = blocks.get(i) else {
        return range_of(at..at);
    };
    let table = tables
        .iter()
        .find(|t| at <= t.start && t.start <= block.start && block.end <= t.end);
    range_of(block.start..table.map_or(block.end, |t| t.end))
}

/// Where the text after the file's front matter starts (after its closing line's line
/// break), when `text` opens with front matter as [`parse`] reads it: after an optional
/// byte-order mark, a `---` line, the YAML, and a `---` or `...` line.
pub fn front_matter_end(text: &str) -> Option<usize> {
    front_matter::find(text, decorum_text::bom_len(text), text.len()).map(|fm| fm.after)
}

/// Parses `text` as a draft in `format`, with `base_meta` (from configuration) under any
/// front matter. Never panics; problems with the draft itself are in
/// [`Draft::problems`].
pub fn parse(text: &str, format: DraftFormat, base_meta: &Metadata) -> Draft {
    let markdown = format == DraftFormat::Markdown;
    let start = decorum_text::bom_len(text);
    let segments = layout::segments(text, start, markdown);
    let mut problems = Vec::new();
    let mut lines = front_matter::LazyLines::default();
    let mut prose: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect();

    let mut file_meta = match segments.first().and_then(|s| s.front_matter.as_ref()) {
        Some(fm) => {
            let (meta, found) = front_matter::parse(text, fm, &mut lines);
            problems.extend(found);
            problems.extend(channel_typo(text, &meta, fm));
            problems.extend(key_typos(text, &meta, fm));
            // Merging over nothing would copy every entry into an equal map.
            if base_meta.is_empty() {
                meta
            } else {
                meta.merged_over(base_meta)
            }
        }
        None => base_meta.clone(),
    };
    let several = segments.len() > 1;
    // A post is 288 bytes: a list grown from empty would hold four (past glibc's
    // per-thread cache of small blocks) for the one post most drafts have.
    let mut posts = Vec::with_capacity(segments.len());
    let mut waivers = Vec::new();
    // The sentence boundaries of one paragraph: grown from empty, the list was
    // reallocated once or twice per draft.
    let mut scratch = Vec::with_capacity(16);
    for (si, seg) in segments.iter().enumerate() {
        let Segment {
            range,
            separator,
            front_matter,
            body,
            unclosed_front_matter,
        } = seg;
        if let Some(open) = unclosed_front_matter {
            problems.push(DraftProblem {
                kind: DraftProblemKind::FrontMatter,
                message: format!(
                    "the `---` on line {} opens front matter that is never closed, so its metadata does not apply; end the block with a `---` line",
                    lines.line_of(text, open.start) + 1
                ),
                range: range_of(open.clone()),
                point: None,
            });
        }
        if front_matter.is_none() && unclosed_front_matter.is_none() {
            if let Some(block) = front_matter::misplaced(text, body.clone()) {
                problems.push(DraftProblem {
                    kind: DraftProblemKind::FrontMatter,
                    message: format!(
                        "the `---` block on line {} looks like front matter, but front matter must come first (on the draft's first line, or right after a post's `<!-- post -->` line), so its metadata does not apply; move the block up, above any comment",
                        lines.line_of(text, block.start) + 1
                    ),
                    range: range_of(block),
                    point: None,
                });
            }
        }
        let meta = match (si, front_matter) {
            // The one post of a file without separators takes the file's metadata
            // rather than a copy (it always becomes a post, so none is left wanting it).
            (0, _) if !several => std::mem::take(&mut file_meta),
            (0, _) | (_, None) => file_meta.clone(),
            (_, Some(fm)) => {
                let (own, found) = front_matter::parse(text, fm, &mut lines);
                problems.extend(found);
                problems.extend(channel_typo(text, &own, fm));
                problems.extend(key_typos(text, &own, fm));
                own.merged_over(&file_meta)
            }
        };
        let scan = if markdown {
            markdown::scan(text, body.clone(), &mut prose)
        } else {
            scan_plain(text, body.clone(), &mut prose)
        };
        let blocks = if markdown {
            scan.blocks
        } else {
            plain_blocks(&prose, body.clone())
        };
        let mut bare = Vec::new();
        url::find_urls(&prose, body.clone(), &mut bare);
        for u in &bare {
            if let Some(bytes) = prose.get_mut(u.clone()) {
                bytes.fill(b' ');
            }
        }
        let mut links = scan.links;
        links.extend(bare.into_iter().filter(|u| {
            let i = scan.link_spans.partition_point(|s| s.start <= u.start);
            !(i > 0 && scan.link_spans[i - 1].end >= u.end)
        }));
        links.sort_unstable_by_key(|r| r.start);

        for comment in &scan.comments {
            match waiver::directive(text, comment.clone()) {
                Directive::None => {}
                Directive::Problem(p) => problems.push(p),
                Directive::Waiver { file, .. }
                    if waiver::text_after(text, comment.end, body.end, &scan.comments) =>
                {
                    problems.push(waiver::text_after_problem(comment.clone(), file));
                }
                Directive::Waiver {
                    file,
                    rules,
                    reason,
                } => waivers.push(Waiver {
                    range: range_of(comment.clone()),
                    rules,
                    reason,
                    scope: if file {
                        WaiverScope::File
                    } else {
                        WaiverScope::NextBlock(next_block(&blocks, &scan.tables, comment.end))
                    },
                }),
            }
        }

        // An empty stretch is not a post (a separator at the end of a calendar, two in a
        // row): counted, it would dilute a batch rule's shares. One with front matter of
        // its own (after a separator; the file's is not its own) is a post its writer
        // declared: a sponsored slot still to be written must disclose too. A file always
        // has one post, so that a check of it has somewhere to report.
        let last_chance = si + 1 == segments.len() && posts.is_empty();
        let is_post = !several
            || last_chance
            || si > 0 && front_matter.is_some()
            || has_content(text, body, &scan.comments);
        if !is_post {
            continue;
        }
        let tokens = tokens::scan(&prose, body.clone());
        // Sized for a sentence every 48 bytes, more than prose has, so it is not regrown;
        // a huge post reserves no more than 64 K up front and grows from there.
        let mut sentences = Vec::with_capacity((body.len() / 48 + 1).min(1 << 16));
        for block in &blocks {
            sentence::sentences(
                text,
                &prose,
                block.clone(),
                !markdown,
                &mut scratch,
                &mut sentences,
            );
        }
        // The sentences become the post's own list: it was sized for more than prose
        // has, so a long post gives the spare room back (the other views are copied
        // below). A short one keeps its few hundred bytes: a reallocation per post
        // costs more than they are worth.
        if sentences.capacity() - sentences.len() > 64 {
            sentences.shrink_to_fit();
        }
        let ranges = |v: &[Range<usize>]| v.iter().cloned().map(range_of).collect::<Vec<_>>();
        posts.push(Post {
            index: posts.len(),
            range: range_of(range.clone()),
            body: range_of(body.clone()),
            label: separator.as_ref().and_then(|s| s.label.clone()),
            meta,
            meta_range: front_matter.as_ref().map(|fm| range_of(fm.block.clone())),
            paragraphs: ranges(&blocks),
            sentences,
            words: tokens.words,
            hashtags: tokens.hashtags,
            mentions: tokens.mentions,
            links: ranges(&links),
            comments: ranges(&scan.comments),
            tables: ranges(&scan.tables),
            emoji: tokens.emoji,
        });
    }
    if posts.is_empty() {
        // Unreachable in practice (the last segment is a post when none before it is),
        // kept total.
        posts.push(empty_post(text, file_meta));
    }

    let prose = String::from_utf8(prose).unwrap_or_else(|_| {
        text.bytes()
            .map(|b| {
                if b == b'\n' || b == b'\r' {
                    b as char
                } else {
                    ' '
                }
            })
            .collect()
    });
    let normalized = NormalizedView::new(&prose);
    Draft {
        text: text.to_owned(),
        format,
        posts,
        prose,
        normalized,
        waivers,
        problems,
    }
}

/// The known channel that `channel` is probably a misspelling of (`twiter` for
/// `twitter`), for checks outside drafts (`decorum.toml`).
pub fn misspelt_channel(channel: &str) -> Option<&'static str> {
    length::channel_typo(channel)
}

/// A problem when the `channel` that `meta` (one front-matter block, `fm` of `text`) sets
/// looks like a misspelt known channel: an unknown channel has no length limit, so
/// `twiter` would switch the X limit off without a word. At the value where the block
/// writes `channel: ...` on a line of its own, else at the block. A channel from
/// `decorum.toml` is checked when the configuration is read.
fn channel_typo(
    text: &str,
    meta: &Metadata,
    fm: &front_matter::FrontMatter,
) -> Option<DraftProblem> {
    let channel = meta.get("channel").and_then(MetaValue::as_str)?;
    let meant = length::channel_typo(channel)?;
    let (range, point) = match front_matter::top_level_value(text, fm, "channel") {
        Some(value) => (range_of(value.clone()), Some(range_of(value).start())),
        None => (range_of(fm.block.clone()), None),
    };
    Some(DraftProblem {
        kind: DraftProblemKind::Channel,
        message: format!(
            "unknown channel `{channel}`: did you mean `{meant}`? An unknown channel has no length limit"
        ),
        range,
        point,
    })
}

/// The metadata keys Decorum reads itself; any other key is metadata of its own name.
const KNOWN_KEYS: [&str; 3] = ["channel", "type", "consent"];

/// The metadata key Decorum reads (`channel`, `type`, `consent`) that `written` is one
/// letter from (`chanel`, `typ`, `consnet`: added, dropped, changed or two swapped), for
/// front matter and `decorum.toml`'s `[[drafts.metadata]]` alike. `content`, a word of
/// its own, is none.
pub fn misspelt_metadata_key(written: &str) -> Option<&'static str> {
    if written == "content" {
        return None;
    }
    KNOWN_KEYS
        .iter()
        .copied()
        .find(|known| one_edit_apart(written, known))
}

/// True when `a` and `b` are one edit apart: a character added, dropped or changed, or two
/// next to each other swapped (optimal string alignment distance 1): the test of every
/// "one letter away" check (keys, channels, the post separator, decorum.toml's keys).
/// Asked for every key of every front-matter block, so ASCII text is compared in place,
/// without the allocations of a distance table; other text goes to `strsim`.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    if !a.is_ascii() || !b.is_ascii() {
        return strsim::osa_distance(a, b) == 1;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let first = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal if first == a.len() => false,
        std::cmp::Ordering::Equal => {
            // One changed byte, or two neighbours swapped.
            a[first + 1..] == b[first + 1..]
                || (first + 1 < a.len()
                    && a[first] == b[first + 1]
                    && a[first + 1] == b[first]
                    && a[first + 2..] == b[first + 2..])
        }
        std::cmp::Ordering::Less if b.len() - a.len() == 1 => a[first..] == b[first + 1..],
        std::cmp::Ordering::Greater if a.len() - b.len() == 1 => a[first + 1..] == b[first..],
        _ => false,
    }
}

/// A problem for each top-level key of `meta` (one front-matter block, `fm` of `text`)
/// one letter from a key Decorum reads (`chanel`, `typ`, `consnet`) that the block does
/// not also set: it is metadata of its own name, as documented, but most likely a typo
/// that leaves the known key unset, and with it the channel's length limit or the rules
/// about adverts and consent. `content`, a word of its own, is left alone. As
/// `decorum.toml`'s `[[drafts.metadata]]` keys are checked.
fn key_typos(text: &str, meta: &Metadata, fm: &front_matter::FrontMatter) -> Vec<DraftProblem> {
    let mut out = Vec::new();
    for (written, _) in meta.iter() {
        if written.contains('.') {
            continue;
        }
        let Some(known) = misspelt_metadata_key(written).filter(|known| meta.get(known).is_none())
        else {
            continue;
        };
        let (range, point) = match front_matter::top_level_key(text, fm, written) {
            Some(key) => (range_of(key.clone()), Some(range_of(key).start())),
            None => (range_of(fm.block.clone()), None),
        };
        out.push(DraftProblem {
            kind: DraftProblemKind::MetadataKey,
            message: format!(
                "`{written}` is one letter from `{known}` (did you mean `{known}`?): any key but `channel`, `type` and `consent` is metadata of its own name, so this block sets no `{known}`; write `{known}`, or keep `{written}` if it is metadata of your own"
            ),
            range,
            point,
        });
    }
    out
}

fn empty_post(text: &str, meta: Metadata) -> Post {
    let all = range_of(0..text.len());
    Post {
        index: 0,
        range: all,
        body: all,
        label: None,
        meta,
        meta_range: None,
        paragraphs: Vec::new(),
        sentences: Vec::new(),
        words: Vec::new(),
        hashtags: Vec::new(),
        mentions: Vec::new(),
        links: Vec::new(),
        comments: Vec::new(),
        tables: Vec::new(),
        emoji: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The in-place comparison agrees with `strsim`'s distance on every pair of short
    /// ASCII words over a small alphabet (and on a few non-ASCII ones).
    #[test]
    fn one_edit_apart_agrees_with_osa_distance() {
        let mut words = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = words
                .iter()
                .filter(|w| w.len() == words.last().map_or(0, String::len))
                .flat_map(|w| ["a", "b", "c"].map(|c| format!("{w}{c}")))
                .collect();
            words.extend(longer);
        }
        words.extend(["chännel", "channel", "chanel", "ä", "aä"].map(String::from));
        for a in &words {
            for b in &words {
                assert_eq!(
                    one_edit_apart(a, b),
                    strsim::osa_distance(a, b) == 1,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn formats_from_paths() {
        let cases = [
            ("post.md", Some(DraftFormat::Markdown)),
            ("a/b/Blog.MARKDOWN", Some(DraftFormat::Markdown)),
            ("c:\\x\\page.mdx", Some(DraftFormat::Markdown)),
            ("caption.txt", Some(DraftFormat::PlainText)),
            ("notes.text", Some(DraftFormat::PlainText)),
            ("policy.decorum", None),
            (".md", None),
            ("README", None),
        ];
        for (path, want) in cases {
            assert_eq!(DraftFormat::from_path(path), want, "{path}");
        }
    }
}
