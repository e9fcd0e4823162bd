//! Strict decoding of Epsilon's XML answers and completion-redirect query strings.
//!
//! Every order CGI answers with one XML shape: a root `Epsilon_result` holding empty
//! `result` elements, each normally carrying one attribute whose name is the field and whose
//! value is the percent-encoded field text. Decoding happens in layers, each of them strict:
//!
//! 1. **XML, read as ASCII.** The declared encoding (`x-sjis-cp932`, `ISO-8859-1`, `UTF-8`
//!    or none) is ignored: real bodies are 7-bit ASCII and the charset lives in the
//!    percent-encoding. A raw non-ASCII byte anywhere is an error.
//! 2. **XML references.** `&amp;`, `&#38;` and the like in an attribute value are replaced.
//! 3. **Percent-decoding, byte-wise and exactly once.** `%XX` (either hex case) becomes one
//!    byte, `+` becomes a space, every other byte stays as it is (raw ASCII trail bytes such
//!    as the `_` of `%83_` occur). A double-encoded value such as a 3-D Secure `pareq` keeps
//!    its inner escapes.
//! 4. **Charset.** The bytes are decoded as CP932 for [`Version::V1`] (the default) or as
//!    UTF-8 for [`Version::V2`] (the request carried `version=2`). The version is never
//!    guessed from the bytes, and an invalid byte sequence is an error naming the attribute,
//!    never a U+FFFD replacement character.
//!
//! Every attribute is kept, unknown ones included, in document order. Values borrow from the
//! input whenever no decoding step changes them.
//!
//! ```
//! use epsilon_proto::response::{Response, ResultState, Version};
//!
//! let body = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\n<Epsilon_result>\n  \
//!     <result err_code=\"\" />\n  <result result=\"1\" />\n</Epsilon_result>\n";
//! let response = Response::parse(body, Version::V1)?;
//! assert_eq!(response.result(), ResultState::Value("1"));
//! assert_eq!(response.get("err_code"), Some(""));
//! # Ok::<(), epsilon_proto::response::ParseError>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{DecoderResult, SHIFT_JIS};
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::BytesStart;
use quick_xml::events::Event;
use quick_xml::events::attributes::{AttrError, Attributes};
use quick_xml::reader::Reader;

/// Name of the root element of every answer.
const ROOT: &[u8] = b"Epsilon_result";
/// Name of the child elements that carry the fields.
const RESULT: &[u8] = b"result";
/// What `Debug` prints instead of a secret value.
const REDACTED: &str = "<redacted>";
/// Longest element or attribute name quoted in an error message.
const MAX_NAME_IN_ERROR: usize = 64;

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
        match self {
            Version::V1 => "cp932",
            Version::V2 => "utf-8",
        }
    }
}

/// One field of an answer: an attribute of a `result` element (or one `name=value` pair of a
/// query string).
///
/// `Debug` output shows `"<redacted>"` instead of the raw and decoded value when the name is
/// one of [`crate::SECRET_NAMES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The attribute name, as it stood in the input.
    pub name: &'a str,
    /// The attribute value as it stood in the input, before any decoding.
    pub raw: &'a str,
    /// The decoded text; borrowed from the input when decoding changed nothing.
    pub value: Cow<'a, str>,
}

impl Attribute<'_> {
    /// Whether this attribute's value must never be shown (its name is one of
    /// [`crate::SECRET_NAMES`], compared ignoring ASCII case).
    pub fn is_secret(&self) -> bool {
        is_secret_name(crate::SECRET_NAMES, self.name)
    }
}

impl fmt::Debug for Attribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&RedactedAttribute(self, crate::SECRET_NAMES), f)
    }
}

/// Whether `name` is one of `secrets`, ignoring ASCII case.
fn is_secret_name(secrets: &[&str], name: &str) -> bool {
    secrets.iter().any(|secret| secret.eq_ignore_ascii_case(name))
}

/// `Debug` for an attribute, hiding the values of the names in the list.
struct RedactedAttribute<'r, 'a>(&'r Attribute<'a>, &'r [&'r str]);

impl fmt::Debug for RedactedAttribute<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RedactedAttribute(attr, secrets) = *self;
        let mut s = f.debug_struct("Attribute");
        s.field("name", &attr.name);
        if is_secret_name(secrets, attr.name) {
            s.field("raw", &REDACTED).field("value", &REDACTED);
        } else {
            s.field("raw", &attr.raw).field("value", &attr.value);
        }
        s.finish()
    }
}

/// `Debug` for a response, hiding the values of the names in the list.
struct RedactedResponse<'r, 'a>(&'r Response<'a>, &'r [&'r str]);

impl fmt::Debug for RedactedResponse<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RedactedResponse(response, secrets) = *self;
        f.write_str("Response ")?;
        f.debug_map()
            .entries(response.attrs.iter().map(|a| {
                let value: &str = if is_secret_name(secrets, a.name) { REDACTED } else { &a.value };
                (a.name, value)
            }))
            .finish()
    }
}

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
/// It is a multimap: a name may occur more than once; [`Response::get`] returns the first
/// value and [`Response::get_all`] every one.
///
/// `Debug` output shows `"<redacted>"` instead of the values of attributes named in
/// [`crate::SECRET_NAMES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Response<'a> {
    attrs: Vec<Attribute<'a>>,
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&RedactedResponse(self, crate::SECRET_NAMES), f)
    }
}

impl<'a> Response<'a> {
    /// Decodes an XML answer body.
    ///
    /// `version` must be the `version` the request was sent with ([`Version::V1`] when it
    /// carried none): it selects CP932 or UTF-8 for the percent-encoded text. The XML
    /// declaration and any HTTP charset label are ignored.
    ///
    /// Comments and whitespace between elements are ignored. An empty root element is a
    /// valid answer with no attributes (getsales2: nothing found, see
    /// [`Response::is_empty`]).
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
    /// valid text in the chosen charset.
    ///
    /// # Examples
    ///
    /// ```
    /// use epsilon_proto::response::{Response, ResultState, Version};
    ///
    /// // receive_order3 error answer: UTF-8 declared, CP932 text, raw ASCII trail bytes.
    /// let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n  <Epsilon_result>\r\n    \
    ///     <result result=\"0\" />\r\n    <result err_code=\"601\" />\r\n    \
    ///     <result err_detail=\"%8C%88%8D%CF%83R%81%5B%83h%82%CC%8Ew%92%E8%82%AA%88%D9%8F%ED%82%C5%82%B7\" />\r\n    \
    ///     <result memo1=\"memo1\" />\r\n  </Epsilon_result>\r\n";
    /// let response = Response::parse(body, Version::V1)?;
    /// assert_eq!(response.result(), ResultState::Value("0"));
    /// assert_eq!(response.get("err_detail"), Some("決済コードの指定が異常です"));
    /// assert_eq!(response.get("memo1"), Some("memo1"));
    /// assert_eq!(response.len(), 4);
    ///
    /// // An HTML error page is an error, not an empty answer.
    /// let page = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html></html>";
    /// assert!(Response::parse(page, Version::V1).is_err());
    /// # Ok::<(), epsilon_proto::response::ParseError>(())
    /// ```
    pub fn parse(body: &'a [u8], version: Version) -> Result<Response<'a>, ParseError> {
        parse_xml(body, version)
    }

    /// Decodes a completion-redirect query string; the same as [`parse_query`].
    ///
    /// # Errors
    ///
    /// See [`parse_query`].
    pub fn parse_query(query: &'a [u8], version: Version) -> Result<Response<'a>, ParseError> {
        parse_query(query, version)
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
        self.attrs.iter().find(|a| a.name == name).map(|a| a.value.as_ref())
    }

    /// The decoded values of every attribute called `name`, in document order.
    pub fn get_all<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r str> + 'r {
        self.attrs.iter().filter(move |a| a.name == name).map(|a| a.value.as_ref())
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

impl<'r, 'a> IntoIterator for &'r Response<'a> {
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
/// [`Response`].
///
/// # Errors
///
/// Returns a [`ParseError`] when the query contains a byte that is not 7-bit ASCII, a
/// control character or a space, a name that is empty or has other characters, an invalid
/// percent escape, or bytes that are not valid text in the chosen charset.
///
/// # Examples
///
/// ```
/// use epsilon_proto::response::{Version, parse_query};
///
/// let query = b"trans_code=861205&user_name=%83%7E%83h%83%8A&result=1";
/// let response = parse_query(query, Version::V1)?;
/// assert_eq!(response.get("user_name"), Some("ミドリ"));
/// assert_eq!(response.get("trans_code"), Some("861205"));
/// # Ok::<(), epsilon_proto::response::ParseError>(())
/// ```
pub fn parse_query(query: &[u8], version: Version) -> Result<Response<'_>, ParseError> {
    if let Some(offset) = query.iter().position(|b| !b.is_ascii()) {
        return Err(ParseError::NonAscii { offset });
    }
    if let Some(offset) = query.iter().position(|&b| b.is_ascii_control() || b == b' ') {
        return Err(ParseError::InvalidCharacter { offset });
    }
    let text = std::str::from_utf8(query).map_err(|e| ParseError::NonAscii { offset: e.valid_up_to() })?;
    let mut attrs = Vec::new();
    let mut start = 0usize;
    for pair in text.split('&') {
        let pair_offset = start;
        start = start.saturating_add(pair.len()).saturating_add(1);
        if pair.is_empty() {
            continue;
        }
        let (name, raw) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) {
            return Err(ParseError::InvalidName { offset: pair_offset });
        }
        let value_offset = pair_offset.saturating_add(name.len()).saturating_add(1);
        let value = decode_query_value(name, raw, value_offset, version)?;
        attrs.push(Attribute { name, raw, value });
    }
    Ok(Response { attrs })
}

/// Percent-decodes bytes: `%XX` (either hex case) becomes one byte, `+` becomes a space,
/// every other byte is kept as it is. Decodes exactly once.
///
/// Returns the input borrowed when it contains neither `%` nor `+`.
///
/// # Errors
///
/// Returns a [`PercentError`] with the offset of the first `%` that is not followed by two
/// hex digits.
///
/// # Examples
///
/// ```
/// use epsilon_proto::response::percent_decode;
///
/// assert_eq!(&*percent_decode(b"%83_+%2b%252B")?, b"\x83_ +%2B");
/// assert_eq!(percent_decode(b"100%").unwrap_err().offset, 3);
/// # Ok::<(), epsilon_proto::response::PercentError>(())
/// ```
pub fn percent_decode(raw: &[u8]) -> Result<Cow<'_, [u8]>, PercentError> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = Vec::with_capacity(raw.len());
    for byte in percent_bytes(raw) {
        out.push(byte?);
    }
    Ok(Cow::Owned(out))
}

/// The bytes `raw` percent-decodes to, one at a time: `%XX` (either hex case) is one byte, `+` a space, any other
/// byte itself. A `%` without two hex digits yields one error with its offset and ends the iteration.
fn percent_bytes(raw: &[u8]) -> impl Iterator<Item = Result<u8, PercentError>> + '_ {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        let b = *raw.get(i)?;
        let (byte, len) = match b {
            b'+' => (b' ', 1),
            b'%' => {
                let hi = raw.get(i.saturating_add(1)).copied().and_then(hex_value);
                let lo = raw.get(i.saturating_add(2)).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => ((hi << 4) | lo, 3),
                    _ => {
                        let offset = i;
                        i = raw.len();
                        return Some(Err(PercentError { offset }));
                    }
                }
            }
            b => (b, 1),
        };
        i = i.saturating_add(len);
        Some(Ok(byte))
    })
}

