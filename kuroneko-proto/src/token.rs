//! The token library's input: the `checkSum` and the `info` object that `WebcollectTokenLib.createToken(info, ok,
//! ng)` takes in the buyer's browser (facts §5.2).
//!
//! The shop's checkout page loads Yamato's `embeddedTokenLib.js` and calls `createToken` with an `info` object: the
//! merchant code, how the card is authenticated (`authDiv`), whether a card is stored or used from storage
//! (`optServDiv`), a `checkSum`, and the stored-card keys where they apply; the page adds the card fields the buyer
//! types (`cardNo`, `cardOwner`, `cardExp`, `securityCode`), which never reach the shop's server. The `checkSum` is
//! the lowercase hex SHA-256 of `member_id ‖ auth_key ‖ access_key ‖ auth_div` (for a guest, `member_id` and
//! `auth_key` are empty: SHA-256 of `access_key ‖ auth_div`; facts §5.1, four clients agree). It needs the access
//! key, so it is computed on the server, by this module, never in the page and never by the caller.
//!
//! Every value is checked with the rules of the API parameter that carries the same value (`trader_code`,
//! `auth_div`, `option_service_div`, `member_id`, `authentication_key`, `card_key`, `last_credit_date`), so a
//! violation names that parameter. The object is written with exactly the keys facts §5.2 lists, in that order.
//!
//! ```
//! use kuroneko_proto::token::TokenInfo;
//!
//! let info = TokenInfo { trader_code: "888888888", auth_div: "2", opt_serv_div: "00", ..TokenInfo::default() };
//! let json = info.to_json("1234567")?;
//! assert!(json.starts_with(r#"{"traderCode":"888888888","authDiv":"2","optServDiv":"00","checkSum":""#));
//! assert!(!format!("{info:?} {:?}", info.check_sum("1234567")).contains("1234567"));
//! # Ok::<(), kuroneko_proto::token::TokenInfoError>(())
//! ```

use std::fmt;

/// What the shop knows before the buyer types the card: the `info` of `createToken` without the card fields.
///
/// `Debug` redacts `auth_key`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenInfo<'a> {
    /// `traderCode`: the merchant code (API `trader_code`).
    pub trader_code: &'a str,
    /// `authDiv`: 0 no 3-D Secure and no security code, 1 3-D Secure, 2 security code, 3 both (API `auth_div`).
    pub auth_div: &'a str,
    /// `optServDiv`: `00` a normal order, `01` store the card or use a stored one (API `option_service_div`).
    pub opt_serv_div: &'a str,
    /// `memberId`: the card holder's id for stored cards (API `member_id`); required with `optServDiv` `01`.
    pub member_id: Option<&'a str>,
    /// `authKey`: the member's key (API `authentication_key`); required with `optServDiv` `01`.
    pub auth_key: Option<&'a str>,
    /// `cardKey`: the stored card to use, 1-3 (API `card_key`); with `last_credit_date`, for a stored card.
    pub card_key: Option<&'a str>,
    /// `lastCreditDate`: the stored card's last use as A03 answered it, `yyyyMMddHHmmss` (API `last_credit_date`).
    pub last_credit_date: Option<&'a str>,
}

impl fmt::Debug for TokenInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenInfo")
            .field("trader_code", &self.trader_code)
            .field("auth_div", &self.auth_div)
            .field("opt_serv_div", &self.opt_serv_div)
            .field("member_id", &self.member_id)
            .field("auth_key", &self.auth_key.map(|_| japay_core::secret::REDACTED))
            .field("card_key", &self.card_key)
            .field("last_credit_date", &self.last_credit_date)
            .finish()
    }
}

/// A computed checksum: 64 lowercase hex digits, `Debug` redacted (it is derived from the access key). The core's
/// [`ComputedValue`](japay_core::request::ComputedValue), the value of every computed request field.
pub type CheckSum = japay_core::request::ComputedValue;

/// Why a token `info` could not be written. Never holds a value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenInfoError {
    /// A value breaks the rule of the API parameter that carries it (`field` is that parameter's name).
    Invalid {
        /// The API parameter (`member_id`, `auth_div`, …).
        field: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// The access key is empty or not digits (facts §5.1: the digits of the access URL).
    AccessKey,
}

impl fmt::Display for TokenInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenInfoError::Invalid { field, expected } => write!(f, "{field}: expected {expected}"),
            TokenInfoError::AccessKey => f.write_str("access_key: expected the digits of the access url"),
        }
    }
}

