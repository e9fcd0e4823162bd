//! An async client for Yamato Kuroneko Web Collect (クロネコwebコレクト): one typed [`Client::call`] for every
//! operation, never an automatic retry of a call that can create or change an order, and the connection check
//! behind `kuroneko check` ([`check`]).
//!
//! This crate is Kuroneko plugged into the gateway-neutral [`japay_client`] ([`Kuroneko`], its [`Gateway`] impl):
//! the requests and answers are [`kuroneko_proto`]'s, the HTTP messages japay-core's sans-IO
//! [`transport`](japay_core::transport), and the policy japay-client's, read from each operation's spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), kuroneko_client::Error> {
//! use std::time::Duration;
//! use kuroneko_client::{Client, Environment};
//! use kuroneko_proto::TradeInfo;
//!
//! let client = Client::builder()
//!     .environment(Environment::Test) // Yamato's test gateway; or .base_url("http://127.0.0.1:8484/…")
//!     .trader_code("888888888")
//!     .access_key("1234567") // given once; feeds every check_sum, never shown
//!     .timeout(Duration::from_secs(20))
//!     .build()?;
//! let exchange = client.call(&TradeInfo { trader_code: "888888888", order_no: "ORDER-0001" }).await?;
//! for row in exchange.view().result_data() {
//!     println!("status {:?}", row.status_info().map(|s| s.value()));
//! }
//! # Ok(()) }
//! ```
//!
//! # The policy, and why
//!
//! japay-client's (see its crate docs), from each operation's spec (`effect`, `reconcile`); no operation is named
//! in this crate's policy:
//!
//! * **Reads** (effect `reads`: E04 `trade_info`, A03 `credit_info_get`, H01 `trader_ip`, …) are sent again after a
//!   timeout, a connection error or an HTTP 5xx, and after a load error of the gateway (Z012000005, Z012000006), with
//!   exponential backoff.
//! * **Calls that create or change** (A01, A08, A09, B01–B06, L01, G01, and the changes) are **never retried**: a
//!   retry of an order whose answer was lost gets A082000003 (order_no already registered) at best, and a second
//!   charge under a new order number at worst. After a lost answer the client asks E04 for the request's
//!   `order_no` (the spec's `reconcile: {via: trade_info, key: order_no, copy: [trader_code]}`) and fails with
//!   [`ClientError::Unconfirmed`]: the transaction's `statusInfo` and `crdCResCd` ([`Reconciled::Found`]),
//!   [`Reconciled::NotFound`] (E04 answered `resultCount` 0 and no row at the time of the lookup), or
//!   [`Reconciled::Unknown`] (the lookup failed, answered an error code, several rows, a `resultCount` that does not
//!   count its rows, or a row without `statusInfo`).
//! * **Z012000004** (the same order_no is being processed, facts §4.3) is [`Error::InProgress`]: not a failure, and
//!   never sent again with the same order number. Look the order up later with E04.
//!
//! The handled codes are listed in [`codes::TREATED`] (the spec's code table has no key for it; a test checks each
//! code is in the generated table). Every other error code is an answer: a successful call whose [`Exchange`] holds
//! the failure outcome. An HTML page or any other status than 200 is a [`ClientError::Transport`].
//!
//! # The access key, and the local sandbox
//!
//! The access key (アクセスキー) is given once, to [`ClientBuilder::access_key`]; the encoder computes the
//! `check_sum` fields from it. It never appears in `Debug`, logs or errors. A client whose base URL is a loopback
//! `http://` URL (a local sandbox, [`is_local_sandbox`]) turns on the encoder's local-sandbox option, which lets the
//! merchant URLs be `http://` to a loopback host; Yamato's test and production gateways never do.
//!
//! # Notifications
//!
//! [`Client::confirm_settlement`] confirms a 決済結果通知 with E04 before the shop trusts it (facts §6.1).
//!
//! # Logging
//!
//! japay-client's: each call is a `tracing` span `japay` with `gateway="kuroneko"`, `operation`, `effect`, `key`
//! (the request's `order_no`) and `outcome`. Tokens, card data, `check_sum`, `threeDToken` and `threeDAuthHtml` never
//! reach a span, an event or a `Debug` output.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

pub mod check;
mod client;
pub mod codes;
mod confirm;
mod gateway;
mod reconcile;
mod trader_ip;

pub use client::{Client, ClientBuilder, Error, InProgress, is_local_sandbox};
pub use confirm::{ConfirmError, Confirmed, Notified};
pub use gateway::{Decoded, Kuroneko, OwnedAnswer};
pub use japay_client::{ClientError, Environment, Gateway, Reconciled, SendError, SendErrorKind, TransactionId};

/// Kuroneko's answer to one call of `O`: [`view`](japay_client::Exchange::view) is `O`'s typed answer view.
pub type Exchange<O> = japay_client::Exchange<Kuroneko, O>;
