//! Yamato Kuroneko Web Collect (クロネコwebコレクト), API method, checked to the byte.
//!
//! Kuroneko Web Collect's API takes one HTTPS `POST` per function (`creditToken` for A08, `tradeInfo` for E04, …)
//! with an `application/x-www-form-urlencoded` body, and answers with XML. This crate is the Kuroneko half of a
//! toolkit whose gateway-neutral core is [`japay_core`]: the request types, their validators and encoders are
//! generated from `spec/kuroneko/` into [`generated`]; the answer reader in [`answer`] is written by hand.
//!
//! No official connection specification (システム接続仕様書) was available: every fact in the spec is reconstructed
//! from public clients, cites its source, and says `uncertain:` where it is not certain. Confirm against the test
//! gateway (`https://ptwebcollect.jp/test_gateway/<name>.api`) before production
//! (`https://api.kuronekoyamato.co.jp/api/<name>`).
//!
//! # Transport: UTF-8
//!
//! Request values are sent UTF-8 encoded, percent-encoded in the form body; `function_div` and `trader_code` are in
//! every request, even though each function has its own URL. Any method but `POST` is refused (Z012000001), and the
//! calling server's global IP must be registered (Z012000009).
//!
//! # Text and byte counting
//!
//! These are the rules `spec/kuroneko/` states for the generated validators (see `spec/kuroneko/README.md` for the
//! schema keys and what enforces each):
//!
//! * **Limits count UTF-8 bytes.** The gateway's own error texts give 60 bytes for 20 full-width characters (3 bytes
//!   each). Where the same text also implies a CP932-style count ("≤40 half-width"), both limits apply, so a value
//!   passes only if it passes every reading (`buyer_name_kanji`: 60 UTF-8 and 40 CP932 bytes; `goods_name`: 600 and
//!   400). Percent-encoding never counts.
//! * **Every text value must survive CP932 without the machine-dependent characters.** The official modules refuse
//!   the NEC special characters (①, ㈱), the NEC/IBM extensions (髙), the user-defined area and the JIS/CP932
//!   look-alike pairs (～ 〜, ∥ ‖, － −, ￠ ¢, ￡ £, ￢ ¬, ― —); the spec lists their CP932 codes and the core refuses
//!   them in every text value (a `charset` violation naming the field, the character, its position and the range).
//!   Nothing is ever replaced or normalized behind the caller's back.
//! * **Half-width katakana are refused in `buyer_name_kanji`** (A081010671).
//!
//! # Requests
//!
//! ```
//! use kuroneko_proto::{Charset, CreditToken, Options};
//!
//! let request = CreditToken {
//!     trader_code: "888888888",
//!     device_div: "2",
//!     order_no: "ORDER-0001",
//!     settle_price: "1500",
//!     buyer_name_kanji: "山田 太郎",
//!     buyer_tel: "03-1234-5678",
//!     buyer_email: "taro@example.jp",
//!     pay_way: "1",
//!     token: "0123456789abcdef",
//!     ..Default::default()
//! };
//! let mut body = Vec::new();
//! request.encode(Options::new(Charset::Utf8), &mut body)?;
//! assert!(body.starts_with(b"function_div=A08&trader_code=888888888&"));
//! assert!(!format!("{request:?}").contains("0123456789abcdef"));
//! # Ok::<(), kuroneko_proto::Report>(())
//! ```
//!
//! # Answers
//!
//! [`answer::Answer::parse`] reads the `<return>` document strictly: UTF-8 only (never guessed, never U+FFFD),
//! entities and character references resolved, `<settleDate/>` an empty value distinct from an absent one,
//! repeated `resultData` rows an ordered list of multimaps, a value repeated with a conflicting text an error,
//! unknown elements kept, HTML error pages and truncated bodies errors. `returnCode` `0` means the gateway
//! accepted the request, `1` an error whose `errorCode` (and, for a refused authorization, `creditErrorCode`) says
//! why.
//!
//! **Accepted is not authorized.** `is_success()` (of [`Answer`] and of the generated views) is exactly
//! "`returnCode` is `0`": for A08 this includes an answer that only starts 3-D Secure (`threeDAuthHtml` and
//! `threeDToken`, no `crdCResCd`); the authorization comes later, with A09. To know what an A08 answer means, use
//! [`CreditTokenResponse::outcome`]: [`CreditTokenOutcome::Authorized`] (`crdCResCd`),
//! [`CreditTokenOutcome::ThreeDSecure`] (the page `html` and the `token`, both [`Secret`](japay_core::outcome::Secret))
//! or [`CreditTokenOutcome::Failure`] (the typed `errorCode`, and the typed `creditErrorCode` as `cause`). It fails closed:
//! an answer that fits both success cases, or neither, or has an unknown or missing `returnCode`, is an
//! [`OutcomeError`], never a guess.
//!
//! ```
//! use kuroneko_proto::{CreditTokenOutcome, CreditTokenResponse};
//!
//! // A08 with 3-D Secure: write threeDAuthHtml to the browser, keep threeDToken for A09.
//! let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><return><returnCode>0</returnCode><errorCode/>\
//!     <returnDate>20260401120000</returnDate>\
//!     <threeDAuthHtml>&lt;form method=&quot;post&quot;&gt;&lt;/form&gt;</threeDAuthHtml>\
//!     <threeDToken>0123456789abcdef0123456789abcdef</threeDToken></return>";
//! let answer = CreditTokenResponse::parse(body.as_bytes())?;
//! assert!(answer.is_success(), "accepted (returnCode 0) ...");
//! let Ok(CreditTokenOutcome::ThreeDSecure { html, token }) = answer.outcome() else {
//!     panic!("... but not authorized yet");
//! };
//! assert_eq!(html.expose(), "<form method=\"post\"></form>"); // write it to the browser as it is
//! assert_eq!(token.expose().len(), 32); // keep it on the server for A09
//! assert!(!format!("{answer:?}").contains("0123456789abcdef"));
//! # Ok::<(), kuroneko_proto::answer::AnswerError>(())
//! ```
//!
//! # Error codes
//!
//! A failure's `errorCode` is typed against the `error_code` table (text and, where the merchant can act, a
//! remediation), and [`explain`] reads any code by its layout (facts §4.2), listed or not: `A081010306` is
//! "credit_token, item 03 `device_div`: value not in the allowed set" (see [`error_layout`]). `creditErrorCode`
//! (the card network's reason for a refusal) has its own table, `credit_error_code`.
//!
//! # Notifications
//!
//! Yamato's server posts form bodies to the merchant: the settlement result notification (決済結果通知,
//! [`SettlementNotification`]) and the PayPay notification ([`PaypayNotification`]). Their views decode the body
//! strictly through [`incoming`] (UTF-8 once percent-decoded, never guessed; a name repeated with another value
//! refused; unknown names kept) and check it against the spec (the status table refuses the clients' own markers 41
//! and 50). A notification is not signed: refuse one for another merchant ([`incoming::check_trader`]) and read the
//! order again with [`TradeInfo`] before trusting it.
//!
//! ```
//! use kuroneko_proto::SettlementNotification;
//!
//! let body = b"trader_code=888888888&order_no=ORDER-1&settle_price=1500&settle_date=20260401120000\
//!     &settle_result=1&settle_detail=41&settle_method=21";
//! assert!(SettlementNotification::parse(body).is_err(), "41 is not a Yamato status");
//! ```
//!
//! # Features
//!
//! * `meta` (on by default): the spec's provenance strings (`source`, `uncertain`, `label_ja`) stay in the generated
//!   tables. With `default-features = false` the tables hold `""` and `None` there and the strings are not in the
//!   binary; behaviour and error messages are the same, and these docs keep the provenance. (Forwards to
//!   `japay-core/meta`; Cargo unifies features, so any crate of the build that enables it keeps the strings.)
//!
//! A generated view's `answer()` ([`CreditTokenResponse::answer`]) is the whole [`Answer`]; its `raw` field is the
//! same, kept for compatibility.
//!
//! # Safety of secrets
//!
//! Nothing here panics on any input, and reading an answer takes linear time. Errors are structured
//! `#[non_exhaustive]` data with byte offsets and names, never values. The values of secret names (`token`,
//! `threeDToken`, `threeDAuthHtml`, …: the generated [`generated::SECRET_NAMES`], compared ignoring ASCII case and
//! `_`) are `<redacted>` in `Debug` output.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

