//! `answer OP [FILE]`: what an answer body means, as one JSON object.
//!
//! The operation is chosen at run time, so the typed outcome comes from the gateway's generated `OUTCOMES` table
//! (one `summarize` per operation whose spec lists outcomes); the answer is read with the operation's response spec,
//! so conflicting duplicates of its fields are refused as in the typed views.

use std::io::Read;
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, Command};
use japay_core::outcome::kind_names;
use japay_core::spec::Code;

use crate::decode::{answer_charset, charset_arg};
use crate::output::{Output, REJECTED, USAGE, code_json, json_opt, json_str};
use crate::{AnswerCharset, Form, Gateway, file_arg, input};

/// The `answer` command.
pub(crate) fn command<G: Gateway>() -> Command {
    let cli = &G::CLI;
    let names: Vec<&'static str> = G::OUTCOMES.iter().map(|(name, _)| *name).collect();
    let keys = cli.answer_keys;
    let mut outcomes: Vec<&str> = Vec::new();
    for word in kind_names::ALL.iter().map(|&kind| kind_names::display_word(kind)) {
        if !outcomes.contains(&word) {
            outcomes.push(word); // two kinds may print the same word (redirect, redirect_html)
        }
    }
    let (cause_shape, cause_text) = match cli.cause_key {
        Some(key) => (
            format!(",\"{key}\":…"),
            format!(
                " {key}: for a failure, the cause the gateway sends beside the error code, the same object from its \
                 own table, or null when there is none; null for every other outcome."
            ),
        ),
        None => (String::new(), String::new()),
    };
    let mut command = Command::new("answer")
        .about("Decide the outcome of an answer body; print one JSON object")
        .long_about(format!(
            "Decide what an answer body of operation OP means, read from FILE or, when FILE is absent or `-`, from \
             stdin, and print one JSON object and a newline:\n\n  \
             {{\"operation\":OP,\"outcome\":…,\"{result}\":…,\"error\":…{cause_shape},\"{attributes}\":{{…}}}}\n\n\
             outcome: one of {} (the kind of the outcome the spec documents). result: the decoded result value, or \
             null when the answer has none. error: for a failure, {{\"code\",\"ja\",\"en\",\"remediation\"}} from \
             the error-code table (a code the table does not list keeps its code, with the texts the gateway reads \
             from the code itself when its codes have a layout, else null texts; remediation is null when the table \
             has none), otherwise null.{cause_text} {attributes}: exactly the object `{} decode` \
             prints.\n\n\
             Exit 1, message on stderr, nothing on stdout: an HTML error page, a truncated or undecodable body, a \
             field of the operation repeated with another value, or an answer that fits none of the documented \
             outcomes or more than one (fail closed: never a guess).",
            outcomes.join(", "),
            cli.name,
            result = keys.result,
            attributes = keys.attributes,
        ))
        .disable_version_flag(true)
        .arg(
            Arg::new("op")
                .value_name("OP")
                .required(true)
                .help("Operation name: one whose spec documents outcomes")
                .value_parser(PossibleValuesParser::new(names)),
        );
    if let AnswerCharset::Option(option) = cli.answer_charset {
        // clap leaves an option named --version out of the generated usage line: name it here, whatever its name
        command = command
            .override_usage(format!("{} answer [--{} <{}>] <OP> [FILE]", cli.name, option.long, option.value_name));
    }
    command.args(charset_arg(cli)).arg(file_arg("The answer body"))
}

/// Runs `answer`; the exit status.
pub(crate) fn run<G: Gateway>(m: &ArgMatches, stdin: &mut dyn Read, out: &mut Output<'_>) -> u8 {
    let Some(name) = m.get_one::<String>("op") else {
        return USAGE;
    };
    let Some(&(name, summarize)) = G::OUTCOMES.iter().find(|(n, _)| n == name) else {
        return USAGE;
    };
    let body = match input::read(m.get_one::<PathBuf>("file").map(PathBuf::as_path), stdin) {
        Ok((body, _)) => body,
        Err(message) => {
            out.error(format_args!("answer: {message}"));
            return REJECTED;
        }
    };
    let response = G::CLI.operation(name).and_then(|op| op.response);
    let answer = match G::read_answer(&body, Form::Body, answer_charset(&G::CLI, m), response) {
        Ok(answer) => answer,
        Err(e) => {
            out.error(format_args!("answer: {e}"));
            return REJECTED;
        }
    };
    let summary = match summarize(&answer) {
        Ok(summary) => summary,
        Err(e) => {
            out.error(format_args!("answer: {name}: {e}"));
            return REJECTED;
        }
    };
    let keys = G::CLI.answer_keys;
    let error = summary.error.map_or_else(|| "null".to_owned(), |code| error_json::<G>(&code));
    // a gateway that names a key for a failure's cause gets it after `error`, in every answer object
    let cause = G::CLI.cause_key.map_or_else(String::new, |key| {
        let cause = summary.cause().map_or_else(|| "null".to_owned(), |code| code_json(&code));
        format!(",{}:{cause}", json_str(key))
    });
    let text = format!(
        "{{\"operation\":{},\"outcome\":{},{}:{},\"error\":{error}{cause},{}:{}}}\n",
        json_str(name),
        json_str(kind_names::display_word(summary.kind)),
        json_str(keys.result),
        json_opt(summary.result),
        json_str(keys.attributes),
        G::answer_json(&answer),
    );
    out.emit(text.as_bytes())
}

/// The error's object: the table's texts, or for a code the table does not list what the gateway reads from the code
/// itself ([`Gateway::explain_code`]), or null texts.
fn error_json<G: Gateway>(code: &Code<'_>) -> String {
    match (code.entry, G::explain_code(code.value())) {
        (None, Some((ja, en))) => format!(
            "{{\"code\":{},\"ja\":{},\"en\":{},\"remediation\":null}}",
            json_str(code.value()),
            json_str(&ja),
            json_str(&en)
        ),
        _ => code_json(code),
    }
}
