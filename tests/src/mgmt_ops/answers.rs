//! Answers: every outcome of every operation on hand-written answers, and the errors of answers that fit none.

use epsilon_proto::generated::{
    CaptureOutcome, CaptureResponse, ChangeAmountOutcome, ChangeAmountResponse, RegularAmountChangeOutcome,
    RegularAmountChangeResponse, RegularCancelOutcome, RegularCancelResponse, ShipRequestOutcome, ShipRequestResponse,
    StopMonthlyBillingOutcome, StopMonthlyBillingResponse, UserInfoOutcome, UserInfoResponse, UserRestoreOutcome,
    UserRestoreResponse, UserWithdrawOutcome, UserWithdrawResponse, VirtualAccountOutcome, VirtualAccountResponse,
    VoidOutcome, VoidResponse,
};
use epsilon_proto::{Answer, Version};

use super::{NO_SUCH_TEXT, body};

/// `$response`/`$outcome` against a table of `(attributes, expected outcome line)`.
macro_rules! outcome_table {
    ($response:ty, $outcome:ident, $rows:expr) => {{
        let rows: &[(&[(&str, &str)], &str)] = $rows;
        for (attrs, expected) in rows {
            let b = body(attrs);
            assert_eq!(outcome_line!($response, $outcome, &b), *expected, "{} {attrs:?}", stringify!($response));
        }
    }};
}

const NO_SUCH: (&str, &str) = ("err_detail", "%91%CE%8F%DB%8E%E6%88%F8%82%CD%82%A0%82%E8%82%DC%82%B9%82%F1");

/// The rows every operation shares: missing, unknown and empty results, a failure without its code, an empty answer.
fn common_errors() -> [(&'static [(&'static str, &'static str)], &'static str); 6] {
    [
        (&[("err_code", "810")], "error: MissingResult { field: \"result\" }"),
        (&[("result", "3")], "error: UnknownResult { field: \"result\" }"),
        (&[("result", "")], "error: UnknownResult { field: \"result\" }"),
        (&[("result", "9"), ("err_code", "")], "error: MissingField { outcome: \"failure\", field: \"err_code\" }"),
        (&[("result", "0")], "error: MissingField { outcome: \"failure\", field: \"err_code\" }"),
        (&[], "error: Empty"),
    ]
}

/// The 定期課金 calls (regularly_cancel.cgi, regularly_amount_change.cgi): 1 done, 0 or 9 a failure with its code,
/// and the echoed subscription (user_id, item_code, item_price, mission_code 21–32) readable on the answer.
#[test]
fn regular_cancel_and_amount_change_outcomes() {
    let shared = common_errors();
    let ok = [
        ("err_code", ""),
        ("err_detail", ""),
        ("item_code", "SUB001"),
        ("item_price", "1980"),
        ("mission_code", "21"),
        ("result", "1"),
        ("user_id", "U1413355547"),
    ];
    let failed = [("err_code", "810"), NO_SUCH, ("result", "9")];
    let declined = [("err_code", "810"), NO_SUCH, ("result", "0")];
    let line = format!("failure 810 {NO_SUCH_TEXT}");
    let mut rows: Vec<(&[(&str, &str)], &str)> = vec![(&ok, "Stopped"), (&failed, &line), (&declined, &line)];
    rows.extend(shared.iter().map(|(a, e)| (*a, *e)));
    outcome_table!(RegularCancelResponse, RegularCancelOutcome, &rows);
    rows[0].1 = "Changed";
    outcome_table!(RegularAmountChangeResponse, RegularAmountChangeOutcome, &rows);
    // result 5 and 6 (3-D Secure) are not answers of these CGIs
    for result in ["5", "6"] {
        let b = body(&[("result", result)]);
        assert_eq!(
            outcome_line!(RegularCancelResponse, RegularCancelOutcome, &b),
            "error: UnknownResult { field: \"result\" }"
        );
    }
    let b = body(&ok);
    let answer = RegularAmountChangeResponse::parse(&b, Version::V1).unwrap();
    assert_eq!(answer.outcome().unwrap(), RegularAmountChangeOutcome::Changed);
    let subscription = (answer.user_id(), answer.item_code(), answer.item_price());
    assert_eq!(subscription, (Some("U1413355547"), Some("SUB001"), Some("1980")));
    let mission = answer.mission_code().unwrap();
    assert_eq!((mission.value(), mission.entry.map(|e| e.code)), ("21", Some("21")));
    let answer = RegularCancelResponse::parse(&b, Version::V1).unwrap();
    assert_eq!(answer.item_price(), Some("1980"));
}

