//! The buyer's pages, plain HTML forms without JavaScript (the ACS's answer adds an auto-submit script with a
//! button fallback): the link payment page `method_select3.cgi`, the card-entry page `card3.cgi` (user registration,
//! card change, registered-card link orders), and the 3-D Secure ACS `/sandbox/acs`.
//!
//! A completed page redirects the browser to [`Config::return_url`](crate::Config) with trans_code, user_id,
//! result and order_number (and state, payment_code for payments, facts §5.2), and a payment sends a 決済完了通知.
//! **Sandbox choice**: the order number of a user registration (the gateway generates one, facts §5.2) is
//! `R` + the transaction code; a link order paid by convenience store gets convenience store 11 and state 0 until
//! `POST /sandbox/deposits` pays it; a 3-D Secure test card is approved on the payment page (its own 3-D Secure step
//! is not simulated).

// handlers fail with the response to send; its size does not matter on this path
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use epsilon_proto::request_body::{self, FormRequest};

use crate::Shared;
use crate::cgi::card::{card_brand, card_kind, card_mask};
use crate::cgi::order3::fill_conveni_slip;
use crate::clock::Now;
use crate::notify::{self, Message, form_encode};
use crate::store::{self, Order, Page, User};
use rusqlite::Transaction;

const UTF8_FORM: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// HTML-escapes text for an element or a double-quoted attribute.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_page(title: &str, body: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body>\n<h1>{t}</h1>\n{body}\n</body></html>\n",
        t = esc(title)
    );
    Html(page).into_response()
}

fn problem(status: StatusCode, text: &str) -> Response {
    let mut response = html_page("Epsilon sandbox", &format!("<p>{}</p>", esc(text)));
    *response.status_mut() = status;
    response
}

fn hidden(name: &str, value: &str) -> String {
    format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">\n", esc(name), esc(value))
}

fn field(label: &str, name: &str, value: &str) -> String {
    format!("<p><label>{} <input name=\"{}\" value=\"{}\"></label></p>\n", esc(label), esc(name), esc(value))
}

/// The page named by `trans_code` in a query string or form, and its order.
fn load(shared: &Shared, token: &str) -> Result<(Page, Option<Order>), Response> {
    let found = shared.store.write(|tx| {
        let Some(page) = store::page(tx, token)? else { return Ok(None) };
        let order = match page.order_id {
            Some(id) => store::order_by_id(tx, id)?,
            None => None,
        };
        Ok(Some((page, order)))
    });
    match found {
        Ok(Some((page, _))) if page.done => Err(already_completed()),
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(problem(StatusCode::NOT_FOUND, "取引が見つかりません (unknown trans_code)")),
        Err(_) => Err(problem(StatusCode::INTERNAL_SERVER_ERROR, "database error")),
    }
}

