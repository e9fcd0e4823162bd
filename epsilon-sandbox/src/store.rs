//! The sandbox's database: SQLite (WAL, `synchronous=FULL`), versioned migrations, and typed rows.
//!
//! Every request runs as one transaction ([`Store::write`]), committed before its answer is sent. An order number is
//! unique per contract through the `UNIQUE (contract_code, order_number)` constraint, never by reading first: of many
//! concurrent inserts exactly one succeeds ([`is_unique_violation`] tells the others).

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// The migrations, in order; `PRAGMA user_version` holds how many have run.
const MIGRATIONS: &[&str] = &[
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
];

/// The database, one connection behind a mutex (a request's transaction holds it).
pub(crate) struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating when missing) and migrates the database at `path`, or an in-memory one.
    ///
    /// # Errors
    /// Any SQLite error.
    pub(crate) fn open(path: Option<&Path>) -> rusqlite::Result<Store> {
        let mut conn = match path {
            Some(path) => Connection::open(path)?,
            None => Connection::open_in_memory()?,
        };
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&mut conn)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// Runs `work` in one transaction and commits it; nothing is committed when it fails.
    ///
    /// # Errors
    /// Any SQLite error of `work` or of the commit.
    pub(crate) fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = work(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Runs the migrations the database has not seen, each in its own transaction with its version bump.
fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(done).unwrap_or(0)) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i.saturating_add(1)))?;
        tx.commit()?;
    }
    Ok(())
}

/// Whether `e` is a `UNIQUE` constraint violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// A new numeric transaction code (6+ digits, like the gateway's).
pub(crate) fn next_trans_code(tx: &Transaction<'_>, now: &str) -> rusqlite::Result<String> {
    tx.execute("INSERT INTO seq (at) VALUES (?1)", [now])?;
    Ok((700_000i64.saturating_add(tx.last_insert_rowid())).to_string())
}

/// The sandbox clock's offset in days.
pub(crate) fn clock_offset(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    let v: Option<String> =
        tx.query_row("SELECT value FROM meta WHERE key = 'clock_offset_days'", [], |r| r.get(0)).optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Stores the sandbox clock's offset in days.
pub(crate) fn set_clock_offset(tx: &Transaction<'_>, days: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('clock_offset_days', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [days.to_string()],
    )?;
    Ok(())
}

/// One order row. No `Debug`: `tds_pareq` is a 3-D Secure payload and must not reach a log.
#[derive(Clone, Default)]
pub(crate) struct Order {
    pub(crate) id: i64,
    pub(crate) contract_code: String,
    pub(crate) order_number: String,
    pub(crate) trans_code: String,
    /// `link`, `card`, `conveni` or `va`.
    pub(crate) kind: String,
    pub(crate) process_code: String,
    pub(crate) user_id: String,
    pub(crate) user_name: String,
    pub(crate) user_mail_add: String,
    pub(crate) item_code: String,
    pub(crate) item_name: String,
    pub(crate) item_price: i64,
    pub(crate) st_code: String,
    pub(crate) mission_code: String,
    pub(crate) memo1: String,
    pub(crate) memo2: String,
    pub(crate) state: String,
    pub(crate) payment_code: String,
    pub(crate) kari_flag: String,
    pub(crate) card_kind: String,
    pub(crate) declined: bool,
    pub(crate) tds_pareq: Option<String>,
    pub(crate) conveni_code: String,
    pub(crate) receipt_no: String,
    pub(crate) conveni_limit: String,
    pub(crate) receipt_date: String,
    pub(crate) paid: String,
    pub(crate) conveni_time: String,
    pub(crate) account_no: String,
    pub(crate) order_date: String,
    pub(crate) created: String,
    pub(crate) last_update: String,
    pub(crate) credit_time: String,
}

const ORDER_COLUMNS: &str = "id, contract_code, order_number, trans_code, kind, process_code, user_id, user_name, \
    user_mail_add, item_code, item_name, item_price, st_code, mission_code, memo1, memo2, state, payment_code, \
    kari_flag, card_kind, declined, tds_pareq, conveni_code, receipt_no, conveni_limit, receipt_date, paid, \
    conveni_time, account_no, order_date, created, last_update, credit_time";

