//! Positions at the LSP edge: UTF-8 byte offsets inside, LSP `Position`s outside.
//!
//! An LSP position is a zero-based line and a column counted in the negotiated
//! `positionEncoding`: UTF-8 code units (bytes) when the client offers it, which we
//! prefer because it is what Decorum uses inside, otherwise UTF-16 code units, the
//! protocol's mandatory default. Lines end at `\n`, `\r\n` or a lone `\r`, as the
//! protocol says ([`LineIndex`]); the `\r` of `\r\n` belongs to the terminator (so CRLF
//! and LF documents have the same columns). A byte-order mark in a
//! text the client sent is an ordinary character of the first line; in a file read from
//! disk it is not counted ([`Origin::Disk`]), since editors hide it when they open
//! the file (VS Code and Neovim keep it as the file's encoding, not in the text).
//!
//! Conversions never panic: a position past the end of its line clamps to the line's end,
//! a line past the last clamps to the end of the text, and a column inside a character
//! (the middle of a surrogate pair, of a multi-byte sequence) rounds down to the
//! character's start; [`LineMap::offset_in_pair`] also says when a UTF-16 column fell
//! between the halves of a pair, which an edit there must know (see `document`).

use decorum_text::{BOM, LineCol, LineIndex, TextRange, TextSize};
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// The unit of LSP columns agreed with the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 code units (bytes): Decorum's own unit, no conversion.
    Utf8,
    /// UTF-16 code units: the protocol's default.
    #[default]
    Utf16,
}

impl Encoding {
    /// Picks UTF-8 when the client offers it, else UTF-16 (which every client supports).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The LSP name of the encoding, for the `initialize` result.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Where a text whose positions are converted came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The editor sent it: its columns are the editor's, a byte-order mark included.
    Editor,
    /// The server read it from its file, which the client has not opened: a leading
    /// byte-order mark is not counted, as the editor will not show it.
    Disk,
}

/// A text with its line index: everything needed to convert positions.
#[derive(Debug, Clone, Copy)]
pub struct LineMap<'a> {
    /// The text.
    pub text: &'a str,
    /// Its line index.
    pub index: &'a LineIndex,
    /// The column unit.
    pub encoding: Encoding,
    /// The text starts with a byte-order mark that the client's copy will not have.
    hidden_bom: bool,
}

impl<'a> LineMap<'a> {
    /// A map over `text` as the editor sent it, indexed by `index` (which must index
    /// `text`).
    pub fn new(text: &'a str, index: &'a LineIndex, encoding: Encoding) -> LineMap<'a> {
        LineMap::of(text, index, encoding, Origin::Editor)
    }

    /// A map over `text`, which came from `origin`.
    pub fn of(
        text: &'a str,
        index: &'a LineIndex,
        encoding: Encoding,
        origin: Origin,
    ) -> LineMap<'a> {
        LineMap {
            text,
            index,
            encoding,
            hidden_bom: origin == Origin::Disk && text.starts_with(BOM),
        }
    }

    /// The columns of a hidden byte-order mark.
    fn bom_columns(&self) -> u32 {
        match self.encoding {
            Encoding::Utf8 => BOM.len_utf8() as u32,
            Encoding::Utf16 => BOM.len_utf16() as u32,
        }
    }

    /// The LSP position of a byte offset (clamped to the text, rounded down to a
    /// character boundary).
    pub fn position(&self, offset: TextSize) -> Position {
        let offset = floor_boundary(self.text, usize::from(offset.min(self.index.len())));
        // UTF-16 columns from the index's checkpoints: counting from the start of the
        // line cost seconds for thousands of findings on one line of megabytes.
        let LineCol { line, col } = match self.encoding {
            Encoding::Utf8 => self.index.line_col(to_size(offset)),
            Encoding::Utf16 => self.index.line_utf16_col(self.text, to_size(offset)),
        };
        let character = if self.hidden_bom && line == 0 {
            col.saturating_sub(self.bom_columns())
        } else {
            col
        };
        Position { line, character }
    }

    /// The LSP range of a byte range.
    pub fn range(&self, range: TextRange) -> Range {
        Range {
            start: self.position(range.start()),
            end: self.position(range.end()),
        }
    }

    /// The byte offset of an LSP position: clamped to its line's end (terminator
    /// excluded) and to the text, rounded down to a character boundary.
    pub fn offset(&self, position: Position) -> TextSize {
        let Some(content) = self.index.line_content(self.text, position.line) else {
            return self.index.len();
        };
        let mut line = decorum_text::slice(self.text, content);
        let mut content = content;
        if let Some(rest) = line.strip_prefix(BOM).filter(|_| self.hidden_bom) {
            line = rest;
            content = TextRange::new(content.start() + to_size(BOM.len_utf8()), content.end());
        }
        let within = match self.encoding {
            Encoding::Utf8 => floor_boundary(line, (position.character as usize).min(line.len())),
            Encoding::Utf16 => utf16_to_byte(line, position.character),
        };
        content.start() + to_size(within)
    }

    /// [`LineMap::offset`], and whether the position falls between the two halves of a
    /// surrogate pair (UTF-16 only): then the offset is the start of that character,
    /// whose first half lies before the position in the client's text and whose second
    /// half lies after it.
    pub fn offset_in_pair(&self, position: Position) -> (TextSize, bool) {
        let offset = self.offset(position);
        let split = self.encoding == Encoding::Utf16
            && self
                .text
                .get(usize::from(offset)..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| c.len_utf16() == 2)
            && position.character.checked_sub(1).is_some_and(|before| {
                self.position(offset) == Position::new(position.line, before)
            });
        (offset, split)
    }

    /// The byte range of an LSP range (start and end converted independently; an end
    /// before the start collapses to the start).
    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        TextRange::new(start, end)
    }
}

