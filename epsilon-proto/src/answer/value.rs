//! The value of one attribute: XML whitespace normalization and references, then percent-decoding (`+` is a space),
//! then strict text decoding in the charset of the [`Version`].

use std::borrow::Cow;

use super::error::ParseError;
use super::version::Version;
use crate::wire::text::{self, ValueError};
use crate::wire::xml::{self, References, name_for_error};

/// Which decoding steps a raw value needs, collected while it is scanned: the union of [`Escapes::class`] of its
/// bytes.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Escapes(pub(crate) u8);

impl Escapes {
    /// A `%` or `+`: percent-decoding.
    pub(crate) const PERCENT: u8 = 1;
    /// A `&`, TAB, CR or LF: XML references and whitespace normalization.
    pub(crate) const XML: u8 = 2;
    /// A byte that ends a raw value or is not allowed in it: `"`, `'`, `<`.
    pub(crate) const STOP: u8 = 4;

    /// The class bits of every byte. (Indexing in a constant is checked when the crate compiles.)
    #[allow(clippy::indexing_slicing)]
    const CLASSES: [u8; 256] = {
        let mut table = [0u8; 256];
        table[b'%' as usize] = Escapes::PERCENT;
        table[b'+' as usize] = Escapes::PERCENT;
        table[b'&' as usize] = Escapes::XML;
        table[b'\t' as usize] = Escapes::XML;
        table[b'\r' as usize] = Escapes::XML;
        table[b'\n' as usize] = Escapes::XML;
        table[b'"' as usize] = Escapes::STOP;
        table[b'\'' as usize] = Escapes::STOP;
        table[b'<' as usize] = Escapes::STOP;
        table
    };

    /// The class bits of one byte of a raw value.
    pub(crate) fn class(b: u8) -> u8 {
        Escapes::CLASSES.get(usize::from(b)).copied().unwrap_or(0)
    }
}

/// Decodes one XML attribute value: XML normalization and references, then percent-decoding, then the charset.
/// `offset` is the body offset of `raw`, for errors; `escapes` says which steps it needs.
pub(crate) fn decode_xml_value<'a>(
    name: &str,
    raw: &'a str,
    offset: usize,
    version: Version,
    escapes: Escapes,
) -> Result<Cow<'a, str>, ParseError> {
    if escapes.0 & Escapes::XML != 0 {
        let unescaped = unescape(raw).map_err(|index| ParseError::Reference {
            attribute: name_for_error(name.as_bytes()),
            offset,
            index,
        })?;
        decode_percent_text(name, Cow::Owned(unescaped), offset, version)
    } else if escapes.0 & Escapes::PERCENT != 0 {
        decode_percent_text(name, Cow::Borrowed(raw), offset, version)
    } else {
        Ok(Cow::Borrowed(raw))
    }
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
        ValueError::Percent { index, .. } => {
            ParseError::Percent { attribute: name_for_error(name.as_bytes()), offset, index }
        }
        other => {
            ParseError::Charset { attribute: name_for_error(name.as_bytes()), version, offset, index: other.index() }
        }
    })
}

/// XML attribute-value normalization (CR LF, CR, LF and TAB each become one space) and references (`&lt;` `&gt;`
/// `&amp;` `&apos;` `&quot;`, `&#DDD;`, `&#xHHH;`), which must stand for ASCII characters XML allows (TAB, LF, CR,
/// U+0020..=U+007F: [`References::ASCII`]). `Err` holds the index of the `&` of a bad reference in `raw`.
fn unescape(raw: &str) -> Result<String, usize> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        let c = match b {
            b'\r' => {
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                ' '
            }
            b'\t' | b'\n' => ' ',
            b'&' => {
                let amp = i - 1;
                let rest = bytes.get(i..).unwrap_or_default();
                // the longest reference that can stand for an ASCII character is `&#x0000007F;` and the like; a
                // bounded look-ahead keeps this linear
                let semi = rest.iter().take(16).position(|&b| b == b';').ok_or(amp)?;
                let entity = rest.get(..semi).unwrap_or_default();
                i += semi + 1;
                xml::resolve_reference(entity, References::ASCII).ok_or(amp)?
            }
            b => char::from(b),
        };
        out.push(c);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_to_ascii_xml_characters_only() {
        assert_eq!(unescape("a&amp;b&#38;&#x25;41&lt;&gt;&apos;&quot;&#10;").unwrap(), "a&b&%41<>'\"\n");
        assert_eq!(unescape("a\r\nb\rc\td\ne").unwrap(), "a b c d e");
        assert_eq!(unescape("&#0000000065;").unwrap(), "A");
        for (raw, index) in [
            ("a&nbsp;", 1),
            ("&#x3042;", 0),
            ("ab&#xZZ;", 2),
            ("&#0;", 0),
            ("&#1;", 0),
            ("&#;", 0),
            ("&#X41;", 0),
            ("&amp", 0),
            ("x&#99999999999999;", 1),
            ("&#x;", 0),
        ] {
            assert_eq!(unescape(raw), Err(index), "{raw}");
        }
    }
}
