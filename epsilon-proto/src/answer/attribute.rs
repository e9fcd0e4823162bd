//! [`Attribute`]: one field of an answer, with `Debug` output that hides the values of [`crate::SECRET_NAMES`].

use std::borrow::Cow;
use std::fmt;

use crate::wire::multimap::{self, Entry, RedactedEntry};

/// One field of an answer: an attribute of a `result` element (or one `name=value` pair of a
/// query string).
///
/// Read the text as it stood in the body with [`Attribute::escaped`], the decoded text from [`Attribute::value`].
///
/// `Debug` output shows `"<redacted>"` instead of the escaped and decoded value when the name is
/// one of [`crate::SECRET_NAMES`].
#[derive(Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The attribute name, as it stood in the input.
    pub name: &'a str,
    /// The attribute value as it stood in the input, before unescaping and percent-decoding.
    pub(crate) escaped: &'a str,
    /// The decoded text; borrowed from the input when decoding changed nothing.
    pub value: Cow<'a, str>,
}

impl<'a> Attribute<'a> {
    /// The value as it stood in the body, before XML unescaping and percent-decoding (`%8ER%93c`, `&amp;`): what
    /// the gateway wrote, for logs and byte-exact comparisons.
    pub fn escaped(&self) -> &'a str {
        self.escaped
    }

    /// Whether this attribute's value must never be shown (its name is one of
    /// [`crate::SECRET_NAMES`], compared ignoring ASCII case and `_`: [`crate::wire::multimap::is_secret_name`]).
    pub fn is_secret(&self) -> bool {
        multimap::is_secret_name(crate::SECRET_NAMES, self.name)
    }
}

impl Entry for Attribute<'_> {
    fn name(&self) -> &str {
        self.name
    }

    fn raw(&self) -> &str {
        self.escaped
    }

    fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Attribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&RedactedEntry(self, crate::SECRET_NAMES), f)
    }
}
