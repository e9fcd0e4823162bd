//! The layout decoder, as tables: sentences for codes listed and unlisted, the parts of a decoded code, and the
//! structured error of every malformed input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use super::{CodeKind, LayoutError, explain};
use crate::generated::codes::ErrorCheck;

/// (code, the English sentence). Codes of the operations the spec has today (A08, E04) and the common ones.
const SENTENCES: &[(&str, &str)] = &[
    // not in any table: the layout alone
    ("A081010201", "credit_token, item 02 `trader_code`: value missing"),
    ("A081010402", "credit_token, item 04 `order_no`: wrong length"),
    ("A081010404", "credit_token, item 04 `order_no`: characters not allowed"),
    ("A081011471", "credit_token, item 14 `scheduled_shipping_date`: field-specific check 71 failed"),
    ("A081019907", "credit_token, item 99 (no field of the spec): check type 07 (not in the layout)"),
    ("A082999999", "credit_token: business error 2999999 (not in the error table)"),
    ("E041010201", "trade_info, item 02 `trader_code`: value missing"),
    ("E041010304", "trade_info, item 03 `order_no`: characters not allowed"),
    ("E041010351", "trade_info, item 03 `order_no`: data or state check failed"),
    ("E040000000", "trade_info: unavailable in a time window"),
    ("E049999999", "trade_info: system exception"),
    // listed: a validation keeps the layout's sentence, a check of the field's own adds the row's text
    ("A081010306", "credit_token, item 03 `device_div`: value not in the allowed set"),
    ("A081011202", "credit_token, item 12 `token`: wrong length"),
    (
        "A081011373",
        "credit_token, item 13 `trader_ec_url`: field-specific check 73 failed (trader_ec_url is not https)",
    ),
    (
        "A081011171",
        "credit_token, item 11 `card_code_api`: field-specific check 71 failed (card_code_api missing (EC4 table only))",
    ),
    ("A082000003", "credit_token: business error 2000003: order_no already registered"),
    ("Z010000000", "common error (Z01): unavailable in a time window (maintenance)"),
    ("Z019999999", "common error (Z01): system exception (internal system error)"),
    (
        "Z012000009",
        "common error (Z01): business error 2000009: the registered global ip differs from the connecting ip",
    ),
    ("Z012000099", "common error (Z01): business error 2000099 (not in the error table)"),
];

/// (code, the English sentence) of the other operations: the card operations (A01-A11), the convenience stores
/// (B01-B06, B03-B06 on one endpoint, each with its own function code), shipments (E01-E03), H01, PayPay (L01-L03)
/// and continuous billing (G01-G05).
const OTHER_OPERATIONS: &[(&str, &str)] = &[
    ("A011010901", "credit, item 09 `auth_div`: value missing"),
    ("A031010571", "credit_info_get, item 05 `check_sum`: field-specific check 71 failed (check_sum wrong)"),
    ("A041010606", "credit_info_update, item 06 `card_key`: value not in the allowed set"),
    ("A041010705", "credit_info_update, item 07 `card_exp`: wrong format"),
    ("A051010571", "credit_info_delete, item 05 `check_sum`: field-specific check 71 failed (check_sum wrong)"),
    (
        "A062010004",
        "credit_cancel: business error 2010004: cancel: the card company has no record of it (already settled)",
    ),
    ("A070000000", "credit_change_price: unavailable in a time window (amount change unavailable 23:00-01:00 JST)"),
    ("A071010401", "credit_change_price, item 04 `new_price`: value missing"),
    ("A091012002", "credit_token_3d, item 20 `three_d_token`: wrong length"),
    ("A092000003", "credit_token_3d: business error 2000003: 3-D Secure response altered or invalid"),
    ("A110000000", "re_auth: unavailable in a time window (re-authorization unavailable 23:00-01:00 JST)"),
    ("B011010801", "cvs_seven_eleven, item 08 `buyer_email`: value missing"),
    ("B021010801", "cvs_family_mart, item 08 `buyer_name_kana`: value missing"),
    ("B034000002", "cvs_lawson: business error 4000002: site order number duplicated at application time (Lawson)"),
    ("B041010501", "cvs_circle_k_sunkus, item 05 `goods_name`: value missing"),
    ("B052000002", "cvs_ministop: business error 2000002: merchant not enabled for Ministop"),
    ("B062000002", "cvs_seicomart: business error 2000002: merchant not enabled for Seicomart"),
    (
        "E011010251",
        "shipment_entry, item 02 `trader_code`: data or state check failed (the merchant cannot register shipments)",
    ),
    (
        "E011010451",
        "shipment_entry, item 04 `slip_no`: data or state check failed (slip_no invalid (seven check, validity, mail-service eligibility))",
    ),
    (
        "E031010472",
        "change_date, item 04 `scheduled_shipping_date`: field-specific check 72 failed (scheduled shipping date beyond the limit (90 days from authorization per WOO and W2, 180 days per EC4))",
    ),
    ("G011010201", "regular, item 02 `trader_code`: value missing"),
    ("H011010201", "trader_ip, item 02 `trader_code`: value missing"),
    ("L011011871", "paypay_settle, item 18 `check_sum`: field-specific check 71 failed (check_sum wrong)"),
    ("L022000005", "paypay_settle_cancel: business error 2000005: system error, retryable"),
    ("L032000006", "paypay_change_price: business error 2000006: system error, not retryable"),
];

