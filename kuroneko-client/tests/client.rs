//! The client against a canned HTTP server standing in for Yamato's gateway (module `fake`): no retry of an
//! order-creating call and its reconciliation with E04, Z012000004 in progress, reads retried with backoff, the
//! access key kept out of `Debug`, notifications confirmed with E04, the connection check (module `check`), and end
//! to end against the sandbox (module `e2e`).

mod check;
mod e2e;
mod fake;

use std::time::Duration;

use fake::{ACCESS_KEY, Fake, Reply, answer, answer_with_rows, error};
use kuroneko_client::{Client, ClientError, ConfirmError, Error, Notified, Reconciled, SendErrorKind};
use kuroneko_proto::{
    Credit, CreditInfoGet, CreditToken, CreditTokenOutcome, CvsSevenEleven, SettlementNotification, TradeInfo,
};

pub(crate) fn credit_token() -> CreditToken<'static> {
    CreditToken {
        trader_code: "888888888",
        device_div: "2",
        order_no: "ORDER-0001",
        settle_price: "1500",
        buyer_name_kanji: "山田 太郎",
        buyer_tel: "03-1234-5678",
        buyer_email: "taro@example.jp",
        pay_way: "1",
        token: "0123456789abcdef",
        ..Default::default()
    }
}

fn authorized() -> Reply {
    Reply::Xml(answer(&[
        ("returnCode", "0"),
        ("errorCode", ""),
        ("returnDate", "20260401120000"),
        ("crdCResCd", "123456"),
    ]))
}

/// E04's answer with one row for ORDER-0001 in status `status`.
fn found(status: &str) -> Reply {
    let row: &[(&str, &str)] = &[
        ("orderNo", "ORDER-0001"),
        ("settlePrice", "1500"),
        ("settleMethod", "1"),
        ("statusInfo", status),
        ("crdCResCd", "123456"),
    ];
    Reply::Xml(answer_with_rows(&[("returnCode", "0"), ("errorCode", ""), ("resultCount", "1")], &[row]))
}

/// E04's answer with `resultCount` `count` and these rows, whether they agree or not.
fn counted(count: &str, rows: &[&[(&str, &str)]]) -> Reply {
    Reply::Xml(answer_with_rows(&[("returnCode", "0"), ("errorCode", ""), ("resultCount", count)], rows))
}

fn not_found() -> Reply {
    Reply::Xml(answer(&[("returnCode", "0"), ("errorCode", ""), ("resultCount", "0")]))
}

/// What a reconciled failure looks like in a table row.
#[derive(Debug, PartialEq)]
enum Lookup {
    Found(String, Option<String>),
    NotFound,
    Unknown,
}

#[tokio::test]
async fn a08_is_never_retried_after_a_lost_answer_and_is_reconciled_with_e04() {
    #[rustfmt::skip]
    let cases: Vec<(&str, Reply, Reply, SendErrorKind, Lookup)> = vec![
        ("timeout, authorised", Reply::Hang, found("4"), SendErrorKind::Timeout, Lookup::Found("4".into(), Some("123456".into()))),
        ("timeout, no such order", Reply::Hang, not_found(), SendErrorKind::Timeout, Lookup::NotFound),
        ("timeout, e04 answers an error code", Reply::Hang, error("E041010301"), SendErrorKind::Timeout, Lookup::Unknown),
        // an answer whose resultCount and rows disagree, or a row without a status, says neither: never "not found"
        ("timeout, e04 counts a row it does not send", Reply::Hang, counted("1", &[]), SendErrorKind::Timeout, Lookup::Unknown),
        ("timeout, e04 without resultCount", Reply::Hang, Reply::Xml(answer(&[("returnCode", "0"), ("errorCode", "")])), SendErrorKind::Timeout, Lookup::Unknown),
        ("timeout, e04 sends a row it does not count", Reply::Hang, counted("0", &[&[("orderNo", "ORDER-0001"), ("statusInfo", "4")]]), SendErrorKind::Timeout, Lookup::Unknown),
        ("timeout, e04's row has no status", Reply::Hang, counted("1", &[&[("orderNo", "ORDER-0001"), ("statusInfo", "")]]), SendErrorKind::Timeout, Lookup::Unknown),
        // a row about another order (or about none) is not this order's state
        ("timeout, e04's row is another order", Reply::Hang, counted("1", &[&[("orderNo", "ORDER-0002"), ("statusInfo", "4")]]), SendErrorKind::Timeout, Lookup::Unknown),
        ("timeout, e04's row names no order", Reply::Hang, counted("1", &[&[("statusInfo", "4")]]), SendErrorKind::Timeout, Lookup::Unknown),
    ];
    for (what, order, lookup, kind, expected) in cases {
        let fake = Fake::start(move |endpoint, _| if endpoint == "tradeInfo" { lookup.clone() } else { order.clone() });
        let error = fake.client(Duration::from_millis(300)).call(&credit_token()).await.unwrap_err();
        let Error::Client(ClientError::Unconfirmed { operation, lookup, value, cause, reconciled }) = &error else {
            panic!("{what}: {error}");
        };
        assert_eq!(
            (*operation, lookup.operation, lookup.key, value.as_str()),
            ("credit_token", "trade_info", "order_no", "ORDER-0001"),
            "{what}"
        );
        let ClientError::Send { error: send, attempts: 1, .. } = cause.as_ref() else { panic!("{what}: {cause}") };
        assert_eq!(send.kind(), kind, "{what}");
        let got = match reconciled {
            Reconciled::Found { state, transaction, .. } => {
                Lookup::Found(state.clone(), transaction.as_ref().map(|id| id.value.clone()))
            }
            Reconciled::NotFound => Lookup::NotFound,
            Reconciled::Unknown { .. } => Lookup::Unknown,
            other => panic!("{what}: {other}"),
        };
        assert_eq!(got, expected, "{what}");
        assert_eq!(fake.endpoints(), ["creditToken", "tradeInfo"], "{what}: one A08, never retried, then one E04");
        assert_eq!(fake.body(1), "function_div=E04&trader_code=888888888&order_no=ORDER-0001", "{what}");
    }
}

