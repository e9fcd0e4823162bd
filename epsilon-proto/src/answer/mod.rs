//! Epsilon's answers: the `<Epsilon_result>` reader, [`Version`], the decoded [`Response`] with its typed-view
//! helpers, and [`ParseError`]. Public items are re-exported by [`crate::response`]; the gateway-neutral layers
//! (percent-decoding, text, query strings, the multimap, the XML pieces both readers share) are in [`crate::wire`].

mod attribute;
mod conflict;
mod error;
mod markup;
mod query;
mod response;
mod scan;
mod value;
mod version;

#[cfg(test)]
mod tests;

pub use attribute::Attribute;
pub use error::ParseError;
pub use response::{Response, ResultState, parse_query};
pub use version::{CharsetError, Version, decode_text};
