//! `validate OP` and `encode OP`: a JSON request checked, or encoded as the form body to send.

use std::io::Read;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use japay_core::spec::OperationSpec;
use japay_core::{Charset, Credentials, DynamicRequest, Options, Violation, ViolationKind};

use crate::output::{Output, REJECTED, USAGE, violation_lines};
use crate::spec_show::op_arg;
use crate::{Description, file_arg, input};

/// Which of the two commands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Validate,
    Encode,
}

/// What every request command says about its input.
const INPUT_HELP: &str = "\
Input: one JSON object of parameter name -> string value, read from FILE or, when FILE is absent or `-`, from \
stdin; UTF-8, an optional byte-order mark is ignored; at most 64 MiB. Every value must be a JSON string: numbers, \
booleans, null, arrays and objects are rejected (exit 1, message on stderr), never converted; write \"1000\", not \
1000, and leave out a parameter instead of writing null. A parameter name that occurs twice in the object is rejected \
too. An empty string counts as absent. Names the operation does not have are `unknown` violations; the UTF-8 marker \
parameters among them say so when the encoder itself adds them for --charset utf-8.

Fixed parameters may be left out; the encoder sends them.";

/// The rules a violation line may name.
const RULES_HELP: &str = "\
rule being one of required, unknown, max_bytes, exact_bytes, charset, pattern, one_of, value, min_bytes, max_chars, min_value, \
transport, duplicate, forbidden (a field that must be absent in the case at hand), bits (a bitmap position that must \
or must not be set)";

/// The `validate` or `encode` command.
pub(crate) fn command(cli: &Description, mode: Mode) -> Command {
    // a gateway with credentials (keys computed fields need) says where they come from; others say nothing new
    let names: Vec<String> = cli.spec.credentials.iter().map(|c| credential_variable(cli.spec.name, c.name)).collect();
    let input_help = if names.is_empty() {
        INPUT_HELP.to_owned()
    } else {
        format!(
            "{INPUT_HELP} Computed parameters (checksums) may not be given either: the encoder computes them, with the \
             credentials given by their options or read from the environment ({}), never from the request. A \
             computed parameter that must be sent without its credential is a `required` violation naming the \
             credential.",
            names.join(", ")
        )
    };
    let command = match mode {
        Mode::Validate => Command::new("validate")
            .about("Check a JSON request; print one JSON line per violation on stdout")
            .long_about(format!(
                "Check a JSON request against the operation's spec.\n\nValid: exit 0, nothing printed. Invalid: exit \
                 1 and one JSON object per violation and line on stdout: {{\"field\":…,\"rule\":…,\"message\":…}}, \
                 {RULES_HELP}.\n\n{input_help}"
            )),
        Mode::Encode => Command::new("encode")
            .about("Encode a JSON request as the form body to POST (raw bytes on stdout)")
            .long_about(format!(
                "Validate a JSON request and write its application/x-www-form-urlencoded body to stdout (raw bytes, \
                 no trailing newline): parameters in spec order, fixed ones filled in, the operation's UTF-8 marker \
                 parameters added for utf-8 (an operation without them is refused as utf-8, rule transport).\n\n\
                 Invalid: exit 1, nothing on stdout, the violations as JSON lines (as `validate` prints them) on \
                 stderr.\n\n{input_help}"
            )),
    };
    command.args(args(cli)).args(cli.spec.credentials.iter().map(|c| {
        let variable = credential_variable(cli.spec.name, c.name);
        Arg::new(c.name).long(c.name.replace('_', "-")).value_name("KEY").help(format!(
            "The {}: {}. Computed parameters (checksums) need it; default: the environment variable {variable}, \
                 which other users of this machine cannot see as they can see a command line",
            c.name.replace('_', " "),
            c.meaning
        ))
    }))
}

/// The arguments of `validate` and `encode`.
fn args(cli: &Description) -> [Arg; 4] {
    let charsets = cli.request_charsets();
    let labels: Vec<&str> = charsets.iter().map(|c| c.label()).collect();
    [
        op_arg(cli),
        Arg::new("charset")
            .long("charset")
            .value_name("CHARSET")
            .help(format!(
                "The charset the request is sent in: {} (or an alias: shift_jis, euc_jp, utf8, …), any case",
                crate::one_of(&labels)
            ))
            .value_parser(parse_charset)
            .default_value(charsets.first().map_or("utf-8", |c| c.label())),
        Arg::new("normalize")
            .long("normalize")
            .action(ArgAction::SetTrue)
            .help("Map JIS look-alikes to their CP932 forms first (〜 U+301C -> ～ U+FF5E, − U+2212 -> － U+FF0D, …)"),
        file_arg("The JSON request"),
    ]
}

