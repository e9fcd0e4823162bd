//! The buyer's pages, plain HTML forms without JavaScript (the ACS's answer adds an auto-submit script with a
//! button fallback), written with the machinery's helpers ([`japay_sandbox::html`]): the link payment page
//! `method_select3.cgi`, the card-entry page `card3.cgi` (user registration, card change, registered-card link
//! orders), and the 3-D Secure ACS `/sandbox/acs`.
//!
//! A completed page redirects the browser to [`Config::return_url`](crate::Config) with trans_code, user_id,
//! result and order_number (and state, payment_code for payments, facts §5.2), and a payment sends a 決済完了通知.
//! **Sandbox choice**: the order number of a user registration (the gateway generates one, facts §5.2) is
//! `R` + the transaction code; a link order paid by convenience store gets convenience store 11 and state 0 until
//! `POST /sandbox/deposits` pays it; a link order paid by GMO後払い (`method=gmo_after`) passes screening at once
//! and is 仮売上 (state 5, payment_code 18) until `ship_request.cgi` (screening states 4 and 11 are not simulated);
//! a 3-D Secure test card is approved on the payment page (its own 3-D Secure step
//! is not simulated).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use japay_sandbox::form::Form;
use japay_sandbox::html::{self, escape, field, hidden};
use japay_sandbox::{StoreError, Tx};

use crate::cgi::card::{card_brand, card_kind, card_mask};
use crate::cgi::order3::fill_conveni_slip;
use crate::notices;
use crate::state::Sandbox;
use crate::store::{self, Order, Page, User};

const TITLE: &str = "Epsilon sandbox";

fn problem(status: StatusCode, text: &str) -> Response {
    html::problem(status, TITLE, text)
}

fn unknown() -> Response {
    problem(StatusCode::NOT_FOUND, "取引が見つかりません (unknown trans_code)")
}

fn already_completed() -> Response {
    problem(StatusCode::CONFLICT, "この手続きは完了しています (already completed)")
}

fn malformed() -> Response {
    problem(StatusCode::BAD_REQUEST, "フォームの形式が異常です (malformed form)")
}

fn internal(e: &StoreError) -> Response {
    tracing::error!(error = %e, "sandbox page");
    problem(StatusCode::INTERNAL_SERVER_ERROR, "database error")
}

/// The page named by `token`, and its order: 404 when unknown, 409 when completed.
async fn load(sandbox: &Sandbox, token: String) -> Result<(Page, Option<Order>), Response> {
    let found = sandbox
        .write(move |tx| {
            let Some(page) = store::page(tx, &token)? else { return Ok(None) };
            let order = match page.order_id {
                Some(id) => store::order_by_id(tx, id)?,
                None => None,
            };
            Ok(Some((page, order)))
        })
        .await;
    match found {
        Ok(Some((page, _))) if page.done => Err(already_completed()),
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(unknown()),
        Err(e) => Err(internal(&e)),
    }
}

/// The `trans_code` of a page's query string.
fn query_token(query: Option<&str>) -> String {
    Form::parse(query.unwrap_or("").as_bytes())
        .ok()
        .and_then(|f| f.get("trans_code").map(str::to_owned))
        .unwrap_or_default()
}

/// Whether a card number has the form the pages accept: 14 to 16 digits.
fn card_number_ok(number: &str) -> bool {
    (14..=16).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
}

