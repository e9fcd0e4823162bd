//! What the workspace's test crates share, so that a test cannot pass without testing:
//!
//! - [`fixtures`]: where the recorded gateway exchanges are (`../shared/fixtures` next to the checkout, or
//!   `$JAPAY_FIXTURES`), and the rule for a missing folder: a test that needs it fails under CI, naming the folder.
//! - [`probe`]: the build-script half of that rule. Outside CI a missing folder (or a missing valgrind) sets a cfg
//!   (`japay_no_fixtures`, `japay_no_valgrind`) and the tests that need it carry
//!   `#[cfg_attr(japay_no_fixtures, ignore = "…")]`, so `cargo test` counts them as ignored and says why.
//! - [`count`]: linear time checked by counting, not by clock: instructions executed at 1× and 10× input, counted by
//!   valgrind's callgrind, in-process (a region of the test binary) or for a whole command.
//!
//! Never a dependency of a crate's own code: only of its build script and its tests.

pub mod count;
pub mod fixtures;
pub mod probe;

/// Whether the environment variable `CI` is set (to anything but empty, `0` or `false`): missing test inputs or
/// tools are then failures, never skips.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false")))
}
