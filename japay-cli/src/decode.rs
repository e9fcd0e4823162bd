//! `decode [--query]`: an answer body (or a redirect query string) as one name/value JSON object.

use std::io::Read;
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use japay_core::Charset;

use crate::output::{Output, REJECTED};
use crate::{AnswerCharset, Description, Form, Gateway, file_arg, input};

/// The `decode` command.
pub(crate) fn command(cli: &Description) -> Command {
    let (about, input) = if cli.queries {
        (
            "Decode an answer body (or, with --query, a redirect query string) into a JSON object",
            "an answer body or, with --query, a redirect query string (without the leading `?`; one final line break \
             is ignored)",
        )
    } else {
        ("Decode an answer body into a JSON object", "an answer body")
    };
    let mut command = Command::new("decode")
        .about(about)
        .long_about(format!(
            "Decode {input}, read from FILE or, when FILE is absent or `-`, from stdin.\n\nPrints one JSON object and \
             a newline: name -> decoded string, in document order (an answer without fields prints {{}}). A name \
             that occurs more than once becomes one key, at its first position, whose value is the array of its \
             decoded strings in document order.\n\nAnything that cannot be decoded (an HTML error page, a truncated \
             body, bytes invalid in the charset, a bad name): exit 1, message on stderr."
        ))
        .disable_version_flag(true);
    if cli.queries {
        command = command.arg(
            Arg::new("query")
                .long("query")
                .action(ArgAction::SetTrue)
                .help("The input is a redirect query string, not an answer body"),
        );
    }
    command = command.args(charset_arg(cli));
    command.arg(file_arg(if cli.queries { "The answer body or query string" } else { "The answer body" }))
}

/// The option choosing the answer's charset, when the gateway has one.
pub(crate) fn charset_arg(cli: &Description) -> Option<Arg> {
    let AnswerCharset::Option(option) = cli.answer_charset else {
        return None;
    };
    let values: Vec<&'static str> = option.values.iter().map(|&(value, _)| value).collect();
    let default = values.first().copied();
    Some(
        Arg::new("answer-charset")
            .long(option.long)
            .value_name(option.value_name)
            .help(option.help)
            .value_parser(PossibleValuesParser::new(values))
            .default_value(default),
    )
}

/// The charset of the answer's text, from the option or the gateway's one charset.
pub(crate) fn answer_charset(cli: &Description, m: &ArgMatches) -> Charset {
    match cli.answer_charset {
        AnswerCharset::Only(charset) => charset,
        AnswerCharset::Option(option) => m
            .get_one::<String>("answer-charset")
            .and_then(|value| option.charset(value))
            .or_else(|| option.values.first().map(|&(_, charset)| charset))
            .unwrap_or(Charset::Utf8),
    }
}

/// Runs `decode`; the exit status.
pub(crate) fn run<G: Gateway>(m: &ArgMatches, stdin: &mut dyn Read, out: &mut Output<'_>) -> u8 {
    let cli = &G::CLI;
    let charset = answer_charset(cli, m);
    let body = match input::read(m.get_one::<PathBuf>("file").map(PathBuf::as_path), stdin) {
        Ok((body, _)) => body,
        Err(message) => {
            out.error(format_args!("decode: {message}"));
            return REJECTED;
        }
    };
    let query = cli.queries && m.get_flag("query");
    let read = if query {
        // a query never holds a line break: one at the end is the file's or echo's, not the gateway's
        let query = body.strip_suffix(b"\n").map_or(body.as_slice(), |q| q.strip_suffix(b"\r").unwrap_or(q));
        G::read_answer(query, Form::Query, charset, None)
    } else {
        G::read_answer(&body, Form::Body, charset, None)
    };
    match read {
        Ok(answer) => {
            let mut text = G::answer_json(&answer);
            text.push('\n');
            out.emit(text.as_bytes())
        }
        Err(e) => {
            let hint = if query && body.starts_with(b"?") { " (leave out the leading `?`)" } else { "" };
            out.error(format_args!("decode: {e}{hint}"));
            REJECTED
        }
    }
}
