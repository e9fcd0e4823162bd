//! `confirm` and `verify_card` against the sandbox: a notification is trusted only when getsales2 says the same, and
//! a card verification leaves nothing authorised, also when an answer is lost on the way.

use std::time::Duration;

use epsilon_client::{Client, ConfirmError, Environment, VerifyError, confirm, verify_card};
use epsilon_proto::notification::{Kind, Notification};
use epsilon_proto::{CardPayment, LinkOrder, LinkOrderOutcome, OrderInfo, OrderInfoOutcome};
use epsilon_sandbox::{Config, Running};

use super::{Fake, Reply};

async fn sandbox() -> (Running, Client) {
    let running = epsilon_sandbox::start(Config::default(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = Client::builder().environment(Environment::Custom(running.cgi_base())).build().unwrap();
    (running, client)
}

/// (state, trans_code, item_price) of an order, or `None` when getsales2 knows no such order.
async fn order(client: &Client, order_number: &str) -> Option<(String, String, String)> {
    let lookup = OrderInfo { contract_code: "12345678", order_number: Some(order_number), trans_code: None };
    let answer = client.call(&lookup).await.unwrap();
    let view = answer.view();
    match view.outcome().unwrap() {
        OrderInfoOutcome::Found => Some((
            view.state().unwrap().value().to_owned(),
            view.trans_code().unwrap_or("").to_owned(),
            view.item_price().unwrap_or("").to_owned(),
        )),
        _ => None,
    }
}

fn card(order_number: &'static str, number: &'static str) -> CardPayment<'static> {
    CardPayment { order_number, card_number: Some(number), security_code: None, ..super::card_payment() }
}

/// What `confirm` said, in a table row.
#[derive(Debug, PartialEq)]
enum Said {
    Confirmed(String),
    Mismatch(Vec<&'static str>),
    NotFound,
    Other(String),
}

async fn said(client: &Client, kind: Kind, body: &str, own: &str) -> Said {
    let notification = Notification::parse(kind, body.as_bytes()).unwrap();
    match confirm(client, &notification, own).await {
        Ok(confirmed) => Said::Confirmed(confirmed.state),
        Err(ConfirmError::Mismatch(differences)) => Said::Mismatch(differences.iter().map(|d| d.field).collect()),
        Err(ConfirmError::NotFound) => Said::NotFound,
        Err(other) => Said::Other(other.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_is_confirmed_only_when_getsales2_says_the_same() {
    let (running, client) = sandbox().await;
    // a captured card payment (state 1) and an unpaid convenience-store slip (state 0)
    let paid = client.call(&card("N0001", "4242424242424242")).await.unwrap();
    assert_eq!(paid.outcome_name(), "authorized");
    let slip = LinkOrder {
        order_number: "N0002",
        st_code: "00100-0000-00000-00000-00000-00000-00000",
        item_price: "1200",
        conveni_code: Some("31"),
        user_tel: Some("0312345678"),
        user_name_kana: Some("ヤマダ タロウ"),
        ..super::link_order()
    };
    let answer = client.call(&slip).await.unwrap();
    assert!(matches!(answer.view().outcome(), Ok(LinkOrderOutcome::ConvenienceSlip)), "{}", answer.outcome_name());
    let (_, card_trans, _) = order(&client, "N0001").await.unwrap();
    let (_, slip_trans, _) = order(&client, "N0002").await.unwrap();

    let payment = |contract: &str, trans: &str, state: &str| {
        format!("contract_code={contract}&trans_code={trans}&order_number=N0001&state={state}&payment_code=1")
    };
    let deposit = |trans: &str, price: &str| format!("trans_code={trans}&order_number=N0002&paid=1&item_price={price}");
    #[rustfmt::skip]
    let cases: Vec<(&str, Kind, String, &str, Said)> = vec![
        ("the real payment notification", Kind::Payment, payment("12345678", &card_trans, "1"), "12345678", Said::Confirmed("1".into())),
        ("another contract's", Kind::Payment, payment("87654321", &card_trans, "1"), "12345678", Said::Mismatch(vec!["contract_code"])),
        ("a made-up trans_code and state", Kind::Payment, payment("12345678", "999999", "5"), "12345678", Said::Mismatch(vec!["trans_code", "state"])),
        ("an order nobody placed", Kind::Payment, payment("12345678", &card_trans, "1").replace("N0001", "N9999"), "12345678", Said::NotFound),
        // a forged deposit notification: no contract_code, so the contract check passes it; getsales2 does not
        ("a forged paid slip", Kind::Deposit, deposit(&slip_trans, "1200"), "12345678", Said::Mismatch(vec!["state", "paid"])),
        ("a forged paid slip, wrong amount", Kind::Deposit, deposit(&slip_trans, "1"), "12345678", Said::Mismatch(vec!["item_price", "state", "paid"])),
        ("asked under another contract", Kind::Payment, payment("87654321", &card_trans, "1"), "87654321", Said::NotFound),
    ];
    for (what, kind, body, own, expected) in cases {
        assert_eq!(said(&client, kind, &body, own).await, expected, "{what}: {body}");
    }
    running.shutdown().await;
}

/// How the fake gateway between the client and the sandbox treats the `n`th (0-based) request to a CGI (`None`:
/// forwards it and relays the answer).
type Route = fn(&str, usize) -> Option<Reply>;

/// A verification case: what happens, the order number, the card number, the route, the result, the state getsales2
/// shows afterwards and how many voids were sent.
type Case = (&'static str, &'static str, &'static str, Route, Result<(), &'static str>, &'static str, usize);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verifying_a_card_leaves_nothing_authorised_even_when_an_answer_is_lost() {
    let (running, direct) = sandbox().await;
    let to = running.url().trim_start_matches("http://").to_owned();
    let lost = |to: &str| Reply::Forward { to: to.to_owned(), relay: false };
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("every answer arrives", "W0001", "4242424242424242", |_, _| None, Ok(()), "9", 1),
        ("the void's answer is lost", "W0002", "4242424242424242", |cgi, _| (cgi == "cancel_payment.cgi").then_some(Reply::Hang), Ok(()), "9", 1),
        ("the void never arrives, once", "W0003", "4242424242424242", |cgi, n| (cgi == "cancel_payment.cgi" && n == 0).then_some(Reply::Close), Ok(()), "9", 2),
        ("the authorisation's answer is lost", "W0004", "4242424242424242", |cgi, _| (cgi == "direct_card_payment.cgi").then_some(Reply::Hang), Ok(()), "9", 1),
        ("the authorisation is answered by an html page", "W0007", "4242424242424242", |cgi, _| (cgi == "direct_card_payment.cgi").then_some(Reply::Canned(200, "text/html", super::APACHE_500)), Ok(()), "9", 1),
        ("a declined card", "W0005", "0000000000000000", |_, _| None, Err("declined"), "0", 0),
        ("the void never arrives at all", "W0006", "4242424242424242", |cgi, _| (cgi == "cancel_payment.cgi").then_some(Reply::Close), Err("outstanding"), "5", 2),
    ];
    for (what, order_number, number, route, expected, state, voids) in cases {
        let forward = to.clone();
        // Hang stands for "forwarded, answer lost": the request takes effect, its answer never comes back
        // Canned stands for "forwarded, then answered with this instead"
        let fake = Fake::start(move |cgi, n| match route(cgi, n) {
            Some(Reply::Hang) => lost(&forward),
            Some(canned @ Reply::Canned(..)) => Reply::ForwardThen { to: forward.clone(), reply: Box::new(canned) },
            Some(reply) => reply,
            None => Reply::Forward { to: forward.clone(), relay: true },
        });
        let client = fake.client(Duration::from_millis(500));
        let got = match verify_card(&client, &card(order_number, number)).await {
            Ok(verified) => {
                assert_eq!(verified.order_number, order_number, "{what}");
                Ok(())
            }
            Err(VerifyError::Declined { code }) => {
                assert_eq!(code, "601", "{what}");
                Err("declined")
            }
            Err(VerifyError::Outstanding { order_number: named, state, .. }) => {
                assert_eq!((named.as_str(), state.as_deref()), (order_number, Some("5")), "{what}");
                Err("outstanding")
            }
            Err(other) => panic!("{what}: {other}"),
        };
        assert_eq!(got, expected, "{what}");
        // what getsales2 shows afterwards: cancelled (9), or 未課金 (0) for a decline; ¥1 was the amount
        let after = order(&direct, order_number).await;
        match after {
            Some((now, _, price)) => {
                assert_eq!(now, state, "{what}");
                assert_eq!(price, "1", "{what}: the smallest amount");
            }
            None => assert_eq!(state, "-", "{what}"),
        }
        let sent = |name: &str| fake.cgis().iter().filter(|cgi| *cgi == name).count();
        let calls = (sent("direct_card_payment.cgi"), sent("cancel_payment.cgi"));
        assert_eq!(calls, (1, voids), "{what}: one authorisation, and the voids");
    }
    running.shutdown().await;
}

#[test]
fn the_source_allow_list_compares_canonical_addresses() {
    use epsilon_client::SourceAllowList;
    use std::net::IpAddr;

    let own: IpAddr = "192.0.2.10".parse().unwrap();
    #[rustfmt::skip]
    let cases: [(SourceAllowList, &str, bool); 7] = [
        (SourceAllowList::observed(), "210.254.37.214", true),
        (SourceAllowList::observed(), "210.254.37.215", true),
        (SourceAllowList::observed(), "::ffff:210.254.37.214", true),
        (SourceAllowList::observed(), "210.254.37.216", false),
        (SourceAllowList::observed(), "127.0.0.1", false),
        (SourceAllowList::new([own]), "::ffff:192.0.2.10", true),
        (SourceAllowList::new([]), "210.254.37.214", false),
    ];
    for (list, peer, allowed) in cases {
        let peer: IpAddr = peer.parse().unwrap();
        assert_eq!((list.allows(peer), list.check(peer).is_ok()), (allowed, allowed), "{peer}");
    }
    let refused = SourceAllowList::observed().check("203.0.113.9".parse().unwrap()).unwrap_err();
    assert_eq!(refused.to_string(), "expected a notification from an allow-listed address, found one from 203.0.113.9");
}
