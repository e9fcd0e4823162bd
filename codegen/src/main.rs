//! `cargo codegen [--check] [--spec-dir DIR] [--out-dir DIR]`: regenerate (or check) epsilon-proto's generated code.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut check = false;
    let mut spec_dir = codegen::default_spec_dir();
    let mut out_dir = codegen::default_out_dir();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--spec-dir" => spec_dir = args.next().map(PathBuf::from).unwrap_or(spec_dir),
            "--out-dir" => out_dir = args.next().map(PathBuf::from).unwrap_or(out_dir),
            "-h" | "--help" => {
                println!("usage: cargo codegen [--check] [--spec-dir DIR] [--out-dir DIR]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("codegen: unknown argument {other:?}; expected --check, --spec-dir DIR or --out-dir DIR");
                return ExitCode::from(2);
            }
        }
    }
    let files = match codegen::generate(&spec_dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        match codegen::check(&out_dir, &files) {
            Ok(diffs) if diffs.is_empty() => {
                eprintln!("codegen: {} files up to date", files.len());
                ExitCode::SUCCESS
            }
            Ok(diffs) => {
                for d in &diffs {
                    println!("{d}");
                }
                eprintln!("codegen: {} generated file(s) are stale; run `cargo codegen`", diffs.len());
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("codegen: {e}");
                ExitCode::FAILURE
            }
        }
    } else {
        match codegen::write(&out_dir, &files) {
            Ok(changed) => {
                for p in &changed {
                    eprintln!("codegen: wrote {}", p.display());
                }
                eprintln!("codegen: {} files, {} changed", files.len(), changed.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("codegen: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
