//! Strict decoding of bytes as text in one [`Charset`]: never guessed from the bytes, never a U+FFFD replacement
//! character, an error with the offset of the first invalid sequence instead.

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{DecoderResult, EUC_JP, Encoding, SHIFT_JIS};

use super::percent;
use crate::charset::Charset;

/// The encoding_rs decoder of a legacy charset; `None` for UTF-8, which the standard library checks.
fn legacy_encoding(charset: Charset) -> Option<&'static Encoding> {
    match charset {
        Charset::Cp932 => Some(SHIFT_JIS),
        Charset::EucJp => Some(EUC_JP),
        Charset::Utf8 => None,
    }
}

/// Decodes bytes strictly in `charset`: CP932 (the WHATWG `Shift_JIS` decoder of encoding_rs, which is
/// Windows-31J), EUC-JP or UTF-8.
///
/// Borrowed input that is valid as it stands (ASCII, or any valid UTF-8 for [`Charset::Utf8`]) gives borrowed
/// output.
///
/// # Errors
///
/// Returns a [`TextError`] with the offset of the first invalid byte sequence; invalid bytes are never replaced.
pub fn decode(bytes: Cow<'_, [u8]>, charset: Charset) -> Result<Cow<'_, str>, TextError> {
    // CP932 and EUC-JP map 0x00..=0x7F to ASCII, so ASCII input is the same text in every charset.
    let encoding = match legacy_encoding(charset) {
        Some(encoding) if !bytes.is_ascii() => encoding,
        _ => {
            return match bytes {
                Cow::Borrowed(b) => std::str::from_utf8(b)
                    .map(Cow::Borrowed)
                    .map_err(|e| TextError { charset, offset: e.valid_up_to() }),
                Cow::Owned(v) => String::from_utf8(v)
                    .map(Cow::Owned)
                    .map_err(|e| TextError { charset, offset: e.utf8_error().valid_up_to() }),
            };
        }
    };
    legacy_decode(encoding, charset, &bytes).map(Cow::Owned).map_err(|offset| TextError { charset, offset })
}

/// Decodes non-ASCII `bytes` strictly with `encoding` (the legacy encoding of `charset`); the offset of the first
/// invalid byte sequence otherwise. For CP932 a lone 0x80 is invalid: WHATWG Shift_JIS decodes it as U+0080, but
/// Windows-31J leaves the byte undefined.
fn legacy_decode(encoding: &'static Encoding, charset: Charset, bytes: &[u8]) -> Result<String, usize> {
    let lone_0x80 = || if charset == Charset::Cp932 { lone_0x80_offset(bytes) } else { bytes.len() };
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) if charset == Charset::Cp932 && text.contains('\u{80}') => Err(lone_0x80()),
        Some(text) => Ok(text.into_owned()),
        None => Err(error_offset(encoding, bytes).min(lone_0x80())),
    }
}

/// The offset of the first 0x80 byte of CP932 `bytes` that stands alone (not the trail byte of a two-byte character:
/// leads are 0x81..=0x9F and 0xE0..=0xFC); `bytes.len()` if there is none. Exact up to the first invalid sequence,
/// which is all [`legacy_decode`] needs.
fn lone_0x80_offset(bytes: &[u8]) -> usize {
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            0x80 => return i,
            0x81..=0x9F | 0xE0..=0xFC => i = i.saturating_add(2),
            _ => i = i.saturating_add(1),
        }
    }
    bytes.len()
}

/// The offset of the first invalid byte sequence of `bytes` in `encoding` (`bytes.len()` if there is none).
fn error_offset(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut buf = [0u8; 1024];
    let mut consumed = 0usize;
    loop {
        let rest = bytes.get(consumed..).unwrap_or_default();
        let (result, read, _) = decoder.decode_to_utf8_without_replacement(rest, &mut buf, true);
        match result {
            DecoderResult::Malformed(bad, extra) => {
                return consumed
                    .saturating_add(read)
                    .saturating_sub(usize::from(extra))
                    .saturating_sub(usize::from(bad));
            }
            DecoderResult::OutputFull if read > 0 => consumed = consumed.saturating_add(read),
            DecoderResult::OutputFull | DecoderResult::InputEmpty => return bytes.len(),
        }
    }
}

