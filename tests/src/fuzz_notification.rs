//! The body of the fuzz target `parse_notification` (`fuzz/fuzz_targets/parse_notification.rs`), replayed over
//! `fuzz/corpus/parse_notification/` and `fuzz/regressions/parse_notification/` by the `notifications` tests.
//!
//! Arbitrary bytes go through each notification decoder ([`Kind::ALL`]) in both charsets. Nothing may panic; an
//! error must point inside the body; an accepted notification must agree with an independent model and survive a
//! round trip:
//!
//! * every value equals the model decode of its raw value (a byte-at-a-time percent decoder, then a strict
//!   `encoding_rs` decode of the whole value in the version's charset, never U+FFFD);
//! * every required field of the kind's spec is present and not blank, and every name (listed or not) has one value;
//! * re-encoding the decoded parameters as a form body (model encoder: `encoding_rs` encode of the value, the CP932
//!   user-defined area by hand, every byte but `A-Za-z0-9*-._` as `%XX`) and decoding that gives the same names and
//!   values;
//! * the notification passes the contract check against its own `contract_code`, fails it against another, and is
//!   answered [`Reply::Accepted`]; an empty own code, and an empty `contract_code=` of the kinds where the field is
//!   optional, fail it.
#![allow(clippy::panic)]

use encoding_rs::{SHIFT_JIS, UTF_8};
use epsilon_proto::answer::Version;
use epsilon_proto::notification::{ContractError, Kind, Notification, Reply};
use epsilon_proto::{Answer, IncomingError};
use japay_core::spec::Marker;

use crate::fuzz::model_percent_decode;

const VERSIONS: [Version; 2] = [Version::V1, Version::V2];

/// Fuzz target `parse_notification`: `data` as the body of each kind of notification, read as CP932 and as UTF-8.
pub fn parse_notification(data: &[u8]) {
    for kind in Kind::ALL {
        for version in VERSIONS {
            match Notification::parse_in(kind, data, version) {
                Ok(notification) => check_accepted(data, kind, version, &notification),
                Err(IncomingError::Parse(e)) => {
                    assert!(e.offset() <= data.len(), "{kind:?} {version:?}: offset out of range: {e:?}");
                }
                Err(IncomingError::Invalid(report)) => {
                    assert!(!report.violations().is_empty(), "{kind:?} {version:?}: an empty report");
                }
                Err(e) => panic!("{kind:?} {version:?}: an error this target does not know: {e:?}"),
            }
        }
    }
}

fn check_accepted(data: &[u8], kind: Kind, version: Version, notification: &Notification<'_>) {
    let raw = notification.raw();
    assert_eq!(notification.kind(), kind);
    for attr in raw {
        let model = model_value(attr.escaped(), version);
        assert_eq!(
            Some(attr.value.as_ref()),
            model.as_deref(),
            "{kind:?} {version:?}: {:?} decoded differently from the model",
            attr.name
        );
        let first = raw.get(attr.name);
        assert_eq!(first, Some(attr.value.as_ref()), "{kind:?}: {:?} has two different values", attr.name);
    }
    for field in kind.spec().fields {
        if matches!(field.marker, Marker::Required | Marker::Unique | Marker::Supplied) {
            let value = raw.get(field.wire).unwrap_or_default();
            assert!(!value.trim().is_empty(), "{kind:?}: required {} accepted blank", field.wire);
        }
    }

    let body = model_encode(raw, version);
    let again = Notification::parse_in(kind, body.as_bytes(), version)
        .unwrap_or_else(|e| panic!("{kind:?} {version:?}: the re-encoded body {body:?} is refused: {e}"));
    assert_eq!(pairs(again.raw()), pairs(raw), "{kind:?} {version:?}: the round trip changed the fields");

    // an empty own code is refused whatever the body (an empty `contract_code=` of an optional field included)
    assert_eq!(notification.check_contract(""), Err(ContractError::NoOwnCode));
    let own = notification.contract_code().filter(|c| !c.is_empty()).unwrap_or("12345678");
    if notification.contract_code() == Some("") {
        let err = notification.check_contract(own);
        let empty = matches!(err, Err(ContractError::Mismatch { received_len: 0, .. }));
        assert!(empty, "{kind:?}: an empty contract_code: {err:?}");
        return;
    }
    assert_eq!(notification.check_contract(own), Ok(()));
    if let Some(code) = notification.contract_code() {
        let other = format!("{code}0");
        let err = notification.check_contract(&other);
        assert!(
            matches!(err, Err(ContractError::Mismatch { received_len, .. }) if received_len == code.len()),
            "{kind:?}: {err:?}"
        );
    }
    if version == Version::V1 {
        let received = epsilon_proto::notification::receive(kind, data, own);
        assert!(received.is_ok(), "{kind:?}: decoded alone but refused by receive: {:?}", received.err());
        assert_eq!(Reply::from(&received), Reply::Accepted);
    }
}

/// The names and decoded values, in order.
fn pairs(raw: &Answer<'_>) -> Vec<(String, String)> {
    raw.iter().map(|a| (a.name.to_owned(), a.value.to_string())).collect()
}

/// The model decode of a raw value: byte-wise percent-decoding (`+` is a space), then a strict decode of the whole
/// value; `None` when either step fails.
fn model_value(raw: &str, version: Version) -> Option<String> {
    let bytes = model_percent_decode(raw.as_bytes()).ok()?;
    let encoding = if version == Version::V1 { SHIFT_JIS } else { UTF_8 };
    let text = encoding.decode_without_bom_handling_and_without_replacement(&bytes)?.into_owned();
    // Windows-31J leaves a lone 0x80 undefined (WHATWG Shift_JIS decodes it as U+0080)
    (version == Version::V2 || !text.contains('\u{80}')).then_some(text)
}

/// The model form encoder: `name=value&…` with each value encoded in the version's charset (`model_cp932` or
/// UTF-8; it must be representable: it was decoded from that charset) and every byte but `A-Za-z0-9*-._` written
/// `%XX`.
pub fn model_encode(raw: &Answer<'_>, version: Version) -> String {
    let mut body = String::new();
    for (i, attr) in raw.iter().enumerate() {
        if i > 0 {
            body.push('&');
        }
        body.push_str(attr.name);
        body.push('=');
        let bytes = if version == Version::V1 { model_cp932(&attr.value) } else { attr.value.as_bytes().to_vec() };
        for b in bytes {
            if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
                body.push(char::from(b));
            } else {
                body.push_str(&format!("%{b:02X}"));
            }
        }
    }
    body
}

/// The CP932 bytes of text decoded from CP932: `encoding_rs` for every run of characters, and the user-defined area
/// U+E000–U+E757 (which the decoder produces from lead bytes F0–F9 but `encoding_rs` never encodes) written back
/// to its codes by the inverse of the decoder's pointer arithmetic.
fn model_cp932(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<u8>| {
        let (bytes, _, unmappable) = SHIFT_JIS.encode(run);
        assert!(!unmappable, "{run:?}: decoded from CP932 but does not encode back");
        out.extend_from_slice(&bytes);
        run.clear();
    };
    for c in text.chars() {
        let code = u32::from(c);
        if (0xE000..=0xE757).contains(&code) {
            flush(&mut run, &mut out);
            let pointer = 8836 + (code - 0xE000);
            let (lead, trail) = (pointer / 188, pointer % 188);
            let lead = lead + if lead < 0x1F { 0x81 } else { 0xC1 };
            let trail = trail + if trail < 0x3F { 0x40 } else { 0x41 };
            out.extend([lead, trail].map(|b| u8::try_from(b).unwrap_or(0)));
        } else {
            run.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}
