//! A08 and its checks, tokens, 3-D Secure up to the ACS, E04.

use japay_sandbox::buyer::Form;

use crate::support::{Fields, Sandbox, classify, config, credit_token, element, status, with};

/// (order_no, test card, changes to the fields, outcome, error code) against one sandbox, in order (later rows see
/// earlier ones).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_token_answers_its_outcomes() {
    let sb = Sandbox::start(config()).await;
    sb.set_time("10:00").await;
    let reused = sb.token("4111111111111111").await;
    let expiring = sb.token("4111111111111111").await;
    type Change = (&'static str, Option<&'static str>);
    let cases: Vec<(&str, &str, Vec<Change>, &str, &str)> = vec![
        ("T1", "4111111111111111", vec![], "authorized", ""),
        ("T1", "4111111111111111", vec![], "failure", "A082000003"),
        ("T2", "4000000000000002", vec![], "failure", "A082000010"),
        ("T3", "4000000000003220", vec![("trader_ec_url", Some("https://shop.example/return"))], "three_d_secure", ""),
        ("T4", "4000000000003220", vec![], "failure", "A081011301"),
        ("T5", "5555555555554444", vec![], "authorized", ""),
        ("T6", "4111111111111111", vec![("device_div", Some("3"))], "failure", "A081010306"),
        ("T7", "4111111111111111", vec![("buyer_email", None)], "failure", "A081010801"),
        ("T8", "4111111111111111", vec![("token", Some("short"))], "failure", "A081011202"),
        ("T9", "4111111111111111", vec![("token", None)], "failure", "A081011201"),
        ("T10", "4111111111111111", vec![("settle_price", Some("15x0"))], "failure", "A081010504"),
        ("T11", "4111111111111111", vec![("reserve_1", Some("A082000007"))], "failure", "A082000007"),
        ("T12", "4111111111111111", vec![("reserve_1", Some("A082000010"))], "failure", "A082000010"),
        ("T13", "4111111111111111", vec![("reserve_1", Some("not a code"))], "authorized", ""),
        ("T14", "4111111111111111", vec![("trader_code", Some("999999999"))], "failure", "Z012000007"),
    ];
    for (order_no, card, changes, outcome, code) in cases {
        let token = sb.token(card).await;
        let fields: Fields = with(credit_token(order_no, &token), &changes);
        let body = sb.call("credit_token", &fields).await;
        assert_eq!(classify("credit_token", &body), (outcome.to_owned(), code.to_owned()), "{order_no}: {body}");
        if code == "A082000010" {
            assert_eq!(element(&body, "creditErrorCode"), "G12", "{order_no}");
        }
    }
    // a token is used once, and lives 30 minutes on the sandbox clock
    let body = sb.call("credit_token", &credit_token("U1", &reused)).await;
    assert_eq!(classify("credit_token", &body).0, "authorized");
    let body = sb.call("credit_token", &credit_token("U2", &reused)).await;
    assert_eq!(classify("credit_token", &body).1, "A082000004");
    sb.set_time("10:31").await;
    let body = sb.call("credit_token", &credit_token("U3", &expiring)).await;
    assert_eq!(classify("credit_token", &body).1, "A082000004");
    let body = sb.call("credit_token", &credit_token("U4", "0123456789abcdef")).await;
    assert_eq!(classify("credit_token", &body).1, "A082000004", "an unknown token");
    // E04 shows each order's status (facts §3.3)
    // (order_no, statusInfo; "" = no row)
    let statuses = [("T1", "4"), ("T2", "11"), ("T3", "21"), ("T5", "4"), ("T6", ""), ("U1", "4"), ("U3", "")];
    for (order_no, expected) in statuses {
        assert_eq!(status(&sb, order_no).await, expected, "{order_no}");
    }
    sb.running.shutdown().await;
}

/// The 3-D Secure test card: `threeDAuthHtml` posts itself to the sandbox ACS, which posts the upper-case fields to
/// `trader_ec_url`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_d_secure_reaches_the_merchant_with_the_upper_case_fields() {
    let sb = Sandbox::start(config()).await;
    for (order_no, auth, res_code) in [("S1", "ok", "0000"), ("S2", "ng", "0002")] {
        let token = sb.token("4000000000003220").await;
        let fields = with(credit_token(order_no, &token), &[("trader_ec_url", Some("https://shop.example/3ds?k=1"))]);
        let body = sb.call("credit_token", &fields).await;
        assert_eq!(classify("credit_token", &body).0, "three_d_secure");
        assert_eq!(element(&body, "threeDToken").len(), 32);
        let html = element(&body, "threeDAuthHtml");
        // the shop writes the html to the browser, which posts it to the ACS
        let to_acs = Form::first(&html, &sb.running.url()).unwrap();
        assert_eq!(to_acs.action, format!("{}/sandbox/acs", sb.running.url()));
        let acs_page = sb.browser.submit(&to_acs, &[]).await.unwrap();
        // the ACS page runs no script but its own self-post, loads nothing
        let head =
            sb.http.post(&to_acs.action).form(&[("acs_key", to_acs.value("acs_key").unwrap())]).send().await.unwrap();
        let csp = head.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.starts_with("default-src 'none'; script-src 'sha256-"), "{csp}");
        let to_merchant = sb.browser.submit(&acs_page.form().unwrap(), &[("auth", auth)]).await.unwrap();
        let posted = to_merchant.form().unwrap();
        assert_eq!(posted.action, "https://shop.example/3ds?k=1");
        let names: Vec<&str> = posted.fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "COMP_CD",
                "TOKEN",
                "CARD_EXP",
                "ITEM_PRICE",
                "ITEM_TAX",
                "CUST_CD",
                "SHOP_ID",
                "TERM_CD",
                "CRD_RES_CD",
                "RES_VE",
                "RES_PA",
                "RES_CODE",
                "3D_INF",
                "3D_TRAN_ID",
                "SEND_DT",
                "HASH_VALUE"
            ]
        );
        assert_eq!((posted.value("RES_CODE"), posted.value("TOKEN")), (Some(res_code), Some(token.as_str())));
        // the ACS session is used once
        let again = sb.browser.submit(&acs_page.form().unwrap(), &[("auth", "ok")]).await.unwrap();
        assert_eq!(again.status, 404);
    }
    sb.running.shutdown().await;
}

