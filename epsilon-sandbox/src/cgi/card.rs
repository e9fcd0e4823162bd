//! `direct_card_payment.cgi`: the card API (card data, token or registered card) and the 3-D Secure second leg.
//!
//! Test cards (**sandbox choice**, the table): `4242424242424242` approved, `0000000000000000` declined
//! (result 0, 601 with the gateway's text), `4123451111111117` 3-D Secure 1.0 (result 5), `4000000000003220` 3-D
//! Secure 2.0 (result 6). Any other number is approved. The ACS (`/sandbox/acs`) answers PaRes = PaReq + `.Y` or
//! `.N`; the second leg approves `.Y` and declines `.N`.

use japay_sandbox::Tx;

use super::order3::new_order;
use super::{Ctx, random_token, xml};
use crate::details;
use crate::store::{self, Order, User};
use crate::writer::{Style, Written};

/// Which test card a number is: `approve`, `decline`, `tds1` or `tds2`.
pub(crate) fn card_kind(number: &str) -> &'static str {
    match number {
        "0000000000000000" => "decline",
        "4123451111111117" => "tds1",
        "4000000000003220" => "tds2",
        _ => "approve",
    }
}

/// The brand the first digit suggests (`VISA` is the recorded one, facts §3.11). **Sandbox choice** for the others.
pub(crate) fn card_brand(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "VISA",
        Some(b'5') => "MASTER",
        Some(b'3') => "JCB",
        _ => "OTHER",
    }
}

/// The masked number: first digit, asterisks, last four (`4***-****-****-4242`, facts Q13 shows `4***-…`).
pub(crate) fn card_mask(number: &str) -> String {
    let first = number.get(..1).unwrap_or("*");
    let last = number.get(number.len().saturating_sub(4)..).unwrap_or("****");
    format!("{first}***-****-****-{last}")
}

/// The card a payment is charged to: its test kind, and the user card to register when card data was given.
struct Charge {
    kind: String,
    register: Option<User>,
}

/// The answer of a card payment, attributes in alphabetical order (facts Q8).
fn card_answer(ctx: &Ctx<'_>, result: &str, o: &Order, err: (&str, &str), tds: (&str, &str, Option<&str>)) -> Written {
    let (acsurl, pareq, tds2_url) = tds;
    let mut attrs: Vec<(&str, &str)> = vec![("acsurl", acsurl), ("err_code", err.0), ("err_detail", err.1)];
    if result == "1" {
        attrs.push(("kari_flag", &o.kari_flag));
    }
    attrs.push(("pareq", pareq));
    attrs.push(("result", result));
    if let Some(url) = tds2_url {
        attrs.push(("tds2_url", url));
    }
    attrs.push(("trans_code", &o.trans_code));
    xml(Style::DirectCard, ctx.version, &attrs)
}

/// Approves `o`: 仮売上 (state 5, answer kari_flag 1) when kari_flag=1 was sent, else captured (state 1, kari_flag
/// 0) (facts §3.7).
fn approve(o: &mut Order, kari_flag: &str, ctx: &Ctx<'_>) {
    let provisional = kari_flag == "1";
    o.state = if provisional { "5" } else { "1" }.to_owned();
    o.kari_flag = if provisional { "1" } else { "0" }.to_owned();
    o.payment_code = "1".to_owned();
    o.declined = false;
    o.tds_pareq = None;
    o.credit_time = ctx.now.timestamp();
    o.last_update = ctx.now.timestamp();
}