/// The value of one hex digit (either case).
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
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
/// use epsilon_proto::response::{Version, decode_text};
///
/// let bytes: &[u8] = b"\xC3\xBD";
/// assert_eq!(decode_text(Cow::Borrowed(bytes), Version::V1)?, "ﾃｽ");
/// assert_eq!(decode_text(Cow::Borrowed(bytes), Version::V2)?, "ý");
/// let truncated: &[u8] = b"ab\x82";
/// assert_eq!(decode_text(Cow::Borrowed(truncated), Version::V1).unwrap_err().offset, 2);
/// # Ok::<(), epsilon_proto::response::CharsetError>(())
/// ```
pub fn decode_text(bytes: Cow<'_, [u8]>, version: Version) -> Result<Cow<'_, str>, CharsetError> {
    // CP932 maps 0x00..=0x7F to ASCII, so ASCII input is the same text in both charsets.
    if version == Version::V2 || bytes.is_ascii() {
        return match bytes {
            Cow::Borrowed(b) => {
                std::str::from_utf8(b).map(Cow::Borrowed).map_err(|e| CharsetError { version, offset: e.valid_up_to() })
            }
            Cow::Owned(v) => String::from_utf8(v)
                .map(Cow::Owned)
                .map_err(|e| CharsetError { version, offset: e.utf8_error().valid_up_to() }),
        };
    }
    match SHIFT_JIS.decode_without_bom_handling_and_without_replacement(&bytes) {
        Some(text) => Ok(Cow::Owned(text.into_owned())),
        None => Err(CharsetError { version, offset: cp932_error_offset(&bytes) }),
    }
}

/// The offset of the first invalid CP932 byte sequence in `bytes` (`bytes.len()` if there is
/// none).
fn cp932_error_offset(bytes: &[u8]) -> usize {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
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

/// Where the decoder is in the document.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the root element.
    Prolog,
    /// Inside the root element.
    Root,
    /// Inside a `<result …>` start tag, before its end tag.
    Result,
    /// After the root element.
    Epilog,
}

/// The XML decoder behind [`Response::parse`].
fn parse_xml(body: &[u8], version: Version) -> Result<Response<'_>, ParseError> {
    if body.iter().all(|&b| is_xml_space(b)) {
        return Err(ParseError::Empty);
    }
    // one pass for both rules: 7-bit ASCII only, and no control character but tab, CR and LF
    if let Some(offset) = body.iter().position(|&b| b >= 0x80 || (b < 0x20 && !is_xml_space(b))) {
        return Err(match body.get(offset) {
            Some(&b) if b >= 0x80 => ParseError::NonAscii { offset },
            _ => ParseError::InvalidCharacter { offset },
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| ParseError::NonAscii { offset: e.valid_up_to() })?;

    let mut reader = Reader::from_reader(body);
    {
        let config = reader.config_mut();
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.check_comments = true;
        config.allow_dangling_amp = false;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }

    let mut state = State::Prolog;
    // a `<result name="" />` element takes at least 20 bytes
    let mut attrs = Vec::with_capacity(body.len() / 24);
    loop {
        let start = to_usize(reader.buffer_position());
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                let offset = to_usize(reader.error_position());
                return Err(if state == State::Epilog {
                    ParseError::TrailingContent { offset }
                } else {
                    xml_error(&err, offset)
                });
            }
        };
        match event {
            Event::Eof => {
                return match state {
                    State::Epilog => Ok(Response { attrs }),
                    State::Prolog | State::Root | State::Result => Err(ParseError::Truncated { offset: body.len() }),
                };
            }
            Event::Comment(_) => {}
            Event::Text(t) => {
                if let Some(pos) = t.iter().position(|&b| !is_xml_space(b)) {
                    let offset = start.saturating_add(pos);
                    return Err(match state {
                        State::Prolog if start == 0 => ParseError::NotXml { offset: 0 },
                        State::Epilog => ParseError::TrailingContent { offset },
                        State::Prolog | State::Root | State::Result => ParseError::UnexpectedText { offset },
                    });
                }
            }
            _ if state == State::Epilog => {
                return Err(ParseError::TrailingContent { offset: start });
            }
            Event::GeneralRef(_) => {
                return Err(ParseError::UnexpectedText { offset: start });
            }
            Event::Decl(d) => {
                if state != State::Prolog || start != 0 {
                    return Err(ParseError::MisplacedDeclaration { offset: start });
                }
                // the declared encoding is ignored (it is unreliable), but the declaration itself must be one
                if !matches!(d.version().as_deref(), Ok(b"1.0")) {
                    return Err(ParseError::Xml {
                        offset: start,
                        message: "expected an xml declaration of the form <?xml version=\"1.0\" …?>".to_owned(),
                    });
                }
            }
            Event::DocType(d) => {
                let content = d.iter().skip_while(|&&b| is_xml_space(b));
                let is_html = content.take(4).map(u8::to_ascii_lowercase).eq(b"html".iter().copied());
                return Err(if is_html && state == State::Prolog {
                    ParseError::Html { offset: start }
                } else {
                    ParseError::Doctype { offset: start }
                });
            }
            Event::PI(_) => return Err(ParseError::ProcessingInstruction { offset: start }),
            Event::CData(_) => return Err(ParseError::Cdata { offset: start }),
            Event::Start(e) => {
                state = on_element(text, start, &e, false, state, version, &mut attrs)?;
            }
            Event::Empty(e) => {
                state = on_element(text, start, &e, true, state, version, &mut attrs)?;
            }
            Event::End(_) => {
                state = match state {
                    State::Result => State::Root,
                    State::Root => State::Epilog,
                    // quick-xml reports unmatched end tags as errors; keep a defined answer.
                    State::Prolog | State::Epilog => {
                        return Err(ParseError::Xml {
                            offset: start,
                            message: "expected no end tag before the root element".to_owned(),
                        });
                    }
                };
            }
        }
    }
}

/// Handles a start tag (`self_closing` false) or an empty-element tag found at body offset
/// `start` in `state`; returns the next state.
fn on_element<'a>(
    body: &'a str,
    start: usize,
    e: &BytesStart<'_>,
    self_closing: bool,
    state: State,
    version: Version,
    attrs: &mut Vec<Attribute<'a>>,
) -> Result<State, ParseError> {
    let name = e.name();
    let name = name.as_ref();
    match state {
        State::Prolog => {
            if name.eq_ignore_ascii_case(b"html") {
                return Err(ParseError::Html { offset: start });
            }
            if name != ROOT {
                return Err(ParseError::WrongRoot { offset: start, found: name_for_error(name) });
            }
            let content = element_content(body, start, e)?;
            match Attributes::new(content, ROOT.len()).next() {
                None => {}
                Some(Ok(attr)) => {
                    return Err(ParseError::RootAttribute {
                        offset: start,
                        attribute: name_for_error(attr.key.as_ref()),
                    });
                }
                Some(Err(err)) => return Err(attr_error(&err, start.saturating_add(1))),
            }
            Ok(if self_closing { State::Epilog } else { State::Root })
        }
        State::Root if name == RESULT => {
            let content = element_content(body, start, e)?;
            let before = attrs.len();
            read_attributes(body, content, start, version, attrs)?;
            if attrs.len() == before {
                return Err(ParseError::MissingAttribute { offset: start });
            }
            Ok(if self_closing { State::Root } else { State::Result })
        }
        State::Root | State::Result => {
            Err(ParseError::UnexpectedElement { offset: start, found: name_for_error(name) })
        }
        State::Epilog => Err(ParseError::TrailingContent { offset: start }),
    }
}

