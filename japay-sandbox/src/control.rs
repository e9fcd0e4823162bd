//! The control endpoints, JSON answers, open to any source address (like the buyer pages), but only to requests
//! addressed to the sandbox itself: a `Host` that is not an IP address or `localhost` is refused (421, so a page whose
//! name an attacker points at 127.0.0.1, DNS rebinding, cannot use them), and so is an `Origin` other than the
//! sandbox's own (403, so a page of another site cannot move the clock or pay an order). A request without those
//! headers (a script, `curl`) is answered.
//!
//! * `POST /sandbox/clock` (form `advance_days`): moves the sandbox clock forward (never back, and never past the
//!   year 9999: dates are stamped with four-digit years); answers `{"offset_days", "today"}`.
//! * `GET /sandbox/notifications`: every notification attempt, oldest first: `{"kind", REFERENCE, "url",
//!   "attempt", "body", "status", "answer", "accepted", "at"}` (`REFERENCE` is [`Gateway::REFERENCE`]; `answer` is
//!   the merchant's reply).
//! * `GET /sandbox/orders/{reference}`: [`Gateway::order`].
//! * `POST /sandbox/deposits` (a UTF-8 form): [`Gateway::deposit`].
//!
//! Errors are `{"error": message}` with a 4xx status (a [`Refusal`]), or 500 for a database error.

use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::form::Form;
use crate::gateway::{Gateway, Refusal};
use crate::server::Sandbox;
use crate::{clock, outbox};

/// The control routes.
pub(crate) fn routes<G: Gateway>() -> Router<Sandbox<G>> {
    Router::new()
        .route("/sandbox/clock", post(advance_clock::<G>))
        .route("/sandbox/notifications", get(notifications::<G>))
        .route("/sandbox/orders/{reference}", get(order::<G>))
        .route("/sandbox/deposits", post(deposit::<G>))
        .route_layer(axum::middleware::from_fn(own_site))
}

/// The guard of the control routes: 421 for a foreign `Host`, 403 for an `Origin` other than the sandbox's.
async fn own_site(request: Request, next: Next) -> Response {
    let headers = request.headers();
    if headers.get(header::HOST).is_some_and(|host| !host.to_str().is_ok_and(local_host)) {
        return (StatusCode::MISDIRECTED_REQUEST, "expected a request addressed to an ip address or localhost")
            .into_response();
    }
    if !same_origin(headers) {
        return json_error(
            StatusCode::FORBIDDEN,
            "expected a request of the sandbox's own origin, not from another site",
        );
    }
    next.run(request).await
}

/// Whether a `Host` value names the sandbox: an IP address (`127.0.0.1:8484`, `[::1]:8484`) or `localhost`.
fn local_host(host: &str) -> bool {
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

/// Whether the request comes from no page (no `Origin`) or from a page of the sandbox (`http://` + its `Host`).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    origin.to_str().is_ok_and(|o| !host.is_empty() && o.strip_prefix("http://") == Some(host))
}

/// `{"error": message}` with `status`.
pub fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn database_error() -> Response {
    json_error(StatusCode::INTERNAL_SERVER_ERROR, "database error")
}

fn answer(done: Result<Result<Value, Refusal>, crate::StoreError>) -> Response {
    match done {
        Ok(Ok(body)) => Json(body).into_response(),
        Ok(Err(refusal)) => json_error(refusal.status, &refusal.message),
        Err(e) => {
            tracing::error!(error = %e, "sandbox control endpoint");
            database_error()
        }
    }
}

/// The last year the sandbox clock may reach: the gateways stamp dates with four-digit years (`yyyyMMdd…`).
const LAST_YEAR: i64 = 9999;

async fn advance_clock<G: Gateway>(State(sandbox): State<Sandbox<G>>, body: Bytes) -> Response {
    let form = match Form::parse(&body) {
        Ok(form) => form,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let Ok(days) = form.get("advance_days").unwrap_or("").parse::<u32>() else {
        return json_error(StatusCode::BAD_REQUEST, "advance_days: expected a whole number of days (0 or more)");
    };
    let done = sandbox
        .write(move |tx| {
            // the clock never goes back: a move past the four-digit years would break every date stamp for good
            let ahead = clock::offset_days(tx)?.saturating_add(i64::from(days));
            if clock::Now::read(ahead).date().year > LAST_YEAR {
                return Ok(Err(Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "advance_days: expected a move that keeps the sandbox clock before the year 10000",
                )));
            }
            let offset = clock::advance(tx, days)?;
            Ok(Ok(json!({ "offset_days": offset, "today": clock::Now::read(offset).date().to_string() })))
        })
        .await;
    answer(done)
}

async fn notifications<G: Gateway>(State(sandbox): State<Sandbox<G>>) -> Response {
    let done = sandbox.write(|tx| outbox::attempts(tx)).await;
    let Ok(attempts) = done else { return database_error() };
    let list: Vec<Value> = attempts
        .into_iter()
        .map(|a| {
            let mut object = Map::new();
            object.insert("kind".to_owned(), a.kind.into());
            object.insert(G::REFERENCE.to_owned(), a.reference.into());
            object.insert("url".to_owned(), a.url.into());
            object.insert("attempt".to_owned(), a.attempt.into());
            object.insert("body".to_owned(), a.body.into());
            object.insert("status".to_owned(), a.status.into());
            object.insert("answer".to_owned(), a.reply.into());
            object.insert("accepted".to_owned(), a.accepted.into());
            object.insert("at".to_owned(), a.at.into());
            Value::Object(object)
        })
        .collect();
    Json(Value::Array(list)).into_response()
}

async fn order<G: Gateway>(State(sandbox): State<Sandbox<G>>, Path(reference): Path<String>) -> Response {
    let worker = sandbox.clone();
    answer(sandbox.write(move |tx| worker.gateway().order(tx, &reference)).await)
}

async fn deposit<G: Gateway>(State(sandbox): State<Sandbox<G>>, body: Bytes) -> Response {
    let form = match Form::parse(&body) {
        Ok(form) => form,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let worker = sandbox.clone();
    answer(sandbox.write(move |tx| worker.gateway().deposit(tx, &form)).await)
}
