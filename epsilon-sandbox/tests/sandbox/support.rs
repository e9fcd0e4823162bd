//! Starting a sandbox and talking to it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use epsilon_proto::generated::{GATEWAY, OUTCOMES};
use epsilon_proto::{Answer, Charset, DynamicRequest, Options, Version, operation};
use epsilon_sandbox::{Config, Running};
use japay_sandbox::buyer::{Browser, Form, Page};

/// The default contract of a sandbox.
pub(crate) const CONTRACT: &str = "12345678";

/// A running sandbox, an HTTP client that does not follow redirects, and the buyer's browser (the machinery's
/// driver, stopping at redirects: the return URL is not served).
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
        "epsilon-sandbox-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("sandbox.db")
}

impl Sandbox {
    pub(crate) async fn start(config: Config) -> Sandbox {
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let running = epsilon_sandbox::start(config, listen).await.unwrap();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let browser = Browser::new().unwrap().following_redirects(false);
        Sandbox { running, http, browser }
    }

    /// POSTs `op` (by name) with `pairs`, encoded by epsilon-proto in `charset`, to its CGI; the HTTP status and body.
    pub(crate) async fn call(&self, op: &str, pairs: &[(&str, &str)], charset: Charset) -> (u16, Vec<u8>) {
        let spec = operation(op).unwrap();
        let mut request = DynamicRequest::new(spec);
        for (name, value) in pairs {
            assert!(request.set(name, value), "{op}: unknown field {name}");
        }
        let mut body = Vec::new();
        if request.encode(Options::new(charset), &mut body).is_err() {
            // a request the client would refuse: encoded by hand, as a careless client would send it
            body = raw_body(pairs, charset).into_bytes();
        }
        let mut post = self.http.post(format!("{}{}", self.running.cgi_base(), spec.path));
        post = post.header(
            "content-type",
            if charset == Charset::Utf8 {
                "application/x-www-form-urlencoded; charset=UTF-8"
            } else {
                "application/x-www-form-urlencoded"
            },
        );
        let response = post.body(body).send().await.unwrap();
        (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
    }

    /// POSTs a form (UTF-8) to a sandbox path or absolute URL.
    pub(crate) async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.running.url()) };
        self.http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(japay_sandbox::form::encode(pairs.iter().copied()))
            .send()
            .await
            .unwrap()
    }

    /// The first form of the page at `url`, as the buyer's browser opens it.
    pub(crate) async fn open(&self, url: &str) -> Form {
        self.browser.get(url).await.unwrap().form().unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    /// Submits `form` with `fill` typed in, as the buyer does.
    pub(crate) async fn submit(&self, form: &Form, fill: &[(&str, &str)]) -> Page {
        self.browser.submit(form, fill).await.unwrap()
    }

    /// GETs a JSON control endpoint.
    pub(crate) async fn get_json(&self, path: &str) -> serde_json::Value {
        let text = self.http.get(format!("{}{path}", self.running.url())).send().await.unwrap().text().await.unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }
}

/// The outcome name and err_code of an answer to `op`, decoded by epsilon-proto.
pub(crate) fn summarize(op: &str, body: &[u8], version: Version) -> (String, String) {
    let raw = Answer::parse(body, version).unwrap_or_else(|e| panic!("{op}: {e}: {}", String::from_utf8_lossy(body)));
    let summarize = OUTCOMES.iter().find(|(name, _)| *name == op).unwrap().1;
    let summary = summarize(&raw).unwrap_or_else(|e| panic!("{op}: {e}: {}", String::from_utf8_lossy(body)));
    (summary.name.to_owned(), summary.error.map(|c| c.value().to_owned()).unwrap_or_default())
}

/// The decoded value of `name` in an answer.
pub(crate) fn attr(body: &[u8], version: Version, name: &str) -> String {
    Answer::parse(body, version).unwrap().get(name).unwrap_or("").to_owned()
}

/// `name=value&…`, percent-encoded in `charset` (CP932 or UTF-8, with `version=2` for UTF-8) by the gateway's own
/// charset rules, without validating anything.
pub(crate) fn raw_body(pairs: &[(&str, &str)], charset: Charset) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        out.push_str(name);
        out.push('=');
        let mut bytes = Vec::new();
        for c in value.chars() {
            let encoded = GATEWAY.text.encode_char(c, charset).unwrap_or_else(|| panic!("{c:?} in {charset:?}"));
            bytes.extend_from_slice(encoded.as_bytes());
        }
        for b in bytes {
            if b.is_ascii_alphanumeric() {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out.push('&');
    }
    out.push_str(if charset == Charset::Utf8 { "version=2" } else { "xml=1" });
    out
}

/// The fields of a link order numbered `order_number`.
pub(crate) fn link_order(order_number: &str) -> Vec<(&'static str, String)> {
    vec![
        ("contract_code", CONTRACT.to_owned()),
        ("user_id", "U0001".to_owned()),
        ("user_name", "山田 太郎".to_owned()),
        ("user_mail_add", "taro@example.com".to_owned()),
        ("item_code", "ITEM001".to_owned()),
        ("item_name", "テスト商品".to_owned()),
        ("order_number", order_number.to_owned()),
        ("st_code", "10000-0000-00000-00000-00000-00000-00000".to_owned()),
        ("mission_code", "1".to_owned()),
        ("item_price", "1000".to_owned()),
        ("process_code", "1".to_owned()),
    ]
}

/// Borrows owned pairs.
pub(crate) fn pairs<'a>(owned: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    owned.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

/// A card payment numbered `order_number` with card data.
pub(crate) fn card_payment(order_number: &str, card: &str) -> Vec<(&'static str, String)> {
    let mut fields = link_order(order_number);
    fields.extend([("card_number", card.to_owned()), ("expire_y", "2030".to_owned()), ("expire_m", "12".to_owned())]);
    fields
}
