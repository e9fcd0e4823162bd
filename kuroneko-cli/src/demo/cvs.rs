//! Step 5 of the demo: a Seven-Eleven slip (B01), paid at the store (the sandbox's deposits endpoint), its
//! 決済結果通知 decoded, checked and answered `0` by the merchant, and confirmed with E04.

use std::time::Duration;

use japay_cli::demo::{Merchant, fail, say};
use kuroneko_client::{Client, Notified};
use kuroneko_proto::CvsSevenEleven;
use kuroneko_proto::SettlementNotification;
use kuroneko_proto::incoming::check_trader;

use super::control::Control;
use super::{TRADER, described, summary};

/// The order of step 5.
const ORDER: &str = "K0005";
/// Its amount.
const PRICE: &str = "1500";

/// The 決済結果通知 of the slip with `settle_detail`: decoded and checked against its spec, for this merchant, answered
/// `0` by the merchant's endpoint, and confirmed with E04 before it is trusted.
async fn received(client: &Client, merchant: &Merchant, settle_detail: &str) -> Result<(), String> {
    const STEP: &str = "5. convenience store";
    let needle = format!("settle_detail={settle_detail}&");
    // E04 runs the sandbox's day (a report due is sent), and the notification is waited for
    let body = match merchant.wait_notification(&needle, Duration::from_secs(2)).await {
        Some(body) => body,
        None => {
            client.trade_info(ORDER).await.map_err(|e| format!("{STEP}: {e}"))?;
            merchant.wait_notification(&needle, Duration::from_secs(10)).await.ok_or_else(|| {
                format!("{STEP}: no notification with settle_detail {settle_detail} for {ORDER} within 12 s")
            })?
        }
    };
    let notification = SettlementNotification::parse(body.as_bytes()).map_err(|e| format!("{STEP}: {e}"))?;
    check_trader(notification.form(), TRADER).map_err(|e| format!("{STEP}: {e}"))?;
    if notification.form().get("order_no") != Some(ORDER) {
        return fail(STEP, format_args!("expected the notification of {ORDER}, got {body}"));
    }
    say(format_args!("   merchant: 決済結果通知 (settle_detail {settle_detail}) checked and answered 0: {body}"));
    let notified = Notified::from_form(notification.form());
    let confirmed = client.confirm_settlement(&notified).await.map_err(|e| format!("{STEP}: {e}"))?;
    say(format_args!(
        "   E04 tradeInfo confirms it: {} {} yen, statusInfo {} ({})",
        confirmed.order_no,
        confirmed.settle_price,
        confirmed.status,
        confirmed.status_label.unwrap_or("?")
    ));
    Ok(())
}

/// Step 5: B01, the payment at the store, the notification answered `0`, E04.
pub(super) async fn seven_eleven(client: &Client, merchant: &Merchant, control: &Control) -> Result<(), String> {
    const STEP: &str = "5. convenience store";
    say(format_args!("5. Seven-Eleven slip {ORDER} (B01 cvs1, {PRICE} yen), paid at the store, its notification"));
    let request = CvsSevenEleven {
        trader_code: TRADER,
        device_div: "2",
        order_no: ORDER,
        goods_name: Some("珈琲豆 200g"),
        settle_price: PRICE,
        buyer_name_kanji: "山田 太郎",
        buyer_email: "taro@example.jp",
    };
    let answer = client.call(&request).await.map_err(|e| format!("{STEP}: {e}"))?;
    let outcome = summary(STEP, answer.summary())?;
    if outcome.error.is_some() {
        return fail(STEP, format_args!("expected B01 to issue a slip, got {}", described(&outcome)));
    }
    let get = |name: &str| answer.answer().get(name).unwrap_or_default();
    say(format_args!("   B01: slip {} (pay by {}), {}", get("billingNo"), get("expiredDate"), get("billingUrl")));
    control.deposit(ORDER, PRICE).await.map_err(|e| format!("{STEP}: {e}"))?;
    say("   buyer: pays at the store (the sandbox's /sandbox/deposits)");
    // Seven-Eleven reports the payment twice: at once (速報, 2), and finally the next day (確報, 3)
    received(client, merchant, "2").await?;
    control.advance_days(1).await.map_err(|e| format!("{STEP}: {e}"))?;
    say("   sandbox clock: one day later");
    received(client, merchant, "3").await?;
    say("");
    Ok(())
}
