//! `direct_virtual_account.cgi`: a bank-transfer account for an order, and the order's lifecycle
//! (`epsilon_proto::virtual_account`) replayed from its stored deposits against the sandbox clock.
//!
//! **Sandbox choice**: the account is always the recorded test bank (あおぞら銀行 0310, branch 502 ｱｼﾞｻｲ, name
//! GMO-EPﾃｽﾄ, facts §4.4 (g)); the account number is derived from the transaction code; payment_code is 22
//! (バーチャル口座, facts §3.6, from a plugin's table).

use epsilon_proto::virtual_account::{JstDate, Status, VirtualAccountOrder};
use japay_sandbox::Tx;
use rusqlite::Connection;

use super::order3::new_order;
use super::{Ctx, xml};
use crate::clock::parse_date;
use crate::store::{self, Order};
use crate::writer::{Style, Written};

/// Issues an account for the order.
pub(crate) fn virtual_account(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let mut order = new_order(tx, ctx, "va")?;
    order.payment_code = "22".to_owned();
    let digits: String = order.trans_code.chars().rev().take(7).collect::<Vec<_>>().into_iter().rev().collect();
    order.account_no = format!("{digits:0>7}");
    if !store::insert_once(tx, &mut order)? {
        return Ok(ctx.fail("604"));
    }
    Ok(xml(
        Style::VirtualAccount,
        ctx.version,
        &[
            ("account_name", "GMO-EPﾃｽﾄ"),
            ("account_no", &order.account_no),
            ("bank_code", "0310"),
            ("bank_name", "ｼﾞ-ｴﾑｵ-ｱｵｿﾞﾗﾈﾂﾄ"),
            ("branch_code", "502"),
            ("branch_name", "ｱｼﾞｻｲ"),
            ("err_code", ""),
            ("err_detail", ""),
            ("result", "1"),
            ("trans_code", &order.trans_code),
        ],
    ))
}

/// The lifecycle of a virtual-account order, replayed from its deposits; `None` when its stored dates or amount do
/// not make an order (never for rows this sandbox wrote).
pub(crate) fn lifecycle(conn: &Connection, order: &Order) -> rusqlite::Result<Option<VirtualAccountOrder>> {
    let Some(date) = parse_date(&order.order_date) else { return Ok(None) };
    let Ok(mut machine) = VirtualAccountOrder::new(date, u64::try_from(order.item_price).unwrap_or(0)) else {
        return Ok(None);
    };
    for deposit in store::deposits(conn, order.id)? {
        let (Some(booked), Ok(amount)) = (parse_date(&deposit.booked_on), u64::try_from(deposit.amount)) else {
            continue;
        };
        // every stored deposit was accepted by the same machine when it was booked
        let _ = machine.deposit(booked, amount);
    }
    Ok(Some(machine))
}

/// The status of a virtual-account order today.
pub(crate) fn status(conn: &Connection, order: &Order, today: JstDate) -> rusqlite::Result<Option<Status>> {
    Ok(lifecycle(conn, order)?.map(|m| m.status_at(today)))
}

/// What getsales2 reports for a virtual-account order: `state` 1 when paid in full, 9 when cancelled, else 0, and
/// `amount` the total deposited (empty when nothing was). **Sandbox choice**: a short or excess deposit keeps state 0
/// with the deposited amount (the gateway's answer for 決済失敗 was never recorded, facts §4.2).
pub(crate) fn state_and_amount(conn: &Connection, order: &Order, today: JstDate) -> rusqlite::Result<(String, String)> {
    let Some(machine) = lifecycle(conn, order)? else { return Ok((order.state.clone(), String::new())) };
    let state = match machine.status_at(today) {
        Status::PaidInFull => "1",
        Status::Cancelled => "9",
        _ => "0",
    };
    let total = machine.total_deposited();
    Ok((state.to_owned(), if total == 0 { String::new() } else { total.to_string() }))
}
