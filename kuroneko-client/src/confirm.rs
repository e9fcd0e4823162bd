//! [`Client::confirm_settlement`]: a notification confirmed with E04 before the shop trusts it.
//!
//! Yamato's 決済結果通知 (facts §6.1) carries no signature: anyone who knows the shop's receiving URL can post one.
//! The receivers of the public modules check `trader_code`, and TAR asks E04 `trade_info` about every notification
//! before believing it (facts §6.1, the recommended pattern). This is that check: the notification's merchant code
//! must be the client's, and E04, asked by the client itself, must show the same order number, the same amount and
//! the same status.

use std::fmt;

use japay_core::spec::Code;
use kuroneko_proto::generated::codes::STATUS_INFO;
use kuroneko_proto::generated::{RESULT_FIELD, RESULT_SUCCESS};
use kuroneko_proto::incoming::Form;
use kuroneko_proto::{PaypayNotification, SettlementNotification};

use crate::client::{Client, Error};
use crate::reconcile::{ERROR_CODE, STATUS, rows};

/// The E04 row elements compared with a notification (facts §3.2).
const ORDER_NO: &str = "orderNo";
const SETTLE_PRICE: &str = "settlePrice";
const SETTLE_METHOD: &str = "settleMethod";

/// The status a notification reports as "paid, prompt report" and the one that supersedes it, "paid, final report"
/// (`settle_detail` 2 and 3, facts §3.3, §6.1): E04 asked after a prompt report may already show the final one.
const PROMPT_REPORT: &str = "2";
const FINAL_REPORT: &str = "3";

/// What a notification says, by the names of its fields (決済結果通知 and the PayPay notification, facts §6.1,
/// §6.2): what [`Client::confirm_settlement`] compares with E04.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notified<'a> {
    /// `trader_code`: the merchant the notification is for.
    pub trader_code: &'a str,
    /// `order_no`: the order.
    pub order_no: &'a str,
    /// `settle_price`: the amount in yen.
    pub settle_price: &'a str,
    /// `settle_detail`: the transaction's status (the `status_info` table, facts §3.3).
    pub settle_detail: &'a str,
}

impl<'a> Notified<'a> {
    /// The fields of a decoded notification form, by name; a missing field is empty (and is then not confirmed).
    pub fn from_form(form: &'a Form<'_>) -> Notified<'a> {
        let field = |name| form.get(name).unwrap_or("");
        Notified {
            trader_code: field("trader_code"),
            order_no: field("order_no"),
            settle_price: field("settle_price"),
            settle_detail: field("settle_detail"),
        }
    }
}

/// The 決済結果通知's fields (facts §6.1).
impl<'a> From<&'a SettlementNotification<'_>> for Notified<'a> {
    fn from(notification: &'a SettlementNotification<'_>) -> Notified<'a> {
        Notified::from_form(notification.form())
    }
}

/// The PayPay notification's fields (facts §6.2).
impl<'a> From<&'a PaypayNotification<'_>> for Notified<'a> {
    fn from(notification: &'a PaypayNotification<'_>) -> Notified<'a> {
        Notified::from_form(notification.form())
    }
}

/// A notification E04 confirmed: what E04 says about its order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Confirmed {
    /// The order number.
    pub order_no: String,
    /// The amount in yen, as E04 gave it.
    pub settle_price: String,
    /// The status E04 shows (`statusInfo`): the notified one, or the final report (3) after a prompt report (2).
    pub status: String,
    /// The status's English label from the `status_info` table, when the code is known.
    pub status_label: Option<&'static str>,
    /// The payment method E04 shows (`settleMethod`), when it has one.
    pub settle_method: Option<String>,
}

/// Why a notification is not confirmed. The shop must not act on it, and replies
/// [`KuronekoReply::NotProcessed`](kuroneko_proto::notify::KuronekoReply::NotProcessed) (Yamato sends it again).
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfirmError {
    /// The client was built without a merchant code, so the notification's cannot be checked.
    NoTraderCode,
    /// The notification is for another merchant code than the client's.
    OtherTrader {
        /// The notification's `trader_code`.
        notified: String,
    },
    /// E04 gave no answer, or the order number is being processed (see [`Error`]).
    Call(Error),
    /// E04 answered with an error code.
    Refused {
        /// The `errorCode`.
        code: String,
    },
    /// E04 knows no transaction with the notification's order number.
    NotFound,
    /// E04 answered several transactions for the order number (not documented; never guessed).
    Ambiguous {
        /// How many rows E04 answered.
        rows: usize,
    },
    /// E04's answer does not agree with itself: its `resultCount` is absent or another number than the rows it
    /// holds (never read as "not found" or as the one row).
    Inconsistent {
        /// What disagrees.
        reason: String,
    },
    /// E04 shows another value than the notification.
    Mismatch {
        /// The notification's field (`order_no`, `settle_price`, `settle_detail`).
        field: &'static str,
        /// The notification's value.
        notified: String,
        /// E04's value (empty when E04's row lacks it).
        current: String,
    },
}

