//! The connection check behind `kuroneko check` (seed 004's システム接続作業): which global IP Yamato sees for this
//! server, whether a harmless read goes through, and, when it does not, why, named by its layer or by the gateway's
//! error code with the remediation in Japanese and English.
//!
//! 1. **H01 `trader_ip`** asks Yamato which global IP it sees for this server: the address to register under
//!    加盟店情報設定 → API方式情報 (facts §1.3, §7).
//! 2. **E04 `trade_info`** for an order number that cannot exist ([`NO_SUCH_ORDER`]): a read that changes nothing.
//! 3. A refusal is diagnosed from its error code: [`Problem::MerchantCodeOrStartDate`] (Z012000007: wrong merchant
//!    code, or the 利用開始日 set in the admin screen not reached), [`Problem::ApiNotApplied`] (Z012000008) and
//!    [`Problem::IpNotRegistered`] (Z012000009: the IP from step 1 is the one to register), each with the setup
//!    guide's remediation; any other common (Z01) code or parameter error with its table text.
//! 4. A call that got no gateway answer is named by its layer ([`Layer`]): `dns`, `connection`, `tls`, `timeout`,
//!    `http status`, `invalid answer`, the words `japay_cli::check` prints.
//!
//! H01 and E04 answer these Z01 codes with `returnCode` 1 and the `errorCode`. Whether Yamato answers H01 from an
//! unregistered IP is not documented (uncertain): when H01 itself is refused, the check diagnoses that refusal.
//!
//! The `kuroneko` binary runs DNS and TCP before the calls (`japay_cli::check`), so a failure there is named before
//! any call is made; [`check`] on its own names the layers from the client's errors.
//!
//! [`Report::is_connected`] is the exit status: connected (0), a diagnosed problem (1).

use std::fmt;
use std::time::Duration;

use japay_client::{ClientError, SendErrorKind};
use japay_core::spec::CodeEntry;
use japay_core::transport::TransportError;
use kuroneko_proto::TradeInfo;
use kuroneko_proto::generated::codes::ERROR_CODE;
use kuroneko_proto::generated::{RESULT_FIELD, RESULT_SUCCESS};

use crate::client::{Client, Environment, Error};
use crate::gateway::Decoded;
use crate::reconcile::{ERROR_CODE as ERROR_ELEMENT, ROW};

/// The order number of the check's E04: valid (`order_no`'s characters and length), and no shop's (no order
/// numbering scheme starts and ends with `#`).
pub const NO_SUCH_ORDER: &str = "#CHECK#NO-SUCH-ORDER#";

/// A call of the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// H01 `trader_ip`: the global IP Yamato sees.
    TraderIp,
    /// E04 `trade_info` for [`NO_SUCH_ORDER`].
    TradeInfo,
}

impl Step {
    /// The operation's name in the spec.
    pub fn operation(self) -> &'static str {
        match self {
            Step::TraderIp => "trader_ip",
            Step::TradeInfo => "trade_info",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::TraderIp => "trader_ip (H01)",
            Step::TradeInfo => "trade_info (E04)",
        })
    }
}

/// The setup problems the check diagnoses (seed 004, facts §4.3, §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Z012000007: the merchant code is wrong, or the service start date (利用開始日) set in the admin screen is not
    /// reached yet.
    MerchantCodeOrStartDate,
    /// Z012000008: the API method was not applied for.
    ApiNotApplied,
    /// Z012000009: this server's global IP is not the registered one.
    IpNotRegistered,
}

/// The diagnosed codes, each a code of the generated `ERROR_CODE` table (a test checks it).
pub static PROBLEMS: &[(&str, Problem)] = &[
    ("Z012000007", Problem::MerchantCodeOrStartDate),
    ("Z012000008", Problem::ApiNotApplied),
    ("Z012000009", Problem::IpNotRegistered),
];

impl Problem {
    /// The problem an error code stands for.
    pub fn of(code: &str) -> Option<Problem> {
        PROBLEMS.iter().find(|(c, _)| *c == code).map(|(_, problem)| *problem)
    }

