//! A local Yamato Kuroneko Web Collect (クロネコwebコレクト) test gateway: its API functions, the setup states of
//! the merchant's setup guide (seed 004), the 3-D Secure ACS and PayPay pages, and its notifications, on axum and
//! SQLite.
//!
//! # Why
//!
//! Yamato's test gateway (`https://ptwebcollect.jp/test_gateway/`) answers only a registered server IP
//! (Z012000009), needs an applied-for API method and a reached start date, and cannot be told to pay a
//! convenience-store slip. This crate answers like the gateway on a laptop or in CI: a client sends the same bytes
//! it would send to Yamato and reads the same `<return>` answers, so every flow can be tried end to end.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = tokio::runtime::Runtime::new()?;
//! runtime.block_on(async {
//!     let sandbox = kuroneko_sandbox::start(kuroneko_sandbox::Config::default(), "127.0.0.1:0".parse()?).await?;
//!     assert!(sandbox.api_base().ends_with("/test_gateway/"));
//!     // POST creditToken.api, tradeInfo.api, … under sandbox.api_base() as to the test gateway
//!     sandbox.shutdown().await;
//!     Ok(())
//! })
//! # }
//! ```
//!
//! # How it is built
//!
//! The machinery is gateway-neutral and lives in [`japay_sandbox`]: the server, the SQLite store, the notification
//! outbox, the clock, the control endpoints, the HTML helpers. This crate is Kuroneko on it: `state` (the
//! [`japay_sandbox::Gateway`] implementation), `api` (routing by the spec and the gateway's checks, in order),
//! `codes` (the validation codes written by their layout, facts §4.2), `ops/` (one handler per served function,
//! keyed by its spec; `NOT_SERVED` with the reason), [`writer`] (the `<return>` documents), `pages` (ACS, PayPay),
//! `notices` (the 決済結果通知), `control` (the token endpoint, the time of day, orders, deposits), `schema` and
//! `store` (Kuroneko's tables), `clock` (the sandbox clock with a settable time of day).
//!
//! # URLs
//!
//! The API is served at `/test_gateway/<name>.api` as on Yamato's test gateway, and also at `/test_gateway/<name>`,
//! `/api/<name>` and `/<name>`, so that a client whose base URL is the listen URL (`http://127.0.0.1:8484`, the
//! first line `kuroneko sandbox` prints) finds it. B03–B06 share `cvs3` and are told apart by `function_div`, as the
//! spec routes them.
//!
//! Control endpoints (JSON, open to any source):
//!
//! * `POST /sandbox/token`: the `createToken` info object as JSON → `{"token": …}` (a one-time token, 30 minutes);
//! * `POST /sandbox/deposits` (form `order_no`, `amount`): a convenience-store slip is paid;
//! * `POST /sandbox/time` (form `time`, `HH:MM[:SS]` JST, empty to release): the time of day of the sandbox clock;
//! * `POST /sandbox/clock` (form `advance_days`), `GET /sandbox/notifications` (every attempt with `accepted`),
//!   `GET /sandbox/orders/{order_no}`: the machinery's.
//!
//! Buyer pages: `/sandbox/acs` (3-D Secure), `/sandbox/paypay/{key}` (PayPay approval).
//!
//! # What it enforces
//!
//! * **Setup states of seed 004**, in this order: a caller outside [`Config::allow_hosts`] (default: loopback) →
//!   Z012000009; a method other than `POST` → Z012000001; `function_div` missing → Z012000002, not a function of
//!   the URL → Z012000003; an unknown trader code or [`Config::start_date`] still ahead on the sandbox clock →
//!   Z012000007; [`Config::no_api_contract`] → Z012000008.
//! * **H01 `traderIp`** is answered whatever `allow_hosts` says, with the address the sandbox sees the caller at:
//!   H01 is how a merchant learns the IP to register. **Uncertain**: the real gateway's answer to an unregistered
//!   caller is not documented (facts §1.2, §9 #9).
//! * **Parameters** with kuroneko-proto's own rules (the operation's spec): the first violation is answered with
//!   its layout code (function, `101`, item number, check type; facts §4.2), e.g. A081010306 for a `device_div` of
//!   3. Parameters a function does not have are tolerated (facts §1.4, uncertain).
//! * **Order numbers** are taken once per trader, atomically: the `UNIQUE` constraint decides, so of many concurrent
//!   A08 with one `order_no` exactly one is accepted and the others get A082000003.
//! * **Tokens** are single use and valid 30 minutes on the sandbox clock (A082000004).
//! * **Stored cards**: `check_sum` verified (A031010571, A041010571, A051010571, A01 and L01 likewise by their
//!   layout), at most 3 cards a member (A082000011), `last_credit_date` as an optimistic lock (A043000001,
//!   A053000001).
//! * **Card statuses** (E04 `statusInfo`): authorized `4` → shipped by E01 `30` → settled `31` the next day; A06
//!   → `40`; A07 re-authorizes the new amount; A11 re-authorizes. A07 and A11 are refused 23:00–01:00 JST on the
//!   sandbox clock (A070000000, A110000000).
//! * **E01**: the seven-check on Yamato slips (E011010451), at most 99 slips an order (E012000002).
//! * **Convenience stores**: a slip per brand with its §3.2 fields; paid by `POST /sandbox/deposits`, then a
//!   決済結果通知 to [`Config::notify_url`] (`settle_detail` 2 then 3 for Seven-Eleven and FamilyMart, the 3 on the
//!   next day of the sandbox clock; 3 for the others; 11 when the slip expires). A notification is accepted when the merchant answers `0`; anything else is
//!   retried (the machinery's outbox, doubling backoff).
//! * **3-D Secure**: the test card 4000000000003220 gets a `threeDAuthHtml` that posts itself to the sandbox ACS;
//!   the ACS posts the upper-case fields to `trader_ec_url`; A09 checks they are relayed unmodified (A092000003); a
//!   declined authentication gives A092000004.
//! * **PayPay**: L01 answers a `redirectHtml` to the sandbox approval page; the browser returns to
//!   `return_url_success`/`return_url_failure` and a notification goes out.
//! * **`reserve_1` error injection**: a request whose `reserve_1` holds an error code (ten characters, a letter and
//!   nine digits) is answered with that code, after the setup checks (the credit refusals with `creditErrorCode`
//!   G12). Facts §2.1 say Yamato's test gateway does this; **uncertain** (one source).
//!
//! # Test cards
//!
//! | card number | A08 (token) | A01 (card data) |
//! |---|---|---|
//! | `4111111111111111` | approved (`crdCResCd`) | approved |
//! | `4000000000000002` | declined: A082000010 + `creditErrorCode` G12 | A012060001 + G12 |
//! | `4000000000003220` | 3-D Secure (`threeDAuthHtml` + `threeDToken`) | 3-D Secure when `auth_div` is 1 or 3 |
//! | any other 13–16 digits | approved | approved |
//!
//! `POST /sandbox/token` maps the card to the token; the number itself is never stored (its test kind, a mask and
//! the card company are).
//!
//! # HTTP
//!
//! The API, the buyer pages and Kuroneko's control endpoints answer only requests addressed to an IP address or
//! `localhost` (421 otherwise: no DNS rebinding); the buyer pages carry a `Content-Security-Policy` that lets only
//! their own self-post script run; `POST /sandbox/token` and `POST /sandbox/time` refuse another site's `Origin`
//! (403). Bodies are limited to the machinery's 2 MiB; every value in a page or an answer is escaped.
//!
//! # Durability
//!
//! SQLite in WAL mode with `synchronous=FULL`; each request's work is one transaction, committed before its answer
//! is sent, so after a `kill -9` and a restart on the same file every answered order is there. Notifications are
//! queued in the transaction of the change they report and resumed after a restart.
//!
//! # Sandbox choices
//!
//! Where the gateway's behaviour is not documented the sandbox picks one and says so in the module that implements
//! it: the test cards, the check types of the layout codes (`codes`), the answer to an unknown order in E04
//! (`resultCount` 0), the slip numbers and their 7 days, the PayPay statuses, the notification charset (UTF-8), the
//! tracking URLs of E01 (empty).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod api;
mod clock;
mod codes;
mod control;
mod host;
mod notices;
mod ops;
mod pages;
mod schema;
mod state;
mod store;
pub mod writer;

