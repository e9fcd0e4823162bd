//! `epsilon`: the GMO Epsilon (イプシロン) protocol on the command line.
//!
//! Spec tables, request validation and encoding, response decoding, a local sandbox of the gateway
//! (`epsilon sandbox`) and a demo that walks the main flows against it. The exit status is a stable contract for
//! scripts: 0 ok, 1 input rejected, 2 usage error.
#![forbid(unsafe_code)]

mod answer;
mod check;
mod demo;
mod input;
mod notification;
mod sandbox;
mod spec_show;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use epsilon_proto::{Answer, Charset, DynamicRequest, OPERATIONS, Options, Version, Violation, ViolationKind};
use japay_core::spec::OperationSpec;

/// Input rejected: invalid request, unreadable or malformed input, undecodable body.
pub(crate) const REJECTED: u8 = 1;

const EXIT_STATUS_HELP: &str = "\
Exit status: 0 ok, 1 input rejected (invalid request, unreadable or malformed input, undecodable answer), \
2 usage error.";

const VALIDATE_HELP: &str = "\
Input: one JSON object of parameter name -> string value, read from FILE or, when FILE is absent or `-`, from \
stdin; UTF-8, an optional byte-order mark is ignored. Every value must be a JSON string: numbers, booleans, null, \
arrays and objects are rejected (exit 1, message on stderr), never converted; write \"1000\", not 1000, and leave \
out a parameter instead of writing null. A parameter name that occurs twice in the object is rejected too. An \
empty string counts as absent. Names the operation does not have are `unknown` violations; version, charset and \
character_code among them say so when the encoder itself adds them for --charset utf-8.

Fixed parameters (process_code, xml, a fixed st_code) may be left out; the encoder sends them.";

fn main() -> ExitCode {
    let matches = cli().get_matches();
    let code = match matches.subcommand() {
        Some(("spec", m)) => spec(m),
        Some(("validate", m)) => request(m, Mode::Validate),
        Some(("encode", m)) => request(m, Mode::Encode),
        Some(("decode", m)) => decode(m),
        Some(("answer", m)) => answer::run(m),
        Some(("check", m)) => check::run(m),
        Some(("demo", _)) => demo::run(),
        Some(("sandbox", m)) => sandbox::run(m),
        Some(("notification", m)) => notification::run(m),
        // subcommand_required: clap has already rejected anything else
        _ => 2,
    };
    ExitCode::from(code)
}

/// The command line definition.
fn cli() -> Command {
    Command::new("epsilon")
        .version(env!("CARGO_PKG_VERSION"))
        .about("GMO Epsilon payment gateway: spec tables, request validation and encoding, response decoding")
        .after_help(EXIT_STATUS_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("spec")
                .about("List the operations or show one operation's parameter table")
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommand(Command::new("list").about("Print one operation name per line"))
                .subcommand(
                    Command::new("show")
                        .about("Print an operation's parameters and answer attributes")
                        .arg(op_arg())
                        .arg(
                            Arg::new("format")
                                .long("format")
                                .value_name("FORMAT")
                                .help("Output format")
                                .value_parser(PossibleValuesParser::new(["markdown", "json"]))
                                .default_value("markdown"),
                        ),
                ),
        )
        .subcommand(
            Command::new("validate")
                .about("Check a JSON request; print one JSON line per violation on stdout")
                .long_about(format!(
                    "Check a JSON request against the operation's spec.\n\nValid: exit 0, nothing printed. \
                     Invalid: exit 1 and one JSON object per violation and line on stdout: \
                     {{\"field\":…,\"rule\":…,\"message\":…}}, rule being one of required, unknown, max_bytes, \
                     exact_bytes, charset, pattern, one_of, value, min_bytes, min_value, transport, duplicate, \
                     forbidden (a field that must be absent, e.g. card data with process_code 2), bits (a bitmap \
                     position that must or must not be set).\n\n{VALIDATE_HELP}"
                ))
                .args(request_args()),
        )
        .subcommand(
            Command::new("encode")
                .about("Encode a JSON request as the form body to POST (raw bytes on stdout)")
                .long_about(format!(
                    "Validate a JSON request and write its application/x-www-form-urlencoded body to stdout \
                     (raw bytes, no trailing newline): parameters in spec order, fixed ones filled in, \
                     version=2 and the charset parameter added for utf-8 (an operation without them is refused as \
                     utf-8, rule transport).\n\nInvalid: exit 1, nothing on stdout, \
                     the violations as JSON lines (as `validate` prints them) on stderr.\n\n{VALIDATE_HELP}"
                ))
                .args(request_args()),
        )
        .subcommand(
            Command::new("decode")
                .about("Decode an XML answer body (or, with --query, a redirect query string) into a JSON object")
                .long_about(
                    "Decode a raw XML answer body (<Epsilon_result>) or, with --query, a completion-redirect query \
                     string (trans_code=…&user_name=%83%7E…, without the leading `?`; one final line break is \
                     ignored), read from FILE or, when FILE is absent or `-`, from stdin.\n\nPrints one JSON object \
                     and a newline: attribute or parameter name -> decoded string, in document order (an empty \
                     <Epsilon_result> or an empty query prints {}). A name that occurs more than once becomes one \
                     key, at its first position, whose value is the array of its decoded strings in document \
                     order.\n\nAnything that cannot be decoded (HTML error page, truncated body, bad percent escape, \
                     bytes invalid in the charset, a bad parameter name): exit 1, message on stderr.",
                )
                .disable_version_flag(true)
                .arg(
                    Arg::new("query")
                        .long("query")
                        .action(ArgAction::SetTrue)
                        .help("The input is a completion-redirect query string, not an XML body"),
                )
                .arg(
                    Arg::new("version")
                        .long("version")
                        .value_name("VERSION")
                        .help("The `version` the request was sent with: 1 = CP932 text, 2 = UTF-8 text")
                        .value_parser(PossibleValuesParser::new(["1", "2"]))
                        .default_value("1"),
                )
                .arg(file_arg("The answer body or query string")),
        )
        .subcommand(answer::command())
        .subcommand(check::command())
        .subcommand(notification::command())
        .subcommand(Command::new("demo").about("Walk the main flows end to end against an in-process sandbox"))
        .subcommand(sandbox::command())
}

