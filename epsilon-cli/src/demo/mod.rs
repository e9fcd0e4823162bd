//! `epsilon demo`: the main flows end to end against an in-process sandbox, on the neutral demo machinery
//! ([`japay_cli::demo`]: the command, the runtime, the step printer [`say`] and the merchant's endpoint).
//!
//! The walk of issue 7 §5. Every step prints what it sent and what came back, and fails the demo (exit 1) when the
//! sandbox answers something else than the gateway would:
//!
//! - `steps.rs`: steps 1–3 and 6 (a user's card, a link order with its notification, 3-D Secure 2.0, a duplicate
//!   order number);
//! - `virtual_account.rs`: steps 4 and 5 (deposits and the deadline, through the sandbox's control endpoints);
//! - `control.rs`: the sandbox's control endpoints.

mod control;
mod steps;
mod virtual_account;

use std::net::SocketAddr;
use std::time::Duration;

use epsilon_client::Client;
use epsilon_proto::transport::Environment;
use japay_cli::demo::{Demo, Merchant, say};
use japay_sandbox::buyer::Browser;

use crate::epsilon::Epsilon;
use virtual_account::Deposits;

/// The contract code the sandbox accepts by default.
const CONTRACT: &str = "12345678";
/// The test card the sandbox approves.
const CARD_OK: &str = "4242424242424242";
/// The test card the sandbox answers with 3-D Secure 2.0 (result 6).
const CARD_3DS2: &str = "4000000000003220";
/// The link order whose number step 6 sends again.
const LINK_ORDER: &str = "D0001";
/// What a merchant answers a notification it took.
const NOTIFICATION_REPLY: &str = "1";

impl Demo for Epsilon {
    const ABOUT: &'static str = "Walk the main flows end to end against an in-process sandbox";

    async fn walk() -> Result<(), String> {
        let merchant = Merchant::start(NOTIFICATION_REPLY).await?;
        let config = epsilon_sandbox::Config {
            notify_url: Some(merchant.notify_url()),
            return_url: Some(merchant.return_url()),
            notify_backoff: Duration::from_millis(100),
            ..epsilon_sandbox::Config::default()
        };
        let sandbox = epsilon_sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| format!("cannot start the sandbox: {e}"))?;
        say(format_args!("epsilon demo: the main flows against a local sandbox at {} (in memory)", sandbox.url()));
        say(format_args!("merchant endpoint (return_url, notify_url) at {}\n", merchant.url()));
        let client = Client::builder()
            .environment(Environment::Custom(sandbox.cgi_base()))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("cannot build the client: {e}"))?;
        let buyer = Browser::new().map_err(|e| e.to_string())?;
        let result = steps(&client, &buyer, &merchant, &sandbox.url()).await;
        sandbox.shutdown().await;
        result
    }
}

/// The steps, in order.
async fn steps(client: &Client, buyer: &Browser, merchant: &Merchant, sandbox: &str) -> Result<(), String> {
    steps::register_user(client, buyer, merchant).await?;
    steps::link_order(client, buyer, merchant).await?;
    steps::card_3ds2(client, buyer, merchant).await?;
    virtual_account::run(client, sandbox, "D0003", Deposits::ShortThenTopUp).await?;
    virtual_account::run(client, sandbox, "D0004", Deposits::NoneBeforeTheDeadline).await?;
    steps::duplicate(client).await?;
    say("\ndone: every step answered as the gateway would.");
    Ok(())
}

/// A card number with all but the last four digits masked.
fn masked(card: &str) -> String {
    let tail = card.get(card.len().saturating_sub(4)..).unwrap_or_default();
    format!("****-****-****-{tail}")
}
