//! Flows through the buyer pages, the ACS and the control endpoints; the race and the notifications.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use epsilon_proto::{Charset, CompletionRedirect, Version};
use japay_sandbox::buyer::Page;

use crate::support::{CONTRACT, Sandbox, attr, card_payment, config, link_order, pairs, summarize};

/// A merchant endpoint that answers the i-th notification with `answers[i]` (the last one after that); its URL and
/// the number of requests it received.
pub(crate) async fn merchant(answers: &'static [&'static str]) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let app = axum::Router::new().route(
        "/notify",
        axum::routing::post(move || {
            let seen = seen.clone();
            async move {
                let i = seen.fetch_add(1, Ordering::SeqCst);
                answers.get(i).or(answers.last()).copied().unwrap_or("1")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/notify"), count)
}

/// Polls `/sandbox/notifications` until one attempt was accepted (bounded; no timing is asserted).
pub(crate) async fn accepted_notifications(sb: &Sandbox) -> Vec<serde_json::Value> {
    for _ in 0..2_000 {
        let list = sb.get_json("/sandbox/notifications").await;
        let list = list.as_array().unwrap().clone();
        if list.iter().any(|a| a["accepted"] == true) {
            return list;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no notification was accepted");
}

/// The query string of a 302 to the return URL.
fn returned_query(page: &Page, return_url: &str) -> String {
    assert_eq!(page.status, 302, "{}", page.body);
    let location = page.location.clone().unwrap();
    let query = location.strip_prefix(&format!("{return_url}?")).unwrap_or_else(|| panic!("{location}"));
    query.to_owned()
}

/// A parameter of a query string the spec of the completion redirect does not list (state, payment_code).
fn query_value(query: &str, name: &str) -> Option<String> {
    japay_sandbox::form::Form::parse(query.as_bytes()).unwrap().get(name).map(str::to_owned)
}

const RETURN_URL: &str = "http://shop.example/return";

/// A link order paid on the payment page: completion redirect, notification, getsales2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_order_through_the_payment_page() {
    let (notify_url, _) = merchant(&["1"]).await;
    let mut cfg = config();
    cfg.notify_url = Some(notify_url);
    cfg.return_url = Some(RETURN_URL.to_owned());
    let sb = Sandbox::start(cfg).await;
    let fields = link_order("LINK1");
    let (_, body) = sb.call("link_order", &pairs(&fields), Charset::Cp932).await;
    let redirect = attr(&body, Version::V1, "redirect");
    assert!(redirect.contains("/cgi-bin/order/method_select3.cgi?trans_code="), "{redirect}");
    let page = sb.open(&redirect).await;
    let done = sb
        .submit(
            &page,
            &[("method", "card"), ("card_number", "4242424242424242"), ("expire", "203012"), ("security_code", "123")],
        )
        .await;
    let query = returned_query(&done, RETURN_URL);
    let completion = CompletionRedirect::parse(query.as_bytes(), Version::V1).unwrap();
    assert_eq!(completion.result().map(|c| c.value()), Some("1"));
    assert_eq!(completion.order_number(), Some("LINK1"));
    assert_eq!(query_value(&query, "state").as_deref(), Some("1"));
    let notifications = accepted_notifications(&sb).await;
    assert_eq!(notifications.len(), 1);
    let body = notifications[0]["body"].as_str().unwrap();
    let notification = epsilon_proto::PaymentNotification::parse(body.as_bytes(), Version::V1).unwrap();
    let state = notification.state().map(|c| c.value());
    assert_eq!((notification.order_number(), state), (Some("LINK1"), Some("1")));
    let lookup = [("contract_code", CONTRACT), ("order_number", "LINK1")];
    let (_, body) = sb.call("order_info", &lookup, Charset::Cp932).await;
    assert_eq!(summarize("order_info", &body, Version::V1).0, "found");
    assert_eq!(attr(&body, Version::V1, "state"), "1");
    // the page cannot be completed twice
    let again = sb.submit(&page, &[("method", "card"), ("card_number", "4242424242424242")]).await;
    assert_eq!(again.status, 409);
    sb.running.shutdown().await;
}

/// A merchant that answers `0`, `0`, then `1` receives exactly three attempts, all recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_are_retried_until_the_merchant_answers_1() {
    let (notify_url, count) = merchant(&["0", "0", "1"]).await;
    let mut cfg = config();
    cfg.notify_url = Some(notify_url);
    let sb = Sandbox::start(cfg).await;
    let fields = link_order("N1");
    let (_, body) = sb.call("link_order", &pairs(&fields), Charset::Cp932).await;
    let page = sb.open(&attr(&body, Version::V1, "redirect")).await;
    let done = sb.submit(&page, &[("method", "card"), ("card_number", "4242424242424242"), ("expire", "203012")]).await;
    assert_eq!(done.status, 200, "no return URL: a completion page");
    let attempts = accepted_notifications(&sb).await;
    let answers: Vec<(u64, &str, bool)> = attempts
        .iter()
        .map(|a| (a["attempt"].as_u64().unwrap(), a["answer"].as_str().unwrap(), a["accepted"].as_bool().unwrap()))
        .collect();
    assert_eq!(answers, [(1, "0", false), (2, "0", false), (3, "1", true)]);
    assert_eq!(count.load(Ordering::SeqCst), 3);
    sb.running.shutdown().await;
}

/// 64 concurrent link orders with one order_number: exactly one is accepted, 63 get 604.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_orders_with_one_order_number_accept_exactly_one() {
    let db = crate::support::temp_db("race");
    let sb = Arc::new(Sandbox::start(epsilon_sandbox::Config { db: Some(db.clone()), ..config() }).await);
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let sb = sb.clone();
        tasks.push(tokio::spawn(async move {
            let fields = link_order("RACE1");
            let (_, body) = sb.call("link_order", &pairs(&fields), Charset::Cp932).await;
            summarize("link_order", &body, Version::V1)
        }));
    }
    let mut redirects = 0;
    let mut duplicates = 0;
    for task in tasks {
        match task.await.unwrap() {
            (name, _) if name == "redirect" => redirects += 1,
            (_, code) if code == "604" => duplicates += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((redirects, duplicates), (1, 63));
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// User registration through the card page, get_user_info's masked card, then a registered-card link order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_register_through_the_card_page() {
    let mut cfg = config();
    cfg.return_url = Some(RETURN_URL.to_owned());
    let sb = Sandbox::start(cfg).await;
    let user = [
        ("contract_code", CONTRACT),
        ("user_id", "REG1"),
        ("user_name", "山田 太郎"),
        ("user_mail_add", "t@example.com"),
    ];
    let (_, body) = sb.call("user_register", &user, Charset::Utf8).await;
    assert_eq!(summarize("user_register", &body, Version::V2).0, "redirect");
    let page = sb.open(&attr(&body, Version::V2, "redirect")).await;
    let done = sb.submit(&page, &[("card_number", "4242424242424242"), ("expire", "203012")]).await;
    let query = returned_query(&done, RETURN_URL);
    let completion = CompletionRedirect::parse(query.as_bytes(), Version::V1).unwrap();
    assert_eq!((completion.user_id(), completion.result().map(|c| c.value())), (Some("REG1"), Some("1")));
    let (_, body) = sb.call("user_info", &[("contract_code", CONTRACT), ("user_id", "REG1")], Charset::Cp932).await;
    assert_eq!(summarize("user_info", &body, Version::V1).0, "found");
    assert_eq!(attr(&body, Version::V1, "card_number_mask"), "4***-****-****-4242");
    assert!(!String::from_utf8_lossy(&body).contains("4242424242424242"));
    // a card change (process 4 with the card-change st_code) goes through the same page
    let change = [
        ("contract_code", CONTRACT),
        ("user_id", "REG1"),
        ("user_name", "山田 太郎"),
        ("user_mail_add", "t@example.com"),
        ("st_code", "10000-0000-00000-00000-00000-00000-00000"),
    ];
    let (_, body) = sb.call("user_change", &change, Charset::Cp932).await;
    assert_eq!(summarize("user_change", &body, Version::V1).0, "redirect");
    let page = sb.open(&attr(&body, Version::V1, "redirect")).await;
    let done = sb.submit(&page, &[("card_number", "5555555555554444"), ("expire", "203101")]).await;
    assert!(returned_query(&done, RETURN_URL).contains("result=1"));
    let (_, body) = sb.call("user_info", &[("contract_code", CONTRACT), ("user_id", "REG1")], Charset::Cp932).await;
    let card = (attr(&body, Version::V1, "card_number_mask"), attr(&body, Version::V1, "card_expire"));
    assert_eq!(card, ("5***-****-****-4444".to_owned(), "203101".to_owned()));
    // registering the same user again is refused
    let (_, body) = sb.call("user_register", &user, Charset::Cp932).await;
    assert_eq!(summarize("user_register", &body, Version::V1), ("failure".to_owned(), "601".to_owned()));
    // a registered-card link order (process 2) completes on card3.cgi
    let mut fields = link_order("REGPAY1");
    for (name, value) in &mut fields {
        match *name {
            "user_id" => *value = "REG1".to_owned(),
            "process_code" => *value = "2".to_owned(),
            _ => {}
        }
    }
    let (_, body) = sb.call("registered_link_order", &pairs(&fields), Charset::Cp932).await;
    let redirect = attr(&body, Version::V1, "redirect");
    assert!(redirect.contains("card3.cgi"), "{redirect}");
    let page = sb.open(&redirect).await;
    let done = sb.submit(&page, &[]).await;
    let query = returned_query(&done, RETURN_URL);
    assert!(query.contains("result=1") && query.contains("state=1"), "{query}");
    sb.running.shutdown().await;
}

/// Both 3-D Secure versions through the ACS page and the second leg; a failed authentication declines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_d_secure_through_the_acs() {
    let sb = Sandbox::start(config()).await;
    let cases = [
        ("TDS1", "4123451111111117", "acsurl", "ok", "authorized", ""),
        ("TDS2", "4000000000003220", "tds2_url", "ok", "authorized", ""),
        ("TDS3", "4000000000003220", "tds2_url", "ng", "failure", "601"),
    ];
    for (order_number, card, url_name, auth, want, code) in cases {
        let fields = card_payment(order_number, card);
        let (_, body) = sb.call("card_payment", &pairs(&fields), Charset::Cp932).await;
        let acs = attr(&body, Version::V1, url_name);
        let pareq = attr(&body, Version::V1, "pareq");
        let term = "http://shop.example/term";
        // the merchant's auto-submitting form posts to the ACS; the buyer authenticates (or not)
        let page = sb.browser.post(&acs, &[("PaReq", &pareq), ("TermUrl", term), ("MD", "m1")]).await.unwrap();
        let back = sb.submit(&page.form().unwrap(), &[("auth", auth)]).await.form().unwrap();
        assert_eq!(back.action, term);
        let pares = back.value("PaRes").unwrap().to_owned();
        assert_eq!(back.value("MD"), Some("m1"));
        let second = [
            ("contract_code", CONTRACT),
            ("order_number", order_number),
            ("tds_check_code", "2"),
            ("tds_pares", &pares),
        ];
        let (_, body) = sb.call("card_3ds_result", &second, Charset::Cp932).await;
        let got = summarize("card_3ds_result", &body, Version::V1);
        assert_eq!((got.0.as_str(), got.1.as_str()), (want, code), "{order_number}");
    }
    sb.running.shutdown().await;
}

/// Virtual accounts: a short deposit (決済失敗), a top-up (入金完了), a deadline passed (入金期限切れ).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_accounts_follow_the_lifecycle() {
    let sb = Sandbox::start(config()).await;
    for number in ["VA1", "VA2"] {
        let mut fields = link_order(number);
        fields.retain(|(n, _)| *n != "st_code");
        fields.push(("st_code", "00000-0000-00000-00000-00100-00000-00000".to_owned()));
        let (_, body) = sb.call("virtual_account", &pairs(&fields), Charset::Cp932).await;
        assert_eq!(summarize("virtual_account", &body, Version::V1).0, "issued");
        assert_eq!(attr(&body, Version::V1, "bank_name"), "ｼﾞ-ｴﾑｵ-ｱｵｿﾞﾗﾈﾂﾄ");
    }
    // (order, action, amount or days, status code, va_status after)
    let steps = [
        ("VA1", "deposit", "700", 200, "決済失敗"),
        ("VA1", "deposit", "300", 200, "入金完了"),
        ("VA2", "clock", "31", 200, "入金期限切れ"),
        ("VA2", "deposit", "1000", 409, "入金期限切れ"),
    ];
    for (number, action, value, status, va_status) in steps {
        let response = match action {
            "deposit" => sb.post_form("/sandbox/deposits", &[("order_number", number), ("amount", value)]).await,
            _ => sb.post_form("/sandbox/clock", &[("advance_days", value)]).await,
        };
        assert_eq!(response.status().as_u16(), status, "{number} {action} {value}");
        let order = sb.get_json(&format!("/sandbox/orders/{number}")).await;
        assert_eq!(order["va_status"], va_status, "{number} {action} {value}: {order}");
    }
    let (_, body) =
        sb.call("order_info", &[("contract_code", CONTRACT), ("order_number", "VA1")], Charset::Cp932).await;
    assert_eq!(
        (attr(&body, Version::V1, "state"), attr(&body, Version::V1, "amount")),
        ("1".to_owned(), "1000".to_owned())
    );
    sb.running.shutdown().await;
}

/// A direct convenience-store order is paid through the control endpoint, which sends the 入金通知.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convenience_store_payments_send_the_deposit_notification() {
    let (notify_url, _) = merchant(&["1"]).await;
    let mut cfg = config();
    cfg.notify_url = Some(notify_url);
    let sb = Sandbox::start(cfg).await;
    let mut fields = link_order("CV1");
    fields.retain(|(n, _)| *n != "st_code");
    fields.extend([
        ("st_code", "00100-0000-00000-00000-00000-00000-00000".to_owned()),
        ("conveni_code", "31".to_owned()),
        ("user_tel", "0312345678".to_owned()),
        ("user_name_kana", "ヤマダ タロウ".to_owned()),
    ]);
    let (_, body) = sb.call("link_order", &pairs(&fields), Charset::Cp932).await;
    assert_eq!(summarize("link_order", &body, Version::V1).0, "convenience_slip");
    let short = sb.post_form("/sandbox/deposits", &[("order_number", "CV1"), ("amount", "999")]).await;
    assert_eq!(short.status().as_u16(), 409);
    let paid = sb.post_form("/sandbox/deposits", &[("order_number", "CV1"), ("amount", "1000")]).await;
    assert_eq!(paid.status().as_u16(), 200);
    let notifications = accepted_notifications(&sb).await;
    assert_eq!(notifications[0]["kind"], "deposit");
    let body = notifications[0]["body"].as_str().unwrap();
    let notification = epsilon_proto::DepositNotification::parse(body.as_bytes(), Version::V1).unwrap();
    assert_eq!((notification.order_number(), notification.paid()), (Some("CV1"), Some("1")));
    let (_, body) =
        sb.call("order_info", &[("contract_code", CONTRACT), ("order_number", "CV1")], Charset::Cp932).await;
    assert_eq!((attr(&body, Version::V1, "state"), attr(&body, Version::V1, "paid")), ("1".to_owned(), "1".to_owned()));
    sb.running.shutdown().await;
}

/// Eight concurrent submissions of one payment page: exactly one completes it (and queues one notification).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_payment_page_completes_once() {
    let (notify_url, _) = merchant(&["1"]).await;
    let cfg =
        epsilon_sandbox::Config { notify_url: Some(notify_url), return_url: Some(RETURN_URL.to_owned()), ..config() };
    let sb = Arc::new(Sandbox::start(cfg).await);
    let (_, body) = sb.call("link_order", &pairs(&link_order("ONCE1")), Charset::Cp932).await;
    let page = sb.open(&attr(&body, Version::V1, "redirect")).await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (sb, page) = (sb.clone(), page.clone());
        tasks.push(tokio::spawn(async move {
            let fields = [("method", "card"), ("card_number", "4242424242424242"), ("expire", "203012")];
            sb.submit(&page, &fields).await.status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [302, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(accepted_notifications(&sb).await.len(), 1);
}
