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
//!   [`spec::OperationSpec`]; [`DynamicRequest`] for name → value input. The cross-field rules (when a △ field is
//!   required: [`spec::ConditionTest`]; field groups; "exactly one of": [`spec::OneOf`]) live in a module of their
//!   own and report `required` and `one_of` violations.
//! * [`Operation`]: the trait a generated request struct implements; [`Answered`] ties it to the typed view of its
//!   answer.
//! * [`transport`]: requests and answers as HTTP messages without I/O (sans-IO): the [`transport::Environment`] over
//!   the gateway's endpoints, [`transport::build_request`], and [`transport::answer_body`], which refuses a non-200
//!   status or an HTML page.
//! * [`outcome`]: what a generated answer's `outcome()` returns when the answer fits none of its documented
//!   outcomes ([`outcome::OutcomeError`]), and [`outcome::Secret`] for secret values inside an outcome.
//!
//! # Features
//!
//! * `meta` (off by default): keep the spec's provenance strings (`source`, `uncertain`, `label_ja`) in the
//!   generated tables. Without it the generated code's [`meta!`] and [`meta_opt!`] leave `""` and `None`, so a
//!   binary carries no provenance text; the generated doc comments keep it either way. Gateway crates turn it on
//!   by default (their own `meta` feature). See [`meta`](mod@meta).
//!
//! # Text rules
//!
//! Text values (kinds `text`, `halfwidth_kana`, `fullwidth_kana`) never hold a control character: C0 (U+0000-U+001F,
//! tabs and line breaks included), DEL (U+007F) and C1 (U+0080-U+009F) are [`ViolationKind::Pattern`] violations
//! whose message says what the field expects.
//!
//! An absent or empty value is no value. A *required* field (always, or because its condition holds) whose value is
//! empty or only white space (`char::is_whitespace`: ASCII space, U+3000 ideographic space, tabs, …) is a
//! [`ViolationKind::Required`] violation. An *optional* field whose value is only white space is sent as given: it is
//! not empty, and dropping it would silently lose what the caller wrote; it is checked like any value (a tab is
//! still a control character) and counts as present for other fields' conditions.
//!
//! # Charset rules
//!
//! *Representable* means a character encodes **and** decodes back to itself: U+00A5 ¥ encodes in CP932 but comes
//! back as `\`, so a gateway lists it as lossy and it is refused. An unrepresentable character is a
//! [`ViolationKind::Charset`] error naming the field, the character (unless the field is secret) and its position,
//! never a replacement. encoding_rs's convenience `Encoding::encode` is never used (it writes `&#NNNN;`): every
//! conversion is a `*_without_replacement` encoder call, one per value and charset.
//!
//! When the normalize option is off and the character has a look-alike in the gateway's table, the violation's
//! `normalizes_to` offers it, but only when the look-alike itself can be sent (representable in the transport, the
//! storage and the limit charset): U+00A6 ¦ in EUC-JP offers nothing, because its look-alike U+FFE4 ￤ is an IBM
//! extension EUC-JP refuses too.
//!
//! # Normalization
//!
//! [`Options::normalize`] first composes every text value to Unicode NFC (the `unicode-normalization` crate), so
//! decomposed か + U+3099, as macOS input produces, is sent as が (CP932 `82 AA`); then it maps the gateway's
//! look-alikes (U+301C 〜 → U+FF5E ～, …). Canonical singletons are kept as typed: NFC would replace the CJK
//! compatibility ideographs of CP932 (U+FA19 神 → U+795E 神, …) by other code points, changing the glyph of a name
//! (and three of the 23 CP932 characters NFC changes, U+212B Å, U+FA15 凞 and U+FA20 蘒, would stop being CP932).
//! The kind's character rule is checked on the NFC form (decomposed ガ is full-width katakana); the charset on the
//! characters as sent.
//!
//! Positions in violations count the characters of the NFC form. They are the caller's own characters whenever NFC
//! leaves the value as it is, which is every value already in NFC (all text typed on Windows or a phone) and every
//! value when normalize is off. A value that is NFC by the quick check (ASCII, kana, kanji) is never copied; only a
//! value NFC may change is composed into a new `String`.
//!
//! # Byte counting
//!
//! A limit counts the value's bytes in the charset the policy names for the transport: the transport itself by
//! default, or the gateway's storage charset (a gateway that converts UTF-8 requests to CP932 counts CP932 bytes).
//! Bytes are counted after normalization, in the form that is sent. Percent-encoding never counts. `ﾃｽﾄ` is 3 bytes
//! in CP932, 6 in EUC-JP, 9 in UTF-8.
//!
//! # Encoding
//!
//! Validation and encoding are one pass: `encode` checks each value and writes it into the caller's buffer at once,
//! and truncates the buffer back to its length on entry when anything is wrong, so nothing is written for an
//! invalid request. `validate` and `encoded_len` run the same pass into nothing and into a counter. A valid request
//! whose values need no NFC composition is validated and encoded without allocating when the buffer has room for
//! the body (`encoded_len` says how much). The form writer is table-driven (`A-Za-z0-9*-._` as themselves, space as
//! `+`, every other byte `%XX`); ASCII values are checked against their kind and written in the same scan.
//!
//! # Secrets
//!
//! Nothing here panics on any input. Errors are structured `#[non_exhaustive]` data that never carry values, only
//! names, numbers and (for non-secret fields) one offending character. Secret fields are `<redacted>` in `Debug`.
//! Whether a name is secret is decided by one rule, [`secret::is_secret_name`] (ASCII case and `_` ignored).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

mod answered;
pub mod charset;
mod credentials;
mod form;
pub mod loopback;
pub mod meta;
mod normalize;
mod operation;
pub mod outcome;
mod report;
pub mod request;
mod rules;
pub mod secret;
pub mod spec;
mod text;
pub mod transport;
pub mod wire;

pub use answered::Answered;
pub use charset::{Charset, TextPolicy};
pub use credentials::{Credentials, MAX_CREDENTIALS};
pub use operation::Operation;
pub use request::{DynamicRequest, Options, Report, Violation, ViolationKind};
