//! `kuroneko`: the Yamato Kuroneko Web Collect (クロネコwebコレクト) API on the command line.
//!
//! Spec tables, request validation and encoding, answer decoding and outcomes. The exit status is a stable contract
//! for scripts: 0 ok, 1 input rejected, 2 usage error.
//!
//! The commands every gateway shares (`spec`, `validate`, `encode`, `decode`, `answer`) are `japay_cli`'s, run over
//! Kuroneko's description ([`kuroneko`]).
#![forbid(unsafe_code)]

mod help;
mod kuroneko;
mod sandbox;

use std::process::ExitCode;

fn main() -> ExitCode {
    japay_cli::main::<kuroneko::Kuroneko>()
}
