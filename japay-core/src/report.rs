//! What is wrong with a request: [`Violation`], [`ViolationKind`] and the [`Report`] of every violation.
//!
//! A violation never holds the value itself (it may be personal or card data): only the field's name, numbers and, for
//! a field that is not secret, one offending character.

use std::borrow::Cow;
use std::fmt;

use crate::charset::Charset;

/// One rule a request value breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// The parameter's wire name.
    pub field: Cow<'static, str>,
    /// What is wrong.
    pub kind: ViolationKind,
}

/// What is wrong with a value. Never holds the value itself (it may be personal or card data); at most one offending
/// character of a non-secret field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The parameter is required (always, or because of `condition`) but missing or empty.
    Required {
        /// The condition that makes a △ field required.
        condition: Option<&'static str>,
    },
    /// The operation has no parameter of this name.
    Unknown,
    /// Longer than the limit.
    MaxBytes {
        /// The charset the bytes were counted in.
        charset: Charset,
        /// The value's length.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// Not exactly the required length.
    ExactBytes {
        /// The charset the bytes were counted in.
        charset: Charset,
        /// The value's length.
        actual: usize,
        /// The required length.
        expected: usize,
    },
    /// A character that does not survive the trip through the charset.
    Charset {
        /// The charset that cannot represent it.
        charset: Charset,
        /// The character (`None` for a secret field).
        ch: Option<char>,
        /// Its 0-based character position.
        char_index: usize,
        /// What the normalize option would turn it into, when it has a look-alike.
        normalizes_to: Option<char>,
    },
    /// A character whose CP932 code the gateway refuses in every text value (rule `charset`), although the charset
    /// can represent it.
    Refused {
        /// The character (`None` for a secret field).
        ch: Option<char>,
        /// Its 0-based character position.
        char_index: usize,
        /// What the refused range is, as the gateway's spec names it.
        range: &'static str,
    },
    /// A character or format the field does not allow.
    Pattern {
        /// What the field accepts.
        expected: &'static str,
        /// The first offending character (`None` for a format error or a secret field).
        ch: Option<char>,
        /// Its 0-based character position.
        char_index: usize,
    },
    /// No alternative or more than one of an "exactly one of" rule is given (the violation's field is the rule's
    /// name).
    OneOf {
        /// The alternatives, in words.
        description: &'static str,
        /// How many alternatives were given.
        given: usize,
    },
    /// Shorter than the field's lower bound ([`FieldCheck::MinBytes`](crate::spec::FieldCheck::MinBytes)).
    MinBytes {
        /// The charset the bytes were counted in.
        charset: Charset,
        /// The value's length.
        actual: usize,
        /// The lower bound.
        limit: usize,
    },
    /// More characters than the field's character limit ([`FieldCheck::MaxChars`](crate::spec::FieldCheck::MaxChars)).
    MaxChars {
        /// The value's length in characters.
        actual: usize,
        /// The limit.
        limit: usize,
    },
    /// A number below the field's smallest value ([`FieldCheck::MinValue`](crate::spec::FieldCheck::MinValue)).
    MinValue {
        /// The smallest value allowed.
        min: u64,
    },
    /// The request is sent in a charset the gateway does not take (the violation's field is `charset`).
    Transport {
        /// The charset of the request.
        charset: Charset,
        /// The charsets the gateway takes.
        accepted: &'static [Charset],
    },
    /// The request is sent as UTF-8, but the operation has no UTF-8 marker parameters (`version=2`,
    /// `character_code=UTF8`): the gateway would read the body in its default charset (the violation's field is
    /// `charset`; rule `transport`).
    Utf8Unmarked {
        /// The charsets the gateway takes (UTF-8 among them, for operations that mark it).
        accepted: &'static [Charset],
    },
    /// The parameter was given twice with different values (fail closed: neither is guessed to be meant).
    Duplicate,
    /// A value given for a field that must be absent while its condition holds
    /// ([`FieldSpec::forbidden`](crate::spec::FieldSpec::forbidden)); nothing is dropped silently.
    Forbidden {
        /// The condition, in words (`kind 2, no card data`).
        condition: &'static str,
    },
    /// A bitmap without a position it must have, or with one it must not
    /// ([`FieldCheck::BitsRequired`](crate::spec::FieldCheck::BitsRequired),
    /// [`FieldCheck::BitsAllowed`](crate::spec::FieldCheck::BitsAllowed)).
    Bits {
        /// What the field accepts, in words (`methods with position 3 set`).
        expected: &'static str,
    },
    /// A value given for a field the encoder computes ([`FieldSpec::computed`](crate::spec::FieldSpec::computed)):
    /// rule `value`.
    Computed,
    /// A credential the encoder needs to compute a field was not given
    /// ([`Options::with_credentials`](crate::Options::with_credentials)): rule `required`, reported under the
    /// credential's name.
    Credential {
        /// The field that needs it.
        field: &'static str,
    },
    /// Not one of the allowed values (or not the fixed value).
    Value {
        /// The allowed values.
        expected: &'static [&'static str],
        /// Whether the parameter is fixed (the encoder sends it; callers need not).
        fixed: bool,
    },
}

