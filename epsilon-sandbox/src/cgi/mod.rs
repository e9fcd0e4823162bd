//! The gateway's operations: which the sandbox serves ([`SERVED`], one handler each, keyed by the operation's spec)
//! and which it does not ([`NOT_SERVED`]); which layout each answers its errors in ([`Errors`]); one file per CGI
//! family. A handler runs inside the request's transaction and returns the answer, sent once the transaction is
//! committed. Which operation a request is, is the spec's to say ([`japay_core::spec::route`]); nothing here looks at
//! a CGI name or an operation name.

pub(crate) mod card;
pub(crate) mod getsales;
pub(crate) mod gmo;
pub(crate) mod manage;
pub(crate) mod order3;
pub(crate) mod va;

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use epsilon_proto::Version;
use epsilon_proto::generated::{
    capture::CAPTURE, card_3ds_result::CARD_3DS_RESULT, card_multi_currency::CARD_MULTI_CURRENCY,
    card_payment::CARD_PAYMENT, change_amount::CHANGE_AMOUNT, gmo_id_payment::GMO_ID_PAYMENT, link_order::LINK_ORDER,
    order_info::ORDER_INFO, registered_link_order::REGISTERED_LINK_ORDER, regular_amount_change::REGULAR_AMOUNT_CHANGE,
    regular_cancel::REGULAR_CANCEL, ship_request::SHIP_REQUEST, stop_monthly_billing::STOP_MONTHLY_BILLING,
    user_change::USER_CHANGE, user_info::USER_INFO, user_register::USER_REGISTER, user_restore::USER_RESTORE,
    user_withdraw::USER_WITHDRAW, virtual_account::VIRTUAL_ACCOUNT, void::VOID,
};
use epsilon_proto::request_body::FormRequest;
use japay_core::spec::OperationSpec;
use japay_sandbox::Tx;
use japay_sandbox::clock::Now;

use crate::checks;
use crate::writer::{self, Style, Written};

/// A handler: the answer to a validated request, inside its transaction.
pub(crate) type Handler = fn(&Tx<'_>, &Ctx<'_>) -> rusqlite::Result<Written>;

/// An operation the sandbox serves: its handler and the layout of its error answers.
pub(crate) struct Served {
    pub(crate) op: &'static OperationSpec,
    pub(crate) errors: Errors,
    pub(crate) handler: Handler,
}

/// Every operation the sandbox serves. The first one of a path gives the error layout of requests to that path that
/// select no operation (an unknown `process_code`, a body that does not decode).
pub(crate) static SERVED: &[Served] = &[
    Served { op: &LINK_ORDER, errors: Errors::Order3, handler: order3::link_order },
    Served { op: &REGISTERED_LINK_ORDER, errors: Errors::Order3, handler: order3::registered_link_order },
    Served { op: &USER_REGISTER, errors: Errors::Order3, handler: order3::user_register },
    Served { op: &USER_CHANGE, errors: Errors::Order3User, handler: order3::user_change },
    Served { op: &USER_RESTORE, errors: Errors::Order3User, handler: order3::user_restore },
    Served { op: &STOP_MONTHLY_BILLING, errors: Errors::Order3User, handler: order3::stop_monthly_billing },
    Served { op: &USER_WITHDRAW, errors: Errors::Order3User, handler: order3::user_withdraw },
    Served { op: &CARD_PAYMENT, errors: Errors::DirectCard, handler: card::card_payment },
    Served { op: &CARD_3DS_RESULT, errors: Errors::DirectCard, handler: card::card_3ds_result },
    Served { op: &VIRTUAL_ACCOUNT, errors: Errors::VirtualAccount, handler: va::virtual_account },
    Served { op: &ORDER_INFO, errors: Errors::EmptyRoot, handler: getsales::order_info },
    Served { op: &USER_INFO, errors: Errors::UserInfo, handler: manage::user_info },
    Served { op: &CAPTURE, errors: Errors::Management, handler: manage::capture },
    Served { op: &VOID, errors: Errors::Management, handler: manage::void },
    Served { op: &CHANGE_AMOUNT, errors: Errors::Management, handler: manage::change_amount },
    Served { op: &GMO_ID_PAYMENT, errors: Errors::Gmo2, handler: gmo::gmo_id_payment },
    Served { op: &SHIP_REQUEST, errors: Errors::Management, handler: gmo::ship_request },
];

