//! A strict reader for Kuroneko Web Collect's XML answers.
//!
//! Every API function answers with one XML shape (facts §3.1): a root `<return>` whose children carry the result
//! fields as element text, and repeated groups (`resultData` of E04, `cardData` of A03) as repeated sibling elements
//! whose own children carry the fields of one row:
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <return>
//!   <returnCode>0</returnCode>
//!   <errorCode/>
//!   <returnDate>20260401123000</returnDate>
//!   <resultCount>1</resultCount>
//!   <resultData>
//!     <orderNo>A0001</orderNo>
//!     <settleDate/>
//!     <statusInfo>1</statusInfo>
//!   </resultData>
//! </return>
//! ```
//!
//! The reader is strict and fails closed:
//!
//! * **UTF-8, never guessed.** The body must be valid UTF-8 (an initial byte order mark is skipped); an XML
//!   declaration naming another encoding is an error. Nothing is ever replaced with U+FFFD.
//! * **XML text rules.** The five predefined entities and character references are resolved (an entity-escaped
//!   `threeDAuthHtml` comes back as the HTML to write to the browser); CDATA sections are text; line ends are
//!   normalized to LF as XML requires; comments are skipped. Any other entity (`&nbsp;`) is an error.
//! * **Empty is not absent.** `<settleDate/>` and `<settleDate></settleDate>` are the empty value; an element that is
//!   not there is `None`.
//! * **Shape.** A child of `<return>` with element children is a group, one without is a value. Groups are kept as
//!   an ordered list of [`Block`]s (multimaps), one per occurrence; values of the root form one more [`Block`].
//!   Deeper nesting, text mixed with elements, and a name used both as a value and as a group are errors.
//! * **Duplicates.** A value element repeated in the same block with the same text is kept (both occurrences); with
//!   a different text it is [`AnswerError::ConflictingDuplicate`]: the answer is ambiguous, so it is refused.
//! * **Unknown elements are kept**, in document order.
//! * HTML error pages, truncated bodies, other roots, DOCTYPEs, processing instructions, attributes (other than
//!   namespace declarations on the root) and content after the root are errors.
//!
//! Reading takes time linear in the body on every input and never panics. Errors give byte offsets and element
//! names, never values. The values of secret names ([`SECRET_NAMES`], plus any given to
//! [`Answer::parse_with_secrets`]) are shown as `<redacted>` in `Debug` output.
//!
//! ```
//! use kuroneko_proto::answer::Answer;
//!
//! let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<return>\n  <returnCode>1</returnCode>\n  \
//!     <errorCode>A082000003</errorCode>\n  <returnDate>20260401123000</returnDate>\n</return>\n";
//! let answer = Answer::parse(body.as_bytes())?;
//! assert!(!answer.is_success());
//! assert_eq!(answer.get("errorCode"), Some("A082000003"));
//! assert_eq!(answer.get("crdCResCd"), None);
//! # Ok::<(), kuroneko_proto::answer::AnswerError>(())
//! ```

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The name of the root element of every answer.
pub const ROOT: &str = "return";

/// The name of the element whose value says whether the call succeeded (facts §3.1).
pub const RETURN_CODE: &str = "returnCode";

/// The `returnCode` of a successful call (facts §3.1).
pub const RETURN_CODE_OK: &str = "0";

/// Names whose values are never shown in `Debug` output, as listed under `secrets:` in `spec/kuroneko/gateway.yaml`.
///
/// Names are compared ignoring ASCII case and `_`, so `three_d_token` also covers the element `threeDToken`.
pub const SECRET_NAMES: &[&str] = &[
    "token",
    "threeDToken",
    "three_d_token",
    "threeDAuthHtml",
    "card_no",
    "security_code",
    "card_exp",
    "authentication_key",
    "check_sum",
    "res_pa",
    "hash_value",
];

/// What `Debug` prints instead of a secret value.
const REDACTED: &str = "<redacted>";
/// Longest element or attribute name (or encoding label) quoted in an error.
const MAX_NAME_IN_ERROR: usize = 64;
/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether values of `name` are secret: `name` is one of [`SECRET_NAMES`], compared ignoring ASCII case and `_`
/// (`three_d_token`, `threeDToken` and `THREEDTOKEN` are the same name).
pub fn is_secret(name: &str) -> bool {
    SECRET_NAMES.iter().any(|s| folded(s).eq(folded(name)))
}

