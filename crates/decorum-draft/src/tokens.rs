//! Words, hashtags, mentions and emoji of a post, found in one pass over its prose view.
//!
//! - A word is a run of letters and digits (Unicode alphanumerics, with the combining marks
//!   that follow them); an apostrophe (`'`, `’`) or hyphen (`-`, `‐`, `‑`) between two
//!   alphanumerics joins (`don't`, `45-year-old`), and so does `.` or `,` between two
//!   digits (`3.5`, `1,000`).
//! - A hashtag is `#` followed by letters, digits, marks and `_`, with at least one letter,
//!   not preceded by a letter, digit, `_` or `&` (so `C#`, `&#39;` and `#1` are not tags).
//! - A mention is `@` followed by `[A-Za-z0-9_.]`, without trailing dots, not preceded by a
//!   letter, digit or `_` (so `name@example.com` is no mention).

use std::ops::Range;

use decorum_text::invisible::is_invisible;
use unicode_normalization::char::is_combining_mark;

use crate::swar::LANES;
use crate::utf8::{decode_at, decode_before};
use crate::{TextRange, TextSize, emoji, range_of};

/// Tokens of one post.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub words: Vec<TextRange>,
    pub hashtags: Vec<TextRange>,
    pub mentions: Vec<TextRange>,
    pub emoji: usize,
}

