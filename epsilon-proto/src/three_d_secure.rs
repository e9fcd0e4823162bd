//! 3-D Secure around the card API: the auto-submit form that sends the buyer's browser to the ACS ([`AcsForm`]),
//! and the step back from the ACS's POST to the merchant's TermUrl ([`TdsTermReturn`]) to the second leg
//! ([`Card3dsResult`], [`card_3ds_result`]).
//!
//! The flow (facts §5.3): `direct_card_payment.cgi` answers `result` 5 (3-D Secure 1.0: `acsurl` + `pareq`) or 6
//! (3-D Secure 2.0: `tds2_url` + `pareq`); the merchant's page posts `PaReq`, `TermUrl` and `MD` to that URL; the
//! ACS posts `PaRes` and `MD` back to the TermUrl; the merchant sends `tds_check_code=2` + `tds_pares` for the same
//! order. `pareq` is forwarded exactly as the answer reader decoded it (once; the 3-D Secure 2.0 value still holds
//! `%2B` after that, and must reach the ACS as such).
//!
//! ```
//! use epsilon_proto::generated::{CardPaymentOutcome, CardPaymentResponse};
//! use epsilon_proto::three_d_secure::AcsForm;
//! use epsilon_proto::Version;
//!
//! let body = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\n<Epsilon_result>\n\
//!   <result acsurl=\"\" />\n  <result pareq=\"sOuxTX%252BZHCDBJKRdKkN2Iw53\" />\n  <result result=\"6\" />\n\
//!   <result tds2_url=\"https%3A%2F%2Fsecure.epsilon.jp%2Fcgi-bin%2Forder%2Ftds2.cgi\" />\n</Epsilon_result>\n";
//! let answer = CardPaymentResponse::parse(body, Version::V1)?;
//! let outcome = answer.outcome()?;
//! let form = AcsForm::from_card_payment(&outcome, "https://shop.example/3ds/return", "order-42").unwrap();
//! assert_eq!(form.action(), "https://secure.epsilon.jp/cgi-bin/order/tds2.cgi");
//! let mut body = String::new();
//! form.write_form_body(&mut body);
//! assert_eq!(
//!     body,
//!     "PaReq=sOuxTX%252BZHCDBJKRdKkN2Iw53&TermUrl=https%3A%2F%2Fshop.example%2F3ds%2Freturn&MD=order-42"
//! );
//! assert!(!format!("{form:?}").contains("sOuxTX"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use core::fmt::Write as _;

use japay_core::outcome::Secret;

use crate::generated::CardPaymentOutcome;
pub use crate::generated::{Card3dsResult, TdsTermReturn};

/// The fields of the form the buyer's browser posts to the 3-D Secure ACS: `PaReq` from the gateway's answer,
/// `TermUrl` and `MD` chosen by the merchant, and the URL to post to (`acsurl` or `tds2_url`).
///
/// Borrows everything; `Debug` never shows `PaReq`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AcsForm<'a> {
    action: &'a str,
    pareq: Secret<'a>,
    term_url: &'a str,
    md: &'a str,
}

impl<'a> AcsForm<'a> {
    /// The form for an ACS at `action` with this `pareq` (as the answer reader decoded it), the merchant's
    /// `term_url` (where the ACS posts `PaRes`) and `md` (the merchant's correlation value, echoed by the ACS).
    pub const fn new(action: &'a str, pareq: Secret<'a>, term_url: &'a str, md: &'a str) -> AcsForm<'a> {
        AcsForm { action, pareq, term_url, md }
    }

    /// The form for a [`CardPaymentOutcome`] that asks for 3-D Secure (1.0: `acsurl`, 2.0: `tds2_url`), whether the
    /// charge used card data, a token or the registered card (process_code 2); `None` for any other outcome.
    pub fn from_card_payment(outcome: &CardPaymentOutcome<'a>, term_url: &'a str, md: &'a str) -> Option<AcsForm<'a>> {
        match *outcome {
            CardPaymentOutcome::ThreeDSecure1 { url, pareq } | CardPaymentOutcome::ThreeDSecure2 { url, pareq } => {
                Some(AcsForm::new(url, pareq, term_url, md))
            }
            _ => None,
        }
    }

    /// The URL the form posts to (the ACS: `acsurl` or `tds2_url`).
    pub const fn action(&self) -> &'a str {
        self.action
    }

    /// The form fields in the order they are sent: `PaReq`, `TermUrl`, `MD`. The `PaReq` value is the secret
    /// itself, to write into the form (never into a log).
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &'a str)> + use<'a> {
        [("PaReq", self.pareq.expose()), ("TermUrl", self.term_url), ("MD", self.md)].into_iter()
    }

    /// Appends the fields as an `application/x-www-form-urlencoded` body (UTF-8 bytes; `A-Za-z0-9*-._` raw, space
    /// as `+`, every other byte `%XX`), for a server that posts the form itself or for tests.
    pub fn write_form_body(&self, out: &mut String) {
        for (i, (name, value)) in self.fields().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            form_escape(value, out);
        }
    }

    /// Appends an auto-submitting HTML form: `<form method="post" action="…">`, one hidden input per field, a
    /// submit button inside `<noscript>` and a script that submits it. Every value is HTML-escaped (`&`, `<`, `>`,
    /// `"`, `'`), so nothing is lost or interpreted.
    pub fn write_html_form(&self, out: &mut String) {
        out.push_str("<form id=\"acs\" method=\"post\" action=\"");
        html_escape(self.action, out);
        out.push_str("\">\n");
        for (name, value) in self.fields() {
            out.push_str("<input type=\"hidden\" name=\"");
            out.push_str(name);
            out.push_str("\" value=\"");
            html_escape(value, out);
            out.push_str("\">\n");
        }
        out.push_str("<noscript><button type=\"submit\">Continue</button></noscript>\n</form>\n");
        out.push_str("<script>document.getElementById(\"acs\").submit();</script>\n");
    }
}

