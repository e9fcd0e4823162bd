//! Kuroneko's rows on the machinery's store: typed rows over the tables of [`crate::schema`], each function inside
//! the request's transaction ([`japay_sandbox::Tx`] derefs to the connection). An order number is taken once per
//! trader through the `UNIQUE (trader_code, order_no)` constraint, never by reading first.

use rusqlite::{Connection, OptionalExtension, Row, params};

/// One order row. No `Debug`: it holds a 3-D Secure token and the ACS fields.
#[derive(Clone, Default)]
pub(crate) struct Order {
    pub(crate) id: i64,
    pub(crate) trader_code: String,
    pub(crate) order_no: String,
    pub(crate) function_div: String,
    /// `card`, `cvs` or `paypay`.
    pub(crate) kind: String,
    /// The E04 `statusInfo` (facts §3.3).
    pub(crate) status: String,
    pub(crate) settle_price: i64,
    pub(crate) settle_method: String,
    pub(crate) device_div: String,
    pub(crate) pay_way: String,
    pub(crate) member_id: String,
    /// The test card: `approve`, `decline` or `tds`.
    pub(crate) card_kind: String,
    /// The token the order was paid with (its card data, the card to store).
    pub(crate) token: String,
    pub(crate) crd_c_res_cd: String,
    pub(crate) crd_c_res_date: String,
    pub(crate) settle_date: String,
    pub(crate) expired_date: String,
    pub(crate) scheduled_shipping_date: String,
    pub(crate) shipped_date: String,
    pub(crate) cancel_date: String,
    pub(crate) renewal_date: String,
    pub(crate) three_d_token: Option<String>,
    pub(crate) acs_key: Option<String>,
    /// The upper-case fields the ACS posted (JSON object), compared by A09.
    pub(crate) tds_fields: Option<String>,
    pub(crate) trader_ec_url: String,
    /// The PayPay approval page's key.
    pub(crate) session_key: Option<String>,
    pub(crate) return_url_success: String,
    pub(crate) return_url_failure: String,
    /// The card to store once authorized (JSON), when the request asked for it.
    pub(crate) store: Option<String>,
    pub(crate) created: String,
}

const COLUMNS: &str = "id, trader_code, order_no, function_div, kind, status, settle_price, settle_method, device_div,
    pay_way, member_id, card_kind, token, crd_c_res_cd, crd_c_res_date, settle_date, expired_date,
    scheduled_shipping_date, shipped_date, cancel_date, renewal_date, three_d_token, acs_key, tds_fields,
    trader_ec_url, session_key, return_url_success, return_url_failure, store, created";

fn read(r: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: r.get(0)?,
        trader_code: r.get(1)?,
        order_no: r.get(2)?,
        function_div: r.get(3)?,
        kind: r.get(4)?,
        status: r.get(5)?,
        settle_price: r.get(6)?,
        settle_method: r.get(7)?,
        device_div: r.get(8)?,
        pay_way: r.get(9)?,
        member_id: r.get(10)?,
        card_kind: r.get(11)?,
        token: r.get(12)?,
        crd_c_res_cd: r.get(13)?,
        crd_c_res_date: r.get(14)?,
        settle_date: r.get(15)?,
        expired_date: r.get(16)?,
        scheduled_shipping_date: r.get(17)?,
        shipped_date: r.get(18)?,
        cancel_date: r.get(19)?,
        renewal_date: r.get(20)?,
        three_d_token: r.get(21)?,
        acs_key: r.get(22)?,
        tds_fields: r.get(23)?,
        trader_ec_url: r.get(24)?,
        session_key: r.get(25)?,
        return_url_success: r.get(26)?,
        return_url_failure: r.get(27)?,
        store: r.get(28)?,
        created: r.get(29)?,
    })
}

/// Inserts `order` (its `id` set); `Ok(false)` when the trader used its order number before (the constraint
/// decided).
pub(crate) fn insert_once(conn: &Connection, order: &mut Order) -> rusqlite::Result<bool> {
    let done = conn.execute(
        "INSERT INTO orders (trader_code, order_no, function_div, kind, status, settle_price, settle_method,
            device_div, pay_way, member_id, card_kind, token, crd_c_res_cd, crd_c_res_date, settle_date,
            expired_date, scheduled_shipping_date, shipped_date, cancel_date, renewal_date, three_d_token, acs_key,
            tds_fields, trader_ec_url, session_key, return_url_success, return_url_failure, store, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
            ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
        params![
            order.trader_code,
            order.order_no,
            order.function_div,
            order.kind,
            order.status,
            order.settle_price,
            order.settle_method,
            order.device_div,
            order.pay_way,
            order.member_id,
            order.card_kind,
            order.token,
            order.crd_c_res_cd,
            order.crd_c_res_date,
            order.settle_date,
            order.expired_date,
            order.scheduled_shipping_date,
            order.shipped_date,
            order.cancel_date,
            order.renewal_date,
            order.three_d_token,
            order.acs_key,
            order.tds_fields,
            order.trader_ec_url,
            order.session_key,
            order.return_url_success,
            order.return_url_failure,
            order.store,
            order.created,
        ],
    );
    match done {
        Ok(_) => {
            order.id = conn.last_insert_rowid();
            Ok(true)
        }
        Err(e) if japay_sandbox::store::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Writes back the mutable columns of `order`.
pub(crate) fn update(conn: &Connection, o: &Order) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE orders SET status = ?2, settle_price = ?3, crd_c_res_cd = ?4, crd_c_res_date = ?5, settle_date = ?6,
            scheduled_shipping_date = ?7, shipped_date = ?8, cancel_date = ?9, renewal_date = ?10,
            three_d_token = ?11, acs_key = ?12, tds_fields = ?13, session_key = ?14, store = ?15, member_id = ?16
         WHERE id = ?1",
        params![
            o.id,
            o.status,
            o.settle_price,
            o.crd_c_res_cd,
            o.crd_c_res_date,
            o.settle_date,
            o.scheduled_shipping_date,
            o.shipped_date,
            o.cancel_date,
            o.renewal_date,
            o.three_d_token,
            o.acs_key,
            o.tds_fields,
            o.session_key,
            o.store,
            o.member_id,
        ],
    )?;
    Ok(())
}

