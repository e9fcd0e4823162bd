//! Kuroneko's tables, as versioned migrations ([`japay_sandbox::Gateway::MIGRATIONS`]): `PRAGMA user_version` holds
//! how many have run. Append a migration to change the schema; never edit one that has run on someone's file.
//!
//! * `orders`: one row per accepted `order_no` of a trader (`UNIQUE (trader_code, order_no)`: of many concurrent
//!   requests for one order number exactly one inserts it), whatever the payment kind (`kind`: `card`, `cvs`,
//!   `paypay`), with its E04 status (`status`, facts §3.3) and the 3-D Secure or PayPay session it waits on;
//! * `slips`: the shipment slips E01 registered for an order;
//! * `tokens`: the one-time card tokens of `POST /sandbox/token` (never a card number: its test kind and a mask);
//! * `cards`: stored cards (お預かりカード), at most 3 per member (`card_key` 1–3);
//! * `settings`: the sandbox clock's time of day (`POST /sandbox/time`);
//! * `seq`: a counter for authorization and slip numbers.

/// The migrations, oldest first.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema
    "CREATE TABLE orders (
        id INTEGER PRIMARY KEY AUTOINCREMENT, trader_code TEXT NOT NULL, order_no TEXT NOT NULL,
        function_div TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, settle_price INTEGER NOT NULL,
        settle_method TEXT NOT NULL DEFAULT '', device_div TEXT NOT NULL DEFAULT '', pay_way TEXT NOT NULL DEFAULT '',
        member_id TEXT NOT NULL DEFAULT '', card_kind TEXT NOT NULL DEFAULT '', token TEXT NOT NULL DEFAULT '',
        crd_c_res_cd TEXT NOT NULL DEFAULT '', crd_c_res_date TEXT NOT NULL DEFAULT '',
        settle_date TEXT NOT NULL DEFAULT '', expired_date TEXT NOT NULL DEFAULT '',
        scheduled_shipping_date TEXT NOT NULL DEFAULT '', shipped_date TEXT NOT NULL DEFAULT '',
        cancel_date TEXT NOT NULL DEFAULT '', renewal_date TEXT NOT NULL DEFAULT '',
        three_d_token TEXT, acs_key TEXT, tds_fields TEXT, trader_ec_url TEXT NOT NULL DEFAULT '',
        session_key TEXT, return_url_success TEXT NOT NULL DEFAULT '', return_url_failure TEXT NOT NULL DEFAULT '',
        store TEXT, created TEXT NOT NULL,
        UNIQUE (trader_code, order_no));
     CREATE INDEX orders_status ON orders (status);
     CREATE TABLE slips (
        order_id INTEGER NOT NULL REFERENCES orders(id), slip_no TEXT NOT NULL,
        delivery_service_code TEXT NOT NULL, slip_date TEXT NOT NULL, PRIMARY KEY (order_id, slip_no));
     CREATE TABLE tokens (
        token TEXT PRIMARY KEY, trader_code TEXT NOT NULL, card_kind TEXT NOT NULL, card_mask TEXT NOT NULL,
        card_exp TEXT NOT NULL, card_owner TEXT NOT NULL, card_code_api TEXT NOT NULL, auth_div TEXT NOT NULL,
        opt_serv_div TEXT NOT NULL, member_id TEXT NOT NULL, auth_key TEXT NOT NULL, card_key TEXT NOT NULL,
        issued INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);
     CREATE TABLE cards (
        trader_code TEXT NOT NULL, member_id TEXT NOT NULL, card_key INTEGER NOT NULL, auth_key TEXT NOT NULL,
        card_kind TEXT NOT NULL, card_mask TEXT NOT NULL, card_exp TEXT NOT NULL, card_owner TEXT NOT NULL,
        card_code_api TEXT NOT NULL, last_credit_date TEXT NOT NULL,
        PRIMARY KEY (trader_code, member_id, card_key));
     CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);",
];
