//! Card changes (A06, A07, A11 and the night window), the legacy A01, and stored cards (A03–A05).

use kuroneko_proto::token::TokenInfo;

use crate::support::{Fields, Sandbox, TRADER, classify, config, credit_token, element, status, with};

fn order(order_no: &str) -> Fields {
    vec![("trader_code", TRADER.to_owned()), ("order_no", order_no.to_owned())]
}

/// (time of day, operation, fields, outcome, error code, E04 status afterwards) against one sandbox, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_change_and_reauthorize() {
    let sb = Sandbox::start(config()).await;
    sb.set_time("12:00").await;
    for order_no in ["M1", "M2"] {
        let token = sb.token("4111111111111111").await;
        let body = sb.call("credit_token", &credit_token(order_no, &token)).await;
        assert_eq!(classify("credit_token", &body).0, "authorized");
    }
    let price = |n: &str, p: &str| with(order(n), &[("new_price", Some(p))]);
    let cases: Vec<(&str, &str, Fields, &str, &str, &str)> = vec![
        ("12:00", "credit_change_price", price("M1", "1200"), "changed", "", "4"),
        ("12:00", "credit_change_price", price("M1", "1200"), "failure", "A074000001", "4"),
        ("23:00", "credit_change_price", price("M1", "1000"), "failure", "A070000000", "4"),
        ("00:59", "credit_change_price", price("M1", "1000"), "failure", "A070000000", "4"),
        ("01:00", "credit_change_price", price("M1", "1000"), "changed", "", "4"),
        ("12:00", "credit_change_price", price("NONE", "1000"), "failure", "A073000001", ""),
        ("12:00", "credit_cancel", order("M1"), "cancelled", "", "40"),
        ("12:00", "credit_cancel", order("M1"), "failure", "A062010003", "40"),
        ("12:00", "credit_cancel", order("NONE"), "failure", "A062010001", ""),
        ("12:00", "credit_change_price", price("M1", "900"), "failure", "A073000001", "40"),
        ("23:30", "re_auth", order("M1"), "failure", "A110000000", "40"),
        ("22:59", "re_auth", order("M1"), "reauthorized", "", "4"),
        ("12:00", "re_auth", order("NONE"), "failure", "A112000002", ""),
    ];
    for (time, op, fields, outcome, code, after) in cases {
        sb.set_time(time).await;
        let body = sb.call(op, &fields).await;
        let order_no = &fields[1].1;
        assert_eq!(classify(op, &body), (outcome.to_owned(), code.to_owned()), "{time} {op} {order_no}: {body}");
        assert_eq!(status(&sb, order_no).await, after, "{time} {op} {order_no}");
    }
    sb.running.shutdown().await;
}

/// A01 with card data: the test cards, and 3-D Secure only when auth_div asks for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_with_card_data() {
    let sb = Sandbox::start(config()).await;
    let base = |order_no: &str, card: &str, auth_div: &str| -> Fields {
        vec![
            ("trader_code", TRADER.to_owned()),
            ("device_div", "2".to_owned()),
            ("order_no", order_no.to_owned()),
            ("settle_price", "1500".to_owned()),
            ("buyer_name_kanji", "山田 太郎".to_owned()),
            ("buyer_tel", "03-1234-5678".to_owned()),
            ("buyer_email", "taro@example.jp".to_owned()),
            ("auth_div", auth_div.to_owned()),
            ("pay_way", "1".to_owned()),
            ("option_service_div", "00".to_owned()),
            ("card_code_api", "9".to_owned()),
            ("card_no", card.to_owned()),
            ("card_owner", "TARO YAMADA".to_owned()),
            ("card_exp", "1230".to_owned()),
            ("trader_ec_url", "https://shop.example/3ds".to_owned()),
        ]
    };
    // (order_no, card, auth_div, outcome, error code)
    let cases = [
        ("L1", "4111111111111111", "0", "authorized", ""),
        ("L1", "4111111111111111", "0", "failure", "A012010001"),
        ("L2", "4000000000000002", "0", "failure", "A012060001"),
        ("L3", "4000000000003220", "1", "three_d_secure", ""),
        ("L4", "4000000000003220", "0", "authorized", ""),
    ];
    for (order_no, card, auth_div, outcome, code) in cases {
        let body = sb.call("credit", &base(order_no, card, auth_div)).await;
        assert_eq!(classify("credit", &body), (outcome.to_owned(), code.to_owned()), "{order_no}: {body}");
        if code == "A012060001" {
            assert_eq!(element(&body, "creditErrorCode"), "G12");
        }
    }
    sb.running.shutdown().await;
}

