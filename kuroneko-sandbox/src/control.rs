//! Kuroneko's side of the control endpoints (JSON answers): the token endpoint (what `WebcollectTokenLib.createToken`
//! does in a browser), the time of day of the sandbox clock, and the hooks behind the machinery's
//! `/sandbox/orders/{order_no}` and `/sandbox/deposits`. The day of the clock and the recorded notifications are
//! the machinery's own ([`japay_sandbox::control`]).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use japay_sandbox::control::json_error;
use japay_sandbox::form::Form;
use japay_sandbox::{Refusal, Tx};
use serde_json::{Value, json};

use crate::clock;
use crate::ops::{card_code_api, card_kind, card_mask, cvs, random_token, same_secret, sha256_hex};
use crate::state::Sandbox;
use crate::store::{self, Token};

/// `POST /sandbox/token`: the `info` object of `createToken` as JSON (facts §5.2: `traderCode`, `authDiv`,
/// `optServDiv`, `checkSum`, and either `cardNo`, `cardOwner`, `cardExp` (MMYY), `securityCode`, or the stored
/// card's `memberId`, `authKey`, `cardKey`, `lastCreditDate`; `memberId` and `authKey` with card data and
/// `optServDiv` 01 store the card at A08). Answers `{"token": …}` (16 characters, single use, 30 minutes), or 400
/// `{"error": …}` naming the key that is wrong. `checkSum` must be SHA-256 of memberId ‖ authKey ‖ the access key ‖
/// authDiv (facts §5.1). The card number is not stored: its test kind, mask and card company are. A request from a
/// page of another site (an `Origin` that is not the sandbox's) is refused (403).
pub(crate) async fn token(State(sandbox): State<Sandbox>, headers: HeaderMap, body: Bytes) -> Response {
    if !same_origin(&headers) {
        return cross_site();
    }
    let Ok(Value::Object(info)) = serde_json::from_slice::<Value>(&body) else {
        return json_error(StatusCode::BAD_REQUEST, "expected the createToken info as a json object");
    };
    let text = |k: &str| info.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let gateway = sandbox.gateway();
    let trader = text("traderCode");
    if !gateway.traders.contains(&trader) {
        return json_error(StatusCode::BAD_REQUEST, "traderCode: expected a trader code of this sandbox");
    }
    let auth_div = text("authDiv");
    if !matches!(auth_div.as_str(), "0" | "1" | "2" | "3") {
        return json_error(StatusCode::BAD_REQUEST, "authDiv: expected 0, 1, 2 or 3");
    }
    let (member_id, auth_key) = (text("memberId"), text("authKey"));
    let expected = sha256_hex(&[&member_id, &auth_key, &gateway.access_key, &auth_div]);
    if !same_secret(&text("checkSum"), &expected) {
        return json_error(
            StatusCode::BAD_REQUEST,
            "checkSum: expected the sha-256 of memberId, authKey, the access key and authDiv",
        );
    }
    let number = text("cardNo");
    let card_key = text("cardKey");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if card_key.is_empty() {
        if !digits(&number) || !(13..=16).contains(&number.len()) {
            return json_error(StatusCode::BAD_REQUEST, "cardNo: expected 13 to 16 digits");
        }
        let exp = text("cardExp");
        let month = exp.get(..2).and_then(|m| m.parse::<u8>().ok());
        if !digits(&exp) || exp.len() != 4 || !month.is_some_and(|m| (1..=12).contains(&m)) {
            return json_error(StatusCode::BAD_REQUEST, "cardExp: expected MMYY");
        }
    } else if member_id.is_empty() {
        return json_error(StatusCode::BAD_REQUEST, "memberId: expected the member of the stored card");
    }
    let mut token = Token {
        token: random_token(16),
        trader_code: trader,
        card_kind: card_kind(&number).to_owned(),
        card_mask: card_mask(&number),
        card_exp: text("cardExp"),
        card_owner: text("cardOwner"),
        card_code_api: card_code_api(&number).to_owned(),
        auth_div,
        opt_serv_div: text("optServDiv"),
        member_id,
        auth_key,
        card_key,
        issued: 0,
        used: false,
    };
    let last_credit_date = text("lastCreditDate");
    let done = sandbox
        .write(move |tx| {
            token.issued = clock::now(tx)?.unix();
            if !token.card_key.is_empty() {
                let cards = store::cards(tx, &token.trader_code, &token.member_id)?;
                let Some(card) = cards.into_iter().find(|c| c.card_key.to_string() == token.card_key) else {
                    return Ok(Err("cardKey: expected a card stored for memberId"));
                };
                if card.last_credit_date != last_credit_date {
                    return Ok(Err("lastCreditDate: expected the stored card's (as creditInfoGet answers it)"));
                }
                token.card_kind = card.card_kind;
                token.card_mask = card.card_mask;
                token.card_exp = card.card_exp;
                token.card_owner = card.card_owner;
                token.card_code_api = card.card_code_api;
            }
            store::insert_token(tx, &token)?;
            Ok(Ok(token.token))
        })
        .await;
    match done {
        Ok(Ok(token)) => Json(json!({ "token": token })).into_response(),
        Ok(Err(message)) => json_error(StatusCode::BAD_REQUEST, message),
        Err(_) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "database error"),
    }
}

