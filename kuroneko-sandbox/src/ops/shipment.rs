//! Shipments and the transaction read: E01 `shipmentEntry` (which captures a card order), E02 `shipmentCancel`, E03
//! `changeDate`, E04 `tradeInfo`.
//!
//! E01 checks (facts §2.1, §4.4): a Yamato slip (`delivery_service_code` 00) is 12 digits whose first 11 digits mod
//! 7 are the last one (the seven-check, else E011010451: item 04, check 51); an order that cannot ship (unknown, not
//! authorized or paid) is E011010351; a slip the order has already E012000001; at most 99 slips an order
//! (E012000002). The first slip of an authorized card order makes it `30` (waiting for settlement); the next day on
//! the sandbox clock it is `31` (settled). **Sandbox choice**: the tracking URLs `slipUrlPc`/`slipUrlMobile` are
//! empty elements (the gateway's are Yamato's tracking site).

use japay_sandbox::Tx;

use super::Ctx;
use crate::store::{self, Order, Slip};

/// The most slips one order takes (E012000002).
pub(crate) const MAX_SLIPS: usize = 99;

/// Whether `slip` is a Yamato slip number: 12 digits, the first 11 mod 7 equal to the last (facts §2.1).
pub(crate) fn seven_check(slip: &str) -> bool {
    if slip.len() != 12 || !slip.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (body, check) = slip.split_at(11);
    match (body.parse::<u64>(), check.parse::<u64>()) {
        (Ok(body), Ok(check)) => body % 7 == check,
        _ => false,
    }
}

/// E01 `shipmentEntry`.
pub(crate) fn shipment_entry(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let slip_no = ctx.get("slip_no");
    let carrier = ctx.get("delivery_service_code");
    if carrier != "99" && !seven_check(slip_no) {
        return Ok(ctx.fail_field("slip_no", "51"));
    }
    let shippable = |o: &Order| match o.kind.as_str() {
        "card" => matches!(o.status.as_str(), "4" | "30"),
        _ => matches!(o.status.as_str(), "2" | "3" | "4" | "30"),
    };
    let Some(mut order) = store::order(tx, ctx.trader, ctx.get("order_no"))?.filter(shippable) else {
        return Ok(ctx.fail_field("order_no", "51"));
    };
    let slips = store::slips(tx, order.id)?;
    if slips.iter().any(|s| s.slip_no == slip_no) {
        return Ok(ctx.fail("E012000001"));
    }
    if slips.len() >= MAX_SLIPS {
        return Ok(ctx.fail("E012000002"));
    }
    let slip = Slip {
        slip_no: slip_no.to_owned(),
        delivery_service_code: if carrier.is_empty() { "00" } else { carrier }.to_owned(),
        slip_date: ctx.stamp(),
    };
    if !store::insert_slip(tx, order.id, &slip)? {
        return Ok(ctx.fail("E012000001"));
    }
    if order.kind == "card" && order.status == "4" {
        order.status = "30".to_owned();
        order.shipped_date = crate::clock::ymd(ctx.now);
        store::update(tx, &order)?;
    }
    let mut w = ctx.ok();
    w.element("slipUrlPc", "").element("slipUrlMobile", "");
    Ok(w.finish())
}

/// E02 `shipmentCancel`: the slip is removed; a card order without slips left is authorized (4) again. An unknown
/// order or a settled one is E021010351, an unknown slip E021010451.
pub(crate) fn shipment_cancel(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let Some(mut order) = store::order(tx, ctx.trader, ctx.get("order_no"))?.filter(|o| o.status != "31") else {
        return Ok(ctx.fail_field("order_no", "51"));
    };
    if !store::delete_slip(tx, order.id, ctx.get("slip_no"))? {
        return Ok(ctx.fail_field("slip_no", "51"));
    }
    if order.kind == "card" && order.status == "30" && store::slips(tx, order.id)?.is_empty() {
        order.status = "4".to_owned();
        order.shipped_date = String::new();
        store::update(tx, &order)?;
    }
    Ok(ctx.ok().finish())
}

/// E03 `changeDate`: the scheduled shipping date of an authorized order (field name uncertain, facts §2.2). An
/// unknown or not authorized order is E031010351.
pub(crate) fn change_date(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let Some(mut order) = store::order(tx, ctx.trader, ctx.get("order_no"))?.filter(|o| o.status == "4") else {
        return Ok(ctx.fail_field("order_no", "51"));
    };
    order.scheduled_shipping_date = ctx.get("scheduled_shipping_date").to_owned();
    store::update(tx, &order)?;
    Ok(ctx.ok().finish())
}

/// `settleMethodDiv` of an order (facts §3.2): 0 credit, 1 convenience store; PayPay **sandbox choice** 0 (its rows
/// are told apart by `settleMethod` 91).
fn method_div(order: &Order) -> &'static str {
    if order.kind == "cvs" { "1" } else { "0" }
}

/// E04 `tradeInfo`: the order's row (`resultCount` 1), or `resultCount` 0 and no row for an unknown order number
/// (**sandbox choice**: the gateway's answer for an unknown order is not documented).
pub(crate) fn trade_info(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let mut w = ctx.ok();
    match store::order(tx, ctx.trader, ctx.get("order_no"))? {
        None => {
            w.element("resultCount", "0");
        }
        Some(order) => {
            let slips = store::slips(tx, order.id)?;
            let last = slips.last();
            let seq = order.id.to_string();
            let price = order.settle_price.to_string();
            let slip_date = last.map(|s| s.slip_date.clone()).unwrap_or_default();
            let row: [(&str, &str); 20] = [
                ("orderNo", &order.order_no),
                ("deviceDiv", &order.device_div),
                ("settleDate", &order.settle_date),
                ("orderDataSeq", &seq),
                ("settlePrice", &price),
                ("settleMethodDiv", method_div(&order)),
                ("settleMethod", &order.settle_method),
                ("statusInfo", &order.status),
                ("memberId", &order.member_id),
                ("payWay", &order.pay_way),
                ("crdCResCd", &order.crd_c_res_cd),
                ("crdCResDate", &order.crd_c_res_date),
                ("expiredDays", &order.expired_date),
                ("slipNo", last.map_or("", |s| s.slip_no.as_str())),
                ("deliveryServiceCode", last.map_or("", |s| s.delivery_service_code.as_str())),
                ("slipDate", &slip_date),
                ("scheduledShippingDate", &order.scheduled_shipping_date),
                ("cancelDate", &order.cancel_date),
                ("renewalDate", &order.renewal_date),
                ("warningInfo", ""),
            ];
            w.element("resultCount", "1");
            w.group("resultData", &row);
        }
    }
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seven_check() {
        // 12345678901 mod 7 = 3
        let cases = [
            ("123456789013", true),
            ("123456789011", false),
            ("000000000000", true),
            ("12345678901", false),
            ("12345678901a", false),
            ("", false),
        ];
        for (slip, ok) in cases {
            assert_eq!(seven_check(slip), ok, "{slip}");
        }
    }
}
