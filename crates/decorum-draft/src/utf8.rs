//! Byte-level UTF-8 helpers for the scanners, which walk `&[u8]` views of valid UTF-8
//! (the prose view is built by copying whole characters) and want ASCII fast paths.
//! Malformed input never panics: it decodes as U+FFFD one byte at a time.

/// The character starting at byte `i` and its length in bytes. Out-of-range or malformed
/// positions yield `('\u{FFFD}', 1)`.
#[inline]
pub(crate) fn decode_at(bytes: &[u8], i: usize) -> (char, usize) {
    let Some(&b0) = bytes.get(i) else {
        return ('\u{FFFD}', 1);
    };
    if b0 < 0x80 {
        return (b0 as char, 1);
    }
    let (len, init) = match b0 {
        0xC0..=0xDF => (2, u32::from(b0 & 0x1F)),
        0xE0..=0xEF => (3, u32::from(b0 & 0x0F)),
        0xF0..=0xF7 => (4, u32::from(b0 & 0x07)),
        _ => return ('\u{FFFD}', 1),
    };
    let Some(tail) = bytes.get(i + 1..i + len) else {
        return ('\u{FFFD}', 1);
    };
    let mut cp = init;
    for &b in tail {
        if b & 0xC0 != 0x80 {
            return ('\u{FFFD}', 1);
        }
        cp = (cp << 6) | u32::from(b & 0x3F);
    }
    match char::from_u32(cp) {
        Some(c) => (c, len),
        None => ('\u{FFFD}', 1),
    }
}

/// The character ending just before byte `i` and where it starts, or `None` at the start.
#[inline]
pub(crate) fn decode_before(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    if i == 0 || i > bytes.len() {
        return None;
    }
    let mut start = i - 1;
    while start > 0 && i - start < 4 && bytes.get(start).is_some_and(|b| b & 0xC0 == 0x80) {
        start -= 1;
    }
    let (c, len) = decode_at(bytes, start);
    if start + len == i {
        Some((c, start))
    } else {
        Some(('\u{FFFD}', i - 1))
    }
}

/// True when byte `i` starts a character (or is the end).
#[inline]
pub(crate) fn is_boundary(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        None => i == bytes.len(),
        Some(b) => b & 0xC0 != 0x80,
    }
}

/// Rounds `i` down to a character boundary of `bytes`.
pub(crate) fn floor_boundary(bytes: &[u8], i: usize) -> usize {
    let mut i = i.min(bytes.len());
    while i > 0 && !is_boundary(bytes, i) {
        i -= 1;
    }
    i
}

/// Rounds `i` up to a character boundary of `bytes`.
pub(crate) fn ceil_boundary(bytes: &[u8], i: usize) -> usize {
    let mut i = i.min(bytes.len());
    while i < bytes.len() && !is_boundary(bytes, i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forward_and_backward() {
        let s = "aé€😀";
        let b = s.as_bytes();
        assert_eq!(decode_at(b, 0), ('a', 1));
        assert_eq!(decode_at(b, 1), ('é', 2));
        assert_eq!(decode_at(b, 3), ('€', 3));
        assert_eq!(decode_at(b, 6), ('😀', 4));
        assert_eq!(decode_at(b, 2), ('\u{FFFD}', 1));
        assert_eq!(decode_at(b, 99), ('\u{FFFD}', 1));
        assert_eq!(decode_before(b, 10), Some(('😀', 6)));
        assert_eq!(decode_before(b, 3), Some(('é', 1)));
        assert_eq!(decode_before(b, 0), None);
        assert_eq!(floor_boundary(b, 8), 6);
        assert_eq!(ceil_boundary(b, 8), 10);
    }
}