/// A card payment (process 1 with card data or a token, process 2 with the registered card).
pub(crate) fn card_payment(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let charge = if ctx.get("process_code") == "2" {
        match store::user(tx, ctx.contract, ctx.get("user_id"))? {
            Some(u) if !u.withdrawn && !u.card_kind.is_empty() => Charge { kind: u.card_kind, register: None },
            _ => return Ok(ctx.fail("502")),
        }
    } else if !ctx.get("token").is_empty() {
        let name = ctx.get("token");
        match store::token(tx, name)? {
            Some(t) if t.used => return Ok(ctx.fail("936")),
            Some(t) => {
                store::use_token(tx, name)?;
                let user = registered_user(ctx, &t.card_kind, &t.card_brand, &t.card_mask, &t.card_expire);
                Charge { kind: t.card_kind, register: user }
            }
            None => return Ok(ctx.fail_with("601", details::CARD)),
        }
    } else {
        let number = ctx.get("card_number");
        let expire = format!("{}{}", ctx.get("expire_y"), ctx.get("expire_m"));
        let user = registered_user(ctx, card_kind(number), card_brand(number), &card_mask(number), &expire);
        Charge { kind: card_kind(number).to_owned(), register: user }
    };
    let mut order = new_order(tx, ctx, "card")?;
    order.card_kind = charge.kind.clone();
    // a declined order number may be used again, keeping its trans_code (uncertain, facts Q20)
    let retry =
        store::order_by_number(tx, ctx.contract, &order.order_number)?.filter(|o| o.kind == "card" && o.declined);
    match retry {
        Some(earlier) => {
            order.id = earlier.id;
            order.trans_code = earlier.trans_code;
            store::update_order(tx, &order)?;
        }
        None => {
            if !store::insert_once(tx, &mut order)? {
                return Ok(ctx.fail("604"));
            }
        }
    }
    if let Some(user) = charge.register.filter(|_| charge.kind != "decline") {
        store::put_user(tx, &user, &ctx.now.timestamp())?;
    }
    let kari_flag = ctx.get("kari_flag").to_owned();
    match charge.kind.as_str() {
        "decline" => {
            order.declined = true;
            store::update_order(tx, &order)?;
            Ok(card_answer(ctx, "0", &order, ("601", details::CARD), ("", "", None)))
        }
        kind @ ("tds1" | "tds2") => {
            let pareq = random_token(28);
            order.tds_pareq = Some(pareq.clone());
            // the kari_flag asked for is kept for the second leg
            order.kari_flag = kari_flag;
            store::update_order(tx, &order)?;
            let acs = format!("{}/sandbox/acs", ctx.url);
            if kind == "tds1" {
                Ok(card_answer(ctx, "5", &order, ("", ""), (&acs, &pareq, None)))
            } else {
                Ok(card_answer(ctx, "6", &order, ("", ""), ("", &pareq, Some(&acs))))
            }
        }
        _ => {
            approve(&mut order, &kari_flag, ctx);
            store::update_order(tx, &order)?;
            Ok(card_answer(ctx, "1", &order, ("", ""), ("", "", None)))
        }
    }
}

/// The user a first charge with card data registers (process 1 with user_id; facts §3.3).
fn registered_user(ctx: &Ctx<'_>, kind: &str, brand: &str, mask: &str, expire: &str) -> Option<User> {
    (ctx.get("process_code") == "1" && !ctx.get("user_id").is_empty()).then(|| User {
        contract_code: ctx.contract.to_owned(),
        user_id: ctx.get("user_id").to_owned(),
        user_name: ctx.get("user_name").to_owned(),
        user_mail_add: ctx.get("user_mail_add").to_owned(),
        card_brand: brand.to_owned(),
        card_mask: mask.to_owned(),
        card_expire: expire.to_owned(),
        card_kind: kind.to_owned(),
        withdrawn: false,
    })
}

/// The 3-D Secure second leg (tds_check_code=2 + tds_pares): approved when the ACS authenticated, declined when
/// not; 810 when the order is not waiting for 3-D Secure.
pub(crate) fn card_3ds_result(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let pending = store::order_by_number(tx, ctx.contract, ctx.get("order_number"))?;
    let Some(mut order) = pending.filter(|o| o.tds_pareq.is_some()) else {
        return Ok(ctx.fail("810"));
    };
    let pareq = order.tds_pareq.clone().unwrap_or_default();
    let pares = ctx.get("tds_pares");
    if pares == format!("{pareq}.Y") {
        let kari_flag = order.kari_flag.clone();
        approve(&mut order, &kari_flag, ctx);
        store::update_order(tx, &order)?;
        Ok(card_answer(ctx, "1", &order, ("", ""), ("", "", None)))
    } else {
        order.declined = true;
        order.tds_pareq = None;
        store::update_order(tx, &order)?;
        Ok(card_answer(ctx, "0", &order, ("601", details::CARD), ("", "", None)))
    }
}
