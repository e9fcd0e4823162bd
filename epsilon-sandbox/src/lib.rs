//! A local GMO Epsilon test environment: the gateway's CGIs, its buyer pages and its notifications, on axum and
//! SQLite.
//!
//! # Why
//!
//! Epsilon's own test environment answers only registered source addresses (908), has no 3-D Secure 2.0 at all, and
//! cannot trigger virtual-account deposits or the 30-day deadline. This crate answers like the gateway on a laptop
//! or in CI: a client sends the same bytes it would send to Epsilon and reads the same kind of answer, so every flow
//! (link orders with the buyer's page, the card API with both 3-D Secure versions, users, convenience stores,
//! virtual accounts, getsales2) can be tried end to end.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = tokio::runtime::Runtime::new()?;
//! runtime.block_on(async {
//!     let config = epsilon_sandbox::Config { contracts: vec!["12345678".into()], ..Default::default() };
//!     let sandbox = epsilon_sandbox::start(config, "127.0.0.1:0".parse()?).await?;
//!     assert!(sandbox.cgi_base().ends_with("/cgi-bin/order/"));
//!     // POST receive_order3.cgi, getsales2.cgi, … to sandbox.cgi_base() as to the gateway
//!     sandbox.shutdown().await;
//!     Ok(())
//! })
//! # }
//! ```
//!
//! # What it enforces
//!
//! * The source address: only [`Config::allow_hosts`] (default: any loopback address), else 908 with the gateway's
//!   text. The buyer pages and the `/sandbox/…` endpoints are not restricted (a browser reaches them).
//! * The contract: malformed → 607, unknown or inactive → 907 (getsales2 answers an empty root instead, as the
//!   gateway does for a wrong contract code).
//! * The parameters, with epsilon-proto's own rules ([`epsilon_proto::request_body`]): 601 with the gateway's detail
//!   texts, 909 for a bad `mission_code`.
//! * An order_number is accepted once per contract, atomically: the `UNIQUE` constraint of the orders table decides,
//!   so of many concurrent requests exactly one wins and the others get 604.
//! * A token is used once (936); an unknown transaction is 810; process 9 for an unknown user is Apache's HTTP 500.
//! * Every answer is written by [`answer`] in the layout of the CGI that answers, CP932 percent-encoding for
//!   version 1 and UTF-8 for version 2 (a UTF-8 body with `version=2`).
//!
//! # Durability
//!
//! SQLite in WAL mode with `synchronous=FULL`; each request's work is one transaction, committed before its answer
//! is sent. After a `kill -9` and a restart on the same file, every accepted order, user and deposit is there and the
//! sandbox clock (an offset in days, stored) is unchanged. Schema migrations are versioned (`PRAGMA user_version`).
//! Notifications are queued in the transaction of the change they report (an outbox) and delivered after the
//! commit; a restart resumes them.
//!
//! # Sandbox choices
//!
//! Where the gateway's behaviour is not documented the sandbox picks one, and says so in the module that implements
//! it: the test cards (any other number is approved), the notification schedule (backoff doubling from
//! [`Config::notify_backoff`], accepted on exactly `1`), the charset rule of request bodies, a declined order number
//! that may be sent again with its trans_code (facts Q20, uncertain), the `result` of error answers (0 on
//! receive_order3, 9 elsewhere), the texts of 601 for fields without a recorded text, 604 and 907 texts from the code
//! table, the slip and account data, getsales2 for a short virtual-account deposit (state 0 with the amount), and
//! no 入金通知 for virtual accounts.
//!
//! # Limits
//!
//! * Card numbers are never stored: only a masked number, the brand, the expiry and which test card it was.
//! * A notification attempt in flight at a crash may be sent again after the restart (at-least-once delivery).
//! * Monthly billing is not simulated beyond stopping it (process 8 finds a card order with a monthly mission_code
//!   by user_id + item_code); change_amount works on one order (order_number), not on a monthly billing.
//! * `receive_order_gmo2.cgi` and `ship_request.cgi` are not served (404).
//! * Buyer forms post to root-relative paths (`/cgi-bin/order/…`): resolve them against the page's URL.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

