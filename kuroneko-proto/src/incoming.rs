//! Incoming operations: the `application/x-www-form-urlencoded` bodies Yamato's server posts to the merchant (the
//! settlement result notification, the PayPay notification), decoded strictly and checked against their spec with
//! the same rules as requests (required parameters, kinds, allowed values and code tables, byte limits).
//!
//! The body is read as UTF-8, never guessed: a body is pure ASCII on the wire (a raw byte above 0x7F is an error)
//! and its percent-decoded values must be UTF-8 (a Shift_JIS `%82%A0` is an error, never U+FFFD and never another
//! charset tried). Parameters the spec does not list are kept (the notifications are not fully documented) and
//! available through [`Form`], but every parameter, listed or not, may repeat only with the same decoded value:
//! `settle_result=1&settle_result=2` is refused, never decided by position.
//!
//! A notification is not signed: [`check_trader`] refuses one for another merchant, and the order should be read
//! again with `trade_info` (E04) before it is trusted (facts §6.1).
//!
//! ```
//! use kuroneko_proto::SettlementNotification;
//! use kuroneko_proto::incoming::{IncomingError, check_trader};
//!
//! let body = b"trader_code=888888888&order_no=ORDER-1&settle_price=1500&settle_date=20260401120000\
//!     &settle_result=1&settle_detail=2&settle_method=21";
//! let n = SettlementNotification::parse(body)?;
//! assert_eq!(n.settle_detail().and_then(|c| c.entry).map(|e| e.en), Some("paid (prompt report)"));
//! check_trader(n.form(), "888888888")?;
//! assert_eq!(check_trader(n.form(), "999999999"), Err(IncomingError::OtherTrader));
//! # Ok::<(), IncomingError>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use japay_core::spec::OperationSpec;
use japay_core::wire::multimap::{self, Entry, RedactedEntries};
use japay_core::wire::query::{self, QueryError};
use japay_core::wire::text::{ValueError, decode_percent_encoded};
use japay_core::wire::xml::name_for_error;
use japay_core::{Charset, Options, Report, request};

/// The parameter that names the merchant in every notification.
const TRADER_CODE: &str = "trader_code";

/// One `name=value` parameter of a form body, in body order.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Param<'a> {
    /// The name, as it stood.
    pub name: &'a str,
    /// The value as it stood (percent-encoded).
    pub raw: &'a str,
    /// The decoded value (borrowed when it needed no decoding).
    pub value: Cow<'a, str>,
    /// Byte offset of the raw value in the body.
    pub offset: usize,
}

impl Entry for Param<'_> {
    fn name(&self) -> &str {
        self.name
    }
    fn raw(&self) -> &str {
        self.raw
    }
    fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Param<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        multimap::RedactedEntry(self, crate::generated::SECRET_NAMES).fmt(f)
    }
}

/// A decoded form body: every parameter in order, duplicates and unknown names included. `Debug` hides the values
/// of secret names.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Form<'a> {
    params: Vec<Param<'a>>,
}

impl<'a> Form<'a> {
    /// Splits `body` into its parameters and decodes each value as UTF-8 (see the module docs).
    ///
    /// # Errors
    /// [`FormError::Query`] for a byte that is not 7-bit ASCII, a control character or a space, or a malformed name;
    /// [`FormError::Value`] for malformed percent-encoding or decoded bytes that are not UTF-8;
    /// [`FormError::ConflictingValues`] for a name repeated with another decoded value.
    pub fn decode(body: &'a [u8]) -> Result<Form<'a>, FormError> {
        let pairs = query::pairs(body).map_err(FormError::Query)?;
        let mut params = Vec::with_capacity(pairs.len());
        for pair in pairs {
            let value = decode_percent_encoded(Cow::Borrowed(pair.raw), Charset::Utf8).map_err(|error| {
                FormError::Value { name: name_for_error(pair.name.as_bytes()), offset: pair.offset, error }
            })?;
            params.push(Param { name: pair.name, raw: pair.raw, value, offset: pair.offset });
        }
        let form = Form { params };
        form.refuse_conflicts()?;
        Ok(form)
    }

    /// The first decoded value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        multimap::first(&self.params, name).map(|p| p.value.as_ref())
    }

