//! Incoming operations (what the gateway sends to the merchant: the query string of the completion redirect, the
//! `application/x-www-form-urlencoded` body of a server-to-server notification — one format, one code path) checked
//! against their spec with the same rules as requests: required parameters, kinds, allowed values and byte limits
//! (counted in CP932 for [`Version::V1`] answers, the gateway's storage charset for UTF-8 ones).
//!
//! Parameters the spec does not list are kept (the gateway's payloads are not fully documented) and exposed through
//! the message's `raw` [`Answer`], but every parameter, listed or not, may repeat only with the same decoded value:
//! `state=1&state=0` or `extra=a&extra=b` is refused, never decided by position.
//!
//! ```
//! use epsilon_proto::CompletionRedirect;
//! use epsilon_proto::incoming::IncomingError;
//! use epsilon_proto::answer::Version;
//!
//! let err = CompletionRedirect::parse(b"trans_code=123&result=zzz", Version::V1).unwrap_err();
//! let IncomingError::Invalid(report) = &err else { panic!("{err}") };
//! let rules: Vec<_> = report.violations().iter().map(|v| (v.field.as_ref(), v.kind.rule())).collect();
//! assert_eq!(rules, [("user_id", "required"), ("result", "value"), ("order_number", "required")]);
//!
//! let ok = CompletionRedirect::parse(b"trans_code=861205&user_id=U1&result=1&order_number=O1", Version::V1)?;
//! assert_eq!(ok.result().unwrap().entry.unwrap().en, "ok");
//! # Ok::<(), IncomingError>(())
//! ```

use core::fmt;
use std::collections::HashMap;

use japay_core::spec::OperationSpec;
use japay_core::wire::xml::name_for_error;
use japay_core::{Charset, Options, Report, request};

use crate::answer::{Answer, ParseError, Version};

/// Why an incoming query string or form body was refused. Neither variant holds a parameter value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncomingError {
    /// The query string or form body could not be decoded.
    Parse(ParseError),
    /// It decoded, but breaks its spec: every violation, in field order.
    Invalid(Report),
}

impl fmt::Display for IncomingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IncomingError::Parse(e) => write!(f, "malformed form data (query string or form body): {e}"),
            IncomingError::Invalid(report) => write!(f, "form data breaks its spec: {report}"),
        }
    }
}

impl std::error::Error for IncomingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IncomingError::Parse(e) => Some(e),
            IncomingError::Invalid(report) => Some(report),
        }
    }
}

impl From<ParseError> for IncomingError {
    fn from(e: ParseError) -> Self {
        IncomingError::Parse(e)
    }
}

/// The options an incoming message of `version` is checked with: CP932 for [`Version::V1`], UTF-8 (limits still
/// counted in CP932 by the gateway's text policy) for [`Version::V2`].
pub fn options_for(version: Version) -> Options<'static> {
    Options::new(match version {
        Version::V1 => Charset::Cp932,
        Version::V2 => Charset::Utf8,
    })
}

/// Decodes `query` (a query string without the leading `?`, or a form body: the same format) and checks it against
/// `spec`. Parameters the spec does not list are kept and not checked (the gateway may add some); every parameter,
/// listed or not, may repeat only with the same decoded value.
///
/// # Errors
/// [`IncomingError::Parse`] when the query does not decode or repeats a parameter with another value,
/// [`IncomingError::Invalid`] when it breaks the spec.
pub fn parse<'a>(query: &'a [u8], version: Version, spec: &'static OperationSpec) -> Result<Answer<'a>, IncomingError> {
    let raw = Answer::parse_query_typed(query, version, spec)?;
    check_every_name(query, &raw)?;
    let values: Vec<Option<&str>> = spec.fields.iter().map(|f| raw.get(f.wire)).collect();
    request::validate(spec, &values, options_for(version)).map_err(IncomingError::Invalid)?;
    Ok(raw)
}

/// Fails on the first parameter (in order) whose decoded value differs from the first one of its name, whatever the
/// name, in one pass (names come from the input, so a hash map and not the spec's fixed index).
fn check_every_name(input: &[u8], raw: &Answer<'_>) -> Result<(), ParseError> {
    let attrs = raw.attributes();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(attrs.len());
    for (i, attr) in attrs.iter().enumerate() {
        let head = *first.entry(attr.name).or_insert(i);
        let Some(earlier) = attrs.get(head) else { continue };
        if earlier.value != attr.value {
            return Err(ParseError::ConflictingValues {
                attribute: name_for_error(attr.name.as_bytes()),
                offset: offset_in(input, attr.escaped()),
                first_offset: offset_in(input, earlier.escaped()),
            });
        }
    }
    Ok(())
}

/// The offset of `inner` (a sub-slice of `outer`) in `outer`; 0 if it is not one.
fn offset_in(outer: &[u8], inner: &str) -> usize {
    let from = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    if from.checked_add(inner.len()).is_some_and(|end| end <= outer.len()) { from } else { 0 }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;
    use crate::CompletionRedirect;

    #[test]
    fn missing_required_parameters_and_unknown_results_are_refused() {
        let err = CompletionRedirect::parse(b"trans_code=abc&result=zzz", Version::V1).unwrap_err();
        let IncomingError::Invalid(report) = err else { panic!("expected a report") };
        let rules: Vec<_> = report.violations().iter().map(|v| (v.field.as_ref(), v.kind.rule())).collect();
        assert_eq!(
            rules,
            [("trans_code", "pattern"), ("user_id", "required"), ("result", "value"), ("order_number", "required")]
        );
        assert!(!report.to_string().contains("zzz"), "{report}");
    }

    #[test]
    fn malformed_queries_are_parse_errors() {
        let err = CompletionRedirect::parse(b"user_id=%8", Version::V1).unwrap_err();
        assert!(matches!(err, IncomingError::Parse(_)), "{err:?}");
        assert!(err.to_string().starts_with("malformed form data (query string or form body): "), "{err}");
    }

    #[test]
    fn a_parameter_repeated_with_another_value_is_refused() {
        let q = b"trans_code=861205&user_id=U0001&result=1&order_number=O1&user_id=U0002";
        let err = CompletionRedirect::parse(q, Version::V1).unwrap_err();
        assert!(matches!(err, IncomingError::Parse(ParseError::ConflictingValues { .. })), "{err:?}");
        let same = b"trans_code=861205&user_id=U0001&result=1&order_number=O1&user_id=U0001";
        assert!(CompletionRedirect::parse(same, Version::V1).is_ok());
    }

    #[test]
    fn an_unlisted_parameter_repeated_with_another_value_is_refused_too() {
        let q = b"trans_code=861205&user_id=U1&extra=a&result=1&order_number=O1&extra=%62";
        let err = CompletionRedirect::parse(q, Version::V1).unwrap_err();
        let IncomingError::Parse(ParseError::ConflictingValues { attribute, offset, first_offset }) = &err else {
            panic!("{err:?}")
        };
        assert_eq!((attribute.as_str(), *offset, *first_offset), ("extra", 68, 35));
        let same = b"trans_code=861205&user_id=U1&extra=a&result=1&order_number=O1&extra=%61";
        assert_eq!(CompletionRedirect::parse(same, Version::V1).unwrap().answer().get_all("extra").count(), 2);
    }

    #[test]
    fn a_complete_redirect_parses_in_both_versions() {
        let q = b"trans_code=861205&user_id=U0001&result=1&order_number=O1&extra=1";
        for version in [Version::V1, Version::V2] {
            let r = CompletionRedirect::parse(q, version).unwrap();
            assert_eq!(r.trans_code(), Some("861205"));
        }
    }
}
