//! Load figure for the sandbox: link orders (receive_order3.cgi, distinct order numbers) from concurrent tasks
//! against an in-process `epsilon-sandbox`, in memory and on a temporary database file (WAL, synchronous=FULL: every
//! answered order is on disk before its answer). Prints requests per second and the p50 and p99 latency; asserts
//! nothing about time.
//!
//! ```sh
//! cargo bench -p epsilon-bench --bench sandbox_load              # 2000 orders from 8 tasks per database
//! SANDBOX_LOAD_ORDERS=5000 SANDBOX_LOAD_TASKS=16 cargo bench -p epsilon-bench --bench sandbox_load
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use epsilon_proto::{Charset, LinkOrder, LinkOrderOutcome, LinkOrderResponse, Operation, Options, Version};

/// A count from the environment, or the default.
fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(default)
}

/// The encoded body of link order number `n`.
fn body(n: usize) -> Vec<u8> {
    let order_number = format!("L{n:08}");
    let request = LinkOrder {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        item_code: "ITEM1",
        item_name: "load",
        order_number: &order_number,
        st_code: "10000-0000-00000",
        mission_code: "1",
        item_price: "1000",
        ..Default::default()
    };
    let mut body = Vec::new();
    request.encode(Options::new(Charset::Cp932), &mut body).expect("a valid link order");
    body
}

/// Sends `orders` link orders from `tasks` tasks; the latency of each, sorted, and the wall time.
async fn load(url: &str, orders: usize, tasks: usize) -> (Vec<Duration>, Duration) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("http client");
    let endpoint = Arc::new(format!("{url}/cgi-bin/order/{}", LinkOrder::SPEC.path));
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let (http, endpoint) = (http.clone(), Arc::clone(&endpoint));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for n in (task..orders).step_by(tasks) {
                    let body = body(n);
                    let sent = Instant::now();
                    let response = http
                        .post(endpoint.as_str())
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body)
                        .send()
                        .await
                        .expect("the sandbox answers");
                    let bytes = response.bytes().await.expect("an answer body");
                    latencies.push(sent.elapsed());
                    let answer = LinkOrderResponse::parse(&bytes, Version::V1).expect("a link order answer");
                    assert!(matches!(answer.outcome(), Ok(LinkOrderOutcome::Redirect { .. })), "order {n} refused");
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::with_capacity(orders);
    for handle in handles {
        all.extend(handle.await.expect("a load task"));
    }
    let wall = started.elapsed();
    all.sort();
    (all, wall)
}

/// The `p`-th percentile (nearest rank) of sorted latencies.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: a short smoke run instead of the full load
    let smoke = !std::env::args().any(|a| a == "--bench");
    let orders = if smoke { 40 } else { setting("SANDBOX_LOAD_ORDERS", 2000) };
    let tasks = setting("SANDBOX_LOAD_TASKS", 8);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let file = std::env::temp_dir().join(format!("epsilon-sandbox-load-{}.db", std::process::id()));
    let databases: [(&str, Option<PathBuf>); 2] = [("in memory", None), ("file (WAL, synchronous=FULL)", Some(file))];
    println!("sandbox_load: {orders} link orders from {tasks} concurrent tasks, one process");
    for (label, db) in databases {
        let config = epsilon_sandbox::Config { db: db.clone(), ..epsilon_sandbox::Config::default() };
        let (latencies, wall) = runtime.block_on(async {
            let sandbox = epsilon_sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .expect("the sandbox starts");
            let result = load(&sandbox.url(), orders, tasks).await;
            sandbox.shutdown().await;
            result
        });
        if let Some(path) = db {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        let per_second = latencies.len() as f64 / wall.as_secs_f64();
        println!(
            "  {label:<30} {per_second:>8.0} requests/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} orders in {:.2} s)",
            percentile(&latencies, 50).as_secs_f64() * 1e3,
            percentile(&latencies, 99).as_secs_f64() * 1e3,
            latencies.len(),
            wall.as_secs_f64()
        );
    }
}