/// Stored cards: stored by A08 (a token with optServDiv 01), listed by A03, at most 3, check_sum verified,
/// last_credit_date as an optimistic lock of A04 and A05.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_cards() {
    let sb = Sandbox::start(config()).await;
    let member = |auth_key: &'static str| TokenInfo {
        trader_code: TRADER,
        auth_div: "2",
        opt_serv_div: "01",
        member_id: Some("MEMBER1"),
        auth_key: Some(auth_key),
        ..TokenInfo::default()
    };
    let cards = ["4111111111111111", "5555555555554444", "3530111333300000", "4242424242424242"];
    // (order_no, card, outcome, error code)
    let stores = [
        ("K1", cards[0], "authorized", ""),
        ("K2", cards[0], "failure", "A082000011"),
        ("K3", cards[1], "authorized", ""),
        ("K4", cards[2], "authorized", ""),
        ("K5", cards[3], "failure", "A082000011"),
    ];
    for (order_no, card, outcome, code) in stores {
        let token = sb.token_with(card, member("AUTHKEY1")).await;
        let body = sb.call("credit_token", &credit_token(order_no, &token)).await;
        assert_eq!(classify("credit_token", &body), (outcome.to_owned(), code.to_owned()), "{order_no}: {body}");
    }
    let keys = |auth_key: &str| -> Fields {
        vec![
            ("trader_code", TRADER.to_owned()),
            ("member_id", "MEMBER1".to_owned()),
            ("authentication_key", auth_key.to_owned()),
        ]
    };
    let body = sb.call("credit_info_get", &keys("AUTHKEY1")).await;
    assert_eq!(classify("credit_info_get", &body).0, "cards", "{body}");
    assert_eq!(element(&body, "cardUnit"), "3");
    let answer = kuroneko_proto::Answer::parse(body.as_bytes()).unwrap();
    let masks: Vec<&str> = answer.groups_named("cardData").filter_map(|c| c.get("maskingCardNo")).collect();
    assert_eq!(masks, ["************1111", "************4444", "************0000"]);
    let last = |key: &str| {
        answer
            .groups_named("cardData")
            .find(|c| c.get("cardKey") == Some(key))
            .unwrap()
            .get("lastCreditDate")
            .unwrap()
            .to_owned()
    };
    let (last1, last2) = (last("1"), last("2"));
    // a check_sum computed with another key is refused (A031010571); the client computes it from the access key
    let mut wrong = keys("AUTHKEY1");
    wrong.push(("check_sum", "0".repeat(64)));
    let (_, body) = sb.post_raw("creditInfoGet.api", raw("A03", &wrong)).await;
    assert_eq!(classify("credit_info_get", &body).1, "A031010571", "{body}");
    let (_, body) = sb.post_raw("creditInfoGet.api", raw("A03", &keys("AUTHKEY1"))).await;
    assert_eq!(classify("credit_info_get", &body).1, "A031010501", "{body}");
    // (operation, changes, outcome, error code)
    let with_card = |key: &str, last: &str| -> Fields {
        with(keys("AUTHKEY1"), &[("card_key", Some(key)), ("last_credit_date", Some(last))])
    };
    let cases: Vec<(&str, Fields, &str, &str)> = vec![
        (
            "credit_info_update",
            with(with_card("1", "20000101000000"), &[("card_exp", Some("0131"))]),
            "failure",
            "A043000001",
        ),
        ("credit_info_update", with_card("1", &last1), "failure", "A043000002"),
        ("credit_info_update", with(with_card("1", &last1), &[("card_exp", Some("0131"))]), "updated", ""),
        ("credit_info_delete", with_card("2", "20000101000000"), "failure", "A053000001"),
        ("credit_info_delete", with_card("2", &last2), "deleted", ""),
        ("credit_info_delete", with_card("2", &last2), "failure", "A051010651"),
    ];
    for (op, fields, outcome, code) in cases {
        let body = sb.call(op, &fields).await;
        assert_eq!(classify(op, &body), (outcome.to_owned(), code.to_owned()), "{op}: {body}");
    }
    let body = sb.call("credit_info_get", &keys("AUTHKEY1")).await;
    assert_eq!(element(&body, "cardUnit"), "2");
    // a stored card pays: by a token (cardKey + lastCreditDate) or by A01 with the member fields; each charge moves
    // its lastCreditDate, so a delete with the date read before is stale (A053000001)
    let last3 = last("3");
    let info = TokenInfo { card_key: Some("3"), last_credit_date: Some(&last3), ..member("AUTHKEY1") };
    sb.set_time("13:00").await;
    let token = sb.token_with("", info).await;
    let body = sb.call("credit_token", &credit_token("K6", &token)).await;
    assert_eq!(classify("credit_token", &body).0, "authorized", "{body}");
    let stale = sb.call("credit_info_delete", &with_card("3", &last3)).await;
    assert_eq!(classify("credit_info_delete", &stale).1, "A053000001", "{stale}");
    let body = sb.call("credit_info_get", &keys("AUTHKEY1")).await;
    let answer = kuroneko_proto::Answer::parse(body.as_bytes()).unwrap();
    let now3 = answer.groups_named("cardData").find(|c| c.get("cardKey") == Some("3")).unwrap().get("lastCreditDate");
    let now3 = now3.unwrap().to_owned();
    assert_ne!(now3, last3);
    let a01: Fields = vec![
        ("trader_code", TRADER.to_owned()),
        ("device_div", "2".to_owned()),
        ("order_no", "K7".to_owned()),
        ("settle_price", "1500".to_owned()),
        ("buyer_name_kanji", "山田 太郎".to_owned()),
        ("buyer_tel", "03-1234-5678".to_owned()),
        ("buyer_email", "taro@example.jp".to_owned()),
        ("auth_div", "0".to_owned()),
        ("pay_way", "1".to_owned()),
        ("option_service_div", "01".to_owned()),
        ("member_id", "MEMBER1".to_owned()),
        ("authentication_key", "AUTHKEY1".to_owned()),
        ("card_key", "3".to_owned()),
        ("last_credit_date", now3),
    ];
    let body = sb.call("credit", &a01).await;
    assert_eq!(classify("credit", &body), ("authorized".to_owned(), String::new()), "{body}");
    sb.running.shutdown().await;
}

