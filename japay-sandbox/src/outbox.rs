//! Server-to-server notifications: a transactional outbox and its delivery.
//!
//! A [`Message`] is queued with [`Tx::notify`](crate::Tx::notify) in the transaction of the change it reports, and
//! delivered after the commit: POSTed to [`Settings::notify_url`](crate::Settings) until the gateway's acceptance
//! rule ([`Gateway::accepts`]) holds for the merchant's reply, at most [`Settings::notify_max_attempts`] attempts,
//! the first retry after [`Settings::notify_backoff`] and each next one twice as long. Every attempt is recorded
//! (`GET /sandbox/notifications`). A notification still being retried when the process stops is resumed when the
//! sandbox starts again on the same database, its attempts counted on; an attempt in flight at a crash may be sent
//! again (at-least-once delivery).
//!
//! [`Settings::notify_max_attempts`]: crate::Settings::notify_max_attempts
//! [`Settings::notify_backoff`]: crate::Settings::notify_backoff

use rusqlite::{Connection, OptionalExtension, params};

use crate::Gateway;
use crate::server::Sandbox;

/// A notification to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// What it reports, in the gateway's words (shown in `/sandbox/notifications`).
    pub kind: &'static str,
    /// The merchant's reference of the order it is about.
    pub reference: String,
    /// The body to POST, or why it could not be written (then one attempt is recorded and nothing is sent).
    pub body: Result<String, String>,
}

/// Queues `message`; its id.
pub(crate) fn enqueue(conn: &Connection, message: &Message, now: &str) -> rusqlite::Result<i64> {
    let (body, problem) = match &message.body {
        Ok(body) => (Some(body.as_str()), ""),
        Err(problem) => (None, problem.as_str()),
    };
    conn.execute(
        "INSERT INTO sandbox_outbox (kind, reference, body, problem, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![message.kind, message.reference, body, problem, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A queued notification not finished yet.
struct Queued {
    kind: String,
    reference: String,
    body: Option<String>,
    problem: String,
    attempts: u32,
}

fn queued(conn: &Connection, id: i64) -> rusqlite::Result<Option<Queued>> {
    conn.query_row(
        "SELECT kind, reference, body, problem, attempts FROM sandbox_outbox WHERE id = ?1 AND done = 0",
        [id],
        |r| {
            Ok(Queued {
                kind: r.get(0)?,
                reference: r.get(1)?,
                body: r.get(2)?,
                problem: r.get(3)?,
                attempts: r.get(4)?,
            })
        },
    )
    .optional()
}

fn pending(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM sandbox_outbox WHERE done = 0 ORDER BY id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// One recorded delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// What the notification reports.
    pub kind: String,
    /// The merchant's reference of the order.
    pub reference: String,
    /// Where it was POSTed.
    pub url: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The body sent (empty when nothing was sent).
    pub body: String,
    /// The merchant's HTTP status, `None` when there was no answer.
    pub status: Option<u16>,
    /// The merchant's reply (its first 200 characters), the transport error, or why nothing was sent.
    pub reply: String,
    /// Whether the gateway's acceptance rule held.
    pub accepted: bool,
    /// When, by the sandbox clock.
    pub at: String,
}

/// Every attempt, oldest first.
pub(crate) fn attempts(conn: &Connection) -> rusqlite::Result<Vec<Attempt>> {
    let mut stmt = conn.prepare(
        "SELECT kind, reference, url, attempt, body, status, reply, accepted, at FROM sandbox_attempts ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Attempt {
            kind: r.get(0)?,
            reference: r.get(1)?,
            url: r.get(2)?,
            attempt: r.get(3)?,
            body: r.get(4)?,
            status: r.get(5)?,
            reply: r.get(6)?,
            accepted: r.get(7)?,
            at: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// Records an attempt and whether its notification is finished.
fn record(conn: &Connection, id: i64, a: &Attempt, finished: bool) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sandbox_attempts (outbox_id, kind, reference, url, attempt, body, status, reply, accepted, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![id, a.kind, a.reference, a.url, a.attempt, a.body, a.status, a.reply, a.accepted, a.at],
    )?;
    conn.execute("UPDATE sandbox_outbox SET attempts = ?2, done = ?3 WHERE id = ?1", params![id, a.attempt, finished])?;
    Ok(())
}

/// Delivers every queued notification that is not finished (after a restart).
pub(crate) async fn resume<G: Gateway>(sandbox: &Sandbox<G>) {
    if sandbox.settings().notify_url.is_none() {
        return;
    }
    let ids = sandbox.write(|tx| pending(tx)).await.unwrap_or_default();
    for id in ids {
        deliver(sandbox.clone(), id);
    }
}

/// Delivers the queued notification `id` in the background: POSTs until the merchant accepts it or
/// `notify_max_attempts` attempts were made (counting those before a restart), recording every attempt.
pub(crate) fn deliver<G: Gateway>(sandbox: Sandbox<G>, id: i64) {
    let Some(url) = sandbox.settings().notify_url.clone() else { return };
    tokio::spawn(async move {
        let Ok(Some(queued)) = sandbox.write(move |tx| queued(tx, id)).await else { return };
        let max = sandbox.settings().notify_max_attempts.max(1);
        let mut delay = sandbox.settings().notify_backoff;
        for _ in 0..queued.attempts {
            delay = delay.saturating_mul(2);
        }
        for attempt in queued.attempts.saturating_add(1)..=max {
            let (status, reply, accepted) = match &queued.body {
                None => (None, format!("not sent: {}", queued.problem), false),
                Some(body) => send(&sandbox, &url, body).await,
            };
            let finished = accepted || queued.body.is_none() || attempt == max;
            let mut record_of = Attempt {
                kind: queued.kind.clone(),
                reference: queued.reference.clone(),
                url: url.clone(),
                attempt,
                body: queued.body.clone().unwrap_or_default(),
                status,
                reply,
                accepted,
                at: String::new(),
            };
            let _ = sandbox
                .write(move |tx| {
                    record_of.at = tx.now().timestamp();
                    record(tx, id, &record_of, finished)
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

/// One POST: the HTTP status, the merchant's reply (or the transport error), and whether the gateway accepts it.
async fn send<G: Gateway>(sandbox: &Sandbox<G>, url: &str, body: &str) -> (Option<u16>, String, bool) {
    let sent = sandbox
        .http()
        .post(url)
        .header("content-type", G::NOTIFICATION_CONTENT_TYPE)
        .body(body.to_owned())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let bytes = response.bytes().await.unwrap_or_default();
            let accepted = sandbox.gateway().accepts(status, &bytes);
            // the merchant's reply as it was: its text when UTF-8, else its bytes escaped (never U+FFFD)
            let reply = std::str::from_utf8(&bytes).map_or_else(|_| bytes.escape_ascii().to_string(), str::to_owned);
            (Some(status), reply.chars().take(200).collect(), accepted)
        }
        Err(e) => (None, format!("transport error: {e}"), false),
    }
}
