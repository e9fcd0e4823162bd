//! Writing answers the way the gateway writes them: the `Epsilon_result` XML with percent-encoded values in CP932
//! (version 1) or UTF-8 (version 2), and the HTTP 500 Apache page.
//!
//! Each CGI has its own layout (facts §4.3: declaration Q1, `Content-Type` Q4, line endings Q5, indentation Q6,
//! attribute order Q8, escaping Q11–Q14); [`Style`] names them. epsilon-proto's reader must accept every answer
//! written here, and the layout of each style matches a recorded answer of the same CGI (tested byte for byte
//! against the recordings when they are present).
//!
//! Escaping is byte-wise over the charset bytes, upper-case hex: `A`–`Z`, `a`–`z`, `0`–`9`, `-`, `.` and `_` stay
//! raw, even as the trail byte of a double-byte CP932 character (`ダ` → `%83_`, Q12); every other byte is escaped.
//! Two families differ (Q14): the `receive_order3.cgi` family writes a space as `%20` and leaves `~` raw, `getsales2`
//! writes a space as `+` and `~` as `%7E`. Text is converted with epsilon-proto's strict charset rules: a character
//! CP932 cannot hold (or would give back as another character, such as `¥`) is an error, never `?` or `&#NNNN;`.
//!
//! Uncertain (no recording shows it): how the alphabetically sorted CGIs (`direct_card_payment`, the management CGIs,
//! `get_user_info`, `direct_virtual_account`) and `receive_order_gmo2` write a space or `~`; they are written like
//! `receive_order3` (`%20`, `~` raw). The layout of `receive_order3` process 4 and 7 answers is taken from the
//! recorded process 8 and 9 answers.

use std::fmt;

use epsilon_proto::Version;

/// An answer ready to send: HTTP status, `Content-Type` and body bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status (200 for every business answer, errors included).
    pub status: u16,
    /// The `Content-Type` header value, spelt as the gateway spells it.
    pub content_type: &'static str,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// Which CGI answers, and in which situation: this decides the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// `direct_card_payment.cgi`.
    DirectCard,
    /// `cancel_payment.cgi`, `sales_payment.cgi`, `change_amount_payment.cgi`, `get_user_info.cgi`.
    Management,
    /// `direct_virtual_account.cgi`.
    VirtualAccount,
    /// `receive_order3.cgi` answering with a redirect.
    Order3Redirect,
    /// `receive_order3.cgi` answering an order (process 1, 2) with an error.
    Order3Error,
    /// `receive_order3.cgi` answering a direct convenience-store order with the slip.
    Order3Direct,
    /// `receive_order3.cgi` process 4 (no card change), 7, 8 and 9.
    Order3User,
    /// `receive_order3.cgi` process 4, 7, 8 and 9 answering with an error (recorded for process 8: the
    /// `x-sjis-cp932` declaration and no final line ending, unlike [`Style::Order3Error`]).
    Order3UserError,
    /// `receive_order_gmo2.cgi`.
    Gmo2,
    /// `getsales2.cgi`, order found.
    Getsales2Found,
    /// `getsales2.cgi`, not found (an empty root).
    Getsales2NotFound,
}

impl Style {
    /// Every style, for tests and tables.
    pub const ALL: [Style; 11] = [
        Style::DirectCard,
        Style::Management,
        Style::VirtualAccount,
        Style::Order3Redirect,
        Style::Order3Error,
        Style::Order3Direct,
        Style::Order3User,
        Style::Order3UserError,
        Style::Gmo2,
        Style::Getsales2Found,
        Style::Getsales2NotFound,
    ];