/// Reads every attribute of the `result` tag whose content (`result a="…" …`) is `content`,
/// starting at body offset `start` (the `<`).
fn read_attributes<'a>(
    body: &'a str,
    content: &'a str,
    start: usize,
    version: Version,
    attrs: &mut Vec<Attribute<'a>>,
) -> Result<(), ParseError> {
    let content_offset = start.saturating_add(1);
    for attr in Attributes::new(content, RESULT.len()) {
        let attr = attr.map_err(|err| attr_error(&err, content_offset))?;
        let (Some(name), Some(raw)) = (
            sub_str(content, attr.key.as_ref()),
            match &attr.value {
                Cow::Borrowed(v) => sub_str(content, v),
                Cow::Owned(_) => None,
            },
        ) else {
            return Err(internal(start));
        };
        let name_at = offset_in(content, name).unwrap_or(0);
        let after_space =
            name_at.checked_sub(1).and_then(|i| content.as_bytes().get(i)).is_some_and(|&b| is_xml_space(b));
        if !after_space || !is_attribute_name(name) {
            return Err(ParseError::AttributeSyntax { offset: content_offset.saturating_add(name_at) });
        }
        let value_offset = offset_in(body, raw).unwrap_or(start);
        if let Some(pos) = raw.find('<') {
            return Err(ParseError::Xml {
                offset: value_offset.saturating_add(pos),
                message: "expected no raw `<` in an attribute value".to_owned(),
            });
        }
        let value = decode_xml_value(name, raw, value_offset, version)?;
        attrs.push(Attribute { name, raw, value });
    }
    Ok(())
}

/// An ASCII XML name as Epsilon's attribute names are (`err_code`, `tds2_url`, `billAddrCity`): letters, digits,
/// `_`, `-`, `.`, not starting with a digit, `-` or `.`. (XML also allows `:` and non-ASCII; neither ever occurs.)
fn is_attribute_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// The `&str` inside `outer` that `inner` (a sub-slice of `outer`'s bytes) covers.
fn sub_str<'a>(outer: &'a str, inner: &[u8]) -> Option<&'a str> {
    let from = offset_in(outer, inner)?;
    outer.get(from..from.checked_add(inner.len())?)
}

/// The offset of `inner` inside `outer`, if `inner` is a sub-slice of `outer`.
fn offset_in(outer: &str, inner: impl AsRef<[u8]>) -> Option<usize> {
    let inner = inner.as_ref();
    let from = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (from.checked_add(inner.len())? <= outer.len()).then_some(from)
}

/// The tag content of the start or empty tag `e` that begins at body offset `start`: the
/// bytes between `<` and `>` (or `/>`), borrowed from the body.
fn element_content<'a>(body: &'a str, start: usize, e: &BytesStart<'_>) -> Result<&'a str, ParseError> {
    let from = start.saturating_add(1);
    let content = body.get(from..).and_then(|rest| rest.get(..e.len())).ok_or_else(|| internal(start))?;
    if content.as_bytes() == &**e { Ok(content) } else { Err(internal(start)) }
}

/// Decodes one XML attribute value: XML normalization and references, then percent-decoding,
/// then the charset.
fn decode_xml_value<'a>(name: &str, raw: &'a str, offset: usize, version: Version) -> Result<Cow<'a, str>, ParseError> {
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

/// Decodes one query-string value: percent-decoding, then the charset.
fn decode_query_value<'a>(
    name: &str,
    raw: &'a str,
    offset: usize,
    version: Version,
) -> Result<Cow<'a, str>, ParseError> {
    decode_percent_text(name, Cow::Borrowed(raw), offset, version)
}

/// Percent-decodes `text` (an attribute value after XML processing) and decodes the bytes in
/// the charset of `version`.
fn decode_percent_text<'a>(
    name: &str,
    text: Cow<'a, str>,
    offset: usize,
    version: Version,
) -> Result<Cow<'a, str>, ParseError> {
    // the common case, CP932 text: percent-decode straight into the decoder, one allocation; any error is located
    // by the slower path below
    if version == Version::V1
        && text.bytes().any(|b| b == b'%' || b == b'+')
        && let Some(decoded) = decode_cp932_percent(text.as_bytes())
    {
        return Ok(Cow::Owned(decoded));
    }
    let percent_error =
        |e: PercentError| ParseError::Percent { attribute: name_for_error(name.as_bytes()), offset, index: e.offset };
    let bytes: Cow<'a, [u8]> = match text {
        Cow::Borrowed(s) => percent_decode(s.as_bytes()).map_err(percent_error)?,
        Cow::Owned(s) => match percent_decode(s.as_bytes()).map_err(percent_error)? {
            Cow::Borrowed(_) => Cow::Owned(s.into_bytes()),
            Cow::Owned(v) => Cow::Owned(v),
        },
    };
    decode_text(bytes, version).map_err(|e| ParseError::Charset {
        attribute: name_for_error(name.as_bytes()),
        version,
        offset,
        index: e.offset,
    })
}

/// Percent-decodes `raw` (`+` is a space) and decodes the bytes as CP932 in one pass, through a 64-byte buffer into
/// one `String`. `None` for a bad escape or invalid CP932; the caller then finds out where.
fn decode_cp932_percent(raw: &[u8]) -> Option<String> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(raw.len())?);
    let mut buf = [0u8; 64];
    let mut n = 0usize;
    for byte in percent_bytes(raw) {
        let byte = byte.ok()?;
        *buf.get_mut(n)? = byte;
        n += 1;
        if n == buf.len() {
            let (result, _) = decoder.decode_to_string_without_replacement(&buf, &mut out, false);
            if result != DecoderResult::InputEmpty {
                return None;
            }
            n = 0;
        }
    }
    let (result, _) = decoder.decode_to_string_without_replacement(buf.get(..n)?, &mut out, true);
    (result == DecoderResult::InputEmpty).then_some(out)
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

/// XML whitespace: space, TAB, CR, LF.
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A reader position as an offset.
fn to_usize(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
}

/// An element or attribute name for an error message: ASCII, at most
/// [`MAX_NAME_IN_ERROR`] bytes.
fn name_for_error(name: &[u8]) -> String {
    let mut s: String =
        name.iter().take(MAX_NAME_IN_ERROR).map(|&b| if b.is_ascii_graphic() { char::from(b) } else { '?' }).collect();
    if name.len() > MAX_NAME_IN_ERROR {
        s.push('…');
    }
    s
}

/// An error for a position mismatch between quick-xml and the body; not expected to happen.
fn internal(offset: usize) -> ParseError {
    ParseError::Xml { offset, message: "expected markup the decoder can locate in the body".to_owned() }
}

/// Converts an attribute syntax error; `content_offset` is the body offset of the tag
/// content (just after `<`).
fn attr_error(err: &AttrError, content_offset: usize) -> ParseError {
    let (pos, message) = match *err {
        AttrError::ExpectedEq(pos) => (pos, "expected `=` after the attribute name"),
        AttrError::ExpectedValue(pos) => (pos, "expected a quoted attribute value after `=`"),
        AttrError::UnquotedValue(pos) => (pos, "expected a quoted attribute value"),
        AttrError::ExpectedQuote(pos, _) => (pos, "expected the closing quote of the value"),
        AttrError::Duplicated(pos, _) => (pos, "expected each attribute name once per tag"),
    };
    ParseError::Xml { offset: content_offset.saturating_add(pos), message: message.to_owned() }
}

/// Converts a quick-xml error found at body offset `offset`.
fn xml_error(err: &XmlError, offset: usize) -> ParseError {
    let message = match err {
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => {
            "expected a comment, cdata section or doctype after `<!`".to_owned()
        }
        XmlError::Syntax(_) => return ParseError::Truncated { offset },
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
        XmlError::IllFormed(IllFormedError::MissingDoctypeName) => {
            "expected a name in the doctype declaration".to_owned()
        }
        XmlError::IllFormed(IllFormedError::DoubleHyphenInComment) => "expected no `--` inside a comment".to_owned(),
        XmlError::IllFormed(IllFormedError::UnclosedReference) => "expected `;` to close a reference".to_owned(),
        XmlError::InvalidAttr(e) => return attr_error(e, offset),
        _ => "expected well-formed xml".to_owned(),
    };
    ParseError::Xml { offset, message }
}

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
    /// Malformed XML of another kind.
    #[non_exhaustive]
    Xml {
        /// Byte offset in the body.
        offset: usize,
        /// What was expected (names markup, never attribute values).
        message: String,
    },
    /// An invalid or non-ASCII XML character or entity reference in an attribute value.
    #[non_exhaustive]
    Reference {
        /// The attribute name (at most 64 bytes).
        attribute: String,
        /// Byte offset of the raw attribute value in the body.
        offset: usize,
        /// Byte index inside the value (after XML whitespace normalization).
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
            | ParseError::Xml { offset, .. }
            | ParseError::Reference { offset, .. }
            | ParseError::Percent { offset, .. }
            | ParseError::Charset { offset, .. }
            | ParseError::AttributeSyntax { offset }
            | ParseError::InvalidName { offset } => *offset,
        }
    }

    /// The name of the attribute whose value could not be decoded, for value errors.
    pub fn attribute(&self) -> Option<&str> {
        match self {
            ParseError::Reference { attribute, .. }
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
            ParseError::Xml { offset, message } => {
                write!(f, "malformed xml at offset {offset}: {message}")
            }
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

/// A `%` that is not followed by two hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PercentError {
    /// Byte offset of the `%` in the input.
    pub offset: usize,
}

impl fmt::Display for PercentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected two hex digits after `%` at offset {}", self.offset)
    }
}

