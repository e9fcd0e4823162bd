//! The connection check against canned answers: Z012000007/8/9 diagnosed with their remediation, a refused TCP
//! connection and a timeout named by their layer, an HTTP status, and a connected check.

use std::time::Duration;

use kuroneko_client::Environment;
use kuroneko_client::check::{self, Diagnosis, Layer, Problem, Step};

use crate::fake::{Fake, Reply, answer, error};

#[tokio::test]
async fn z012000007_8_9_are_diagnosed_with_their_remediation_in_japanese_and_english() {
    #[rustfmt::skip]
    let cases = [
        ("Z012000007", Problem::MerchantCodeOrStartDate, "利用開始日", "start date"),
        ("Z012000008", Problem::ApiNotApplied, "API方式情報", "apply for the API method"),
        ("Z012000009", Problem::IpNotRegistered, "API方式情報", "global IP address"),
    ];
    for (code, problem, ja, en) in cases {
        let fake = Fake::start(move |_, _| error(code));
        let report = check::check(Environment::Custom(fake.base.clone()), "888888888", Duration::from_secs(5)).await;
        let Diagnosis::Refused(refusal) = &report.diagnosis else { panic!("{code}: {report:?}") };
        assert_eq!((refusal.code.as_str(), refusal.problem, refusal.step), (code, Some(problem), Step::TradeInfo));
        assert!(refusal.entry.is_some(), "{code}: the table's row");
        assert!(!report.is_connected() && report.exit_code() == 1, "{code}");
        let text = report.lines().join("\n");
        assert!(text.contains(&format!("error {code}: ")), "{text}");
        assert!(text.contains(ja) && text.contains(en), "{code}: {text}");
        assert!(refusal.remediation_ja().is_some_and(|r| r.starts_with("対処")), "{code}");
        assert!(refusal.remediation_en().is_some_and(|r| r.starts_with("Fix")), "{code}");
        // the check's E04 for an order that cannot exist
        assert!(fake.body(fake.endpoints().len() - 1).ends_with("order_no=%23CHECK%23NO-SUCH-ORDER%23"));
    }
}

#[tokio::test]
async fn connected_when_e04_answers_about_the_order() {
    #[rustfmt::skip]
    let cases = [
        ("no row", Reply::Xml(answer(&[("returnCode", "0"), ("errorCode", ""), ("resultCount", "0")]))),
        ("an error about the order", error("E042000001")),
    ];
    for (what, reply) in cases {
        let fake = Fake::start(move |_, _| reply.clone());
        let report = check::check(Environment::Custom(fake.base.clone()), "888888888", Duration::from_secs(5)).await;
        assert!(report.is_connected() && report.exit_code() == 0, "{what}: {report:?}");
        let text = report.lines().join("\n");
        assert!(text.starts_with(&format!("connected: {} answered in ", fake.base)), "{what}: {text}");
    }
}

#[tokio::test]
async fn a_refused_connection_a_timeout_and_a_status_are_named_by_their_layer() {
    // a port nobody listens on: bound, then released
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let refused = format!("http://{closed}/test_gateway/");
    let hang = Fake::start(|_, _| Reply::Hang);
    let busy = Fake::start(|_, _| Reply::Status(503));
    #[rustfmt::skip]
    let cases = [
        (refused, Layer::Connection, None, "connection: "),
        (hang.base.clone(), Layer::Timeout, None, "timeout: "),
        (busy.base.clone(), Layer::HttpStatus, Some(503), "http status: "),
    ];
    for (base, layer, status, line) in cases {
        let report = check::check(Environment::Custom(base.clone()), "888888888", Duration::from_millis(500)).await;
        let Diagnosis::Failed(failed) = &report.diagnosis else { panic!("{base}: {report:?}") };
        assert_eq!((failed.layer, failed.status), (layer, status), "{base}: {}", failed.message);
        assert_eq!(report.exit_code(), 1);
        let text = report.lines().join("\n");
        assert!(text.starts_with(line), "{text}");
    }
    assert_eq!(busy.endpoints().len(), 1, "the check sends each call once");
}

#[tokio::test]
async fn a_malformed_merchant_code_is_not_sent() {
    let fake = Fake::start(|_, _| Reply::Hang);
    let report = check::check(Environment::Custom(fake.base.clone()), "888-888", Duration::from_secs(5)).await;
    assert!(matches!(&report.diagnosis, Diagnosis::NotSent { reason } if reason.contains("trader_code")), "{report:?}");
    assert!(fake.endpoints().is_empty());
}
