//! One answer per CGI and outcome, and the gateway's error codes.

use epsilon_proto::{Charset, Version};

/// Owned request fields.
type Fields = Vec<(&'static str, String)>;

use epsilon_sandbox::Config;

use crate::support::{CONTRACT, Sandbox, attr, card_payment, config, link_order, pairs, summarize};

/// (operation, fields, outcome name, err_code) against one sandbox, in order (later rows see earlier ones).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cgi_answers_its_outcomes() {
    let mut cfg = config();
    cfg.contracts = vec![CONTRACT.to_owned()];
    cfg.inactive_contracts = vec!["87654321".to_owned()];
    let sb = Sandbox::start(cfg).await;
    let token = new_token(&sb, "4242424242424242").await;
    let with = |mut base: Vec<(&'static str, String)>, extra: &[(&'static str, &str)]| {
        for (name, value) in extra {
            match base.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = (*value).to_owned(),
                None => base.push((name, (*value).to_owned())),
            }
        }
        base
    };
    let user = |id: &str| -> Vec<(&'static str, String)> {
        vec![
            ("contract_code", CONTRACT.to_owned()),
            ("user_id", id.to_owned()),
            ("user_name", "山田 太郎".to_owned()),
            ("user_mail_add", "taro@example.com".to_owned()),
        ]
    };
    let by_number = |n: &str| vec![("contract_code", CONTRACT.to_owned()), ("order_number", n.to_owned())];
    let cases: Vec<(&str, Fields, &str, &str)> = vec![
        ("user_register", user("U100"), "redirect", ""),
        ("link_order", link_order("L1"), "redirect", ""),
        ("link_order", link_order("L1"), "failure", "604"),
        ("link_order", with(link_order("L2"), &[("contract_code", "99999999")]), "failure", "907"),
        ("link_order", with(link_order("L3"), &[("contract_code", "87654321")]), "failure", "907"),
        ("link_order", with(link_order("L4"), &[("contract_code", "1234")]), "failure", "607"),
        ("link_order", with(link_order("L5"), &[("mission_code", "77")]), "failure", "909"),
        ("link_order", with(link_order("L6"), &[("user_id", "bad id!")]), "failure", "601"),
        (
            "link_order",
            with(
                link_order("C1"),
                &[
                    ("st_code", "00100-0000-00000-00000-00000-00000-00000"),
                    ("conveni_code", "31"),
                    ("user_tel", "0312345678"),
                    ("user_name_kana", "ヤマダ タロウ"),
                ],
            ),
            "convenience_slip",
            "",
        ),
        ("card_payment", card_payment("P1", "4242424242424242"), "authorized", ""),
        ("card_payment", card_payment("P2", "0000000000000000"), "failure", "601"),
        ("card_payment", card_payment("P3", "4123451111111117"), "three_d_secure1", ""),
        ("card_payment", card_payment("P4", "4000000000003220"), "three_d_secure2", ""),
        ("card_payment", card_payment("P1", "4242424242424242"), "failure", "604"),
        (
            "card_payment",
            with(card_payment("P5", ""), &[("card_number", ""), ("expire_y", ""), ("expire_m", ""), ("token", &token)]),
            "authorized",
            "",
        ),
        (
            "card_payment",
            with(card_payment("P6", ""), &[("card_number", ""), ("expire_y", ""), ("expire_m", ""), ("token", &token)]),
            "failure",
            "936",
        ),
        ("card_payment", with(card_payment("P7", "4242424242424242"), &[("kari_flag", "1")]), "authorized", ""),
        ("capture", by_number("P7"), "captured", ""),
        ("capture", by_number("P7"), "failure", "810"),
        ("capture", by_number("NOPE"), "failure", "810"),
        (
            "change_amount",
            with(
                by_number("P1"),
                &[("new_item_price", "900"), ("mission_code", "1"), ("user_id", "U0001"), ("item_code", "ITEM001")],
            ),
            "changed",
            "",
        ),
        (
            "change_amount",
            with(
                by_number("NOPE"),
                &[("new_item_price", "900"), ("mission_code", "1"), ("user_id", "U0001"), ("item_code", "ITEM001")],
            ),
            "failure",
            "810",
        ),
        ("void", by_number("P1"), "voided", ""),
        ("void", by_number("NOPE"), "failure", "810"),
        ("order_info", by_number("P7"), "found", ""),
        ("order_info", by_number("NOPE"), "not_found", ""),
        (
            "order_info",
            vec![("contract_code", "99999999".to_owned()), ("order_number", "P7".to_owned())],
            "not_found",
            "",
        ),
        ("user_info", vec![("contract_code", CONTRACT.to_owned()), ("user_id", "U0001".to_owned())], "found", ""),
        ("user_info", vec![("contract_code", CONTRACT.to_owned()), ("user_id", "NOBODY".to_owned())], "failure", "801"),
        (
            "virtual_account",
            with(
                link_order("V1"),
                &[("st_code", "00000-0000-00000-00000-00100-00000-00000"), ("user_name_kana", "ﾔﾏﾀﾞ ﾀﾛｳ")],
            ),
            "issued",
            "",
        ),
        (
            "virtual_account",
            with(
                link_order("V1"),
                &[("st_code", "00000-0000-00000-00000-00100-00000-00000"), ("user_name_kana", "ﾔﾏﾀﾞ ﾀﾛｳ")],
            ),
            "failure",
            "604",
        ),
        ("user_change", with(user("U0001"), &[("st_code", "00000-0000-00000-00000-00000-00000-00000")]), "changed", ""),
        (
            "user_change",
            with(user("U0001"), &[("st_code", "10000-0000-00000-00000-00000-00000-00000")]),
            "redirect",
            "",
        ),
        (
            "user_change",
            with(user("NOBODY"), &[("st_code", "00000-0000-00000-00000-00000-00000-00000")]),
            "failure",
            "601",
        ),
        (
            "user_withdraw",
            vec![("contract_code", CONTRACT.to_owned()), ("user_id", "U0001".to_owned())],
            "withdrawn",
            "",
        ),
        ("user_restore", vec![("contract_code", CONTRACT.to_owned()), ("user_id", "U0001".to_owned())], "restored", ""),
        (
            "card_payment",
            with(
                card_payment("M1", ""),
                &[
                    ("card_number", ""),
                    ("expire_y", ""),
                    ("expire_m", ""),
                    ("process_code", "2"),
                    ("mission_code", "2"),
                ],
            ),
            "authorized",
            "",
        ),
        (
            "stop_monthly_billing",
            vec![
                ("contract_code", CONTRACT.to_owned()),
                ("user_id", "U0001".to_owned()),
                ("item_code", "ITEM001".to_owned()),
            ],
            "stopped",
            "",
        ),
        (
            "stop_monthly_billing",
            vec![
                ("contract_code", CONTRACT.to_owned()),
                ("user_id", "U0001".to_owned()),
                ("item_code", "ITEM001".to_owned()),
            ],
            "failure",
            "605",
        ),
    ];
    for (op, fields, want, code) in cases {
        let (status, body) = sb.call(op, &pairs(&fields), Charset::Cp932).await;
        assert_eq!(status, 200, "{op} {fields:?}: {}", String::from_utf8_lossy(&body));
        let got = summarize(op, &body, Version::V1);
        assert_eq!(
            (got.0.as_str(), got.1.as_str()),
            (want, code),
            "{op} {fields:?}: {}",
            attr(&body, Version::V1, "err_detail")
        );
    }
    sb.running.shutdown().await;
}

