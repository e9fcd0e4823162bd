//! Secret names: which element values are never shown in `Debug` output.
//!
//! The names are the generated [`SECRET_NAMES`] (from `spec/kuroneko/`), never a copy; they are compared by the
//! core's one rule, [`japay_core::secret::is_secret_name`] (ASCII case and `_` ignored).

use japay_core::secret::is_secret_name;

pub use crate::generated::SECRET_NAMES;

/// Whether values of `name` are secret: `name` is one of [`SECRET_NAMES`], compared ignoring ASCII case and `_`
/// (`three_d_token`, `threeDToken` and `THREEDTOKEN` are the same name; [`japay_core::secret::is_secret_name`]).
pub fn is_secret(name: &str) -> bool {
    is_secret_name(SECRET_NAMES, name)
}

/// The secret names of one read: [`SECRET_NAMES`] and any given.
pub(super) struct Secrets<'s> {
    /// The names given to [`super::Answer::parse_with_secrets`].
    extra: &'s [&'s str],
}

impl<'s> Secrets<'s> {
    /// The gateway's secret names plus `extra`.
    pub(super) fn new(extra: &'s [&'s str]) -> Self {
        Secrets { extra }
    }

    /// Whether `name` is one of the secret names, compared as [`is_secret`] compares.
    pub(super) fn contains(&self, name: &str) -> bool {
        is_secret(name) || is_secret_name(self.extra, name)
    }
}
