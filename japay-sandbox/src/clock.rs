//! The sandbox clock: the machine's clock moved forward by a stored number of days (`POST /sandbox/clock`), read as
//! Japan Standard Time (UTC+9, no daylight saving), the time every gateway this toolkit serves stamps. The offset is
//! stored, so it survives a restart; it never goes back.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use crate::store;

const DAY: i64 = 86_400;
const JST: i64 = 9 * 3_600;

/// One reading of the sandbox clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    /// Unix seconds, the offset included.
    unix: i64,
}

impl Now {
    /// The machine's clock moved forward by `offset_days`.
    pub fn read(offset_days: i64) -> Now {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let real = i64::try_from(real).unwrap_or(0);
        Now { unix: real.saturating_add(offset_days.saturating_mul(DAY)) }
    }

    /// The reading at `unix` seconds.
    pub fn at(unix: i64) -> Now {
        Now { unix }
    }

    /// Unix seconds.
    pub fn unix(self) -> i64 {
        self.unix
    }

    /// The day in JST.
    pub fn date(self) -> Date {
        Date::from_days(self.unix.saturating_add(JST).div_euclid(DAY))
    }

    /// `YYYY-MM-DD HH:MM:SS`, JST.
    pub fn timestamp(self) -> String {
        let seconds = self.unix.saturating_add(JST).rem_euclid(DAY);
        format!("{} {:02}:{:02}:{:02}", self.date(), seconds / 3_600, seconds % 3_600 / 60, seconds % 60)
    }
}

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year.
    pub year: i64,
    /// The month, 1–12.
    pub month: u8,
    /// The day of the month, 1–31.
    pub day: u8,
}

impl Date {
    /// The day `days` after 1970-01-01 (days-from-civil inverted, H. Hinnant's algorithm).
    fn from_days(days: i64) -> Date {
        let z = days.saturating_add(719_468);
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date { year, month: u8::try_from(month).unwrap_or(1), day: u8::try_from(day).unwrap_or(1) }
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The stored offset in days.
pub(crate) fn offset_days(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(store::meta(conn, "clock_offset_days")?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Moves the clock forward by `days`; the new offset.
pub(crate) fn advance(conn: &Connection, days: u32) -> rusqlite::Result<i64> {
    let offset = offset_days(conn)?.saturating_add(i64::from(days));
    store::set_meta(conn, "clock_offset_days", &offset.to_string())?;
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_in_jst() {
        // (unix seconds, timestamp)
        let cases = [
            (0, "1970-01-01 09:00:00"),
            (15 * 3_600 - 1, "1970-01-01 23:59:59"),
            (15 * 3_600, "1970-01-02 00:00:00"),
            (951_782_400, "2000-02-29 09:00:00"),
            (1_709_218_800, "2024-03-01 00:00:00"),
            (-9 * 3_600 - 1, "1969-12-31 23:59:59"),
            (4_102_412_399, "2099-12-31 23:59:59"),
        ];
        for (unix, text) in cases {
            assert_eq!(Now::at(unix).timestamp(), text, "{unix}");
        }
    }

    #[test]
    fn every_day_follows_the_one_before() {
        let mut previous = Now::at(-400 * DAY).date();
        for day in -399..(200 * 365) {
            let date = Now::at(day * DAY).date();
            let next_in_month = (date.year, date.month, date.day) == (previous.year, previous.month, previous.day + 1);
            let first_of_next = date.day == 1 && (date.month == previous.month % 12 + 1);
            assert!(next_in_month || first_of_next, "{previous} → {date}");
            assert!(date > previous);
            previous = date;
        }
    }
}
