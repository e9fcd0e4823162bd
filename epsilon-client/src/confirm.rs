//! [`confirm`]: a notification confirmed with getsales2 before the shop trusts it.
//!
//! **Epsilon's notifications are not signed** (facts §5.2): the 決済完了通知, the コンビニ・ペイジー入金通知 and the
//! GMO後払い status change are plain form POSTs. Anyone who knows the shop's receiving URL can post one, and a
//! deposit notification, which carries no `contract_code`, passes the contract check
//! ([`Notification::check_contract`]) by construction. Decoding a notification proves only that it is well formed.
//!
//! The careful pattern is to believe nothing a notification says until the gateway, asked by the shop itself,
//! says the same: [`confirm`] asks getsales2 (`order_info`) for the notification's order and compares. Restricting
//! the source address ([`SourceAllowList`](crate::SourceAllowList)) is defence in depth on top, never a substitute.

use std::fmt;

use epsilon_proto::notification::Notification;
use epsilon_proto::{OrderInfo, OrderInfoOutcome};

use crate::{Client, ClientError};

/// What getsales2 says about a notification's order, once it agrees with the notification.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Confirmed {
    /// The order number.
    pub order_number: String,
    /// Epsilon's transaction code.
    pub trans_code: String,
    /// The order's state as getsales2 shows it (the `state` table, facts §3.7: `1` paid, `5` authorised, …).
    pub state: String,
    /// The state's English label from the `state` table, when the code is known.
    pub state_label: Option<&'static str>,
    /// The amount in yen (`item_price`), when getsales2 gives one.
    pub item_price: Option<String>,
    /// The payment method (`payment_code`), when getsales2 gives one.
    pub payment_code: Option<String>,
}

/// One field on which the notification and getsales2 disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// The field: `contract_code`, `order_number`, `trans_code`, `item_price` (the amount), `state` or `paid`.
    pub field: &'static str,
    /// What the notification says (for `contract_code` of a notification without one: the merchant's own code).
    pub notified: String,
    /// What getsales2 says (empty when its answer lacks the field).
    pub current: String,
}

/// Why a notification is not confirmed. The shop must not act on it; it answers
/// [`Reply::Rejected`](epsilon_proto::notification::Reply::Rejected), or records it as unconfirmed and asks again
/// later (whether Epsilon sends a rejected notification again is not documented, facts B7).
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfirmError {
    /// The merchant's contract code given to look the order up with is empty.
    NoContractCode,
    /// The notification carries no order number to look up (impossible after
    /// [`Notification::parse`], which refuses such a body).
    NoOrderNumber,
    /// getsales2 gave no answer (after its retries; see [`ClientError`]).
    Lookup(ClientError),
    /// getsales2 knows no order with the notification's order number under the merchant's contract code.
    NotFound,
    /// getsales2's answer is not a documented "found" or "not found" answer.
    Unreadable {
        /// What was wrong with it.
        reason: String,
    },
    /// getsales2 shows other values than the notification: every field that differs, in the order
    /// contract_code, order_number, trans_code, item_price, state, paid.
    Mismatch(Vec<Difference>),
}

impl fmt::Display for ConfirmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("notification not confirmed: ")?;
        match self {
            ConfirmError::NoContractCode => f.write_str("expected the merchant's contract_code, given an empty one"),
            ConfirmError::NoOrderNumber => f.write_str("expected an order_number in the notification, found none"),
            ConfirmError::Lookup(error) => write!(f, "getsales2 failed: {error}"),
            ConfirmError::NotFound => f.write_str("getsales2 knows no order with this order_number"),
            ConfirmError::Unreadable { reason } => write!(f, "getsales2's answer is not understood: {reason}"),
            ConfirmError::Mismatch(differences) => {
                f.write_str("getsales2 shows other values for ")?;
                for (i, difference) in differences.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(difference.field)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ConfirmError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfirmError::Lookup(error) => Some(error),
            _ => None,
        }
    }
}