/// The order `order_no` of `trader_code`.
pub(crate) fn order(conn: &Connection, trader_code: &str, order_no: &str) -> rusqlite::Result<Option<Order>> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE trader_code = ?1 AND order_no = ?2");
    conn.query_row(&sql, params![trader_code, order_no], read).optional()
}

/// The first order numbered `order_no`, whatever its trader (the control endpoints).
pub(crate) fn order_any(conn: &Connection, order_no: &str) -> rusqlite::Result<Option<Order>> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE order_no = ?1 ORDER BY id LIMIT 1");
    conn.query_row(&sql, params![order_no], read).optional()
}

/// The order waiting on a page session (`acs_key` or `session_key`).
pub(crate) fn order_by_key(conn: &Connection, column: Key, key: &str) -> rusqlite::Result<Option<Order>> {
    let column = match column {
        Key::Acs => "acs_key",
        Key::Session => "session_key",
    };
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE {column} = ?1");
    conn.query_row(&sql, params![key], read).optional()
}

/// The session column a page looks an order up by.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    /// The 3-D Secure ACS session.
    Acs,
    /// The PayPay approval page.
    Session,
}

/// Orders with `status`.
pub(crate) fn orders_with_status(conn: &Connection, status: &str) -> rusqlite::Result<Vec<Order>> {
    let sql = format!("SELECT {COLUMNS} FROM orders WHERE status = ?1 ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![status], read)?;
    rows.collect()
}

/// A new number from the counter (authorization numbers, slip and receipt numbers).
pub(crate) fn next_number(conn: &Connection, now: &str) -> rusqlite::Result<i64> {
    conn.execute("INSERT INTO seq (at) VALUES (?1)", [now])?;
    Ok(conn.last_insert_rowid())
}

/// A shipment slip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Slip {
    pub(crate) slip_no: String,
    pub(crate) delivery_service_code: String,
    pub(crate) slip_date: String,
}

/// The slips of an order, oldest first.
pub(crate) fn slips(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<Slip>> {
    let mut stmt =
        conn.prepare("SELECT slip_no, delivery_service_code, slip_date FROM slips WHERE order_id = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([order_id], |r| {
        Ok(Slip { slip_no: r.get(0)?, delivery_service_code: r.get(1)?, slip_date: r.get(2)? })
    })?;
    rows.collect()
}

/// Registers a slip; `Ok(false)` when the order has it already.
pub(crate) fn insert_slip(conn: &Connection, order_id: i64, slip: &Slip) -> rusqlite::Result<bool> {
    let done = conn.execute(
        "INSERT INTO slips (order_id, slip_no, delivery_service_code, slip_date) VALUES (?1, ?2, ?3, ?4)",
        params![order_id, slip.slip_no, slip.delivery_service_code, slip.slip_date],
    );
    match done {
        Ok(_) => Ok(true),
        Err(e) if japay_sandbox::store::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes a slip; whether it was there.
pub(crate) fn delete_slip(conn: &Connection, order_id: i64, slip_no: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM slips WHERE order_id = ?1 AND slip_no = ?2", params![order_id, slip_no])? > 0)
}

/// A card token's row. No `Debug`: it is card data (a mask, never the number).
#[derive(Clone, Default)]
pub(crate) struct Token {
    pub(crate) token: String,
    pub(crate) trader_code: String,
    pub(crate) card_kind: String,
    pub(crate) card_mask: String,
    pub(crate) card_exp: String,
    pub(crate) card_owner: String,
    pub(crate) card_code_api: String,
    pub(crate) auth_div: String,
    pub(crate) opt_serv_div: String,
    pub(crate) member_id: String,
    pub(crate) auth_key: String,
    pub(crate) card_key: String,
    /// Unix seconds of the sandbox clock at issue.
    pub(crate) issued: i64,
    pub(crate) used: bool,
}

/// Stores a new token.
pub(crate) fn insert_token(conn: &Connection, t: &Token) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO tokens (token, trader_code, card_kind, card_mask, card_exp, card_owner, card_code_api, auth_div,
            opt_serv_div, member_id, auth_key, card_key, issued, used)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0)",
        params![
            t.token,
            t.trader_code,
            t.card_kind,
            t.card_mask,
            t.card_exp,
            t.card_owner,
            t.card_code_api,
            t.auth_div,
            t.opt_serv_div,
            t.member_id,
            t.auth_key,
            t.card_key,
            t.issued
        ],
    )?;
    Ok(())
}

