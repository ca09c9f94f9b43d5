//! Sentence boundaries inside one paragraph.
//!
//! The boundaries are those of Unicode's sentence segmentation (UAX #29, rules SB5–SB11),
//! the rules unicode-segmentation implements, with line breaks treated as spaces: a
//! paragraph wrapped over several lines is still one flow of sentences. The rules are
//! evaluated here only around sentence terminators, which is the only place a boundary can
//! fall once line breaks are spaces; that keeps the common ASCII case a tight byte loop
//! (unicode-segmentation's general iterator runs at roughly a fifth of the speed needed).
//! A test checks the two agree.
//!
//! Two refinements follow: a boundary right after a common abbreviation (`Dr.`, `e.g.`,
//! `etc.`, ...) or a single capital initial (`J. Smith`) is dropped, and in plain text a line
//! that starts with a list bullet starts a sentence.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;

use crate::emoji::in_table;
use crate::swar::{HIGH_BITS, lowest_equal};
use crate::tables::{
    SB_ATERM, SB_CLOSE, SB_EXTEND, SB_FORMAT, SB_NUMERIC, SB_SCONTINUE, SB_SP, SB_STERM,
};
use crate::utf8::{decode_at, decode_before};

/// Sentence_Break classes that matter once line breaks are spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sb {
    Sp,
    Lower,
    Upper,
    OLetter,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    /// Extend and Format: attached to the preceding character (SB5).
    Extend,
    Other,
}

fn ascii_class(b: u8) -> Sb {
    match b {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => Sb::Sp,
        b'a'..=b'z' => Sb::Lower,
        b'A'..=b'Z' => Sb::Upper,
        b'0'..=b'9' => Sb::Numeric,
        b'.' => Sb::ATerm,
        b'!' | b'?' => Sb::STerm,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Sb::Close,
        b',' | b'-' | b':' | b';' => Sb::SContinue,
        _ => Sb::Other,
    }
}

fn is_titlecase(c: char) -> bool {
    matches!(
        c,
        '\u{01C5}' | '\u{01C8}' | '\u{01CB}' | '\u{01F2}' | '\u{1F88}'..='\u{1F8F}'
            | '\u{1F98}'..='\u{1F9F}' | '\u{1FA8}'..='\u{1FAF}' | '\u{1FBC}' | '\u{1FCC}' | '\u{1FFC}'
    )
}

fn class(c: char) -> Sb {
    if c.is_ascii() {
        return ascii_class(c as u8);
    }
    // General Punctuation holds no letters; skip the slow letter lookups for `’ “ — …`.
    if ('\u{2000}'..='\u{206F}').contains(&c) {
        return punctuation_class(c);
    }
    if c.is_alphabetic() {
        if is_combining_mark(c) {
            return Sb::Extend;
        }
        if c.is_lowercase() {
            return Sb::Lower;
        }
        if c.is_uppercase() || is_titlecase(c) {
            return Sb::Upper;
        }
        return Sb::OLetter;
    }
    punctuation_class(c)
}

/// The class of a character that is not a letter.
fn punctuation_class(c: char) -> Sb {
    if in_table(c, SB_EXTEND) || in_table(c, SB_FORMAT) {
        Sb::Extend
    } else if in_table(c, SB_SP) || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') {
        Sb::Sp
    } else if in_table(c, SB_STERM) {
        Sb::STerm
    } else if in_table(c, SB_ATERM) {
        Sb::ATerm
    } else if in_table(c, SB_CLOSE) {
        Sb::Close
    } else if in_table(c, SB_SCONTINUE) {
        Sb::SContinue
    } else if in_table(c, SB_NUMERIC) {
        Sb::Numeric
    } else if c.is_lowercase() {
        Sb::Lower
    } else if c.is_uppercase() {
        Sb::Upper
    } else {
        Sb::Other
    }
}

