//! Foreign `Host`s are refused: the sandbox answers only requests addressed to an IP address or `localhost` (any
//! port), so a web page whose name an attacker points at 127.0.0.1 (DNS rebinding) cannot reach its API, pages or
//! Kuroneko's control endpoints (421 Misdirected Request). A request without a `Host` (HTTP/1.0) is answered.

use std::net::IpAddr;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether a `Host` value names the sandbox: an IP address (`127.0.0.1:8484`, `[::1]:8484`) or `localhost`.
pub(crate) fn allowed(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.starts_with(':') => ip,
            _ => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
}

/// The layer: 421 for a foreign `Host`.
pub(crate) async fn check(request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).map(|h| h.to_str().map(allowed).unwrap_or(false));
    if host == Some(false) {
        return (StatusCode::MISDIRECTED_REQUEST, "expected a request addressed to an ip address or localhost")
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_table() {
        // (Host, allowed)
        let cases = [
            ("127.0.0.1:8484", true),
            ("127.0.0.1", true),
            ("localhost:8484", true),
            ("LOCALHOST", true),
            ("[::1]:8484", true),
            ("[::1]", true),
            ("10.0.0.5:8484", true),
            ("evil.example", false),
            ("evil.example:8484", false),
            ("localhost.evil.example", false),
            ("[::1]x", false),
            ("", false),
        ];
        for (host, ok) in cases {
            assert_eq!(allowed(host), ok, "{host}");
        }
    }
}
