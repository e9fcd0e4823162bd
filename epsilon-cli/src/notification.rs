//! `epsilon notification KIND [FILE]`: decode and check the form body of a notification the gateway's server POSTs
//! to the merchant's server.

use std::path::PathBuf;

use clap::{Arg, ArgMatches, Command};
use epsilon_proto::notification::{Kind, Notification};
use epsilon_proto::{Charset, IncomingError, Version};

use crate::{REJECTED, decoded_json, emit, file_arg, json_str};

/// The subcommand's definition.
pub(crate) fn command() -> Command {
    Command::new("notification")
        .about("Decode and check a notification form body (payment, deposit, deferred_payment) into a JSON object")
        .long_about(
            "Decode the application/x-www-form-urlencoded body of a notification the gateway's server POSTs to the \
             merchant's server, read from FILE or, when FILE is absent or `-`, from stdin (one final line break is \
             ignored), and check it against its spec (`epsilon spec show payment_notification`).\n\n\
             KIND: payment (決済完了通知, operation payment_notification), deposit (コンビニ・ペイジー入金通知, \
             deposit_notification) or deferred_payment (GMO後払い status change, deferred_payment_notification); \
             the operation names are accepted too.\n\n\
             Valid: exit 0 and one JSON object and a newline on stdout: parameter name -> decoded string, in body \
             order, unknown parameters included (a name repeated with the same value becomes an array). Breaks its \
             spec: exit 1 and one JSON object per violation and line on stderr, as `validate` prints them \
             ({\"field\":…,\"rule\":…,\"message\":…}). Not decodable (bad percent escape, bytes invalid in the \
             charset, a parameter repeated with another value) or, with --contract, for another contract: exit 1, \
             message on stderr.\n\n\
             The body is read as CP932 unless --charset utf-8 is given: the charset of notifications is not \
             documented and is never guessed from the bytes. The reply to send back is the body 1 (accepted) or 0 \
             (refused), text/plain.",
        )
        .arg(
            Arg::new("kind")
                .value_name("KIND")
                .required(true)
                .help("payment, deposit or deferred_payment (or the operation name, payment_notification, …)")
                .value_parser(parse_kind),
        )
        .arg(
            Arg::new("charset")
                .long("charset")
                .value_name("CHARSET")
                .help(
                    "The charset of the body's text: cp932 or utf-8, any case, with the aliases `validate --help` \
                     lists (x-sjis-cp932, sjis, utf8, …)",
                )
                .value_parser(parse_charset)
                .default_value("cp932"),
        )
        .arg(
            Arg::new("contract")
                .long("contract")
                .value_name("CODE")
                .help("The merchant's contract code: refuse a notification that carries another one")
                .value_parser(parse_contract),
        )
        .arg(file_arg("The form body"))
}

/// A KIND argument.
fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.short_name()).collect();
        format!("unknown notification {name}; expected one of: {} (or the operation names)", names.join(", "))
    })
}

/// A `--charset` value: a label of CP932 or UTF-8 (the labels `Charset::from_label` knows, any case), as the
/// `version` it stands for. EUC-JP is a request charset only.
fn parse_charset(label: &str) -> Result<Version, String> {
    match Charset::from_label(label) {
        Some(Charset::Cp932) => Ok(Version::V1),
        Some(Charset::Utf8) => Ok(Version::V2),
        _ => Err("expected cp932 or utf-8 (or an alias of theirs)".to_owned()),
    }
}

/// A `--contract` value: anything but empty (an empty code would refuse every notification that carries one, and
/// say the notification was at fault).
fn parse_contract(code: &str) -> Result<String, String> {
    if code.is_empty() {
        Err("expected the merchant's contract code, found an empty value".to_owned())
    } else {
        Ok(code.to_owned())
    }
}

/// Runs the subcommand; the exit status.
pub(crate) fn run(m: &ArgMatches) -> u8 {
    let Some(&kind) = m.get_one::<Kind>("kind") else {
        return 2;
    };
    let Some(&version) = m.get_one::<Version>("charset") else {
        return 2;
    };
    let (body, _) = match crate::input::read(m.get_one::<PathBuf>("file")) {
        Ok(read) => read,
        Err(message) => {
            eprintln!("notification: {message}");
            return REJECTED;
        }
    };
    // a form body never holds a line break: one at the end is the file's or echo's, not the gateway's
    let body = body.strip_suffix(b"\n").map_or(body.as_slice(), |b| b.strip_suffix(b"\r").unwrap_or(b));
    let notification = match Notification::parse_in(kind, body, version) {
        Ok(notification) => notification,
        Err(IncomingError::Invalid(report)) => {
            let mut lines = String::new();
            for v in report.violations() {
                lines.push_str(&format!(
                    "{{\"field\":{},\"rule\":{},\"message\":{}}}\n",
                    json_str(&v.field),
                    json_str(v.kind.rule()),
                    json_str(&v.kind.to_string())
                ));
            }
            eprint!("{lines}");
            return REJECTED;
        }
        Err(e) => {
            let hint = if body.starts_with(b"?") { " (a form body has no leading `?`)" } else { "" };
            eprintln!("notification: {e}{hint}");
            return REJECTED;
        }
    };
    if let Some(own) = m.get_one::<String>("contract") {
        if let Err(e) = notification.check_contract(own) {
            eprintln!("notification: {e}");
            return REJECTED;
        }
    }
    let mut text = decoded_json(notification.raw());
    text.push('\n');
    emit(text.as_bytes())
}
