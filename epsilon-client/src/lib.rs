//! An async client for GMO Epsilon (イプシロン): one typed [`Client::call`] for every operation, and never an
//! automatic retry of a call that can create or change an order.
//!
//! This crate is Epsilon plugged into the gateway-neutral [`japay_client`] ([`Epsilon`], its [`Gateway`] impl): the
//! requests and answers are [`epsilon_proto`]'s, the HTTP messages japay-core's sans-IO
//! [`transport`](epsilon_proto::transport), and the policy japay-client's, read from each operation's spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), epsilon_client::ClientError> {
//! use std::time::Duration;
//! use epsilon_client::{Client, Environment};
//! use epsilon_proto::{OrderInfo, OrderInfoOutcome};
//!
//! let client = Client::builder().environment(Environment::Test).timeout(Duration::from_secs(20)).build()?;
//! let exchange =
//!     client.call(&OrderInfo { contract_code: "12345678", order_number: Some("A0001"), ..Default::default() }).await?;
//! let view = exchange.view(); // an OrderInfoResponse, decoded once when the answer arrived
//! if let Ok(OrderInfoOutcome::Found) = view.outcome() {
//!     println!("state {:?}", view.state().map(|s| s.value()));
//! }
//! # Ok(()) }
//! ```
//!
//! # The retry policy, and why
//!
//! japay-client's (see its crate docs), from each operation's spec (`effect`, `reconcile`):
//!
//! * **Reads** (`order_info`: getsales2.cgi, `user_info`: get_user_info.cgi) are sent again after a timeout, a
//!   connection error or an HTTP 5xx, with exponential backoff.
//! * **Calls that create an order** (`link_order`, `registered_link_order`, `card_payment`, `card_multi_currency`,
//!   `card_3ds_result`, `virtual_account`, `gmo_id_payment`) and **calls that change one** (capture, void,
//!   change_amount, ship_request, the user calls, stopping a monthly charge, the 定期課金 calls `regular_cancel` and
//!   `regular_amount_change`) are **never retried**: a retry of an order whose answer was lost
//!   gets error 604 (order_number already used) at best, and a second charge under a new order number at worst.
//!   After a lost answer the client asks getsales2 for the request's `order_number` (the spec's
//!   `reconcile: {via: order_info, key: order_number, copy: [contract_code]}`) and fails with
//!   [`ClientError::Unconfirmed`]: the order's real `state` and `trans_code` ([`Reconciled::Found`]),
//!   [`Reconciled::NotFound`] (getsales2 knew no such order at the time of the lookup; it answers the same empty
//!   root for a wrong contract code), or [`Reconciled::Unknown`] when the lookup failed too. A call without a
//!   lookup (the user calls, the 定期課金 calls) or without an `order_number` (change_amount without one) fails with
//!   its transport error.
//!
//! A gateway error code (result 0/9 with err_code) is a successful call whose [`Exchange`] holds the failure
//! outcome; the gateway's Apache 500 page or any other HTML or non-200 answer is a [`ClientError::Transport`],
//! never read as XML.
//!
//! # Trusting a notification
//!
//! **Epsilon's notifications are unsigned.** The 決済完了通知, the コンビニ・ペイジー入金通知 and the GMO後払い
//! status change are plain form POSTs that anyone who knows the shop's URL can send; a deposit notification carries
//! no `contract_code`, so the contract check passes it whoever sent it. Decode it with
//! [`epsilon_proto::notification`], then [`confirm`] it: getsales2, asked by the shop, must show the same contract,
//! order number, transaction code, amount and state, or the notification is not trusted
//! ([`ConfirmError::Mismatch`] names every field that differs). A [`SourceAllowList`] of Epsilon's sending
//! addresses is optional defence in depth, not proof.
//!
//! # Verifying a card
//!
//! [`verify_card`] authorises ¥1 ([`VERIFY_AMOUNT`]) and voids it; a lost answer on either call is reconciled with
//! getsales2, and [`VerifyError::Outstanding`] is the only outcome in which the ¥1 may still be authorised.
//!
//! # Logging
//!
//! Each call is a `tracing` span `japay` with `gateway="epsilon"`, `operation`, `effect`, `key` (the request's
//! `order_number`, the key of Epsilon's lookups) and `outcome` (`redirect`, `failure:604`, `unconfirmed:not found`,
//! …). Card numbers, security codes, tokens and PaRes/PaReq never reach a span, an event or a `Debug` output.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

mod confirm;
mod gateway;
mod reconcile;
mod source;
mod verify;

pub use confirm::{ConfirmError, Confirmed, Difference, confirm};
pub use gateway::{Decoded, Epsilon, OwnedAnswer};
pub use japay_client::{ClientError, Environment, Gateway, Reconciled, SendError, SendErrorKind, TransactionId};
pub use source::{SourceAllowList, SourceRefused};
pub use verify::{VERIFY_AMOUNT, Verified, VerifyError, verify_card};

/// An async Epsilon client: `Client::builder()…build()?`, then [`call`](japay_client::Client::call) with any request.
pub type Client = japay_client::Client<Epsilon>;

/// Builds a [`Client`].
pub type ClientBuilder = japay_client::ClientBuilder<Epsilon>;

/// Epsilon's answer to one call of `O`: [`view`](japay_client::Exchange::view) is `O`'s typed answer view.
pub type Exchange<O> = japay_client::Exchange<Epsilon, O>;
