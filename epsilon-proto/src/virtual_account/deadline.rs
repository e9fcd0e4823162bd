//! The deposit deadline: 30 days counted from the order date, the order date being day 1.

use super::date::{DateError, JstDate};

/// The length of the deposit window in days (seed S2: 「注文日から起算して30日以内」, 「注文日より30日間」,
/// 「注文完了後30日間入金が可能」).
pub const DEPOSIT_WINDOW_DAYS: i64 = 30;

/// Days from the order date to the last day a deposit is accepted: 29, so the window is the order date and the
/// 29 days after it.
///
/// **Uncertain.** 「注文日から起算して30日以内」 is read the way Japanese deadlines written with 起算 usually are:
/// counting starts *on* the order date (day 1 = the order date, 初日算入), so day 30 is order date + 29. The
/// other reading — the Civil Code's default for periods in days (民法140条, 初日不算入: the period starts the next
/// day), or 「注文完了後30日間」 read as "30 days after the order" — makes the last day order date + 30. The seed
/// gives no example, and no source says at what time of the last day (or with which bank cut-off) the account
/// closes; a deposit on order date + 30 is therefore refused here although the gateway might still take it.
/// Dates are JST calendar dates.
pub const LAST_DAY_OFFSET: i64 = DEPOSIT_WINDOW_DAYS - 1;

/// The last day a deposit is accepted for an order of `order_date` (order date + [`LAST_DAY_OFFSET`]).
///
/// ```
/// use epsilon_proto::virtual_account::{JstDate, last_deposit_day};
///
/// let order_date = JstDate::new(2026, 1, 1)?;
/// assert_eq!(last_deposit_day(order_date)?, JstDate::new(2026, 1, 30)?);
/// # Ok::<(), epsilon_proto::virtual_account::DateError>(())
/// ```
///
/// # Errors
///
/// [`DateError::OutOfRange`] for an order date after 9999-12-02.
pub fn last_deposit_day(order_date: JstDate) -> Result<JstDate, DateError> {
    order_date.add_days(LAST_DAY_OFFSET)
}