/// Byte classes for the scanner's ASCII fast path.
const ALNUM: u8 = 1;
/// `#`, `@`, `*`: may start a hashtag, a mention or a keycap.
const SIGIL: u8 = 2;
/// A non-ASCII lead or continuation byte.
const HIGH: u8 = 4;
/// `'`, `-`, `.`, `,`: may join two parts of a word.
const JOIN: u8 = 8;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            ALNUM
        } else if c == b'#' || c == b'@' || c == b'*' {
            SIGIL
        } else if c >= 0x80 {
            HIGH
        } else if c == b'\'' || c == b'-' || c == b'.' || c == b',' {
            JOIN
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The next byte from `i` that may start a token (kept small so its loop stays in
/// registers).
#[inline(never)]
fn next_interesting(bytes: &[u8], i: usize, end: usize) -> Option<usize> {
    let window = bytes.get(i..end)?;
    window
        .iter()
        .position(|&b| CLASS[b as usize] & (ALNUM | SIGIL | HIGH) != 0)
        .map(|p| i + p)
}

/// The end of the run of ASCII letters and digits from `j`.
#[inline]
fn alnum_run_end(bytes: &[u8], j: usize, end: usize) -> usize {
    let Some(window) = bytes.get(j..end) else {
        return end;
    };
    window
        .iter()
        .position(|&b| CLASS[b as usize] != ALNUM)
        .map_or(end, |p| j + p)
}

/// The pictographs of emoji (Miscellaneous Symbols and Pictographs to Symbols and
/// Pictographs Extended-A), neither letters nor digits: the word scan and the folding of
/// the normalised view both take a shortcut for them.
pub(crate) const PICTOGRAPHS: std::ops::RangeInclusive<char> = '\u{1F300}'..='\u{1FAFF}';

/// Unicode alphanumerics, with shortcuts for what social-media text is full of and whose
/// property lookups are slow: the letters of Latin-1 (`é`), the punctuation blocks of
/// typographic text (`’`, `“`, `—`) and the pictographs of emoji (`🎉`, `👍🏽`).
/// `is_alnum_agrees_with_the_standard_library` checks every character.
#[inline]
pub(crate) fn is_alnum(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0xFF => true,
        0x2000..=0x206F | 0x2190..=0x23FF => false,
        _ if PICTOGRAPHS.contains(&c) => false,
        _ => c.is_alphanumeric(),
    }
}

#[inline]
fn is_mark(c: char) -> bool {
    !c.is_ascii() && is_combining_mark(c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐' | '‑')
}

/// Scans `range` of the prose view.
pub(crate) fn scan(bytes: &[u8], range: Range<usize>) -> Tokens {
    let end = range.end.min(bytes.len());
    let mut out = Tokens {
        // Prose has about one word in every 5.7 bytes: sized for that, most drafts never
        // grow the list.
        words: Vec::with_capacity((end.saturating_sub(range.start)) / 5),
        ..Tokens::default()
    };
    let mut i = range.start;
    while i < end {
        if end - i >= BLOCK {
            if let Some(next) = fast_block(bytes, range.start, i, end, &mut out) {
                i = next;
                continue;
            }
        }
        i = step(bytes, range.start, i, end, &mut out);
    }
    out
}

/// The same scan, one token at a time: the reference the block path must agree with.
#[cfg(test)]
fn scan_scalar(bytes: &[u8], range: Range<usize>) -> Tokens {
    let end = range.end.min(bytes.len());
    let mut out = Tokens::default();
    let mut i = range.start;
    while i < end {
        i = step(bytes, range.start, i, end, &mut out);
    }
    out
}

/// Finds the next token at or after `i` and records it, returning where scanning goes on
/// (`end` when nothing is left).
fn step(bytes: &[u8], start: usize, i: usize, end: usize, out: &mut Tokens) -> usize {
    let Some(i) = next_interesting(bytes, i, end) else {
        return end;
    };
    let b = bytes[i];
    let class = CLASS[b as usize];
    if class == ALNUM {
        if b.is_ascii_digit() && bytes.get(i + 1).is_some_and(|&n| n >= 0x80) {
            if let Some(e) = emoji::sequence_at(bytes, i, end) {
                out.emoji += 1;
                return e;
            }
        }
        let e = word_end(bytes, i, i + 1, end);
        out.words.push(range_of(i..e));
        return e;
    }
    if class == SIGIL {
        if let Some(e) = emoji::sequence_at(bytes, i, end) {
            out.emoji += 1;
            return e;
        }
        if b == b'#' {
            if let Some(e) = hashtag_end(bytes, start, i, end) {
                out.hashtags.push(range_of(i..e));
            }
        } else if b == b'@' {
            if let Some(e) = mention_end(bytes, start, i, end) {
                out.mentions.push(range_of(i..e));
            }
        }
        return i + 1;
    }
    let (c, len) = decode_at(bytes, i);
    if is_alnum(c) {
        let e = word_end(bytes, i, i + len, end);
        out.words.push(range_of(i..e));
        return e;
    }
    if let Some(e) = emoji::sequence_at(bytes, i, end) {
        out.emoji += 1;
        return e;
    }
    i + len
}

/// Bytes per block of the branch-free path.
const BLOCK: usize = 64;

/// True for a non-ASCII character at `pos` that only separates tokens: not a letter,
/// digit, mark, joiner, emoji or character that shows nothing (typographic quotes,
/// dashes, no-break spaces...).
fn is_plain_separator(bytes: &[u8], pos: usize, end: usize, c: char) -> bool {
    match c {
        '\u{2010}' | '\u{2011}' | '\u{2019}' | '\u{203C}' | '\u{2049}' => false,
        '\u{00A0}' | '\u{2000}'..='\u{206F}' => !is_invisible(c),
        _ => {
            !is_alnum(c)
                && !is_mark(c)
                && !is_invisible(c)
                && emoji::sequence_at(bytes, pos, end).is_none()
        }
    }
}

/// The branch-free path over the 64 bytes at `at`: word bits are found for the whole
/// block at once, so word ends cost no branch mispredictions. Returns where to go on, or
/// `None` when nothing is covered; a word touching the covered part's end is left for
/// later, so words are seen whole.
///
/// Most blocks of prose are ASCII letters, digits, spaces and punctuation without `#`,
/// `@` or `*`: for those only two masks are needed (letters and digits, and the bytes that
/// may join two parts of a word), and a `.` or `,` joining letters rather than digits is
/// rare enough to be checked byte by byte. A block holding anything else goes through
/// [`fast_block_full`], which gives the same result for these blocks.
fn fast_block(
    bytes: &[u8],
    start: usize,
    at: usize,
    end: usize,
    out: &mut Tokens,
) -> Option<usize> {
    let block: &[u8; BLOCK] = bytes.get(at..at + BLOCK)?.try_into().ok()?;
    let (alnum, joinish, rare) = plain_masks(block);
    // A digit ending the block before a non-ASCII byte may be a keycap's base.
    let keycap = block.last().is_some_and(u8::is_ascii_digit)
        && bytes.get(at + BLOCK).is_some_and(|&b| b >= 0x80);
    if rare || keycap {
        return fast_block_full(bytes, start, at, end, out);
    }
    let mut joins = joinish & (alnum << 1) & (alnum >> 1);
    // `.` and `,` join digits only (a joiner here has a letter or digit either side).
    let mut candidates = joins;
    while candidates != 0 {
        let k = candidates.trailing_zeros() as usize;
        candidates &= candidates - 1;
        let digit_at = |i: usize| block.get(i).is_some_and(u8::is_ascii_digit);
        let between_digits = k.checked_sub(1).is_some_and(digit_at) && digit_at(k + 1);
        if matches!(block.get(k), Some(b'.' | b',')) && !between_digits {
            joins &= !(1u64 << k);
        }
    }
    let advance = push_words(out, at, alnum | joins, alnum | joinish, BLOCK)?;
    Some(at + advance)
}

/// The masks of [`fast_block`] for the 64 bytes of `block`: letters and digits, the
/// bytes that may join two parts of a word (`'` `,` `-` `.`), and whether any byte is
/// non-ASCII, `#`, `@` or `*` (then the block takes the full path).
///
/// Each byte is first classified into a byte of flags by comparisons alone, a loop the
/// compiler turns into 16-byte vector instructions; the flags are then gathered eight
/// bytes at a time. About 4 instructions per byte, where testing ranges in a `u64` eight
/// bytes at a time (`in_range`, the first version, kept in the tests as
/// `plain_masks_swar`) took about 7.
#[inline(always)]
fn plain_masks(block: &[u8; BLOCK]) -> (u64, u64, bool) {
    let mut flags = [0u8; BLOCK];
    for (f, &b) in flags.iter_mut().zip(block) {
        let alnum = ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10);
        // `,` `-` `.` are neighbours in ASCII.
        let join = (b.wrapping_sub(b',') < 3) | (b == b'\'');
        let rare = (b >= 0x80) | (b == b'#') | (b == b'@') | (b == b'*');
        *f = u8::from(alnum) | (u8::from(join) << 1) | (u8::from(rare) << 2);
    }
    let (mut alnum, mut joinish, mut rare) = (0u64, 0u64, 0u64);
    for (k, chunk) in flags.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        alnum |= gather_low(w) << (8 * k);
        joinish |= gather_low(w >> 1) << (8 * k);
        rare |= w;
    }
    (alnum, joinish, rare & (LANES * 4) != 0)
}

