//! [`JstDate`]: a calendar date in Japan Standard Time, with day arithmetic (no time of day, no time zone maths), and
//! [`DateError`], why a date cannot be built.

use std::fmt;

/// A calendar date that cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateError {
    /// Not a calendar date between 0001-01-01 and 9999-12-31.
    Invalid {
        /// The year given.
        year: i32,
        /// The month given.
        month: u8,
        /// The day given.
        day: u8,
    },
    /// Day arithmetic left the years 1–9999.
    OutOfRange,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { year, month, day } => {
                write!(f, "invalid date {year:04}-{month:02}-{day:02}: expected a calendar date in the years 1-9999")
            }
            Self::OutOfRange => f.write_str("date out of range: expected a result in the years 1-9999"),
        }
    }
}

impl std::error::Error for DateError {}

/// The smallest year a [`JstDate`] holds.
const MIN_YEAR: i32 = 1;
/// The largest year a [`JstDate`] holds.
const MAX_YEAR: i32 = 9999;

/// A calendar date in Japan Standard Time (UTC+9, no daylight saving), from 0001-01-01 to 9999-12-31.
///
/// The caller converts its clock to the JST calendar date; nothing here reads a clock. Dates order
/// chronologically, and [`JstDate::add_days`] / [`JstDate::days_until`] count whole calendar days (Gregorian
/// calendar, proleptic before 1582).
///
/// ```
/// use epsilon_proto::virtual_account::JstDate;
///
/// let order_date = JstDate::new(2026, 2, 15)?;
/// assert_eq!(order_date.add_days(29)?, JstDate::new(2026, 3, 16)?);
/// assert_eq!(order_date.to_string(), "2026-02-15");
/// assert!(JstDate::new(2026, 2, 29).is_err());
/// # Ok::<(), epsilon_proto::virtual_account::DateError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JstDate {
    // field order = chronological order for the derived `Ord`
    year: i32,
    month: u8,
    day: u8,
}

impl JstDate {
    /// The date `year-month-day`.
    ///
    /// # Errors
    ///
    /// [`DateError::Invalid`] when the year is outside 1–9999, the month outside 1–12 or the day outside the days
    /// of that month (leap years counted).
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, DateError> {
        let invalid = DateError::Invalid { year, month, day };
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return Err(invalid);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(invalid);
        }
        Ok(Self { year, month, day })
    }

    /// The JST calendar date of the instant `unix_seconds` seconds after 1970-01-01T00:00:00Z: what to pass as
    /// `today` from a clock. Japan Standard Time is UTC+9 all year (no daylight saving), so from 00:00 to 09:00 JST
    /// the UTC date is still the day before; taking it instead would accept a deposit one day too late.
    ///
    /// ```
    /// use epsilon_proto::virtual_account::JstDate;
    ///
    /// // 2026-03-31T15:00:00Z is midnight of 2026-04-01 in Japan; one second earlier it is still March 31st
    /// assert_eq!(JstDate::from_unix_time(1_774_969_200)?, JstDate::new(2026, 4, 1)?);
    /// assert_eq!(JstDate::from_unix_time(1_774_969_199)?, JstDate::new(2026, 3, 31)?);
    ///
    /// // from the system clock
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    /// let today = JstDate::from_unix_time(i64::try_from(now.as_secs())?)?;
    /// # let _ = today;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DateError::OutOfRange`] when the JST date is before 0001-01-01 or after 9999-12-31.
    pub fn from_unix_time(unix_seconds: i64) -> Result<Self, DateError> {
        const JST_OFFSET_SECONDS: i64 = 9 * 60 * 60;
        const SECONDS_PER_DAY: i64 = 24 * 60 * 60;
        let local = unix_seconds.checked_add(JST_OFFSET_SECONDS).ok_or(DateError::OutOfRange)?;
        Self::from_days_from_epoch(local.div_euclid(SECONDS_PER_DAY)).ok_or(DateError::OutOfRange)
    }

    /// The year (1–9999).
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month (1–12).
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month (1–31).
    pub fn day(self) -> u8 {
        self.day
    }

    /// The date `days` days later (earlier when negative).
    ///
    /// # Errors
    ///
    /// [`DateError::OutOfRange`] when the result would be before 0001-01-01 or after 9999-12-31.
    pub fn add_days(self, days: i64) -> Result<Self, DateError> {
        self.days_from_epoch().checked_add(days).and_then(Self::from_days_from_epoch).ok_or(DateError::OutOfRange)
    }

    /// The number of days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Self) -> i64 {
        // both values are within ±4 million: no overflow
        later.days_from_epoch() - self.days_from_epoch()
    }

    /// Days since 1970-01-01 (negative before), H. Hinnant's `days_from_civil`.
    fn days_from_epoch(self) -> i64 {
        let month = i64::from(self.month);
        let day = i64::from(self.day);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400; // [0, 399]
        let month_from_march = (month + 9) % 12; // March = 0
        let day_of_year = (153 * month_from_march + 2) / 5 + day - 1; // [0, 365]
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year; // [0, 146096]
        era * 146_097 + day_of_era - 719_468
    }

    /// The inverse of [`Self::days_from_epoch`] (`civil_from_days`); `None` outside years 1–9999.
    fn from_days_from_epoch(days: i64) -> Option<Self> {
        // 0001-01-01 is day -719,162 and 9999-12-31 day 2,932,896; refusing far-away values first keeps every
        // product below in range
        if !(-719_162..=2_932_896).contains(&days) {
            return None;
        }
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097; // [0, 146096]
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
        let year = year_of_era.checked_add(era.checked_mul(400)?)?.checked_add(i64::from(month <= 2))?;
        let year = i32::try_from(year).ok()?;
        Self::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()
    }
}

impl fmt::Display for JstDate {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
