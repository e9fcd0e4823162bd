//! The sandbox's own endpoints (JSON answers): the card token endpoint (what the gateway's token script does in a
//! browser), deposits, the clock, an order's state, and the recorded notifications.

// handlers fail with the response to send; its size does not matter on this path
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use epsilon_proto::request_body::{self, FormRequest};
use serde_json::{Value, json};

use crate::Shared;
use crate::cgi::card::{card_brand, card_kind, card_mask};
use crate::cgi::{random_token, va};
use crate::clock::Now;
use crate::notify::{self, Message};
use crate::store::{self, Token};

const UTF8_FORM: &str = "application/x-www-form-urlencoded; charset=UTF-8";

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn form(body: &[u8]) -> Result<FormRequest, Response> {
    request_body::parse(body, Some(UTF8_FORM)).map_err(|e| json_error(StatusCode::BAD_REQUEST, &e.to_string()))
}

/// Runs `work` in one transaction on a blocking thread.
async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T> + Send + 'static,
) -> Result<T, Response> {
    let worker = shared.clone();
    match tokio::task::spawn_blocking(move || worker.store.write(work)).await {
        Ok(Ok(value)) => Ok(value),
        _ => Err(json_error(StatusCode::INTERNAL_SERVER_ERROR, "database error")),
    }
}

/// `POST /sandbox/token` (form cardno, expire YYYYMM, securitycode, holdername): a one-time card token, answered
/// like the gateway's token script (`resultCode` 000, or the script's error codes 100, 101, 111, 112, 121, 122,
/// facts §3.10). The card number itself is not stored, only its test kind, mask, brand and expiry.
pub(crate) async fn token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = match form(&body) {
        Ok(f) => f,
        Err(r) => return r,
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
    let saved = blocking(&shared, move |tx| {
        let now = Now::read(store::clock_offset(tx)?).timestamp();
        store::insert_token(tx, &token, &stored, &now)
    })
    .await;
    match saved {
        Ok(()) => Json(json!({ "resultCode": "000", "tokenObject": { "token": name } })).into_response(),
        Err(r) => r,
    }
}

/// `POST /sandbox/deposits` (form order_number, amount): a deposit into a virtual account (through the lifecycle
/// machine; refused with 409 when the machine refuses it), or the payment of a convenience-store order when the
/// amount is the order's (state 1, paid 1, then a 入金通知). **Sandbox choice**: a virtual-account deposit sends no
/// notification (whether the gateway sends one is not known, facts §5.2).
pub(crate) async fn deposits(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = match form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let number = form.get("order_number").unwrap_or("").to_owned();
    let Ok(amount) = form.get("amount").unwrap_or("").parse::<u64>() else {
        return json_error(StatusCode::BAD_REQUEST, "amount: expected whole yen (digits)");
    };
    let worker = shared.clone();
    let done = blocking(&shared, move |tx| {
        let now = Now::read(store::clock_offset(tx)?);
        let Some(mut order) = store::order_by_number_any(tx, &number)? else {
            return Ok(Err((StatusCode::NOT_FOUND, "unknown order_number".to_owned())));
        };
        match order.kind.as_str() {
            "va" => {
                let Some(mut machine) = va::lifecycle(tx, &order)? else {
                    return Ok(Err((StatusCode::CONFLICT, "the order has no lifecycle".to_owned())));
                };
                let today = now.today();
                match machine.deposit(today, amount) {
                    Ok(deposit) => {
                        let signed = i64::try_from(amount).unwrap_or(i64::MAX);
                        store::insert_deposit(
                            tx,
                            order.id,
                            signed,
                            &today.to_string(),
                            deposit.status.name(),
                            &now.timestamp(),
                        )?;
                        let (state, _) = va::state_and_amount(tx, &order, today)?;
                        order.state = state;
                        order.last_update = now.timestamp();
                        store::update_order(tx, &order)?;
                        let body = json!({
                            "order_number": order.order_number,
                            "va_status": deposit.status.label_ja(),
                            "deposited": deposit.total,
                        });
                        Ok(Ok((body, None)))
                    }
                    Err(e) => Ok(Err((StatusCode::CONFLICT, e.to_string()))),
                }
            }
            "conveni" | "link" if !order.conveni_code.is_empty() => {
                if order.paid == "1" {
                    return Ok(Err((StatusCode::CONFLICT, "already paid".to_owned())));
                }
                if u64::try_from(order.item_price).ok() != Some(amount) {
                    return Ok(Err((StatusCode::CONFLICT, "amount: expected the order's amount".to_owned())));
                }
                order.state = "1".to_owned();
                order.paid = "1".to_owned();
                order.conveni_time = now.timestamp();
                order.last_update = now.timestamp();
                store::update_order(tx, &order)?;
                let signed = i64::try_from(amount).unwrap_or(i64::MAX);
                store::insert_deposit(tx, order.id, signed, &now.today().to_string(), "paid", &now.timestamp())?;
                let message = Message {
                    kind: "deposit",
                    order_number: order.order_number.clone(),
                    pairs: vec![
                        ("trans_code", order.trans_code.clone()),
                        ("order_number", order.order_number.clone()),
                        ("paid", "1".to_owned()),
                        ("user_id", order.user_id.clone()),
                        ("item_price", order.item_price.to_string()),
                        ("memo1", order.memo1.clone()),
                        ("conveni_code", order.conveni_code.clone()),
                        ("contract_code", order.contract_code.clone()),
                    ],
                };
                let queued = notify::enqueue(&worker, tx, &message)?;
                let body = json!({ "order_number": order.order_number, "va_status": null, "deposited": amount });
                Ok(Ok((body, queued)))
            }
            _ => Ok(Err((StatusCode::CONFLICT, "not a virtual-account or convenience-store order".to_owned()))),
        }
    })
    .await;
    match done {
        Ok(Ok((body, queued))) => {
            if let Some(id) = queued {
                notify::deliver(shared, id);
            }
            Json(body).into_response()
        }
        Ok(Err((status, message))) => json_error(status, &message),
        Err(r) => r,
    }
}