/// The bytes of `s` without `_`, ASCII lower-cased.
fn folded(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes().filter(|&b| b != b'_').map(|b| b.to_ascii_lowercase())
}

/// One value element: `<name>value</name>`.
///
/// `Debug` shows `"<redacted>"` instead of the value when the name is secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// The element name, as it stood in the body.
    pub name: &'a str,
    /// The text: references resolved, line ends normalized; borrowed from the body when nothing changed it.
    pub value: Cow<'a, str>,
    /// Byte offset of the element's start tag in the body.
    pub offset: usize,
    /// Whether the name is secret (decided when the answer was read).
    secret: bool,
}

impl Element<'_> {
    /// Whether the value must never be shown (the name is a secret name).
    pub fn is_secret(&self) -> bool {
        self.secret
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &str = if self.secret { REDACTED } else { &self.value };
        f.debug_struct("Element")
            .field("name", &self.name)
            .field("value", &value)
            .field("offset", &self.offset)
            .finish()
    }
}

/// The value elements of one block (the root, or one occurrence of a group), in document order: a multimap.
///
/// A name occurs more than once only with the same value (a conflicting repetition is an error when reading).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Block<'a> {
    elements: Vec<Element<'a>>,
    /// The index of the first element of each name, once the block has more than [`SMALL_BLOCK`] elements (a
    /// linear scan finds names in smaller blocks, which saves a map per `resultData` row).
    index: Option<HashMap<&'a str, usize>>,
}

/// Blocks up to this many elements are searched without an index.
const SMALL_BLOCK: usize = 16;

impl<'a> Block<'a> {
    /// The value of the first element called `name`; `Some("")` for an empty element, `None` when there is none.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.element(name).map(|e| e.value.as_ref())
    }

    /// The first element called `name`.
    pub fn element(&self, name: &str) -> Option<&Element<'a>> {
        self.first_index(name).and_then(|i| self.elements.get(i))
    }

    /// Whether an element called `name` is present (empty or not).
    pub fn contains(&self, name: &str) -> bool {
        self.first_index(name).is_some()
    }

    /// The values of every element called `name`, in document order.
    pub fn get_all<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r str> + 'r {
        self.elements.iter().filter(move |e| e.name == name).map(|e| e.value.as_ref())
    }

    /// Every element, in document order (repetitions included).
    pub fn elements(&self) -> &[Element<'a>] {
        &self.elements
    }

    /// Iterates over every element, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, Element<'a>> {
        self.elements.iter()
    }

    /// The number of elements (repetitions counted).
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Whether the block holds no element.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Adds an element; a repetition with a different value is an error.
    fn insert(&mut self, element: Element<'a>) -> Result<(), AnswerError> {
        if let Some(first) = self.first_index(element.name).and_then(|i| self.elements.get(i)) {
            if first.value != element.value {
                return Err(AnswerError::ConflictingDuplicate {
                    element: name_for_error(element.name.as_bytes()),
                    offset: element.offset,
                    first_offset: first.offset,
                });
            }
        } else if let Some(index) = &mut self.index {
            index.insert(element.name, self.elements.len());
        }
        self.elements.push(element);
        if self.index.is_none() && self.elements.len() > SMALL_BLOCK {
            let mut index = HashMap::with_capacity(self.elements.len() * 2);
            for (i, e) in self.elements.iter().enumerate() {
                index.entry(e.name).or_insert(i);
            }
            self.index = Some(index);
        }
        Ok(())
    }

    /// The index of the first element called `name`.
    fn first_index(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.elements.iter().position(|e| e.name == name),
        }
    }
}

impl fmt::Debug for Block<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.elements.iter().map(|e| {
                let value: &str = if e.secret { REDACTED } else { &e.value };
                (e.name, value)
            }))
            .finish()
    }
}

impl<'r, 'a> IntoIterator for &'r Block<'a> {
    type Item = &'r Element<'a>;
    type IntoIter = std::slice::Iter<'r, Element<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.elements.iter()
    }
}

/// One occurrence of a group element (e.g. one `resultData` row).
#[derive(Clone, PartialEq, Eq)]
pub struct Group<'a> {
    /// The group element's name.
    pub name: &'a str,
    /// Byte offset of its start tag in the body.
    pub offset: usize,
    /// Its value elements.
    pub block: Block<'a>,
}

