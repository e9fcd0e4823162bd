//! Answers and code tables: [`ResponseSpec`], [`AttributeSpec`], [`CodeTable`], [`CodeEntry`] and [`Code`]; the
//! documented outcomes of an answer as data: [`OutcomeCase`] and [`CaseMatch`].

/// Which answers an [`OutcomeCase`] covers, by the gateway's result field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaseMatch {
    /// The result field has one of these values.
    Values(&'static [&'static str]),
    /// The answer has fields but no result field.
    ResultAbsent,
    /// The answer has no field at all (the empty answer of a lookup that found nothing).
    EmptyAnswer,
}

/// One documented outcome of an operation's answer, as the spec lists it: what tools show (`spec show`). The
/// generated `outcome()` of the operation's answer view decides between them; this is the same table as data.
#[derive(Debug)]
#[non_exhaustive]
pub struct OutcomeCase {
    /// The spec name (`authorized`).
    pub name: &'static str,
    /// The kind, one of [`crate::outcome::kind_names::ALL`] (`ok`, `failure`, …).
    pub kind: &'static str,
    /// Which answers it covers.
    pub matches: CaseMatch,
    /// Answer fields that must be present (non-empty) to pick it.
    pub present: &'static [&'static str],
    /// A value element that must equal the number of rows of a repeated group: `(element, group)`.
    pub count: Option<(&'static str, &'static str)>,
    /// A failure whose answers carry no error code: the gateway's error code field must be absent or empty.
    pub without_code: bool,
}

impl OutcomeCase {
    /// The case `name` of kind `kind` for the answers whose result field has one of `results`.
    pub const fn new(name: &'static str, kind: &'static str, results: &'static [&'static str]) -> OutcomeCase {
        OutcomeCase { name, kind, matches: CaseMatch::Values(results), present: &[], count: None, without_code: false }
    }

    /// The case `name` of kind `kind` for the answers that have fields but no result field.
    pub const fn absent(name: &'static str, kind: &'static str) -> OutcomeCase {
        OutcomeCase { name, kind, matches: CaseMatch::ResultAbsent, present: &[], count: None, without_code: false }
    }

    /// The case `name` of kind `kind` for the answer without any field.
    pub const fn empty(name: &'static str, kind: &'static str) -> OutcomeCase {
        OutcomeCase { name, kind, matches: CaseMatch::EmptyAnswer, present: &[], count: None, without_code: false }
    }

    /// The same case, picked only when these answer fields are present and non-empty.
    #[must_use]
    pub const fn with_present(mut self, present: &'static [&'static str]) -> OutcomeCase {
        self.present = present;
        self
    }

    /// The same failure case, for answers without an error code (the error code field absent or empty).
    #[must_use]
    pub const fn without_code(mut self) -> OutcomeCase {
        self.without_code = true;
        self
    }

    /// The same case, where the value element `field` must equal the number of rows of the repeated `group`.
    #[must_use]
    pub const fn with_count(mut self, field: &'static str, group: &'static str) -> OutcomeCase {
        self.count = Some((field, group));
        self
    }
}

/// The attributes (or elements) of an operation's answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseSpec {
    /// Where the list comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What an answer without any value means, when that is a documented state.
    pub empty_root: Option<&'static str>,
    /// What is not known about the answer as a whole. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
    /// The known attributes (the parser keeps unknown ones too).
    pub attributes: &'static [AttributeSpec],
    /// The known groups of child elements (repeated rows such as a list of transactions).
    pub groups: &'static [GroupSpec],
}

impl ResponseSpec {
    /// An answer with these attributes.
    pub const fn new(source: &'static str, attributes: &'static [AttributeSpec]) -> ResponseSpec {
        ResponseSpec { source: crate::meta::text(source), empty_root: None, uncertain: None, attributes, groups: &[] }
    }

    /// The same answer where an empty root means `meaning`.
    #[must_use]
    pub const fn with_empty_root(mut self, meaning: &'static str) -> ResponseSpec {
        self.empty_root = Some(meaning);
        self
    }

    /// The same answer with what is not known about it; `""` (what [`meta!`](macro@crate::meta) leaves without the `meta`
    /// feature) is nothing.
    #[must_use]
    pub const fn with_uncertain(mut self, uncertain: &'static str) -> ResponseSpec {
        self.uncertain = if uncertain.is_empty() { None } else { crate::meta::opt(Some(uncertain)) };
        self
    }

    /// The same answer with its groups of child elements.
    #[must_use]
    pub const fn with_groups(mut self, groups: &'static [GroupSpec]) -> ResponseSpec {
        self.groups = groups;
        self
    }

    /// The group with this name.
    pub fn group(&self, name: &str) -> Option<&'static GroupSpec> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The attribute with this name.
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// A group element of an answer whose children are value elements (e.g. one row of a list).
#[derive(Debug)]
#[non_exhaustive]
pub struct GroupSpec {
    /// The element name.
    pub name: &'static str,
    /// English meaning.
    pub meaning: &'static str,
    /// Whether the group may occur more than once (a list of rows).
    pub repeated: bool,
    /// The known child elements (the reader keeps unknown ones too).
    pub elements: &'static [AttributeSpec],
    /// Where it comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about it. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
}

impl GroupSpec {
    /// A group that occurs at most once, with these child elements.
    pub const fn new(name: &'static str, meaning: &'static str, elements: &'static [AttributeSpec]) -> GroupSpec {
        GroupSpec { name, meaning, repeated: false, elements, source: "", uncertain: None }
    }