/// Percent-decodes `text` (`+` is a space, exactly once) and decodes the bytes strictly in `charset`.
///
/// Borrowed input that needs neither step gives borrowed output; otherwise the text is decoded with one allocation,
/// its own.
///
/// # Errors
///
/// Returns [`ValueError::Percent`] for a `%` without two hex digits and [`ValueError::Charset`] for bytes that are
/// not valid text in `charset`, each with a byte index.
pub fn decode_percent_encoded(text: Cow<'_, str>, charset: Charset) -> Result<Cow<'_, str>, ValueError> {
    // ASCII is the same text in every charset; other characters are bytes to decode like any others
    if !percent::needs_decoding(text.as_bytes()) && (text.is_ascii() || charset == Charset::Utf8) {
        return Ok(text);
    }
    let raw = text.as_bytes();
    // short values (all real ones) are percent-decoded on the stack
    let mut stack = [0u8; 256];
    let mut heap = Vec::new();
    let buf: &mut [u8] = if raw.len() <= stack.len() {
        &mut stack
    } else {
        heap.resize(raw.len(), 0);
        &mut heap
    };
    let len = percent::decode_into(raw, buf).map_err(|e| ValueError::Percent { index: e.offset })?;
    let bytes = buf.get(..len).unwrap_or_default();
    let charset_error = |index: usize| ValueError::Charset { index };
    let Some(encoding) = legacy_encoding(charset).filter(|_| !bytes.is_ascii()) else {
        return std::str::from_utf8(bytes)
            .map(|s| Cow::Owned(s.to_owned()))
            .map_err(|e| charset_error(e.valid_up_to()));
    };
    legacy_decode(encoding, charset, bytes).map(Cow::Owned).map_err(charset_error)
}

/// Bytes that are not valid text in a [`Charset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TextError {
    /// The charset the bytes were decoded with.
    pub charset: Charset,
    /// Byte offset of the first invalid byte sequence.
    pub offset: usize,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {} text, found an invalid byte sequence at offset {}", self.charset.label(), self.offset)
    }
}

impl std::error::Error for TextError {}

/// Why a percent-encoded value could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueError {
    /// A `%` not followed by two hex digits.
    #[non_exhaustive]
    Percent {
        /// Byte index of the `%` in the value.
        index: usize,
    },
    /// The percent-decoded bytes are not valid text in the charset.
    #[non_exhaustive]
    Charset {
        /// Byte index of the first invalid sequence in the percent-decoded bytes.
        index: usize,
    },
}

impl ValueError {
    /// The byte index the error refers to.
    pub fn index(&self) -> usize {
        match self {
            ValueError::Percent { index } | ValueError::Charset { index } => *index,
        }
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::Percent { index } => write!(f, "expected two hex digits after `%` at byte {index}"),
            ValueError::Charset { index } => {
                write!(f, "expected valid text, found an invalid byte sequence at byte {index} of the decoded bytes")
            }
        }
    }
}

impl std::error::Error for ValueError {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_0x80_is_not_cp932() {
        // (bytes, Ok(text) or Err(offset)): 0x80 is undefined in Windows-31J, but a valid trail byte
        let cases: [(&[u8], Result<&str, usize>); 5] = [
            (b"\x80", Err(0)),
            (b"ab\x80", Err(2)),
            (b"\x83\x80", Ok("\u{30E0}")), // ム: 0x80 as a trail byte
            (b"\x83\x80\x80", Err(2)),
            (b"\xB1\x80", Err(1)), // after a single-byte half-width kana
        ];
        for (bytes, expected) in cases {
            let got = decode(Cow::Borrowed(bytes), Charset::Cp932);
            assert_eq!(got.as_deref().map_err(|e| e.offset), expected, "{bytes:?}");
        }
        assert!(decode(Cow::Borrowed(b"\x80"), Charset::EucJp).is_err());
        // the first error wins, whichever kind it is (fuzz: percent_decode, `80 FF`)
        assert_eq!(decode(Cow::Borrowed(b"\x80\xFF"), Charset::Cp932).unwrap_err().offset, 0);
        assert_eq!(decode(Cow::Borrowed(b"\xFF\x80"), Charset::Cp932).unwrap_err().offset, 0);
        // the percent-decoding path refuses it too (fuzz: parse_notification, `%80` in an unknown parameter)
        let err = decode_percent_encoded(Cow::Borrowed("user.name%80example.jp"), Charset::Cp932).unwrap_err();
        assert_eq!(err, ValueError::Charset { index: 9 });
    }

    #[test]
    fn euc_jp_is_strict_too() {
        assert_eq!(decode(Cow::Borrowed(b"\xA4\xA2"), Charset::EucJp).unwrap(), "あ");
        assert_eq!(decode(Cow::Borrowed(b"a\xA4"), Charset::EucJp).unwrap_err().offset, 1);
        let value = decode_percent_encoded(Cow::Borrowed("%A4%A2+x"), Charset::EucJp).unwrap();
        assert_eq!(value, "あ x");
    }

    #[test]
    fn percent_and_charset_errors_carry_indexes() {
        let cases: &[(&str, Charset, ValueError)] = &[
            ("ab%Z1", Charset::Cp932, ValueError::Percent { index: 2 }),
            ("x%82", Charset::Cp932, ValueError::Charset { index: 1 }),
            ("%E3%81", Charset::Utf8, ValueError::Charset { index: 0 }),
        ];
        for (raw, charset, expected) in cases {
            assert_eq!(decode_percent_encoded(Cow::Borrowed(*raw), *charset).unwrap_err(), *expected);
        }
        assert!(matches!(decode_percent_encoded(Cow::Borrowed("plain"), Charset::Cp932).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn messages_say_what_was_expected() {
        for message in [
            TextError { charset: Charset::Cp932, offset: 1 }.to_string(),
            ValueError::Percent { index: 0 }.to_string(),
            ValueError::Charset { index: 0 }.to_string(),
        ] {
            assert!(message.starts_with("expected"), "{message}");
        }
    }
}
