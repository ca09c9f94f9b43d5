//! The one definition of the characters that show nothing of their own.
//!
//! Text pasted from a web page, a chat app or a word processor carries characters a
//! reader cannot see: zero-width spaces, the word joiner and the byte-order mark, the soft
//! hyphen, text-direction marks (LRM, RLM, ALM) and controls (embeddings, overrides,
//! isolates), invisible operators, joiners, variation selectors and tag characters, and
//! fillers that render as blank. Every part of Decorum that cares about them asks
//! [`invisible`] (or [`is_invisible`]), so a word the normaliser reads through is also a
//! word the report shows the hidden character of, and the error about a policy file names
//! it:
//!
//! - the normalised view of a draft drops them all, so `pa<U+200E>tient` is `patient`
//!   to a rule; a [`Invisible::Modifier`] is dropped like an accent (a match that ends
//!   before it covers it), the others are not covered by a match that ends before them;
//! - the word scan keeps one between two letters or digits inside the word
//!   (`mi<U+00AD>graine` is one word, for counts and `near` alike);
//! - the human report prints a [`Invisible::Standalone`] character as its code point
//!   everywhere, a joiner only where it joins nothing visible, a modifier only where it
//!   modifies nothing visible;
//! - a bare URL ends at a [`Invisible::Standalone`] character; joiners and modifiers
//!   belong to the characters around them (an emoji domain's `❤️`);
//! - a library manifest holding one in a name, version or export is refused;
//! - a policy-file error names the character with [`name`] and its code point.
//!
//! The set is Unicode's Default_Ignorable_Code_Point (its assigned code points, and
//! U+2065) and the format characters of Sentence_Break=Format that show nothing. Left
//! out on purpose: the prepended concatenation marks (U+0600–0605, U+06DD, U+070F,
//! U+0890–0891, U+08E2, U+110BD, U+110CD), which are format characters drawn across the
//! digits after them; controls such as `\t` and `\n` and the spaces other than U+0020
//! (U+00A0, U+2028 ...), which show as space or a line break and which each place
//! handles on its own; ordinary combining accents, which show on their letter.

/// How a character that shows nothing relates to the characters around it, which decides
/// how a place that sees one treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Invisible {
    /// Shows nothing and changes nothing that is shown: zero-width spaces, the word
    /// joiner, the byte-order mark, the soft hyphen, text-direction marks and controls,
    /// invisible operators, Hangul fillers, other format controls.
    Standalone,
    /// The zero-width joiner and non-joiner: between two characters they choose how
    /// those are drawn (an emoji sequence such as 👩‍⚕️, Persian and Indic text).
    Joiner,
    /// Variation selectors (Mongolian ones too), tag characters, the combining grapheme
    /// joiner and the Khmer inherent vowels: they attach to the character before them
    /// and at most select how it looks (❤️, a subdivision flag's tags after 🏴).
    Modifier,
}

/// The kind of `c` if it shows nothing of its own, and its name in plain words.
///
/// One table for every question below. An ASCII character is answered by the first
/// comparison, so the callers' ASCII paths cost nothing more.
#[inline]
fn lookup(c: char) -> Option<(Invisible, &'static str)> {
    use Invisible::{Joiner, Modifier, Standalone};
    if c < '\u{AD}' {
        return None;
    }
    let found = match c {
        '\u{00AD}' => (Standalone, "a soft hyphen"),
        '\u{034F}' => (Modifier, "a combining grapheme joiner"),
        '\u{061C}' | '\u{200E}' | '\u{200F}' => (Standalone, "a text-direction mark"),
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => (Standalone, "a Hangul filler"),
        '\u{17B4}' | '\u{17B5}' => (Modifier, "a Khmer inherent vowel"),
        '\u{180B}'..='\u{180D}' | '\u{180F}' => (Modifier, "a variation selector"),
        '\u{180E}' => (Standalone, "a Mongolian vowel separator"),
        '\u{200B}' => (Standalone, "a zero-width space"),
        '\u{200C}' => (Joiner, "a zero-width non-joiner"),
        '\u{200D}' => (Joiner, "a zero-width joiner"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            (Standalone, "a text-direction control")
        }
        '\u{2060}' => (Standalone, "a word joiner"),
        '\u{2061}'..='\u{2064}' => (Standalone, "an invisible operator"),
        // U+2065 is reserved as ignorable; U+206A–206F are deprecated format controls.
        '\u{2065}' | '\u{206A}'..='\u{206F}' => (Standalone, "an invisible format control"),
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => (Modifier, "a variation selector"),
        '\u{FEFF}' => (Standalone, "a zero-width no-break space"),
        '\u{FFF9}'..='\u{FFFB}' => (Standalone, "an interlinear annotation control"),
        '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' => {
            (Standalone, "an invisible format control")
        }
        '\u{E0001}' => (Standalone, "a language tag"),
        '\u{E0020}'..='\u{E007F}' => (Modifier, "a tag character"),
        _ => return None,
    };
    Some(found)
}

