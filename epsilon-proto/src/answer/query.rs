//! Completion-redirect query strings, read with the answer's value rules.

use super::attribute::Attribute;
use super::error::ParseError;
use super::value::decode_percent_text;
use super::version::Version;
use crate::wire::query::{self, QueryError};

/// Decodes a completion-redirect query string (`a=1&b=%83_…`, without the leading `?`) into its attributes, in
/// order; see [`crate::answer::parse_query`].
pub(crate) fn read_query(query: &[u8], version: Version) -> Result<Vec<Attribute<'_>>, ParseError> {
    let pairs = query::pairs(query).map_err(|e| match e {
        QueryError::NonAscii { offset, .. } => ParseError::NonAscii { offset },
        QueryError::InvalidName { offset, .. } => ParseError::InvalidName { offset },
        other => ParseError::InvalidCharacter { offset: other.offset() },
    })?;
    let mut attrs = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let value = decode_percent_text(pair.name, pair.raw.into(), pair.offset, version)?;
        attrs.push(Attribute { name: pair.name, escaped: pair.raw, value });
    }
    Ok(attrs)
}
