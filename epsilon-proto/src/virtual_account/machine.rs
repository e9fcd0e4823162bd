//! [`VirtualAccountOrder`]: one order's lifecycle, driven by events the caller dates.

use super::date::JstDate;
use super::deadline::last_deposit_day;
use super::error::LifecycleError;
use super::status::Status;
use super::transitions::{Trigger, next};

/// One virtual-account order: its terms, its status, and the deposits accepted so far.
///
/// Every method that depends on time takes a JST calendar date; nothing here reads a clock. [`Self::tick`] and
/// [`Self::cancel`] take `today`, the date of the caller's clock, and apply it: an order still
/// [`Status::AwaitingDeposit`] after the last day of the window is [`Status::DeadlinePassed`] ([`Self::status_at`]
/// asks without changing anything). Their dates must never go back ([`LifecycleError::ClockWentBack`]).
/// [`Self::deposit`] takes the date the bank booked the deposit, which the shop may learn days later: a deposit
/// booked within the window counts even when a later date has been applied (the gateway took it), and does not move
/// the clock back.
///
/// Moves are looked up in [`super::TRANSITIONS`]. All amounts are whole yen; sums are checked, never wrapped.
///
/// ```
/// use epsilon_proto::virtual_account::{JstDate, Status, VirtualAccountOrder};
///
/// let ordered = JstDate::new(2026, 3, 1)?;
/// let mut order = VirtualAccountOrder::new(ordered, 10_000)?;
/// assert_eq!(order.status(), Status::AwaitingDeposit);
///
/// // the buyer transfers too little: 決済失敗, 3,000 yen still due
/// let first = order.deposit(JstDate::new(2026, 3, 5)?, 7_000)?;
/// assert_eq!(first.status, Status::AmountMismatch);
/// assert_eq!(order.shortfall(), Some(3_000));
///
/// // and tops up the difference before the deadline: 入金完了
/// let second = order.deposit(JstDate::new(2026, 3, 20)?, 3_000)?;
/// assert_eq!(second.status, Status::PaidInFull);
/// assert!(second.repeated, "Epsilon mails a notice about a second deposit");
/// assert_eq!((order.total_deposited(), order.shortfall(), order.excess()), (10_000, None, None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtualAccountOrder {
    order_date: JstDate,
    last_day: JstDate,
    amount: u64,
    /// The status the events made, before the clock: never [`Status::DeadlinePassed`], which [`Self::status_at`]
    /// derives from the date (so a deposit booked in the window and learned after it still finds 未入金).
    status: Status,
    total: u64,
    deposits: u32,
    last_seen: JstDate,
}

/// What an accepted deposit did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Deposit {
    /// The status after the deposit.
    pub status: Status,
    /// The total accepted so far, this deposit included.
    pub total: u64,
    /// The order amount minus the total, when the total is below it (still to be paid).
    pub shortfall: Option<u64>,
    /// The total minus the order amount, when the total is above it (to be refunded by hand).
    pub excess: Option<u64>,
    /// Whether this is not the first deposit into the account (seed S2: Epsilon then sends a notice mail).
    pub repeated: bool,
}

impl VirtualAccountOrder {
    /// A new order of `amount` yen placed on `order_date`, its account issued: [`Status::AwaitingDeposit`].
    ///
    /// # Errors
    ///
    /// [`LifecycleError::ZeroAmount`] for 0 yen; [`LifecycleError::DateOutOfRange`] when the deposit window would end
    /// after 9999-12-31.
    pub fn new(order_date: JstDate, amount: u64) -> Result<Self, LifecycleError> {
        Self::starting(order_date, amount, Status::AwaitingDeposit)
    }

    /// A new order whose payment was abandoned or whose link to Epsilon failed: [`Status::NeedsChecking`] (要確認).
    /// Only a cancel moves it; deposits are refused until it has been checked by hand.
    ///
    /// # Errors
    ///
    /// As [`Self::new`].
    pub fn needs_checking(order_date: JstDate, amount: u64) -> Result<Self, LifecycleError> {
        Self::starting(order_date, amount, Status::NeedsChecking)
    }

    fn starting(order_date: JstDate, amount: u64, status: Status) -> Result<Self, LifecycleError> {
        if amount == 0 {
            return Err(LifecycleError::ZeroAmount);
        }
        let last_day = last_deposit_day(order_date).map_err(LifecycleError::DateOutOfRange)?;
        Ok(Self { order_date, last_day, amount, status, total: 0, deposits: 0, last_seen: order_date })
    }

    /// The order date.
    pub fn order_date(&self) -> JstDate {
        self.order_date
    }

    /// The last day a deposit is accepted ([`super::last_deposit_day`]).
    pub fn last_deposit_day(&self) -> JstDate {
        self.last_day
    }

    /// The order amount in yen.
    pub fn amount(&self) -> u64 {
        self.amount
    }

    /// The status at the latest date applied so far (see [`Self::status_at`] for a later date).
    pub fn status(&self) -> Status {
        self.status_at(self.last_seen)
    }

    /// The sum of the accepted deposits in yen.
    pub fn total_deposited(&self) -> u64 {
        self.total
    }

    /// How many deposits were accepted.
    pub fn deposit_count(&self) -> u32 {
        self.deposits
    }