    /// The layout this style writes.
    fn layout(self) -> Layout {
        const CP932_TIGHT: &str = "<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>";
        const CP932_SPACED: &str = "<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>";
        const UTF8: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>";
        const LATIN1: &str = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>";
        const BARE: &str = "<?xml version=\"1.0\"  ?>";
        const CP932_TYPE: &str = "text/xml; charset=CP932";
        let sorted = Layout {
            declaration: CP932_TIGHT,
            eol: "\n",
            root_indent: "",
            child_indent: "  ",
            close_indent: "",
            final_eol: false,
            content_type: CP932_TYPE,
            sorted: true,
            escape: Escape::Order3,
        };
        let order3 = Layout {
            declaration: CP932_SPACED,
            eol: "\r\n",
            root_indent: "  ",
            child_indent: "    ",
            close_indent: " ",
            final_eol: true,
            content_type: "text/xml",
            sorted: false,
            escape: Escape::Order3,
        };
        match self {
            Style::DirectCard | Style::Management | Style::VirtualAccount => sorted,
            Style::Order3Redirect => Layout {
                declaration: UTF8,
                eol: "\n",
                root_indent: " ",
                child_indent: "  ",
                close_indent: "  ",
                ..order3
            },
            Style::Order3Error => Layout { declaration: UTF8, close_indent: "  ", ..order3 },
            Style::Order3Direct => {
                Layout { declaration: LATIN1, root_indent: "", child_indent: "  ", close_indent: "", ..order3 }
            }
            Style::Order3User => order3,
            Style::Order3UserError => Layout { close_indent: "  ", final_eol: false, ..order3 },
            Style::Gmo2 => Layout { root_indent: "", close_indent: "", ..order3 },
            Style::Getsales2Found => Layout {
                declaration: CP932_SPACED,
                final_eol: true,
                content_type: CP932_TYPE,
                sorted: false,
                escape: Escape::Getsales2,
                ..sorted
            },
            Style::Getsales2NotFound => Layout {
                declaration: BARE,
                final_eol: true,
                content_type: "text/xml; charset=UTF8",
                sorted: false,
                escape: Escape::Getsales2,
                ..sorted
            },
        }
    }
}

/// How a CGI writes its answer around the attributes.
#[derive(Clone, Copy)]
struct Layout {
    /// The XML declaration, without line ending (Q1).
    declaration: &'static str,
    /// The line ending (Q5).
    eol: &'static str,
    /// Before `<Epsilon_result>` (Q6).
    root_indent: &'static str,
    /// Before each `<result … />` (Q6).
    child_indent: &'static str,
    /// Before `</Epsilon_result>` (Q6).
    close_indent: &'static str,
    /// Whether the body ends with a line ending after `</Epsilon_result>` (Q6).
    final_eol: bool,
    /// The HTTP `Content-Type` (Q4).
    content_type: &'static str,
    /// Whether the CGI sorts attributes by name (Q8); otherwise they are written in the caller's order.
    sorted: bool,
    /// Space and `~` (Q14).
    escape: Escape,
}

/// The two escaping families of Q14.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Escape {
    /// Space → `%20`, `~` raw.
    Order3,
    /// Space → `+`, `~` → `%7E`.
    Getsales2,
}

/// Why an answer could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerError {
    /// A value holds a character the answer's charset cannot represent (CP932 for version 1).
    Unrepresentable {
        /// The attribute name.
        name: String,
        /// The character.
        character: char,
    },
    /// An attribute name that is not a plain field name (ASCII letters, digits and `_`, not empty).
    InvalidName {
        /// The attribute name.
        name: String,
    },
    /// An attribute given for a style whose answer has none (getsales2 "not found" is an empty root).
    UnexpectedAttribute {
        /// The attribute name.
        name: String,
    },
}

impl AnswerError {
    /// The attribute the error is about.
    pub fn name(&self) -> &str {
        match self {
            AnswerError::Unrepresentable { name, .. }
            | AnswerError::InvalidName { name }
            | AnswerError::UnexpectedAttribute { name } => name,
        }
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::Unrepresentable { name, character } => write!(
                f,
                "attribute {name}: character U+{:04X} is not representable in the answer's charset; expected text \
                 the charset holds",
                u32::from(*character)
            ),
            AnswerError::InvalidName { name } => {
                write!(f, "attribute name {name:?}: expected ascii letters, digits and underscores")
            }
            AnswerError::UnexpectedAttribute { name } => {
                write!(f, "attribute {name}: expected no attribute in an empty getsales2 answer")
            }
        }
    }
}

