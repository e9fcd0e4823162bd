//! The command-line machinery every gateway's binary shares, written once over a gateway's description.
//!
//! A gateway's binary is a unit struct implementing [`Gateway`] — its answer reader, its generated
//! outcome table, its incoming-message reader, and a [`Description`] as data — and a `main` that calls [`main`]. The
//! commands are the same for every gateway:
//!
//! - `spec list`, `spec show OP [--format markdown|json]`: the operations and one operation's tables, from the
//!   generated [`OperationSpec`](japay_core::spec::OperationSpec)s;
//! - `validate OP`, `encode OP` (`--charset`, `--normalize`, FILE or stdin): a JSON request checked and encoded by
//!   [`DynamicRequest`](japay_core::DynamicRequest), violations as `{"field","rule","message"}` JSON lines; the
//!   gateway's credentials (keys its computed fields need) by their options (`--NAME`) or environment variables
//!   (`<GATEWAY>_<NAME>`);
//! - `decode [--query]`: an answer body (or a redirect query string) as one JSON object ([`Gateway::answer_json`]);
//! - `answer OP`: the outcome of an answer body, failing closed, under the gateway's keys ([`AnswerKeys`],
//!   [`Description::cause_key`]);
//! - `notification KIND`: an incoming message decoded and checked against its spec (when the gateway has any);
//!
//! plus the commands a gateway opts into with a trait of its own: [`check`] (the layered connection check,
//! [`check::Probe`]), [`sandbox`] (a local sandbox, [`sandbox::Serve`]) and [`demo`] (a walk, [`demo::Demo`]), and
//! its own commands ([`Extra`]). Input is read by [`input`] (at most [`input::MAX_INPUT`] bytes),
//! output written by [`output`] (never a panic on a closed or full stream). The exit status is a contract for
//! scripts: 0 ok, 1 input rejected, 2 usage error.
//!
//! Nothing here names a gateway, an operation or a parameter: a test greps these sources for gateway vocabulary.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod answer;
pub mod check;
mod decode;
pub mod demo;
mod gateway;
pub mod input;
mod notification;
pub mod output;
mod request;
pub mod sandbox;
mod spec_show;

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, Command};

pub use gateway::{
    AnswerCharset, AnswerKeys, CharsetOption, Description, Extra, Form, Gateway, Incoming, IncomingKind, Refusal,
    SpecWords, Summarize,
};
use output::{Output, USAGE};

/// The closing paragraphs of the top-level help: the input cap and the exit status.
const EXIT_STATUS_HELP: &str = "\
Input (FILE or stdin) is read up to 64 MiB; a larger one is rejected.

Exit status: 0 ok, 1 input rejected (invalid request, unreadable or malformed input, undecodable answer), \
2 usage error.";

/// Runs the gateway's binary on the process's arguments, stdin, stdout and stderr: its `main`.
pub fn main<G: Gateway>() -> ExitCode {
    let mut output = Output::std(G::CLI.name);
    ExitCode::from(execute::<G>(std::env::args_os(), &mut std::io::stdin(), &mut output))
}

/// Runs the command line `args` (the binary's name first) with `stdin` and `output`; the exit status.
///
/// Usage errors (exit 2) and `--help` are written as clap words them, to stderr and stdout.
pub fn execute<G: Gateway>(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    stdin: &mut dyn Read,
    output: &mut Output<'_>,
) -> u8 {
    let matches = match command::<G>().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e) => {
            let text = e.render().to_string();
            let code = u8::try_from(e.exit_code()).unwrap_or(USAGE);
            if e.use_stderr() {
                output.error_text(&text);
                return code;
            }
            let written = output.emit(text.as_bytes());
            return if written == output::OK { code } else { written };
        }
    };
    let cli = &G::CLI;
    match matches.subcommand() {
        Some(("spec", m)) => spec_show::run(cli, m, output),
        Some(("validate", m)) => request::run(m, request::Mode::Validate, stdin, output),
        Some(("encode", m)) => request::run(m, request::Mode::Encode, stdin, output),
        Some(("decode", m)) => decode::run::<G>(m, stdin, output),
        Some(("answer", m)) => answer::run::<G>(m, stdin, output),
        Some(("notification", m)) if cli.incoming.is_some() => notification::run::<G>(m, stdin, output),
        Some((name, m)) => match cli.extras.iter().find(|extra| (extra.command)().get_name() == name) {
            Some(extra) => (extra.run)(m),
            None => USAGE,
        },
        // subcommand_required: clap has already refused a command line without one
        None => USAGE,
    }
}

/// The whole command line of the gateway's binary: the neutral commands, its own, and its help wording.
pub fn command<G: Gateway>() -> Command {
    let cli = &G::CLI;
    let about = if cli.about.is_empty() {
        format!("{}: spec tables, request validation and encoding, answer decoding and outcomes", cli.spec.title)
    } else {
        cli.about.to_owned()
    };
    let mut commands = vec![
        spec_show::command(cli),
        request::command(cli, request::Mode::Validate),
        request::command(cli, request::Mode::Encode),
        decode::command(cli),
        answer::command::<G>(),
    ];
    if let Some(incoming) = &cli.incoming {
        commands.push(notification::command(cli, incoming));
    }
    for extra in cli.extras {
        let after = extra.after.and_then(|name| commands.iter().position(|c| c.get_name() == name));
        commands.insert(after.map_or(commands.len(), |i| i + 1), (extra.command)());
    }
    let root = Command::new(cli.name)
        .version(cli.version)
        .about(about)
        .after_help(EXIT_STATUS_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(commands);
    (cli.help)(root)
}

/// The optional FILE positional: stdin when absent or `-`.
pub fn file_arg(what: &str) -> Arg {
    Arg::new("file")
        .value_name("FILE")
        .help(format!("{what}; stdin when absent or `-`"))
        .value_parser(clap::value_parser!(PathBuf))
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_states_the_input_cap() {
        assert_eq!(input::MAX_INPUT, 64 << 20);
        assert!(EXIT_STATUS_HELP.contains("64 MiB"));
    }

    #[test]
    fn one_of_lists_words() {
        assert_eq!(one_of(&[]), "");
        assert_eq!(one_of(&["a"]), "a");
        assert_eq!(one_of(&["a", "b", "c"]), "a, b or c");
    }
}
