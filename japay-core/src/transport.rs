//! Requests and answers as HTTP messages, without doing any I/O (sans-IO), for any gateway.
//!
//! Every outgoing operation becomes an [`http::Request`]: `POST` to the operation's path under the
//! [`Environment`]'s base URL (one of the gateway's [`GatewaySpec::endpoints`], or a custom base), with
//! `Content-Type: application/x-www-form-urlencoded` (and `; charset=UTF-8` when the body is sent as UTF-8) and the
//! body the operation's `encode` writes. Any HTTP stack can send it.
//!
//! An answer is only an answer when it is HTTP 200 and not an HTML page: a gateway's web server may answer a
//! failure with its own error page (HTTP 500 `text/html`), and a proxy or a maintenance page may answer 200 with
//! HTML. [`answer_body`] turns both into a [`TransportError`] that carries the status and the first bytes of the body,
//! so an HTML page is never read as an answer.
//!
//! ```
//! use japay_core::charset::TextPolicy;
//! use japay_core::spec::{Endpoint, FieldSpec, GatewaySpec, Marker, OperationSpec, ValueKind};
//! use japay_core::transport::{self, Environment, http};
//! use japay_core::{Operation, Options};
//!
//! static ENDPOINTS: &[Endpoint] = &[Endpoint::new("test", "https://test.example/api/").with_suffix(".do")];
//! static GATEWAY: GatewaySpec = GatewaySpec::new("demo", "a demo gateway", TextPolicy::new()).with_endpoints(ENDPOINTS);
//! static PING: OperationSpec = OperationSpec::new("ping", &GATEWAY, "ping")
//!     .with_fields(&[FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required)]);
//!
//! struct Ping<'a> {
//!     shop: &'a str,
//! }
//! impl Operation for Ping<'_> {
//!     const SPEC: &'static OperationSpec = &PING;
//!     type Values<'s> = [Option<&'s str>; 1] where Self: 's;
//!     fn values(&self) -> Self::Values<'_> {
//!         [Some(self.shop)]
//!     }
//! }
//!
//! let request = transport::build_request(&Environment::Test, &Ping { shop: "S1" }, Options::default())?;
//! assert_eq!(request.uri(), "https://test.example/api/ping.do");
//! assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
//! assert_eq!(request.body(), b"shop=S1");
//!
//! // … send it with any HTTP client, then:
//! let response = http::Response::builder().status(503).body(b"<html>busy</html>".to_vec()).unwrap();
//! let refused = transport::answer_body(&response).unwrap_err();
//! assert_eq!(refused.status().as_u16(), 503);
//! # Ok::<(), japay_core::Report>(())
//! ```

/// The `http` crate the requests and responses are typed in (re-exported so callers name the same version).
pub use http;

use core::fmt;

use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, StatusCode};

use crate::charset::Charset;
use crate::request::DynamicRequest;
use crate::spec::{GatewaySpec, OperationSpec};
use crate::{Operation, Options, Report, ViolationKind};

/// How many bytes of a refused body a [`TransportError`] keeps.
pub const HEAD_LEN: usize = 200;

/// The form content type of every request.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// The form content type of a request sent as UTF-8.
pub const FORM_UTF8: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// Where a gateway's operations are: its endpoint named `test` or `production` (from [`GatewaySpec::endpoints`]), or
/// another base (a local sandbox, a proxy).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// The gateway's endpoint named `test`.
    Test,
    /// The gateway's endpoint named `production`.
    Production,
    /// Another base URL, the operations' paths appended to it as to the gateway's own (a missing final `/` is
    /// added); no endpoint suffix is appended.
    Custom(String),
}