    /// Every decoded value of `name`, in order.
    pub fn get_all<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r str> + 'r {
        multimap::all(&self.params, name).map(|p| p.value.as_ref())
    }

    /// Every parameter, in body order.
    pub fn params(&self) -> &[Param<'a>] {
        &self.params
    }

    /// The number of parameters (repeats included).
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// Whether the body had no parameter.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// Fails on the first parameter (in order) whose decoded value differs from the first one of its name, in one
    /// pass (names come from the input, so a hash map rather than a spec's fixed index).
    fn refuse_conflicts(&self) -> Result<(), FormError> {
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(self.params.len());
        for (i, param) in self.params.iter().enumerate() {
            let head = *first.entry(param.name).or_insert(i);
            let Some(earlier) = self.params.get(head) else { continue };
            if earlier.value != param.value {
                return Err(FormError::ConflictingValues {
                    name: name_for_error(param.name.as_bytes()),
                    offset: param.offset,
                    first_offset: earlier.offset,
                });
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Form<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        RedactedEntries("Form", &self.params, crate::generated::SECRET_NAMES).fmt(f)
    }
}

/// Why a form body did not decode. No variant holds a value; names are shown as ASCII, cut short.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormError {
    /// The body is not a well-formed form: a non-ASCII byte, a control character or space, a bad name.
    Query(QueryError),
    /// A value is not valid: a `%` without two hex digits, or decoded bytes that are not UTF-8.
    #[non_exhaustive]
    Value {
        /// The parameter's name.
        name: String,
        /// Byte offset of the raw value in the body.
        offset: usize,
        /// What is wrong, with the index in the value.
        error: ValueError,
    },
    /// A parameter repeated with another decoded value.
    #[non_exhaustive]
    ConflictingValues {
        /// The parameter's name.
        name: String,
        /// Byte offset of the conflicting value.
        offset: usize,
        /// Byte offset of the first value of the name.
        first_offset: usize,
    },
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::Query(e) => write!(f, "{e}"),
            FormError::Value { name, offset, error: ValueError::Charset { index, .. } } => write!(
                f,
                "expected utf-8 text in `{name}` (value at offset {offset}), found an invalid byte sequence at byte \
                 {index} of the decoded bytes"
            ),
            FormError::Value { name, offset, error } => write!(f, "in `{name}` (value at offset {offset}): {error}"),
            FormError::ConflictingValues { name, offset, first_offset } => write!(
                f,
                "expected `{name}` once or repeated with the same value, found another value at offset {offset} \
                 (first at offset {first_offset})"
            ),
        }
    }
}

impl std::error::Error for FormError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FormError::Query(e) => Some(e),
            FormError::Value { error, .. } => Some(error),
            FormError::ConflictingValues { .. } => None,
        }
    }
}

/// Why an incoming form body was refused. No variant holds a parameter value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncomingError {
    /// The body could not be decoded.
    Parse(FormError),
    /// It decoded, but breaks its spec: every violation, in field order.
    Invalid(Report),
    /// Its `trader_code` is absent or not the merchant's own ([`check_trader`]).
    OtherTrader,
}

impl fmt::Display for IncomingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IncomingError::Parse(e) => write!(f, "malformed form body: {e}"),
            IncomingError::Invalid(report) => write!(f, "form body breaks its spec: {report}"),
            IncomingError::OtherTrader => f.write_str("expected the merchant's own trader_code, found another one"),
        }
    }
}

impl std::error::Error for IncomingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IncomingError::Parse(e) => Some(e),
            IncomingError::Invalid(report) => Some(report),
            IncomingError::OtherTrader => None,
        }
    }
}

impl From<FormError> for IncomingError {
    fn from(e: FormError) -> Self {
        IncomingError::Parse(e)
    }
}

/// The options an incoming body is checked with: UTF-8 (the limits count as the gateway's text policy says).
pub fn options() -> Options<'static> {
    Options::new(Charset::Utf8)
}

