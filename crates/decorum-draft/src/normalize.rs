//! The normalised view literal phrases are matched against, with a map back to the text
//! it was made from.
//!
//! Every source character folds on its own (so a match can always be mapped back),
//! except runs of whitespace (4. below):
//!
//! 1. characters that show nothing of their own ([`decorum_text::invisible`]: zero-width
//!    spaces and joiners, the word joiner, the soft hyphen, a BOM, text-direction marks
//!    and controls, invisible operators, variation selectors, tag characters...) are
//!    dropped, so `pa<U+200E>tient` reads `patient`;
//! 2. typographic quotes, primes and dashes become ASCII: `‘ ’ ‚ ‛ ′ ʼ` → `'`,
//!    `“ ” „ ‟ ″` → `"`, `‐ ‑ ‒ – — ― − ⸺ ⸻` → `-`; every other Unicode space becomes ` `;
//! 3. otherwise the character is decomposed for compatibility (NFKD: `ﬁ` → `fi`, full-width
//!    `Ａ` → `A`, `①` → `1`), diacritics are dropped, and each piece is lowercased
//!    (`char::to_lowercase`); a symbol that is not itself a letter or digit but would
//!    decompose into some (`™`, `℠`, `№`, `㎏`) is kept as it is, so it does not glue
//!    onto the word before it;
//! 4. a run of spaces and tabs with at most one line break (LF, CRLF or a lone CR)
//!    becomes one space: `my\npatient`, a line wrapped inside a paragraph,
//!    reads `my patient`, and so do `my  patient` typed with two spaces and `my *patient*`,
//!    whose markup the prose view has blanked out; the rest of the run is dropped like a
//!    zero-width character, as is a Unicode space after a space. A run with a blank line
//!    in it stays as it is (no match spans one).
//!
//! "Diacritics" are the combining marks that accents decompose into (U+0300–036F and the
//! other combining-diacritics blocks) and the optional vowel points of Hebrew and Arabic;
//! the invisible characters that modify the one before them (variation selectors, tag
//! characters: [`Invisible::Modifier`]) are dropped as diacritics are, so a match ending
//! at `❤` or `🏴` covers the selector or the flag's tags after it. The other invisible
//! characters are not covered by a match that ends before them: a zero-width joiner
//! after `👩` belongs to the emoji sequence, not to the woman. Marks that are letters'
//! essential parts (Indic vowel signs, for instance) are kept, and Hangul syllables are
//! not split into jamo, so those scripts still read as written. There is no full case
//! folding (`ß` stays `ß`), but the Greek final sigma `ς` folds to `σ`, as `Σ` does.
//!
//! The map is stored as runs rather than one entry per byte: a run of characters whose
//! folded form has the same length as the source (all of ASCII, lowercase letters, most
//! CJK) maps byte for byte, and only characters whose length changes get an entry of
//! their own. ASCII text without runs of whitespace to fold has no map at all.

use decorum_text::invisible::{Invisible, invisible, is_invisible};
use unicode_normalization::char::decompose_compatible;

use crate::swar::{HIGH_BITS, LANES};
use crate::tokens::{PICTOGRAPHS, is_alnum};
use crate::utf8::{ceil_boundary, decode_at, floor_boundary};
use crate::{TextRange, TextSize};

/// A normalised copy of a text, with the mapping back to the original offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalizedView {
    /// The normalised text.
    pub text: String,
    /// Runs of the map, ordered by `norm`; empty when the map is the identity.
    segs: Vec<Seg>,
    /// Start offsets of dropped invisible characters (other than modifiers), in order: a
    /// match's end is not extended over them (it is over dropped diacritics).
    dropped_invisible: Vec<u32>,
    /// Length of the source text.
    source_len: u32,
}

/// Where the last of a series of mappings found its run of the map, so that the next,
/// which usually lies at or just after it, is found without a binary search (see
/// [`NormalizedView::to_original_near`]). Any value is correct; a fresh one is
/// [`MapHint::default`].
#[derive(Clone, Copy, Debug, Default)]
pub struct MapHint {
    /// The run of the map the last range's start was found in.
    seg: usize,
}

impl MapHint {
    /// No hint: each lookup is a binary search.
    fn none() -> MapHint {
        MapHint { seg: usize::MAX }
    }
}

/// One run of the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seg {
    /// First normalised byte of the run.
    norm: u32,
    /// First source byte of the run.
    src: u32,
    /// End of the source characters of the run (before dropped characters that follow).
    src_end: u32,
    /// Byte-for-byte run (true) or a single source character (false).
    same_len: bool,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Diacritics: dropped, and a match ending before them extends over them.
fn is_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{05BF}'
        | '\u{05C1}'..='\u{05C2}'
        | '\u{05C4}'..='\u{05C5}'
        | '\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}'
    )
}

/// Typographic punctuation and spaces that fold to one ASCII character.
fn fold_punct(c: char) -> Option<char> {
    match c {
        '‘' | '’' | '‚' | '‛' | '′' | 'ʼ' => Some('\''),
        '“' | '”' | '„' | '‟' | '″' => Some('"'),
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '⸺' | '⸻' => Some('-'),
        c if !c.is_ascii() && c.is_whitespace() => Some(' '),
        _ => None,
    }
}