/// The class and end of the character at `i`, with the Extend/Format characters that
/// follow it absorbed (SB5).
fn class_at(bytes: &[u8], i: usize, end: usize) -> (Sb, usize) {
    let b = bytes[i];
    let (cls, mut j) = if b < 0x80 {
        (ascii_class(b), i + 1)
    } else {
        let (c, l) = decode_at(bytes, i);
        (class(c), i + l)
    };
    while j < end && bytes[j] >= 0x80 {
        let (c, l) = decode_at(bytes, j);
        if class(c) != Sb::Extend {
            break;
        }
        j += l;
    }
    (cls, j.min(end))
}

/// The class of the character before `i` (skipping Extend/Format), if any after `start`.
fn class_before(bytes: &[u8], start: usize, mut i: usize) -> Option<Sb> {
    while i > start {
        let (c, at) = decode_before(bytes, i)?;
        let cls = class(c);
        if cls != Sb::Extend {
            return Some(cls);
        }
        i = at;
    }
    None
}

/// Bytes that may start a sentence terminator: `.`, `!`, `?` and non-ASCII bytes.
const TERMINATOR_OR_HIGH: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x80;
    while b < 256 {
        t[b] = true;
        b += 1;
    }
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t
};

/// The next byte from `i` that is an ASCII terminator or non-ASCII. A separate small
/// function so the loop keeps its state in registers; eight bytes at a time, the rest one
/// by one.
#[inline(never)]
fn next_candidate(bytes: &[u8], i: usize, end: usize) -> Option<usize> {
    let window = bytes.get(i..end)?;
    let mut words = window.chunks_exact(8);
    let mut at = i;
    for word in words.by_ref() {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(word).ok()?);
        let hits = candidate_bits(x);
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| TERMINATOR_OR_HIGH[b as usize])
        .map(|p| at + p)
}

/// For the 8 bytes of `x`: a mark on the lowest byte that is `.`, `!`, `?` or non-ASCII,
/// if any (see [`lowest_equal`]: only the lowest mark counts).
#[inline(always)]
fn candidate_bits(x: u64) -> u64 {
    lowest_equal(x, b'.') | lowest_equal(x, b'!') | lowest_equal(x, b'?')
}

/// Whether `bytes` is all ASCII: eight bytes at a time or-ed together (a loop the
/// compiler vectorises, without the early exit of `<[u8]>::is_ascii`, whose byte-by-byte
/// tail was most of its cost on paragraphs of a few hundred bytes), then the last few.
fn all_ascii(bytes: &[u8]) -> bool {
    let words = bytes.chunks_exact(8);
    let tail = words.remainder().iter().fold(0u8, |acc, &b| acc | b);
    let any = words.fold(0u64, |acc, w| {
        acc | u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or_default())
    });
    (any & HIGH_BITS) == 0 && tail < 0x80
}

