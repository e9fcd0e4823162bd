//! `kuroneko sandbox`: a local Kuroneko Web Collect test gateway (the `kuroneko-sandbox` crate) on the neutral
//! scaffolding ([`japay_cli::sandbox`]: `--listen`, `--db`, the listen URL as the first stdout line, serving until
//! stopped). Kuroneko supplies its help, its options (the setup states of the merchant's setup guide, the access key,
//! the notification URL) and its start.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, value_parser};
use japay_cli::sandbox::Serve;
use kuroneko_sandbox::StartDate;

use crate::kuroneko::Kuroneko;

impl Serve for Kuroneko {
    const ABOUT: &'static str =
        "Run a local Kuroneko Web Collect test gateway: the API functions, the ACS and PayPay pages, on SQLite";
    const LONG_ABOUT: &'static str = "Run a local Kuroneko Web Collect test gateway: the API functions under \
        /test_gateway/<name>.api (as on Yamato's test gateway), the buyer pages (3-D Secure ACS, PayPay approval), the \
        settlement notifications, and the control endpoints (/sandbox/token, /sandbox/deposits, /sandbox/time, \
        /sandbox/clock, /sandbox/orders/ORDER_NO, /sandbox/notifications).\n\n\
        The setup states of the merchant's setup guide are options: an unknown trader code or a --start-date still \
        ahead answers Z012000007, --no-api-contract Z012000008, a caller outside --allow-host Z012000009 (H01 \
        traderIp excepted: it says which IP to register).\n\n\
        The listen URL (http://HOST:PORT) is the first line on stdout; `kuroneko check --base-url URL` takes it as \
        printed. The sandbox then serves until it is killed. Without --db the database is in memory and lost on exit.";
    const DEFAULT_LISTEN: &'static str = "127.0.0.1:8484";

    type Running = kuroneko_sandbox::Running;

    fn args() -> Vec<Arg> {
        vec![
            Arg::new("trader-code")
                .long("trader-code")
                .value_name("CODE")
                .action(ArgAction::Append)
                .value_parser(trader_code)
                .help(format!(
                    "A known trader code (加盟店コード, repeatable; default {}); others get Z012000007",
                    kuroneko_sandbox::DEFAULT_TRADER_CODE
                )),
            Arg::new("access-key").long("access-key").value_name("KEY").value_parser(access_key).help(format!(
                "The access key the sandbox verifies check_sum with (default {})",
                kuroneko_sandbox::DEFAULT_ACCESS_KEY
            )),
            Arg::new("allow-host")
                .long("allow-host")
                .value_name("IP")
                .value_parser(value_parser!(IpAddr))
                .action(ArgAction::Append)
                .help(
                    "A source address allowed to call the API, others get Z012000009 (repeatable; default: loopback)",
                ),
            Arg::new("start-date")
                .long("start-date")
                .value_name("YYYYMMDD")
                .value_parser(|text: &str| text.parse::<StartDate>().map_err(|e| e.to_string()))
                .help("The service start date (利用開始日): before it, on the sandbox clock, calls get Z012000007"),
            Arg::new("no-api-contract")
                .long("no-api-contract")
                .action(ArgAction::SetTrue)
                .help("The API method was not applied for: every call gets Z012000008"),
            Arg::new("notify-url")
                .long("notify-url")
                .value_name("URL")
                .value_parser(notify_url)
                .help("Where settlement (決済結果通知) and PayPay notifications are POSTed; the reply 0 accepts one"),
        ]
    }

    async fn start(
        args: &ArgMatches,
        listen: SocketAddr,
        db: Option<PathBuf>,
    ) -> Result<kuroneko_sandbox::Running, String> {
        kuroneko_sandbox::start(config(args, db), listen).await.map_err(|e| e.to_string())
    }

    fn url(running: &kuroneko_sandbox::Running) -> String {
        running.url()
    }

    fn serving(running: &kuroneko_sandbox::Running) -> String {
        format!("API at {}", running.api_base())
    }

    async fn shutdown(running: kuroneko_sandbox::Running) {
        running.shutdown().await;
    }
}

/// `--trader-code`: what a request's `trader_code` can hold (1 to 20 ASCII letters and digits), else no request
/// could ever name this merchant.
fn trader_code(code: &str) -> Result<String, String> {
    if (1..=20).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(code.to_owned())
    } else {
        Err("expected a trader code of 1 to 20 ascii letters and digits".to_owned())
    }
}

/// `--access-key`: not empty (the encoder refuses an empty one, so no check_sum could match).
fn access_key(key: &str) -> Result<String, String> {
    if key.is_empty() { Err("expected the access key, found an empty value".to_owned()) } else { Ok(key.to_owned()) }
}

/// `--notify-url`: an http or https URL (the notifications are POSTed to it).
fn notify_url(url: &str) -> Result<String, String> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")).unwrap_or("");
    if rest.is_empty() || rest.starts_with('/') {
        Err("expected an http:// or https:// url with a host".to_owned())
    } else {
        Ok(url.to_owned())
    }
}

/// The sandbox configuration the arguments describe.
fn config(m: &ArgMatches, db: Option<PathBuf>) -> kuroneko_sandbox::Config {
    kuroneko_sandbox::Config {
        trader_codes: m.get_many::<String>("trader-code").map(|v| v.cloned().collect()).unwrap_or_default(),
        access_key: m.get_one::<String>("access-key").cloned(),
        allow_hosts: m.get_many::<IpAddr>("allow-host").map(|v| v.copied().collect()).unwrap_or_default(),
        start_date: m.get_one::<StartDate>("start-date").copied(),
        no_api_contract: m.get_flag("no-api-contract"),
        notify_url: m.get_one::<String>("notify-url").cloned(),
        db,
        ..kuroneko_sandbox::Config::default()
    }
}