impl fmt::Debug for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("name", &self.name)
            .field("offset", &self.offset)
            .field("block", &self.block)
            .finish()
    }
}

/// A decoded answer: the value elements of `<return>`, and its group elements in document order.
///
/// `Debug` shows `"<redacted>"` instead of the values of secret names.
#[derive(Clone, PartialEq, Eq)]
pub struct Answer<'a> {
    fields: Block<'a>,
    groups: Vec<Group<'a>>,
}

impl fmt::Debug for Answer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer").field("fields", &self.fields).field("groups", &self.groups).finish()
    }
}

impl<'a> Answer<'a> {
    /// Reads an answer body; the values of [`SECRET_NAMES`] are redacted in `Debug` output.
    ///
    /// # Errors
    ///
    /// An [`AnswerError`] when the body is empty, not valid UTF-8, holds a character XML does not allow, declares an
    /// encoding other than UTF-8, is not XML (plain text, an HTML page), is truncated or malformed, has a root other
    /// than `<return>`, a DOCTYPE, a processing instruction, an attribute (other than `xmlns` declarations on the
    /// root), an element name that is not an ASCII XML name, elements nested deeper than a group's values, text
    /// mixed with elements, a name used both as a value and as a group, a value element repeated with a different
    /// value in the same block, an entity other than the five predefined ones, an invalid character reference, or
    /// content after the root.
    ///
    /// # Examples
    ///
    /// ```
    /// use kuroneko_proto::answer::Answer;
    ///
    /// let body = b"<return><returnCode>0</returnCode><resultCount>2</resultCount>\
    ///     <resultData><orderNo>A1</orderNo><settleDate/></resultData>\
    ///     <resultData><orderNo>A2</orderNo><settleDate>20260401120000</settleDate></resultData></return>";
    /// let answer = Answer::parse(body)?;
    /// let rows: Vec<_> = answer.groups_named("resultData").collect();
    /// assert_eq!(rows.len(), 2);
    /// assert_eq!(rows[0].get("settleDate"), Some(""));
    /// assert_eq!(rows[1].get("settleDate"), Some("20260401120000"));
    /// assert_eq!(rows[1].get("statusInfo"), None);
    ///
    /// // An HTML error page is an error, not an empty answer.
    /// assert!(Answer::parse(b"<!DOCTYPE html><html><body>503</body></html>").is_err());
    /// # Ok::<(), kuroneko_proto::answer::AnswerError>(())
    /// ```
    pub fn parse(body: &'a [u8]) -> Result<Answer<'a>, AnswerError> {
        parse(body, &[])
    }

    /// Reads an answer body like [`Answer::parse`], redacting the values of `secrets` as well as those of
    /// [`SECRET_NAMES`]. Generated views pass the gateway's secret names here.
    ///
    /// # Errors
    ///
    /// As [`Answer::parse`].
    pub fn parse_with_secrets(body: &'a [u8], secrets: &[&str]) -> Result<Answer<'a>, AnswerError> {
        parse(body, secrets)
    }

    /// The value elements of `<return>` itself.
    pub fn fields(&self) -> &Block<'a> {
        &self.fields
    }

    /// The value of the first element of `<return>` called `name` (`Some("")` when empty, `None` when absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name)
    }

    /// Every group element of `<return>`, in document order.
    pub fn groups(&self) -> &[Group<'a>] {
        &self.groups
    }

    /// The blocks of the group elements called `name` (e.g. the `resultData` rows), in document order.
    pub fn groups_named<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r Block<'a>> + 'r {
        self.groups.iter().filter(move |g| g.name == name).map(|g| &g.block)
    }

    /// The value of `returnCode`, if present.
    pub fn return_code(&self) -> Option<&str> {
        self.get(RETURN_CODE)
    }

    /// Whether `returnCode` is present and `0`. Anything else (absent, empty, `1`, an unknown code) is not success.
    pub fn is_success(&self) -> bool {
        self.return_code() == Some(RETURN_CODE_OK)
    }
}

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

/// The text of a value element while it is being read.
#[derive(Default)]
enum Text<'a> {
    /// No text yet.
    #[default]
    None,
    /// One run of text, borrowed from the body unchanged.
    Borrowed(&'a str),
    /// Text built from several runs, references or normalized line ends.
    Owned(String),
}

