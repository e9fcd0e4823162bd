//! `kuroneko demo`: the main flows end to end against an in-process sandbox, on the neutral demo machinery
//! ([`japay_cli::demo`]: the command, the runtime, the step printer [`say`] and the merchant's endpoint).
//!
//! The walk of issue 13 §7. Every step prints what it sent and what came back, and fails the demo (exit 1) when the
//! sandbox answers something else than the gateway would:
//!
//! - `card.rs`: steps 1–4 and 6 (a token and A08 with 3-D Secure, the ACS and A09; E01 capturing and E04; A07, A06
//!   and E04; a stored card with A03/A05; a duplicate order number);
//! - `cvs.rs`: step 5 (a Seven-Eleven slip paid through the sandbox, its notification answered `0`, E04);
//! - `check.rs`: step 7 (`kuroneko check` against a sandbox that does not allow this host: Z012000009);
//! - `control.rs`: the sandbox's control endpoints (token, deposits, time of day).

mod card;
mod check;
mod control;
mod cvs;

use std::net::SocketAddr;
use std::time::Duration;

use japay_cli::demo::{Demo, Merchant, fail, say};
use japay_core::outcome::OutcomeSummary;
use japay_sandbox::buyer::Browser;
use kuroneko_client::{Client, Environment};
use kuroneko_proto::notify::KuronekoReply;

use crate::kuroneko::Kuroneko;
use control::Control;

/// The trader code the sandbox knows by default.
const TRADER: &str = kuroneko_sandbox::DEFAULT_TRADER_CODE;
/// The access key the sandbox verifies checksums with by default.
const ACCESS_KEY: &str = kuroneko_sandbox::DEFAULT_ACCESS_KEY;
/// The test card the sandbox approves.
const CARD_OK: &str = "4111111111111111";
/// The test card the sandbox answers with 3-D Secure.
const CARD_3DS: &str = "4000000000003220";

impl Demo for Kuroneko {
    const ABOUT: &'static str = "Walk the main flows end to end against an in-process sandbox";

    async fn walk() -> Result<(), String> {
        // what a merchant answers a notification it processed: the body 0 (Epsilon's is 1)
        let reply = std::str::from_utf8(KuronekoReply::Processed.body()).map_err(|e| e.to_string())?;
        let merchant = Merchant::start(reply).await?;
        let config = kuroneko_sandbox::Config {
            notify_url: Some(merchant.notify_url()),
            notify_backoff: Duration::from_millis(100),
            ..kuroneko_sandbox::Config::default()
        };
        let sandbox = kuroneko_sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| format!("cannot start the sandbox: {e}"))?;
        say(format_args!("kuroneko demo: the main flows against a local sandbox at {} (in memory)", sandbox.url()));
        say(format_args!("merchant endpoint (trader_ec_url, notifications) at {}\n", merchant.url()));
        let result = async {
            let client = Client::builder()
                .environment(Environment::Custom(sandbox.api_base()))
                .trader_code(TRADER)
                .access_key(ACCESS_KEY)
                .timeout(Duration::from_secs(20))
                .build()
                .map_err(|e| format!("cannot build the client: {e}"))?;
            let buyer = Browser::new().map_err(|e| e.to_string())?;
            let control = Control::new(&sandbox.url())?;
            // A07 and A11 are refused 23:00–01:00 JST: the demo runs at noon on the sandbox clock, whenever it runs
            control.time_of_day("12:00").await?;
            steps(&client, &buyer, &merchant, &control).await
        }
        .await;
        sandbox.shutdown().await;
        result?;
        check::run().await?;
        say(
            "done: every step answered as the sandbox models the gateway (facts reconstructed from public clients; confirm on Yamato's test gateway).",
        );
        Ok(())
    }
}

/// Steps 1 to 6, in order, against one sandbox.
async fn steps(client: &Client, buyer: &Browser, merchant: &Merchant, control: &Control) -> Result<(), String> {
    card::three_d_secure(client, buyer, merchant, control).await?;
    card::capture(client).await?;
    card::change_and_cancel(client, control).await?;
    card::stored_card(client, control).await?;
    cvs::seven_eleven(client, merchant, control).await?;
    card::duplicate(client, control).await
}

/// The outcome of an answer: its kind (`ok`, `tds_html`, `failure`, …) and its error code, or the step's failure.
fn summary<'r>(
    step: &str,
    summary: Option<Result<OutcomeSummary<'r>, japay_core::outcome::OutcomeError>>,
) -> Result<OutcomeSummary<'r>, String> {
    match summary {
        Some(Ok(summary)) => Ok(summary),
        Some(Err(e)) => fail(step, format_args!("the answer fits no documented outcome: {e}")),
        None => fail(step, "the operation documents no outcomes"),
    }
}

/// `KIND` or `failure CODE (TEXT)`, for a line of the demo.
fn described(summary: &OutcomeSummary<'_>) -> String {
    match summary.error {
        Some(code) => {
            let text = code.entry.map_or("", |entry| entry.en);
            match summary.cause() {
                Some(cause) => format!("{} {} ({text}), creditErrorCode {}", summary.kind, code.value(), cause.value()),
                None => format!("{} {} ({text})", summary.kind, code.value()),
            }
        }
        None => format!("{} ({})", summary.kind, summary.name),
    }
}

/// A card number with all but the last four digits masked.
fn masked(card: &str) -> String {
    let tail = card.get(card.len().saturating_sub(4)..).unwrap_or_default();
    format!("************{tail}")
}
