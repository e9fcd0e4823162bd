//! The database: SQLite in WAL mode with `synchronous=FULL`, versioned migrations, one transaction per request.
//!
//! Two schemas live in one file. The machinery's own tables (`sandbox_meta`, `sandbox_outbox`, `sandbox_attempts`)
//! are migrated first, their version kept in `sandbox_meta`; then the gateway's [`Gateway::MIGRATIONS`], their
//! version kept in `PRAGMA user_version`. Each migration runs in its own transaction with its version bump, so a
//! crash leaves the file at one version or the next.
//!
//! [`Sandbox::write`](crate::Sandbox::write) runs a request's work in one `IMMEDIATE` transaction and commits it before the caller answers;
//! [`Tx`] is what the work sees: the connection, the clock reading of the transaction, and [`Tx::notify`].
//!
//! [`Gateway::MIGRATIONS`]: crate::Gateway::MIGRATIONS

use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::clock::{self, Now};
use crate::outbox::{self, Message};

/// The machinery's migrations, oldest first; `sandbox_meta` row `schema` holds how many have run.
const MACHINERY: &[&str] = &[
    // 1: the clock offset lives in sandbox_meta; the outbox and every delivery attempt
    "CREATE TABLE sandbox_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, reference TEXT NOT NULL, body TEXT,
        problem TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL);
     CREATE TABLE sandbox_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT, outbox_id INTEGER, kind TEXT NOT NULL, reference TEXT NOT NULL,
        url TEXT NOT NULL, attempt INTEGER NOT NULL, body TEXT NOT NULL, status INTEGER, reply TEXT NOT NULL,
        accepted INTEGER NOT NULL, at TEXT NOT NULL);",
];

/// The database, one connection behind a mutex (a request's transaction holds it).
pub(crate) struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating when missing) and migrates the database at `path`, or an in-memory one.
    ///
    /// # Errors
    /// Any SQLite error, or a migration that fails.
    pub(crate) fn open(path: Option<&Path>, migrations: &[&str]) -> rusqlite::Result<Store> {
        let mut conn = match path {
            Some(path) => Connection::open(path)?,
            None => Connection::open_in_memory()?,
        };
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch("CREATE TABLE IF NOT EXISTS sandbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")?;
        migrate(&mut conn, MACHINERY, Version::Meta)?;
        migrate(&mut conn, migrations, Version::User)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// Runs `work` in one transaction and commits it; nothing is committed when it fails.
    ///
    /// # Errors
    /// Any SQLite error of `work` or of the commit.
    pub(crate) fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = work(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Where a schema's version is kept.
#[derive(Clone, Copy)]
enum Version {
    /// `sandbox_meta` row `schema` (the machinery's tables).
    Meta,
    /// `PRAGMA user_version` (the gateway's tables).
    User,
}

impl Version {
    fn read(self, conn: &Connection) -> rusqlite::Result<usize> {
        let done: i64 = match self {
            Version::Meta => meta(conn, "schema")?.and_then(|v| v.parse().ok()).unwrap_or(0),
            Version::User => conn.query_row("PRAGMA user_version", [], |r| r.get(0))?,
        };
        Ok(usize::try_from(done).unwrap_or(0))
    }

    fn write(self, conn: &Connection, version: usize) -> rusqlite::Result<()> {
        match self {
            Version::Meta => set_meta(conn, "schema", &version.to_string()),
            Version::User => conn.execute_batch(&format!("PRAGMA user_version = {version}")),
        }
    }
}

/// Runs the migrations the database has not seen, each in its own transaction with its version bump.
fn migrate(conn: &mut Connection, migrations: &[&str], version: Version) -> rusqlite::Result<()> {
    let done = version.read(conn)?;
    for (i, sql) in migrations.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        version.write(&tx, i.saturating_add(1))?;
        tx.commit()?;
    }
    Ok(())
}

/// The machinery's value `key` in `sandbox_meta`.
pub(crate) fn meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM sandbox_meta WHERE key = ?1", [key], |r| r.get(0)).optional()
}

/// Stores the machinery's value `key` in `sandbox_meta`.
pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sandbox_meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Whether `e` is a constraint violation (`UNIQUE` among them): of many concurrent inserts of one key exactly one
/// succeeds, and the others see this.
pub fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// What a request's work sees inside its transaction: the connection (through `Deref`), the sandbox clock read once
/// for the transaction, and the outbox.
pub struct Tx<'a> {
    conn: &'a Connection,
    now: Now,
    notify: bool,
    queued: RefCell<Vec<i64>>,
}