/// Boundaries (starts of sentences after the first) of `range` in the prose bytes, by the
/// UAX #29 rules with line breaks as spaces.
pub(crate) fn uax29_boundaries(bytes: &[u8], range: Range<usize>, out: &mut Vec<usize>) {
    let end = range.end.min(bytes.len());
    // Most paragraphs are all ASCII: then the only terminators are `.`, `!` and `?`, which
    // `memchr3` finds many bytes at a time.
    let ascii = bytes.get(range.start..end).is_some_and(all_ascii);
    let mut i = range.start;
    while i < end {
        // Fast skip to the next ASCII terminator or non-ASCII byte.
        let next = if ascii {
            bytes
                .get(i..end)
                .and_then(|rest| memchr::memchr3(b'.', b'!', b'?', rest))
                .map(|p| i + p)
        } else {
            next_candidate(bytes, i, end)
        };
        match next {
            Some(at) => i = at,
            None => break,
        }
        let b = bytes[i];
        if b < 0x80 {
            // The common cases, settled without classifying characters one by one: a
            // terminator that ends the paragraph, and one followed by a space and a
            // capital (`ATerm Sp Upper` and `STerm Sp Upper` end a sentence: SB6 and SB7
            // need no space between, SB8 a lowercase letter next, SB8a a terminator or
            // SContinue next).
            if i + 1 >= end && matches!(b, b'.' | b'!' | b'?') {
                break;
            }
            if i + 2 < end
                && matches!(b, b'.' | b'!' | b'?')
                && ascii_class(bytes[i + 1]) == Sb::Sp
                && bytes[i + 2].is_ascii_uppercase()
            {
                out.push(i + 2);
                i += 2;
                continue;
            }
        }
        let terminator = if b < 0x80 {
            match b {
                b'.' => Sb::ATerm,
                b'!' | b'?' => Sb::STerm,
                _ => {
                    i += 1;
                    continue;
                }
            }
        } else {
            let (c, l) = decode_at(bytes, i);
            // Letters and most punctuation are no terminators: skip them without the
            // full classification.
            if u32::from(c) < 0x0589 || ('\u{2010}'..='\u{201F}').contains(&c) {
                i += l;
                continue;
            }
            if in_table(c, SB_STERM) {
                Sb::STerm
            } else if in_table(c, SB_ATERM) {
                Sb::ATerm
            } else {
                i += l;
                continue;
            }
        };
        let (_, after_term) = class_at(bytes, i, end);
        // Close* then Sp*.
        let mut j = after_term;
        let mut next = None;
        while j < end {
            let (cls, e) = class_at(bytes, j, end);
            if cls != Sb::Close {
                next = Some(cls);
                break;
            }
            j = e;
        }
        let close_end = j;
        if next == Some(Sb::Sp) {
            next = None;
            while j < end {
                let (cls, e) = class_at(bytes, j, end);
                if cls != Sb::Sp {
                    next = Some(cls);
                    break;
                }
                j = e;
            }
        }
        let sp_end = j;
        let Some(next) = next else {
            // The paragraph ends here.
            break;
        };
        let mut boundary = true;
        if terminator == Sb::ATerm {
            if close_end == after_term && sp_end == after_term {
                // SB6 and SB7 look at the character right after the full stop.
                if next == Sb::Numeric {
                    boundary = false;
                }
                if next == Sb::Upper
                    && matches!(
                        class_before(bytes, range.start, i),
                        Some(Sb::Upper | Sb::Lower)
                    )
                {
                    boundary = false;
                }
            }
            if boundary && sb8_lower_follows(bytes, sp_end, end) {
                boundary = false;
            }
        }
        if matches!(next, Sb::SContinue | Sb::ATerm | Sb::STerm) {
            boundary = false;
        }
        if boundary {
            out.push(sp_end);
        }
        i = sp_end.max(i + 1);
    }
}

/// SB8: after `ATerm Close* Sp*`, skipping anything but letters, terminators and paragraph
/// separators, is the next such character lowercase?
fn sb8_lower_follows(bytes: &[u8], mut j: usize, end: usize) -> bool {
    while j < end {
        let (cls, e) = class_at(bytes, j, end);
        match cls {
            Sb::Lower => return true,
            Sb::OLetter | Sb::Upper | Sb::ATerm | Sb::STerm => return false,
            _ => j = e,
        }
    }
    false
}

const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "vs", "e.g", "i.e", "etc", "approx", "fig",
];

/// Words that start sentences far more often than they follow an initial, so `vitamin D.
/// It helps.` keeps its boundary.
const SENTENCE_STARTERS: &[&str] = &[
    "a", "an", "and", "ask", "but", "get", "he", "how", "i", "if", "in", "it", "my", "on", "our",
    "she", "so", "that", "the", "there", "these", "they", "this", "those", "we", "what", "when",
    "why", "you", "your",
];

/// Whether `token` is an initial (`J`, not `I`), after which the boundary stays only
/// when the next word usually starts a sentence.
fn is_initial(token: &[u8]) -> bool {
    token.len() == 1 && token[0].is_ascii_uppercase() && token[0] != b'I'
}

