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

use crate::emoji;
use crate::utf8::{decode_at, decode_before};

/// Tokens of one post.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub words: Vec<Range<usize>>,
    pub hashtags: Vec<Range<usize>>,
    pub mentions: Vec<Range<usize>>,
    pub emoji: usize,
}

#[inline]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
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
    let mut out = Tokens::default();
    let end = range.end.min(bytes.len());
    let mut i = range.start;
    while i < end {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                if b.is_ascii_digit() && bytes.get(i + 1).is_some_and(|&n| n >= 0x80) {
                    if let Some(e) = emoji::sequence_at(bytes, i, end) {
                        out.emoji += 1;
                        i = e;
                        continue;
                    }
                }
                let e = word_end(bytes, i, end);
                out.words.push(i..e);
                i = e;
                continue;
            }
            match b {
                b'#' => {
                    if let Some(e) = emoji::sequence_at(bytes, i, end) {
                        out.emoji += 1;
                        i = e;
                        continue;
                    }
                    if let Some(e) = hashtag_end(bytes, range.start, i, end) {
                        out.hashtags.push(i..e);
                    }
                }
                b'@' => {
                    if let Some(e) = mention_end(bytes, range.start, i, end) {
                        out.mentions.push(i..e);
                    }
                }
                b'*' => {
                    if let Some(e) = emoji::sequence_at(bytes, i, end) {
                        out.emoji += 1;
                        i = e;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        let (c, len) = decode_at(bytes, i);
        if is_alnum(c) {
            let e = word_end(bytes, i, end);
            out.words.push(i..e);
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

/// End of the word starting at `i` (an alphanumeric character).
fn word_end(bytes: &[u8], i: usize, end: usize) -> usize {
    let (first, len) = decode_at(bytes, i);
    let mut j = i + len;
    let mut last_digit = first.is_ascii_digit();
    while j < end {
        let b = bytes[j];
        // ASCII fast path for the common case.
        if b.is_ascii_alphanumeric() {
            last_digit = b.is_ascii_digit();
            j += 1;
            continue;
        }
        let (c, l) = decode_at(bytes, j);
        if is_alnum(c) {
            last_digit = c.is_ascii_digit();
            j += l;
            continue;
        }
        if is_mark(c) {
            j += l;
            continue;
        }
        let numeric_sep = last_digit && matches!(c, '.' | ',');
        if (is_joiner(c) || numeric_sep) && j + l < end {
            let (n, nl) = decode_at(bytes, j + l);
            let joins = if numeric_sep {
                n.is_ascii_digit()
            } else {
                is_alnum(n)
            };
            if joins {
                last_digit = n.is_ascii_digit();
                j += l + nl;
                continue;
            }
        }
        break;
    }
    j.min(end)
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
        let join = |v: &[Range<usize>]| {
            v.iter()
                .map(|r| &text[r.clone()])
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
