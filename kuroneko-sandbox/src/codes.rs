//! Error codes the sandbox answers with: the common `Z01` codes, and the validation codes written by their layout
//! (facts §4.2): the function code, `101`, the field's item number (2 digits) and the check type (2 digits). This is
//! the encoder direction of `kuroneko_proto::error_layout`'s decoder.
//!
//! Check types, from a violation of kuroneko-proto's own rules (**sandbox choice** where a rule has no check type of
//! its own, uncertain as the layout itself):
//!
//! | rule | check type |
//! |---|---|
//! | `required` (and `one_of` with nothing given) | `01` missing |
//! | `max_bytes`, `exact_bytes`, `min_bytes` of a field of ASCII characters | `02` length |
//! | the same of a text field (multi-byte characters) | `03` byte length |
//! | `charset`, `pattern` naming a character | `04` characters |
//! | `pattern` without a character (a format), `min_value`, `forbidden`, `bits`, the others | `05` format |
//! | `value` | `06` not an allowed value |
//! | `pattern` of the field's check digit (E01's seven-check) | `51` (E011010451, facts §4.4) |
//!
//! A field without an item number in the spec (`ec_cart_code`, …) is written with item `99` (**sandbox choice**).
//!
//! Where the error table lists a field-specific code for a rule ([`SPECIFIC`]: A08's `trader_ec_url` missing /
//! too long / not https are A081011371 / 1372 / 1373, half-width kana in `buyer_name_kanji` is A081010671), that code
//! is answered instead of the generic check type, as the gateway does according to those tables (facts §4.4).

use japay_core::spec::{FieldCheck, FieldSpec, OperationSpec};
use japay_core::{Violation, ViolationKind};

/// A request method other than `POST`.
pub(crate) const METHOD: &str = "Z012000001";
/// `function_div` missing.
pub(crate) const FUNCTION_MISSING: &str = "Z012000002";
/// `function_div` not a function of this URL.
pub(crate) const FUNCTION_UNKNOWN: &str = "Z012000003";
/// Unknown trader code, or the start date (利用開始日) not reached.
pub(crate) const TRADER: &str = "Z012000007";
/// The API method not applied for.
pub(crate) const NO_API_CONTRACT: &str = "Z012000008";
/// The caller's address is not the registered one.
pub(crate) const SOURCE: &str = "Z012000009";

/// The function code of an operation: its fixed `function_div` (`A08`), `Z01` when it has none.
pub(crate) fn function_of(op: &OperationSpec) -> &'static str {
    op.fields.iter().find(|f| f.wire == "function_div").and_then(|f| f.fixed).unwrap_or("Z01")
}

/// The item number of `field` in its function's layout (facts §4.2), when the spec gives one.
pub(crate) fn item(op: &OperationSpec, field: &FieldSpec) -> Option<u8> {
    let _ = op;
    field.item
}

/// The check type of a violation of `field` (see the module table).
pub(crate) fn check_type(kind: &ViolationKind, field: Option<&FieldSpec>) -> &'static str {
    let text = field.is_some_and(|f| f.kind.is_text());
    match kind {
        ViolationKind::Required { .. } => "01",
        ViolationKind::OneOf { given: 0, .. } => "01",
        ViolationKind::MaxChars { .. } => "02",
        ViolationKind::MaxBytes { .. } | ViolationKind::ExactBytes { .. } | ViolationKind::MinBytes { .. } => {
            if text {
                "03"
            } else {
                "02"
            }
        }
        ViolationKind::Charset { .. } | ViolationKind::Refused { .. } => "04",
        ViolationKind::Pattern { ch: Some(_), .. } => "04",
        ViolationKind::Pattern { expected, ch: None, .. } if is_check_digit(field, expected) => "51",
        ViolationKind::Value { .. } => "06",
        _ => "05",
    }
}

/// Whether a format violation is the field's check digit (E01's seven-check: E011010451, facts §4.4).
fn is_check_digit(field: Option<&FieldSpec>, expected: &str) -> bool {
    field.is_some_and(|f| {
        f.checks.iter().any(|c| matches!(c, FieldCheck::CheckDigit(rule) if rule.expected == expected))
    })
}

/// The item a field without a known item number is answered under (the A08 stored-card and `x3ds2_*` fields,
/// `ec_cart_code`, `reserve_1`): what the gateway answers for them is not documented, so the sandbox writes an item no
/// operation has (the highest is in the twenties), which `kuroneko_proto::explain` reads as "no field of this
/// function", never as another field's.
pub(crate) const NO_ITEM: u8 = 99;

/// Field-specific codes the error table lists (facts §4.4; WOO-codes, EC4): (function, field, rule, check type).
/// `pattern` is split in two: `pattern:format` (no character named: a prefix or a format) and `pattern:char`.
/// Each code is in the generated `ERROR_CODE` table (tested), so a test fails if the table loses one.
pub(crate) const SPECIFIC: &[(&str, &str, &str, &str)] = &[
    ("A08", "trader_ec_url", "required", "71"),
    ("A08", "trader_ec_url", "max_bytes", "72"),
    ("A08", "trader_ec_url", "pattern:format", "73"),
    ("A08", "buyer_name_kanji", "pattern:char", "71"),
    ("A08", "card_code_api", "required", "71"),
];

