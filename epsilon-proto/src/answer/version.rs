//! [`Version`]: the request's `version` parameter, which chooses the charset of an answer's text, and
//! [`decode_text`], strict text decoding by version.

use std::borrow::Cow;
use std::fmt;

use crate::wire::text;
use japay_core::charset::Charset;

/// The charset of the percent-encoded text in an answer, chosen by the request's `version`
/// parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub enum Version {
    /// No `version` parameter or `version=1`: text is CP932 (Windows-31J).
    #[default]
    V1,
    /// `version=2`: text is UTF-8.
    V2,
}

impl Version {
    /// Parses the value of the request's `version` parameter (`"1"` or `"2"`).
    ///
    /// Returns `None` for anything else, including the empty string and surrounding
    /// whitespace.
    pub fn from_param(s: &str) -> Option<Version> {
        match s {
            "1" => Some(Version::V1),
            "2" => Some(Version::V2),
            _ => None,
        }
    }

    /// The value of the request's `version` parameter selecting this version.
    pub fn as_param(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2 => "2",
        }
    }

    /// The name of the charset the text is decoded with: `"cp932"` or `"utf-8"`.
    pub fn charset_name(self) -> &'static str {
        self.charset().label()
    }

    /// The charset the text is decoded with: [`Charset::Cp932`] or [`Charset::Utf8`].
    pub fn charset(self) -> Charset {
        match self {
            Version::V1 => Charset::Cp932,
            Version::V2 => Charset::Utf8,
        }
    }
}

/// Decodes percent-decoded bytes strictly as CP932 ([`Version::V1`]; the WHATWG
/// `Shift_JIS` decoder of `encoding_rs`, which is Windows-31J) or UTF-8 ([`Version::V2`]).
///
/// Borrowed input that is valid as it stands (ASCII, or UTF-8 for version 2) gives borrowed
/// output. Nothing is guessed from the bytes: `C3 BD` is ﾃｽ for version 1 and ý for
/// version 2.
///
/// # Errors
///
/// Returns a [`CharsetError`] with the offset of the first invalid byte sequence; invalid
/// bytes are never replaced with U+FFFD.
///
/// # Examples
///
/// ```
/// use std::borrow::Cow;
/// use epsilon_proto::answer::{Version, decode_text};
///
/// let bytes: &[u8] = b"\xC3\xBD";
/// assert_eq!(decode_text(Cow::Borrowed(bytes), Version::V1)?, "ﾃｽ");
/// assert_eq!(decode_text(Cow::Borrowed(bytes), Version::V2)?, "ý");
/// let truncated: &[u8] = b"ab\x82";
/// assert_eq!(decode_text(Cow::Borrowed(truncated), Version::V1).unwrap_err().offset, 2);
/// # Ok::<(), epsilon_proto::answer::CharsetError>(())
/// ```
pub fn decode_text(bytes: Cow<'_, [u8]>, version: Version) -> Result<Cow<'_, str>, CharsetError> {
    text::decode(bytes, version.charset()).map_err(|e| CharsetError { version, offset: e.offset })
}

/// Bytes that are not valid text in the charset of a [`Version`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CharsetError {
    /// The version whose charset was used.
    pub version: Version,
    /// Byte offset of the first invalid byte sequence.
    pub offset: usize,
}

impl fmt::Display for CharsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {} text (version {}), found an invalid byte sequence at offset {}",
            self.version.charset_name(),
            self.version.as_param(),
            self.offset
        )
    }
}

impl std::error::Error for CharsetError {}