impl<'a> Text<'a> {
    /// Appends a run of raw text (line ends normalized).
    fn push_run(&mut self, run: &'a str) {
        if run.contains('\r') {
            let normalized = run.replace("\r\n", "\n").replace('\r', "\n");
            self.push_str(&normalized);
        } else if matches!(self, Text::None) {
            *self = Text::Borrowed(run);
        } else {
            self.push_str(run);
        }
    }

    /// Appends text, switching to an owned buffer.
    fn push_str(&mut self, s: &str) {
        match self {
            Text::None => *self = Text::Owned(s.to_owned()),
            Text::Borrowed(b) => {
                let mut owned = String::with_capacity(b.len().saturating_add(s.len()));
                owned.push_str(b);
                owned.push_str(s);
                *self = Text::Owned(owned);
            }
            Text::Owned(o) => o.push_str(s),
        }
    }

    /// Whether the text is empty or XML whitespace only.
    fn is_blank(&self) -> bool {
        self.as_str().bytes().all(is_xml_space)
    }

    fn as_str(&self) -> &str {
        match self {
            Text::None => "",
            Text::Borrowed(b) => b,
            Text::Owned(o) => o,
        }
    }

    fn into_cow(self) -> Cow<'a, str> {
        match self {
            Text::None => Cow::Borrowed(""),
            Text::Borrowed(b) => Cow::Borrowed(b),
            Text::Owned(o) => Cow::Owned(o),
        }
    }
}

/// An open child of `<return>`: a value until its first child element makes it a group.
struct Child<'a> {
    name: &'a str,
    offset: usize,
    text: Text<'a>,
    /// `Some` once the child has a child element.
    group: Option<Block<'a>>,
}

/// An open value element inside a group.
struct Leaf<'a> {
    name: &'a str,
    offset: usize,
    text: Text<'a>,
}

/// Where the reader is in the document.
enum State<'a> {
    /// Before the root element.
    Prolog,
    /// Inside `<return>`, between its children.
    Root,
    /// Inside a child of `<return>`.
    Child(Child<'a>),
    /// Inside a value element of a group.
    Leaf(Child<'a>, Leaf<'a>),
    /// After the root element.
    Epilog,
}

/// What the reader builds.
struct Builder<'a, 's> {
    fields: Block<'a>,
    groups: Vec<Group<'a>>,
    group_names: HashSet<&'a str>,
    /// The secret names (built-in and given), with their folded lengths.
    secrets: Vec<(usize, &'s str)>,
}

impl<'a> Builder<'a, '_> {
    fn element(&self, name: &'a str, offset: usize, text: Text<'a>) -> Element<'a> {
        let len = folded(name).count();
        let secret = self.secrets.iter().any(|&(n, s)| n == len && folded(s).eq(folded(name)));
        Element { name, value: text.into_cow(), offset, secret }
    }

    /// Closes a child of `<return>`.
    fn close_child(&mut self, child: Child<'a>) -> Result<(), AnswerError> {
        match child.group {
            Some(block) => {
                if self.fields.contains(child.name) {
                    return Err(shape_conflict(child.name, child.offset));
                }
                if self.groups.last().is_none_or(|last| last.name != child.name) {
                    self.group_names.insert(child.name);
                }
                self.groups.push(Group { name: child.name, offset: child.offset, block });
            }
            None => {
                if !self.group_names.is_empty() && self.group_names.contains(child.name) {
                    return Err(shape_conflict(child.name, child.offset));
                }
                let element = self.element(child.name, child.offset, child.text);
                self.fields.insert(element)?;
            }
        }
        Ok(())
    }
}

fn shape_conflict(name: &str, offset: usize) -> AnswerError {
    AnswerError::ShapeConflict { offset, element: name_for_error(name.as_bytes()) }
}

