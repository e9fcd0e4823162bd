//! The parts of a read answer: value [`Element`]s, the [`Block`] multimap that holds them, and [`Group`]s.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use japay_core::secret::REDACTED;
use japay_core::wire::xml::name_for_error;

use super::error::AnswerError;

/// One value element: `<name>value</name>`.
///
/// `Debug` shows `"<redacted>"` instead of the value when the name is secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// The element name, as it stood in the body.
    pub name: &'a str,
    /// The text: references resolved, line ends normalized; borrowed from the body when nothing changed it.
    pub value: Cow<'a, str>,
    /// Byte offset of the element's start tag in the body.
    pub offset: usize,
    /// Whether the name is secret (decided when the answer was read).
    secret: bool,
}

impl<'a> Element<'a> {
    /// An element read from the body; `secret` says whether `name` is a secret name.
    pub(super) fn new(name: &'a str, value: Cow<'a, str>, offset: usize, secret: bool) -> Self {
        Element { name, value, offset, secret }
    }

    /// Whether the value must never be shown (the name is a secret name).
    pub fn is_secret(&self) -> bool {
        self.secret
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &str = if self.secret { REDACTED } else { &self.value };
        f.debug_struct("Element")
            .field("name", &self.name)
            .field("value", &value)
            .field("offset", &self.offset)
            .finish()
    }
}

/// The value elements of one block (the root, or one occurrence of a group), in document order: a multimap.
///
/// A name occurs more than once only with the same value (a conflicting repetition is an error when reading).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Block<'a> {
    elements: Vec<Element<'a>>,
    /// The index of the first element of each name, once the block has more than [`SMALL_BLOCK`] elements (a
    /// linear scan finds names in smaller blocks, which saves a map per `resultData` row).
    index: Option<HashMap<&'a str, usize>>,
}

/// Blocks up to this many elements are searched without an index.
const SMALL_BLOCK: usize = 16;

impl<'a> Block<'a> {
    /// The value of the first element called `name`; `Some("")` for an empty element, `None` when there is none.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.element(name).map(|e| e.value.as_ref())
    }

    /// The first element called `name`.
    pub fn element(&self, name: &str) -> Option<&Element<'a>> {
        self.first_index(name).and_then(|i| self.elements.get(i))
    }

    /// Whether an element called `name` is present (empty or not).
    pub fn contains(&self, name: &str) -> bool {
        self.first_index(name).is_some()
    }

    /// The values of every element called `name`, in document order.
    pub fn get_all<'r>(&'r self, name: &'r str) -> impl Iterator<Item = &'r str> + 'r {
        self.elements.iter().filter(move |e| e.name == name).map(|e| e.value.as_ref())
    }

    /// Every element, in document order (repetitions included).
    pub fn elements(&self) -> &[Element<'a>] {
        &self.elements
    }

    /// Iterates over every element, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, Element<'a>> {
        self.elements.iter()
    }

    /// The number of elements (repetitions counted).
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Whether the block holds no element.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Adds an element; a repetition with a different value is an error.
    pub(super) fn insert(&mut self, element: Element<'a>) -> Result<(), AnswerError> {
        if let Some(first) = self.first_index(element.name).and_then(|i| self.elements.get(i)) {
            if first.value != element.value {
                return Err(AnswerError::ConflictingDuplicate {
                    element: name_for_error(element.name.as_bytes()),
                    offset: element.offset,
                    first_offset: first.offset,
                });
            }
        } else if let Some(index) = &mut self.index {
            index.insert(element.name, self.elements.len());
        }
        self.elements.push(element);
        if self.index.is_none() && self.elements.len() > SMALL_BLOCK {
            let mut index = HashMap::with_capacity(self.elements.len() * 2);
            for (i, e) in self.elements.iter().enumerate() {
                index.entry(e.name).or_insert(i);
            }
            self.index = Some(index);
        }
        Ok(())
    }

    /// The index of the first element called `name`.
    fn first_index(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.elements.iter().position(|e| e.name == name),
        }
    }
}

impl fmt::Debug for Block<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.elements.iter().map(|e| {
                let value: &str = if e.secret { REDACTED } else { &e.value };
                (e.name, value)
            }))
            .finish()
    }
}

impl<'r, 'a> IntoIterator for &'r Block<'a> {
    type Item = &'r Element<'a>;
    type IntoIter = std::slice::Iter<'r, Element<'a>>;

    fn into_iter(self) -> Self::IntoIter {
        self.elements.iter()
    }
}

/// One occurrence of a group element (e.g. one `resultData` row).
#[derive(Clone, PartialEq, Eq)]
pub struct Group<'a> {
    /// The group element's name.
    pub name: &'a str,
    /// Byte offset of its start tag in the body.
    pub offset: usize,
    /// Its value elements.
    pub block: Block<'a>,
}

impl fmt::Debug for Group<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("name", &self.name)
            .field("offset", &self.offset)
            .field("block", &self.block)
            .finish()
    }
}
