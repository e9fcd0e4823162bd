//! The ordered attribute multimap: lookups over attributes kept in document order (duplicates included), the
//! detection of conflicting duplicates, and `Debug` output that hides secret values.
//!
//! The functions work on any slice of [`Entry`] values, so a gateway keeps its own attribute type (with its own
//! secret names) and shares the rules.

use std::fmt;

pub use crate::secret::REDACTED;

/// One named value of a multimap.
pub trait Entry {
    /// The name, as it stood in the input.
    fn name(&self) -> &str;
    /// The value as it stood in the input, before any decoding.
    fn raw(&self) -> &str;
    /// The decoded value.
    fn value(&self) -> &str;
}

/// The first entry called `name`.
pub fn first<'s, E: Entry>(entries: &'s [E], name: &str) -> Option<&'s E> {
    entries.iter().find(|e| e.name() == name)
}

/// Every entry called `name`, in order.
pub fn all<'s, E: Entry>(entries: &'s [E], name: &'s str) -> impl Iterator<Item = &'s E> + 's {
    entries.iter().filter(move |e| e.name() == name)
}

/// Two entries with the same name and different decoded values, by position in the slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Conflict {
    /// The position of the first entry with the name.
    pub first: usize,
    /// The position of the first later entry whose value differs from the first one's.
    pub second: usize,
}

/// The first conflict among the entries called `name`, in one pass.
pub fn first_conflict_of<E: Entry>(entries: &[E], name: &str) -> Option<Conflict> {
    let mut named = entries.iter().enumerate().filter(|(_, e)| e.name() == name);
    let (first, head) = named.next()?;
    named.find(|(_, e)| e.value() != head.value()).map(|(second, _)| Conflict { first, second })
}

/// A set of names mapped to their first position in the list it was built from, for lookups that take time
/// linear in the looked-up name whatever the name: an open-addressing table over a fixed list (the names of a spec,
/// never the input), so no input can make the probing long.
#[derive(Clone, Debug)]
pub struct NameIndex {
    /// The distinct names, in the order first seen.
    names: Vec<&'static str>,
    /// Positions in `names` plus one, 0 for an empty slot; the length is a power of two at least twice the names.
    slots: Vec<u32>,
}

impl NameIndex {
    /// Indexes the names (duplicates collapse to their first position).
    pub fn new<'n>(names: impl IntoIterator<Item = &'n &'static str>) -> NameIndex {
        let names: Vec<&'static str> = names.into_iter().copied().collect();
        let size = names.len().saturating_mul(2).max(8).next_power_of_two();
        let mut index = NameIndex { names: Vec::with_capacity(names.len()), slots: vec![0; size] };
        for name in names {
            let mut slot = index.slot_of(name);
            loop {
                match index.slots.get(slot).copied() {
                    Some(0) => {
                        index.names.push(name);
                        let position = u32::try_from(index.names.len()).unwrap_or(u32::MAX);
                        if let Some(s) = index.slots.get_mut(slot) {
                            *s = position;
                        }
                        break;
                    }
                    Some(p) if index.name_at(p) == Some(name) => break,
                    _ => slot = (slot + 1) & (index.slots.len() - 1),
                }
            }
        }
        index
    }

    /// The number of distinct names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there is no name.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The position of `name`, if it is one of the names.
    pub fn get(&self, name: &str) -> Option<usize> {
        let mut slot = self.slot_of(name);
        // at most every slot once; the table is never full
        for _ in 0..self.slots.len() {
            let p = *self.slots.get(slot)?;
            if p == 0 {
                return None;
            }
            if self.name_at(p) == Some(name) {
                return usize::try_from(p - 1).ok();
            }
            slot = (slot + 1) & (self.slots.len() - 1);
        }
        None
    }

    /// The name stored as slot value `p` (a position plus one).
    fn name_at(&self, p: u32) -> Option<&'static str> {
        self.names.get(usize::try_from(p.checked_sub(1)?).ok()?).copied()
    }

    /// The first slot to probe for `name` (FNV-1a).
    fn slot_of(&self, name: &str) -> usize {
        let hash =
            name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        // the table length is a power of two, so the mask keeps the low bits
        (hash as usize) & (self.slots.len() - 1)
    }
}

/// The first conflict (by the position of its second entry) among the entries whose names are in `watched`, in one
/// pass: each entry's name is looked up once, and compared with the first value of that name.
pub fn first_conflict<E: Entry>(entries: &[E], watched: &NameIndex) -> Option<Conflict> {
    let mut firsts: Vec<Option<usize>> = vec![None; watched.len()];
    for (i, entry) in entries.iter().enumerate() {
        let Some(slot) = watched.get(entry.name()).and_then(|k| firsts.get_mut(k)) else {
            continue;
        };
        match *slot {
            None => *slot = Some(i),
            Some(first) => {
                if entries.get(first).is_some_and(|f| f.value() != entry.value()) {
                    return Some(Conflict { first, second: i });
                }
            }
        }
    }
    None
}

