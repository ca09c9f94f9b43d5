//! YAML front matter: finding the `---` block and turning its YAML into [`Metadata`].
//!
//! The YAML is read through yaml-rust2's event parser, driven here one event at a time with
//! an explicit stack. yaml-rust2's own loader recurses once per nesting level and its
//! `Yaml` tree drops recursively, so a hostile front matter could overflow the stack; this
//! reader never builds a tree, stops at [`MAX_DEPTH`] levels and bounds what aliases expand
//! to, so any input ends in metadata or a [`DraftProblem`], never a crash.

use std::collections::HashMap;
use std::ops::Range;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::{ScanError, Yaml};

use decorum_text::LineIndex;

use crate::lines::{line_end, next_line};
use crate::{DraftProblem, DraftProblemKind, MetaValue, Metadata, length, range_of};

/// Deepest nesting of YAML collections that front matter may use.
pub(crate) const MAX_DEPTH: usize = 64;

/// Most values (entries, list items, characters of rendered text) front matter may expand
/// to, aliases included; protects against "billion laughs" alias bombs.
const MAX_VALUES: usize = 100_000;

/// A front-matter block found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrontMatter {
    /// From the opening `---` to the end of the closing `---` or `...` (line break excluded).
    pub block: Range<usize>,
    /// The YAML between the fences.
    pub yaml: Range<usize>,
    /// Where the text after the block starts (after the closing line's line break).
    pub after: usize,
}

/// True for a fence line's content: `marker` followed only by spaces or tabs.
fn is_fence(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.bytes().all(|b| b == b' ' || b == b'\t'))
}

/// Finds a front-matter block whose opening `---` line starts at `at`, with its closing
/// line before `limit`.
pub(crate) fn find(text: &str, at: usize, limit: usize) -> Option<FrontMatter> {
    let limit = limit.min(text.len());
    let open_end = line_end(text, at, limit);
    if !is_fence(text.get(at..open_end)?, "---") {
        return None;
    }
    let yaml_start = next_line(text, open_end, limit);
    let mut line = yaml_start;
    while line < limit {
        let end = line_end(text, line, limit);
        let content = text.get(line..end)?;
        if is_fence(content, "---") || is_fence(content, "...") {
            return Some(FrontMatter {
                block: at..end,
                yaml: yaml_start..line,
                after: next_line(text, end, limit),
            });
        }
        line = next_line(text, end, limit);
        if line == end {
            break;
        }
    }
    None
}

/// For where [`find`] found no block: an opening `---` line at `at` (so one with no
/// closing line before `limit`), when the line after it reads like YAML (`key:`). The
/// writer meant front matter, and without a warning its metadata would silently not
/// apply. A `---` followed by ordinary text is a thematic break, not a mistake.
pub(crate) fn unclosed(text: &str, at: usize, limit: usize) -> Option<Range<usize>> {
    let limit = limit.min(text.len());
    let open_end = line_end(text, at, limit);
    if !is_fence(text.get(at..open_end)?, "---") {
        return None;
    }
    let next = next_line(text, open_end, limit);
    let line = text.get(next..line_end(text, next, limit))?;
    let (key, _) = line.split_once(':')?;
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    is_key.then_some(at..open_end)
}

/// A closed `---` block that reads like front matter (its first line is `key:`) but is
/// not where front matter is read: it follows blank lines or HTML comments (a waiver)
/// at the top of `body`. The writer meant metadata, which would silently not apply.
pub(crate) fn misplaced(text: &str, body: Range<usize>) -> Option<Range<usize>> {
    let limit = body.end.min(text.len());
    let mut at = body.start;
    let mut skipped = false;
    loop {
        if at >= limit {
            return None;
        }
        let end = line_end(text, at, limit);
        let line = text.get(at..end)?.trim();
        let comment = line.starts_with("<!--") && line.ends_with("-->");
        if !line.is_empty() && !comment {
            break;
        }
        skipped = true;
        let next = next_line(text, end, limit);
        if next == end {
            return None;
        }
        at = next;
    }
    if !skipped {
        return None;
    }
    let block = find(text, at, limit)?;
    let first = text.get(block.yaml.start..line_end(text, block.yaml.start, limit))?;
    let (key, _) = first.split_once(':')?;
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    is_key.then_some(block.block)
}

/// A line index of the text, built the first time an error needs a line number (so a
/// calendar of many posts with broken front matter stays linear).
#[derive(Default)]
pub(crate) struct LazyLines {
    index: Option<LineIndex>,
}

impl LazyLines {
    /// The zero-based line of `offset` in `text`.
    pub(crate) fn line_of(&mut self, text: &str, offset: usize) -> usize {
        let index = self.index.get_or_insert_with(|| LineIndex::new(text));
        index.line_of(crate::range_of(offset..offset).start()) as usize
    }
}