/// The byte offset in `line` after `units` UTF-16 code units; a count that ends inside
/// a surrogate pair stops before that character, a count past the end stops at the end.
fn utf16_to_byte(line: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (at, ch) in line.char_indices() {
        let next = seen + ch.len_utf16() as u32;
        if next > units {
            return at;
        }
        seen = next;
    }
    line.len()
}

/// The largest character boundary of `s` at or before `at` (clamped to `s`).
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn to_size(n: usize) -> TextSize {
    TextSize::try_from(n).unwrap_or(TextSize::from(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    /// Every character boundary of `text` survives offset → position → offset in both
    /// encodings, and positions are monotonic.
    fn round_trips(text: &str) {
        let index = LineIndex::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let map = LineMap::new(text, &index, encoding);
            let mut previous = pos(0, 0);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                if offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n')
                {
                    // Between CR and LF: inside the terminator, no LSP position.
                    continue;
                }
                let offset = to_size(offset);
                let p = map.position(offset);
                assert!(p >= previous, "{encoding:?}: {p:?} after {previous:?}");
                previous = p;
                let back = map.offset(p);
                assert_eq!(
                    back, offset,
                    "{encoding:?} at {offset:?} → {p:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn round_trips_with_emoji_marks_crlf_and_bom() {
        round_trips("plain ascii\nsecond line");
        round_trips("😀 emoji 👩🏽‍⚕️ and a flag 🇨🇦\nnext 😀");
        round_trips("cafe\u{301} combining e\u{301}\u{302} marks\n");
        round_trips("crlf line\r\nsecond\r\n\r\nlast");
        round_trips("\u{feff}bom then text\n😀");
        round_trips("");
        round_trips("\n\n");
    }

    /// Pieces that make line and column arithmetic go wrong: terminators of every kind
    /// (a lone `\r` too), characters of 1 to 4 UTF-8 bytes and 1 or 2
    /// UTF-16 units, combining marks, a byte-order mark anywhere.
    const PIECES: &[&str] = &[
        "a",
        " ",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "é",
        "e\u{301}",
        "€",
        "😀",
        "👩🏽‍⚕️",
        "\u{feff}",
        "\t",
        "\0",
        "ｆ",
        "\u{10ffff}",
    ];

    fn text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #[test]
        fn random_texts_round_trip(text in text()) {
            round_trips(&text);
        }

        /// Any position a client may send, inside a character, past a line's end or past
        /// the last line (small numbers, so that most land inside a line), lands on a
        /// character boundary inside the text, and never past the end of the line it names
        /// (when that line exists).
        #[test]
        fn any_position_lands_on_a_boundary(
            text in text(),
            line in 0u32..6,
            character in 0u32..24,
        ) {
            let index = LineIndex::new(&text);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let map = LineMap::new(&text, &index, encoding);
                let at = usize::from(map.offset(pos(line, character)));
                proptest::prop_assert!(at <= text.len() && text.is_char_boundary(at));
                if let Some(content) = index.line_content(&text, line) {
                    proptest::prop_assert!(content.contains_inclusive(to_size(at)));
                }
                let range = map.text_range(Range { start: pos(line, character), end: pos(0, 0) });
                proptest::prop_assert!(range.is_empty());
            }
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_as_two() {
        let text = "a😀b\r\nx";
        let index = LineIndex::new(text);
        let utf16 = LineMap::new(text, &index, Encoding::Utf16);
        let utf8 = LineMap::new(text, &index, Encoding::Utf8);
        let b = to_size(text.find('b').unwrap());
        assert_eq!(utf16.position(b), pos(0, 3));
        assert_eq!(utf8.position(b), pos(0, 5));
        let x = to_size(text.find('x').unwrap());
        assert_eq!(utf16.position(x), pos(1, 0));
        // Inside the surrogate pair: rounds down to the emoji's start.
        assert_eq!(utf16.offset(pos(0, 2)), to_size(1));
        // Inside the UTF-8 sequence: same.
        assert_eq!(utf8.offset(pos(0, 3)), to_size(1));
    }

    #[test]
    fn bom_counts_as_one_character() {
        let text = "\u{feff}Hi";
        let index = LineIndex::new(text);
        let utf16 = LineMap::new(text, &index, Encoding::Utf16);
        assert_eq!(utf16.position(to_size(3)), pos(0, 1));
        assert_eq!(utf16.offset(pos(0, 1)), to_size(3));
        let utf8 = LineMap::new(text, &index, Encoding::Utf8);
        assert_eq!(utf8.position(to_size(3)), pos(0, 3));
    }

    #[test]
    fn a_bom_read_from_disk_is_not_counted() {
        let text = "\u{feff}Hi 😀\nyo";
        let index = LineIndex::new(text);
        for (encoding, after_emoji) in [(Encoding::Utf16, 5), (Encoding::Utf8, 7)] {
            let map = LineMap::of(text, &index, encoding, Origin::Disk);
            assert_eq!(map.position(to_size(3)), pos(0, 0));
            assert_eq!(map.position(to_size(0)), pos(0, 0), "the mark itself");
            assert_eq!(map.position(to_size(10)), pos(0, after_emoji));
            assert_eq!(map.position(to_size(11)), pos(1, 0), "other lines");
            assert_eq!(map.offset(pos(0, 0)), to_size(3));
            assert_eq!(map.offset(pos(0, after_emoji)), to_size(10));
            assert_eq!(map.offset(pos(0, 99)), to_size(10));
            assert_eq!(map.offset(pos(1, 1)), to_size(12));
        }
        let index = LineIndex::new("Hi");
        let plain = LineMap::of("Hi", &index, Encoding::Utf16, Origin::Disk);
        assert_eq!(plain.position(to_size(1)), pos(0, 1), "no mark, no change");
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "one\r\ntwo";
        let index = LineIndex::new(text);
        let map = LineMap::new(text, &index, Encoding::Utf16);
        assert_eq!(map.offset(pos(0, 99)), to_size(3), "stops before CRLF");
        assert_eq!(map.offset(pos(7, 0)), to_size(text.len()));
        assert_eq!(map.position(to_size(999)), pos(1, 3));
        let backwards = Range {
            start: pos(1, 2),
            end: pos(0, 0),
        };
        assert_eq!(map.text_range(backwards), TextRange::empty(to_size(7)));
    }

    #[test]
    fn negotiation_prefers_utf8() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
    }
}
