//! Requests: the body a valid request encodes to, the rule each mistake breaks, fixed parameters, round trips.

use epsilon_proto::generated::capture::CAPTURE;
use epsilon_proto::generated::change_amount::CHANGE_AMOUNT;
use epsilon_proto::generated::regular_amount_change::REGULAR_AMOUNT_CHANGE;
use epsilon_proto::generated::regular_cancel::REGULAR_CANCEL;
use epsilon_proto::generated::ship_request::SHIP_REQUEST;
use epsilon_proto::generated::stop_monthly_billing::STOP_MONTHLY_BILLING;
use epsilon_proto::generated::user_info::USER_INFO;
use epsilon_proto::generated::user_restore::USER_RESTORE;
use epsilon_proto::generated::user_withdraw::USER_WITHDRAW;
use epsilon_proto::generated::virtual_account::VIRTUAL_ACCOUNT;
use epsilon_proto::generated::void::VOID;
use epsilon_proto::generated::{
    Capture, ChangeAmount, RegularAmountChange, RegularCancel, ShipRequest, StopMonthlyBilling, UserInfo, UserRestore,
    UserWithdraw, VirtualAccount, Void,
};
use epsilon_proto::{Charset, Options};
use japay_core::spec::OperationSpec;

use super::{CP932, SPECS, decode_body, encoded, request, rules, valid};

#[test]
fn valid_requests_encode_to_the_expected_bodies() {
    let cases: [(&OperationSpec, &str); 11] = [
        (&CAPTURE, "contract_code=12345678&order_number=O14289569"),
        (&VOID, "contract_code=12345678&order_number=O14289569"),
        (
            &CHANGE_AMOUNT,
            "contract_code=12345678&mission_code=2&user_id=U1434444378&item_code=ITEM001&new_item_price=5000",
        ),
        (&USER_INFO, "contract_code=12345678&user_id=U1416470209"),
        (
            &VIRTUAL_ACCOUNT,
            "contract_code=12345678&user_id=U1531362414&user_name=%8ER%93c+%91%BE%98Y&user_name_kana=%D4%CF%C0%DE+%C0%DB-\
             &user_mail_add=yamada-taro%40example.com&item_code=ITEM001&item_name=%83e%83X%83g%8F%A4%95i\
             &order_number=O54813896&st_code=00000-0000-00000-00000-00100-00000-00000&mission_code=1&item_price=10000\
             &process_code=1&user_agent=Mozilla%2F5.0+%28X11%3B+Linux%29",
        ),
        (&SHIP_REQUEST, "contract_code=12345678&order_number=O1&delivery_com_code=12&ship_no=1234-5678-9012"),
        (&USER_RESTORE, "contract_code=12345678&user_id=U1416470209&xml=1&process_code=7"),
        (&STOP_MONTHLY_BILLING, "contract_code=12345678&user_id=U1413355547&item_code=ITEM001&xml=1&process_code=8"),
        (&USER_WITHDRAW, "contract_code=12345678&user_id=U1416470209&xml=1&process_code=9"),
        (&REGULAR_CANCEL, "contract_code=12345678&user_id=U1413355547&item_code=SUB001"),
        (&REGULAR_AMOUNT_CHANGE, "contract_code=12345678&user_id=U1413355547&item_code=SUB001&item_price=1980"),
    ];
    for (spec, expected) in cases {
        assert_eq!(encoded(&request(spec, &[]), CP932), expected, "{}", spec.name);
    }
}

