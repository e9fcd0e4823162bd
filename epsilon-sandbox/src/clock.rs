//! The machinery's clock ([`japay_sandbox::clock`]) as the virtual-account lifecycle reads it: a [`JstDate`]. The
//! gateway's timestamps carry no zone (facts Q18); they are JST.

use epsilon_proto::virtual_account::JstDate;
use japay_sandbox::clock::Now;

/// Today in JST.
pub(crate) fn today(now: Now) -> JstDate {
    JstDate::from_unix_time(now.unix()).unwrap_or_else(|_| fallback_date())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The machinery's JST day and the lifecycle's are the same day, written the same way.
    #[test]
    fn the_machinerys_day_is_the_lifecycles_day() {
        for unix in (0..(120 * 366)).map(|d| d * 86_400 + 15 * 3_600 - 1).chain([1_709_218_800, 4_102_412_399]) {
            let now = Now::at(unix);
            assert_eq!(now.date().to_string(), today(now).to_string(), "{unix}");
            assert_eq!(parse_date(&today(now).to_string()), Some(today(now)));
        }
    }
}