/// The required OP positional.
fn op_arg() -> Arg {
    Arg::new("op")
        .value_name("OP")
        .required(true)
        .help("Operation name (see `epsilon spec list`)")
        .value_parser(parse_operation)
}

fn parse_operation(name: &str) -> Result<&'static OperationSpec, String> {
    epsilon_proto::operation(name).ok_or_else(|| {
        let names: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
        format!("unknown operation {name}; expected one of: {}", names.join(", "))
    })
}

pub(crate) fn file_arg(what: &str) -> Arg {
    Arg::new("file")
        .value_name("FILE")
        .help(format!("{what}; stdin when absent or `-`"))
        .value_parser(clap::value_parser!(PathBuf))
}

/// The arguments of `validate` and `encode`.
fn request_args() -> [Arg; 4] {
    [
        op_arg(),
        Arg::new("charset")
            .long("charset")
            .value_name("CHARSET")
            .help(
                "The charset the request is sent in: cp932 (aliases shift_jis, shift-jis, sjis, windows-31j, ms932, \
                 x-sjis-cp932), euc-jp (eucjp, euc_jp) or utf-8 (utf8, utf_8), any case; byte limits count CP932 \
                 bytes for utf-8, which only operations with UTF-8 marker parameters take (`spec show`)",
            )
            .value_parser(parse_charset)
            .default_value("cp932"),
        Arg::new("normalize")
            .long("normalize")
            .action(ArgAction::SetTrue)
            .help("Map JIS look-alikes to their CP932 forms first (〜 U+301C -> ～ U+FF5E, − U+2212 -> － U+FF0D, …)"),
        file_arg("The JSON request"),
    ]
}

/// A `--charset` value: every label `Charset::from_label` knows (the gateway's own `x-sjis-cp932` and `utf_8`
/// included), ignoring ASCII case.
fn parse_charset(label: &str) -> Result<Charset, String> {
    Charset::from_label(label).ok_or_else(|| {
        let labels: Vec<&str> = Charset::ALL.iter().map(|c| c.label()).collect();
        format!("expected one of {} (or an alias listed in --help)", labels.join(", "))
    })
}

fn spec(m: &ArgMatches) -> u8 {
    match m.subcommand() {
        Some(("list", _)) => {
            let mut text = String::new();
            for op in OPERATIONS {
                text.push_str(op.name);
                text.push('\n');
            }
            emit(text.as_bytes())
        }
        Some(("show", m)) => {
            let Some(&op) = m.get_one::<&'static OperationSpec>("op") else {
                return 2;
            };
            let text = match m.get_one::<String>("format").map(String::as_str) {
                Some("json") => spec_show::json(op),
                _ => spec_show::markdown(op),
            };
            emit(text.as_bytes())
        }
        _ => 2,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Validate,
    Encode,
}

