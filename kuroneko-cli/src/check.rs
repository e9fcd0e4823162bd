//! `kuroneko check`: the connection check of the merchant's setup guide (システム接続作業) on the neutral machinery
//! ([`japay_cli::check`]: DNS, then TCP, then this call, each failure named by its layer).
//!
//! The call is `kuroneko_client::check`: H01 `traderIp` for the global IP Yamato sees for this server (the address
//! to register under 加盟店情報設定 → API方式情報), then E04 `tradeInfo` for an order number that cannot exist (a read
//! that changes nothing). Z012000007 (merchant code, or the 利用開始日 not reached), Z012000008 (API method not
//! applied for) and Z012000009 (this server's IP not registered: the IP from H01 is printed as the one to register)
//! come with the setup guide's remediation in Japanese and English.

use std::time::Duration;

use clap::{Arg, ArgMatches};
use japay_cli::check::{Failure, Probe, Probed, Verdict};
use kuroneko_client::Environment;
use kuroneko_client::check::{Diagnosis, Layer, NO_SUCH_ORDER, Problem, Report};
use kuroneko_proto::generated::codes::ERROR_CODE;
use kuroneko_proto::{Charset, Options, TradeInfo};

use crate::kuroneko::Kuroneko;

impl Probe for Kuroneko {
    const ABOUT: &'static str = "Check the connection to the gateway (システム接続): the IP Yamato sees (H01), a harmless read (E04), a diagnosis";
    const LONG_ABOUT: &'static str = "Check the connection as the merchant's setup guide asks (システム接続作業): \
        H01 traderIp tells which global IP Yamato sees for this server (the address to register under 加盟店情報設定 \
        → API方式情報), then E04 tradeInfo reads an order number that cannot exist. Then print a diagnosis on \
        stdout.\n\n\
        Exit 0: connected, with the answer time and the IP Yamato sees. Exit 1: the gateway refused the call \
        (Z012000007 wrong merchant code or 利用開始日 not reached, Z012000008 API method not applied for, \
        Z012000009 this server's IP not registered, printed with the IP to register: each with the setup guide's \
        remediation in Japanese and English; any other error code with its text), or the call failed before an \
        answer, named by layer: dns, connection, tls, timeout, http status, invalid answer. Exit 2: usage error.";
    const BASE_URL_HELP: &'static str = "Another base URL: a local sandbox's listen URL as `kuroneko sandbox` prints \
        it (http://127.0.0.1:8484), or a base ending in /test_gateway/ or /api/";

    /// The trader code.
    type Call = String;

    fn args() -> Vec<Arg> {
        vec![
            Arg::new("trader-code")
                .long("trader-code")
                .value_name("CODE")
                .required(true)
                .help("The trader code (加盟店コード on the registration certificate)"),
        ]
    }

    fn prepare(args: &ArgMatches) -> Result<String, String> {
        let trader_code = args.get_one::<String>("trader-code").map_or("", String::as_str);
        let lookup = TradeInfo { trader_code, order_no: NO_SUCH_ORDER };
        if let Err(report) = lookup.validate(Options::new(Charset::Utf8)) {
            return Err(format!("the request is invalid: {report}"));
        }
        Ok(trader_code.to_owned())
    }

    async fn call(trader_code: String, environment: Environment, timeout: Duration) -> Probed {
        probed(kuroneko_client::check::check(environment, &trader_code, timeout).await)
    }

    fn remediation(code: &str) -> Option<String> {
        match Problem::of(code) {
            Some(problem) => Some(format!("{}\n{}", problem.remediation_ja(None), problem.remediation_en(None))),
            None => ERROR_CODE.lookup(code).and_then(|entry| entry.remediation).map(|fix| format!("Fix: {fix}")),
        }
    }
}

/// The client's report in the machinery's words: the IP Yamato sees goes with the answer (connected) or in the
/// gateway detail (refused), as the one to register for Z012000009.
fn probed(report: Report) -> Probed {
    let elapsed = report.elapsed.unwrap_or_default();
    let seen = report.ip.as_deref().map(|ip| format!("Yamato sees this server as {ip}"));
    match report.diagnosis {
        Diagnosis::Connected { answer } => {
            let what = seen.map_or(answer.clone(), |seen| format!("{answer}; {seen}"));
            Probed::Answered { elapsed, verdict: Verdict::Connected(what) }
        }
        Diagnosis::Refused(refusal) => {
            let (ja, en) = refusal.entry.map_or(("", "unknown code"), |entry| (entry.ja, entry.en));
            let detail = match (&refusal.ip_to_register, seen) {
                (Some(ip), _) => Some(format!(
                    "{} refused; register this server's ip {ip} under 加盟店情報設定 → API方式情報",
                    refusal.step
                )),
                (None, Some(seen)) => Some(format!("{} refused; {seen}", refusal.step)),
                (None, None) => Some(format!("{} refused", refusal.step)),
            };
            Probed::Answered {
                elapsed,
                verdict: Verdict::Refused { code: refusal.code.clone(), text: format!("{ja} ({en})"), detail },
            }
        }
        Diagnosis::Failed(failed) => Probed::Failed(match failed.layer {
            Layer::Timeout => Failure::Timeout,
            Layer::Connection | Layer::Tls => Failure::Connect(failed.message),
            // the message ends with the body's first bytes ("…; body starts \"…\""): the machinery tells them once
            Layer::HttpStatus => match (failed.status, failed.message.split_once("; body starts ")) {
                (Some(status), Some((_, head))) => Failure::Status { status, head: head.to_owned() },
                _ => Failure::Http(failed.message),
            },
            Layer::InvalidAnswer => Failure::InvalidAnswer(failed.message),
            _ => Failure::Other(format!("{}: {}", failed.step, failed.message)),
        }),
        Diagnosis::NotSent { reason } => Probed::Answered { elapsed, verdict: Verdict::Invalid(reason) },
        _ => Probed::Failed(Failure::Other("a diagnosis this command does not know".to_owned())),
    }
}