pub mod answer;
#[cfg(test)]
mod codes_tests;
pub mod error_layout;
pub mod incoming;
/// The request types and answer views generated from `spec/kuroneko/` by `cargo codegen`.
#[rustfmt::skip]
pub mod generated;
#[cfg(test)]
mod generated_tests;
pub mod link;
pub mod notify;

pub mod three_d;
pub mod token;

pub use answer::{Answer, AnswerError, Block, Element, Group};
pub use error_layout::{CodeKind, Explained, LayoutError, explain};
pub use generated::{
    ChangeDate, CvsCircleKSunkus, CvsFamilyMart, CvsLawson, CvsMinistop, CvsSeicomart, CvsSevenEleven,
    PaypayChangePrice, PaypayNotification, PaypaySettle, PaypaySettleCancel, Regular, Regular3d, RegularDelete,
    RegularInfo, RegularUpdate, SettlementNotification, ShipmentCancel, ShipmentEntry, TraderIp,
};
pub use generated::{CreditToken, CreditTokenOutcome, CreditTokenResponse, ResultData, TradeInfo, TradeInfoResponse};
// the card operations (A01-A07, A09, A11) and the stored-card row view shared by A03 and A05
pub use generated::{
    CardData, Credit, Credit3d, Credit3dOutcome, Credit3dResponse, CreditCancel, CreditCancelOutcome,
    CreditCancelResponse, CreditChangePrice, CreditChangePriceOutcome, CreditChangePriceResponse, CreditInfoDelete,
    CreditInfoDeleteOutcome, CreditInfoDeleteResponse, CreditInfoGet, CreditInfoGetOutcome, CreditInfoGetResponse,
    CreditInfoUpdate, CreditInfoUpdateOutcome, CreditInfoUpdateResponse, CreditOutcome, CreditResponse, CreditToken3d,
    CreditToken3dOutcome, CreditToken3dResponse, ReAuth, ReAuthOutcome, ReAuthResponse,
};
pub use japay_core::outcome::OutcomeError;
pub use japay_core::{Charset, Operation, Options, Report, Violation, ViolationKind};
