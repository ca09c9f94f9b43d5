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

use unicode_normalization::char::is_combining_mark;

use crate::utf8::{decode_at, decode_before};
use crate::{TextRange, emoji, range_of};

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

/// Unicode alphanumerics, with a shortcut past the punctuation blocks that typographic
/// text is full of (`’`, `“`, `—`), whose property lookups are slow.
#[inline]
pub(crate) fn is_alnum(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphanumeric(),
        0x2000..=0x206F | 0x2190..=0x23FF => false,
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
        words: Vec::with_capacity((end.saturating_sub(range.start)) / 7),
        ..Tokens::default()
    };
    let mut i = range.start;
    while i < end {
        match next_interesting(bytes, i, end) {
            Some(at) => i = at,
            None => break,
        }
        let b = bytes[i];
        let class = CLASS[b as usize];
        if class == ALNUM {
            if b.is_ascii_digit() && bytes.get(i + 1).is_some_and(|&n| n >= 0x80) {
                if let Some(e) = emoji::sequence_at(bytes, i, end) {
                    out.emoji += 1;
                    i = e;
                    continue;
                }
            }
            let e = word_end(bytes, i, i + 1, end);
            out.words.push(range_of(i..e));
            i = e;
            continue;
        }
        if class == SIGIL {
            if let Some(e) = emoji::sequence_at(bytes, i, end) {
                out.emoji += 1;
                i = e;
                continue;
            }
            if b == b'#' {
                if let Some(e) = hashtag_end(bytes, range.start, i, end) {
                    out.hashtags.push(range_of(i..e));
                }
            } else if b == b'@' {
                if let Some(e) = mention_end(bytes, range.start, i, end) {
                    out.mentions.push(range_of(i..e));
                }
            }
            i += 1;
            continue;
        }
        let (c, len) = decode_at(bytes, i);
        if is_alnum(c) {
            let e = word_end(bytes, i, i + len, end);
            out.words.push(range_of(i..e));
            i = e;
            continue;
        }
        if let Some(e) = emoji::sequence_at(bytes, i, end) {
            out.emoji += 1;
            i = e;
            continue;
        }
        i += len;
    }
    out
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
            if !is_joiner(c) {
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