/// Reads the YAML of `fm` into metadata; problems carry the block's range.
pub(crate) fn parse(
    text: &str,
    fm: &FrontMatter,
    lines: &mut LazyLines,
) -> (Metadata, Vec<DraftProblem>) {
    let yaml = text.get(fm.yaml.clone()).unwrap_or_default();
    if let Some(meta) = simple(yaml) {
        return (meta, Vec::new());
    }
    let block = range_of(fm.block.clone());
    let mut reader = Reader::default();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.read(yaml)));
    let problem = |message: String, point: Option<usize>| DraftProblem {
        kind: DraftProblemKind::FrontMatter,
        message,
        range: block,
        point: point.map(|at| range_of(fm.yaml.start + at..fm.yaml.start + at).start()),
    };
    // Front matter with a problem contributes no metadata: half-read values (the entry
    // being read when the error struck) would be worse than none.
    let problem = match outcome {
        Ok(Ok(())) => {
            let mut meta = reader.meta;
            let problems = refuse_channel(&mut meta, reader.channel_is_map)
                .map(|message| {
                    let (range, point) = match reader.channel_at {
                        Some(at) => {
                            let value = value_extent(yaml, at);
                            let value = fm.yaml.start + value.start..fm.yaml.start + value.end;
                            (range_of(value.clone()), Some(range_of(value).start()))
                        }
                        None => (block, None),
                    };
                    DraftProblem {
                        kind: DraftProblemKind::Channel,
                        message,
                        range,
                        point,
                    }
                })
                .into_iter()
                .collect();
            return (meta, problems);
        }
        Ok(Err(ReadError::Yaml(err))) => {
            // Lines of the YAML are reported as lines of the file (1-based).
            let message = yaml_message(&err, lines.line_of(text, fm.yaml.start));
            problem(message, Some(marker_offset(yaml, &err)))
        }
        Ok(Err(ReadError::Other(message))) => problem(message, None),
        Err(_) => problem(
            "the front matter could not be read as YAML".to_owned(),
            None,
        ),
    };
    (Metadata::new(), vec![problem])
}

/// Fast path for the front matter most drafts have: `key: value` lines with plain values
/// made of letters, digits, `_`, `.`, `-` and single spaces (`channel: x`, `title: Flu
/// season`, `date: 2024-05-01`). Running yaml-rust2 costs about ten times more than the
/// rest of parsing such a block. On these lines YAML yields exactly the plain scalars as
/// written, so keys and values resolve through the same [`scalar`] as the full reader.
/// Anything else (quotes, comments, nesting, lists, anchors, blank lines, `\r`, keys
/// that repeat once resolved, a `channel` that is not text) returns `None` and goes
/// through yaml-rust2.
/// `simple_front_matter_matches_yaml` checks this against the full reader.
fn simple(yaml: &str) -> Option<Metadata> {
    let body = yaml.strip_suffix('\n')?;
    let mut meta = Metadata::new();
    for line in body.split('\n') {
        let (key, value) = line.split_once(": ")?;
        if !is_simple_plain(key) || !is_simple_plain(value) {
            return None;
        }
        let key = match scalar(key, TScalarStyle::Plain, None) {
            MetaValue::Str(key) => key,
            other => other.display(),
        };
        if meta.get(&key).is_some() {
            return None;
        }
        let value = scalar(value, TScalarStyle::Plain, None);
        // A `channel` that is not text (`channel: 5`) is refused where the full reader
        // knows where its value is.
        if key == "channel" && !matches!(value, MetaValue::Str(_)) {
            return None;
        }
        meta.insert(key, value);
    }
    Some(meta)
}

/// A plain scalar that YAML reads as written: an ASCII letter or digit, then letters,
/// digits, `_`, `.`, `-`, and spaces that are single and not at the end.
fn is_simple_plain(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && !s.ends_with(' ')
        && !s.contains("  ")
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b' '))
}

/// The YAML error in words, with its line counted from the start of the file.
fn yaml_message(err: &ScanError, first_line: usize) -> String {
    let marker = err.marker();
    format!(
        "invalid YAML in front matter: {} (line {}, column {})",
        err.info(),
        first_line + marker.line().max(1),
        marker.col() + 1
    )
}

/// The byte offset in `yaml` of the place a YAML error points to.
fn marker_offset(yaml: &str, err: &ScanError) -> usize {
    offset_of(yaml, err.marker())
}

/// The byte offset in `yaml` of a marker, from its 1-based line and 0-based column in
/// characters (the marker's own index is not reliably bytes); lines end as yaml-rust2
/// ends them, at LF, CRLF or a lone CR. Clamped to the text, so a marker past its end
/// points at the end.
fn offset_of(yaml: &str, marker: &Marker) -> usize {
    let mut start = 0;
    for _ in 1..marker.line().max(1) {
        let end = line_end(yaml, start, yaml.len());
        if end == yaml.len() {
            return yaml.len();
        }
        start = next_line(yaml, end, yaml.len());
    }
    let line = &yaml[start..line_end(yaml, start, yaml.len())];
    start
        + line
            .char_indices()
            .nth(marker.col())
            .map_or(line.len(), |(i, _)| i)
}

