//! [`AnswerError`]: why an answer body could not be read.

use std::fmt;

/// Why an answer body could not be read.
///
/// Messages name elements and give byte offsets in the body, but never show values (they may hold personal or
/// card data).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerError {
    /// The body is empty or holds only whitespace.
    Empty,
    /// The body is not valid UTF-8.
    #[non_exhaustive]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A character XML does not allow (a control character other than TAB, LF and CR, U+FFFE or U+FFFF).
    #[non_exhaustive]
    InvalidCharacter {
        /// Byte offset of the character.
        offset: usize,
    },
    /// The XML declaration names an encoding other than UTF-8.
    #[non_exhaustive]
    UnsupportedEncoding {
        /// Byte offset of the declaration.
        offset: usize,
        /// The declared label (ASCII, at most 64 bytes).
        label: String,
    },
    /// The body does not start with markup.
    #[non_exhaustive]
    NotXml {
        /// Byte offset of the first byte that is not whitespace.
        offset: usize,
    },
    /// An HTML page (an HTML doctype or an `html` root), such as a web server's error page.
    #[non_exhaustive]
    Html {
        /// Byte offset of the doctype or element.
        offset: usize,
    },
    /// A document type declaration.
    #[non_exhaustive]
    Doctype {
        /// Byte offset of `<!DOCTYPE`.
        offset: usize,
    },
    /// A processing instruction (other than the XML declaration at the very start).
    #[non_exhaustive]
    ProcessingInstruction {
        /// Byte offset of `<?`.
        offset: usize,
    },
    /// An XML declaration that is not at the very start of the body.
    #[non_exhaustive]
    MisplacedDeclaration {
        /// Byte offset of `<?xml`.
        offset: usize,
    },
    /// The root element is not `<return>`.
    #[non_exhaustive]
    WrongRoot {
        /// Byte offset of the element.
        offset: usize,
        /// The element name found (at most 64 bytes).
        found: String,
    },
    /// An attribute (only `xmlns` declarations on the root are allowed).
    #[non_exhaustive]
    UnexpectedAttribute {
        /// Byte offset of the element's start tag.
        offset: usize,
        /// The element name (at most 64 bytes).
        element: String,
    },
    /// An element name that is not an ASCII XML name (a letter or `_`, then letters, digits, `_`, `-`, `.`).
    #[non_exhaustive]
    InvalidName {
        /// Byte offset of the element's tag.
        offset: usize,
    },
    /// Text other than whitespace where only elements may be: directly in `<return>`, between the values of a
    /// group, or mixed with the child elements of a group.
    #[non_exhaustive]
    UnexpectedText {
        /// Byte offset of the text.
        offset: usize,
    },
    /// An element inside a group's value element: answers nest at most `<return>` → group → value.
    #[non_exhaustive]
    TooDeep {
        /// Byte offset of the element.
        offset: usize,
        /// The element name (at most 64 bytes).
        element: String,
    },
    /// A child of `<return>` used both as a value (no child elements) and as a group (with child elements).
    #[non_exhaustive]
    ShapeConflict {
        /// Byte offset of the occurrence that conflicts with an earlier one.
        offset: usize,
        /// The element name (at most 64 bytes).
        element: String,
    },
    /// A value element repeated in the same block with a different value: the answer is ambiguous.
    #[non_exhaustive]
    ConflictingDuplicate {
        /// The element name (at most 64 bytes).
        element: String,
        /// Byte offset of the repetition.
        offset: usize,
        /// Byte offset of the first occurrence.
        first_offset: usize,
    },
    /// An entity other than `lt`, `gt`, `amp`, `apos`, `quot`, or a character reference that is malformed or names
    /// a character XML does not allow.
    #[non_exhaustive]
    Reference {
        /// Byte offset of the `&`.
        offset: usize,
    },
    /// The body ends before the document does: inside markup, or with an element still open.
    #[non_exhaustive]
    Truncated {
        /// Byte offset of the unclosed markup, or the body length when an element is left open.
        offset: usize,
    },
    /// Content after the end of the root element (other than whitespace and comments).
    #[non_exhaustive]
    TrailingContent {
        /// Byte offset of the content.
        offset: usize,
    },
    /// Malformed XML of another kind.
    #[non_exhaustive]
    Xml {
        /// Byte offset.
        offset: usize,
        /// What was expected (names markup, never values).
        message: String,
    },
}

