//! The GMO Epsilon (イプシロン) merchant protocol, checked to the byte.
//!
//! Epsilon's merchant interface is a set of CGIs that take `application/x-www-form-urlencoded` POSTs and answer in
//! an odd XML dialect. Every public client we studied loses data somewhere: characters outside the charset silently
//! become `?`, CP932-only characters (①, ㈱, 髙, ～) are destroyed, byte limits are not checked, the `x-sjis-cp932`
//! declaration is rewritten to a wrong charset. This crate does none of that:
//!
//! * **Nothing is replaced.** A character that does not survive the trip through the charset is a
//!   [`ViolationKind::Charset`] error naming the field, the character and its position. encoding_rs's convenience
//!   `Encoding::encode` is never used on request data (it writes `&#NNNN;`); decoding never produces U+FFFD.
//! * **Every limit is checked before the request leaves**, and all violations are reported at once
//!   (`user_name: 66 bytes in CP932, limit 64`). Validating a valid request allocates nothing.
//! * **Every answer the gateway really sends is decoded exactly**, including the ones other clients get wrong.
//! * **The protocol is data.** Parameter tables, limits, markers (◎ ○ ● △ -), code tables and the `st_code` bitmap
//!   live as YAML in `spec/` with their sources; `cargo codegen` turns them into [`generated`]. Uncertain facts are
//!   marked uncertain there and in the generated docs.
//!
//! # Charsets
//!
//! A request is sent in one [`Charset`]: CP932 (the default; the official tables say "S-JIS", and encoding_rs's
//! `SHIFT_JIS` is CP932 in practice), EUC-JP, or UTF-8 (then the encoder adds `version=2` and
//! `charset=UTF8`/`character_code=UTF8`, as Epsilon's own samples do). Whatever the transport, every text value must
//! be representable in CP932, because the gateway converts to and stores CP932, and also in EUC-JP when sent as
//! EUC-JP. *Representable* means the character encodes and decodes back to itself: U+00A5 ¥, U+203E ‾ and U+2212 −
//! encode but come back as `\`, `~` and U+FF0D, so they are rejected.
//!
//! The JIS-flavoured look-alikes that Mac and JIS-style input produce (U+301C 〜, U+2016 ‖, U+2212 −, U+00A2 ¢,
//! U+00A3 £, U+00AC ¬, …) are not in CP932. [`Options::normalize`] composes text to Unicode NFC (decomposed
//! か + U+3099 from macOS becomes が) and maps the look-alikes to their CP932 forms (U+FF5E ～, U+2225 ∥, U+FF0D －,
//! ￠, ￡, ￢, …) before checking and encoding; it is off by default, and the error for such a character says that
//! the option exists when its look-alike can be sent. Text fields refuse control characters; a required field that
//! is only white space is `required`.
//!
//! # Byte counting
//!
//! A limit counts the value's bytes **in the charset it is sent in**. With UTF-8 transport it counts the value's
//! **CP932** bytes, the form the gateway keeps. So `ﾃｽﾄ` is 3 bytes in CP932 and 6 in EUC-JP, `テスト` 6 in both;
//! percent-encoding does not count.
//!
//! # Encoding
//!
//! [`UserRegister::encode`] (and every generated request's `encode`) writes the form body into a caller-provided
//! `Vec<u8>`: parameters in spec order, fixed ones (`process_code`, `xml`, the fixed `st_code`) filled in,
//! `A-Za-z0-9*-._` raw, space as `+`, every other byte `%XX`. `encoded_len` predicts the exact length.
//!
//! ```
//! use epsilon_proto::{Charset, Options, UserRegister};
//!
//! let request = UserRegister {
//!     contract_code: "12345678",
//!     user_id: "U0001",
//!     user_name: "山田 太郎",
//!     user_mail_add: "taro@example.com",
//!     ..Default::default()
//! };
//! let mut body = Vec::new();
//! request.encode(Options::new(Charset::Cp932), &mut body)?;
//! assert_eq!(
//!     body,
//!     b"contract_code=12345678&user_id=U0001&user_name=%8ER%93c+%91%BE%98Y&user_mail_add=taro%40example.com\
//!       &st_code=10000-0000-00000-00000-00000-00000-00000&process_code=3&xml=1"
//! );
//!
//! let too_long = UserRegister { user_name: &"髙".repeat(33), ..request };
//! let report = too_long.validate(Options::default()).unwrap_err();
//! assert_eq!(report.to_string(), "user_name: 66 bytes in CP932, limit 64");
//! # Ok::<(), epsilon_proto::Report>(())
//! ```
//!
//! # Response decoding
//!
//! Answers are `<Epsilon_result>` elements holding `<result NAME="VALUE" />` children. The XML declaration and the
//! HTTP charset say nothing reliable (`x-sjis-cp932`, `ISO-8859-1`, `UTF-8` and none all occur), and the bodies are
//! 7-bit ASCII, so [`Response::parse`] reads the XML layer as ASCII and ignores the declaration. Each value is
//! percent-decoded byte-wise (raw ASCII trail bytes such as `%83_` = ダ occur; `+` is a space), exactly once, and the
//! bytes are decoded strictly as CP932 ([`Version::V1`], the default) or UTF-8 ([`Version::V2`], when the request
//! sent `version=2`). The charset is never guessed from the bytes: `%C3%BD` is ﾃｽ in CP932 and ý in UTF-8.
//! Every attribute is kept, unknown ones included; a missing `result` (getsales2) and an empty one are different
//! states; an empty root means "not found". HTML error pages, truncated bodies and other roots are errors, and so
//! is a `result` that occurs twice with different values ([`Response::parse_typed`] checks every attribute of an
//! operation's spec this way). A UTF-8 byte order mark at the start is skipped. Decoding takes time linear in the
//! body.
//!
//! ```
//! use epsilon_proto::{UserRegisterResponse, Version};
//!
//! let body = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    \
//!     <result result=\"0\" />\r\n    <result err_code=\"908\" />\r\n    \
//!     <result err_detail=\"%82%B1%82%CCCGI%82%F0%8E%C0%8Ds%82%B7%82%E9%8C%A0%8C%C0%82%AA%82%A0%82%E8%82%DC%82%B9%82%F1\" />\r\n  \
//!     </Epsilon_result>\r\n";
//! let answer = UserRegisterResponse::parse(body, Version::V1)?;
//! assert_eq!(answer.err_detail(), Some("このCGIを実行する権限がありません"));
//! let err = answer.err_code().unwrap();
//! assert!(err.entry.unwrap().remediation.unwrap().contains("IP"));
//! # Ok::<(), epsilon_proto::ParseError>(())
//! ```
//!
//! # Outcomes
//!
//! An answer view's `outcome()` says what the answer means, as an enum of the outcomes the spec documents
//! ([`UserRegisterOutcome`]: redirect or failure; [`LinkOrderOutcome`]: redirect, convenience-store slip or failure;
//! [`OrderInfoOutcome`]: found, not found or failure), with the typed error code of a failure. It fails closed: an
//! unknown or missing `result`, or a field the outcome needs that is missing, is an [`OutcomeError`], never a guess.
//! `parse_for(body, options)` reads the answer in the charset the request's options imply
//! ([`exchange::answer_version`]). Incoming query strings (the completion redirect) are checked against their spec
//! like requests ([`incoming`]).
//!
//! # Safety of secrets
//!
//! Nothing here panics on any input. Errors are structured `#[non_exhaustive]` data that never carry values, only
//! names, numbers and (for non-secret fields) one offending character. Fields and attributes marked `secret` in the
//! spec are shown as `<redacted>` in `Debug` output.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

mod answer;
pub mod charset;
pub mod exchange;
#[rustfmt::skip]
pub mod generated;
pub mod incoming;
pub mod response;
pub mod spec;
pub mod st_code;

pub use japay_core::{Operation, request, wire};

pub use charset::Charset;
pub use generated::{
    CompletionRedirect, LinkOrder, LinkOrderOutcome, LinkOrderResponse, OrderInfo, OrderInfoOutcome, OrderInfoResponse,
    UserChange, UserChangeOutcome, UserChangeResponse, UserRegister, UserRegisterOutcome, UserRegisterResponse,
};
pub use generated::{ENDPOINT_PRODUCTION, ENDPOINT_TEST, OPERATIONS, SECRET_NAMES};
pub use incoming::IncomingError;
pub use japay_core::outcome::{OutcomeError, Secret};
pub use request::{DynamicRequest, Options, Report, Violation, ViolationKind};
pub use response::{ParseError, Response, Version};
pub use st_code::StCode;

/// The README's examples, run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The operation with this name (`user_register`, `order_info`, …).
pub fn operation(name: &str) -> Option<&'static spec::OperationSpec> {
    OPERATIONS.iter().copied().find(|op| op.name == name)
}
