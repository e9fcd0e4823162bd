//! Steps 1–4 and 6 of the demo: a card authorised with 3-D Secure (a token, A08, the sandbox ACS, A09), captured by
//! the shipment registration (E01) and read back (E04); a second order changed (A07), cancelled (A06) and read back
//! (E04: 40); a card stored for a member and read (A03) and deleted (A05); the first order number again (A082000003).

use japay_cli::demo::{Merchant, fail, say};
use japay_sandbox::buyer::{Browser, Form};
use kuroneko_client::Client;
use kuroneko_proto::generated::credit_token_3d::CREDIT_TOKEN_3D;
use kuroneko_proto::three_d::AcsReturn;
use kuroneko_proto::token::TokenInfo;
use kuroneko_proto::{
    CreditCancel, CreditChangePrice, CreditInfoDelete, CreditInfoGet, CreditToken, CreditToken3d, ShipmentEntry,
};

use super::control::{Control, url_encode};
use super::{ACCESS_KEY, CARD_3DS, CARD_OK, TRADER, described, masked, summary};

/// The order of steps 1 and 2 (3-D Secure, then shipped).
const ORDER_3DS: &str = "K0001";
/// The order of step 3 (changed, then cancelled), sent again in step 6.
const ORDER_CHANGED: &str = "K0002";
/// The order of step 4 (the card stored for a member).
const ORDER_STORED: &str = "K0004";
/// A Yamato slip number: eleven digits and their remainder modulo 7 (12345678901 mod 7 = 3).
const SLIP: &str = "123456789013";
/// The member of step 4 and the key the shop keeps for it.
const MEMBER: (&str, &str) = ("M0001", "KEY0001");

/// A token for `card` from the sandbox's token endpoint, as the token library would give the buyer's page.
async fn token(control: &Control, info: TokenInfo<'_>, card: &str) -> Result<String, String> {
    let json = info.to_json(ACCESS_KEY).map_err(|e| format!("token info: {e}"))?;
    control
        .token(&json, &[("cardNo", card), ("cardOwner", "TARO YAMADA"), ("cardExp", "1230"), ("securityCode", "123")])
        .await
}

/// An A08 request for `order_no` of `price` yen paid with `token`.
fn credit_token<'a>(order_no: &'a str, price: &'a str, token: &'a str) -> CreditToken<'a> {
    CreditToken {
        trader_code: TRADER,
        device_div: "2",
        order_no,
        settle_price: price,
        buyer_name_kanji: "山田 太郎",
        buyer_tel: "03-1234-5678",
        buyer_email: "taro@example.jp",
        pay_way: "1",
        goods_name: Some("珈琲豆 200g"),
        token,
        ..Default::default()
    }
}