/// The reader behind [`Answer::parse`].
fn parse<'a>(body: &'a [u8], extra_secrets: &[&str]) -> Result<Answer<'a>, AnswerError> {
    let base = if body.starts_with(BOM) { BOM.len() } else { 0 };
    let xml = body.get(base..).unwrap_or_default();
    let text = std::str::from_utf8(xml).map_err(|e| AnswerError::InvalidUtf8 { offset: base + e.valid_up_to() })?;
    let Some(first) = text.bytes().position(|b| !is_xml_space(b)) else {
        return Err(AnswerError::Empty);
    };
    if let Some(offset) = find_invalid_character(text) {
        return Err(AnswerError::InvalidCharacter { offset: base + offset });
    }
    if text.as_bytes().get(first) != Some(&b'<') {
        return Err(AnswerError::NotXml { offset: base + first });
    }

    let mut reader = Reader::from_reader(xml);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.check_comments = true;
        config.allow_dangling_amp = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    let secrets = SECRET_NAMES.iter().chain(extra_secrets).map(|&s| (folded(s).count(), s)).collect();
    let mut builder = Builder { fields: Block::default(), groups: Vec::new(), group_names: HashSet::new(), secrets };
    let mut state = State::Prolog;
    loop {
        let start = to_usize(reader.buffer_position());
        let at = base + start;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                let offset = base + to_usize(reader.error_position());
                return Err(if matches!(state, State::Epilog) {
                    AnswerError::TrailingContent { offset }
                } else {
                    xml_error(&err, offset)
                });
            }
        };
        state = match (event, state) {
            (Event::Eof, State::Epilog) => break,
            (Event::Eof, _) => return Err(AnswerError::Truncated { offset: body.len() }),
            (Event::Comment(_), state) => state,
            (Event::Text(t), state) => {
                let run = sub_str(text, &t).ok_or_else(|| internal(at))?;
                on_text(run, at, state)?
            }
            (Event::CData(c), state) => {
                let run = sub_str(text, &c).ok_or_else(|| internal(at))?;
                match state {
                    State::Child(mut child) if child.group.is_none() => {
                        child.text.push_run(run);
                        State::Child(child)
                    }
                    State::Leaf(child, mut leaf) => {
                        leaf.text.push_run(run);
                        State::Leaf(child, leaf)
                    }
                    State::Epilog => return Err(AnswerError::TrailingContent { offset: at }),
                    _ => return Err(AnswerError::UnexpectedText { offset: at }),
                }
            }
            (Event::GeneralRef(r), state) => {
                let c = resolve_reference(&r).ok_or(AnswerError::Reference { offset: at })?;
                let mut buf = [0u8; 4];
                let c: &str = c.encode_utf8(&mut buf);
                match state {
                    State::Child(mut child) if child.group.is_none() => {
                        child.text.push_str(c);
                        State::Child(child)
                    }
                    State::Leaf(child, mut leaf) => {
                        leaf.text.push_str(c);
                        State::Leaf(child, leaf)
                    }
                    State::Epilog => return Err(AnswerError::TrailingContent { offset: at }),
                    _ => return Err(AnswerError::UnexpectedText { offset: at }),
                }
            }
            (_, State::Epilog) => return Err(AnswerError::TrailingContent { offset: at }),
            (Event::Decl(d), State::Prolog) => {
                if start != 0 {
                    return Err(AnswerError::MisplacedDeclaration { offset: at });
                }
                if !matches!(d.version().as_deref(), Ok(b"1.0")) {
                    return Err(AnswerError::Xml {
                        offset: at,
                        message: "expected an xml declaration of the form <?xml version=\"1.0\" …?>".to_owned(),
                    });
                }
                match d.encoding() {
                    None => {}
                    Some(Ok(label)) if label.eq_ignore_ascii_case(b"utf-8") || label.eq_ignore_ascii_case(b"utf8") => {}
                    Some(Ok(label)) => {
                        return Err(AnswerError::UnsupportedEncoding { offset: at, label: name_for_error(&label) });
                    }
                    Some(Err(_)) => {
                        return Err(AnswerError::Xml {
                            offset: at,
                            message: "expected a quoted encoding in the xml declaration".to_owned(),
                        });
                    }
                }
                State::Prolog
            }
            (Event::Decl(_), _) => return Err(AnswerError::MisplacedDeclaration { offset: at }),
            (Event::DocType(d), state) => {
                let content = d.iter().skip_while(|&&b| is_xml_space(b));
                let is_html = content.take(4).map(u8::to_ascii_lowercase).eq(b"html".iter().copied());
                return Err(if is_html && matches!(state, State::Prolog) {
                    AnswerError::Html { offset: at }
                } else {
                    AnswerError::Doctype { offset: at }
                });
            }
            (Event::PI(_), _) => return Err(AnswerError::ProcessingInstruction { offset: at }),
            (Event::Start(e), state) => on_open(text, at, &e, false, state, &mut builder)?,
            (Event::Empty(e), state) => on_open(text, at, &e, true, state, &mut builder)?,
            (Event::End(_), state) => match state {
                State::Leaf(mut child, leaf) => {
                    let element = builder.element(leaf.name, leaf.offset, leaf.text);
                    child.group.get_or_insert_with(Block::default).insert(element)?;
                    State::Child(child)
                }
                State::Child(child) => {
                    builder.close_child(child)?;
                    State::Root
                }
                State::Root => State::Epilog,
                // quick-xml reports unmatched end tags as errors; keep a defined answer
                State::Prolog | State::Epilog => return Err(internal(at)),
            },
        };
    }
    Ok(Answer { fields: builder.fields, groups: builder.groups })
}

