//! [`Gateway`]: what a gateway's sandbox supplies to the machinery.

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::form::Form;
use crate::server::Sandbox;
use crate::store::Tx;

/// A gateway's behaviour on the neutral machinery. The machinery owns the listener, the store, the outbox, the clock
/// and the control endpoints; the gateway owns everything its merchants and buyers see.
///
/// Its handlers take `State<Sandbox<Self>>`: [`Sandbox::gateway`] is this value, [`Sandbox::write`] runs one
/// transaction.
pub trait Gateway: Send + Sync + Sized + 'static {
    /// The gateway's schema, oldest first: running migration `i` brings `PRAGMA user_version` to `i + 1`. Append a
    /// migration to change the schema; never edit one that has run.
    const MIGRATIONS: &'static [&'static str];

    /// What the gateway calls the merchant's reference of an order: the JSON key of the reference in
    /// `/sandbox/notifications`.
    const REFERENCE: &'static str;

    /// The `Content-Type` of a notification POST.
    const NOTIFICATION_CONTENT_TYPE: &'static str = "application/x-www-form-urlencoded";

    /// Whether the merchant's reply (its HTTP status and body) accepts a notification; a notification is sent again
    /// until it does.
    fn accepts(&self, status: u16, body: &[u8]) -> bool;

    /// The merchant-facing API. Only sources on the allow-list reach it; the others get [`Gateway::refuse`].
    fn api(&self) -> Router<Sandbox<Self>>;

    /// The buyer's pages and the gateway's own endpoints, open to any source (a browser reaches them).
    fn pages(&self) -> Router<Sandbox<Self>>;

    /// The answer to a request for `path` (the whole URI path) of the API from a source that is not allowed.
    fn refuse(&self, path: &str) -> Response;

    /// `GET /sandbox/orders/{reference}`: an order's state as JSON, inside the request's transaction.
    ///
    /// # Errors
    /// Any SQLite error (answered 500).
    fn order(&self, tx: &Tx<'_>, reference: &str) -> rusqlite::Result<Result<Value, Refusal>> {
        let _ = (tx, reference);
        Ok(Err(Refusal::not_supported("orders")))
    }

    /// `POST /sandbox/deposits`: money arrives for an order (the form is UTF-8), inside the request's transaction; a
    /// notification queued with [`Tx::notify`] is delivered after the commit.
    ///
    /// # Errors
    /// Any SQLite error (answered 500, nothing committed).
    fn deposit(&self, tx: &Tx<'_>, form: &Form) -> rusqlite::Result<Result<Value, Refusal>> {
        let _ = (tx, form);
        Ok(Err(Refusal::not_supported("deposits")))
    }
}

/// A control request the gateway refuses: answered with `status` and `{"error": message}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// What was expected, in lower case.
    pub message: String,
}

impl Refusal {
    /// A refusal with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal { status, message: message.into() }
    }

    /// 404: the gateway's sandbox has no such endpoint.
    fn not_supported(what: &str) -> Refusal {
        Refusal::new(StatusCode::NOT_FOUND, format!("{what}: not supported by this sandbox"))
    }
}
