//! The `st_code` (決済区分) bitmap: which payment methods a request offers.

use core::fmt;

use crate::generated::codes::{ST_CODE_GROUPS, ST_CODE_LEGACY_GROUPS, ST_CODE_POSITIONS};
use crate::spec::StCodePosition;

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
        let legacy = if matches_groups(s, ST_CODE_GROUPS) {
            false
        } else if matches_groups(s, ST_CODE_LEGACY_GROUPS) {
            true
        } else {
            return None;
        };
        let mut bits = 0u64;
        for (i, b) in s.bytes().filter(|b| *b != b'-').enumerate() {
            if b == b'1' {
                bits |= 1 << i;
            }
        }
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
    pub fn methods(self) -> impl Iterator<Item = &'static StCodePosition> {
        ST_CODE_POSITIONS.iter().filter(move |p| self.is_set(p.pos))
    }
}

fn matches_groups(s: &str, groups: &[u8]) -> bool {
    let mut parts = s.split('-');
    for &len in groups {
        match parts.next() {
            Some(p) if p.len() == usize::from(len) && p.bytes().all(|b| b == b'0' || b == b'1') => {}
            _ => return false,
        }
    }
    parts.next().is_none()
}

impl fmt::Debug for StCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.methods().map(|p| p.key)).finish()
    }
}
