//! The GMO CGIs: a GMO ID charge (`gmo_id_payment`) and the shipping registration of a GMO後払い order
//! (`ship_request`), each answer classified by epsilon-proto to one of the operation's documented outcomes.

use epsilon_proto::{Charset, Version};

use crate::support::{CONTRACT, Sandbox, attr, config, link_order, pairs, summarize};

type Fields = Vec<(&'static str, String)>;

/// `base` with `extra` set (replaced or added).
fn with(mut base: Fields, extra: &[(&'static str, &str)]) -> Fields {
    for (name, value) in extra {
        match base.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = (*value).to_owned(),
            None => base.push((name, (*value).to_owned())),
        }
    }
    base
}

/// A GMO ID charge numbered `order_number`, as recorded (CAS:gmo_id_purchase_successful).
fn gmo_id_payment(order_number: &str) -> Fields {
    with(link_order(order_number), &[("process_code", "2"), ("gmo_id", "GMO0001"), ("gmo_card_id", "1")])
}

/// A shipping registration of `order_number`.
fn ship_request(order_number: &str) -> Fields {
    vec![
        ("contract_code", CONTRACT.to_owned()),
        ("order_number", order_number.to_owned()),
        ("delivery_com_code", "12".to_owned()),
        ("ship_no", "1234-5678-9012".to_owned()),
    ]
}

async fn start() -> Sandbox {
    let mut cfg = config();
    cfg.contracts = vec![CONTRACT.to_owned()];
    Sandbox::start(cfg).await
}

/// Pays the link order `order_number` by GMO後払い on the payment page.
async fn gmo_after_order(sb: &Sandbox, order_number: &str) {
    let (_, body) = sb.call("link_order", &pairs(&link_order(order_number)), Charset::Cp932).await;
    let page = sb.open(&attr(&body, Version::V1, "redirect")).await;
    sb.submit(&page, &[("method", "gmo_after")]).await;
}

/// The state of an order in the sandbox's order view.
async fn state(sb: &Sandbox, order_number: &str) -> String {
    sb.get_json(&format!("/sandbox/orders/{order_number}")).await["state"].as_str().unwrap_or("").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gmo_id_charge_answers_its_outcomes() {
    let sb = start().await;
    // (fields, outcome, err_code, err_detail, a transaction code in the answer)
    let cases: Vec<(Fields, &str, &str, &str, bool)> = vec![
        (gmo_id_payment("G1"), "charged", "", "", true),
        (
            gmo_id_payment("G1"),
            "failure",
            "604",
            "既にイプシロン決済システム側で受け取られた注文番号と同一の注文番号で接続されました",
            true,
        ),
        (
            with(gmo_id_payment("G2"), &[("gmo_card_id", "invail id")]),
            "failure",
            "601",
            "会員クレジットカードシーケンス番号が不正です",
            true,
        ),
        (with(gmo_id_payment("G3"), &[("contract_code", "99999999")]), "failure", "907", "", false),
        (with(gmo_id_payment("G4"), &[("mission_code", "77")]), "failure", "909", "", false),
        (with(gmo_id_payment("G5"), &[("gmo_id", "")]), "failure", "601", "", false),
        // the refused card id left the order number unused
        (gmo_id_payment("G2"), "charged", "", "", true),
    ];
    for (fields, want, code, detail, trans_code) in cases {
        let (status, body) = sb.call("gmo_id_payment", &pairs(&fields), Charset::Cp932).await;
        let text = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 200, "{fields:?}: {text}");
        let got = summarize("gmo_id_payment", &body, Version::V1);
        assert_eq!((got.0.as_str(), got.1.as_str()), (want, code), "{fields:?}: {text}");
        if !detail.is_empty() {
            assert_eq!(attr(&body, Version::V1, "err_detail"), detail, "{fields:?}");
        }
        let digits = attr(&body, Version::V1, "trans_code");
        assert_eq!(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()), trans_code, "{text}");
    }
    // a GMO ID charge is a captured card payment: getsales2 finds it and it can be voided
    assert_eq!(state(&sb, "G1").await, "1");
    let by_number = [("contract_code", CONTRACT), ("order_number", "G1")];
    let (_, body) = sb.call("order_info", &by_number, Charset::Cp932).await;
    assert_eq!(attr(&body, Version::V1, "payment_code"), "1");
    let (_, body) = sb.call("void", &by_number, Charset::Cp932).await;
    assert_eq!(summarize("void", &body, Version::V1).0, "voided");
    assert_eq!(state(&sb, "G1").await, "9");
    sb.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipping_registration_moves_a_gmo_after_order_on() {
    let sb = start().await;
    gmo_after_order(&sb, "D1").await;
    assert_eq!(state(&sb, "D1").await, "5", "GMO後払い: 仮売上 after screening");
    let (_, card) = sb.call("gmo_id_payment", &pairs(&gmo_id_payment("CARD1")), Charset::Cp932).await;
    assert_eq!(summarize("gmo_id_payment", &card, Version::V1).0, "charged");
    // (fields, outcome, err_code, the order's state afterwards)
    let cases: Vec<(Fields, &str, &str, &str)> = vec![
        (with(ship_request("D1"), &[("delivery_com_code", "xx")]), "failure", "601", "5"),
        (with(ship_request("D1"), &[("ship_no", "")]), "failure", "601", "5"),
        (with(ship_request("D1"), &[("contract_code", "99999999")]), "failure", "907", "5"),
        (ship_request("D1"), "registered", "", "6"),
        // already registered
        (ship_request("D1"), "failure", "810", "6"),
        // not a GMO後払い order
        (ship_request("CARD1"), "failure", "810", "1"),
    ];
    for (fields, want, code, after) in cases {
        let (status, body) = sb.call("ship_request", &pairs(&fields), Charset::Cp932).await;
        let text = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 200, "{fields:?}: {text}");
        let got = summarize("ship_request", &body, Version::V1);
        assert_eq!((got.0.as_str(), got.1.as_str()), (want, code), "{fields:?}: {text}");
        assert_eq!(state(&sb, &fields[1].1).await, after, "{fields:?}");
    }
    // getsales2 (the operation's reconcile) shows the GMO後払い order registered for shipping
    let (_, body) = sb.call("order_info", &[("contract_code", CONTRACT), ("order_number", "D1")], Charset::Cp932).await;
    let found = ["payment_code", "state"].map(|name| attr(&body, Version::V1, name));
    assert_eq!(found, ["18", "6"], "{}", String::from_utf8_lossy(&body));
    let (_, body) = sb.call("ship_request", &pairs(&ship_request("NONE")), Charset::Cp932).await;
    assert_eq!(summarize("ship_request", &body, Version::V1), ("failure".to_owned(), "810".to_owned()));
    sb.running.shutdown().await;
}
