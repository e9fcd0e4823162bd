//! What a buyer's browser holds between two requests: card tokens from the token endpoint, and the buyer pages in
//! progress.

use rusqlite::{Connection, OptionalExtension, params};

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
pub(crate) fn insert_token(conn: &Connection, token: &str, t: &Token, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO tokens (token, card_kind, card_mask, card_brand, card_expire, used, created)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
        params![token, t.card_kind, t.card_mask, t.card_brand, t.card_expire, now],
    )?;
    Ok(())
}

/// The token, if it was issued.
pub(crate) fn token(conn: &Connection, token: &str) -> rusqlite::Result<Option<Token>> {
    conn.query_row(
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
pub(crate) fn use_token(conn: &Connection, token: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE tokens SET used = 1 WHERE token = ?1", [token])?;
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
pub(crate) fn insert_page(conn: &Connection, p: &Page, now: &str) -> rusqlite::Result<()> {
    conn.execute(
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
pub(crate) fn page(conn: &Connection, token: &str) -> rusqlite::Result<Option<Page>> {
    conn.query_row(
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
pub(crate) fn finish_page(conn: &Connection, token: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("UPDATE pages SET done = 1 WHERE token = ?1 AND done = 0", [token])? == 1)
}
