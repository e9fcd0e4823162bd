//! The machinery with a toy gateway of a dozen lines: the allow-list hook, the body limit, one transaction per
//! request (a unique key taken once under concurrency), the outbox with a gateway-supplied acceptance rule, a restart
//! that resumes it, the clock and the control hooks, and the buyer driver through a page, a form and redirects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use japay_sandbox::buyer::Browser;
use japay_sandbox::form::Form;
use japay_sandbox::outbox::Message;
use japay_sandbox::{Gateway, Refusal, Running, Sandbox, Settings, Tx, html, store};
use serde_json::{Value, json};

/// A gateway whose merchants accept a notification by answering `0`, with one table of orders.
struct Toy;

impl Gateway for Toy {
    const MIGRATIONS: &'static [&'static str] =
        &["CREATE TABLE toy_orders (reference TEXT PRIMARY KEY, paid INTEGER NOT NULL DEFAULT 0)"];
    const REFERENCE: &'static str = "ref";

    fn accepts(&self, status: u16, body: &[u8]) -> bool {
        status == 200 && body == b"0"
    }

    fn api(&self) -> Router<Sandbox<Toy>> {
        Router::new().route("/api/order", post(create))
    }

    fn pages(&self) -> Router<Sandbox<Toy>> {
        Router::new().route("/page/{reference}", get(page).post(pay)).route("/return", get(|| async { "thanks" }))
    }

    fn refuse(&self, path: &str) -> Response {
        (StatusCode::FORBIDDEN, format!("refused {path}")).into_response()
    }

    fn order(&self, tx: &Tx<'_>, reference: &str) -> rusqlite::Result<Result<Value, Refusal>> {
        let paid: Option<bool> =
            tx.query_row("SELECT paid FROM toy_orders WHERE reference = ?1", [reference], |r| r.get(0)).ok();
        Ok(paid
            .map(|paid| json!({ "ref": reference, "paid": paid }))
            .ok_or(Refusal::new(StatusCode::NOT_FOUND, "unknown ref")))
    }

    fn deposit(&self, tx: &Tx<'_>, form: &Form) -> rusqlite::Result<Result<Value, Refusal>> {
        let reference = form.get("ref").unwrap_or("").to_owned();
        if tx.execute("UPDATE toy_orders SET paid = 1 WHERE reference = ?1 AND paid = 0", [&reference])? != 1 {
            return Ok(Err(Refusal::new(StatusCode::CONFLICT, "not payable")));
        }
        let body =
            if reference.starts_with('X') { Err("no body for X".to_owned()) } else { Ok(format!("ref={reference}")) };
        tx.notify(Message { kind: "paid", reference: reference.clone(), body })?;
        Ok(Ok(json!({ "ref": reference, "at": tx.now().timestamp() })))
    }
}

