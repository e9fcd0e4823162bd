//! The build-script half of the rules: a test crate's `build.rs` calls [`build_script`], which sets
//!
//! - `japay_no_fixtures` when the recorded fixtures are missing ([`crate::fixtures::recorded_path`]) and CI is unset;
//! - `japay_no_valgrind` when valgrind (which counts instructions for [`crate::count`]) is missing and CI is unset.
//!
//! Tests carry `#[cfg_attr(japay_no_fixtures, ignore = "…")]` (or `japay_no_valgrind`), so outside CI `cargo test`
//! reports them as ignored with the reason, and under CI they run and fail, naming what is missing. The script runs
//! again when `CI`, `JAPAY_FIXTURES` or `JAPAY_VALGRIND` change, when the fixtures folder (or, while it is missing,
//! the nearest existing folder above it outside the workspace) changes, and when valgrind appears or goes (while it
//! is missing: when `PATH` changes).

use std::path::Path;

use crate::{count, fixtures, is_ci};

/// The cfg set when the recorded fixtures are missing outside CI.
pub const NO_FIXTURES: &str = "japay_no_fixtures";
/// The cfg set when valgrind is missing outside CI.
pub const NO_VALGRIND: &str = "japay_no_valgrind";

/// Prints the build-script directives: the two cfgs declared, set as the fixtures folder, valgrind and `CI` say.
pub fn build_script() {
    println!("cargo::rerun-if-changed=build.rs");
    for var in ["CI", fixtures::ENV, count::VALGRIND_ENV] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    for cfg in [NO_FIXTURES, NO_VALGRIND] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    let ci = is_ci();

    let recorded = fixtures::recorded_path();
    if recorded.is_dir() {
        println!("cargo::rerun-if-changed={}", recorded.display());
    } else {
        // watch the nearest existing folder above, unless it holds the workspace (cargo scans a folder recursively)
        let package = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
        let watched = recorded.ancestors().skip(1).take(2).find(|dir| dir.is_dir());
        if let Some(dir) = watched.filter(|dir| !Path::new(&package).starts_with(dir)) {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
        if !ci {
            println!("cargo::rustc-cfg={NO_FIXTURES}");
            println!(
                "cargo::warning=fixture folder {} not found: the tests that read it are ignored (they fail when CI \
                 is set)",
                recorded.display()
            );
        }
    }

    match count::find_valgrind() {
        Some(valgrind) => println!("cargo::rerun-if-changed={}", valgrind.display()),
        None => {
            println!("cargo::rerun-if-env-changed=PATH");
            if !ci {
                println!("cargo::rustc-cfg={NO_VALGRIND}");
                println!(
                    "cargo::warning=valgrind not found: the linear-time tests, which count instructions with it, are \
                     ignored (they fail when CI is set)"
                );
            }
        }
    }
}