/// Gathers the lowest bits of the 8 bytes of `w` into its low 8 bits, byte 0 first.
#[inline(always)]
fn gather_low(w: u64) -> u64 {
    ((w & LANES).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Records the words marked in `word` (a bit per byte of the block at `at`) in the first
/// `covered` bytes, and returns how far the scan may advance: a word-like run (`wordish`)
/// touching the end of the covered part may go on past it, so it is left for later, and
/// `None` when the whole covered part is one such run.
#[inline(always)]
fn push_words(
    out: &mut Tokens,
    at: usize,
    mut word: u64,
    wordish: u64,
    covered: usize,
) -> Option<usize> {
    let inside = if covered >= BLOCK {
        u64::MAX
    } else {
        (1u64 << covered) - 1
    };
    let mut advance = covered;
    if covered > 0 && (wordish >> (covered - 1)) & 1 != 0 {
        let gaps = !wordish & inside;
        if gaps == 0 {
            return None;
        }
        advance = 64 - gaps.leading_zeros() as usize;
        word &= (1u64 << advance) - 1;
    }
    let mut starts = word & !(word << 1);
    let mut ends = word & !(word >> 1);
    // The words go in through one `extend` of known length, whose loop keeps the list's
    // length in a register, with the block's offset as a `u32` added to each bit
    // position (a text past 4 GiB takes `range_of`, which saturates).
    match u32::try_from(at)
        .ok()
        .filter(|b| b.checked_add(64).is_some())
    {
        Some(base) => out.words.extend((0..starts.count_ones()).map(|_| {
            let (s, e) = (starts.trailing_zeros(), ends.trailing_zeros());
            starts &= starts - 1;
            ends &= ends - 1;
            TextRange::new(TextSize::from(base + s), TextSize::from(base + e + 1))
        })),
        None => {
            while starts != 0 {
                let (s, e) = (starts.trailing_zeros(), ends.trailing_zeros());
                out.words
                    .push(range_of(at + s as usize..at + e as usize + 1));
                starts &= starts - 1;
                ends &= ends - 1;
            }
        }
    }
    Some(advance)
}

/// The branch-free path for any block: it covers the block up to the first byte that
/// needs character-by-character care (a non-ASCII letter, mark, joiner or emoji, or a
/// `#`/`@`/`*` before one); hashtags and mentions in the covered part are checked one
/// by one. Returns where to go on, or `None` when nothing is covered.
fn fast_block_full(
    bytes: &[u8],
    start: usize,
    at: usize,
    end: usize,
    out: &mut Tokens,
) -> Option<usize> {
    let block: &[u8; BLOCK] = bytes.get(at..at + BLOCK)?.try_into().ok()?;
    let FullMasks {
        alnum,
        digit,
        apostrophe,
        separator,
        high,
        tag_or_mention,
        star,
    } = full_masks(block);
    // Where character-by-character care begins.
    let mut covered = BLOCK;
    let mut keycap_base = (tag_or_mention | star | digit) & (high >> 1);
    if bytes.get(at + BLOCK).is_some_and(|&b| b >= 0x80) {
        keycap_base |= (tag_or_mention | star | digit) & (1 << 63);
    }
    if keycap_base != 0 {
        covered = keycap_base.trailing_zeros() as usize;
    }
    let mut rest = high;
    while rest != 0 {
        let k = rest.trailing_zeros() as usize;
        if k >= covered {
            break;
        }
        rest &= rest - 1;
        let b = block[k];
        if b & 0xC0 == 0x80 {
            continue;
        }
        let (c, _) = decode_at(bytes, at + k);
        if !is_plain_separator(bytes, at + k, end, c) {
            covered = k;
            break;
        }
    }
    if covered == 0 {
        return None;
    }
    let inside = if covered == BLOCK {
        u64::MAX
    } else {
        (1u64 << covered) - 1
    };
    let (alnum, digit) = (alnum & inside, digit & inside);
    let (apostrophe, separator) = (apostrophe & inside, separator & inside);
    let joins =
        (apostrophe & (alnum << 1) & (alnum >> 1)) | (separator & (digit << 1) & (digit >> 1));
    let wordish = alnum | apostrophe | separator;
    let advance = push_words(out, at, alnum | joins, wordish, covered)?;
    let advance_mask = if advance == BLOCK {
        u64::MAX
    } else {
        (1u64 << advance) - 1
    };
    let mut sigils = tag_or_mention & advance_mask;
    while sigils != 0 {
        let k = sigils.trailing_zeros() as usize;
        sigils &= sigils - 1;
        let i = at + k;
        if block[k] == b'#' {
            if let Some(e) = hashtag_end(bytes, start, i, end) {
                out.hashtags.push(range_of(i..e));
            }
        } else if let Some(e) = mention_end(bytes, start, i, end) {
            out.mentions.push(range_of(i..e));
        }
    }
    Some(at + advance)
}

/// The masks of [`fast_block_full`], a bit per byte of the block.
#[derive(Debug, Default, PartialEq, Eq)]
struct FullMasks {
    /// ASCII letters and digits.
    alnum: u64,
    /// ASCII digits.
    digit: u64,
    /// `'` and `-`.
    apostrophe: u64,
    /// `.` and `,`.
    separator: u64,
    /// Non-ASCII bytes.
    high: u64,
    /// `#` and `@`.
    tag_or_mention: u64,
    /// `*`.
    star: u64,
}

/// The masks of [`fast_block_full`] for the 64 bytes of `block`, computed as in
/// [`plain_masks`]: a byte of flags per byte by comparisons alone (a loop the compiler
/// vectorises), gathered eight bytes at a time. `full_masks_agree_with_swar` compares
/// them with the first version's range tests in a `u64`.
#[inline(always)]
fn full_masks(block: &[u8; BLOCK]) -> FullMasks {
    let mut flags = [0u8; BLOCK];
    for (f, &b) in flags.iter_mut().zip(block) {
        let digit = b.wrapping_sub(b'0') < 10;
        let alnum = ((b | 0x20).wrapping_sub(b'a') < 26) | digit;
        let apostrophe = (b == b'\'') | (b == b'-');
        let separator = (b == b'.') | (b == b',');
        let tag_or_mention = (b == b'#') | (b == b'@');
        *f = u8::from(alnum)
            | (u8::from(digit) << 1)
            | (u8::from(apostrophe) << 2)
            | (u8::from(separator) << 3)
            | (u8::from(b >= 0x80) << 4)
            | (u8::from(tag_or_mention) << 5)
            | (u8::from(b == b'*') << 6);
    }
    let mut m = FullMasks::default();
    for (k, chunk) in flags.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let shift = 8 * k;
        m.alnum |= gather_low(w) << shift;
        m.digit |= gather_low(w >> 1) << shift;
        m.apostrophe |= gather_low(w >> 2) << shift;
        m.separator |= gather_low(w >> 3) << shift;
        m.high |= gather_low(w >> 4) << shift;
        m.tag_or_mention |= gather_low(w >> 5) << shift;
        m.star |= gather_low(w >> 6) << shift;
    }
    m
}

/// End of the word starting at `i` (an alphanumeric character ending at `j`).
fn word_end(bytes: &[u8], i: usize, mut j: usize, end: usize) -> usize {
    loop {
        j = alnum_run_end(bytes, j, end);
        if j >= end {
            return end;
        }
        let class = CLASS[bytes[j] as usize];
        if class & (HIGH | JOIN) == 0 {
            return j;
        }
        let (c, l) = decode_at(bytes, j);
        if class == HIGH {
            if is_alnum(c) || is_mark(c) {
                j += l;
                continue;
            }
            // A character that shows nothing joins like `'`: the normalised view reads
            // `pa<U+200E>tient` or `mi<U+00AD>graine` as one word, so the word count and
            // `near` distances do too.
            if !is_joiner(c) && !is_invisible(c) {
                return j;
            }
        }
        // A joiner: continues the word when an alphanumeric follows (a digit for `.`/`,`
        // between digits).
        let numeric = matches!(c, '.' | ',');
        if numeric {
            let prev_digit = j > i && bytes[j - 1].is_ascii_digit();
            if !(prev_digit && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)) {
                return j;
            }
            j += 2;
            continue;
        }
        if j + l >= end {
            return j;
        }
        let (n, nl) = decode_at(bytes, j + l);
        if !is_alnum(n) {
            return j;
        }
        j += l + nl;
    }
}