impl<'a> Tx<'a> {
    /// The transaction `tx`; `notify` says whether notifications are delivered anywhere.
    pub(crate) fn new(tx: &'a Transaction<'_>, notify: bool) -> rusqlite::Result<Tx<'a>> {
        let conn: &Connection = tx;
        Ok(Tx { now: Now::read(clock::offset_days(conn)?), conn, notify, queued: RefCell::new(Vec::new()) })
    }

    /// The sandbox clock, read when the transaction began.
    pub fn now(&self) -> Now {
        self.now
    }

    /// Queues a notification in this transaction (committed with the change it reports, so a crash right after the
    /// commit loses none); it is delivered once the transaction is committed. Nothing is queued when the sandbox
    /// has no notification URL.
    ///
    /// # Errors
    /// Any SQLite error.
    pub fn notify(&self, message: Message) -> rusqlite::Result<()> {
        if self.notify {
            let id = outbox::enqueue(self.conn, &message, &self.now.timestamp())?;
            self.queued.borrow_mut().push(id);
        }
        Ok(())
    }

    /// The notifications queued in this transaction.
    pub(crate) fn into_queued(self) -> Vec<i64> {
        self.queued.into_inner()
    }
}

impl Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

/// Why a request's transaction did not commit.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed (the transaction was rolled back).
    Sqlite(rusqlite::Error),
    /// The work panicked or was cancelled.
    Aborted,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "sandbox database error: {e}"),
            StoreError::Aborted => f.write_str("sandbox database work aborted"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Sqlite(e) => Some(e),
            StoreError::Aborted => None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("japay-sandbox-store-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("m.db")
    }

    /// (machinery version, user_version, journal mode, the gateway's table count)
    fn versions(store: &Store) -> (String, i64, String, i64) {
        store
            .write(|tx| {
                Ok((
                    meta(tx, "schema")?.unwrap_or_default(),
                    tx.query_row("PRAGMA user_version", [], |r| r.get(0))?,
                    tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                    tx.query_row("SELECT count(*) FROM sqlite_master WHERE name LIKE 'g_%'", [], |r| r.get(0))?,
                ))
            })
            .unwrap()
    }

    #[test]
    fn migrations_run_once_and_are_counted_and_a_later_one_runs_on_reopen() {
        let path = temp("versions");
        let first: &[&str] = &["CREATE TABLE g_a (x INTEGER)"];
        let second: &[&str] = &["CREATE TABLE g_a (x INTEGER)", "CREATE TABLE g_b (y INTEGER)"];
        // (migrations, expected user_version, expected tables)
        let runs: [(&[&str], i64, i64); 3] = [(first, 1, 1), (first, 1, 1), (second, 2, 2)];
        for (migrations, version, tables) in runs {
            let store = Store::open(Some(&path), migrations).unwrap();
            let machinery = MACHINERY.len().to_string();
            assert_eq!(versions(&store), (machinery, version, "wal".to_owned(), tables));
        }
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let path = temp("failing");
        Store::open(Some(&path), &["CREATE TABLE g_a (x INTEGER)"]).unwrap();
        let broken = ["CREATE TABLE g_a (x INTEGER)", "CREATE TABLE g_c (y INTEGER); CREATE TABLE g_a (z)"];
        assert!(Store::open(Some(&path), &broken).is_err());
        let store = Store::open(Some(&path), &["CREATE TABLE g_a (x INTEGER)"]).unwrap();
        assert_eq!(versions(&store).1, 1);
        assert_eq!(versions(&store).3, 1, "the failed migration's first statement was rolled back");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn work_that_fails_commits_nothing_and_unique_violations_are_told_apart() {
        let store = Store::open(None, &["CREATE TABLE g_k (k TEXT PRIMARY KEY)"]).unwrap();
        let failed = store.write(|tx| {
            tx.execute("INSERT INTO g_k (k) VALUES ('a')", [])?;
            tx.execute("INSERT INTO g_k (k) VALUES ('a')", [])
        });
        assert!(is_unique_violation(&failed.unwrap_err()));
        let count: i64 = store.write(|tx| tx.query_row("SELECT count(*) FROM g_k", [], |r| r.get(0))).unwrap();
        assert_eq!(count, 0);
        assert!(!is_unique_violation(&rusqlite::Error::QueryReturnedNoRows));
    }
}