/// Gets a card token from the sandbox's token endpoint.
pub(crate) async fn new_token(sb: &Sandbox, card: &str) -> String {
    let response = sb
        .post_form(
            "/sandbox/token",
            &[("cardno", card), ("expire", "203012"), ("securitycode", "123"), ("holdername", "TARO YAMADA")],
        )
        .await;
    let json: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(json["resultCode"], "000");
    json["tokenObject"]["token"].as_str().unwrap().to_owned()
}

/// The gateway's detail texts for its error codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_codes_carry_the_gateway_texts() {
    let sb = Sandbox::start(config()).await;
    let cases: [(&str, Fields, &str); 4] = [
        (
            "link_order",
            crate::support::link_order("E1")
                .into_iter()
                .map(|(n, v)| if n == "user_id" { (n, "bad id!".to_owned()) } else { (n, v) })
                .collect(),
            "ユーザーIDの形式が異常です",
        ),
        (
            "link_order",
            crate::support::link_order("E2")
                .into_iter()
                .map(|(n, v)| if n == "mission_code" { (n, "77".to_owned()) } else { (n, v) })
                .collect(),
            "課金区分の指定が異常です",
        ),
        (
            "card_payment",
            card_payment("E3", "0000000000000000"),
            "ご利用の店舗では利用できないカード番号です。再度入力お願いいたします。",
        ),
        (
            "capture",
            vec![("contract_code", CONTRACT.to_owned()), ("order_number", "NOPE".to_owned())],
            "対象取引はありません",
        ),
    ];
    for (op, fields, text) in cases {
        let (_, body) = sb.call(op, &pairs(&fields), Charset::Cp932).await;
        assert_eq!(attr(&body, Version::V1, "err_detail"), text, "{op}");
    }
    // version 2: the answer is UTF-8 percent-encoded and decodes as V2
    let mut fields = crate::support::link_order("E4");
    fields.retain(|(n, _)| *n != "user_id");
    fields.push(("user_id", "bad id!".to_owned()));
    let (_, body) = sb.call("link_order", &pairs(&fields), Charset::Utf8).await;
    assert_eq!(attr(&body, Version::V2, "err_detail"), "ユーザーIDの形式が異常です");
    sb.running.shutdown().await;
}

/// 908 for a caller outside allow_hosts, with the gateway's text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_not_allowed_gets_908() {
    let mut cfg = config();
    cfg.allow_hosts = vec!["192.0.2.1".parse().unwrap()];
    let sb = Sandbox::start(cfg).await;
    let (_, body) = sb.call("link_order", &pairs(&link_order("H1")), Charset::Cp932).await;
    assert_eq!(summarize("link_order", &body, Version::V1), ("failure".to_owned(), "908".to_owned()));
    assert_eq!(attr(&body, Version::V1, "err_detail"), "このCGIを実行する権限がありません");
    sb.running.shutdown().await;
}

