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
//! # How it is built
//!
//! The machinery is gateway-neutral and lives in [`japay_sandbox`]: the server, the SQLite store, the notification
//! outbox, the clock, the control endpoints, the HTML helpers. This crate is Epsilon on it: `state` (the
//! [`japay_sandbox::Gateway`] implementation), `api` and `checks` (routing by the spec and the gateway's checks),
//! `cgi/` (one handler per served operation, keyed by its spec), [`writer`] (the answer layouts), `pages`,
//! `notices` (notification bodies from their specs), `control` (the token endpoint, orders, deposits), `schema`
//! and `store/` (Epsilon's tables), `details` (the few error texts no code table has).
//!
//! # What it enforces
//!
//! * The source address: only [`Config::allow_hosts`] (default: any loopback address), else 908 with the gateway's
//!   text. The buyer pages and the `/sandbox/…` endpoints are not restricted (a browser reaches them).
//! * The contract: malformed → 607, unknown or inactive → 907 (getsales2 answers an empty root instead, as the
//!   gateway does for a wrong contract code).
//! * The operation: chosen by the spec's routes (the CGI and, on `receive_order3.cgi`, `process_code`); an unknown
//!   `process_code` is 601. An operation the sandbox does not serve (the
//!   subscription and multi-currency CGIs) is a 404 naming it, before any other check.
//! * The parameters, with epsilon-proto's own rules ([`epsilon_proto::request_body`]): 601 with the gateway's detail
//!   texts, 909 for a bad `mission_code`. Error texts are the spec's `err_code` table's.
//! * An order_number is accepted once per contract, atomically: the `UNIQUE` constraint of the orders table decides,
//!   so of many concurrent requests exactly one wins and the others get 604.
//! * A token is used once (936); an unknown transaction is 810; process 9 for an unknown user is Apache's HTTP 500.
//! * Every answer is written by [`writer`] in the layout of the CGI that answers, CP932 percent-encoding for
//!   version 1 and UTF-8 for version 2 (a UTF-8 body with `version=2`).
//!
//! # Durability
//!
//! SQLite in WAL mode with `synchronous=FULL`; each request's work is one transaction, committed before its answer
//! is sent. After a `kill -9` and a restart on the same file, every accepted order, user and deposit is there and the
//! sandbox clock (an offset in days, stored) is unchanged. Schema migrations are versioned (`PRAGMA user_version`).
//! Notifications are queued in the transaction of the change they report (an outbox) and delivered after the
//! commit; a restart resumes them. Their bodies are encoded by epsilon-proto's request encoder from the
//! notification's spec (`payment_notification`, `deposit_notification`), in CP932, checked like any request.
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
//! * A GMO ID charge (`receive_order_gmo2.cgi`) approves any `gmo_id` and a `gmo_card_id` of digits (601
//!   otherwise). A GMO後払い order (link page, `method=gmo_after`) passes screening at once (state 5) and
//!   `ship_request.cgi` moves it to 出荷登録中 (state 6); the screening states and the GMO後払い status notification
//!   are not simulated.
//! * The subscription CGIs (`regularly_cancel.cgi`, `regularly_amount_change.cgi`) and `direct_card_multi.cgi` are
//!   not served (404, naming the operation).
//! * Buyer forms post to root-relative paths (`/cgi-bin/order/…`): resolve them against the page's URL.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod api;
mod cgi;
mod checks;
mod clock;
mod control;
mod details;
mod notices;
mod pages;
mod schema;
mod state;
mod store;
pub mod writer;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

pub use japay_sandbox::SandboxError;

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
        let machinery = japay_sandbox::Settings::default();
        Config {
            contracts: Vec::new(),
            inactive_contracts: Vec::new(),
            allow_hosts: Vec::new(),
            notify_url: None,
            return_url: None,
            db: None,
            notify_backoff: machinery.notify_backoff,
            notify_max_attempts: machinery.notify_max_attempts,
        }
    }
}

/// Starts a sandbox listening on `listen` (port 0 picks a free port) and returns once it accepts connections.
///
/// # Errors
/// [`SandboxError::Store`] when the database cannot be opened or migrated, [`SandboxError::Bind`] when the address
/// cannot be bound.
pub async fn start(config: Config, listen: SocketAddr) -> Result<Running, SandboxError> {
    let contracts = if config.contracts.is_empty() { vec!["12345678".to_owned()] } else { config.contracts };
    let epsilon =
        state::Epsilon { contracts, inactive_contracts: config.inactive_contracts, return_url: config.return_url };
    let settings = japay_sandbox::Settings {
        allow_hosts: config.allow_hosts,
        db: config.db,
        notify_url: config.notify_url,
        notify_backoff: config.notify_backoff,
        notify_max_attempts: config.notify_max_attempts,
        ..japay_sandbox::Settings::default()
    };
    japay_sandbox::start(epsilon, settings, listen).await.map(|running| Running { running })
}

/// A running sandbox.
#[derive(Debug)]
pub struct Running {
    running: japay_sandbox::Running,
}

impl Running {
    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// The CGI base, `http://127.0.0.1:PORT/cgi-bin/order/`.
    pub fn cgi_base(&self) -> String {
        format!("{}/cgi-bin/order/", self.running.url())
    }

    /// Stops accepting connections and waits for the requests in flight.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }
}
