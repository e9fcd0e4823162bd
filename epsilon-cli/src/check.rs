//! `epsilon check`: the onboarding connection check (接続確認).
//!
//! The onboarding guide asks every shop to confirm its connection to the test environment first. Shop plugins do it
//! with a harmless request: a user_register (process_code 3) for a dummy user, which only answers with a redirect to
//! the card-entry page and stores nothing until a buyer fills that page in. This command sends the same request and
//! names what went wrong: the three gateway errors of the FAQ (908 source host not registered, 907 contract not
//! usable, 607 contract code malformed or unknown) with the FAQ's remediation in Japanese and English, or the layer
//! that failed before the gateway could answer (DNS, connection, TLS, timeout, HTTP status).

use std::net::SocketAddr;
use std::time::Duration;

use clap::builder::{PossibleValuesParser, RangedU64ValueParser};
use clap::{Arg, ArgMatches, Command};
use epsilon_client::{Client, ClientError, Environment, SendErrorKind};
use epsilon_proto::generated::codes::ERR_CODE;
use epsilon_proto::transport::TransportError;
use epsilon_proto::{UserRegister, UserRegisterOutcome};
use japay_cli::output::Output;

/// The check failed: the diagnosis says why.
const FAILED: u8 = 1;
/// Usage error.
const USAGE: u8 = 2;

/// The dummy user of the check. EC-CUBE's plugin sends `connect_test` (facts §7.2), but the user_id rule of the spec
/// (A-Za-z0-9-.+/@) refuses `_`, so the check sends the same name without it.
const USER_ID: &str = "connecttest";

/// The `check` subcommand.
pub(crate) fn command() -> Command {
    Command::new("check")
        .about("Check the connection to the gateway (接続確認): send a user_register for a dummy user and diagnose")
        .long_about(
            "Send the request shop plugins use to check their connection (接続確認): a user_register \
             (receive_order3.cgi, process_code 3) for the dummy user connecttest, which only answers with a \
             redirect to the card-entry page. Then print a diagnosis on stdout.\n\n\
             Exit 0: connected, with the answer time. Exit 1: the gateway refused the request (908 source host not \
             registered, 907 contract not usable, 607 contract code malformed or unknown: each with the FAQ's \
             remediation in Japanese and English; any other error code with its text), or the request failed \
             before an answer, named by layer: dns, connection, tls, timeout, http status, invalid answer. \
             Exit 2: usage error.",
        )
        .arg(
            Arg::new("contract")
                .long("contract")
                .value_name("CODE")
                .required(true)
                .help("The contract code (契約コード, 8 digits)"),
        )
        .arg(
            Arg::new("env")
                .long("env")
                .value_name("ENV")
                .value_parser(PossibleValuesParser::new(["test", "production"]))
                .conflicts_with("base-url")
                .help("The gateway environment [default: test]"),
        )
        .arg(Arg::new("base-url").long("base-url").value_name("URL").help(
            "Another base URL, ending in /cgi-bin/order/ (a local sandbox: http://127.0.0.1:8383/cgi-bin/order/)",
        ))
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECS")
                .value_parser(RangedU64ValueParser::<u64>::new().range(1..=600))
                .default_value("20")
                .help("Seconds to wait for the answer"),
        )
}

/// Runs `check`; returns the exit status.
pub(crate) fn run(m: &ArgMatches) -> u8 {
    let contract = m.get_one::<String>("contract").map_or("", String::as_str);
    let environment = match (m.get_one::<String>("base-url"), m.get_one::<String>("env").map(String::as_str)) {
        (Some(url), _) => {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                Output::std("epsilon")
                    .error(format_args!("error: --base-url: expected an http:// or https:// URL, got {url:?}"));
                return USAGE;
            }
            Environment::Custom(url.clone())
        }
        (None, Some("production")) => Environment::Production,
        (None, _) => Environment::Test,
    };
    let timeout = Duration::from_secs(m.get_one::<u64>("timeout").copied().unwrap_or(20));
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            Output::std("epsilon").error(format_args!("error: cannot start the async runtime: {e}"));
            return FAILED;
        }
    };
    let diagnosis = runtime.block_on(check(contract, environment, timeout));
    match Output::std("epsilon").line(&diagnosis.text) {
        0 => diagnosis.code,
        failed => failed,
    }
}