/// The sandbox's request front, for the fuzz target `kuroneko_sandbox_request` (`epsilon-tests`): not an API.
#[doc(hidden)]
pub mod fuzzing {
    use japay_core::spec::OperationSpec;

    /// What the sandbox makes of a POST body to the function `name` before it looks at its state: the operation,
    /// or the error code it answers (Z012000002/3 for a body it cannot route, a layout-encoded validation code, a
    /// check_sum code). `access_key` is the sandbox's.
    ///
    /// # Errors
    /// The error code the sandbox answers with.
    pub fn request(name: &str, body: &[u8], access_key: &str) -> Result<&'static OperationSpec, String> {
        let (form, op) = crate::api::route_request(name, body).map_err(str::to_owned)?;
        match crate::api::check(op, &form, access_key) {
            Some(code) => Err(code),
            None => Ok(op),
        }
    }
}

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use japay_sandbox::SandboxError;

/// The trader code a sandbox knows when none is configured.
pub const DEFAULT_TRADER_CODE: &str = "888888888";

/// The access key a sandbox computes checksums with when none is configured.
pub const DEFAULT_ACCESS_KEY: &str = "1234567";

/// A service start date (利用開始日), `YYYYMMDD`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct StartDate {
    text: [u8; 8],
}

impl StartDate {
    /// `YYYYMMDD`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or("")
    }
}

