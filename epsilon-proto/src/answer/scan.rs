//! The reader of `<Epsilon_result>` answer bodies: a purpose-built scanner for the one XML shape the gateway sends,
//! read as ASCII, in one pass.
//!
//! ```text
//! body     := BOM? decl? misc* '<Epsilon_result' S? ('>' (S | comment | result)* '</Epsilon_result' S? '>' | '/>') misc*
//! decl     := '<?xml' S 'version' Eq '"1.0"' (S 'encoding' Eq quoted)? (S 'standalone' Eq quoted)? S? '?>'
//! result   := '<result' (S name Eq quoted)+ S? ('/>' | '>' (S | comment)* '</result' S? '>')
//! misc     := S | comment            comment := '<!--' … '-->' without '--' inside
//! ```
//!
//! Everything else is an error with its byte offset: other markup (CDATA, DOCTYPE, processing instructions, other
//! elements), text, content after the root, truncation. Every byte is looked at a bounded number of times, so the
//! time is linear in the body (a `result` element may carry at most
//! [`ParseError::MAX_ATTRIBUTES_PER_ELEMENT`] attributes, which bounds the duplicate check per tag).

use std::borrow::Cow;

use super::attribute::Attribute;
use super::error::ParseError;
use super::markup::{self, Markup, first_of};
use super::value::{Escapes, decode_xml_value};
use super::version::Version;
use crate::wire::xml::{BOM, is_xml_space, name_for_error};

/// Name of the root element of every answer.
const ROOT: &[u8] = b"Epsilon_result";
/// Name of the child elements that carry the fields.
const RESULT: &[u8] = b"result";

/// Where the reader is in the document.
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

/// 1 for a byte that may not stand in a body (not 7-bit ASCII, or a control character other than TAB, CR and LF),
/// 0 otherwise. Read as a signed byte, every such byte is below 0x20 (the bytes from 0x80 are negative), so the test
/// is four byte comparisons, which the compiler vectorizes in the loops that use it.
fn is_invalid_byte(b: u8) -> u8 {
    let s = b as i8;
    u8::from(s < 0x20) & u8::from(s != b'\t' as i8) & u8::from(s != b'\r' as i8) & u8::from(s != b'\n' as i8)
}

/// The index of the first byte of `bytes` that may not stand in a body ([`is_invalid_byte`]), looked for in blocks
/// the compiler can vectorize.
fn first_invalid_byte(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for (k, block) in blocks.by_ref().enumerate() {
        if block.iter().fold(0u8, |bad, &b| bad | is_invalid_byte(b)) != 0 {
            return block.iter().position(|&b| is_invalid_byte(b) != 0).map(|i| k * BLOCK + i);
        }
    }
    let tail = blocks.remainder();
    tail.iter().position(|&b| is_invalid_byte(b) != 0).map(|i| bytes.len() - tail.len() + i)
}

/// The offset of the first byte from `from` on that is not XML white space.
#[inline(always)]
fn skip_space(bytes: &[u8], mut from: usize) -> usize {
    while bytes.get(from).is_some_and(|&b| is_xml_space(b)) {
        from += 1;
    }
    from
}

/// The offset of the first byte from `from` on that may not stand in an attribute name.
#[inline(always)]
fn name_end(bytes: &[u8], mut from: usize) -> usize {
    // four bytes a step while they are all name bytes: fewer steps, and fewer mispredicted exits, for names of
    // Epsilon's lengths (5 to 25 bytes)
    while let Some(&[a, b, c, d]) = bytes.get(from..).and_then(|rest| rest.first_chunk::<4>()) {
        if !(is_name_byte(a) & is_name_byte(b) & is_name_byte(c) & is_name_byte(d)) {
            break;
        }
        from += 4;
    }
    while bytes.get(from).is_some_and(|&b| is_name_byte(b)) {
        from += 1;
    }
    from
}

/// Whether a byte may stand in an attribute name. Names are ASCII XML names as Epsilon's are (`err_code`,
/// `tds2_url`, `billAddrCity`): letters, digits, `_`, `-`, `.`, starting with a letter or `_`. (XML also allows `:`
/// and non-ASCII; neither ever occurs.)
fn is_name_byte(b: u8) -> bool {
    NAME_BYTES.get(usize::from(b)).copied().unwrap_or(false)
}

/// [`is_name_byte`] of every byte. (Indexing in a constant is checked when the crate compiles.)
#[allow(clippy::indexing_slicing)]
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.';
        b += 1;
    }
    table
};

/// Whether a byte ends an attribute name token: white space, `=`, `>`, `/`.
fn ends_name(b: u8) -> bool {
    is_xml_space(b) || matches!(b, b'=' | b'>' | b'/')
}