/// What to print and the exit status.
struct Diagnosis {
    text: String,
    code: u8,
}

fn failed(text: impl Into<String>) -> Diagnosis {
    Diagnosis { text: text.into(), code: FAILED }
}

/// The scheme, host and port of a base URL (`None` when it has no host).
fn endpoint(base: &str) -> Option<(bool, String, u16)> {
    let (tls, rest) = if let Some(rest) = base.strip_prefix("https://") {
        (true, rest)
    } else {
        (false, base.strip_prefix("http://")?)
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let default = if tls { 443 } else { 80 };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(port) => port.parse().ok()?,
            None => default,
        };
        (host.to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), port.parse().ok()?),
            None => (authority.to_owned(), default),
        }
    };
    (!host.is_empty()).then_some((tls, host, port))
}

/// The check itself.
async fn check(contract: &str, environment: Environment, timeout: Duration) -> Diagnosis {
    let base = environment.base(&epsilon_proto::generated::GATEWAY).unwrap_or_default().to_owned();
    let request = UserRegister {
        contract_code: contract,
        user_id: USER_ID,
        user_name: "接続確認",
        user_mail_add: "connect_test@example.com",
        ..Default::default()
    };
    if let Err(report) = request.validate(Default::default()) {
        let mut text = format!("not sent: the request is invalid: {report}");
        if report.violations().iter().any(|v| v.field == "contract_code") {
            text.push('\n');
            text.push_str(&remediation("607").unwrap_or_default());
        }
        return failed(text);
    }
    let Some((tls, host, port)) = endpoint(&base) else {
        return Diagnosis { text: format!("error: no host in the base URL {base:?}"), code: USAGE };
    };
    // DNS and TCP first, so that each layer is named by its own failure
    let addresses: Vec<SocketAddr> =
        match tokio::time::timeout(timeout, tokio::net::lookup_host((host.as_str(), port))).await {
            Ok(Ok(addresses)) => addresses.collect(),
            Ok(Err(e)) => return failed(format!("dns: cannot resolve {host}: {e}")),
            Err(_) => return failed(format!("dns: timeout: {host} not resolved within {} s", timeout.as_secs())),
        };
    let Some(address) = addresses.first().copied() else {
        return failed(format!("dns: {host} has no address"));
    };
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return failed(format!("connection: cannot connect to {host} ({address}): {e}")),
        Err(_) => {
            return failed(format!("timeout: connecting to {host} ({address}) took more than {} s", timeout.as_secs()));
        }
    }
    let client = match Client::builder().environment(environment).timeout(timeout).build() {
        Ok(client) => client,
        Err(e) => return failed(format!("error: {e}")),
    };
    let answer = match client.call(&request).await {
        Ok(answer) => answer,
        Err(error) => return failed(transport_failure(&error, tls, &host, timeout)),
    };
    let millis = answer.elapsed().as_millis();
    let view = answer.view();
    match view.outcome() {
        Ok(UserRegisterOutcome::Redirect { .. }) => Diagnosis {
            text: format!("connected: {base} answered in {millis} ms (user_register for {USER_ID}: redirect)"),
            code: 0,
        },
        Ok(UserRegisterOutcome::Failure { code, detail }) => {
            let value = code.value();
            let (ja, en) = code.entry.map_or(("", ""), |entry| (entry.ja, entry.en));
            let mut text = format!("error {value}: {ja} ({en})");
            if let Some(detail) = detail {
                text.push_str(&format!("\ngateway detail: {detail}"));
            }
            text.push_str(&format!("\nanswered by {base} in {millis} ms"));
            if let Some(help) = remediation(value) {
                text.push('\n');
                text.push_str(&help);
            }
            failed(text)
        }
        Ok(_) => failed(format!("invalid answer: an outcome this check does not know (answered in {millis} ms)")),
        Err(e) => failed(format!("invalid answer: {e}")),
    }
}

