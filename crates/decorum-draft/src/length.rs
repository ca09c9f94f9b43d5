//! Post length as each platform counts it, and the platforms' limits.

use std::borrow::Cow;
use std::ops::Range;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
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
    match channel.map(channel_id).as_deref() {
        Some("x") => Counting::X,
        Some("bluesky") => Counting::Graphemes,
        _ => Counting::Chars,
    }
}

/// Other names of known channels, with the name they stand for.
const ALIASES: &[(&str, &str)] = &[("twitter", "x")];

/// The channel `channel` names, as compared everywhere (limits, counting, `channel ==
/// "x"` in conditions): trimmed, in lower case, an alias replaced by its channel
/// (`Twitter` is `x`).
pub fn channel_id(channel: &str) -> Cow<'_, str> {
    let channel = channel.trim();
    if let Some(&(_, id)) = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(channel))
    {
        return Cow::Borrowed(id);
    }
    if channel.chars().any(char::is_uppercase) {
        Cow::Owned(channel.to_lowercase())
    } else {
        Cow::Borrowed(channel)
    }
}

/// The known channels, each by its id, and the length limit of those that have one. The
/// one list of them: `channel == "..."` in a policy is checked against
/// [`channel_names`], and a misspelt channel in front matter against those with a limit.
const CHANNELS: &[(&str, Option<usize>)] = &[
    ("x", Some(280)),
    ("bluesky", Some(300)),
    ("threads", Some(500)),
    ("instagram", Some(2200)),
    ("linkedin", Some(3000)),
    ("facebook", Some(63206)),
    ("mastodon", Some(500)),
    ("tiktok", None),
    ("youtube", None),
    ("blog", None),
    ("newsletter", None),
    ("website", None),
    ("email", None),
];

/// Every name of a known channel: each channel's id followed by its aliases (`x`,
/// `twitter`, `bluesky`, ...).
pub fn channel_names() -> impl Iterator<Item = &'static str> {
    CHANNELS.iter().flat_map(|&(id, _)| {
        let aliases = ALIASES.iter().filter(move |&&(_, to)| to == id);
        std::iter::once(id).chain(aliases.map(|&(alias, _)| alias))
    })
}

/// The channels with a length limit, and their limits.
fn limits() -> impl Iterator<Item = (&'static str, usize)> {
    CHANNELS
        .iter()
        .filter_map(|&(id, limit)| Some((id, limit?)))
}

/// The most characters a post may have on `channel` (case-insensitive), as that
/// platform counts them (see [`crate::Post::weighted_length`]): `x`/`twitter` 280,
/// `bluesky` 300, `threads` 500, `mastodon` 500, `instagram` 2200 (captions), `linkedin`
/// 3000, `facebook` 63206. Unknown channels have no limit.
pub fn channel_limit(channel: &str) -> Option<usize> {
    let id = channel_id(channel);
    limits()
        .find(|&(name, _)| name == id)
        .map(|(_, limit)| limit)
}

/// Length of `text` as `channel` counts a post's published text (see
/// [`crate::Post::weighted_length`]), its links found as in a post: what a fix that adds
/// `text` to a post adds to its length, but for the line breaks joining them.
pub fn text_length(text: &str, channel: Option<&str>) -> usize {
    let mut urls = Vec::new();
    crate::url::find_urls(text.as_bytes(), 0..text.len(), &mut urls);
    length(text, &urls, counting(channel))
}

/// The known channel `channel` is probably a misspelling of, when it is not known
/// itself: one letter added, dropped, changed or two swapped (`twiter`, `instagarm`),
/// for known names of four letters or more. An unknown channel has no length limit, so a
/// misspelt one silently switches the limit off.
pub(crate) fn channel_typo(channel: &str) -> Option<&'static str> {
    let trimmed = channel.trim();
    // Nearly every channel is written in lower-case ASCII already: no copy for it.
    let channel = if trimmed.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        Cow::Owned(trimmed.to_lowercase())
    } else {
        Cow::Borrowed(trimmed)
    };
    if channel_limit(&channel).is_some() {
        return None;
    }
    limits()
        .map(|(known, _)| known)
        .chain(ALIASES.iter().map(|&(alias, _)| alias))
        .filter(|known| known.len() >= 4)
        .find(|known| crate::one_edit_apart(&channel, known))
}

/// Length of `text`, in which `urls` (sorted, non-overlapping ranges) are links. A CRLF
/// line ending counts as one line break, as the LF the platform stores: a draft saved
/// with Windows line endings is not longer than the same draft saved with LF.
pub(crate) fn length(text: &str, urls: &[Range<usize>], counting: Counting) -> usize {
    let crlf = || crlf_count(text.as_bytes());
    match counting {
        Counting::Chars => text.chars().count() - crlf(),
        // `\r\n` is one grapheme cluster already.
        Counting::Graphemes => graphemes(text),
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
            // A URL holds no line break, so every CRLF weighed 2 (two code points of
            // weight 1) outside them.
            (total + x_weight(text.get(at..).unwrap_or_default())).saturating_sub(crlf())
        }
    }
}

