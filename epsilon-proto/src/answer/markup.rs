//! The markup of an answer body other than elements: what a `<` starts, comments, and the XML declaration.

use super::error::ParseError;
use crate::wire::xml::is_xml_space;

/// What the `<` at an offset starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Markup {
    /// `<!--`.
    Comment,
    /// `<?xml` followed by white space or `?`.
    Declaration,
    /// `<?` with another target.
    ProcessingInstruction,
    /// `<![CDATA[`.
    Cdata,
    /// `<!DOCTYPE` (any case); `html` when the document type is `html` (any case).
    Doctype {
        /// Whether it names `html`.
        html: bool,
    },
    /// `<!` followed by anything else.
    Invalid,
    /// The body ends before it can tell (`<`, `<!-`, `<!DOC`, `<?x`).
    Truncated,
    /// `</`.
    EndTag,
    /// `<` followed by anything else.
    StartTag,
}

/// What the `<` at `at` starts.
pub(crate) fn classify(body: &[u8], at: usize) -> Markup {
    let rest = body.get(at..).unwrap_or_default();
    let starts = |prefix: &[u8]| {
        if rest.len() >= prefix.len() {
            rest.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix)).then_some(true)
        } else {
            // a proper prefix of the markup: undecided
            prefix.get(..rest.len()).is_some_and(|head| head.eq_ignore_ascii_case(rest)).then_some(false)
        }
    };
    match rest.get(1) {
        None => Markup::Truncated,
        Some(b'/') => Markup::EndTag,
        Some(b'?') => match starts(b"<?xml") {
            Some(true) => match rest.get(5) {
                None => Markup::Truncated,
                Some(&b) if is_xml_space(b) || b == b'?' => {
                    if rest.get(2..5) == Some(b"xml") {
                        Markup::Declaration
                    } else {
                        Markup::ProcessingInstruction
                    }
                }
                Some(_) => Markup::ProcessingInstruction,
            },
            Some(false) => Markup::Truncated,
            None => Markup::ProcessingInstruction,
        },
        Some(b'!') => {
            if let Some(complete) = starts(b"<!--") {
                return if complete && rest.get(..4) == Some(b"<!--") { Markup::Comment } else { Markup::Truncated };
            }
            if let Some(complete) = starts(b"<![CDATA[") {
                return if complete { Markup::Cdata } else { Markup::Truncated };
            }
            match starts(b"<!DOCTYPE") {
                Some(true) => {
                    let name = rest.get(9..).unwrap_or_default().trim_ascii_start();
                    let html = name.get(..4).is_some_and(|n| n.eq_ignore_ascii_case(b"html"));
                    Markup::Doctype { html }
                }
                Some(false) => Markup::Truncated,
                None => Markup::Invalid,
            }
        }
        Some(_) => Markup::StartTag,
    }
}

/// The offset after the comment that starts at `at` (`<!--`).
///
/// # Errors
///
/// [`ParseError::Truncated`] when it does not end, [`ParseError::Comment`] for a `--` inside it.
pub(crate) fn comment_end(body: &[u8], at: usize) -> Result<usize, ParseError> {
    let from = at.saturating_add(4);
    let rest = body.get(from..).unwrap_or_default();
    let Some(dashes) = find_pair(rest, b'-', b'-') else {
        return Err(ParseError::Truncated { offset: at });
    };
    let dashes = from.saturating_add(dashes);
    match body.get(dashes.saturating_add(2)) {
        Some(b'>') => Ok(dashes.saturating_add(3)),
        Some(_) => Err(ParseError::Comment { offset: dashes }),
        None => Err(ParseError::Truncated { offset: at }),
    }
}

/// The offset after the XML declaration that starts at `at` (`<?xml`).
///
/// Accepts `version="1.0"`, then optionally `encoding` (any encoding name: the declared encoding is ignored, it is
/// unreliable) and `standalone` (`yes` or `no`), in that order, single or double quotes, white space around `=`.
///
/// # Errors
///
/// [`ParseError::Truncated`] when there is no `?>`, [`ParseError::Declaration`] for anything else.
pub(crate) fn declaration_end(body: &[u8], at: usize) -> Result<usize, ParseError> {
    let from = at.saturating_add(5);
    let rest = body.get(from..).unwrap_or_default();
    let Some(end) = find_pair(rest, b'?', b'>') else {
        return Err(ParseError::Truncated { offset: at });
    };
    let mut content = rest.get(..end).unwrap_or_default();
    let bad = || ParseError::Declaration { offset: at };
    if !pseudo_attribute(&mut content, b"version", |v| v == b"1.0").map_err(|()| bad())? {
        return Err(bad());
    }
    pseudo_attribute(&mut content, b"encoding", |v| {
        v.first().is_some_and(u8::is_ascii_alphabetic)
            && v.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    })
    .map_err(|()| bad())?;
    pseudo_attribute(&mut content, b"standalone", |v| v == b"yes" || v == b"no").map_err(|()| bad())?;
    if !content.iter().all(|&b| is_xml_space(b)) {
        return Err(bad());
    }
    Ok(from.saturating_add(end).saturating_add(2))
}

