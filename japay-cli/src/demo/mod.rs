//! `demo`: a gateway's walk through its main flows, written once over its [`Demo`]: the command, the runtime, the
//! step printer ([`say`]) and the exit status, plus the merchant's side of a flow ([`Merchant`]: an in-process HTTP
//! endpoint that answers notifications and records them and the buyer's arrivals).
//!
//! The gateway supplies the walk itself (its sandbox, its client, its steps). Exit 0: every step answered as the
//! gateway would; 1: a step did not (said on stderr as `demo: STEP: …`); 2: usage error.

mod merchant;

use std::fmt::Display;
use std::future::Future;
use std::io::Write as _;

use clap::{ArgMatches, Command};

pub use merchant::Merchant;

use crate::Gateway;
use crate::gateway::Extra;
use crate::output::{OK, Output, REJECTED};

/// A gateway's demo: its help line and its walk.
pub trait Demo: Gateway {
    /// The command's one-line help.
    const ABOUT: &'static str;

    /// Walks the flows, printing each step with [`say`], on a multi-thread tokio runtime (two workers).
    ///
    /// # Errors
    /// The step that did not answer as the gateway would, and what it got (`STEP: expected …, got …`).
    fn walk() -> impl Future<Output = Result<(), String>>;
}

/// The `demo` command of `G`, to list among its extras.
pub const fn extra<G: Demo>() -> Extra {
    Extra::new(command::<G>, run::<G>)
}

/// The `demo` subcommand: no options.
pub fn command<G: Demo>() -> Command {
    Command::new("demo").about(G::ABOUT)
}

/// Runs `demo` on the process's stdout and stderr; the exit status.
pub fn run<G: Demo>(_: &ArgMatches) -> u8 {
    execute::<G>(&mut Output::std(G::CLI.name()))
}

/// Runs the walk; a failure is said on `output`'s stderr. The steps print with [`say`], on the process's stdout.
pub fn execute<G: Demo>(output: &mut Output<'_>) -> u8 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            output.error(format_args!("demo: cannot start the async runtime: {e}"));
            return REJECTED;
        }
    };
    match runtime.block_on(G::walk()) {
        Ok(()) => OK,
        Err(e) => {
            output.error(format_args!("demo: {e}"));
            REJECTED
        }
    }
}

/// Prints a line on stdout at once (a walk is slow enough for a person to follow); a closed stdout (`| head`) only
/// silences the rest.
pub fn say(line: impl Display) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// The error of a step: `STEP: WHAT`.
///
/// # Errors
/// Always.
pub fn fail<T>(step: &str, what: impl Display) -> Result<T, String> {
    Err(format!("{step}: {what}"))
}