    /// Its error code.
    pub fn code(self) -> &'static str {
        PROBLEMS.iter().find(|(_, p)| *p == self).map_or("", |(code, _)| code)
    }

    /// What to do, in Japanese (the setup guide's words, seed 004). `ip` is the IP H01 reported, when known.
    pub fn remediation_ja(self, ip: Option<&str>) -> String {
        match self {
            Problem::MerchantCodeOrStartDate => "対処: 加盟店コード(trader_code)が登録完了書の「(2)加盟店コード」と一致するか確認\
                してください。一致する場合は、加盟店管理画面の「動作環境設定」で設定したご利用開始日を過ぎているか確認して\
                ください(ご利用開始日前はAPIを利用できません)。"
                .to_owned(),
            Problem::ApiNotApplied => "対処: 加盟店管理画面にログイン後、「加盟店情報設定」→「API方式情報」からAPI方式の\
                ご利用を申し込んでください(クロネコwebコレクト リンク/API方式ご利用申込)。"
                .to_owned(),
            Problem::IpNotRegistered => match ip {
                Some(ip) => format!(
                    "対処: 加盟店管理画面の「加盟店情報設定」→「API方式情報」に、このサーバーのグローバルIPアドレス \
                     {ip} を登録してください(ヤマトから見た接続元IPアドレスです)。"
                ),
                None => "対処: 加盟店管理画面の「加盟店情報設定」→「API方式情報」に、このサーバーのグローバルIPアドレスを\
                    登録してください(H01 traderIp が返すアドレスです)。"
                    .to_owned(),
            },
        }
    }

    /// What to do, in English: the `error_code` table's remediation (our own words when the table has none), and
    /// for [`Problem::IpNotRegistered`] the IP to register. `ip` is the IP H01 reported, when known.
    pub fn remediation_en(self, ip: Option<&str>) -> String {
        let table = ERROR_CODE.lookup(self.code()).and_then(|entry| entry.remediation);
        let mut text = match (table, self) {
            (Some(fix), _) => format!("Fix: {fix}."),
            (None, Problem::MerchantCodeOrStartDate) => "Fix: check that trader_code is the merchant code on the \
                registration certificate (登録完了書); if it is, the service start date (ご利用開始日) set under \
                動作環境設定 in the admin screen has not been reached."
                .to_owned(),
            (None, Problem::ApiNotApplied) => {
                "Fix: apply for the API method in the admin screen under 加盟店情報設定 → API方式情報.".to_owned()
            }
            (None, Problem::IpNotRegistered) => {
                "Fix: register this server's global IP address under 加盟店情報設定 → API方式情報.".to_owned()
            }
        };
        if let (Problem::IpNotRegistered, Some(ip)) = (self, ip) {
            text.push_str(&format!(" The address Yamato sees for this server, to register: {ip}."));
        }
        text
    }
}

/// The layer a call that got no gateway answer failed at; [`Layer::word`] is the word `japay_cli::check` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layer {
    /// The host name did not resolve.
    Dns,
    /// The TCP connection failed (refused, unreachable) or broke.
    Connection,
    /// The TLS handshake failed (an `https` base whose TCP connection worked).
    Tls,
    /// No answer within the timeout.
    Timeout,
    /// An HTTP status other than 200, or an HTML page instead of an answer.
    HttpStatus,
    /// An HTTP 200 body that is not a `<return>` answer.
    InvalidAnswer,
    /// Anything else (the HTTP client could not be built, …).
    Other,
}

impl Layer {
    /// `dns`, `connection`, `tls`, `timeout`, `http status`, `invalid answer` or `error`.
    pub fn word(self) -> &'static str {
        match self {
            Layer::Dns => "dns",
            Layer::Connection => "connection",
            Layer::Tls => "tls",
            Layer::Timeout => "timeout",
            Layer::HttpStatus => "http status",
            Layer::InvalidAnswer => "invalid answer",
            Layer::Other => "error",
        }
    }
}