/// The ACS's fields relayed by A09: unmodified → authorized; altered → A092000003; declined → A092000004; an order
/// already authorized → A092000001. `trader_ec_url` may be a loopback http URL (the local-sandbox switch).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_token_3d_completes_what_the_acs_posted() {
    let sb = Sandbox::start(config()).await;
    // (order_no, ACS answer, a field the shop alters, outcome, error code)
    let cases = [
        ("D1", "ok", None, "authorized", ""),
        ("D2", "ok", Some("three_d_inf"), "failure", "A092000003"),
        ("D3", "ng", None, "failure", "A092000004"),
    ];
    for (order_no, auth, altered, outcome, code) in cases {
        let token = sb.token("4000000000003220").await;
        let fields = with(credit_token(order_no, &token), &[("trader_ec_url", Some("http://127.0.0.1:9/3ds"))]);
        let body = sb.call("credit_token", &fields).await;
        assert_eq!(classify("credit_token", &body).0, "three_d_secure", "{order_no}: {body}");
        let three_d_token = element(&body, "threeDToken");
        let to_acs = Form::first(&element(&body, "threeDAuthHtml"), &sb.running.url()).unwrap();
        let acs_page = sb.browser.submit(&to_acs, &[]).await.unwrap();
        let posted = sb.browser.submit(&acs_page.form().unwrap(), &[("auth", auth)]).await.unwrap().form().unwrap();
        // the shop relays the upper-case fields under their lower-case names
        let mut a09: Fields =
            vec![("trader_code", crate::support::TRADER.to_owned()), ("order_no", order_no.to_owned())];
        for (upper, value) in &posted.fields {
            let lower = upper.to_ascii_lowercase().replace("3d_", "three_d_");
            let name: &'static str = Box::leak(lower.into_boxed_str());
            let value = if altered == Some(name) { format!("{value}x") } else { value.clone() };
            a09.push((name, value));
        }
        a09.push(("three_d_token", three_d_token));
        let body = sb.call("credit_token_3d", &a09).await;
        assert_eq!(classify("credit_token_3d", &body), (outcome.to_owned(), code.to_owned()), "{order_no}: {body}");
        if outcome == "authorized" {
            let again = sb.call("credit_token_3d", &a09).await;
            assert_eq!(classify("credit_token_3d", &again).1, "A092000001", "{order_no}");
            assert_eq!(status(&sb, order_no).await, "4");
        }
    }
    // http to a host that is not loopback is refused: A081011373, the code the tables list for a trader_ec_url that is not https
    let token = sb.token("4000000000003220").await;
    let fields = with(credit_token("D4", &token), &[("trader_ec_url", Some("http://shop.example/3ds"))]);
    let body = sb.call("credit_token", &fields).await;
    assert_eq!(classify("credit_token", &body), ("failure".to_owned(), "A081011373".to_owned()), "{body}");
    sb.running.shutdown().await;
}

/// `POST /sandbox/token` refuses what `createToken` would: a foreign trader code, a wrong checkSum, a malformed card.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_endpoint_refuses_what_create_token_would() {
    let sb = Sandbox::start(config()).await;
    let info = kuroneko_proto::token::TokenInfo {
        trader_code: crate::support::TRADER,
        auth_div: "2",
        opt_serv_div: "00",
        ..Default::default()
    };
    let good: serde_json::Value =
        serde_json::from_str(&info.to_json(kuroneko_sandbox::DEFAULT_ACCESS_KEY).unwrap()).unwrap();
    let other_key: serde_json::Value = serde_json::from_str(&info.to_json("7654321").unwrap()).unwrap();
    // (info, card number, expiry, status, a piece of the answer)
    let cases = [
        (good.clone(), "4111111111111111", "1230", 200, "token"),
        (other_key, "4111111111111111", "1230", 400, "checkSum"),
        (good.clone(), "4111-1111", "1230", 400, "cardNo"),
        (good.clone(), "4111111111111111", "1330", 400, "cardExp"),
        (serde_json::json!({ "traderCode": "999999999" }), "4111111111111111", "1230", 400, "traderCode"),
        (serde_json::json!("not an object"), "", "", 400, "json object"),
    ];
    for (mut object, card, exp, status, piece) in cases {
        if object.is_object() {
            object["cardNo"] = card.into();
            object["cardExp"] = exp.into();
        }
        let response =
            sb.http.post(format!("{}/sandbox/token", sb.running.url())).body(object.to_string()).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{object}");
        let text = response.text().await.unwrap();
        assert!(text.contains(piece), "{object}: {text}");
        assert!(!text.contains(card) || card.is_empty() || status == 200, "the card number is never echoed");
    }
    // a page of another site may not take tokens (nor move the time of day)
    for path in ["/sandbox/token", "/sandbox/time"] {
        let response = sb
            .http
            .post(format!("{}{path}", sb.running.url()))
            .header("origin", "https://evil.example")
            .body(good.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    sb.running.shutdown().await;
}
