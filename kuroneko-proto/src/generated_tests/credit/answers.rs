//! Card answers: each decides one outcome or fails closed; stored cards read through one row view.

use super::*;

/// The variant name of an outcome (or of an outcome error): the first word of its `Debug` form.
fn variant(debug: &impl Debug) -> String {
    format!("{debug:?}").split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default().to_owned()
}

/// The outcome of `body` read as the answer to `op`, as the variant name, or the error's variant name.
fn outcome_of(op: &str, body: &[u8]) -> Result<String, String> {
    /// Reads the answer with the view `$ty`, checks that no secret shows in the outcome's `Debug`.
    macro_rules! decide {
        ($ty:ty) => {{
            let answer = <$ty>::parse(body).unwrap();
            let outcome = answer.outcome();
            let debug = format!("{outcome:?}");
            assert!(!debug.contains("SECRET"), "{debug}");
            outcome.map(|o| variant(&o)).map_err(|e| variant(&e))
        }};
    }
    match op {
        "credit" => decide!(CreditResponse<'_>),
        "credit_3d" => decide!(Credit3dResponse<'_>),
        "credit_info_get" => decide!(CreditInfoGetResponse<'_>),
        "credit_info_update" => decide!(CreditInfoUpdateResponse<'_>),
        "credit_info_delete" => decide!(CreditInfoDeleteResponse<'_>),
        "credit_cancel" => decide!(CreditCancelResponse<'_>),
        "credit_change_price" => decide!(CreditChangePriceResponse<'_>),
        "credit_token" => decide!(CreditTokenResponse<'_>),
        "credit_token_3d" => decide!(CreditToken3dResponse<'_>),
        "re_auth" => decide!(ReAuthResponse<'_>),
        other => panic!("no answer view for {other}"),
    }
}

/// A `<return>` answer with these children (an empty text is an empty element).
fn answer(elements: &[(&str, &str)]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><return>");
    for (name, text) in elements {
        if text.is_empty() {
            s.push_str(&format!("<{name}/>"));
        } else {
            s.push_str(&format!("<{name}>{text}</{name}>"));
        }
    }
    s.push_str("</return>");
    s
}

const OK: (&str, &str) = ("returnCode", "0");
const NO_ERROR: (&str, &str) = ("errorCode", "");
const DATE: (&str, &str) = ("returnDate", "20260401120000");
const APPROVED: (&str, &str) = ("crdCResCd", "123456");
const HTML: (&str, &str) = ("threeDAuthHtml", "&lt;form&gt;SECRET&lt;/form&gt;");
const TDS_TOKEN: (&str, &str) = ("threeDToken", "SECRET0123456789abcdef0123456789");
const FAILED: (&str, &str) = ("returnCode", "1");
const CARD: &str = "<cardKey>1</cardKey><maskingCardNo>************1111</maskingCardNo><cardExp>1230</cardExp>\
    <cardOwner>TARO YAMADA</cardOwner><cardCodeApi>9</cardCodeApi><lastCreditDate>20260401120000</lastCreditDate>";

/// An operation, the children of its `<return>` answer, and the outcome's (or the refusal's) variant name.
type AnswerCase<'a> = (&'a str, &'a [(&'a str, &'a str)], Result<&'a str, &'a str>);

#[test]
fn card_answers_decide_one_outcome_or_fail_closed() {
    #[rustfmt::skip]
    let cases: &[AnswerCase<'_>] = &[
        // A01 and A08: final, 3-D Secure, both (refused), neither (refused)
        ("credit", &[OK, NO_ERROR, DATE, APPROVED], Ok("Authorized")),
        ("credit", &[OK, NO_ERROR, DATE, HTML, TDS_TOKEN], Ok("ThreeDSecure")),
        ("credit", &[OK, NO_ERROR, APPROVED, HTML, TDS_TOKEN], Err("Ambiguous")),
        ("credit", &[OK, NO_ERROR, HTML], Err("MissingField")),
        ("credit", &[OK, NO_ERROR, APPROVED, HTML], Err("Ambiguous")),
        ("credit", &[OK, NO_ERROR], Err("Undecided")),
        ("credit", &[OK, ("errorCode", "A012060001"), APPROVED], Err("ErrorCodeOnSuccess")),
        ("credit", &[FAILED, ("errorCode", "A012060001"), ("creditErrorCode", "G12")], Ok("Failure")),
        ("credit", &[FAILED, NO_ERROR], Err("MissingField")),
        ("credit", &[("returnCode", "2"), APPROVED], Err("UnknownResult")),
        ("credit", &[APPROVED], Err("MissingResult")),
        ("credit_token", &[OK, NO_ERROR, APPROVED], Ok("Authorized")),
        ("credit_token", &[OK, NO_ERROR, HTML, TDS_TOKEN], Ok("ThreeDSecure")),
        ("credit_token", &[OK, NO_ERROR, APPROVED, HTML, TDS_TOKEN], Err("Ambiguous")),
        ("credit_token", &[OK, NO_ERROR, TDS_TOKEN], Err("Undecided")),
        ("credit_token", &[FAILED, ("errorCode", "A082000010"), ("creditErrorCode", "G12")], Ok("Failure")),
        // A02 and A09: the answer to a 3-D Secure result is final
        ("credit_3d", &[OK, NO_ERROR, APPROVED], Ok("Authorized")),
        ("credit_3d", &[OK, NO_ERROR], Err("Undecided")),
        ("credit_3d", &[FAILED, ("errorCode", "A012050001")], Ok("Failure")),
        ("credit_token_3d", &[OK, NO_ERROR, DATE, APPROVED], Ok("Authorized")),
        ("credit_token_3d", &[OK, NO_ERROR, ("crdCResCd", "")], Err("Undecided")),
        ("credit_token_3d", &[OK, ("errorCode", "A092000003"), APPROVED], Err("ErrorCodeOnSuccess")),
        ("credit_token_3d", &[FAILED, ("errorCode", "A092000005"), ("creditErrorCode", "G12")], Ok("Failure")),
        ("credit_token_3d", &[FAILED, ("errorCode", "A092000001")], Ok("Failure")),
        // A03: the cards; an accepted answer without cardUnit is not read as "no cards"
        ("credit_info_get", &[OK, NO_ERROR, ("cardUnit", "0")], Ok("Cards")),
        ("credit_info_get", &[OK, NO_ERROR, ("cardUnit", "1"), ("cardData", CARD)], Ok("Cards")),
        ("credit_info_get", &[OK, NO_ERROR], Err("Undecided")),
        ("credit_info_get", &[FAILED, ("errorCode", "A031010571")], Ok("Failure")),
        // A04, A05, A06, A07, A11: accepted is done
        ("credit_info_update", &[OK, NO_ERROR, DATE], Ok("Updated")),
        ("credit_info_update", &[FAILED, ("errorCode", "A043000001")], Ok("Failure")),
        ("credit_info_update", &[OK, ("errorCode", "A043000002")], Err("ErrorCodeOnSuccess")),
        ("credit_info_delete", &[OK, NO_ERROR, ("cardUnit", "0")], Ok("Deleted")),
        ("credit_info_delete", &[OK, NO_ERROR], Ok("Deleted")),
        ("credit_info_delete", &[FAILED, ("errorCode", "A053000001")], Ok("Failure")),
        ("credit_cancel", &[OK, NO_ERROR, DATE], Ok("Cancelled")),
        ("credit_cancel", &[FAILED, ("errorCode", "A062010004")], Ok("Failure")),
        ("credit_cancel", &[("returnCode", "")], Err("UnknownResult")),
        ("credit_change_price", &[OK, NO_ERROR], Ok("Changed")),
        ("credit_change_price", &[FAILED, ("errorCode", "A076000001"), ("creditErrorCode", "G12")], Ok("Failure")),
        ("credit_change_price", &[FAILED, ("errorCode", "A070000000")], Ok("Failure")),
        ("re_auth", &[OK, NO_ERROR], Ok("Reauthorized")),
        ("re_auth", &[FAILED, ("errorCode", "A112000004")], Ok("Failure")),
        ("re_auth", &[DATE], Err("MissingResult")),
    ];
    for (op, elements, expected) in cases {
        let got = outcome_of(op, answer(elements).as_bytes());
        assert_eq!(got.as_ref().map(String::as_str).map_err(String::as_str), *expected, "{op} {elements:?}");
    }
    // every card operation is in the table
    for op in OPERATIONS.iter().filter(|o| o.response.is_some() && o.name != "trade_info") {
        if CARD_OPERATIONS.contains(&op.name) {
            assert!(cases.iter().any(|(name, _, _)| *name == op.name), "{} has no outcome case", op.name);
        }
    }
}

/// The operations this module covers.
const CARD_OPERATIONS: [&str; 10] = [
    "credit",
    "credit_3d",
    "credit_info_get",
    "credit_info_update",
    "credit_info_delete",
    "credit_cancel",
    "credit_change_price",
    "credit_token",
    "credit_token_3d",
    "re_auth",
];

/// creditInfoGet (A03) and creditInfoDelete (A05) answer the same `cardData` rows: one row view type serves both,
/// a single row is a list of one, and the card expiry is redacted.
#[test]
fn stored_cards_read_through_one_row_view() {
    let two = answer(&[
        OK,
        NO_ERROR,
        ("cardUnit", "2"),
        ("cardData", CARD),
        ("cardData", "<cardKey>3</cardKey><cardCodeApi>14</cardCodeApi><lastCreditDate/>"),
    ]);
    let get = CreditInfoGetResponse::parse(two.as_bytes()).unwrap();
    let rows: Vec<CardData<'_, '_>> = get.card_data().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].card_key(), Some("1"));
    assert_eq!(rows[0].masking_card_no(), Some("************1111"));
    assert_eq!(rows[0].card_exp(), Some("1230"));
    assert_eq!(rows[0].card_owner(), Some("TARO YAMADA"));
    assert_eq!(rows[0].last_credit_date(), Some("20260401120000"));
    assert!(rows[0].card_code_api().unwrap().entry.is_some());
    assert_eq!(rows[1].card_code_api().map(|c| (c.value(), c.entry.is_none())), Some(("14", true)));
    assert_eq!(rows[1].last_credit_date(), Some(""), "an empty element is an empty value");
    assert_eq!(rows[1].masking_card_no(), None);
    assert!(!format!("{get:?}").contains("1230"), "cardExp is redacted");

    let one = answer(&[OK, NO_ERROR, ("cardUnit", "1"), ("cardData", CARD)]);
    let delete = CreditInfoDeleteResponse::parse(one.as_bytes()).unwrap();
    let rows: Vec<CardData<'_, '_>> = delete.card_data().collect();
    assert_eq!(rows.len(), 1, "a single cardData is a list of one");
    assert_eq!(rows[0].card_key(), Some("1"));
    assert_eq!(delete.card_unit(), Some("1"));
}
