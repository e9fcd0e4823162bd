//! The sandbox clock as Kuroneko reads it: the machinery's clock ([`japay_sandbox::clock`], a stored offset in days,
//! JST), with a time of day that tests and the demo may fix (`POST /sandbox/time`), so that the 23:00–01:00 window of
//! A07 and A11 and the 30 minutes of a token never depend on when a test runs. The fixed time of day is stored; the
//! day is still the machinery's (so `POST /sandbox/clock` moves it).

use japay_sandbox::Tx;
use japay_sandbox::clock::Now;
use rusqlite::{Connection, OptionalExtension, params};

const DAY: i64 = 86_400;
const JST: i64 = 9 * 3_600;

/// The sandbox clock inside a transaction: the machinery's reading, at the fixed time of day when one is set.
pub(crate) fn now(tx: &Tx<'_>) -> rusqlite::Result<Now> {
    Ok(with_time_of_day(tx.now(), time_of_day(tx)?))
}

/// `now` on its JST day at `seconds` after midnight, or `now` itself.
pub(crate) fn with_time_of_day(now: Now, seconds: Option<i64>) -> Now {
    match seconds {
        Some(s) => {
            let midnight = now.unix().saturating_add(JST).div_euclid(DAY).saturating_mul(DAY).saturating_sub(JST);
            Now::at(midnight.saturating_add(s))
        }
        None => now,
    }
}

/// The fixed time of day in seconds after midnight JST, if one is set.
pub(crate) fn time_of_day(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let value: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = 'time_of_day'", [], |r| r.get(0)).optional()?;
    Ok(value.and_then(|v| v.parse().ok()))
}

/// Fixes the time of day (`Some`), or lets it follow the machine's clock again (`None`).
pub(crate) fn set_time_of_day(conn: &Connection, seconds: Option<i64>) -> rusqlite::Result<()> {
    match seconds {
        Some(s) => conn.execute(
            "INSERT INTO settings (key, value) VALUES ('time_of_day', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![s.to_string()],
        )?,
        None => conn.execute("DELETE FROM settings WHERE key = 'time_of_day'", [])?,
    };
    Ok(())
}

/// Parses `HH:MM` or `HH:MM:SS` (00:00:00–23:59:59) into seconds after midnight.
pub(crate) fn parse_time_of_day(text: &str) -> Option<i64> {
    let mut parts = text.split(':');
    let mut field = |max: i64| -> Option<i64> {
        let part = parts.next()?;
        let n: i64 = (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse().ok())??;
        (n <= max).then_some(n)
    };
    let (h, m) = (field(23)?, field(59)?);
    let s = match parts.next() {
        None => 0,
        Some(part) if part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()) => {
            part.parse::<i64>().ok().filter(|s| *s <= 59)?
        }
        Some(_) => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(h * 3_600 + m * 60 + s)
}

/// `yyyyMMddHHmmss` (JST), the gateway's timestamps (`returnDate`, `settleDate`).
pub(crate) fn stamp(now: Now) -> String {
    now.timestamp().chars().filter(char::is_ascii_digit).collect()
}

/// `yyyyMMdd` (JST).
pub(crate) fn ymd(now: Now) -> String {
    stamp(now).chars().take(8).collect()
}

/// `yyyyMMdd` of the day `days` after `now`.
pub(crate) fn ymd_after(now: Now, days: i64) -> String {
    ymd(Now::at(now.unix().saturating_add(days.saturating_mul(DAY))))
}

/// The hour of the day (JST), 0–23.
pub(crate) fn hour(now: Now) -> i64 {
    now.unix().saturating_add(JST).rem_euclid(DAY) / 3_600
}

/// Whether A07 and A11 are closed: 23:00 to 01:00 JST (A070000000, A110000000; facts §2.2).
pub(crate) fn night(now: Now) -> bool {
    let h = hour(now);
    !(1..23).contains(&h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_table() {
        // (text, seconds)
        let cases = [
            ("00:00", Some(0)),
            ("23:00", Some(82_800)),
            ("22:59:59", Some(82_799)),
            ("01:00:00", Some(3_600)),
            ("24:00", None),
            ("9:00", None),
            ("12:60", None),
            ("12:00:60", None),
            ("12:00:00:00", None),
            ("", None),
        ];
        for (text, seconds) in cases {
            assert_eq!(parse_time_of_day(text), seconds, "{text}");
        }
    }

    #[test]
    fn the_night_window_and_stamps() {
        // 2024-03-01 00:00:00 JST
        let midnight = Now::at(1_709_218_800);
        // (seconds after midnight, closed, stamp)
        let cases = [
            (0, true, "20240301000000"),
            (3_599, true, "20240301005959"),
            (3_600, false, "20240301010000"),
            (82_799, false, "20240301225959"),
            (82_800, true, "20240301230000"),
            (86_399, true, "20240301235959"),
        ];
        for (seconds, closed, text) in cases {
            let now = with_time_of_day(Now::at(midnight.unix() + 40_000), Some(seconds));
            assert_eq!((night(now), stamp(now).as_str()), (closed, text), "{seconds}");
        }
        assert_eq!(ymd_after(midnight, 7), "20240308");
        assert_eq!(with_time_of_day(midnight, None), midnight);
    }
}