/// The number of `\r\n` in `bytes`, found from their `\r`s (nearly always none, so one
/// `memchr` pass, without building a substring searcher for every post).
fn crlf_count(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) == Some(&b'\n'))
        .count()
}

/// twitter-text v3 weight of text without URLs: NFC, then emoji sequences weigh 2 and code
/// points weigh 1 in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037, 2
/// elsewhere.
fn x_weight(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    // Fast path: when the quick check says the text is already in NFC (almost all text
    // typed or pasted is), normalising would return it unchanged, so skip the copy.
    // `x_weight_matches_reference` checks this against always normalising.
    let nfc: Cow<'_, str> = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    };
    weigh_nfc(&nfc)
}

/// The twitter-text weight of NFC text without URLs.
fn weigh_nfc(nfc: &str) -> usize {
    let bytes = nfc.as_bytes();
    let mut total = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Fast path: an ASCII byte followed by another ASCII byte weighs 1 (only a keycap
        // base followed by U+FE0F or U+20E3, both non-ASCII, starts an emoji), so a run
        // of ASCII counts its length but for its last byte, which takes the general path.
        let run = bytes[i..].iter().take_while(|b| b.is_ascii()).count();
        if run > 1 {
            total += run - 1;
            i += run - 1;
        }
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

/// Extended grapheme clusters of `text`.
///
/// Fast path: between two ASCII characters there is always a cluster boundary except
/// inside `\r\n` (UAX #29: no ASCII character is Extend, ZWJ, SpacingMark, Prepend,
/// Regional_Indicator, Hangul or Extended_Pictographic, and the rules that look further
/// back, GB11 and GB12/13, need the character before the boundary to be a ZWJ or a
/// regional indicator). Counting restarts cleanly at such a boundary, so ASCII stretches
/// count one per character (one per `\r\n`) and only the pieces holding non-ASCII text,
/// cut at such boundaries, go through the full segmentation.
/// `graphemes_match_reference` checks this against segmenting the whole text.
fn graphemes(text: &str) -> usize {
    let bytes = text.as_bytes();
    let ascii_clusters = |r: &[u8]| r.len() - crlf_count(r);
    // Most posts are all ASCII: one check many bytes at a time instead of a byte loop.
    if text.is_ascii() {
        return ascii_clusters(bytes);
    }
    // A boundary at `p`: both neighbours ASCII, and not the middle of `\r\n`.
    let cut = |p: usize| {
        bytes[p - 1].is_ascii()
            && bytes[p].is_ascii()
            && !(bytes[p - 1] == b'\r' && bytes[p] == b'\n')
    };
    let mut total = 0;
    let mut at = 0;
    while at < bytes.len() {
        let Some(q) = bytes[at..]
            .iter()
            .position(|b| !b.is_ascii())
            .map(|q| at + q)
        else {
            return total + ascii_clusters(&bytes[at..]);
        };
        // The piece holding the non-ASCII byte at `q` starts at the last boundary before
        // it (or where the previous piece ended), and ends at the first boundary after it.
        let start = (at + 1..q).rev().find(|&p| cut(p)).unwrap_or(at);
        let end = (q + 1..bytes.len())
            .find(|&p| cut(p))
            .unwrap_or(bytes.len());
        total += ascii_clusters(&bytes[at..start]);
        total += text
            .get(start..end)
            .map_or(0, |piece| piece.graphemes(true).count());
        at = end;
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

    /// A fix's added text counts as a post's text would: its link 23 on X, its emoji a
    /// grapheme on Bluesky, a character elsewhere.
    #[test]
    fn added_text_counts_as_a_post_would() {
        let text = "Views my own 👩🏽‍⚕️ https://example.com/a/very/long/path/indeed";
        assert_eq!(text_length(text, Some("x")), 13 + 2 + 1 + 23);
        assert_eq!(text_length(text, Some("bluesky")), 13 + 1 + 1 + 43);
        assert_eq!(text_length(text, None), 13 + 5 + 1 + 43);
    }

    /// The weighting as first written: always normalise, then walk every character.
    fn x_weight_reference(text: &str) -> usize {
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

    /// Pieces that exercise normalisation, emoji sequences and cluster rules next to ASCII.
    fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "a",
                "Z",
                "1",
                "#",
                "*",
                " ",
                "\r",
                "\n",
                "\r\n",
                "é",
                "e\u{301}",
                "\u{301}",
                "\u{308}",
                "\u{327}",
                "\u{200d}",
                "\u{fe0f}",
                "\u{20e3}",
                "👩",
                "⚕",
                "🏽",
                "🇪",
                "🇸",
                "\u{600}",
                "\u{903}",
                "\u{1100}",
                "\u{1161}",
                "\u{11a8}",
                "가",
                "日",
                "“",
                "—",
                "©",
                "\u{e0067}",
                "\u{212b}",
                "\u{1e0a}\u{323}",
                "ﬁ",
                "Å",
            ]),
            0..24,
        )
        .prop_map(|v| v.concat())
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn x_weight_matches_reference(text in pieces()) {
            prop_assert_eq!(x_weight(&text), x_weight_reference(&text), "{:?}", text);
        }

        #[test]
        fn graphemes_match_reference(text in pieces()) {
            prop_assert_eq!(graphemes(&text), text.graphemes(true).count(), "{:?}", text);
        }

        #[test]
        fn graphemes_match_reference_on_any_text(text in any::<String>()) {
            prop_assert_eq!(graphemes(&text), text.graphemes(true).count(), "{:?}", text);
            prop_assert_eq!(x_weight(&text), x_weight_reference(&text), "{:?}", text);
        }
    }

    /// Every string of up to eight bytes of `\r`, `\n` and `a`: the `\r\n` counted from
    /// the `\r`s are those a substring search finds.
    #[test]
    fn crlf_count_matches_a_substring_search() {
        let alphabet = [b'\r', b'\n', b'a'];
        for len in 0..=8u32 {
            for n in 0..3usize.pow(len) {
                let bytes: Vec<u8> = (0..len).map(|k| alphabet[n / 3usize.pow(k) % 3]).collect();
                let want = memchr::memmem::find_iter(&bytes, b"\r\n").count();
                assert_eq!(crlf_count(&bytes), want, "{bytes:?}");
            }
        }
    }

    #[test]
    fn crlf_counts_as_one_line_break() {
        let lf = "Flu shots today.\nWalk in: https://example.org/flu \u{1F489}\n\nCall 555-0142.";
        let crlf = lf.replace('\n', "\r\n");
        let urls = |t: &str| {
            let s = t.find("https").unwrap_or(0);
            std::iter::once(s..s + "https://example.org/flu".len()).collect::<Vec<_>>()
        };
        for counting in [Counting::X, Counting::Graphemes, Counting::Chars] {
            assert_eq!(
                length(&crlf, &urls(&crlf), counting),
                length(lf, &urls(lf), counting),
                "{counting:?}"
            );
        }
        // A lone CR is a character of its own.
        assert_eq!(length("a\rb", &[], Counting::Chars), 3);
    }

    #[test]
    fn misspelt_channels_are_recognised() {
        for (typo, meant) in [
            ("twiter", Some("twitter")),
            ("Instagarm", Some("instagram")),
            ("facebok", Some("facebook")),
            ("linkedinn", Some("linkedin")),
            ("blusky", Some("bluesky")),
            ("twitter", None),
            ("X", None),
            ("y", None),
            ("newsletter", None),
            ("website", None),
            ("", None),
        ] {
            assert_eq!(channel_typo(typo), meant, "{typo}");
        }
    }

    #[test]
    fn limits() {
        assert_eq!(channel_limit("X"), Some(280));
        assert_eq!(channel_limit("LinkedIn"), Some(3000));
        assert_eq!(channel_limit("myspace"), None);
        assert_eq!(counting(Some("Twitter")), Counting::X);
        assert_eq!(counting(Some("BlueSky")), Counting::Graphemes);
        assert_eq!(counting(None), Counting::Chars);
        assert_eq!(channel_limit(" twitter "), Some(280));
    }

    /// Every channel name is the id `channel_id` gives it, or an alias of a channel
    /// listed before it: an alias of an unknown channel would be offered for nothing.
    #[test]
    fn channel_names_are_ids_each_followed_by_its_aliases() {
        let names: Vec<&str> = channel_names().collect();
        assert_eq!(&names[..3], ["x", "twitter", "bluesky"]);
        for (i, name) in names.iter().enumerate() {
            let id = channel_id(name);
            if id != *name {
                assert!(names[..i].contains(&&*id), "{name} is {id}");
            }
        }
        assert_eq!(names.len(), CHANNELS.len() + ALIASES.len());
    }

    #[test]
    fn an_alias_names_its_channel() {
        for (written, id) in [
            ("Twitter", "x"),
            (" x ", "x"),
            ("BlueSky", "bluesky"),
            ("myspace", "myspace"),
        ] {
            assert_eq!(channel_id(written), id, "{written:?}");
        }
    }
}
