//! The spec compiler: `spec/*.yaml` → `epsilon-proto/src/generated/*.rs`.
//!
//! Four stages, each in its own module: `syntax` (serde structs that mirror the YAML, with spans), `model`
//! (semantic checks that collect *every* error with `file:line:column` and a field path, and the checked model),
//! `emit` (quote + prettyplease), and the file I/O below (`write`, `check`). `cargo codegen` runs it;
//! `cargo codegen --check` and the test suite compare the checked-in files with a fresh run.

use std::fmt;
use std::path::{Path, PathBuf};

mod emit;
mod model;
mod syntax;

/// One spec problem, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, relative to the spec directory's parent (`spec/operations/x.yaml`).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// Field path inside the file (`fields[3].max_bytes`).
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// All problems of one run, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        write!(f, "{} error(s) in spec", self.0.len())
    }
}

impl std::error::Error for SpecErrors {}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory (`user_register.rs`).
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// Reads and checks `spec_dir` and renders the generated files. Pure apart from reading the spec.
///
/// # Errors
/// Every spec problem found.
pub fn generate(spec_dir: &Path) -> Result<Vec<GeneratedFile>, SpecErrors> {
    let model = model::load(spec_dir)?;
    Ok(emit::emit(&model))
}

/// The workspace root (where `spec/` and `epsilon-proto/` live).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The default spec directory.
pub fn default_spec_dir() -> PathBuf {
    workspace_root().join("spec")
}

/// The default output directory.
pub fn default_out_dir() -> PathBuf {
    workspace_root().join("epsilon-proto/src/generated")
}

/// Writes `files` into `out_dir`, removing `*.rs` files there that are no longer generated. Returns the paths that
/// changed.
///
/// # Errors
/// File-system errors.
pub fn write(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out_dir)?;
    let mut changed = Vec::new();
    for f in files {
        let path = out_dir.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
            std::fs::write(&path, &f.contents)?;
            changed.push(path);
        }
    }
    for stale in stale_files(out_dir, files)? {
        std::fs::remove_file(&stale)?;
        changed.push(stale);
    }
    Ok(changed)
}

fn stale_files(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    if let Ok(rd) = std::fs::read_dir(out_dir) {
        for entry in rd {
            let p = entry?.path();
            let is_rs = p.extension().is_some_and(|e| e == "rs");
            let name = p.file_name().map(PathBuf::from);
            if is_rs && !files.iter().any(|f| Some(&f.path) == name.as_ref()) {
                stale.push(p);
            }
        }
    }
    stale.sort();
    Ok(stale)
}

/// Compares `files` with what is in `out_dir`. Returns one unified diff per stale file (empty when fresh).
///
/// # Errors
/// File-system errors other than a missing file.
pub fn check(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<String>> {
    let mut diffs = Vec::new();
    for f in files {
        let path = out_dir.join(&f.path);
        let old = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
        if old != f.contents {
            let name = path.display().to_string();
            let diff = similar::TextDiff::from_lines(&old, &f.contents)
                .unified_diff()
                .context_radius(3)
                .header(&format!("{name} (checked in)"), &format!("{name} (from spec/)"))
                .to_string();
            diffs.push(diff);
        }
    }
    for stale in stale_files(out_dir, files)? {
        diffs.push(format!("{}: no longer generated from spec/; remove it\n", stale.display()));
    }
    Ok(diffs)
}
