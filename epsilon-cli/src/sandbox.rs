//! `epsilon sandbox`: a local Epsilon test environment (the `epsilon-sandbox` crate) on the neutral scaffolding
//! ([`japay_cli::sandbox`]: `--listen`, `--db`, the listen URL as the first stdout line, serving until stopped).
//! Epsilon supplies its help, its options (contracts, allowed hosts, notification and return URLs) and its start.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, value_parser};
use japay_cli::sandbox::Serve;

use crate::epsilon::Epsilon;

impl Serve for Epsilon {
    const ABOUT: &'static str =
        "Run a local Epsilon test environment: the CGIs, buyer pages and control endpoints, on SQLite";
    const LONG_ABOUT: &'static str = "Run a local Epsilon test environment: the gateway's CGIs under /cgi-bin/order/, \
        the buyer pages (payment page, card entry, 3-D Secure ACS), the token endpoint and the control endpoints \
        (/sandbox/deposits, /sandbox/clock, /sandbox/orders/ORDER_NUMBER, /sandbox/notifications).\n\n\
        The listen URL (http://HOST:PORT) is the first line on stdout; the sandbox then serves until it is \
        killed. Without --db the database is in memory and lost on exit.";
    const DEFAULT_LISTEN: &'static str = "127.0.0.1:8383";

    type Running = epsilon_sandbox::Running;

    fn args() -> Vec<Arg> {
        vec![
            Arg::new("contract")
                .long("contract")
                .value_name("CODE")
                .action(ArgAction::Append)
                .help("An active contract code (repeatable; default 12345678)"),
            Arg::new("inactive-contract")
                .long("inactive-contract")
                .value_name("CODE")
                .action(ArgAction::Append)
                .help("A contract code answered 907, contract not usable (repeatable)"),
            Arg::new("allow-host")
                .long("allow-host")
                .value_name("IP")
                .value_parser(value_parser!(IpAddr))
                .action(ArgAction::Append)
                .help("A source address allowed to call the CGIs, others get 908 (repeatable; default: any loopback)"),
            Arg::new("notify-url")
                .long("notify-url")
                .value_name("URL")
                .help("Where payment and deposit notifications are POSTed"),
            Arg::new("return-url")
                .long("return-url")
                .value_name("URL")
                .help("Where the buyer is redirected after a payment or a card registration"),
        ]
    }

    async fn start(
        args: &ArgMatches,
        listen: SocketAddr,
        db: Option<PathBuf>,
    ) -> Result<epsilon_sandbox::Running, String> {
        epsilon_sandbox::start(config(args, db), listen).await.map_err(|e| e.to_string())
    }

    fn url(running: &epsilon_sandbox::Running) -> String {
        running.url()
    }

    fn serving(running: &epsilon_sandbox::Running) -> String {
        format!("CGIs at {}", running.cgi_base())
    }

    async fn shutdown(running: epsilon_sandbox::Running) {
        running.shutdown().await;
    }
}

/// The sandbox configuration the arguments describe.
fn config(m: &ArgMatches, db: Option<PathBuf>) -> epsilon_sandbox::Config {
    let strings = |id: &str| m.get_many::<String>(id).map(|v| v.cloned().collect()).unwrap_or_default();
    epsilon_sandbox::Config {
        contracts: strings("contract"),
        inactive_contracts: strings("inactive-contract"),
        allow_hosts: m.get_many::<IpAddr>("allow-host").map(|v| v.copied().collect()).unwrap_or_default(),
        notify_url: m.get_one::<String>("notify-url").cloned(),
        return_url: m.get_one::<String>("return-url").cloned(),
        db,
        ..epsilon_sandbox::Config::default()
    }
}