/// The diagnosis of a call that got no gateway answer.
fn transport_failure(error: &ClientError, tls: bool, host: &str, timeout: Duration) -> String {
    match error {
        ClientError::Send { error, .. } => match error.kind() {
            SendErrorKind::Timeout => format!("timeout: no answer from {host} within {} s", timeout.as_secs()),
            // the TCP connection worked a moment ago: over https, what fails now is the TLS handshake
            SendErrorKind::Connect if tls => format!("tls: the TLS handshake with {host} failed: {error}"),
            _ => format!("connection: {error}"),
        },
        ClientError::Transport { error: TransportError::Status { status, head }, .. } => {
            format!("http status: {host} answered HTTP {} instead of 200; body starts {head}", status.as_u16())
        }
        ClientError::Transport { error, .. } => format!("http status: {error}"),
        ClientError::Parse { error, .. } => format!("invalid answer: {error}"),
        other => format!("error: {other}"),
    }
}

/// The FAQ's remediation for the error codes of the connection check (908, 907, 607), Japanese then English; for any
/// other code the code table's remediation, when it has one.
fn remediation(code: &str) -> Option<String> {
    let ja = match code {
        "908" => {
            "対処(FAQ): イプシロン管理画面「設定 ⇒ 決済システムの接続設定」の「オーダー情報発信元ホスト」に、このサーバーの\
             送信元IPアドレス、またはIPアドレスから逆引き可能なホスト名を登録してください(URLではありません。\
             例: 123.456.78.9 や epsilon.jp は可、http://www.epsilon.jp は不可)。共有サーバ・バーチャルホストの場合は\
             大元のサーバのIPアドレス(または逆引き可能なホスト名)を登録し、実際にそのサーバーから接続しているかを\
             確認してください。"
        }
        "907" => {
            "対処(FAQ): イプシロンとの正式契約が完了しているか、ご利用の決済方法が契約に含まれているか\
             (登録完了通知書)を確認してください。送信している契約コード(contract_code)が正しいかも確認してください。"
        }
        "607" => {
            "対処: 契約コード(contract_code)の形式が正しくないか、存在しない契約コードです。イプシロンから発行された\
             8桁の契約コードを確認してください。"
        }
        // any other code: the table's remediation (English), when it has one
        _ => return ERR_CODE.lookup(code).and_then(|entry| entry.remediation).map(|en| format!("Fix: {en}")),
    };
    let support_ja = "解決しない場合は、契約コード・接続先環境(テスト環境/本番環境)・接続日時(分単位)・注文番号を明記して\
                      お問い合わせください。";
    let en = match code {
        "607" => {
            "Fix: the contract code is malformed or unknown. Check the 8-digit contract code Epsilon issued to you. If \
             the error persists, contact Epsilon with the contract code, the environment (test or production), the \
             time to the minute and the order number."
        }
        _ => ERR_CODE.lookup(code).and_then(|entry| entry.remediation).unwrap_or(""),
    };
    let prefix = if en.starts_with("Fix") { "" } else { "Fix (FAQ): " };
    Some(format!("{ja}{support_ja}\n{prefix}{en}"))
}

#[cfg(test)]
mod tests {
    use super::endpoint;

    #[test]
    fn endpoints() {
        #[rustfmt::skip]
        let cases = [
            ("https://beta.epsilon.jp/cgi-bin/order/", Some((true, "beta.epsilon.jp", 443))),
            ("http://127.0.0.1:8383/cgi-bin/order/", Some((false, "127.0.0.1", 8383))),
            ("http://[::1]:9/cgi-bin/order/", Some((false, "::1", 9))),
            ("http://user@host/x", Some((false, "host", 80))),
            ("http:///cgi-bin/order/", None),
            ("ftp://host/", None),
            ("http://host:port/", None),
        ];
        for (base, expected) in cases {
            let got = endpoint(base);
            assert_eq!(got.as_ref().map(|(t, h, p)| (*t, h.as_str(), *p)), expected, "{base}");
        }
    }
}
