//! `epsilon answer OP [--version 1|2] [FILE]`: what an answer body means, as one JSON object.
//!
//! The operation is chosen at run time, so the typed outcome comes from the generated `OUTCOMES` table (one
//! `summarize` per operation whose spec lists outcomes); the answer is read with the operation's response spec, so
//! conflicting duplicates of its attributes are refused as in the typed views.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, Command};
use epsilon_proto::generated::{OUTCOMES, Summarize};
use epsilon_proto::outcome::kind_names;
use epsilon_proto::{Answer, Version};
use japay_core::spec::Code;

use crate::{REJECTED, decoded_json, emit, file_arg, input, json_str};

const ABOUT: &str = "\
Decide what a raw XML answer body (<Epsilon_result>) of operation OP means, read from FILE or, when FILE is absent \
or `-`, from stdin, and print one JSON object and a newline:

  {\"operation\":OP,\"outcome\":…,\"result\":…,\"error\":…,\"attributes\":{…}}

outcome: one of ok, redirect, 3ds1, 3ds2, failure, not_found (the kind of the outcome the spec documents; an \
order_info answer that found the order is ok). result: the decoded `result` value, or null when the answer has \
none. error: for a failure, {\"code\",\"ja\",\"en\",\"remediation\"} from the err_code table (a code the table does \
not list keeps its code and has null texts; remediation is null when the table has none), otherwise null. \
attributes: exactly the object `epsilon decode` prints.

Exit 1, message on stderr, nothing on stdout: an HTML error page, a truncated or undecodable body, an attribute of \
the operation repeated with another value, or an answer that fits none of the documented outcomes or more than one \
(fail closed: never a guess).";

/// The `answer` subcommand.
pub(crate) fn command() -> Command {
    let names: Vec<&'static str> = OUTCOMES.iter().map(|(name, _)| *name).collect();
    Command::new("answer")
        .about("Decide the outcome of an XML answer body; print one JSON object")
        .long_about(ABOUT)
        // clap leaves an option named --version out of the generated usage line
        .override_usage("epsilon answer [--version <VERSION>] <OP> [FILE]")
        .disable_version_flag(true)
        .arg(
            Arg::new("op")
                .value_name("OP")
                .required(true)
                .help("Operation name: one whose spec documents outcomes")
                .value_parser(PossibleValuesParser::new(names)),
        )
        .arg(
            Arg::new("version")
                .long("version")
                .value_name("VERSION")
                .help("The `version` the request was sent with: 1 = CP932 text, 2 = UTF-8 text")
                .value_parser(PossibleValuesParser::new(["1", "2"]))
                .default_value("1"),
        )
        .arg(file_arg("The answer body"))
}

/// Runs `answer`; the exit status.
pub(crate) fn run(m: &ArgMatches) -> u8 {
    let Some(name) = m.get_one::<String>("op") else {
        return 2;
    };
    let Some(&(name, summarize)) = OUTCOMES.iter().find(|(n, _)| n == name) else {
        return 2;
    };
    let version = match m.get_one::<String>("version").map(String::as_str) {
        Some("2") => Version::V2,
        _ => Version::V1,
    };
    let body = match input::read(m.get_one::<PathBuf>("file")) {
        Ok((body, _)) => body,
        Err(message) => {
            eprintln!("answer: {message}");
            return REJECTED;
        }
    };
    match describe(name, summarize, &body, version) {
        Ok(mut text) => {
            text.push('\n');
            emit(text.as_bytes())
        }
        Err(message) => {
            eprintln!("answer: {message}");
            REJECTED
        }
    }
}

/// The JSON object for one answer body, or the message of why there is none.
fn describe(name: &str, summarize: Summarize, body: &[u8], version: Version) -> Result<String, String> {
    let response = match epsilon_proto::operation(name).and_then(|op| op.response) {
        Some(spec) => Answer::parse_typed(body, version, spec),
        None => Answer::parse(body, version),
    }
    .map_err(|e| e.to_string())?;
    let summary = summarize(&response).map_err(|e| format!("{name}: {e}"))?;
    let result = summary.result.map_or_else(|| "null".to_owned(), json_str);
    let error = summary.error.map_or_else(|| "null".to_owned(), |code| code_json(&code));
    Ok(format!(
        "{{\"operation\":{},\"outcome\":{},\"result\":{result},\"error\":{error},\"attributes\":{}}}",
        json_str(name),
        json_str(kind_names::display_word(summary.kind)),
        decoded_json(&response)
    ))
}

/// `{"code":…,"ja":…,"en":…,"remediation":…}`; texts the table does not have are null.
fn code_json(code: &Code<'_>) -> String {
    let text = |s: Option<&str>| s.map_or_else(|| "null".to_owned(), json_str);
    format!(
        "{{\"code\":{},\"ja\":{},\"en\":{},\"remediation\":{}}}",
        json_str(code.value()),
        text(code.entry.map(|e| e.ja)),
        text(code.entry.map(|e| e.en)),
        text(code.entry.and_then(|e| e.remediation))
    )
}