/// Handles a run of text at body offset `at`.
fn on_text<'a>(run: &'a str, at: usize, state: State<'a>) -> Result<State<'a>, AnswerError> {
    let blank_or = |err: AnswerError| {
        if run.bytes().all(is_xml_space) { Ok(()) } else { Err(err) }
    };
    let first_text = at + run.bytes().position(|b| !is_xml_space(b)).unwrap_or(0);
    Ok(match state {
        State::Child(mut child) => {
            if child.group.is_some() {
                blank_or(AnswerError::UnexpectedText { offset: first_text })?;
            } else {
                child.text.push_run(run);
            }
            State::Child(child)
        }
        State::Leaf(child, mut leaf) => {
            leaf.text.push_run(run);
            State::Leaf(child, leaf)
        }
        State::Prolog => {
            blank_or(AnswerError::NotXml { offset: first_text })?;
            State::Prolog
        }
        State::Root => {
            blank_or(AnswerError::UnexpectedText { offset: first_text })?;
            State::Root
        }
        State::Epilog => {
            blank_or(AnswerError::TrailingContent { offset: first_text })?;
            State::Epilog
        }
    })
}

/// Handles a start tag (`empty` false) or an empty-element tag at body offset `at`.
fn on_open<'a>(
    text: &'a str,
    at: usize,
    e: &BytesStart<'_>,
    empty: bool,
    state: State<'a>,
    builder: &mut Builder<'a, '_>,
) -> Result<State<'a>, AnswerError> {
    let name = sub_str(text, e.name().as_ref()).ok_or_else(|| internal(at))?;
    if matches!(state, State::Prolog) && name.eq_ignore_ascii_case("html") {
        return Err(AnswerError::Html { offset: at });
    }
    if !is_element_name(name) {
        return Err(AnswerError::InvalidName { offset: at });
    }
    check_attributes(e, at, name, matches!(state, State::Prolog))?;
    Ok(match state {
        State::Prolog => {
            if name != ROOT {
                return Err(AnswerError::WrongRoot { offset: at, found: name_for_error(name.as_bytes()) });
            }
            if empty { State::Epilog } else { State::Root }
        }
        State::Root => {
            let child = Child { name, offset: at, text: Text::None, group: None };
            if empty {
                builder.close_child(child)?;
                State::Root
            } else {
                State::Child(child)
            }
        }
        State::Child(mut child) => {
            if child.group.is_none() {
                if !child.text.is_blank() {
                    return Err(AnswerError::UnexpectedText { offset: child.offset });
                }
                child.text = Text::None;
                child.group = Some(Block::default());
            }
            let leaf = Leaf { name, offset: at, text: Text::None };
            if empty {
                let element = builder.element(leaf.name, leaf.offset, leaf.text);
                child.group.get_or_insert_with(Block::default).insert(element)?;
                State::Child(child)
            } else {
                State::Leaf(child, leaf)
            }
        }
        State::Leaf(..) => return Err(AnswerError::TooDeep { offset: at, element: name_for_error(name.as_bytes()) }),
        State::Epilog => return Err(AnswerError::TrailingContent { offset: at }),
    })
}

