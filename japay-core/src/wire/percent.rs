//! Percent-decoding of form and query values: `%XX` (either hex case) is one byte, `+` is a space, every other byte
//! stays as it is, exactly once.

use std::borrow::Cow;
use std::fmt;

/// Percent-decodes bytes: `%XX` (either hex case) becomes one byte, `+` becomes a space,
/// every other byte is kept as it is. Decodes exactly once.
///
/// Returns the input borrowed when it contains neither `%` nor `+`.
///
/// # Errors
///
/// Returns a [`PercentError`] with the offset of the first `%` that is not followed by two
/// hex digits.
pub fn percent_decode(raw: &[u8]) -> Result<Cow<'_, [u8]>, PercentError> {
    if !needs_decoding(raw) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = vec![0; raw.len()];
    let len = decode_into(raw, &mut out)?;
    out.truncate(len);
    Ok(Cow::Owned(out))
}

/// Whether `raw` holds a `%` or a `+`, the only bytes percent-decoding changes.
pub(crate) fn needs_decoding(raw: &[u8]) -> bool {
    raw.iter().any(|&b| b == b'%' || b == b'+')
}

/// The value of each byte as a hex digit (either case), or [`NOT_HEX`]. (Indexing in a constant is checked when the
/// crate compiles.)
#[allow(clippy::indexing_slicing)]
static HEX: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut b = 0usize;
    while b < 256 {
        table[b] = match b as u8 {
            d @ b'0'..=b'9' => d - b'0',
            d @ b'a'..=b'f' => d - b'a' + 10,
            d @ b'A'..=b'F' => d - b'A' + 10,
            _ => NOT_HEX,
        };
        b += 1;
    }
    table
};
/// What [`HEX`] holds for a byte that is not a hex digit.
const NOT_HEX: u8 = 0xFF;

/// The value of the hex digit `b` (either case), if it is one.
#[inline]
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    HEX.get(usize::from(b)).copied().filter(|&v| v != NOT_HEX)
}

/// The value of the hex digit at `i` of `raw`, if there is one.
fn hex_at(raw: &[u8], i: usize) -> Option<u8> {
    let b = *raw.get(i)?;
    HEX.get(usize::from(b)).copied().filter(|&v| v != NOT_HEX)
}

/// Percent-decodes `raw` into the start of `out` (`%XX` is one byte, `+` a space, any other byte itself) and returns
/// the decoded length. `out` must be at least as long as `raw`, which it never outgrows.
///
/// # Errors
///
/// A [`PercentError`] with the offset of the first `%` without two hex digits (or, if `out` is too short, of the
/// first byte that does not fit).
pub(crate) fn decode_into(raw: &[u8], out: &mut [u8]) -> Result<usize, PercentError> {
    let mut i = 0usize;
    let mut n = 0usize;
    while let Some(&b) = raw.get(i) {
        let byte = match b {
            b'+' => {
                i += 1;
                b' '
            }
            b'%' => match (hex_at(raw, i + 1), hex_at(raw, i + 2)) {
                (Some(hi), Some(lo)) => {
                    i += 3;
                    (hi << 4) | lo
                }
                _ => return Err(PercentError { offset: i }),
            },
            b => {
                i += 1;
                b
            }
        };
        *out.get_mut(n).ok_or(PercentError { offset: i })? = byte;
        n += 1;
    }
    Ok(n)
}

/// A `%` that is not followed by two hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PercentError {
    /// Byte offset of the `%` in the input.
    pub offset: usize,
}

impl fmt::Display for PercentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected two hex digits after `%` at offset {}", self.offset)
    }
}

impl std::error::Error for PercentError {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_is_byte_wise_and_happens_once() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"abc", b"abc"),
            (b"%83_", b"\x83_"),
            (b"SUZUKI+Hanako", b"SUZUKI Hanako"),
            (b"%2b%2B", b"++"),
            (b"%252B", b"%2B"),
            (b"%e3%81%82", b"\xE3\x81\x82"),
            (b"%00%7F%FF", b"\x00\x7F\xFF"),
        ];
        for (raw, expected) in cases {
            assert_eq!(&*percent_decode(raw).unwrap(), *expected);
        }
        assert!(matches!(percent_decode(b"abc").unwrap(), Cow::Borrowed(_)));
        for (raw, offset) in [(&b"%"[..], 0), (b"ab%4", 2), (b"%4G", 0), (b"ok%41%ZZ", 5), (b"%+1", 0)] {
            assert_eq!(percent_decode(raw).unwrap_err().offset, offset);
        }
    }

    #[test]
    fn the_error_message_says_what_was_expected() {
        let message = PercentError { offset: 1 }.to_string();
        assert!(message.starts_with("expected"), "{message}");
        assert!(!message.ends_with('.'), "{message}");
    }
}
