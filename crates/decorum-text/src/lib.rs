//! Text positions shared by every Decorum crate.
//!
//! Inside Decorum every position is a UTF-8 byte offset ([`TextSize`]) and every span a
//! half-open byte range ([`TextRange`]). [`LineIndex`] turns offsets into lines and columns
//! for people (CLI output, JSON) and back. Positions are converted to UTF-16 only at the
//! LSP edge, which takes its columns from [`LineIndex::line_utf16_col`].
//!
//! [`invisible`] is the one definition of the characters that show nothing of their own
//! (zero-width spaces, direction marks, joiners, variation selectors...), which the
//! normaliser drops, the report escapes and policy-file errors name.

pub mod invisible;

pub use text_size::{TextLen, TextRange, TextSize};

/// A zero-based line and column. The column unit depends on the method that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// Zero-based line number.
    pub line: u32,
    /// Zero-based column.
    pub col: u32,
}

/// Maps byte offsets of one text to lines and columns.
///
/// A line ends after `\n`, `\r\n` or a lone `\r`, the three line endings of the Language
/// Server Protocol and of CommonMark; the `\r` of `\r\n` belongs to the terminator, so
/// CRLF files report the same columns as LF files. A byte-order mark is an ordinary
/// character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Offset of the first byte of every line; always starts with 0.
    line_starts: Vec<TextSize>,
    /// `continuations[k]`: how many UTF-8 continuation bytes the text has before byte
    /// `k * CHECKPOINT`, so that a column in characters costs at most `CHECKPOINT` bytes
    /// of counting, however long the line (a one-line export of a whole archive has
    /// thousands of findings on one line).
    continuations: Vec<u32>,
    /// `astral[k]`: how many characters outside the Basic Multilingual Plane (4-byte
    /// UTF-8 sequences, two UTF-16 code units each) begin before byte `k * CHECKPOINT`,
    /// for UTF-16 columns at the same cost. Both lists are empty after
    /// [`LineIndex::replace`] until the index is built again; columns are then counted
    /// from the start of the text.
    astral: Vec<u32>,
    len: TextSize,
}

/// Bytes between two entries of [`LineIndex::continuations`].
const CHECKPOINT: usize = 1024;

