//! UTF-8 `application/x-www-form-urlencoded` bodies, as a browser sends a page's form and as the control endpoints
//! take them: [`Form::parse`] strictly (no U+FFFD, a name repeated with another value refused) and [`encode`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use japay_core::charset::Charset;
use japay_core::wire::{query, text};

/// A decoded UTF-8 form: its `(name, value)` pairs in document order (a name repeated with the same value kept
/// once). `Debug` shows names only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.pairs.iter().map(|(n, _)| n)).finish()
    }
}

impl Form {
    /// Decodes a form body or a query string (without `?`), values as UTF-8 (`+` is a space).
    ///
    /// # Errors
    /// What is wrong, naming the parameter but never showing its value.
    pub fn parse(body: &[u8]) -> Result<Form, String> {
        let raw = query::pairs(body).map_err(|e| format!("expected a form body: {e}"))?;
        let mut pairs: Vec<(String, String)> = Vec::with_capacity(raw.len());
        // names come from the input: a hash index keeps the repeat check linear
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(raw.len());
        for pair in raw {
            let value = text::decode_percent_encoded(Cow::Borrowed(pair.raw), Charset::Utf8)
                .map_err(|e| format!("{}: expected percent-encoded utf-8: {e}", pair.name))?;
            match index.get(pair.name).and_then(|&i| pairs.get(i)) {
                Some((_, earlier)) if *earlier == *value => {}
                Some(_) => return Err(format!("{}: expected one value, found two", pair.name)),
                None => {
                    index.insert(pair.name, pairs.len());
                    pairs.push((pair.name.to_owned(), value.into_owned()));
                }
            }
        }
        Ok(Form { pairs })
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Every `(name, value)` pair, in document order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// `name=value&…`, names and values percent-encoded over their UTF-8 bytes (`A-Za-z0-9*-._` raw, space `+`, every
/// other byte `%XX`), as a browser submits a UTF-8 page's form.
pub fn encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        escape(name, &mut out);
        out.push('=');
        escape(value, &mut out);
    }
    out
}

fn escape(text: &str, out: &mut String) {
    for b in text.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') => out.push(char::from(b)),
            b => {
                out.push('%');
                out.push(hex_digit(b >> 4));
                out.push(hex_digit(b & 0x0F));
            }
        }
    }
}

/// The upper-case hex digit of a nibble (`n` < 16).
fn hex_digit(n: u8) -> char {
    let n = n & 0x0F;
    char::from(if n < 10 { b'0' + n } else { b'A' + (n - 10) })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn encoding_and_parsing_round_trip() {
        // (pairs, body)
        let cases: [(&[(&str, &str)], &str); 4] = [
            (&[("a", "1"), ("b", "x y")], "a=1&b=x+y"),
            (&[("name", "山田")], "name=%E5%B1%B1%E7%94%B0"),
            (&[("u", "a@b/c&d=e+f%")], "u=a%40b%2Fc%26d%3De%2Bf%25"),
            (&[("empty", "")], "empty="),
        ];
        for (pairs, body) in cases {
            assert_eq!(encode(pairs.iter().copied()), body);
            let form = Form::parse(body.as_bytes()).unwrap();
            assert_eq!(form.pairs().collect::<Vec<_>>(), pairs.to_vec());
        }
    }

    #[test]
    fn what_is_refused() {
        // (body, a piece of the error)
        let cases = [("a=1&a=2", "a: expected one value"), ("a=%FF", "a: expected percent-encoded utf-8"), ("a b", "")];
        for (body, error) in cases {
            assert!(Form::parse(body.as_bytes()).unwrap_err().contains(error), "{body}");
        }
        assert_eq!(Form::parse(b"a=1&a=1").unwrap().pairs().count(), 1);
        assert!(!format!("{:?}", Form::parse(b"card=4242").unwrap()).contains("4242"));
    }
}
