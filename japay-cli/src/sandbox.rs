//! `sandbox`: a gateway's local test environment on a port of this machine, written once over its [`Serve`].
//!
//! `--listen ADDR` (port 0: any free port; the gateway's [`Serve::DEFAULT_LISTEN`] when absent) and `--db PATH` (a
//! SQLite file, created when missing; in memory when absent), then the gateway's own options. The listen URL is the
//! first line on stdout, flushed at once, so a script or a test can start the sandbox on port 0 and read where it
//! listens; then it serves until the process is stopped. Everything else goes to stderr. Exit 1: it could not start
//! (or the URL could not be written); 2: usage error.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Arg, ArgMatches, Command, value_parser};

use crate::Gateway;
use crate::gateway::Extra;
use crate::output::{OK, Output, REJECTED};

/// The closing line of the command's help.
const EXIT_STATUS: &str =
    "Exit status: 1 the sandbox could not start (address in use, database unreadable), 2 usage error.";

/// A gateway's local sandbox: its help texts, its own options, and how it starts, says where it serves and stops.
pub trait Serve: Gateway {
    /// The command's one-line help.
    const ABOUT: &'static str;
    /// The command's long help: what the sandbox serves.
    const LONG_ABOUT: &'static str;
    /// `--listen`'s default (`HOST:PORT`).
    const DEFAULT_LISTEN: &'static str;

    /// A started sandbox.
    type Running;

    /// The gateway's own options of `sandbox`, listed after `--listen` and `--db`.
    fn args() -> Vec<Arg>;

    /// Starts the sandbox on `listen` with the database `db` (in memory when `None`) and the gateway's options
    /// `args`, on a multi-thread tokio runtime.
    ///
    /// # Errors
    /// Why it could not start (address in use, database unreadable), one line.
    fn start(
        args: &ArgMatches,
        listen: SocketAddr,
        db: Option<PathBuf>,
    ) -> impl Future<Output = Result<Self::Running, String>>;

    /// Its listen URL (`http://HOST:PORT`), the first line on stdout.
    fn url(running: &Self::Running) -> String;

    /// Where it serves the gateway's API, for the line on stderr (`API at http://…`).
    fn serving(running: &Self::Running) -> String;

    /// Stops it.
    fn shutdown(running: Self::Running) -> impl Future<Output = ()>;
}

/// The `sandbox` command of `G`, to list among its extras.
pub const fn extra<G: Serve>() -> Extra {
    Extra::new(command::<G>, run::<G>)
}

/// The `sandbox` subcommand: `--listen`, `--db`, then the gateway's options.
pub fn command<G: Serve>() -> Command {
    Command::new("sandbox")
        .about(G::ABOUT)
        .long_about(G::LONG_ABOUT)
        .after_help(EXIT_STATUS)
        .arg(
            Arg::new("listen")
                .long("listen")
                .value_name("ADDR")
                .value_parser(value_parser!(SocketAddr))
                .default_value(G::DEFAULT_LISTEN)
                .help("Address and port to listen on (port 0: any free port)"),
        )
        .arg(
            Arg::new("db")
                .long("db")
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help("SQLite database file, created when missing (default: in memory)"),
        )
        .args(G::args())
}

/// Runs `sandbox` on the process's stdout and stderr: never returns while the sandbox serves; 1 when it cannot
/// start.
pub fn run<G: Serve>(m: &ArgMatches) -> u8 {
    execute::<G>(m, &mut Output::std(G::CLI.name()), std::future::pending())
}

/// Runs `sandbox` with the matches of [`command`], writing to `output`, until `stop` completes (then stops the
/// sandbox: exit 0); the exit status.
pub fn execute<G: Serve>(m: &ArgMatches, output: &mut Output<'_>, stop: impl Future<Output = ()>) -> u8 {
    let name = G::CLI.name();
    let Some(listen) = m.get_one::<SocketAddr>("listen").copied().or_else(|| G::DEFAULT_LISTEN.parse().ok()) else {
        output.error(format_args!("{name} sandbox: the default listen address {} is no address", G::DEFAULT_LISTEN));
        return REJECTED;
    };
    let db = m.get_one::<PathBuf>("db").cloned();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            output.error(format_args!("{name} sandbox: cannot start the async runtime: {e}"));
            return REJECTED;
        }
    };
    runtime.block_on(async move {
        let database = db.as_ref().map_or_else(|| "in memory".to_owned(), |p| p.display().to_string());
        let running = match G::start(m, listen, db).await {
            Ok(running) => running,
            Err(e) => {
                output.error(format_args!("{name} sandbox: cannot start on {listen}: {e}"));
                return REJECTED;
            }
        };
        // the first line is a contract: the URL alone; without it nobody knows where the sandbox listens
        if output.contract_line(&G::url(&running)).is_err() {
            output.error(format_args!("{name} sandbox: cannot write the listen url to stdout"));
            G::shutdown(running).await;
            return REJECTED;
        }
        output.error(format_args!(
            "{name} sandbox: {} (database: {database}); stop it with Ctrl-C",
            G::serving(&running)
        ));
        stop.await;
        G::shutdown(running).await;
        OK
    })
}
