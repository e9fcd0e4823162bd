//! The answer writer: answers written the way the gateway writes them: the `Epsilon_result` XML with percent-encoded values in CP932
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
use epsilon_proto::generated::GATEWAY;

/// An answer written and ready to send: HTTP status, `Content-Type` and body bytes. (The *decoded* body of a
/// gateway's reply is an answer, `XResponse::answer()`; this is its bytes before they leave.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
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
pub enum WriteError {
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

impl WriteError {
    /// The attribute the error is about.
    pub fn name(&self) -> &str {
        match self {
            WriteError::Unrepresentable { name, .. }
            | WriteError::InvalidName { name }
            | WriteError::UnexpectedAttribute { name } => name,
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Unrepresentable { name, character } => write!(
                f,
                "attribute {name}: character U+{:04X} is not representable in the answer's charset; expected text \
                 the charset holds",
                u32::from(*character)
            ),
            WriteError::InvalidName { name } => {
                write!(f, "attribute name {name:?}: expected ascii letters, digits and underscores")
            }
            WriteError::UnexpectedAttribute { name } => {
                write!(f, "attribute {name}: expected no attribute in an empty getsales2 answer")
            }
        }
    }
}

impl std::error::Error for WriteError {}

/// Writes an XML answer in `style`'s layout, the values percent-encoded over their CP932 ([`Version::V1`]) or UTF-8
/// ([`Version::V2`]) bytes. Attributes are written in the given order, or sorted by name for the styles whose CGI
/// sorts them (direct_card_payment, the management CGIs, get_user_info, direct_virtual_account).
///
/// # Errors
/// [`WriteError::Unrepresentable`] for a character CP932 cannot hold (version 1), [`WriteError::InvalidName`] for
/// a name that is not a plain field name, [`WriteError::UnexpectedAttribute`] for any attribute with
/// [`Style::Getsales2NotFound`].
pub fn write(style: Style, version: Version, attrs: &[(&str, &str)]) -> Result<Written, WriteError> {
    let layout = style.layout();
    if let (Style::Getsales2NotFound, Some((name, _))) = (style, attrs.first()) {
        return Err(WriteError::UnexpectedAttribute { name: (*name).to_owned() });
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
            return Err(WriteError::InvalidName { name: name.to_owned() });
        }
        body.extend_from_slice(layout.child_indent.as_bytes());
        body.extend_from_slice(b"<result ");
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"=\"");
        percent_encode(value, version, layout.escape, &mut body)
            .map_err(|character| WriteError::Unrepresentable { name: name.to_owned(), character })?;
        body.extend_from_slice(b"\" />");
        body.extend_from_slice(layout.eol.as_bytes());
    }
    body.extend_from_slice(layout.close_indent.as_bytes());
    body.extend_from_slice(b"</Epsilon_result>");
    if layout.final_eol {
        body.extend_from_slice(layout.eol.as_bytes());
    }
    Ok(Written { status: 200, content_type: layout.content_type, body })
}

/// The HTTP 500 page Apache answered for `receive_order3.cgi` process 9 on an unknown user (facts Q21), byte for
/// byte as recorded.
pub fn apache_500() -> Written {
    const BODY: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server \
                        Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an \
                        internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n<p>Please \
                        contact the server administrator,\n you@example.com and inform them of the time the error \
                        occurred,\nand anything you might have done that may have\ncaused the error.</p>\n<p>More \
                        information about this error may be available\nin the server error log.</p>\n</body></html>\n";
    Written { status: 500, content_type: "text/html; charset=iso-8859-1", body: BODY.as_bytes().to_vec() }
}

/// Percent-encodes `value` byte-wise over its CP932 (version 1) or UTF-8 (version 2) bytes, upper-case hex; the
/// error is the first character the charset cannot represent.
fn percent_encode(value: &str, version: Version, escape: Escape, out: &mut Vec<u8>) -> Result<(), char> {
    let charset = version.charset();
    for c in value.chars() {
        let bytes = GATEWAY.text.encode_char(c, charset).ok_or(c)?;
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
mod cassette;
#[cfg(test)]
mod tests;
