//! Strict decoding of Epsilon's XML answers and completion-redirect query strings.
//!
//! Every order CGI answers with one XML shape: a root `Epsilon_result` holding empty
//! `result` elements, each normally carrying one attribute whose name is the field and whose
//! value is the percent-encoded field text. Decoding happens in layers, each of them strict:
//!
//! 1. **XML, read as ASCII.** The declared encoding (`x-sjis-cp932`, `ISO-8859-1`, `UTF-8`
//!    or none) is ignored: real bodies are 7-bit ASCII and the charset lives in the
//!    percent-encoding. A raw non-ASCII byte anywhere is an error (a UTF-8 byte order mark at
//!    the very start is skipped). A purpose-built scanner reads exactly the XML the gateway
//!    sends, in time linear in the body; anything else is an error.
//! 2. **XML references.** `&amp;`, `&#38;` and the like in an attribute value are replaced;
//!    they must stand for ASCII characters XML allows.
//! 3. **Percent-decoding, byte-wise and exactly once.** `%XX` (either hex case) becomes one
//!    byte, `+` becomes a space, every other byte stays as it is (raw ASCII trail bytes such
//!    as the `_` of `%83_` occur). A double-encoded value such as a 3-D Secure `pareq` keeps
//!    its inner escapes.
//! 4. **Charset.** The bytes are decoded as CP932 for [`Version::V1`] (the default) or as
//!    UTF-8 for [`Version::V2`] (the request carried `version=2`). The version is never
//!    guessed from the bytes, and an invalid byte sequence is an error naming the attribute,
//!    never a U+FFFD replacement character.
//!
//! Every attribute is kept, unknown ones included, in document order. Values borrow from the
//! input whenever no decoding step changes them. A `result` that occurs twice with different
//! values is an error; [`Answer::parse_typed`] and [`Answer::parse_query_typed`] check every
//! attribute of an operation's spec the same way.
//!
//! ```
//! use epsilon_proto::answer::{Answer, ResultState, Version};
//!
//! let body = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\n<Epsilon_result>\n  \
//!     <result err_code=\"\" />\n  <result result=\"1\" />\n</Epsilon_result>\n";
//! let answer = Answer::parse(body, Version::V1)?;
//! assert_eq!(answer.result(), ResultState::Value("1"));
//! assert_eq!(answer.get("err_code"), Some(""));
//! # Ok::<(), epsilon_proto::answer::ParseError>(())
//! ```
//!
//! The gateway-neutral layers (percent-decoding, text, query strings, the attribute multimap) are in
//! [`crate::wire`].

mod attribute;
mod conflict;
mod decoded;
mod error;
mod markup;
mod query;
mod scan;
mod value;
mod version;

#[cfg(test)]
mod tests;

pub use crate::wire::percent::PercentError;
/// # Examples
///
/// ```
/// use epsilon_proto::answer::percent_decode;
///
/// assert_eq!(&*percent_decode(b"%83_+%2b%252B")?, b"\x83_ +%2B");
/// assert_eq!(percent_decode(b"100%").unwrap_err().offset, 3);
/// # Ok::<(), epsilon_proto::answer::PercentError>(())
/// ```
pub use crate::wire::percent::percent_decode;
pub use attribute::Attribute;
pub use decoded::{Answer, ResultState, parse_query};
pub use error::ParseError;
pub use version::{CharsetError, Version, decode_text};