/// `POST /sandbox/time` (form `time`, `HH:MM` or `HH:MM:SS`, JST): fixes the time of day of the sandbox clock; an
/// empty `time` lets it follow the machine's clock again. Answers `{"time_of_day", "now"}`.
pub(crate) async fn time(State(sandbox): State<Sandbox>, headers: HeaderMap, body: Bytes) -> Response {
    if !same_origin(&headers) {
        return cross_site();
    }
    let form = match Form::parse(&body) {
        Ok(form) => form,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let text = form.get("time").unwrap_or("");
    let seconds = if text.is_empty() {
        None
    } else {
        match clock::parse_time_of_day(text) {
            Some(s) => Some(s),
            None => return json_error(StatusCode::BAD_REQUEST, "time: expected HH:MM or HH:MM:SS (00:00 to 23:59:59)"),
        }
    };
    let done = sandbox
        .write(move |tx| {
            clock::set_time_of_day(tx, seconds)?;
            clock::now(tx)
        })
        .await;
    match done {
        Ok(now) => {
            let of_day = seconds.map(|s| format!("{:02}:{:02}:{:02}", s / 3_600, s % 3_600 / 60, s % 60));
            Json(json!({ "time_of_day": of_day, "now": now.timestamp() })).into_response()
        }
        Err(_) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "database error"),
    }
}

/// Whether a write comes from the sandbox's own origin, or from no browser page at all (scripts and tests send no
/// `Origin`): a page of another site may not take tokens or move the clock.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    origin.to_str().is_ok_and(|o| !host.is_empty() && o == format!("http://{host}"))
}

fn cross_site() -> Response {
    json_error(StatusCode::FORBIDDEN, "expected a request of the sandbox's own origin, not from another site")
}

fn unknown_order() -> Refusal {
    Refusal::new(StatusCode::NOT_FOUND, "unknown order_no")
}

/// `GET /sandbox/orders/{order_no}`: `{"order_no", "trader_code", "function_div", "kind", "status",
/// "settle_price", "settle_method", "expired_date", "slips"}` (`status` is E04's `statusInfo`).
pub(crate) fn order(tx: &Tx<'_>, number: &str) -> rusqlite::Result<Result<Value, Refusal>> {
    cvs::sweep(tx, clock::now(tx)?)?;
    let Some(order) = store::order_any(tx, number)? else { return Ok(Err(unknown_order())) };
    let slips: Vec<String> = store::slips(tx, order.id)?.into_iter().map(|s| s.slip_no).collect();
    Ok(Ok(json!({
        "order_no": order.order_no,
        "trader_code": order.trader_code,
        "function_div": order.function_div,
        "kind": order.kind,
        "status": order.status,
        "settle_price": order.settle_price,
        "settle_method": order.settle_method,
        "expired_date": order.expired_date,
        "slips": slips,
    })))
}

/// `POST /sandbox/deposits` (form `order_no`, `amount`): the buyer pays a convenience-store slip at the store. The
/// amount must be the order's and the slip unpaid and unexpired (else 409); the order becomes `2` (Seven-Eleven,
/// FamilyMart: the final report `3` follows the next day on the sandbox clock) or `3`, with a 決済結果通知. Answers
/// `{"order_no", "status", "settle_date"}`.
pub(crate) fn deposit(tx: &Tx<'_>, form: &Form) -> rusqlite::Result<Result<Value, Refusal>> {
    let now = clock::now(tx)?;
    cvs::sweep(tx, now)?;
    let number = form.get("order_no").unwrap_or("");
    let Ok(amount) = form.get("amount").unwrap_or("").parse::<i64>() else {
        return Ok(Err(Refusal::new(StatusCode::BAD_REQUEST, "amount: expected whole yen (digits)")));
    };
    let conflict = |message: &str| Ok(Err(Refusal::new(StatusCode::CONFLICT, message)));
    let Some(mut order) = store::order_any(tx, number)? else { return Ok(Err(unknown_order())) };
    if order.kind != "cvs" {
        return conflict("not a convenience-store order");
    }
    if order.status != "1" {
        return conflict("the slip is paid or expired");
    }
    if amount != order.settle_price {
        return conflict("amount: expected the order's settle_price");
    }
    cvs::pay(tx, &mut order, now)?;
    Ok(Ok(json!({ "order_no": order.order_no, "status": order.status, "settle_date": order.settle_date })))
}