impl fmt::Debug for StartDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StartDate({})", self.as_str())
    }
}

impl fmt::Display for StartDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StartDate {
    type Err = String;

    /// Parses `YYYYMMDD` (month 01–12, day 01–31).
    ///
    /// # Errors
    /// What was expected.
    fn from_str(s: &str) -> Result<StartDate, String> {
        let bytes = s.as_bytes();
        let number = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u8>().ok());
        let ok = bytes.len() == 8
            && bytes.iter().all(u8::is_ascii_digit)
            && number(4..6).is_some_and(|m| (1..=12).contains(&m))
            && number(6..8).is_some_and(|d| (1..=31).contains(&d));
        let mut text = [0u8; 8];
        if ok {
            text.copy_from_slice(bytes);
            Ok(StartDate { text })
        } else {
            Err("start date: expected YYYYMMDD".to_owned())
        }
    }
}

/// How a sandbox runs. Build it with struct-update syntax: `Config { db: Some(path), ..Config::default() }`.
/// `Debug` redacts the access key.
#[derive(Clone)]
pub struct Config {
    /// Known trader codes (加盟店コード); empty → [`DEFAULT_TRADER_CODE`]. Others get Z012000007.
    pub trader_codes: Vec<String>,
    /// The access key (アクセスキー) checksums are computed with; `None` → [`DEFAULT_ACCESS_KEY`].
    pub access_key: Option<String>,
    /// Source addresses allowed to call the API; empty → any loopback address. Others get Z012000009 (H01 excepted).
    pub allow_hosts: Vec<IpAddr>,
    /// The service start date: before it, on the sandbox clock, every call is Z012000007.
    pub start_date: Option<StartDate>,
    /// The API method not applied for: every call is Z012000008.
    pub no_api_contract: bool,
    /// Where 決済結果通知 and PayPay notifications are POSTed.
    pub notify_url: Option<String>,
    /// The SQLite file; `None` → an in-memory database.
    pub db: Option<PathBuf>,
    /// The first delay between notification attempts, doubled after each (default 1 s).
    pub notify_backoff: Duration,
    /// How many times a notification is sent at most (default 8).
    pub notify_max_attempts: u32,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("trader_codes", &self.trader_codes)
            .field("access_key", &self.access_key.as_ref().map(|_| japay_core::secret::REDACTED))
            .field("allow_hosts", &self.allow_hosts)
            .field("start_date", &self.start_date)
            .field("no_api_contract", &self.no_api_contract)
            .field("notify_url", &self.notify_url)
            .field("db", &self.db)
            .field("notify_backoff", &self.notify_backoff)
            .field("notify_max_attempts", &self.notify_max_attempts)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        let machinery = japay_sandbox::Settings::default();
        Config {
            trader_codes: Vec::new(),
            access_key: None,
            allow_hosts: Vec::new(),
            start_date: None,
            no_api_contract: false,
            notify_url: None,
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
    let traders =
        if config.trader_codes.is_empty() { vec![DEFAULT_TRADER_CODE.to_owned()] } else { config.trader_codes };
    let kuroneko = state::Kuroneko {
        traders,
        access_key: config.access_key.unwrap_or_else(|| DEFAULT_ACCESS_KEY.to_owned()),
        start_date: config.start_date.map(|d| d.as_str().to_owned()),
        api_contract: !config.no_api_contract,
    };
    let settings = japay_sandbox::Settings {
        allow_hosts: config.allow_hosts,
        db: config.db,
        notify_url: config.notify_url,
        notify_backoff: config.notify_backoff,
        notify_max_attempts: config.notify_max_attempts,
        ..japay_sandbox::Settings::default()
    };
    japay_sandbox::start(kuroneko, settings, listen).await.map(|running| Running { running })
}

/// A running sandbox.
#[derive(Debug)]
pub struct Running {
    running: japay_sandbox::Running,
}

impl Running {
    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash): the listen URL.
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// The API base as on Yamato's test gateway, `http://127.0.0.1:PORT/test_gateway/` (a function's URL adds its
    /// name and `.api`).
    pub fn api_base(&self) -> String {
        format!("{}/test_gateway/", self.running.url())
    }

    /// Stops accepting connections and waits for the requests in flight.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn start_dates() {
        // (text, accepted)
        let cases =
            [("20260401", true), ("20261301", false), ("20260400", false), ("2026041", false), ("2026040a", false)];
        for (text, ok) in cases {
            assert_eq!(text.parse::<StartDate>().is_ok(), ok, "{text}");
        }
        assert_eq!("20260401".parse::<StartDate>().unwrap().to_string(), "20260401");
    }

    #[test]
    fn debug_never_shows_the_access_key() {
        let config = Config { access_key: Some("9876543".to_owned()), ..Config::default() };
        let debug = format!("{config:?}");
        assert!(!debug.contains("9876543") && debug.contains("access_key"), "{debug}");
    }
}