impl AnswerError {
    /// The byte offset in the body the error refers to (0 for [`AnswerError::Empty`]).
    pub fn offset(&self) -> usize {
        match self {
            AnswerError::Empty => 0,
            AnswerError::InvalidUtf8 { offset }
            | AnswerError::InvalidCharacter { offset }
            | AnswerError::UnsupportedEncoding { offset, .. }
            | AnswerError::NotXml { offset }
            | AnswerError::Html { offset }
            | AnswerError::Doctype { offset }
            | AnswerError::ProcessingInstruction { offset }
            | AnswerError::MisplacedDeclaration { offset }
            | AnswerError::WrongRoot { offset, .. }
            | AnswerError::UnexpectedAttribute { offset, .. }
            | AnswerError::InvalidName { offset }
            | AnswerError::UnexpectedText { offset }
            | AnswerError::TooDeep { offset, .. }
            | AnswerError::ShapeConflict { offset, .. }
            | AnswerError::ConflictingDuplicate { offset, .. }
            | AnswerError::Reference { offset }
            | AnswerError::Truncated { offset }
            | AnswerError::TrailingContent { offset }
            | AnswerError::Xml { offset, .. } => *offset,
        }
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::Empty => f.write_str("empty answer body"),
            AnswerError::InvalidUtf8 { offset } => write!(f, "invalid utf-8 at byte {offset}"),
            AnswerError::InvalidCharacter { offset } => {
                write!(f, "character not allowed in xml at byte {offset}")
            }
            AnswerError::UnsupportedEncoding { offset, label } => {
                write!(f, "declared encoding `{label}` at byte {offset} is not utf-8")
            }
            AnswerError::NotXml { offset } => write!(f, "not xml: expected markup at byte {offset}"),
            AnswerError::Html { offset } => write!(f, "html page instead of an answer at byte {offset}"),
            AnswerError::Doctype { offset } => write!(f, "unexpected doctype at byte {offset}"),
            AnswerError::ProcessingInstruction { offset } => {
                write!(f, "unexpected processing instruction at byte {offset}")
            }
            AnswerError::MisplacedDeclaration { offset } => {
                write!(f, "xml declaration not at the start of the body (byte {offset})")
            }
            AnswerError::WrongRoot { offset, found } => {
                write!(f, "expected root element `return`, found `{found}` at byte {offset}")
            }
            AnswerError::UnexpectedAttribute { offset, element } => {
                write!(f, "unexpected attribute on element `{element}` at byte {offset}")
            }
            AnswerError::InvalidName { offset } => write!(f, "invalid element name at byte {offset}"),
            AnswerError::UnexpectedText { offset } => write!(f, "unexpected text at byte {offset}"),
            AnswerError::TooDeep { offset, element } => {
                write!(f, "element `{element}` at byte {offset} is nested too deep")
            }
            AnswerError::ShapeConflict { offset, element } => {
                write!(f, "element `{element}` at byte {offset} is used both as a value and as a group")
            }
            AnswerError::ConflictingDuplicate { element, offset, first_offset } => {
                write!(f, "conflicting values for element `{element}` at byte {offset} (first at byte {first_offset})")
            }
            AnswerError::Reference { offset } => write!(f, "invalid entity or character reference at byte {offset}"),
            AnswerError::Truncated { offset } => write!(f, "truncated body at byte {offset}"),
            AnswerError::TrailingContent { offset } => {
                write!(f, "unexpected content after the root element at byte {offset}")
            }
            AnswerError::Xml { offset, message } => write!(f, "malformed xml at byte {offset}: {message}"),
        }
    }
}

impl std::error::Error for AnswerError {}
