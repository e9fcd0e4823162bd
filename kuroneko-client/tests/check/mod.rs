//! The connection check against canned answers: H01's IP, Z012000007/8/9 diagnosed with their remediation (the IP to
//! register for Z012000009), a refused TCP connection and a timeout named by their layer, an HTTP status, and a
//! connected check.

use std::time::Duration;

use kuroneko_client::Environment;
use kuroneko_client::check::{self, Diagnosis, Layer, Problem, Report, Step};

use crate::fake::{Fake, Reply, answer, error};

/// The IP the fake's H01 answers.
const IP: &str = "203.0.113.7";

fn trader_ip() -> Reply {
    Reply::Xml(answer(&[("returnCode", "0"), ("errorCode", ""), ("returnDate", "20260401120000"), ("ipAddress", IP)]))
}

/// A fake whose H01 answers `h01` and whose E04 answers `e04`.
fn gateway(h01: Reply, e04: Reply) -> Fake {
    Fake::start(move |endpoint, _| if endpoint == "traderIp" { h01.clone() } else { e04.clone() })
}

async fn run(fake: &Fake, timeout: Duration) -> Report {
    check::check(Environment::Custom(fake.base.clone()), "888888888", timeout).await
}

#[tokio::test]
async fn z012000007_8_9_are_diagnosed_with_their_remediation_in_japanese_and_english() {
    #[rustfmt::skip]
    let cases = [
        ("Z012000007", Problem::MerchantCodeOrStartDate, "ご利用開始日", "登録完了書", None),
        ("Z012000008", Problem::ApiNotApplied, "API方式情報", "API方式情報", None),
        ("Z012000009", Problem::IpNotRegistered, IP, IP, Some(IP)),
    ];
    for (code, problem, ja, en, register) in cases {
        let fake = gateway(trader_ip(), error(code));
        let report = run(&fake, Duration::from_secs(5)).await;
        let Diagnosis::Refused(refusal) = &report.diagnosis else { panic!("{code}: {report:?}") };
        assert_eq!((refusal.code.as_str(), refusal.problem, refusal.step), (code, Some(problem), Step::TradeInfo));
        assert_eq!((report.ip.as_deref(), refusal.ip_to_register.as_deref()), (Some(IP), register), "{code}");
        assert!(refusal.entry.is_some(), "{code}: the table's row");
        assert!(!report.is_connected() && report.exit_code() == 1, "{code}");
        let remediation_ja = refusal.remediation_ja().unwrap();
        let remediation_en = refusal.remediation_en().unwrap();
        assert!(remediation_ja.starts_with("対処") && remediation_ja.contains(ja), "{code}: {remediation_ja}");
        assert!(remediation_en.starts_with("Fix") && remediation_en.contains(en), "{code}: {remediation_en}");
        let text = report.lines().join("\n");
        assert!(text.starts_with(&format!("global ip: Yamato sees this server as {IP}\nerror {code}: ")), "{text}");
        assert!(text.contains(&remediation_ja) && text.contains(&remediation_en), "{text}");
        assert_eq!(text.contains(&format!("register this ip: {IP}")), register.is_some(), "{text}");
        // H01, then E04 for an order that cannot exist
        assert_eq!(fake.endpoints(), ["traderIp", "tradeInfo"]);
        assert_eq!(fake.body(0), "function_div=H01&trader_code=888888888");
        assert!(fake.body(1).ends_with("order_no=%23CHECK%23NO-SUCH-ORDER%23"), "{}", fake.body(1));
    }
}

#[tokio::test]
async fn a_refusal_of_h01_itself_is_diagnosed_without_an_ip() {
    let fake = gateway(error("Z012000009"), error("Z012000009"));
    let report = run(&fake, Duration::from_secs(5)).await;
    let Diagnosis::Refused(refusal) = &report.diagnosis else { panic!("{report:?}") };
    assert_eq!(
        (refusal.step, refusal.problem, report.ip.as_ref()),
        (Step::TraderIp, Some(Problem::IpNotRegistered), None)
    );
    assert!(refusal.remediation_en().unwrap().contains("H01"), "{refusal:?}");
    assert_eq!(fake.endpoints(), ["traderIp"], "diagnosed at H01");
}

#[tokio::test]
async fn connected_when_e04_answers_about_the_order() {
    #[rustfmt::skip]
    let cases = [
        ("no row", Reply::Xml(answer(&[("returnCode", "0"), ("errorCode", ""), ("resultCount", "0")]))),
        ("an error about the order", error("E042000001")),
    ];
    for (what, reply) in cases {
        let fake = gateway(trader_ip(), reply);
        let report = run(&fake, Duration::from_secs(5)).await;
        assert!(report.is_connected() && report.exit_code() == 0, "{what}: {report:?}");
        assert_eq!(report.ip.as_deref(), Some(IP));
        let text = report.lines().join("\n");
        let connected = format!("global ip: Yamato sees this server as {IP}\nconnected: {} answered in ", fake.base);
        assert!(text.starts_with(&connected), "{what}: {text}");
    }
}

#[tokio::test]
async fn a_refused_connection_a_timeout_and_a_status_are_named_by_their_layer() {
    // a port nobody listens on: bound, then released
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let refused = format!("http://{closed}/test_gateway/");
    let hang = Fake::start(|_, _| Reply::Hang);
    let busy = Fake::start(|_, _| Reply::Status(503));
    let slow_e04 = gateway(trader_ip(), Reply::Hang);
    #[rustfmt::skip]
    let cases = [
        (refused, Layer::Connection, None, Step::TraderIp, "connection: "),
        (hang.base.clone(), Layer::Timeout, None, Step::TraderIp, "timeout: "),
        (busy.base.clone(), Layer::HttpStatus, Some(503), Step::TraderIp, "http status: "),
        (slow_e04.base.clone(), Layer::Timeout, None, Step::TradeInfo, "global ip: "),
    ];
    for (base, layer, status, step, line) in cases {
        let report = check::check(Environment::Custom(base.clone()), "888888888", Duration::from_millis(500)).await;
        let Diagnosis::Failed(failed) = &report.diagnosis else { panic!("{base}: {report:?}") };
        assert_eq!((failed.layer, failed.status, failed.step), (layer, status, step), "{base}: {}", failed.message);
        assert_eq!(report.exit_code(), 1);
        let text = report.lines().join("\n");
        assert!(text.starts_with(line), "{text}");
        assert!(text.contains(&format!("{}: {step}: ", layer.word())), "{text}");
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