/// Decodes `body` ([`Form::decode`]) and checks it against `spec`. Parameters the spec does not list are kept and
/// not checked; every parameter, listed or not, may repeat only with the same decoded value.
///
/// # Errors
/// [`IncomingError::Parse`] when the body does not decode, [`IncomingError::Invalid`] when it breaks the spec.
pub fn parse<'a>(body: &'a [u8], spec: &'static OperationSpec) -> Result<Form<'a>, IncomingError> {
    let form = Form::decode(body)?;
    let values: Vec<Option<&str>> = spec.fields.iter().map(|f| form.get(f.wire)).collect();
    request::validate(spec, &values, options()).map_err(IncomingError::Invalid)?;
    Ok(form)
}

/// Refuses a form whose `trader_code` is absent or differs from the merchant's own `trader_code` (exact bytes).
///
/// # Errors
/// [`IncomingError::OtherTrader`].
pub fn check_trader(form: &Form<'_>, trader_code: &str) -> Result<(), IncomingError> {
    match form.get(TRADER_CODE) {
        Some(code) if !trader_code.is_empty() && code == trader_code => Ok(()),
        _ => Err(IncomingError::OtherTrader),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    #[test]
    fn values_decode_as_utf8_and_unknown_names_are_kept() {
        let form = Form::decode(b"a=%E5%B1%B1%E7%94%B0&b=x+y&c=&extra=1&a=%E5%B1%B1%E7%94%B0").unwrap();
        assert_eq!(form.get("a"), Some("山田"));
        assert_eq!(form.get("b"), Some("x y"));
        assert_eq!(form.get("c"), Some(""));
        assert_eq!(form.get("extra"), Some("1"));
        assert_eq!(form.get_all("a").count(), 2);
        assert_eq!(form.len(), 5);
        assert!(matches!(form.params()[3].value, Cow::Borrowed(_)));
    }

    #[test]
    fn bodies_that_are_not_utf8_or_not_ascii_are_refused() {
        let cases: [(&[u8], &str); 5] = [
            (b"name=%82%A0", "value"),       // Shift_JIS あ: never another charset
            (b"name=%FF", "value"),          // not UTF-8
            (b"name=\xE3\x81\x82", "query"), // raw UTF-8 bytes: a form body is ASCII on the wire
            (b"name=%8", "value"),           // malformed percent-encoding
            (b"na me=1", "query"),           // a space
        ];
        for (body, what) in cases {
            let err = Form::decode(body).unwrap_err();
            let got = match err {
                FormError::Query(_) => "query",
                FormError::Value { .. } => "value",
                FormError::ConflictingValues { .. } => "conflict",
            };
            assert_eq!(got, what, "{body:?}: {err}");
        }
        let err = Form::decode(b"x=1&name=%82%A0").unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected utf-8 text in `name` (value at offset 9), found an invalid byte sequence at byte 0 of the \
             decoded bytes"
        );
    }

    #[test]
    fn a_name_repeated_with_another_value_is_refused_whatever_the_name() {
        let err = Form::decode(b"settle_result=1&extra=a&settle_result=%32").unwrap_err();
        assert_eq!(err, FormError::ConflictingValues { name: "settle_result".into(), offset: 38, first_offset: 14 });
        let err = Form::decode(b"extra=a&extra=b").unwrap_err();
        assert!(matches!(err, FormError::ConflictingValues { .. }), "{err:?}");
        assert!(Form::decode(b"extra=a&extra=%61").is_ok(), "the same decoded value may repeat");
    }

    #[test]
    fn secret_values_are_not_in_debug() {
        let form = Form::decode(b"token=0123456789abcdef&order_no=O1").unwrap();
        let debug = format!("{form:?}");
        assert!(!debug.contains("0123456789abcdef"), "{debug}");
        assert!(debug.contains("O1"), "{debug}");
    }

    #[test]
    fn the_trader_check_wants_the_exact_code() {
        let form = Form::decode(b"trader_code=888888888").unwrap();
        assert_eq!(check_trader(&form, "888888888"), Ok(()));
        assert_eq!(check_trader(&form, "88888888"), Err(IncomingError::OtherTrader));
        assert_eq!(check_trader(&form, ""), Err(IncomingError::OtherTrader));
        assert_eq!(check_trader(&Form::default(), "888888888"), Err(IncomingError::OtherTrader));
    }
}