/// Reads every attribute of an answer body, in document order; see [`crate::answer::Answer::parse`].
pub(crate) fn read_body(body: &[u8], version: Version) -> Result<Vec<Attribute<'_>>, ParseError> {
    let start = if body.starts_with(BOM) { BOM.len() } else { 0 };
    let rest = body.get(start..).unwrap_or_default();
    if rest.iter().all(|&b| is_xml_space(b)) {
        return Err(ParseError::Empty);
    }
    // one pass for both rules: 7-bit ASCII only, and no control character but TAB, CR and LF
    if let Some(i) = first_invalid_byte(rest) {
        let offset = start.saturating_add(i);
        return Err(match rest.get(i) {
            Some(&b) if b >= 0x80 => ParseError::NonAscii { offset },
            _ => ParseError::InvalidCharacter { offset },
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| ParseError::NonAscii { offset: e.valid_up_to() })?;
    let mut reader = Reader { body, text, pos: start, version, attrs: Vec::with_capacity((body.len() / 32).min(64)) };
    reader.document(start)?;
    Ok(reader.attrs)
}

/// The scanner's cursor over one body.
struct Reader<'a> {
    /// The body.
    body: &'a [u8],
    /// The body as text (checked ASCII, after an optional BOM).
    text: &'a str,
    /// The offset of the next byte to read.
    pos: usize,
    /// The charset of the values.
    version: Version,
    /// Every attribute read so far.
    attrs: Vec<Attribute<'a>>,
}

impl<'a> Reader<'a> {
    /// The byte at `i`, if any.
    fn at(&self, i: usize) -> Option<u8> {
        self.body.get(i).copied()
    }