/// The token `token`.
pub(crate) fn token(conn: &Connection, token: &str) -> rusqlite::Result<Option<Token>> {
    conn.query_row(
        "SELECT token, trader_code, card_kind, card_mask, card_exp, card_owner, card_code_api, auth_div,
            opt_serv_div, member_id, auth_key, card_key, issued, used FROM tokens WHERE token = ?1",
        [token],
        |r| {
            Ok(Token {
                token: r.get(0)?,
                trader_code: r.get(1)?,
                card_kind: r.get(2)?,
                card_mask: r.get(3)?,
                card_exp: r.get(4)?,
                card_owner: r.get(5)?,
                card_code_api: r.get(6)?,
                auth_div: r.get(7)?,
                opt_serv_div: r.get(8)?,
                member_id: r.get(9)?,
                auth_key: r.get(10)?,
                card_key: r.get(11)?,
                issued: r.get(12)?,
                used: r.get(13)?,
            })
        },
    )
    .optional()
}

/// Marks a token used.
pub(crate) fn use_token(conn: &Connection, token: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE tokens SET used = 1 WHERE token = ?1", [token])?;
    Ok(())
}

/// A stored card. No `Debug`: card data (a mask, never the number).
#[derive(Clone, Default)]
pub(crate) struct Card {
    pub(crate) trader_code: String,
    pub(crate) member_id: String,
    pub(crate) card_key: i64,
    pub(crate) auth_key: String,
    pub(crate) card_kind: String,
    pub(crate) card_mask: String,
    pub(crate) card_exp: String,
    pub(crate) card_owner: String,
    pub(crate) card_code_api: String,
    pub(crate) last_credit_date: String,
}

/// The stored cards of a member, by card key.
pub(crate) fn cards(conn: &Connection, trader_code: &str, member_id: &str) -> rusqlite::Result<Vec<Card>> {
    let mut stmt = conn.prepare(
        "SELECT trader_code, member_id, card_key, auth_key, card_kind, card_mask, card_exp, card_owner, card_code_api,
            last_credit_date FROM cards WHERE trader_code = ?1 AND member_id = ?2 ORDER BY card_key",
    )?;
    let rows = stmt.query_map(params![trader_code, member_id], |r| {
        Ok(Card {
            trader_code: r.get(0)?,
            member_id: r.get(1)?,
            card_key: r.get(2)?,
            auth_key: r.get(3)?,
            card_kind: r.get(4)?,
            card_mask: r.get(5)?,
            card_exp: r.get(6)?,
            card_owner: r.get(7)?,
            card_code_api: r.get(8)?,
            last_credit_date: r.get(9)?,
        })
    })?;
    rows.collect()
}

/// Inserts or replaces a stored card.
pub(crate) fn put_card(conn: &Connection, c: &Card) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO cards (trader_code, member_id, card_key, auth_key, card_kind, card_mask, card_exp,
            card_owner, card_code_api, last_credit_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            c.trader_code,
            c.member_id,
            c.card_key,
            c.auth_key,
            c.card_kind,
            c.card_mask,
            c.card_exp,
            c.card_owner,
            c.card_code_api,
            c.last_credit_date
        ],
    )?;
    Ok(())
}

/// Deletes a stored card.
pub(crate) fn delete_card(
    conn: &Connection,
    trader_code: &str,
    member_id: &str,
    card_key: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM cards WHERE trader_code = ?1 AND member_id = ?2 AND card_key = ?3",
        params![trader_code, member_id, card_key],
    )?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn an_order_number_is_taken_once_per_trader() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::schema::MIGRATIONS[0]).unwrap();
        // (trader, order number, inserted)
        let cases = [("888888888", "A1", true), ("888888888", "A1", false), ("777777777", "A1", true)];
        for (trader, number, inserted) in cases {
            let mut o = Order { trader_code: trader.into(), order_no: number.into(), ..Order::default() };
            assert_eq!(insert_once(&conn, &mut o).unwrap(), inserted, "{trader} {number}");
        }
        let slip = Slip { slip_no: "S".into(), delivery_service_code: "99".into(), slip_date: "d".into() };
        assert!(insert_slip(&conn, 1, &slip).unwrap());
        assert!(!insert_slip(&conn, 1, &slip).unwrap());
        assert_eq!(slips(&conn, 1).unwrap(), [slip]);
    }
}
