//! A local GMO Epsilon test environment (being built: issue 7).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod answer;
