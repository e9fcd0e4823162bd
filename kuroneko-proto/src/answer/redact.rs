//! Secret names: which element values are never shown in `Debug` output.

/// Names whose values are never shown in `Debug` output, as listed under `secrets:` in `spec/kuroneko/gateway.yaml`.
///
/// Names are compared ignoring ASCII case and `_`, so `three_d_token` also covers the element `threeDToken`.
pub const SECRET_NAMES: &[&str] = &[
    "token",
    "threeDToken",
    "three_d_token",
    "threeDAuthHtml",
    "card_no",
    "security_code",
    "card_exp",
    "authentication_key",
    "check_sum",
    "res_pa",
    "hash_value",
];

/// What `Debug` prints instead of a secret value.
pub(super) const REDACTED: &str = "<redacted>";

/// Whether values of `name` are secret: `name` is one of [`SECRET_NAMES`], compared ignoring ASCII case and `_`
/// (`three_d_token`, `threeDToken` and `THREEDTOKEN` are the same name).
pub fn is_secret(name: &str) -> bool {
    SECRET_NAMES.iter().any(|s| folded(s).eq(folded(name)))
}

/// The bytes of `s` without `_`, ASCII lower-cased.
fn folded(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes().filter(|&b| b != b'_').map(|b| b.to_ascii_lowercase())
}

/// The secret names of one read: [`SECRET_NAMES`] and any given, each with its folded length (a cheap first test).
pub(super) struct Secrets<'s>(Vec<(usize, &'s str)>);

impl<'s> Secrets<'s> {
    /// The built-in secret names plus `extra`.
    pub(super) fn new(extra: &[&'s str]) -> Self {
        Secrets(SECRET_NAMES.iter().chain(extra).map(|&s| (folded(s).count(), s)).collect())
    }

    /// Whether `name` is one of the secret names, compared as [`is_secret`] compares.
    pub(super) fn contains(&self, name: &str) -> bool {
        let len = folded(name).count();
        self.0.iter().any(|&(n, s)| n == len && folded(s).eq(folded(name)))
    }
}