#[tokio::test]
async fn z012000004_is_in_progress_never_a_failure_and_never_sent_again() {
    let fake = Fake::start(|_, _| error("Z012000004"));
    let client = fake.client(Duration::from_secs(5));
    let error = client.call(&credit_token()).await.unwrap_err();
    let Error::InProgress(in_progress) = &error else { panic!("{error}") };
    assert!(error.is_in_progress());
    assert_eq!(
        (in_progress.operation, in_progress.code, in_progress.key, in_progress.value.as_deref()),
        ("credit_token", "Z012000004", Some("order_no"), Some("ORDER-0001"))
    );
    assert_eq!(in_progress.lookup.map(|l| l.operation), Some("trade_info"));
    let text = error.to_string();
    assert!(text.contains("in progress") && text.contains("look it up later with trade_info"), "{text}");
    assert!(text.contains("not a failure") && !text.contains("failed"), "{text}");

    // a read answered Z012000004 is in progress too, and not retried with the same order_no
    let error = client.call(&TradeInfo { trader_code: "888888888", order_no: "ORDER-0001" }).await.unwrap_err();
    assert!(error.is_in_progress(), "{error}");
    assert_eq!(fake.endpoints(), ["creditToken", "tradeInfo"], "each sent once");
}

/// The reply to the `n`th request.
type Route = fn(usize) -> Reply;

#[tokio::test]
async fn e04_is_retried_with_backoff_and_a08_never_is() {
    #[rustfmt::skip]
    let reads: Vec<(&str, Route, usize, Option<&str>)> = vec![
        ("two 503s, then the answer", |n| if n < 2 { Reply::Status(503) } else { found("4") }, 3, Some("4")),
        ("a 502, then the answer", |n| if n < 1 { Reply::Status(502) } else { found("4") }, 2, Some("4")),
        ("Z012000005 (load), then the answer", |n| if n < 1 { error("Z012000005") } else { found("4") }, 2, Some("4")),
        ("Z012000006 (load), then the answer", |n| if n < 1 { error("Z012000006") } else { found("4") }, 2, Some("4")),
        ("always 503", |_| Reply::Status(503), 3, None),
        ("a 404 is not retried", |_| Reply::Status(404), 1, None),
    ];
    for (what, route, requests, status) in reads {
        let fake = Fake::start(move |_, n| route(n));
        let result = fake.client(Duration::from_secs(5)).trade_info("ORDER-0001").await;
        assert_eq!(fake.endpoints().len(), requests, "{what}");
        match (result, status) {
            (Ok(exchange), Some(status)) => {
                let rows: Vec<_> =
                    exchange.view().result_data().map(|row| row.status_info().unwrap().value().to_owned()).collect();
                assert_eq!(rows, [status], "{what}");
            }
            (Err(Error::Client(ClientError::Transport { .. })), None) => {}
            (other, _) => panic!("{what}: {other:?}"),
        }
    }

    // A08: a 503 is reconciled, never retried; a load error is its answer, returned as it came
    let fake = Fake::start(|endpoint, _| if endpoint == "tradeInfo" { not_found() } else { Reply::Status(503) });
    let lost = fake.client(Duration::from_secs(5)).call(&credit_token()).await.unwrap_err();
    assert!(matches!(lost, Error::Client(ClientError::Unconfirmed { reconciled: Reconciled::NotFound, .. })), "{lost}");
    assert_eq!(fake.endpoints(), ["creditToken", "tradeInfo"]);
    // Z012000005 (the API timed out): whether A08 took effect is unknown, so it is "look it up", never a failure
    let fake = Fake::start(|_, _| error("Z012000005"));
    let unknown = fake.client(Duration::from_secs(5)).call(&credit_token()).await.unwrap_err();
    assert!(unknown.is_in_progress(), "{unknown}");
    assert_eq!(fake.endpoints(), ["creditToken"], "a timeout on A08 is never sent again");
    // Z012000006 (too many transactions): refused, the answer as it came, never sent again
    let fake = Fake::start(|_, _| error("Z012000006"));
    let exchange = fake.client(Duration::from_secs(5)).call(&credit_token()).await.unwrap();
    let view = exchange.view();
    let Ok(CreditTokenOutcome::Failure { code, .. }) = view.outcome() else { panic!("{exchange:?}") };
    assert_eq!((code.value(), exchange.attempts()), ("Z012000006", 1));
    assert_eq!(fake.endpoints(), ["creditToken"], "a load error on A08 is never sent again");
}