    /// The amount still due (order amount − total) when the total is below the order amount and the order is
    /// not cancelled.
    pub fn shortfall(&self) -> Option<u64> {
        if self.status == Status::Cancelled { None } else { self.amount.checked_sub(self.total).filter(|&d| d > 0) }
    }
    /// The overpayment (total − order amount) when the total is above the order amount.
    pub fn excess(&self) -> Option<u64> {
        self.total.checked_sub(self.amount).filter(|&d| d > 0)
    }

    /// What must be refunded by hand: everything deposited once the order is cancelled (seed S2: cancelling does
    /// not refund), else the excess (0 when there is none). Refused deposits are not in it: their errors carry them.
    pub fn refund_due(&self) -> u64 {
        if self.status == Status::Cancelled { self.total } else { self.excess().unwrap_or(0) }
    }

    /// The status at `today` without changing the order: [`Status::DeadlinePassed`] when it is still
    /// [`Status::AwaitingDeposit`] after the last day of the window, else what the events made. A date before the
    /// latest one applied gives [`Self::status`].
    pub fn status_at(&self, today: JstDate) -> Status {
        let today = today.max(self.last_seen);
        if today > self.last_day { next(self.status, Trigger::Deadline).unwrap_or(self.status) } else { self.status }
    }

    /// Applies the clock: from `today` on, an unpaid order past its window is [`Status::DeadlinePassed`].
    ///
    /// # Errors
    ///
    /// [`LifecycleError::BeforeOrderDate`], [`LifecycleError::ClockWentBack`].
    pub fn tick(&mut self, today: JstDate) -> Result<Status, LifecycleError> {
        if today < self.order_date {
            return Err(LifecycleError::BeforeOrderDate { order_date: self.order_date, today });
        }
        if today < self.last_seen {
            return Err(LifecycleError::ClockWentBack { last_seen: self.last_seen, today });
        }
        self.last_seen = today;
        Ok(self.status())
    }

    /// A deposit of `amount` yen that the bank booked on `booked_on`.
    ///
    /// Booked within the window, the total grows by `amount` and the status follows it ([`Trigger::DepositMatches`],
    /// [`Trigger::DepositShort`], [`Trigger::DepositOver`]), also when the shop learns of it after a later date has
    /// been applied (a deposit booked on the last day and read the next morning counts). A `booked_on` later than
    /// the dates seen so far applies the clock as [`Self::tick`] does; an earlier one leaves it where it is. When
    /// the booking date is not known, pass the earliest date it can be (the date of the previous check).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::BeforeOrderDate`]; [`LifecycleError::ZeroDeposit`]; [`LifecycleError::DepositAfterCancel`]
    /// (whatever the booking date), [`LifecycleError::DepositAfterDeadline`] (booked after the last day),
    /// [`LifecycleError::DepositWhileNeedsChecking`] (the deposit is not counted and must be refunded);
    /// [`LifecycleError::DepositOverflow`].
    pub fn deposit(&mut self, booked_on: JstDate, amount: u64) -> Result<Deposit, LifecycleError> {
        if booked_on < self.order_date {
            return Err(LifecycleError::BeforeOrderDate { order_date: self.order_date, today: booked_on });
        }
        self.last_seen = self.last_seen.max(booked_on);
        if amount == 0 {
            return Err(LifecycleError::ZeroDeposit);
        }
        match self.status {
            Status::Cancelled => return Err(LifecycleError::DepositAfterCancel { amount }),
            Status::NeedsChecking => return Err(LifecycleError::DepositWhileNeedsChecking { amount }),
            _ if booked_on > self.last_day => {
                return Err(LifecycleError::DepositAfterDeadline { amount, last_day: self.last_day });
            }
            _ => {}
        }
        let total =
            self.total.checked_add(amount).ok_or(LifecycleError::DepositOverflow { total: self.total, amount })?;
        let trigger = match total.cmp(&self.amount) {
            std::cmp::Ordering::Less => Trigger::DepositShort,
            std::cmp::Ordering::Equal => Trigger::DepositMatches,
            std::cmp::Ordering::Greater => Trigger::DepositOver,
        };
        let status =
            next(self.status, trigger).ok_or(LifecycleError::NotAllowed { status: self.status, event: "deposit" })?;
        let repeated = self.deposits > 0;
        self.total = total;
        self.deposits = self.deposits.saturating_add(1);
        self.status = status;
        Ok(Deposit { status: self.status(), total, shortfall: self.shortfall(), excess: self.excess(), repeated })
    }

    /// The shop cancels the order on `today` (注文キャンセル): allowed from every status but
    /// [`Status::Cancelled`], final. Money already deposited is not refunded by the gateway ([`Self::refund_due`]).
    /// The seed also requires the order to be unshipped (未処理) or returned (返送); shipping is not tracked here, so
    /// that is the caller's check (see [`super::allowed_actions`]).
    ///
    /// # Errors
    ///
    /// Those of [`Self::tick`]; [`LifecycleError::NotAllowed`] when already cancelled.
    pub fn cancel(&mut self, today: JstDate) -> Result<Status, LifecycleError> {
        let status = self.tick(today)?;
        self.status = next(status, Trigger::Cancel).ok_or(LifecycleError::NotAllowed { status, event: "cancel" })?;
        Ok(self.status)
    }
}