fn order_from_row(r: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: r.get(0)?,
        contract_code: r.get(1)?,
        order_number: r.get(2)?,
        trans_code: r.get(3)?,
        kind: r.get(4)?,
        process_code: r.get(5)?,
        user_id: r.get(6)?,
        user_name: r.get(7)?,
        user_mail_add: r.get(8)?,
        item_code: r.get(9)?,
        item_name: r.get(10)?,
        item_price: r.get(11)?,
        st_code: r.get(12)?,
        mission_code: r.get(13)?,
        memo1: r.get(14)?,
        memo2: r.get(15)?,
        state: r.get(16)?,
        payment_code: r.get(17)?,
        kari_flag: r.get(18)?,
        card_kind: r.get(19)?,
        declined: r.get(20)?,
        tds_pareq: r.get(21)?,
        conveni_code: r.get(22)?,
        receipt_no: r.get(23)?,
        conveni_limit: r.get(24)?,
        receipt_date: r.get(25)?,
        paid: r.get(26)?,
        conveni_time: r.get(27)?,
        account_no: r.get(28)?,
        order_date: r.get(29)?,
        created: r.get(30)?,
        last_update: r.get(31)?,
        credit_time: r.get(32)?,
    })
}

/// Inserts an order; its `id` is set. A reused order number is a unique violation ([`is_unique_violation`]).
///
/// # Errors
/// Any SQLite error.
pub(crate) fn insert_order(tx: &Transaction<'_>, o: &mut Order) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO orders (contract_code, order_number, trans_code, kind, process_code, user_id, user_name,
            user_mail_add, item_code, item_name, item_price, st_code, mission_code, memo1, memo2, state, payment_code,
            kari_flag, card_kind, declined, tds_pareq, conveni_code, receipt_no, conveni_limit, receipt_date, paid,
            conveni_time, account_no, order_date, created, last_update, credit_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
            ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)",
        params![
            o.contract_code,
            o.order_number,
            o.trans_code,
            o.kind,
            o.process_code,
            o.user_id,
            o.user_name,
            o.user_mail_add,
            o.item_code,
            o.item_name,
            o.item_price,
            o.st_code,
            o.mission_code,
            o.memo1,
            o.memo2,
            o.state,
            o.payment_code,
            o.kari_flag,
            o.card_kind,
            o.declined,
            o.tds_pareq,
            o.conveni_code,
            o.receipt_no,
            o.conveni_limit,
            o.receipt_date,
            o.paid,
            o.conveni_time,
            o.account_no,
            o.order_date,
            o.created,
            o.last_update,
            o.credit_time,
        ],
    )?;
    o.id = tx.last_insert_rowid();
    Ok(())
}

/// Writes back the mutable columns of an order.
///
/// # Errors
/// Any SQLite error.
pub(crate) fn update_order(tx: &Transaction<'_>, o: &Order) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE orders SET state = ?2, payment_code = ?3, kari_flag = ?4, card_kind = ?5, declined = ?6,
            tds_pareq = ?7, item_price = ?8, paid = ?9, conveni_time = ?10, last_update = ?11, credit_time = ?12,
            conveni_code = ?13, receipt_no = ?14, conveni_limit = ?15, receipt_date = ?16, user_id = ?17,
            user_name = ?18, user_mail_add = ?19, item_code = ?20, item_name = ?21, st_code = ?22, mission_code = ?23,
            memo1 = ?24, memo2 = ?25, process_code = ?26
         WHERE id = ?1",
        params![
            o.id,
            o.state,
            o.payment_code,
            o.kari_flag,
            o.card_kind,
            o.declined,
            o.tds_pareq,
            o.item_price,
            o.paid,
            o.conveni_time,
            o.last_update,
            o.credit_time,
            o.conveni_code,
            o.receipt_no,
            o.conveni_limit,
            o.receipt_date,
            o.user_id,
            o.user_name,
            o.user_mail_add,
            o.item_code,
            o.item_name,
            o.st_code,
            o.mission_code,
            o.memo1,
            o.memo2,
            o.process_code,
        ],
    )?;
    Ok(())
}

