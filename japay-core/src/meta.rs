//! The `meta` feature: provenance strings in generated tables, or nothing.
//!
//! A gateway's spec gives every fact its provenance: where it comes from (`source`), what is not known about it
//! (`uncertain`) and, for a parameter, the label of the official Japanese table (`label_ja`). Tools that show the
//! spec (a command that prints an operation's table) need these strings; a program that only validates, encodes
//! and decodes does not. The spec types' builders (`with_source`, `with_label`, …) keep them through [`text`] and
//! [`opt`], which keep the text when japay-core is built with the `meta` feature and give `""` or `None`
//! otherwise. The generated tables are `static`s evaluated at compile time, so a string the builder drops is
//! referenced by nothing and never reaches the binary. The generated doc comments point at the spec either way.
//!
//! Nothing that changes behaviour or error text is filtered: meanings, titles, the Japanese and English texts of
//! codes, remediations, condition descriptions and the `expected` texts of checks stay.
//!
//! Cargo unifies features: when any crate of a build turns `japay-core/meta` on (a gateway crate's default `meta`
//! feature does), every gateway crate of that build keeps its strings.

/// A provenance text as kept: `text` with the `meta` feature, `""` without it.
///
/// ```
/// let source = japay_core::meta::text("seed 003 row 1");
/// assert!(source == "seed 003 row 1" || source.is_empty());
/// ```
pub const fn text(text: &'static str) -> &'static str {
    if ENABLED { text } else { "" }
}

/// An optional provenance text as kept: `option` with the `meta` feature, `None` without it.
///
/// ```
/// let uncertain = japay_core::meta::opt(Some("digits enforced"));
/// assert!(uncertain == Some("digits enforced") || uncertain.is_none());
/// ```
pub const fn opt(option: Option<&'static str>) -> Option<&'static str> {
    if ENABLED { option } else { None }
}

/// A provenance text (`source`, `label_ja`): the text itself with the `meta` feature, `""` without it.
///
/// ```
/// let source: &'static str = japay_core::meta!("seed 003 row 1");
/// assert!(source == "seed 003 row 1" || source.is_empty());
/// ```
#[cfg(feature = "meta")]
#[macro_export]
macro_rules! meta {
    ($text:expr) => {
        $text
    };
}

/// A provenance text (`source`, `label_ja`): the text itself with the `meta` feature, `""` without it.
///
/// ```
/// let source: &'static str = japay_core::meta!("seed 003 row 1");
/// assert!(source == "seed 003 row 1" || source.is_empty());
/// ```
#[cfg(not(feature = "meta"))]
#[macro_export]
macro_rules! meta {
    ($text:expr) => {
        ""
    };
}

/// An optional provenance text (`uncertain`): the option itself with the `meta` feature, `None` without it.
///
/// ```
/// let uncertain: Option<&'static str> = japay_core::meta_opt!(Some("digits enforced"));
/// assert!(uncertain == Some("digits enforced") || uncertain.is_none());
/// let unknown: Option<&'static str> = japay_core::meta_opt!(None::<&str>);
/// assert_eq!(unknown, None);
/// ```
#[cfg(feature = "meta")]
#[macro_export]
macro_rules! meta_opt {
    ($option:expr) => {
        $option
    };
}

/// An optional provenance text (`uncertain`): the option itself with the `meta` feature, `None` without it.
///
/// ```
/// let uncertain: Option<&'static str> = japay_core::meta_opt!(Some("digits enforced"));
/// assert!(uncertain == Some("digits enforced") || uncertain.is_none());
/// let unknown: Option<&'static str> = japay_core::meta_opt!(None::<&str>);
/// assert_eq!(unknown, None);
/// ```
#[cfg(not(feature = "meta"))]
#[macro_export]
macro_rules! meta_opt {
    ($option:expr) => {
        ::core::option::Option::None
    };
}

/// Whether this build keeps the provenance strings (japay-core's `meta` feature).
pub const ENABLED: bool = cfg!(feature = "meta");

#[cfg(test)]
mod tests {
    #[test]
    fn the_macros_and_functions_follow_the_feature() {
        assert_eq!((super::text("s"), super::opt(Some("u"))), (crate::meta!("s"), crate::meta_opt!(Some("u"))));
        let text: &str = crate::meta!("source");
        let option: Option<&str> = crate::meta_opt!(Some("uncertain"));
        if super::ENABLED {
            assert_eq!((text, option), ("source", Some("uncertain")));
        } else {
            assert_eq!((text, option), ("", None));
        }
    }
}