impl std::error::Error for PercentError {}

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    // The bodies below are synthesized for these tests: every value, name, number, URL and text
    // is made up, and each body reproduces one or more of the format quirks listed in facts
    // §4.3 (Q1–Q23). Recorded gateway answers are never copied here; tests/src/recorded.rs reads
    // them from the recordings at run time instead.

    /// receive_order3 process 8 error: `x-sjis-cp932` with a space before `?>` (Q1), CRLF (Q5),
    /// root indented by two spaces, children by four, no final newline (Q6); `%83f` = デ keeps a
    /// raw ASCII trail byte while `%81%5B` (ー) and `%83%5E` (タ) escape `[` and `^` (Q12, Q13).
    const PROCESS_8_ERROR: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"605\" />\r\n    <result memo1=\"\" />\r\n    <result err_detail=\"%92%E8%8A%FA%8Dw%93%FC%83f%81%5B%83%5E%82%AA%8C%A9%82%C2%82%A9%82%E8%82%DC%82%B9%82%F1\" />\r\n    <result memo2=\"sub-0417\" />\r\n  </Epsilon_result>";

    /// receive_order3 process 9 success: CRLF, closing tag indented by one space (Q6), `%20` for
    /// a space (Q14), empty memos (Q9).
    const PROCESS_9_OK: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"1\" />\r\n    <result user_id=\"U7730215\" />\r\n    <result user_name=\"SUZUKI%20Hanako\" />\r\n    <result memo1=\"\" />\r\n    <result memo2=\"\" />\r\n </Epsilon_result>\r\n";

    /// receive_order3 error declared `UTF-8` but carrying CP932 text (Q1, Q3): `%83h` = ド and
    /// `%8Am` = 確 keep raw trail bytes (Q12).
    const UTF8_DECLARED_CP932_ERROR: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"601\" />\r\n    <result err_detail=\"%83%81%81%5B%83%8B%83A%83h%83%8C%83X%82%F0%8Am%94F%82%B5%82%C4%82%AD%82%BE%82%B3%82%A2\" />\r\n    <result memo1=\"\" />\r\n    <result memo2=\"\" />\r\n  </Epsilon_result>\r\n";

    /// receive_order3 direct convenience-store order declared `ISO-8859-1` (Q1, Q3): root not
    /// indented, two-space children, arbitrary attribute order (Q8); the name uses `%83~` (ミ),
    /// `%83h` (ド), `%83J` (カ), `%83_` (ダ), `%83C` (イ), `%83L` (キ) with raw trail bytes (Q12)
    /// and `%20` for the space (Q14); `%28`/`%29`/`%40`/`%3A`/`%2F` escaped (Q13); dates and
    /// numbers unencoded (Q17); JST timestamps without a zone (Q18); a plain-http slip URL (Q22).
    const LATIN1_DECLARED_CONVENI_ORDER: &[u8] = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\r\n<Epsilon_result>\r\n  <result result=\"1\" />\r\n  <result trans_code=\"861205\" />\r\n  <result user_id=\"U7730216\" />\r\n  <result order_number=\"T20310042\" />\r\n  <result state=\"0\" />\r\n  <result user_name=\"%83~%83h%83%8A%83J%83%8F%20%83_%83C%83L\" />\r\n  <result process_code=\"1\" />\r\n  <result item_price=\"3480\" />\r\n  <result last_update=\"2031-04-02%2019%3A05%3A48\" />\r\n  <result mission_code=\"1\" />\r\n  <result memo1=\"\" />\r\n  <result memo2=\"\" />\r\n  <result contract_code=\"87654321\" />\r\n  <result st_code=\"00100-0000-00000-00000-00000-00000-00000\" />\r\n  <result item_name=\"Green%20Tea%20%28x2%29\" />\r\n  <result item_code=\"SKU-77\" />\r\n  <result payment_code=\"3\" />\r\n  <result user_mail_add=\"midorikawa.d%40example.test\" />\r\n  <result conveni_code=\"31\" />\r\n  <result kigyou_code=\"00777\" />\r\n  <result receipt_no=\"284391\" />\r\n  <result haraikomi_url=\"http%3A%2F%2Fexample.test%2Fslip%2Fsample.pdf\" />\r\n  <result receipt_date=\"2031-04-02%2019%3A05%3A48\" />\r\n  <result paid=\"0\" />\r\n  <result conveni_limit=\"2031-04-09\" />\r\n  <result conveni_time=\"\" />\r\n</Epsilon_result>\r\n";

    /// getsales2 "not found": no encoding and two spaces before `?>` (Q1), a root with no
    /// children, closing tag indented by two spaces, no final newline (Q6).
    const NOT_FOUND: &[u8] = b"<?xml version=\"1.0\"  ?>\n<Epsilon_result>\n  </Epsilon_result>";

    /// getsales2 found: LF, arbitrary order, no `result` attribute at all; `+` for spaces, `%7E`
    /// for `~` and `%2B` for a literal plus (Q14); CP932 kanji around a `+`.
    const GETSALES2_FOUND: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>
<Epsilon_result>
  <result order_number=\"T20310043\" />
  <result state=\"1\" />
  <result user_name=\"%8D%B2%96%EC+%89%D4\" />
  <result last_update=\"2031-05-11+08%3A15%3A02\" />
  <result trans_code=\"9130417\" />
  <result item_name=\"Blue+Mug+%28L%29\" />
  <result card_st_code=\"61\" />
  <result pay_time=\"3\" />
  <result memo1=\"gift%7Ewrap\" />
  <result credit_time=\"2031-05-11+08%3A15%3A03\" />
  <result payment_code=\"1\" />
  <result item_price=\"12000\" />
  <result user_mail_add=\"sano.hana%40example.test\" />
  <result memo2=\"1%2B1\" />
  <result due_date=\"\" />
  <result st_code=\"10000-0000-00000-00000-00000-00000-00000\" />
  <result user_id=\"U7730217\" />
  <result add_info=\"\" />
  <result sales_limit_exceeded_flag=\"0\" />
  <result process_code=\"1\" />
  <result mission_code=\"1\" />
  <result contract_code=\"87654321\" />
  <result item_code=\"SKU-78\" />
  <result credit_flag=\"0\" />
</Epsilon_result>
";

    /// direct_virtual_account success: `x-sjis-cp932` without a space before `?>` (Q1),
    /// alphabetical order (Q8), half-width katakana single bytes with ASCII `-` as the long-vowel
    /// mark (Q16).
    const VIRTUAL_ACCOUNT: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>
<Epsilon_result>
  <result account_name=\"EXAMPLE%BC%AE%AF%CC%DF\" />
  <result account_no=\"2208461\" />
  <result bank_code=\"0999\" />
  <result bank_name=\"%BB%DD%CC%DF%D9%CF-%C4%B7%DE%DD%BA%B3\" />
  <result branch_code=\"118\" />
  <result branch_name=\"%D0%C5%C4%D0%D7%B2\" />
  <result err_code=\"\" />
  <result err_detail=\"\" />
  <result result=\"1\" />
  <result trans_code=\"861310\" />
</Epsilon_result>
";

    /// direct_card_payment, 3-D Secure 2.0 required: a double-encoded `pareq` that must come out
    /// of decoding still escaped (Q15), empty `acsurl` (Q9), a nine-digit trans_code (Q19).
    const TDS2_REQUIRED: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>
<Epsilon_result>
  <result acsurl=\"\" />
  <result err_code=\"\" />
  <result err_detail=\"\" />
  <result pareq=\"Zq7%252FkP%252BwL0%253D\" />
  <result result=\"6\" />
  <result tds2_url=\"https%3A%2F%2Fexample.test%2Ftds2%2Fstart.cgi\" />
  <result trans_code=\"402915736\" />
</Epsilon_result>
";

    /// receive_order3 link order: `UTF-8` with a space before `?>`, root indented by one space,
    /// closing tag by two (Q6); the redirect carries an already-encoded token, so one decode
    /// leaves `%2F` in it (Q15, Q19).
    const LINK_REDIRECT: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>
 <Epsilon_result>
  <result result=\"1\" />
  <result redirect=\"https%3A%2F%2Fexample.test%2Fpay%2Fcard.cgi%3Ftrans_code%3Dk4Vd9%252FqT2mXw8\" />
  </Epsilon_result>
";

    /// receive_order_gmo2 error: result 9 with a trans_code (Q20), CRLF, root not indented,
    /// four-space children (Q6), arbitrary order (Q8).
    const GMO_ID_ERROR: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n<Epsilon_result>\r\n    <result err_code=\"601\" />\r\n    <result trans_code=\"861377\" />\r\n    <result err_detail=\"%83J%81%5B%83h%94%D4%8D%86%82%CC%8C%85%90%94%82%AA%90%B3%82%B5%82%AD%82%A0%82%E8%82%DC%82%B9%82%F1\" />\r\n    <result result=\"9\" />\r\n</Epsilon_result>\r\n";

    /// cancel_payment with an empty `result` (Q9); LF, no final newline.
    const EMPTY_RESULT: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>
<Epsilon_result>
  <result err_code=\"\" />
  <result err_detail=\"\" />
  <result result=\"\" />
</Epsilon_result>";

    /// get_user_info failure with result 2: ASCII parentheses escaped as `%28`/`%29` (Q13) and
    /// `%81B` = 。 with a raw trail byte (Q12).
    const USER_INFO_FAILURE: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>
<Epsilon_result>
  <result card_brand=\"\" />
  <result card_number_mask=\"\" />
  <result err_code=\"801\" />
  <result err_detail=\"%93o%98%5E%8D%CF%82%DD%82%CC%83J%81%5B%83h%28%97L%8C%F8%8A%FA%8C%C0%90%D8%82%EA%29%82%F0%8DX%90V%82%B5%82%C4%82%AD%82%BE%82%B3%82%A2%81B\" />
  <result result=\"2\" />
