//! End to end: the client and the check against the local gateway (`kuroneko-sandbox`, ephemeral port, in-memory
//! database).

use std::net::IpAddr;
use std::time::Duration;

use kuroneko_client::check::{self, Diagnosis, Problem, Step};
use kuroneko_client::{Client, ClientError, Environment, Error, Reconciled};
use kuroneko_proto::token::TokenInfo;
use kuroneko_proto::{CreditToken, CreditTokenOutcome, TradeInfo};
use kuroneko_sandbox::{Config, DEFAULT_ACCESS_KEY, DEFAULT_TRADER_CODE, Running};

use crate::fake::{Fake, Reply};

/// A client of `base` for the sandbox's merchant.
fn client(base: String, timeout: Duration) -> Client {
    Client::builder()
        .base_url(base)
        .trader_code(DEFAULT_TRADER_CODE)
        .access_key(DEFAULT_ACCESS_KEY)
        .timeout(timeout)
        .build()
        .unwrap()
}

async fn sandbox(config: Config) -> (Running, Client) {
    let running = kuroneko_sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let client = client(running.api_base(), Duration::from_secs(10));
    (running, client)
}

/// A one-time token for `card` from the sandbox's token endpoint (what `createToken` does in the browser).
async fn token(running: &Running, card: &str) -> String {
    let info =
        TokenInfo { trader_code: DEFAULT_TRADER_CODE, auth_div: "2", opt_serv_div: "00", ..TokenInfo::default() };
    let mut object: serde_json::Value = serde_json::from_str(&info.to_json(DEFAULT_ACCESS_KEY).unwrap()).unwrap();
    object["cardNo"] = card.into();
    object["cardExp"] = "1230".into();
    object["cardOwner"] = "TARO YAMADA".into();
    let url = format!("{}/sandbox/token", running.url());
    let response = reqwest::Client::new().post(url).body(object.to_string()).send().await.unwrap();
    let text = response.text().await.unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["token"].as_str().unwrap_or_else(|| panic!("{text}")).to_owned()
}

fn credit_token<'a>(order_no: &'a str, token: &'a str) -> CreditToken<'a> {
    CreditToken { order_no, token, ..crate::credit_token() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a08_then_e04_then_a_duplicate_order_no() {
    let (running, client) = sandbox(Config::default()).await;
    let paid = token(&running, "4111111111111111").await;
    let answer = client.call(&credit_token("E2E-0001", &paid)).await.unwrap();
    assert_eq!(answer.view().outcome(), Ok(CreditTokenOutcome::Authorized), "{answer:?}");

    let found = client.trade_info("E2E-0001").await.unwrap();
    let rows: Vec<_> = found.view().result_data().map(|row| row.status_info().unwrap().value().to_owned()).collect();
    assert_eq!(rows, ["4"], "authorised");

    let again = token(&running, "4111111111111111").await;
    let duplicate = client.call(&credit_token("E2E-0001", &again)).await.unwrap();
    assert_eq!(duplicate.outcome_name(), "failure:A082000003");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_a08_answer_is_reconciled_with_the_orders_real_state() {
    let (running, direct) = sandbox(Config::default()).await;
    let to = running.url().trim_start_matches("http://").to_owned();
    // the order reaches the sandbox, its answer is lost; E04 goes through
    let fake = Fake::start(move |endpoint, _| Reply::Forward { to: to.clone(), relay: endpoint == "tradeInfo" });
    let client = client(fake.base.clone(), Duration::from_millis(500));
    let paid = token(&running, "4111111111111111").await;
    let error = client.call(&credit_token("E2E-0002", &paid)).await.unwrap_err();
    let Error::Client(ClientError::Unconfirmed { reconciled: Reconciled::Found { state, transaction, .. }, .. }) =
        &error
    else {
        panic!("{error}")
    };
    assert_eq!(state, "4", "{error}");
    assert!(transaction.is_some(), "{error}");
    assert_eq!(fake.endpoints(), ["creditToken", "tradeInfo"], "one A08, never retried");
    let lookup = TradeInfo { trader_code: DEFAULT_TRADER_CODE, order_no: "E2E-0002" };
    assert_eq!(direct.call(&lookup).await.unwrap().view().result_data().count(), 1);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_diagnoses_the_sandboxs_setup_states() {
    let elsewhere: IpAddr = "192.0.2.1".parse().unwrap();
    #[rustfmt::skip]
    let cases: Vec<(&str, Config, &str, Option<Problem>)> = vec![
        ("connected", Config::default(), DEFAULT_TRADER_CODE, None),
        ("an unknown merchant code", Config::default(), "777777777", Some(Problem::MerchantCodeOrStartDate)),
        ("no api contract", Config { no_api_contract: true, ..Config::default() }, DEFAULT_TRADER_CODE, Some(Problem::ApiNotApplied)),
        ("ip not allowed", Config { allow_hosts: vec![elsewhere], ..Config::default() }, DEFAULT_TRADER_CODE, Some(Problem::IpNotRegistered)),
    ];
    for (what, config, trader_code, problem) in cases {
        let running = kuroneko_sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        // the URL `kuroneko sandbox` prints on its first line, as printed
        let report = check::check(Environment::Custom(running.url()), trader_code, Duration::from_secs(5)).await;
        match (&report.diagnosis, problem) {
            (Diagnosis::Connected { .. }, None) => {
                assert_eq!((report.exit_code(), report.ip.as_deref()), (0, Some("127.0.0.1")), "{what}")
            }
            (Diagnosis::Refused(refusal), Some(problem)) => {
                assert_eq!(refusal.problem, Some(problem), "{what}: {report:?}");
                assert_eq!(report.exit_code(), 1, "{what}");
                if problem == Problem::IpNotRegistered {
                    // H01 answers whatever the allow-list says; E04 is refused, with the IP to register
                    assert_eq!(refusal.step, Step::TradeInfo, "{what}");
                    assert_eq!(refusal.ip_to_register.as_deref(), Some("127.0.0.1"), "{what}");
                    assert!(report.lines().join("\n").contains("register this ip: 127.0.0.1"), "{what}");
                }
            }
            _ => panic!("{what}: {report:?}"),
        }
        running.shutdown().await;
    }
}
