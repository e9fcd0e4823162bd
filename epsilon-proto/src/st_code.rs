//! The `st_code` (決済区分) bitmap: which payment methods a request offers.

use core::fmt;

use crate::generated::codes::{ST_CODE, ST_CODE_POSITIONS};
use japay_core::spec::BitmapPosition;

/// A parsed `st_code`: 34 positions in 7 hyphenated groups (5-4-5-5-5-5-5), or the legacy 3-group form (5-4-5)
/// whose missing positions are 0.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StCode {
    bits: u64,
    legacy: bool,
}

impl StCode {
    /// Parses the wire form; `None` when it is neither the 7-group nor the legacy 3-group form of `0`/`1` digits.
    pub fn parse(s: &str) -> Option<StCode> {
        let (bits, legacy) = ST_CODE.parse(s)?;
        Some(StCode { bits, legacy })
    }

    /// Whether the 1-based position `pos` is set.
    pub fn is_set(self, pos: u8) -> bool {
        (1..=64).contains(&pos) && self.bits & (1 << (pos - 1)) != 0
    }

    /// Whether the value was written in the legacy 3-group form.
    pub fn is_legacy(self) -> bool {
        self.legacy
    }

    /// The positions that are set, with their payment methods.
    pub fn methods(self) -> impl Iterator<Item = &'static BitmapPosition> {
        ST_CODE_POSITIONS.iter().filter(move |p| self.is_set(p.pos))
    }
}

impl fmt::Debug for StCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.methods().map(|p| p.key)).finish()
    }
}
