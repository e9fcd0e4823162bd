//! Orders and their deposits. An order number is unique per contract through the `UNIQUE (contract_code,
//! order_number)` constraint, never by reading first: of many concurrent inserts exactly one succeeds
//! ([`japay_sandbox::store::is_unique_violation`] tells the others).

use rusqlite::{Connection, OptionalExtension, Row, params};

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
pub(crate) fn insert_order(conn: &Connection, o: &mut Order) -> rusqlite::Result<()> {
    conn.execute(
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
    o.id = conn.last_insert_rowid();
    Ok(())
}

/// Writes back the mutable columns of an order.
///
/// # Errors
/// Any SQLite error.
pub(crate) fn update_order(conn: &Connection, o: &Order) -> rusqlite::Result<()> {
    conn.execute(
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
pub(crate) fn order_by_number(conn: &Connection, contract: &str, number: &str) -> rusqlite::Result<Option<Order>> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE contract_code = ?1 AND order_number = ?2"),
        [contract, number],
        order_from_row,
    )
    .optional()
}

/// The order with transaction code `trans_code` of `contract_code`.
pub(crate) fn order_by_trans_code(
    conn: &Connection,
    contract: &str,
    trans_code: &str,
) -> rusqlite::Result<Option<Order>> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE contract_code = ?1 AND trans_code = ?2"),
        [contract, trans_code],
        order_from_row,
    )
    .optional()
}

/// The first order numbered `order_number`, whatever the contract (control endpoints).
pub(crate) fn order_by_number_any(conn: &Connection, number: &str) -> rusqlite::Result<Option<Order>> {
    conn.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE order_number = ?1 ORDER BY id LIMIT 1"),
        [number],
        order_from_row,
    )
    .optional()
}

/// The order with row id `id`.
pub(crate) fn order_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Order>> {
    conn.query_row(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"), [id], order_from_row).optional()
}

/// A monthly-billing order of a user for an item that is not stopped yet (process 8).
pub(crate) fn billing_order(
    conn: &Connection,
    contract: &str,
    user_id: &str,
    item_code: &str,
) -> rusqlite::Result<Option<Order>> {
    conn.query_row(
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
pub(crate) fn stop_billing(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE orders SET billing_stopped = 1 WHERE id = ?1", [id])?;
    Ok(())
}

/// One deposit into a virtual account.
#[derive(Clone, Debug)]
pub(crate) struct DepositRow {
    pub(crate) amount: i64,
    pub(crate) booked_on: String,
}

/// The deposits of an order, in the order they were booked.
pub(crate) fn deposits(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<DepositRow>> {
    let mut stmt = conn.prepare("SELECT amount, booked_on FROM deposits WHERE order_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([order_id], |r| Ok(DepositRow { amount: r.get(0)?, booked_on: r.get(1)? }))?;
    rows.collect()
}

/// Records a deposit.
pub(crate) fn insert_deposit(
    conn: &Connection,
    order_id: i64,
    amount: i64,
    booked_on: &str,
    status: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO deposits (order_id, amount, booked_on, status, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![order_id, amount, booked_on, status, now],
    )?;
    Ok(())
}
