//! Per-field checks beyond a field's kind and byte limit: [`FieldCheck`] (a lower byte bound, a smallest integer
//! value, a required prefix, a date format, refused character classes, a second byte limit counted in another
//! charset, bitmap positions that must or may be set), with the spec's words for them ([`DateFormat::from_pattern`], [`CharClass::from_name`]).
//!
//! A field lists its checks in [`FieldSpec::checks`](super::FieldSpec::checks); [`crate::request`] runs them after
//! the kind, charset and limit checks of the value passed (see `crate::rules::check_field`). Like every check, their
//! violations never carry the value.

use crate::charset::Charset;

/// One extra rule a field's value must satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldCheck {
    /// At least this many bytes, counted like the field's byte limit (in the limit charset of the transport).
    /// Violation: `min_bytes`.
    MinBytes(usize),
    /// At most this many characters (Unicode scalar values), whatever their bytes: a limit the gateway gives in
    /// characters ("15 characters"). Violation: `max_chars`.
    MaxChars(usize),
    /// The value (a digits field) read as a decimal integer is at least this. Violation: `min_value`.
    MinValue(u64),
    /// The value starts with `prefix`. Violation: `pattern`, with `expected` as the description.
    StartsWith {
        /// The required prefix.
        prefix: &'static str,
        /// What the field accepts, in words (`"a value starting with https://"`).
        expected: &'static str,
    },
    /// The value is a valid date (or date-time) written in this format. Violation: `pattern`.
    Format(DateFormat),
    /// No character of this class. Violation: `pattern`, naming the character (unless the field is secret).
    Forbid(CharClass),
    /// At most `limit` bytes counted in `charset`, whatever the transport: a second limit beside the field's own.
    /// Violation: `max_bytes` (naming `charset`).
    MaxBytesIn {
        /// The charset the bytes are counted in.
        charset: Charset,
        /// The limit.
        limit: usize,
    },
    /// A bitmap field (a valid bitmap by its kind) has every position of `mask` set (bit `pos - 1` stands for the
    /// 1-based position `pos`). Violation: `bits`, with `expected` as the description.
    BitsRequired {
        /// The positions that must be set.
        mask: u64,
        /// What the field accepts, in words (`a bitmap with position M set`).
        expected: &'static str,
    },
    /// A bitmap field has no position set outside `mask`. Violation: `bits`, with `expected` as the description.
    BitsAllowed {
        /// The positions that may be set.
        mask: u64,
        /// What the field accepts, in words (`a bitmap with no position but M set`).
        expected: &'static str,
    },
    /// The value is a number with a check digit ([`CheckDigit`]), checked only while its condition holds (a
    /// tracking number of one shipping company). Violation: `pattern`, with the check's `expected` as the description. It looks at
    /// another field, so the request walk runs it (`crate::rules::check_digit`), not the per-value checks.
    CheckDigit(CheckDigit),
}

/// A check-digit rule on a field's value: exactly `digits` ASCII digits whose last digit follows from the others
/// by `rule`, required while `when` holds (always without it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckDigit {
    /// How the last digit follows from the others.
    pub rule: CheckDigitRule,
    /// The exact number of digits, the check digit included.
    pub digits: u8,
    /// When the rule applies: another field of the operation has exactly this value. `None`: always.
    pub when: Option<FieldEquals>,
    /// What the field accepts then, in words (the violation's description).
    pub expected: &'static str,
}

impl CheckDigit {
    /// A rule that applies always.
    pub const fn new(rule: CheckDigitRule, digits: u8, expected: &'static str) -> CheckDigit {
        CheckDigit { rule, digits, when: None, expected }
    }

    /// The same rule, applied only while field `field` (an index in the operation's fields) equals `value`.
    #[must_use]
    pub const fn when_equals(mut self, field: usize, value: &'static str) -> CheckDigit {
        self.when = Some(FieldEquals { field, value });
        self
    }

    /// Whether `value` is exactly [`CheckDigit::digits`] ASCII digits and its last digit follows from the others.
    /// Linear in the value, and false (never a panic) for any other input.
    pub fn matches(&self, value: &str) -> bool {
        let bytes = value.as_bytes();
        if bytes.len() != usize::from(self.digits) || !bytes.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let Some((&last, body)) = bytes.split_last() else { return false };
        self.rule.check_digit(body) == Some(last - b'0')
    }
}

/// "Field `field` has exactly `value`": the condition of a [`CheckDigit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldEquals {
    /// The index of the field in the operation's fields.
    pub field: usize,
    /// The value.
    pub value: &'static str,
}

