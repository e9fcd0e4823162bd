//! Steps 1–3 and 6 of the demo: a user's card through the sandbox card page, a link order paid on the payment page
//! with its notification and getsales2, a card payment with 3-D Secure 2.0, and the order number of step 2 again.

use std::time::Duration;

use epsilon_client::Client;
use epsilon_proto::{
    Card3dsResult, Card3dsResultOutcome, CardPayment, CardPaymentOutcome, LinkOrder, LinkOrderOutcome, OrderInfo,
    OrderInfoOutcome, UserRegister, UserRegisterOutcome,
};
use japay_cli::demo::{Merchant, fail, say};
use japay_sandbox::buyer::Browser;

use super::{CARD_3DS2, CARD_OK, CONTRACT, LINK_ORDER, masked};

/// Step 1: user_register (process 3), the card page driven by the demo, the redirect to return_url.
pub(super) async fn register_user(client: &Client, buyer: &Browser, merchant: &Merchant) -> Result<(), String> {
    const STEP: &str = "1. register a user";
    say("1. Register a user (user_register, process 3) through the sandbox card page");
    let request = UserRegister {
        contract_code: CONTRACT,
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        ..Default::default()
    };
    let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
    let response = answer.view();
    let url = match response.outcome() {
        Ok(UserRegisterOutcome::Redirect { url }) => url.to_owned(),
        other => return fail(STEP, format_args!("expected a redirect, got {other:?}")),
    };
    say(format_args!("   answer: redirect to {url}"));
    let form = buyer.get(&url).await.and_then(|page| page.form()).map_err(|e| format!("{STEP}: {e}"))?;
    say(format_args!("   buyer: card {} expiring 2030-12 → {}", masked(CARD_OK), form.action));
    let page = buyer
        .submit(&form, &[("card_number", CARD_OK), ("expire", "203012")])
        .await
        .map_err(|e| format!("{STEP}: {e}"))?;
    let query = merchant.arrival(&page.url, page.status).map_err(|e| format!("{STEP}: {e}"))?;
    say(format_args!("   merchant: return_url received {query}"));
    if !query.contains("result=1") || !query.contains("user_id=U0001") {
        return fail(STEP, format_args!("expected result=1 and user_id=U0001, got {query}"));
    }
    say("   user U0001 registered, card stored\n");
    Ok(())
}

/// Step 2: a link order completed as the buyer, the completion redirect, the notification, getsales2.
pub(super) async fn link_order(client: &Client, buyer: &Browser, merchant: &Merchant) -> Result<(), String> {
    const STEP: &str = "2. link order";
    say(format_args!("2. Link order {LINK_ORDER} (link_order), paid by card on the sandbox payment page"));
    let request = link_order_request(LINK_ORDER);
    let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
    let response = answer.view();
    let url = match response.outcome() {
        Ok(LinkOrderOutcome::Redirect { url }) => url.to_owned(),
        other => return fail(STEP, format_args!("expected a redirect, got {other:?}")),
    };
    say(format_args!("   answer: redirect to {url}"));
    let form = buyer.get(&url).await.and_then(|page| page.form()).map_err(|e| format!("{STEP}: {e}"))?;
    say(format_args!("   buyer: pays by card {} on the payment page", masked(CARD_OK)));
    let fields = [("method", "card"), ("card_number", CARD_OK), ("expire", "203012"), ("security_code", "123")];
    let page = buyer.submit(&form, &fields).await.map_err(|e| format!("{STEP}: {e}"))?;
    let query = merchant.arrival(&page.url, page.status).map_err(|e| format!("{STEP}: {e}"))?;
    say(format_args!("   merchant: completion redirect received {query}"));
    if !query.contains(&format!("order_number={LINK_ORDER}")) {
        return fail(STEP, format_args!("expected order_number={LINK_ORDER} in the redirect, got {query}"));
    }
    let notification = merchant
        .wait_notification(&format!("order_number={LINK_ORDER}"), Duration::from_secs(10))
        .await
        .ok_or_else(|| format!("{STEP}: no notification for {LINK_ORDER} within 10 s"))?;
    say(format_args!("   merchant: 決済完了通知 received and answered 1: {notification}"));
    let info = OrderInfo { contract_code: CONTRACT, order_number: Some(LINK_ORDER), ..Default::default() };
    let answer = client.call(&info).await.map_err(|e| format!("{STEP}: {e}"))?;
    let response = answer.view();
    match response.outcome() {
        Ok(OrderInfoOutcome::Found) => {}
        other => return fail(STEP, format_args!("expected getsales2 to find the order, got {other:?}")),
    }
    let state = response.answer().get("state").unwrap_or_default();
    say(format_args!(
        "   getsales2: found, state {state}, trans_code {}, item_price {}\n",
        response.answer().get("trans_code").unwrap_or_default(),
        response.answer().get("item_price").unwrap_or_default()
    ));
    if state != "1" {
        return fail(STEP, format_args!("expected state 1 (paid) in getsales2, got {state:?}"));
    }
    Ok(())
}

