//! `kuroneko`: the Yamato Kuroneko Web Collect (クロネコwebコレクト) API on the command line.
//!
//! Spec tables, request validation and encoding, answer decoding and outcomes. The exit status is a stable contract
//! for scripts: 0 ok, 1 input rejected, 2 usage error.
//!
//! The commands every gateway shares (`spec`, `validate`, `encode`, `decode`, `answer`, `notification`) are
//! `japay_cli`'s, run over Kuroneko's description ([`kuroneko`]); so are the machinery of `check`, `sandbox` and
//! `demo`, with Kuroneko's call, sandbox and walk ([`check`], [`sandbox`], [`demo`]).
#![forbid(unsafe_code)]

mod check;
mod demo;
mod help;
mod kuroneko;
mod sandbox;

use std::process::ExitCode;

fn main() -> ExitCode {
    japay_cli::main::<kuroneko::Kuroneko>()
}