impl std::error::Error for AnswerError {}

/// Writes an XML answer. A value CP932 cannot hold (version 1) is an error, never replaced.
///
/// # Errors
/// The name of the first attribute that cannot be written (see [`write()`]).
pub fn xml(style: Style, version: Version, attrs: &[(&str, &str)]) -> Result<Answer, String> {
    write(style, version, attrs).map_err(|e| match e {
        AnswerError::Unrepresentable { name, .. }
        | AnswerError::InvalidName { name }
        | AnswerError::UnexpectedAttribute { name } => name,
    })
}

/// Writes an XML answer in `style`'s layout, the values percent-encoded over their CP932 ([`Version::V1`]) or UTF-8
/// ([`Version::V2`]) bytes. Attributes are written in the given order, or sorted by name for the styles whose CGI
/// sorts them (direct_card_payment, the management CGIs, get_user_info, direct_virtual_account).
///
/// # Errors
/// [`AnswerError::Unrepresentable`] for a character CP932 cannot hold (version 1), [`AnswerError::InvalidName`] for
/// a name that is not a plain field name, [`AnswerError::UnexpectedAttribute`] for any attribute with
/// [`Style::Getsales2NotFound`].
pub fn write(style: Style, version: Version, attrs: &[(&str, &str)]) -> Result<Answer, AnswerError> {
    let layout = style.layout();
    if let (Style::Getsales2NotFound, Some((name, _))) = (style, attrs.first()) {
        return Err(AnswerError::UnexpectedAttribute { name: (*name).to_owned() });
    }
    let mut ordered: Vec<(&str, &str)> = attrs.to_vec();
    if layout.sorted {
        ordered.sort_by(|a, b| a.0.cmp(b.0)); // stable: a repeated name keeps its order
    }
    let mut body = Vec::with_capacity(128 + attrs.iter().map(|(n, v)| n.len() + 3 * v.len() + 24).sum::<usize>());
    body.extend_from_slice(layout.declaration.as_bytes());
    body.extend_from_slice(layout.eol.as_bytes());
    body.extend_from_slice(layout.root_indent.as_bytes());
    body.extend_from_slice(b"<Epsilon_result>");
    body.extend_from_slice(layout.eol.as_bytes());
    for (name, value) in ordered {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(AnswerError::InvalidName { name: name.to_owned() });
        }
        body.extend_from_slice(layout.child_indent.as_bytes());
        body.extend_from_slice(b"<result ");
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"=\"");
        percent_encode(value, version, layout.escape, &mut body)
            .map_err(|character| AnswerError::Unrepresentable { name: name.to_owned(), character })?;
        body.extend_from_slice(b"\" />");
        body.extend_from_slice(layout.eol.as_bytes());
    }
    body.extend_from_slice(layout.close_indent.as_bytes());
    body.extend_from_slice(b"</Epsilon_result>");
    if layout.final_eol {
        body.extend_from_slice(layout.eol.as_bytes());
    }
    Ok(Answer { status: 200, content_type: layout.content_type, body })
}

/// The HTTP 500 page Apache answered for `receive_order3.cgi` process 9 on an unknown user (facts Q21), byte for
/// byte as recorded.
pub fn apache_500() -> Answer {
    const BODY: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server \
                        Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an \
                        internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n<p>Please \
                        contact the server administrator,\n you@example.com and inform them of the time the error \
                        occurred,\nand anything you might have done that may have\ncaused the error.</p>\n<p>More \
                        information about this error may be available\nin the server error log.</p>\n</body></html>\n";
    Answer { status: 500, content_type: "text/html; charset=iso-8859-1", body: BODY.as_bytes().to_vec() }
}

