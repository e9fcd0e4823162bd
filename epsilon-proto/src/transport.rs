//! Requests and answers as HTTP messages, without doing any I/O (sans-IO).
//!
//! Every outgoing operation becomes an [`http::Request`]: `POST` to the operation's CGI under the
//! [`Environment`]'s base, `Content-Type: application/x-www-form-urlencoded` (with `; charset=UTF-8` when the body is
//! sent as UTF-8), and the body the operation's `encode` writes. Any HTTP stack can send it; `epsilon-client` sends it
//! with reqwest.
//!
//! An answer is only an answer when it is HTTP 200 and not an HTML page: the gateway answers some failures with an
//! Apache error page (HTTP 500 `text/html`, facts §1), and a proxy or a maintenance page may answer 200 with HTML.
//! [`answer_body`] turns both into a [`TransportError`] that carries the status and the first bytes of the body, so
//! an HTML page is never read as XML.
//!
//! ```
//! use epsilon_proto::transport::{self, Environment};
//! use epsilon_proto::{Charset, Options, OrderInfo, OrderInfoResponse};
//!
//! let lookup = OrderInfo { contract_code: "12345678", order_number: Some("A0001"), ..Default::default() };
//! let request = transport::build_request(&Environment::Test, &lookup, Options::default())?;
//! assert_eq!(request.uri(), "https://beta.epsilon.jp/cgi-bin/order/getsales2.cgi");
//! assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
//! assert_eq!(request.body(), b"contract_code=12345678&order_number=A0001");
//!
//! // … send it with any HTTP client, then:
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?><Epsilon_result></Epsilon_result>".to_vec())
//!     .unwrap();
//! let answer = transport::parse_answer(&response, Options::default(), OrderInfoResponse::parse_for).unwrap();
//! assert!(answer.answer().is_empty()); // an empty root: not found
//! # Ok::<(), epsilon_proto::Report>(())
//! ```

/// The `http` crate the requests and responses are typed in (re-exported so callers name the same version).
pub use http;

use std::fmt;

use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, StatusCode};
use japay_core::charset::Charset;
use japay_core::{Operation, Options, Report, ViolationKind};

use crate::generated::{ENDPOINT_PRODUCTION, ENDPOINT_TEST};
use crate::response::ParseError;

/// How many bytes of a refused body a [`TransportError`] keeps.
pub const HEAD_LEN: usize = 200;

/// The form content type of every request.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// The form content type of a request sent as UTF-8.
pub const FORM_UTF8: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// Where the CGIs are: the gateway's test or production environment, or another base (a local sandbox, a proxy).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// The test environment, [`ENDPOINT_TEST`] (`https://beta.epsilon.jp/cgi-bin/order/`).
    Test,
    /// Production, [`ENDPOINT_PRODUCTION`] (`https://secure.epsilon.jp/cgi-bin/order/`).
    Production,
    /// Another base URL, ending in `/cgi-bin/order/` like the gateway's (a missing final `/` is added when a
    /// request is built).
    Custom(String),
}

impl Environment {
    /// The base URL the operations' CGI paths are appended to.
    pub fn base(&self) -> &str {
        match self {
            Environment::Test => ENDPOINT_TEST,
            Environment::Production => ENDPOINT_PRODUCTION,
            Environment::Custom(base) => base,
        }
    }

    /// The full URL of the CGI at `path` (relative, e.g. `getsales2.cgi`).
    pub fn url(&self, path: &str) -> String {
        let base = self.base();
        let mut url = String::with_capacity(base.len() + 1 + path.len());
        url.push_str(base);
        if !base.ends_with('/') {
            url.push('/');
        }
        url.push_str(path);
        url
    }
}

/// The HTTP request for `op` sent with `options` to `env`: `POST` to the operation's CGI, the form content type
/// (`; charset=UTF-8` for UTF-8 transport) and the encoded body.
///
/// # Errors
/// The operation's validation [`Report`] (every violation, in field order); a violation of field `base_url`
/// (kind `pattern`) when the environment's base is not an `http://` or `https://` URL.
pub fn build_request<O: Operation>(
    env: &Environment,
    op: &O,
    options: Options,
) -> Result<http::Request<Vec<u8>>, Report> {
    let mut body = Vec::new();
    op.encode(options, &mut body)?;
    let bad_base = || {
        let mut report = Report::new();
        report.push(
            "base_url",
            ViolationKind::Pattern {
                expected: "an http:// or https:// URL ending in /cgi-bin/order/",
                ch: None,
                char_index: 0,
            },
        );
        report
    };
    let base = env.base();
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(bad_base());
    }
    let content_type = match options.charset {
        Charset::Utf8 => FORM_UTF8,
        _ => FORM,
    };
    http::Request::builder()
        .method(Method::POST)
        .uri(env.url(O::SPEC.path))
        .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
        .body(body)
        .map_err(|_| bad_base())
}

