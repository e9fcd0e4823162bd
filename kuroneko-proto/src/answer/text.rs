//! XML text rules: the text of a value element as it is read, allowed characters, names. (White space and
//! references are [`japay_core::wire::xml`]'s: `is_xml_space`, and `resolve_reference` with
//! `References::XML_CHAR`.)

use std::borrow::Cow;

use japay_core::wire::xml::is_xml_space;

/// The text of a value element while it is being read.
#[derive(Default)]
pub(super) enum Text<'a> {
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
    pub(super) fn push_run(&mut self, run: &'a str) {
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
    pub(super) fn push_str(&mut self, s: &str) {
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
    pub(super) fn is_blank(&self) -> bool {
        self.as_str().bytes().all(is_xml_space)
    }

    fn as_str(&self) -> &str {
        match self {
            Text::None => "",
            Text::Borrowed(b) => b,
            Text::Owned(o) => o,
        }
    }

    pub(super) fn into_cow(self) -> Cow<'a, str> {
        match self {
            Text::None => Cow::Borrowed(""),
            Text::Borrowed(b) => Cow::Borrowed(b),
            Text::Owned(o) => Cow::Owned(o),
        }
    }
}

/// The offset of the first character XML does not allow in `text` (already valid UTF-8), if any.
pub(super) fn find_invalid_character(text: &str) -> Option<usize> {
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
pub(super) fn is_element_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}
