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
    let mut out = Vec::with_capacity(raw.len());
    for byte in percent_bytes(raw) {
        out.push(byte?);
    }
    Ok(Cow::Owned(out))
}

/// Whether `raw` holds a `%` or a `+`, the only bytes percent-decoding changes.
pub(crate) fn needs_decoding(raw: &[u8]) -> bool {
    raw.iter().any(|&b| b == b'%' || b == b'+')
}

/// The bytes `raw` percent-decodes to, one at a time: `%XX` (either hex case) is one byte, `+` a space, any other
/// byte itself. A `%` without two hex digits yields one error with its offset and ends the iteration.
pub(crate) fn percent_bytes(raw: &[u8]) -> impl Iterator<Item = Result<u8, PercentError>> + '_ {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        let b = *raw.get(i)?;
        let (byte, len) = match b {
            b'+' => (b' ', 1),
            b'%' => {
                let hi = raw.get(i.saturating_add(1)).copied().and_then(hex_value);
                let lo = raw.get(i.saturating_add(2)).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => ((hi << 4) | lo, 3),
                    _ => {
                        let offset = i;
                        i = raw.len();
                        return Some(Err(PercentError { offset }));
                    }
                }
            }
            b => (b, 1),
        };
        i = i.saturating_add(len);
        Some(Ok(byte))
    })
}

/// The value of one hex digit (either case).
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
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
