//! The sandbox clock: the machine's clock moved forward by a stored number of days (`POST /sandbox/clock`), read as
//! JST wall-clock time (the gateway's timestamps carry no zone, facts Q18).

use std::time::{SystemTime, UNIX_EPOCH};

use epsilon_proto::virtual_account::JstDate;

/// One reading of the sandbox clock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Now {
    /// Unix seconds, the offset included.
    unix: i64,
}

const DAY: i64 = 86_400;
const JST: i64 = 9 * 3_600;

impl Now {
    /// The machine's clock moved forward by `offset_days`.
    pub(crate) fn read(offset_days: i64) -> Now {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let real = i64::try_from(real).unwrap_or(0);
        Now { unix: real.saturating_add(offset_days.saturating_mul(DAY)) }
    }

    /// Today in JST.
    pub(crate) fn today(self) -> JstDate {
        JstDate::from_unix_time(self.unix).unwrap_or_else(|_| fallback_date())
    }

    /// `YYYY-MM-DD HH:MM:SS`, JST.
    pub(crate) fn timestamp(self) -> String {
        let seconds = self.unix.saturating_add(JST).rem_euclid(DAY);
        format!("{} {:02}:{:02}:{:02}", self.today(), seconds / 3_600, seconds % 3_600 / 60, seconds % 60)
    }
}

/// A date used only if the clock is outside 0001–9999 (it never is).
fn fallback_date() -> JstDate {
    JstDate::from_unix_time(0).unwrap_or_else(|_| fallback_date())
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Option<JstDate> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    JstDate::new(year, month, day).ok()
}
