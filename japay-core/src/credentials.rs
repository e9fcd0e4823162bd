//! [`Credentials`]: values the merchant holds that the encoder needs for computed fields (a checksum over request
//! values and a key), and that are never sent themselves.
//!
//! A gateway's spec declares them (`gateway.yaml` `credentials:`, generated as `CREDENTIALS` in
//! [`GatewaySpec::credentials`](crate::spec::GatewaySpec::credentials)); a caller hands their values to the encoder
//! through [`Options::with_credentials`](crate::Options::with_credentials). Borrowed and fixed-size: building them
//! allocates nothing, and their `Debug` shows the names only.

use core::fmt;

/// How many credentials one [`Credentials`] holds.
pub const MAX_CREDENTIALS: usize = 4;

/// A small borrowed list of credentials, by name (`access_key`), for the encoder's computed fields.
///
/// ```
/// use japay_core::{Charset, Credentials, Options};
///
/// let key = String::from("1234567"); // read from the merchant's configuration
/// let credentials = Credentials::new().with("access_key", &key);
/// let options = Options::new(Charset::Utf8).with_credentials(&credentials);
/// assert_eq!(options.credential("access_key"), Some("1234567"));
/// assert_eq!(format!("{credentials:?}"), "Credentials { access_key: <redacted> }");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Credentials<'a> {
    entries: [(&'a str, &'a str); MAX_CREDENTIALS],
    len: usize,
    /// A credential was given when the list was full (it is not kept; a computed field that needs it reports it
    /// missing, naming it).
    overflowed: bool,
}

impl<'a> Credentials<'a> {
    /// No credentials.
    pub const fn new() -> Credentials<'a> {
        Credentials { entries: [("", ""); MAX_CREDENTIALS], len: 0, overflowed: false }
    }

    /// The same list with `name` set to `value` (a later value of the same name wins). A list holds at most
    /// [`MAX_CREDENTIALS`]; a further one is not kept, so a computed field that needs it is refused (a `required`
    /// violation naming it), never computed without it.
    #[must_use]
    #[allow(clippy::indexing_slicing)] // const: the index is checked against the length first
    pub const fn with(mut self, name: &'a str, value: &'a str) -> Credentials<'a> {
        if self.len < MAX_CREDENTIALS {
            self.entries[self.len] = (name, value);
            self.len += 1;
        } else {
            self.overflowed = true;
        }
        self
    }

    /// The non-empty value of the credential `name` (the last one set), if any.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.entries.iter().take(self.len).rev().find(|(n, _)| *n == name).map(|(_, v)| *v).filter(|v| !v.is_empty())
    }

    /// The names given, in order (a name set twice appears twice).
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.entries.iter().take(self.len).map(|(n, _)| *n)
    }

    /// Whether a credential was given when the list was full (and so not kept).
    pub const fn overflowed(&self) -> bool {
        self.overflowed
    }
}

impl Default for Credentials<'_> {
    fn default() -> Self {
        Credentials::new()
    }
}

/// The names, never the values.
impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Credentials");
        for name in self.names() {
            s.field(name, &format_args!("{}", crate::secret::REDACTED));
        }
        if self.overflowed {
            s.field("overflowed", &true);
        }
        s.finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
mod tests {
    use super::*;

    #[test]
    fn names_are_looked_up_the_last_one_winning_and_values_never_shown() {
        let c = Credentials::new().with("access_key", "1").with("other", "x").with("access_key", "2");
        assert_eq!(c.get("access_key"), Some("2"));
        assert_eq!(c.get("other"), Some("x"));
        assert_eq!(c.get("missing"), None);
        assert_eq!(Credentials::new().with("empty", "").get("empty"), None, "an empty value is no value");
        let debug = format!("{c:?}");
        assert_eq!(debug, "Credentials { access_key: <redacted>, other: <redacted>, access_key: <redacted> }");
        let full = (0..5).fold(Credentials::new(), |c, _| c.with("k", "secret-value"));
        assert!(full.overflowed());
        assert!(!format!("{full:?}").contains("secret-value"));
    }
}