impl std::error::Error for TokenInfoError {}

/// One rule: the characters a value may hold and its length bounds (bytes, ASCII only).
struct Rule {
    field: &'static str,
    expected: &'static str,
    min: usize,
    max: usize,
    allowed: fn(u8) -> bool,
}

impl Rule {
    fn check(&self, value: &str) -> Result<(), TokenInfoError> {
        let ok = (self.min..=self.max).contains(&value.len()) && value.bytes().all(self.allowed);
        if ok { Ok(()) } else { Err(TokenInfoError::Invalid { field: self.field, expected: self.expected }) }
    }
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}

// The API parameters' rules (spec/kuroneko/params.yaml: trader_code alnum ≤20, member_id alnum ≤64,
// authentication_key alnum ≤8, card_key 1-3, last_credit_date yyyyMMddHHmmss); a test checks them against the
// generated tables.
const TRADER_CODE: Rule =
    Rule { field: "trader_code", expected: "1 to 20 letters or digits", min: 1, max: 20, allowed: alnum };
const MEMBER_ID: Rule =
    Rule { field: "member_id", expected: "1 to 64 letters or digits", min: 1, max: 64, allowed: alnum };
const AUTH_KEY: Rule =
    Rule { field: "authentication_key", expected: "1 to 8 letters or digits", min: 1, max: 8, allowed: alnum };
const LAST_CREDIT_DATE: Rule =
    Rule { field: "last_credit_date", expected: "14 digits (yyyyMMddHHmmss)", min: 14, max: 14, allowed: digit };