#[test]
fn capture_void_and_change_amount_outcomes() {
    let shared = common_errors();
    let ok = [("err_code", ""), ("err_detail", ""), ("result", "1")];
    let failed = [("err_code", "810"), NO_SUCH, ("result", "9")];
    let line = format!("failure 810 {NO_SUCH_TEXT}");
    let mut rows: Vec<(&[(&str, &str)], &str)> = vec![(&ok, "Captured"), (&failed, &line)];
    rows.extend(shared.iter().map(|(a, e)| (*a, *e)));
    outcome_table!(CaptureResponse, CaptureOutcome, &rows);
    rows[0].1 = "Voided";
    // cancel_payment's empty result (CAS:gmo_id_void_faiure) is a failure without an error code; with a code it is
    // refused (an error code belongs to a coded failure)
    let empty = rows.iter().position(|(a, _)| *a == [("result", "")]).expect("the empty-result row");
    let mut void_rows = rows.clone();
    void_rows[empty].1 = "FailureWithoutCode { detail: None }";
    let coded: &[(&str, &str)] = &[("result", ""), ("err_code", "810")];
    let refused = "error: ErrorCodeOnSuccess { outcome: \"failure_without_code\", field: \"err_code\" }";
    void_rows.push((coded, refused));
    let uncoded: &[(&str, &str)] = &[("result", ""), ("err_code", ""), ("err_detail", "x")];
    void_rows.push((uncoded, "FailureWithoutCode { detail: Some(\"x\") }"));
    outcome_table!(VoidResponse, VoidOutcome, &void_rows);
    rows[0].1 = "Changed";
    outcome_table!(ChangeAmountResponse, ChangeAmountOutcome, &rows);
    // 607 (bad contract code) and an unknown code: a typed failure either way, the entry only for the known one
    let b = body(&[("err_code", "607"), ("err_detail", ""), ("result", "9")]);
    let answer = VoidResponse::parse(&b, Version::V1).unwrap();
    let Ok(VoidOutcome::Failure { code, detail }) = answer.outcome() else { panic!("{:?}", answer.outcome()) };
    assert_eq!((code.value(), code.entry.map(|e| e.code), detail), ("607", Some("607"), Some("")));
    let b = body(&[("err_code", "999"), ("result", "9")]);
    let answer = CaptureResponse::parse(&b, Version::V1).unwrap();
    let Ok(CaptureOutcome::Failure { code, .. }) = answer.outcome() else { panic!("{:?}", answer.outcome()) };
    assert!(code.entry.is_none());
}

#[test]
fn user_info_outcomes() {
    let rows: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("card_brand", "VISA"),
                ("card_number_mask", "4%2A%2A%2A-%2A%2A%2A%2A-%2A%2A%2A%2A-4242"),
                ("result", "1"),
            ],
            "Found",
        ),
        (&[("card_brand", ""), ("card_number_mask", ""), ("err_code", "801"), ("result", "2")], "failure 801 None"),
        (&[("err_code", "908"), ("result", "9")], "failure 908 None"),
        (&[("result", "2")], "error: MissingField { outcome: \"failure\", field: \"err_code\" }"),
        (&[("result", "3")], "error: UnknownResult { field: \"result\" }"),
        (&[("result", "")], "error: UnknownResult { field: \"result\" }"),
    ];
    outcome_table!(UserInfoResponse, UserInfoOutcome, rows);
    let b = body(&[("card_brand", "VISA"), ("card_expire", "202612"), ("result", "1")]);
    let answer = UserInfoResponse::parse(&b, Version::V1).unwrap();
    assert_eq!(answer.card_expire(), Some("202612"));
    let shown = format!("{answer:?}");
    assert!(!shown.contains("202612") && shown.contains("VISA"), "card_expire is a secret: {shown}");
}

