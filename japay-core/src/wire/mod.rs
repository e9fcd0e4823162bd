//! Gateway-neutral building blocks for reading what a payment gateway sends back: percent-decoding, strict text
//! decoding, query strings, the ordered attribute multimap with its redacting `Debug`, and the XML rules the answer
//! readers share (byte order mark, white space, references, names in errors).
//!
//! Nothing here knows a gateway: names, roots and code tables belong to the gateway's own modules, which call these
//! functions and map their errors. Every function is linear in its input, never panics, and never replaces or
//! guesses anything: an invalid escape or byte sequence is an error with its offset.

pub mod multimap;
pub mod percent;
pub mod query;
pub mod text;
pub mod xml;
