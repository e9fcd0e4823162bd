//! Query strings (`a=1&b=%83_…`, without the leading `?`) split into ordered `name=value` pairs.

use std::fmt;

/// One `name=value` pair of a query string, borrowed from it; the value is still percent-encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pair<'a> {
    /// The name, as it stood.
    pub name: &'a str,
    /// The raw value, as it stood (empty for a pair without `=`).
    pub raw: &'a str,
    /// Byte offset of the raw value in the query string.
    pub offset: usize,
}

/// Splits a query string into its pairs, in order, duplicates included.
///
/// Empty pairs (`a=1&&b=2`, a trailing `&`) are skipped; a pair without `=` has an empty value; a value may contain
/// `=`. Names must be non-empty and made of ASCII letters, digits, `_`, `-` and `.`. An empty query has no pairs.
///
/// # Errors
///
/// Returns a [`QueryError`] when the query contains a byte that is not 7-bit ASCII, a control character or a space,
/// or a name that is empty or has other characters.
pub fn pairs(query: &[u8]) -> Result<Vec<Pair<'_>>, QueryError> {
    if let Some(offset) = query.iter().position(|b| !b.is_ascii()) {
        return Err(QueryError::NonAscii { offset });
    }
    if let Some(offset) = query.iter().position(|&b| b.is_ascii_control() || b == b' ') {
        return Err(QueryError::InvalidCharacter { offset });
    }
    let text = std::str::from_utf8(query).map_err(|e| QueryError::NonAscii { offset: e.valid_up_to() })?;
    let mut out = Vec::new();
    let mut start = 0usize;
    for pair in text.split('&') {
        let pair_offset = start;
        start = start.saturating_add(pair.len()).saturating_add(1);
        if pair.is_empty() {
            continue;
        }
        // a pair without `=` has an empty value at the end of its name (never past the end of the query)
        let (name, raw, equals) = match pair.split_once('=') {
            Some((name, raw)) => (name, raw, 1),
            None => (pair, "", 0),
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) {
            return Err(QueryError::InvalidName { offset: pair_offset });
        }
        out.push(Pair { name, raw, offset: pair_offset.saturating_add(name.len()).saturating_add(equals) });
    }
    Ok(out)
}

/// Why a query string could not be split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryError {
    /// A byte that is not 7-bit ASCII.
    #[non_exhaustive]
    NonAscii {
        /// Byte offset in the query string.
        offset: usize,
    },
    /// A control character or a space.
    #[non_exhaustive]
    InvalidCharacter {
        /// Byte offset in the query string.
        offset: usize,
    },
    /// A name that is empty or has characters other than ASCII letters, digits, `_`, `-` and `.`.
    #[non_exhaustive]
    InvalidName {
        /// Byte offset of the pair in the query string.
        offset: usize,
    },
}

impl QueryError {
    /// The byte offset the error refers to.
    pub fn offset(&self) -> usize {
        match self {
            QueryError::NonAscii { offset }
            | QueryError::InvalidCharacter { offset }
            | QueryError::InvalidName { offset } => *offset,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::NonAscii { offset } => {
                write!(f, "expected 7-bit ascii, found a non-ascii byte at offset {offset}")
            }
            QueryError::InvalidCharacter { offset } => {
                write!(f, "expected printable ascii, found a control character or space at offset {offset}")
            }
            QueryError::InvalidName { offset } => write!(
                f,
                "expected a non-empty parameter name of ascii letters, digits, `_`, `-` or `.` at offset {offset}"
            ),
        }
    }
}

impl std::error::Error for QueryError {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_order_offsets_and_duplicates() {
        let got = pairs(b"a=1&&b&c=x=y&a=2&").unwrap();
        let names: Vec<_> = got.iter().map(|p| (p.name, p.raw, p.offset)).collect();
        assert_eq!(names, [("a", "1", 2), ("b", "", 6), ("c", "x=y", 9), ("a", "2", 15)]);
        assert!(pairs(b"").unwrap().is_empty());
        // a pair without `=` at the end: its empty value is at the end of the query, not past it (a fuzz regression
        // of a notification decoder: pair_without_equals_at_the_end)
        let tail: Vec<_> = pairs(b"tt").unwrap().iter().map(|p| (p.name, p.raw, p.offset)).collect();
        assert_eq!(tail, [("tt", "", 2)]);
    }

    #[test]
    fn bad_bytes_and_names_are_errors() {
        assert_eq!(pairs(b"a=\xE3").unwrap_err(), QueryError::NonAscii { offset: 2 });
        assert_eq!(pairs(b"a=1 2").unwrap_err(), QueryError::InvalidCharacter { offset: 3 });
        assert_eq!(pairs(b"a=1&?b=2").unwrap_err(), QueryError::InvalidName { offset: 4 });
        assert!(QueryError::InvalidName { offset: 0 }.to_string().starts_with("expected"));
    }
}