/// UTF-8 continuation bytes and lead bytes of 4-byte sequences in `bytes`, in one pass.
fn counts(bytes: &[u8]) -> (usize, usize) {
    bytes.iter().fold((0, 0), |(cont, astral), &b| {
        (
            cont + usize::from((b & 0xC0) == 0x80),
            astral + usize::from(b >= 0xF0),
        )
    })
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![TextSize::from(0)];
        line_starts.extend(line_starts_in(text.as_bytes(), 1..text.len() + 1));
        let blocks = text.len() / CHECKPOINT + 2;
        let mut continuations = Vec::with_capacity(blocks);
        let mut astral = Vec::with_capacity(blocks);
        let (mut seen, mut seen_astral) = (0u32, 0u32);
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        for block in text.as_bytes().chunks(CHECKPOINT) {
            continuations.push(seen);
            astral.push(seen_astral);
            let (cont, four) = counts(block);
            seen = seen.saturating_add(count(cont));
            seen_astral = seen_astral.saturating_add(count(four));
        }
        // One more for the end of a text whose length is a multiple of CHECKPOINT.
        continuations.push(seen);
        astral.push(seen_astral);
        LineIndex {
            line_starts,
            continuations,
            astral,
            len: text.text_len(),
        }
    }

    /// UTF-8 continuation bytes and 4-byte sequences of `text` before byte `at`.
    fn counts_before(&self, text: &str, at: usize) -> (usize, usize) {
        let at = at.min(text.len());
        let k = (at / CHECKPOINT).min(self.continuations.len().saturating_sub(1));
        let from = |list: &[u32]| list.get(k).map_or(0, |&n| n as usize);
        let (cont, four) = counts(text.as_bytes().get(k * CHECKPOINT..at).unwrap_or_default());
        (from(&self.continuations) + cont, from(&self.astral) + four)
    }

    /// Line of `offset`, and its column in characters and in characters outside the
    /// Basic Multilingual Plane (which UTF-16 counts twice).
    fn columns(&self, text: &str, offset: TextSize) -> (u32, usize, usize) {
        let LineCol { line, col } = self.line_col(offset);
        let start = usize::from(self.line_starts[line as usize]);
        let end = (start + col as usize).min(text.len());
        let (cont_end, astral_end) = self.counts_before(text, end);
        let (cont_start, astral_start) = self.counts_before(text, start);
        // Characters are the bytes that are not continuation bytes; an offset inside a
        // character counts that character (its lead byte is before the offset).
        let chars = (end - start).saturating_sub(cont_end.saturating_sub(cont_start));
        (line, chars, astral_end.saturating_sub(astral_start))
    }

    /// The index of `text` after its bytes `removed` were replaced by `inserted` bytes:
    /// line starts are moved rather than found again, so a client's notification with
    /// thousands of edits (a "replace all") does not index the whole text thousands of
    /// times. Columns are counted from the start of the text until the index is built
    /// again ([`LineIndex::new`]); lines and offsets are as fast as ever.
    pub fn replace(&mut self, text: &str, removed: std::ops::Range<usize>, inserted: usize) {
        let start = removed.start;
        let end = removed.end.max(start);
        let delta = inserted as i64 - (end - start) as i64;
        let shift = |p: TextSize| to_size((u32::from(p) as i64 + delta).max(0) as usize);
        // Whether a line starts at `p` depends on the bytes at `p - 1` and `p` (a `\r`
        // followed by `\n` ends no line), so the starts from `start` to `end` are found
        // again in the new text, from `start` to the end of the inserted bytes.
        let first_gone = self
            .line_starts
            .partition_point(|&p| usize::from(p) < start.max(1));
        let first_kept = self.line_starts.partition_point(|&p| usize::from(p) <= end);
        let added = line_starts_in(text.as_bytes(), start.max(1)..start + inserted + 1);
        for p in &mut self.line_starts[first_kept..] {
            *p = shift(*p);
        }
        self.line_starts.splice(first_gone..first_kept, added);
        self.continuations.clear();
        self.astral.clear();
        self.len = text.text_len();
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Length of the indexed text.
    pub fn len(&self) -> TextSize {
        self.len
    }

    /// True when the indexed text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == TextSize::from(0)
    }

    /// The line containing `offset` (offsets past the end clamp to the last line).
    pub fn line_of(&self, offset: TextSize) -> u32 {
        let offset = offset.min(self.len);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        line as u32
    }

    /// Byte range of line `line` including its terminator, or `None` past the last line.
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let start = *self.line_starts.get(line as usize)?;
        let end = self
            .line_starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.len);
        Some(TextRange::new(start, end))
    }

    /// Byte range of line `line` without its `\n`, `\r\n` or `\r` terminator.
    pub fn line_content(&self, text: &str, line: u32) -> Option<TextRange> {
        let range = self.line_range(line)?;
        let slice = text.get(std::ops::Range::<usize>::from(range))?;
        let trimmed = slice.strip_suffix('\n').unwrap_or(slice);
        let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
        Some(TextRange::at(range.start(), trimmed.text_len()))
    }

    /// Line and UTF-8 byte column of `offset`.
    pub fn line_col(&self, offset: TextSize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize];
        LineCol {
            line,
            col: u32::from(offset - start),
        }
    }

    /// Line and column of `offset` counted in Unicode scalar values, as people and the
    /// CLI's JSON output count them. An offset inside a character counts that character.
    pub fn line_char_col(&self, text: &str, offset: TextSize) -> LineCol {
        let (line, chars, _) = self.columns(text, offset);
        LineCol {
            line,
            col: u32::try_from(chars).unwrap_or(u32::MAX),
        }
    }

    /// [`LineIndex::line_char_col`] as an editor shows the position: a byte-order mark at
    /// the start of the text is not a character on screen, so it does not count. Every
    /// position the CLI reports (human, JSON, SARIF, skipped drafts) is counted so.
    pub fn shown_char_col(&self, text: &str, offset: TextSize) -> LineCol {
        let mut at = self.line_char_col(text, offset);
        if at.line == 0 && at.col > 0 && text.starts_with(BOM) {
            at.col -= 1;
        }
        at
    }

    /// Line and column of `offset` in UTF-16 code units, as most LSP clients count them.
    /// `offset` must be a character boundary of `text`.
    pub fn line_utf16_col(&self, text: &str, offset: TextSize) -> LineCol {
        let (line, chars, astral) = self.columns(text, offset);
        LineCol {
            line,
            col: u32::try_from(chars + astral).unwrap_or(u32::MAX),
        }
    }

    /// The offset of a line and UTF-8 column, clamped to the line's end (terminator
    /// excluded) and to the text. Returns `None` for a line past the last.
    pub fn offset(&self, text: &str, at: LineCol) -> Option<TextSize> {
        let content = self.line_content(text, at.line)?;
        let wanted = content.start() + TextSize::from(at.col);
        Some(wanted.min(content.end()))
    }
}

