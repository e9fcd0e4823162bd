//! [`Answer`]: a decoded answer, the ordered multimap of its attributes, and the entry points that read bodies
//! and query strings.

use std::fmt;

use super::attribute::Attribute;
use super::error::ParseError;
use super::version::Version;
use super::{conflict, query, scan};
use crate::wire::multimap::{self, RedactedEntries};
use japay_core::spec::{OperationSpec, ResponseSpec};

/// The state of the `result` field of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultState<'r> {
    /// No `result` attribute at all (getsales2 answers never carry one).
    Absent,
    /// A `result` attribute with an empty value (seen once, from cancel_payment).
    Empty,
    /// The decoded value of the first `result` attribute (`"1"` ok, `"0"` ng, `"9"` system
    /// error, …).
    Value(&'r str),
}

impl<'r> ResultState<'r> {
    /// The non-empty value, if there is one.
    pub fn value(self) -> Option<&'r str> {
        match self {
            ResultState::Value(v) => Some(v),
            ResultState::Absent | ResultState::Empty => None,
        }
    }
}

/// A decoded answer: every attribute of every `result` element, in document order.
///
/// It is a multimap: a name may occur more than once; [`Answer::get`] returns the first
/// value and [`Answer::get_all`] every one.
///
/// `Debug` output shows `"<redacted>"` instead of the values of attributes named in
/// [`crate::SECRET_NAMES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Answer<'a> {
    attrs: Vec<Attribute<'a>>,
}

impl fmt::Debug for Answer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&RedactedEntries("Answer", &self.attrs, crate::SECRET_NAMES), f)
    }
}

impl<'a> Answer<'a> {
    /// Decodes an XML answer body.
    ///
    /// `version` must be the `version` the request was sent with ([`Version::V1`] when it
    /// carried none): it selects CP932 or UTF-8 for the percent-encoded text. The XML
    /// declaration and any HTTP charset label are ignored.
    ///
    /// Comments and whitespace between elements are ignored. An empty root element is a
    /// valid answer with no attributes (getsales2: nothing found, see
    /// [`Answer::is_empty`]).
    ///
    /// # Errors
    ///
    /// Returns a [`ParseError`] when the body is empty, contains a byte that is not 7-bit
    /// ASCII or a control character, is not XML (an HTML error page, plain text), is
    /// truncated or otherwise malformed, has a root other than `Epsilon_result`, has a root
    /// with attributes, has a child element other than `result`, a `result` element without
    /// attributes or with child elements, non-whitespace text, a CDATA section, a DOCTYPE,
    /// a processing instruction, or content after the root; or when an attribute value
    /// holds an invalid XML reference, an invalid percent escape, or bytes that are not
    /// valid text in the chosen charset; or when `result` occurs more than once with different
    /// decoded values ([`ParseError::ConflictingValues`]: the answer would be both success and
    /// failure). Identical duplicates are accepted, and other names may repeat freely (see
    /// [`Answer::parse_typed`] for the stricter typed reading).
    ///
    /// A UTF-8 byte order mark at the very start is skipped (XML 1.0 allows it).
    ///
    /// # Examples
    ///
    /// ```
    /// use epsilon_proto::answer::{Answer, ResultState, Version};
    ///
    /// // receive_order3 error answer: UTF-8 declared, CP932 text, raw ASCII trail bytes.
    /// let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n  <Epsilon_result>\r\n    \
    ///     <result result=\"0\" />\r\n    <result err_code=\"601\" />\r\n    \
    ///     <result err_detail=\"%8C%88%8D%CF%83R%81%5B%83h%82%CC%8Ew%92%E8%82%AA%88%D9%8F%ED%82%C5%82%B7\" />\r\n    \
    ///     <result memo1=\"memo1\" />\r\n  </Epsilon_result>\r\n";
    /// let response = Answer::parse(body, Version::V1)?;
    /// assert_eq!(response.result(), ResultState::Value("0"));
    /// assert_eq!(response.get("err_detail"), Some("決済コードの指定が異常です"));
    /// assert_eq!(response.get("memo1"), Some("memo1"));
    /// assert_eq!(response.len(), 4);
    ///
    /// // An HTML error page is an error, not an empty answer.
    /// let page = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html></html>";
    /// assert!(Answer::parse(page, Version::V1).is_err());
    /// # Ok::<(), epsilon_proto::answer::ParseError>(())
    /// ```
    pub fn parse(body: &'a [u8], version: Version) -> Result<Answer<'a>, ParseError> {
        let attrs = scan::read_body(body, version)?;
        conflict::check_result(body, &attrs)?;
        Ok(Answer { attrs })
    }

    /// Decodes an XML answer body like [`Answer::parse`], and also fails closed on every
    /// attribute the operation's answer has one value of: each attribute `spec` lists, plus
    /// `result`, `err_code`, `trans_code` and `state`, may occur more than once only with the
    /// same decoded value. Other attributes (unknown ones) are kept however often they occur.
    ///
    /// Meant for the generated `…Answer::parse` functions, with their operation's spec.
    /// Linear in the body and the number of names in the spec.
    ///
    /// # Errors
    ///
    /// Every error of [`Answer::parse`], and [`ParseError::ConflictingValues`] for the first
    /// attribute (in document order) whose value differs from an earlier one of the same name.
    ///
    /// # Examples
    ///
    /// ```
    /// use epsilon_proto::answer::{ParseError, Answer, Version};
    ///
    /// let spec = epsilon_proto::operation("order_info").and_then(|op| op.response).unwrap();
    /// let body = b"<Epsilon_result><result state=\"1\"/><result state=\"5\"/></Epsilon_result>";
    /// assert!(Answer::parse(body, Version::V1).is_ok(), "untyped: only `result` must agree");
    /// let err = Answer::parse_typed(body, Version::V1, spec).unwrap_err();
    /// assert!(matches!(err, ParseError::ConflictingValues { .. }));
    /// assert_eq!(err.attribute(), Some("state"));
    /// ```
    pub fn parse_typed(
        body: &'a [u8],
        version: Version,
        spec: &'static ResponseSpec,
    ) -> Result<Answer<'a>, ParseError> {
        let attrs = scan::read_body(body, version)?;
        conflict::check_names(body, &attrs, spec.attributes.iter().map(|a| &a.name))?;
        Ok(Answer { attrs })
    }

