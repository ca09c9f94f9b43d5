//! Post length as each platform counts it, and the platforms' limits.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::emoji;

/// Weight of one URL on X, whatever its length (t.co wrapping).
const X_URL_WEIGHT: usize = 23;

/// How a channel counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counting {
    /// twitter-text v3 weighting.
    X,
    /// Extended grapheme clusters.
    Graphemes,
    /// Unicode scalar values.
    Chars,
}

/// The counting of a channel id (case-insensitive).
pub(crate) fn counting(channel: Option<&str>) -> Counting {
    match channel {
        Some(c) if c.eq_ignore_ascii_case("x") || c.eq_ignore_ascii_case("twitter") => Counting::X,
        Some(c) if c.eq_ignore_ascii_case("bluesky") => Counting::Graphemes,
        _ => Counting::Chars,
    }
}

/// The most characters a post may have on `channel` (case-insensitive), as that
/// platform counts them (see [`crate::Post::weighted_length`]): `x`/`twitter` 280,
/// `bluesky` 300, `threads` 500, `mastodon` 500, `instagram` 2200 (captions), `linkedin`
/// 3000, `facebook` 63206. Unknown channels have no limit.
pub fn channel_limit(channel: &str) -> Option<usize> {
    const LIMITS: &[(&str, usize)] = &[
        ("x", 280),
        ("twitter", 280),
        ("bluesky", 300),
        ("threads", 500),
        ("mastodon", 500),
        ("instagram", 2200),
        ("linkedin", 3000),
        ("facebook", 63206),
    ];
    let channel = channel.trim();
    LIMITS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(channel))
        .map(|&(_, limit)| limit)
}

/// Length of `text`, in which `urls` (sorted, non-overlapping ranges) are links.
pub(crate) fn length(text: &str, urls: &[Range<usize>], counting: Counting) -> usize {
    match counting {
        Counting::Chars => text.chars().count(),
        Counting::Graphemes => {
            if text.is_ascii() {
                text.len() - memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count()
            } else {
                text.graphemes(true).count()
            }
        }
        Counting::X => {
            let mut total = 0;
            let mut at = 0;
            for url in urls {
                if url.start < at || url.end > text.len() {
                    continue;
                }
                total += x_weight(text.get(at..url.start).unwrap_or_default());
                total += X_URL_WEIGHT;
                at = url.end;
            }
            total + x_weight(text.get(at..).unwrap_or_default())
        }
    }
}

/// twitter-text v3 weight of text without URLs: NFC, then emoji sequences weigh 2 and code
/// points weigh 1 in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037, 2
/// elsewhere.
fn x_weight(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    let nfc: String = text.nfc().collect();
    let bytes = nfc.as_bytes();
    let mut total = 0;
    let mut i = 0;
    while i < bytes.len() {
        if emoji::may_start(bytes[i]) {
            if let Some(end) = emoji::sequence_at(bytes, i, bytes.len()) {
                total += 2;
                i = end;
                continue;
            }
        }
        let (c, len) = crate::utf8::decode_at(bytes, i);
        let light = matches!(u32::from(c),
            0x0000..=0x10FF | 0x2000..=0x200D | 0x2010..=0x201F | 0x2032..=0x2037);
        total += if light { 1 } else { 2 };
        i += len;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_weights() {
        assert_eq!(x_weight("hello"), 5);
        assert_eq!(x_weight("café"), 4);
        assert_eq!(x_weight("cafe\u{301}"), 4, "NFC first");
        assert_eq!(x_weight("日本語"), 6);
        assert_eq!(x_weight("👩🏽‍⚕️!"), 3);
        assert_eq!(x_weight("“—”"), 3);
        let text = "see https://example.com/a/very/long/path/indeed ok";
        let url = 4..47;
        assert_eq!(length(text, &[url], Counting::X), 4 + 23 + 3);
    }

    #[test]
    fn limits() {
        assert_eq!(channel_limit("X"), Some(280));
        assert_eq!(channel_limit("LinkedIn"), Some(3000));
        assert_eq!(channel_limit("myspace"), None);
        assert_eq!(counting(Some("Twitter")), Counting::X);
        assert_eq!(counting(Some("BlueSky")), Counting::Graphemes);
        assert_eq!(counting(None), Counting::Chars);
    }
}
