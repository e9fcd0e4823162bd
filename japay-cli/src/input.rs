//! Reading input: a file or stdin, at most [`MAX_INPUT`] bytes, and the JSON object of a request.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::output::json_str;

/// The most bytes an input may have: 64 MiB. A request, an answer body or a notification is a few kilobytes; the
/// cap keeps a runaway pipe from filling the memory. A larger input is rejected (exit 1), never truncated.
pub const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// Reads FILE, or `stdin` when it is absent or `-`, up to [`MAX_INPUT`] bytes. Returns the bytes and a name for
/// messages (the path, or `stdin`).
///
/// # Errors
/// A message naming what could not be read, or that it is larger than [`MAX_INPUT`].
pub fn read(file: Option<&Path>, stdin: &mut dyn Read) -> Result<(Vec<u8>, String), String> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            let name = path.display().to_string();
            match std::fs::File::open(path) {
                Ok(mut file) => read_capped(&mut file, name),
                Err(e) => Err(format!("cannot read {name}: {e}")),
            }
        }
        _ => read_capped(stdin, "stdin".to_owned()),
    }
}

/// Everything `from` holds, when it is at most [`MAX_INPUT`] bytes.
fn read_capped(from: &mut dyn Read, name: String) -> Result<(Vec<u8>, String), String> {
    let mut bytes = Vec::new();
    match from.take(MAX_INPUT + 1).read_to_end(&mut bytes) {
        Ok(n) if n as u64 > MAX_INPUT => Err(format!("{name} is larger than {} MiB", MAX_INPUT / (1024 * 1024))),
        Ok(_) => Ok((bytes, name)),
        Err(e) => Err(format!("cannot read {name}: {e}")),
    }
}

/// Parses a JSON object of parameter name → string value. Returns the pairs in document order.
///
/// Rejected: invalid UTF-8, invalid JSON, anything but an object, a value that is not a string (numbers are not
/// converted), a name that occurs twice.
///
/// # Errors
/// One message per problem.
pub fn parse_params(bytes: &[u8], source: &str) -> Result<Vec<(String, String)>, Vec<String>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err(vec![format!(
                "{source} is not valid UTF-8 (invalid byte sequence at byte offset {})",
                e.valid_up_to()
            )]);
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return Err(vec![format!("{source} is not JSON: {e}")]),
    };
    let Value::Object(map) = value else {
        return Err(vec![format!(
            "expected a JSON object of parameter name -> string value, found {}",
            kind_name(&value)
        )]);
    };

    // serde_json's Map (without `preserve_order`) is sorted and keeps the last of duplicate keys: read the keys
    // again from the text for their order and to catch duplicates.
    let keys = top_level_keys(text).unwrap_or_else(|| map.keys().cloned().collect());
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for key in &keys {
        if !seen.insert(key.as_str()) && reported.insert(key.as_str()) {
            errors.push(format!("parameter {} occurs more than once", json_str(key)));
        }
    }
    let mut params = Vec::with_capacity(keys.len());
    for key in keys.iter().filter(|k| !reported.contains(k.as_str())) {
        match map.get(key) {
            Some(Value::String(s)) => params.push((key.clone(), s.clone())),
            Some(other) => {
                let hint = match other {
                    Value::Number(_) => "; numbers are not converted, quote the value",
                    Value::Null => "; leave the parameter out instead",
                    _ => "",
                };
                errors.push(format!(
                    "parameter {}: expected a string, found {}{hint}",
                    json_str(key),
                    kind_name(other)
                ));
            }
            None => {}
        }
    }
    if errors.is_empty() { Ok(params) } else { Err(errors) }
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The keys of the top-level object of `text`, already known to be valid JSON, in document order, duplicates
/// included. `None` if the text is not shaped as expected.
fn top_level_keys(text: &str) -> Option<Vec<String>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if *b.get(i)? != b'{' {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut keys = Vec::new();
    if *b.get(i)? == b'}' {
        return Some(keys);
    }
    loop {
        let end = string_end(b, i)?;
        keys.push(serde_json::from_str::<String>(text.get(i..end)?).ok()?);
        i = skip_ws(b, end);
        if *b.get(i)? != b':' {
            return None;
        }
        i = skip_ws(b, value_end(b, skip_ws(b, i + 1))?);
        match *b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b'}' => return Some(keys),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The index after the closing quote of the string starting at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if *b.get(i)? != b'"' {
        return None;
    }
    let mut j = i + 1;
    loop {
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// The index after the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while !matches!(b.get(j), None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_document_order_with_duplicates() {
        let text = r#" { "b" : [1, {"x": "}"}], "a\"q": "v,}", "b": null, "c": -1.5e3 } "#;
        assert_eq!(top_level_keys(text), Some(vec!["b".to_owned(), "a\"q".to_owned(), "b".to_owned(), "c".to_owned()]));
        assert_eq!(top_level_keys("{}"), Some(vec![]));
    }

    #[test]
    fn read_caps_the_input() {
        let mut small: &[u8] = b"{}";
        assert_eq!(read(None, &mut small), Ok((b"{}".to_vec(), "stdin".to_owned())));
        let mut dash: &[u8] = b"x";
        assert_eq!(read(Some(Path::new("-")), &mut dash).map(|(b, _)| b), Ok(b"x".to_vec()));
        let mut endless = std::io::repeat(b' ');
        assert_eq!(read(None, &mut endless), Err("stdin is larger than 64 MiB".to_owned()));
        let missing = read(Some(Path::new("/nonexistent/japay-cli-input")), &mut endless);
        assert!(missing.is_err_and(|e| e.starts_with("cannot read /nonexistent/japay-cli-input: ")));
    }

    #[test]
    fn params_rejects_duplicates_and_non_strings() {
        let errors = parse_params(br#"{"a": "1", "a": "2", "n": 5, "z": null}"#, "stdin").unwrap_err();
        assert_eq!(
            errors,
            [
                "parameter \"a\" occurs more than once",
                "parameter \"n\": expected a string, found a number; numbers are not converted, quote the value",
                "parameter \"z\": expected a string, found null; leave the parameter out instead",
            ]
        );
        let ok = parse_params("\u{FEFF}{\"z\": \"1\", \"a\": \"\"}".as_bytes(), "stdin").unwrap();
        assert_eq!(ok, [("z".to_owned(), "1".to_owned()), ("a".to_owned(), String::new())]);
    }
}
