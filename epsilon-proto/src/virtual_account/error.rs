//! The errors of the lifecycle: [`LifecycleError`] (events) and [`MappingError`] (gateway reports). A date that
//! cannot be built is the date module's [`DateError`].

use std::fmt;

use super::date::{DateError, JstDate};
use super::status::Status;

/// An event the lifecycle refuses. The order is left as it was, except that the clock has been applied (a `today`
/// past the deadline has already moved an unpaid order to [`Status::DeadlinePassed`]).
///
/// A refused deposit still happened at the bank: the variants that carry its `amount` say it must be refunded by
/// hand (the seed: deposits after the deadline cannot be made; deposits after a cancel send an error mail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LifecycleError {
    /// The order amount is 0 yen.
    ZeroAmount,
    /// A deposit of 0 yen.
    ZeroDeposit,
    /// The 30-day deposit window of an order dated this late ends after 9999-12-31.
    DateOutOfRange(DateError),
    /// `today` is before the order date.
    BeforeOrderDate {
        /// The order date.
        order_date: JstDate,
        /// The date given.
        today: JstDate,
    },
    /// `today` (of a tick or a cancel) is before a date an earlier call gave: the caller's clock went back. (A
    /// deposit booked before that date is a deposit learned late, not an error.)
    ClockWentBack {
        /// The latest date seen so far.
        last_seen: JstDate,
        /// The date given.
        today: JstDate,
    },
    /// The deposit would make the total larger than `u64::MAX` yen; it was not counted.
    DepositOverflow {
        /// The total accepted so far.
        total: u64,
        /// The refused deposit.
        amount: u64,
    },
    /// A deposit after the last day of the deposit window: not accepted, to be refunded.
    DepositAfterDeadline {
        /// The refused deposit.
        amount: u64,
        /// The last day deposits were accepted.
        last_day: JstDate,
    },
    /// A deposit into the account of a cancelled order: not accepted, to be refunded (the gateway sends an error mail).
    DepositAfterCancel {
        /// The refused deposit.
        amount: u64,
    },
    /// A deposit while the order is 要確認: its state at the gateway must be checked by hand first.
    DepositWhileNeedsChecking {
        /// The refused deposit.
        amount: u64,
    },
    /// The event is not allowed in this status (a second cancel).
    NotAllowed {
        /// The status of the order.
        status: Status,
        /// What was tried (`cancel`).
        event: &'static str,
    },
}

impl fmt::Display for LifecycleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ZeroAmount => f.write_str("order amount is 0 yen: expected at least 1 yen"),
            Self::ZeroDeposit => f.write_str("deposit of 0 yen: expected at least 1 yen"),
            Self::DateOutOfRange(e) => write!(f, "deposit window out of range: {e}"),
            Self::BeforeOrderDate { order_date, today } => {
                write!(f, "date {today} is before the order date {order_date}: expected the order date or later")
            }
            Self::ClockWentBack { last_seen, today } => {
                write!(f, "date {today} is before {last_seen}, given earlier: expected dates that never go back")
            }
            Self::DepositOverflow { total, amount } => write!(
                f,
                "deposit of {amount} yen overflows the total of {total} yen: expected a total of at most {} yen",
                u64::MAX
            ),
            Self::DepositAfterDeadline { amount, last_day } => write!(
                f,
                "deposit of {amount} yen after the deadline: expected deposits until {last_day}; refund it by hand"
            ),
            Self::DepositAfterCancel { amount } => {
                write!(
                    f,
                    "deposit of {amount} yen after cancel: expected no deposit into a cancelled order; refund it by hand"
                )
            }
            Self::DepositWhileNeedsChecking { amount } => write!(
                f,
                "deposit of {amount} yen while the order needs checking: expected the payment to be checked in the epsilon admin screen first"
            ),
            Self::NotAllowed { status, event } => {
                write!(
                    f,
                    "{event} not allowed in status {} ({}): expected one of the statuses that allow it",
                    status.label_en(),
                    status.label_ja()
                )
            }
        }
    }
}

impl std::error::Error for LifecycleError {}

/// What the gateway reported for a virtual-account order does not fit any reading the facts explain.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MappingError {
    /// A getsales2 `state` that is not 0, 1 or 9 (the only ones documented for a virtual account).
    UnknownState {
        /// The value (at most 16 characters of it).
        state: String,
    },
    /// The getsales2 `amount` is not a decimal number of yen (digits only) that fits in `u64`.
    AmountNotNumber,
    /// A combination of `state` and `amount` the facts do not explain (state 1 without the order amount; state 0
    /// with money deposited).
    Unexplained {
        /// The `state`.
        state: &'static str,
        /// What the `amount` held.
        amount: AmountClass,
    },
    /// The 入金通知 `paid` is neither `0` nor `1`.
    UnknownPaid {
        /// The value (at most 16 characters of it).
        paid: String,
    },
    /// A 入金通知 with `paid=1` says a deposit arrived but not how much: read the order (getsales2 `amount`).
    AmountNeeded,
    /// `today` is before the order date.
    BeforeOrderDate,
    /// The deposit window of the order ends after 9999-12-31.
    DateOutOfRange,
    /// The order amount is 0 yen.
    ZeroAmount,
}

/// What a getsales2 `amount` held, relative to the order amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AmountClass {
    /// The attribute was not in the answer.
    Absent,
    /// The attribute was empty (what other payment methods send).
    Empty,
    /// `0`.
    Zero,
    /// Exactly the order amount.
    EqualsOrder,
    /// A positive amount other than the order amount.
    Differs,
}

impl AmountClass {
    /// The snake_case name used in `spec/epsilon/lifecycles/virtual_account.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Absent => "absent",
            Self::Empty => "empty",
            Self::Zero => "zero",
            Self::EqualsOrder => "equals_order",
            Self::Differs => "differs",
        }
    }
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownState { state } => {
                write!(f, "unknown state {state:?} for a virtual-account order: expected 0, 1 or 9")
            }
            Self::AmountNotNumber => f.write_str("amount is not a number of yen: expected digits only, at most u64"),
            Self::Unexplained { state, amount } => write!(
                f,
                "state {state} with amount {} is not explained by the gateway facts: expected state 0 with no deposit, state 1 with the order amount, or state 9",
                amount.name()
            ),
            Self::UnknownPaid { paid } => write!(f, "unknown paid value {paid:?}: expected 0 or 1"),
            Self::AmountNeeded => f.write_str(
                "paid=1 does not say how much was deposited: expected the getsales2 amount to tell paid in full from amount mismatch",
            ),
            Self::BeforeOrderDate => f.write_str("date is before the order date: expected the order date or later"),
            Self::DateOutOfRange => f.write_str("deposit window out of range: expected an order date before 9999-12-02"),
            Self::ZeroAmount => f.write_str("order amount is 0 yen: expected at least 1 yen"),
        }
    }
}

impl std::error::Error for MappingError {}

/// At most 16 characters of a gateway value, for an error message.
pub(crate) fn clip(value: &str) -> String {
    value.chars().take(16).collect()
}
