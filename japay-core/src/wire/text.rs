//! Strict decoding of bytes as text in one [`Charset`]: never guessed from the bytes, never a U+FFFD replacement
//! character, an error with the offset of the first invalid sequence instead.

use std::borrow::Cow;
use std::fmt;

use core::sync::atomic::{AtomicU16, Ordering};

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
    if charset == Charset::Cp932
        && let Some(decoded) = cp932_percent_decoded(text.as_bytes())
    {
        return Ok(Cow::Owned(decoded));
    }
    two_steps(text.as_bytes(), charset).map(Cow::Owned)
}

/// [`decode_percent_encoded`] of a value that needs decoding, step by step: percent-decoding, then the charset.
fn two_steps(raw: &[u8], charset: Charset) -> Result<String, ValueError> {
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
        return std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| charset_error(e.valid_up_to()));
    };
    legacy_decode(encoding, charset, bytes).map_err(charset_error)
}

/// Percent-decodes `raw` and decodes the bytes as CP932 in one pass, for the text the answers carry: ASCII, the
/// half-width katakana and two-byte characters ([`cp932_pair`]). `None` at the first doubt (a bad escape, a byte
/// that starts no character, a pair the decoder does not read as one character, a lead byte at the end): then the
/// two-step path decodes the value and reports what is wrong. Where it answers, it answers what that path would.
fn cp932_percent_decoded(raw: &[u8]) -> Option<String> {
    // every character takes at least as many bytes of `raw` as of UTF-8 (a two-byte character is at least `%XX` and
    // a byte, three bytes of UTF-8 at most; a half-width katakana `%XX`, three)
    let mut out = String::with_capacity(raw.len());
    let mut lead = None;
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        let byte = match b {
            b'%' => {
                let digit = |at: usize| raw.get(at).map(|&d| percent::hex_value(d));
                match (digit(i + 1)?, digit(i + 2)?) {
                    (Some(hi), Some(lo)) => {
                        i += 3;
                        hi << 4 | lo
                    }
                    _ => return None,
                }
            }
            b'+' => {
                i += 1;
                b' '
            }
            b => {
                i += 1;
                b
            }
        };
        match lead.take() {
            Some(lead) => out.push(cp932_pair(lead, byte)?),
            None => match byte {
                0x00..=0x7F => out.push(char::from(byte)),
                0xA1..=0xDF => out.push(char::from_u32(0xFF61 + u32::from(byte - 0xA1))?),
                0x81..=0x9F | 0xE0..=0xFC => lead = Some(byte),
                _ => return None, // 0x80 (a lone 0x80 is refused), 0xA0, 0xFD-0xFF
            },
        }
    }
    if lead.is_some() {
        return None;
    }
    Some(out)
}

/// CP932 lead bytes (0x81–0x9F, 0xE0–0xFC) times trail bytes (0x40–0xFC): the two-byte sequences of [`CP932_PAIRS`].
const CP932_PAIR_COUNT: usize = (31 + 29) * 189;
/// Not one character of the Basic Multilingual Plane (left to the decoder, which reads or reports it).
const PAIR_NONE: u16 = 0xFFFF;
/// What encoding_rs's Shift_JIS (CP932) decoder reads for each two-byte sequence, remembered per process as each is
/// first met: 0 not met yet, [`PAIR_NONE`], or the character. Nothing is stored but the decoder's own answer. About
/// 22 KB of zeroed static memory, no allocation, no lock (racing threads store the same answer).
static CP932_PAIRS: [AtomicU16; CP932_PAIR_COUNT] = [const { AtomicU16::new(0) }; CP932_PAIR_COUNT];

/// The character the CP932 decoder reads for `lead` and `trail`, when it reads exactly one (see [`CP932_PAIRS`]).
#[inline]
fn cp932_pair(lead: u8, trail: u8) -> Option<char> {
    let row = match lead {
        0x81..=0x9F => lead - 0x81,
        0xE0..=0xFC => lead - 0xE0 + 31,
        _ => return None,
    };
    let column = trail.checked_sub(0x40).filter(|&c| c <= 0xFC - 0x40)?;
    let slot = CP932_PAIRS.get(usize::from(row) * 189 + usize::from(column))?;
    let code = match slot.load(Ordering::Relaxed) {
        0 => ask_decoder(lead, trail, slot),
        code => code,
    };
    if code == PAIR_NONE { None } else { char::from_u32(u32::from(code)) }
}

/// What the CP932 decoder reads for `lead` and `trail` (one character of the BMP, or [`PAIR_NONE`]), stored in its
/// `slot` of [`CP932_PAIRS`].
#[cold]
#[inline(never)]
fn ask_decoder(lead: u8, trail: u8, slot: &AtomicU16) -> u16 {
    let mut out = [0u8; 8];
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let (result, read, written) = decoder.decode_to_utf8_without_replacement(&[lead, trail], &mut out, true);
    let mut chars = out.get(..written).and_then(|bytes| std::str::from_utf8(bytes).ok()).unwrap_or_default().chars();
    let code = match (result, read, chars.next(), chars.next()) {
        (DecoderResult::InputEmpty, 2, Some(c), None) => u16::try_from(u32::from(c)).ok().filter(|&c| c != 0),
        _ => None,
    };
    let code = code.unwrap_or(PAIR_NONE);
    slot.store(code, Ordering::Relaxed);
    code
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

    /// The one-pass CP932 path answers only what the two steps answer: every byte and every two-byte sequence,
    /// percent-encoded, raw where the byte is ASCII, and with `+`; and it answers for the text answers carry.
    #[test]
    fn the_one_pass_cp932_path_agrees_with_the_two_steps() {
        let mut answered = 0;
        let mut check = |raw: &str| {
            if let Some(fast) = cp932_percent_decoded(raw.as_bytes()) {
                assert_eq!(two_steps(raw.as_bytes(), Charset::Cp932).as_deref(), Ok(fast.as_str()), "{raw}");
                answered += 1;
            }
        };
        for a in 0..=255u8 {
            check(&format!("%{a:02X}"));
            check(&format!("x%{a:02x}+"));
            for b in 0..=255u8 {
                check(&format!("%{a:02X}%{b:02X}"));
                if b.is_ascii_graphic() && b != b'%' && b != b'+' {
                    check(&format!("%{a:02X}{}", char::from(b)));
                }
                check(&format!("%{a:02X}%{b:02X}%{a:02X}"));
            }
        }
        assert!(answered > 40_000, "{answered}");
        for text in ["%8ER%93c+%91%BE%98Y", "%83e%83X%83g", "2018-07-17+10%3A41%3A27", "%B1%B2", "%FB%FC"] {
            assert!(cp932_percent_decoded(text.as_bytes()).is_some(), "{text}");
        }
        for bad in ["%8", "%G0", "%82", "%80", "%A0", "%FF", "%82%20", "%E0"] {
            assert!(cp932_percent_decoded(bad.as_bytes()).is_none(), "{bad}");
        }
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
