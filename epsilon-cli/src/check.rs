//! `epsilon check`: Epsilon's connection check (接続確認) on the neutral machinery ([`japay_cli::check`]).
//!
//! The onboarding guide asks every shop to confirm its connection to the test environment first. Shop plugins do it
//! with a harmless request: a user_register (process_code 3) for a dummy user, which only answers with a redirect to
//! the card-entry page and stores nothing until a buyer fills that page in. This is that call, and the diagnosis of
//! the three gateway errors of the FAQ (908 source host not registered, 907 contract not usable, 607 contract code
//! malformed or unknown) with the FAQ's remediation in Japanese and English. The layers below it (DNS, connection,
//! TLS, timeout, HTTP status) and the wording of each ending are the machinery's.

use std::time::Duration;

use clap::{Arg, ArgMatches};
use epsilon_client::{Client, ClientError, Environment, SendErrorKind};
use epsilon_proto::generated::codes::ERR_CODE;
use epsilon_proto::transport::TransportError;
use epsilon_proto::{UserRegister, UserRegisterOutcome};
use japay_cli::check::{Failure, Probe, Probed, Verdict};

use crate::epsilon::Epsilon;

/// The dummy user of the check. EC-CUBE's plugin sends `connect_test` (facts §7.2), but the user_id rule of the spec
/// (A-Za-z0-9-.+/@) refuses `_`, so the check sends the same name without it.
const USER_ID: &str = "connecttest";

impl Probe for Epsilon {
    const ABOUT: &'static str =
        "Check the connection to the gateway (接続確認): send a user_register for a dummy user and diagnose";
    const LONG_ABOUT: &'static str = "Send the request shop plugins use to check their connection (接続確認): a \
        user_register (receive_order3.cgi, process_code 3) for the dummy user connecttest, which only answers with a \
        redirect to the card-entry page. Then print a diagnosis on stdout.\n\n\
        Exit 0: connected, with the answer time. Exit 1: the gateway refused the request (908 source host not \
        registered, 907 contract not usable, 607 contract code malformed or unknown: each with the FAQ's \
        remediation in Japanese and English; any other error code with its text), or the request failed \
        before an answer, named by layer: dns, connection, tls, timeout, http status, invalid answer. \
        Exit 2: usage error.";
    const BASE_URL_HELP: &'static str =
        "Another base URL, ending in /cgi-bin/order/ (a local sandbox: http://127.0.0.1:8383/cgi-bin/order/)";

    /// The contract code the dummy user is registered under.
    type Call = String;

    fn args() -> Vec<Arg> {
        vec![
            Arg::new("contract")
                .long("contract")
                .value_name("CODE")
                .required(true)
                .help("The contract code (契約コード, 8 digits)"),
        ]
    }

    fn prepare(args: &ArgMatches) -> Result<String, String> {
        let contract = args.get_one::<String>("contract").map_or("", String::as_str);
        if let Err(report) = request(contract).validate(Default::default()) {
            let mut text = format!("the request is invalid: {report}");
            if report.violations().iter().any(|v| v.field == "contract_code") {
                text.push('\n');
                text.push_str(&remediation("607").unwrap_or_default());
            }
            return Err(text);
        }
        Ok(contract.to_owned())
    }

    async fn call(contract: String, environment: Environment, timeout: Duration) -> Probed {
        let client = match Client::builder().environment(environment).timeout(timeout).build() {
            Ok(client) => client,
            Err(e) => return Probed::Failed(Failure::Other(e.to_string())),
        };
        let answer = match client.call(&request(&contract)).await {
            Ok(answer) => answer,
            Err(error) => return Probed::Failed(failure(&error)),
        };
        let elapsed = answer.elapsed();
        let verdict = match answer.view().outcome() {
            Ok(UserRegisterOutcome::Redirect { .. }) => {
                Verdict::Connected(format!("user_register for {USER_ID}: redirect"))
            }
            Ok(UserRegisterOutcome::Failure { code, detail }) => {
                let (ja, en) = code.entry.map_or(("", ""), |entry| (entry.ja, entry.en));
                Verdict::Refused {
                    code: code.value().to_owned(),
                    text: format!("{ja} ({en})"),
                    detail: detail.map(|detail| detail.to_string()),
                }
            }
            Ok(_) => Verdict::Invalid(format!(
                "an outcome this check does not know (answered in {} ms)",
                elapsed.as_millis()
            )),
            Err(e) => Verdict::Invalid(e.to_string()),
        };
        Probed::Answered { elapsed, verdict }
    }

    fn remediation(code: &str) -> Option<String> {
        remediation(code)
    }
}

/// The check's user_register for the dummy user.
fn request(contract: &str) -> UserRegister<'_> {
    UserRegister {
        contract_code: contract,
        user_id: USER_ID,
        user_name: "接続確認",
        user_mail_add: "connect_test@example.com",
        ..Default::default()
    }
}

/// The layer a call that got no gateway answer failed at.
fn failure(error: &ClientError) -> Failure {
    match error {
        ClientError::Send { error, .. } => match error.kind() {
            SendErrorKind::Timeout => Failure::Timeout,
            SendErrorKind::Connect => Failure::Connect(error.to_string()),
            _ => Failure::Network(error.to_string()),
        },
        ClientError::Transport { error: TransportError::Status { status, head }, .. } => {
            Failure::Status { status: status.as_u16(), head: head.to_string() }
        }
        ClientError::Transport { error, .. } => Failure::Http(error.to_string()),
        ClientError::Parse { error, .. } => Failure::InvalidAnswer(error.to_string()),
        other => Failure::Other(other.to_string()),
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
