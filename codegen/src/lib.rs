//! The spec compiler: `spec/<gateway>/*.yaml` → the gateway crate's generated code (`gateway.yaml` names the
//! folder, e.g. `epsilon-proto/src/generated`).
//!
//! Four stages, garde-style, each in its own module:
//!
//! 1. `load`: the files into `syntax` structs that mirror the YAML, with spans;
//! 2. `check`: every semantic rule, collecting *every* error with `file:line:column` and a field path
//!    ([`SpecError`]), into
//! 3. the `model`: named, resolved types (field indices, Rust names, tables);
//! 4. `emit`: quote + prettyplease; a token stream that does not parse is an error, never a file.
//!
//! The words of the spec's markers and kinds come from `japay_core` ([`japay_core::spec::Marker::from_symbol`],
//! [`japay_core::spec::kind_names`]), the same place the runtime reads them from. `cargo codegen` regenerates every
//! gateway; `cargo codegen --check` and the test suite compare the checked-in files with a fresh run.

use std::path::{Path, PathBuf};

mod check;
mod diagnostics;
mod emit;
mod load;
mod model;
mod names;
mod syntax;

pub use diagnostics::{SpecError, SpecErrors};

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory (`user_register.rs`).
    pub path: PathBuf,
    /// Full contents.
    pub contents: String,
}

/// The generated code of one gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The gateway's name (`epsilon`).
    pub gateway: String,
    /// Where the files go, relative to the workspace root (`epsilon-proto/src/generated`).
    pub out_dir: PathBuf,
    /// The files.
    pub files: Vec<GeneratedFile>,
}

impl Generated {
    /// The file at `path` (relative to the output directory).
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == Path::new(path))
    }
}

/// Reads and checks one gateway's spec folder and renders its files. Pure apart from reading the spec.
///
/// # Errors
/// Every spec problem found.
pub fn generate(spec_dir: &Path) -> Result<Generated, SpecErrors> {
    if let Some(reason) = pending(spec_dir) {
        return Err(SpecErrors(vec![SpecError {
            file: format!("{}/gateway.yaml", load::display_dir(spec_dir)),
            line: 0,
            column: 0,
            path: "codegen_pending".into(),
            message: format!("generation is pending ({reason}); remove the key once the folder reads as schema v2"),
        }]));
    }
    let mut diagnostics = diagnostics::Diagnostics::new();
    let files = load::load(spec_dir, &mut diagnostics);
    let model = check::check(&files, diagnostics)?;
    let out = emit::emit(&model)?;
    Ok(Generated {
        gateway: model.gateway.name.clone(),
        out_dir: PathBuf::from(&model.gateway.generated_dir),
        files: out,
    })
}

/// Why the gateway folder is not generated yet: the top-level `codegen_pending:` of its `gateway.yaml`, read before
/// the rest of the file is checked (a folder written ahead of the schema may not parse). `None` for a folder that
/// is generated (or has no readable `gateway.yaml`; [`generate`] reports that).
pub fn pending(spec_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(spec_dir.join("gateway.yaml")).ok()?;
    let node = marked_yaml::parse_yaml(0, &text).ok()?;
    let reason = node.as_mapping()?.get_scalar("codegen_pending")?.as_str().trim().to_owned();
    Some(reason)
}

/// The workspace root (where `spec/` and the gateway crates live).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The folder that holds one folder per gateway.
pub fn default_spec_root() -> PathBuf {
    workspace_root().join("spec")
}

/// Every gateway folder under `spec_root` (a folder with a `gateway.yaml`), sorted.
pub fn gateway_dirs(spec_root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(spec_root)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("gateway.yaml").is_file()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
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