impl TokenInfo<'_> {
    /// Checks every value; see [`TokenInfo::to_json`].
    ///
    /// # Errors
    /// The first [`TokenInfoError`] found, in the order of the `info` keys.
    pub fn validate(&self) -> Result<(), TokenInfoError> {
        TRADER_CODE.check(self.trader_code)?;
        if !matches!(self.auth_div, "0" | "1" | "2" | "3") {
            return Err(TokenInfoError::Invalid { field: "auth_div", expected: "one of 0, 1, 2, 3" });
        }
        if !matches!(self.opt_serv_div, "00" | "01") {
            return Err(TokenInfoError::Invalid { field: "option_service_div", expected: "00 or 01" });
        }
        if let Some(member_id) = self.member_id {
            MEMBER_ID.check(member_id)?;
        }
        if let Some(auth_key) = self.auth_key {
            AUTH_KEY.check(auth_key)?;
        }
        let storing = self.opt_serv_div == "01";
        if storing && self.member_id.is_none() {
            return Err(TokenInfoError::Invalid {
                field: "member_id",
                expected: "a member id with option_service_div 01",
            });
        }
        if storing && self.auth_key.is_none() {
            return Err(TokenInfoError::Invalid {
                field: "authentication_key",
                expected: "an authentication key with option_service_div 01",
            });
        }
        if !storing && (self.member_id.is_some() || self.auth_key.is_some() || self.card_key.is_some()) {
            return Err(TokenInfoError::Invalid {
                field: "option_service_div",
                expected: "01 when member or stored-card keys are given",
            });
        }
        if let Some(card_key) = self.card_key
            && !matches!(card_key, "1" | "2" | "3")
        {
            return Err(TokenInfoError::Invalid { field: "card_key", expected: "one of 1, 2, 3" });
        }
        if let Some(date) = self.last_credit_date {
            LAST_CREDIT_DATE.check(date)?;
        }
        if self.card_key.is_some() != self.last_credit_date.is_some() {
            return Err(TokenInfoError::Invalid {
                field: if self.card_key.is_some() { "last_credit_date" } else { "card_key" },
                expected: "card_key and last_credit_date together (a stored card)",
            });
        }
        Ok(())
    }

    /// The `checkSum`: lowercase hex SHA-256 of `member_id ‖ auth_key ‖ access_key ‖ auth_div` (absent keys as
    /// empty strings, facts §5.1).
    pub fn check_sum(&self, access_key: &str) -> CheckSum {
        CheckSum::sha256_hex(&[self.member_id.unwrap_or(""), self.auth_key.unwrap_or(""), access_key, self.auth_div])
    }

    /// The `info` object for `createToken`, as JSON: `traderCode`, `authDiv`, `optServDiv`, `checkSum`, then
    /// `memberId`, `authKey`, `cardKey`, `lastCreditDate` when given. Every value is letters and digits (checked),
    /// so nothing needs escaping.
    ///
    /// # Errors
    /// A [`TokenInfoError`] when a value breaks its parameter's rule or the access key is not digits.
    pub fn to_json(&self, access_key: &str) -> Result<String, TokenInfoError> {
        self.validate()?;
        if access_key.is_empty() || !access_key.bytes().all(digit) {
            return Err(TokenInfoError::AccessKey);
        }
        let check_sum = self.check_sum(access_key);
        let mut out = String::with_capacity(256);
        let mut put = |key: &str, value: &str| {
            out.push(if out.is_empty() { '{' } else { ',' });
            out.push('"');
            out.push_str(key);
            out.push_str("\":\"");
            out.push_str(value);
            out.push('"');
        };
        put("traderCode", self.trader_code);
        put("authDiv", self.auth_div);
        put("optServDiv", self.opt_serv_div);
        put("checkSum", check_sum.as_str());
        for (key, value) in [
            ("memberId", self.member_id),
            ("authKey", self.auth_key),
            ("cardKey", self.card_key),
            ("lastCreditDate", self.last_credit_date),
        ] {
            if let Some(value) = value {
                put(key, value);
            }
        }
        out.push('}');
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    // Expected digests computed independently: `printf '%s' "$input" | sha256sum`.
    #[test]
    fn check_sums_are_sha256_of_the_documented_concatenation() {
        let guest = TokenInfo { trader_code: "888888888", auth_div: "2", opt_serv_div: "00", ..TokenInfo::default() };
        let member = TokenInfo { member_id: Some("M0001"), auth_key: Some("KEY12345"), opt_serv_div: "01", ..guest };
        for (info, access_key, expected) in [
            (guest, "1234567", "c7ca70b16e73f70ee493f773952b77e190d1afffd5596a8c92bc1ef48926e5db"),
            (member, "1234567", "be14e98c156cba0b56ac35aa088422994b613974080a1bbc5a25577812eb561d"),
        ] {
            assert_eq!(info.check_sum(access_key).as_str(), expected);
        }
        assert_eq!(
            CheckSum::sha256_hex(&["abc"]).as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn info_rules_name_the_api_parameter() {
        let ok = TokenInfo { trader_code: "888888888", auth_div: "1", opt_serv_div: "00", ..TokenInfo::default() };
        let cases: [(TokenInfo<'_>, &str); 8] = [
            (TokenInfo { trader_code: "", ..ok }, "trader_code"),
            (TokenInfo { trader_code: "8888\"8888", ..ok }, "trader_code"),
            (TokenInfo { auth_div: "4", ..ok }, "auth_div"),
            (TokenInfo { opt_serv_div: "02", ..ok }, "option_service_div"),
            (TokenInfo { member_id: Some("M1"), ..ok }, "option_service_div"),
            (TokenInfo { opt_serv_div: "01", member_id: Some("M1"), ..ok }, "authentication_key"),
            (
                TokenInfo { opt_serv_div: "01", member_id: Some("M1"), auth_key: Some("K"), card_key: Some("4"), ..ok },
                "card_key",
            ),
            (
                TokenInfo { opt_serv_div: "01", member_id: Some("M1"), auth_key: Some("K"), card_key: Some("1"), ..ok },
                "last_credit_date",
            ),
        ];
        for (info, field) in cases {
            let got = info.to_json("1234567");
            assert!(
                matches!(got, Err(TokenInfoError::Invalid { field: f, .. }) if f == field),
                "{info:?}: expected a violation on {field}, got {got:?}"
            );
        }
        assert_eq!(ok.to_json("12a4"), Err(TokenInfoError::AccessKey));
        assert!(ok.to_json("1234567").is_ok());
    }

    #[test]
    fn secrets_are_not_in_debug() {
        let info = TokenInfo {
            trader_code: "888888888",
            auth_div: "0",
            opt_serv_div: "01",
            member_id: Some("M1"),
            auth_key: Some("SECRETK1"),
            ..TokenInfo::default()
        };
        let sum = info.check_sum("7654321");
        let shown = format!("{info:?} {sum:?}");
        assert!(!shown.contains("SECRETK1") && !shown.contains(sum.as_str()), "{shown}");
    }
}
