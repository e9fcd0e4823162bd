//! `getsales2.cgi`: the authoritative state of one order by order_number or trans_code; an empty root when it is not
//! found (a wrong contract code included, facts §5.3). Layout as the recorded answer (facts §4.4 (f)), plus `amount`
//! (deposited, virtual accounts; empty otherwise, facts §4.2) and the slip fields of convenience-store orders.

use japay_sandbox::Tx;

use super::{Ctx, va, xml};
use crate::store;
use crate::writer::{Style, Written};

/// Looks the order up.
pub(crate) fn order_info(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let number = ctx.get("order_number");
    let found = if number.is_empty() {
        store::order_by_trans_code(tx, ctx.contract, ctx.get("trans_code"))?
    } else {
        store::order_by_number(tx, ctx.contract, number)?
    };
    let Some(o) = found else {
        return Ok(xml(Style::Getsales2NotFound, ctx.version, &[]));
    };
    let (state, amount) = if o.kind == "va" {
        va::state_and_amount(tx, &o, crate::clock::today(ctx.now))?
    } else {
        (o.state.clone(), String::new())
    };
    let price = o.item_price.to_string();
    let mut attrs: Vec<(&str, &str)> = vec![
        ("last_update", &o.last_update),
        ("user_mail_add", &o.user_mail_add),
        ("state", &state),
        ("credit_time", &o.credit_time),
        ("trans_code", &o.trans_code),
        ("mission_code", &o.mission_code),
        ("credit_flag", "0"),
        ("item_price", &price),
        ("payment_code", &o.payment_code),
        ("item_code", &o.item_code),
        ("order_number", &o.order_number),
        ("st_code", &o.st_code),
        ("memo1", &o.memo1),
        ("contract_code", &o.contract_code),
        ("item_name", &o.item_name),
        ("pay_time", if o.payment_code == "1" { "1" } else { "" }),
        ("user_name", &o.user_name),
        ("process_code", &o.process_code),
        ("keitai", "100"),
        ("due_date", ""),
        ("card_st_code", if o.payment_code == "1" { "10" } else { "" }),
        ("add_info", ""),
        ("user_id", &o.user_id),
        ("memo2", &o.memo2),
        ("amount", &amount),
    ];
    if o.kind == "conveni" || !o.conveni_code.is_empty() {
        attrs.extend([
            ("conveni_limit", o.conveni_limit.as_str()),
            ("receipt_date", &o.receipt_date),
            ("receipt_no", &o.receipt_no),
            ("conveni_time", &o.conveni_time),
            ("paid", &o.paid),
            ("haraikomi_url", super::order3::HARAIKOMI_URL),
            ("conveni_code", &o.conveni_code),
            ("kigyou_code", super::order3::KIGYOU_CODE),
        ]);
    }
    Ok(xml(Style::Getsales2Found, ctx.version, &attrs))
}