/// Whether the letters from `b` (up to `end`) are one of [`SENTENCE_STARTERS`].
fn sentence_starter_at(bytes: &[u8], b: usize, end: usize) -> bool {
    let mut e = b;
    while e < end && bytes[e].is_ascii_alphabetic() {
        e += 1;
    }
    let next_word = &bytes[b..e];
    SENTENCE_STARTERS
        .iter()
        .any(|w| w.as_bytes().eq_ignore_ascii_case(next_word))
}

/// True when the boundary at `b` follows an abbreviation or initial and should be dropped.
/// The word before the full stop is read back no further than the longest abbreviation
/// (most full stops end an ordinary, longer word), and compared with the list as one
/// number, its bytes in lower case.
fn follows_abbreviation(bytes: &[u8], start: usize, b: usize, end: usize) -> bool {
    let Some(dot) = full_stop_before(bytes, start, b) else {
        return false;
    };
    let floor = start.max(dot.saturating_sub(LONGEST_ABBREVIATION + 1));
    let k = dot
        - bytes
            .get(floor..dot)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|&&c| c.is_ascii_alphabetic() || c == b'.')
            .count();
    if dot - k > LONGEST_ABBREVIATION {
        return false;
    }
    if !stands_apart(bytes, start, k) {
        return false;
    }
    let token = &bytes[k..dot];
    if is_initial(token) {
        return !sentence_starter_at(bytes, b, end);
    }
    let key = lower_key(token);
    if key == lower_key(b"no") {
        return bytes.get(b).is_some_and(u8::is_ascii_digit);
    }
    ABBREVIATION_KEYS.contains(&key)
}

/// The full stop a boundary at `b` follows, back over spaces and closing punctuation;
/// `None` when there is none.
#[inline]
fn full_stop_before(bytes: &[u8], start: usize, b: usize) -> Option<usize> {
    let mut j = b;
    while j > start
        && matches!(
            bytes[j - 1],
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b')'
        )
    {
        j -= 1;
    }
    (j > start && bytes[j - 1] == b'.').then(|| j - 1)
}

/// True when the word starting at `k` follows a space, an opening mark or the start,
/// rather than being glued to something else.
#[inline]
fn stands_apart(bytes: &[u8], start: usize, k: usize) -> bool {
    k <= start
        || matches!(
            bytes[k - 1],
            b' ' | b'\t' | b'\n' | b'\r' | b'(' | b'"' | b'\''
        )
}

/// A word of letters and full stops, at most eight bytes, as one number: its bytes in
/// lower case (`| 0x20` lowers a letter and keeps `.`), the first in the lowest byte.
/// Two such words are equal ignoring ASCII case exactly when their numbers are (no byte
/// is zero, so the length is part of the number).
const fn lower_key(token: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut i = 0;
    while i < token.len() && i < 8 {
        key |= ((token[i] | 0x20) as u64) << (8 * i);
        i += 1;
    }
    key
}

/// [`ABBREVIATIONS`] as [`lower_key`] numbers.
const ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = {
    let mut keys = [0u64; ABBREVIATIONS.len()];
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        keys[i] = lower_key(ABBREVIATIONS[i].as_bytes());
        i += 1;
    }
    keys
};

/// The length of the longest of [`ABBREVIATIONS`] (and longer than `no`).
const LONGEST_ABBREVIATION: usize = {
    let mut longest = 2;
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        if ABBREVIATIONS[i].len() > longest {
            longest = ABBREVIATIONS[i].len();
        }
        i += 1;
    }
    assert!(longest <= 8, "an abbreviation must fit a lower_key");
    longest
};

/// True when a plain-text line starting at `i` begins with a list bullet.
fn starts_with_bullet(bytes: &[u8], i: usize, end: usize) -> bool {
    let rest = &bytes[i..end];
    match rest {
        [b'-' | b'*' | b'+', b' ' | b'\t', ..] => true,
        [0xE2, 0x80, 0xA2, ..] => true, // •
        _ => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            digits > 0
                && digits < 4
                && matches!(
                    rest.get(digits..digits + 2),
                    Some([b'.' | b')', b' ' | b'\t'])
                )
        }
    }
}

