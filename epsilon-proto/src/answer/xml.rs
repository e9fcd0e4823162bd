//! The reader of `<Epsilon_result>` answer bodies (the XML layer, read as ASCII).

use std::borrow::Cow;

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::BytesStart;
use quick_xml::events::Event;
use quick_xml::events::attributes::{AttrError, Attributes};
use quick_xml::reader::Reader;

use super::attribute::Attribute;
use super::error::{ParseError, name_for_error};
use super::value::decode_xml_value;
use super::version::Version;

/// Name of the root element of every answer.
const ROOT: &[u8] = b"Epsilon_result";
/// Name of the child elements that carry the fields.
const RESULT: &[u8] = b"result";

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

/// Reads every attribute of an answer body, in document order; see [`crate::response::Response::parse`].
pub(crate) fn read_body(body: &[u8], version: Version) -> Result<Vec<Attribute<'_>>, ParseError> {
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
                    State::Epilog => Ok(attrs),
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

/// XML whitespace: space, TAB, CR, LF.
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A reader position as an offset.
fn to_usize(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
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
