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
//! names, never values. The values of secret names ([`SECRET_NAMES`], the generated list, plus any given to
//! [`Answer::parse_with_secrets`]; compared ignoring ASCII case and `_`) are shown as `<redacted>` in `Debug`
//! output.
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

mod block;
mod error;
mod reader;
mod redact;
mod text;

use std::fmt;

pub use block::{Block, Element, Group};
pub use error::AnswerError;
pub use redact::{SECRET_NAMES, is_secret};

// `tests.rs` reads the module's items through `use super::*`.
#[cfg(test)]
use {japay_core::secret::REDACTED, std::borrow::Cow};

/// The name of the root element of every answer.
pub const ROOT: &str = "return";

/// The name of the element whose value says whether the call succeeded (facts §3.1).
pub const RETURN_CODE: &str = "returnCode";

/// The `returnCode` of a successful call (facts §3.1).
pub const RETURN_CODE_OK: &str = "0";

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
        reader::parse(body, &[])
    }

    /// Reads an answer body like [`Answer::parse`], redacting the values of `secrets` as well as those of
    /// [`SECRET_NAMES`]. Generated views pass the gateway's secret names here.
    ///
    /// # Errors
    ///
    /// As [`Answer::parse`].
    pub fn parse_with_secrets(body: &'a [u8], secrets: &[&str]) -> Result<Answer<'a>, AnswerError> {
        reader::parse(body, secrets)
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

    /// Whether `returnCode` is present and `0`: the gateway accepted the request. Anything else (absent, empty, `1`,
    /// an unknown code) is not success. Accepted is not authorized: for A08 this includes an answer that only starts
    /// 3-D Secure (`threeDAuthHtml` + `threeDToken`); the generated views' `outcome()`
    /// ([`crate::CreditTokenResponse::outcome`]) tells the outcomes apart and fails closed.
    pub fn is_success(&self) -> bool {
        self.return_code() == Some(RETURN_CODE_OK)
    }
}

#[cfg(test)]
mod tests;