/// How a non-ASCII source character folded.
enum Folded {
    /// Dropped: a diacritic or modifier (`true`), or another invisible character or a
    /// space folded into the one before it (`false`).
    Dropped { diacritic: bool },
    /// Pushed to the output.
    Out,
}

/// Appends the folded form of the non-ASCII character `c` to `out`.
fn fold_char(c: char, out: &mut String) -> Folded {
    // Emoji are common in posts, and the general path looks each up five times. They
    // have no case, no decomposition, no letters or digits: each folds to itself
    // (`pictographs_fold_to_themselves` checks every one).
    if PICTOGRAPHS.contains(&c) {
        out.push(c);
        return Folded::Out;
    }
    fold_char_general(c, out)
}

/// [`fold_char`] for any character.
fn fold_char_general(c: char, out: &mut String) -> Folded {
    // Only non-ASCII characters get here: the ASCII path never asks.
    match invisible(c) {
        Some(Invisible::Modifier) => return Folded::Dropped { diacritic: true },
        Some(Invisible::Standalone | Invisible::Joiner) => {
            return Folded::Dropped { diacritic: false };
        }
        None => {}
    }
    if let Some(p) = fold_punct(c) {
        out.push(p);
        return Folded::Out;
    }
    if ('\u{AC00}'..='\u{D7A3}').contains(&c) {
        out.push(c);
        return Folded::Out;
    }
    // Greek final sigma is the same letter as σ, which `Σ` lowercases to.
    if c == 'ς' {
        out.push('σ');
        return Folded::Out;
    }
    let before = out.len();
    decompose_compatible(c, |d| {
        if is_diacritic(d) || is_invisible(d) {
            return;
        }
        if let Some(p) = fold_punct(d) {
            out.push(p);
        } else if d.is_ascii() {
            out.push(d.to_ascii_lowercase());
        } else {
            for l in d.to_lowercase() {
                if !is_diacritic(l) {
                    out.push(l);
                }
            }
        }
    });
    // A character made of diacritics only (`c` is not invisible: it returned above).
    if out.len() == before {
        return Folded::Dropped { diacritic: true };
    }
    // A symbol that decomposes into letters or digits (`™` into `TM`, `℠`, `№`, `㎏`)
    // stays as it is: folded, it would glue onto the word before it (`cure™` would read
    // `curetm`) and no whole-word phrase would match there.
    if !is_alnum(c) && out[before..].chars().any(is_alnum) {
        out.truncate(before);
        out.push(c);
    }
    Folded::Out
}

/// The whitespace that runs of are folded: space, tab, carriage return, line break.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether the plain ASCII stretch being copied ends at `at`: a non-ASCII byte, a tab,
/// carriage return or line break, or the first of two spaces in a row.
fn is_stop(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        Some(&b) if b >= 0x80 => true,
        Some(b'\t' | b'\r' | b'\n') => true,
        Some(b' ') => bytes.get(at + 1) == Some(&b' '),
        _ => false,
    }
}

/// Bytes per window of [`next_stop`]'s first loop.
const WINDOW: usize = 64;

/// Whether [`is_stop`] may hold at one of the first [`WINDOW`] bytes of `window` (the
/// byte after them tells whether a space at the last one starts a pair): true at any
/// non-ASCII or control byte, and at a space next to a space or a NUL, so false means
/// there is no stop. Each byte is tested by comparisons alone and the verdicts are
/// or-ed together, a loop the compiler turns into 16-byte vector instructions: about
/// half an instruction per byte, where the eight-byte words of [`next_stop`] take three.
#[inline(always)]
fn window_may_stop(window: &[u8; WINDOW + 1]) -> bool {
    let mut any = 0u8;
    for (&b, &next) in window.iter().zip(&window[1..]) {
        // Below a space or from 0x80 up, in one comparison.
        let odd = b.wrapping_sub(b' ') >= 0x60;
        // Both a space or NUL, and not both NUL (which `odd` holds for anyway).
        let pair = (b | next) == b' ';
        any |= u8::from(odd | pair);
    }
    any != 0
}