/// Confirms a decoded notification with getsales2 before the shop trusts it: Epsilon's notifications are unsigned.
///
/// getsales2 (`order_info`, a read: retried after a lost answer) is asked, with the merchant's `contract_code`,
/// for the notification's `order_number`. The order must exist and agree with the notification on every field the
/// notification carries among these:
///
/// | field | compared with getsales2's |
/// |---|---|
/// | `contract_code` (when the notification has one; else the merchant's) | `contract_code` (when the answer has one; else the merchant's) |
/// | `order_number`, `trans_code` | the same fields |
/// | `item_price` (the amount; deposit notifications) | `item_price`, as a number of yen |
/// | `state` (payment and GMO後払い notifications) | `state` |
/// | `paid` (deposit notifications) | `paid` when the answer has one, and `paid=1` needs `state` 1 (paid) |
///
/// A state that moved on since the notification (an authorisation captured or voided meanwhile) is a mismatch too:
/// the shop acts on [`Confirmed::state`] after a fresh look, never on the notification.
///
/// ```no_run
/// # async fn demo(client: epsilon_client::Client, body: &[u8]) {
/// use epsilon_client::confirm;
/// use epsilon_proto::notification::{Kind, Reply, receive};
///
/// // the deposit notification your endpoint received: decoded, checked against its spec and the contract code
/// let reply = match receive(Kind::Deposit, body, "12345678") {
///     Ok(notification) => match confirm(&client, &notification, "12345678").await {
///         Ok(confirmed) => {
///             println!("order {} is in state {:?}", confirmed.order_number, confirmed.state_label);
///             Reply::Accepted // once recorded
///         }
///         Err(why) => {
///             eprintln!("{why}"); // a forged or stale notification, or getsales2 unreachable
///             Reply::Rejected
///         }
///     },
///     Err(_) => Reply::Rejected,
/// };
/// # let _ = reply;
/// # }
/// ```
///
/// # Errors
/// A [`ConfirmError`] saying why the notification is not confirmed: no contract code or order number, getsales2
/// unreachable or not understood, the order unknown, or [`ConfirmError::Mismatch`] with every field that differs.
pub async fn confirm(
    client: &Client,
    notification: &Notification<'_>,
    contract_code: &str,
) -> Result<Confirmed, ConfirmError> {
    if contract_code.is_empty() {
        return Err(ConfirmError::NoContractCode);
    }
    let order_number = notification.order_number().filter(|n| !n.is_empty()).ok_or(ConfirmError::NoOrderNumber)?;
    let lookup = OrderInfo { contract_code, order_number: Some(order_number), trans_code: None };
    let exchange = client.call(&lookup).await.map_err(ConfirmError::Lookup)?;
    let view = exchange.view();
    match view.outcome() {
        Ok(OrderInfoOutcome::Found) => {}
        Ok(OrderInfoOutcome::NotFound) => return Err(ConfirmError::NotFound),
        Ok(_) => return Err(ConfirmError::Unreadable { reason: format!("outcome {}", exchange.outcome_name()) }),
        Err(error) => return Err(ConfirmError::Unreadable { reason: error.to_string() }),
    }
    let state = view.state().map(|s| s.value().to_owned()).unwrap_or_default();
    let current = Current {
        contract_code: view.contract_code().unwrap_or(contract_code),
        order_number: view.order_number().unwrap_or(""),
        trans_code: view.trans_code().unwrap_or(""),
        item_price: view.item_price(),
        state: &state,
        paid: view.paid(),
    };
    let differences = compare(notification, contract_code, &current);
    if !differences.is_empty() {
        return Err(ConfirmError::Mismatch(differences));
    }
    Ok(Confirmed {
        order_number: current.order_number.to_owned(),
        trans_code: current.trans_code.to_owned(),
        state_label: view.state().and_then(|s| s.entry).map(|entry| entry.en),
        item_price: current.item_price.map(str::to_owned),
        payment_code: view.payment_code().map(|code| code.value().to_owned()),
        state,
    })
}

/// What getsales2 shows, by field.
struct Current<'a> {
    contract_code: &'a str,
    order_number: &'a str,
    trans_code: &'a str,
    item_price: Option<&'a str>,
    state: &'a str,
    paid: Option<&'a str>,
}

/// The state getsales2 shows for a paid order (課金済み, facts §3.7).
const PAID_STATE: &str = "1";

