//! Outcomes of an answer: the error a generated `outcome()` returns when an answer fits none of the outcomes its
//! spec documents, and [`Secret`], the wrapper for secret values inside an outcome.
//!
//! A generated `XResponse::outcome()` decides from the answer's result field (and, where the spec says so, from
//! which fields are present) which documented outcome the answer is. It fails closed: an unknown result, a missing
//! result, an answer that fits none of the outcomes of its result or more than one of them, a field the outcome
//! needs that is missing or empty, an error code on an outcome that is not a failure, or a browser URL that is not
//! `https://` is an [`OutcomeError`], never a guess.

use core::fmt;

use crate::spec::Code;

/// The words of the outcome kinds, as a spec writes them (`kind:` of an outcome case). The spec compiler reads them
/// from here.
pub mod kind_names {
    /// Success; the data is read through the answer's accessors.
    pub const OK: &str = "ok";
    /// Send the browser to a URL.
    pub const REDIRECT: &str = "redirect";
    /// 3-D Secure 1.0: post the browser to the ACS URL with a payload.
    pub const TDS1: &str = "tds1";
    /// 3-D Secure 2.0: post the browser to the gateway's page with a payload.
    pub const TDS2: &str = "tds2";
    /// Failure, with the typed error code and the gateway's error text.
    pub const FAILURE: &str = "failure";
    /// The empty answer of a lookup that found nothing.
    pub const NOT_FOUND: &str = "not_found";
    /// 3-D Secure started by an HTML page the merchant writes to the browser as it is (it posts itself to the
    /// issuer), with a token to keep for the step that follows: `html` and `token`, both secret.
    pub const TDS_HTML: &str = "tds_html";
    /// An HTML page the merchant writes to the browser as it is, which forwards the browser (`html`, secret).
    pub const REDIRECT_HTML: &str = "redirect_html";
    /// Accepted, waiting for someone else (the buyer, a store, a bank): no data.
    pub const PENDING: &str = "pending";
    /// Every kind.
    pub const ALL: [&str; 9] = [OK, REDIRECT, TDS1, TDS2, FAILURE, NOT_FOUND, TDS_HTML, REDIRECT_HTML, PENDING];

    /// The word tools print for a kind (a CLI's `outcome` key): `3ds1`/`3ds2`/`3ds` for the spec's
    /// `tds1`/`tds2`/`tds_html` (a spec word must be an identifier), `redirect` for `redirect_html` (what the browser
    /// does, whatever carries it), every other kind as it is.
    pub fn display_word(kind: &str) -> &str {
        match kind {
            TDS1 => "3ds1",
            TDS2 => "3ds2",
            TDS_HTML => "3ds",
            REDIRECT_HTML => "redirect",
            other => other,
        }
    }
}

/// Why an answer is none of its operation's documented outcomes. Never holds a value of the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutcomeError {
    /// The answer holds no field at all, and an empty answer is not a documented outcome of the operation.
    Empty,
    /// The answer has no result field, and that is not a documented outcome of the operation.
    MissingResult {
        /// The name of the result field.
        field: &'static str,
    },
    /// The result value is not one the spec lists for the operation.
    UnknownResult {
        /// The name of the result field.
        field: &'static str,
    },
    /// The result value (or its absence) is documented, but the fields that tell its outcomes apart fit none of
    /// them.
    Undecided {
        /// The name of the result field.
        field: &'static str,
        /// The fields that decide between the outcomes of this result value.
        expected: &'static [&'static str],
    },
    /// The answer fits more than one documented outcome of its result value (each outcome's fields are present):
    /// it is refused rather than decided by the order of the spec.
    Ambiguous {
        /// The name of the result field.
        field: &'static str,
        /// The outcomes (their spec names) the answer fits.
        outcomes: &'static [&'static str],
    },
    /// A field the outcome needs is missing or empty.
    MissingField {
        /// The outcome (its spec name).
        outcome: &'static str,
        /// The missing field.
        field: &'static str,
    },
    /// The answer's result says success (or any outcome other than a failure), but the gateway's error code field
    /// holds a code: the gateway sends it empty on success, so the answer contradicts itself and is refused.
    ErrorCodeOnSuccess {
        /// The outcome the result value alone would give (its spec name).
        outcome: &'static str,
        /// The error code field (the gateway's `answer.fields.failure.code`).
        field: &'static str,
    },
    /// A URL the browser is sent or posted to (a redirect, a 3-D Secure page) that does not start with `https://`
    /// or holds a space or a control character. The value is not kept: it may be long, and it is not to be shown.
    InsecureUrl {
        /// The outcome (its spec name).
        outcome: &'static str,
        /// The URL field.
        field: &'static str,
    },
    /// The answer's count of a repeated group (`resultCount`) is not a decimal number equal to the rows it carries:
    /// the answer contradicts itself, so neither the count nor the rows are believed.
    CountMismatch {
        /// The outcome (its spec name).
        outcome: &'static str,
        /// The count field.
        field: &'static str,
        /// The repeated group.
        group: &'static str,
    },
}