/// Refuses attributes, except namespace declarations on the root (each name once).
///
/// quick-xml's own duplicate check compares every attribute with every earlier one; a root with many `xmlns:…`
/// declarations would take quadratic time, so duplicates are found with a set instead.
fn check_attributes(e: &BytesStart<'_>, at: usize, name: &str, is_root: bool) -> Result<(), AnswerError> {
    let mut seen = HashSet::new();
    for attr in e.attributes().with_checks(false) {
        let attr =
            attr.map_err(|_| AnswerError::Xml { offset: at, message: "expected well-formed attributes".to_owned() })?;
        let key = attr.key.as_ref();
        let is_xmlns = key == b"xmlns" || key.starts_with(b"xmlns:");
        if !(is_root && is_xmlns) {
            return Err(AnswerError::UnexpectedAttribute { offset: at, element: name_for_error(name.as_bytes()) });
        }
        if !seen.insert(key.to_vec()) {
            return Err(AnswerError::Xml {
                offset: at,
                message: "expected each attribute name once per tag".to_owned(),
            });
        }
    }
    Ok(())
}

/// Resolves `&name;`: the five predefined entities and character references of characters XML allows.
fn resolve_reference(name: &[u8]) -> Option<char> {
    match name {
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"amp" => Some('&'),
        b"apos" => Some('\''),
        b"quot" => Some('"'),
        [b'#', b'x', hex @ ..] => char_ref(hex, 16),
        [b'#', dec @ ..] => char_ref(dec, 10),
        _ => None,
    }
}

/// The character of a character reference's digits, if they are valid and name a character XML allows.
fn char_ref(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let mut n: u32 = 0;
    for &b in digits {
        let d = char::from(b).to_digit(radix)?;
        n = n.checked_mul(radix)?.checked_add(d)?;
    }
    let c = char::from_u32(n)?;
    is_xml_char(c).then_some(c)
}

/// XML 1.0 `Char`: TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The offset of the first character XML does not allow in `text` (already valid UTF-8), if any.
fn find_invalid_character(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // U+FFFE and U+FFFF are EF BF BE / EF BF BF; every other invalid character is a C0 control
    bytes.iter().enumerate().find_map(|(i, &b)| {
        let bad = match b {
            0xEF => matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])),
            b => b < 0x20 && !is_xml_space(b),
        };
        bad.then_some(i)
    })
}

/// An ASCII XML element name: a letter or `_`, then letters, digits, `_`, `-`, `.`.
fn is_element_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// XML whitespace: space, TAB, CR, LF.
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The `&str` inside `outer` that `inner` (a sub-slice of `outer`'s bytes) covers.
fn sub_str<'a>(outer: &'a str, inner: &[u8]) -> Option<&'a str> {
    let from = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    outer.get(from..from.checked_add(inner.len())?)
}

/// A reader position as an offset.
fn to_usize(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

/// A name for an error message: ASCII, at most [`MAX_NAME_IN_ERROR`] bytes.
fn name_for_error(name: &[u8]) -> String {
    let mut s: String =
        name.iter().take(MAX_NAME_IN_ERROR).map(|&b| if b.is_ascii_graphic() { char::from(b) } else { '?' }).collect();
    if name.len() > MAX_NAME_IN_ERROR {
        s.push('…');
    }
    s
}

/// An error for a position mismatch between quick-xml and the body; not expected to happen.
fn internal(offset: usize) -> AnswerError {
    AnswerError::Xml { offset, message: "expected markup the reader can locate in the body".to_owned() }
}

/// Converts a quick-xml error found at body offset `offset`.
fn xml_error(err: &XmlError, offset: usize) -> AnswerError {
    let message = match err {
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => {
            "expected a comment, cdata section or doctype after `<!`".to_owned()
        }
        XmlError::Syntax(_) => return AnswerError::Truncated { offset },
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => format!(
            "expected `</{}>`, found `</{}>`",
            name_for_error(expected.as_bytes()),
            name_for_error(found.as_bytes())
        ),
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            format!("expected no end tag, found `</{}>` without a start tag", name_for_error(name.as_bytes()))
        }
        XmlError::IllFormed(IllFormedError::MissingDeclVersion(_)) => {
            "expected `version` first in the xml declaration".to_owned()
        }
        XmlError::IllFormed(IllFormedError::DoubleHyphenInComment) => "expected no `--` inside a comment".to_owned(),
        XmlError::IllFormed(IllFormedError::UnclosedReference) => return AnswerError::Reference { offset },
        XmlError::InvalidAttr(_) => "expected well-formed attributes".to_owned(),
        _ => "expected well-formed xml".to_owned(),
    };
    AnswerError::Xml { offset, message }
}

#[cfg(test)]
mod tests;
