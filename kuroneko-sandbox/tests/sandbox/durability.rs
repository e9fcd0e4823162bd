//! Durability: a restart on the same file keeps everything; `kill -9` under load loses no answered order.
//!
//! The crash test runs the sandbox in a child process: this test binary itself, started on the ignored test
//! `durability::sandbox_process` with `KURONEKO_SANDBOX_CHILD_DB` set, which starts a sandbox on that file and
//! prints its URL. The load is 160 A08 orders from 8 tasks; the child is killed with SIGKILL once about half are
//! answered, and a sandbox restarted on the same file must know every order whose answer reached the client
//! (authorized, status 4). No timing is asserted; the client's timeouts only bound a hung sandbox.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kuroneko_sandbox::Config;

use crate::support::{Sandbox, classify, config, credit_token, status, temp_db};

/// The environment variable that makes `sandbox_process` serve.
const CHILD_DB: &str = "KURONEKO_SANDBOX_CHILD_DB";

/// Orders in the load.
const ORDERS: usize = 160;
/// Concurrent tasks.
const TASKS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_the_same_file_keeps_everything() {
    let db = temp_db("restart");
    let cfg = Config { db: Some(db.clone()), ..config() };
    let sb = Sandbox::start(cfg.clone()).await;
    sb.set_time("12:00").await;
    let token = sb.token("4111111111111111").await;
    let body = sb.call("credit_token", &credit_token("R1", &token)).await;
    assert_eq!(classify("credit_token", &body).0, "authorized");
    assert_eq!(sb.post_form("/sandbox/clock", &[("advance_days", "2")]).await.status(), 200);
    sb.running.shutdown().await;

    let sb = Sandbox::start(cfg).await;
    assert_eq!(status(&sb, "R1").await, "4");
    let order = sb.get_json("/sandbox/orders/R1").await;
    assert_eq!((order["status"].as_str(), order["kind"].as_str()), (Some("4"), Some("card")));
    let token = sb.token("4111111111111111").await;
    let body = sb.call("credit_token", &credit_token("R1", &token)).await;
    assert_eq!(classify("credit_token", &body).1, "A082000003", "the order number is still taken");
    let clock: serde_json::Value =
        serde_json::from_str(&sb.post_form("/sandbox/clock", &[("advance_days", "0")]).await.text().await.unwrap())
            .unwrap();
    assert_eq!(clock["offset_days"], 2);
    let time: serde_json::Value =
        serde_json::from_str(&sb.post_form("/sandbox/time", &[("time", "12:00")]).await.text().await.unwrap()).unwrap();
    assert!(time["now"].as_str().unwrap().ends_with("12:00:00"));
    sb.running.shutdown().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// The child process of the crash test: serves a sandbox on `KURONEKO_SANDBOX_CHILD_DB` until killed.
#[test]
#[ignore = "the child process of the crash test, started by it"]
fn sandbox_process() {
    let db = std::env::var(CHILD_DB).expect("started by the crash test");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let cfg = Config { db: Some(db.into()), ..config() };
        let running = kuroneko_sandbox::start(cfg, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        println!("KURONEKO_SANDBOX_URL {}", running.url());
        std::future::pending::<()>().await;
    });
}

/// Starts the child process on `db`; it and its URL.
fn spawn(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["durability::sandbox_process", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, db)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("the child's url line").unwrap();
        // the harness writes `test … ... ` before it on the same line
        if let Some((_, url)) = line.split_once("KURONEKO_SANDBOX_URL ") {
            break url.trim().to_owned();
        }
    };
    // keep reading the child's stdout so that it never blocks on a full pipe
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_loses_no_answered_order() {
    let db = temp_db("crash");
    let (child, url) = spawn(&db);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
    let victim = Arc::new(Mutex::new(Some(child)));
    let answered = Arc::new(Mutex::new(BTreeSet::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (http, url) = (http.clone(), url.clone());
        let (victim, answered, count) = (Arc::clone(&victim), Arc::clone(&answered), Arc::clone(&count));
        tasks.push(tokio::spawn(async move {
            for n in (task..ORDERS).step_by(TASKS) {
                let order_no = format!("C{n:04}");
                let Some(token) = remote_token(&http, &url).await else { return };
                let body = japay_sandbox::form::encode(
                    std::iter::once(("function_div", "A08"))
                        .chain(credit_token(&order_no, &token).iter().map(|(k, v)| (*k, v.as_str()))),
                );
                let sent = http
                    .post(format!("{url}/test_gateway/creditToken.api"))
                    .header("content-type", "application/x-www-form-urlencoded; charset=UTF-8")
                    .body(body)
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                let Ok(text) = response.text().await else { return };
                assert_eq!(classify("credit_token", &text).0, "authorized", "{order_no}: {text}");
                answered.lock().unwrap().insert(order_no);
                if count.fetch_add(1, Ordering::SeqCst) + 1 == ORDERS / 2 {
                    if let Some(mut child) = victim.lock().unwrap().take() {
                        child.kill().unwrap(); // SIGKILL
                        child.wait().unwrap();
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    if let Some(mut child) = victim.lock().unwrap().take() {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() >= ORDERS / 2, "{} answered before the kill", answered.len());
    assert!(answered.len() < ORDERS, "the sandbox was killed under load, not after it");
    let sb = Sandbox::start(Config { db: Some(db.clone()), ..config() }).await;
    for order_no in &answered {
        assert_eq!(status(&sb, order_no).await, "4", "{order_no}: answered, then lost");
    }
    sb.running.shutdown().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// A token from the child's token endpoint; `None` when the child is gone.
async fn remote_token(http: &reqwest::Client, url: &str) -> Option<String> {
    let info = kuroneko_proto::token::TokenInfo {
        trader_code: kuroneko_sandbox::DEFAULT_TRADER_CODE,
        auth_div: "2",
        opt_serv_div: "00",
        ..Default::default()
    };
    let mut object: serde_json::Value =
        serde_json::from_str(&info.to_json(kuroneko_sandbox::DEFAULT_ACCESS_KEY).unwrap()).unwrap();
    object["cardNo"] = "4111111111111111".into();
    object["cardExp"] = "1230".into();
    let response = http.post(format!("{url}/sandbox/token")).body(object.to_string()).send().await.ok()?;
    let text = response.text().await.ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["token"].as_str().map(str::to_owned)
}