/// The line of `yaml` (its offset, and the line) that starts with the top-level `key`,
/// bare or in quotes, and a colon (`channel: twiter`, `"channel" : twiter`), and what
/// follows the colon on it (a suffix of the line); `None` when no line does (a flow
/// mapping, a key written otherwise).
fn top_level_line<'y>(yaml: &'y str, key: &str) -> Option<(usize, &'y str, &'y str)> {
    let mut start = 0;
    // Lines end at `\n`, `\r\n` or a lone `\r` (the `\n` of a `\r\n` is a piece alone).
    for line in yaml.split_inclusive(['\n', '\r']) {
        let at = start;
        start += line.len();
        let rest = [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
            .iter()
            .find_map(|written| line.strip_prefix(written.as_str()))
            .map(|rest| rest.trim_start_matches([' ', '\t']))
            .and_then(|rest| rest.strip_prefix(':'));
        if let Some(rest) = rest {
            return Some((at, line, rest));
        }
    }
    None
}

/// Where the value of the top-level `key` of `fm` lies in `text` (its first line, as
/// [`value_extent`] cuts it), when a line of the block starts with the key (see
/// [`top_level_line`]) and holds a value.
pub(crate) fn top_level_value(text: &str, fm: &FrontMatter, key: &str) -> Option<Range<usize>> {
    let yaml = text.get(fm.yaml.clone())?;
    let (at, line, rest) = top_level_line(yaml, key)?;
    let value = rest.trim_start_matches([' ', '\t']);
    let extent = value_extent(yaml, at + line.len() - value.len());
    if extent.is_empty() {
        return None;
    }
    Some(fm.yaml.start + extent.start..fm.yaml.start + extent.end)
}

/// Where the top-level `key` of `fm` is written in `text` (the key, with its quotes),
/// when a line of the block starts with it (see [`top_level_line`]).
pub(crate) fn top_level_key(text: &str, fm: &FrontMatter, key: &str) -> Option<Range<usize>> {
    let yaml = text.get(fm.yaml.clone())?;
    let (at, line, rest) = top_level_line(yaml, key)?;
    // The line up to its colon, without the spaces before the colon.
    let before_colon = &line[..line.len() - rest.len() - 1];
    let end = at + before_colon.trim_end_matches([' ', '\t']).len();
    Some(fm.yaml.start + at..fm.yaml.start + end)
}

/// The part of a value starting at `at` in `yaml` that a problem with it underlines: the
/// rest of its first line without a trailing comment or spaces (all of `[x, instagram]`
/// or of `5`, the first item of a block list).
fn value_extent(yaml: &str, at: usize) -> Range<usize> {
    let end = line_end(yaml, at, yaml.len());
    let line = yaml.get(at..end).unwrap_or_default();
    let line = match line.find(" #").into_iter().chain(line.find("\t#")).min() {
        Some(comment) => &line[..comment],
        None => line,
    };
    at..at + line.trim_end().len()
}

/// Refuses a `channel` that `meta` (one front-matter block) sets to anything but text:
/// a list, a number, `true` or `false`, or a mapping (`is_map`, or read as `channel.KEY`
/// entries). The length limit, `{channel}` and `limit` read only a channel written as
/// text while `channel == "x"` also looks into a list, so such a value would make rules
/// disagree about the post. Text that is empty or blank (`channel: ""`) names no channel
/// either, and is refused too: it reads as a channel set on purpose, yet no length limit
/// applies. Either is replaced by null, like `channel:` written empty: the post has no
/// channel (not one a layer below sets), for every purpose. Returns the problem in words.
fn refuse_channel(meta: &mut Metadata, is_map: bool) -> Option<String> {
    let value = meta.get("channel");
    let what = match value {
        Some(MetaValue::Str(text)) if text.trim().is_empty() => {
            let what = if text.is_empty() { "empty" } else { "blank" };
            let message = format!(
                "`channel` is {what} text, which names no channel; as written it sets no channel, so no length limit applies: write e.g. `channel: x`, or `channel:` with nothing after it for a post with no channel"
            );
            meta.insert("channel", MetaValue::Null);
            return Some(message);
        }
        Some(MetaValue::Str(_)) => return None,
        _ if is_map => "a mapping",
        Some(MetaValue::List(_)) => "a list",
        Some(MetaValue::Num(_)) => "a number",
        Some(MetaValue::Bool(_)) => "true or false",
        Some(MetaValue::Null) | None if meta.has_under("channel") => "a mapping",
        Some(MetaValue::Null) | None => return None,
    };
    // Suggest the list's own first channel when it is a known one.
    let example = match value {
        Some(MetaValue::List(items)) => items
            .first()
            .and_then(MetaValue::as_str)
            .map(str::trim)
            .filter(|c| length::channel_limit(c).is_some()),
        _ => None,
    };
    let several = matches!(value, Some(MetaValue::List(items)) if items.len() > 1);
    let mut message = format!(
        "`channel` is one channel written as text, not {what}; as written it sets no channel, so no length limit applies: write e.g. `channel: {}`",
        example.unwrap_or("x")
    );
    if several {
        message.push_str(
            " (for several channels, write a post for each: a `<!-- post -->` line starts the next post of a calendar)",
        );
    }
    meta.remove_under("channel");
    meta.insert("channel", MetaValue::Null);
    Some(message)
}

enum ReadError {
    Yaml(ScanError),
    Other(String),
}

impl From<ScanError> for ReadError {
    fn from(err: ScanError) -> Self {
        ReadError::Yaml(err)
    }
}

/// What an anchor (`&name`) stands for, so aliases (`*name`) can repeat it.
#[derive(Clone)]
enum Anchored {
    Value(MetaValue),
    /// A mapping, as its flattened entries relative to the mapping.
    Map(Vec<(String, MetaValue)>),
}

/// An open collection while reading events.
enum Frame {
    /// A mapping flattened into dotted keys under `prefix` (empty or ending in `.`).
    Map {
        prefix: String,
        key: Option<String>,
        anchor: usize,
    },
    /// A sequence collecting its items.
    Seq {
        items: Vec<MetaValue>,
        anchor: usize,
    },
    /// A collection that metadata cannot hold as such (a mapping inside a list, a
    /// collection used as a key), kept as flow-style text.
    Render {
        text: String,
        is_map: bool,
        count: usize,
        anchor: usize,
    },
}

/// A finished value arriving at its parent.
enum Node {
    Value(MetaValue),
    /// Entries of an aliased mapping.
    Map(Vec<(String, MetaValue)>),
}

#[derive(Default)]
struct Reader {
    meta: Metadata,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    budget_used: usize,
    saw_root: bool,
    /// Where the value of the last top-level `channel` key starts, in bytes of the YAML.
    channel_at: Option<usize>,
    /// That value is a mapping (which flattens to `channel.KEY` entries, or to none).
    channel_is_map: bool,
    /// That value is a mapping whose start event was the last event read.
    channel_map_opened: bool,
}

impl Reader {
    fn read(&mut self, yaml: &str) -> Result<(), ReadError> {
        let mut parser = Parser::new_from_str(yaml);
        loop {
            let (event, mark) = parser.next_token()?;
            if std::mem::take(&mut self.channel_map_opened)
                && let Some(at) = self.channel_at.as_mut()
            {
                // A block mapping starts at its first key, which its start event's mark
                // (at the key's colon) is after; a flow mapping at its `{`, before it.
                *at = (*at).min(offset_of(yaml, &mark));
            }
            if self.reads_channel_value() {
                let is_map = match &event {
                    Event::MappingStart(..) => Some(true),
                    Event::Alias(id) => {
                        Some(matches!(self.anchors.get(id), Some(Anchored::Map(_))))
                    }
                    Event::Scalar(..) | Event::SequenceStart(..) => Some(false),
                    _ => None,
                };
                if let Some(is_map) = is_map {
                    self.channel_at = Some(offset_of(yaml, &mark));
                    self.channel_is_map = is_map;
                    self.channel_map_opened = matches!(event, Event::MappingStart(..));
                }
            }
            match event {
                Event::StreamEnd => return Ok(()),
                Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let value = scalar(&value, style, tag.as_ref().map(|t| t.suffix.as_str()));
                    if anchor > 0 {
                        self.anchors.insert(anchor, Anchored::Value(value.clone()));
                    }
                    self.deliver(Node::Value(value))?;
                }
                Event::Alias(id) => {
                    let node = match self.anchors.get(&id) {
                        Some(Anchored::Value(v)) => Node::Value(v.clone()),
                        Some(Anchored::Map(entries)) => Node::Map(entries.clone()),
                        None => Node::Value(MetaValue::Null),
                    };
                    self.spend(match &node {
                        Node::Value(v) => weight(v),
                        Node::Map(entries) => entries.iter().map(|(_, v)| weight(v)).sum(),
                    })?;
                    self.deliver(node)?;
                }
                Event::SequenceStart(anchor, _) => self.open(false, anchor)?,
                Event::MappingStart(anchor, _) => self.open(true, anchor)?,
                Event::SequenceEnd | Event::MappingEnd => self.close()?,
            }
        }
    }

    /// True when the next value is that of the top-level key `channel`.
    fn reads_channel_value(&self) -> bool {
        matches!(self.stack.as_slice(), [Frame::Map { key: Some(key), .. }] if key == "channel")
    }

    fn spend(&mut self, amount: usize) -> Result<(), ReadError> {
        self.budget_used = self.budget_used.saturating_add(amount);
        if self.budget_used > MAX_VALUES {
            return Err(ReadError::Other(
                "the front matter is too large (more than 100000 values once aliases are expanded)"
                    .to_owned(),
            ));
        }
        Ok(())
    }

    fn open(&mut self, is_map: bool, anchor: usize) -> Result<(), ReadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ReadError::Other(format!(
                "the front matter nests deeper than {MAX_DEPTH} levels"
            )));
        }
        self.spend(1)?;
        let frame = match self.stack.last_mut() {
            None => {
                if !is_map || self.saw_root {
                    return Err(ReadError::Other(
                        "front matter must be a mapping of keys to values, like `channel: linkedin`"
                            .to_owned(),
                    ));
                }
                self.saw_root = true;
                Frame::Map {
                    prefix: String::new(),
                    key: None,
                    anchor,
                }
            }
            Some(Frame::Map {
                prefix,
                key: Some(key),
                ..
            }) => {
                let full = format!("{prefix}{key}");
                if is_map {
                    Frame::Map {
                        prefix: format!("{full}."),
                        key: None,
                        anchor,
                    }
                } else {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                    }
                }
            }
            Some(Frame::Seq { .. }) if !is_map => Frame::Seq {
                items: Vec::new(),
                anchor,
            },
            // A mapping inside a list, or any collection used as a key.
            Some(_) => Frame::Render {
                text: String::new(),
                is_map,
                count: 0,
                anchor,
            },
        };
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self) -> Result<(), ReadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        match frame {
            Frame::Map { prefix, anchor, .. } => {
                if anchor > 0 {
                    let entries: Vec<(String, MetaValue)> = self
                        .meta
                        .iter()
                        .filter_map(|(k, v)| {
                            Some((k.strip_prefix(prefix.as_str())?.to_owned(), v.clone()))
                        })
                        .collect();
                    self.anchors.insert(anchor, Anchored::Map(entries));
                }
                // The mapping's entries were written as they came; its parent key is done.
                if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                    *key = None;
                }
                Ok(())
            }
            Frame::Seq { items, anchor } => {
                let value = MetaValue::List(items);
                if anchor > 0 {
                    self.anchors.insert(anchor, Anchored::Value(value.clone()));
                }
                self.deliver(Node::Value(value))
            }
            Frame::Render {
                mut text,
                is_map,
                anchor,
                ..
            } => {
                text.insert(0, if is_map { '{' } else { '[' });
                text.push(if is_map { '}' } else { ']' });
                let value = MetaValue::Str(text);
                if anchor > 0 {
                    self.anchors.insert(anchor, Anchored::Value(value.clone()));
                }
                self.deliver(Node::Value(value))
            }
        }
    }

    /// Hands a finished node to the innermost open collection.
    fn deliver(&mut self, node: Node) -> Result<(), ReadError> {
        let Some(top) = self.stack.last_mut() else {
            // A document that is a lone scalar (or empty).
            return match node {
                Node::Value(MetaValue::Null) if !self.saw_root => Ok(()),
                _ => Err(ReadError::Other(
                    "front matter must be a mapping of keys to values, like `channel: linkedin`"
                        .to_owned(),
                )),
            };
        };
        match top {
            Frame::Map { prefix, key, .. } => match key.take() {
                None => {
                    *key = Some(match node {
                        Node::Value(v) => v.display(),
                        Node::Map(entries) => render_entries(&entries),
                    });
                }
                Some(k) => {
                    let full = format!("{prefix}{k}");
                    match node {
                        Node::Value(v) => {
                            self.meta.insert(full, v);
                        }
                        Node::Map(entries) if k == "<<" => {
                            // A YAML merge key: the aliased entries, unless already set.
                            for (suffix, v) in entries {
                                let full = format!("{prefix}{suffix}");
                                if self.meta.get(&full).is_none() {
                                    self.meta.insert(full, v);
                                }
                            }
                        }
                        Node::Map(entries) => {
                            for (suffix, v) in entries {
                                self.meta.insert(format!("{full}.{suffix}"), v);
                            }
                        }
                    }
                }
            },
            Frame::Seq { items, .. } => items.push(match node {
                Node::Value(v) => v,
                Node::Map(entries) => MetaValue::Str(format!("{{{}}}", render_entries(&entries))),
            }),
            Frame::Render {
                text,
                is_map,
                count,
                ..
            } => {
                let piece = match node {
                    Node::Value(MetaValue::Str(s)) => s,
                    Node::Value(MetaValue::List(items)) => {
                        format!("[{}]", MetaValue::List(items).display())
                    }
                    Node::Value(v) => v.display(),
                    Node::Map(entries) => format!("{{{}}}", render_entries(&entries)),
                };
                let sep = match (*is_map, *count % 2) {
                    (_, _) if *count == 0 => "",
                    (true, 1) => ": ",
                    _ => ", ",
                };
                let added = sep.len() + piece.len();
                text.push_str(sep);
                text.push_str(&piece);
                *count += 1;
                self.spend(added)?;
            }
        }
        Ok(())
    }
}

