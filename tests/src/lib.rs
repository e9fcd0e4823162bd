//! Cross-crate tests of the Epsilon workspace, in one test binary (`cargo test -p epsilon-tests`), plus the fuzz
//! target bodies (`pub mod fuzz`), which `fuzz/` calls and the `corpus` tests replay over the checked-in corpus.
#![deny(unsafe_code)]

pub mod fuzz;
pub mod fuzz_error_layout;
pub mod fuzz_kuroneko_notification;
pub mod fuzz_kuroneko_request;
pub mod fuzz_lifecycle;
pub mod fuzz_notification;
pub mod fuzz_request_body;
pub mod oracle;

#[cfg(test)]
mod alloc;
#[cfg(test)]
mod card_ops;
#[cfg(test)]
mod charsets;
#[cfg(test)]
mod corpus;
#[cfg(test)]
mod kuroneko_link;
#[cfg(test)]
mod layout;
#[cfg(test)]
mod lifecycle;
#[cfg(test)]
mod linear;
#[cfg(test)]
mod mgmt_ops;
#[cfg(test)]
mod notifications;
#[cfg(test)]
mod outcomes;
#[cfg(test)]
mod props;
#[cfg(test)]
mod recorded;
#[cfg(test)]
mod recorded_outcomes;
#[cfg(test)]
mod reports;
#[cfg(test)]
mod secrets;
#[cfg(test)]
mod text_rules;
#[cfg(test)]
mod transport;