/// The order `order_number` of `contract_code`.
pub(crate) fn order_by_number(tx: &Transaction<'_>, contract: &str, number: &str) -> rusqlite::Result<Option<Order>> {
    tx.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE contract_code = ?1 AND order_number = ?2"),
        [contract, number],
        order_from_row,
    )
    .optional()
}

/// The order with transaction code `trans_code` of `contract_code`.
pub(crate) fn order_by_trans_code(
    tx: &Transaction<'_>,
    contract: &str,
    trans_code: &str,
) -> rusqlite::Result<Option<Order>> {
    tx.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE contract_code = ?1 AND trans_code = ?2"),
        [contract, trans_code],
        order_from_row,
    )
    .optional()
}

/// The first order numbered `order_number`, whatever the contract (control endpoints).
pub(crate) fn order_by_number_any(tx: &Transaction<'_>, number: &str) -> rusqlite::Result<Option<Order>> {
    tx.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_number = ?1 ORDER BY id LIMIT 1"),
        [number],
        order_from_row,
    )
    .optional()
}

/// The order with row id `id`.
pub(crate) fn order_by_id(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<Option<Order>> {
    tx.query_row(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"), [id], order_from_row).optional()
}

/// A monthly-billing order of a user for an item that is not stopped yet (process 8).
pub(crate) fn billing_order(
    tx: &Transaction<'_>,
    contract: &str,
    user_id: &str,
    item_code: &str,
) -> rusqlite::Result<Option<Order>> {
    tx.query_row(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE contract_code = ?1 AND user_id = ?2 AND item_code = ?3
             AND mission_code NOT IN ('', '1') AND billing_stopped = 0 ORDER BY id LIMIT 1"
        ),
        [contract, user_id, item_code],
        order_from_row,
    )
    .optional()
}

/// Marks a monthly billing stopped.
pub(crate) fn stop_billing(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<()> {
    tx.execute("UPDATE orders SET billing_stopped = 1 WHERE id = ?1", [id])?;
    Ok(())
}

/// One registered user.
#[derive(Clone, Debug, Default)]
pub(crate) struct User {
    pub(crate) contract_code: String,
    pub(crate) user_id: String,
    pub(crate) user_name: String,
    pub(crate) user_mail_add: String,
    pub(crate) card_brand: String,
    pub(crate) card_mask: String,
    pub(crate) card_expire: String,
    pub(crate) card_kind: String,
    pub(crate) withdrawn: bool,
}

/// The user `user_id` of `contract_code`.
pub(crate) fn user(tx: &Transaction<'_>, contract: &str, user_id: &str) -> rusqlite::Result<Option<User>> {
    tx.query_row(
        "SELECT contract_code, user_id, user_name, user_mail_add, card_brand, card_mask, card_expire, card_kind,
            withdrawn FROM users WHERE contract_code = ?1 AND user_id = ?2",
        [contract, user_id],
        |r| {
            Ok(User {
                contract_code: r.get(0)?,
                user_id: r.get(1)?,
                user_name: r.get(2)?,
                user_mail_add: r.get(3)?,
                card_brand: r.get(4)?,
                card_mask: r.get(5)?,
                card_expire: r.get(6)?,
                card_kind: r.get(7)?,
                withdrawn: r.get(8)?,
            })
        },
    )
    .optional()
}

/// Inserts or replaces a user.
pub(crate) fn put_user(tx: &Transaction<'_>, u: &User, now: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO users (contract_code, user_id, user_name, user_mail_add, card_brand, card_mask, card_expire,
            card_kind, withdrawn, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(contract_code, user_id) DO UPDATE SET user_name = excluded.user_name,
            user_mail_add = excluded.user_mail_add, card_brand = excluded.card_brand, card_mask = excluded.card_mask,
            card_expire = excluded.card_expire, card_kind = excluded.card_kind, withdrawn = excluded.withdrawn",
        params![
            u.contract_code,
            u.user_id,
            u.user_name,
            u.user_mail_add,
            u.card_brand,
            u.card_mask,
            u.card_expire,
            u.card_kind,
            u.withdrawn,
            now
        ],
    )?;
    Ok(())
}

/// One deposit into a virtual account.
#[derive(Clone, Debug)]
pub(crate) struct DepositRow {
    pub(crate) amount: i64,
    pub(crate) booked_on: String,
}

/// The deposits of an order, in the order they were booked.
pub(crate) fn deposits(tx: &Transaction<'_>, order_id: i64) -> rusqlite::Result<Vec<DepositRow>> {
    let mut stmt = tx.prepare("SELECT amount, booked_on FROM deposits WHERE order_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([order_id], |r| Ok(DepositRow { amount: r.get(0)?, booked_on: r.get(1)? }))?;
    rows.collect()
}

/// Records a deposit.
pub(crate) fn insert_deposit(
    tx: &Transaction<'_>,
    order_id: i64,
    amount: i64,
    booked_on: &str,
    status: &str,
    now: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO deposits (order_id, amount, booked_on, status, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![order_id, amount, booked_on, status, now],
    )?;
    Ok(())
}

/// A card token from the token endpoint.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) card_kind: String,
    pub(crate) card_mask: String,
    pub(crate) card_brand: String,
    pub(crate) card_expire: String,
    pub(crate) used: bool,
}

/// Stores a new token.
pub(crate) fn insert_token(tx: &Transaction<'_>, token: &str, t: &Token, now: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO tokens (token, card_kind, card_mask, card_brand, card_expire, used, created)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
        params![token, t.card_kind, t.card_mask, t.card_brand, t.card_expire, now],
    )?;
    Ok(())
}