/// A `--charset` value: every label `Charset::from_label` knows, ignoring ASCII case. A charset the gateway does not
/// take is refused by validation (rule `transport`), with the operation's words, not here.
fn parse_charset(label: &str) -> Result<Charset, String> {
    Charset::from_label(label).ok_or_else(|| {
        let labels: Vec<&str> = Charset::ALL.iter().map(|c| c.label()).collect();
        format!("expected one of {} (or an alias listed in --help)", labels.join(", "))
    })
}

/// The environment variable a credential is read from: the gateway's name and the credential's, upper case, joined
/// by `_` (`access_key` of gateway `pay` → `PAY_ACCESS_KEY`).
fn credential_variable(gateway: &str, name: &str) -> String {
    format!("{gateway}_{name}").to_ascii_uppercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// Runs `validate` or `encode`; the exit status.
pub(crate) fn run(m: &ArgMatches, mode: Mode, stdin: &mut dyn Read, out: &mut Output<'_>) -> u8 {
    let Some(&op) = m.get_one::<&'static OperationSpec>("op") else {
        return USAGE;
    };
    let Some(&charset) = m.get_one::<Charset>("charset") else {
        return USAGE;
    };
    // the gateway's credentials, from their options or the environment (`<GATEWAY>_<NAME>`, e.g. a key that checksums
    // need)
    let mut values: Vec<(&'static str, String)> = Vec::new();
    for c in op.gateway.credentials {
        if let Some(given) = m.try_get_one::<String>(c.name).ok().flatten() {
            values.push((c.name, given.clone()));
            continue;
        }
        let variable = credential_variable(op.gateway.name, c.name);
        match std::env::var(&variable) {
            Ok(value) => values.push((c.name, value)),
            Err(std::env::VarError::NotPresent) => {}
            // set but unreadable: not the same as absent (its value is a secret: never echoed)
            Err(std::env::VarError::NotUnicode(_)) => {
                out.error(format_args!("error: {variable}: expected utf-8 text, found bytes that are not utf-8"));
                return USAGE;
            }
        }
    }
    let credentials = values.iter().fold(Credentials::new(), |c, (name, value)| c.with(name, value));
    let options = Options::new(charset).normalize(m.get_flag("normalize")).with_credentials(&credentials);

    let params = match input::read(m.get_one::<PathBuf>("file").map(PathBuf::as_path), stdin)
        .and_then(|(bytes, name)| input::parse_params(&bytes, &name).map_err(|errors| errors.join("\n")))
    {
        Ok(params) => params,
        Err(message) => return out.rejected(&message),
    };

    let mut request = DynamicRequest::new(op);
    for (name, value) in &params {
        request.set(name, value);
    }
    let result = match mode {
        Mode::Validate => request.validate(options).map(|()| Vec::new()),
        Mode::Encode => {
            let mut body = Vec::new();
            request.encode(options, &mut body).map(|_| body)
        }
    };
    match result {
        Ok(body) => out.emit(&body),
        Err(report) => {
            let lines = violation_lines(report.violations(), |v| violation_message(op, v));
            match mode {
                // the violations are validate's answer: a stdout that cannot take them is said as such
                Mode::Validate => {
                    out.emit(lines.as_bytes());
                }
                Mode::Encode => out.error_text(&lines),
            }
            REJECTED
        }
    }
}

/// The violation's message; an `unknown` parameter that the encoder itself adds for UTF-8 transport (the operation's
/// `utf8_params`) says so.
fn violation_message(op: &OperationSpec, v: &Violation) -> String {
    if matches!(v.kind, ViolationKind::Unknown) && op.utf8_params.iter().any(|&(name, _)| name == v.field) {
        return "added by the encoder when the request is sent as UTF-8 (--charset utf-8); leave it out".to_owned();
    }
    v.kind.to_string()
}
