//! What a command writes: exit statuses, JSON lines, and stdout/stderr writes that never panic.
//!
//! The exit status is a contract for scripts: [`OK`] 0, [`REJECTED`] 1 (the input was rejected, or the answer could
//! not be written), [`USAGE`] 2. A write never panics (`println!` does when stdout is full): stdout closed early by
//! the reader (`| head`) ends the output quietly with the status the command had; any other failure to write stdout
//! is [`REJECTED`] with a message on stderr; a failure to write stderr is ignored, since there is nowhere left to say
//! it (`2>/dev/full` changes no exit status).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Display;
use std::io::{self, Write};

use japay_core::Violation;
use japay_core::spec::Code;

/// Exit status: done.
pub const OK: u8 = 0;
/// Exit status: the input was rejected (invalid request, unreadable or malformed input, undecodable answer), or the
/// output could not be written.
pub const REJECTED: u8 = 1;
/// Exit status: usage error (unknown command, operation or option value).
pub const USAGE: u8 = 2;

/// Where a command writes: stdout and stderr, or any pair of writers (tests capture both in memory).
pub struct Output<'a> {
    stdout: Box<dyn Write + 'a>,
    stderr: Box<dyn Write + 'a>,
    /// The binary's name, which prefixes the message when stdout cannot be written (`NAME: cannot write …`).
    name: &'a str,
}

impl<'a> Output<'a> {
    /// The process's stdout and stderr. Nothing is held locked between writes.
    pub fn std(name: &'a str) -> Output<'a> {
        Output::new(name, io::stdout(), io::stderr())
    }

    /// Any two writers.
    pub fn new(name: &'a str, stdout: impl Write + 'a, stderr: impl Write + 'a) -> Output<'a> {
        Output { stdout: Box::new(stdout), stderr: Box::new(stderr), name }
    }

    /// Writes `bytes` to stdout and flushes: [`OK`], or [`REJECTED`] (with a message on stderr) when stdout cannot
    /// be written. A closed pipe ends the output quietly: [`OK`].
    pub fn emit(&mut self, bytes: &[u8]) -> u8 {
        let written = self.stdout.write_all(bytes).and_then(|()| self.stdout.flush());
        match written {
            Ok(()) => OK,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => OK,
            Err(e) => {
                let name = self.name;
                self.error(format_args!("{name}: cannot write to stdout: {e}"));
                REJECTED
            }
        }
    }

    /// Writes `text` and a line break to stdout, as [`emit`](Output::emit).
    pub fn line(&mut self, text: &str) -> u8 {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b'\n');
        self.emit(&bytes)
    }

    /// Writes `text` and a line break to stdout and flushes, for a line a caller depends on (a listen URL): every
    /// failure is returned, a closed pipe included, and nothing is said on stderr.
    ///
    /// # Errors
    /// The write or flush error.
    pub fn contract_line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.stdout, "{text}").and_then(|()| self.stdout.flush())
    }

    /// Writes `message` and a line break to stderr; a failure to write is ignored.
    pub fn error(&mut self, message: impl Display) {
        let _ = writeln!(self.stderr, "{message}").and_then(|()| self.stderr.flush());
    }

    /// Writes `text` as it is to stderr (several lines at once); a failure to write is ignored.
    pub fn error_text(&mut self, text: &str) {
        let _ = self.stderr.write_all(text.as_bytes()).and_then(|()| self.stderr.flush());
    }

    /// Writes one `input rejected: …` line to stderr per line of `message`; [`REJECTED`].
    pub fn rejected(&mut self, message: &str) -> u8 {
        for line in message.lines() {
            self.error(format_args!("input rejected: {line}"));
        }
        REJECTED
    }
}

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// A JSON string literal, or `null`.
pub fn json_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_owned(), json_str)
}

/// `{"field":…,"rule":…,"message":…}`, keys in that order: one violation line (without the line break).
pub fn violation_line(field: &str, rule: &str, message: &str) -> String {
    format!("{{\"field\":{},\"rule\":{},\"message\":{}}}", json_str(field), json_str(rule), json_str(message))
}

/// The violation lines of `violations`, each with its line break; `message` words each violation.
pub fn violation_lines<'v>(
    violations: impl IntoIterator<Item = &'v Violation>,
    mut message: impl FnMut(&Violation) -> String,
) -> String {
    let mut lines = String::new();
    for v in violations {
        lines.push_str(&violation_line(&v.field, v.kind.rule(), &message(v)));
        lines.push('\n');
    }
    lines
}

/// Name/value pairs as one JSON object in their order; a repeated name becomes one key, at its first position, whose
/// value is the array of its values in order.
///
/// Linear in the number of pairs: a name's group is found through a hash map, not by searching the groups.
pub fn pairs_json<'p>(pairs: impl IntoIterator<Item = (&'p str, &'p str)>) -> String {
    let mut slots: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (name, value) in pairs {
        match slots.entry(name) {
            Entry::Occupied(slot) => {
                if let Some((_, values)) = groups.get_mut(*slot.get()) {
                    values.push(value);
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(groups.len());
                groups.push((name, vec![value]));
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

/// `{"code":…,"ja":…,"en":…,"remediation":…}` of a typed code; texts its table does not have are `null`.
pub fn code_json(code: &Code<'_>) -> String {
    format!(
        "{{\"code\":{},\"ja\":{},\"en\":{},\"remediation\":{}}}",
        json_str(code.value()),
        json_opt(code.entry.map(|e| e.ja)),
        json_opt(code.entry.map(|e| e.en)),
        json_opt(code.entry.and_then(|e| e.remediation))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails as a full disk or a closed pipe does.
    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from(self.0))
        }
    }

    #[test]
    fn a_full_stdout_is_rejected_and_said_on_stderr() {
        let mut err = Vec::new();
        let mut out = Output::new("toy", Failing(io::ErrorKind::StorageFull), &mut err);
        assert_eq!(out.emit(b"x"), REJECTED);
        drop(out);
        assert!(String::from_utf8_lossy(&err).starts_with("toy: cannot write to stdout: "));
    }

    #[test]
    fn a_closed_stdout_ends_quietly_and_stderr_failures_are_ignored() {
        let mut out = Output::new("toy", Failing(io::ErrorKind::BrokenPipe), Failing(io::ErrorKind::StorageFull));
        assert_eq!(out.emit(b"x"), OK);
        out.error("nowhere to go");
        out.error_text("nor here\n");
        assert_eq!(out.rejected("a\nb"), REJECTED);
        let mut out = Output::new("toy", Failing(io::ErrorKind::StorageFull), Failing(io::ErrorKind::StorageFull));
        assert_eq!(out.line("x"), REJECTED, "stdout full, stderr full: rejected, no panic");
    }

    #[test]
    fn pairs_group_repeated_names_at_their_first_position() {
        let pairs = [("a", "1"), ("b", "\"x\\"), ("a", "2"), ("c", ""), ("a", "")];
        assert_eq!(pairs_json(pairs), r#"{"a":["1","2",""],"b":"\"x\\","c":""}"#);
        assert_eq!(pairs_json([]), "{}");
    }

    #[test]
    fn violation_line_keys_in_order() {
        assert_eq!(violation_line("f", "required", "m\""), r#"{"field":"f","rule":"required","message":"m\""}"#);
    }
}