/// The first position at or after `from` where [`is_stop`] holds; `bytes.len()` if there
/// is none. Prose is mostly plain ASCII with single spaces, so windows of 64 bytes
/// without a stop are skipped first ([`window_may_stop`]), then eight bytes are checked at
/// a time for anything that could stop the stretch (a byte with the high bit set, a
/// control byte, two bytes up to a space in a row), and only the marked bytes are
/// checked one by one: one pass over the text instead of a check for ASCII and then two
/// searches (for the line breaks and for the two spaces) in every stretch.
fn next_stop(bytes: &[u8], from: usize) -> usize {
    let mut p = from;
    // Whole windows without a stop are skipped first, 64 bytes at a time; the window
    // that holds one is read again eight bytes at a time below.
    while let Some(window) = bytes.get(p..p + WINDOW + 1) {
        let Ok(window) = <&[u8; WINDOW + 1]>::try_from(window) else {
            break;
        };
        if window_may_stop(window) {
            break;
        }
        p += WINDOW;
    }
    // The high bit of byte 0 set when the byte before `p` is at most a space; none before
    // `from`, since a pair of spaces starting before it does not count.
    let mut prev_blank = 0u64;
    while let Some(word) = bytes.get(p..p + 8) {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            break;
        };
        let raw = u64::from_le_bytes(word);
        // Non-ASCII bytes carry into the byte above them, but such a word is marked by
        // their high bit anyway.
        let control = !raw.wrapping_add(LANES * 0x60);
        let blank = !raw.wrapping_add(LANES * 0x5F);
        let second_blank = blank & ((blank << 8) | prev_blank) & HIGH_BITS;
        prev_blank = blank >> 56;
        let mark = (raw | control) & HIGH_BITS;
        if (mark | second_blank) != 0 {
            // A pair starting at the last byte of the word before.
            if second_blank & 0x80 != 0 && is_stop(bytes, p - 1) {
                return p - 1;
            }
            let mut m = mark | (second_blank >> 8);
            while m != 0 {
                let at = p + m.trailing_zeros() as usize / 8;
                if is_stop(bytes, at) {
                    return at;
                }
                m &= m - 1;
            }
        }
        p += 8;
    }
    // The tail, from the byte before `p` for a pair across the last word's end.
    let mut at = p.saturating_sub(1).max(from);
    while at < bytes.len() && !is_stop(bytes, at) {
        at += 1;
    }
    at
}

