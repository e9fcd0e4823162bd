//! Starting a sandbox and talking to it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use japay_core::{Charset, Credentials, DynamicRequest, Options};
use japay_sandbox::buyer::Browser;
use kuroneko_proto::Answer;
use kuroneko_proto::generated::{OPERATIONS, OUTCOMES};
use kuroneko_proto::token::TokenInfo;
use kuroneko_sandbox::{Config, DEFAULT_ACCESS_KEY, DEFAULT_TRADER_CODE, Running};

/// The sandbox's default trader code.
pub(crate) const TRADER: &str = DEFAULT_TRADER_CODE;

/// Owned request fields.
pub(crate) type Fields = Vec<(&'static str, String)>;

/// A running sandbox, an HTTP client that does not follow redirects, and the buyer's browser.
pub(crate) struct Sandbox {
    pub(crate) running: Running,
    pub(crate) http: reqwest::Client,
    pub(crate) browser: Browser,
}

/// A config for tests: fast notification retries.
pub(crate) fn config() -> Config {
    Config { notify_backoff: Duration::from_millis(5), notify_max_attempts: 5, ..Config::default() }
}

/// A fresh temporary database path (not created).
pub(crate) fn temp_db(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "kuroneko-sandbox-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("sandbox.db")
}

/// The outcome of an answer to `op`: the generated outcome's name and error code when the operation has outcomes,
/// else `ok`/`failure` by `returnCode`. The answer must parse either way.
pub(crate) fn classify(op: &str, body: &str) -> (String, String) {
    let answer = Answer::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{op}: {e}: {body}"));
    if let Some((_, summarize)) = OUTCOMES.iter().find(|(name, _)| *name == op) {
        let summary = summarize(&answer).unwrap_or_else(|e| panic!("{op}: {e}: {body}"));
        return (summary.name.to_owned(), summary.error.map(|c| c.value().to_owned()).unwrap_or_default());
    }
    let code = answer.get("errorCode").unwrap_or("").to_owned();
    match answer.return_code() {
        Some("0") => ("ok".to_owned(), code),
        Some("2") => ("pending".to_owned(), code),
        _ => ("failure".to_owned(), code),
    }
}

/// The text of element `name` of an answer.
pub(crate) fn element(body: &str, name: &str) -> String {
    Answer::parse(body.as_bytes()).unwrap().get(name).unwrap_or("").to_owned()
}

/// Sets `name` in `fields` (replacing, or adding), or removes it when `value` is `None`.
pub(crate) fn with(mut fields: Fields, changes: &[(&'static str, Option<&str>)]) -> Fields {
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        if let Some(value) = value {
            fields.push((name, (*value).to_owned()));
        }
    }
    fields
}

impl Sandbox {
    pub(crate) async fn start(config: Config) -> Sandbox {
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let running = kuroneko_sandbox::start(config, listen).await.unwrap();
        Sandbox::on(running)
    }

    pub(crate) fn on(running: Running) -> Sandbox {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let browser = Browser::new().unwrap().following_redirects(false);
        Sandbox { running, http, browser }
    }

    /// POSTs `op` (by name) with `fields` to its test-gateway URL, encoded by kuroneko-proto (`function_div` filled
    /// in), or as a careless client would send it when the encoder refuses; the body.
    pub(crate) async fn call(&self, op: &str, fields: &[(&'static str, String)]) -> String {
        let spec = OPERATIONS.iter().find(|o| o.name == op).unwrap_or_else(|| panic!("no operation {op}"));
        let mut request = DynamicRequest::new(spec);
        for (name, value) in fields {
            request.set(name, value);
        }
        let credentials = Credentials::new().with("access_key", DEFAULT_ACCESS_KEY);
        let options = Options::new(Charset::Utf8).local_sandbox(true).with_credentials(&credentials);
        let mut body = Vec::new();
        if request.encode(options, &mut body).is_err() {
            let function = spec.fields.iter().find(|f| f.wire == "function_div").and_then(|f| f.fixed).unwrap();
            let mut pairs: Vec<(&str, &str)> = vec![("function_div", function)];
            pairs.extend(fields.iter().map(|(n, v)| (*n, v.as_str())));
            body = japay_sandbox::form::encode(pairs).into_bytes();
        }
        self.post_raw(&format!("{}.api", spec.path), body).await.1
    }

    /// POSTs a raw body to `/test_gateway/NAME`; the HTTP status and the body.
    pub(crate) async fn post_raw(&self, name: &str, body: Vec<u8>) -> (u16, String) {
        let url = format!("{}{name}", self.running.api_base());
        let response = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded; charset=UTF-8")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// POSTs a form (UTF-8) to a sandbox path.
    pub(crate) async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.running.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(japay_sandbox::form::encode(pairs.iter().copied()))
            .send()
            .await
            .unwrap()
    }

    /// GETs a JSON control endpoint.
    pub(crate) async fn get_json(&self, path: &str) -> serde_json::Value {
        let text = self.http.get(format!("{}{path}", self.running.url())).send().await.unwrap().text().await.unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    /// Fixes the sandbox clock's time of day (`HH:MM`).
    pub(crate) async fn set_time(&self, time: &str) {
        assert_eq!(self.post_form("/sandbox/time", &[("time", time)]).await.status(), 200, "{time}");
    }

    /// A one-time token for `card` through `POST /sandbox/token` (a guest, no 3-D Secure asked), with `info`'s
    /// stored-card keys when given.
    pub(crate) async fn token_with(&self, card: &str, info: TokenInfo<'_>) -> String {
        let json = info.to_json(DEFAULT_ACCESS_KEY).unwrap();
        let mut object: serde_json::Value = serde_json::from_str(&json).unwrap();
        if !card.is_empty() {
            object["cardNo"] = card.into();
            object["cardExp"] = "1230".into();
            object["cardOwner"] = "TARO YAMADA".into();
        }
        let response = self
            .http
            .post(format!("{}/sandbox/token", self.running.url()))
            .body(object.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["token"].as_str().unwrap().to_owned()
    }

    /// A guest token for `card`.
    pub(crate) async fn token(&self, card: &str) -> String {
        self.token_with(
            card,
            TokenInfo { trader_code: TRADER, auth_div: "2", opt_serv_div: "00", ..TokenInfo::default() },
        )
        .await
    }
}

/// The fields of an A08 numbered `order_no` paid with `token`.
pub(crate) fn credit_token(order_no: &str, token: &str) -> Fields {
    vec![
        ("trader_code", TRADER.to_owned()),
        ("device_div", "2".to_owned()),
        ("order_no", order_no.to_owned()),
        ("settle_price", "1500".to_owned()),
        ("buyer_name_kanji", "山田 太郎".to_owned()),
        ("buyer_tel", "03-1234-5678".to_owned()),
        ("buyer_email", "taro@example.jp".to_owned()),
        ("pay_way", "1".to_owned()),
        ("token", token.to_owned()),
    ]
}

/// The fields of an E04 for `order_no`.
pub(crate) fn trade_info(order_no: &str) -> Fields {
    vec![("trader_code", TRADER.to_owned()), ("order_no", order_no.to_owned())]
}

/// E04's `statusInfo` of an order (empty when E04 has no row).
pub(crate) async fn status(sb: &Sandbox, order_no: &str) -> String {
    let body = sb.call("trade_info", &trade_info(order_no)).await;
    let answer = Answer::parse(body.as_bytes()).unwrap();
    answer.groups_named("resultData").next().and_then(|row| row.get("statusInfo")).unwrap_or("").to_owned()
}
