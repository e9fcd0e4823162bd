//! Epsilon's tables, as versioned migrations ([`japay_sandbox::Gateway::MIGRATIONS`]): `PRAGMA user_version` holds
//! how many have run. Append a migration to change the schema; never edit one that has run on someone's file.
//!
//! Migrations 1 and 2 are the schema from before the machinery moved to `japay-sandbox`, kept as they were so that
//! a database written then opens now: their `meta`, `notifications` and `outbox` tables are the machinery's now, and
//! migration 3 moves their rows into the machinery's tables (the clock offset, the attempts, the pending outbox) and
//! drops them. On a new database it moves nothing.

/// The migrations, oldest first.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);
     CREATE TABLE users (
        contract_code TEXT NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL, user_mail_add TEXT NOT NULL,
        card_brand TEXT NOT NULL DEFAULT '', card_mask TEXT NOT NULL DEFAULT '', card_expire TEXT NOT NULL DEFAULT '',
        card_kind TEXT NOT NULL DEFAULT '', withdrawn INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
        PRIMARY KEY (contract_code, user_id));
     CREATE TABLE orders (
        id INTEGER PRIMARY KEY AUTOINCREMENT, contract_code TEXT NOT NULL, order_number TEXT NOT NULL,
        trans_code TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, process_code TEXT NOT NULL, user_id TEXT NOT NULL,
        user_name TEXT NOT NULL, user_mail_add TEXT NOT NULL, item_code TEXT NOT NULL, item_name TEXT NOT NULL,
        item_price INTEGER NOT NULL, st_code TEXT NOT NULL, mission_code TEXT NOT NULL, memo1 TEXT NOT NULL,
        memo2 TEXT NOT NULL, state TEXT NOT NULL, payment_code TEXT NOT NULL, kari_flag TEXT NOT NULL,
        card_kind TEXT NOT NULL DEFAULT '', declined INTEGER NOT NULL DEFAULT 0, tds_pareq TEXT,
        conveni_code TEXT NOT NULL DEFAULT '', receipt_no TEXT NOT NULL DEFAULT '', conveni_limit TEXT NOT NULL DEFAULT '',
        receipt_date TEXT NOT NULL DEFAULT '', paid TEXT NOT NULL DEFAULT '', conveni_time TEXT NOT NULL DEFAULT '',
        account_no TEXT NOT NULL DEFAULT '', order_date TEXT NOT NULL, created TEXT NOT NULL, last_update TEXT NOT NULL,
        credit_time TEXT NOT NULL DEFAULT '', billing_stopped INTEGER NOT NULL DEFAULT 0,
        UNIQUE (contract_code, order_number));
     CREATE TABLE deposits (
        id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL REFERENCES orders(id), amount INTEGER NOT NULL,
        booked_on TEXT NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL);
     CREATE TABLE tokens (
        token TEXT PRIMARY KEY, card_kind TEXT NOT NULL, card_mask TEXT NOT NULL, card_brand TEXT NOT NULL,
        card_expire TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
     CREATE TABLE pages (
        token TEXT PRIMARY KEY, kind TEXT NOT NULL, contract_code TEXT NOT NULL, user_id TEXT NOT NULL,
        user_name TEXT NOT NULL, user_mail_add TEXT NOT NULL, order_id INTEGER, trans_code TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
     CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, order_number TEXT NOT NULL, url TEXT NOT NULL,
        attempt INTEGER NOT NULL, body TEXT NOT NULL, status INTEGER, answer TEXT NOT NULL, accepted INTEGER NOT NULL,
        at TEXT NOT NULL);",
    // 2: the notification outbox, written in the transaction of the change a notification reports
    "CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, order_number TEXT NOT NULL, body TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);",
    // 3: the clock, the outbox and the attempts belong to the machinery (japay-sandbox's own tables)
    "INSERT OR REPLACE INTO sandbox_meta (key, value) SELECT key, value FROM meta WHERE key = 'clock_offset_days';
     INSERT INTO sandbox_outbox (kind, reference, body, problem, attempts, done, created)
        SELECT kind, order_number, body,
            CASE WHEN body IS NULL THEN 'a value is not representable in CP932' ELSE '' END, attempts, done, created
        FROM outbox ORDER BY id;
     INSERT INTO sandbox_attempts (kind, reference, url, attempt, body, status, reply, accepted, at)
        SELECT kind, order_number, url, attempt, body, status, answer, accepted, at FROM notifications ORDER BY id;
     DROP TABLE outbox;
     DROP TABLE notifications;
     DROP TABLE meta;",
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// A database written before the machinery moved (user_version 2, the clock offset in `meta`, a notification
    /// pending in `outbox`, one attempt in `notifications`) opens: the clock is kept, the attempt is listed and the
    /// pending notification is delivered, its attempts counted on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_database_from_before_the_split_opens_with_its_clock_and_outbox() {
        let dir = std::env::temp_dir().join(format!("epsilon-sandbox-schema-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("old.db");
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            for (i, migration) in MIGRATIONS.iter().take(2).enumerate() {
                conn.execute_batch(migration).unwrap();
                conn.execute_batch(&format!("PRAGMA user_version = {}", i + 1)).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO meta (key, value) VALUES ('clock_offset_days', '5');
                 INSERT INTO outbox (kind, order_number, body, attempts, done, created)
                    VALUES ('deposit', 'OLD1', 'trans_code=700001&order_number=OLD1&paid=1', 1, 0, 'then');
                 INSERT INTO notifications (kind, order_number, url, attempt, body, status, answer, accepted, at)
                    VALUES ('deposit', 'OLD1', 'http://old', 1, 'trans_code=700001&order_number=OLD1&paid=1', 200,
                        '0', 0, 'then');",
            )
            .unwrap();
        }
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        let merchant = axum::Router::new().route(
            "/notify",
            axum::routing::post(move || {
                seen.fetch_add(1, Ordering::SeqCst);
                async { "1" }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let notify_url = format!("http://{}/notify", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, merchant).await.unwrap() });
        let config = crate::Config {
            db: Some(db.clone()),
            notify_url: Some(notify_url),
            notify_backoff: Duration::from_millis(5),
            ..crate::Config::default()
        };
        let running = crate::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let http = reqwest::Client::new();
        let mut attempts = Vec::new();
        for _ in 0..2_000 {
            let text = http.get(format!("{}/sandbox/notifications", running.url())).send().await.unwrap();
            let list: serde_json::Value = serde_json::from_str(&text.text().await.unwrap()).unwrap();
            attempts = list.as_array().unwrap().clone();
            if attempts.len() == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let seen: Vec<(u64, &str, &str, bool)> = attempts
            .iter()
            .map(|a| {
                let n = a["attempt"].as_u64().unwrap();
                (n, a["order_number"].as_str().unwrap(), a["answer"].as_str().unwrap(), a["accepted"] == true)
            })
            .collect();
        assert_eq!(seen, [(1, "OLD1", "0", false), (2, "OLD1", "1", true)]);
        assert_eq!(count.load(Ordering::SeqCst), 1);
        let clock = http
            .post(format!("{}/sandbox/clock", running.url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("advance_days=0")
            .send()
            .await
            .unwrap();
        let clock: serde_json::Value = serde_json::from_str(&clock.text().await.unwrap()).unwrap();
        assert_eq!(clock["offset_days"], 5);
        running.shutdown().await;
        let conn = rusqlite::Connection::open(&db).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        let legacy: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name IN ('meta', 'outbox', 'notifications')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!((version, legacy), (i64::try_from(MIGRATIONS.len()).unwrap(), 0));
        let _ = std::fs::remove_dir_all(dir);
    }
}