/// The typed structs encode exactly like the dynamic requests (the fixed parameters have no struct field and are sent).
#[test]
fn typed_requests_send_their_fixed_parameters() {
    let mut out = Vec::new();
    let typed: [(&OperationSpec, Result<usize, epsilon_proto::Report>); 11] = [
        (&CAPTURE, Capture { contract_code: "12345678", order_number: "O14289569" }.encode(CP932, &mut Vec::new())),
        (&VOID, Void { contract_code: "12345678", order_number: "O14289569" }.encode(CP932, &mut Vec::new())),
        (
            &CHANGE_AMOUNT,
            ChangeAmount {
                contract_code: "12345678",
                mission_code: "2",
                user_id: "U1434444378",
                item_code: "ITEM001",
                new_item_price: "5000",
                order_number: None,
            }
            .encode(CP932, &mut Vec::new()),
        ),
        (&USER_INFO, UserInfo { contract_code: "12345678", user_id: "U1416470209" }.encode(CP932, &mut Vec::new())),
        (
            &VIRTUAL_ACCOUNT,
            VirtualAccount {
                contract_code: "12345678",
                user_id: "U1531362414",
                user_name: "山田 太郎",
                user_name_kana: Some("ﾔﾏﾀﾞ ﾀﾛ-"),
                user_mail_add: "yamada-taro@example.com",
                item_code: "ITEM001",
                item_name: "テスト商品",
                order_number: "O54813896",
                st_code: "00000-0000-00000-00000-00100-00000-00000",
                item_price: "10000",
                user_agent: Some("Mozilla/5.0 (X11; Linux)"),
                memo1: None,
                memo2: None,
            }
            .encode(CP932, &mut Vec::new()),
        ),
        (
            &SHIP_REQUEST,
            ShipRequest {
                contract_code: "12345678",
                order_number: "O1",
                delivery_com_code: "12",
                ship_no: "1234-5678-9012",
            }
            .encode(CP932, &mut Vec::new()),
        ),
        (
            &USER_RESTORE,
            UserRestore { contract_code: "12345678", user_id: "U1416470209" }.encode(CP932, &mut Vec::new()),
        ),
        (
            &STOP_MONTHLY_BILLING,
            StopMonthlyBilling { contract_code: "12345678", user_id: "U1413355547", item_code: "ITEM001" }
                .encode(CP932, &mut Vec::new()),
        ),
        (
            &USER_WITHDRAW,
            UserWithdraw { contract_code: "12345678", user_id: "U1416470209" }.encode(CP932, &mut Vec::new()),
        ),
        (
            &REGULAR_CANCEL,
            RegularCancel { contract_code: "12345678", user_id: "U1413355547", item_code: "SUB001" }
                .encode(CP932, &mut Vec::new()),
        ),
        (
            &REGULAR_AMOUNT_CHANGE,
            RegularAmountChange {
                contract_code: "12345678",
                user_id: "U1413355547",
                item_code: "SUB001",
                item_price: "1980",
            }
            .encode(CP932, &mut Vec::new()),
        ),
    ];
    for (spec, result) in typed {
        let n = result.unwrap_or_else(|r| panic!("{}: {r:?}", spec.name));
        assert_eq!(n, encoded(&request(spec, &[]), CP932).len(), "{}", spec.name);
    }
    // the same bytes, not only the same length
    let typed = UserWithdraw { contract_code: "12345678", user_id: "U1416470209" };
    typed.encode(CP932, &mut out).unwrap();
    assert_eq!(out, b"contract_code=12345678&user_id=U1416470209&xml=1&process_code=9");
}