/// The token, if it was issued.
pub(crate) fn token(tx: &Transaction<'_>, token: &str) -> rusqlite::Result<Option<Token>> {
    tx.query_row(
        "SELECT card_kind, card_mask, card_brand, card_expire, used FROM tokens WHERE token = ?1",
        [token],
        |r| {
            Ok(Token {
                card_kind: r.get(0)?,
                card_mask: r.get(1)?,
                card_brand: r.get(2)?,
                card_expire: r.get(3)?,
                used: r.get(4)?,
            })
        },
    )
    .optional()
}

/// Marks a token used.
pub(crate) fn use_token(tx: &Transaction<'_>, token: &str) -> rusqlite::Result<()> {
    tx.execute("UPDATE tokens SET used = 1 WHERE token = ?1", [token])?;
    Ok(())
}

/// A buyer page in progress (card entry, payment page).
#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    pub(crate) token: String,
    /// `register`, `change`, `charge` (registered-card link order) or `link`.
    pub(crate) kind: String,
    pub(crate) contract_code: String,
    pub(crate) user_id: String,
    pub(crate) user_name: String,
    pub(crate) user_mail_add: String,
    pub(crate) order_id: Option<i64>,
    pub(crate) trans_code: String,
    pub(crate) done: bool,
}

/// Stores a new page.
pub(crate) fn insert_page(tx: &Transaction<'_>, p: &Page, now: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO pages (token, kind, contract_code, user_id, user_name, user_mail_add, order_id, trans_code, done,
            created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)",
        params![
            p.token,
            p.kind,
            p.contract_code,
            p.user_id,
            p.user_name,
            p.user_mail_add,
            p.order_id,
            p.trans_code,
            now
        ],
    )?;
    Ok(())
}

/// The page with this token.
pub(crate) fn page(tx: &Transaction<'_>, token: &str) -> rusqlite::Result<Option<Page>> {
    tx.query_row(
        "SELECT token, kind, contract_code, user_id, user_name, user_mail_add, order_id, trans_code, done
         FROM pages WHERE token = ?1",
        [token],
        |r| {
            Ok(Page {
                token: r.get(0)?,
                kind: r.get(1)?,
                contract_code: r.get(2)?,
                user_id: r.get(3)?,
                user_name: r.get(4)?,
                user_mail_add: r.get(5)?,
                order_id: r.get(6)?,
                trans_code: r.get(7)?,
                done: r.get(8)?,
            })
        },
    )
    .optional()
}

/// Marks a page completed; `false` when it already was (of two concurrent submissions exactly one completes it).
pub(crate) fn finish_page(tx: &Transaction<'_>, token: &str) -> rusqlite::Result<bool> {
    Ok(tx.execute("UPDATE pages SET done = 1 WHERE token = ?1 AND done = 0", [token])? == 1)
}

