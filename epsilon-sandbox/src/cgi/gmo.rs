//! The GMO CGIs: `receive_order_gmo2.cgi` (a charge of a card stored in the buyer's GMO ID) and `ship_request.cgi`
//! (the shipping registration of a GMO後払い order, facts §1, §3.7).
//!
//! **Sandbox choices**: a GMO ID is not looked up (any `gmo_id` is a member); a `gmo_card_id` of digits is a card of
//! that member, approved and captured at once (state 1, payment_code 1, so capture/void/getsales2 see it as a card
//! payment); any other `gmo_card_id` is 601 with the recorded text, with a transaction code (facts §4.4 (j)). A
//! shipping registration moves a GMO後払い order (payment_code 18) from 仮売上 (state 5) to 出荷登録中 (state 6,
//! facts §3.7); any other order (unknown, not GMO後払い, already registered, cancelled) is 810. The answer layout of
//! ship_request.cgi was never recorded: it is written like the management CGIs (uncertain).

use japay_sandbox::Tx;

use super::order3::new_order;
use super::{Ctx, xml};
use crate::details;
use crate::store;
use crate::writer::{Style, Written};

/// The answer of receive_order_gmo2.cgi, attributes in the recorded order (facts §4.4 (j)).
fn gmo2_answer(ctx: &Ctx<'_>, trans_code: &str, result: &str, code: &str, detail: &str) -> Written {
    xml(
        Style::Gmo2,
        ctx.version,
        &[("trans_code", trans_code), ("result", result), ("err_code", code), ("err_detail", detail)],
    )
}

/// `gmo_id_payment`: charges the GMO ID member's card `gmo_card_id`.
pub(crate) fn gmo_id_payment(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let mut order = new_order(tx, ctx, "card")?;
    let card_id = ctx.get("gmo_card_id");
    if card_id.is_empty() || !card_id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(gmo2_answer(ctx, &order.trans_code, "9", "601", details::GMO_CARD_ID));
    }
    order.state = "1".to_owned();
    order.kari_flag = "0".to_owned();
    order.payment_code = "1".to_owned();
    order.card_kind = "approve".to_owned();
    order.credit_time = ctx.now.timestamp();
    if !store::insert_once(tx, &mut order)? {
        return Ok(gmo2_answer(ctx, &order.trans_code, "9", "604", crate::checks::text("604")));
    }
    Ok(gmo2_answer(ctx, &order.trans_code, "1", "", ""))
}

/// `ship_request`: a GMO後払い order in 仮売上 (state 5) becomes 出荷登録中 (state 6).
pub(crate) fn ship_request(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let order = store::order_by_number(tx, ctx.contract, ctx.get("order_number"))?
        .filter(|o| o.payment_code == "18" && o.state == "5" && !o.declined);
    let Some(mut order) = order else { return Ok(ctx.fail("810")) };
    order.state = "6".to_owned();
    order.last_update = ctx.now.timestamp();
    store::update_order(tx, &order)?;
    Ok(xml(Style::Management, ctx.version, &[("err_code", ""), ("err_detail", ""), ("result", "1")]))
}
