//! Writing, stopping the sandbox, reopening the same database file: nothing accepted is lost, the clock stays.

use epsilon_proto::{Charset, Version};

use crate::support::{CONTRACT, Sandbox, attr, card_payment, config, link_order, pairs, summarize, temp_db};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_the_same_file_keeps_everything() {
    let db = temp_db("durability");
    let mut cfg = config();
    cfg.db = Some(db.clone());
    let sb = Sandbox::start(cfg.clone()).await;
    let (_, body) = sb.call("link_order", &pairs(&link_order("D1")), Charset::Cp932).await;
    assert_eq!(summarize("link_order", &body, Version::V1).0, "redirect");
    let (_, body) = sb.call("card_payment", &pairs(&card_payment("D2", "4242424242424242")), Charset::Cp932).await;
    assert_eq!(summarize("card_payment", &body, Version::V1).0, "authorized");
    let mut va = link_order("D3");
    va.retain(|(n, _)| *n != "st_code");
    va.push(("st_code", "00000-0000-00000-00000-00100-00000-00000".to_owned()));
    let (_, body) = sb.call("virtual_account", &pairs(&va), Charset::Cp932).await;
    assert_eq!(summarize("virtual_account", &body, Version::V1).0, "issued");
    assert_eq!(sb.post_form("/sandbox/deposits", &[("order_number", "D3"), ("amount", "400")]).await.status(), 200);
    assert_eq!(sb.post_form("/sandbox/clock", &[("advance_days", "3")]).await.status(), 200);
    sb.running.shutdown().await;

    let sb = Sandbox::start(cfg).await;
    let (_, body) = sb.call("order_info", &[("contract_code", CONTRACT), ("order_number", "D2")], Charset::Cp932).await;
    assert_eq!(attr(&body, Version::V1, "state"), "1");
    // the user registered by the first charge (process 1 with user_id) is still there
    let (_, body) = sb.call("user_info", &[("contract_code", CONTRACT), ("user_id", "U0001")], Charset::Cp932).await;
    assert_eq!(summarize("user_info", &body, Version::V1).0, "found");
    let order = sb.get_json("/sandbox/orders/D3").await;
    assert_eq!((order["deposited"].as_i64(), order["va_status"].as_str()), (Some(400), Some("決済失敗")));
    let clock: serde_json::Value =
        serde_json::from_str(&sb.post_form("/sandbox/clock", &[("advance_days", "0")]).await.text().await.unwrap())
            .unwrap();
    assert_eq!(clock["offset_days"], 3);
    // the order numbers are still taken
    let (_, body) = sb.call("link_order", &pairs(&link_order("D1")), Charset::Cp932).await;
    assert_eq!(summarize("link_order", &body, Version::V1), ("failure".to_owned(), "604".to_owned()));
    sb.running.shutdown().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// A notification still being retried when the sandbox stops is resumed by the next start on the same file, its
/// attempts counted on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_notification_is_resumed_after_a_restart() {
    let db = temp_db("outbox");
    let (refusing, _) = crate::flows::merchant(&["0"]).await;
    let first = epsilon_sandbox::Config {
        db: Some(db.clone()),
        notify_url: Some(refusing),
        // long enough that the second attempt belongs to the restarted sandbox
        notify_backoff: std::time::Duration::from_secs(3_600),
        ..config()
    };
    let sb = Sandbox::start(first.clone()).await;
    let mut fields = link_order("OB1");
    fields.retain(|(n, _)| *n != "st_code");
    fields.extend([
        ("st_code", "00100-0000-00000-00000-00000-00000-00000".to_owned()),
        ("conveni_code", "31".to_owned()),
        ("user_tel", "0312345678".to_owned()),
        ("user_name_kana", "ヤマダ タロウ".to_owned()),
    ]);
    let (_, body) = sb.call("link_order", &pairs(&fields), Charset::Cp932).await;
    assert_eq!(summarize("link_order", &body, Version::V1).0, "convenience_slip");
    assert_eq!(sb.post_form("/sandbox/deposits", &[("order_number", "OB1"), ("amount", "1000")]).await.status(), 200);
    let mut recorded = 0;
    for _ in 0..2_000 {
        recorded = sb.get_json("/sandbox/notifications").await.as_array().unwrap().len();
        if recorded > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(recorded, 1, "the first attempt is recorded");
    sb.running.shutdown().await;

    let (accepting, count) = crate::flows::merchant(&["1"]).await;
    let second = epsilon_sandbox::Config {
        notify_url: Some(accepting),
        notify_backoff: std::time::Duration::from_millis(5),
        ..first
    };
    let sb = Sandbox::start(second).await;
    let attempts = crate::flows::accepted_notifications(&sb).await;
    let seen: Vec<(u64, &str)> =
        attempts.iter().map(|a| (a["attempt"].as_u64().unwrap(), a["answer"].as_str().unwrap())).collect();
    assert_eq!(seen, [(1, "0"), (2, "1")]);
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
    sb.running.shutdown().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
