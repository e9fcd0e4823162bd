//! `receive_order3.cgi`: link orders (process 1, 2), direct convenience-store orders, and users (3, 4, 7, 8, 9).

use japay_sandbox::Tx;

use japay_sandbox::clock::Now;

use super::{Ctx, random_token, xml, yen};
use crate::details;
use crate::store::{self, Order, Page, User};
use crate::writer::{self, Style, Written};

/// An order row from the request's fields, with a new transaction code.
pub(crate) fn new_order(tx: &Tx<'_>, ctx: &Ctx<'_>, kind: &str) -> rusqlite::Result<Order> {
    let now = ctx.now.timestamp();
    Ok(Order {
        contract_code: ctx.contract.to_owned(),
        order_number: ctx.get("order_number").to_owned(),
        trans_code: store::next_trans_code(tx, &now)?,
        kind: kind.to_owned(),
        process_code: ctx.get("process_code").to_owned(),
        user_id: ctx.get("user_id").to_owned(),
        user_name: ctx.get("user_name").to_owned(),
        user_mail_add: ctx.get("user_mail_add").to_owned(),
        item_code: ctx.get("item_code").to_owned(),
        item_name: ctx.get("item_name").to_owned(),
        item_price: yen(ctx.get("item_price")),
        st_code: ctx.get("st_code").to_owned(),
        mission_code: ctx.get("mission_code").to_owned(),
        memo1: ctx.get("memo1").to_owned(),
        memo2: ctx.get("memo2").to_owned(),
        state: "0".to_owned(),
        order_date: crate::clock::today(ctx.now).to_string(),
        created: now.clone(),
        last_update: now,
        ..Order::default()
    })
}

fn redirect(ctx: &Ctx<'_>, page: &str, token: &str) -> Written {
    let url = format!("{}/cgi-bin/order/{page}?trans_code={token}", ctx.url);
    xml(Style::Order3Redirect, ctx.version, &[("result", "1"), ("redirect", &url)])
}

/// Process 1: a link order (redirect to the payment page), or a direct convenience-store order when conveni_code,
/// user_tel and user_name_kana are given (the slip in the answer, facts §4.4 (d)).
pub(crate) fn link_order(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let direct = ["conveni_code", "user_tel", "user_name_kana"].iter().all(|n| !ctx.get(n).is_empty());
    let mut order = new_order(tx, ctx, if direct { "conveni" } else { "link" })?;
    if direct {
        fill_conveni_slip(&mut order, ctx.get("conveni_code"), ctx.now);
    }
    if !store::insert_once(tx, &mut order)? {
        return Ok(ctx.fail("604"));
    }
    if direct {
        return Ok(direct_answer(ctx, &order));
    }
    let token = random_token(24);
    let page = Page {
        token: token.clone(),
        kind: "link".to_owned(),
        contract_code: ctx.contract.to_owned(),
        user_id: order.user_id.clone(),
        order_id: Some(order.id),
        trans_code: order.trans_code.clone(),
        ..Page::default()
    };
    store::insert_page(tx, &page, &ctx.now.timestamp())?;
    Ok(redirect(ctx, "method_select3.cgi", &token))
}

/// The slip of a convenience-store payment: receipt number, company code, slip URL (the test environment's sample
/// PDF, facts Q22) and a limit 10 days later (facts §5.3). **Sandbox choice**: the numbers are derived from the
/// transaction code; the company code is the recorded `10020` (hand-edited in the recording, facts Q23).
pub(crate) fn fill_conveni_slip(order: &mut Order, conveni_code: &str, now: Now) {
    let digits: String = order.trans_code.chars().rev().take(7).collect::<Vec<_>>().into_iter().rev().collect();
    order.payment_code = "3".to_owned();
    order.conveni_code = conveni_code.to_owned();
    order.receipt_no = format!("{digits:0>7}");
    order.receipt_date = now.timestamp();
    order.conveni_limit = crate::clock::today(now).add_days(10).map(|d| d.to_string()).unwrap_or_default();
    order.paid = "0".to_owned();
}

/// The company code on every sandbox slip.
pub(crate) const KIGYOU_CODE: &str = "10020";
/// The slip URL on every sandbox slip (facts Q22).
pub(crate) const HARAIKOMI_URL: &str = "http://beta.epsilon.jp/sample/econ_sample.pdf";

fn direct_answer(ctx: &Ctx<'_>, o: &Order) -> Written {
    let price = o.item_price.to_string();
    xml(
        Style::Order3Direct,
        ctx.version,
        &[
            ("result", "1"),
            ("trans_code", &o.trans_code),
            ("order_number", &o.order_number),
            ("state", &o.state),
            ("user_id", &o.user_id),
            ("user_name", &o.user_name),
            ("process_code", &o.process_code),
            ("last_update", &o.last_update),
            ("item_price", &price),
            ("memo1", &o.memo1),
            ("memo2", &o.memo2),
            ("mission_code", &o.mission_code),
            ("st_code", &o.st_code),
            ("contract_code", &o.contract_code),
            ("item_name", &o.item_name),
            ("payment_code", &o.payment_code),
            ("user_mail_add", &o.user_mail_add),
            ("item_code", &o.item_code),
            ("conveni_code", &o.conveni_code),
            ("receipt_no", &o.receipt_no),
            ("kigyou_code", KIGYOU_CODE),
            ("haraikomi_url", HARAIKOMI_URL),
            ("paid", &o.paid),
            ("receipt_date", &o.receipt_date),
            ("conveni_limit", &o.conveni_limit),
            ("conveni_time", &o.conveni_time),
        ],
    )
}

