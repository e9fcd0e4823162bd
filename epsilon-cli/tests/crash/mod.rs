//! Crash test (issue 7 §6): `epsilon sandbox` on a database file is loaded with 200 orders (link orders and
//! virtual-account orders with deposits) from 8 tasks, killed with SIGKILL after about half of the answers, and
//! restarted on the same file. Then:
//!
//! * every order whose answer reached the client is in getsales2, with the state getsales2 last showed for it
//!   (unless an operation on it was in flight at the kill);
//! * no deposit is counted twice: the deposited total of an order is the sum of its acknowledged deposits, or that
//!   plus the one deposit whose answer was lost, never more;
//! * the sandbox clock (moved before the load) is unchanged.
//!
//! No timing is asserted; the client's timeouts only bound a hung sandbox.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use epsilon_proto::{
    Charset, LinkOrder, LinkOrderOutcome, LinkOrderResponse, Operation, Options, OrderInfo, OrderInfoOutcome,
    OrderInfoResponse, Version, VirtualAccount, VirtualAccountOutcome, VirtualAccountResponse,
};

/// Orders in the load (even: link order, odd: virtual account with two deposits).
const ORDERS: usize = 200;
/// Concurrent tasks.
const TASKS: usize = 8;
/// Each virtual-account order gets this many deposits of [`DEPOSIT`] yen (short of its price: never complete).
const DEPOSITS_PER_ACCOUNT: usize = 2;
const DEPOSIT: u64 = 1000;
/// Answers (orders and deposits) in the whole load.
const ANSWERS: usize = ORDERS + ORDERS / 2 * DEPOSITS_PER_ACCOUNT;

/// A sandbox process and the URL it printed.
pub(crate) struct Sandbox {
    pub(crate) child: Child,
    pub(crate) url: String,
}

impl Sandbox {
    /// `epsilon sandbox --listen 127.0.0.1:0 --db DB`, its first stdout line read as the URL.
    fn start(db: &Path) -> Sandbox {
        let db = db.to_str().expect("a utf-8 temp path");
        Sandbox::spawn(&["--db", db])
    }

    /// `epsilon sandbox --listen 127.0.0.1:0 ARGS…`, its first stdout line read as the URL.
    pub(crate) fn spawn(args: &[&str]) -> Sandbox {
        let mut child = Command::new(env!("CARGO_BIN_EXE_epsilon"))
            .args(["sandbox", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn epsilon sandbox");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the sandbox's first line");
        let url = line.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "first line {line:?}: expected the listen url");
        Sandbox { child, url }
    }
}

/// What the client knows: acknowledged orders (with the last state getsales2 showed), acknowledged deposits, and
/// operations whose answer was lost at the kill.
#[derive(Default)]
struct Ledger {
    /// order_number → last state seen in getsales2 after its last acknowledged change.
    orders: HashMap<String, String>,
    /// order_number → sum of acknowledged deposits.
    deposited: HashMap<String, u64>,
    /// order_number → the amount of a deposit sent whose answer never came.
    deposit_in_flight: HashMap<String, u64>,
    /// Orders with an operation in flight at the kill (state may have changed).
    in_flight: Vec<String>,
}

/// The shared state of the load.
struct Load {
    http: reqwest::Client,
    url: String,
    ledger: Mutex<Ledger>,
    answers: AtomicUsize,
    victim: Mutex<Option<Child>>,
}

impl Load {
    /// Counts an answer; the one that reaches half of the load kills the sandbox (SIGKILL).
    fn answered(&self) {
        if self.answers.fetch_add(1, Ordering::SeqCst) + 1 == ANSWERS / 2 {
            if let Some(mut child) = self.victim.lock().expect("victim lock").take() {
                child.kill().expect("kill -9 the sandbox");
                child.wait().expect("reap the sandbox");
            }
        }
    }