/// One recorded notification attempt.
#[derive(Clone, Debug)]
pub(crate) struct Attempt {
    pub(crate) kind: String,
    pub(crate) order_number: String,
    pub(crate) url: String,
    pub(crate) attempt: u32,
    pub(crate) body: String,
    pub(crate) status: Option<u16>,
    pub(crate) answer: String,
    pub(crate) accepted: bool,
    pub(crate) at: String,
}

/// Records a notification attempt.
pub(crate) fn insert_attempt(tx: &Transaction<'_>, a: &Attempt) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO notifications (kind, order_number, url, attempt, body, status, answer, accepted, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![a.kind, a.order_number, a.url, a.attempt, a.body, a.status, a.answer, a.accepted, a.at],
    )?;
    Ok(())
}

/// Every notification attempt, oldest first.
pub(crate) fn attempts(tx: &Transaction<'_>) -> rusqlite::Result<Vec<Attempt>> {
    let mut stmt = tx.prepare(
        "SELECT kind, order_number, url, attempt, body, status, answer, accepted, at FROM notifications ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Attempt {
            kind: r.get(0)?,
            order_number: r.get(1)?,
            url: r.get(2)?,
            attempt: r.get(3)?,
            body: r.get(4)?,
            status: r.get(5)?,
            answer: r.get(6)?,
            accepted: r.get(7)?,
            at: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// A queued notification.
#[derive(Clone, Debug)]
pub(crate) struct Outbox {
    pub(crate) kind: String,
    pub(crate) order_number: String,
    /// The form body; `None` when a value could not be encoded (nothing is sent then).
    pub(crate) body: Option<String>,
    pub(crate) attempts: u32,
}

/// Queues a notification; its id.
pub(crate) fn insert_outbox(
    tx: &Transaction<'_>,
    kind: &str,
    order_number: &str,
    body: Option<&str>,
    now: &str,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO outbox (kind, order_number, body, created) VALUES (?1, ?2, ?3, ?4)",
        params![kind, order_number, body, now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The queued notification `id`, unless it is finished.
pub(crate) fn outbox(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<Option<Outbox>> {
    tx.query_row("SELECT kind, order_number, body, attempts FROM outbox WHERE id = ?1 AND done = 0", [id], |r| {
        Ok(Outbox { kind: r.get(0)?, order_number: r.get(1)?, body: r.get(2)?, attempts: r.get(3)? })
    })
    .optional()
}

/// The ids of the notifications not finished, oldest first.
pub(crate) fn pending_outbox(tx: &Transaction<'_>) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = tx.prepare("SELECT id FROM outbox WHERE done = 0 ORDER BY id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Records how many attempts a queued notification has had and whether it is finished.
pub(crate) fn update_outbox(tx: &Transaction<'_>, id: i64, attempts: u32, done: bool) -> rusqlite::Result<()> {
    tx.execute("UPDATE outbox SET attempts = ?2, done = ?3 WHERE id = ?1", params![id, attempts, done])?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_are_counted() {
        let dir = std::env::temp_dir().join(format!("epsilon-sandbox-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.db");
        for _ in 0..2 {
            let store = Store::open(Some(&path)).unwrap();
            let (version, mode): (i64, String) = store
                .write(|tx| {
                    Ok((
                        tx.query_row("PRAGMA user_version", [], |r| r.get(0))?,
                        tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                    ))
                })
                .unwrap();
            assert_eq!((version, mode.as_str()), (i64::try_from(MIGRATIONS.len()).unwrap(), "wal"));
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_order_number_is_taken_once_per_contract() {
        let store = Store::open(None).unwrap();
        // (contract, order number, trans code, inserted)
        let cases = [("11111111", "A", "1", true), ("11111111", "A", "2", false), ("22222222", "A", "3", true)];
        for (contract, number, trans_code, inserted) in cases {
            let mut order = Order {
                contract_code: contract.to_owned(),
                order_number: number.to_owned(),
                trans_code: trans_code.to_owned(),
                ..Order::default()
            };
            let got = store.write(|tx| match insert_order(tx, &mut order) {
                Ok(()) => Ok(true),
                Err(e) if is_unique_violation(&e) => Ok(false),
                Err(e) => Err(e),
            });
            assert_eq!(got.unwrap(), inserted, "{contract} {number}");
        }
    }
}