/// Step 1: a token with 3-D Secure, A08 answering `threeDAuthHtml`, the buyer at the sandbox ACS, A09.
pub(super) async fn three_d_secure(
    client: &Client,
    buyer: &Browser,
    merchant: &Merchant,
    control: &Control,
) -> Result<(), String> {
    const STEP: &str = "1. 3-D Secure";
    say(format_args!("1. Card payment {ORDER_3DS} with 3-D Secure: a token, A08 creditToken, the ACS, A09"));
    let info = TokenInfo { trader_code: TRADER, auth_div: "3", opt_serv_div: "00", ..TokenInfo::default() };
    let token = token(control, info, CARD_3DS).await.map_err(|e| format!("{STEP}: {e}"))?;
    say(format_args!("   token library: card {} (authDiv 3) → a one-time token (withheld)", masked(CARD_3DS)));
    let term_url = merchant.term_url();
    let request = CreditToken { trader_ec_url: Some(&term_url), ..credit_token(ORDER_3DS, "3000", &token) };
    let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.kind != japay_core::outcome::kind_names::TDS_HTML {
        return fail(STEP, format_args!("expected 3-D Secure (threeDAuthHtml), got {}", described(&outcome)));
    }
    let html = answer.answer().get("threeDAuthHtml").unwrap_or_default();
    let three_d_token = answer.answer().get("threeDToken").unwrap_or_default().to_owned();
    say("   A08: 3-D Secure: threeDAuthHtml written to the browser, threeDToken kept (both withheld)");
    // the browser runs threeDAuthHtml: a form that posts itself to the ACS
    let form = Form::first(html, control.base()).ok_or_else(|| format!("{STEP}: expected a form in threeDAuthHtml"))?;
    let page = buyer.submit(&form, &[]).await.map_err(|e| format!("{STEP}: {e}"))?;
    let acs = page.form().map_err(|e| format!("{STEP}: {e}"))?;
    say(format_args!("   buyer: the ACS ({}) asks for authentication; the buyer approves", acs.action));
    let back =
        buyer.submit(&acs, &[("auth", "ok")]).await.and_then(|page| page.form()).map_err(|e| format!("{STEP}: {e}"))?;
    if back.action != term_url {
        return fail(
            STEP,
            format_args!("expected the ACS to post back to trader_ec_url {term_url}, got {}", back.action),
        );
    }
    let names: Vec<&str> = back.fields.iter().map(|(name, _)| name.as_str()).collect();
    say(format_args!("   ACS: posts {} to trader_ec_url", names.join(", ")));
    // the shop's trader_ec_url reads that post strictly and relays it unmodified in A09
    let posted: Vec<String> =
        back.fields.iter().map(|(name, value)| format!("{}={}", url_encode(name), url_encode(value))).collect();
    let posted = posted.join("&");
    let relayed = AcsReturn::parse(posted.as_bytes(), &CREDIT_TOKEN_3D).map_err(|e| format!("{STEP}: {e}"))?;
    let get = |wire: &str| relayed.get(wire).unwrap_or_default();
    let a09 = CreditToken3d {
        trader_code: TRADER,
        order_no: ORDER_3DS,
        comp_cd: get("comp_cd"),
        token: get("token"),
        card_exp: get("card_exp"),
        item_price: get("item_price"),
        item_tax: get("item_tax"),
        cust_cd: get("cust_cd"),
        shop_id: get("shop_id"),
        term_cd: get("term_cd"),
        crd_res_cd: get("crd_res_cd"),
        res_ve: relayed.get("res_ve"),
        res_pa: relayed.get("res_pa"),
        res_code: get("res_code"),
        three_d_inf: relayed.get("three_d_inf"),
        three_d_tran_id: get("three_d_tran_id"),
        send_dt: get("send_dt"),
        hash_value: get("hash_value"),
        three_d_token: &three_d_token,
        ..Default::default()
    };
    let answer = client.call(&a09).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() || outcome.kind != japay_core::outcome::kind_names::OK {
        return fail(STEP, format_args!("expected A09 to authorise, got {}", described(&outcome)));
    }
    say(format_args!(
        "   A09 creditToken3D: authorised (crdCResCd {})\n",
        answer.answer().get("crdCResCd").unwrap_or_default()
    ));
    Ok(())
}

/// The `statusInfo` of the one E04 row of `order_no`.
async fn status(client: &Client, step: &str, order_no: &str) -> Result<String, String> {
    let answer = client.trade_info(order_no).await.map_err(|e| format!("{step}: {e}"))?;
    let rows: Vec<_> = answer.answer().groups_named("resultData").collect();
    match rows.as_slice() {
        [row] => Ok(row.get("statusInfo").unwrap_or_default().to_owned()),
        _ => fail(step, format_args!("expected one E04 row for {order_no}, got {}", rows.len())),
    }
}

/// What a status code means, from the spec's table.
fn status_text(code: &str) -> &'static str {
    kuroneko_proto::generated::codes::STATUS_INFO.lookup(code).map_or("?", |entry| entry.en)
}

/// Step 2: E01 registers the shipment, which captures; E04 shows the status.
pub(super) async fn capture(client: &Client) -> Result<(), String> {
    const STEP: &str = "2. capture";
    say(format_args!("2. Shipment registration E01 shipmentEntry for {ORDER_3DS} (Yamato slip {SLIP}): it captures"));
    let request =
        ShipmentEntry { trader_code: TRADER, order_no: ORDER_3DS, slip_no: SLIP, delivery_service_code: "00" };
    let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() {
        return fail(STEP, format_args!("expected E01 to register the slip, got {}", described(&outcome)));
    }
    say(format_args!("   E01: {}", described(&outcome)));
    let status = status(client, STEP, ORDER_3DS).await?;
    say(format_args!("   E04 tradeInfo: statusInfo {status} ({})\n", status_text(&status)));
    if status != "30" {
        return fail(STEP, format_args!("expected statusInfo 30 after E01, got {status}"));
    }
    Ok(())
}