/// Each operation's rules, one broken at a time: `(operation, what changes, the violations expected)`.
#[test]
fn each_broken_rule_is_reported() {
    type Row<'a> = (&'static OperationSpec, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let long_item = "I".repeat(65);
    let long_name = "山".repeat(33);
    let rows: &[Row<'_>] = &[
        (&CAPTURE, &[], &[]),
        (&CAPTURE, &[("order_number", "")], &["order_number:required"]),
        (&CAPTURE, &[("contract_code", "1234567")], &["contract_code:exact_bytes"]),
        (&CAPTURE, &[("contract_code", "1234567X")], &["contract_code:pattern"]),
        (&CAPTURE, &[("order_number", "O-1")], &["order_number:pattern"]),
        (&CAPTURE, &[("order_number", "O23456789012345678901234567890123")], &["order_number:max_bytes"]),
        (&CAPTURE, &[("kari_flag", "1")], &["kari_flag:unknown"]),
        (&VOID, &[("contract_code", ""), ("order_number", "")], &["contract_code:required", "order_number:required"]),
        (&VOID, &[("order_number", "invalid_order_number")], &["order_number:pattern"]),
        (&CHANGE_AMOUNT, &[("mission_code", "1"), ("order_number", "O18782208")], &[]),
        (&CHANGE_AMOUNT, &[("mission_code", "21")], &[]),
        (&CHANGE_AMOUNT, &[("mission_code", "11")], &["mission_code:value"]),
        (&CHANGE_AMOUNT, &[("mission_code", "")], &["mission_code:required"]),
        (&CHANGE_AMOUNT, &[("new_item_price", "5,000")], &["new_item_price:pattern"]),
        (&CHANGE_AMOUNT, &[("new_item_price", "")], &["new_item_price:required"]),
        (&CHANGE_AMOUNT, &[("item_code", "invalid code")], &["item_code:pattern"]),
        (&CHANGE_AMOUNT, &[("item_code", long_item.as_str())], &["item_code:max_bytes"]),
        (&CHANGE_AMOUNT, &[("user_id", "")], &["user_id:required"]),
        (&USER_INFO, &[("user_id", "")], &["user_id:required"]),
        (&USER_INFO, &[("user_id", "U 1")], &["user_id:pattern"]),
        (&VIRTUAL_ACCOUNT, &[("user_name_kana", ""), ("user_agent", "")], &[]),
        (&VIRTUAL_ACCOUNT, &[("user_name_kana", "ヤマダ タロウ")], &["user_name_kana:pattern"]),
        (&VIRTUAL_ACCOUNT, &[("user_name_kana", "yamada")], &["user_name_kana:pattern"]),
        // st_code: position M (bank transfer) set, and no other (bits_required / bits_allowed)
        (&VIRTUAL_ACCOUNT, &[("st_code", "00000-0000-00000-00000-00100-00000-00000")], &[]),
        (&VIRTUAL_ACCOUNT, &[("st_code", "")], &["st_code:required"]),
        (&VIRTUAL_ACCOUNT, &[("st_code", "00000-0000-00000-00000-00000-00000-00000")], &["st_code:bits"]),
        (&VIRTUAL_ACCOUNT, &[("st_code", "10000-0000-00000-00000-00000-00000-00000")], &["st_code:bits"]),
        (&VIRTUAL_ACCOUNT, &[("st_code", "10000-0000-00000")], &["st_code:bits"]), // the legacy form has no M
        (&VIRTUAL_ACCOUNT, &[("st_code", "00000-0000-00000-00000-00101-00000-00000")], &["st_code:bits"]),
        (&VIRTUAL_ACCOUNT, &[("st_code", "10000-0000-00000-00000-00100-00000-00000")], &["st_code:bits"]),
        (&VIRTUAL_ACCOUNT, &[("st_code", "00000-0000-00000-00000-00200-00000-00000")], &["st_code:pattern"]),
        (&VIRTUAL_ACCOUNT, &[("mission_code", "2")], &["mission_code:value"]),
        (&VIRTUAL_ACCOUNT, &[("process_code", "2")], &["process_code:value"]),
        (&VIRTUAL_ACCOUNT, &[("user_name", long_name.as_str())], &["user_name:max_bytes"]),
        (&VIRTUAL_ACCOUNT, &[("item_name", "😀")], &["item_name:charset"]),
        (&VIRTUAL_ACCOUNT, &[("user_mail_add", "")], &["user_mail_add:required"]),
        (&VIRTUAL_ACCOUNT, &[("item_price", "")], &["item_price:required"]),
        (&SHIP_REQUEST, &[("delivery_com_code", "13")], &["delivery_com_code:value"]),
        (&SHIP_REQUEST, &[("delivery_com_code", "")], &["delivery_com_code:required"]),
        (&SHIP_REQUEST, &[("ship_no", "")], &["ship_no:required"]),
        (&SHIP_REQUEST, &[("ship_no", "伝票\u{1}")], &["ship_no:pattern"]),
        (&USER_RESTORE, &[("process_code", "7"), ("xml", "1")], &[]),
        (&USER_RESTORE, &[("process_code", "9")], &["process_code:value"]),
        (&USER_RESTORE, &[("xml", "0")], &["xml:value"]),
        (&STOP_MONTHLY_BILLING, &[("item_code", "")], &["item_code:required"]),
        (&STOP_MONTHLY_BILLING, &[("item_code", "ITEM001wrong")], &[]),
        (&STOP_MONTHLY_BILLING, &[("process_code", "9")], &["process_code:value"]),
        (&USER_WITHDRAW, &[("process_code", "8")], &["process_code:value"]),
        (&USER_WITHDRAW, &[("user_id", "")], &["user_id:required"]),
        // the 定期課金 calls: user_id + item_code (+ item_price), nothing else
        (&REGULAR_CANCEL, &[("user_id", "")], &["user_id:required"]),
        (&REGULAR_CANCEL, &[("item_code", "")], &["item_code:required"]),
        (&REGULAR_CANCEL, &[("item_code", "SUB 001")], &["item_code:pattern"]),
        (&REGULAR_CANCEL, &[("item_code", long_item.as_str())], &["item_code:max_bytes"]),
        (&REGULAR_CANCEL, &[("contract_code", "1234567")], &["contract_code:exact_bytes"]),
        (&REGULAR_CANCEL, &[("process_code", "8")], &["process_code:unknown"]),
        (&REGULAR_CANCEL, &[("mission_code", "21")], &["mission_code:unknown"]),
        (&REGULAR_AMOUNT_CHANGE, &[("item_price", "")], &["item_price:required"]),
        (&REGULAR_AMOUNT_CHANGE, &[("item_price", "1,980")], &["item_price:pattern"]),
        (&REGULAR_AMOUNT_CHANGE, &[("new_item_price", "1980")], &["new_item_price:unknown"]),
        (&REGULAR_AMOUNT_CHANGE, &[("item_code", "")], &["item_code:required"]),
        (&REGULAR_AMOUNT_CHANGE, &[("user_id", "U 1")], &["user_id:pattern"]),
    ];
    for (spec, changes, expected) in rows {
        assert_eq!(rules(&request(spec, changes), CP932), *expected, "{} {changes:?}", spec.name);
    }
}