/// The first bytes of a body that is not an answer (at most [`HEAD_LEN`]), kept as bytes; `Display` shows them
/// escaped (`\xNN` for non-ASCII bytes and control characters), never decoded with a guessed charset.
#[derive(Clone, PartialEq, Eq)]
pub struct BodyHead {
    bytes: Vec<u8>,
    total: usize,
}

impl BodyHead {
    /// The first [`HEAD_LEN`] bytes of `body` (or all of it).
    pub fn of(body: &[u8]) -> BodyHead {
        let bytes = body.get(..HEAD_LEN).unwrap_or(body).to_vec();
        BodyHead { bytes, total: body.len() }
    }

    /// The kept bytes, as received.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The length of the whole body.
    pub fn total_len(&self) -> usize {
        self.total
    }
}

impl fmt::Display for BodyHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.bytes.escape_ascii())?;
        if self.total > self.bytes.len() {
            write!(f, " (first {} of {} bytes)", self.bytes.len(), self.total)?;
        }
        Ok(())
    }
}

impl fmt::Debug for BodyHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// An HTTP answer that is not a gateway answer. Carries the status and the first bytes of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportError {
    /// The status is not 200 (the gateway answers every business error with 200 and XML).
    Status {
        /// The HTTP status received.
        status: StatusCode,
        /// The first bytes of the body.
        head: BodyHead,
    },
    /// The body is an HTML page (a `text/html` content type, or a body starting with `<!DOCTYPE` or `<html`),
    /// not an XML answer.
    Html {
        /// The HTTP status received (200: an HTML page in place of an answer).
        status: StatusCode,
        /// The first bytes of the body.
        head: BodyHead,
    },
}

impl TransportError {
    /// The HTTP status of the refused answer.
    pub fn status(&self) -> StatusCode {
        match self {
            TransportError::Status { status, .. } | TransportError::Html { status, .. } => *status,
        }
    }

    /// The first bytes of the refused body.
    pub fn head(&self) -> &BodyHead {
        match self {
            TransportError::Status { head, .. } | TransportError::Html { head, .. } => head,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Status { status, head } => {
                write!(f, "http status {} (expected 200); body starts {head}", status.as_u16())
            }
            TransportError::Html { status, head } => {
                write!(f, "an html page (http status {}), expected an xml answer; body starts {head}", status.as_u16())
            }
        }
    }
}

impl std::error::Error for TransportError {}

/// Whether `body` starts, after white space, with `<!DOCTYPE` or `<html` (ASCII case-insensitive).
fn looks_like_html(body: &[u8]) -> bool {
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let rest = body.get(start..).unwrap_or_default();
    let starts = |prefix: &[u8]| rest.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix));
    starts(b"<!doctype") || starts(b"<html")
}

/// Whether the content type names `text/html` (whatever its parameters).
fn is_html_type(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    let essence = bytes.split(|b| *b == b';').next().unwrap_or_default();
    essence.trim_ascii().eq_ignore_ascii_case(b"text/html")
}

/// The body of a gateway answer: the response must be HTTP 200 and not HTML.
///
/// # Errors
/// [`TransportError::Status`] for any other status (whatever the body); [`TransportError::Html`] for a 200 with a
/// `text/html` content type or a body that starts with `<!DOCTYPE` or `<html`.
pub fn answer_body<B: AsRef<[u8]>>(response: &http::Response<B>) -> Result<&[u8], TransportError> {
    let body = response.body().as_ref();
    let status = response.status();
    if status != StatusCode::OK {
        return Err(TransportError::Status { status, head: BodyHead::of(body) });
    }
    let html_type = response.headers().get_all(CONTENT_TYPE).iter().any(is_html_type);
    if html_type || looks_like_html(body) {
        return Err(TransportError::Html { status, head: BodyHead::of(body) });
    }
    Ok(body)
}

/// Why a response did not give a typed answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnswerError {
    /// The response is not a gateway answer (status, HTML).
    Transport(TransportError),
    /// The body is not a valid answer of the operation.
    Parse(ParseError),
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::Transport(e) => e.fmt(f),
            AnswerError::Parse(e) => write!(f, "invalid answer: {e}"),
        }
    }
}

impl std::error::Error for AnswerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AnswerError::Transport(e) => Some(e),
            AnswerError::Parse(e) => Some(e),
        }
    }
}

/// The typed answer to a request sent with `options`: [`answer_body`], then `parse_for`, an operation's
/// `XResponse::parse_for` (which reads the answer in the charset the request's options imply,
/// [`exchange::answer_version`](crate::exchange::answer_version)).
///
/// # Errors
/// [`AnswerError::Transport`] as [`answer_body`]; [`AnswerError::Parse`] when the body is not a valid answer.
pub fn parse_answer<'r, B, T>(
    response: &'r http::Response<B>,
    options: Options,
    parse_for: fn(&'r [u8], Options) -> Result<T, ParseError>,
) -> Result<T, AnswerError>
where
    B: AsRef<[u8]>,
{
    let body = answer_body(response).map_err(AnswerError::Transport)?;
    parse_for(body, options).map_err(AnswerError::Parse)
}
