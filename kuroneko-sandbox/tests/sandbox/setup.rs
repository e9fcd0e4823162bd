//! The setup states of seed 004 and the gateway's order of checks, one row each.

use std::net::IpAddr;

use kuroneko_sandbox::Config;

use crate::support::{Sandbox, TRADER, classify, config};

/// How the sandbox of a row is set up.
#[derive(Clone, Copy, Debug)]
enum Setup {
    Default,
    /// `--start-date` far ahead.
    StartsLater,
    /// `--start-date` passed.
    Started,
    /// `--no-api-contract`.
    NoContract,
    /// `--allow-host` naming another address than the caller's.
    Foreign,
}

fn config_for(setup: Setup) -> Config {
    let foreign: IpAddr = "192.0.2.1".parse().unwrap();
    match setup {
        Setup::Default => config(),
        Setup::StartsLater => Config { start_date: Some("20990101".parse().unwrap()), ..config() },
        Setup::Started => Config { start_date: Some("20000101".parse().unwrap()), ..config() },
        Setup::NoContract => Config { no_api_contract: true, ..config() },
        Setup::Foreign => Config { allow_hosts: vec![foreign], ..config() },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_states_in_the_gateways_order() {
    let e04 = format!("function_div=E04&trader_code={TRADER}&order_no=NONE");
    let unknown_trader = "function_div=E04&trader_code=999999999&order_no=NONE".to_owned();
    // (setup, method, URL name, body, error code; "" = accepted)
    let cases: Vec<(Setup, &str, &str, String, &str)> = vec![
        (Setup::Default, "POST", "tradeInfo.api", e04.clone(), ""),
        (Setup::Default, "GET", "tradeInfo.api", String::new(), "Z012000001"),
        (Setup::Default, "PUT", "tradeInfo.api", e04.clone(), "Z012000001"),
        (Setup::Default, "POST", "tradeInfo.api", format!("trader_code={TRADER}&order_no=NONE"), "Z012000002"),
        (Setup::Default, "POST", "tradeInfo.api", format!("function_div=&trader_code={TRADER}"), "Z012000002"),
        (Setup::Default, "POST", "tradeInfo.api", "function_div=%FF".to_owned(), "Z012000002"),
        (Setup::Default, "POST", "tradeInfo.api", format!("function_div=A08&trader_code={TRADER}"), "Z012000003"),
        (Setup::Default, "POST", "creditToken.api", format!("function_div=E04&trader_code={TRADER}"), "Z012000003"),
        (Setup::Default, "POST", "tradeInfo.api", "function_div=X99".to_owned(), "Z012000003"),
        (Setup::Default, "POST", "tradeInfo.api", unknown_trader.clone(), "Z012000007"),
        (Setup::Default, "POST", "tradeInfo.api", "function_div=E04&order_no=NONE".to_owned(), "Z012000007"),
        (Setup::StartsLater, "POST", "tradeInfo.api", e04.clone(), "Z012000007"),
        (Setup::Started, "POST", "tradeInfo.api", e04.clone(), ""),
        (Setup::NoContract, "POST", "tradeInfo.api", e04.clone(), "Z012000008"),
        (Setup::NoContract, "POST", "tradeInfo.api", unknown_trader, "Z012000007"),
        (Setup::NoContract, "GET", "tradeInfo.api", String::new(), "Z012000001"),
        (Setup::Foreign, "POST", "tradeInfo.api", e04.clone(), "Z012000009"),
        (Setup::Foreign, "GET", "tradeInfo.api", String::new(), "Z012000009"),
        (Setup::Default, "POST", "tradeInfo", e04.clone(), ""),
    ];
    for (setup, method, name, body, code) in cases {
        let sb = Sandbox::start(config_for(setup)).await;
        let url = format!("{}{name}", sb.running.api_base());
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = sb
            .http
            .request(method.clone(), url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{setup:?} {method} {name} {body}");
        let text = response.text().await.unwrap();
        let (outcome, got) = classify("trade_info", &text);
        assert_eq!(got, code, "{setup:?} {method} {name} {body}: {text}");
        assert_eq!(outcome == "found", code.is_empty(), "{setup:?} {body}: {text}");
        sb.running.shutdown().await;
    }
}

/// The API is found under the test gateway's URLs and under the listen URL itself; anything else is a 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_the_api_is() {
    let sb = Sandbox::start(config()).await;
    let body = format!("function_div=E04&trader_code={TRADER}&order_no=NONE");
    // (path, status)
    let cases = [
        ("/test_gateway/tradeInfo.api", 200),
        ("/test_gateway/tradeInfo", 200),
        ("/api/tradeInfo", 200),
        ("/tradeInfo", 200),
        ("/test_gateway/nothing.api", 404),
        ("/test_gateway/regular.api", 404),
        ("/test_gateway/tradeInfo.api/more", 404),
    ];
    for (path, status) in cases {
        let response = sb
            .http
            .post(format!("{}{path}", sb.running.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
        if path.contains("regular") {
            let text = response.text().await.unwrap();
            assert!(text.starts_with("not served by the sandbox: regular (regular): continuous billing"), "{text}");
        } else if status == 200 {
            let text = response.text().await.unwrap();
            assert_eq!(classify("trade_info", &text).0, "found", "{path}: {text}");
        }
    }
    // a foreign Host (a name pointed at 127.0.0.1 by another site) is refused: API, pages and token endpoint
    for path in ["/test_gateway/tradeInfo.api", "/traderIp", "/sandbox/token", "/sandbox/acs"] {
        let response = sb
            .http
            .post(format!("{}{path}", sb.running.url()))
            .header("host", "evil.example")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 421, "{path}");
    }
    sb.running.shutdown().await;
}

/// H01 answers a caller outside `--allow-host` with the address to register, while every other function is
/// Z012000009.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trader_ip_answers_whatever_the_allow_list_says() {
    let sb = Sandbox::start(config_for(Setup::Foreign)).await;
    let fields = vec![("trader_code", TRADER.to_owned())];
    let body = sb.call("trader_ip", &fields).await;
    assert_eq!(classify("trader_ip", &body).0, "address", "{body}");
    assert_eq!(crate::support::element(&body, "ipAddress"), "127.0.0.1");
    let body = sb.call("trade_info", &crate::support::trade_info("NONE")).await;
    assert_eq!(classify("trade_info", &body).1, "Z012000009");
    // the setup checks still hold for H01
    let body = sb.call("trader_ip", &[("trader_code", "999999999".to_owned())]).await;
    assert_eq!(classify("trader_ip", &body).1, "Z012000007");
    sb.running.shutdown().await;
}
