//! Convenience stores: B01 `cvs1` (Seven-Eleven), B02 `cvs2` (FamilyMart), B03–B06 `cvs3` (Lawson, Circle K Sunkus,
//! Ministop, Seicomart; one URL, told apart by `function_div`).
//!
//! Each answers its brand's slip (facts §3.2): B01 `billingNo` (13 digits), `billingUrl`, `expiredDate`; B02
//! `companyCode`, `orderNoF`, `expiredDate`; B03–B06 `econNo`, `expiredDate`. The order is `1` (payment application
//! completed) until `POST /sandbox/deposits` pays it, or its `expiredDate` passes on the sandbox clock (`11`). A
//! payment at Seven-Eleven or FamilyMart is `2` (the prompt report, 速報) and `3` (the final report, 確報) from the
//! next day on the sandbox clock; at the others it is `3` at once. Each change sends a 決済結果通知, so `2` is always
//! sent before `3`; the changes the clock brings are noticed at the next request to the sandbox. **Sandbox choices**: a slip is valid for 7 days; the numbers are
//! the sandbox's counter; the `billingUrl` is a sandbox URL that is not served; a used order number is B013000001 /
//! B023000001 (double payment) or B0x4000002 (duplicated at application, B03–B06).

use japay_sandbox::Tx;
use japay_sandbox::outbox::Message;

use super::{Ctx, yen};
use crate::clock;
use crate::notices;
use crate::store::{self, Order};

/// Days a slip is valid (**sandbox choice**).
pub(crate) const VALID_DAYS: i64 = 7;

/// The `settle_method` of a store function (facts §2.2, §4.6).
pub(crate) fn settle_method(function: &str) -> &'static str {
    match function {
        "B01" => "21",
        "B02" => "23",
        "B03" => "22",
        "B04" => "26",
        "B05" => "25",
        _ => "24",
    }
}

/// Whether the store sends a prompt report (速報, `settle_detail` 2) before the final one: Seven-Eleven and
/// FamilyMart (facts §6.1).
pub(crate) fn prompt_report(settle_method: &str) -> bool {
    matches!(settle_method, "21" | "23")
}

/// B01–B06: a slip for the order.
pub(crate) fn cvs(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let function = ctx.function();
    let duplicate =
        if matches!(function, "B01" | "B02") { format!("{function}3000001") } else { format!("{function}4000002") };
    let mut order = Order {
        trader_code: ctx.trader.to_owned(),
        order_no: ctx.get("order_no").to_owned(),
        function_div: function.to_owned(),
        kind: "cvs".to_owned(),
        status: "1".to_owned(),
        settle_price: yen(ctx.get("settle_price")),
        settle_method: settle_method(function).to_owned(),
        device_div: ctx.get("device_div").to_owned(),
        expired_date: clock::ymd_after(ctx.now, VALID_DAYS),
        created: ctx.stamp(),
        ..Order::default()
    };
    if !store::insert_once(tx, &mut order)? {
        return Ok(ctx.fail(&duplicate));
    }
    let n = store::next_number(tx, &ctx.stamp())?;
    let mut w = ctx.ok();
    match function {
        "B01" => {
            let billing = format!("{:013}", 4_000_000_000_000i64.saturating_add(n));
            let url = format!("{}/sandbox/slips/{billing}", ctx.url);
            w.element("billingNo", &billing).element("billingUrl", &url);
        }
        "B02" => {
            w.element("companyCode", "10001").element("orderNoF", &format!("{:012}", 500_000_000_000i64 + n));
        }
        _ => {
            w.element("econNo", &format!("{:011}", 60_000_000_000i64 + n));
        }
    }
    w.element("expiredDate", &order.expired_date);
    Ok(w.finish())
}

/// Pays a slip (`POST /sandbox/deposits`): `2` (the prompt report; the final one, `3`, follows the next day) or `3`,
/// reported by a notification.
pub(crate) fn pay(tx: &Tx<'_>, order: &mut Order, now: japay_sandbox::clock::Now) -> rusqlite::Result<()> {
    order.settle_date = clock::stamp(now);
    order.status = if prompt_report(&order.settle_method) { "2" } else { "3" }.to_owned();
    tx.notify(notices::settlement(order, "1"))?;
    store::update(tx, order)
}

/// Expires every unpaid slip whose `expiredDate` has passed (`11`, with a notification), sends the final report
/// (`3`) of the slips paid with a prompt report (`2`) before today, and settles the card orders shipped before today
/// (`30` → `31`). Runs at the start of every request.
pub(crate) fn sweep(tx: &Tx<'_>, now: japay_sandbox::clock::Now) -> rusqlite::Result<()> {
    let today = clock::ymd(now);
    for mut order in store::orders_with_status(tx, "1")? {
        if order.kind == "cvs" && order.expired_date < today {
            order.status = "11".to_owned();
            order.settle_date = clock::stamp(now);
            store::update(tx, &order)?;
            let message: Message = notices::settlement(&order, "2");
            tx.notify(message)?;
        }
    }
    for mut order in store::orders_with_status(tx, "2")? {
        if order.kind == "cvs" && order.settle_date.get(..8).is_some_and(|day| day < today.as_str()) {
            order.status = "3".to_owned();
            store::update(tx, &order)?;
            tx.notify(notices::settlement(&order, "1"))?;
        }
    }
    tx.execute(
        "UPDATE orders SET status = '31' WHERE status = '30' AND shipped_date != '' AND shipped_date < ?1",
        [today],
    )?;
    Ok(())
}