    /// Decodes a completion-redirect query string; the same as [`parse_query`].
    ///
    /// # Errors
    ///
    /// See [`parse_query`].
    pub fn parse_query(query: &'a [u8], version: Version) -> Result<Answer<'a>, ParseError> {
        parse_query(query, version)
    }

    /// Decodes a completion-redirect query string like [`parse_query`], and also fails closed
    /// on every parameter the operation has one value of: each field `spec` lists (by wire
    /// name), plus `result`, `err_code`, `trans_code` and `state`, may occur more than once
    /// only with the same decoded value.
    ///
    /// # Errors
    ///
    /// Every error of [`parse_query`], and [`ParseError::ConflictingValues`] for the first
    /// parameter (in order) whose value differs from an earlier one of the same name.
    pub fn parse_query_typed(
        query: &'a [u8],
        version: Version,
        spec: &'static OperationSpec,
    ) -> Result<Answer<'a>, ParseError> {
        let attrs = query::read_query(query, version)?;
        conflict::check_names(query, &attrs, spec.fields.iter().map(|f| &f.wire))?;
        Ok(Answer { attrs })
    }

    /// Every attribute, in document order.
    pub fn attributes(&self) -> &[Attribute<'a>] {
        &self.attrs
    }

    /// Iterates over every attribute, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, Attribute<'a>> {
        self.attrs.iter()
    }

    /// The number of attributes (duplicates counted).
    pub fn len(&self) -> usize {
        self.attrs.len()
    }

    /// Whether the answer holds no attribute at all: an empty root element, which getsales2
    /// sends when no order matches.
    pub fn is_empty(&self) -> bool {
        self.attrs.is_empty()
    }

    /// The decoded value of the first attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        multimap::first(&self.attrs, name).map(|a| a.value.as_ref())
    }

    /// The decoded values of every attribute called `name`, in document order.
    pub fn get_all<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r str> + 'r {
        multimap::all(&self.attrs, name).map(|a| a.value.as_ref())
    }

    /// The state of the first `result` attribute: absent, empty, or its value.
    pub fn result(&self) -> ResultState<'_> {
        match self.get("result") {
            None => ResultState::Absent,
            Some("") => ResultState::Empty,
            Some(v) => ResultState::Value(v),
        }
    }
}

impl<'r, 'a> IntoIterator for &'r Answer<'a> {
    type Item = &'r Attribute<'a>;
    type IntoIter = std::slice::Iter<'r, Attribute<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.attrs.iter()
    }
}

/// Decodes a completion-redirect query string (`a=1&b=%83_…`, without the leading `?`).
///
/// Pairs are kept in order, duplicates included. Empty pairs (`a=1&&b=2`, a trailing `&`)
/// are skipped; a pair without `=` has an empty value; a value may contain `=`. Names are
/// taken as they stand and must be non-empty and made of ASCII letters, digits, `_`, `-`
/// and `.`. Values are percent-decoded byte-wise exactly once (`+` is a space) and then
/// decoded as CP932 or UTF-8 according to `version`. An empty query gives an empty
/// [`Answer`].
///
/// # Errors
///
/// Returns a [`ParseError`] when the query contains a byte that is not 7-bit ASCII, a
/// control character or a space, a name that is empty or has other characters, an invalid
/// percent escape, or bytes that are not valid text in the chosen charset; or when `result`
/// occurs more than once with different decoded values ([`ParseError::ConflictingValues`]).
///
/// # Examples
///
/// ```
/// use epsilon_proto::answer::{Version, parse_query};
///
/// let query = b"trans_code=861205&user_name=%83%7E%83h%83%8A&result=1";
/// let response = parse_query(query, Version::V1)?;
/// assert_eq!(response.get("user_name"), Some("ミドリ"));
/// assert_eq!(response.get("trans_code"), Some("861205"));
/// # Ok::<(), epsilon_proto::answer::ParseError>(())
/// ```
pub fn parse_query(query: &[u8], version: Version) -> Result<Answer<'_>, ParseError> {
    let attrs = query::read_query(query, version)?;
    conflict::check_result(query, &attrs)?;
    Ok(Answer { attrs })
}
