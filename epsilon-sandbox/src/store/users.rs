//! Registered users (ユーザー登録): the masked card, never the number.

use rusqlite::{Connection, OptionalExtension, params};

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
pub(crate) fn user(conn: &Connection, contract: &str, user_id: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(
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
pub(crate) fn put_user(conn: &Connection, u: &User, now: &str) -> rusqlite::Result<()> {
    conn.execute(
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