/// A call the gateway refused with an error code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// The call.
    pub step: Step,
    /// The `errorCode`.
    pub code: String,
    /// Its row of the `error_code` table (Japanese and English texts, remediation), when the code is listed.
    pub entry: Option<&'static CodeEntry>,
    /// The setup problem it stands for, when it is one of [`PROBLEMS`].
    pub problem: Option<Problem>,
    /// The IP to register (H01's answer), for [`Problem::IpNotRegistered`].
    pub ip_to_register: Option<String>,
}

impl Refusal {
    /// The remediation in Japanese: the problem's, else the table's remediation.
    pub fn remediation_ja(&self) -> Option<String> {
        self.problem.map(|problem| problem.remediation_ja(self.ip_to_register.as_deref()))
    }

    /// The remediation in English: the problem's, else the table's remediation.
    pub fn remediation_en(&self) -> Option<String> {
        match self.problem {
            Some(problem) => Some(problem.remediation_en(self.ip_to_register.as_deref())),
            None => self.entry.and_then(|entry| entry.remediation).map(|fix| format!("Fix: {fix}")),
        }
    }
}

/// A call that got no gateway answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failed {
    /// The call.
    pub step: Step,
    /// The layer it failed at.
    pub layer: Layer,
    /// The HTTP status, for [`Layer::HttpStatus`] with a status other than 200.
    pub status: Option<u16>,
    /// What happened (the client's error message; never a request value).
    pub message: String,
}

/// What the check found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Diagnosis {
    /// E04 was answered about the order (no such order, or an error about it): the merchant code, the API contract
    /// and the IP registration passed.
    Connected {
        /// What E04 answered, in words.
        answer: String,
    },
    /// The gateway refused a call with an error code.
    Refused(Refusal),
    /// A call got no gateway answer.
    Failed(Failed),
    /// The check's request is invalid (the merchant code is malformed): nothing was sent.
    NotSent {
        /// The violations.
        reason: String,
    },
}

/// The report of a check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The base URL the check talked to.
    pub base: String,
    /// The global IP Yamato sees for this server (H01 `ipAddress`), when H01 answered it.
    pub ip: Option<String>,
    /// The answer time of the last answered call.
    pub elapsed: Option<Duration>,
    /// The diagnosis.
    pub diagnosis: Diagnosis,
}

impl Report {
    /// Whether the check connected (exit 0); anything else is a diagnosed problem (exit 1).
    pub fn is_connected(&self) -> bool {
        matches!(self.diagnosis, Diagnosis::Connected { .. })
    }

    /// The exit status of `kuroneko check`: 0 connected, 1 a diagnosed problem.
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.is_connected())
    }

    /// The report as lines of text: the IP Yamato sees, then the diagnosis in the words of `japay_cli::check`
    /// (`connected: …`, `error CODE: …` with the remediation in Japanese and English, `LAYER: …`, `not sent: …`).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(ip) = &self.ip {
            lines.push(format!("global ip: Yamato sees this server as {ip}"));
        }
        let millis = self.elapsed.map(|elapsed| elapsed.as_millis());
        match &self.diagnosis {
            Diagnosis::Connected { answer } => {
                let time = millis.map(|ms| format!(" in {ms} ms")).unwrap_or_default();
                lines.push(format!("connected: {} answered{time} ({answer})", self.base));
            }
            Diagnosis::Refused(refusal) => {
                let (ja, en) = refusal.entry.map_or(("", "unknown code"), |entry| (entry.ja, entry.en));
                lines.push(format!("error {}: {ja} ({en})", refusal.code));
                let time = millis.map(|ms| format!(" in {ms} ms")).unwrap_or_default();
                lines.push(format!("answered by {} to {}{time}", self.base, refusal.step));
                if let Some(ip) = &refusal.ip_to_register {
                    lines.push(format!("register this ip: {ip} (加盟店情報設定 → API方式情報)"));
                }
                lines.extend(refusal.remediation_ja());
                lines.extend(refusal.remediation_en());
            }
            Diagnosis::Failed(failed) => {
                lines.push(format!("{}: {}: {}", failed.layer.word(), failed.step, failed.message))
            }
            Diagnosis::NotSent { reason } => lines.push(format!("not sent: {reason}")),
        }
        lines
    }
}

