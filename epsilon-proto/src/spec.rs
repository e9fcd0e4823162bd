//! The spec types, from the gateway-neutral core ([`japay_core::spec`]), under the path this crate has always used.

pub use japay_core::spec::*;

/// One position of the `st_code` bitmap (the core's [`BitmapPosition`]).
pub type StCodePosition = BitmapPosition;
