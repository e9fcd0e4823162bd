//! The ordered attribute multimap: lookups over attributes kept in document order (duplicates included), the
//! detection of conflicting duplicates, and `Debug` output that hides secret values.
//!
//! The functions work on any slice of [`Entry`] values, so a gateway keeps its own attribute type (with its own
//! secret names) and shares the rules.

use std::fmt;

/// What `Debug` prints instead of a secret value.
pub const REDACTED: &str = "<redacted>";

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

/// The conflict whose second entry comes first, among the names for which `watched` is true.
///
/// `watched` is called at most once per distinct repeated name. Runs in O(n log n) comparisons of names (a sort of
/// the positions), whatever the names; no hashing, so no input can make it slow.
pub fn first_conflict<E: Entry>(entries: &[E], mut watched: impl FnMut(&str) -> bool) -> Option<Conflict> {
    if entries.len() < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..entries.len()).collect();
    let name = |i: usize| entries.get(i).map_or("", Entry::name);
    let value = |i: usize| entries.get(i).map_or("", Entry::value);
    order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)).then(a.cmp(&b)));
    let mut best: Option<Conflict> = None;
    let mut rest = order.as_slice();
    while let Some((&head, tail)) = rest.split_first() {
        let len = tail.iter().take_while(|&&i| name(i) == name(head)).count();
        let (group, after) = tail.split_at(len);
        rest = after;
        if group.is_empty() || !watched(name(head)) {
            continue;
        }
        if let Some(&second) = group.iter().find(|&&i| value(i) != value(head))
            && best.is_none_or(|b| second < b.second)
        {
            best = Some(Conflict { first: head, second });
        }
    }
    best
}

/// Whether `name` is one of `secrets`, ignoring ASCII case.
pub fn is_secret_name(secrets: &[&str], name: &str) -> bool {
    secrets.iter().any(|secret| secret.eq_ignore_ascii_case(name))
}

/// `Debug` for one entry as `Attribute { name, raw, value }`, showing [`REDACTED`] instead of the raw and decoded
/// value when the name is one of the secrets.
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

/// `Debug` for a multimap as `TITLE {name: value, …}`, showing [`REDACTED`] instead of the values of secrets.
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
#[allow(clippy::unwrap_used)]
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
        assert_eq!(first_conflict(&entries, |_| true), Some(Conflict { first: 1, second: 4 }));
        assert_eq!(first_conflict(&entries, |n| n != "a"), Some(Conflict { first: 3, second: 5 }));
        assert_eq!(first_conflict(&entries, |n| n == "b"), Some(Conflict { first: 0, second: 6 }));
        assert_eq!(first_conflict(&entries, |n| n == "z"), None);
        assert_eq!(first_conflict_of(&entries, "b"), Some(Conflict { first: 0, second: 6 }));
        assert_eq!(first_conflict_of(&entries[..3], "b"), None);
        assert_eq!(first_conflict_of(&entries, "z"), None);
        let mut calls = Vec::new();
        let _ = first_conflict(&entries, |n| {
            calls.push(n.to_owned());
            false
        });
        assert_eq!(calls, ["a", "b", "c"], "one call per repeated name");
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
    }
}