fn render_entries(entries: &[(String, MetaValue)]) -> String {
    entries
        .iter()
        .map(|(k, v)| format!("{k}: {}", v.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How much of the expansion budget a value uses.
fn weight(value: &MetaValue) -> usize {
    match value {
        MetaValue::List(items) => 1 + items.iter().map(weight).sum::<usize>(),
        MetaValue::Str(s) => 1 + s.len() / 64,
        _ => 1,
    }
}

/// A scalar's value: quoted and block scalars (and `!!str`) are strings, plain scalars are
/// resolved as YAML does (numbers, booleans, null).
fn scalar(value: &str, style: TScalarStyle, tag: Option<&str>) -> MetaValue {
    if style != TScalarStyle::Plain || tag == Some("str") || is_plain_word(value) {
        return MetaValue::Str(value.to_owned());
    }
    resolve_plain(value)
}

/// True for a plain scalar YAML reads as a string without trying it as anything else:
/// it starts with a letter (so it is no `.inf`, `~` or `+1`), holds no digit (so it is no
/// number) and is not a null or a boolean. Most front-matter values are such words
/// (`channel: instagram`), and `Yaml::from_str` would copy one into a string of its own
/// only to be dropped.
fn is_plain_word(value: &str) -> bool {
    value
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphabetic)
        && !value.bytes().any(|b| b.is_ascii_digit())
        && !matches!(
            value,
            "null" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
}

/// A plain scalar resolved as YAML does (numbers, booleans, null, else a string).
fn resolve_plain(value: &str) -> MetaValue {
    match Yaml::from_str(value) {
        Yaml::Null => MetaValue::Null,
        Yaml::Boolean(b) => MetaValue::Bool(b),
        Yaml::Integer(i) => MetaValue::Num(i as f64),
        real @ Yaml::Real(_) => real
            .as_f64()
            .map_or_else(|| MetaValue::Str(value.to_owned()), MetaValue::Num),
        _ => MetaValue::Str(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(yaml: &str) -> String {
        let text = format!("---\n{yaml}---\nbody\n");
        let Some(fm) = find(&text, 0, text.len()) else {
            return "no front matter".to_owned();
        };
        let (meta, problems) = parse(&text, &fm, &mut LazyLines::default());
        let mut out: Vec<String> = meta.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
        out.extend(problems.iter().map(|p| format!("problem: {}", p.message)));
        out.join("\n")
    }

    #[test]
    fn scalars_lists_and_nested_maps() {
        expect_test::expect![[r#"
            channel = Str("linkedin")
            consent.scope = List([Str("web"), Str("print")])
            consent.type = Str("written")
            count = Num(3.0)
            date = Str("2024-05-01")
            draft = Bool(true)
            empty = Null
            people = List([Str("{name: Ana, age: 3}"), Str("plain")])
            quoted = Str("42")
            ratio = Num(0.5)"#]]
        .assert_eq(&meta(
            "channel: linkedin\ncount: 3\nratio: 0.5\ndraft: true\nempty:\nquoted: \"42\"\ndate: 2024-05-01\nconsent:\n  type: written\n  scope: [web, print]\npeople:\n  - {name: Ana, age: 3}\n  - plain\n",
        ));
    }

    #[test]
    fn errors_are_reported_with_file_lines() {
        expect_test::expect!["problem: invalid YAML in front matter: mapping values are not allowed in this context (line 3, column 7)"]
        .assert_eq(&meta("channel: x\nbad: a: b\n"));
        expect_test::expect![
            "problem: front matter must be a mapping of keys to values, like `channel: linkedin`"
        ]
        .assert_eq(&meta("- a\n- b\n"));
    }

    /// The text from the place a YAML error points to.
    fn from_error(yaml: &str) -> String {
        let text = format!("---\n{yaml}---\nbody\n");
        let fm = find(&text, 0, text.len()).expect("front matter");
        let (_, problems) = parse(&text, &fm, &mut LazyLines::default());
        let point = problems.first().and_then(|p| p.point).expect("a point");
        text[usize::from(point)..].to_owned()
    }

    #[test]
    fn an_error_points_where_its_message_says() {
        // Line 3, column 7 of the file in the message; non-ASCII letters before it on
        // its line and on the line above count as one column each.
        expect_test::expect![[r#"
            problem: invalid YAML in front matter: mapping values are not allowed in this context (line 3, column 7)"#]]
        .assert_eq(&meta("título: x\nbañ: ñ: b\n"));
        assert_eq!(from_error("título: x\nbañ: ñ: b\n"), ": b\n---\nbody\n");
        // An unclosed quote is reported at its opening; an error after the last line
        // (line 3 of the file, "did not find expected node content") at the YAML's end.
        assert_eq!(from_error("a: \"open\n"), "\"open\n---\nbody\n");
        assert_eq!(from_error("a: [1,\n"), "---\nbody\n");
    }

    #[test]
    fn aliases_merge_keys_and_bombs() {
        expect_test::expect![[r#"
            base.a = Num(1.0)
            base.b = Num(2.0)
            copy = Str("x")
            derived.a = Num(1.0)
            derived.b = Num(9.0)
            name = Str("x")"#]]
        .assert_eq(&meta(
            "name: &n x\ncopy: *n\nbase: &b {a: 1, b: 2}\nderived:\n  <<: *b\n  b: 9\n",
        ));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            bomb.push_str(&format!("{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(meta(&bomb).contains("problem: the front matter is too large"));
    }

    #[test]
    fn deep_nesting_is_a_problem_not_a_crash() {
        let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(meta(&flow).contains("problem:"), "{}", meta(&flow));
        let mut block = String::new();
        for depth in 0..5000 {
            block.push_str(&" ".repeat(depth));
            block.push_str("k:\n");
        }
        assert!(meta(&block).contains("deeper than 64 levels"));
    }

    /// Metadata through the full YAML reader only.
    fn full(yaml: &str) -> (Metadata, bool) {
        let mut reader = Reader::default();
        let ok = reader.read(yaml).is_ok();
        (reader.meta, ok)
    }

    #[test]
    fn simple_front_matter_takes_the_fast_path() {
        for yaml in [
            "channel: x\n",
            "channel: linkedin\ntitle: Flu season\ndate: 2024-05-01\ncount: 3\n",
            "draft: true\nratio: 0.5\n",
        ] {
            let fast = simple(yaml).expect("fast path");
            assert_eq!((fast, true), full(yaml), "{yaml:?}");
        }
        for yaml in ["", "a: 'x'\n", "a:\n", "a: b # c\n", "a: b\r\n", "a: [x]\n"] {
            assert!(simple(yaml).is_none(), "{yaml:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        #[test]
        fn simple_front_matter_matches_yaml(
            lines in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "channel", "Channel", "title", "a.b", "k-1", "_k", "x", "1", "1.0", "01",
                        "true", "null", "~", "<<", "-k", "k k", "a:b", " k", "ü", "0x1F", "TRUE",
                    ]),
                    // Mostly well-formed lines, so that many cases take the fast path.
                    proptest::sample::select(vec![
                        ": ", ": ", ": ", ": ", ": ", ": ", ":", ":  ", " : ", ":\t", ": &a ",
                        ": !!str ",
                    ]),
                    proptest::sample::select(vec![
                        "x", "linkedin", "Winter health", "true", "True", "null", "Null", "NULL",
                        "~", "1", "-1", "+1", "0x1F", "0o17", "1e5", "1.5", ".5", "2024-05-01",
                        "inf", "nan", ".inf", "yes", "a  b", "a b ", "a #b", "a#b", "a: b", "",
                        "'q'", "\"q\"", "[a]", "{a: 1}", "*a", "- a", "-", "a-", "1_000", "1.",
                        "v1.2.3", "é", "a\tb", "|", ">", "%x", "@x", "`x`", "12:30", "a,b", "...",
                    ]),
                    proptest::sample::select(vec![
                        "\n", "\n", "\n", "\n", "\n", "\n", "\n", "\r\n", "\n\n", "\n  ",
                    ]),
                ),
                0..6,
            )
        ) {
            let yaml: String = lines
                .iter()
                .map(|(k, sep, v, end)| format!("{k}{sep}{v}{end}"))
                .collect();
            if let Some(fast) = simple(&yaml) {
                let (slow, ok) = full(&yaml);
                proptest::prop_assert!(ok, "{:?}", yaml);
                proptest::prop_assert_eq!(fast, slow, "{:?}", yaml);
            }
        }

        /// The shortcut for plain words resolves every plain scalar as YAML does: words,
        /// numbers, nulls, booleans, infinities, with signs, dots and spaces.
        #[test]
        fn plain_words_resolve_as_yaml(
            value in proptest::prop_oneof![
                "[A-Za-z0-9.+~_ -]{0,8}",
                "[+-]?\\.?(inf|Inf|INF|nan|NaN|NAN|null|true|True|TRUE|false|False|FALSE)",
                "(null|true|True|TRUE|false|False|FALSE|Null|yes|on)[a-z0-9 ]{0,2}",
                "[A-Za-z]{1,6}[0-9eE.x]{0,3}",
            ]
        ) {
            // Compared as written out: `.nan` resolves to a NaN, unequal to itself.
            proptest::prop_assert_eq!(
                format!("{:?}", scalar(&value, TScalarStyle::Plain, None)),
                format!("{:?}", resolve_plain(&value)),
                "{:?}", value
            );
        }

        /// Lines of the accepted shape only, with values YAML resolves in every way.
        #[test]
        fn simple_lines_match_yaml(
            lines in proptest::collection::vec(
                (
                    "[A-Za-z0-9][A-Za-z0-9_.-]{0,6}",
                    proptest::sample::select(vec![
                        "x", "linkedin", "Winter health", "true", "True", "TRUE", "false", "null",
                        "Null", "NULL", "1", "10", "01", "1.5", "1.", "1e5", "1E-3", "0x1F", "0o17",
                        "0xZZ", "2024-05-01", "inf", "nan", "NaN", "infinity", "yes", "No", "a b c",
                        "v1.2.3", "1_000", "a-", "a.", "9 lives", "x_y", "1 2",
                    ]),
                ),
                1..6,
            )
        ) {
            let yaml: String = lines.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
            let (slow, ok) = full(&yaml);
            proptest::prop_assert!(ok, "{:?}", yaml);
            match simple(&yaml) {
                Some(fast) => proptest::prop_assert_eq!(fast, slow, "{:?}", yaml),
                // Only keys that repeat once resolved leave the fast path.
                None => proptest::prop_assert!(slow.len() < lines.len(), "{:?}", yaml),
            }
        }
    }

    /// The metadata and problems of a draft opening with `yaml` as front matter, each
    /// problem with the text it underlines.
    fn refused(yaml: &str) -> String {
        let text = format!("---\n{yaml}---\nbody\n");
        let fm = find(&text, 0, text.len()).expect("front matter");
        let (meta, problems) = parse(&text, &fm, &mut LazyLines::default());
        let mut out: Vec<String> = meta.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
        for p in &problems {
            let range = usize::from(p.range.start())..usize::from(p.range.end());
            let at = p.point.map(usize::from);
            out.push(format!("problem at {:?}: {}", &text[range], p.message));
            assert!(at.is_none() || at == Some(usize::from(p.range.start())));
        }
        out.join("\n")
    }

    #[test]
    fn a_channel_that_is_not_text_is_refused_at_its_value() {
        expect_test::expect![[r#"
            channel = Null
            problem at "[x, instagram]": `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x` (for several channels, write a post for each: a `<!-- post -->` line starts the next post of a calendar)"#]]
        .assert_eq(&refused("channel: [x, instagram]\n"));
        expect_test::expect![[r#"
            channel = Null
            problem at "[linkedin]": `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: linkedin`"#]]
        .assert_eq(&refused("channel: [linkedin]   # for now\n"));
        // A block list is underlined at its first item.
        expect_test::expect![[r#"
            channel = Null
            problem at "- twiter": `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x`"#]]
        .assert_eq(&refused("channel:\n  - twiter\n"));
        // Plain `key: value` lines that would take the fast path.
        expect_test::expect![[r#"
            channel = Null
            title = Str("Flu season")
            problem at "5": `channel` is one channel written as text, not a number; as written it sets no channel, so no length limit applies: write e.g. `channel: x`"#]]
        .assert_eq(&refused("title: Flu season\nchannel: 5\n"));
        expect_test::expect![[r#"
            channel = Null
            problem at "true": `channel` is one channel written as text, not true or false; as written it sets no channel, so no length limit applies: write e.g. `channel: x`"#]]
        .assert_eq(&refused("channel: true\n"));
        // A mapping leaves no `channel.KEY` entries behind, nor does an empty one.
        for (yaml, value) in [
            ("channel: {a: 1}\n", "{a: 1}"),
            ("channel:\n  a: 1\n  b: 2\n", "a: 1"),
            ("channel: {}\n", "{}"),
            ("base: &b {a: 1}\nchannel: *b\n", "*b"),
        ] {
            let shown = refused(yaml);
            assert!(
                shown.contains("channel = Null\n")
                    && shown.contains(&format!("problem at {value:?}: `channel` is one channel written as text, not a mapping;"))
                    && !shown.contains("channel."),
                "{yaml:?}: {shown}"
            );
        }
        // Through a merge key no value of `channel` is written: the block is underlined.
        expect_test::expect![[r#"
            base.channel = List([Str("x")])
            channel = Null
            problem at "---\nbase: &b {channel: [x]}\n<<: *b\n---": `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x`"#]]
        .assert_eq(&refused("base: &b {channel: [x]}\n<<: *b\n"));
        // The last of two `channel` keys is the one that counts, and is the one underlined.
        expect_test::expect![[r#"
            channel = Null
            problem at "[x]": `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x`"#]]
        .assert_eq(&refused("channel: x\nchannel: [x]\n"));
    }

    #[test]
    fn a_channel_of_empty_or_blank_text_is_refused_at_its_value() {
        expect_test::expect![[r#"
            channel = Null
            problem at "\"\"": `channel` is empty text, which names no channel; as written it sets no channel, so no length limit applies: write e.g. `channel: x`, or `channel:` with nothing after it for a post with no channel"#]]
        .assert_eq(&refused("channel: \"\"\n"));
        expect_test::expect![[r#"
            channel = Null
            title = Str("Flu season")
            problem at "'  '": `channel` is blank text, which names no channel; as written it sets no channel, so no length limit applies: write e.g. `channel: x`, or `channel:` with nothing after it for a post with no channel"#]]
        .assert_eq(&refused("title: Flu season\nchannel: '  '   # for now\n"));
        expect_test::expect![[r#"
            channel = Null
            problem at "\"\\t\"": `channel` is blank text, which names no channel; as written it sets no channel, so no length limit applies: write e.g. `channel: x`, or `channel:` with nothing after it for a post with no channel"#]]
        .assert_eq(&refused("channel: \"\\t\"\n"));
    }

    #[test]
    fn a_channel_written_as_text_or_left_empty_is_no_problem() {
        let shown: Vec<String> = [
            "channel: x\n",
            "channel:\n",
            "channel: ~\n",
            "channel: \"5\"\n",
            "channel: !!str true\n",
            // Only the top-level key is the post's channel.
            "nested:\n  channel: [x]\n",
        ]
        .into_iter()
        .map(refused)
        .collect();
        expect_test::expect![[r#"
            channel = Str("x")
            channel = Null
            channel = Null
            channel = Str("5")
            channel = Str("true")
            nested.channel = List([Str("x")])"#]]
        .assert_eq(&shown.join("\n"));
    }

    #[test]
    fn places_are_found_on_lines_ending_in_a_lone_cr() {
        let text = "---\rtitle: Flu\rchannel: [x] # a\r---\rbody\r";
        let fm = find(text, 0, text.len()).expect("front matter");
        let (meta, problems) = parse(text, &fm, &mut LazyLines::default());
        assert_eq!(meta.get("channel"), Some(&MetaValue::Null));
        let range = problems
            .first()
            .map(|p| usize::from(p.range.start())..usize::from(p.range.end()));
        assert_eq!(range.map(|r| &text[r]), Some("[x]"));
        // yaml-rust2 counts a lone CR as a line end, and so does the place of its error.
        let text = "---\rtitle: Flu\rbad: a: b\r---\rbody\r";
        let fm = find(text, 0, text.len()).expect("front matter");
        let (_, problems) = parse(text, &fm, &mut LazyLines::default());
        let point = problems.first().and_then(|p| p.point).map(usize::from);
        assert_eq!(point.map(|at| &text[at..]), Some(": b\r---\rbody\r"));
    }

    #[test]
    fn fences() {
        assert_eq!(find("---\nnot closed\n", 0, 16), None);
        let text = "--- \r\na: 1\r\n...\r\nrest";
        let fm = find(text, 0, text.len()).map(|fm| (fm.block, fm.yaml, fm.after));
        assert_eq!(fm, Some((0..15, 6..12, 17)));
        assert_eq!(find("----\n---\n", 0, 9), None);
    }
}
