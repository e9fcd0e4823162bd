//! XML rules the answer readers share: the byte order mark, white space, the five predefined entities and character
//! references (with a parameter for which characters a gateway's dialect lets a reference stand for), and names
//! quoted in error messages.
//!
//! These are pieces, not a parser: each gateway's reader keeps its own scanner (or event loop), its own shape rules
//! and its own errors, and calls these functions for the parts XML defines once.

/// The UTF-8 byte order mark, allowed before everything else in a document (XML 1.0 §4.3.3).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether `b` is XML white space (`S`): space, TAB, CR or LF.
pub fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether `c` is an XML 1.0 `Char`: TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Which character references a dialect accepts: what they may stand for, and how many digits they may have.
///
/// The two dialects are [`References::ASCII`] and [`References::XML_CHAR`]; both refuse a reference to a character
/// XML does not allow, an empty or non-numeric reference, an upper-case `X` and a value beyond U+10FFFF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct References {
    /// Whether a reference may stand only for ASCII characters XML allows (TAB, LF, CR, U+0020–U+007F) instead of
    /// any XML 1.0 `Char` ([`is_xml_char`]).
    pub ascii_only: bool,
    /// The most digits (leading zeros included) after `&#` or `&#x`.
    pub max_digits: usize,
}

impl References {
    /// References to ASCII characters XML allows (TAB, LF, CR, U+0020–U+007F), with any number of digits: for
    /// answers whose text is ASCII and carries other characters percent-encoded.
    pub const ASCII: References = References { ascii_only: true, max_digits: usize::MAX };

    /// References to any XML 1.0 `Char` ([`is_xml_char`]), with at most 8 digits: for answers whose text is UTF-8.
    pub const XML_CHAR: References = References { ascii_only: false, max_digits: 8 };

    /// Whether a reference may stand for `c` in this dialect.
    pub fn allows(&self, c: char) -> bool {
        if self.ascii_only { matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7F}') } else { is_xml_char(c) }
    }
}

/// The character a reference stands for, given what stands between its `&` and `;`: one of the five predefined
/// entities (`lt`, `gt`, `amp`, `apos`, `quot`) or a character reference (`#DDD`, `#xHHH`) that `rules` accepts.
/// `None` for anything else (another entity, a malformed or refused character reference).
///
/// Takes time linear in `name`.
///
/// ```
/// use japay_core::wire::xml::{References, resolve_reference};
///
/// assert_eq!(resolve_reference(b"amp", References::ASCII), Some('&'));
/// assert_eq!(resolve_reference(b"#x41", References::ASCII), Some('A'));
/// assert_eq!(resolve_reference(b"#x3042", References::ASCII), None);
/// assert_eq!(resolve_reference(b"#x3042", References::XML_CHAR), Some('あ'));
/// assert_eq!(resolve_reference(b"nbsp", References::XML_CHAR), None);
/// ```
pub fn resolve_reference(name: &[u8], rules: References) -> Option<char> {
    let c = match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        [b'#', b'x', hex @ ..] => char_ref(hex, 16, rules.max_digits)?,
        [b'#', dec @ ..] => char_ref(dec, 10, rules.max_digits)?,
        _ => return None,
    };
    rules.allows(c).then_some(c)
}

/// The character of a character reference's digits, if there are 1 to `max_digits` of them in `radix` and they name
/// a Unicode scalar value.
fn char_ref(digits: &[u8], radix: u32, max_digits: usize) -> Option<char> {
    if digits.is_empty() || digits.len() > max_digits {
        return None;
    }
    let mut n: u32 = 0;
    for &b in digits {
        let d = char::from(b).to_digit(radix)?;
        n = n.checked_mul(radix)?.checked_add(d)?;
    }
    char::from_u32(n)
}

/// The longest element or attribute name (or other markup word, such as an encoding label) [`name_for_error`]
/// quotes, in bytes.
pub const MAX_NAME_IN_ERROR: usize = 64;

/// A name from the input for an error message: ASCII graphic characters (anything else becomes `?`), at most
/// [`MAX_NAME_IN_ERROR`] bytes, followed by `…` when it was cut.
///
/// ```
/// use japay_core::wire::xml::name_for_error;
///
/// assert_eq!(name_for_error(b"result"), "result");
/// assert_eq!(name_for_error("名前 x".as_bytes()), "???????x");
/// assert_eq!(name_for_error(&[b'a'; 65]), format!("{}…", "a".repeat(64)));
/// ```
pub fn name_for_error(name: &[u8]) -> String {
    let mut s: String =
        name.iter().take(MAX_NAME_IN_ERROR).map(|&b| if b.is_ascii_graphic() { char::from(b) } else { '?' }).collect();
    if name.len() > MAX_NAME_IN_ERROR {
        s.push('…');
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn predefined_entities_resolve_in_both_dialects() {
        for rules in [References::ASCII, References::XML_CHAR] {
            for (name, c) in [("lt", '<'), ("gt", '>'), ("amp", '&'), ("apos", '\''), ("quot", '"')] {
                assert_eq!(resolve_reference(name.as_bytes(), rules), Some(c), "{name}");
            }
            for name in ["nbsp", "", "#", "#x", "#X41", "#x-1", "#+65", "#1", "#0", "#xD800", "#x110000", "AMP"] {
                assert_eq!(resolve_reference(name.as_bytes(), rules), None, "{name}");
            }
        }
    }

    #[test]
    fn the_dialects_differ_in_characters_and_digits() {
        let ascii = References::ASCII;
        let any = References::XML_CHAR;
        // ASCII: TAB, LF, CR, U+0020..=U+007F, any number of digits
        assert_eq!(resolve_reference(b"#10", ascii), Some('\n'));
        assert_eq!(resolve_reference(b"#x7F", ascii), Some('\u{7F}'));
        assert_eq!(resolve_reference(b"#x80", ascii), None);
        assert_eq!(resolve_reference(b"#0000000065", ascii), Some('A'));
        assert_eq!(resolve_reference(b"#99999999999999", ascii), None);
        // any XML Char, at most 8 digits
        assert_eq!(resolve_reference(b"#x3042", any), Some('あ'));
        assert_eq!(resolve_reference(b"#x10FFFF", any), Some('\u{10FFFF}'));
        assert_eq!(resolve_reference(b"#xFFFE", any), None);
        assert_eq!(resolve_reference(b"#00000065", any), Some('A'));
        assert_eq!(resolve_reference(b"#000000065", any), None);
        assert!(any.allows('\u{7F}') && !any.allows('\u{0}') && ascii.allows(' ') && !ascii.allows('é'));
    }

    #[test]
    fn space_and_names() {
        assert!(b" \t\r\n".iter().all(|&b| is_xml_space(b)));
        assert!(!is_xml_space(0x0C) && !is_xml_space(b'x'));
        assert_eq!(name_for_error(b""), "");
        assert_eq!(name_for_error(&[b'x'; 64]).len(), 64);
        assert_eq!(BOM, "\u{FEFF}".as_bytes());
    }
}