impl fmt::Display for ConfirmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("notification not confirmed: ")?;
        match self {
            ConfirmError::NoTraderCode => f.write_str("the client has no trader_code to compare it with"),
            ConfirmError::OtherTrader { notified } => {
                write!(f, "trader_code {notified:?} is not this client's: expected the client's trader_code")
            }
            ConfirmError::Call(error) => write!(f, "trade_info failed: {error}"),
            ConfirmError::Refused { code } => write!(f, "trade_info answered error {code}"),
            ConfirmError::NotFound => f.write_str("trade_info knows no transaction with this order_no"),
            ConfirmError::Ambiguous { rows } => write!(f, "trade_info answered {rows} transactions, expected one"),
            ConfirmError::Inconsistent { reason } => f.write_str(reason),
            ConfirmError::Mismatch { field, notified, current } => {
                write!(f, "{field} is {notified:?} in the notification but {current:?} in trade_info")
            }
        }
    }
}

impl std::error::Error for ConfirmError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfirmError::Call(error) => Some(error),
            _ => None,
        }
    }
}

impl Client {
    /// Confirms a settlement notification with E04 before the shop trusts it (facts §6.1).
    ///
    /// The notification's `trader_code` must be the client's; then E04 `trade_info` is asked for its `order_no`
    /// (a read: retried on a lost answer), its `resultCount` must count its rows, and its one row must show the
    /// same order number, the same amount (`settlePrice`, compared as a number) and the same status (`statusInfo` =
    /// `settle_detail`; a prompt report (2) is also confirmed by the final report (3) that superseded it). Only then
    /// does the shop act on it.
    ///
    /// ```no_run
    /// # async fn demo(client: kuroneko_client::Client, body: &[u8]) {
    /// use kuroneko_client::Notified;
    /// use kuroneko_proto::SettlementNotification;
    /// // the 決済結果通知 the shop received, decoded and checked against its spec
    /// let Ok(notification) = SettlementNotification::parse(body) else { return };
    /// match client.confirm_settlement(&Notified::from(&notification)).await {
    ///     Ok(confirmed) => println!("paid: {} ({:?})", confirmed.order_no, confirmed.status_label),
    ///     Err(why) => eprintln!("not trusted: {why}"), // reply KuronekoReply::NotProcessed
    /// }
    /// # }
    /// ```
    ///
    /// # Errors
    /// A [`ConfirmError`] saying why the notification is not confirmed.
    pub async fn confirm_settlement(&self, notified: &Notified<'_>) -> Result<Confirmed, ConfirmError> {
        let ours = self.trader_code().ok_or(ConfirmError::NoTraderCode)?;
        if notified.trader_code != ours {
            return Err(ConfirmError::OtherTrader { notified: notified.trader_code.to_owned() });
        }
        let exchange = self.trade_info(notified.order_no).await.map_err(ConfirmError::Call)?;
        let answer = exchange.answer();
        if answer.get(RESULT_FIELD) != Some(RESULT_SUCCESS) {
            return Err(ConfirmError::Refused { code: answer.get(ERROR_CODE).unwrap_or("").to_owned() });
        }
        let rows = rows(answer).map_err(|reason| ConfirmError::Inconsistent { reason })?;
        let row = match rows.as_slice() {
            [] => return Err(ConfirmError::NotFound),
            [row] => row,
            more => return Err(ConfirmError::Ambiguous { rows: more.len() }),
        };
        let current = |name| row.get(name).unwrap_or("").to_owned();
        let mismatch = |field, notified: &str, current: String| ConfirmError::Mismatch {
            field,
            notified: notified.to_owned(),
            current,
        };
        let order_no = current(ORDER_NO);
        if order_no != notified.order_no {
            return Err(mismatch("order_no", notified.order_no, order_no));
        }
        let settle_price = current(SETTLE_PRICE);
        if !same_amount(&settle_price, notified.settle_price) {
            return Err(mismatch("settle_price", notified.settle_price, settle_price));
        }
        let status = current(STATUS);
        let superseded = notified.settle_detail == PROMPT_REPORT && status == FINAL_REPORT;
        if status != notified.settle_detail && !superseded {
            return Err(mismatch("settle_detail", notified.settle_detail, status));
        }
        Ok(Confirmed {
            status_label: Code::new(&status, &STATUS_INFO).entry.map(|entry| entry.en),
            settle_method: row.get(SETTLE_METHOD).filter(|m| !m.is_empty()).map(str::to_owned),
            order_no,
            settle_price,
            status,
        })
    }
}

/// Whether two amounts are the same number of yen: digits only, leading zeros ignored.
fn same_amount(a: &str, b: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    digits(a) && digits(b) && a.trim_start_matches('0') == b.trim_start_matches('0')
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts() {
        #[rustfmt::skip]
        let cases = [
            ("1500", "1500", true), ("01500", "1500", true), ("0", "000", true), ("1500", "1501", false),
            ("", "", false), ("15 00", "1500", false), ("+1500", "1500", false), ("1500", "", false),
        ];
        for (a, b, expected) in cases {
            assert_eq!(super::same_amount(a, b), expected, "{a} {b}");
        }
    }
}