impl fmt::Debug for AcsForm<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcsForm")
            .field("action", &self.action)
            .field("PaReq", &self.pareq)
            .field("TermUrl", &self.term_url)
            .field("MD", &self.md)
            .finish()
    }
}

/// Form-encodes `value`'s UTF-8 bytes into `out`.
fn form_escape(value: &str, out: &mut String) {
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}"); // writing to a String cannot fail
            }
        }
    }
}

/// HTML-escapes `value` for an attribute value in double quotes (and for text).
fn html_escape(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Why the ACS's POST to TermUrl cannot become the second leg. No variant holds a posted value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TermReturnError {
    /// The post holds no (non-empty) `PaRes` (it cannot after a successful [`TdsTermReturn::parse`], which requires
    /// it; this is the fail-closed answer for a hand-built value).
    MissingPaRes,
    /// The post holds no `MD`, so it cannot be tied to the payment the merchant started.
    MissingMd,
    /// The post's `MD` is not the one the merchant put in the [`AcsForm`]: it belongs to another payment or session.
    MdMismatch,
}

impl fmt::Display for TermReturnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TermReturnError::MissingPaRes => "expected a PaRes in the ACS's post to TermUrl, found none",
            TermReturnError::MissingMd => {
                "expected the MD of the ACS form back in the ACS's post to TermUrl, found none"
            }
            TermReturnError::MdMismatch => {
                "expected the MD of the ACS form back in the ACS's post to TermUrl, found another value"
            }
        })
    }
}

impl std::error::Error for TermReturnError {}

/// The second-leg request (`tds_check_code=2`) for the order `order_number`, carrying the `PaRes` the ACS posted to
/// TermUrl as `tds_pares`, after checking that the post's `MD` is `expected_md`, the value the merchant put in the
/// [`AcsForm`] for this payment (a PaRes posted for another order or session is never forwarded as this one).
///
/// ```
/// use epsilon_proto::three_d_secure::{TdsTermReturn, TermReturnError, card_3ds_result};
/// use epsilon_proto::{Options, Version};
///
/// let post = TdsTermReturn::parse(b"PaRes=eJzVWNmu%2Bk4X&MD=order-42", Version::V1)?;
/// assert_eq!(post.md(), Some("order-42"));
/// let request = card_3ds_result(&post, "order-42", "12345678", "O1234")?;
/// let mut body = Vec::new();
/// request.encode(Options::default(), &mut body)?;
/// assert_eq!(body, b"contract_code=12345678&order_number=O1234&tds_check_code=2&tds_pares=eJzVWNmu%2Bk4X");
/// assert!(!format!("{request:?} {post:?}").contains("eJzV"));
///
/// // a post for another payment is refused
/// assert_eq!(card_3ds_result(&post, "order-43", "12345678", "O1235").unwrap_err(), TermReturnError::MdMismatch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`TermReturnError::MissingPaRes`] when the post holds no (non-empty) `PaRes`; [`TermReturnError::MissingMd`] when
/// it holds no `MD` (whether every ACS echoes `MD` is not documented: such a post cannot be tied to a payment, so it
/// is refused; a merchant that ties it another way can build [`Card3dsResult`] itself);
/// [`TermReturnError::MdMismatch`] when its `MD` is not `expected_md`.
pub fn card_3ds_result<'r>(
    post: &'r TdsTermReturn<'_>,
    expected_md: &str,
    contract_code: &'r str,
    order_number: &'r str,
) -> Result<Card3dsResult<'r>, TermReturnError> {
    let tds_pares = post.pa_res().filter(|v| !v.is_empty()).ok_or(TermReturnError::MissingPaRes)?;
    match post.md() {
        None => Err(TermReturnError::MissingMd),
        Some(md) if md != expected_md => Err(TermReturnError::MdMismatch),
        Some(_) => Ok(Card3dsResult { contract_code, order_number, tds_pares }),
    }
}
