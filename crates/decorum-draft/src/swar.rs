//! Eight bytes at a time in a `u64` (first byte lowest), for the scanners' ASCII fast
//! paths: a test marks the high bit of the bytes that pass. The range tests
//! (`in_range`, `split_ascii`, `gather`) made the word scan's masks until it classified
//! bytes in a loop the compiler vectorises; only its tests use them now, as the
//! reference those masks are compared with.

/// One in every byte.
pub(crate) const LANES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes of `raw` split into the high bits of its non-ASCII bytes and the bytes with
/// those turned into NUL, which [`in_range`]'s carry-free arithmetic needs.
#[cfg(test)]
#[inline(always)]
pub(crate) fn split_ascii(raw: u64) -> (u64, u64) {
    let high = raw & HIGH_BITS;
    (high, raw & !((high >> 7) * 0xFF))
}

/// For 8 ASCII bytes in `x`: the high bit of each byte set where the byte is in `lo..=hi`.
#[cfg(test)]
#[inline(always)]
pub(crate) fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    // With bytes below 0x80 neither sum carries into the next byte.
    let at_least_lo = x.wrapping_add(LANES * u64::from(0x80 - lo));
    let above_hi = x.wrapping_add(LANES * u64::from(0x7F - hi));
    at_least_lo & !above_hi & HIGH_BITS
}

/// For the 8 bytes of `x`: the high bit set in each byte equal to `c` or non-ASCII,
/// exactly in the lowest such byte; above it a byte may be marked wrongly (subtracting one
/// from a zero byte borrows from the next), so only the lowest mark may be used. Cheaper
/// than `in_range` when only the first hit matters.
#[inline(always)]
pub(crate) fn lowest_equal(x: u64, c: u8) -> u64 {
    // A byte equal to `c` is a zero byte of `x ^ c`: the one value below 0x81 whose high
    // bit subtracting one sets (`c | 0x80` gives 0x80, hence the `| x`).
    ((x ^ (LANES * u64::from(c))).wrapping_sub(LANES) | x) & HIGH_BITS
}

/// Gathers the high bits of the 8 bytes of `m` into its low 8 bits, byte 0 first.
#[cfg(test)]
#[inline(always)]
pub(crate) fn gather(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_equal_byte_is_marked_exactly() {
        let bytes = [b'a', 0xAE, b'.', 0, b'.', 0x80, b'/', b'-'];
        for start in 0..8 {
            let mut word = [b'x'; 8];
            word[..8 - start].copy_from_slice(&bytes[start..]);
            let x = u64::from_le_bytes(word);
            let want = word.iter().position(|&b| b == b'.' || b >= 0x80);
            let got = lowest_equal(x, b'.');
            let got = (got != 0).then(|| got.trailing_zeros() as usize / 8);
            assert_eq!(got, want, "{word:?}");
        }
    }

    #[test]
    fn gather_collects_high_bits() {
        for m in [
            0u64,
            HIGH_BITS,
            0x80,
            0x8000_0000_0000_0000,
            0x0080_0080_8000_0080,
        ] {
            let want = (0..8).fold(0, |acc, k| acc | (((m >> (8 * k + 7)) & 1) << k));
            assert_eq!(gather(m), want, "{m:#x}");
        }
    }
}