/// How `c` shows nothing of its own, or `None` for a character that shows (or is a
/// control or a space, which this set leaves to each place: see the module's header).
#[inline]
pub fn invisible(c: char) -> Option<Invisible> {
    lookup(c).map(|(kind, _)| kind)
}

/// Whether `c` shows nothing of its own: [`invisible`] of any kind.
#[inline]
pub fn is_invisible(c: char) -> bool {
    lookup(c).is_some()
}

/// The name of an invisible character in plain words, for messages ("a zero-width
/// space", "a text-direction mark"); `None` for a character that shows.
pub fn name(c: char) -> Option<&'static str> {
    lookup(c).map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character of the set, with its kind and name, in code point order.
    fn all() -> Vec<(char, Invisible, &'static str)> {
        (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter_map(|c| lookup(c).map(|(kind, name)| (c, kind, name)))
            .collect()
    }

    /// The whole set, as ranges of code points of one kind and name, so that any change
    /// to it shows here.
    #[test]
    fn the_set() {
        let mut ranges: Vec<(u32, u32, Invisible, &str)> = Vec::new();
        for (c, kind, name) in all() {
            let c = u32::from(c);
            match ranges.last_mut() {
                Some((_, end, k, n)) if *end + 1 == c && *k == kind && *n == name => *end = c,
                _ => ranges.push((c, c, kind, name)),
            }
        }
        let shown: Vec<String> = ranges
            .iter()
            .map(|(a, b, kind, name)| {
                let at = if a == b {
                    format!("{a:04X}")
                } else {
                    format!("{a:04X}..{b:04X}")
                };
                format!("{at} {kind:?}: {name}")
            })
            .collect();
        assert_eq!(
            shown,
            [
                "00AD Standalone: a soft hyphen",
                "034F Modifier: a combining grapheme joiner",
                "061C Standalone: a text-direction mark",
                "115F..1160 Standalone: a Hangul filler",
                "17B4..17B5 Modifier: a Khmer inherent vowel",
                "180B..180D Modifier: a variation selector",
                "180E Standalone: a Mongolian vowel separator",
                "180F Modifier: a variation selector",
                "200B Standalone: a zero-width space",
                "200C Joiner: a zero-width non-joiner",
                "200D Joiner: a zero-width joiner",
                "200E..200F Standalone: a text-direction mark",
                "202A..202E Standalone: a text-direction control",
                "2060 Standalone: a word joiner",
                "2061..2064 Standalone: an invisible operator",
                "2065 Standalone: an invisible format control",
                "2066..2069 Standalone: a text-direction control",
                "206A..206F Standalone: an invisible format control",
                "3164 Standalone: a Hangul filler",
                "FE00..FE0F Modifier: a variation selector",
                "FEFF Standalone: a zero-width no-break space",
                "FFA0 Standalone: a Hangul filler",
                "FFF9..FFFB Standalone: an interlinear annotation control",
                "13430..1343F Standalone: an invisible format control",
                "1BCA0..1BCA3 Standalone: an invisible format control",
                "1D173..1D17A Standalone: an invisible format control",
                "E0001 Standalone: a language tag",
                "E0020..E007F Modifier: a tag character",
                "E0100..E01EF Modifier: a variation selector",
            ]
        );
    }

    /// What the places that use the set rely on: it holds no ASCII (the normaliser's
    /// fast path copies ASCII without asking), no control and no space (each place
    /// treats those its own way), and no digit; and the functions agree.
    #[test]
    fn the_set_holds_no_ascii_control_space_or_digit() {
        for (c, kind, name) in all() {
            assert!(
                !c.is_ascii() && !c.is_control() && !c.is_whitespace(),
                "{c:?}"
            );
            assert!(!c.is_numeric(), "{c:?}");
            assert_eq!(invisible(c), Some(kind));
            assert!(is_invisible(c));
            assert_eq!(super::name(c), Some(name));
        }
        for c in [
            'a', ' ', '\u{A0}', '\u{2028}', '\n', 'é', '\u{301}', '😀', '\u{600}', '\u{6DD}',
        ] {
            assert_eq!(invisible(c), None, "{c:?}");
            assert!(!is_invisible(c) && super::name(c).is_none(), "{c:?}");
        }
    }
}