impl fmt::Display for OutcomeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutcomeError::Empty => f.write_str("empty answer, which is not a documented outcome of this operation"),
            OutcomeError::MissingResult { field } => write!(f, "the answer has no {field} field"),
            OutcomeError::UnknownResult { field } => {
                write!(f, "the {field} value is not a documented outcome of this operation")
            }
            OutcomeError::Undecided { field, expected } => {
                write!(f, "the {field} value is known but the fields that decide its outcome (")?;
                write_list(f, expected)?;
                f.write_str(") fit none of its outcomes")
            }
            OutcomeError::Ambiguous { field, outcomes } => {
                write!(f, "the answer fits more than one outcome of its {field} value (")?;
                write_list(f, outcomes)?;
                f.write_str(")")
            }
            OutcomeError::MissingField { outcome, field } => {
                write!(f, "outcome {outcome} needs the field {field}, which is missing or empty")
            }
            OutcomeError::ErrorCodeOnSuccess { outcome, field } => {
                write!(f, "outcome {outcome} expects an empty {field}, but the answer carries an error code in it")
            }
            OutcomeError::InsecureUrl { outcome, field } => write!(
                f,
                "outcome {outcome} expects an https:// url (or http:// to a loopback host) in the field {field} (no spaces or control characters); \
                 the answer's value is not one"
            ),
            OutcomeError::CountMismatch { outcome, field, group } => write!(
                f,
                "outcome {outcome} expects {field} to be the number of {group} rows the answer carries; it is not"
            ),
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, names: &[&str]) -> fmt::Result {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(name)?;
    }
    Ok(())
}

impl std::error::Error for OutcomeError {}

/// A secret value inside an outcome (a 3-D Secure payload, a token): shown as `<redacted>` in `Debug` output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Secret<'a>(&'a str);

impl<'a> Secret<'a> {
    /// Wraps a value.
    pub const fn new(value: &'a str) -> Secret<'a> {
        Secret(value)
    }

    /// The value itself, to forward it where it belongs (never to a log).
    pub const fn expose(&self) -> &'a str {
        self.0
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// With the `serde` feature a secret serializes as the string `"<redacted>"`, like its `Debug`: an outcome turned
/// into JSON (for a log, an API answer) never carries the payload by accident. Forward the value itself with
/// [`Secret::expose`].
#[cfg(feature = "serde")]
impl serde::Serialize for Secret<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(crate::secret::REDACTED)
    }
}

/// The gateway-neutral gist of a decided outcome, for tools that pick the operation at run time (a generated
/// `OUTCOMES` table maps each operation name to the function that decides and summarizes its answers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct OutcomeSummary<'r> {
    /// The outcome's spec name (`redirect`, `convenience_slip`, `found`, …).
    pub name: &'static str,
    /// The outcome's kind, one of [`kind_names::ALL`].
    pub kind: &'static str,
    /// The result field's value as decoded, `None` when the answer has none.
    pub result: Option<&'r str>,
    /// The typed error code of a `failure` outcome, `None` for every other kind.
    pub error: Option<Code<'r>>,
    /// The typed cause of a `failure` outcome where the gateway sends one beside its error code (a card network's
    /// code), `None` otherwise. Read it with [`OutcomeSummary::cause`].
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    cause: Option<Code<'r>>,
}

impl<'r> OutcomeSummary<'r> {
    /// A summary, without a cause.
    pub const fn new(
        name: &'static str,
        kind: &'static str,
        result: Option<&'r str>,
        error: Option<Code<'r>>,
    ) -> OutcomeSummary<'r> {
        OutcomeSummary { name, kind, result, error, cause: None }
    }

    /// The same summary with the failure's cause (`None`: the answer has none, or it is empty).
    #[must_use]
    pub const fn with_cause(mut self, cause: Option<Code<'r>>) -> OutcomeSummary<'r> {
        self.cause = cause;
        self
    }

    /// The typed cause of a failure (a second code the gateway sends beside its error code, looked up in its own
    /// table), `None` for every other outcome and for a failure without one.
    pub const fn cause(&self) -> Option<Code<'r>> {
        self.cause
    }
}