/// Runs the check against `environment` for the merchant `trader_code`, each call waiting at most `timeout` and
/// sent once (a check reports, it does not insist).
pub async fn check(environment: Environment, trader_code: &str, timeout: Duration) -> Report {
    let base = shown(environment.base(&kuroneko_proto::generated::GATEWAY).unwrap_or_default());
    match Client::builder().environment(environment).timeout(timeout).read_attempts(1).build() {
        Ok(client) => run(&client, trader_code).await,
        Err(error) => Report {
            base,
            ip: None,
            elapsed: None,
            diagnosis: Diagnosis::Failed(Failed {
                step: Step::TraderIp,
                layer: Layer::Other,
                status: None,
                message: error.to_string(),
            }),
        },
    }
}

/// Runs the check with `client` (its environment, timeout and read attempts) for the merchant `trader_code`.
pub async fn run(client: &Client, trader_code: &str) -> Report {
    let base = shown(client.environment().base(&kuroneko_proto::generated::GATEWAY).unwrap_or_default());
    let mut report = Report { base, ip: None, elapsed: None, diagnosis: Diagnosis::NotSent { reason: String::new() } };
    let lookup = TradeInfo { trader_code, order_no: NO_SUCH_ORDER };
    if let Err(violations) = lookup.validate(client.inner().options()) {
        report.diagnosis = Diagnosis::NotSent { reason: format!("the request is invalid: {violations}") };
        return report;
    }
    // 1. H01: the IP Yamato sees
    match crate::trader_ip::ask(client, trader_code).await {
        Asked::Answered { elapsed, answer } => {
            report.elapsed = Some(elapsed);
            match answer {
                Ok(ip) => report.ip = ip,
                Err(refusal) if refusal.problem.is_some() => {
                    report.diagnosis = Diagnosis::Refused(refusal);
                    return report;
                }
                // another refusal of H01 (not documented): E04 says whether the connection works
                Err(_) => {}
            }
        }
        Asked::Failed(failed) => {
            report.diagnosis = Diagnosis::Failed(failed);
            return report;
        }
    }
    // 2. E04 for an order that cannot exist
    report.diagnosis = match client.call(&lookup).await {
        Ok(exchange) => {
            report.elapsed = Some(exchange.elapsed());
            read_lookup(exchange.answer(), report.ip.as_deref())
        }
        Err(error) => Diagnosis::Failed(failed(Step::TradeInfo, &error)),
    };
    report
}

/// What a call of the check came to.
pub(crate) enum Asked<T> {
    /// The gateway answered: what it said, or its refusal.
    Answered { elapsed: Duration, answer: Result<T, Refusal> },
    /// No gateway answer.
    Failed(Failed),
}

/// The diagnosis of E04's answer.
fn read_lookup(answer: &Decoded<'_>, ip: Option<&str>) -> Diagnosis {
    match answer.get(RESULT_FIELD) {
        Some(RESULT_SUCCESS) => {
            let rows = answer.groups_named(ROW).count();
            Diagnosis::Connected { answer: format!("{}: {rows} transaction(s) for {NO_SUCH_ORDER}", Step::TradeInfo) }
        }
        Some(_) => {
            let code = answer.get(ERROR_ELEMENT).unwrap_or("");
            if is_setup_error(code) {
                Diagnosis::Refused(refusal(Step::TradeInfo, code, ip))
            } else {
                Diagnosis::Connected { answer: format!("{}: error {code} about the order", Step::TradeInfo) }
            }
        }
        None => Diagnosis::Failed(Failed {
            step: Step::TradeInfo,
            layer: Layer::InvalidAnswer,
            status: None,
            message: format!("no {RESULT_FIELD} in the answer"),
        }),
    }
}

/// Whether an error code says the request did not get as far as the order: a common code (`Z01…`, facts §4.3), an
/// empty or unreadable code, or a parameter error (function code + `101`, facts §4.2).
fn is_setup_error(code: &str) -> bool {
    code.len() != 10 || code.starts_with("Z01") || code.get(3..6) == Some("101")
}

