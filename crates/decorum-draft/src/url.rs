//! Bare URLs in prose: `http://`, `https://` and `www.` addresses written as text.
//!
//! A URL runs until whitespace, a control character, `<`, `>`, `"`, a backtick, a
//! typographic quote or bracket, or a character that shows nothing of its own (a
//! zero-width space, a text-direction mark, a soft hyphen...:
//! [`decorum_text::invisible`]; writers put a zero-width space after an address to stop
//! apps linking the text after it). Joiners and variation selectors do not end one:
//! they belong to the characters around them, as in an emoji domain (`i❤️.ws`). Then
//! trailing punctuation that ends the sentence rather than the address is given back:
//! `.,;:!?'*~`, and `)`, `]`, `}` unless the URL contains the matching opener
//! (`https://en.wikipedia.org/wiki/Mole_(unit)` keeps its parenthesis).

use std::ops::Range;
use std::sync::OnceLock;

use memchr::memmem::Finder;

use decorum_text::invisible::{Invisible, invisible};

use crate::utf8::decode_at;

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True for a character that can never be part of a bare URL.
fn stops_url(c: char) -> bool {
    if c.is_ascii() {
        return c <= ' ' || matches!(c, '<' | '>' | '"' | '`' | '\u{7f}');
    }
    c.is_whitespace()
        || matches!(
            c,
            '“' | '”'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '‹'
                | '›'
                | '「'
                | '」'
                | '『'
                | '』'
                | '【'
                | '】'
                | '（'
                | '）'
                | '、'
                | '。'
                | '，'
                | '…'
        )
        || invisible(c) == Some(Invisible::Standalone)
}

/// End of a URL whose body starts at `from`, before `limit`.
fn url_end(bytes: &[u8], start: usize, from: usize, limit: usize) -> usize {
    let mut i = from;
    while i < limit {
        let (c, len) = decode_at(bytes, i);
        if stops_url(c) {
            break;
        }
        i += len;
    }
    // Give back trailing punctuation.
    while i > from {
        let last = bytes[i - 1];
        let trim = match last {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'*' | b'~' => true,
            b')' => unbalanced(&bytes[start..i], b'(', b')'),
            b']' => unbalanced(&bytes[start..i], b'[', b']'),
            b'}' => unbalanced(&bytes[start..i], b'{', b'}'),
            _ => false,
        };
        if !trim {
            break;
        }
        i -= 1;
    }
    i
}

fn unbalanced(url: &[u8], open: u8, close: u8) -> bool {
    let opens = url.iter().filter(|&&b| b == open).count();
    let closes = url.iter().filter(|&&b| b == close).count();
    closes > opens
}

/// True when the byte at `i` starts a host: an ASCII letter or digit, or non-ASCII.
fn starts_host(bytes: &[u8], i: usize, limit: usize) -> bool {
    i < limit
        && bytes
            .get(i)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b >= 0x80)
}

/// The searchers for `://`, `www.` and `WWW.`, built once: building one costs about as
/// much as searching a post with it.
fn finders() -> &'static [Finder<'static>; 3] {
    static FINDERS: OnceLock<[Finder<'static>; 3]> = OnceLock::new();
    FINDERS.get_or_init(|| {
        [
            Finder::new(b"://"),
            Finder::new(b"www."),
            Finder::new(b"WWW."),
        ]
    })
}

/// Appends the bare URLs within `range` of `bytes` to `out`, in order.
pub(crate) fn find_urls(bytes: &[u8], range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let Some(hay) = bytes.get(range.clone()) else {
        return;
    };
    let base = range.start;
    let limit = range.end;
    // Candidates: the start of the scheme for `://`, the `w` for `www.`.
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    let [scheme, www, upper_www] = finders();
    for p in scheme.find_iter(hay) {
        let p = base + p;
        let scheme_start = if p >= base + 5 && bytes[p - 5..p].eq_ignore_ascii_case(b"https") {
            p - 5
        } else if p >= base + 4 && bytes[p - 4..p].eq_ignore_ascii_case(b"http") {
            p - 4
        } else {
            continue;
        };
        if scheme_start > base && is_word_byte(bytes[scheme_start - 1]) {
            continue;
        }
        if starts_host(bytes, p + 3, limit) {
            candidates.push((scheme_start, p + 3));
        }
    }
    for finder in [www, upper_www] {
        for p in finder.find_iter(hay) {
            let p = base + p;
            if p > base {
                let before = bytes[p - 1];
                if is_word_byte(before) || matches!(before, b'.' | b'-' | b'/' | b'@') {
                    continue;
                }
            }
            if starts_host(bytes, p + 4, limit) {
                candidates.push((p, p + 4));
            }
        }
    }
    candidates.sort_unstable();
    let mut covered = base;
    for (start, body) in candidates {
        if start < covered {
            continue;
        }
        let end = url_end(bytes, start, body, limit);
        if end > body {
            out.push(start..end);
            covered = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find_urls(text.as_bytes(), 0..text.len(), &mut out);
        out.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn end_rules() {
        expect_test::expect![[r#"
            [
                "https://example.com/a?b=c",
                "http://x.org/Mole_(unit)",
                "www.nhs.uk/conditions",
                "HTTPS://A.B",
            ]
        "#]]
        .assert_debug_eq(&urls(
            "See https://example.com/a?b=c. Also (http://x.org/Mole_(unit)), “www.nhs.uk/conditions”! HTTPS://A.B",
        ));
        expect_test::expect![[r#"
            [
                "https://a.com/x",
            ]
        "#]]
        .assert_debug_eq(&urls(
            "xhttp://no https:// nope foo.www.bar www. https://a.com/x!?",
        ));
    }

    /// A character that shows nothing ends a URL, as a zero-width space always did: a
    /// text-direction mark after an address in right-to-left text, a word joiner, a
    /// soft hyphen. A joiner or variation selector inside one does not.
    #[test]
    fn invisible_characters_end_a_url_but_joiners_and_selectors_do_not() {
        expect_test::expect![[r#"
            [
                "https://a.example/x",
                "https://b.example/y",
                "www.c.example",
                "https://d.example/z",
                "https://i❤\u{fe0f}.example/👩\u{200d}⚕",
            ]
        "#]]
        .assert_debug_eq(&urls(
            "https://a.example/x\u{200B}and https://b.example/y\u{200F} www.c.example\u{2060}x \
             https://d.example/z\u{AD}w https://i\u{2764}\u{FE0F}.example/\u{1F469}\u{200D}\u{2695}",
        ));
    }
}
