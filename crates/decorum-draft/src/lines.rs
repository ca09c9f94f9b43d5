//! Line helpers over byte offsets: a line's content ends before `\n`, `\r\n` or a lone
//! `\r` (as in editors, and as the positions of findings count lines).

/// End of the content of the line starting at `at` (before its `\n`, `\r\n` or lone
/// `\r`), looking no further than `limit`.
pub(crate) fn line_end(text: &str, at: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = limit.min(bytes.len());
    let Some(window) = bytes.get(at..limit) else {
        return limit;
    };
    memchr::memchr2(b'\n', b'\r', window).map_or(limit, |i| at + i)
}

/// Start of the next line, given the content end `end` of the current one (`end` itself
/// when there is no line break before `limit`).
pub(crate) fn next_line(text: &str, end: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = limit.min(bytes.len());
    match bytes.get(end..limit) {
        Some([b'\r', b'\n', ..]) => end + 2,
        Some([b'\n' | b'\r', ..]) => end + 1,
        _ => end,
    }
}

/// True when the bytes are all ASCII whitespace.
pub(crate) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}

/// True when the bytes hold a character that shows something: not whitespace (a no-break
/// space or an em space included) and not one of the characters that show nothing of
/// their own (a zero-width space...), so text of only those makes no block. Byte by byte
/// while the bytes are ASCII, as they nearly always are.
pub(crate) fn has_visible(bytes: &[u8]) -> bool {
    let Some(first) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    if bytes[first].is_ascii() {
        return true;
    }
    std::str::from_utf8(&bytes[first..]).map_or(true, |s| s.chars().any(|c| !shows_nothing(c)))
}

/// True for a character that shows nothing: whitespace (a no-break space included) or
/// one of the characters with no glyph of their own (a zero-width space...).
pub(crate) fn shows_nothing(c: char) -> bool {
    c.is_whitespace() || decorum_text::invisible::is_invisible(c)
}
