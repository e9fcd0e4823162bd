//! `epsilon sandbox`: a local Epsilon test environment (the `epsilon-sandbox` crate) on a port of this machine.
//!
//! The listen URL is the first line on stdout, flushed at once, so a script or a test can start the sandbox on port
//! 0 and read where it listens; then it serves until the process is killed. Everything else goes to stderr.

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use japay_cli::output::{OK, Output, REJECTED};

/// The listen address when `--listen` is absent.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:8383";

/// The `sandbox` subcommand.
pub(crate) fn command() -> Command {
    Command::new("sandbox")
        .about("Run a local Epsilon test environment: the CGIs, buyer pages and control endpoints, on SQLite")
        .long_about(
            "Run a local Epsilon test environment: the gateway's CGIs under /cgi-bin/order/, the buyer pages \
             (payment page, card entry, 3-D Secure ACS), the token endpoint and the control endpoints \
             (/sandbox/deposits, /sandbox/clock, /sandbox/orders/ORDER_NUMBER, /sandbox/notifications).\n\n\
             The listen URL (http://HOST:PORT) is the first line on stdout; the sandbox then serves until it is \
             killed. Without --db the database is in memory and lost on exit.",
        )
        .after_help("Exit status: 1 the sandbox could not start (address in use, database unreadable), 2 usage error.")
        .arg(
            Arg::new("listen")
                .long("listen")
                .value_name("ADDR")
                .value_parser(value_parser!(SocketAddr))
                .default_value(DEFAULT_LISTEN)
                .help("Address and port to listen on (port 0: any free port)"),
        )
        .arg(
            Arg::new("db")
                .long("db")
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help("SQLite database file, created when missing (default: in memory)"),
        )
        .arg(
            Arg::new("contract")
                .long("contract")
                .value_name("CODE")
                .action(ArgAction::Append)
                .help("An active contract code (repeatable; default 12345678)"),
        )
        .arg(
            Arg::new("inactive-contract")
                .long("inactive-contract")
                .value_name("CODE")
                .action(ArgAction::Append)
                .help("A contract code answered 907, contract not usable (repeatable)"),
        )
        .arg(
            Arg::new("allow-host")
                .long("allow-host")
                .value_name("IP")
                .value_parser(value_parser!(IpAddr))
                .action(ArgAction::Append)
                .help("A source address allowed to call the CGIs, others get 908 (repeatable; default: any loopback)"),
        )
        .arg(
            Arg::new("notify-url")
                .long("notify-url")
                .value_name("URL")
                .help("Where payment and deposit notifications are POSTed"),
        )
        .arg(
            Arg::new("return-url")
                .long("return-url")
                .value_name("URL")
                .help("Where the buyer is redirected after a payment or a card registration"),
        )
}

/// The sandbox configuration the arguments describe.
pub(crate) fn config(m: &ArgMatches) -> epsilon_sandbox::Config {
    let strings = |id: &str| m.get_many::<String>(id).map(|v| v.cloned().collect()).unwrap_or_default();
    epsilon_sandbox::Config {
        contracts: strings("contract"),
        inactive_contracts: strings("inactive-contract"),
        allow_hosts: m.get_many::<IpAddr>("allow-host").map(|v| v.copied().collect()).unwrap_or_default(),
        notify_url: m.get_one::<String>("notify-url").cloned(),
        return_url: m.get_one::<String>("return-url").cloned(),
        db: m.get_one::<PathBuf>("db").cloned(),
        ..epsilon_sandbox::Config::default()
    }
}

/// Runs `epsilon sandbox`: never returns while the sandbox serves; 1 when it cannot start.
pub(crate) fn run(m: &ArgMatches) -> u8 {
    let mut out = Output::std("epsilon");
    let config = config(m);
    let listen = m.get_one::<SocketAddr>("listen").copied().unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8383)));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            out.error(format_args!("epsilon sandbox: cannot start the async runtime: {e}"));
            return REJECTED;
        }
    };
    runtime.block_on(async move {
        let db = config.db.as_ref().map_or_else(|| "in memory".to_owned(), |p| p.display().to_string());
        let running = match epsilon_sandbox::start(config, listen).await {
            Ok(running) => running,
            Err(e) => {
                out.error(format_args!("epsilon sandbox: cannot start on {listen}: {e}"));
                return REJECTED;
            }
        };
        let mut stdout = std::io::stdout().lock();
        // the first line is a contract: the URL alone
        if writeln!(stdout, "{}", running.url()).and_then(|()| stdout.flush()).is_err() {
            out.error("epsilon sandbox: cannot write the listen url to stdout");
            running.shutdown().await;
            return REJECTED;
        }
        drop(stdout);
        out.error(format_args!(
            "epsilon sandbox: CGIs at {} (database: {db}); stop it with Ctrl-C",
            running.cgi_base()
        ));
        std::future::pending::<()>().await;
        OK
    })
}