#[doc(hidden)] // called by generated `outcome()` methods; not a stable entry point
/// The non-empty value of a field the outcome needs, or [`OutcomeError::MissingField`].
///
/// # Errors
/// When `value` is `None` or empty.
pub fn need<'r>(value: Option<&'r str>, outcome: &'static str, field: &'static str) -> Result<&'r str, OutcomeError> {
    value.filter(|v| !v.is_empty()).ok_or(OutcomeError::MissingField { outcome, field })
}

#[doc(hidden)] // called by generated `outcome()` methods; not a stable entry point
/// The URL of a field the outcome sends the browser to: non-empty ([`OutcomeError::MissingField`]), starting with
/// `https://` exactly (lower case, as the gateway writes it: a `javascript:`, `data:` or `http:` value never reaches
/// a redirect or an auto-submit form) and free of spaces and control characters ([`OutcomeError::InsecureUrl`]: a
/// line break could split a `Location` header).
///
/// # Errors
/// When `value` is `None`, empty, or not such a URL.
pub fn need_https<'r>(
    value: Option<&'r str>,
    outcome: &'static str,
    field: &'static str,
) -> Result<&'r str, OutcomeError> {
    let url = need(value, outcome, field)?;
    let clean = !url.chars().any(|c| c == ' ' || c.is_control());
    let secure = url.strip_prefix(HTTPS).is_some_and(|rest| !rest.is_empty()) || crate::loopback::is_loopback_http(url);
    if clean && secure { Ok(url) } else { Err(OutcomeError::InsecureUrl { outcome, field }) }
}

/// The scheme an outcome URL must have, but for a loopback host.
const HTTPS: &str = "https://";

#[doc(hidden)] // called by generated `outcome()` methods; not a stable entry point
/// Refuses an error code in an outcome that is not a failure: the gateway's failure code field must be absent or
/// empty, or [`OutcomeError::ErrorCodeOnSuccess`].
///
/// # Errors
/// When `value` is non-empty.
pub fn refuse_error_code(value: Option<&str>, outcome: &'static str, field: &'static str) -> Result<(), OutcomeError> {
    match value {
        Some(code) if !code.is_empty() => Err(OutcomeError::ErrorCodeOnSuccess { outcome, field }),
        _ => Ok(()),
    }
}