/// `POST /sandbox/clock` (form advance_days): moves the sandbox clock forward (never back).
pub(crate) async fn clock(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = match form(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(days) = form.get("advance_days").unwrap_or("").parse::<u32>() else {
        return json_error(StatusCode::BAD_REQUEST, "advance_days: expected a whole number of days (0 or more)");
    };
    let done = blocking(&shared, move |tx| {
        let offset = store::clock_offset(tx)?.saturating_add(i64::from(days));
        store::set_clock_offset(tx, offset)?;
        Ok((offset, Now::read(offset).today().to_string()))
    })
    .await;
    match done {
        Ok((offset, today)) => Json(json!({ "offset_days": offset, "today": today })).into_response(),
        Err(r) => r,
    }
}

/// `GET /sandbox/orders/{order_number}`: `{"order_number", "trans_code", "state", "amount", "deposited",
/// "va_status"}`; `va_status` is the Japanese status of a virtual account, else null.
pub(crate) async fn order(State(shared): State<Arc<Shared>>, Path(number): Path<String>) -> Response {
    let done = blocking(&shared, move |tx| {
        let Some(order) = store::order_by_number_any(tx, &number)? else { return Ok(None) };
        let today = Now::read(store::clock_offset(tx)?).today();
        let deposited: i64 = store::deposits(tx, order.id)?.iter().map(|d| d.amount).sum();
        let (state, va_status) = if order.kind == "va" {
            let (state, _) = va::state_and_amount(tx, &order, today)?;
            (state, va::status(tx, &order, today)?.map(|s| s.label_ja()))
        } else {
            (order.state.clone(), None)
        };
        Ok(Some(json!({
            "order_number": order.order_number,
            "trans_code": order.trans_code,
            "state": state,
            "amount": order.item_price,
            "deposited": deposited,
            "va_status": va_status,
        })))
    })
    .await;
    match done {
        Ok(Some(body)) => Json(body).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "unknown order_number"),
        Err(r) => r,
    }
}

/// `GET /sandbox/notifications`: every notification attempt, oldest first.
pub(crate) async fn notifications(State(shared): State<Arc<Shared>>) -> Response {
    match blocking(&shared, store::attempts).await {
        Ok(attempts) => {
            let list: Vec<Value> = attempts
                .into_iter()
                .map(|a| {
                    json!({
                        "kind": a.kind,
                        "order_number": a.order_number,
                        "url": a.url,
                        "attempt": a.attempt,
                        "body": a.body,
                        "status": a.status,
                        "answer": a.answer,
                        "accepted": a.accepted,
                        "at": a.at,
                    })
                })
                .collect();
            Json(Value::Array(list)).into_response()
        }
        Err(r) => r,
    }
}
