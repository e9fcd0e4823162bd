//! The sandbox over plain HTTP: each test starts its own sandbox on `127.0.0.1:0` (in memory or on a temporary
//! file) and reads the answers with kuroneko-proto's answer reader and generated outcomes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "sandbox/support.rs"]
mod support;

#[path = "sandbox/setup.rs"]
mod setup;

#[path = "sandbox/credit.rs"]
mod credit;

#[path = "sandbox/cards.rs"]
mod cards;

#[path = "sandbox/shipments.rs"]
mod shipments;

#[path = "sandbox/stores.rs"]
mod stores;

#[path = "sandbox/race.rs"]
mod race;

#[path = "sandbox/durability.rs"]
mod durability;