/// Percent-encodes `value` byte-wise over its CP932 (version 1) or UTF-8 (version 2) bytes, upper-case hex; the
/// error is the first character the charset cannot represent.
fn percent_encode(value: &str, version: Version, escape: Escape, out: &mut Vec<u8>) -> Result<(), char> {
    let charset = version.charset();
    for c in value.chars() {
        let bytes = epsilon_proto::charset::encode_char(c, charset).ok_or(c)?;
        for &b in bytes.as_bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => out.push(b),
                b'~' if escape == Escape::Order3 => out.push(b),
                b' ' if escape == Escape::Getsales2 => out.push(b'+'),
                _ => out.extend_from_slice(&[b'%', hex_digit(b >> 4), hex_digit(b & 0x0F)]),
            }
        }
    }
    Ok(())
}

/// The upper-case hex digit of a nibble (`n` < 16).
fn hex_digit(n: u8) -> u8 {
    let n = n & 0x0F;
    if n < 10 { b'0' + n } else { b'A' + (n - 10) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use std::path::PathBuf;

    use epsilon_proto::Response;

    use super::*;

    /// Values that exercise every escaping rule: CP932 trail bytes that are unreserved ASCII (`ダ` = `83 5F`,
    /// `ミ` = `83 7E`), half-width katakana, spaces, `+`, `%`, XML's special characters, `~`, the empty value, a
    /// double-encoded value, a NEC extension character and a URL.
    const AWKWARD: [&str; 17] = [
        "ダ",
        "ミ",
        "ｼﾞ-ｴﾑｵ-ｱｵｿﾞﾗﾈﾂﾄ",
        "YAMADA Taro",
        " ",
        "a+b",
        "100%",
        "a&b",
        "<tag>",
        "\"quoted\"",
        "~user",
        "",
        "%83_",
        "sOuxTX%2BZHCDBJKRdKkN2Iw53",
        "①㈱髙",
        "https://example.com/cgi?a=1&b=2#x",
        "*:/@()[^|\\'!$,;=?`{}\t\r\n",
    ];

    #[test]
    fn every_style_decodes_to_exactly_the_values_written() {
        for style in Style::ALL {
            for version in [Version::V1, Version::V2] {
                let names: Vec<String> = (0..AWKWARD.len()).map(|n| format!("v{n:02}")).collect();
                let mut attrs: Vec<(&str, &str)> = vec![("result", "1")];
                if style != Style::Getsales2NotFound {
                    attrs.extend(names.iter().map(String::as_str).zip(AWKWARD));
                } else {
                    attrs.clear();
                }
                let answer = write(style, version, &attrs).unwrap_or_else(|e| panic!("{style:?} {version:?}: {e}"));
                assert_eq!(answer.status, 200);
                assert!(answer.body.is_ascii(), "{style:?} {version:?}: a raw non-ascii byte");
                let response = Response::parse(&answer.body, version).unwrap_or_else(|e| {
                    panic!("{style:?} {version:?}: {e}\n{}", String::from_utf8_lossy(&answer.body))
                });
                let decoded: Vec<(&str, &str)> = response.iter().map(|a| (a.name, &*a.value)).collect();
                let mut expected = attrs.clone();
                if style.layout().sorted {
                    expected.sort_by(|a, b| a.0.cmp(b.0));
                }
                assert_eq!(decoded, expected, "{style:?} {version:?}");
            }
        }
    }

    #[test]
    fn escaping_follows_the_recorded_rules() {
        // (style, version, value, written)
        let table: [(Style, Version, &str, &str); 13] = [
            (Style::Order3User, Version::V1, "ダ", "%83_"),
            (Style::Order3User, Version::V1, "ミ", "%83~"),
            (Style::Getsales2Found, Version::V1, "ミ", "%83%7E"),
            (Style::Order3User, Version::V1, "YAMADA Taro", "YAMADA%20Taro"),
            (Style::Getsales2Found, Version::V1, "YAMADA Taro", "YAMADA+Taro"),
            (Style::Getsales2Found, Version::V1, "2018-07-17 10:41:27", "2018-07-17+10%3A41%3A27"),
            (Style::Order3Direct, Version::V1, "2015-01-16 08:30:31", "2015-01-16%2008%3A30%3A31"),
            (Style::Management, Version::V1, "4***-****-****-4242", "4%2A%2A%2A-%2A%2A%2A%2A-%2A%2A%2A%2A-4242"),
            (Style::VirtualAccount, Version::V1, "GMO-EPﾃｽﾄ", "GMO-EP%C3%BD%C4"),
            (Style::Order3Error, Version::V2, "ユーザー", "%E3%83%A6%E3%83%BC%E3%82%B6%E3%83%BC"),
            (Style::DirectCard, Version::V1, "a+b%", "a%2Bb%25"),
            (Style::DirectCard, Version::V1, "(x)[y]^|", "%28x%29%5By%5D%5E%7C"),
            (Style::Order3Redirect, Version::V1, "https://h/p?t=1", "https%3A%2F%2Fh%2Fp%3Ft%3D1"),
        ];
        for (style, version, value, written) in table {
            let answer = write(style, version, &[("x", value)]).unwrap_or_else(|e| panic!("{value:?}: {e}"));
            let body = String::from_utf8(answer.body).unwrap_or_default();
            let expected = format!("<result x=\"{written}\" />");
            assert!(body.contains(&expected), "{style:?} {version:?} {value:?}: expected {expected} in\n{body}");
        }
    }

    #[test]
    fn what_cannot_be_written_is_an_error() {
        // (style, version, attributes, expected error)
        let unrepresentable = |name: &str, character| AnswerError::Unrepresentable { name: name.to_owned(), character };
        type Case = (Style, Version, &'static [(&'static str, &'static str)], AnswerError);
        let table: [Case; 7] = [
            (Style::DirectCard, Version::V1, &[("ok", "a"), ("yen", "¥100")], unrepresentable("yen", '¥')),
            (Style::Order3User, Version::V1, &[("emoji", "😀")], unrepresentable("emoji", '😀')),
            (Style::Getsales2Found, Version::V1, &[("minus", "−1")], unrepresentable("minus", '−')),
            (Style::Gmo2, Version::V1, &[("a b", "1")], AnswerError::InvalidName { name: "a b".to_owned() }),
            (Style::Gmo2, Version::V2, &[("", "1")], AnswerError::InvalidName { name: String::new() }),
            (Style::Order3Error, Version::V1, &[("x\"", "1")], AnswerError::InvalidName { name: "x\"".to_owned() }),
            (
                Style::Getsales2NotFound,
                Version::V1,
                &[("result", "1")],
                AnswerError::UnexpectedAttribute { name: "result".to_owned() },
            ),
        ];
        for (style, version, attrs, expected) in table {
            assert_eq!(write(style, version, attrs), Err(expected.clone()), "{style:?} {attrs:?}");
            assert_eq!(xml(style, version, attrs), Err(expected.name().to_owned()));
        }
        // UTF-8 holds what CP932 cannot.
        assert!(write(Style::Order3User, Version::V2, &[("emoji", "😀"), ("yen", "¥")]).is_ok());
    }

    /// The recorded cassettes: `EPSILON_RECORDED_DIR`, else `../shared/fixtures/epsilon-recorded` next to the
    /// workspace root; `None` (after saying so) when absent.
    fn cassette_dir() -> Option<PathBuf> {
        let dir = std::env::var_os("EPSILON_RECORDED_DIR").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/epsilon-recorded"),
            PathBuf::from,
        );
        if dir.is_dir() {
            Some(dir)
        } else {
            eprintln!(
                "skipping the recorded-layout tests: cassette folder {} not found (set EPSILON_RECORDED_DIR, or put \
                 `shared/fixtures/epsilon-recorded/` next to the project root)",
                dir.display()
            );
            None
        }
    }

    /// One recorded exchange, as far as these tests need it.
    #[derive(Debug, Default)]
    struct Recorded {
        label: String,
        uri: String,
        request_body: String,
        status: String,
        content_type: String,
        body: String,
    }

    /// Reads the VCR cassettes with a small reader of exactly the YAML they use: `- request:` / `  response:`
    /// sections, plain, `|`/`|-` block and folded double-quoted scalars. Anything unexpected fails the test.
    fn load_recorded(dir: &std::path::Path) -> Vec<Recorded> {
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

    /// The style a recorded answer was written in, from its CGI, its request and its attributes.
    fn recorded_style(recorded: &Recorded, response: &Response<'_>) -> Style {
        let cgi = recorded.uri.rsplit('/').next().unwrap_or_default();
        let process = recorded.request_body.split('&').find_map(|pair| pair.strip_prefix("process_code="));
        match cgi {
            "direct_card_payment.cgi" => Style::DirectCard,
            "cancel_payment.cgi" | "sales_payment.cgi" | "change_amount_payment.cgi" | "get_user_info.cgi" => {
                Style::Management
            }
            "direct_virtual_account.cgi" => Style::VirtualAccount,
            "receive_order_gmo2.cgi" => Style::Gmo2,
            "getsales2.cgi" if response.is_empty() => Style::Getsales2NotFound,
            "getsales2.cgi" => Style::Getsales2Found,
            "receive_order3.cgi" => {
                let user = matches!(process, Some("4" | "7" | "8" | "9"));
                if response.get("redirect").is_some() {
                    Style::Order3Redirect
                } else if response.get("err_code").is_some() {
                    if user { Style::Order3UserError } else { Style::Order3Error }
                } else if response.get("conveni_code").is_some() {
                    Style::Order3Direct
                } else {
                    assert!(user, "{}: a receive_order3 answer of no known kind", recorded.label);
                    Style::Order3User
                }
            }
            other => panic!("{}: unknown cgi {other}", recorded.label),
        }
    }

    /// Every recorded XML answer, re-written from its own decoded attributes in its document order, is the recorded
    /// body byte for byte, with the recorded `Content-Type`; every style is covered by a recording. (The VCR
    /// placeholder `[CONTRACT_CODE]` is not gateway output, facts Q23: it is replaced by a real code first.)
    #[test]
    fn every_recorded_answer_is_rewritten_byte_for_byte() {
        let Some(dir) = cassette_dir() else { return };
        let mut covered: Vec<Style> = Vec::new();
        let mut compared = 0;
        for recorded in load_recorded(&dir) {
            if recorded.status != "200" || !recorded.body.starts_with("<?xml") {
                continue;
            }
            let body = recorded.body.replace("[CONTRACT_CODE]", "12345678");
            let version = if recorded.request_body.split('&').any(|pair| pair == "version=2") {
                Version::V2
            } else {
                Version::V1
            };
            let response = Response::parse(body.as_bytes(), version)
                .unwrap_or_else(|e| panic!("{}: the recording does not decode: {e}", recorded.label));
            let style = recorded_style(&recorded, &response);
            let attrs: Vec<(&str, &str)> = response.iter().map(|a| (a.name, &*a.value)).collect();
            let answer = write(style, version, &attrs).unwrap_or_else(|e| panic!("{}: {e}", recorded.label));
            assert_eq!(
                String::from_utf8_lossy(&answer.body),
                body,
                "{}: {style:?} {version:?} differs from the recording",
                recorded.label
            );
            assert_eq!(answer.content_type, recorded.content_type, "{}: Content-Type", recorded.label);
            if !covered.contains(&style) {
                covered.push(style);
            }
            compared += 1;
        }
        let missing: Vec<Style> = Style::ALL.into_iter().filter(|s| !covered.contains(s)).collect();
        assert!(missing.is_empty(), "styles with no recording: {missing:?} ({compared} answers compared)");
    }

    #[test]
    fn the_apache_page_is_the_recorded_one() {
        let Some(dir) = cassette_dir() else { return };
        let recorded = load_recorded(&dir)
            .into_iter()
            .find(|r| r.status == "500")
            .expect("the recorded HTTP 500 (terminate_recurring_fail)");
        let page = apache_500();
        assert_eq!((page.status, page.content_type), (500, recorded.content_type.as_str()));
        assert_eq!(String::from_utf8_lossy(&page.body), recorded.body);
    }
}
