//! Emoji sequences: what counts as one emoji for `Post::emoji` and for X's weighting.
//!
//! A sequence is a flag (two regional indicators), a keycap (`1️⃣`), or a pictograph with
//! its variation selector, skin-tone modifiers and tag characters, joined to further
//! pictographs by ZERO WIDTH JOINERs (`👩🏽‍⚕️` is one emoji). A pictograph counts when it is
//! shown as an emoji: it has default emoji presentation, lies in the emoji planes
//! (U+1F000 and up), or is followed by VARIATION SELECTOR-16; `©` alone is text.

use crate::tables::{EMOJI_PRESENTATION, EXTENDED_PICTOGRAPHIC};
use crate::utf8::decode_at;

/// True when `c` lies in one of the inclusive ranges of `table`.
#[inline]
pub(crate) fn in_table(c: char, table: &[(u32, u32)]) -> bool {
    let cp = u32::from(c);
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

const ZWJ: char = '\u{200D}';
const VS15: char = '\u{FE0E}';
const VS16: char = '\u{FE0F}';
const KEYCAP: char = '\u{20E3}';

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

fn is_modifier(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

fn is_tag(c: char) -> bool {
    ('\u{E0020}'..='\u{E007F}').contains(&c)
}

fn is_pictographic(c: char) -> bool {
    u32::from(c) >= 0xA9 && in_table(c, EXTENDED_PICTOGRAPHIC)
}

fn is_presentation(c: char) -> bool {
    u32::from(c) >= 0x231A && in_table(c, EMOJI_PRESENTATION)
}

/// True for a byte that may start an emoji sequence: a non-ASCII lead byte, or the ASCII
/// base of a keycap.
#[inline]
pub(crate) fn may_start(b: u8) -> bool {
    b >= 0x80 || b.is_ascii_digit() || b == b'#' || b == b'*'
}

/// If an emoji sequence starts at byte `i` (before `end`), the byte where it ends.
pub(crate) fn sequence_at(bytes: &[u8], i: usize, end: usize) -> Option<usize> {
    let end = end.min(bytes.len());
    if i >= end {
        return None;
    }
    let next = |j: usize| -> Option<(char, usize)> { (j < end).then(|| decode_at(bytes, j)) };
    let (c, len) = next(i)?;
    let mut j = i + len;
    if c.is_ascii() {
        if !(c.is_ascii_digit() || c == '#' || c == '*') {
            return None;
        }
        if let Some((VS16, l)) = next(j) {
            j += l;
        }
        return match next(j) {
            Some((KEYCAP, l)) => Some(j + l),
            _ => None,
        };
    }
    if is_regional_indicator(c) {
        if let Some((n, l)) = next(j) {
            if is_regional_indicator(n) {
                j += l;
            }
        }
        return Some(j);
    }
    let presentation = is_presentation(c) || is_modifier(c);
    if !presentation && !is_pictographic(c) {
        return None;
    }
    let mut emoji = presentation || u32::from(c) >= 0x1F000;
    loop {
        // The modifiers of the current pictograph.
        while let Some((m, l)) = next(j) {
            match m {
                VS16 => emoji = true,
                VS15 => {}
                m if is_modifier(m) => emoji = true,
                m if is_tag(m) || m == KEYCAP => {}
                _ => break,
            }
            j += l;
        }
        // A joiner followed by another pictograph continues the sequence.
        let Some((ZWJ, zl)) = next(j) else { break };
        match next(j + zl) {
            Some((p, pl)) if is_pictographic(p) || is_presentation(p) => {
                emoji = true;
                j += zl + pl;
            }
            _ => break,
        }
    }
    emoji.then_some(j)
}

/// Number of emoji sequences in `s`.
#[cfg(test)]
pub(crate) fn count(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < bytes.len() {
        if may_start(bytes[i]) {
            if let Some(e) = sequence_at(bytes, i, bytes.len()) {
                n += 1;
                i = e;
                continue;
            }
        }
        i += decode_at(bytes, i).1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_count_once() {
        let cases = [
            ("😀", 1),
            ("👩🏽‍⚕️", 1),
            ("👨‍👩‍👧‍👦", 1),
            ("🇪🇸🇫🇷", 2),
            ("🏴󠁧󠁢󠁳󠁣󠁴󠁿", 1),
            ("1️⃣ #️⃣ 1 #", 2),
            ("❤️ ❤ ☺︎ © ©️", 2),
            ("plain text", 0),
            ("🩺🫀", 2),
        ];
        for (text, want) in cases {
            assert_eq!(count(text), want, "{text}");
        }
    }
}