/// How a check digit follows from the other digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckDigitRule {
    /// The number the other digits spell, modulo 7 (a digit 0-6), the "seven-check" of some tracking numbers.
    Mod7,
}

impl CheckDigitRule {
    /// Every rule.
    pub const ALL: [CheckDigitRule; 1] = [CheckDigitRule::Mod7];

    /// The rule as the spec writes it (`mod7`).
    pub const fn name(self) -> &'static str {
        match self {
            CheckDigitRule::Mod7 => "mod7",
        }
    }

    /// The Rust variant name (for generated code).
    pub const fn variant(self) -> &'static str {
        match self {
            CheckDigitRule::Mod7 => "Mod7",
        }
    }

    /// What a value of `digits` digits under this rule is, in words: `a 12-digit number whose last digit is the
    /// first 11 digits modulo 7`.
    pub fn describe(self, digits: u8) -> String {
        match self {
            CheckDigitRule::Mod7 => format!(
                "a {digits}-digit number whose last digit is the first {} digits modulo 7",
                digits.saturating_sub(1)
            ),
        }
    }

    /// The rule the spec word `name` stands for.
    pub fn from_name(name: &str) -> Option<CheckDigitRule> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The check digit of `body` (ASCII digits), or `None` when `body` holds anything else or is empty.
    pub fn check_digit(self, body: &[u8]) -> Option<u8> {
        if body.is_empty() || !body.iter().all(u8::is_ascii_digit) {
            return None;
        }
        match self {
            CheckDigitRule::Mod7 => Some(body.iter().fold(0u8, |r, &b| (r * 10 + (b - b'0')) % 7)),
        }
    }
}

/// A date or date-time layout of a digits field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateFormat {
    /// `yyyyMMdd`: a calendar date.
    YyyyMmDd,
    /// `yyyyMM`: a year and month.
    YyyyMm,
    /// `yyyyMMddHHmmss`: a calendar date and a time of day.
    YyyyMmDdHhMmSs,
}

impl DateFormat {
    /// Every format.
    pub const ALL: [DateFormat; 3] = [DateFormat::YyyyMmDd, DateFormat::YyyyMm, DateFormat::YyyyMmDdHhMmSs];

    /// The format as the spec writes it (`yyyyMMdd`).
    pub const fn pattern(self) -> &'static str {
        match self {
            DateFormat::YyyyMmDd => "yyyyMMdd",
            DateFormat::YyyyMm => "yyyyMM",
            DateFormat::YyyyMmDdHhMmSs => "yyyyMMddHHmmss",
        }
    }

    /// The format written `pattern`, if any. The spec compiler reads formats with this.
    pub fn from_pattern(pattern: &str) -> Option<DateFormat> {
        DateFormat::ALL.into_iter().find(|f| f.pattern() == pattern)
    }

    /// The Rust variant name, as the spec compiler writes it.
    pub const fn variant(self) -> &'static str {
        match self {
            DateFormat::YyyyMmDd => "YyyyMmDd",
            DateFormat::YyyyMm => "YyyyMm",
            DateFormat::YyyyMmDdHhMmSs => "YyyyMmDdHhMmSs",
        }
    }

    /// How many digits a value has.
    pub const fn digits(self) -> usize {
        self.pattern().len()
    }

    /// What a `pattern` violation says the field expects.
    pub const fn expected(self) -> &'static str {
        match self {
            DateFormat::YyyyMmDd => "a valid date written yyyyMMdd",
            DateFormat::YyyyMm => "a valid month written yyyyMM",
            DateFormat::YyyyMmDdHhMmSs => "a valid date and time written yyyyMMddHHmmss",
        }
    }

    /// Whether `value` is a valid date in this format (Gregorian calendar, years 0001-9999, no leap seconds).
    pub fn matches(self, value: &str) -> bool {
        let b = value.as_bytes();
        if b.len() != self.digits() || !b.iter().all(u8::is_ascii_digit) {
            return false;
        }
        let num = |from: usize, to: usize| {
            b.get(from..to).map_or(0, |d| d.iter().fold(0u32, |n, &x| n * 10 + u32::from(x - b'0')))
        };
        let (year, month) = (num(0, 4), num(4, 6));
        if year == 0 || !(1..=12).contains(&month) {
            return false;
        }
        if self == DateFormat::YyyyMm {
            return true;
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=days).contains(&num(6, 8)) {
            return false;
        }
        self != DateFormat::YyyyMmDdHhMmSs || (num(8, 10) <= 23 && num(10, 12) <= 59 && num(12, 14) <= 59)
    }
}

/// A class of characters a text field may refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CharClass {
    /// Half-width katakana and their punctuation: U+FF61-U+FF9F.
    HalfwidthKana,
}