/// Reads the pseudo-attribute `name` (white space, `name`, `=` with optional white space around it, a quoted value
/// that `valid` accepts) at the start of `content` and moves `content` past it: `Ok(true)`. `Ok(false)` (and
/// `content` unchanged) when `content` does not start with white space and `name`; `Err` when it does but the rest is
/// malformed or the value is refused.
fn pseudo_attribute(content: &mut &[u8], name: &[u8], valid: impl Fn(&[u8]) -> bool) -> Result<bool, ()> {
    let trimmed = content.trim_ascii_start();
    if trimmed.len() == content.len() || !trimmed.starts_with(name) {
        return Ok(false);
    }
    let after_name = trimmed.get(name.len()..).unwrap_or_default().trim_ascii_start();
    let after_eq = after_name.strip_prefix(b"=").ok_or(())?.trim_ascii_start();
    let (&quote, value) = after_eq.split_first().ok_or(())?;
    if quote != b'"' && quote != b'\'' {
        return Err(());
    }
    let close = value.iter().position(|&b| b == quote).ok_or(())?;
    if !valid(value.get(..close).unwrap_or_default()) {
        return Err(());
    }
    *content = value.get(close.saturating_add(1)..).unwrap_or_default();
    Ok(true)
}

/// The offset of the first `first` followed by `second` in `bytes`, if any.
fn find_pair(bytes: &[u8], first: u8, second: u8) -> Option<usize> {
    let mut from = 0usize;
    loop {
        let i = first_of(bytes, from, first, first)?;
        if bytes.get(i.saturating_add(1)) == Some(&second) {
            return Some(i);
        }
        from = i.saturating_add(1);
    }
}

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// Bit 7 set in each byte of `w` that is `b`, and in no other byte (exact: no carry crosses a byte).
fn bytes_equal(w: u64, b: u8) -> u64 {
    let x = w ^ splat(b);
    !(((x & splat(0x7F)) + splat(0x7F)) | x) & splat(0x80)
}

/// The offset of the first byte from `from` on that is `a` or `b`, looked for eight bytes at a time.
pub(crate) fn first_of(bytes: &[u8], mut from: usize, a: u8, b: u8) -> Option<usize> {
    while let Some(chunk) = bytes.get(from..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*chunk);
        let hits = bytes_equal(w, a) | bytes_equal(w, b);
        if hits != 0 {
            return Some(from + (hits.trailing_zeros() / 8) as usize);
        }
        from += 8;
    }
    let rest = bytes.get(from..)?;
    rest.iter().position(|&c| c == a || c == b).map(|i| from + i)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_classified_by_its_first_bytes() {
        let cases: &[(&[u8], Markup)] = &[
            (b"<!-- x -->", Markup::Comment),
            (b"<!-", Markup::Truncated),
            (b"<!-x", Markup::Invalid),
            (b"<?xml version=\"1.0\"?>", Markup::Declaration),
            (b"<?xml?>", Markup::Declaration),
            (b"<?xml-stylesheet?>", Markup::ProcessingInstruction),
            (b"<?XML ?>", Markup::ProcessingInstruction),
            (b"<?xm", Markup::Truncated),
            (b"<?php", Markup::ProcessingInstruction),
            (b"<![CDATA[x]]>", Markup::Cdata),
            (b"<![CD", Markup::Truncated),
            (b"<!doctype  HTML>", Markup::Doctype { html: true }),
            (b"<!DOCTYPE Epsilon_result>", Markup::Doctype { html: false }),
            (b"<!x>", Markup::Invalid),
            (b"<", Markup::Truncated),
            (b"</a>", Markup::EndTag),
            (b"<a>", Markup::StartTag),
        ];
        for (body, expected) in cases {
            assert_eq!(classify(body, 0), *expected, "{}", body.escape_ascii());
        }
    }

    #[test]
    fn declarations_are_strict() {
        let ok: &[&[u8]] = &[
            b"<?xml version=\"1.0\"?>",
            b"<?xml version='1.0' encoding=\"x-sjis-cp932\" ?>",
            b"<?xml version = \"1.0\"  ?>",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
        ];
        for body in ok {
            assert_eq!(declaration_end(body, 0), Ok(body.len()), "{}", body.escape_ascii());
        }
        let bad: &[&[u8]] = &[
            b"<?xml?>",
            b"<?xml versISO?>",
            b"<?xml version=\"1.1\"?>",
            b"<?xml version=1.0?>",
            b"<?xml version=\"1.0\"encoding=\"a\"?>",
            b"<?xml encoding=\"a\" version=\"1.0\"?>",
            b"<?xml version=\"1.0\" foo=\"a\"?>",
            b"<?xml version=\"1.0\" encoding=\"\"?>",
            b"<?xml version=\"1.0\" standalone=\"maybe\"?>",
        ];
        for body in bad {
            assert_eq!(declaration_end(body, 0), Err(ParseError::Declaration { offset: 0 }), "{}", body.escape_ascii());
        }
        assert_eq!(declaration_end(b"<?xml version=\"1.0\"", 0), Err(ParseError::Truncated { offset: 0 }));
    }

    #[test]
    fn comments_end_at_the_first_double_hyphen() {
        assert_eq!(comment_end(b"<!-- a - b -->x", 0), Ok(14));
        assert_eq!(comment_end(b"<!---->", 0), Ok(7));
        assert_eq!(comment_end(b"<!-- a -- b -->", 0), Err(ParseError::Comment { offset: 7 }));
        assert_eq!(comment_end(b"<!-- a --->", 0), Err(ParseError::Comment { offset: 7 }));
        assert_eq!(comment_end(b"<!-- a --", 0), Err(ParseError::Truncated { offset: 0 }));
        assert_eq!(comment_end(b"<!-- a", 0), Err(ParseError::Truncated { offset: 0 }));
    }
}
