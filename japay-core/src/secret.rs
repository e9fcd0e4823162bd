//! Secret names: the one rule that decides whether the values of a name are never shown.
//!
//! A gateway lists its secret names once (its spec's `secrets:` and every field or attribute marked `secret`, in the
//! generated `SECRET_NAMES` and [`GatewaySpec::secret_names`](crate::spec::GatewaySpec::secret_names)). Every place
//! that hides values asks [`is_secret_name`]: [`GatewaySpec::is_secret`](crate::spec::GatewaySpec::is_secret), the
//! redacting `Debug` of [`wire::multimap`](crate::wire::multimap), and the gateways' answer readers.
//!
//! Names are compared **ignoring ASCII case and every `_`**, the most protective of the spellings gateways use for
//! one field: `card_number`, `CARD_NUMBER`, `cardNumber` and `cardnumber` are the same secret name, and
//! `three_d_token` covers an element written `threeDToken`. Nothing else is folded: other bytes (`-`, `.`, digits,
//! non-ASCII) must match exactly, and a name that only starts or ends like a secret (`tokens`, `token_type`) is
//! not secret.

/// What `Debug` output shows instead of a secret value.
pub const REDACTED: &str = "<redacted>";

/// Whether `a` and `b` are the same secret name: equal after dropping every `_` and lower-casing ASCII letters.
///
/// ```
/// use japay_core::secret::same_secret_name;
///
/// assert!(same_secret_name("three_d_token", "threeDToken"));
/// assert!(same_secret_name("card_number", "CARD_NUMBER"));
/// assert!(same_secret_name("pareq", "PaReq"));
/// assert!(!same_secret_name("token", "tokens"));
/// assert!(!same_secret_name("card-no", "card_no"));
/// ```
pub fn same_secret_name(a: &str, b: &str) -> bool {
    folded(a).eq(folded(b))
}

/// Whether `name` is one of `secrets`, compared as [`same_secret_name`] compares.
///
/// Takes time linear in the length of `name` times the number of secrets.
///
/// ```
/// use japay_core::secret::is_secret_name;
///
/// let secrets = ["card_number", "token"];
/// assert!(is_secret_name(&secrets, "cardNumber") && is_secret_name(&secrets, "TOKEN"));
/// assert!(!is_secret_name(&secrets, "order_number") && !is_secret_name(&[], "token"));
/// ```
pub fn is_secret_name(secrets: &[&str], name: &str) -> bool {
    secrets.iter().any(|secret| same_secret_name(secret, name))
}

/// The bytes of `s` without `_`, ASCII lower-cased.
fn folded(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes().filter(|&b| b != b'_').map(|b| b.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_underscores_fold_nothing_else_does() {
        for (a, b) in [
            ("token", "token"),
            ("token", "TOKEN"),
            ("three_d_token", "THREEDTOKEN"),
            ("threeDAuthHtml", "three_d_auth_html"),
            ("_a_", "A"),
            ("", "___"),
        ] {
            assert!(same_secret_name(a, b) && same_secret_name(b, a), "{a} {b}");
        }
        for (a, b) in [
            ("token", "tokens"),
            ("token", "toke"),
            ("card_no", "card-no"),
            ("card_no", "card.no"),
            ("card_no", "card no"),
            ("expire_m", "expire_y"),
            ("token", "ｔｏｋｅｎ"),
            ("", "a"),
        ] {
            assert!(!same_secret_name(a, b) && !same_secret_name(b, a), "{a} {b}");
        }
    }

    #[test]
    fn every_name_equal_ignoring_ascii_case_is_still_secret() {
        // the rule the multimap used before (ASCII case only) is contained in this one
        let secrets = ["pareq", "card_number", "tds_pares"];
        for name in ["PAREQ", "PaReq", "Card_Number", "TDS_PARES", "cardnumber", "tdsPares"] {
            assert!(is_secret_name(&secrets, name), "{name}");
        }
        assert!(!is_secret_name(&secrets, "pares") && !is_secret_name(&secrets, "card_number2"));
    }
}
