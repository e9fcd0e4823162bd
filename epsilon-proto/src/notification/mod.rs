//! Server-to-server notifications: the form the gateway's server POSTs to the merchant's server when a payment
//! completes (決済完了通知), when a convenience-store or Pay-easy slip is paid (コンビニ・ペイジー入金通知) or when a
//! GMO後払い order changes state, and the merchant's plain-text reply.
//!
//! A notification is an incoming operation of the spec (`payment_notification`, `deposit_notification`,
//! `deferred_payment_notification`), decoded strictly from the `application/x-www-form-urlencoded` body by
//! [`crate::incoming`]:
//!
//! * **Charset.** The body is read as CP932 ([`Version::V1`], the gateway's default charset): the charset of
//!   notifications is not documented (facts §5.2, B7) and is never guessed from the bytes. A byte sequence that is
//!   not CP932 is an error, never U+FFFD. [`Notification::parse_in`] reads a UTF-8 body when the merchant knows it.
//! * **Fields.** Required fields missing or empty, values of the wrong kind and codes outside their table are
//!   refused with every violation at once ([`IncomingError::Invalid`]). `state=0` is a valid state: PHP's
//!   `empty("0")` made a third-party plugin refuse such notifications (facts §5.2); this module does not.
//! * **Unknown parameters** are kept and exposed through [`Notification::raw`] (the payload is not fully known,
//!   facts B7), but every parameter, listed or not, may repeat only with the same value: `state=1&state=0` is
//!   refused, never decided by position.
//! * **Contract.** [`Notification::check_contract`] refuses a notification whose `contract_code` is not the
//!   merchant's own ([`ContractError`]); [`receive`] decodes and checks in one call.
//! * **Reply.** [`Reply::Accepted`] is the body `1`, [`Reply::Rejected`] the body `0`, both `text/plain`
//!   (facts §3.11, §5.2). Whether and when the gateway sends a rejected notification again is not documented
//!   (facts B7): answer `1` only once the notification is recorded, and reconcile with `getsales2` anyway.
//!
//! Notifications are not signed: restrict the source address (a later third-party build allow-lists
//! `210.254.37.214` and `210.254.37.215`, facts §5.2 [?]) and confirm the order with `getsales2`
//! ([`crate::OrderInfo`]; `epsilon_client::confirm` compares every field) before shipping.
//!
//! ```
//! use epsilon_proto::notification::{Kind, Reply, receive};
//!
//! let body = b"contract_code=12345678&trans_code=861205&order_number=O1&state=0&payment_code=3";
//! let notification = receive(Kind::Payment, body, "12345678")?;
//! assert_eq!(notification.trans_code(), Some("861205"));
//! assert_eq!(notification.raw().get("state"), Some("0"));
//!
//! let reply = Reply::from(&receive(Kind::Payment, body, "87654321"));
//! assert_eq!((reply.body(), Reply::CONTENT_TYPE), (&b"0"[..], "text/plain"));
//! # Ok::<(), epsilon_proto::notification::NotificationError>(())
//! ```
//!
//! In an axum handler (axum is not a dependency of this crate, so the block is not compiled):
//!
//! ```rust,ignore
//! use axum::body::Bytes;
//! use axum::http::header::CONTENT_TYPE;
//! use epsilon_proto::notification::{Kind, Reply, receive};
//!
//! async fn payment_notification(body: Bytes) -> ([(axum::http::HeaderName, &'static str); 1], &'static [u8]) {
//!     let reply = match receive(Kind::Payment, &body, "12345678") {
//!         Ok(notification) => {
//!             // record notification.trans_code(), notification.order_number(), …, then:
//!             Reply::Accepted
//!         }
//!         Err(err) => {
//!             tracing::warn!(%err, "refused a payment notification");
//!             Reply::Rejected
//!         }
//!     };
//!     ([(CONTENT_TYPE, Reply::CONTENT_TYPE)], reply.body())
//! }
//! // Router::new().route("/epsilon/notify", axum::routing::post(payment_notification))
//! ```

mod contract;
mod kind;
mod reply;

use core::fmt;

pub use contract::ContractError;
pub use kind::Kind;
pub use reply::Reply;

use crate::answer::{Answer, Version};
use crate::incoming::IncomingError;
use crate::{DeferredPaymentNotification, DepositNotification, PaymentNotification};