/// [`load`] on a blocking thread (the store's lock is a std mutex).
async fn load_blocking(shared: &Arc<Shared>, token: String) -> Result<(Page, Option<Order>), Response> {
    let worker = shared.clone();
    tokio::task::spawn_blocking(move || load(&worker, &token))
        .await
        .unwrap_or_else(|_| Err(problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error")))
}

fn query_form(query: Option<&str>) -> Option<FormRequest> {
    request_body::parse(query.unwrap_or("").as_bytes(), Some(UTF8_FORM)).ok()
}

/// `GET method_select3.cgi?trans_code=…`: the payment page.
pub(crate) async fn method_select_get(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let token = query_form(query.as_deref()).and_then(|f| f.get("trans_code").map(str::to_owned)).unwrap_or_default();
    let (page, order) = match load_blocking(&shared, token.clone()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(order) = order.filter(|_| page.kind == "link") else {
        return problem(StatusCode::NOT_FOUND, "取引が見つかりません (unknown trans_code)");
    };
    let body = format!(
        "<p>{} — {} 円 (注文番号 {})</p>\n<form method=\"post\" action=\"/cgi-bin/order/method_select3.cgi\">\n{}{}{}{}{}<p><button type=\"submit\">支払う (pay)</button></p>\n</form>",
        esc(&order.item_name),
        order.item_price,
        esc(&order.order_number),
        hidden("trans_code", &token),
        field("支払方法 method (card / conveni)", "method", "card"),
        field("カード番号 card_number", "card_number", ""),
        field("有効期限 expire (YYYYMM)", "expire", ""),
        field("セキュリティコード security_code", "security_code", ""),
    );
    html_page("お支払い (Epsilon sandbox)", &body)
}

/// `POST method_select3.cgi`: completes a link payment.
pub(crate) async fn method_select_post(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(form) = request_body::parse(&body, Some(UTF8_FORM)) else {
        return problem(StatusCode::BAD_REQUEST, "フォームの形式が異常です (malformed form)");
    };
    let worker = shared.clone();
    let done = tokio::task::spawn_blocking(move || complete_link(&worker, &form)).await;
    finish(shared, done)
}

fn complete_link(shared: &Shared, form: &FormRequest) -> Result<Completion, Response> {
    let token = form.get("trans_code").unwrap_or("").to_owned();
    let (page, order) = load(shared, &token)?;
    let Some(mut order) = order.filter(|_| page.kind == "link") else {
        return Err(problem(StatusCode::NOT_FOUND, "取引が見つかりません (unknown trans_code)"));
    };
    let method = form.get("method").unwrap_or("card");
    let number = form.get("card_number").unwrap_or("");
    if method == "card" && (number.len() < 14 || number.len() > 16 || !number.bytes().all(|b| b.is_ascii_digit())) {
        return Err(problem(StatusCode::BAD_REQUEST, "カード番号を正しく入力してください (card_number: 14-16 digits)"));
    }
    if method != "card" && method != "conveni" {
        return Err(problem(StatusCode::BAD_REQUEST, "method: expected card or conveni"));
    }
    shared
        .store
        .write(|tx| {
            if !store::finish_page(tx, &token)? {
                return Ok(None);
            }
            let now = Now::read(store::clock_offset(tx)?);
            if method == "conveni" {
                fill_conveni_slip(&mut order, "11", now);
                order.state = "0".to_owned();
            } else if card_kind(number) == "decline" {
                order.declined = true;
            } else {
                order.state = "1".to_owned();
                order.payment_code = "1".to_owned();
                order.card_kind = card_kind(number).to_owned();
                order.credit_time = now.timestamp();
            }
            order.last_update = now.timestamp();
            store::update_order(tx, &order)?;
            payment_completion(shared, tx, &order, !order.declined).map(Some)
        })
        .map_err(|_| problem(StatusCode::INTERNAL_SERVER_ERROR, "database error"))?
        .ok_or_else(already_completed)
}

fn already_completed() -> Response {
    problem(StatusCode::CONFLICT, "この手続きは完了しています (already completed)")
}

/// The redirect of a finished payment page; its 決済完了通知 is queued in the same transaction.
fn payment_completion(shared: &Shared, tx: &Transaction<'_>, order: &Order, ok: bool) -> rusqlite::Result<Completion> {
    let result = if ok { "1" } else { "0" };
    let redirect = vec![
        ("trans_code", order.trans_code.clone()),
        ("user_id", order.user_id.clone()),
        ("result", result.to_owned()),
        ("order_number", order.order_number.clone()),
        ("state", order.state.clone()),
        ("payment_code", order.payment_code.clone()),
    ];
    // a convenience-store slip is not a completed payment: its 入金通知 comes with the deposit
    let message = (ok && order.state == "1").then(|| Message {
        kind: "payment",
        order_number: order.order_number.clone(),
        pairs: vec![
            ("contract_code", order.contract_code.clone()),
            ("trans_code", order.trans_code.clone()),
            ("order_number", order.order_number.clone()),
            ("state", order.state.clone()),
            ("user_id", order.user_id.clone()),
            ("payment_code", order.payment_code.clone()),
        ],
    });
    let notify = match message {
        Some(message) => notify::enqueue(shared, tx, &message)?,
        None => None,
    };
    Ok(Completion { redirect, notify })
}

/// What a completed page does: the redirect's parameters and the queued notification to deliver.
struct Completion {
    redirect: Vec<(&'static str, String)>,
    notify: Option<i64>,
}

fn finish(shared: Arc<Shared>, done: Result<Result<Completion, Response>, tokio::task::JoinError>) -> Response {
    let completion = match done {
        Ok(Ok(c)) => c,
        Ok(Err(response)) => return response,
        Err(_) => return problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
    };
    if let Some(id) = completion.notify {
        notify::deliver(shared.clone(), id);
    }
    let query = form_encode(completion.redirect.iter().map(|(n, v)| (*n, v.as_str()))).unwrap_or_default();
    match &shared.config.return_url {
        Some(url) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            let location = format!("{url}{sep}{query}");
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        None => html_page("完了 (completed)", &format!("<p>{}</p>", esc(&query))),
    }
}

/// `GET card3.cgi?trans_code=…`: card entry (registration, card change) or the confirmation of a registered-card
/// charge.
pub(crate) async fn card3_get(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let token = query_form(query.as_deref()).and_then(|f| f.get("trans_code").map(str::to_owned)).unwrap_or_default();
    let (page, order) = match load_blocking(&shared, token.clone()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let fields = match (page.kind.as_str(), &order) {
        ("charge", Some(o)) => format!(
            "<p>{} — {} 円: 登録済みカードで支払う (pay with the registered card)</p>\n",
            esc(&o.item_name),
            o.item_price
        ),
        ("register" | "change", _) => {
            format!(
                "{}{}",
                field("カード番号 card_number", "card_number", ""),
                field("有効期限 expire (YYYYMM)", "expire", "")
            )
        }
        _ => return problem(StatusCode::NOT_FOUND, "取引が見つかりません (unknown trans_code)"),
    };
    let body = format!(
        "<form method=\"post\" action=\"/cgi-bin/order/card3.cgi\">\n{}{fields}<p><button type=\"submit\">送信 (submit)</button></p>\n</form>",
        hidden("trans_code", &token)
    );
    html_page("カード情報 (Epsilon sandbox)", &body)
}

/// `POST card3.cgi`: stores the card (registration, card change) or charges the registered card.
pub(crate) async fn card3_post(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(form) = request_body::parse(&body, Some(UTF8_FORM)) else {
        return problem(StatusCode::BAD_REQUEST, "フォームの形式が異常です (malformed form)");
    };
    let worker = shared.clone();
    let done = tokio::task::spawn_blocking(move || complete_card3(&worker, &form)).await;
    finish(shared, done)
}

fn complete_card3(shared: &Shared, form: &FormRequest) -> Result<Completion, Response> {
    let token = form.get("trans_code").unwrap_or("").to_owned();
    let (page, order) = load(shared, &token)?;
    let number = form.get("card_number").unwrap_or("").to_owned();
    let expire = form.get("expire").unwrap_or("").to_owned();
    if page.kind != "charge" {
        if number.len() < 14 || number.len() > 16 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(problem(
                StatusCode::BAD_REQUEST,
                "カード番号を正しく入力してください (card_number: 14-16 digits)",
            ));
        }
        if expire.len() != 6 || !expire.bytes().all(|b| b.is_ascii_digit()) {
            return Err(problem(StatusCode::BAD_REQUEST, "有効期限を正しく入力してください (expire: YYYYMM)"));
        }
    }
    shared
        .store
        .write(|tx| {
            if !store::finish_page(tx, &token)? {
                return Ok(None);
            }
            let now = Now::read(store::clock_offset(tx)?);
            if let Some(mut order) = order.filter(|_| page.kind == "charge") {
                let card =
                    store::user(tx, &page.contract_code, &page.user_id)?.map(|u| u.card_kind).unwrap_or_default();
                if card == "decline" {
                    order.declined = true;
                } else {
                    order.state = "1".to_owned();
                    order.payment_code = "1".to_owned();
                    order.card_kind = card;
                    order.credit_time = now.timestamp();
                }
                order.last_update = now.timestamp();
                store::update_order(tx, &order)?;
                return payment_completion(shared, tx, &order, !order.declined).map(Some);
            }
            let earlier = store::user(tx, &page.contract_code, &page.user_id)?;
            let (name, mail) = match (&earlier, page.kind.as_str()) {
                (Some(u), "change") => (u.user_name.clone(), u.user_mail_add.clone()),
                _ => (page.user_name.clone(), page.user_mail_add.clone()),
            };
            let user = User {
                contract_code: page.contract_code.clone(),
                user_id: page.user_id.clone(),
                user_name: if page.user_name.is_empty() { name } else { page.user_name.clone() },
                user_mail_add: if page.user_mail_add.is_empty() { mail } else { page.user_mail_add.clone() },
                card_brand: card_brand(&number).to_owned(),
                card_mask: card_mask(&number),
                card_expire: expire.clone(),
                card_kind: card_kind(&number).to_owned(),
                withdrawn: false,
            };
            store::put_user(tx, &user, &now.timestamp())?;
            Ok(Some(Completion {
                redirect: vec![
                    ("trans_code", page.trans_code.clone()),
                    ("user_id", page.user_id.clone()),
                    ("result", "1".to_owned()),
                    ("order_number", format!("R{}", page.trans_code)),
                ],
                notify: None,
            }))
        })
        .map_err(|_| problem(StatusCode::INTERNAL_SERVER_ERROR, "database error"))?
        .ok_or_else(already_completed)
}

/// `POST /sandbox/acs`: first the merchant's auto-submit form (PaReq, TermUrl, MD) shows the authentication form;
/// its POST (`auth` = `ok` or `ng`) answers a form that posts PaRes and MD to TermUrl.
pub(crate) async fn acs(body: Bytes) -> Response {
    let Ok(form) = request_body::parse(&body, Some(UTF8_FORM)) else {
        return problem(StatusCode::BAD_REQUEST, "フォームの形式が異常です (malformed form)");
    };
    let pareq = form.get("PaReq").unwrap_or("");
    let term_url = form.get("TermUrl").unwrap_or("");
    let md = form.get("MD").unwrap_or("");
    if pareq.is_empty() || term_url.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "PaReq and TermUrl are required");
    }
    match form.get("auth") {
        None => {
            let body = format!(
                "<p>3-Dセキュア認証 (sandbox ACS)</p>\n<form method=\"post\" action=\"/sandbox/acs\">\n{}{}{}{}<p><button type=\"submit\">認証 (authenticate)</button></p>\n</form>",
                hidden("PaReq", pareq),
                hidden("TermUrl", term_url),
                hidden("MD", md),
                field("auth (ok / ng)", "auth", "ok"),
            );
            html_page("3-D Secure (Epsilon sandbox)", &body)
        }
        Some(auth) => {
            let pares = format!("{pareq}.{}", if auth == "ok" { "Y" } else { "N" });
            let body = format!(
                "<form method=\"post\" action=\"{}\">\n{}{}<p><button type=\"submit\">戻る (continue)</button></p>\n</form>\n<script>document.forms[0].submit();</script>",
                esc(term_url),
                hidden("PaRes", &pares),
                hidden("MD", md),
            );
            html_page("3-D Secure (Epsilon sandbox)", &body)
        }
    }
}
