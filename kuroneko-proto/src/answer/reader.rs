//! The reader: a walk over quick-xml's events that checks the document's shape and builds an [`Answer`].

use std::collections::HashSet;

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use japay_core::wire::xml::{BOM, References, is_xml_space, name_for_error, resolve_reference};

use super::block::{Block, Element, Group};
use super::error::AnswerError;
use super::redact::Secrets;
use super::text::{Text, find_invalid_character, is_element_name};
use super::{Answer, ROOT};

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
    /// The secret names (built-in and given).
    secrets: Secrets<'s>,
}

impl<'a> Builder<'a, '_> {
    fn element(&self, name: &'a str, offset: usize, text: Text<'a>) -> Element<'a> {
        Element::new(name, text.into_cow(), offset, self.secrets.contains(name))
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
pub(super) fn parse<'a>(body: &'a [u8], extra_secrets: &[&str]) -> Result<Answer<'a>, AnswerError> {
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
    let secrets = Secrets::new(extra_secrets);
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
                let c = resolve_reference(&r, References::XML_CHAR).ok_or(AnswerError::Reference { offset: at })?;
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

/// The `&str` inside `outer` that `inner` (a sub-slice of `outer`'s bytes) covers.
fn sub_str<'a>(outer: &'a str, inner: &[u8]) -> Option<&'a str> {
    let from = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    outer.get(from..from.checked_add(inner.len())?)
}

/// A reader position as an offset.
fn to_usize(pos: u64) -> usize {
    usize::try_from(pos).unwrap_or(usize::MAX)
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
