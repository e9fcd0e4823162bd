//! A gateway-neutral async client for Japanese payment gateways: one typed [`Client::call`] for every operation, and
//! never an automatic second send of a call that creates or changes something.
//!
//! The requests and answers are a gateway crate's (validated, encoded and decoded to the byte); the HTTP messages are
//! japay-core's sans-IO [`transport`](japay_core::transport); this crate sends them with reqwest (rustls) on tokio and
//! decides what to do when the network fails. A gateway plugs in through the [`Gateway`] trait: its spec and
//! operations, its answer reader and its reading of a lookup's answer. Everything the client decides comes from the
//! operations' specs; no operation is named here.
//!
//! # The policy, and why
//!
//! Every operation's spec says its [`Effect`](japay_core::spec::Effect) and, for a call that creates or changes,
//! how a lost answer is looked up ([`Lookup`](japay_core::spec::Lookup): the read operation `via`, the parameter
//! `key`, the parameters to `copy`).
//!
//! * **A read** (effect `reads`): reading twice is harmless, so a read that gets no HTTP answer (timeout, connection
//!   error) or an HTTP 5xx is sent again, up to [`ClientBuilder::read_attempts`] times (default 3), waiting
//!   [`ClientBuilder::backoff`] (default 250 ms) before the second attempt and twice as long before each further one.
//! * **A call that creates or changes** (effect `creates` or `changes`, and any effect a later spec may add) is
//!   **never sent twice.** A timeout does not mean the gateway did nothing: the order may have been accepted (and
//!   the card charged) while the answer was lost. Sending it again earns a "duplicate order" error at best and a
//!   second charge under a new key at worst, the most common failure of the public clients of these gateways. So
//!   after a timeout, a connection error or an HTTP 5xx the client **reconciles**: it builds the lookup the spec
//!   names (the `via` operation, found by name among [`Gateway::OPERATIONS`], with the call's `key` and `copy`
//!   parameters), sends it as the read it is (with the read retries), lets the gateway read its answer
//!   ([`Gateway::reconciled`]) and fails with [`ClientError::Unconfirmed`]: [`Reconciled::Found`] with the state the
//!   gateway reports, [`Reconciled::NotFound`], or [`Reconciled::Unknown`] when the lookup failed too. The caller
//!   decides: what was found is not sent again; "not found" is only what the lookup knew at that moment. A call
//!   without a lookup, or without a value for its key, fails with its transport error.
//!
//! Only network failures and 5xx statuses are retried or reconciled. An answer is an answer: a gateway error code
//! is a successful call whose [`Exchange`] holds the failure outcome, and an HTML page or any other status is a
//! [`ClientError::Transport`], never read as an answer.
//!
//! # Answers, read once
//!
//! [`Gateway::read`] decodes each body once, when it arrives, and keeps it with its body
//! ([`Gateway::OwnedAnswer`]). The outcome the span records, [`Exchange::summary`], [`Exchange::answer`] and the
//! typed [`Exchange::view`] all use that one decoded answer: the view wraps it (the request type names its view
//! through [`Answered`](japay_core::Answered)); the body is never read again.
//!
//! # Logging
//!
//! Each call runs in a `tracing` span named `japay` with the fields `gateway`, `operation`, `effect`, `key` (the
//! value of the parameter the operation's lookup is keyed by, when the request has one) and `outcome` (the
//! answer's outcome name such as `authorized`, `failure:601`, or the error kind). Events give the HTTP status, the
//! attempt and the time taken. Request and answer bodies are never logged: card numbers, security codes and tokens
//! never reach a span, an event or a `Debug` output (the request types' `Debug` is redacted, and [`Exchange`]'s
//! `Debug` shows only the length of the body).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

mod builder;
mod client;
mod error;
mod exchange;
mod gateway;
mod policy;
mod reconcile;

pub use builder::ClientBuilder;
pub use client::Client;
pub use error::{ClientError, MAX_ANSWER_BYTES, SendError, SendErrorKind};
pub use exchange::Exchange;
pub use gateway::Gateway;
pub use japay_core::transport::Environment;
pub use reconcile::{Reconciled, TransactionId};