    /// POSTs an operation (CP932); the answer body, or `None` when the connection failed.
    async fn call<O: Operation>(&self, request: &O) -> Option<Vec<u8>> {
        let mut body = Vec::new();
        request.encode(Options::new(Charset::Cp932), &mut body).expect("a valid request");
        let url = format!("{}/cgi-bin/order/{}", self.url, O::SPEC.path);
        let response = self.http.post(url).header("content-type", "application/x-www-form-urlencoded").body(body);
        let response = response.send().await.ok()?;
        assert_eq!(response.status(), 200, "{}", O::SPEC.name);
        Some(response.bytes().await.ok()?.to_vec())
    }

    /// getsales2's state of an order, `None` when the connection failed.
    async fn state(&self, order_number: &str) -> Option<String> {
        let request = OrderInfo { contract_code: "12345678", order_number: Some(order_number), ..Default::default() };
        let body = self.call(&request).await?;
        let response = OrderInfoResponse::parse(&body, Version::V1).expect("a getsales2 answer");
        assert_eq!(response.outcome(), Ok(OrderInfoOutcome::Found), "{order_number}: acknowledged, not found");
        Some(response.answer().get("state").expect("a state").to_owned())
    }

    /// Records an acknowledged order (or a changed one) with its state, read back at once.
    async fn acknowledge(&self, order_number: &str) -> bool {
        match self.state(order_number).await {
            Some(state) => {
                self.ledger.lock().expect("ledger").orders.insert(order_number.to_owned(), state);
                true
            }
            None => false,
        }
    }

    fn lost(&self, order_number: &str) {
        self.ledger.lock().expect("ledger").in_flight.push(order_number.to_owned());
    }

    /// One task's share of the load; returns at the first failed connection (the kill).
    async fn run(self: Arc<Load>, task: usize) {
        for n in (task..ORDERS).step_by(TASKS) {
            let order = format!("C{n:04}");
            if n % 2 == 0 {
                let request = link_order(&order);
                let Some(body) = self.call(&request).await else { return self.lost(&order) };
                let response = LinkOrderResponse::parse(&body, Version::V1).expect("a link order answer");
                assert!(matches!(response.outcome(), Ok(LinkOrderOutcome::Redirect { .. })), "{order}");
                // the order exists from here on, whatever the state read gives
                self.ledger.lock().expect("ledger").orders.insert(order.clone(), String::new());
                self.answered();
                if !self.acknowledge(&order).await {
                    return;
                }
            } else {
                let request = virtual_account(&order);
                let Some(body) = self.call(&request).await else { return self.lost(&order) };
                let response = VirtualAccountResponse::parse(&body, Version::V1).expect("a virtual account answer");
                assert_eq!(response.outcome(), Ok(VirtualAccountOutcome::Issued), "{order}");
                self.ledger.lock().expect("ledger").orders.insert(order.clone(), String::new());
                self.answered();
                if !self.acknowledge(&order).await {
                    return;
                }
                for _ in 0..DEPOSITS_PER_ACCOUNT {
                    if !self.deposit(&order).await || !self.acknowledge(&order).await {
                        return;
                    }
                }
            }
        }
    }

    /// `POST /sandbox/deposits`; false when the answer was lost (then recorded as in flight).
    async fn deposit(&self, order: &str) -> bool {
        let body = format!("order_number={order}&amount={DEPOSIT}");
        let sent = self
            .http
            .post(format!("{}/sandbox/deposits", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(response) => {
                assert_eq!(response.status(), 200, "{order}: deposit refused");
                response.bytes().await.ok()
            }
            Err(_) => None,
        };
        let mut ledger = self.ledger.lock().expect("ledger");
        if answer.is_none() {
            ledger.deposit_in_flight.insert(order.to_owned(), DEPOSIT);
            ledger.in_flight.push(order.to_owned());
            return false;
        }
        *ledger.deposited.entry(order.to_owned()).or_default() += DEPOSIT;
        drop(ledger);
        self.answered();
        true
    }
}

fn link_order(order_number: &str) -> LinkOrder<'_> {
    LinkOrder {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "YAMADA Taro",
        user_mail_add: "taro@example.com",
        item_code: "ITEM1",
        item_name: "crash test",
        order_number,
        st_code: "10000-0000-00000",
        mission_code: "1",
        item_price: "1200",
        ..Default::default()
    }
}