pub mod answer;
mod cgi;
mod clock;
mod control;
mod notify;
mod pages;
mod server;
mod store;
mod texts;

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How a sandbox runs. Build it with struct-update syntax: `Config { db: Some(path), ..Config::default() }`.
#[derive(Clone, Debug)]
pub struct Config {
    /// Active contract codes; empty → the default `["12345678"]`.
    pub contracts: Vec<String>,
    /// Contract codes answered 907.
    pub inactive_contracts: Vec<String>,
    /// Source addresses allowed to call the CGIs; empty → any loopback address. Others get 908.
    pub allow_hosts: Vec<IpAddr>,
    /// Where 決済完了通知 and 入金通知 are POSTed.
    pub notify_url: Option<String>,
    /// Where the buyer's browser is redirected after a payment page or the card-entry page.
    pub return_url: Option<String>,
    /// The SQLite file; `None` → an in-memory database.
    pub db: Option<PathBuf>,
    /// The first delay between notification attempts, doubled after each (default 1 s).
    pub notify_backoff: Duration,
    /// How many times a notification is sent at most (default 8).
    pub notify_max_attempts: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            contracts: Vec::new(),
            inactive_contracts: Vec::new(),
            allow_hosts: Vec::new(),
            notify_url: None,
            return_url: None,
            db: None,
            notify_backoff: Duration::from_secs(1),
            notify_max_attempts: 8,
        }
    }
}

impl Config {
    /// The active contract codes (the default one when none is configured).
    fn active_contracts(&self) -> Vec<String> {
        if self.contracts.is_empty() { vec!["12345678".to_owned()] } else { self.contracts.clone() }
    }
}

/// Why the sandbox could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listen address could not be bound.
    Bind(std::io::Error),
    /// The database could not be opened or migrated.
    Store(String),
}

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SandboxError::Bind(e) => write!(f, "expected a free listen address: {e}"),
            SandboxError::Store(e) => write!(f, "expected a usable sqlite database: {e}"),
        }
    }
}

impl std::error::Error for SandboxError {}

/// What every handler shares.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) contracts: Vec<String>,
    pub(crate) store: store::Store,
    /// The sandbox's own base URL, `http://127.0.0.1:PORT`.
    pub(crate) url: String,
    pub(crate) http: reqwest::Client,
}

/// Starts a sandbox listening on `listen` (port 0 picks a free port) and returns once it accepts connections.
///
/// # Errors
/// [`SandboxError::Store`] when the database cannot be opened or migrated, [`SandboxError::Bind`] when the address
/// cannot be bound.
pub async fn start(config: Config, listen: SocketAddr) -> Result<Running, SandboxError> {
    let store = store::Store::open(config.db.as_deref()).map_err(|e| SandboxError::Store(e.to_string()))?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(SandboxError::Bind)?;
    let addr = listener.local_addr().map_err(SandboxError::Bind)?;
    let url = format!("http://{addr}");
    let shared = Arc::new(Shared {
        contracts: config.active_contracts(),
        config,
        store,
        url: url.clone(),
        http: reqwest::Client::new(),
    });
    notify::resume(shared.clone()).await;
    let app = server::router(shared).into_make_service_with_connect_info::<SocketAddr>();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    });
    Ok(Running { url, stop: Some(stop), task })
}

/// A running sandbox.
#[derive(Debug)]
pub struct Running {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The CGI base, `http://127.0.0.1:PORT/cgi-bin/order/`.
    pub fn cgi_base(&self) -> String {
        format!("{}/cgi-bin/order/", self.url)
    }

    /// Stops accepting connections and waits for the requests in flight.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}
