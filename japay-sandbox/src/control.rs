//! The control endpoints, JSON answers, open to any source (like the buyer pages):
//!
//! * `POST /sandbox/clock` (form `advance_days`): moves the sandbox clock forward (never back); answers
//!   `{"offset_days", "today"}`.
//! * `GET /sandbox/notifications`: every notification attempt, oldest first: `{"kind", REFERENCE, "url",
//!   "attempt", "body", "status", "answer", "accepted", "at"}` (`REFERENCE` is [`Gateway::REFERENCE`]; `answer` is
//!   the merchant's reply).
//! * `GET /sandbox/orders/{reference}`: [`Gateway::order`].
//! * `POST /sandbox/deposits` (a UTF-8 form): [`Gateway::deposit`].
//!
//! Errors are `{"error": message}` with a 4xx status (a [`Refusal`]), or 500 for a database error.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
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
