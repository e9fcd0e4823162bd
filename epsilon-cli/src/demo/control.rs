//! The sandbox's control endpoints (JSON answers): deposits, the clock, an order's state.

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

    /// `POST /sandbox/deposits`, then the order's state.
    pub(super) async fn deposit(&self, order: &str, amount: u32) -> Result<serde_json::Value, String> {
        let body = format!("order_number={}&amount={amount}", url_encode(order));
        self.json(self.form("/sandbox/deposits", body), "deposit").await?;
        self.order(order).await
    }

    /// `POST /sandbox/clock`.
    pub(super) async fn advance_days(&self, days: u32) -> Result<serde_json::Value, String> {
        self.json(self.form("/sandbox/clock", format!("advance_days={days}")), "clock").await
    }

    /// `GET /sandbox/orders/{order_number}`.
    pub(super) async fn order(&self, order: &str) -> Result<serde_json::Value, String> {
        let url = format!("{}/sandbox/orders/{}", self.base, url_encode(order));
        self.json(self.http.get(url), "order").await
    }
}

/// Percent-encodes UTF-8 text for a form body or a path segment.
fn url_encode(text: &str) -> String {
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

/// A string field of a control answer, for display.
pub(super) fn field(value: &serde_json::Value, name: &str) -> String {
    match value.get(name) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "(absent)".to_owned(),
    }
}
