//! The gateway's functions: which the sandbox serves ([`SERVED`], one handler each, keyed by the operation's spec)
//! and which it does not ([`NOT_SERVED`], with the reason); one file per family. A handler runs inside the request's
//! transaction, after the checks of [`crate::api`], and returns the `<return>` document, sent once the transaction
//! is committed. Which operation a request is, is the spec's to say ([`japay_core::spec::route`]); nothing here
//! looks at a URL.

pub(crate) mod credit;
pub(crate) mod cvs;
pub(crate) mod member;
pub(crate) mod paypay;
pub(crate) mod shipment;

use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use japay_core::spec::OperationSpec;
use japay_sandbox::Tx;
use japay_sandbox::clock::Now;
use japay_sandbox::form::Form;
use kuroneko_proto::generated::{
    change_date::CHANGE_DATE, credit::CREDIT, credit_3d::CREDIT_3D, credit_cancel::CREDIT_CANCEL,
    credit_change_price::CREDIT_CHANGE_PRICE, credit_info_delete::CREDIT_INFO_DELETE, credit_info_get::CREDIT_INFO_GET,
    credit_info_update::CREDIT_INFO_UPDATE, credit_token::CREDIT_TOKEN, credit_token_3d::CREDIT_TOKEN_3D,
    cvs_circle_k_sunkus::CVS_CIRCLE_K_SUNKUS, cvs_family_mart::CVS_FAMILY_MART, cvs_lawson::CVS_LAWSON,
    cvs_ministop::CVS_MINISTOP, cvs_seicomart::CVS_SEICOMART, cvs_seven_eleven::CVS_SEVEN_ELEVEN,
    paypay_change_price::PAYPAY_CHANGE_PRICE, paypay_settle::PAYPAY_SETTLE, paypay_settle_cancel::PAYPAY_SETTLE_CANCEL,
    re_auth::RE_AUTH, regular::REGULAR, regular_3d::REGULAR_3D, regular_delete::REGULAR_DELETE,
    regular_info::REGULAR_INFO, regular_update::REGULAR_UPDATE, shipment_cancel::SHIPMENT_CANCEL,
    shipment_entry::SHIPMENT_ENTRY, trade_info::TRADE_INFO, trader_ip::TRADER_IP,
};

use crate::clock;
use crate::codes;
use crate::writer::Writer;

/// A handler: the answer to a checked request, inside its transaction.
pub(crate) type Handler = fn(&Tx<'_>, &Ctx<'_>) -> rusqlite::Result<String>;

/// An operation the sandbox serves and its handler.
pub(crate) struct Served {
    pub(crate) op: &'static OperationSpec,
    pub(crate) handler: Handler,
}

/// Every operation the sandbox serves.
pub(crate) static SERVED: &[Served] = &[
    Served { op: &CREDIT, handler: credit::credit },
    Served { op: &CREDIT_3D, handler: credit::credit_token_3d },
    Served { op: &CREDIT_INFO_GET, handler: member::credit_info_get },
    Served { op: &CREDIT_INFO_UPDATE, handler: member::credit_info_update },
    Served { op: &CREDIT_INFO_DELETE, handler: member::credit_info_delete },
    Served { op: &CREDIT_CANCEL, handler: credit::credit_cancel },
    Served { op: &CREDIT_CHANGE_PRICE, handler: credit::credit_change_price },
    Served { op: &CREDIT_TOKEN, handler: credit::credit_token },
    Served { op: &CREDIT_TOKEN_3D, handler: credit::credit_token_3d },
    Served { op: &RE_AUTH, handler: credit::re_auth },
    Served { op: &CVS_SEVEN_ELEVEN, handler: cvs::cvs },
    Served { op: &CVS_FAMILY_MART, handler: cvs::cvs },
    Served { op: &CVS_LAWSON, handler: cvs::cvs },
    Served { op: &CVS_CIRCLE_K_SUNKUS, handler: cvs::cvs },
    Served { op: &CVS_MINISTOP, handler: cvs::cvs },
    Served { op: &CVS_SEICOMART, handler: cvs::cvs },
    Served { op: &SHIPMENT_ENTRY, handler: shipment::shipment_entry },
    Served { op: &SHIPMENT_CANCEL, handler: shipment::shipment_cancel },
    Served { op: &CHANGE_DATE, handler: shipment::change_date },
    Served { op: &TRADE_INFO, handler: shipment::trade_info },
    Served { op: &TRADER_IP, handler: trader_ip },
    Served { op: &PAYPAY_SETTLE, handler: paypay::paypay_settle },
    Served { op: &PAYPAY_SETTLE_CANCEL, handler: paypay::paypay_settle_cancel },
    Served { op: &PAYPAY_CHANGE_PRICE, handler: paypay::paypay_change_price },
];

/// The merchant's operations the sandbox does not serve, and why: a request for one is answered 404 naming it,
/// before any other check.
pub(crate) static NOT_SERVED: &[(&OperationSpec, &str)] = &[
    (&REGULAR, REGULAR_WHY),
    (&REGULAR_3D, REGULAR_WHY),
    (&REGULAR_INFO, REGULAR_WHY),
    (&REGULAR_UPDATE, REGULAR_WHY),
    (&REGULAR_DELETE, REGULAR_WHY),
];

/// Why G01–G05 are not served.
const REGULAR_WHY: &str = "continuous billing (G01-G05) is not simulated: its fields come from error tables only, \
    every one uncertain (facts §2.2), and no client was seen calling it";

