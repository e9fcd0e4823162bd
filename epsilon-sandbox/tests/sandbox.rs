//! The sandbox over plain HTTP: each test starts its own sandbox on `127.0.0.1:0` (in memory or on a temporary
//! file) and decodes the answers with epsilon-proto's typed responses and outcomes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "sandbox/support.rs"]
mod support;

#[path = "sandbox/gateway.rs"]
mod gateway;

#[path = "sandbox/flows.rs"]
mod flows;

#[path = "sandbox/durability.rs"]
mod durability;

#[path = "sandbox/gmo.rs"]
mod gmo;
