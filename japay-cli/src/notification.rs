//! `notification KIND [FILE]`: decode and check the form body of a message the gateway's server POSTs to the
//! merchant's server.

use std::io::Read;
use std::path::PathBuf;

use clap::{Arg, ArgMatches, Command};
use japay_core::Charset;

use crate::output::{Output, REJECTED, USAGE, violation_lines};
use crate::{Description, Gateway, Incoming, IncomingKind, Refusal, file_arg, input, one_of};

/// The `notification` command.
pub(crate) fn command(cli: &Description, incoming: &Incoming) -> Command {
    let kinds = incoming.kinds;
    let names: Vec<&str> = kinds.iter().map(|k| k.name).collect();
    let listed: Vec<String> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let operation = if i == 0 { "operation " } else { "" };
            format!("{} ({operation}{})", k.name, k.operation.name)
        })
        .collect();
    let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
    let labels: Vec<&str> = incoming.charsets.iter().map(|c| c.label()).collect();
    let default = incoming.charsets.first().copied().unwrap_or(Charset::Utf8);
    let example = kinds.first().map_or("", |k| k.operation.name);
    let charsets = incoming.charsets;
    Command::new("notification")
        .about(format!("Decode and check a notification form body ({}) into a JSON object", names.join(", ")))
        .long_about(format!(
            "Decode the application/x-www-form-urlencoded body of a notification the gateway's server POSTs to the \
             merchant's server, read from FILE or, when FILE is absent or `-`, from stdin (one final line break is \
             ignored), and check it against its spec (`{} spec show {example}`).\n\n\
             KIND: {}; the operation names are accepted too.\n\n\
             Valid: exit 0 and one JSON object and a newline on stdout: parameter name -> decoded string, in body \
             order, unknown parameters included (a name repeated with the same value becomes an array). Breaks its \
             spec: exit 1 and one JSON object per violation and line on stderr, as `validate` prints them \
             ({{\"field\":…,\"rule\":…,\"message\":…}}). Not decodable (bad percent escape, bytes invalid in the \
             charset, a parameter repeated with another value) or refused by a check: exit 1, message on stderr.\n\n\
             The body is read as {} unless --charset says otherwise: a body's charset is never guessed from its \
             bytes.",
            cli.name,
            one_of(&listed),
            default.name()
        ))
        .arg(
            Arg::new("kind")
                .value_name("KIND")
                .required(true)
                .help(format!("{} (or the operation name, {example}, …)", one_of(&names)))
                .value_parser(move |name: &str| parse_kind(kinds, name)),
        )
        .arg(
            Arg::new("charset")
                .long("charset")
                .value_name("CHARSET")
                .help(format!(
                    "The charset of the body's text: {}, any case, with the aliases `validate --help` lists",
                    one_of(&labels)
                ))
                .value_parser(move |label: &str| parse_charset(charsets, label))
                .default_value(default.label()),
        )
        .args((incoming.args)())
        .arg(file_arg("The form body"))
}

/// A KIND argument: a short name or an operation name.
fn parse_kind(kinds: &'static [IncomingKind], name: &str) -> Result<&'static IncomingKind, String> {
    kinds.iter().find(|k| k.name == name || k.operation.name == name).ok_or_else(|| {
        let names: Vec<&str> = kinds.iter().map(|k| k.name).collect();
        format!("unknown notification {name}; expected one of: {} (or the operation names)", names.join(", "))
    })
}

/// A `--charset` value: a label of one of the incoming charsets (the labels `Charset::from_label` knows, any case).
fn parse_charset(charsets: &'static [Charset], label: &str) -> Result<Charset, String> {
    match Charset::from_label(label) {
        Some(charset) if charsets.contains(&charset) => Ok(charset),
        _ => {
            let labels: Vec<&str> = charsets.iter().map(|c| c.label()).collect();
            Err(format!("expected {} (or an alias of theirs)", one_of(&labels)))
        }
    }
}

/// Runs `notification`; the exit status.
pub(crate) fn run<G: Gateway>(m: &ArgMatches, stdin: &mut dyn Read, out: &mut Output<'_>) -> u8 {
    let Some(&kind) = m.get_one::<&'static IncomingKind>("kind") else {
        return USAGE;
    };
    let Some(&charset) = m.get_one::<Charset>("charset") else {
        return USAGE;
    };
    let body = match input::read(m.get_one::<PathBuf>("file").map(PathBuf::as_path), stdin) {
        Ok((body, _)) => body,
        Err(message) => {
            out.error(format_args!("notification: {message}"));
            return REJECTED;
        }
    };
    // a form body never holds a line break: one at the end is the file's or echo's, not the gateway's
    let body = body.strip_suffix(b"\n").map_or(body.as_slice(), |b| b.strip_suffix(b"\r").unwrap_or(b));
    match G::read_incoming(kind, body, charset, m) {
        Ok(mut text) => {
            text.push('\n');
            out.emit(text.as_bytes())
        }
        Err(Refusal::Invalid(report)) => {
            out.error_text(&violation_lines(report.violations(), |v| v.kind.to_string()));
            REJECTED
        }
        Err(Refusal::Malformed(e)) => {
            let hint = if body.starts_with(b"?") { " (a form body has no leading `?`)" } else { "" };
            out.error(format_args!("notification: {e}{hint}"));
            REJECTED
        }
        Err(Refusal::Refused(e)) => {
            out.error(format_args!("notification: {e}"));
            REJECTED
        }
    }
}