/// The layout code of `op`'s field `wire` with `check` (two digits): `A08` + `101` + item + check; the item is
/// [`NO_ITEM`] when the spec gives the field none.
pub(crate) fn layout(op: &OperationSpec, wire: &str, check: &str) -> String {
    let field = op.field_index(wire).and_then(|i| op.fields.get(i));
    let item = field.and_then(|f| item(op, f)).unwrap_or(NO_ITEM);
    format!("{}101{item:02}{check}", function_of(op))
}

/// The validation code of a violation of a request to `op`.
pub(crate) fn for_violation(op: &OperationSpec, violation: &Violation) -> String {
    let field = op.field_index(&violation.field).and_then(|i| op.fields.get(i));
    let function = function_of(op);
    let rule = match violation.kind {
        ViolationKind::Pattern { ch: Some(_), .. } => "pattern:char",
        ViolationKind::Pattern { ch: None, .. } => "pattern:format",
        ref kind => kind.rule(),
    };
    let specific = SPECIFIC.iter().find(|(f, w, r, _)| *f == function && *w == violation.field && *r == rule);
    let check = specific.map_or_else(|| check_type(&violation.kind, field), |(_, _, _, cc)| *cc);
    layout(op, &violation.field, check)
}

/// Whether `text` has the shape of an error code (facts §4.2): a letter, two digits or `Z01`-like, then seven
/// digits, ten characters in all. Used by the `reserve_1` injection.
pub(crate) fn looks_like_code(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.get(1..).is_some_and(|rest| rest.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use japay_core::charset::Charset;
    use kuroneko_proto::generated::credit_token::CREDIT_TOKEN;

    use super::*;

    #[test]
    fn violations_are_written_by_the_layout() {
        let v = |field: &'static str, kind| {
            let mut report = japay_core::Report::new();
            report.push(field, kind);
            report.violations()[0].clone()
        };
        let required = ViolationKind::Required { condition: None };
        let long = ViolationKind::MaxBytes { charset: Charset::Utf8, actual: 70, limit: 60 };
        let exact = ViolationKind::ExactBytes { charset: Charset::Utf8, actual: 15, expected: 16 };
        let value = ViolationKind::Value { expected: &["1", "2"], fixed: false };
        let chars = ViolationKind::Pattern { expected: "digits", ch: Some('x'), char_index: 0 };
        let format = ViolationKind::Pattern { expected: "yyyyMMdd", ch: None, char_index: 0 };
        // (violation, code)
        let cases = [
            (v("trader_code", required.clone()), "A081010201"),
            (v("device_div", value), "A081010306"),
            (v("buyer_name_kanji", long.clone()), "A081010603"),
            (v("token", exact), "A081011202"),
            (v("token", chars), "A081011204"),
            (v("token", required), "A081011201"),
            (v("scheduled_shipping_date", format), "A081011405"),
            (v("trader_ec_url", long), "A081011372"),
            (
                v("trader_ec_url", ViolationKind::Pattern { expected: "https://", ch: None, char_index: 0 }),
                "A081011373",
            ),
            (
                v("buyer_name_kanji", ViolationKind::Pattern { expected: "no kana", ch: Some('ｱ'), char_index: 0 }),
                "A081010671",
            ),
            (
                v("trader_ec_url", ViolationKind::Pattern { expected: "ascii", ch: Some(' '), char_index: 8 }),
                "A081011304",
            ),
        ];
        for (violation, code) in cases {
            assert_eq!(for_violation(&CREDIT_TOKEN, &violation), code, "{violation:?}");
        }
        assert_eq!(function_of(&CREDIT_TOKEN), "A08");
    }

    /// Every field-specific code the sandbox answers is a row of the generated error table, naming that field.
    #[test]
    fn every_specific_code_is_listed_and_names_its_field() {
        use kuroneko_proto::generated::{OPERATIONS, codes::ERROR_CODE};
        for (function, wire, _, cc) in SPECIFIC {
            let op = OPERATIONS.iter().find(|op| function_of(op) == *function).expect("an operation");
            let code = layout(op, wire, cc);
            assert!(ERROR_CODE.entries.iter().any(|e| e.code == code), "{code} is not in the error table");
            assert!(op.field(wire).is_some_and(|f| f.item.is_some()), "{wire} has an item in {}", op.name);
        }
    }

    /// The encoder and kuroneko-proto's decoder agree: every code written for a field of a served function reads
    /// back as a validation code naming that field.
    #[test]
    fn every_layout_code_reads_back_naming_its_field() {
        use kuroneko_proto::error_layout::{CodeKind, explain};
        let mut checked = 0;
        for served in crate::ops::SERVED {
            for field in served.op.fields.iter().filter(|f| f.item.is_some()) {
                for check in ["01", "02", "03", "04", "05", "06", "51", "71"] {
                    let code = layout(served.op, field.wire, check);
                    let explained = explain(&code).unwrap_or_else(|e| panic!("{code}: {e:?}"));
                    let named = match explained.kind {
                        CodeKind::Validation { field: Some(f), item, .. } => (f.wire, Some(item)),
                        _ => ("", None),
                    };
                    assert_eq!(named, (field.wire, field.item), "{code} of {}", served.op.name);
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn codes_by_shape() {
        for (text, code) in [("A082000010", true), ("Z012000007", true), ("a082000010", false), ("A08200001", false)] {
            assert_eq!(looks_like_code(text), code, "{text}");
        }
    }
}