impl ViolationKind {
    /// The rule name: `required`, `unknown`, `max_bytes`, `exact_bytes`, `charset`, `pattern`, `one_of`, `value`,
    /// `min_bytes`, `min_value`, `transport`, `duplicate`, `forbidden` or `bits`.
    pub fn rule(&self) -> &'static str {
        match self {
            ViolationKind::Required { .. } | ViolationKind::Credential { .. } => "required",
            ViolationKind::Unknown => "unknown",
            ViolationKind::MaxBytes { .. } => "max_bytes",
            ViolationKind::ExactBytes { .. } => "exact_bytes",
            ViolationKind::Charset { .. } | ViolationKind::Refused { .. } => "charset",
            ViolationKind::Pattern { .. } => "pattern",
            ViolationKind::OneOf { .. } => "one_of",
            ViolationKind::MinBytes { .. } => "min_bytes",
            ViolationKind::MaxChars { .. } => "max_chars",
            ViolationKind::MinValue { .. } => "min_value",
            ViolationKind::Transport { .. } | ViolationKind::Utf8Unmarked { .. } => "transport",
            ViolationKind::Duplicate => "duplicate",
            ViolationKind::Value { .. } | ViolationKind::Computed => "value",
            ViolationKind::Forbidden { .. } => "forbidden",
            ViolationKind::Bits { .. } => "bits",
        }
    }
}

struct CharName(char);

impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        if c.is_control() { write!(f, "U+{:04X}", c as u32) } else { write!(f, "U+{:04X} '{c}'", c as u32) }
    }
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViolationKind::Required { condition: None } => f.write_str("required"),
            ViolationKind::Required { condition: Some(c) } => write!(f, "required for {c}"),
            ViolationKind::Unknown => f.write_str("unknown parameter for this operation"),
            ViolationKind::MaxBytes { charset, actual, limit } => {
                write!(f, "{actual} bytes in {charset}, limit {limit}")
            }
            ViolationKind::ExactBytes { charset, actual, expected } => {
                write!(f, "{actual} bytes in {charset}, expected exactly {expected}")
            }
            ViolationKind::Charset { charset, ch, char_index, normalizes_to } => {
                match ch {
                    Some(c) => write!(f, "character {} at position {char_index}", CharName(*c))?,
                    None => write!(f, "the character at position {char_index}")?,
                }
                write!(f, " is not representable in {charset}")?;
                if let Some(to) = normalizes_to {
                    write!(f, "; the normalize option maps it to {}", CharName(*to))?;
                }
                Ok(())
            }
            ViolationKind::Pattern { expected, ch: Some(c), char_index } => {
                write!(f, "character {} at position {char_index} not allowed; expected {expected}", CharName(*c))
            }
            ViolationKind::Pattern { expected, ch: None, .. } => write!(f, "expected {expected}"),
            ViolationKind::Refused { ch, char_index, range } => {
                match ch {
                    Some(c) => write!(f, "character {} at position {char_index}", CharName(*c))?,
                    None => write!(f, "the character at position {char_index}")?,
                }
                write!(f, " is refused by the gateway ({range})")
            }
            ViolationKind::Transport { charset, accepted } => {
                write!(f, "the gateway does not take requests in {charset}; expected ")?;
                for (i, c) in accepted.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    write!(f, "{c}")?;
                }
                Ok(())
            }
            ViolationKind::Utf8Unmarked { accepted } => {
                f.write_str(
                    "this operation has no UTF-8 marker parameters, so the gateway cannot tell a UTF-8 body from its \
                     default charset; send it as ",
                )?;
                let mut others = accepted.iter().filter(|&&c| c != Charset::Utf8).peekable();
                if others.peek().is_none() {
                    return f.write_str("another charset");
                }
                let mut first = true;
                while let Some(c) = others.next() {
                    if !first {
                        f.write_str(if others.peek().is_some() { ", " } else { " or " })?;
                    }
                    first = false;
                    write!(f, "{c}")?;
                }
                Ok(())
            }
            ViolationKind::Duplicate => f.write_str("given more than once with different values"),
            ViolationKind::MinBytes { charset, actual, limit } => {
                write!(f, "{actual} bytes in {charset}, at least {limit} required")
            }
            ViolationKind::MaxChars { actual, limit } => write!(f, "{actual} characters, limit {limit}"),
            ViolationKind::MinValue { min } => write!(f, "expected a number of at least {min}"),
            ViolationKind::OneOf { description, given } => {
                write!(f, "expected exactly one of {description}, found {given}")
            }
            ViolationKind::Forbidden { condition } => write!(f, "not allowed for {condition}; leave it out"),
            ViolationKind::Bits { expected } => write!(f, "expected {expected}"),
            ViolationKind::Computed => f.write_str("computed by the encoder; leave it out"),
            ViolationKind::Credential { field } => write!(
                f,
                "expected this credential (given with the encoder's options, never sent): the encoder needs it to \
                 compute {field}"
            ),
            ViolationKind::Value { expected, fixed } => {
                if *fixed {
                    f.write_str("fixed to ")?;
                } else if expected.len() == 1 {
                    f.write_str("expected ")?;
                } else {
                    f.write_str("expected one of ")?;
                }
                for (i, v) in expected.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v:?}")?;
                }
                if *fixed {
                    f.write_str("; leave it out and the encoder sends it")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind)
    }
}

impl std::error::Error for Violation {}

/// Every violation of a request, in field order. Empty for a valid request (and then it has not allocated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    violations: Vec<Violation>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// Whether there is no violation.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// How many violations.
    pub fn len(&self) -> usize {
        self.violations.len()
    }

    /// The violations.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The violations, owned.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    /// Adds a violation.
    pub fn push(&mut self, field: impl Into<Cow<'static, str>>, kind: ViolationKind) {
        self.violations.push(Violation { field: field.into(), kind });
    }

    pub(crate) fn into_result(self) -> Result<(), Report> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Report {}

impl<'a> IntoIterator for &'a Report {
    type Item = &'a Violation;
    type IntoIter = core::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.iter()
    }
}
