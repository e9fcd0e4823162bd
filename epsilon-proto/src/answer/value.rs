//! The value of one attribute: XML whitespace normalization and references, then percent-decoding (`+` is a space),
//! then strict text decoding in the charset of the [`Version`].

use std::borrow::Cow;

use super::error::{ParseError, name_for_error};
use super::version::Version;
use crate::wire::text::{self, ValueError};

/// Decodes one XML attribute value: XML normalization and references, then percent-decoding,
/// then the charset. `offset` is the body offset of `raw`, for errors.
pub(crate) fn decode_xml_value<'a>(
    name: &str,
    raw: &'a str,
    offset: usize,
    version: Version,
) -> Result<Cow<'a, str>, ParseError> {
    if !raw.bytes().any(|b| matches!(b, b'%' | b'+' | b'&' | b'\t' | b'\r' | b'\n')) {
        return Ok(Cow::Borrowed(raw));
    }
    let reference_error =
        |index: usize| ParseError::Reference { attribute: name_for_error(name.as_bytes()), offset, index };
    let unescaped: Cow<'a, str> = match normalize_attribute_space(raw) {
        Cow::Borrowed(s) => quick_xml::escape::unescape(s).map_err(|e| reference_error(escape_error_index(&e)))?,
        Cow::Owned(s) => Cow::Owned(
            quick_xml::escape::unescape(&s).map_err(|e| reference_error(escape_error_index(&e)))?.into_owned(),
        ),
    };
    if let Some(index) = unescaped.bytes().position(|b| !b.is_ascii()) {
        return Err(reference_error(index));
    }
    decode_percent_text(name, unescaped, offset, version)
}

/// Percent-decodes `text` (a query value, or an attribute value after XML processing) and decodes the bytes in the
/// charset of `version`. `offset` is the input offset of the raw value, for errors.
pub(crate) fn decode_percent_text<'a>(
    name: &str,
    text: Cow<'a, str>,
    offset: usize,
    version: Version,
) -> Result<Cow<'a, str>, ParseError> {
    text::decode_percent_encoded(text, version.charset()).map_err(|e| match e {
        ValueError::Percent { index } => {
            ParseError::Percent { attribute: name_for_error(name.as_bytes()), offset, index }
        }
        ValueError::Charset { index } => {
            ParseError::Charset { attribute: name_for_error(name.as_bytes()), version, offset, index }
        }
    })
}

/// XML attribute-value normalization: CR LF, CR, LF and TAB each become one space.
fn normalize_attribute_space(raw: &str) -> Cow<'_, str> {
    if !raw.bytes().any(|b| matches!(b, b'\t' | b'\r' | b'\n')) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(' ');
            }
            '\t' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The byte index inside the value where an XML reference error starts.
fn escape_error_index(e: &quick_xml::escape::EscapeError) -> usize {
    use quick_xml::escape::EscapeError;
    match e {
        EscapeError::UnrecognizedEntity(range, _) | EscapeError::UnterminatedEntity(range) => {
            range.start.saturating_sub(1)
        }
        _ => 0,
    }
}