#[tokio::test]
async fn an_answer_is_read_once_and_typed() {
    let fake = Fake::start(|_, _| authorized());
    let exchange = fake.client(Duration::from_secs(5)).call(&credit_token()).await.unwrap();
    assert_eq!(exchange.view().outcome(), Ok(CreditTokenOutcome::Authorized));
    assert_eq!((exchange.outcome_name(), exchange.answer().get("crdCResCd")), ("authorized", Some("123456")));
    assert!(fake.body(0).starts_with("function_div=A08&trader_code=888888888&"), "{}", fake.body(0));
}

#[test]
fn the_access_key_is_never_in_debug() {
    let builder = Client::builder().base_url("http://127.0.0.1:1/").trader_code("888888888").access_key(ACCESS_KEY);
    assert!(!format!("{builder:?}").contains(ACCESS_KEY), "{builder:?}");
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(ACCESS_KEY) && debug.contains("<redacted>"), "{debug}");
    assert!(client.has_access_key() && client.is_local_sandbox());
    let without = Client::builder().build().unwrap();
    assert!(!without.has_access_key() && !without.is_local_sandbox());
    assert!(format!("{without:?}").contains("access_key: None"));
}

#[tokio::test]
async fn a_notification_is_trusted_only_when_e04_confirms_it() {
    let notified =
        Notified { trader_code: "888888888", order_no: "ORDER-0001", settle_price: "1500", settle_detail: "2" };
    #[rustfmt::skip]
    let cases: Vec<(&str, Notified<'static>, Reply, Result<&str, &str>)> = vec![
        ("the same status", notified, found("2"), Ok("2")),
        ("the final report after the prompt one", notified, found("3"), Ok("3")),
        ("another amount", Notified { settle_price: "15000", ..notified }, found("2"), Err("settle_price")),
        ("another status", notified, found("11"), Err("settle_detail")),
        ("the final report is not confirmed by a prompt one", Notified { settle_detail: "3", ..notified }, found("2"), Err("settle_detail")),
        ("no such order", notified, not_found(), Err("not found")),
        ("e04 refuses", notified, error("Z012000009"), Err("refused")),
        ("another merchant", Notified { trader_code: "999999999", ..notified }, found("2"), Err("other trader")),
        ("e04 counts two rows and sends one", notified, counted("2", &[&[("orderNo", "ORDER-0001"), ("settlePrice", "1500"), ("statusInfo", "2")]]), Err("inconsistent")),
        ("e04 counts a row it does not send", notified, counted("1", &[]), Err("inconsistent")),
    ];
    for (what, notified, reply, expected) in cases {
        let fake = Fake::start(move |_, _| reply.clone());
        let result = fake.client(Duration::from_secs(5)).confirm_settlement(&notified).await;
        let got = match &result {
            Ok(confirmed) => Ok(confirmed.status.as_str()),
            Err(ConfirmError::Mismatch { field, .. }) => Err(*field),
            Err(ConfirmError::NotFound) => Err("not found"),
            Err(ConfirmError::Refused { .. }) => Err("refused"),
            Err(ConfirmError::OtherTrader { .. }) => Err("other trader"),
            Err(ConfirmError::Inconsistent { .. }) => Err("inconsistent"),
            Err(other) => panic!("{what}: {other}"),
        };
        assert_eq!(got, expected, "{what}");
        let asked = if expected == Err("other trader") { 0 } else { 1 };
        assert_eq!(fake.endpoints().len(), asked, "{what}");
        if let Ok(confirmed) = result {
            assert_eq!((confirmed.order_no.as_str(), confirmed.settle_price.as_str()), ("ORDER-0001", "1500"));
            assert!(confirmed.status_label.is_some(), "{what}");
        }
    }
    let no_code = Client::builder().build().unwrap().confirm_settlement(&notified).await;
    assert!(matches!(no_code, Err(ConfirmError::NoTraderCode)), "{no_code:?}");
}

