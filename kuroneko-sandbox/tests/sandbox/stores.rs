//! Convenience-store slips, their payment through `POST /sandbox/deposits`, expiry, and the 決済結果通知 with
//! Kuroneko's reply rule (`0` accepted, anything else retried). PayPay: the approval page, the browser's return and
//! the notification.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use japay_core::{Charset, DynamicRequest, Options};
use japay_sandbox::buyer::Form;
use kuroneko_proto::generated::OPERATIONS;
use kuroneko_sandbox::Config;

use crate::support::{Fields, Sandbox, TRADER, classify, config, element, status};

/// A merchant endpoint answering the `replies` in turn (the last one from then on); its URL and a request count.
pub(crate) async fn merchant(replies: &[&'static str]) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let replies: Vec<&'static str> = replies.to_vec();
    let app = axum::Router::new().route(
        "/notify",
        axum::routing::post(move || {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            let reply = replies.get(n).or(replies.last()).copied().unwrap_or("0");
            async move { reply }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notify", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, count)
}

/// The attempts of `/sandbox/notifications` once `n` of them are recorded.
async fn attempts(sb: &Sandbox, n: usize) -> Vec<serde_json::Value> {
    for _ in 0..2_000 {
        let list = sb.get_json("/sandbox/notifications").await.as_array().unwrap().clone();
        if list.len() >= n {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("fewer than {n} notification attempts recorded");
}

/// `name` of a notification body, which the notification's spec accepts.
fn field(kind: &str, body: &str, name: &str) -> String {
    let form = japay_sandbox::form::Form::parse(body.as_bytes()).unwrap();
    let spec = if kind == "paypay" { "paypay_notification" } else { "settlement_notification" };
    let spec = OPERATIONS.iter().find(|o| o.name == spec).unwrap();
    let mut request = DynamicRequest::new(spec);
    for (n, v) in form.pairs() {
        request.set(n, v);
    }
    request.validate(Options::new(Charset::Utf8)).unwrap_or_else(|r| panic!("{body}: {r}"));
    form.get(name).unwrap_or("").to_owned()
}

fn store_order(order_no: &str) -> Fields {
    vec![
        ("trader_code", TRADER.to_owned()),
        ("device_div", "2".to_owned()),
        ("order_no", order_no.to_owned()),
        ("goods_name", "テスト商品".to_owned()),
        ("settle_price", "1000".to_owned()),
        ("buyer_name_kanji", "山田 太郎".to_owned()),
        ("buyer_name_kana", "ヤマダタロウ".to_owned()),
        ("buyer_tel", "03-1234-5678".to_owned()),
        ("buyer_email", "taro@example.jp".to_owned()),
    ]
}

/// The fields of `op` among the store fields (B01 has no phone, only B02 a kana name).
fn for_op(op: &str, order_no: &str) -> Fields {
    let spec = OPERATIONS.iter().find(|o| o.name == op).unwrap();
    store_order(order_no).into_iter().filter(|(n, _)| spec.field_index(n).is_some()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slips_payments_expiry_and_notifications() {
    let (url, count) = merchant(&["1", "0"]).await;
    let sb = Sandbox::start(Config { notify_url: Some(url), ..config() }).await;
    sb.set_time("12:00").await;
    // (operation, order_no, the slip's elements, outcome, error code)
    let cases: [(&str, &str, &[&str], &str, &str); 8] = [
        ("cvs_seven_eleven", "V1", &["billingNo", "billingUrl", "expiredDate"], "registered", ""),
        ("cvs_seven_eleven", "V1", &[], "failure", "B013000001"),
        ("cvs_family_mart", "V2", &["companyCode", "orderNoF", "expiredDate"], "registered", ""),
        ("cvs_lawson", "V3", &["econNo", "expiredDate"], "registered", ""),
        ("cvs_lawson", "V3", &[], "failure", "B034000002"),
        ("cvs_circle_k_sunkus", "V4", &["econNo", "expiredDate"], "registered", ""),
        ("cvs_ministop", "V5", &["econNo", "expiredDate"], "registered", ""),
        ("cvs_seicomart", "V6", &["econNo", "expiredDate"], "registered", ""),
    ];
    for (op, order_no, elements, outcome, code) in cases {
        let body = sb.call(op, &for_op(op, order_no)).await;
        assert_eq!(classify(op, &body), (outcome.to_owned(), code.to_owned()), "{op} {order_no}: {body}");
        for name in elements {
            assert!(!element(&body, name).is_empty(), "{op}: {name} in {body}");
        }
        if outcome == "registered" {
            assert_eq!(status(&sb, order_no).await, "1");
        }
    }
    // B03-B06 share cvs3 and are told apart by function_div: each order is its brand's (settle_method, facts §4.6)
    let brands =
        [("V1", "B01", "21"), ("V2", "B02", "23"), ("V3", "B03", "22"), ("V4", "B04", "26"), ("V5", "B05", "25")];
    for (order_no, function, method) in brands.into_iter().chain([("V6", "B06", "24")]) {
        let order = sb.get_json(&format!("/sandbox/orders/{order_no}")).await;
        assert_eq!((order["function_div"].as_str(), order["settle_method"].as_str()), (Some(function), Some(method)));
    }
    // (deposit order_no, amount, HTTP status, E04 status afterwards)
    let deposits =
        [("V1", "999", 409, "1"), ("V1", "1000", 200, "2"), ("V1", "1000", 409, "2"), ("V3", "1000", 200, "3")];
    for (order_no, amount, http, after) in deposits {
        let response = sb.post_form("/sandbox/deposits", &[("order_no", order_no), ("amount", amount)]).await;
        assert_eq!(response.status().as_u16(), http, "{order_no} {amount}");
        assert_eq!(status(&sb, order_no).await, after, "{order_no}");
    }
    // V2 and V4-V6 are not paid: their slips expire after 7 days; V1's final report (3) comes the next day; both are
    // noticed at the next request
    assert_eq!(sb.post_form("/sandbox/clock", &[("advance_days", "8")]).await.status(), 200);
    assert_eq!(sb.get_json("/sandbox/orders/V2").await["status"], "11");
    assert_eq!(status(&sb, "V1").await, "3");
    // V1: 2 then 3; V3: 3; V2, V4-V6: 11 (abnormal). The merchant refuses the first attempt it sees with 1: that
    // notification is sent again and accepted.
    let list = attempts(&sb, 8).await;
    let seen: Vec<(String, String, String, bool)> = list
        .iter()
        .map(|a| {
            let body = a["body"].as_str().unwrap();
            (
                a["order_no"].as_str().unwrap().to_owned(),
                field("settlement", body, "settle_detail"),
                field("settlement", body, "settle_result"),
                a["accepted"] == true,
            )
        })
        .collect();
    let want = |o: &str, d: &str, r: &str| (o.to_owned(), d.to_owned(), r.to_owned(), true);
    let mut expected = vec![
        want("V1", "2", "1"),
        want("V1", "3", "1"),
        want("V3", "3", "1"),
        want("V2", "11", "2"),
        want("V4", "11", "2"),
        want("V5", "11", "2"),
        want("V6", "11", "2"),
    ];
    let mut accepted: Vec<_> = seen.iter().filter(|a| a.3).cloned().collect();
    accepted.sort();
    expected.sort();
    assert_eq!(accepted, expected, "{seen:?}");
    let refused: Vec<_> = seen.iter().filter(|a| !a.3).map(|a| (a.0.clone(), a.1.clone(), a.2.clone(), true)).collect();
    assert_eq!(refused.len(), 1, "{seen:?}");
    assert!(accepted.contains(&refused[0]), "the refused notification is sent again: {seen:?}");
    // the final report is queued a day after the prompt one: it is first sent after it (a refused attempt of the
    // prompt report may be sent again later, as any notification)
    let v1 = seen.iter().filter(|a| a.0 == "V1").map(|a| a.1.as_str()).next();
    assert_eq!(v1, Some("2"), "the prompt report before the final one: {seen:?}");
    assert_eq!(count.load(Ordering::SeqCst), 8);
    sb.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paypay_approval_return_and_notification() {
    let (url, _) = merchant(&["0"]).await;
    let sb = Sandbox::start(Config { notify_url: Some(url), ..config() }).await;
    let settle = |order_no: &str| -> Fields {
        vec![
            ("trader_code", TRADER.to_owned()),
            ("order_no", order_no.to_owned()),
            ("settle_price", "2000".to_owned()),
            ("buyer_name_kanji", "山田 太郎".to_owned()),
            ("buyer_tel", "03-1234-5678".to_owned()),
            ("buyer_email", "taro@example.jp".to_owned()),
            ("return_url_success", "http://127.0.0.1:9/paid".to_owned()),
            ("return_url_failure", "http://127.0.0.1:9/failed".to_owned()),
            ("return_url_res", "http://127.0.0.1:9/notify".to_owned()),
        ]
    };
    // L01's check_sum is verified with its own sum (facts §2.2): another value is its layout code with check 71
    let sum = "0123456789abcdef".repeat(4);
    let mut forged: Vec<(&str, &str)> = vec![("function_div", "L01"), ("check_sum", &sum)];
    let fields = settle("P0");
    forged.extend(fields.iter().map(|(n, v)| (*n, v.as_str())));
    let (_, body) = sb.post_raw("paypaySettle.api", japay_sandbox::form::encode(forged).into_bytes()).await;
    let code = classify("paypay_settle", &body).1;
    assert!(code.starts_with("L01101") && code.ends_with("71"), "{body}");
    // (order_no, the buyer's decision, where the browser returns, return_code, E04 status)
    let cases = [
        ("P1", "ok", "http://127.0.0.1:9/paid", "0", "4"),
        ("P2", "ng", "http://127.0.0.1:9/failed", "1", "11"),
        ("P3", "ok", "http://127.0.0.1:9/paid", "0", "4"),
    ];
    for (order_no, decision, back, return_code, after) in cases {
        let body = sb.call("paypay_settle", &settle(order_no)).await;
        assert_eq!(classify("paypay_settle", &body).0, "redirect", "{body}");
        let to_paypay = Form::first(&element(&body, "redirectHtml"), &sb.running.url()).unwrap();
        let page = sb.browser.submit(&to_paypay, &[]).await.unwrap();
        let returned = sb.browser.submit(&page.form().unwrap(), &[("decision", decision)]).await.unwrap();
        let posted = returned.form().unwrap();
        assert_eq!((posted.action.as_str(), posted.value("return_code")), (back, Some(return_code)));
        assert_eq!(posted.value("order_no"), Some(order_no));
        assert_eq!(status(&sb, order_no).await, after);
    }
    let list = attempts(&sb, 3).await;
    let mut details: Vec<(String, String)> = list
        .iter()
        .map(|a| {
            (a["order_no"].as_str().unwrap().to_owned(), field("paypay", a["body"].as_str().unwrap(), "settle_detail"))
        })
        .collect();
    details.sort();
    let want = |o: &str, d: &str| (o.to_owned(), d.to_owned());
    assert_eq!(details, [want("P1", "4"), want("P2", "11"), want("P3", "4")]);
    let change = |order_no: &str, price: &str| -> Fields {
        vec![("trader_code", TRADER.to_owned()), ("order_no", order_no.to_owned()), ("new_price", price.to_owned())]
    };
    let order = |order_no: &str| -> Fields { change(order_no, "")[..2].to_vec() };
    // (operation, fields, outcome, error code)
    let cases: Vec<(&str, Fields, &str, &str)> = vec![
        ("paypay_change_price", change("P1", "1500"), "changed", ""),
        ("paypay_settle_cancel", order("P1"), "cancelled", ""),
        ("paypay_settle_cancel", order("P1"), "failure", "L022000003"),
        ("paypay_settle_cancel", order("P2"), "failure", "L022000003"),
        ("paypay_settle", settle("P1"), "failure", "L012000003"),
        ("paypay_change_price", change("P3", "2500"), "awaiting_buyer", ""),
    ];
    for (op, fields, outcome, code) in cases {
        let body = sb.call(op, &fields).await;
        assert_eq!(classify(op, &body), (outcome.to_owned(), code.to_owned()), "{op}: {body}");
    }
    sb.running.shutdown().await;
}