    /// The bytes from `i` on.
    fn from(&self, i: usize) -> &'a [u8] {
        self.body.get(i..).unwrap_or_default()
    }

    /// The text between `from` and `to`.
    #[inline(always)]
    fn str(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// Moves past white space.
    fn skip_space(&mut self) {
        self.pos = self.run_end(self.pos, is_xml_space);
    }

    /// The end of the run of bytes from `i` for which `keep` holds.
    #[inline(always)]
    fn run_end(&self, mut i: usize, keep: impl Fn(u8) -> bool) -> usize {
        while let Some(&b) = self.body.get(i) {
            if !keep(b) {
                break;
            }
            i += 1;
        }
        i
    }

    /// Reads the whole document; `start` is the offset after the BOM.
    fn document(&mut self, start: usize) -> Result<(), ParseError> {
        let mut state = State::Prolog;
        loop {
            if state == State::Root {
                self.plain_results()?;
            }
            let text_start = self.pos;
            self.skip_space();
            let at = self.pos;
            let Some(b) = self.at(at) else {
                return match state {
                    State::Epilog => Ok(()),
                    State::Prolog | State::Root | State::Result => Err(ParseError::Truncated { offset: at }),
                };
            };
            if b != b'<' {
                return Err(match state {
                    State::Prolog if text_start == start => ParseError::NotXml { offset: start },
                    State::Epilog => ParseError::TrailingContent { offset: at },
                    State::Prolog | State::Root | State::Result => ParseError::UnexpectedText { offset: at },
                });
            }
            let markup = markup::classify(self.body, at);
            if state == State::Epilog {
                match markup {
                    Markup::Comment => self.pos = markup::comment_end(self.body, at).map_err(|_| trailing(at))?,
                    _ => return Err(trailing(at)),
                }
                continue;
            }
            state = match markup {
                Markup::Comment => {
                    self.pos = markup::comment_end(self.body, at)?;
                    state
                }
                Markup::Declaration if state == State::Prolog && at == start => {
                    self.pos = markup::declaration_end(self.body, at)?;
                    state
                }
                Markup::Declaration => return Err(ParseError::MisplacedDeclaration { offset: at }),
                Markup::ProcessingInstruction => return Err(ParseError::ProcessingInstruction { offset: at }),
                Markup::Cdata => return Err(ParseError::Cdata { offset: at }),
                Markup::Doctype { html } => {
                    return Err(if html && state == State::Prolog {
                        ParseError::Html { offset: at }
                    } else {
                        ParseError::Doctype { offset: at }
                    });
                }
                Markup::Invalid => return Err(ParseError::InvalidMarkup { offset: at }),
                Markup::Truncated => return Err(ParseError::Truncated { offset: at }),
                Markup::EndTag => self.end_tag(at, state)?,
                Markup::StartTag => self.start_tag(at, state)?,
            };
        }
    }

    /// Reads the end tag at `at` in `state`; returns the next state.
    fn end_tag(&mut self, at: usize, state: State) -> Result<State, ParseError> {
        let name_from = at.saturating_add(2);
        let Some(gt) = self.from(name_from).iter().position(|&b| b == b'>') else {
            return Err(ParseError::Truncated { offset: at });
        };
        let gt = name_from.saturating_add(gt);
        let name = self.body.get(name_from..gt).unwrap_or_default().trim_ascii_end();
        let (expected, next) = match state {
            State::Result => (RESULT, State::Root),
            State::Root => (ROOT, State::Epilog),
            State::Prolog | State::Epilog => {
                return Err(ParseError::UnmatchedEndTag { offset: at, found: name_for_error(name) });
            }
        };
        if name != expected {
            return Err(ParseError::MismatchedEndTag {
                offset: at,
                expected: name_for_error(expected),
                found: name_for_error(name),
            });
        }
        self.pos = gt.saturating_add(1);
        Ok(next)
    }

    /// Reads the start or empty-element tag at `at` in `state`; returns the next state.
    fn start_tag(&mut self, at: usize, state: State) -> Result<State, ParseError> {
        let name_from = at.saturating_add(1);
        let name_end = self.run_end(name_from, |b| !is_xml_space(b) && b != b'/' && b != b'>');
        if name_end >= self.body.len() {
            return Err(ParseError::Truncated { offset: at });
        }
        let name = self.body.get(name_from..name_end).unwrap_or_default();
        self.pos = name_end;
        match state {
            State::Prolog if name.eq_ignore_ascii_case(b"html") => Err(ParseError::Html { offset: at }),
            State::Prolog if name != ROOT => Err(ParseError::WrongRoot { offset: at, found: name_for_error(name) }),
            State::Prolog => match self.tag_end(at)? {
                Some(self_closing) => Ok(if self_closing { State::Epilog } else { State::Root }),
                None => {
                    let (_, attribute) = self.attribute_name(at)?;
                    Err(ParseError::RootAttribute { offset: at, attribute: name_for_error(attribute.as_bytes()) })
                }
            },
            State::Root if name == RESULT => self.result_attributes(at),
            State::Root | State::Result => {
                Err(ParseError::UnexpectedElement { offset: at, found: name_for_error(name) })
            }
            State::Epilog => Err(trailing(at)),
        }
    }

    /// After optional white space: `Some(true)` past `/>`, `Some(false)` past `>`, `None` at anything else (an
    /// attribute, left unread). `at` is the offset of the tag, for errors.
    fn tag_end(&mut self, at: usize) -> Result<Option<bool>, ParseError> {
        let before = self.pos;
        self.skip_space();
        match (self.at(self.pos), self.at(self.pos.saturating_add(1))) {
            (None, _) | (Some(b'/'), None) => Err(ParseError::Truncated { offset: at }),
            (Some(b'>'), _) => {
                self.pos += 1;
                Ok(Some(false))
            }
            (Some(b'/'), Some(b'>')) => {
                self.pos += 2;
                Ok(Some(true))
            }
            _ => {
                // an attribute must follow white space
                if self.pos == before {
                    return Err(ParseError::AttributeSyntax { offset: self.pos });
                }
                Ok(None)
            }
        }
    }

    /// Reads an attribute name at the cursor (after white space); returns its offset and text.
    fn attribute_name(&mut self, at: usize) -> Result<(usize, &'a str), ParseError> {
        let name_at = self.pos;
        let end = self.run_end(name_at, is_name_byte);
        match self.at(end) {
            None => return Err(ParseError::Truncated { offset: at }),
            Some(b) if !ends_name(b) => {
                // a token with other bytes in it: an error, or the body ends inside it
                return Err(if self.run_end(end, |b| !ends_name(b)) >= self.body.len() {
                    ParseError::Truncated { offset: at }
                } else {
                    ParseError::AttributeSyntax { offset: name_at }
                });
            }
            Some(_) => {}
        }
        // a name starts with a letter or `_` (an empty name starts with neither: the byte after it ends names)
        if !self.at(name_at).is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
            return Err(ParseError::AttributeSyntax { offset: name_at });
        }
        self.pos = end;
        Ok((name_at, self.str(name_at, end)))
    }

    /// Reads, from the cursor in state [`State::Root`], the elements in a row that have the shape nearly every
    /// element of an answer has: `<result NAME="VALUE"/>` (white space before it; one attribute; `=` and the quote
    /// right after the name; white space only before the name and before `/>`). It stops before the first element
    /// (or anything else) of another shape, leaving the cursor after the last element it read, for the general
    /// path. For such an element it checks what [`Reader::start_tag`] and [`Reader::result_attributes`] check, in
    /// their order, so its one error, a value that does not decode, is theirs too.
    ///
    /// One function with its own loop, apart from [`Reader::document`]: the common case in few registers.
    #[inline(never)]
    fn plain_results(&mut self) -> Result<(), ParseError> {
        /// `<result` in the low seven bytes of a little-endian word.
        const TAG: u64 = u64::from_le_bytes(*b"<result\0");
        let (body, text) = (self.body, self.text);
        let mut pos = self.pos;
        loop {
            let at = skip_space(body, pos);
            // `<result` and a white-space byte, looked at as one word
            let Some(&head) = body.get(at..).and_then(|rest| rest.first_chunk::<8>()) else { break };
            let head = u64::from_le_bytes(head);
            if head & 0x00FF_FFFF_FFFF_FFFF != TAG || !is_xml_space((head >> 56) as u8) {
                break;
            }
            let name_at = skip_space(body, at + 8);
            if !body.get(name_at).is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_') {
                break;
            }
            let end = name_end(body, name_at);
            let quote = match body.get(end..).and_then(|rest| rest.first_chunk::<2>()) {
                Some(&[b'=', q @ (b'"' | b'\'')]) => q,
                _ => break,
            };
            let value_at = end + 2;
            // the value ends at the first quote or `<` (which the general path reports)
            let i = match first_of(body, value_at, quote, b'<') {
                Some(i) if body.get(i) == Some(&quote) => i,
                _ => break,
            };
            let close = skip_space(body, i + 1);
            if body.get(close..).and_then(|rest| rest.first_chunk::<2>()) != Some(b"/>") {
                break;
            }
            // `NAME="VALUE` as text, cut at the `="`
            let Some((name, raw)) = text
                .get(name_at..i)
                .and_then(|t| t.split_at_checked(end - name_at))
                .and_then(|(name, quoted)| Some((name, quoted.get(2..)?)))
            else {
                break;
            };
            let escapes = raw.bytes().fold(0, |e, b| e | Escapes::class(b));
            let value = if escapes & (Escapes::PERCENT | Escapes::XML) == 0 {
                Cow::Borrowed(raw) // nothing to decode (what `decode_xml_value` returns for it)
            } else {
                decode_xml_value(name, raw, value_at, self.version, Escapes(escapes))?
            };
            self.attrs.push(Attribute { name, escaped: raw, value });
            pos = close + 2;
        }
        self.pos = pos;
        Ok(())
    }

    /// Reads the attributes of the `result` tag at `at` up to and including its end; returns the next state.
    fn result_attributes(&mut self, at: usize) -> Result<State, ParseError> {
        let first = self.attrs.len();
        let self_closing = loop {
            if let Some(self_closing) = self.tag_end(at)? {
                break self_closing;
            }
            let (name_at, name) = self.attribute_name(at)?;
            let in_tag = self.attrs.get(first..).unwrap_or_default();
            if in_tag.len() >= ParseError::MAX_ATTRIBUTES_PER_ELEMENT {
                return Err(ParseError::TooManyAttributes { offset: name_at });
            }
            if in_tag.iter().any(|a| a.name == name) {
                return Err(ParseError::DuplicateAttribute {
                    attribute: name_for_error(name.as_bytes()),
                    offset: name_at,
                });
            }
            self.skip_space();
            match self.at(self.pos) {
                Some(b'=') => self.pos += 1,
                Some(_) => return Err(ParseError::ExpectedEquals { offset: self.pos }),
                None => return Err(ParseError::Truncated { offset: at }),
            }
            self.skip_space();
            let quote = match self.at(self.pos) {
                Some(q @ (b'"' | b'\'')) => q,
                Some(_) => return Err(ParseError::UnquotedValue { offset: self.pos }),
                None => return Err(ParseError::Truncated { offset: at }),
            };
            let value_at = self.pos.saturating_add(1);
            let mut escapes = 0u8;
            let mut i = value_at;
            loop {
                let Some(&b) = self.body.get(i) else {
                    return Err(ParseError::Truncated { offset: at });
                };
                let class = Escapes::class(b);
                if class & Escapes::STOP != 0 {
                    if b == quote {
                        break;
                    }
                    if b == b'<' {
                        return Err(ParseError::LessThanInValue {
                            attribute: name_for_error(name.as_bytes()),
                            offset: i,
                        });
                    }
                }
                escapes |= class;
                i += 1;
            }
            let raw = self.str(value_at, i);
            self.pos = i.saturating_add(1);
            let value = decode_xml_value(name, raw, value_at, self.version, Escapes(escapes))?;
            self.attrs.push(Attribute { name, escaped: raw, value });
        };
        if self.attrs.len() == first {
            return Err(ParseError::MissingAttribute { offset: at });
        }
        Ok(if self_closing { State::Root } else { State::Result })
    }
}

/// Content after the root element, at `offset`.
fn trailing(offset: usize) -> ParseError {
    ParseError::TrailingContent { offset }
}