/// A registered, not withdrawn user.
fn active_user(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Option<User>> {
    Ok(store::user(tx, ctx.contract, ctx.get("user_id"))?.filter(|u| !u.withdrawn))
}

/// Process 2: a link order charged to the registered card (redirect to `card3.cgi`, where the buyer confirms).
/// An unknown user or one without a card is 502 (facts §3.10).
pub(crate) fn registered_link_order(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    if active_user(tx, ctx)?.is_none_or(|u| u.card_kind.is_empty()) {
        return Ok(ctx.fail("502"));
    }
    let mut order = new_order(tx, ctx, "link")?;
    if !store::insert_once(tx, &mut order)? {
        return Ok(ctx.fail("604"));
    }
    let token = random_token(24);
    let page = Page {
        token: token.clone(),
        kind: "charge".to_owned(),
        contract_code: ctx.contract.to_owned(),
        user_id: order.user_id.clone(),
        order_id: Some(order.id),
        trans_code: order.trans_code.clone(),
        ..Page::default()
    };
    store::insert_page(tx, &page, &ctx.now.timestamp())?;
    Ok(redirect(ctx, "card3.cgi", &token))
}

fn user_page(tx: &Tx<'_>, ctx: &Ctx<'_>, kind: &str) -> rusqlite::Result<Written> {
    let now = ctx.now.timestamp();
    let token = random_token(24);
    let page = Page {
        token: token.clone(),
        kind: kind.to_owned(),
        contract_code: ctx.contract.to_owned(),
        user_id: ctx.get("user_id").to_owned(),
        user_name: ctx.get("user_name").to_owned(),
        user_mail_add: ctx.get("user_mail_add").to_owned(),
        order_id: None,
        trans_code: store::next_trans_code(tx, &now)?,
        done: false,
    };
    store::insert_page(tx, &page, &now)?;
    Ok(redirect(ctx, "card3.cgi", &token))
}

/// Process 3: register a user → redirect to the card-entry page; the user is stored when the card is. An active
/// user with the same id is refused (facts §5.3: "an already-registered contract_code+user_id → error";
/// **sandbox choice**: 601 with an invented text).
pub(crate) fn user_register(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    if active_user(tx, ctx)?.is_some() {
        return Ok(ctx.fail_with("601", details::USER_EXISTS));
    }
    user_page(tx, ctx, "register")
}

/// Process 4: change a user. With the card-change st_code (first group `1…`) → redirect to the card-entry page;
/// without, the name and mail are changed and echoed (facts §4.2). Unknown or withdrawn users are 601.
pub(crate) fn user_change(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let Some(mut user) = active_user(tx, ctx)? else {
        return Ok(ctx.fail_with("601", details::NO_USER));
    };
    if ctx.get("st_code").starts_with('1') {
        return user_page(tx, ctx, "change");
    }
    user.user_name = ctx.get("user_name").to_owned();
    user.user_mail_add = ctx.get("user_mail_add").to_owned();
    store::put_user(tx, &user, &ctx.now.timestamp())?;
    Ok(xml(
        Style::Order3User,
        ctx.version,
        &[
            ("result", "1"),
            ("user_id", &user.user_id),
            ("user_name", &user.user_name),
            ("user_mail_add", &user.user_mail_add),
            ("memo1", ctx.get("memo1")),
            ("memo2", ctx.get("memo2")),
        ],
    ))
}

/// Process 7: undo a withdrawal. **Sandbox choice**: the answer layout (result, user_id, memo1, memo2) is not
/// recorded; a user that is not withdrawn is 601.
pub(crate) fn user_restore(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let Some(mut user) = store::user(tx, ctx.contract, ctx.get("user_id"))?.filter(|u| u.withdrawn) else {
        return Ok(ctx.fail_with("601", details::NO_USER));
    };
    user.withdrawn = false;
    store::put_user(tx, &user, &ctx.now.timestamp())?;
    Ok(xml(
        Style::Order3User,
        ctx.version,
        &[("result", "1"), ("user_id", &user.user_id), ("memo1", ""), ("memo2", "")],
    ))
}

/// Process 8: stop the monthly billing of user_id + item_code (an order with a monthly mission_code); 605 when
/// there is none (facts §4.4 (a)).
pub(crate) fn stop_monthly_billing(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let Some(order) = store::billing_order(tx, ctx.contract, ctx.get("user_id"), ctx.get("item_code"))? else {
        return Ok(ctx.fail("605"));
    };
    store::stop_billing(tx, order.id)?;
    let price = order.item_price.to_string();
    Ok(xml(
        Style::Order3User,
        ctx.version,
        &[
            ("result", "1"),
            ("user_id", &order.user_id),
            ("item_code", &order.item_code),
            ("item_name", &order.item_name),
            ("item_price", &price),
            ("mission_code", &order.mission_code),
            ("memo1", ""),
            ("memo2", ""),
        ],
    ))
}

/// Process 9: withdraw a user; an unknown user gets Apache's HTTP 500 page (facts Q21).
pub(crate) fn user_withdraw(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Written> {
    let Some(mut user) = active_user(tx, ctx)? else {
        return Ok(writer::apache_500());
    };
    user.withdrawn = true;
    store::put_user(tx, &user, &ctx.now.timestamp())?;
    Ok(xml(
        Style::Order3User,
        ctx.version,
        &[("result", "1"), ("user_id", &user.user_id), ("user_name", &user.user_name), ("memo1", ""), ("memo2", "")],
    ))
}
