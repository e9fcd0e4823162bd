//! The merchant's side of a demo: an in-process HTTP endpoint on 127.0.0.1 that answers the gateway's notifications
//! (recording their bodies), records the buyer's arrivals at the return URL, and accepts any POST at a post-back URL
//! (3-D Secure's TermUrl).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The merchant's endpoint, serving until dropped.
#[derive(Debug)]
pub struct Merchant {
    url: String,
    notifications: Arc<Mutex<Vec<String>>>,
    returns: Arc<Mutex<Vec<String>>>,
    server: tokio::task::JoinHandle<()>,
}

impl Merchant {
    /// Starts it on a free port of 127.0.0.1 (inside a tokio runtime); `reply` is the body it answers every
    /// notification with (what the gateway expects from a merchant that took it).
    ///
    /// # Errors
    /// It could not listen.
    pub async fn start(reply: &'static str) -> Result<Merchant, String> {
        use axum::routing::{get, post};
        let notifications = Arc::new(Mutex::new(Vec::new()));
        let returns = Arc::new(Mutex::new(Vec::new()));
        let (n, r) = (Arc::clone(&notifications), Arc::clone(&returns));
        let router = axum::Router::new()
            .route(
                "/notify",
                post(move |body: axum::body::Bytes| async move {
                    // a form body is percent-encoded ASCII; anything else is kept exactly, its bytes escaped
                    let text =
                        std::str::from_utf8(&body).map_or_else(|_| body.escape_ascii().to_string(), str::to_owned);
                    n.lock().map(|mut list| list.push(text)).ok();
                    reply
                }),
            )
            .route(
                "/return",
                get(move |uri: axum::http::Uri| async move {
                    r.lock().map(|mut list| list.push(uri.query().unwrap_or_default().to_owned())).ok();
                    "thank you"
                }),
            )
            .route("/term", post(|| async { "ok" }));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| format!("cannot start the merchant endpoint: {e}"))?;
        let addr = listener.local_addr().map_err(|e| format!("merchant endpoint: {e}"))?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Merchant { url: format!("http://{addr}"), notifications, returns, server })
    }

    /// Its base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Where the gateway posts notifications (`BASE/notify`).
    pub fn notify_url(&self) -> String {
        format!("{}/notify", self.url)
    }

    /// Where the buyer returns (`BASE/return`).
    pub fn return_url(&self) -> String {
        format!("{}/return", self.url)
    }

    /// A URL that accepts any POST (`BASE/term`: 3-D Secure's TermUrl).
    pub fn term_url(&self) -> String {
        format!("{}/term", self.url)
    }

    /// The buyer's browser ended on `url` with HTTP `status` (following the gateway's redirect): the query string
    /// the return URL received.
    ///
    /// # Errors
    /// The browser ended elsewhere, or with a status other than 2xx, or no arrival was recorded.
    pub fn arrival(&self, url: &str, status: u16) -> Result<String, String> {
        if !url.starts_with(&self.return_url()) {
            return Err(format!("expected a redirect to the merchant's return_url, got {url} (http {status})"));
        }
        if !(200..300).contains(&status) {
            return Err(format!("GET {url}: http {status}"));
        }
        let last = self.returns.lock().ok().and_then(|list| list.last().cloned());
        last.ok_or_else(|| "the merchant recorded no redirect".to_owned())
    }

    /// The first notification body containing `needle`, waited for up to `within` (checked every 100 ms); `None`
    /// when none came.
    pub async fn wait_notification(&self, needle: &str, within: Duration) -> Option<String> {
        let step = Duration::from_millis(100);
        let rounds = within.as_millis().div_ceil(step.as_millis()).max(1);
        for round in 0..rounds {
            let found =
                self.notifications.lock().ok().and_then(|list| list.iter().find(|body| body.contains(needle)).cloned());
            if found.is_some() {
                return found;
            }
            if round + 1 < rounds {
                tokio::time::sleep(step).await;
            }
        }
        None
    }
}

impl Drop for Merchant {
    fn drop(&mut self) {
        self.server.abort();
    }
}
