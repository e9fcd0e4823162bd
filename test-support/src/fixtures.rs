//! Where the recorded gateway exchanges are: `../shared/fixtures` next to the checkout (shared, read-only, never
//! copied into the project), or the folder named by `$JAPAY_FIXTURES`.
//!
//! A test that reads them calls [`recorded`] and carries
//! `#[cfg_attr(japay_no_fixtures, ignore = "…")]` (the cfg comes from [`crate::probe::build_script`]). Outside CI, a
//! missing folder makes such tests `ignored` with their reason in `cargo test`'s output and summary. Under CI the
//! cfg is never set, the tests run, and [`recorded`] fails each one with a message naming the folder it looked for.

use std::path::{Component, Path, PathBuf};

/// The environment variable naming another fixtures folder (the one that holds `epsilon-recorded/`).
pub const ENV: &str = "JAPAY_FIXTURES";

/// The folder of recorded Epsilon exchanges (VCR cassettes), below [`root`].
pub const RECORDED: &str = "epsilon-recorded";

/// The fixtures folder: `$JAPAY_FIXTURES` when set (and not empty), else `../shared/fixtures` next to the workspace
/// root, written without `..` steps.
pub fn root() -> PathBuf {
    match std::env::var_os(ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => lexical(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures")),
    }
}

/// Where the recorded Epsilon exchanges should be (whether or not they are there).
pub fn recorded_path() -> PathBuf {
    root().join(RECORDED)
}

/// The folder of recorded Epsilon exchanges.
///
/// # Panics
///
/// When it is missing, with a message naming the folder looked for. A test reaches this only when it was built with
/// the folder present or under CI (else it is ignored), so a missing folder is a failure, never a silent pass.
#[track_caller]
pub fn recorded() -> PathBuf {
    let dir = recorded_path();
    assert!(dir.is_dir(), "{}", missing(&dir));
    dir
}

/// What a test says when the folder it needs is missing.
pub fn missing(dir: &Path) -> String {
    let why = if crate::is_ci() {
        "CI is set, so a missing fixture folder is a failure, not a skip"
    } else {
        "the tests were built while it was there; rebuild to have them ignored instead"
    };
    format!(
        "fixture folder {} not found ({why}); it is `../shared/fixtures/{RECORDED}` next to the checkout, or \
         `${ENV}/{RECORDED}`",
        dir.display()
    )
}

/// `path` with `.` and `..` steps resolved by name (no file system access), for messages and comparisons.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_written_without_dot_steps() {
        assert_eq!(lexical(Path::new("/a/b/../../c/./d")), PathBuf::from("/c/d"));
        assert_eq!(lexical(Path::new("a/../../b")), PathBuf::from("../b"));
        // the default root is `shared/fixtures` beside the workspace root
        if std::env::var_os(ENV).is_none() {
            let workspace = lexical(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
            assert_eq!(root(), workspace.parent().expect("a parent").join("shared/fixtures"));
        }
    }

    #[test]
    fn the_message_names_the_folder() {
        let message = missing(Path::new("/nowhere/epsilon-recorded"));
        assert!(message.contains("/nowhere/epsilon-recorded"), "{message}");
        assert!(message.contains(ENV), "{message}");
    }
}
