//! The build-script half of the rules: a test crate's `build.rs` calls [`build_script`], which sets
//!
//! - `japay_no_fixtures` when the recorded fixtures are missing ([`crate::fixtures::recorded_path`]) and CI is unset;
//! - `japay_no_valgrind` when valgrind (which counts instructions for [`crate::count`]) is missing and CI is unset.
//!
//! Tests carry `#[cfg_attr(japay_no_fixtures, ignore = "…")]` (or `japay_no_valgrind`), so outside CI `cargo test`
//! reports them as ignored with the reason, and under CI they run and fail, naming what is missing. No build warning
//! is printed: the crates that run this include the `epsilon` binary, whose ordinary builds should stay quiet.
//!
//! The script runs again when `CI`, `JAPAY_FIXTURES` or `JAPAY_VALGRIND` change, when the recorded folder changes
//! (while it is missing: the fixtures folder, or `../shared` when that is missing too), and when valgrind appears or
//! goes (while it is missing: when `PATH` changes). Past that (no `../shared` at all), a folder put in place later is
//! seen after `touch build.rs` or a change of `CI`.

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
        // watch the fixtures folder, or else the default one's parent (`../shared`), for the folder to appear; never a
        // folder above those (cargo scans a watched folder recursively: `/tmp`, or the workspace's own parent)
        let root = fixtures::root();
        let shared = root.parent().filter(|_| std::env::var_os(fixtures::ENV).is_none_or(|v| v.is_empty()));
        let package = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
        let watched = [Some(root.as_path()), shared].into_iter().flatten().find(|dir| dir.is_dir());
        if let Some(dir) = watched.filter(|dir| !Path::new(&package).starts_with(dir)) {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
        if !ci {
            println!("cargo::rustc-cfg={NO_FIXTURES}");
        }
    }

    match count::find_valgrind() {
        Some(valgrind) => println!("cargo::rerun-if-changed={}", valgrind.display()),
        None => {
            println!("cargo::rerun-if-env-changed=PATH");
            if !ci {
                println!("cargo::rustc-cfg={NO_VALGRIND}");
            }
        }
    }
}
