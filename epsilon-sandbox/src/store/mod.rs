//! Epsilon's rows on the machinery's store: typed rows over the tables of [`crate::schema`]. Every function runs
//! inside the request's transaction ([`japay_sandbox::Tx`] derefs to the connection).

mod orders;
mod sessions;
mod users;

pub(crate) use orders::*;
use rusqlite::Connection;
pub(crate) use sessions::*;
pub(crate) use users::*;

/// A new numeric transaction code (6+ digits, like the gateway's).
pub(crate) fn next_trans_code(conn: &Connection, now: &str) -> rusqlite::Result<String> {
    conn.execute("INSERT INTO seq (at) VALUES (?1)", [now])?;
    Ok((700_000i64.saturating_add(conn.last_insert_rowid())).to_string())
}

/// Inserts `order`; `Ok(false)` when its order number was used before (the constraint decided).
pub(crate) fn insert_once(conn: &Connection, order: &mut Order) -> rusqlite::Result<bool> {
    match insert_order(conn, order) {
        Ok(()) => Ok(true),
        Err(e) if japay_sandbox::store::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn an_order_number_is_taken_once_per_contract() {
        let conn = Connection::open_in_memory().unwrap();
        // the orders table is migration 1's (the later ones leave it as it is)
        conn.execute_batch(crate::schema::MIGRATIONS[0]).unwrap();
        // (contract, order number, trans code, inserted)
        let cases = [("11111111", "A", "1", true), ("11111111", "A", "2", false), ("22222222", "A", "3", true)];
        for (contract, number, trans_code, inserted) in cases {
            let mut order = Order {
                contract_code: contract.to_owned(),
                order_number: number.to_owned(),
                trans_code: trans_code.to_owned(),
                ..Order::default()
            };
            assert_eq!(insert_once(&conn, &mut order).unwrap(), inserted, "{contract} {number}");
        }
    }
}