</Epsilon_result>
";

    /// get_user_info success: `*` escaped as `%2A` in the mask (Q13), unencoded `card_expire`.
    const USER_INFO_OK: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>
<Epsilon_result>
  <result card_brand=\"JCB\" />
  <result card_expire=\"203108\" />
  <result card_number_mask=\"3%2A%2A%2A%2A%2A%2A%2A%2A%2A%2A%2A0017\" />
  <result err_code=\"\" />
  <result err_detail=\"\" />
  <result result=\"1\" />
</Epsilon_result>
";

    /// direct_card_payment decline: result 0 still carrying a trans_code (Q20), alphabetical
    /// order (Q8), `%97p` = 用 and `%81B` = 。 (Q12).
    const CARD_DECLINED: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>
<Epsilon_result>
  <result acsurl=\"\" />
  <result err_code=\"601\" />
  <result err_detail=\"%82%B1%82%CC%83J%81%5B%83h%82%CD%82%B2%97%98%97p%82%A2%82%BD%82%BE%82%AF%82%DC%82%B9%82%F1%81B\" />
  <result pareq=\"\" />
  <result result=\"0\" />
  <result trans_code=\"861402\" />
</Epsilon_result>
";

    /// receive_order3 parameter error echoing the memos: `UTF-8` declared, CRLF, CP932 text in
    /// `err_detail` and in `memo2` (`%8Ft` = 春, `%90V` = 新: Q12).
    const BAD_ITEM_CODE: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"601\" />\r\n    <result err_detail=\"%8F%A4%95i%83R%81%5B%83h%82%AA%92%B7%82%B7%82%AC%82%DC%82%B7\" />\r\n    <result memo1=\"campaign-7\" />\r\n    <result memo2=\"%8Ft%82%CC%90V%8D%EC\" />\r\n  </Epsilon_result>\r\n";

    /// The same kind of answer for a `version=2` request: UTF-8 percent-encoded text under the
    /// same `UTF-8` declaration (Q3, Q11).
    const VERSION_2_ERROR: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"601\" />\r\n    <result err_detail=\"%E3%81%8A%E5%B1%8A%E3%81%91%E5%85%88%E3%81%AE%E9%83%B5%E4%BE%BF%E7%95%AA%E5%8F%B7%E3%81%8C%E6%AD%A3%E3%81%97%E3%81%8F%E3%81%82%E3%82%8A%E3%81%BE%E3%81%9B%E3%82%93\" />\r\n    <result memo1=\"campaign-7\" />\r\n    <result memo2=\"%E6%98%A5%E3%81%AE%E6%96%B0%E4%BD%9C\" />\r\n  </Epsilon_result>\r\n";

    /// One synthesized body and every attribute it must decode to, in document order.
    struct Case {
        label: &'static str,
        body: &'static [u8],
        version: Version,
        result: ResultState<'static>,
        attrs: &'static [(&'static str, &'static str)],
    }

    const CASES: &[Case] = &[
        Case {
            label: "receive_order3 process 8 error",
            body: PROCESS_8_ERROR,
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "605"),
                ("memo1", ""),
                ("err_detail", "定期購入データが見つかりません"),
                ("memo2", "sub-0417"),
            ],
        },
        Case {
            label: "receive_order3 process 9 success",
            body: PROCESS_9_OK,
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("user_id", "U7730215"),
                ("user_name", "SUZUKI Hanako"),
                ("memo1", ""),
                ("memo2", ""),
            ],
        },
        Case {
            label: "UTF-8 declared, CP932 payload",
            body: UTF8_DECLARED_CP932_ERROR,
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "601"),
                ("err_detail", "メールアドレスを確認してください"),
                ("memo1", ""),
                ("memo2", ""),
            ],
        },
        Case {
            label: "ISO-8859-1 declared convenience-store order",
            body: LATIN1_DECLARED_CONVENI_ORDER,
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("trans_code", "861205"),
                ("user_id", "U7730216"),
                ("order_number", "T20310042"),
                ("state", "0"),
                ("user_name", "ミドリカワ ダイキ"),
                ("process_code", "1"),
                ("item_price", "3480"),
                ("last_update", "2031-04-02 19:05:48"),
                ("mission_code", "1"),
                ("memo1", ""),
                ("memo2", ""),
                ("contract_code", "87654321"),
                ("st_code", "00100-0000-00000-00000-00000-00000-00000"),
                ("item_name", "Green Tea (x2)"),
                ("item_code", "SKU-77"),
                ("payment_code", "3"),
                ("user_mail_add", "midorikawa.d@example.test"),
                ("conveni_code", "31"),
                ("kigyou_code", "00777"),
                ("receipt_no", "284391"),
                ("haraikomi_url", "http://example.test/slip/sample.pdf"),
                ("receipt_date", "2031-04-02 19:05:48"),
                ("paid", "0"),
                ("conveni_limit", "2031-04-09"),
                ("conveni_time", ""),
            ],
        },
        Case {
            label: "getsales2 not found",
            body: NOT_FOUND,
            version: Version::V1,
            result: ResultState::Absent,
            attrs: &[],
        },
        Case {
            label: "getsales2 found",
            body: GETSALES2_FOUND,
            version: Version::V1,
            result: ResultState::Absent,
            attrs: &[
                ("order_number", "T20310043"),
                ("state", "1"),
                ("user_name", "佐野 花"),
                ("last_update", "2031-05-11 08:15:02"),
                ("trans_code", "9130417"),
                ("item_name", "Blue Mug (L)"),
                ("card_st_code", "61"),
                ("pay_time", "3"),
                ("memo1", "gift~wrap"),
                ("credit_time", "2031-05-11 08:15:03"),
                ("payment_code", "1"),
                ("item_price", "12000"),
                ("user_mail_add", "sano.hana@example.test"),
                ("memo2", "1+1"),
                ("due_date", ""),
                ("st_code", "10000-0000-00000-00000-00000-00000-00000"),
                ("user_id", "U7730217"),
                ("add_info", ""),
                ("sales_limit_exceeded_flag", "0"),
                ("process_code", "1"),
                ("mission_code", "1"),
                ("contract_code", "87654321"),
                ("item_code", "SKU-78"),
                ("credit_flag", "0"),
            ],
        },
        Case {
            label: "direct_virtual_account success",
            body: VIRTUAL_ACCOUNT,
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("account_name", "EXAMPLEｼｮｯﾌﾟ"),
                ("account_no", "2208461"),
                ("bank_code", "0999"),
                ("bank_name", "ｻﾝﾌﾟﾙﾏ-ﾄｷﾞﾝｺｳ"),
                ("branch_code", "118"),
                ("branch_name", "ﾐﾅﾄﾐﾗｲ"),
                ("err_code", ""),
                ("err_detail", ""),
                ("result", "1"),
                ("trans_code", "861310"),
            ],
        },
        Case {
            label: "3-D Secure 2.0 required",
            body: TDS2_REQUIRED,
            version: Version::V1,
            result: ResultState::Value("6"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("pareq", "Zq7%2FkP%2BwL0%3D"),
                ("result", "6"),
                ("tds2_url", "https://example.test/tds2/start.cgi"),
                ("trans_code", "402915736"),
            ],
        },
        Case {
            label: "receive_order3 link redirect",
            body: LINK_REDIRECT,
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("result", "1"), ("redirect", "https://example.test/pay/card.cgi?trans_code=k4Vd9%2FqT2mXw8")],
        },
        Case {
            label: "receive_order_gmo2 error with a trans_code",
            body: GMO_ID_ERROR,
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[
                ("err_code", "601"),
                ("trans_code", "861377"),
                ("err_detail", "カード番号の桁数が正しくありません"),
                ("result", "9"),
            ],
        },
        Case {
            label: "cancel_payment with an empty result",
            body: EMPTY_RESULT,
            version: Version::V1,
            result: ResultState::Empty,
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "")],
        },
        Case {
            label: "get_user_info failure",
            body: USER_INFO_FAILURE,
            version: Version::V1,
            result: ResultState::Value("2"),
            attrs: &[
                ("card_brand", ""),
                ("card_number_mask", ""),
                ("err_code", "801"),
                ("err_detail", "登録済みのカード(有効期限切れ)を更新してください。"),
                ("result", "2"),
            ],
        },
        Case {
            label: "get_user_info success",
            body: USER_INFO_OK,
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("card_brand", "JCB"),
                ("card_expire", "203108"),
                ("card_number_mask", "3***********0017"),
                ("err_code", ""),
                ("err_detail", ""),
                ("result", "1"),
            ],
        },
        Case {
            label: "direct_card_payment decline",
            body: CARD_DECLINED,
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", "601"),
                ("err_detail", "このカードはご利用いただけません。"),
                ("pareq", ""),
                ("result", "0"),
                ("trans_code", "861402"),
            ],
        },
        Case {
            label: "receive_order3 parameter error echoing memos",
            body: BAD_ITEM_CODE,
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "601"),
                ("err_detail", "商品コードが長すぎます"),
                ("memo1", "campaign-7"),
                ("memo2", "春の新作"),
            ],
        },
        Case {
            label: "version 2 error",
            body: VERSION_2_ERROR,
            version: Version::V2,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "601"),
                ("err_detail", "お届け先の郵便番号が正しくありません"),
                ("memo1", "campaign-7"),
                ("memo2", "春の新作"),
            ],
        },
    ];

    /// Every XML declaration the gateway was seen to send (facts §4.3 Q1).
    const DECLARATIONS: &[&[u8]] = &[
        b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>",
        b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>",
        b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>",
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>",
        b"<?xml version=\"1.0\"  ?>",
    ];

    fn decoded<'r>(response: &'r Response<'_>) -> Vec<(&'r str, &'r str)> {
        response.attributes().iter().map(|a| (a.name, a.value.as_ref())).collect()
    }

    fn parse_v1(body: &[u8]) -> Result<Response<'_>, ParseError> {
        Response::parse(body, Version::V1)
    }

    /// The body with its XML declaration (everything up to the first `?>`) replaced.
    fn with_declaration(body: &[u8], declaration: &[u8]) -> Vec<u8> {
        let end = body.windows(2).position(|w| w == b"?>").unwrap() + 2;
        [declaration, &body[end..]].concat()
    }

    #[test]
    fn every_synthesized_body_decodes_to_its_expected_values() {
        for case in CASES {
            let response = Response::parse(case.body, case.version).unwrap_or_else(|e| panic!("{}: {e}", case.label));
            assert_eq!(decoded(&response), case.attrs, "{}", case.label);
            assert_eq!(response.result(), case.result, "{}", case.label);
            assert_eq!(response.len(), case.attrs.len(), "{}", case.label);
            assert_eq!(response.is_empty(), case.attrs.is_empty(), "{}", case.label);
            for attr in response.attributes() {
                assert!(!attr.value.contains('\u{FFFD}'), "{}", case.label);
            }
        }
    }

    #[test]
    fn the_synthesized_bodies_cover_every_declaration_and_layout_quirk() {
        for declaration in DECLARATIONS {
            assert!(
                CASES.iter().any(|c| c.body.starts_with(declaration)),
                "no body declares {}",
                declaration.escape_ascii()
            );
        }
        let contains = |body: &[u8], needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
        let fragments: &[(&str, &[u8])] = &[
            ("CRLF line ends", b"\r\n"),
            ("a root not indented", b"\n<Epsilon_result>"),
            ("a root indented by one space", b"\n <Epsilon_result>"),
            ("a root indented by two spaces", b"\n  <Epsilon_result>"),
            ("a closing tag not indented", b"\n</Epsilon_result>"),
            ("a closing tag indented by one space", b"\n </Epsilon_result>"),
            ("a closing tag indented by two spaces", b"\n  </Epsilon_result>"),
            ("two-space children", b"\n  <result"),
            ("four-space children", b"\n    <result"),
            ("a raw ASCII trail byte", b"%83_"),
            ("a raw `~` trail byte", b"%83~"),
            ("`+` for a space", b"%EC+"),
            ("`%20` for a space", b"%20"),
            ("`%7E` for `~`", b"%7E"),
            ("`%2B` for a literal plus", b"%2B1"),
            ("a double-encoded value", b"%252"),
            ("half-width katakana", b"%BC%AE"),
            ("an empty value", b"=\"\""),
        ];
        for (what, needle) in fragments {
            assert!(CASES.iter().any(|c| contains(c.body, needle)), "no body with {what}");
        }
        assert!(CASES.iter().any(|c| !c.body.contains(&b'\r')), "no body with LF-only line ends");
        assert!(CASES.iter().any(|c| !c.body.ends_with(b"\n")), "no body without a final newline");
        assert!(CASES.iter().any(|c| c.version == Version::V2), "no version-2 body");
    }

    #[test]
    fn the_declared_encoding_does_not_change_the_decoded_values() {
        for case in CASES {
            for declaration in DECLARATIONS.iter().copied().chain([&b""[..]]) {
                let body = with_declaration(case.body, declaration);
                let body = body.trim_ascii_start();
                let response = Response::parse(body, case.version)
                    .unwrap_or_else(|e| panic!("{} with {}: {e}", case.label, declaration.escape_ascii()));
                assert_eq!(decoded(&response), case.attrs, "{} with {}", case.label, declaration.escape_ascii());
            }
        }
    }

    #[test]
    fn crlf_and_lf_line_ends_decode_alike() {
        for case in CASES {
            let lf: Vec<u8> = case.body.iter().copied().filter(|&b| b != b'\r').collect();
            let crlf: Vec<u8> =
                lf.iter().flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect();
            for body in [lf, crlf] {
                let response = Response::parse(&body, case.version).unwrap_or_else(|e| panic!("{}: {e}", case.label));
                assert_eq!(decoded(&response), case.attrs, "{}", case.label);
            }
        }
    }

    #[test]
    fn raw_keeps_the_value_as_it_stood_in_the_xml() {
        let response = parse_v1(TDS2_REQUIRED).unwrap();
        let pareq = &response.attributes()[3];
        assert_eq!(pareq.name, "pareq");
        assert_eq!(pareq.raw, "Zq7%252FkP%252BwL0%253D");
        assert_eq!(pareq.value, "Zq7%2FkP%2BwL0%3D");
    }

    #[test]
    fn values_without_escapes_borrow_from_the_body() {
        let response = parse_v1(LATIN1_DECLARED_CONVENI_ORDER).unwrap();
        for attr in response.attributes() {
            let needs_decoding = attr.raw.contains(['%', '+', '&']);
            assert_eq!(matches!(attr.value, Cow::Owned(_)), needs_decoding, "{}", attr.name);
        }
        let trans_code = response.attributes()[1].value.as_ref();
        assert_eq!(trans_code, "861205");
        let body = LATIN1_DECLARED_CONVENI_ORDER.as_ptr_range();
        assert!(body.contains(&trans_code.as_ptr()));
    }

    #[test]
    fn getsales2_not_found_is_an_empty_response_with_an_absent_result() {
        let response = parse_v1(NOT_FOUND).unwrap();
        assert!(response.is_empty());
        assert_eq!(response.len(), 0);
        assert_eq!(response.result(), ResultState::Absent);
        assert_eq!(response.get("result"), None);
        let self_closing = parse_v1(b"<Epsilon_result/>").unwrap();
        assert!(self_closing.is_empty());
    }

    #[test]
    fn an_empty_result_differs_from_an_absent_one() {
        assert_eq!(parse_v1(EMPTY_RESULT).unwrap().result(), ResultState::Empty);
        assert_eq!(parse_v1(GETSALES2_FOUND).unwrap().result(), ResultState::Absent);
        assert_eq!(ResultState::Empty.value(), None);
        assert_eq!(ResultState::Value("1").value(), Some("1"));
    }

    #[test]
    fn utf8_text_read_as_version_1_is_a_charset_error_where_the_mojibake_stops_being_cp932() {
        // The first 13 UTF-8 bytes of the version-2 err_detail happen to pair up as valid CP932
        // (mojibake such as 縺雁ｱ…); bytes 13–14 (0x81 0xAE) are an unassigned CP932 code.
        // Strict decoding catches this text, but not every UTF-8 text would be caught: the
        // version must come from the request.
        let err = parse_v1(VERSION_2_ERROR).unwrap_err();
        assert!(
            matches!(&err, ParseError::Charset { attribute, version: Version::V1, index: 13, .. } if attribute == "err_detail"),
            "{err:?}"
        );
        let bytes = percent_decode(b"%E3%81%8A%E5%B1%8A%E3%81%91%E5%85%88%E3%81%AE").unwrap();
        let head = decode_text(Cow::Owned(bytes[..13].to_vec()), Version::V1).unwrap();
        assert_eq!(head, "縺雁ｱ翫￠蜈医");
    }

    #[test]
    fn cp932_text_read_as_version_2_is_a_charset_error_naming_the_attribute() {
        let err = Response::parse(PROCESS_8_ERROR, Version::V2).unwrap_err();
        let ParseError::Charset { attribute, version, index, offset } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(attribute, "err_detail");
        assert_eq!(*version, Version::V2);
        assert_eq!(*index, 0);
        let raw_at = PROCESS_8_ERROR.windows(6).position(|w| w == b"%92%E8").unwrap();
        assert_eq!(*offset, raw_at);
        assert_eq!(err.attribute(), Some("err_detail"));
    }

    #[test]
    fn half_width_kana_bytes_are_not_guessed_to_be_utf8() {
        let body = b"<Epsilon_result><result account_name=\"%C5%B2\"/></Epsilon_result>";
        assert_eq!(parse_v1(body).unwrap().get("account_name"), Some("ﾅｲ"));
        let v2 = Response::parse(body, Version::V2).unwrap();
        assert_eq!(v2.get("account_name"), Some("Ų"));
    }

    #[test]
    fn a_lone_cp932_lead_byte_at_the_end_is_a_charset_error_naming_the_attribute() {
        let body = b"<Epsilon_result><result result=\"1\"/><result err_detail=\"%82%A0%82\"/></Epsilon_result>";
        let err = parse_v1(body).unwrap_err();
        assert!(
            matches!(&err, ParseError::Charset { attribute, version: Version::V1, index: 2, .. } if attribute == "err_detail"),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("err_detail"), "{message}");
        assert!(message.contains("cp932"), "{message}");
        assert!(!message.contains("%82"), "{message}");
    }

    #[test]
    fn an_invalid_percent_escape_is_a_percent_error_naming_the_attribute() {
        let body = b"<Epsilon_result><result user_name=\"ab%ZZ\"/></Epsilon_result>";
        let err = parse_v1(body).unwrap_err();
        assert_eq!(err, ParseError::Percent { attribute: "user_name".to_owned(), offset: 35, index: 2 });
        assert_eq!(&body[35..37], b"ab");
        assert!(!err.to_string().contains("ab%ZZ"));
    }

    #[test]
    fn a_raw_non_ascii_byte_is_an_error_with_its_offset() {
        let body = b"<Epsilon_result><result user_name=\"\xE3\x83\xA4\"/></Epsilon_result>";
        assert_eq!(parse_v1(body).unwrap_err(), ParseError::NonAscii { offset: 35 });
        let bom = b"\xEF\xBB\xBF<?xml version=\"1.0\"?><Epsilon_result/>";
        assert_eq!(parse_v1(bom).unwrap_err(), ParseError::NonAscii { offset: 0 });
    }

    /// Malformed or foreign bodies and the error each must give.
    #[test]
    fn malformed_bodies_are_errors_of_the_right_kind() {
        let html = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n</body></html>\n";
        let cases: &[(&str, &[u8], ParseError)] = &[
            ("empty body", b"", ParseError::Empty),
            ("whitespace body", b" \r\n", ParseError::Empty),
            ("html page", html, ParseError::Html { offset: 0 }),
            ("html without doctype", b"<html><body>error</body></html>", ParseError::Html { offset: 0 }),
            ("plain text", b"Internal Server Error", ParseError::NotXml { offset: 0 }),
            (
                "truncated inside a tag",
                b"<?xml version=\"1.0\"?>\n<Epsilon_result>\n  <result result=\"1",
                ParseError::Truncated { offset: 41 },
            ),
            (
                "truncated before the end tag",
                b"<?xml version=\"1.0\"?>\n<Epsilon_result>\n  <result result=\"1\" />\n",
                ParseError::Truncated { offset: 63 },
            ),
            ("declaration only", b"<?xml version=\"1.0\"?>\n", ParseError::Truncated { offset: 22 }),
            (
                "wrong root",
                b"<?xml version=\"1.0\"?>\n<Result><result result=\"1\"/></Result>",
                ParseError::WrongRoot { offset: 22, found: "Result".to_owned() },
            ),
            (
                "root with an attribute",
                b"<Epsilon_result version=\"2\"><result result=\"1\"/></Epsilon_result>",
                ParseError::RootAttribute { offset: 0, attribute: "version".to_owned() },
            ),
            (
                "other child element",
                b"<Epsilon_result><item result=\"1\"/></Epsilon_result>",
                ParseError::UnexpectedElement { offset: 16, found: "item".to_owned() },
            ),
            (
                "nested element",
                b"<Epsilon_result><result result=\"1\"><result a=\"2\"/></result></Epsilon_result>",
                ParseError::UnexpectedElement { offset: 35, found: "result".to_owned() },
            ),
            (
                "result without attribute",
                b"<Epsilon_result>\n  <result/>\n</Epsilon_result>",
                ParseError::MissingAttribute { offset: 19 },
            ),
            (
                "attributes not separated by white space (fuzz regression)",
                b"<Epsilon_result><result a=\"1\"b=\"2\" /></Epsilon_result>",
                ParseError::AttributeSyntax { offset: 29 },
            ),
            (
                "a slash inside the tag (fuzz regression)",
                b"<Epsilon_result><result a=\"1\" /b=\"\" /></Epsilon_result>",
                ParseError::AttributeSyntax { offset: 30 },
            ),
            (
                "a quote inside an attribute name (fuzz regression)",
                b"<Epsilon_result><result a=\"1\" b\"c\"=\"2\" /></Epsilon_result>",
                ParseError::AttributeSyntax { offset: 30 },
            ),
            (
                "a declaration without version (fuzz finding)",
                b"<?xml versISO?>\n<Epsilon_result></Epsilon_result>",
                ParseError::Xml {
                    offset: 0,
                    message: "expected an xml declaration of the form <?xml version=\"1.0\" …?>".to_owned(),
                },
            ),
            (
                "result without attribute, spaced",
                b"<Epsilon_result><result /></Epsilon_result>",
                ParseError::MissingAttribute { offset: 16 },
            ),
            (
                "text in the root",
                b"<Epsilon_result> ok <result result=\"1\"/></Epsilon_result>",
                ParseError::UnexpectedText { offset: 17 },
            ),
            (
                "text inside result",
                b"<Epsilon_result><result result=\"1\">1</result></Epsilon_result>",
                ParseError::UnexpectedText { offset: 35 },
            ),
            (
                "reference in the root",
                b"<Epsilon_result>&amp;</Epsilon_result>",
                ParseError::UnexpectedText { offset: 16 },
            ),
            (
                "cdata",
                b"<Epsilon_result><![CDATA[<result result=\"1\"/>]]></Epsilon_result>",
                ParseError::Cdata { offset: 16 },
            ),
            (
                "doctype",
                b"<?xml version=\"1.0\"?><!DOCTYPE Epsilon_result><Epsilon_result/>",
                ParseError::Doctype { offset: 21 },
            ),
            (
                "processing instruction",
                b"<?xml version=\"1.0\"?><?php echo 1; ?><Epsilon_result/>",
                ParseError::ProcessingInstruction { offset: 21 },
            ),
            (
                "declaration after whitespace",
                b"\n<?xml version=\"1.0\"?><Epsilon_result/>",
                ParseError::MisplacedDeclaration { offset: 1 },
            ),
            ("trailing element", b"<Epsilon_result/><Epsilon_result/>", ParseError::TrailingContent { offset: 17 }),
            ("trailing text", b"<Epsilon_result></Epsilon_result>\r\nx", ParseError::TrailingContent { offset: 35 }),
            (
                "trailing end tag",
                b"<Epsilon_result></Epsilon_result></Epsilon_result>",
                ParseError::TrailingContent { offset: 33 },
            ),
            (
                "control character",
                b"<Epsilon_result>\x00</Epsilon_result>",
                ParseError::InvalidCharacter { offset: 16 },
            ),
        ];
        for (label, body, expected) in cases {
            assert_eq!(&parse_v1(body).unwrap_err(), expected, "{label}");
        }
    }

    #[test]
    fn xml_syntax_errors_carry_offsets_and_lower_case_messages() {
        let cases: &[(&[u8], usize)] = &[
            (b"<Epsilon_result><result result=\"1\"/></Epsilon>", 36),
            (b"<Epsilon_result><result result=1/></Epsilon_result>", 31),
            (b"<Epsilon_result><result a=\"1\" a=\"2\"/></Epsilon_result>", 30),
            (b"<Epsilon_result><!x></Epsilon_result>", 16),
            (b"<Epsilon_result><result a=\"x<y\"/></Epsilon_result>", 28),
        ];
        for (body, offset) in cases {
            let err = parse_v1(body).unwrap_err();
            assert!(matches!(err, ParseError::Xml { .. }), "{}: {err:?}", body.escape_ascii());
            assert_eq!(err.offset(), *offset, "{err}");
        }
    }

    #[test]
    fn comments_whitespace_and_explicit_end_tags_are_accepted() {
        let body = b"<?xml version=\"1.0\"?>\r\n<!-- a comment -->\n\t<Epsilon_result >\n  <!-- x -->\n  <result result=\"1\"></result >\n  <result err_code='601'\n    />\n</Epsilon_result >\n<!-- end -->\n";
        let response = parse_v1(body).unwrap();
        assert_eq!(decoded(&response), [("result", "1"), ("err_code", "601")]);
    }

    #[test]
    fn every_attribute_of_a_result_element_and_every_duplicate_is_kept_in_order() {
        let body =
            b"<Epsilon_result><result a=\"1\" b=\"2\"/><result unknown=\"x\"/><result a=\"3\"/></Epsilon_result>";
        let response = parse_v1(body).unwrap();
        assert_eq!(decoded(&response), [("a", "1"), ("b", "2"), ("unknown", "x"), ("a", "3")]);
        assert_eq!(response.get("a"), Some("1"));
        assert_eq!(response.get_all("a").collect::<Vec<_>>(), ["1", "3"]);
        assert_eq!(response.get("missing"), None);
        assert_eq!(response.iter().count(), 4);
        assert_eq!((&response).into_iter().count(), 4);
    }

    #[test]
    fn xml_references_are_replaced_before_percent_decoding() {
        let body = b"<Epsilon_result><result redirect=\"a.cgi?x=1&amp;y=%32&#38;z=&#x25;41\"/><result q=\"&quot;&lt;&gt;&apos;\"/></Epsilon_result>";
        let response = parse_v1(body).unwrap();
        assert_eq!(response.get("redirect"), Some("a.cgi?x=1&y=2&z=A"));
        assert_eq!(response.get("q"), Some("\"<>'"));
        assert_eq!(response.attributes()[0].raw, "a.cgi?x=1&amp;y=%32&#38;z=&#x25;41");
    }

    #[test]
    fn invalid_or_non_ascii_references_are_errors_naming_the_attribute() {
        for body in [
            &b"<Epsilon_result><result memo1=\"a&nbsp;b\"/></Epsilon_result>"[..],
            b"<Epsilon_result><result memo1=\"a&#x3042;\"/></Epsilon_result>",
            b"<Epsilon_result><result memo1=\"a&#xZZ;\"/></Epsilon_result>",
        ] {
            let err = parse_v1(body).unwrap_err();
            assert!(
                matches!(&err, ParseError::Reference { attribute, offset: 31, .. } if attribute == "memo1"),
                "{err:?}"
            );
        }
    }

    #[test]
    fn line_breaks_in_attribute_values_are_normalized_to_spaces() {
        let body = b"<Epsilon_result><result memo1=\"a\r\nb\tc\nd&#10;\"/></Epsilon_result>";
        assert_eq!(parse_v1(body).unwrap().get("memo1"), Some("a b c d\n"));
    }

    #[test]
    fn every_truncation_of_every_body_is_an_error() {
        for case in CASES {
            let full = case.body.trim_ascii_end();
            for len in 0..case.body.len() {
                let prefix = &case.body[..len];
                let result = Response::parse(prefix, case.version);
                if prefix.trim_ascii_end() == full {
                    assert!(result.is_ok(), "{} at {len}", case.label);
                } else {
                    assert!(result.is_err(), "{} at {len}", case.label);
                }
            }
        }
    }

    #[test]
    fn no_single_byte_change_makes_the_decoder_panic() {
        let interesting = [
            0u8, b'<', b'>', b'/', b'"', b'\'', b'=', b'%', b'+', b'&', b';', b'#', b'!', b'?', b'[', b' ', b'\r',
            b'x', 0x82, 0xFF,
        ];
        for original in [PROCESS_8_ERROR, NOT_FOUND, VIRTUAL_ACCOUNT, TDS2_REQUIRED] {
            for i in 0..original.len() {
                for &b in &interesting {
                    let mut body = original.to_vec();
                    body[i] = b;
                    let _ = Response::parse(&body, Version::V1).map(|r| r.len());
                    let _ = Response::parse(&body, Version::V2).map(|r| r.len());
                    body.remove(i);
                    let _ = Response::parse(&body, Version::V1).map(|r| r.len());
                    let _ = parse_query(&body, Version::V1).map(|r| r.len());
                }
            }
        }
    }

    #[test]
    fn debug_output_redacts_secret_values() {
        let secrets: &[&str] = &["pareq", "card_number"];
        let body = b"<Epsilon_result><result pareq=\"Zq7kPw%252F\"/><result Card_Number=\"4242\"/><result result=\"6\"/></Epsilon_result>";
        let response = parse_v1(body).unwrap();
        let redacted = RedactedResponse(&response, secrets);
        for text in [format!("{redacted:?}"), format!("{redacted:#?}")] {
            assert!(!text.contains("Zq7kPw"), "{text}");
            assert!(!text.contains("4242"), "{text}");
            assert!(text.contains("\"<redacted>\""), "{text}");
            assert!(text.contains("\"pareq\""), "{text}");
            assert!(text.contains("\"6\""), "{text}");
        }
        let attr = format!("{:?}", RedactedAttribute(&response.attributes()[0], secrets));
        assert!(!attr.contains("Zq7kPw"), "{attr}");
        assert!(attr.contains("pareq"), "{attr}");
        assert_eq!(
            format!("{:?}", parse_v1(EMPTY_RESULT).unwrap()),
            "Response {\"err_code\": \"\", \"err_detail\": \"\", \"result\": \"\"}"
        );
    }

    #[test]
    fn debug_output_redacts_every_name_in_secret_names() {
        for &name in crate::SECRET_NAMES {
            let body = format!("<Epsilon_result><result {name}=\"s3cr3t%41\"/></Epsilon_result>");
            let response = parse_v1(body.as_bytes()).unwrap();
            assert!(response.attributes()[0].is_secret(), "{name}");
            for text in [format!("{response:?}"), format!("{response:#?}"), format!("{:?}", response.attributes()[0])] {
                assert!(!text.contains("s3cr3t"), "{text}");
                assert!(text.contains("<redacted>"), "{text}");
            }
        }
    }

    #[test]
    fn error_messages_are_lower_case_without_a_trailing_period() {
        let errors = [
            ParseError::Empty,
            parse_v1(b"x").unwrap_err(),
            parse_v1(b"<a/>").unwrap_err(),
            parse_v1(b"<Epsilon_result><result x=\"%Z\"/></Epsilon_result>").unwrap_err(),
            parse_v1(b"<Epsilon_result><result x=\"%82\"/></Epsilon_result>").unwrap_err(),
            parse_v1(b"<Epsilon_result><result/></Epsilon_result>").unwrap_err(),
            parse_v1(b"<Epsilon_result></Epsilon>").unwrap_err(),
            parse_query(b"=1", Version::V1).unwrap_err(),
        ];
        for err in errors {
            let message = err.to_string();
            let first = message.chars().next().unwrap();
            assert!(first.is_lowercase() || first.is_ascii_digit(), "{message}");
            assert!(!message.ends_with('.'), "{message}");
            assert!(message.contains("expected"), "{message}");
            let _: &dyn std::error::Error = &err;
        }
        for message in
            [PercentError { offset: 1 }.to_string(), CharsetError { version: Version::V1, offset: 1 }.to_string()]
        {
            assert!(message.starts_with("expected"), "{message}");
            assert!(!message.ends_with('.'), "{message}");
        }
    }

    #[test]
    fn percent_decoding_is_byte_wise_and_happens_once() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"abc", b"abc"),
            (b"%83_", b"\x83_"),
            (b"SUZUKI+Hanako", b"SUZUKI Hanako"),
            (b"%2b%2B", b"++"),
            (b"%252B", b"%2B"),
            (b"%e3%81%82", b"\xE3\x81\x82"),
            (b"%00%7F%FF", b"\x00\x7F\xFF"),
        ];
        for (raw, expected) in cases {
            assert_eq!(&*percent_decode(raw).unwrap(), *expected);
        }
        assert!(matches!(percent_decode(b"abc").unwrap(), Cow::Borrowed(_)));
        for (raw, offset) in [(&b"%"[..], 0), (b"ab%4", 2), (b"%4G", 0), (b"ok%41%ZZ", 5), (b"%+1", 0)] {
            assert_eq!(percent_decode(raw).unwrap_err().offset, offset);
        }
    }

    #[test]
    fn text_decoding_is_strict_and_reports_the_first_invalid_byte() {
        let ok: &[(&[u8], Version, &str)] = &[
            (b"abc", Version::V1, "abc"),
            (b"\x83\x5f", Version::V1, "ダ"),
            (b"\xB1\xBC\xDE", Version::V1, "ｱｼﾞ"),
            (b"\x87\x40", Version::V1, "①"),
            (b"\xED\x40", Version::V1, "纊"),
            (b"\x81\x60", Version::V1, "～"),
            (b"\xE3\x81\x82", Version::V2, "あ"),
        ];
        for (bytes, version, expected) in ok {
            assert_eq!(decode_text(Cow::Borrowed(bytes), *version).unwrap(), *expected);
            assert_eq!(decode_text(Cow::Owned(bytes.to_vec()), *version).unwrap(), *expected);
        }
        assert!(matches!(decode_text(Cow::Borrowed(b"abc"), Version::V1).unwrap(), Cow::Borrowed("abc")));
        let bad: &[(&[u8], Version, usize)] = &[
            (b"ab\x82", Version::V1, 2),
            (b"\x82\xA0\x82", Version::V1, 2),
            (b"a\xA0", Version::V1, 1),
            (b"a\x82 b", Version::V1, 1),
            (b"\xFF", Version::V1, 0),
            (b"ab\xE3\x81", Version::V2, 2),
            (b"\x83_", Version::V2, 0),
        ];
        for (bytes, version, offset) in bad {
            for input in [Cow::Borrowed(*bytes), Cow::Owned(bytes.to_vec())] {
                assert_eq!(
                    decode_text(input, *version).unwrap_err(),
                    CharsetError { version: *version, offset: *offset }
                );
            }
        }
        let long: Vec<u8> = b"\x82\xA0".repeat(2000).into_iter().chain([0x82]).collect();
        assert_eq!(decode_text(Cow::Owned(long), Version::V1).unwrap_err().offset, 4000);
    }

    #[test]
    fn query_strings_decode_with_the_same_rules_and_keep_order() {
        let query = b"trans_code=861205&user_name=%83~%83h%83%8A+%83_%83C%83L&&result=1&memo1&memo2=a=b&result=2&";
        let response = parse_query(query, Version::V1).unwrap();
        assert_eq!(
            decoded(&response),
            [
                ("trans_code", "861205"),
                ("user_name", "ミドリ ダイキ"),
                ("result", "1"),
                ("memo1", ""),
                ("memo2", "a=b"),
                ("result", "2"),
            ]
        );
        assert_eq!(response.result(), ResultState::Value("1"));
        assert!(matches!(response.attributes()[0].value, Cow::Borrowed(_)));
        assert!(parse_query(b"", Version::V1).unwrap().is_empty(), "an empty query has no parameters");
        let v2 = Response::parse_query(b"n=%E3%81%82", Version::V2).unwrap();
        assert_eq!(v2.get("n"), Some("あ"));
    }

    #[test]
    fn malformed_query_strings_are_errors() {
        let cases: &[(&[u8], ParseError)] = &[
            (b"=1", ParseError::InvalidName { offset: 0 }),
            (b"a=1&?b=2", ParseError::InvalidName { offset: 4 }),
            (b"a%41=1", ParseError::InvalidName { offset: 0 }),
            (b"a=1 2", ParseError::InvalidCharacter { offset: 3 }),
            (b"a=\xE3", ParseError::NonAscii { offset: 2 }),
            (b"a=1&bb=%ZZ", ParseError::Percent { attribute: "bb".to_owned(), offset: 7, index: 0 }),
            (
                b"a=1&bb=x%82",
                ParseError::Charset { attribute: "bb".to_owned(), version: Version::V1, offset: 7, index: 1 },
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(&parse_query(query, Version::V1).unwrap_err(), expected);
        }
    }

    #[test]
    fn version_parameters_map_to_charsets() {
        assert_eq!(Version::default(), Version::V1);
        assert_eq!(Version::from_param("1"), Some(Version::V1));
        assert_eq!(Version::from_param("2"), Some(Version::V2));
        assert_eq!(Version::from_param(""), None);
        assert_eq!(Version::from_param(" 2"), None);
        assert_eq!(Version::V2.as_param(), "2");
        assert_eq!(Version::V1.charset_name(), "cp932");
    }
}