/// The served operation `op`.
pub(crate) fn served(op: &'static OperationSpec) -> Option<&'static Served> {
    SERVED.iter().find(|s| std::ptr::eq(s.op, op))
}

/// What a handler sees.
pub(crate) struct Ctx<'a> {
    pub(crate) form: &'a Form,
    pub(crate) op: &'static OperationSpec,
    pub(crate) trader: &'a str,
    /// The sandbox clock (its time of day included).
    pub(crate) now: Now,
    /// The sandbox's base URL.
    pub(crate) url: &'a str,
    /// The caller's address (H01 answers it).
    pub(crate) peer: IpAddr,
}

impl Ctx<'_> {
    /// The value of `name`, empty when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.form.get(name).unwrap_or("")
    }

    /// `returnDate` and every other timestamp: `yyyyMMddHHmmss`.
    pub(crate) fn stamp(&self) -> String {
        clock::stamp(self.now)
    }

    /// The error answer `code`.
    pub(crate) fn fail(&self, code: &str) -> String {
        Writer::error(code, &self.stamp()).finish()
    }

    /// The error answer of the layout code of `wire` with `check` (facts §4.2).
    pub(crate) fn fail_field(&self, wire: &str, check: &str) -> String {
        self.fail(&codes::layout(self.op, wire, check))
    }

    /// A success being written.
    pub(crate) fn ok(&self) -> Writer {
        Writer::ok(&self.stamp())
    }

    /// The function code (`A08`).
    pub(crate) fn function(&self) -> &'static str {
        codes::function_of(self.op)
    }
}

/// H01 `traderIp`: the address the sandbox sees the caller at (`ipAddress`), whatever `--allow-host` says (the
/// gateway's behaviour for an unregistered caller is not documented: uncertain, facts §1.2).
pub(crate) fn trader_ip(_tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let mut w = ctx.ok();
    w.element("ipAddress", &ctx.peer.to_canonical().to_string());
    Ok(w.finish())
}

/// A random alphanumeric string of `len` characters (tokens, 3-D Secure and page sessions). Not cryptographic: the
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

/// The lowercase hex SHA-256 of the concatenation of `parts` (the gateway's `check_sum`s, facts §5.1).
pub(crate) fn sha256_hex(parts: &[&str]) -> String {
    kuroneko_proto::token::CheckSum::sha256_hex(parts).as_str().to_owned()
}

/// Whether two strings are equal, compared in time independent of where they differ (check sums).
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whole yen from a validated decimal value; 0 when it does not parse.
pub(crate) fn yen(value: &str) -> i64 {
    value.parse().unwrap_or(0)
}

/// The test cards (**sandbox choice**, documented in the crate docs): `4000000000000002` declined,
/// `4000000000003220` asks for 3-D Secure, any other number approved (`4111111111111111` among them).
pub(crate) fn card_kind(number: &str) -> &'static str {
    match number {
        "4000000000000002" => "decline",
        "4000000000003220" => "tds",
        _ => "approve",
    }
}

/// The masked number as A03 answers it: asterisks and the last four digits (facts §3.2, `maskingCardNo`).
pub(crate) fn card_mask(number: &str) -> String {
    let keep = number.len().saturating_sub(4);
    let last = number.get(keep..).unwrap_or("");
    format!("{}{last}", "*".repeat(keep))
}

/// The card company code (facts §4.6) the number suggests, as EC2 derives it: `9` VISA (4), `10` Mastercard (5),
/// `3` JCB (35), `12` American Express (34, 37), `2` Diners (30, 36, 38, 39), else `9`. **Sandbox choice**.
pub(crate) fn card_code_api(number: &str) -> &'static str {
    match number.get(..2).unwrap_or("") {
        "35" => "3",
        "34" | "37" => "12",
        "30" | "36" | "38" | "39" => "2",
        p if p.starts_with('5') => "10",
        _ => "9",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use japay_core::spec::Direction;

    use super::*;

    /// Every operation the merchant sends is either served or explicitly not, never both: a new operation in the
    /// spec fails this test until the sandbox decides (an operation without a handler is never an accidental 500).
    #[test]
    fn every_outgoing_operation_is_served_or_explicitly_not() {
        for op in kuroneko_proto::generated::OPERATIONS.iter().filter(|op| op.direction == Direction::Outgoing) {
            let served = served(op).is_some();
            let not = NOT_SERVED.iter().any(|(o, _)| std::ptr::eq(*o, *op));
            assert!(served != not, "{}: served {served}, listed as not served {not}", op.name);
        }
        for s in SERVED {
            assert_eq!(s.op.direction, Direction::Outgoing, "{}", s.op.name);
            assert!(SERVED.iter().filter(|t| std::ptr::eq(t.op, s.op)).count() == 1, "{} twice", s.op.name);
        }
    }

    #[test]
    fn test_cards_and_checksums() {
        // (number, kind, mask, card company)
        let cases = [
            ("4111111111111111", "approve", "************1111", "9"),
            ("4000000000000002", "decline", "************0002", "9"),
            ("4000000000003220", "tds", "************3220", "9"),
            ("5555555555554444", "approve", "************4444", "10"),
            ("3530111333300000", "approve", "************0000", "3"),
        ];
        for (number, kind, mask, code) in cases {
            assert_eq!((card_kind(number), card_mask(number).as_str(), card_code_api(number)), (kind, mask, code));
        }
        // SHA-256("abc")
        assert_eq!(sha256_hex(&["a", "bc"]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("abc", "ab"));
        assert_eq!(random_token(16).len(), 16);
    }
}