/// The merchant's operations the sandbox does not serve, and why: a request for one is answered 404 with the
/// operation's name, before any other check.
pub(crate) static NOT_SERVED: &[(&OperationSpec, &str)] = &[
    (&REGULAR_CANCEL, "定期課金 subscriptions (mission_code 21–32) are not simulated yet"),
    (&REGULAR_AMOUNT_CHANGE, "定期課金 subscriptions (mission_code 21–32) are not simulated yet"),
    (&CARD_MULTI_CURRENCY, "multi-currency card payments are not simulated yet"),
];

/// The served operation `op`.
pub(crate) fn served(op: &'static OperationSpec) -> Option<&'static Served> {
    SERVED.iter().find(|s| std::ptr::eq(s.op, op))
}

/// The error layout of requests to `path` (a CGI file name) that select no served operation; `None` when the sandbox
/// serves nothing there.
pub(crate) fn path_errors(path: &str) -> Option<Errors> {
    SERVED.iter().find(|s| s.op.path == path).map(|s| s.errors)
}

/// The parameter that selects an operation among those sharing `path` (`process_code`), from the spec's routes.
pub(crate) fn route_field(path: &str) -> Option<&'static str> {
    SERVED.iter().filter(|s| s.op.path == path).find_map(|s| s.op.route).map(|r| r.field)
}

/// The layouts of error answers: each CGI answers its errors in its own layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Errors {
    /// `receive_order3.cgi`, orders and user registration (process 1, 2, 3).
    Order3,
    /// `receive_order3.cgi`, managing users (process 4, 7, 8, 9): the layout recorded for process 8 (facts §4.4).
    Order3User,
    /// `direct_card_payment.cgi`.
    DirectCard,
    /// `direct_virtual_account.cgi`.
    VirtualAccount,
    /// `getsales2.cgi`: every error is the empty root ("not found"), as the gateway answers a wrong contract code.
    EmptyRoot,
    /// `get_user_info.cgi`.
    UserInfo,
    /// `sales_payment.cgi`, `cancel_payment.cgi`, `change_amount_payment.cgi`; also `ship_request.cgi`, whose
    /// answer was never recorded (**sandbox choice**, uncertain).
    Management,
    /// `receive_order_gmo2.cgi` (facts §4.4 (j)): a transaction code, empty when the request was refused before one
    /// was given (**sandbox choice**).
    Gmo2,
}

impl Errors {
    /// The `result` of an error answer. **Sandbox choice** (facts §3.9: 0 and 9 are no reliable split):
    /// receive_order3 answers 0, the others 9.
    fn result(self) -> &'static str {
        if matches!(self, Errors::Order3 | Errors::Order3User) { "0" } else { "9" }
    }
}