    /// The same group, repeated.
    #[must_use]
    pub const fn repeated(mut self) -> GroupSpec {
        self.repeated = true;
        self
    }

    /// The same group with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> GroupSpec {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The same, with its source (and nothing uncertain).
    #[must_use]
    pub const fn with_source_text(mut self, source: &'static str) -> GroupSpec {
        self.source = crate::meta::text(source);
        self
    }

    /// The child element with this name.
    pub fn element(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.elements.iter().find(|a| a.name == name)
    }
}

/// One known response attribute.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttributeSpec {
    /// The attribute name.
    pub name: &'static str,
    /// English meaning.
    pub meaning: &'static str,
    /// The code table its values come from.
    pub table: Option<&'static CodeTable>,
    /// Never shown in `Debug` output.
    pub secret: bool,
    /// Where it comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about it. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
}

impl AttributeSpec {
    /// An attribute with its meaning.
    pub const fn new(name: &'static str, meaning: &'static str) -> AttributeSpec {
        AttributeSpec { name, meaning, table: None, secret: false, source: "", uncertain: None }
    }

    /// The same attribute, its values from `table`.
    #[must_use]
    pub const fn with_table(mut self, table: &'static CodeTable) -> AttributeSpec {
        self.table = Some(table);
        self
    }

    /// The same attribute, secret.
    #[must_use]
    pub const fn secret(mut self) -> AttributeSpec {
        self.secret = true;
        self
    }

    /// The same attribute with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> AttributeSpec {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The same, with its source (and nothing uncertain).
    #[must_use]
    pub const fn with_source_text(mut self, source: &'static str) -> AttributeSpec {
        self.source = crate::meta::text(source);
        self
    }
}

/// A code table (`result`, an error-code table, …).
#[derive(Debug)]
#[non_exhaustive]
pub struct CodeTable {
    /// Table name (the spec file name).
    pub name: &'static str,
    /// English meaning.
    pub meaning: &'static str,
    /// Where it comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about the table as a whole. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
    /// The rows.
    pub entries: &'static [CodeEntry],
}

impl CodeTable {
    /// A table with its rows.
    pub const fn new(name: &'static str, meaning: &'static str, entries: &'static [CodeEntry]) -> CodeTable {
        CodeTable { name, meaning, source: "", uncertain: None, entries }
    }

    /// The same table with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> CodeTable {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The row for an exact wire value.
    pub fn lookup(&'static self, code: &str) -> Option<&'static CodeEntry> {
        self.entries.iter().find(|e| e.code == code)
    }
}

/// With the `serde` feature a code serializes as `{"code": value, "ja": …, "en": …, "remediation": …}`: the table
/// row's texts, each `null` when the table does not know the code (and `remediation` also when the row has none). The
/// row's provenance is not part of it.
#[cfg(feature = "serde")]
impl serde::Serialize for Code<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Code", 4)?;
        s.serialize_field("code", self.value)?;
        s.serialize_field("ja", &self.entry.map(|e| e.ja))?;
        s.serialize_field("en", &self.entry.map(|e| e.en))?;
        s.serialize_field("remediation", &self.entry.and_then(|e| e.remediation))?;
        s.end()
    }
}

/// One row of a code table.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeEntry {
    /// The exact wire value (`""` is a value too).
    pub code: &'static str,
    /// Japanese text.
    pub ja: &'static str,
    /// English text.
    pub en: &'static str,
    /// What to do about it (FAQ), for error codes.
    pub remediation: Option<&'static str>,
    /// Where it comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about it. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
}

impl CodeEntry {
    /// A row.
    pub const fn new(code: &'static str, ja: &'static str, en: &'static str) -> CodeEntry {
        CodeEntry { code, ja, en, remediation: None, source: "", uncertain: None }
    }

    /// The same row with a remediation.
    #[must_use]
    pub const fn with_remediation(mut self, remediation: &'static str) -> CodeEntry {
        self.remediation = Some(remediation);
        self
    }

    /// The same row with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> CodeEntry {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The same, with its source (and nothing uncertain).
    #[must_use]
    pub const fn with_source_text(mut self, source: &'static str) -> CodeEntry {
        self.source = crate::meta::text(source);
        self
    }
}

/// A code value seen on the wire, with its table row when the table knows it.
///
/// Read the value with [`Code::value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code<'a> {
    /// The value as decoded.
    value: &'a str,
    /// The table row, `None` for a code the spec does not list.
    pub entry: Option<&'static CodeEntry>,
}

impl<'a> Code<'a> {
    /// Looks the decoded `value` up in `table`.
    pub fn new(value: &'a str, table: &'static CodeTable) -> Code<'a> {
        Code { value, entry: table.lookup(value) }
    }

    /// The value as decoded.
    pub fn value(&self) -> &'a str {
        self.value
    }
}