/// A form body with `function_div` and the fields, as they are (no computed field added).
fn raw(function: &str, fields: &Fields) -> Vec<u8> {
    let pairs = std::iter::once(("function_div", function)).chain(fields.iter().map(|(n, v)| (*n, v.as_str())));
    japay_sandbox::form::encode(pairs).into_bytes()
}

/// The legacy 3-D Secure flow: A01 with the 3-D Secure card and auth_div 1, the ACS posts `CARD_NO` instead of
/// `TOKEN`, A02 relays it. An A02 before the ACS has answered is A022000003.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_3d_completes_the_legacy_flow() {
    let sb = Sandbox::start(config()).await;
    let fields: Fields = vec![
        ("trader_code", TRADER.to_owned()),
        ("device_div", "2".to_owned()),
        ("order_no", "G1".to_owned()),
        ("settle_price", "1500".to_owned()),
        ("buyer_name_kanji", "山田 太郎".to_owned()),
        ("buyer_tel", "03-1234-5678".to_owned()),
        ("buyer_email", "taro@example.jp".to_owned()),
        ("auth_div", "1".to_owned()),
        ("pay_way", "1".to_owned()),
        ("option_service_div", "00".to_owned()),
        ("card_code_api", "9".to_owned()),
        ("card_no", "4000000000003220".to_owned()),
        ("card_owner", "TARO YAMADA".to_owned()),
        ("card_exp", "1230".to_owned()),
        ("trader_ec_url", "http://localhost:9/3ds".to_owned()),
    ];
    let body = sb.call("credit", &fields).await;
    assert_eq!(classify("credit", &body).0, "three_d_secure", "{body}");
    let three_d_token = element(&body, "threeDToken");
    let base: Fields =
        vec![("trader_code", TRADER.to_owned()), ("order_no", "G1".to_owned()), ("three_d_token", three_d_token)];
    let dummy: Vec<(&'static str, Option<&str>)> = [
        "comp_cd",
        "card_no",
        "card_exp",
        "item_price",
        "item_tax",
        "cust_cd",
        "shop_id",
        "term_cd",
        "crd_res_cd",
        "res_ve",
        "res_pa",
        "res_code",
        "three_d_inf",
        "three_d_tran_id",
        "send_dt",
        "hash_value",
    ]
    .into_iter()
    .map(|n| {
        (
            n,
            Some(if n == "card_exp" {
                "1230"
            } else if n == "card_no" {
                "4000000000003220"
            } else {
                "1"
            }),
        )
    })
    .collect();
    let early = sb.call("credit_3d", &with(base.clone(), &dummy)).await;
    assert_eq!(classify("credit_3d", &early).1, "A022000003", "{early}");
    let to_acs = japay_sandbox::buyer::Form::first(&element(&body, "threeDAuthHtml"), &sb.running.url()).unwrap();
    let acs_page = sb.browser.submit(&to_acs, &[]).await.unwrap();
    let posted = sb.browser.submit(&acs_page.form().unwrap(), &[("auth", "ok")]).await.unwrap().form().unwrap();
    assert_eq!((posted.value("CARD_NO"), posted.value("CARD_EXP")), (Some("4000000000003220"), Some("1230")));
    let mut a02 = base;
    for (upper, value) in &posted.fields {
        let lower: &'static str = Box::leak(upper.to_ascii_lowercase().replace("3d_", "three_d_").into_boxed_str());
        a02.push((lower, value.clone()));
    }
    let body = sb.call("credit_3d", &a02).await;
    assert_eq!(classify("credit_3d", &body), ("authorized".to_owned(), String::new()), "{body}");
    assert_eq!(status(&sb, "G1").await, "4");
    sb.running.shutdown().await;
}