/// An error answer in `errors`' layout; memo1 and memo2 are echoed from `form` where the layout has them.
pub(crate) fn error(errors: Errors, version: Version, code: &str, detail: &str, form: Option<&FormRequest>) -> Written {
    let get = |name: &str| form.and_then(|f| f.get(name)).unwrap_or("");
    let result = errors.result();
    let order3 = |style| {
        let attrs = [
            ("result", result),
            ("err_code", code),
            ("err_detail", detail),
            ("memo1", get("memo1")),
            ("memo2", get("memo2")),
        ];
        xml(style, version, &attrs)
    };
    match errors {
        Errors::Order3 => order3(Style::Order3Error),
        Errors::Order3User => order3(Style::Order3UserError),
        Errors::DirectCard => xml(
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
        Errors::VirtualAccount => xml(
            Style::VirtualAccount,
            version,
            &[("err_code", code), ("err_detail", detail), ("result", result), ("trans_code", "")],
        ),
        Errors::EmptyRoot => xml(Style::Getsales2NotFound, Version::V1, &[]),
        Errors::UserInfo => xml(
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
        Errors::Gmo2 => xml(
            Style::Gmo2,
            version,
            &[("trans_code", ""), ("result", result), ("err_code", code), ("err_detail", detail)],
        ),
        Errors::Management => {
            xml(Style::Management, version, &[("err_code", code), ("err_detail", detail), ("result", result)])
        }
    }
}

/// Writes an XML answer; a value the charset cannot hold (never the case for validated input) is the Apache 500.
pub(crate) fn xml(style: Style, version: Version, attrs: &[(&str, &str)]) -> Written {
    writer::write(style, version, attrs).unwrap_or_else(|_| writer::apache_500())
}

/// What a handler sees.
pub(crate) struct Ctx<'a> {
    pub(crate) form: &'a FormRequest,
    pub(crate) version: Version,
    pub(crate) contract: &'a str,
    pub(crate) now: Now,
    /// The sandbox's base URL.
    pub(crate) url: &'a str,
    /// The layout of the operation's error answers.
    pub(crate) errors: Errors,
}

impl Ctx<'_> {
    /// The value of `name`, empty when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.form.get(name).unwrap_or("")
    }

    /// The error answer `code` with the err_code table's text.
    pub(crate) fn fail(&self, code: &str) -> Written {
        self.fail_with(code, checks::text(code))
    }

    /// The error answer `code` with `detail` (a text of [`crate::details`]).
    pub(crate) fn fail_with(&self, code: &str, detail: &str) -> Written {
        error(self.errors, self.version, code, detail, Some(self.form))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use japay_core::spec::Direction;

    use super::*;

    /// Every operation the merchant sends is either served or explicitly not, never both: a new operation in the
    /// spec fails this test until the sandbox decides (an operation without a handler is never an accidental 500).
    #[test]
    fn every_outgoing_operation_is_served_or_explicitly_not() {
        for op in epsilon_proto::OPERATIONS.iter().filter(|op| op.direction == Direction::Outgoing) {
            let served = served(op).is_some();
            let not = NOT_SERVED.iter().any(|(o, _)| std::ptr::eq(*o, *op));
            assert!(served != not, "{}: served {served}, listed as not served {not}", op.name);
        }
        for s in SERVED {
            assert_eq!(s.op.direction, Direction::Outgoing, "{}", s.op.name);
            assert!(SERVED.iter().filter(|t| std::ptr::eq(t.op, s.op)).count() == 1, "{} twice", s.op.name);
        }
    }

    /// Each path's operations share one error family, and a path of several operations has a route field.
    #[test]
    fn paths_have_one_error_family_and_a_route_field() {
        // (path, layout for a request that selects no operation, the selecting parameter)
        let cases = [
            ("receive_order3.cgi", Some(Errors::Order3), Some("process_code")),
            ("direct_card_payment.cgi", Some(Errors::DirectCard), Some("tds_check_code")),
            ("getsales2.cgi", Some(Errors::EmptyRoot), None),
            ("get_user_info.cgi", Some(Errors::UserInfo), None),
            ("sales_payment.cgi", Some(Errors::Management), None),
            ("receive_order_gmo2.cgi", Some(Errors::Gmo2), None),
            ("ship_request.cgi", Some(Errors::Management), None),
            ("nothing.cgi", None, None),
        ];
        for (path, errors, field) in cases {
            assert_eq!((path_errors(path), route_field(path)), (errors, field), "{path}");
        }
        for s in SERVED {
            let family = |e| match e {
                Errors::Order3 | Errors::Order3User => Errors::Order3,
                other => other,
            };
            assert_eq!(family(s.errors), family(path_errors(s.op.path).unwrap()), "{}", s.op.name);
        }
    }
}
