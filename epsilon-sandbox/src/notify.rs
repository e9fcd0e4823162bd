//! Server-to-server notifications (決済完了通知, 入金通知): POSTed to [`Config::notify_url`](crate::Config) after the
//! transaction that caused them is committed, retried until the merchant answers `1`, every attempt recorded.
//!
//! **Sandbox choice** (the gateway's schedule is not documented, facts §5.2): the first retry waits
//! `notify_backoff`, each next one twice as long, at most `notify_max_attempts` attempts. The body is accepted when
//! the merchant answers HTTP 200 with exactly `1` (a trailing line break allowed). Bodies are CP932
//! percent-encoded (the charset of notifications is not documented, facts §5.2). A notification is queued in the
//! transaction of the change it reports and delivered after the commit; one still being retried when the process
//! stops is resumed when the sandbox starts again on the same database.

use std::sync::Arc;

use encoding_rs::SHIFT_JIS;
use rusqlite::Transaction;

use crate::Shared;
use crate::store::{self, Attempt};

/// A notification to send.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    /// `payment` (決済完了通知) or `deposit` (入金通知).
    pub(crate) kind: &'static str,
    pub(crate) order_number: String,
    pub(crate) pairs: Vec<(&'static str, String)>,
}

/// `name=value&…`, each value's CP932 bytes percent-encoded (`A-Za-z0-9*-._` raw, space `+`); `None` when a value
/// has a character CP932 cannot hold (nothing is replaced).
pub(crate) fn form_encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<String> {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        let (bytes, _, unmappable) = SHIFT_JIS.encode(value);
        if unmappable {
            return None;
        }
        for &b in bytes.iter() {
            match b {
                b' ' => out.push('+'),
                b if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') => out.push(char::from(b)),
                b => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    Some(out)
}

/// Queues `message` in the transaction that caused it (a transactional outbox: committed together with the state
/// change, so a crash right after the commit loses no notification); `None` when no notify URL is configured.
///
/// # Errors
/// Any SQLite error.
pub(crate) fn enqueue(shared: &Shared, tx: &Transaction<'_>, message: &Message) -> rusqlite::Result<Option<i64>> {
    if shared.config.notify_url.is_none() {
        return Ok(None);
    }
    let body = form_encode(message.pairs.iter().map(|(n, v)| (*n, v.as_str())));
    let now = crate::clock::Now::read(store::clock_offset(tx)?).timestamp();
    store::insert_outbox(tx, message.kind, &message.order_number, body.as_deref(), &now).map(Some)
}

/// Delivers every queued notification that is not finished (after a restart).
pub(crate) async fn resume(shared: Arc<Shared>) {
    if shared.config.notify_url.is_none() {
        return;
    }
    let reader = shared.clone();
    let pending = tokio::task::spawn_blocking(move || reader.store.write(store::pending_outbox)).await;
    for id in pending.ok().and_then(Result::ok).unwrap_or_default() {
        deliver(shared.clone(), id);
    }
}

/// Delivers the queued notification `id` in the background: POSTs until the merchant accepts it or
/// `notify_max_attempts` attempts were made (counting those before a restart), recording every attempt.
pub(crate) fn deliver(shared: Arc<Shared>, id: i64) {
    let Some(url) = shared.config.notify_url.clone() else { return };
    tokio::spawn(async move {
        let reader = shared.clone();
        let Ok(Ok(Some(queued))) =
            tokio::task::spawn_blocking(move || reader.store.write(|tx| store::outbox(tx, id))).await
        else {
            return;
        };
        let max = shared.config.notify_max_attempts.max(1);
        let mut delay = shared.config.notify_backoff;
        for _ in 0..queued.attempts {
            delay = delay.saturating_mul(2);
        }
        for attempt in queued.attempts.saturating_add(1)..=max {
            let (status, answer, accepted) = match &queued.body {
                None => (None, "not sent: a value is not representable in CP932".to_owned(), false),
                Some(body) => send(&shared, &url, body).await,
            };
            let finished = accepted || queued.body.is_none() || attempt == max;
            let record = Attempt {
                kind: queued.kind.clone(),
                order_number: queued.order_number.clone(),
                url: url.clone(),
                attempt,
                body: queued.body.clone().unwrap_or_default(),
                status,
                answer,
                accepted,
                at: String::new(),
            };
            let writer = shared.clone();
            let _ = tokio::task::spawn_blocking(move || {
                writer.store.write(|tx| {
                    let now = crate::clock::Now::read(store::clock_offset(tx)?).timestamp();
                    store::insert_attempt(tx, &Attempt { at: now, ..record })?;
                    store::update_outbox(tx, id, attempt, finished)
                })
            })
            .await;
            if finished {
                return;
            }
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
    });
}

/// One POST: the HTTP status, the merchant's answer (or the transport error), and whether it is the accepting `1`.
async fn send(shared: &Shared, url: &str, body: &str) -> (Option<u16>, String, bool) {
    let sent = shared
        .http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let accepted = status == 200 && matches!(text.as_str(), "1" | "1\n" | "1\r\n");
            (Some(status), text.chars().take(200).collect(), accepted)
        }
        Err(e) => (None, format!("transport error: {e}"), false),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_table() {
        let cases = [
            (vec![("a", "1"), ("b", "x y")], Some("a=1&b=x+y")),
            (vec![("user_name", "山田")], Some("user_name=%8ER%93c")),
            (vec![("u", "a@b/c")], Some("u=a%40b%2Fc")),
            (vec![("u", "😀")], None),
        ];
        for (pairs, want) in cases {
            assert_eq!(form_encode(pairs).as_deref(), want);
        }
    }
}