/// The refusal of `step` with `code`; `ip` is H01's answer.
pub(crate) fn refusal(step: Step, code: &str, ip: Option<&str>) -> Refusal {
    let problem = Problem::of(code);
    Refusal {
        step,
        code: code.to_owned(),
        entry: ERROR_CODE.lookup(code),
        problem,
        ip_to_register: ip.filter(|_| problem == Some(Problem::IpNotRegistered)).map(str::to_owned),
    }
}

/// The layer at which `error`, the failure of `step`, happened.
pub(crate) fn failed(step: Step, error: &Error) -> Failed {
    let (layer, status) = match error {
        Error::Client(ClientError::Send { error: send, .. }) => match send.kind() {
            SendErrorKind::Timeout => (Layer::Timeout, None),
            SendErrorKind::Connect => (connect_layer(send), None),
            _ => (Layer::Connection, None),
        },
        Error::Client(ClientError::Transport { error: TransportError::Status { status, .. }, .. }) => {
            (Layer::HttpStatus, Some(status.as_u16()))
        }
        Error::Client(ClientError::Transport { .. }) => (Layer::HttpStatus, None),
        Error::Client(ClientError::Parse { .. }) => (Layer::InvalidAnswer, None),
        _ => (Layer::Other, None),
    };
    Failed { step, layer, status, message: error.to_string() }
}

/// The layer of a connection failure: the resolver's (`dns error`) or the TCP connector's (`tcp …`) failure as the
/// HTTP stack names it in the error's causes; any other connection failure is the TLS handshake's.
fn connect_layer(error: &japay_client::SendError) -> Layer {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        let text = error.to_string();
        if text.starts_with("dns error") {
            return Layer::Dns;
        }
        if text.starts_with("tcp ") {
            return Layer::Connection;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::{ConnectionRefused, ConnectionReset, HostUnreachable, NetworkUnreachable};
            if matches!(io.kind(), ConnectionRefused | ConnectionReset | HostUnreachable | NetworkUnreachable) {
                return Layer::Connection;
            }
        }
        cause = error.source();
    }
    Layer::Tls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_diagnosed_code_is_in_the_spec_table_and_round_trips() {
        for (code, problem) in PROBLEMS {
            assert!(ERROR_CODE.lookup(code).is_some(), "{code} is not in spec/kuroneko/codes/error_code.yaml");
            assert_eq!((Problem::of(code), problem.code()), (Some(*problem), *code));
        }
    }

    #[test]
    fn the_order_number_is_valid() {
        let lookup = TradeInfo { trader_code: "888888888", order_no: NO_SUCH_ORDER };
        assert_eq!(lookup.validate(japay_core::Options::new(japay_core::Charset::Utf8)), Ok(()));
    }

    #[test]
    fn setup_errors() {
        #[rustfmt::skip]
        let cases = [
            ("Z012000009", true), ("Z019999999", true), ("E041010201", true), ("", true), ("E04", true),
            ("E042000001", false), ("A082000003", false),
        ];
        for (code, expected) in cases {
            assert_eq!(is_setup_error(code), expected, "{code}");
        }
    }
}

/// The base URL as the report shows it: a user name and password in it (`http://user:pass@host/`) are never
/// printed back.
fn shown(base: &str) -> String {
    let Some((scheme, rest)) = base.split_once("://") else { return base.to_owned() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest.get(..authority_end).and_then(|authority| authority.rfind('@')) {
        Some(at) => format!("{scheme}://<redacted>@{}", rest.get(at + 1..).unwrap_or_default()),
        None => base.to_owned(),
    }
}

#[cfg(test)]
mod shown_tests {
    use super::shown;

    #[test]
    fn credentials_in_a_base_url_are_never_shown() {
        for (base, expected) in [
            ("http://user:pass@127.0.0.1:8484/", "http://<redacted>@127.0.0.1:8484/"),
            ("https://api.kuronekoyamato.co.jp/api/", "https://api.kuronekoyamato.co.jp/api/"),
            ("http://127.0.0.1:8484/a@b", "http://127.0.0.1:8484/a@b"),
            ("http://u@h", "http://<redacted>@h"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(shown(base), expected);
        }
    }
}