/// `GET method_select3.cgi?trans_code=…`: the payment page.
pub(crate) async fn method_select_get(State(sandbox): State<Sandbox>, RawQuery(query): RawQuery) -> Response {
    let token = query_token(query.as_deref());
    let (page, order) = match load(&sandbox, token.clone()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(order) = order.filter(|_| page.kind == "link") else { return unknown() };
    let body = format!(
        "<p>{} — {} 円 (注文番号 {})</p>\n<form method=\"post\" action=\"/cgi-bin/order/method_select3.cgi\">\n{}{}{}{}{}<p><button type=\"submit\">支払う (pay)</button></p>\n</form>",
        escape(&order.item_name),
        order.item_price,
        escape(&order.order_number),
        hidden("trans_code", &token),
        field("支払方法 method (card / conveni / gmo_after)", "method", "card"),
        field("カード番号 card_number", "card_number", ""),
        field("有効期限 expire (YYYYMM)", "expire", ""),
        field("セキュリティコード security_code", "security_code", ""),
    );
    html::page("お支払い (Epsilon sandbox)", &body)
}

/// `POST method_select3.cgi`: completes a link payment.
pub(crate) async fn method_select_post(State(sandbox): State<Sandbox>, body: Bytes) -> Response {
    let Ok(form) = Form::parse(&body) else { return malformed() };
    let token = form.get("trans_code").unwrap_or("").to_owned();
    let (page, order) = match load(&sandbox, token.clone()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(mut order) = order.filter(|_| page.kind == "link") else { return unknown() };
    let method = form.get("method").unwrap_or("card").to_owned();
    let number = form.get("card_number").unwrap_or("").to_owned();
    if method == "card" && !card_number_ok(&number) {
        return problem(StatusCode::BAD_REQUEST, "カード番号を正しく入力してください (card_number: 14-16 digits)");
    }
    if !["card", "conveni", "gmo_after"].contains(&method.as_str()) {
        return problem(StatusCode::BAD_REQUEST, "method: expected card, conveni or gmo_after");
    }
    let done = sandbox
        .write(move |tx| {
            if !store::finish_page(tx, &token)? {
                return Ok(None);
            }
            let now = tx.now();
            if method == "conveni" {
                fill_conveni_slip(&mut order, "11", now);
                order.state = "0".to_owned();
            } else if method == "gmo_after" {
                // GMO後払い: screening passes at once, 仮売上 until ship_request (facts §3.6, §3.7)
                order.state = "5".to_owned();
                order.payment_code = "18".to_owned();
            } else if card_kind(&number) == "decline" {
                order.declined = true;
            } else {
                order.state = "1".to_owned();
                order.payment_code = "1".to_owned();
                order.card_kind = card_kind(&number).to_owned();
                order.credit_time = now.timestamp();
            }
            order.last_update = now.timestamp();
            store::update_order(tx, &order)?;
            payment_completion(tx, &order).map(Some)
        })
        .await;
    finish(&sandbox, done)
}

/// The redirect of a finished payment page; its 決済完了通知 is queued in the same transaction (a convenience-store
/// slip is not a completed payment: its 入金通知 comes with the deposit).
fn payment_completion(tx: &Tx<'_>, order: &Order) -> rusqlite::Result<Completion> {
    let ok = !order.declined;
    if ok && order.state == "1" {
        tx.notify(notices::payment(order))?;
    }
    Ok(Completion {
        pairs: vec![
            ("trans_code", order.trans_code.clone()),
            ("user_id", order.user_id.clone()),
            ("result", if ok { "1" } else { "0" }.to_owned()),
            ("order_number", order.order_number.clone()),
        ],
        extra: vec![("state", order.state.clone()), ("payment_code", order.payment_code.clone())],
    })
}

/// Where a completed page sends the browser: the completion redirect's parameters, and a payment's extra ones.
struct Completion {
    pairs: Vec<(&'static str, String)>,
    extra: Vec<(&'static str, String)>,
}

/// The browser's next step: a 302 to the return URL with the completion's query (a completion page without one).
fn finish(sandbox: &Sandbox, done: Result<Option<Completion>, StoreError>) -> Response {
    let completion = match done {
        Ok(Some(completion)) => completion,
        Ok(None) => return already_completed(),
        Err(e) => return internal(&e),
    };
    let query = match notices::redirect_query(&view(&completion.pairs), &view(&completion.extra)) {
        Ok(query) => query,
        Err(e) => return problem(StatusCode::INTERNAL_SERVER_ERROR, &format!("cannot write the redirect: {e}")),
    };
    match &sandbox.gateway().return_url {
        Some(url) => {
            let sep = if url.contains('?') { '&' } else { '?' };
            (StatusCode::FOUND, [(header::LOCATION, format!("{url}{sep}{query}"))]).into_response()
        }
        None => html::page("完了 (completed)", &format!("<p>{}</p>", escape(&query))),
    }
}

/// Borrowed pairs.
fn view<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

/// `GET card3.cgi?trans_code=…`: card entry (registration, card change) or the confirmation of a registered-card
/// charge.
pub(crate) async fn card3_get(State(sandbox): State<Sandbox>, RawQuery(query): RawQuery) -> Response {
    let token = query_token(query.as_deref());
    let (page, order) = match load(&sandbox, token.clone()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let fields = match (page.kind.as_str(), &order) {
        ("charge", Some(o)) => format!(
            "<p>{} — {} 円: 登録済みカードで支払う (pay with the registered card)</p>\n",
            escape(&o.item_name),
            o.item_price
        ),
        ("register" | "change", _) => {
            format!(
                "{}{}",
                field("カード番号 card_number", "card_number", ""),
                field("有効期限 expire (YYYYMM)", "expire", "")
            )
        }
        _ => return unknown(),
    };
    let body = format!(
        "<form method=\"post\" action=\"/cgi-bin/order/card3.cgi\">\n{}{fields}<p><button type=\"submit\">送信 (submit)</button></p>\n</form>",
        hidden("trans_code", &token)
    );
    html::page("カード情報 (Epsilon sandbox)", &body)
}

/// `POST card3.cgi`: stores the card (registration, card change) or charges the registered card.
pub(crate) async fn card3_post(State(sandbox): State<Sandbox>, body: Bytes) -> Response {
    let Ok(form) = Form::parse(&body) else { return malformed() };
    let token = form.get("trans_code").unwrap_or("").to_owned();
    let (page, order) = match load(&sandbox, token.clone()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let number = form.get("card_number").unwrap_or("").to_owned();
    let expire = form.get("expire").unwrap_or("").to_owned();
    if page.kind != "charge" {
        if !card_number_ok(&number) {
            return problem(StatusCode::BAD_REQUEST, "カード番号を正しく入力してください (card_number: 14-16 digits)");
        }
        if expire.len() != 6 || !expire.bytes().all(|b| b.is_ascii_digit()) {
            return problem(StatusCode::BAD_REQUEST, "有効期限を正しく入力してください (expire: YYYYMM)");
        }
    }
    let done = sandbox
        .write(move |tx| {
            if !store::finish_page(tx, &token)? {
                return Ok(None);
            }
            match order.filter(|_| page.kind == "charge") {
                Some(order) => charge_registered_card(tx, &page, order).map(Some),
                None => store_card(tx, &page, &number, &expire).map(Some),
            }
        })
        .await;
    finish(&sandbox, done)
}

/// A registered-card link order confirmed on `card3.cgi`.
fn charge_registered_card(tx: &Tx<'_>, page: &Page, mut order: Order) -> rusqlite::Result<Completion> {
    let now = tx.now();
    let card = store::user(tx, &page.contract_code, &page.user_id)?.map(|u| u.card_kind).unwrap_or_default();
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
    payment_completion(tx, &order)
}

/// A user registration or card change completed on `card3.cgi`: the user with the card's mask, never its number.
fn store_card(tx: &Tx<'_>, page: &Page, number: &str, expire: &str) -> rusqlite::Result<Completion> {
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
        card_brand: card_brand(number).to_owned(),
        card_mask: card_mask(number),
        card_expire: expire.to_owned(),
        card_kind: card_kind(number).to_owned(),
        withdrawn: false,
    };
    store::put_user(tx, &user, &tx.now().timestamp())?;
    Ok(Completion {
        pairs: vec![
            ("trans_code", page.trans_code.clone()),
            ("user_id", page.user_id.clone()),
            ("result", "1".to_owned()),
            ("order_number", format!("R{}", page.trans_code)),
        ],
        extra: Vec::new(),
    })
}

/// `POST /sandbox/acs`: first the merchant's auto-submit form (PaReq, TermUrl, MD) shows the authentication form;
/// its POST (`auth` = `ok` or `ng`) answers a form that posts PaRes and MD to TermUrl.
pub(crate) async fn acs(body: Bytes) -> Response {
    let Ok(form) = Form::parse(&body) else { return malformed() };
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
            html::page("3-D Secure (Epsilon sandbox)", &body)
        }
        Some(auth) => {
            let pares = format!("{pareq}.{}", if auth == "ok" { "Y" } else { "N" });
            let body = format!(
                "<form method=\"post\" action=\"{}\">\n{}{}<p><button type=\"submit\">戻る (continue)</button></p>\n</form>\n<script>document.forms[0].submit();</script>",
                escape(term_url),
                hidden("PaRes", &pares),
                hidden("MD", md),
            );
            html::page("3-D Secure (Epsilon sandbox)", &body)
        }
    }
}
