//! Line helpers over byte offsets: a line's content ends before `\n` or `\r\n`.

/// End of the content of the line starting at `at` (before its `\n` or `\r\n`), looking no
/// further than `limit`.
pub(crate) fn line_end(text: &str, at: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = limit.min(bytes.len());
    let Some(window) = bytes.get(at..limit) else {
        return limit;
    };
    match memchr::memchr(b'\n', window) {
        Some(i) => {
            let nl = at + i;
            if nl > at && bytes.get(nl - 1) == Some(&b'\r') {
                nl - 1
            } else {
                nl
            }
        }
        None => limit,
    }
}

/// Start of the next line, given the content end `end` of the current one (`end` itself
/// when there is no line break before `limit`).
pub(crate) fn next_line(text: &str, end: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = limit.min(bytes.len());
    match bytes.get(end..limit) {
        Some([b'\r', b'\n', ..]) => end + 2,
        Some([b'\n', ..]) => end + 1,
        _ => end,
    }
}

/// True when the bytes are all ASCII whitespace.
pub(crate) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_whitespace())
}