async fn create(State(sandbox): State<Sandbox<Toy>>, body: Bytes) -> Response {
    let reference = Form::parse(&body).unwrap().get("ref").unwrap_or("").to_owned();
    let done = sandbox
        .write(move |tx| match tx.execute("INSERT INTO toy_orders (reference) VALUES (?1)", [&reference]) {
            Ok(_) => Ok(true),
            Err(e) if store::is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        })
        .await;
    match done {
        Ok(true) => (StatusCode::OK, "created").into_response(),
        Ok(false) => (StatusCode::CONFLICT, "taken").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn page(Path(reference): Path<String>) -> Response {
    let body = format!("<form method=\"post\" action=\"{}\">\n{}</form>", reference, html::hidden("ref", &reference));
    html::page("toy", &body)
}

async fn pay(Path(reference): Path<String>, body: Bytes) -> Response {
    let form = Form::parse(&body).unwrap();
    assert_eq!(form.get("ref"), Some(reference.as_str()));
    let location = format!("/return?ref={reference}&card={}", form.get("card").unwrap_or(""));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn settings() -> Settings {
    Settings { notify_backoff: Duration::from_millis(5), notify_max_attempts: 5, ..Settings::default() }
}

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("japay-sandbox-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("toy.db")
}

async fn start(settings: Settings) -> Running {
    japay_sandbox::start(Toy, settings, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// A merchant that answers the i-th notification with `replies[i]` (the last one after that); its URL and the
/// number of requests it received.
async fn merchant(replies: &'static [&'static str]) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let app = Router::new().route(
        "/notify",
        post(move || {
            let seen = seen.clone();
            async move { replies.get(seen.fetch_add(1, Ordering::SeqCst)).or(replies.last()).copied().unwrap_or("") }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/notify"), count)
}

async fn post_form(url: &str, body: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn get_json(url: &str) -> Value {
    serde_json::from_str(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap()
}

/// Polls the attempts until `done` holds for them (bounded; no timing is asserted).
async fn attempts_until(url: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..2_000 {
        let list = get_json(&format!("{url}/sandbox/notifications")).await.as_array().unwrap().clone();
        if done(&list) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the attempts never reached the expected state");
}

fn seen(attempts: &[Value]) -> Vec<(u64, String, bool)> {
    attempts
        .iter()
        .map(|a| (a["attempt"].as_u64().unwrap(), a["answer"].as_str().unwrap().to_owned(), a["accepted"] == true))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_decides_which_reply_accepts_a_notification() {
    let (notify_url, count) = merchant(&["1", "1", "0"]).await;
    let sandbox = start(Settings { notify_url: Some(notify_url.clone()), ..settings() }).await;
    let url = sandbox.url();
    assert_eq!(post_form(&format!("{url}/api/order"), "ref=A1").await, (200, "created".to_owned()));
    let (status, body) = post_form(&format!("{url}/sandbox/deposits"), "ref=A1").await;
    assert_eq!(status, 200, "{body}");
    let attempts = attempts_until(&url, |list| list.iter().any(|a| a["accepted"] == true)).await;
    let expected = [(1, "1".to_owned(), false), (2, "1".to_owned(), false), (3, "0".to_owned(), true)];
    assert_eq!(seen(&attempts), expected);
    assert_eq!(count.load(Ordering::SeqCst), 3);
    let first = &attempts[0];
    assert_eq!(
        (first["kind"].as_str(), first["ref"].as_str(), first["body"].as_str()),
        (Some("paid"), Some("A1"), Some("ref=A1"))
    );
    assert_eq!((first["url"].as_str(), first["status"].as_u64()), (Some(notify_url.as_str()), Some(200)));
    // a deposit the hook refuses, an order the hook reports, and one it does not know
    assert_eq!(post_form(&format!("{url}/sandbox/deposits"), "ref=A1").await.0, 409);
    assert_eq!(get_json(&format!("{url}/sandbox/orders/A1")).await, json!({ "ref": "A1", "paid": true }));
    assert_eq!(get_json(&format!("{url}/sandbox/orders/NOPE")).await, json!({ "error": "unknown ref" }));
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_could_not_be_written_is_recorded_and_never_sent() {
    let (notify_url, count) = merchant(&["0"]).await;
    let sandbox = start(Settings { notify_url: Some(notify_url), ..settings() }).await;
    let url = sandbox.url();
    post_form(&format!("{url}/api/order"), "ref=X1").await;
    post_form(&format!("{url}/sandbox/deposits"), "ref=X1").await;
    let attempts = attempts_until(&url, |list| !list.is_empty()).await;
    assert_eq!(seen(&attempts), [(1, "not sent: no body for X".to_owned(), false)]);
    assert_eq!(count.load(Ordering::SeqCst), 0);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_notification_and_the_clock_survive_a_restart() {
    let db = temp_db("restart");
    let (refusing, _) = merchant(&["1"]).await;
    // long enough that the second attempt belongs to the restarted sandbox
    let first = Settings {
        db: Some(db.clone()),
        notify_url: Some(refusing),
        notify_backoff: Duration::from_secs(3_600),
        ..settings()
    };
    let sandbox = start(first.clone()).await;
    let url = sandbox.url();
    post_form(&format!("{url}/api/order"), "ref=R1").await;
    post_form(&format!("{url}/sandbox/deposits"), "ref=R1").await;
    attempts_until(&url, |list| list.len() == 1).await;
    let (status, clock) = post_form(&format!("{url}/sandbox/clock"), "advance_days=3").await;
    assert_eq!(status, 200);
    let clock: Value = serde_json::from_str(&clock).unwrap();
    assert_eq!(clock["offset_days"], 3);
    sandbox.shutdown().await;

    let (accepting, count) = merchant(&["0"]).await;
    let second = Settings { notify_url: Some(accepting), notify_backoff: Duration::from_millis(5), ..first };
    let sandbox = start(second).await;
    let url = sandbox.url();
    let attempts = attempts_until(&url, |list| list.iter().any(|a| a["accepted"] == true)).await;
    assert_eq!(seen(&attempts), [(1, "1".to_owned(), false), (2, "0".to_owned(), true)]);
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let (_, clock) = post_form(&format!("{url}/sandbox/clock"), "advance_days=0").await;
    assert_eq!(serde_json::from_str::<Value>(&clock).unwrap()["offset_days"], 3);
    // the order is still there: its reference is taken
    assert_eq!(post_form(&format!("{url}/api/order"), "ref=R1").await.0, 409);
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_for_one_key_commit_exactly_once() {
    let db = temp_db("race");
    let sandbox = start(Settings { db: Some(db.clone()), ..settings() }).await;
    let url = sandbox.url();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move { post_form(&format!("{url}/api/order"), "ref=ONE").await.0 }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(
        (statuses.iter().filter(|s| **s == 200).count(), statuses.iter().filter(|s| **s == 409).count()),
        (1, 31)
    );
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_allow_list_guards_the_api_only_and_bodies_are_limited() {
    let sandbox =
        start(Settings { allow_hosts: vec!["192.0.2.1".parse().unwrap()], body_limit: 1024, ..settings() }).await;
    let url = sandbox.url();
    // (method and path, body, status, a piece of the answer)
    let cases = [
        ("POST /api/order", "ref=H1".to_owned(), 403, "refused /api/order"),
        ("GET /page/H1", String::new(), 200, "<form"),
        ("POST /sandbox/clock", "advance_days=1".to_owned(), 200, "offset_days"),
        ("POST /sandbox/clock", "advance_days=-1".to_owned(), 400, "advance_days: expected a whole number"),
        // the clock never goes back: a move past the year 9999 (18-digit date stamps for good) is refused
        ("POST /sandbox/clock", "advance_days=4294967295".to_owned(), 400, "before the year 10000"),
        ("POST /sandbox/clock", "advance_days=0".to_owned(), 200, "\"offset_days\":1,"),
        ("POST /sandbox/deposits", format!("ref={}", "x".repeat(2048)), 413, ""),
        ("GET /nothing", String::new(), 404, "not found"),
    ];
    let http = reqwest::Client::new();
    for (what, body, status, piece) in cases {
        let (method, path) = what.split_once(' ').unwrap();
        let request = if method == "GET" {
            http.get(format!("{url}{path}"))
        } else {
            http.post(format!("{url}{path}")).body(body)
        };
        let response = request.send().await.unwrap();
        let got = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(got, status, "{what}: {text}");
        assert!(text.contains(piece), "{what}: {text}");
    }
    sandbox.shutdown().await;
}

/// The control endpoints answer scripts (no `Origin`) and the sandbox's own pages, never a page of another site nor
/// a request addressed to another name (DNS rebinding): a cross-site page must not move the clock or pay an order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_endpoints_refuse_other_sites_and_foreign_hosts() {
    let sandbox = start(settings()).await;
    let url = sandbox.url();
    let own = url.clone();
    // (method and path, Host (None: reqwest's own), Origin, status)
    let cases: &[(&str, Option<&str>, Option<&str>, u16)] = &[
        ("POST /sandbox/clock", None, None, 200),
        ("POST /sandbox/clock", None, Some(own.as_str()), 200),
        ("POST /sandbox/clock", None, Some("https://evil.example"), 403),
        ("POST /sandbox/clock", None, Some("null"), 403),
        ("POST /sandbox/clock", Some("evil.example"), None, 421),
        ("POST /sandbox/clock", Some("localhost.evil.example:80"), None, 421),
        ("POST /sandbox/deposits", None, Some("https://evil.example"), 403),
        ("POST /sandbox/deposits", Some("evil.example"), None, 421),
        ("GET /sandbox/notifications", Some("evil.example"), None, 421),
        ("GET /sandbox/orders/X", Some("evil.example"), None, 421),
        ("GET /sandbox/notifications", Some("localhost"), None, 200),
    ];
    let http = reqwest::Client::new();
    for (what, host, origin, status) in cases {
        let (method, path) = what.split_once(' ').unwrap();
        let mut request = if method == "GET" {
            http.get(format!("{url}{path}"))
        } else {
            http.post(format!("{url}{path}")).body("advance_days=1&ref=X")
        };
        if let Some(host) = host {
            request = request.header(header::HOST, *host);
        }
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, *origin);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), *status, "{what} host {host:?} origin {origin:?}");
    }
    // the refused requests changed nothing: two accepted clock moves of one day each
    let (_, clock) = post_form(&format!("{url}/sandbox/clock"), "advance_days=0").await;
    assert_eq!(serde_json::from_str::<Value>(&clock).unwrap()["offset_days"], 2);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buyer_fills_in_a_form_and_follows_the_redirects() {
    let sandbox = start(settings()).await;
    let url = sandbox.url();
    let browser = Browser::new().unwrap();
    let page = browser.get(&format!("{url}/page/B1")).await.unwrap();
    let form = page.form().unwrap();
    assert_eq!(
        (form.action.as_str(), form.post, form.value("ref")),
        (format!("{url}/page/B1").as_str(), true, Some("B1"))
    );
    let done = browser.submit(&form, &[("card", "4242-4242")]).await.unwrap();
    let arrived = format!("{url}/return?ref=B1&card=4242-4242");
    assert_eq!((done.status, done.url.as_str(), done.body.as_str()), (200, arrived.as_str(), "thanks"));
    assert_eq!(done.redirects, [arrived]);
    let stopped = browser.clone().following_redirects(false).submit(&form, &[("card", "1")]).await.unwrap();
    assert_eq!(
        (stopped.status, stopped.location.as_deref()),
        (303, Some(format!("{url}/return?ref=B1&card=1").as_str()))
    );
    assert!(stopped.form().is_err(), "a redirect is not a page");
    sandbox.shutdown().await;
}
