//! Epsilon's side of the control endpoints (JSON answers): the card token endpoint (what the gateway's token script
//! does in a browser), and the hooks behind the machinery's `/sandbox/orders/{order_number}` and `/sandbox/deposits`.
//! The clock and the recorded notifications are the machinery's own ([`japay_sandbox::control`]).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use japay_sandbox::control::json_error;
use japay_sandbox::form::Form;
use japay_sandbox::{Refusal, Tx};
use serde_json::{Value, json};

use crate::cgi::card::{card_brand, card_kind, card_mask};
use crate::cgi::{random_token, va};
use crate::clock::today;
use crate::notices;
use crate::state::Sandbox;
use crate::store::{self, Token};

/// `POST /sandbox/token` (form cardno, expire YYYYMM, securitycode, holdername): a one-time card token, answered
/// like the gateway's token script (`resultCode` 000, or the script's error codes 100, 101, 111, 112, 121, 122,
/// facts §3.10). The card number itself is not stored, only its test kind, mask, brand and expiry.
pub(crate) async fn token(State(sandbox): State<Sandbox>, body: Bytes) -> Response {
    let form = match Form::parse(&body) {
        Ok(f) => f,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let number = form.get("cardno").unwrap_or("").to_owned();
    let expire = form.get("expire").unwrap_or("").to_owned();
    let code = form.get("securitycode").unwrap_or("");
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let result_code = if !digits(&number) {
        "100"
    } else if !(14..=16).contains(&number.len()) {
        "101"
    } else if expire.is_empty() {
        "110"
    } else if !digits(&expire) {
        "111"
    } else if expire.len() != 6 {
        "112"
    } else if !digits(code) {
        "121"
    } else if code.len() > 4 {
        "122"
    } else {
        "000"
    };
    if result_code != "000" {
        return Json(json!({ "resultCode": result_code })).into_response();
    }
    let name = random_token(32);
    let stored = Token {
        card_kind: card_kind(&number).to_owned(),
        card_mask: card_mask(&number),
        card_brand: card_brand(&number).to_owned(),
        card_expire: expire,
        used: false,
    };
    let token = name.clone();
    let saved = sandbox.write(move |tx| store::insert_token(tx, &token, &stored, &tx.now().timestamp())).await;
    match saved {
        Ok(()) => Json(json!({ "resultCode": "000", "tokenObject": { "token": name } })).into_response(),
        Err(_) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "database error"),
    }
}

fn unknown_order() -> Refusal {
    Refusal::new(StatusCode::NOT_FOUND, "unknown order_number")
}

/// `GET /sandbox/orders/{order_number}`: `{"order_number", "trans_code", "state", "amount", "deposited",
/// "va_status"}`; `va_status` is the Japanese status of a virtual account, else null.
pub(crate) fn order(tx: &Tx<'_>, number: &str) -> rusqlite::Result<Result<Value, Refusal>> {
    let Some(order) = store::order_by_number_any(tx, number)? else { return Ok(Err(unknown_order())) };
    let today = today(tx.now());
    let deposited: i64 = store::deposits(tx, order.id)?.iter().map(|d| d.amount).sum();
    let (state, va_status) = if order.kind == "va" {
        let (state, _) = va::state_and_amount(tx, &order, today)?;
        (state, va::status(tx, &order, today)?.map(|s| s.label_ja()))
    } else {
        (order.state.clone(), None)
    };
    Ok(Ok(json!({
        "order_number": order.order_number,
        "trans_code": order.trans_code,
        "state": state,
        "amount": order.item_price,
        "deposited": deposited,
        "va_status": va_status,
    })))
}

/// `POST /sandbox/deposits` (form order_number, amount): a deposit into a virtual account (through the lifecycle
/// machine; refused with 409 when the machine refuses it), or the payment of a convenience-store order when the
/// amount is the order's (state 1, paid 1, then a 入金通知). **Sandbox choice**: a virtual-account deposit sends no
/// notification (whether the gateway sends one is not known, facts §5.2).
pub(crate) fn deposit(tx: &Tx<'_>, form: &Form) -> rusqlite::Result<Result<Value, Refusal>> {
    let number = form.get("order_number").unwrap_or("");
    let Ok(amount) = form.get("amount").unwrap_or("").parse::<u64>() else {
        return Ok(Err(Refusal::new(StatusCode::BAD_REQUEST, "amount: expected whole yen (digits)")));
    };
    let conflict = |message: &str| Ok(Err(Refusal::new(StatusCode::CONFLICT, message)));
    let now = tx.now();
    let Some(mut order) = store::order_by_number_any(tx, number)? else { return Ok(Err(unknown_order())) };
    let signed = i64::try_from(amount).unwrap_or(i64::MAX);
    match order.kind.as_str() {
        "va" => {
            let Some(mut machine) = va::lifecycle(tx, &order)? else {
                return conflict("the order has no lifecycle");
            };
            let today = today(now);
            let deposit = match machine.deposit(today, amount) {
                Ok(deposit) => deposit,
                Err(e) => return conflict(&e.to_string()),
            };
            let (day, status) = (today.to_string(), deposit.status.name());
            store::insert_deposit(tx, order.id, signed, &day, status, &now.timestamp())?;
            let (state, _) = va::state_and_amount(tx, &order, today)?;
            order.state = state;
            order.last_update = now.timestamp();
            store::update_order(tx, &order)?;
            Ok(Ok(json!({
                "order_number": order.order_number,
                "va_status": deposit.status.label_ja(),
                "deposited": deposit.total,
            })))
        }
        "conveni" | "link" if !order.conveni_code.is_empty() => {
            if order.paid == "1" {
                return conflict("already paid");
            }
            if u64::try_from(order.item_price).ok() != Some(amount) {
                return conflict("amount: expected the order's amount");
            }
            order.state = "1".to_owned();
            order.paid = "1".to_owned();
            order.conveni_time = now.timestamp();
            order.last_update = now.timestamp();
            store::update_order(tx, &order)?;
            store::insert_deposit(tx, order.id, signed, &today(now).to_string(), "paid", &now.timestamp())?;
            tx.notify(notices::deposit(&order))?;
            Ok(Ok(json!({ "order_number": order.order_number, "va_status": null, "deposited": amount })))
        }
        _ => conflict("not a virtual-account or convenience-store order"),
    }
}
