//! Failing closed on conflicting duplicates: an attribute that must have one value (`result` always; for the typed
//! readers also every attribute of the operation's spec, `err_code`, `trans_code` and `state`) may repeat only with
//! the same decoded value. `<result result="1"/><result result="0"/>` is neither success nor failure: an error.

use super::attribute::Attribute;
use super::error::ParseError;
use crate::wire::multimap::{self, Conflict, NameIndex};
use crate::wire::xml::name_for_error;

/// The names the typed readers always check, whatever the spec lists.
const ALWAYS: [&str; 4] = ["result", "err_code", "trans_code", "state"];

/// Checks that every `result` attribute of `attrs` (read from `input`) has the same decoded value.
///
/// # Errors
///
/// [`ParseError::ConflictingValues`] for the first `result` whose value differs from the first one's.
pub(crate) fn check_result(input: &[u8], attrs: &[Attribute<'_>]) -> Result<(), ParseError> {
    match multimap::first_conflict_of(attrs, "result") {
        None => Ok(()),
        Some(conflict) => Err(error(input, attrs, conflict)),
    }
}

/// Checks that every attribute of `attrs` (read from `input`) named in `names` or [`ALWAYS`] has one decoded value,
/// in time linear in the attributes and the names.
///
/// # Errors
///
/// [`ParseError::ConflictingValues`] for the first attribute whose value differs from the first one of its name.
pub(crate) fn check_names<'n>(
    input: &[u8],
    attrs: &[Attribute<'_>],
    names: impl IntoIterator<Item = &'n &'static str>,
) -> Result<(), ParseError> {
    let watched = NameIndex::new(ALWAYS.iter().chain(names));
    match multimap::first_conflict(attrs, &watched) {
        None => Ok(()),
        Some(conflict) => Err(error(input, attrs, conflict)),
    }
}

/// The error for a conflict among `attrs`, with the offsets of both raw values in `input`.
fn error(input: &[u8], attrs: &[Attribute<'_>], conflict: Conflict) -> ParseError {
    let raw_offset = |i: usize| attrs.get(i).map_or(0, |a| offset_in(input, a.escaped().as_bytes()));
    ParseError::ConflictingValues {
        attribute: name_for_error(attrs.get(conflict.second).map_or("", |a| a.name).as_bytes()),
        offset: raw_offset(conflict.second),
        first_offset: raw_offset(conflict.first),
    }
}

/// The offset of `inner` (a sub-slice of `outer`) in `outer`; 0 if it is not one.
fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    let from = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    if from.checked_add(inner.len()).is_some_and(|end| end <= outer.len()) { from } else { 0 }
}
