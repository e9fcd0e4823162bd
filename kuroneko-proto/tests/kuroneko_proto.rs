//! kuroneko-proto's one test binary: each module is a table of one concern.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

mod ops;
