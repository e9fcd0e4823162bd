//! The sandbox's control endpoints (JSON answers): a card turned into a token as the token library would, a
//! convenience-store slip paid, the time of day of the sandbox clock, an order's state.

use std::time::Duration;

/// The sandbox's control endpoints (JSON answers).
pub(super) struct Control {
    http: reqwest::Client,
    base: String,
}

impl Control {
    pub(super) fn new(base: &str) -> Result<Control, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("cannot build an http client: {e}"))?;
        Ok(Control { http, base: base.to_owned() })
    }

    /// The sandbox's base URL (what a relative URL of its pages resolves against).
    pub(super) fn base(&self) -> &str {
        &self.base
    }

    async fn json(&self, request: reqwest::RequestBuilder, what: &str) -> Result<serde_json::Value, String> {
        let response = request.send().await.map_err(|e| format!("{what}: {e}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| format!("{what}: {e}"))?;
        if !status.is_success() {
            return Err(format!("{what}: expected http 200, got {status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("{what}: expected json: {e}"))
    }

    fn form(&self, path: &str, body: String) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    }

    /// `POST /sandbox/token`: the `createToken` info (as `kuroneko_proto::token::TokenInfo::to_json` writes it) with
    /// the card fields the buyer's page adds; the one-time token.
    pub(super) async fn token(&self, info: &str, card: &[(&str, &str)]) -> Result<String, String> {
        let mut object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(info).map_err(|e| format!("token: the info is no json object: {e}"))?;
        for (key, value) in card {
            object.insert((*key).to_owned(), serde_json::Value::from(*value));
        }
        let request = self
            .http
            .post(format!("{}/sandbox/token", self.base))
            .header("content-type", "application/json")
            .body(serde_json::Value::Object(object).to_string());
        let answer = self.json(request, "token").await?;
        answer["token"].as_str().map(str::to_owned).ok_or_else(|| format!("token: expected a token, got {answer}"))
    }

    /// `POST /sandbox/deposits`: the buyer pays a slip at the store.
    pub(super) async fn deposit(&self, order: &str, amount: &str) -> Result<serde_json::Value, String> {
        let body = format!("order_no={}&amount={}", url_encode(order), url_encode(amount));
        self.json(self.form("/sandbox/deposits", body), "deposit").await
    }

    /// `POST /sandbox/clock`: the sandbox's day moves on.
    pub(super) async fn advance_days(&self, days: u32) -> Result<serde_json::Value, String> {
        self.json(self.form("/sandbox/clock", format!("advance_days={days}")), "clock").await
    }

    /// `POST /sandbox/time`: the time of day of the sandbox clock (JST).
    pub(super) async fn time_of_day(&self, time: &str) -> Result<serde_json::Value, String> {
        self.json(self.form("/sandbox/time", format!("time={}", url_encode(time))), "time").await
    }
}

/// Percent-encodes UTF-8 text for a form body or a path segment.
pub(super) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'*') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
