//! From what the gateway reports to a [`Status`]: getsales2 (`order_info`) `state` + `amount`, and the 入金通知's
//! `paid`. Fails closed: a combination the facts do not explain is a [`MappingError`], never a guess.

use super::date::JstDate;
use super::deadline::last_deposit_day;
use super::error::{AmountClass, MappingError, clip};
use super::status::Status;
use super::transitions::{Trigger, next};

/// The order as the shop knows it: what the gateway's report is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderTerms {
    /// The order date (JST).
    pub order_date: JstDate,
    /// The order amount in yen.
    pub amount: u64,
}

/// The status a getsales2 answer for a virtual-account order means on `today`.
///
/// | `state` | `amount` | status |
/// | --- | --- | --- |
/// | `0` 未課金 | absent, empty or `0` | [`Status::AwaitingDeposit`], [`Status::DeadlinePassed`] after the last day |
/// | `1` 課金済み | the order amount | [`Status::PaidInFull`] |
/// | `9` キャンセル | absent, empty or a number | [`Status::Cancelled`] |
///
/// Everything else is an error: `state` 1 with no amount or another amount, `state` 0 with money deposited (the
/// facts do not say which `state` an amount mismatch has), any other `state` (4, 5, 6 and 11 belong to other
/// methods), an `amount` that is not digits only.
///
/// **Uncertain** (facts §3.7, §4.2): the `state` meanings come from a third-party plugin's table (EC4); that
/// `amount` is the amount actually deposited, empty for other methods, comes from a third-party commit message
/// \[code\]; what `amount` holds before a deposit (empty or `0`) is not known, so both are read as nothing deposited.
///
/// ```
/// use epsilon_proto::virtual_account::{JstDate, OrderTerms, Status, status_from_order_info};
///
/// let terms = OrderTerms { order_date: JstDate::new(2026, 3, 1)?, amount: 10_000 };
/// let today = JstDate::new(2026, 3, 10)?;
/// assert_eq!(status_from_order_info(terms, today, "1", Some("10000"))?, Status::PaidInFull);
/// assert_eq!(status_from_order_info(terms, today, "0", Some(""))?, Status::AwaitingDeposit);
/// assert!(status_from_order_info(terms, today, "1", Some("9000")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`MappingError::UnknownState`], [`MappingError::AmountNotNumber`], [`MappingError::Unexplained`]; and for the
/// terms, [`MappingError::ZeroAmount`], [`MappingError::BeforeOrderDate`], [`MappingError::DateOutOfRange`].
pub fn status_from_order_info(
    terms: OrderTerms,
    today: JstDate,
    state: &str,
    amount: Option<&str>,
) -> Result<Status, MappingError> {
    let past_deadline = past_deadline(terms, today)?;
    let amount = classify_amount(amount, terms.amount)?;
    let unexplained = |state| MappingError::Unexplained { state, amount };
    match state {
        "0" => match amount {
            AmountClass::Absent | AmountClass::Empty | AmountClass::Zero => Ok(unpaid(past_deadline)),
            _ => Err(unexplained("0")),
        },
        "1" => match amount {
            AmountClass::EqualsOrder => Ok(Status::PaidInFull),
            _ => Err(unexplained("1")),
        },
        "9" => Ok(Status::Cancelled),
        other => Err(MappingError::UnknownState { state: clip(other) }),
    }
}

/// The status a 入金通知 (facts §5.2, コンビニ/ペイジー入金通知) with this `paid` means on `today`.
///
/// `paid=0` is [`Status::AwaitingDeposit`] ([`Status::DeadlinePassed`] after the last day). `paid=1` says a
/// deposit arrived but not how much, so it cannot tell [`Status::PaidInFull`] from [`Status::AmountMismatch`]:
/// it is [`MappingError::AmountNeeded`] — read the order with getsales2 and use [`status_from_order_info`].
///
/// **Uncertain** (facts §5.2, §3.7): `paid` is documented for convenience-store and Pay-easy payments; whether the
/// gateway sends this notification for a virtual account at all is not known \[?\].
///
/// # Errors
///
/// [`MappingError::AmountNeeded`] for `1`, [`MappingError::UnknownPaid`] for anything but `0` and `1`; the terms'
/// errors as [`status_from_order_info`].
pub fn status_from_paid_notification(terms: OrderTerms, today: JstDate, paid: &str) -> Result<Status, MappingError> {
    let past_deadline = past_deadline(terms, today)?;
    match paid {
        "0" => Ok(unpaid(past_deadline)),
        "1" => Err(MappingError::AmountNeeded),
        other => Err(MappingError::UnknownPaid { paid: clip(other) }),
    }
}

/// What a getsales2 `amount` holds relative to `order_amount`.
///
/// # Errors
///
/// [`MappingError::AmountNotNumber`] when it is not ASCII digits only or exceeds `u64::MAX`.
pub fn classify_amount(amount: Option<&str>, order_amount: u64) -> Result<AmountClass, MappingError> {
    let Some(text) = amount else { return Ok(AmountClass::Absent) };
    if text.is_empty() {
        return Ok(AmountClass::Empty);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MappingError::AmountNotNumber);
    }
    let value: u64 = text.parse().map_err(|_| MappingError::AmountNotNumber)?;
    Ok(if value == 0 {
        AmountClass::Zero
    } else if value == order_amount {
        AmountClass::EqualsOrder
    } else {
        AmountClass::Differs
    })
}

fn past_deadline(terms: OrderTerms, today: JstDate) -> Result<bool, MappingError> {
    if terms.amount == 0 {
        return Err(MappingError::ZeroAmount);
    }
    if today < terms.order_date {
        return Err(MappingError::BeforeOrderDate);
    }
    let last_day = last_deposit_day(terms.order_date).map_err(|_| MappingError::DateOutOfRange)?;
    Ok(today > last_day)
}

/// Nothing deposited: awaiting the deposit, or what the deadline makes of that (the transition table decides).
fn unpaid(past_deadline: bool) -> Status {
    let awaiting = Status::AwaitingDeposit;
    if past_deadline { next(awaiting, Trigger::Deadline).unwrap_or(awaiting) } else { awaiting }
}