/// The offsets in `within` (clamped to `1..=bytes.len()`) where a line starts: after a
/// `\n`, or after a `\r` that no `\n` follows.
fn line_starts_in(
    bytes: &[u8],
    within: std::ops::Range<usize>,
) -> impl Iterator<Item = TextSize> + '_ {
    let from = within.start.max(1);
    let to = within.end.min(bytes.len() + 1);
    (from..to).filter_map(move |p| {
        let ends = match bytes[p - 1] {
            b'\n' => true,
            b'\r' => bytes.get(p) != Some(&b'\n'),
            _ => false,
        };
        ends.then(|| to_size(p))
    })
}

/// The byte-order mark (U+FEFF) a file may start with. Decorum keeps it in the text
/// (so offsets are the file's bytes) and leaves it out of what people see: columns in
/// reports, the first line in editors.
pub const BOM: char = '\u{feff}';

/// The line ending text added to `text` should use: that of its first line (`\r\n`,
/// `\r` or `\n`), as editors and Git's `text=auto` see a file, so one stray CRLF does not
/// decide for the rest; `\n` for a text of one line.
pub fn line_ending(text: &str) -> &'static str {
    match text.find(['\n', '\r']).map(|i| &text[i..]) {
        Some(rest) if rest.starts_with("\r\n") => "\r\n",
        Some(rest) if rest.starts_with('\r') => "\r",
        _ => "\n",
    }
}

/// The length in bytes of the byte-order mark `text` starts with: 3, or 0 without one.
pub fn bom_len(text: &str) -> usize {
    if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    }
}

fn to_size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

/// A byte range as a [`TextRange`], saturating past 4 GiB; a reversed range is empty at
/// its start.
pub fn range_of(r: std::ops::Range<usize>) -> TextRange {
    let (start, end) = (to_size(r.start), to_size(r.end));
    TextRange::new(start, end.max(start))
}

