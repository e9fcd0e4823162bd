//! The buyer's pages: the 3-D Secure ACS (`/sandbox/acs`) and the PayPay approval page (`/sandbox/paypay/{key}`).
//! Plain HTML forms (every value escaped); the page that returns the buyer to the merchant posts itself with a line of
//! script, as the gateway's pages do, and works without it (a submit button). Every page carries a
//! `Content-Security-Policy` that allows that one script (by its hash) and nothing else to load or run.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use japay_sandbox::form::Form;
use japay_sandbox::html::{self, escape, field, hidden, problem};

use crate::clock;
use crate::notices;
use crate::ops::credit;
use crate::state::Sandbox;
use crate::store::{self, Key};

/// The one script a page runs: the form posts itself.
const AUTO_SUBMIT: &str = "document.forms[0].submit();";

/// The pages' policy: nothing loads, only [`AUTO_SUBMIT`] runs (its SHA-256, a test checks it); forms may post
/// anywhere (the merchant's `trader_ec_url` and return URLs).
pub(crate) const CSP: &str = "default-src 'none'; script-src 'sha256-8lDeP0UDwCO6/RhblgeH/ctdBzjVpJxrXizsnIk3cEQ='; \
    base-uri 'none'; frame-ancestors 'none'";

/// `response` with the pages' `Content-Security-Policy` (a layer over the page routes).
pub(crate) async fn secured(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    response
}

/// A page whose form posts `fields` to `action` by itself (the return to the merchant).
fn auto_post(title: &str, action: &str, fields: &[(String, String)]) -> Response {
    let hidden_fields: String = fields.iter().map(|(n, v)| hidden(n, v)).collect();
    let body = format!(
        "<form method=\"post\" action=\"{}\">\n{hidden_fields}<p><button type=\"submit\">戻る (continue)</button></p>\n</form>\n<script>{AUTO_SUBMIT}</script>",
        escape(action)
    );
    html::page(title, &body)
}

fn malformed() -> Response {
    problem(StatusCode::BAD_REQUEST, "Bad request", "expected a utf-8 form body")
}

fn database() -> Response {
    problem(StatusCode::INTERNAL_SERVER_ERROR, "Error", "sandbox database error")
}

/// `POST /sandbox/acs` (form `acs_key`, then `auth`): the sandbox ACS. Without `auth` it asks the buyer (`ok`
/// authenticates, anything else declines); with it, the page posts the upper-case fields to `trader_ec_url`.
pub(crate) async fn acs(State(sandbox): State<Sandbox>, body: Bytes) -> Response {
    let Ok(form) = Form::parse(&body) else { return malformed() };
    let key = form.get("acs_key").unwrap_or("").to_owned();
    if key.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "3-D Secure", "acs_key is required");
    }
    let Some(auth) = form.get("auth") else {
        let body = format!(
            "<p>3-Dセキュア認証 (sandbox ACS)</p>\n<form method=\"post\" action=\"/sandbox/acs\">\n{}{}<p><button type=\"submit\">認証 (authenticate)</button></p>\n</form>",
            hidden("acs_key", &key),
            field("auth (ok / ng)", "auth", "ok"),
        );
        return html::page("3-D Secure (Kuroneko sandbox)", &body);
    };
    let authenticated = auth == "ok";
    let done = sandbox
        .write(move |tx| {
            let now = clock::now(tx)?;
            credit::acs_post(tx, now, &key, authenticated)
        })
        .await;
    match done {
        Ok(Some((url, fields))) => auto_post("3-D Secure (Kuroneko sandbox)", &url, &fields),
        Ok(None) => problem(StatusCode::NOT_FOUND, "3-D Secure", "no payment waits for this authentication"),
        Err(_) => database(),
    }
}

/// `GET /sandbox/paypay/{key}`: the approval page of a PayPay payment.
pub(crate) async fn paypay_get(State(sandbox): State<Sandbox>, Path(key): Path<String>) -> Response {
    let lookup = key.clone();
    let done = sandbox.write(move |tx| store::order_by_key(tx, Key::Session, &lookup)).await;
    match done {
        Ok(Some(order)) => {
            let body = format!(
                "<p>PayPay (sandbox): {} 円, {}</p>\n<form method=\"post\" action=\"/sandbox/paypay/{}\">\n{}<p><button type=\"submit\">支払う (pay)</button></p>\n</form>",
                order.settle_price,
                escape(&order.order_no),
                escape(&key),
                field("decision (ok / ng)", "decision", "ok"),
            );
            html::page("PayPay (Kuroneko sandbox)", &body)
        }
        Ok(None) => problem(StatusCode::NOT_FOUND, "PayPay", "no payment waits on this page"),
        Err(_) => database(),
    }
}

/// `POST /sandbox/paypay/{key}` (form `decision`): `ok` approves (status 4), anything else declines (11); the
/// notification is queued and the browser returns to `return_url_success` or `return_url_failure`.
pub(crate) async fn paypay_post(State(sandbox): State<Sandbox>, Path(key): Path<String>, body: Bytes) -> Response {
    let Ok(form) = Form::parse(&body) else { return malformed() };
    let approved = form.get("decision") == Some("ok");
    let done = sandbox
        .write(move |tx| {
            let Some(mut order) = store::order_by_key(tx, Key::Session, &key)? else { return Ok(None) };
            let now = clock::now(tx)?;
            order.session_key = None;
            order.settle_date = clock::stamp(now);
            order.status = if approved { "4" } else { "11" }.to_owned();
            store::update(tx, &order)?;
            tx.notify(notices::settlement(&order, if approved { "1" } else { "2" }))?;
            let url = if approved || order.return_url_failure.is_empty() {
                order.return_url_success.clone()
            } else {
                order.return_url_failure.clone()
            };
            let fields = vec![
                ("return_code".to_owned(), if approved { "0" } else { "1" }.to_owned()),
                ("error_code".to_owned(), if approved { "" } else { "L012000004" }.to_owned()),
                ("return_date".to_owned(), clock::stamp(now)),
                ("order_no".to_owned(), order.order_no.clone()),
                ("res_payinfo_key".to_owned(), order.order_no.clone()),
            ];
            Ok(Some((url, fields)))
        })
        .await;
    match done {
        Ok(Some((url, fields))) => auto_post("PayPay (Kuroneko sandbox)", &url, &fields),
        Ok(None) => problem(StatusCode::NOT_FOUND, "PayPay", "no payment waits on this page"),
        Err(_) => database(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Base64 (standard alphabet, padded).
    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[usize::try_from(n >> (18 - 6 * i) & 63).unwrap()]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// The policy allows exactly the script the pages run.
    #[test]
    fn the_policy_names_the_scripts_hash() {
        let hex = kuroneko_proto::token::CheckSum::sha256_hex(&[AUTO_SUBMIT]);
        let bytes: Vec<u8> =
            (0..32).map(|i| u8::from_str_radix(&hex.as_str()[2 * i..2 * i + 2], 16).unwrap()).collect();
        assert!(CSP.contains(&format!("'sha256-{}'", base64(&bytes))), "{CSP}");
        assert_eq!(base64(b"abcd"), "YWJjZA==");
    }
}
