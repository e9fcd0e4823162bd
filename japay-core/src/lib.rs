//! The gateway-neutral core of a toolkit for Japanese payment gateways: spec types, strict text rules, request
//! validation and form encoding.
//!
//! Japanese payment gateways take `application/x-www-form-urlencoded` requests in CP932 (Shift_JIS as Windows
//! writes it), EUC-JP or UTF-8, count their limits in bytes of one of those charsets, and answer in dialects of XML
//! or form encoding. Every public client we studied loses data somewhere: characters outside the charset silently
//! become `?` or `&#NNNN;`, limits are checked in the wrong unit or not at all. This crate is the part of a correct
//! client that does not depend on which gateway it talks to; a gateway crate adds its
//! generated operations, its answer reader and its facts.
//!
//! # The split
//!
//! * [`spec`]: the tables a gateway's spec compiles to ([`spec::OperationSpec`], [`spec::FieldSpec`], code tables,
//!   bitmaps), built in `static`s by `const fn` constructors.
//! * [`charset`]: [`Charset`] and the gateway's [`TextPolicy`]: which charsets a value must survive (the transport,
//!   and the gateway's storage charset), which charset a byte limit counts for each transport, and its character
//!   tables (look-alikes, lossy characters, refused EUC-JP rows).
//! * [`request`]: validation ([`Report`], [`Violation`]) and the form encoder, driven by an
//!   [`spec::OperationSpec`]; [`DynamicRequest`] for name → value input.
//! * [`Operation`]: the trait a generated request struct implements.
//!
//! # Charset rules
//!
//! *Representable* means a character encodes **and** decodes back to itself: U+00A5 ¥ encodes in CP932 but comes
//! back as `\`, so a gateway lists it as lossy and it is refused. An unrepresentable character is a
//! [`ViolationKind::Charset`] error naming the field, the character (unless the field is secret) and its position,
//! never a replacement. encoding_rs's convenience `Encoding::encode` is never used (it writes `&#NNNN;`).
//!
//! # Byte counting
//!
//! A limit counts the value's bytes in the charset the policy names for the transport: the transport itself by
//! default, or the gateway's storage charset (a gateway that converts UTF-8 requests to CP932 counts CP932 bytes).
//! Percent-encoding never counts. `ﾃｽﾄ` is 3 bytes in CP932, 6 in EUC-JP, 9 in UTF-8.
//!
//! # Secrets
//!
//! Nothing here panics on any input. Errors are structured `#[non_exhaustive]` data that never carry values, only
//! names, numbers and (for non-secret fields) one offending character. Secret fields are `<redacted>` in `Debug`.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

pub mod charset;
mod form;
mod normalize;
mod operation;
mod report;
pub mod request;
pub mod spec;
mod text;

pub use charset::{Charset, TextPolicy};
pub use operation::Operation;
pub use request::{DynamicRequest, Options, Report, Violation, ViolationKind};