impl Environment {
    /// The name of the gateway endpoint this environment stands for (`test`, `production`); `None` for a custom base.
    pub fn endpoint_name(&self) -> Option<&'static str> {
        match self {
            Environment::Test => Some("test"),
            Environment::Production => Some("production"),
            Environment::Custom(_) => None,
        }
    }

    /// The base URL of `gateway` in this environment; `None` when the gateway names no such endpoint.
    pub fn base<'a>(&'a self, gateway: &'static GatewaySpec) -> Option<&'a str> {
        match self {
            Environment::Custom(base) => Some(base),
            named => named.endpoint_name().and_then(|name| gateway.endpoint(name)).map(|endpoint| endpoint.base),
        }
    }

    /// The full URL of `operation` in this environment: the base, a `/` when the base lacks one, the operation's
    /// path and the endpoint's suffix; `None` when the operation's gateway names no such endpoint.
    pub fn url(&self, operation: &OperationSpec) -> Option<String> {
        let (base, suffix) = match self {
            Environment::Custom(base) => (base.as_str(), ""),
            named => {
                let endpoint = named.endpoint_name().and_then(|name| operation.gateway.endpoint(name))?;
                (endpoint.base, endpoint.suffix)
            }
        };
        let mut url = String::with_capacity(base.len() + 1 + operation.path.len() + suffix.len());
        url.push_str(base);
        if !base.ends_with('/') {
            url.push('/');
        }
        url.push_str(operation.path);
        url.push_str(suffix);
        Some(url)
    }
}

/// A report with one violation of the environment's URL.
fn bad_url(field: &'static str, expected: &'static str) -> Report {
    let mut report = Report::new();
    report.push(field, ViolationKind::Pattern { expected, ch: None, char_index: 0 });
    report
}

/// The HTTP request that sends `body`, an encoded request of `operation` written with `options`, to `env`: `POST` to
/// the operation's URL with the form content type (`; charset=UTF-8` for UTF-8 transport).
///
/// # Errors
/// A violation of field `environment` (kind `pattern`) when the gateway names no endpoint for `env`; of field
/// `base_url` (kind `pattern`) when the base is not an `http://` or `https://` URL.
pub fn form_request(
    env: &Environment,
    operation: &OperationSpec,
    body: Vec<u8>,
    options: Options,
) -> Result<http::Request<Vec<u8>>, Report> {
    let url = env.url(operation).ok_or_else(|| bad_url("environment", "an endpoint the gateway names"))?;
    let bad_base = || bad_url("base_url", "an http:// or https:// URL");
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(bad_base());
    }
    let content_type = match options.charset {
        Charset::Utf8 => FORM_UTF8,
        _ => FORM,
    };
    http::Request::builder()
        .method(Method::POST)
        .uri(url)
        .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
        .body(body)
        .map_err(|_| bad_base())
}

/// The HTTP request for `op` sent with `options` to `env`: its checked body ([`Operation::encode`]) in a
/// [`form_request`].
///
/// # Errors
/// The operation's validation [`Report`] (every violation, in field order), or the environment's as in
/// [`form_request`].
pub fn build_request<O: Operation>(
    env: &Environment,
    op: &O,
    options: Options,
) -> Result<http::Request<Vec<u8>>, Report> {
    let mut body = Vec::new();
    op.encode(options, &mut body)?;
    form_request(env, O::SPEC, body, options)
}

/// The HTTP request for a request built at run time ([`DynamicRequest`]), as [`build_request`].
///
/// # Errors
/// As [`build_request`].
pub fn build_dynamic_request(
    env: &Environment,
    request: &DynamicRequest<'_>,
    options: Options,
) -> Result<http::Request<Vec<u8>>, Report> {
    let mut body = Vec::new();
    request.encode(options, &mut body)?;
    form_request(env, request.spec(), body, options)
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
    /// The status is not 200 (a gateway answers its business errors with 200 and an answer body).
    Status {
        /// The HTTP status received.
        status: StatusCode,
        /// The first bytes of the body.
        head: BodyHead,
    },
    /// The body is an HTML page (a `text/html` content type, or a body starting with `<!DOCTYPE` or `<html`),
    /// not an answer.
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

/// Why a response did not give a typed answer: the transport refused it, or the gateway's reader (error `E`) did.
#[derive(Debug)]
#[non_exhaustive]
pub enum AnswerError<E> {
    /// The response is not a gateway answer (status, HTML).
    Transport(TransportError),
    /// The body is not a valid answer of the operation.
    Parse(E),
}

impl<E: fmt::Display> fmt::Display for AnswerError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::Transport(e) => e.fmt(f),
            AnswerError::Parse(e) => write!(f, "invalid answer: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for AnswerError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AnswerError::Transport(e) => Some(e),
            AnswerError::Parse(e) => Some(e),
        }
    }
}