/// The link order of step 2 (and the duplicate of step 6).
fn link_order_request(order_number: &str) -> LinkOrder<'_> {
    LinkOrder {
        contract_code: CONTRACT,
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        item_code: "ITEM1",
        item_name: "デモ商品",
        order_number,
        st_code: "10000-0000-00000",
        mission_code: "1",
        item_price: "1200",
        ..Default::default()
    }
}

/// Step 3: card_payment with a 3-D Secure 2.0 card, the ACS page, card_3ds_result.
pub(super) async fn card_3ds2(client: &Client, buyer: &Browser, merchant: &Merchant) -> Result<(), String> {
    const STEP: &str = "3. 3-D Secure 2.0";
    const ORDER: &str = "D0002";
    say(format_args!("3. Card payment {ORDER} through the API (card_payment) with 3-D Secure 2.0"));
    let request = CardPayment {
        contract_code: CONTRACT,
        user_id: "U0001",
        user_name: "YAMADA Taro",
        user_mail_add: "taro@example.com",
        item_code: "ITEM2",
        item_name: "demo item",
        order_number: ORDER,
        mission_code: "1",
        item_price: "3000",
        process_code: "1",
        card_number: Some(CARD_3DS2),
        expire_y: Some("2030"),
        expire_m: Some("12"),
        tds_check_code: Some("1"),
        ..Default::default()
    };
    let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
    let response = answer.view();
    let (url, pareq) = match response.outcome() {
        Ok(CardPaymentOutcome::ThreeDSecure2 { url, pareq }) => (url.to_owned(), pareq.expose().to_owned()),
        other => return fail(STEP, format_args!("expected result 6 (3-D Secure 2.0), got {other:?}")),
    };
    say(format_args!("   answer: result 6, 3-D Secure 2.0 at {url} (pareq withheld)"));
    let term_url = merchant.term_url();
    let form = buyer
        .post(&url, &[("PaReq", &pareq), ("TermUrl", &term_url), ("MD", ORDER)])
        .await
        .and_then(|page| page.form())
        .map_err(|e| format!("{STEP}: {e}"))?;
    say("   buyer: the ACS page asks for authentication; the buyer approves");
    let back = buyer
        .submit(&form, &[("auth", "ok")])
        .await
        .and_then(|page| page.form())
        .map_err(|e| format!("{STEP}: {e}"))?;
    let pares = back.value("PaRes").ok_or_else(|| format!("{STEP}: no PaRes in the ACS's return form"))?;
    if back.value("MD") != Some(ORDER) {
        return fail(STEP, "expected the ACS to post back the MD it was given");
    }
    say(format_args!("   ACS: posts PaRes and MD back to the TermUrl ({})", back.action));
    let second = Card3dsResult { contract_code: CONTRACT, order_number: ORDER, tds_pares: pares };
    let answer = client.call(&second).await.map_err(|e| format!("{STEP}: {e}"))?;
    let response = answer.view();
    match response.outcome() {
        Ok(Card3dsResultOutcome::Authorized) => {}
        other => return fail(STEP, format_args!("expected the second leg to authorize, got {other:?}")),
    }
    say("   second leg (card_3ds_result, tds_check_code 2): authorized\n");
    Ok(())
}

/// Step 6: the order number of step 2 again: 604.
pub(super) async fn duplicate(client: &Client) -> Result<(), String> {
    const STEP: &str = "6. duplicate order number";
    say(format_args!("6. The order number {LINK_ORDER} again (link_order)"));
    let answer = client.call(&link_order_request(LINK_ORDER)).await.map_err(|e| format!("{STEP}: {e}"))?;
    let response = answer.view();
    match response.outcome() {
        Ok(LinkOrderOutcome::Failure { code, detail }) if code.value() == "604" => {
            let text = code.entry.map_or("", |entry| entry.en);
            say(format_args!("   answer: err_code 604 ({text}): {}", detail.unwrap_or_default()));
            Ok(())
        }
        other => fail(STEP, format_args!("expected err_code 604, got {other:?}")),
    }
}