pub use crate::secret::is_secret_name;

/// `Debug` for one entry as `Attribute { name, raw, value }`, showing [`REDACTED`] instead of the raw and decoded
/// value when the name is one of the secrets ([`is_secret_name`]: ASCII case and `_` ignored).
pub struct RedactedEntry<'r, E>(pub &'r E, pub &'r [&'r str]);

impl<E: Entry> fmt::Debug for RedactedEntry<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RedactedEntry(entry, secrets) = *self;
        let mut s = f.debug_struct("Attribute");
        s.field("name", &entry.name());
        if is_secret_name(secrets, entry.name()) {
            s.field("raw", &REDACTED).field("value", &REDACTED);
        } else {
            s.field("raw", &entry.raw()).field("value", &entry.value());
        }
        s.finish()
    }
}

/// `Debug` for a multimap as `TITLE {name: value, …}`, showing [`REDACTED`] instead of the values of secrets
/// ([`is_secret_name`]: ASCII case and `_` ignored).
pub struct RedactedEntries<'r, E>(pub &'r str, pub &'r [E], pub &'r [&'r str]);

impl<E: Entry> fmt::Debug for RedactedEntries<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RedactedEntries(title, entries, secrets) = *self;
        f.write_str(title)?;
        f.write_str(" ")?;
        f.debug_map()
            .entries(entries.iter().map(|e| {
                let value: &str = if is_secret_name(secrets, e.name()) { REDACTED } else { e.value() };
                (e.name(), value)
            }))
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    struct E(&'static str, &'static str);

    impl Entry for E {
        fn name(&self) -> &str {
            self.0
        }
        fn raw(&self) -> &str {
            self.1
        }
        fn value(&self) -> &str {
            self.1
        }
    }

    #[test]
    fn conflicts_are_found_in_document_order_among_watched_names() {
        let entries = [E("b", "1"), E("a", "1"), E("b", "1"), E("c", "x"), E("a", "2"), E("c", "y"), E("b", "3")];
        let index = |names: &[&'static str]| NameIndex::new(names);
        assert_eq!(first_conflict(&entries, &index(&["a", "b", "c"])), Some(Conflict { first: 1, second: 4 }));
        assert_eq!(first_conflict(&entries, &index(&["b", "c"])), Some(Conflict { first: 3, second: 5 }));
        assert_eq!(first_conflict(&entries, &index(&["b"])), Some(Conflict { first: 0, second: 6 }));
        assert_eq!(first_conflict(&entries, &index(&["z"])), None);
        assert_eq!(first_conflict(&entries, &index(&[])), None);
        assert_eq!(first_conflict_of(&entries, "b"), Some(Conflict { first: 0, second: 6 }));
        assert_eq!(first_conflict_of(&entries[..3], "b"), None);
        assert_eq!(first_conflict_of(&entries, "z"), None);
    }

    #[test]
    fn the_name_index_finds_every_name_and_nothing_else() {
        let names: Vec<&'static str> = (0..200).map(|i| &*format!("name_{i}").leak()).collect();
        let index = NameIndex::new(names.iter().chain(&names[..10]));
        assert_eq!(index.len(), 200);
        for (i, name) in names.iter().enumerate() {
            assert_eq!(index.get(name), Some(i), "{name}");
            assert_eq!(index.get(&format!("{name}x")), None);
        }
        assert_eq!(index.get(""), None);
        assert!(NameIndex::new(&[]).is_empty());
    }

    #[test]
    fn lookups_and_redaction() {
        let entries = [E("pareq", "s3cr3t"), E("a", "1"), E("a", "2")];
        assert_eq!(first(&entries, "a").map(|e| e.1), Some("1"));
        assert_eq!(all(&entries, "a").count(), 2);
        let text = format!("{:?}", RedactedEntries("Response", &entries, &["PAReq"]));
        assert_eq!(text, "Response {\"pareq\": \"<redacted>\", \"a\": \"1\", \"a\": \"2\"}");
        let one = format!("{:#?}", RedactedEntry(&entries[0], &["pareq"]));
        assert!(!one.contains("s3cr3t") && one.contains("pareq"), "{one}");
        let folded = format!("{:?}", RedactedEntries("Response", &entries, &["PA_REQ"]));
        assert!(!folded.contains("s3cr3t"), "{folded}");
    }
}
