//! PayPay: L01 `paypaySettle` (the buyer approves on a sandbox page), L02 `paypaySettleCancel`, L03
//! `paypayChangePrice`.
//!
//! L01's `check_sum` (facts §2.2) is verified before the handler by the spec's `computed` rule ([`crate::api`]; a
//! wrong one is the layout code of `check_sum` with check 71). L01 answers `redirectHtml`, which forwards the browser to the
//! sandbox approval page (`/sandbox/paypay/{key}`). The buyer approves or declines there; the browser returns to
//! `return_url_success` or `return_url_failure` (a POST of `return_code`, `error_code`, `return_date`, `order_no`,
//! `res_payinfo_key`, facts §6.2) and the notification goes out. **Sandbox choices** (facts §6.2 is one source):
//! an approved payment is `4` (authorized) with `settle_detail` 4; a declined one `11`; the notification goes to the
//! sandbox's `--notify-url` (the machinery delivers to one URL), not to `return_url_res`; an increase by L03 answers
//! `returnCode` 2 (waiting for the buyer, status 23) and stays there; an used order number is L012000003.

use japay_sandbox::Tx;

use super::{Ctx, random_token, yen};
use crate::store::{self, Order};

/// L01 `paypaySettle`.
pub(crate) fn paypay_settle(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let key = random_token(32);
    let mut order = Order {
        trader_code: ctx.trader.to_owned(),
        order_no: ctx.get("order_no").to_owned(),
        function_div: ctx.function().to_owned(),
        kind: "paypay".to_owned(),
        status: "21".to_owned(),
        settle_price: yen(ctx.get("settle_price")),
        settle_method: "91".to_owned(),
        session_key: Some(key.clone()),
        return_url_success: ctx.get("return_url_success").to_owned(),
        return_url_failure: ctx.get("return_url_failure").to_owned(),
        created: ctx.stamp(),
        ..Order::default()
    };
    if !store::insert_once(tx, &mut order)? {
        return Ok(ctx.fail("L012000003"));
    }
    let html = format!(
        "<form id=\"kuroneko-paypay\" method=\"get\" action=\"{}/sandbox/paypay/{key}\"></form>\
         <script>document.getElementById('kuroneko-paypay').submit();</script>",
        japay_sandbox::html::escape(ctx.url)
    );
    let mut w = ctx.ok();
    w.element("redirectHtml", &html);
    Ok(w.finish())
}

/// The PayPay order of a change, or the answer when there is none.
fn paypay_order(tx: &Tx<'_>, ctx: &Ctx<'_>, refused: &str) -> rusqlite::Result<Result<Order, String>> {
    Ok(match store::order(tx, ctx.trader, ctx.get("order_no"))? {
        Some(o) if o.kind == "paypay" && o.status == "4" => Ok(o),
        _ => Err(ctx.fail(refused)),
    })
}

/// L02 `paypaySettleCancel`: an approved payment is cancelled (40); anything else L022000003.
pub(crate) fn paypay_settle_cancel(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let mut order = match paypay_order(tx, ctx, "L022000003")? {
        Ok(o) => o,
        Err(answer) => return Ok(answer),
    };
    order.status = "40".to_owned();
    order.cancel_date = ctx.stamp();
    store::update(tx, &order)?;
    Ok(ctx.ok().finish())
}

/// L03 `paypayChangePrice`: a lower amount is taken at once; a higher one waits for the buyer (`returnCode` 2).
pub(crate) fn paypay_change_price(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let mut order = match paypay_order(tx, ctx, "L032000003")? {
        Ok(o) => o,
        Err(answer) => return Ok(answer),
    };
    let price = yen(ctx.get("new_price"));
    if price > order.settle_price {
        order.status = "23".to_owned();
        store::update(tx, &order)?;
        return Ok(crate::writer::Writer::new("2", "", &ctx.stamp()).finish());
    }
    order.settle_price = price;
    order.renewal_date = ctx.stamp();
    store::update(tx, &order)?;
    Ok(ctx.ok().finish())
}
