//! Managing payments and users: `sales_payment.cgi` (capture), `cancel_payment.cgi` (void),
//! `change_amount_payment.cgi`, `get_user_info.cgi`. An unknown transaction is 810 (result 9, facts §3.10).

use japay_sandbox::Tx;

use super::{Ctx, xml, yen};
use crate::checks;
use crate::store::{self, Order};
use crate::writer::{Style, Written};

fn ok(ctx: &Ctx<'_>) -> Written {
    xml(Style::Management, ctx.version, &[("err_code", ""), ("err_detail", ""), ("result", "1")])
}

fn no_transaction(ctx: &Ctx<'_>) -> Written {
    ctx.fail("810")
}

/// The order named by order_number whose state is one of `states`.
fn order_in(tx: &Tx<'_>, ctx: &Ctx<'_>, states: &[&str]) -> rusqlite::Result<Option<Order>> {
    Ok(store::order_by_number(tx, ctx.contract, ctx.get("order_number"))?
        .filter(|o| states.contains(&o.state.as_str()) && !o.declined))
}

/// Capture: a provisional card sale (state 5) becomes an actual sale (state 1).
pub(crate) fn capture(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let Some(mut order) = order_in(tx, ctx, &["5"])? else { return Ok(no_transaction(ctx)) };
    order.state = "1".to_owned();
    order.kari_flag = "0".to_owned();
    order.last_update = ctx.now.timestamp();
    store::update_order(tx, &order)?;
    Ok(ok(ctx))
}

/// Void: a card payment, provisional or captured, becomes cancelled (state 9). **Sandbox choice**: only card
/// payments (card API and link orders paid by card) can be voided.
pub(crate) fn void(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let Some(mut order) = order_in(tx, ctx, &["1", "5"])?.filter(|o| o.payment_code == "1") else {
        return Ok(no_transaction(ctx));
    };
    order.state = "9".to_owned();
    order.last_update = ctx.now.timestamp();
    store::update_order(tx, &order)?;
    Ok(ok(ctx))
}

/// Change the amount of a card payment (provisional or captured). **Sandbox choice**: a monthly billing named by
/// user_id + item_code without order_number is not simulated (810).
pub(crate) fn change_amount(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let Some(mut order) = order_in(tx, ctx, &["1", "5"])?.filter(|o| o.payment_code == "1") else {
        return Ok(no_transaction(ctx));
    };
    order.item_price = yen(ctx.get("new_item_price"));
    order.last_update = ctx.now.timestamp();
    store::update_order(tx, &order)?;
    Ok(ok(ctx))
}

/// The registered card of a user, masked (facts §4.2); result 2 with 801 when there is none (facts §4.4 (l)).
pub(crate) fn user_info(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let user = store::user(tx, ctx.contract, ctx.get("user_id"))?.filter(|u| !u.withdrawn && !u.card_kind.is_empty());
    let Some(user) = user else {
        return Ok(xml(
            Style::Management,
            ctx.version,
            &[
                ("card_brand", ""),
                ("card_number_mask", ""),
                ("err_code", "801"),
                ("err_detail", checks::text("801")),
                ("result", "2"),
            ],
        ));
    };
    Ok(xml(
        Style::Management,
        ctx.version,
        &[
            ("card_brand", &user.card_brand),
            ("card_expire", &user.card_expire),
            ("card_number_mask", &user.card_mask),
            ("err_code", ""),
            ("err_detail", ""),
            ("result", "1"),
        ],
    ))
}
