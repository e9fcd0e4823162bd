//! The two notifications Yamato's server posts (facts §6.1, §6.2): bodies decoded strictly as UTF-8 and checked
//! against their spec; a notification for another merchant refused by the trader check.

use kuroneko_proto::incoming::{FormError, IncomingError, check_trader};
use kuroneko_proto::{PaypayNotification, SettlementNotification};

use super::rules;

const TRADER: &str = "888888888";
const PAID: &str = "trader_code=888888888&order_no=ORDER-0001&settle_price=1500&settle_date=20260401120000\
                    &settle_result=1&settle_detail=2&settle_method=21";

/// What a body came to: Ok, a decode error's kind, the spec's (field, rule) pairs, or another trader.
#[derive(Debug, PartialEq)]
enum Got {
    Ok,
    Parse(&'static str),
    Invalid(Vec<(String, &'static str)>),
    OtherTrader,
}

fn got(result: Result<(), IncomingError>) -> Got {
    match result {
        Ok(()) => Got::Ok,
        Err(IncomingError::Parse(FormError::Query(_))) => Got::Parse("query"),
        Err(IncomingError::Parse(FormError::Value { .. })) => Got::Parse("value"),
        Err(IncomingError::Parse(FormError::ConflictingValues { .. })) => Got::Parse("conflict"),
        Err(IncomingError::Invalid(report)) => Got::Invalid(rules(&report)),
        Err(IncomingError::OtherTrader) => Got::OtherTrader,
        Err(e) => panic!("unexpected {e:?}"),
    }
}

fn settlement(body: &[u8]) -> Got {
    got(SettlementNotification::parse(body).and_then(|n| check_trader(n.form(), TRADER)))
}

fn paypay(body: &[u8]) -> Got {
    got(PaypayNotification::parse(body).and_then(|n| check_trader(n.form(), TRADER)))
}

fn invalid(pairs: &[(&str, &'static str)]) -> Got {
    Got::Invalid(pairs.iter().map(|(f, r)| ((*f).to_owned(), *r)).collect())
}

#[test]
fn settlement_notifications_decode_or_are_refused() {
    let with = |from: &str, to: &str| PAID.replace(from, to).into_bytes();
    #[rustfmt::skip]
    let table: Vec<(&str, Vec<u8>, Got)> = vec![
        ("paid, prompt report", PAID.as_bytes().to_vec(), Got::Ok),
        ("paid, final report, with function_div (EC4) and an unknown parameter kept", format!("{PAID}&function_div=B03&extra=x").into_bytes(), Got::Ok),
        ("abnormal: buyer-side error", with("settle_result=1&settle_detail=2", "settle_result=2&settle_detail=11"), Got::Ok),
        ("another merchant", with("trader_code=888888888", "trader_code=999999999"), Got::OtherTrader),
        ("a field repeated with another value", format!("{PAID}&settle_result=2").into_bytes(), Got::Parse("conflict")),
        ("a field repeated with the same value", format!("{PAID}&settle_result=%31").into_bytes(), Got::Ok),
        ("an unknown field repeated with another value", format!("{PAID}&x=1&x=2").into_bytes(), Got::Parse("conflict")),
        ("a Shift_JIS byte in a value", format!("{PAID}&memo=%82%A0").into_bytes(), Got::Parse("value")),
        ("a raw non-ASCII byte", [PAID.as_bytes(), b"&memo=\xFF"].concat(), Got::Parse("query")),
        ("malformed percent-encoding", with("order_no=ORDER-0001", "order_no=ORDER%2"), Got::Parse("value")),
        ("status 41 is a client's own marker, not Yamato's", with("settle_detail=2", "settle_detail=41"), invalid(&[("settle_detail", "value")])),
        ("status 50 is a client's own marker, not Yamato's", with("settle_detail=2", "settle_detail=50"), invalid(&[("settle_detail", "value")])),
        ("an unknown settle_method and result", with("settle_result=1&settle_detail=2&settle_method=21", "settle_result=3&settle_detail=2&settle_method=27"), invalid(&[("settle_result", "value"), ("settle_method", "value")])),
        ("not a date", with("20260401120000", "20260431120000"), invalid(&[("settle_date", "pattern")])),
        ("an amount of 8 digits", with("settle_price=1500", "settle_price=10000000"), invalid(&[("settle_price", "max_bytes")])),
        ("missing fields", b"trader_code=888888888&order_no=ORDER-0001".to_vec(), invalid(&[("settle_price", "required"), ("settle_date", "required"), ("settle_result", "required"), ("settle_detail", "required"), ("settle_method", "required")])),
        ("an empty body", Vec::new(), invalid(&[("trader_code", "required"), ("order_no", "required"), ("settle_price", "required"), ("settle_date", "required"), ("settle_result", "required"), ("settle_detail", "required"), ("settle_method", "required")])),
    ];
    for (what, body, expected) in &table {
        assert_eq!(&settlement(body), expected, "{what}");
    }
}

#[test]
fn paypay_notifications_decode_or_are_refused() {
    let base = "trader_code=888888888&order_no=ORDER-0001&settle_price=1500&settle_date=20260401120000\
                &settle_result=1&settle_detail=4&settle_method=91&res_payinfo_key=PP0123456789";
    let with = |from: &str, to: &str| base.replace(from, to).into_bytes();
    #[rustfmt::skip]
    let table: Vec<(&str, Vec<u8>, Got)> = vec![
        ("authorized", base.as_bytes().to_vec(), Got::Ok),
        ("another merchant", with("trader_code=888888888", "trader_code=888888889"), Got::OtherTrader),
        ("not paypay", with("settle_method=91", "settle_method=21"), invalid(&[("settle_method", "value")])),
        ("no payment key", with("&res_payinfo_key=PP0123456789", ""), invalid(&[("res_payinfo_key", "required")])),
        ("a key repeated with another value", format!("{base}&res_payinfo_key=PP9").into_bytes(), Got::Parse("conflict")),
        ("status 41", with("settle_detail=4", "settle_detail=41"), invalid(&[("settle_detail", "value")])),
        ("a non-UTF-8 byte", with("ORDER-0001", "ORDER%C3"), Got::Parse("value")),
    ];
    for (what, body, expected) in &table {
        assert_eq!(&paypay(body), expected, "{what}");
    }
}

#[test]
fn the_views_read_typed_values() {
    let n = SettlementNotification::parse(PAID.as_bytes()).unwrap();
    assert_eq!(n.order_no(), Some("ORDER-0001"));
    assert_eq!(n.settle_detail().and_then(|c| c.entry).map(|e| e.en), Some("paid (prompt report)"));
    assert_eq!(n.settle_method().and_then(|c| c.entry).map(|e| e.en), Some("Seven-Eleven"));
    assert_eq!(n.function_div(), None);
    let body = format!("{PAID}&buyer_name_kanji=%E5%B1%B1%E7%94%B0");
    let n = SettlementNotification::parse(body.as_bytes()).unwrap();
    assert_eq!(n.form().get("buyer_name_kanji"), Some("山田"), "unknown parameters are kept, decoded as UTF-8");
}