fn virtual_account(order_number: &str) -> VirtualAccount<'_> {
    VirtualAccount {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "YAMADA Taro",
        user_mail_add: "taro@example.com",
        item_code: "ITEM1",
        item_name: "crash test",
        order_number,
        st_code: "00000-0000-00000-00000-00100-00000-00000",
        item_price: "5000",
        ..Default::default()
    }
}

/// A fresh directory under the system temp directory, removed by the test.
fn temp_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("epsilon-crash-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}

/// `POST /sandbox/clock` with `advance_days`: the clock's `(offset_days, today)` after it.
async fn clock(http: &reqwest::Client, url: &str, days: u32) -> (serde_json::Value, serde_json::Value) {
    let response = http
        .post(format!("{url}/sandbox/clock"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("advance_days={days}"))
        .send()
        .await
        .expect("the clock endpoint");
    let text = response.text().await.expect("a clock answer");
    let json: serde_json::Value = serde_json::from_str(&text).expect("a json clock answer");
    (json["offset_days"].clone(), json["today"].clone())
}

#[test]
fn a_killed_sandbox_keeps_every_acknowledged_order_and_deposit() {
    let dir = temp_dir();
    let db = dir.join("sandbox.db");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("http client");

    let first = Sandbox::start(&db);
    let before = runtime.block_on(clock(&http, &first.url, 3));
    let load = Arc::new(Load {
        http: http.clone(),
        url: first.url.clone(),
        ledger: Mutex::new(Ledger::default()),
        answers: AtomicUsize::new(0),
        victim: Mutex::new(Some(first.child)),
    });
    runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS).map(|task| tokio::spawn(Arc::clone(&load).run(task))).collect();
        for task in tasks {
            task.await.expect("a load task");
        }
    });
    assert!(load.victim.lock().expect("victim").is_none(), "the load ended before the kill");
    let answers = load.answers.load(Ordering::SeqCst);
    assert!((ANSWERS / 2..ANSWERS).contains(&answers), "{answers} answers: expected the kill mid-run");

    let second = Sandbox::start(&db);
    let mut second_child = second.child;
    let ledger = std::mem::take(&mut *load.ledger.lock().expect("ledger"));
    let restarted = Arc::new(Load {
        http: http.clone(),
        url: second.url.clone(),
        ledger: Mutex::new(Ledger::default()),
        answers: AtomicUsize::new(0),
        victim: Mutex::new(None),
    });
    let checked = runtime.block_on(async {
        let after = clock(&http, &second.url, 0).await;
        assert_eq!(after, before, "the sandbox clock changed across the crash");
        let mut checked = 0;
        for (order, state) in &ledger.orders {
            let now = restarted.state(order).await.expect("the restarted sandbox answers");
            if !ledger.in_flight.contains(order) && !state.is_empty() {
                assert_eq!(&now, state, "{order}: getsales2 state changed across the crash");
            }
            let text = http
                .get(format!("{}/sandbox/orders/{order}", second.url))
                .send()
                .await
                .expect("the orders endpoint")
                .text()
                .await
                .expect("an order answer");
            let json: serde_json::Value = serde_json::from_str(&text).expect("a json order");
            let deposited = json["deposited"].as_u64().expect("deposited");
            let acked = ledger.deposited.get(order).copied().unwrap_or(0);
            let lost = ledger.deposit_in_flight.get(order).copied().unwrap_or(0);
            assert!(
                deposited == acked || deposited == acked + lost,
                "{order}: deposited {deposited}, acknowledged {acked}, lost in flight {lost}"
            );
            checked += 1;
        }
        checked
    });
    second_child.kill().expect("stop the restarted sandbox");
    second_child.wait().expect("reap the restarted sandbox");
    std::fs::remove_dir_all(&dir).ok();
    eprintln!(
        "crash: killed after {answers} of {ANSWERS} answers; {checked} acknowledged orders checked, {} in flight",
        ledger.in_flight.len()
    );
    assert!(checked >= ANSWERS / 4, "only {checked} orders acknowledged before the kill");
}