/// A decoded notification of one of the three kinds, checked against its spec.
///
/// With the `serde` feature it serializes as one object: `"kind"` (the [`Kind::short_name`]: `payment`, `deposit`
/// or `deferred_payment`) and every parameter of its spec, as the notification of that kind serializes (`null` when
/// absent, codes with their table row). Unknown parameters are in [`Notification::raw`] only.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Notification<'a> {
    /// 決済完了通知 (`payment_notification`).
    Payment(PaymentNotification<'a>),
    /// コンビニ・ペイジー入金通知 (`deposit_notification`).
    Deposit(DepositNotification<'a>),
    /// GMO後払い status change (`deferred_payment_notification`).
    DeferredPayment(DeferredPaymentNotification<'a>),
}

impl<'a> Notification<'a> {
    /// Decodes a notification body of `kind` as CP932 ([`Version::V1`]) and checks it against its spec.
    ///
    /// # Errors
    /// [`IncomingError::Parse`] when the body does not decode (malformed percent-encoding, bytes that are not CP932,
    /// a parameter repeated with another value), [`IncomingError::Invalid`] with every violation of the spec.
    pub fn parse(kind: Kind, body: &'a [u8]) -> Result<Self, IncomingError> {
        Self::parse_in(kind, body, Version::V1)
    }

    /// Like [`Notification::parse`], with the text decoded in the charset of `version` (UTF-8 for
    /// [`Version::V2`]).
    ///
    /// # Errors
    /// As [`Notification::parse`].
    pub fn parse_in(kind: Kind, body: &'a [u8], version: Version) -> Result<Self, IncomingError> {
        Ok(match kind {
            Kind::Payment => Notification::Payment(PaymentNotification::parse(body, version)?),
            Kind::Deposit => Notification::Deposit(DepositNotification::parse(body, version)?),
            Kind::DeferredPayment => Notification::DeferredPayment(DeferredPaymentNotification::parse(body, version)?),
        })
    }

    /// The kind of this notification.
    pub fn kind(&self) -> Kind {
        match self {
            Notification::Payment(_) => Kind::Payment,
            Notification::Deposit(_) => Kind::Deposit,
            Notification::DeferredPayment(_) => Kind::DeferredPayment,
        }
    }

    /// Every parameter of the body, decoded, in order: the spec's fields and any other the gateway sent.
    pub fn raw(&self) -> &Answer<'a> {
        match self {
            Notification::Payment(n) => n.answer(),
            Notification::Deposit(n) => n.answer(),
            Notification::DeferredPayment(n) => n.answer(),
        }
    }

    /// `trans_code`: the numeric Epsilon transaction code (required in every kind).
    pub fn trans_code(&self) -> Option<&str> {
        self.raw().get("trans_code")
    }

    /// `order_number`: the merchant's order number (required in every kind).
    pub fn order_number(&self) -> Option<&str> {
        self.raw().get("order_number")
    }

    /// `contract_code`, when the notification carries one (always for [`Kind::Payment`]).
    pub fn contract_code(&self) -> Option<&str> {
        self.raw().get("contract_code")
    }

    /// Checks that the notification is for the merchant's contract `own`: its `contract_code` must equal `own`. A
    /// kind whose spec requires `contract_code` must carry it; the others are checked only when they carry one
    /// (no source lists it for them).
    ///
    /// # Errors
    /// [`ContractError::Mismatch`] when the codes differ, [`ContractError::Missing`] when a kind that requires the
    /// code lacks it (impossible after [`Notification::parse`], which refuses that body), [`ContractError::NoOwnCode`]
    /// when `own` is empty.
    pub fn check_contract(&self, own: &str) -> Result<(), ContractError> {
        contract::check(self.kind().spec(), self.contract_code(), own)
    }
}

/// Decodes a notification body of `kind` (CP932) and checks that it is for the merchant's contract `own`: what a
/// handler does before answering [`Reply::Accepted`] (`Reply::from(&receive(…))` answers for it).
///
/// # Errors
/// [`NotificationError::Incoming`] when the body does not decode or breaks its spec,
/// [`NotificationError::Contract`] when its contract code is not `own`.
pub fn receive<'a>(kind: Kind, body: &'a [u8], own: &str) -> Result<Notification<'a>, NotificationError> {
    let notification = Notification::parse(kind, body)?;
    notification.check_contract(own)?;
    Ok(notification)
}

/// Why a notification was refused. No variant holds a parameter value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotificationError {
    /// The body does not decode or breaks its spec.
    Incoming(IncomingError),
    /// The body is for another contract.
    Contract(ContractError),
}

impl fmt::Display for NotificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotificationError::Incoming(e) => write!(f, "notification refused: {e}"),
            NotificationError::Contract(e) => write!(f, "notification refused: {e}"),
        }
    }
}

impl std::error::Error for NotificationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NotificationError::Incoming(e) => Some(e),
            NotificationError::Contract(e) => Some(e),
        }
    }
}

impl From<IncomingError> for NotificationError {
    fn from(e: IncomingError) -> Self {
        NotificationError::Incoming(e)
    }
}

impl From<ContractError> for NotificationError {
    fn from(e: ContractError) -> Self {
        NotificationError::Contract(e)
    }
}