/// Process 9 for an unknown user is Apache's HTTP 500 page; unknown paths are 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawing_an_unknown_user_is_an_http_500() {
    let sb = Sandbox::start(config()).await;
    let fields = [("contract_code", CONTRACT), ("user_id", "NOBODY")];
    let (status, body) = sb.call("user_withdraw", &fields, Charset::Cp932).await;
    assert_eq!(status, 500);
    assert!(String::from_utf8_lossy(&body).contains("Internal Server Error"));
    let response = sb.http.post(format!("{}nothing.cgi", sb.running.cgi_base())).body("a=1").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    sb.running.shutdown().await;
}

/// A declined order number may be sent again and keeps its trans_code (uncertain, facts Q20); getsales2 finds the
/// order by trans_code too, and a provisional sale (kari_flag=1) is state 5 until captured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declines_retries_and_lookups() {
    let sb = Sandbox::start(config()).await;
    let (_, declined) = sb.call("card_payment", &pairs(&card_payment("Q1", "0000000000000000")), Charset::Cp932).await;
    assert_eq!(attr(&declined, Version::V1, "result"), "0");
    let (_, approved) = sb.call("card_payment", &pairs(&card_payment("Q1", "4242424242424242")), Charset::Cp932).await;
    assert_eq!(summarize("card_payment", &approved, Version::V1).0, "authorized");
    let trans_code = attr(&approved, Version::V1, "trans_code");
    assert_eq!(attr(&declined, Version::V1, "trans_code"), trans_code);
    assert_eq!(attr(&approved, Version::V1, "kari_flag"), "0");
    let (_, found) =
        sb.call("order_info", &[("contract_code", CONTRACT), ("trans_code", &trans_code)], Charset::Cp932).await;
    assert_eq!(
        (attr(&found, Version::V1, "order_number"), attr(&found, Version::V1, "state")),
        ("Q1".to_owned(), "1".to_owned())
    );

    let mut provisional = card_payment("Q2", "4242424242424242");
    provisional.push(("kari_flag", "1".to_owned()));
    let (_, body) = sb.call("card_payment", &pairs(&provisional), Charset::Cp932).await;
    assert_eq!(attr(&body, Version::V1, "kari_flag"), "1");
    let lookup = [("contract_code", CONTRACT), ("order_number", "Q2")];
    let states = [("before capture", "5"), ("after capture", "1"), ("after void", "9")];
    for (step, state) in states {
        match step {
            "after capture" => {
                let (_, body) = sb.call("capture", &lookup, Charset::Cp932).await;
                assert_eq!(summarize("capture", &body, Version::V1).0, "captured");
            }
            "after void" => {
                let (_, body) = sb.call("void", &lookup, Charset::Cp932).await;
                assert_eq!(summarize("void", &body, Version::V1).0, "voided");
            }
            _ => {}
        }
        let (_, body) = sb.call("order_info", &lookup, Charset::Cp932).await;
        assert_eq!(attr(&body, Version::V1, "state"), state, "{step}");
    }
    sb.running.shutdown().await;
}

/// Which operation a request is, is the spec's to say: an operation the sandbox does not serve is a 404 naming it
/// (before the source check, as an unknown path), and a `process_code` no operation takes is 601 naming the
/// parameter, in receive_order3's layout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_the_sandbox_does_not_serve_are_an_explicit_answer() {
    for allow_hosts in [vec![], vec!["192.0.2.1".parse().unwrap()]] {
        let sb = Sandbox::start(Config { allow_hosts, ..config() }).await;
        // (path, status, a piece of the body)
        let cases = [
            ("regularly_cancel.cgi", 404, "not served by the sandbox: regular_cancel (regularly_cancel.cgi)"),
            ("direct_card_multi.cgi", 404, "not served by the sandbox: card_multi_currency (direct_card_multi.cgi)"),
            ("nothing.cgi", 404, "not found"),
        ];
        for (path, status, piece) in cases {
            let response = sb.http.post(format!("{}{path}", sb.running.cgi_base())).body("a=1").send().await.unwrap();
            assert_eq!(response.status().as_u16(), status, "{path}");
            assert!(response.text().await.unwrap().contains(piece), "{path}");
        }
        sb.running.shutdown().await;
    }
    let sb = Sandbox::start(config()).await;
    let mut fields = link_order("PC1");
    fields.retain(|(n, _)| *n != "process_code");
    fields.push(("process_code", "5".to_owned()));
    let body = crate::support::raw_body(&pairs(&fields), Charset::Cp932);
    let response =
        sb.http.post(format!("{}receive_order3.cgi", sb.running.cgi_base())).body(body).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.bytes().await.unwrap();
    assert_eq!(summarize("link_order", &body, Version::V1), ("failure".to_owned(), "601".to_owned()));
    assert_eq!(attr(&body, Version::V1, "err_detail"), "process_codeの指定が異常です");
    sb.running.shutdown().await;
}