impl CharClass {
    /// Every class.
    pub const ALL: [CharClass; 1] = [CharClass::HalfwidthKana];

    /// The class as the spec writes it (`halfwidth_kana`).
    pub const fn name(self) -> &'static str {
        match self {
            CharClass::HalfwidthKana => "halfwidth_kana",
        }
    }

    /// The class written `name`, if any. The spec compiler reads classes with this.
    pub fn from_name(name: &str) -> Option<CharClass> {
        CharClass::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The Rust variant name, as the spec compiler writes it.
    pub const fn variant(self) -> &'static str {
        match self {
            CharClass::HalfwidthKana => "HalfwidthKana",
        }
    }

    /// Whether `c` belongs to the class.
    pub fn contains(self, c: char) -> bool {
        match self {
            CharClass::HalfwidthKana => matches!(c, '\u{FF61}'..='\u{FF9F}'),
        }
    }

    /// What a `pattern` violation says the field expects.
    pub const fn expected(self) -> &'static str {
        match self {
            CharClass::HalfwidthKana => "text without half-width katakana (U+FF61-U+FF9F)",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    #[test]
    fn date_formats_accept_real_dates_only() {
        let cases: &[(DateFormat, &str, bool)] = &[
            (DateFormat::YyyyMmDd, "20260401", true),
            (DateFormat::YyyyMmDd, "20240229", true),
            (DateFormat::YyyyMmDd, "20000229", true),
            (DateFormat::YyyyMmDd, "21000229", false),
            (DateFormat::YyyyMmDd, "20250229", false),
            (DateFormat::YyyyMmDd, "20260431", false),
            (DateFormat::YyyyMmDd, "20261301", false),
            (DateFormat::YyyyMmDd, "20260001", false),
            (DateFormat::YyyyMmDd, "20260100", false),
            (DateFormat::YyyyMmDd, "00000101", false),
            (DateFormat::YyyyMmDd, "2026041", false),
            (DateFormat::YyyyMmDd, "202604011", false),
            (DateFormat::YyyyMmDd, "2026-4-1", false),
            (DateFormat::YyyyMmDd, "２０２６０４０１", false),
            (DateFormat::YyyyMm, "202612", true),
            (DateFormat::YyyyMm, "202613", false),
            (DateFormat::YyyyMmDdHhMmSs, "20260401235959", true),
            (DateFormat::YyyyMmDdHhMmSs, "20260401240000", false),
            (DateFormat::YyyyMmDdHhMmSs, "20260401236000", false),
            (DateFormat::YyyyMmDdHhMmSs, "20260401235960", false),
        ];
        for &(format, value, ok) in cases {
            assert_eq!(format.matches(value), ok, "{} {value:?}", format.pattern());
        }
    }

    #[test]
    fn words_round_trip() {
        for f in DateFormat::ALL {
            assert_eq!(DateFormat::from_pattern(f.pattern()), Some(f));
            assert_eq!(f.digits(), f.pattern().len());
        }
        for c in CharClass::ALL {
            assert_eq!(CharClass::from_name(c.name()), Some(c));
        }
        assert_eq!(DateFormat::from_pattern("yyyymmdd"), None);
        assert_eq!(CharClass::from_name("kana"), None);
    }

    #[test]
    fn halfwidth_kana_is_the_ff61_block() {
        let cases = [('ｱ', true), ('｡', true), ('ﾟ', true), ('ア', false), ('A', false), ('￠', false), ('ｰ', true)];
        for (c, inside) in cases {
            assert_eq!(CharClass::HalfwidthKana.contains(c), inside, "{c}");
        }
    }

    #[test]
    fn the_mod7_check_digit_is_the_rest_of_the_others() {
        let rule = CheckDigit::new(CheckDigitRule::Mod7, 12, "a tracking number");
        // 12345678901 mod 7 = 3; 99999999999 mod 7 = 4; 00000000007 mod 7 = 0
        for (value, ok) in [
            ("123456789013", true),
            ("123456789010", false),
            ("123456789017", false), // 3 + 7: the check digit is 0-6, not "congruent mod 7"
            ("999999999994", true),
            ("999999999993", false),
            ("000000000070", true),
            ("12345678901", false),
            ("1234567890100", false),
            ("12345678901a", false),
            ("１２３４５６７８９０１０", false),
            ("", false),
        ] {
            assert_eq!(rule.matches(value), ok, "{value}");
        }
        assert_eq!(CheckDigitRule::from_name("mod7"), Some(CheckDigitRule::Mod7));
        assert_eq!(CheckDigitRule::from_name("mod11"), None);
        assert_eq!(CheckDigitRule::Mod7.check_digit(b""), None);
    }
}
