//! Gateway-neutral machinery for a local payment-gateway sandbox: what every gateway's sandbox needs and none of it
//! gateway-specific. A gateway's sandbox crate implements [`Gateway`] (its routes, checks, answer writer, pages and
//! schema) and calls [`start`]; nothing here changes when a gateway is added.
//!
//! * [`server`]: the listener, the router assembly (the gateway's API behind the source-host allow-list, its pages
//!   and the control endpoints open), the request body limit, graceful shutdown ([`Running`]).
//! * [`store`]: SQLite in WAL mode with `synchronous=FULL`; the gateway's schema as versioned migrations
//!   (`PRAGMA user_version`); each request one transaction ([`Sandbox::write`]), committed before its answer is sent.
//! * [`outbox`]: notifications queued in the transaction of the change they report (a transactional outbox),
//!   delivered after the commit with doubling backoff until the gateway's acceptance rule ([`Gateway::accepts`])
//!   holds, every attempt recorded, resumed after a restart.
//! * [`clock`]: the sandbox clock, the machine's clock moved forward by a stored number of days, read as JST.
//! * [`control`]: `/sandbox/clock`, `/sandbox/notifications`, and the generic halves of `/sandbox/orders/{reference}`
//!   and `/sandbox/deposits` ([`Gateway::order`], [`Gateway::deposit`]).
//! * [`html`]: escaping and the page skeleton of buyer pages; [`form`]: UTF-8 form bodies.
//! * [`buyer`]: one buyer driver: fetches a page, fills in and submits its form, follows redirects as a browser
//!   does. Demos and tests drive the buyer pages with it.
//!
//! A test greps this crate's sources for any gateway's vocabulary (`tests/src/layout.rs`).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

pub mod buyer;
pub mod clock;
pub mod control;
pub mod form;
mod gateway;
pub mod html;
pub mod outbox;
pub mod server;
pub mod store;

pub use gateway::{Gateway, Refusal};
pub use server::{Running, Sandbox, SandboxError, Settings, start};
pub use store::{StoreError, Tx};