/// Every field on which `notification` and `current` disagree.
fn compare(notification: &Notification<'_>, own: &str, current: &Current<'_>) -> Vec<Difference> {
    let raw = notification.raw();
    let mut differences = Vec::new();
    let mut differ = |field, notified: &str, current: &str| {
        differences.push(Difference { field, notified: notified.to_owned(), current: current.to_owned() });
    };
    let notified_contract = notification.contract_code().unwrap_or(own);
    if notified_contract != current.contract_code {
        differ("contract_code", notified_contract, current.contract_code);
    }
    let order_number = notification.order_number().unwrap_or("");
    if order_number != current.order_number {
        differ("order_number", order_number, current.order_number);
    }
    let trans_code = notification.trans_code().unwrap_or("");
    if trans_code != current.trans_code {
        differ("trans_code", trans_code, current.trans_code);
    }
    if let Some(price) = raw.get("item_price") {
        let now = current.item_price.unwrap_or("");
        if !same_amount(price, now) {
            differ("item_price", price, now);
        }
    }
    if let Some(state) = raw.get("state") {
        if state != current.state {
            differ("state", state, current.state);
        }
    }
    if let Some(paid) = raw.get("paid") {
        if paid == "1" && current.state != PAID_STATE {
            differ("state", PAID_STATE, current.state);
        }
        if let Some(now) = current.paid {
            if paid != now {
                differ("paid", paid, now);
            }
        }
    }
    differences
}

/// Whether two amounts are the same number of yen: digits only, leading zeros ignored.
fn same_amount(a: &str, b: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    digits(a) && digits(b) && a.trim_start_matches('0') == b.trim_start_matches('0')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use epsilon_proto::notification::{Kind, Notification};

    use super::{Current, compare};

    fn current<'a>(state: &'a str, paid: Option<&'a str>) -> Current<'a> {
        Current {
            contract_code: "12345678",
            order_number: "O1",
            trans_code: "861205",
            item_price: Some("1200"),
            state,
            paid,
        }
    }

    /// A notification's kind and body, getsales2's state and paid, and the fields named as differing.
    type Case = (Kind, &'static str, &'static str, Option<&'static str>, &'static [&'static str]);

    #[test]
    fn every_differing_field_is_named() {
        #[rustfmt::skip]
        let cases: [Case; 11] = [
            (Kind::Payment, "contract_code=12345678&trans_code=861205&order_number=O1&state=1", "1", None, &[]),
            (Kind::Payment, "contract_code=87654321&trans_code=861205&order_number=O1&state=1", "1", None, &["contract_code"]),
            (Kind::Payment, "contract_code=12345678&trans_code=999999&order_number=O1&state=5", "1", None, &["trans_code", "state"]),
            (Kind::Payment, "contract_code=12345678&trans_code=861205&order_number=O1&state=1", "9", None, &["state"]),
            (Kind::Deposit, "trans_code=861205&order_number=O1&paid=1&item_price=1200", "1", Some("1"), &[]),
            (Kind::Deposit, "trans_code=861205&order_number=O1&paid=1&item_price=01200", "1", None, &[]),
            (Kind::Deposit, "trans_code=861205&order_number=O1&paid=1&item_price=1", "1", Some("1"), &["item_price"]),
            (Kind::Deposit, "trans_code=861205&order_number=O1&paid=1", "0", Some("0"), &["state", "paid"]),
            (Kind::Deposit, "trans_code=861205&order_number=O1&paid=1&contract_code=12345679", "1", None, &["contract_code"]),
            (Kind::DeferredPayment, "order_number=O1&trans_code=861205&state=4", "4", None, &[]),
            (Kind::DeferredPayment, "order_number=O1&trans_code=861205&state=11", "6", None, &["state"]),
        ];
        for (kind, body, state, paid, expected) in cases {
            let notification = Notification::parse(kind, body.as_bytes()).unwrap();
            let fields: Vec<_> =
                compare(&notification, "12345678", &current(state, paid)).iter().map(|d| d.field).collect();
            assert_eq!(fields, expected, "{kind:?} {body} against state {state}");
        }
    }

    #[test]
    fn amounts() {
        #[rustfmt::skip]
        let cases = [
            ("1200", "1200", true), ("01200", "1200", true), ("0", "000", true), ("1200", "1201", false),
            ("", "", false), ("12 00", "1200", false), ("+1200", "1200", false), ("1200", "", false),
        ];
        for (a, b, expected) in cases {
            assert_eq!(super::same_amount(a, b), expected, "{a} {b}");
        }
    }
}
