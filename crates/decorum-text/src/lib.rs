//! Text positions shared by every Decorum crate.
//!
//! Inside Decorum every position is a UTF-8 byte offset ([`TextSize`]) and every span a
//! half-open byte range ([`TextRange`]). [`LineIndex`] turns offsets into lines and columns
//! for people (CLI output, JSON) and back. Conversions to UTF-16 exist only at the LSP edge.

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
/// A line ends after `\n`; a `\r` before it belongs to the line terminator, so CRLF files
/// report the same columns as LF files. A byte-order mark is an ordinary character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Offset of the first byte of every line; always starts with 0.
    line_starts: Vec<TextSize>,
    /// `continuations[k]`: how many UTF-8 continuation bytes the text has before byte
    /// `k * CHECKPOINT`, so that a column in characters costs at most `CHECKPOINT` bytes
    /// of counting, however long the line (a one-line export of a whole archive has
    /// thousands of findings on one line).
    continuations: Vec<u32>,
    len: TextSize,
}

/// Bytes between two entries of [`LineIndex::continuations`].
const CHECKPOINT: usize = 1024;

/// UTF-8 continuation bytes in `bytes`.
fn continuation_bytes(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) == 0x80).count()
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![TextSize::from(0)];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(to_size(i + 1));
            }
        }
        let mut continuations = Vec::with_capacity(text.len() / CHECKPOINT + 2);
        let mut seen = 0u32;
        for block in text.as_bytes().chunks(CHECKPOINT) {
            continuations.push(seen);
            seen =
                seen.saturating_add(u32::try_from(continuation_bytes(block)).unwrap_or(u32::MAX));
        }
        // One more for the end of a text whose length is a multiple of CHECKPOINT.
        continuations.push(seen);
        LineIndex {
            line_starts,
            continuations,
            len: text.text_len(),
        }
    }

    /// UTF-8 continuation bytes of `text` before byte `at`.
    fn continuations_before(&self, text: &str, at: usize) -> usize {
        let k = at / CHECKPOINT;
        let before = self.continuations.get(k).map_or(0, |&n| n as usize);
        before
            + text
                .as_bytes()
                .get(k * CHECKPOINT..at)
                .map_or(0, continuation_bytes)
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

    /// Byte range of line `line` without its `\n` or `\r\n` terminator.
    pub fn line_content(&self, text: &str, line: u32) -> Option<TextRange> {
        let range = self.line_range(line)?;
        let slice = text.get(std::ops::Range::<usize>::from(range))?;
        let trimmed = slice
            .strip_suffix('\n')
            .map(|s| s.strip_suffix('\r').unwrap_or(s))
            .unwrap_or(slice);
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
        let LineCol { line, col } = self.line_col(offset);
        let start = usize::from(self.line_starts[line as usize]);
        let end = (start + col as usize).min(text.len());
        // Characters are the bytes that are not continuation bytes; an offset inside a
        // character counts that character (its lead byte is before the offset).
        let continuations = self
            .continuations_before(text, end)
            .saturating_sub(self.continuations_before(text, start));
        LineCol {
            line,
            col: (end - start).saturating_sub(continuations) as u32,
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

fn to_size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

/// The slice of `text` covered by `range`, or `""` when the range is out of bounds or
/// splits a character (callers treat that as a bug to report, never a reason to panic).
pub fn slice(text: &str, range: TextRange) -> &str {
    text.get(std::ops::Range::<usize>::from(range))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn offsets_past_the_end_clamp() {
        let index = LineIndex::new("one\ntwo");
        assert_eq!(index.line_col(100.into()), LineCol { line: 1, col: 3 });
    }
}