/// The character before `i`, unless `i` is the start of the scanned range.
fn before(bytes: &[u8], start: usize, i: usize) -> Option<char> {
    if i <= start {
        return None;
    }
    decode_before(bytes, i).map(|(c, _)| c)
}

fn hashtag_end(bytes: &[u8], start: usize, i: usize, end: usize) -> Option<usize> {
    if let Some(p) = before(bytes, start, i) {
        if is_alnum(p) || is_mark(p) || p == '_' || p == '&' {
            return None;
        }
    }
    let mut j = i + 1;
    let mut letter = false;
    while j < end {
        let (c, l) = decode_at(bytes, j);
        if is_alnum(c) || c == '_' || is_mark(c) {
            letter |= c.is_alphabetic();
            j += l;
        } else {
            break;
        }
    }
    letter.then_some(j)
}

fn mention_end(bytes: &[u8], start: usize, i: usize, end: usize) -> Option<usize> {
    if let Some(p) = before(bytes, start, i) {
        if is_alnum(p) || is_mark(p) || p == '_' {
            return None;
        }
    }
    let mut j = i + 1;
    while j < end && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'.') {
        j += 1;
    }
    while j > i + 1 && bytes[j - 1] == b'.' {
        j -= 1;
    }
    (j > i + 1).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swar::{gather, in_range, split_ascii};

    #[test]
    fn is_alnum_agrees_with_the_standard_library() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    /// The masks of [`plain_masks`] as the first version computed them, eight bytes at a
    /// time in a `u64`: letters and digits, joiners, and the high bits of the bytes that
    /// send a block to the full path (where the first two may be wrong).
    fn plain_masks_swar(block: &[u8; BLOCK]) -> (u64, u64, bool) {
        let (mut alnum, mut joinish, mut rare) = (0u64, 0u64, 0u64);
        for (k, chunk) in block.chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
            let a = in_range(x | (LANES * 0x20), b'a', b'z') | in_range(x, b'0', b'9');
            let j = in_range(x, b',', b'.') | in_range(x, b'\'', b'\'');
            rare |= (x & crate::swar::HIGH_BITS)
                | in_range(x, b'#', b'#')
                | in_range(x, b'@', b'@')
                | in_range(x, b'*', b'*');
            alnum |= gather(a) << (8 * k);
            joinish |= gather(j) << (8 * k);
        }
        (alnum, joinish, rare != 0)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The byte-flag masks agree with the `u64` range tests on any block: the same
        /// verdict on the full path, and the same masks wherever the block stays on the
        /// plain path. Blocks are drawn mostly from the ASCII bytes at the edges of the
        /// ranges tested, and now and then from any byte.
        #[test]
        fn plain_masks_agree_with_swar(
            block in proptest::collection::vec(
                proptest::prop_oneof![
                    200 => proptest::sample::select(
                        b"\x00 \"&'()+,-./09:;?AZ[`az{\x7f".to_vec()
                    ),
                    1 => proptest::num::u8::ANY,
                ],
                BLOCK,
            ),
        ) {
            let block = <[u8; BLOCK]>::try_from(block.as_slice()).unwrap_or([0; BLOCK]);
            let (alnum, joinish, rare) = plain_masks(&block);
            let (alnum_swar, joinish_swar, rare_swar) = plain_masks_swar(&block);
            proptest::prop_assert_eq!(rare, rare_swar);
            if !rare {
                proptest::prop_assert_eq!(alnum, alnum_swar);
                proptest::prop_assert_eq!(joinish, joinish_swar);
            }
        }
    }

    /// The masks of [`full_masks`] as the first version computed them, eight bytes at a
    /// time in a `u64`, non-ASCII bytes turned into NUL first.
    fn full_masks_swar(block: &[u8; BLOCK]) -> FullMasks {
        let mut m = FullMasks::default();
        for (k, chunk) in block.chunks_exact(8).enumerate() {
            let raw = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
            let shift = 8 * k;
            let (h, x) = split_ascii(raw);
            let d = in_range(x, b'0', b'9');
            let a = in_range(x | (LANES * 0x20), b'a', b'z') | d;
            let ap = in_range(x, b'\'', b'\'') | in_range(x, b'-', b'-');
            let sep = in_range(x, b'.', b'.') | in_range(x, b',', b',');
            let tm = in_range(x, b'#', b'#') | in_range(x, b'@', b'@');
            m.alnum |= gather(a) << shift;
            m.digit |= gather(d) << shift;
            m.apostrophe |= gather(ap) << shift;
            m.separator |= gather(sep) << shift;
            m.high |= gather(h) << shift;
            m.tag_or_mention |= gather(tm) << shift;
            m.star |= gather(in_range(x, b'*', b'*')) << shift;
        }
        m
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The byte-flag masks of the full path agree with the `u64` range tests on any
        /// block, of any bytes or of those at the edges of the ranges tested.
        #[test]
        fn full_masks_agree_with_swar(
            block in proptest::collection::vec(
                proptest::prop_oneof![
                    1 => proptest::num::u8::ANY,
                    3 => proptest::sample::select(
                        b"\x00 \"#&'()*+,-./09:;?@AZ[`az{\x7f\x80\xa0\xc3\xe2\xff".to_vec()
                    ),
                ],
                BLOCK,
            ),
        ) {
            let block = <[u8; BLOCK]>::try_from(block.as_slice()).unwrap_or([0; BLOCK]);
            proptest::prop_assert_eq!(full_masks(&block), full_masks_swar(&block));
        }
    }

    /// Every byte alone in a block of spaces gets the masks of the `u64` range tests.
    #[test]
    fn plain_masks_of_every_byte() {
        for b in 0..=255u8 {
            for at in [0, 7, 8, 33, 63] {
                let mut block = [b' '; BLOCK];
                block[at] = b;
                let (alnum, joinish, rare) = plain_masks(&block);
                let (alnum_swar, joinish_swar, rare_swar) = plain_masks_swar(&block);
                assert_eq!(rare, rare_swar, "{b:#x} at {at}");
                if !rare {
                    assert_eq!(
                        (alnum, joinish),
                        (alnum_swar, joinish_swar),
                        "{b:#x} at {at}"
                    );
                }
                assert_eq!(
                    full_masks(&block),
                    full_masks_swar(&block),
                    "{b:#x} at {at}"
                );
            }
        }
    }

    fn show(text: &str) -> String {
        let t = scan(text.as_bytes(), 0..text.len());
        let join = |v: &[TextRange]| {
            v.iter()
                .map(|r| &text[std::ops::Range::<usize>::from(*r)])
                .collect::<Vec<_>>()
                .join("|")
        };
        format!(
            "words: {}\ntags: {}\nmentions: {}\nemoji: {}",
            join(&t.words),
            join(&t.hashtags),
            join(&t.mentions),
            t.emoji
        )
    }

    /// The block scan and the scalar scan of `text` from about `skip` (moved back to a
    /// character boundary) find the same tokens.
    fn agree_with_scalar(
        text: &str,
        skip: usize,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let bytes = text.as_bytes();
        let mut start = skip.min(bytes.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let fast = scan(bytes, start..bytes.len());
        let slow = scan_scalar(bytes, start..bytes.len());
        proptest::prop_assert_eq!(&fast.words, &slow.words, "{:?}", text);
        proptest::prop_assert_eq!(&fast.hashtags, &slow.hashtags);
        proptest::prop_assert_eq!(&fast.mentions, &slow.mentions);
        proptest::prop_assert_eq!(fast.emoji, slow.emoji);
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn block_path_agrees_with_scalar(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Z", "7", "0", " ", "  ", "\n", "'", "-", ".", ",", "#", "@", "*", "_", "é",
                    "’", "😀", "1\u{fe0f}\u{20e3}", "word", "don't", "3.5", "x-y", "&", "\u{301}",
                    "abcdefghijklmnopqrstuvwxyz0123456789", ".,-'", "“", "—", "\u{a0}",
                    "#\u{fe0f}\u{20e3}", "‼", "‼\u{fe0f}", "#tag", "@bob", "a@b.c", "C#", "‐", "ﬁ",
                    "\u{200e}", "\u{ad}", "\u{200b}", "\u{2062}", "\u{feff}",
                ]),
                0..120,
            ),
            skip in 0usize..70,
        ) {
            agree_with_scalar(&parts.concat(), skip)?;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Mostly plain ASCII prose, so that whole blocks take the two-mask path, with now
        /// and then a byte that sends a block to the full path.
        #[test]
        fn ascii_blocks_agree_with_scalar(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    12 => proptest::sample::select(vec![
                        "a", "Z", "7", "0", " ", "  ", "\n", "'", "-", ".", ",", "word", "don't",
                        "3.5", "1,000", "x-y", "e.g.", "a.b", "a,b", "1.a", "a.1", "9-", "-9",
                        "abcdefghijklmnopqrstuvwxyz0123456789", ".,-'", "_", "!", "?", ":",
                        "Flu season peaks in December. ", "45-year-old", "'quoted'",
                    ]),
                    1 => proptest::sample::select(vec![
                        "#tag", "@bob", "*", "é", "’", "1\u{fe0f}\u{20e3}", "😀", "C#", "\u{a0}",
                        "\u{200e}", "\u{ad}",
                    ]),
                ],
                0..200,
            ),
            skip in 0usize..70,
        ) {
            agree_with_scalar(&parts.concat(), skip)?;
        }
    }

    /// A character that shows nothing inside a word is part of it, as the normalised
    /// view reads it; before or after a word, or between two of them, it is not.
    #[test]
    fn invisible_characters_inside_a_word_are_part_of_it() {
        let text = "pa\u{200E}tient mi\u{AD}gra\u{AD}ine nu\u{200B}rse well\u{200B} \u{2060}ok";
        let words: Vec<&str> = scan(text.as_bytes(), 0..text.len())
            .words
            .iter()
            .map(|&r| &text[std::ops::Range::<usize>::from(r)])
            .collect();
        assert_eq!(
            words,
            [
                "pa\u{200E}tient",
                "mi\u{AD}gra\u{AD}ine",
                "nu\u{200B}rse",
                "well",
                "ok"
            ]
        );
    }

    #[test]
    fn words_tags_mentions() {
        expect_test::expect![[r#"
            words: My|45-year-old|patient|didn’t|take|3.5|mg|x|café|naïve|MentalHealth|mental|health|C|1|1|39|dr|smith|mail|example|com
            tags: #MentalHealth|#mental_health
            mentions: @dr.smith
            emoji: 2"#]]
        .assert_eq(&show(
            "My 45-year-old patient didn’t take 3.5 mg -x- café nai\u{308}ve. #MentalHealth #mental_health C#1 #1 &#39; @dr.smith. mail@example.com 😀 1️⃣",
        ));
    }
}