/// A fixed process_code is sent whether the caller leaves it out or gives the same value, and never any other value.
#[test]
fn fixed_process_codes_are_always_sent() {
    for (spec, code) in
        [(&USER_RESTORE, "7"), (&STOP_MONTHLY_BILLING, "8"), (&USER_WITHDRAW, "9"), (&VIRTUAL_ACCOUNT, "1")]
    {
        let left_out = encoded(&request(spec, &[]), CP932);
        let given = encoded(&request(spec, &[("process_code", code)]), CP932);
        assert_eq!(left_out, given, "{}", spec.name);
        let sent: Vec<_> = decode_body(&left_out, Charset::Cp932)
            .into_iter()
            .filter(|(name, _)| name == "process_code")
            .map(|(_, value)| value)
            .collect();
        assert_eq!(sent, [code], "{}", spec.name);
    }
}

/// Every valid request, in every charset, decodes back to its values (the fixed ones and the UTF-8 markers added).
#[test]
fn bodies_decode_back_to_the_values() {
    for spec in SPECS {
        for charset in Charset::ALL.into_iter().filter(|&c| spec.takes(c)) {
            let options = Options::new(charset);
            let body = encoded(&request(spec, &[]), options);
            let decoded = decode_body(&body, charset);
            let mut expected: Vec<(String, String)> = Vec::new();
            for field in spec.fields {
                let given = valid(spec).iter().find(|(n, _)| *n == field.wire).map(|(_, v)| *v);
                if let Some(value) = field.fixed.or(given) {
                    expected.push((field.wire.to_owned(), value.to_owned()));
                }
            }
            if charset == Charset::Utf8 {
                expected.extend(spec.utf8_params.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
            }
            assert_eq!(decoded, expected, "{} sent as {charset:?}", spec.name);
        }
    }
}

/// The retry policy the client reads from the spec: the 定期課金 calls change state (never sent twice) and have no
/// lookup (no read call reports a subscription); the multi-currency charge creates an order, looked up by order_number.
#[test]
fn new_operations_have_their_effect_and_lookup() {
    use epsilon_proto::generated::card_multi_currency::CARD_MULTI_CURRENCY;
    use japay_core::spec::Effect;
    type Row = (&'static OperationSpec, &'static str, Effect, Option<(&'static str, &'static str)>);
    let rows: [Row; 4] = [
        (&REGULAR_CANCEL, "regularly_cancel.cgi", Effect::Changes, None),
        (&REGULAR_AMOUNT_CHANGE, "regularly_amount_change.cgi", Effect::Changes, None),
        (&STOP_MONTHLY_BILLING, "receive_order3.cgi", Effect::Changes, None),
        (&CARD_MULTI_CURRENCY, "direct_card_multi.cgi", Effect::Creates, Some(("order_info", "order_number"))),
    ];
    for (spec, path, effect, lookup) in rows {
        assert_eq!(spec.path, path, "{}", spec.name);
        assert_eq!(spec.effect, effect, "{}", spec.name);
        assert_eq!(spec.lookup.map(|l| (l.operation, l.key)), lookup, "{}", spec.name);
        assert!(spec.uncertain.is_some() || spec.name == "stop_monthly_billing", "{}: uncertain as a whole", spec.name);
    }
}