#[doc(hidden)] // called by generated `outcome()` methods; not a stable entry point
/// Checks that a count field (`resultCount`) is a decimal number equal to the rows of its group the answer
/// carries, or [`OutcomeError::CountMismatch`] (a missing or empty count too).
///
/// # Errors
/// When the count is missing, not decimal digits, or another number than `rows`.
pub fn check_count(
    value: Option<&str>,
    rows: usize,
    outcome: &'static str,
    (field, group): (&'static str, &'static str),
) -> Result<(), OutcomeError> {
    let count = value.filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    // leading zeros are the same number; a count too long for usize is no row count
    match count.map(|v| v.trim_start_matches('0')).map(|v| if v.is_empty() { Ok(0) } else { v.parse::<usize>() }) {
        Some(Ok(n)) if n == rows => Ok(()),
        _ => Err(OutcomeError::CountMismatch { outcome, field, group }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    #[test]
    fn a_count_must_be_the_rows_it_counts() {
        let names = ("count", "rows");
        for (value, rows, ok) in [
            (Some("1"), 1, true),
            (Some("0"), 0, true),
            (Some("001"), 1, true),
            (Some("000"), 0, true),
            (Some("1"), 0, false),
            (Some("2"), 1, false),
            (Some(""), 0, false),
            (None, 0, false),
            (Some("-1"), 0, false),
            (Some("1 "), 1, false),
            (Some("99999999999999999999999999"), 1, false),
        ] {
            let got = check_count(value, rows, "found", names);
            assert_eq!(got.is_ok(), ok, "{value:?} for {rows} rows");
        }
        let e = check_count(Some("2"), 1, "found", names).unwrap_err();
        assert_eq!(e, OutcomeError::CountMismatch { outcome: "found", field: "count", group: "rows" });
        assert!(e.to_string().starts_with("outcome found expects count to be the number of rows rows"));
    }

    #[test]
    fn every_kind_has_its_display_word() {
        let table = [
            ("ok", "ok"),
            ("redirect", "redirect"),
            ("tds1", "3ds1"),
            ("tds2", "3ds2"),
            ("failure", "failure"),
            ("not_found", "not_found"),
            ("tds_html", "3ds"),
            ("redirect_html", "redirect"),
            ("pending", "pending"),
        ];
        assert_eq!(table.len(), kind_names::ALL.len(), "a new kind needs its word here");
        for (kind, word) in table {
            assert!(kind_names::ALL.contains(&kind), "{kind} is a spec kind");
            assert_eq!(kind_names::display_word(kind), word);
        }
    }

    #[test]
    fn secrets_are_redacted_and_messages_lower_case() {
        let s = Secret::new("PaReq-value");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(s.expose(), "PaReq-value");
        assert_eq!(
            need(Some(""), "redirect", "redirect"),
            Err(OutcomeError::MissingField { outcome: "redirect", field: "redirect" })
        );
        let e = OutcomeError::Undecided { field: "result", expected: &["redirect", "receipt_no"] };
        assert_eq!(
            e.to_string(),
            "the result value is known but the fields that decide its outcome (redirect, receipt_no) fit none of its outcomes"
        );
        let e = OutcomeError::Ambiguous { field: "result", outcomes: &["redirect", "convenience_slip"] };
        assert_eq!(
            e.to_string(),
            "the answer fits more than one outcome of its result value (redirect, convenience_slip)"
        );
        for e in [
            OutcomeError::ErrorCodeOnSuccess { outcome: "ok", field: "error_code" },
            OutcomeError::InsecureUrl { outcome: "redirect", field: "redirect" },
            OutcomeError::Empty,
            OutcomeError::MissingResult { field: "result" },
            OutcomeError::UnknownResult { field: "result" },
        ] {
            assert!(e.to_string().starts_with(|c: char| c.is_lowercase()), "{e}");
        }
    }

    /// (value, → the URL or the error): `https://` exactly (or `http://` to a loopback host), then something, no space
    /// or control character.
    #[test]
    fn need_https_takes_only_clean_https_urls() {
        let insecure = Err(OutcomeError::InsecureUrl { outcome: "redirect", field: "redirect" });
        let missing = Err(OutcomeError::MissingField { outcome: "redirect", field: "redirect" });
        #[rustfmt::skip]
        let cases: [(Option<&str>, Result<&str, OutcomeError>); 20] = [
            (Some("https://pay.example.com/order/select?code=1"),
                Ok("https://pay.example.com/order/select?code=1")),
            (Some("https://a"), Ok("https://a")),
            (None, missing),
            (Some(""), missing),
            (Some("https://"), insecure),
            (Some("http://pay.example.com/"), insecure),
            (Some("javascript:alert(1)"), insecure),
            (Some("HTTPS://pay.example.com/"), insecure), // the gateway writes lower case; nothing else is taken
            (Some(" https://pay.example.com/"), insecure),
            (Some("https://pay.example.com/\r\nSet-Cookie: a=b"), insecure),
            (Some("https://pay.example.com/a b"), insecure),
            // plain http only to a loopback host (a local sandbox): never to a name that merely starts like one
            (Some("http://127.0.0.1:8383/cgi-bin/order/method_select3.cgi?trans_code=1"),
                Ok("http://127.0.0.1:8383/cgi-bin/order/method_select3.cgi?trans_code=1")),
            (Some("http://localhost/a"), Ok("http://localhost/a")),
            (Some("http://[::1]:80"), Ok("http://[::1]:80")),
            (Some("http://127.0.0.1.evil.example/"), insecure),
            (Some("http://localhost.evil.example/"), insecure),
            (Some("http://localhost:80@evil.example/"), insecure),
            (Some("http://pay.example.com/"), insecure),
            (Some("https://pay.example.com/\u{85}"), insecure),
            (Some("//pay.example.com/"), insecure),
        ];
        for (value, expected) in cases {
            assert_eq!(need_https(value, "redirect", "redirect"), expected, "{value:?}");
        }
        let e = OutcomeError::InsecureUrl { outcome: "redirect", field: "redirect" };
        assert_eq!(
            e.to_string(),
            "outcome redirect expects an https:// url (or http:// to a loopback host) in the field redirect (no \
             spaces or control characters); the answer's value is not one"
        );
    }

    #[test]
    fn an_error_code_is_refused_outside_failures() {
        let error = OutcomeError::ErrorCodeOnSuccess { outcome: "ok", field: "error_code" };
        for (value, expected) in
            [(None, Ok(())), (Some(""), Ok(())), (Some("601"), Err(error)), (Some(" "), Err(error))]
        {
            assert_eq!(refuse_error_code(value, "ok", "error_code"), expected, "{value:?}");
        }
        assert_eq!(
            error.to_string(),
            "outcome ok expects an empty error_code, but the answer carries an error code in it"
        );
    }
}