#[test]
fn sentences_of_the_other_operations() {
    for (code, sentence) in OTHER_OPERATIONS {
        let e = explain(code).unwrap_or_else(|err| panic!("{code}: {err}"));
        assert_eq!(e.to_string(), *sentence, "{code}");
    }
}

/// B03-B06 share the endpoint `cvs3`; the function code still names each one.
#[test]
fn the_convenience_stores_of_one_endpoint_have_their_own_codes() {
    let ops: Vec<_> = ["B03", "B04", "B05", "B06"]
        .iter()
        .map(|f| explain(&format!("{f}2000002")).map(|e| e.operation.map(|op| (op.name, op.path))).unwrap().unwrap())
        .map(|(name, path)| (name, path.to_owned()))
        .collect();
    let names: Vec<_> = ops.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["cvs_lawson", "cvs_circle_k_sunkus", "cvs_ministop", "cvs_seicomart"]);
    assert!(ops.iter().all(|(_, path)| path == &ops[0].1), "{ops:?}");
}

/// The notifications carry a function_div but are not operations the merchant sends: no function code names them.
#[test]
fn only_operations_the_merchant_sends_have_a_function_code() {
    for op in crate::generated::OPERATIONS {
        let fixed = op.fields.iter().find(|f| f.wire == "function_div").and_then(|f| f.fixed);
        match (op.direction, fixed) {
            (japay_core::spec::Direction::Outgoing, Some(code)) => {
                assert_eq!(super::operation_for(code).map(|o| o.name), Some(op.name), "{code}");
                assert_eq!(super::field_for_item(op, 1).map(|f| f.wire), Some("function_div"), "{}", op.name);
            }
            (japay_core::spec::Direction::Outgoing, None) => panic!("{} has no fixed function_div", op.name),
            (_, _) => assert!(fixed.is_none(), "{}", op.name),
        }
    }
}

#[test]
fn sentences() {
    for (code, sentence) in SENTENCES {
        let e = explain(code).unwrap_or_else(|err| panic!("{code}: {err}"));
        assert_eq!(e.to_string(), *sentence, "{code}");
    }
}

#[test]
fn the_parts_of_a_validation_code() {
    let e = explain("A081010306").unwrap();
    assert_eq!((e.code, e.function), ("A081010306", "A08"));
    assert_eq!(e.operation.map(|op| op.name), Some("credit_token"));
    let CodeKind::Validation { item, field, check } = e.kind else { panic!("{e:?}") };
    assert_eq!((item, field.map(|f| f.wire), check), (3, Some("device_div"), ErrorCheck::NotAllowed));
    assert_eq!(e.entry.map(|r| r.code), Some("A081010306"));
    assert_eq!(e.remediation(), Some("send device_div 1 (smartphone) or 2 (PC)"));
    // item 01 is function_div itself
    let CodeKind::Validation { field, check, .. } = explain("A081010101").unwrap().kind else { panic!() };
    assert_eq!((field.map(|f| f.wire), check), (Some("function_div"), ErrorCheck::Missing));
}

