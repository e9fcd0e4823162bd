//! Writing answers the way the gateway writes them: the `Epsilon_result` XML with percent-encoded values in CP932
//! (version 1) or UTF-8 (version 2), and the HTTP 500 Apache page.
//!
//! Each CGI has its own layout (facts §4.3: declaration Q1, `Content-Type` Q4, line endings Q5, indentation Q6,
//! attribute order Q8, escaping Q11–Q14); [`Style`] names them. epsilon-proto's reader must accept every answer
//! written here, and the layout of each style matches a recorded answer of the same CGI (tested).

use encoding_rs::SHIFT_JIS;
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
    /// `receive_order3.cgi` answering with an error.
    Order3Error,
    /// `receive_order3.cgi` answering a direct convenience-store order with the slip.
    Order3Direct,
    /// `receive_order3.cgi` process 4 (no card change), 7, 8 and 9.
    Order3User,
    /// `receive_order_gmo2.cgi`.
    Gmo2,
    /// `getsales2.cgi`, order found.
    Getsales2Found,
    /// `getsales2.cgi`, not found (an empty root).
    Getsales2NotFound,
}

/// Writes an XML answer. A value CP932 cannot hold (version 1) is an error, never replaced.
///
/// # Errors
/// The name of the first attribute whose value CP932 cannot represent (version 1 only).
pub fn xml(style: Style, version: Version, attrs: &[(&str, &str)]) -> Result<Answer, String> {
    let mut body = Vec::with_capacity(256);
    body.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\n<Epsilon_result>\n");
    if style != Style::Getsales2NotFound {
        for (name, value) in attrs {
            body.extend_from_slice(b"  <result ");
            body.extend_from_slice(name.as_bytes());
            body.extend_from_slice(b"=\"");
            percent_encode(value, version, &mut body).map_err(|()| (*name).to_owned())?;
            body.extend_from_slice(b"\" />\n");
        }
    }
    body.extend_from_slice(b"</Epsilon_result>\n");
    Ok(Answer { status: 200, content_type: "text/xml; charset=CP932", body })
}

/// The HTTP 500 page Apache answered for `receive_order3.cgi` process 9 on an unknown user (facts Q21).
pub fn apache_500() -> Answer {
    let body = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n</body></html>\n".to_vec();
    Answer { status: 500, content_type: "text/html; charset=iso-8859-1", body }
}

/// Percent-encodes `value` byte-wise over its CP932 (version 1) or UTF-8 (version 2) bytes, upper-case hex.
fn percent_encode(value: &str, version: Version, out: &mut Vec<u8>) -> Result<(), ()> {
    let bytes: std::borrow::Cow<'_, [u8]> = match version {
        Version::V2 => value.as_bytes().into(),
        _ => {
            let (bytes, _, unmappable) = SHIFT_JIS.encode(value);
            if unmappable {
                return Err(());
            }
            bytes
        }
    };
    for &b in bytes.iter() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    Ok(())
}
