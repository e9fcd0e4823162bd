//! [`ParseError`]: why an answer body or query string could not be decoded.

use std::fmt;

use super::version::Version;

/// Why a body or query string could not be decoded.
///
/// Messages name attributes and give byte offsets, but never show attribute values (they may
/// hold personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is empty or holds only whitespace.
    Empty,
    /// A byte that is not 7-bit ASCII (bodies are ASCII; text is percent-encoded).
    #[non_exhaustive]
    NonAscii {
        /// Byte offset in the body.
        offset: usize,
    },
    /// A control character (other than TAB, CR, LF) in the body, or a control character or
    /// space in a query string.
    #[non_exhaustive]
    InvalidCharacter {
        /// Byte offset in the input.
        offset: usize,
    },
    /// The body is not XML: it does not start with markup.
    #[non_exhaustive]
    NotXml {
        /// Byte offset in the body.
        offset: usize,
    },
    /// The body is an HTML page (an HTML doctype or an `html` root element), such as a web
    /// server's error page.
    #[non_exhaustive]
    Html {
        /// Byte offset of the doctype or element in the body.
        offset: usize,
    },
    /// A document type declaration.
    #[non_exhaustive]
    Doctype {
        /// Byte offset of `<!DOCTYPE` in the body.
        offset: usize,
    },
    /// A CDATA section.
    #[non_exhaustive]
    Cdata {
        /// Byte offset of `<![CDATA[` in the body.
        offset: usize,
    },
    /// A processing instruction.
    #[non_exhaustive]
    ProcessingInstruction {
        /// Byte offset of `<?` in the body.
        offset: usize,
    },
    /// An XML declaration that is not at the very start of the body.
    #[non_exhaustive]
    MisplacedDeclaration {
        /// Byte offset of `<?xml` in the body.
        offset: usize,
    },
    /// The root element is not `Epsilon_result`.
    #[non_exhaustive]
    WrongRoot {
        /// Byte offset of the element in the body.
        offset: usize,
        /// The element name found (at most 64 bytes).
        found: String,
    },
    /// The root element has an attribute.
    #[non_exhaustive]
    RootAttribute {
        /// Byte offset of the root element in the body.
        offset: usize,
        /// The name of the first attribute (at most 64 bytes).
        attribute: String,
    },
    /// An element other than `result` inside the root, or any element inside `result`.
    #[non_exhaustive]
    UnexpectedElement {
        /// Byte offset of the element in the body.
        offset: usize,
        /// The element name found (at most 64 bytes).
        found: String,
    },
    /// Text other than whitespace inside the document (or character references there).
    #[non_exhaustive]
    UnexpectedText {
        /// Byte offset of the first non-whitespace byte in the body.
        offset: usize,
    },
    /// A `result` element without any attribute.
    #[non_exhaustive]
    MissingAttribute {
        /// Byte offset of the element in the body.
        offset: usize,
    },
    /// The body ends before the document does: inside markup, or before the root element is
    /// opened or closed.
    #[non_exhaustive]
    Truncated {
        /// Byte offset of the unclosed markup, or the body length when an element is left
        /// open.
        offset: usize,
    },
    /// Content after the end of the root element (other than whitespace and comments).
    #[non_exhaustive]
    TrailingContent {
        /// Byte offset of the content in the body.
        offset: usize,
    },
    /// An XML declaration that is not `<?xml version="1.0" …?>` (optionally with `encoding` and `standalone`).
    #[non_exhaustive]
    Declaration {
        /// Byte offset of `<?xml` in the body.
        offset: usize,
    },
    /// `<!` not followed by a comment, a CDATA section or a document type declaration.
    #[non_exhaustive]
    InvalidMarkup {
        /// Byte offset of `<!` in the body.
        offset: usize,
    },
    /// `--` inside a comment (not as part of the closing `-->`).
    #[non_exhaustive]
    Comment {
        /// Byte offset of the `--` in the body.
        offset: usize,
    },
    /// An end tag before the root element is opened.
    #[non_exhaustive]
    UnmatchedEndTag {
        /// Byte offset of `</` in the body.
        offset: usize,
        /// The element name found (at most 64 bytes).
        found: String,
    },
    /// An end tag that does not close the open element.
    #[non_exhaustive]
    MismatchedEndTag {
        /// Byte offset of `</` in the body.
        offset: usize,
        /// The name of the open element.
        expected: String,
        /// The element name found (at most 64 bytes).
        found: String,
    },
    /// An attribute name not followed by `=`.
    #[non_exhaustive]
    ExpectedEquals {
        /// Byte offset of what follows the name in the body.
        offset: usize,
    },
    /// An attribute value without quotes.
    #[non_exhaustive]
    UnquotedValue {
        /// Byte offset of the value in the body.
        offset: usize,
    },
    /// A raw `<` inside an attribute value.
    #[non_exhaustive]
    LessThanInValue {
        /// The attribute name (at most 64 bytes).
        attribute: String,
        /// Byte offset of the `<` in the body.
        offset: usize,
    },
    /// The same attribute name twice in one tag.
    #[non_exhaustive]
    DuplicateAttribute {
        /// The attribute name (at most 64 bytes).
        attribute: String,
        /// Byte offset of the second name in the body.
        offset: usize,
    },
    /// More attributes in one `result` element than [`ParseError::MAX_ATTRIBUTES_PER_ELEMENT`] (the gateway sends
    /// one per element).
    #[non_exhaustive]
    TooManyAttributes {
        /// Byte offset of the first attribute over the limit in the body.
        offset: usize,
    },
    /// An attribute that must have one value occurs again with a different decoded value: `result` always, and
    /// for the typed readers every attribute the operation's spec lists (plus `err_code`, `trans_code`, `state`).
    #[non_exhaustive]
    ConflictingValues {
        /// The attribute name (at most 64 bytes).
        attribute: String,
        /// Byte offset of the later, different raw value in the input.
        offset: usize,
        /// Byte offset of the first raw value in the input.
        first_offset: usize,
    },
    /// An invalid or non-ASCII XML character or entity reference in an attribute value.
    #[non_exhaustive]
    Reference {
        /// The attribute name (at most 64 bytes).
        attribute: String,
        /// Byte offset of the raw attribute value in the body.
        offset: usize,
        /// Byte index of the `&` of the reference in the raw value.
        index: usize,
    },
    /// A `%` not followed by two hex digits in an attribute value.
    #[non_exhaustive]
    Percent {
        /// The attribute name (at most 64 bytes).
        attribute: String,
        /// Byte offset of the raw attribute value in the body.
        offset: usize,
        /// Byte index of the `%` inside the value after XML processing (the same as in the
        /// raw value unless the value holds references or line breaks).
        index: usize,
    },
    /// The percent-decoded bytes of an attribute value are not valid text in the charset of
    /// the version.
    #[non_exhaustive]
    Charset {
        /// The attribute name (at most 64 bytes).
        attribute: String,
        /// The version whose charset was used.
        version: Version,
        /// Byte offset of the raw attribute value in the body.
        offset: usize,
        /// Byte index of the first invalid sequence in the percent-decoded bytes.
        index: usize,
    },
    /// An attribute of a `result` element whose name is not an ASCII XML name (letters, digits, `_`, `-`, `.`,
    /// not starting with a digit, `-` or `.`) or that is not separated from what precedes it by white space.
    #[non_exhaustive]
    AttributeSyntax {
        /// Byte offset of the attribute name in the body.
        offset: usize,
    },
    /// A query-string parameter name that is empty or has characters other than ASCII
    /// letters, digits, `_`, `-` and `.`.
    #[non_exhaustive]
    InvalidName {
        /// Byte offset of the pair in the query string.
        offset: usize,
    },
}

