//! The body of the fuzz target `parse_kuroneko_notification` (`fuzz/fuzz_targets/parse_kuroneko_notification.rs`),
//! replayed over `fuzz/corpus/parse_kuroneko_notification/` and `fuzz/regressions/parse_kuroneko_notification/` by
//! the test below.
//!
//! Arbitrary bytes go through both Kuroneko notification decoders (`SettlementNotification`, `PaypayNotification`)
//! and the form decoder under them. Nothing may panic; an error must point inside the body; an accepted body must
//! agree with an independent model and survive a round trip:
//!
//! * every value equals the model decode of its raw value (a byte-at-a-time percent decoder, then a strict UTF-8
//!   decode of the whole value, never U+FFFD that the bytes do not spell);
//! * every name has one value (repeats agree), and every required field of the spec is present and not blank;
//! * re-encoding the decoded parameters as a form body (every byte but `A-Za-z0-9*-._` as `%XX`) and decoding that
//!   gives the same names and values;
//! * the trader check passes with the body's own `trader_code` and fails with another one.
#![allow(clippy::panic)]

use japay_core::spec::{Marker, OperationSpec};
use kuroneko_proto::generated::{paypay_notification, settlement_notification};
use kuroneko_proto::incoming::{self, Form, FormError, IncomingError, check_trader};

use crate::fuzz::model_percent_decode;

/// The notification specs the target decodes with.
const SPECS: [&OperationSpec; 2] =
    [&settlement_notification::SETTLEMENT_NOTIFICATION, &paypay_notification::PAYPAY_NOTIFICATION];

/// Fuzz target `parse_kuroneko_notification`: `data` as the body of each Kuroneko notification.
pub fn parse_kuroneko_notification(data: &[u8]) {
    let form = Form::decode(data);
    match &form {
        Ok(form) => check_form(data, form),
        Err(e) => assert!(form_error_offset(e) <= data.len(), "error offset out of range: {e:?}"),
    }
    for spec in SPECS {
        match incoming::parse(data, spec) {
            Ok(parsed) => {
                assert!(form.as_ref().is_ok_and(|f| *f == parsed), "{}: parse accepted what decode refused", spec.name);
                check_accepted(spec, &parsed);
            }
            Err(IncomingError::Parse(e)) => assert_eq!(form.as_ref().err(), Some(&e), "{}", spec.name),
            Err(IncomingError::Invalid(report)) => {
                assert!(form.is_ok(), "{}: a spec report for a body that does not decode", spec.name);
                assert!(!report.violations().is_empty(), "{}: an empty report", spec.name);
            }
            Err(e) => panic!("{}: unexpected {e:?}", spec.name),
        }
    }
    // the generated views agree with the decoder they wrap
    assert_eq!(kuroneko_proto::SettlementNotification::parse(data).is_ok(), incoming::parse(data, SPECS[0]).is_ok());
    assert_eq!(kuroneko_proto::PaypayNotification::parse(data).is_ok(), incoming::parse(data, SPECS[1]).is_ok());
}

fn form_error_offset(e: &FormError) -> usize {
    match e {
        FormError::Query(q) => q.offset(),
        FormError::Value { offset, .. } => *offset,
        FormError::ConflictingValues { offset, first_offset, .. } => {
            assert!(first_offset < offset, "the first value comes first: {e:?}");
            *offset
        }
        _ => 0,
    }
}

/// A decoded form: values equal the model's, one value per name, a round trip through the model encoder.
fn check_form(data: &[u8], form: &Form<'_>) {
    for p in form.params() {
        assert!(p.offset <= data.len(), "offset out of range: {p:?}");
        let raw = data.get(p.offset..p.offset + p.raw.len()).unwrap_or_else(|| panic!("raw out of range: {p:?}"));
        assert_eq!(raw, p.raw.as_bytes(), "the raw value is where its offset says");
        let bytes = model_percent_decode(p.raw.as_bytes()).unwrap_or_else(|i| panic!("model refuses at {i}: {p:?}"));
        let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("not UTF-8 for the model: {e} in {p:?}"));
        assert_eq!(text, p.value, "the value is the model decode");
        assert!(form.get_all(p.name).all(|v| v == form.get(p.name).unwrap_or_default()), "{} has two values", p.name);
    }
    let encoded = model_encode(form);
    let again = Form::decode(encoded.as_bytes()).unwrap_or_else(|e| panic!("re-encoded body refused: {e}"));
    let pairs = |f: &Form<'_>| f.params().iter().map(|p| (p.name.to_owned(), p.value.to_string())).collect::<Vec<_>>();
    assert_eq!(pairs(&again), pairs(form), "round trip");
}

/// An accepted notification: every required field present, the trader check with its own code and another one.
fn check_accepted(spec: &OperationSpec, form: &Form<'_>) {
    for f in spec.fields.iter().filter(|f| f.marker == Marker::Required) {
        assert!(form.get(f.wire).is_some_and(|v| !v.trim().is_empty()), "{}: {} accepted blank", spec.name, f.wire);
    }
    let own = form.get("trader_code").unwrap_or_default();
    assert_eq!(check_trader(form, own), Ok(()), "{}: its own trader_code", spec.name);
    let other = format!("{own}0");
    assert_eq!(check_trader(form, &other), Err(IncomingError::OtherTrader), "{}: another trader_code", spec.name);
    let _ = format!("{form:?}");
}

/// The model form encoder: `A-Za-z0-9*-._` as themselves, every other byte of the UTF-8 value as `%XX`.
fn model_encode(form: &Form<'_>) -> String {
    let mut out = String::new();
    for (i, p) in form.params().iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(p.name);
        out.push('=');
        for b in p.value.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn files(sub: &str) -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(sub).join("parse_kuroneko_notification");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.unwrap_or_else(|e| panic!("cannot list: {e}")).path())
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn parse_kuroneko_notification_corpus_and_regressions_replay() {
        let seeds = files("corpus");
        assert!(seeds.len() >= 4, "too few seeds");
        for path in seeds.iter().chain(files("regressions").iter()) {
            let data = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            eprintln!("parse_kuroneko_notification: {}", path.display()); // shown only when the test fails
            parse_kuroneko_notification(&data);
        }
    }

    /// The seeds named `ok_*` are accepted by the decoder their name says, the `x_*` ones refused by both.
    #[test]
    fn parse_kuroneko_notification_seeds_read_as_named() {
        for path in files("corpus") {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
            let settlement = incoming::parse(&data, SPECS[0]).is_ok();
            let paypay = incoming::parse(&data, SPECS[1]).is_ok();
            let expected = match name.split('_').next() {
                Some("settlement") => (true, false),
                Some("paypay") => (true, true), // a paypay notification is a settlement notification too
                _ => (false, false),
            };
            assert_eq!((settlement, paypay), expected, "{name}");
        }
    }
}