/// True when the byte at `i` ends a line: an LF, or a CR not followed by one (a lone CR
/// ends a line as in editors; the CR of CRLF is part of the one line end).
fn is_line_end(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(b'\n') => true,
        Some(b'\r') => bytes.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// The end of the run of [`is_space`] bytes from `from`, and the line breaks in it.
/// Markup blanked out in the prose view leaves long runs of spaces (front matter, link
/// destinations, URLs): eight at a time first, then byte by byte.
fn space_run(bytes: &[u8], from: usize) -> (usize, usize) {
    let mut end = from;
    while bytes.get(end..end + 8) == Some(b"        ") {
        end += 8;
    }
    let mut line_breaks = 0;
    while end < bytes.len() && is_space(bytes[end]) {
        line_breaks += usize::from(is_line_end(bytes, end));
        end += 1;
    }
    (end, line_breaks)
}

/// Builds the normalised text, and the map when `map` is given.
fn build(source: &str, map: Option<&mut (Vec<Seg>, Vec<u32>)>) -> String {
    build_with(source, map, next_stop)
}

/// [`build`], with `find_stop(bytes, at)` finding the end of each plain ASCII stretch (the
/// first position from `at` where [`is_stop`] holds); the tests give it the first
/// implementation's search to compare with.
#[inline(always)]
fn build_with(
    source: &str,
    mut map: Option<&mut (Vec<Seg>, Vec<u32>)>,
    find_stop: impl Fn(&[u8], usize) -> usize,
) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    // The open byte-for-byte run: (normalised start, source start).
    let mut run: Option<(usize, usize)> = None;
    let close_run = |run: &mut Option<(usize, usize)>,
                     out_len: usize,
                     map: &mut Option<&mut (Vec<Seg>, Vec<u32>)>| {
        if let (Some((norm, src)), Some((segs, _))) = (run.take(), map.as_deref_mut()) {
            if out_len > norm {
                segs.push(Seg {
                    norm: to_u32(norm),
                    src: to_u32(src),
                    src_end: to_u32(src + (out_len - norm)),
                    same_len: true,
                });
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        // ASCII stretch: lowercase, byte for byte, up to the next whitespace that is not
        // one plain space (a space right after a folded Unicode space is not); it ends
        // at the first non-ASCII byte.
        let mut k = i;
        i = loop {
            let stop = if bytes.get(k) == Some(&b' ') && out.ends_with(' ') {
                k
            } else {
                find_stop(bytes, k)
            };
            let mut run_start = stop;
            while run_start > k && bytes[run_start - 1] == b' ' {
                run_start -= 1;
            }
            if run_start > k {
                if run.is_none() {
                    run = Some((out.len(), k));
                }
                let from = out.len();
                out.push_str(source.get(k..run_start).unwrap_or_default());
                if let Some(tail) = out.get_mut(from..) {
                    tail.make_ascii_lowercase();
                }
            }
            if run_start == stop && bytes.get(stop).is_none_or(|&b| b >= 0x80) {
                break stop;
            }
            let (run_end, line_breaks) = space_run(bytes, run_start);
            if run.is_none() {
                run = Some((out.len(), run_start));
            }
            match line_breaks {
                // Spaces and tabs, with at most one line break: one space, or none
                // after a space already written (a folded no-break space).
                0 | 1 => {
                    let first = if out.ends_with(' ') {
                        close_run(&mut run, out.len(), &mut map);
                        run_start
                    } else {
                        out.push(' ');
                        run_start + 1
                    };
                    if run_end > first {
                        close_run(&mut run, out.len(), &mut map);
                        if let Some((_, dropped)) = map.as_deref_mut() {
                            dropped.extend((first..run_end).map(to_u32));
                        }
                    }
                }
                // A blank line: kept as it is (no match spans one).
                _ => out.push_str(source.get(run_start..run_end).unwrap_or_default()),
            }
            k = run_end;
        };
        if i >= bytes.len() {
            break;
        }
        let (c, len) = decode_at(bytes, i);
        let before = out.len();
        let after_space = out.ends_with(' ');
        let folded = fold_char(c, &mut out);
        // A Unicode space after a space: dropped, as in a run of spaces.
        let folded = if after_space && out.len() == before + 1 && out.ends_with(' ') {
            out.pop();
            Folded::Dropped { diacritic: false }
        } else {
            folded
        };
        match folded {
            Folded::Dropped { diacritic } => {
                close_run(&mut run, out.len(), &mut map);
                if !diacritic {
                    if let Some((_, invisible)) = map.as_deref_mut() {
                        invisible.push(to_u32(i));
                    }
                }
            }
            Folded::Out => {
                let produced = out.get(before..).unwrap_or_default();
                let single = produced.len() == len && produced.chars().nth(1).is_none();
                if single {
                    if run.is_none() {
                        run = Some((before, i));
                    }
                } else {
                    close_run(&mut run, before, &mut map);
                    if let Some((segs, _)) = map.as_deref_mut() {
                        segs.push(Seg {
                            norm: to_u32(before),
                            src: to_u32(i),
                            src_end: to_u32(i + len),
                            same_len: false,
                        });
                    }
                }
            }
        }
        i += len;
    }
    close_run(&mut run, out.len(), &mut map);
    out
}

/// The folding of [`NormalizedView`] applied to any string, without the map: the engine
/// normalises its literal patterns with it so both sides agree.
pub fn normalize_str(s: &str) -> String {
    build(s, None)
}

impl NormalizedView {
    /// Normalises `prose` (any text; in a [`crate::Draft`] the prose view).
    pub fn new(prose: &str) -> NormalizedView {
        let source_len = to_u32(prose.len());
        // Sized for a run of the map every 64 bytes and a dropped byte every 8 (markup
        // blanked out in the prose view leaves runs of spaces), more than prose usually
        // has: grown from empty, the two lists were reallocated about four times per
        // draft of the benchmark corpus. A huge text reserves no more than 64 KB up front.
        let mut map = (
            Vec::with_capacity((prose.len() / 64 + 4).min(1 << 12)),
            Vec::with_capacity((prose.len() / 8 + 8).min(1 << 14)),
        );
        let text = build(prose, Some(&mut map));
        let (mut segs, dropped_invisible) = map;
        let whole = segs.len() == 1
            && segs[0].same_len
            && segs[0].norm == 0
            && segs[0].src == 0
            && segs[0].src_end == source_len;
        if whole || text.is_empty() && prose.is_empty() {
            segs.clear();
        }
        NormalizedView {
            text,
            segs,
            dropped_invisible,
            source_len,
        }
    }

    /// True when offsets in [`NormalizedView::text`] equal offsets in the source.
    pub fn is_identity(&self) -> bool {
        self.segs.is_empty() && to_u32(self.text.len()) == self.source_len
    }

    /// Maps a range of [`NormalizedView::text`] to the source: the start goes to the start
    /// of its source character, the end to the end of the source character of the last
    /// byte, extended over diacritics that were dropped after it. Out-of-range input is
    /// clamped; the result always lies on character boundaries of the source.
    pub fn to_original(&self, norm: TextRange) -> TextRange {
        self.to_original_near(norm, &mut MapHint::none())
    }

    /// [`NormalizedView::to_original`], for a series of ranges in about the order of
    /// their starts (a scan's matches): the run of the map is first looked for at the
    /// one `hint` names and the few after it, and `hint` is left at the run of `norm`'s
    /// start. A scan maps about 48,000 phrase matches per MB of the benchmark corpus;
    /// the two binary searches per match were a fifth of the cost of mapping them.
    ///
    /// Most matches lie inside the byte-for-byte run `hint` names, on character
    /// boundaries and before its last byte: such a range maps by one offset, and its
    /// ends are character boundaries of the source too (the run's characters each fold
    /// to one of the same length), so nothing else is looked at.
    pub fn to_original_near(&self, norm: TextRange, hint: &mut MapHint) -> TextRange {
        let (start, end) = (u32::from(norm.start()), u32::from(norm.end()));
        if let Some(seg) = self.segs.get(hint.seg)
            && seg.same_len
            && seg.norm <= start
            && start < end
            && end < seg.norm.saturating_add(seg.src_end.saturating_sub(seg.src))
            && self.text.is_char_boundary(start as usize)
            && self.text.is_char_boundary(end as usize)
        {
            let shift = |at: u32| TextSize::from(seg.src.saturating_add(at - seg.norm));
            return TextRange::new(shift(start), shift(end));
        }
        let len = self.text.len();
        let start = usize::from(norm.start()).min(len);
        let end = usize::from(norm.end()).min(len).max(start);
        let (s, e) = if start == end {
            let s = self.map_start(start, hint);
            (s, s)
        } else {
            let s = self.map_start(start, hint);
            (s, self.map_end(end - 1, *hint))
        };
        let e = e.max(s);
        TextRange::new(TextSize::from(s), TextSize::from(e))
    }

    /// The normalised offset where the folded form of the source character at `offset` (a
    /// character boundary) begins; for a character that was dropped, where the folded
    /// form of the next one begins; for the end of the source, the end of the normalised
    /// text. Since every character folds on its own (runs of whitespace aside), the
    /// normalised text before the result is the folding of the source before `offset`
    /// when `offset` is not next to whitespace.
    pub fn from_original(&self, offset: usize) -> usize {
        let len = self.text.len();
        if self.segs.is_empty() {
            // The identity, or a source that folded to nothing.
            return if self.is_identity() {
                offset.min(len)
            } else {
                0
            };
        }
        let pos = to_u32(offset);
        let Some(k) = self.segs.partition_point(|s| s.src <= pos).checked_sub(1) else {
            return 0;
        };
        let seg = self.segs[k];
        let norm_end = if seg.same_len {
            seg.norm as usize + (seg.src_end - seg.src) as usize
        } else {
            self.segs.get(k + 1).map_or(len, |n| n.norm as usize)
        };
        if pos == seg.src {
            seg.norm as usize
        } else if seg.same_len && pos < seg.src_end {
            seg.norm as usize + (pos - seg.src) as usize
        } else {
            norm_end
        }
    }

    fn seg_index(&self, pos: usize) -> Option<usize> {
        let pos = to_u32(pos);
        self.segs.partition_point(|s| s.norm <= pos).checked_sub(1)
    }

    /// [`NormalizedView::seg_index`], looking first at run `hint` and the few after it.
    fn seg_index_near(&self, pos: usize, hint: MapHint) -> Option<usize> {
        let p = to_u32(pos);
        let mut k = hint.seg;
        if self.segs.get(k).is_some_and(|s| s.norm <= p) {
            for _ in 0..4 {
                match self.segs.get(k + 1) {
                    Some(next) if next.norm <= p => k += 1,
                    _ => return Some(k),
                }
            }
        }
        self.seg_index(pos)
    }

    /// Source offset of the character holding normalised byte `pos` (or the end); leaves
    /// `hint` at its run.
    fn map_start(&self, pos: usize, hint: &mut MapHint) -> u32 {
        let bytes = self.text.as_bytes();
        if pos >= bytes.len() {
            return self.source_len;
        }
        if self.segs.is_empty() {
            return to_u32(floor_boundary(bytes, pos)).min(self.source_len);
        }
        let Some(k) = self.seg_index_near(pos, *hint) else {
            return 0;
        };
        hint.seg = k;
        let seg = self.segs[k];
        if seg.same_len {
            let at = floor_boundary(bytes, pos).max(seg.norm as usize);
            seg.src + to_u32(at - seg.norm as usize)
        } else {
            seg.src
        }
    }

    /// Source end of the character holding normalised byte `pos`, extended over dropped
    /// diacritics; its run is looked for from `hint` on.
    fn map_end(&self, pos: usize, hint: MapHint) -> u32 {
        let bytes = self.text.as_bytes();
        if self.segs.is_empty() {
            return to_u32(ceil_boundary(bytes, pos + 1)).min(self.source_len);
        }
        let Some(k) = self.seg_index_near(pos, hint) else {
            return 0;
        };
        let seg = self.segs[k];
        let char_end = if seg.same_len {
            let run_end_norm = seg.norm as usize + (seg.src_end - seg.src) as usize;
            let at = ceil_boundary(bytes, pos + 1).min(run_end_norm);
            seg.src + to_u32(at - seg.norm as usize)
        } else {
            seg.src_end
        };
        if char_end < seg.src_end {
            return char_end;
        }
        // Extend over what was dropped after this run, up to an invisible character.
        let next_src = self.segs.get(k + 1).map_or(self.source_len, |n| n.src);
        let first_invisible = self
            .dropped_invisible
            .get(self.dropped_invisible.partition_point(|&z| z < char_end))
            .copied()
            .unwrap_or(u32::MAX);
        next_src.min(first_invisible).max(char_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pictographs_fold_to_themselves() {
        for c in PICTOGRAPHS {
            let mut out = String::new();
            let folded = fold_char_general(c, &mut out);
            assert!(matches!(folded, Folded::Out), "{c:?}");
            assert_eq!(out, c.to_string(), "{c:?}");
        }
    }

    /// The first position in `bytes[from..to]` of a tab, carriage return or line break, or
    /// of two spaces in a row; `to` if there is none. (The caller backs up over the spaces
    /// before it, to the start of its run of whitespace.)
    fn next_odd_space(bytes: &[u8], from: usize, to: usize) -> usize {
        // Built once: `normalize_str` runs for every term of a policy and every character
        // `folds_like_the_text` looks at.
        static TWO_SPACES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new("  "));
        let hay = &bytes[from..to];
        let odd = memchr::memchr3(b'\t', b'\r', b'\n', hay).unwrap_or(hay.len());
        from + TWO_SPACES.find(&hay[..odd]).unwrap_or(odd)
    }

    /// Length of the ASCII prefix of `bytes`, checked 16 bytes at a time.
    fn ascii_prefix_len(bytes: &[u8]) -> usize {
        let mut n = 0;
        for chunk in bytes.chunks_exact(16) {
            if !chunk.iter().all(|&b| b < 0x80) {
                break;
            }
            n += 16;
        }
        n + bytes[n..]
            .iter()
            .position(|&b| b >= 0x80)
            .unwrap_or(bytes.len() - n)
    }

    /// The folding with the first implementation's search for the end of an ASCII
    /// stretch, which [`next_stop`] must agree with: a check for ASCII 16 bytes at a
    /// time, then a search for line breaks and one for two spaces in every stretch.
    fn build_reference(source: &str, map: Option<&mut (Vec<Seg>, Vec<u32>)>) -> String {
        build_with(source, map, |bytes, at| {
            let ascii_end = at + ascii_prefix_len(&bytes[at..]);
            next_odd_space(bytes, at, ascii_end)
        })
    }

    fn round_trip(source: &str, needles: &[&str]) -> String {
        let view = NormalizedView::new(source);
        let mut out = format!("{:?} identity={}\n", view.text, view.is_identity());
        for needle in needles {
            let n = normalize_str(needle);
            match view.text.find(&n) {
                Some(at) => {
                    let r = view.to_original(TextRange::at(
                        TextSize::from(to_u32(at)),
                        TextSize::from(to_u32(n.len())),
                    ));
                    out.push_str(&format!("{needle:?} -> {:?}\n", &source[r]));
                }
                None => out.push_str(&format!("{needle:?} not found\n")),
            }
        }
        out
    }

    #[test]
    fn folds_and_maps_back() {
        expect_test::expect![[r#"
            "cafe \"quoted\" fine abc - it's" identity=false
            "CAFÉ" -> "Café"
            "\"quoted\"" -> "“Quoted”"
            "fine" -> "ﬁne"
            "abc" -> "ＡＢＣ"
            "e" -> "é"
            "- it's" -> "— it’s"
        "#]]
        .assert_eq(&round_trip(
            "Café “Quoted” ﬁne ＡＢＣ — it’s",
            &["CAFÉ", "\"quoted\"", "fine", "abc", "e", "- it's"],
        ));
        expect_test::expect![[r#"
            "cafe naive" identity=false
            "cafe" -> "cafe\u{301}"
            "naive" -> "nai\u{308}ve"
        "#]]
        .assert_eq(&round_trip("cafe\u{301} nai\u{308}ve", &["cafe", "naive"]));
        expect_test::expect![[r#"
            "nurse 👩⚕ ok" identity=false
            "nurse" -> "nu\u{200b}rse"
            "ok" -> "OK"
        "#]]
        .assert_eq(&round_trip(
            "nu\u{200B}rse\u{200B} 👩\u{200D}⚕\u{FE0F} OK",
            &["nurse", "ok"],
        ));
        // Symbols that decompose into letters stay symbols; ligatures and full-width
        // letters, which are letters, fold.
        expect_test::expect![[r#"
            "a cure™ for all, №5 fix" identity=false
            "cure" -> "Cure"
            "№5" -> "№5"
            "fix" -> "ﬁx"
        "#]]
        .assert_eq(&round_trip(
            "A Cure™ for all, №5 ﬁx",
            &["cure", "№5", "fix"],
        ));
        // The final sigma folds like the capital.
        expect_test::expect![[r#"
            "ο δρομοσ, ο δρομοσ" identity=true
            "ο δρομοσ" -> "Ο ΔΡΟΜΟΣ"
            "δρομοσ" -> "ΔΡΟΜΟΣ"
        "#]]
        .assert_eq(&round_trip("Ο ΔΡΟΜΟΣ, ο δρόμος", &["ο δρομοσ", "δρομοσ"]));
    }

    /// Every character that shows nothing is dropped, direction marks and controls as
    /// much as zero-width spaces: `pa<U+200E>tient` is the word `patient`, and the match
    /// maps back to exactly the source word, the mark inside it included and the marks
    /// around it left out. Variation selectors and a flag's tags are covered by a match
    /// that ends on the character they modify; a joiner is not.
    #[test]
    fn invisible_characters_are_dropped_and_mapped_around() {
        expect_test::expect![[r#"
            "my patient, patient, patient." identity=false
            "my patient" -> "my pa\u{200e}tient"
            "patient." -> "pa\u{2062}tient."
        "#]]
        .assert_eq(&round_trip(
            "my pa\u{200E}tient\u{200F}, \u{2067}pa\u{202E}tient\u{2069}, pa\u{2062}tient.",
            &["my patient", "patient."],
        ));
        expect_test::expect![[r#"
            "go 🏴 ❤ 👩⚕" identity=false
            "go 🏴" -> "go 🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}"
            "❤" -> "❤\u{fe0f}"
            "👩" -> "👩"
        "#]]
        .assert_eq(&round_trip(
            "go 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} ❤\u{FE0F} 👩\u{200D}⚕\u{FE0F}",
            &["go 🏴", "❤", "👩"],
        ));
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if is_invisible(c) {
                assert_eq!(normalize_str(&format!("Pa{c}tient")), "patient", "{c:?}");
            }
        }
    }

    /// Unicode's Sentence_Break=Format, which sentence splitting reads through, is the
    /// set of invisible characters the view drops, but for the prepended concatenation
    /// marks: format characters that are drawn (across the digits after them).
    #[test]
    fn sentence_format_characters_are_the_invisible_ones_but_those_drawn() {
        let drawn = |c: u32| {
            matches!(
                c,
                0x0600..=0x0605 | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2 | 0x110BD | 0x110CD
            )
        };
        for &(from, to) in crate::tables::SB_FORMAT {
            for c in (from..=to).filter_map(char::from_u32) {
                assert_eq!(is_invisible(c), !drawn(u32::from(c)), "{c:?}");
            }
        }
    }

    /// The folding of a source prefix is the normalised text up to `from_original`
    /// (where the prefix does not end in or next to a run of whitespace, whose folding
    /// depends on the whole run).
    #[test]
    fn from_original_splits_the_folding() {
        for source in [
            "Plain ASCII",
            "Café “Quoted” ﬁne ＡＢＣ — it’s",
            "\u{200B}nu\u{200B}rse\u{200B} 👩\u{200D}⚕\u{FE0F} OK\u{301}",
            "cafe\u{301} nai\u{308}ve\n\nПРИВЕТ ﷺ ⅷ",
            "my  \r\n  patient\tand\n\n  her\r\n\r\nCafé  x",
            "\u{FEFF}\u{200B}",
            "",
        ] {
            let view = NormalizedView::new(source);
            for (offset, _) in source.char_indices().chain([(source.len(), ' ')]) {
                let bytes = source.as_bytes();
                let at_a_run = offset.checked_sub(1).is_some_and(|b| is_space(bytes[b]))
                    || bytes.get(offset).is_some_and(|&b| is_space(b));
                if at_a_run {
                    continue;
                }
                let at = view.from_original(offset);
                assert_eq!(
                    &view.text[..at],
                    build(&source[..offset], None),
                    "{source:?} at {offset}"
                );
            }
        }
    }

    /// Whitespace without a blank line in it folds to one space, so a phrase matches
    /// across a line wrapped inside a paragraph, two spaces typed by mistake, and the
    /// spaces the prose view leaves for Markdown markup (`my *patient*`); a blank line
    /// stays as it is. Matches map back over the whole run.
    #[test]
    fn runs_of_whitespace_fold_to_one_space() {
        expect_test::expect![[r#"
            "my patient, hi there\n\n\r\n our\n\nx " identity=false
            "my patient" -> "My  \r\n\tpatient"
            "hi there" -> "hi\nthere"
            "x" -> "x"
        "#]]
        .assert_eq(&round_trip(
            "My  \r\n\tpatient, hi\nthere\n\n\r\n our\n\nx  ",
            &["my patient", "hi there", "x"],
        ));
        assert_eq!(normalize_str("My\r\n  Patient"), "my patient");
        assert_eq!(normalize_str("my  \t patient  "), "my patient ");
        // No-break and other Unicode spaces next to spaces fold with them.
        assert_eq!(normalize_str("my \u{a0} \u{a0}patient"), "my patient");
        assert_eq!(normalize_str("my\u{a0}\u{2003}patient"), "my patient");
        assert_eq!(normalize_str("a\u{a0}b"), "a b");
        assert_eq!(normalize_str("my\u{a0} patient"), "my patient");
        assert_eq!(normalize_str("my \u{a0}patient"), "my patient");
        // The prose view of `My *patient*` and of `[My patient](https://example.com)`.
        expect_test::expect![[r#"
            "my patient " identity=false
            "my patient" -> "My  patient"
        "#]]
        .assert_eq(&round_trip("My  patient ", &["my patient"]));
        expect_test::expect![[r#"
            " my patient " identity=false
            "my patient" -> "My patient"
        "#]]
        .assert_eq(&round_trip(
            " My patient                      ",
            &["my patient"],
        ));
        assert!(NormalizedView::new("one\ntwo\tthree\n\nfour").is_identity());
    }

    /// Text made of the pieces that steer the folding: ASCII words, single and double
    /// spaces, tabs, line breaks, other control bytes, accents, curly quotes, no-break
    /// spaces, zero-width characters and emoji, in runs long and short enough to cross
    /// the eight-byte words `next_stop` reads.
    fn mixed_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-zA-Z0-9.,]{1,12}",
            4 => Just(" ".to_string()),
            2 => Just("  ".to_string()),
            1 => "[ \t\r\n]{1,5}",
            1 => Just("\n\n".to_string()),
            1 => "[\u{0}-\u{1f}\u{7f}]",
            1 => "[éÉüçñ]",
            1 => "[‘’“”—\u{a0}\u{2003}]",
            1 => "[\u{200b}\u{200d}\u{200e}\u{202e}\u{301}\u{fe0f}\u{e0067}]",
            1 => "[😀👩⚕™ﬁ]",
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    /// The first stop at or after `from`, one byte at a time.
    fn stop_byte_by_byte(s: &str, from: usize) -> usize {
        (from..s.len())
            .find(|&at| is_stop(s.as_bytes(), at))
            .unwrap_or(s.len())
    }

    proptest! {
        /// The one-pass scan folds exactly as the reference does, text and map alike.
        #[test]
        fn build_agrees_with_the_reference(s in mixed_text()) {
            let mut map = (Vec::new(), Vec::new());
            let mut want_map = (Vec::new(), Vec::new());
            let got = build(&s, Some(&mut map));
            let want = build_reference(&s, Some(&mut want_map));
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(map, want_map);
            prop_assert_eq!(build(&s, None), want);
            // Every start offset, as the stretches begin anywhere.
            for from in 0..=s.len() {
                prop_assert_eq!(next_stop(s.as_bytes(), from), stop_byte_by_byte(&s, from));
            }
        }

        /// On text of long plain stretches, which the 64-byte windows skip, the search
        /// from every offset finds the first stop, as one byte at a time does.
        #[test]
        fn windows_find_the_first_stop(
            s in proptest::collection::vec(
                prop_oneof![
                    30 => "[a-z]{1,9} ",
                    2 => Just("  ".to_string()),
                    1 => "[\t\r\n]",
                    1 => "[\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{7f}]",
                    1 => Just("é".to_string()),
                ],
                0..80,
            ).prop_map(|v| v.concat()),
        ) {
            for from in 0..=s.len() {
                prop_assert_eq!(next_stop(s.as_bytes(), from), stop_byte_by_byte(&s, from));
            }
        }

        /// A run of whitespace ends, with its line breaks counted, where reading it one
        /// byte at a time ends it, from every offset of text with long runs of spaces.
        #[test]
        fn space_runs_agree_with_byte_by_byte(
            s in proptest::collection::vec(
                prop_oneof![
                    4 => " {1,20}",
                    1 => "[ \t\r\n]{1,4}",
                    1 => "[a-z\u{0}\u{b}é]{1,3}",
                ],
                0..40,
            ).prop_map(|v| v.concat()),
        ) {
            let bytes = s.as_bytes();
            for from in 0..=bytes.len() {
                let mut end = from;
                let mut line_breaks = 0;
                while end < bytes.len() && is_space(bytes[end]) {
                    line_breaks += usize::from(
                        bytes[end] == b'\n'
                            || bytes[end] == b'\r' && bytes.get(end + 1) != Some(&b'\n'),
                    );
                    end += 1;
                }
                prop_assert_eq!(space_run(bytes, from), (end, line_breaks));
            }
        }

        /// Mapping with a hint kept from range to range gives what mapping each range on
        /// its own gives, whatever order the ranges come in: in order of their starts
        /// (the fast case), in any order, and from a hint left by another view.
        #[test]
        fn mapping_near_a_hint_agrees_with_mapping_alone(
            s in mixed_text(),
            picks in proptest::collection::vec((0usize..200, 0usize..12), 0..40),
            stale in 0usize..50,
        ) {
            let view = NormalizedView::new(&s);
            let len = view.text.len();
            let ranges: Vec<TextRange> = picks
                .iter()
                .map(|&(at, n)| {
                    let start = to_u32(at.min(len + 2));
                    TextRange::new(start.into(), (start + n as u32).into())
                })
                .collect();
            let mut sorted = ranges.clone();
            sorted.sort_by_key(|r| r.start());
            for series in [sorted, ranges] {
                let mut hint = MapHint { seg: stale };
                for r in series {
                    prop_assert_eq!(view.to_original_near(r, &mut hint), view.to_original(r));
                }
            }
        }
    }

    #[test]
    fn identity_cases() {
        assert!(NormalizedView::new("Plain ASCII").is_identity());
        assert!(NormalizedView::new("привет мир").is_identity());
        assert!(NormalizedView::new("").is_identity());
        let upper = NormalizedView::new("ПРИВЕТ");
        assert_eq!(upper.text, "привет");
        assert!(upper.segs.len() <= 1);
        let r = upper.to_original(TextRange::new(2.into(), 5.into()));
        assert_eq!(r, TextRange::new(2.into(), 6.into()));
    }

    #[test]
    fn odd_input_never_panics() {
        for s in [
            "\u{301}",
            "\u{301}a",
            "a\u{200D}",
            "\u{FEFF}",
            "ǅ",
            "İstanbul",
            "ﷺ",
            "שָׁלוֹם",
            "ⅷ",
        ] {
            let view = NormalizedView::new(s);
            for a in 0..=view.text.len() + 1 {
                for b in a..=view.text.len() + 1 {
                    let r = view.to_original(TextRange::new(to_u32(a).into(), to_u32(b).into()));
                    assert!(
                        s.is_char_boundary(r.start().into()) && s.is_char_boundary(r.end().into())
                    );
                }
            }
        }
    }
}