impl ParseError {
    /// The most attributes one `result` element may carry; the gateway sends one.
    pub const MAX_ATTRIBUTES_PER_ELEMENT: usize = 64;

    /// The byte offset in the input the error refers to (0 for [`ParseError::Empty`]; the
    /// start of the raw value for attribute errors).
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Empty => 0,
            ParseError::NonAscii { offset }
            | ParseError::InvalidCharacter { offset }
            | ParseError::NotXml { offset }
            | ParseError::Html { offset }
            | ParseError::Doctype { offset }
            | ParseError::Cdata { offset }
            | ParseError::ProcessingInstruction { offset }
            | ParseError::MisplacedDeclaration { offset }
            | ParseError::WrongRoot { offset, .. }
            | ParseError::RootAttribute { offset, .. }
            | ParseError::UnexpectedElement { offset, .. }
            | ParseError::UnexpectedText { offset }
            | ParseError::MissingAttribute { offset }
            | ParseError::Truncated { offset }
            | ParseError::TrailingContent { offset }
            | ParseError::Declaration { offset }
            | ParseError::InvalidMarkup { offset }
            | ParseError::Comment { offset }
            | ParseError::UnmatchedEndTag { offset, .. }
            | ParseError::MismatchedEndTag { offset, .. }
            | ParseError::ExpectedEquals { offset }
            | ParseError::UnquotedValue { offset }
            | ParseError::LessThanInValue { offset, .. }
            | ParseError::DuplicateAttribute { offset, .. }
            | ParseError::TooManyAttributes { offset }
            | ParseError::ConflictingValues { offset, .. }
            | ParseError::Reference { offset, .. }
            | ParseError::Percent { offset, .. }
            | ParseError::Charset { offset, .. }
            | ParseError::AttributeSyntax { offset }
            | ParseError::InvalidName { offset } => *offset,
        }
    }

    /// The name of the attribute the error is about: one whose value could not be decoded, a duplicate, or a
    /// conflicting value.
    pub fn attribute(&self) -> Option<&str> {
        match self {
            ParseError::Reference { attribute, .. }
            | ParseError::LessThanInValue { attribute, .. }
            | ParseError::DuplicateAttribute { attribute, .. }
            | ParseError::ConflictingValues { attribute, .. }
            | ParseError::Percent { attribute, .. }
            | ParseError::Charset { attribute, .. } => Some(attribute),
            _ => None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => f.write_str("expected an xml document, found an empty body"),
            ParseError::NonAscii { offset } => {
                write!(f, "expected 7-bit ascii, found a non-ascii byte at offset {offset}")
            }
            ParseError::InvalidCharacter { offset } => {
                write!(f, "expected printable ascii, found a control character at offset {offset}")
            }
            ParseError::NotXml { offset } => {
                write!(f, "expected an xml document, found text that is not markup at offset {offset}")
            }
            ParseError::Html { offset } => write!(f, "expected an xml document, found an html page at offset {offset}"),
            ParseError::Doctype { offset } => {
                write!(f, "expected no document type declaration, found one at offset {offset}")
            }
            ParseError::Cdata { offset } => {
                write!(f, "expected no cdata section, found one at offset {offset}")
            }
            ParseError::ProcessingInstruction { offset } => {
                write!(f, "expected no processing instruction, found one at offset {offset}")
            }
            ParseError::MisplacedDeclaration { offset } => {
                write!(f, "expected the xml declaration at the start of the body, found it at offset {offset}")
            }
            ParseError::WrongRoot { offset, found } => {
                write!(f, "expected root element `Epsilon_result`, found `{found}` at offset {offset}")
            }
            ParseError::RootAttribute { offset, attribute } => write!(
                f,
                "expected `Epsilon_result` without attributes, found attribute `{attribute}` on the element at offset {offset}"
            ),
            ParseError::UnexpectedElement { offset, found } => {
                write!(f, "expected an empty `result` element, found element `{found}` at offset {offset}")
            }
            ParseError::UnexpectedText { offset } => {
                write!(f, "expected only whitespace between elements, found text at offset {offset}")
            }
            ParseError::MissingAttribute { offset } => {
                write!(f, "expected at least one attribute on the `result` element at offset {offset}")
            }
            ParseError::Truncated { offset } => write!(
                f,
                "expected a complete document, found the body truncated (unclosed markup or element at offset {offset})"
            ),
            ParseError::TrailingContent { offset } => {
                write!(f, "expected the end of the body after the root element, found more content at offset {offset}")
            }
            ParseError::Declaration { offset } => {
                write!(f, "expected an xml declaration of the form <?xml version=\"1.0\" …?> at offset {offset}")
            }
            ParseError::InvalidMarkup { offset } => {
                write!(f, "expected a comment, cdata section or doctype after `<!` at offset {offset}")
            }
            ParseError::Comment { offset } => {
                write!(f, "expected no `--` inside a comment, found one at offset {offset}")
            }
            ParseError::UnmatchedEndTag { offset, found } => {
                write!(f, "expected no end tag before the root element, found `</{found}>` at offset {offset}")
            }
            ParseError::MismatchedEndTag { offset, expected, found } => {
                write!(f, "expected `</{expected}>`, found `</{found}>` at offset {offset}")
            }
            ParseError::ExpectedEquals { offset } => {
                write!(f, "expected `=` after the attribute name at offset {offset}")
            }
            ParseError::UnquotedValue { offset } => {
                write!(f, "expected a quoted attribute value at offset {offset}")
            }
            ParseError::LessThanInValue { attribute, offset } => {
                write!(f, "expected no raw `<` in the value of attribute `{attribute}`, found one at offset {offset}")
            }
            ParseError::DuplicateAttribute { attribute, offset } => {
                write!(f, "expected each attribute name once per tag, found `{attribute}` again at offset {offset}")
            }
            ParseError::TooManyAttributes { offset } => write!(
                f,
                "expected at most {} attributes per `result` element, found more at offset {offset}",
                ParseError::MAX_ATTRIBUTES_PER_ELEMENT
            ),
            ParseError::ConflictingValues { attribute, offset, first_offset } => write!(
                f,
                "expected one value for attribute `{attribute}`, found a different value at offset {offset} \
                 (first value at offset {first_offset})"
            ),
            ParseError::Reference { attribute, offset, index } => write!(
                f,
                "expected valid ascii character or entity references in attribute `{attribute}` (value at offset {offset}), found an invalid one at byte {index} of the value"
            ),
            ParseError::Percent { attribute, offset, index } => write!(
                f,
                "expected two hex digits after `%` at byte {index} of attribute `{attribute}` (value at offset {offset})"
            ),
            ParseError::Charset { attribute, version, offset, index } => write!(
                f,
                "expected {} text (version {}) in attribute `{attribute}` (value at offset {offset}), found an invalid byte sequence at byte {index} of the percent-decoded value",
                version.charset_name(),
                version.as_param()
            ),
            ParseError::AttributeSyntax { offset } => write!(
                f,
                "expected an attribute name of ascii letters, digits, `_`, `-` or `.` after white space at offset {offset}"
            ),
            ParseError::InvalidName { offset } => write!(
                f,
                "expected a non-empty parameter name of ascii letters, digits, `_`, `-` or `.` at offset {offset}"
            ),
        }
    }
}

impl std::error::Error for ParseError {}
