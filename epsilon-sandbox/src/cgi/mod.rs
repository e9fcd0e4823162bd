//! The gateway's CGIs: one file per family. Each handler runs inside the request's transaction and returns the
//! answer, sent once the transaction is committed.

pub(crate) mod card;
pub(crate) mod getsales;
pub(crate) mod manage;
pub(crate) mod order3;
pub(crate) mod va;

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use epsilon_proto::Version;
use epsilon_proto::request_body::FormRequest;
use epsilon_proto::spec::OperationSpec;
use rusqlite::Transaction;

use crate::answer::{self, Answer, Style};
use crate::clock::Now;

/// The CGI families: each answers its errors in its own layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Order3,
    DirectCard,
    VirtualAccount,
    Getsales2,
    UserInfo,
    Management,
}

impl Family {
    /// The family of a CGI file name; `None` for one the sandbox does not serve.
    pub(crate) fn of(cgi: &str) -> Option<Family> {
        Some(match cgi {
            "receive_order3.cgi" => Family::Order3,
            "direct_card_payment.cgi" => Family::DirectCard,
            "direct_virtual_account.cgi" => Family::VirtualAccount,
            "getsales2.cgi" => Family::Getsales2,
            "get_user_info.cgi" => Family::UserInfo,
            "cancel_payment.cgi" | "sales_payment.cgi" | "change_amount_payment.cgi" => Family::Management,
            _ => return None,
        })
    }

    /// The `result` of an error answer. **Sandbox choice** (facts §3.9: 0 and 9 are no reliable split):
    /// receive_order3 answers 0, the others 9.
    fn error_result(self) -> &'static str {
        if self == Family::Order3 { "0" } else { "9" }
    }
}

/// An error answer in the family's layout (getsales2: the empty root).
pub(crate) fn error(family: Family, version: Version, code: &str, detail: &str, form: Option<&FormRequest>) -> Answer {
    let get = |name: &str| form.and_then(|f| f.get(name)).unwrap_or("");
    let result = family.error_result();
    match family {
        Family::Order3 => xml(
            // processes 4, 7, 8 and 9 answer their errors in the layout recorded for process 8 (facts §4.4)
            if matches!(get("process_code"), "4" | "7" | "8" | "9") {
                Style::Order3UserError
            } else {
                Style::Order3Error
            },
            version,
            &[
                ("result", result),
                ("err_code", code),
                ("err_detail", detail),
                ("memo1", get("memo1")),
                ("memo2", get("memo2")),
            ],
        ),
        Family::DirectCard => xml(
            Style::DirectCard,
            version,
            &[
                ("acsurl", ""),
                ("err_code", code),
                ("err_detail", detail),
                ("pareq", ""),
                ("result", result),
                ("trans_code", ""),
            ],
        ),
        Family::VirtualAccount => xml(
            Style::VirtualAccount,
            version,
            &[("err_code", code), ("err_detail", detail), ("result", result), ("trans_code", "")],
        ),
        Family::Getsales2 => xml(Style::Getsales2NotFound, Version::V1, &[]),
        Family::UserInfo => xml(
            Style::Management,
            version,
            &[
                ("card_brand", ""),
                ("card_number_mask", ""),
                ("err_code", code),
                ("err_detail", detail),
                ("result", result),
            ],
        ),
        Family::Management => {
            xml(Style::Management, version, &[("err_code", code), ("err_detail", detail), ("result", result)])
        }
    }
}

/// Writes an XML answer; a value the charset cannot hold (never the case for validated input) is the Apache 500.
pub(crate) fn xml(style: Style, version: Version, attrs: &[(&str, &str)]) -> Answer {
    answer::xml(style, version, attrs).unwrap_or_else(|_| answer::apache_500())
}

/// What a handler sees.
pub(crate) struct Ctx<'a> {
    pub(crate) form: &'a FormRequest,
    pub(crate) version: Version,
    pub(crate) contract: &'a str,
    pub(crate) now: Now,
    /// The sandbox's base URL.
    pub(crate) url: &'a str,
}

impl Ctx<'_> {
    /// The value of `name`, empty when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.form.get(name).unwrap_or("")
    }
}

/// A handler's result: the answer.
pub(crate) struct Reply {
    pub(crate) answer: Answer,
}

impl From<Answer> for Reply {
    fn from(answer: Answer) -> Self {
        Reply { answer }
    }
}

/// Runs the operation `op` (validated) in `tx`.
///
/// # Errors
/// SQLite errors (the transaction is then rolled back and the sandbox answers HTTP 500).
pub(crate) fn dispatch(op: &'static OperationSpec, tx: &Transaction<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Reply> {
    match op.name {
        "link_order" => order3::link_order(tx, ctx),
        "registered_link_order" => order3::registered_link_order(tx, ctx),
        "user_register" => order3::user_register(tx, ctx),
        "user_change" => order3::user_change(tx, ctx),
        "user_restore" => order3::user_restore(tx, ctx),
        "stop_monthly_billing" => order3::stop_monthly_billing(tx, ctx),
        "user_withdraw" => order3::user_withdraw(tx, ctx),
        "card_payment" => card::card_payment(tx, ctx),
        "card_3ds_result" => card::card_3ds_result(tx, ctx),
        "virtual_account" => va::virtual_account(tx, ctx),
        "order_info" => getsales::order_info(tx, ctx),
        "user_info" => manage::user_info(tx, ctx),
        "capture" => manage::capture(tx, ctx),
        "void" => manage::void(tx, ctx),
        "change_amount" => manage::change_amount(tx, ctx),
        _ => Ok(answer::apache_500().into()),
    }
}

/// A random alphanumeric token of `len` characters (page tokens, card tokens, PaReq). Not cryptographic: the
/// sandbox guards no money.
pub(crate) fn random_token(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let mut n = RandomState::new().hash_one((COUNTER.fetch_add(1, Ordering::Relaxed), nanos));
        for _ in 0..10 {
            if out.len() >= len {
                break;
            }
            let i = usize::try_from(n % 62).unwrap_or(0);
            out.push(char::from(ALPHABET.get(i).copied().unwrap_or(b'A')));
            n /= 62;
        }
    }
    out
}

/// Whole yen from a validated decimal value; 0 when it does not parse.
pub(crate) fn yen(value: &str) -> i64 {
    value.parse().unwrap_or(0)
}