#[test]
fn virtual_account_outcomes() {
    let issued: &[(&str, &str)] = &[
        ("account_name", "GMO-EP%C3%BD%C4"),
        ("account_no", "1016014"),
        ("bank_code", "0310"),
        ("bank_name", "%BC%DE-%B4%D1%B5-%B1%B5%BF%DE%D7%C8%C2%C4"),
        ("branch_code", "502"),
        ("branch_name", "%B1%BC%DE%BB%B2"),
        ("err_code", ""),
        ("err_detail", ""),
        ("result", "1"),
        ("trans_code", "737630"),
    ];
    let rows: &[(&[(&str, &str)], &str)] = &[
        (issued, "Issued"),
        // a success that names no account is refused, not read as issued
        (
            &[("result", "1"), ("trans_code", "737630")],
            "error: Undecided { field: \"result\", expected: [\"account_no\"] }",
        ),
        (&[("account_no", ""), ("result", "1")], "error: Undecided { field: \"result\", expected: [\"account_no\"] }"),
        (&[("err_code", "601"), ("result", "9"), ("trans_code", "")], "failure 601 None"),
        (&[("result", "")], "error: UnknownResult { field: \"result\" }"),
    ];
    outcome_table!(VirtualAccountResponse, VirtualAccountOutcome, rows);
    let b = body(issued);
    let answer = VirtualAccountResponse::parse(&b, Version::V1).unwrap();
    let read = [
        answer.account_no(),
        answer.account_name(),
        answer.bank_code(),
        answer.bank_name(),
        answer.branch_code(),
        answer.branch_name(),
        answer.trans_code(),
    ];
    assert_eq!(
        read,
        [
            Some("1016014"),
            Some("GMO-EPﾃｽﾄ"),
            Some("0310"),
            Some("ｼﾞ-ｴﾑｵ-ｱｵｿﾞﾗﾈﾂﾄ"),
            Some("502"),
            Some("ｱｼﾞｻｲ"),
            Some("737630")
        ]
    );
}

#[test]
fn receive_order3_management_outcomes() {
    let failed: &[(&str, &str)] = &[
        ("result", "0"),
        ("err_code", "605"),
        ("err_detail", "%8C%8E%8E%9F%89%DB%8B%E0%83f%81%5B%83%5E%8C%9F%8D%F5%83G%83%89%81%5B"),
        ("memo1", ""),
        ("memo2", ""),
    ];
    let line = "failure 605 Some(\"月次課金データ検索エラー\")";
    let shared = common_errors();
    let stopped: &[(&str, &str)] = &[
        ("result", "1"),
        ("user_id", "U1413355547"),
        ("item_code", "ITEM001"),
        ("item_name", "Greate%20Product"),
        ("item_price", "10000"),
        ("mission_code", "2"),
    ];
    let mut rows: Vec<(&[(&str, &str)], &str)> = vec![(stopped, "Stopped"), (failed, line)];
    rows.extend(shared.iter().map(|(a, e)| (*a, *e)));
    outcome_table!(StopMonthlyBillingResponse, StopMonthlyBillingOutcome, &rows);
    let withdrawn: &[(&str, &str)] = &[("result", "1"), ("user_id", "U1"), ("user_name", "YAMADA%20Taro")];
    rows[0] = (withdrawn, "Withdrawn");
    outcome_table!(UserWithdrawResponse, UserWithdrawOutcome, &rows);
    rows[0].1 = "Restored";
    outcome_table!(UserRestoreResponse, UserRestoreOutcome, &rows);
    rows[0].1 = "Registered";
    outcome_table!(ShipRequestResponse, ShipRequestOutcome, &rows);
    let b = body(stopped);
    let answer = StopMonthlyBillingResponse::parse(&b, Version::V1).unwrap();
    assert_eq!(answer.item_name(), Some("Greate Product"));
    assert_eq!(answer.mission_code().map(|c| c.value()), Some("2"));
}

/// An Apache HTTP 500 page (process 9 with an unknown user, facts Q21) is no answer at all: the reader refuses it.
#[test]
fn an_html_error_page_is_refused_not_decided() {
    let page = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head></html>\n";
    assert!(UserWithdrawResponse::parse(page, Version::V1).is_err());
    assert!(Answer::parse(page, Version::V1).is_err());
}