/// The typed answer to a request sent with `options`: [`answer_body`], then `parse_for`, the reader of the
/// operation's answer view (which reads the body in the charset the request's options imply).
///
/// # Errors
/// [`AnswerError::Transport`] as [`answer_body`]; [`AnswerError::Parse`] when the body is not a valid answer.
pub fn parse_answer<'r, B, T, E>(
    response: &'r http::Response<B>,
    options: Options,
    parse_for: fn(&'r [u8], Options) -> Result<T, E>,
) -> Result<T, AnswerError<E>>
where
    B: AsRef<[u8]>,
{
    let body = answer_body(response).map_err(AnswerError::Transport)?;
    parse_for(body, options).map_err(AnswerError::Parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::charset::TextPolicy;
    use crate::spec::Endpoint;

    static ENDPOINTS: &[Endpoint] =
        &[Endpoint::new("production", "https://live.example/api/"), Endpoint::new("test", "https://t.example/api")];
    static G: GatewaySpec = GatewaySpec::new("g", "a gateway", TextPolicy::new()).with_endpoints(ENDPOINTS);
    static SUFFIXED: &[Endpoint] = &[Endpoint::new("test", "https://t.example/").with_suffix(".api")];
    static H: GatewaySpec = GatewaySpec::new("h", "another", TextPolicy::new()).with_endpoints(SUFFIXED);
    static OP: OperationSpec = OperationSpec::new("op", &G, "op.cgi");
    static OTHER: OperationSpec = OperationSpec::new("other", &H, "other");

    #[test]
    fn environments_resolve_through_the_gateways_endpoints() {
        #[rustfmt::skip]
        let cases: [(Environment, &OperationSpec, Option<&str>, Option<&str>); 6] = [
            (Environment::Test, &OP, Some("https://t.example/api"), Some("https://t.example/api/op.cgi")),
            (Environment::Production, &OP, Some("https://live.example/api/"), Some("https://live.example/api/op.cgi")),
            (Environment::Custom("http://127.0.0.1:1/x/".into()), &OP, Some("http://127.0.0.1:1/x/"), Some("http://127.0.0.1:1/x/op.cgi")),
            (Environment::Test, &OTHER, Some("https://t.example/"), Some("https://t.example/other.api")),
            (Environment::Production, &OTHER, None, None),
            (Environment::Custom("http://127.0.0.1:1".into()), &OTHER, Some("http://127.0.0.1:1"), Some("http://127.0.0.1:1/other")),
        ];
        for (env, op, base, url) in cases {
            assert_eq!(env.base(op.gateway), base, "{env:?} {}", op.name);
            assert_eq!(env.url(op).as_deref(), url, "{env:?} {}", op.name);
        }
        let report = form_request(&Environment::Production, &OTHER, Vec::new(), Options::default()).unwrap_err();
        assert_eq!(report.violations()[0].field, "environment");
    }

    #[test]
    fn utf8_bodies_say_their_charset() {
        let request = form_request(&Environment::Test, &OP, b"a=1".to_vec(), Options::new(Charset::Utf8)).unwrap();
        assert_eq!(request.headers()[CONTENT_TYPE], FORM_UTF8);
        let request = form_request(&Environment::Test, &OP, b"a=1".to_vec(), Options::new(Charset::EucJp)).unwrap();
        assert_eq!(request.headers()[CONTENT_TYPE], FORM);
        assert_eq!(request.method(), Method::POST);
    }
}