/// Sentences of the paragraph `para`: boundaries found on the prose view `prose`, each
/// sentence trimmed of whitespace of the original `text` and kept only if it holds prose.
pub(crate) fn sentences(
    text: &str,
    prose: &[u8],
    para: Range<usize>,
    bullets_split: bool,
    scratch: &mut Vec<usize>,
    out: &mut Vec<crate::TextRange>,
) {
    scratch.clear();
    uax29_boundaries(prose, para.clone(), scratch);
    scratch.retain(|&b| !follows_abbreviation(prose, para.start, b, para.end));
    if bullets_split {
        let mut forced = Vec::new();
        let mut at = para.start;
        // A line ends at LF, CRLF or a lone CR: the LF after a CR starts no line of its
        // own that could hold a bullet.
        while let Some(nl) = memchr::memchr2(b'\n', b'\r', &prose[at..para.end]) {
            let mut line = at + nl + 1;
            while line < para.end && matches!(prose[line], b' ' | b'\t') {
                line += 1;
            }
            if line < para.end && starts_with_bullet(prose, line, para.end) {
                forced.push(line);
            }
            at = at + nl + 1;
        }
        if !forced.is_empty() {
            scratch.extend(forced);
            scratch.sort_unstable();
            scratch.dedup();
        }
    }
    let mut start = para.start;
    for end in scratch.iter().copied().chain(std::iter::once(para.end)) {
        if let Some(range) = trimmed(text, prose, start..end) {
            out.push(crate::range_of(range));
        }
        start = end;
    }
}

/// `range` without surrounding whitespace of `text`, if it contains non-blank prose.
fn trimmed(text: &str, prose: &[u8], range: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(range.clone())?;
    let (start, end) = trim_bounds(slice);
    let (start, end) = (range.start + start, range.start + end);
    if start >= end {
        return None;
    }
    let has_prose = prose
        .get(start..end)?
        .iter()
        .any(|b| !b.is_ascii_whitespace());
    has_prose.then_some(start..end)
}

