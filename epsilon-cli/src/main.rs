//! `epsilon`: the GMO Epsilon (イプシロン) protocol on the command line.
//!
//! Spec tables, request validation and encoding, response decoding, a local sandbox of the gateway
//! (`epsilon sandbox`) and a demo that walks the main flows against it. The exit status is a stable contract for
//! scripts: 0 ok, 1 input rejected, 2 usage error.
//!
//! The commands every gateway shares (`spec`, `validate`, `encode`, `decode`, `answer`, `notification`) are
//! `japay_cli`'s, run over Epsilon's description ([`epsilon`]); so are the machinery of `check`, `sandbox` and `demo`,
//! with Epsilon's call, sandbox and walk ([`check`], [`sandbox`], [`demo`]).
#![forbid(unsafe_code)]

mod check;
mod demo;
mod epsilon;
mod help;
mod sandbox;

use std::process::ExitCode;

fn main() -> ExitCode {
    japay_cli::main::<epsilon::Epsilon>()
}
