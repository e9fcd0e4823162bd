//! The recorded exchanges (VCR cassettes) the layouts are checked against, read with a small reader of exactly the
//! YAML they use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

/// The recorded cassettes (`../shared/fixtures/epsilon-recorded`, or under `$JAPAY_FIXTURES`): a missing folder
/// fails the test with its path (the tests that call this are ignored, with the reason, outside CI when it is
/// missing).
pub(super) fn cassette_dir() -> PathBuf {
    japay_test_support::fixtures::recorded()
}

/// One recorded exchange, as far as these tests need it.
#[derive(Debug, Default)]
pub(super) struct Recorded {
    pub(super) label: String,
    pub(super) uri: String,
    pub(super) request_body: String,
    pub(super) status: String,
    pub(super) content_type: String,
    pub(super) body: String,
}

/// Reads the VCR cassettes with a small reader of exactly the YAML they use: `- request:` / `  response:`
/// sections, plain, `|`/`|-` block and folded double-quoted scalars. Anything unexpected fails the test.
pub(super) fn load_recorded(dir: &std::path::Path) -> Vec<Recorded> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the cassette folder")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no cassette in {}", dir.display());
    let mut all = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a cassette");
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let lines: Vec<&str> = text.split('\n').collect();
        let mut in_response = false;
        let mut index = 0;
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            i += 1;
            if line == "- request:" {
                all.push(Recorded { label: format!("{stem}#{index}"), ..Recorded::default() });
                index += 1;
                in_response = false;
                continue;
            }
            let Some(current) = all.last_mut() else { continue };
            if line == "  response:" {
                in_response = true;
            } else if let Some(uri) = line.strip_prefix("    uri: ") {
                current.uri = uri.to_owned();
            } else if let Some(code) = line.strip_prefix("      code: ") {
                current.status = code.to_owned();
            } else if line == "      Content-Type:" && in_response {
                current.content_type = lines[i].trim_start().trim_start_matches("- ").to_owned();
            } else if line == "    body:" {
                while i < lines.len() && !lines[i].starts_with("      string:") {
                    i += 1;
                }
                let first = lines[i].trim_start_matches("      string:").trim_start();
                let (value, next) = scalar(&lines, i, 6, first);
                i = next;
                if in_response {
                    current.body = value;
                } else {
                    current.request_body = value;
                }
            }
        }
    }
    all
}

/// The scalar whose first line (after `key:`) is `first`, at line `at` with the key at `indent`; the value and
/// the line after it.
fn scalar(lines: &[&str], at: usize, indent: usize, first: &str) -> (String, usize) {
    let more_indented = |l: &str| l.len() > indent && l.bytes().take(indent + 1).all(|b| b == b' ');
    let mut next = at + 1;
    if first == "|" || first == "|-" {
        let mut body: Vec<&str> = Vec::new();
        let content = indent + 2;
        while next < lines.len() && (lines[next].is_empty() || more_indented(lines[next])) {
            body.push(lines[next].get(content..).unwrap_or(""));
            next += 1;
        }
        while body.last() == Some(&"") {
            body.pop();
        }
        let mut value = body.join("\n");
        if first == "|" {
            value.push('\n');
        }
        (value, next)
    } else if let Some(rest) = first.strip_prefix('"') {
        let mut raw = rest.to_owned();
        while !closed(&raw) {
            raw.push('\n');
            raw.push_str(lines[next]);
            next += 1;
        }
        (double_quoted(&raw), next)
    } else {
        let mut value = first.to_owned();
        while next < lines.len() && more_indented(lines[next]) {
            value.push(' ');
            value.push_str(lines[next].trim());
            next += 1;
        }
        (value, next)
    }
}

/// Whether a double-quoted scalar's text (after the opening quote) holds its closing quote.
fn closed(raw: &str) -> bool {
    let mut escaped = false;
    for c in raw.chars() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return true,
            _ => {}
        }
    }
    false
}

/// The value of a double-quoted YAML scalar (text after the opening quote, up to and including the closing
/// one): escapes, escaped line breaks and line folding.
fn double_quoted(raw: &str) -> String {
    let mut out = String::new();
    let mut kept = 0; // out[..kept] holds escaped text that folding must not trim
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => {
                let e = chars.next().expect("an escape");
                match e {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '0' => out.push('\0'),
                    ' ' | '"' | '\\' | '/' => out.push(e),
                    'x' | 'u' => {
                        let digits: String = chars.by_ref().take(if e == 'x' { 2 } else { 4 }).collect();
                        let code = u32::from_str_radix(&digits, 16).expect("hex digits");
                        out.push(char::from_u32(code).expect("a scalar value"));
                    }
                    '\n' => {
                        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                            chars.next();
                        }
                    }
                    other => panic!("unexpected escape \\{other}"),
                }
                kept = out.len();
            }
            '\n' => {
                while out.len() > kept && out.ends_with([' ', '\t']) {
                    out.pop();
                }
                let mut breaks = 0;
                loop {
                    while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                        chars.next();
                    }
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                        breaks += 1;
                    } else {
                        break;
                    }
                }
                if breaks == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', breaks));
                }
            }
            _ => out.push(c),
        }
    }
    out
}