/// The slice of `text` covered by `range`, or `""` when the range is out of bounds or
/// splits a character (callers treat that as a bug to report, never a reason to panic).
pub fn slice(text: &str, range: TextRange) -> &str {
    text.get(std::ops::Range::<usize>::from(range))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_line_ending_is_the_first_lines() {
        assert_eq!(line_ending("a\r\nb\nc"), "\r\n");
        assert_eq!(line_ending("a\nb\r\nc"), "\n");
        assert_eq!(line_ending("a\rb"), "\r");
        assert_eq!(line_ending("one line"), "\n");
        assert_eq!(line_ending(""), "\n");
    }

    use super::*;

    #[test]
    fn crlf_and_emoji_columns() {
        let text = "ab\r\n😀x\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let x = TextSize::from(text.find('x').unwrap() as u32);
        assert_eq!(index.line_col(x), LineCol { line: 1, col: 4 });
        assert_eq!(index.line_char_col(text, x), LineCol { line: 1, col: 1 });
        assert_eq!(
            slice(text, index.line_content(text, 0).unwrap()),
            "ab",
            "CR belongs to the terminator"
        );
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 99 }),
            Some(2.into())
        );
        assert_eq!(index.offset(text, LineCol { line: 9, col: 0 }), None);
    }

    #[test]
    fn bom_is_an_ordinary_character() {
        let text = "\u{feff}decorum 1";
        let index = LineIndex::new(text);
        let d = TextSize::from(3);
        assert_eq!(index.line_char_col(text, d), LineCol { line: 0, col: 1 });
    }

    /// Columns in characters agree with counting the line's characters, on long lines
    /// of mixed text across many checkpoints.
    #[test]
    fn char_columns_agree_with_counting() {
        let piece = "ab😀 é漢\r\nx".repeat(700);
        let long = format!("{piece}{}\n{piece}", "é".repeat(3000));
        // Ending exactly on a checkpoint, inside a line of 2-byte characters.
        let exact = "é".repeat(CHECKPOINT);
        for text in [long, exact] {
            check_char_columns(&text);
        }
    }

    fn check_char_columns(text: &str) {
        let index = LineIndex::new(text);
        for offset in (0..=text.len()).step_by(7).chain([text.len()]) {
            let LineCol { line, col } = index.line_col(to_size(offset));
            let start = usize::from(index.line_starts[line as usize]);
            let want = text.as_bytes()[start..start + col as usize]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count();
            let got = index.line_char_col(text, to_size(offset));
            assert_eq!(
                (got.line, got.col as usize),
                (line, want),
                "offset {offset}"
            );
        }
    }

    /// UTF-16 columns agree with counting code units, across checkpoints.
    #[test]
    fn utf16_columns_agree_with_counting() {
        let text = format!("{}\n{}", "a😀é漢𝒜 ".repeat(900), "😀x".repeat(700));
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(5).chain([(text.len(), ' ')]) {
            let LineCol { line, col } = index.line_col(to_size(offset));
            let start = usize::from(index.line_starts[line as usize]);
            let want: usize = text[start..start + col as usize]
                .chars()
                .map(char::len_utf16)
                .sum();
            let got = index.line_utf16_col(&text, to_size(offset));
            assert_eq!(
                (got.line, got.col as usize),
                (line, want),
                "offset {offset}"
            );
        }
    }

    /// After any sequence of replacements, the index answers as one built afresh.
    #[test]
    fn replacing_moves_line_starts_like_a_fresh_index() {
        let mut text = String::from("one\ntwo\r\nthree 😀\n\nfour");
        let mut index = LineIndex::new(&text);
        let edits: [(usize, usize, &str); 7] = [
            (0, 0, "zero\n"),
            (3, 9, ""),
            (4, 4, "a\nb\nc"),
            (0, 2, "\n"),
            (7, 12, "x"),
            (1, 1, ""),
            (0, 0, ""),
        ];
        for (from, to, inserted) in edits {
            let from = from.min(text.len());
            let to = to.clamp(from, text.len());
            let (from, to) = (floor(&text, from), floor(&text, to));
            text.replace_range(from..to, inserted);
            index.replace(&text, from..to, inserted.len());
            let fresh = LineIndex::new(&text);
            assert_eq!(index.line_starts, fresh.line_starts, "{text:?}");
            assert_eq!(index.len, fresh.len);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                let at = to_size(offset);
                assert_eq!(
                    index.line_char_col(&text, at),
                    fresh.line_char_col(&text, at)
                );
                assert_eq!(
                    index.line_utf16_col(&text, at),
                    fresh.line_utf16_col(&text, at)
                );
            }
        }
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let text = "ab\rcd\r\nef\r";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4, "ab, cd, ef and the empty last line");
        let c = TextSize::from(3);
        assert_eq!(index.line_col(c), LineCol { line: 1, col: 0 });
        assert_eq!(slice(text, index.line_content(text, 0).unwrap()), "ab");
        assert_eq!(slice(text, index.line_content(text, 2).unwrap()), "ef");
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 99 }),
            Some(2.into())
        );
    }

    /// Edits that turn a lone CR into CRLF and back, at random places in text made of
    /// CRs, LFs and other characters: the index answers as one built afresh.
    #[test]
    fn replacing_around_carriage_returns_is_like_a_fresh_index() {
        let pieces = ["\r", "\n", "\r\n", "a", "é", ""];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut text = String::from("a\rb\r\nc\n\rd");
        let mut index = LineIndex::new(&text);
        for _ in 0..2_000 {
            let from = floor(&text, next(text.len() + 1));
            let to = floor(&text, (from + next(3)).min(text.len()));
            let inserted: String = (0..next(3)).map(|_| pieces[next(pieces.len())]).collect();
            text.replace_range(from..to, &inserted);
            index.replace(&text, from..to, inserted.len());
            assert_eq!(
                index.line_starts,
                LineIndex::new(&text).line_starts,
                "{text:?}"
            );
            if text.len() > 64 {
                text.truncate(floor(&text, 16));
                index = LineIndex::new(&text);
            }
        }
    }

    fn floor(text: &str, mut at: usize) -> usize {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let index = LineIndex::new("one\ntwo");
        assert_eq!(index.line_col(100.into()), LineCol { line: 1, col: 3 });
    }
}