#[test]
fn kinds() {
    let cases: &[(&str, &str)] = &[
        ("A082000003", "Business { class: 2, digits: \"2000003\" }"),
        ("A087000001", "Business { class: 7, digits: \"7000001\" }"),
        ("Z010000000", "Unavailable"),
        ("Z019999999", "SystemError"),
        ("Z011010201", "Validation { item: 2, field: None, check: Missing }"),
    ];
    for (code, kind) in cases {
        assert_eq!(format!("{:?}", explain(code).unwrap().kind), *kind, "{code}");
    }
    let z = explain("Z012000008").unwrap();
    assert!(z.operation.is_none());
    assert_eq!(
        format!("{z:?}"),
        "Explained { code: \"Z012000008\", function: \"Z01\", operation: None, kind: Business { class: 2, digits: \
         \"2000008\" }, listed: true }"
    );
}

#[test]
fn japanese() {
    let cases: &[(&str, &str)] = &[
        ("A081010306", "credit_token(A08)、項目03「device_div」: 許容値以外"),
        ("A081019907", "credit_token(A08)、項目99: チェック種別07"),
        ("A082000003", "credit_token(A08): 業務エラー2000003(受付番号登録済み)"),
        ("Z010000000", "共通エラー(Z01): 時間帯により利用不可(メンテナンス中)"),
        ("Z019999999", "共通エラー(Z01): システム例外(システムエラー)"),
    ];
    for (code, ja) in cases {
        assert_eq!(explain(code).unwrap().ja().to_string(), *ja, "{code}");
    }
}

/// (input, the error). Every malformed input is a structured error, never a panic.
#[test]
fn malformed_codes() {
    let cases: &[(&str, LayoutError)] = &[
        ("", LayoutError::Length { len: 0 }),
        ("A08101030", LayoutError::Length { len: 9 }),
        ("A0810103061", LayoutError::Length { len: 11 }),
        ("A08101030é", LayoutError::Length { len: 11 }),
        ("a081010306", LayoutError::FunctionCode),
        ("AA81010306", LayoutError::FunctionCode),
        ("0A81010306", LayoutError::FunctionCode),
        ("Aあ101030", LayoutError::FunctionCode),
        ("あ1010306", LayoutError::FunctionCode),
        ("X991010306", LayoutError::UnknownFunction { function: *b"X99" }),
        ("C011010306", LayoutError::UnknownFunction { function: *b"C01" }),
        ("A08101030x", LayoutError::NotDigit { offset: 9 }),
        ("A081O10306", LayoutError::NotDigit { offset: 4 }),
        ("A0810103é", LayoutError::NotDigit { offset: 8 }),
        ("A08 010306", LayoutError::NotDigit { offset: 3 }),
        ("A081010006", LayoutError::ItemZero),
        ("A081000000", LayoutError::Unclassified),
        ("A081100306", LayoutError::Unclassified),
        ("A080000001", LayoutError::Unclassified),
        ("A088000000", LayoutError::Unclassified),
        ("A089999998", LayoutError::Unclassified),
        ("A081999999", LayoutError::Unclassified),
    ];
    for (input, error) in cases {
        assert_eq!(explain(input).map(|e| e.code), Err(*error), "{input:?}");
        assert!(!error.to_string().is_empty());
    }
    assert_eq!(LayoutError::UnknownFunction { function: *b"X99" }.function(), Some("X99"));
    assert_eq!(
        LayoutError::UnknownFunction { function: *b"X99" }.to_string(),
        "expected the function code of an operation of the spec or Z01, got X99"
    );
    assert_eq!(
        LayoutError::Length { len: 9 }.to_string(),
        "expected an error code of 10 characters (function code and 7 digits), got 9 bytes"
    );
}

/// Every listed error code reads by the layout, names an operation of the spec (or is common), and a validation
/// code names a field.
#[test]
fn every_listed_code_reads_by_the_layout() {
    for row in crate::generated::codes::ERROR_CODE.entries.iter().filter(|r| !r.code.is_empty()) {
        let e = explain(row.code).unwrap_or_else(|err| panic!("{}: {err}", row.code));
        assert_eq!(e.entry.map(|r| r.code), Some(row.code));
        assert_eq!(e.operation.is_none(), e.function == "Z01", "{}", row.code);
        if let CodeKind::Validation { field, .. } = e.kind {
            assert!(field.is_some(), "{}", row.code);
        }
    }
}
