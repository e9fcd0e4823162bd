//! `cargo codegen [--check] [--spec-dir DIR [--out-dir DIR]]`: regenerate (or check) the generated code of every
//! gateway under `spec/` (or of the one gateway folder given).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo codegen [--check] [--spec-dir DIR [--out-dir DIR]]";

fn main() -> ExitCode {
    let mut check = false;
    let mut spec_dir: Option<PathBuf> = None;
    let mut out_dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--spec-dir" | "--out-dir" => {
                let Some(value) = args.next().map(PathBuf::from) else {
                    eprintln!("codegen: {a} needs a directory\n{USAGE}");
                    return ExitCode::from(2);
                };
                if a == "--spec-dir" { spec_dir = Some(value) } else { out_dir = Some(value) }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("codegen: unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if out_dir.is_some() && spec_dir.is_none() {
        eprintln!("codegen: --out-dir goes with --spec-dir (one gateway)\n{USAGE}");
        return ExitCode::from(2);
    }
    let dirs = match &spec_dir {
        Some(d) => vec![d.clone()],
        None => codegen::gateway_dirs(&codegen::default_spec_root()),
    };
    if dirs.is_empty() {
        eprintln!("codegen: no spec/<gateway>/gateway.yaml found");
        return ExitCode::FAILURE;
    }
    let mut ok = true;
    for dir in dirs {
        if let Some(reason) = codegen::pending(&dir).filter(|_| spec_dir.is_none()) {
            eprintln!("codegen: skipping {}: codegen_pending: {reason}", dir.display());
            continue;
        }
        ok &= run(&dir, out_dir.clone(), check);
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn run(spec_dir: &std::path::Path, out_dir: Option<PathBuf>, check: bool) -> bool {
    let generated = match codegen::generate(spec_dir) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return false;
        }
    };
    let out_dir = out_dir.unwrap_or_else(|| codegen::workspace_root().join(&generated.out_dir));
    let name = &generated.gateway;
    if check {
        match codegen::check(&out_dir, &generated.files) {
            Ok(diffs) if diffs.is_empty() => {
                eprintln!("codegen: {name}: {} files up to date", generated.files.len());
                true
            }
            Ok(diffs) => {
                for d in &diffs {
                    println!("{d}");
                }
                eprintln!("codegen: {name}: {} generated file(s) are stale; run `cargo codegen`", diffs.len());
                false
            }
            Err(e) => {
                eprintln!("codegen: {name}: {e}");
                false
            }
        }
    } else {
        match codegen::write(&out_dir, &generated.files) {
            Ok(changed) => {
                for p in &changed {
                    eprintln!("codegen: wrote {}", p.display());
                }
                eprintln!("codegen: {name}: {} files, {} changed", generated.files.len(), changed.len());
                true
            }
            Err(e) => {
                eprintln!("codegen: {name}: {e}");
                false
            }
        }
    }
}