/// Step 3: an authorisation changed by A07, cancelled by A06; E04 shows 40.
pub(super) async fn change_and_cancel(client: &Client, control: &Control) -> Result<(), String> {
    const STEP: &str = "3. change and cancel";
    say(format_args!("3. Card payment {ORDER_CHANGED} (A08, 2000 yen), A07 to 1800 yen, then A06 and E04"));
    let info = TokenInfo { trader_code: TRADER, auth_div: "2", opt_serv_div: "00", ..TokenInfo::default() };
    let token = token(control, info, CARD_OK).await.map_err(|e| format!("{STEP}: {e}"))?;
    let answer = client.call(&credit_token(ORDER_CHANGED, "2000", &token)).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() || outcome.kind != japay_core::outcome::kind_names::OK {
        return fail(STEP, format_args!("expected A08 to authorise, got {}", described(&outcome)));
    }
    say(format_args!("   A08: authorised card {}", masked(CARD_OK)));
    let change = CreditChangePrice { trader_code: TRADER, order_no: ORDER_CHANGED, new_price: "1800", reserve_1: None };
    let answer = client.call(&change).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() {
        return fail(STEP, format_args!("expected A07 to change the amount, got {}", described(&outcome)));
    }
    say(format_args!("   A07 creditChangePrice: 1800 yen, {}", described(&outcome)));
    let cancel = CreditCancel { trader_code: TRADER, order_no: ORDER_CHANGED, reserve_1: None };
    let answer = client.call(&cancel).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() {
        return fail(STEP, format_args!("expected A06 to cancel, got {}", described(&outcome)));
    }
    say(format_args!("   A06 creditCancel: {}", described(&outcome)));
    let status = status(client, STEP, ORDER_CHANGED).await?;
    say(format_args!("   E04 tradeInfo: statusInfo {status} ({})\n", status_text(&status)));
    if status != "40" {
        return fail(STEP, format_args!("expected statusInfo 40 after A06, got {status}"));
    }
    Ok(())
}

/// Step 4: a card stored with A08 for a member, read by A03, deleted by A05.
pub(super) async fn stored_card(client: &Client, control: &Control) -> Result<(), String> {
    const STEP: &str = "4. stored card";
    let (member, key) = MEMBER;
    say(format_args!("4. A card stored for member {member} (A08 with option_service_div 01), A03, then A05"));
    let info = TokenInfo {
        trader_code: TRADER,
        auth_div: "2",
        opt_serv_div: "01",
        member_id: Some(member),
        auth_key: Some(key),
        ..TokenInfo::default()
    };
    let token = token(control, info, CARD_OK).await.map_err(|e| format!("{STEP}: {e}"))?;
    let request = CreditToken {
        option_service_div: Some("01"),
        member_id: Some(member),
        authentication_key: Some(key),
        ..credit_token(ORDER_STORED, "1200", &token)
    };
    let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() {
        return fail(STEP, format_args!("expected A08 to authorise and store the card, got {}", described(&outcome)));
    }
    say("   A08: authorised, the card stored (check_sum computed from the access key given to the client)");
    let get = CreditInfoGet { trader_code: TRADER, member_id: member, authentication_key: key, reserve_1: None };
    let answer = client.call(&get).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() {
        return fail(STEP, format_args!("expected A03 to list the cards, got {}", described(&outcome)));
    }
    let cards: Vec<_> = answer.answer().groups_named("cardData").collect();
    let Some(card) = cards.first() else {
        return fail(STEP, "expected A03 to list the stored card, got no cardData");
    };
    let card_key = card.get("cardKey").unwrap_or_default().to_owned();
    let last_credit_date = card.get("lastCreditDate").unwrap_or_default().to_owned();
    say(format_args!(
        "   A03 creditInfoGet: {} card(s); cardKey {card_key} {} lastCreditDate {last_credit_date}",
        cards.len(),
        card.get("maskingCardNo").unwrap_or_default()
    ));
    let delete = CreditInfoDelete {
        trader_code: TRADER,
        member_id: member,
        authentication_key: key,
        card_key: &card_key,
        last_credit_date: &last_credit_date,
        reserve_1: None,
    };
    let answer = client.call(&delete).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() {
        return fail(STEP, format_args!("expected A05 to delete the card, got {}", described(&outcome)));
    }
    let left = answer.answer().groups_named("cardData").count();
    say(format_args!("   A05 creditInfoDelete: deleted; {left} card(s) left\n"));
    if left != 0 {
        return fail(STEP, format_args!("expected no card left after A05, got {left}"));
    }
    Ok(())
}

/// Step 6: the order number of step 3 again: A082000003.
pub(super) async fn duplicate(client: &Client, control: &Control) -> Result<(), String> {
    const STEP: &str = "6. duplicate order number";
    say(format_args!("6. The order number {ORDER_CHANGED} again (A08)"));
    let info = TokenInfo { trader_code: TRADER, auth_div: "2", opt_serv_div: "00", ..TokenInfo::default() };
    let token = token(control, info, CARD_OK).await.map_err(|e| format!("{STEP}: {e}"))?;
    let answer = client.call(&credit_token(ORDER_CHANGED, "2000", &token)).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    match outcome.error {
        Some(code) if code.value() == "A082000003" => {
            say(format_args!("   A08: {}\n", described(&outcome)));
            Ok(())
        }
        _ => fail(STEP, format_args!("expected errorCode A082000003, got {}", described(&outcome))),
    }
}