fn request(m: &ArgMatches, mode: Mode) -> u8 {
    let Some(&op) = m.get_one::<&'static OperationSpec>("op") else {
        return 2;
    };
    let Some(&charset) = m.get_one::<Charset>("charset") else {
        return 2;
    };
    let options = Options::new(charset).normalize(m.get_flag("normalize"));

    let params = match input::read(m.get_one::<PathBuf>("file"))
        .and_then(|(bytes, name)| input::parse_params(&bytes, &name).map_err(|errors| errors.join("\n")))
    {
        Ok(params) => params,
        Err(message) => {
            for line in message.lines() {
                eprintln!("input rejected: {line}");
            }
            return REJECTED;
        }
    };

    let mut req = DynamicRequest::new(op);
    for (name, value) in &params {
        req.set(name, value);
    }
    let result = match mode {
        Mode::Validate => req.validate(options).map(|()| Vec::new()),
        Mode::Encode => {
            let mut body = Vec::new();
            req.encode(options, &mut body).map(|_| body)
        }
    };
    match result {
        Ok(body) => emit(&body),
        Err(report) => {
            let mut lines = String::new();
            for v in report.violations() {
                lines.push_str(&violation_line(op, v));
                lines.push('\n');
            }
            match mode {
                Mode::Validate => {
                    emit(lines.as_bytes());
                }
                Mode::Encode => eprint!("{lines}"),
            }
            REJECTED
        }
    }
}

/// A JSON string literal.
pub(crate) fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `{"field":…,"rule":…,"message":…}`, keys in that order.
fn violation_line(op: &OperationSpec, v: &Violation) -> String {
    format!(
        "{{\"field\":{},\"rule\":{},\"message\":{}}}",
        json_str(&v.field),
        json_str(v.kind.rule()),
        json_str(&violation_message(op, v))
    )
}

/// The violation's message; an `unknown` parameter that the encoder itself adds for UTF-8 transport (`version`,
/// `charset`, `character_code`, per the operation's `utf8_params`) says so.
fn violation_message(op: &OperationSpec, v: &Violation) -> String {
    if matches!(v.kind, ViolationKind::Unknown) && op.utf8_params.iter().any(|&(name, _)| name == v.field) {
        return "added by the encoder when the request is sent as UTF-8 (--charset utf-8); leave it out".to_owned();
    }
    v.kind.to_string()
}

fn decode(m: &ArgMatches) -> u8 {
    let version = match m.get_one::<String>("version").map(String::as_str) {
        Some("2") => Version::V2,
        _ => Version::V1,
    };
    let (body, _) = match input::read(m.get_one::<PathBuf>("file")) {
        Ok(read) => read,
        Err(message) => {
            eprintln!("decode: {message}");
            return REJECTED;
        }
    };
    let query = m.get_flag("query");
    let parsed = if query {
        // a query never holds a line break: one at the end is the file's or echo's, not the gateway's
        let query = body.strip_suffix(b"\n").map_or(body.as_slice(), |q| q.strip_suffix(b"\r").unwrap_or(q));
        Answer::parse_query(query, version)
    } else {
        Answer::parse(&body, version)
    };
    match parsed {
        Ok(response) => {
            let mut text = decoded_json(&response);
            text.push('\n');
            emit(text.as_bytes())
        }
        Err(e) => {
            let hint = if query && body.starts_with(b"?") { " (leave out the leading `?`)" } else { "" };
            eprintln!("decode: {e}{hint}");
            REJECTED
        }
    }
}

/// The answer as one JSON object in document order; a repeated name becomes an array at its first position.
///
/// Linear in the number of attributes: a name's group is found through a hash map, not by searching the groups.
pub(crate) fn decoded_json(response: &Answer<'_>) -> String {
    let mut slots: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for a in response.attributes() {
        match slots.entry(a.name) {
            Entry::Occupied(slot) => {
                if let Some((_, values)) = groups.get_mut(*slot.get()) {
                    values.push(&a.value);
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(groups.len());
                groups.push((a.name, vec![&a.value]));
            }
        }
    }
    let mut text = String::from("{");
    for (i, (name, values)) in groups.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&json_str(name));
        text.push(':');
        match values.as_slice() {
            [one] => text.push_str(&json_str(one)),
            many => {
                text.push('[');
                for (j, value) in many.iter().enumerate() {
                    if j > 0 {
                        text.push(',');
                    }
                    text.push_str(&json_str(value));
                }
                text.push(']');
            }
        }
    }
    text.push('}');
    text
}

/// Writes to stdout; 0, or 1 when stdout cannot be written (a closed pipe ends the output quietly).
pub(crate) fn emit(bytes: &[u8]) -> u8 {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("epsilon: cannot write to stdout: {e}");
            REJECTED
        }
    }
}