/// The ASCII bytes `char::is_whitespace` holds for: tab, line feed, vertical tab, form
/// feed, carriage return and space (not the separators U+001C to U+001F).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// The bounds of `slice` trimmed as `str::trim` would, byte by byte while the whitespace
/// is ASCII (it nearly always is), and through `str::trim` only from a non-ASCII byte on.
fn trim_bounds(slice: &str) -> (usize, usize) {
    let bytes = slice.as_bytes();
    let mut start = 0;
    while bytes.get(start).copied().is_some_and(is_ascii_space) {
        start += 1;
    }
    if bytes.get(start).is_some_and(|&b| b >= 0x80) {
        let rest = slice.get(start..).unwrap_or_default();
        start += rest.len() - rest.trim_start().len();
    }
    let mut end = bytes.len();
    while end > start && is_ascii_space(bytes[end - 1]) {
        end -= 1;
    }
    if end > start && bytes[end - 1] >= 0x80 {
        end = start + slice.get(start..end).unwrap_or_default().trim_end().len();
    }
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    fn split(text: &str, bullets: bool) -> Vec<&str> {
        let mut out = Vec::new();
        sentences(
            text,
            text.as_bytes(),
            0..text.len(),
            bullets,
            &mut Vec::new(),
            &mut out,
        );
        out.into_iter().map(|r| &text[crate::to_range(r)]).collect()
    }

    #[test]
    fn abbreviations_initials_and_wrapping() {
        expect_test::expect![[r#"
            [
                "Dr. Smith saw J. R. Doe, e.g. on Fig. 3 at approx. 5 p.m. today.",
                "Get vitamin D.",
                "It helps!",
                "Really?!",
                "See No. 5 and U.S. rules.",
                "No.",
                "Never.",
                "“Quoted.”",
                "Wrapped line\n    continues here.",
            ]
        "#]]
        .assert_debug_eq(&split(
            "Dr. Smith saw J. R. Doe, e.g. on Fig. 3 at approx. 5 p.m. today. Get vitamin D. It helps! Really?! See No. 5 and U.S. rules. No. Never. “Quoted.” Wrapped line\n    continues here.",
            false,
        ));
        expect_test::expect![[r#"
            [
                "Tips for today",
                "- drink water",
                "- sleep.",
                "Really",
                "2) rest",
            ]
        "#]]
        .assert_debug_eq(&split(
            "Tips for today\n- drink water\n- sleep. Really\n2) rest",
            true,
        ));
    }

    /// The word a boundary at `b` follows when it ends with a full stop (`Dr` for `Dr. `,
    /// `e.g` for `(e.g.) `), back over spaces and closing punctuation; `None` when there is no
    /// full stop there, or the word is glued to something other than a space or an opening
    /// mark.
    fn word_before_stop(bytes: &[u8], start: usize, b: usize) -> Option<&[u8]> {
        let dot = full_stop_before(bytes, start, b)?;
        let mut k = dot;
        while k > start && (bytes[k - 1].is_ascii_alphabetic() || bytes[k - 1] == b'.') {
            k -= 1;
        }
        stands_apart(bytes, start, k).then(|| &bytes[k..dot])
    }

    /// The first version of [`follows_abbreviation`], which read the next word and the
    /// whole list of abbreviations for every full stop.
    fn follows_abbreviation_reference(bytes: &[u8], start: usize, b: usize, end: usize) -> bool {
        let Some(token) = word_before_stop(bytes, start, b) else {
            return false;
        };
        let starter = sentence_starter_at(bytes, b, end);
        if is_initial(token) {
            return !starter;
        }
        if token.eq_ignore_ascii_case(b"no") {
            return bytes.get(b).is_some_and(u8::is_ascii_digit);
        }
        ABBREVIATIONS
            .iter()
            .any(|a| a.as_bytes().eq_ignore_ascii_case(token))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// At every position of text made of abbreviations, initials, sentence starters
        /// and words of every length, the quick rejection decides as the first version.
        #[test]
        fn abbreviations_are_found_as_before(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Dr", "dr", "MRS", "e.g", "E.G", "i.e", "etc", "approx", "Approx", "approxi",
                    "fig", "no", "No", "NO", "nos", "J", "I", "a", "It", "the", "The", "words",
                    "sentence", "u.s", "e.g.x", ".", ". ", "  ", " ", "\n", "\"", "'", ")", "(",
                    "5", "12", "x", "vs", "v",
                ]),
                0..30,
            ),
        ) {
            let text: String = parts.concat();
            let bytes = text.as_bytes();
            for start in [0, 1.min(bytes.len())] {
                for b in start..=bytes.len() {
                    prop_assert_eq!(
                        follows_abbreviation(bytes, start, b, bytes.len()),
                        follows_abbreviation_reference(bytes, start, b, bytes.len()),
                        "{:?} at {}", text, b
                    );
                }
            }
        }
    }

    #[test]
    fn the_longest_abbreviation_is_measured() {
        assert_eq!(LONGEST_ABBREVIATION, "approx".len());
    }

    fn reference(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .map(|(i, _)| i)
            .filter(|&i| i > 0)
            .collect()
    }

    fn ours(text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        uax29_boundaries(text.as_bytes(), 0..text.len(), &mut out);
        out
    }

    /// The eight-byte scan stops where the byte-by-byte one does, whatever the bytes.
    #[test]
    fn the_word_scan_finds_the_first_candidate() {
        let pool = [
            b'a', b' ', b'.', b'!', b'?', b'-', 0x80, 0xE2, 0x2D, 0x2F, 0x3E, 0xFF, 0,
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|k| pool[((state >> (k * 2 % 60)) % pool.len() as u64) as usize])
                .collect();
            for i in 0..=len {
                let expected = bytes[i..]
                    .iter()
                    .position(|&b| TERMINATOR_OR_HIGH[b as usize])
                    .map(|p| i + p);
                assert_eq!(
                    next_candidate(&bytes, i, len),
                    expected,
                    "{bytes:?} from {i}"
                );
            }
        }
    }

    #[test]
    fn agrees_with_unicode_segmentation_on_examples() {
        for text in [
            "Hello world. This is it.",
            "He said “Stop.” Then left.",
            "etc. and more. 3.14 is pi. U.S. Army. Is it? Yes!",
            "Wow... really. OK!? Fine.) Next",
            "日本語です。次の文。",
            "Él dijo: ¿Qué? Nada. ¡Bien!",
            "a. b. C. (d) e.",
        ] {
            assert_eq!(ours(text), reference(text), "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn agrees_with_unicode_segmentation(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "b", "Z", "É", "ß", "日", "1", "٣", " ", "\t", "\u{a0}", ".", "!", "?", "。",
                    "！", "\"", "'", ")", "(", "”", "“", "»", ",", ";", "-", ":", "\u{301}",
                    "\u{200d}", "😀", "#", "%", "Dr", "x.", "A.", "\u{ad}",
                ]),
                0..40,
            )
        ) {
            let text: String = text.concat();
            prop_assert_eq!(ours(&text), reference(&text), "{:?}", text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// All-ASCII paragraphs take the `memchr3` scan and the shortcuts at a terminator
        /// followed by a space and a capital or by the paragraph's end.
        #[test]
        fn ascii_paragraphs_agree_with_unicode_segmentation(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "b", "Z", "A", "I", "1", "42", " ", "  ", "\t", "\x0b", "\x0c", ".", "!",
                    "?", ". ", "! ", "? ", ". T", "? A", "! B", ".\t", "\"", "'", ")", "(", "[",
                    ",", ";", "-", ":", "#", "%", "Dr", "x.", "A.", "U.S.", "e.g.", "word", "Word",
                    "end. Next", "3.5", "...", "?!", ".)", ". (", ". 5", ". a", "Flu season. ",
                ]),
                0..40,
            )
        ) {
            let text: String = text.concat();
            prop_assert_eq!(ours(&text), reference(&text), "{:?}", text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        /// The paragraph check for ASCII agrees with `<[u8]>::is_ascii`, with a byte from
        /// 0x80 up anywhere, in the eight-byte words or in the last few bytes.
        #[test]
        fn all_ascii_is_is_ascii(
            bytes in proptest::collection::vec(
                prop_oneof![40 => 0u8..0x80, 1 => 0x80u8..=0xFF],
                0..100,
            ),
        ) {
            prop_assert_eq!(all_ascii(&bytes), bytes.is_ascii());
        }
    }

    /// The ASCII whitespace set is `char::is_whitespace`'s, checked over all of ASCII.
    #[test]
    fn ascii_spaces_are_the_whitespace_of_char() {
        for b in 0..0x80u8 {
            assert_eq!(is_ascii_space(b), char::from(b).is_whitespace(), "{b:#x}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        /// Trimmed bounds are `str::trim`'s (or empty where it leaves nothing), with ASCII
        /// and Unicode whitespace and the control bytes near it mixed around the text.
        #[test]
        fn trim_bounds_agree_with_str_trim(
            text in "[ \\t\\n\\r\\x0b\\x0c\\x1c-\\x1f\\x85\\u{a0}\\u{2003}\\u{3000}ab.é]{0,12}",
        ) {
            let want_start = text.len() - text.trim_start().len();
            let want_end = text.trim_end().len();
            let (start, end) = trim_bounds(&text);
            if want_start < want_end {
                prop_assert_eq!((start, end), (want_start, want_end), "{:?}", text);
            } else {
                prop_assert!(start >= end, "{:?}", text);
            }
        }
    }
}