/// The lowercase hex SHA-256 of `M0001` ‖ `AUTH1234` ‖ the fake's access key (computed outside the crate).
const CHECK_SUM: &str = "fddaa16e7025418f7a068e142bbb04ca4c5defeeb7beab1f0b4c3ba8143dd2d0";

#[tokio::test]
async fn a03_sends_the_check_sum_of_the_access_key_given_once_and_is_retried_as_a_read() {
    let card = Reply::Xml(answer(&[("returnCode", "0"), ("errorCode", ""), ("cardUnit", "0")]));
    let fake = Fake::start(move |_, n| if n < 1 { Reply::Status(503) } else { card.clone() });
    let request =
        CreditInfoGet { trader_code: "888888888", member_id: "M0001", authentication_key: "AUTH1234", reserve_1: None };
    let exchange = fake.client(Duration::from_secs(5)).call(&request).await.unwrap();
    assert_eq!((exchange.attempts(), fake.endpoints()), (2, vec!["creditInfoGet".to_owned(); 2]));
    let body = fake.body(1);
    assert!(body.contains(&format!("check_sum={CHECK_SUM}")), "{body}");
    assert!(!body.contains(ACCESS_KEY), "the access key itself is never sent: {body}");

    // without the access key: a `required` violation on access_key, nothing sent
    let fake = Fake::start(|_, _| Reply::Hang);
    let client = Client::builder().base_url(fake.base.clone()).build().unwrap();
    let error = client.call(&request).await.unwrap_err();
    let Error::Client(ClientError::Invalid { report, .. }) = &error else { panic!("{error}") };
    assert!(report.violations().iter().any(|v| v.field == "access_key"), "{report}");
    assert!(fake.endpoints().is_empty());
}

#[tokio::test]
async fn a01_is_never_retried_and_is_reconciled_with_e04() {
    let fake = Fake::start(|endpoint, _| if endpoint == "tradeInfo" { found("4") } else { Reply::Hang });
    let request = Credit {
        trader_code: "888888888",
        device_div: "2",
        order_no: "ORDER-0001",
        settle_price: "1500",
        buyer_name_kanji: "山田 太郎",
        buyer_tel: "03-1234-5678",
        buyer_email: "taro@example.jp",
        auth_div: "0",
        pay_way: "1",
        option_service_div: "01",
        member_id: Some("M0001"),
        authentication_key: Some("AUTH1234"),
        card_key: Some("1"),
        last_credit_date: Some("20260401120000"),
        ..Default::default()
    };
    let error = fake.client(Duration::from_millis(300)).call(&request).await.unwrap_err();
    let Error::Client(ClientError::Unconfirmed { reconciled: Reconciled::Found { state, .. }, .. }) = &error else {
        panic!("{error}")
    };
    assert_eq!(state, "4");
    assert_eq!(fake.endpoints(), ["credit", "tradeInfo"], "one A01, never retried");
    assert!(fake.body(0).contains(&format!("check_sum={CHECK_SUM}")), "{}", fake.body(0));
}

#[tokio::test]
async fn a_decoded_settlement_notification_is_confirmed_with_e04() {
    let body = b"trader_code=888888888&order_no=ORDER-0001&settle_price=1500&settle_date=20260401120000\
        &settle_result=1&settle_detail=2&settle_method=21";
    let notification = SettlementNotification::parse(body).unwrap();
    let fake = Fake::start(|_, _| found("3"));
    let confirmed = fake.client(Duration::from_secs(5)).confirm_settlement(&Notified::from(&notification)).await;
    let confirmed = confirmed.unwrap();
    assert_eq!((confirmed.status.as_str(), confirmed.settle_method.as_deref()), ("3", Some("1")));
    assert_eq!(fake.body(0), "function_div=E04&trader_code=888888888&order_no=ORDER-0001");
}

#[tokio::test]
async fn b01_is_never_retried_and_is_reconciled_with_e04() {
    let fake = Fake::start(|endpoint, _| if endpoint == "tradeInfo" { not_found() } else { Reply::Status(502) });
    let request = CvsSevenEleven {
        trader_code: "888888888",
        device_div: "2",
        order_no: "ORDER-0001",
        settle_price: "1500",
        buyer_name_kanji: "山田 太郎",
        buyer_email: "taro@example.jp",
        ..Default::default()
    };
    let error = fake.client(Duration::from_secs(5)).call(&request).await.unwrap_err();
    let Error::Client(ClientError::Unconfirmed { operation, reconciled: Reconciled::NotFound, .. }) = &error else {
        panic!("{error}")
    };
    assert_eq!(*operation, "cvs_seven_eleven");
    assert_eq!(fake.endpoints(), ["cvs1", "tradeInfo"], "one B01, never retried");
}
