//! Fields: [`FieldSpec`], the official markers, conditions, field groups and "exactly one of" rules.

use super::ByteLimit;
use super::FieldCheck;
use super::ValueKind;
use crate::form::{AsciiSets, PaddedPrefix};

/// One request parameter.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct FieldSpec {
    /// The parameter name on the wire.
    pub wire: &'static str,
    /// The label of the official (Japanese) table. Empty without the `meta` feature.
    pub label_ja: &'static str,
    /// English meaning.
    pub meaning: &'static str,
    /// The official required marker.
    pub marker: Marker,
    /// For [`Marker::Conditional`]: when the field is required.
    pub condition: Option<Condition>,
    /// When the field must be absent: a value given while this condition holds is a `forbidden` violation (the
    /// card data of a charge of the registered card), never sent nor dropped silently.
    pub forbidden: Option<Condition>,
    /// What characters the value may contain.
    pub kind: ValueKind,
    /// The byte limit, if any.
    pub limit: Option<ByteLimit>,
    /// Extra rules on the value (lower bounds, prefix, date format, refused characters, a second limit).
    pub checks: &'static [FieldCheck],
    /// The value the encoder sends; a caller value that differs is a violation.
    pub fixed: Option<&'static str>,
    /// The only values allowed (empty: any value of the kind). Holds the fixed value, or the codes of a code table.
    pub allowed: &'static [&'static str],
    /// Card data and tokens: never shown in `Debug` or error messages.
    pub secret: bool,
    /// Where the row comes from. Empty without the `meta` feature.
    pub source: &'static str,
    /// What is not known about this field. `None` without the `meta` feature.
    pub uncertain: Option<&'static str>,
    /// The field's item number in its function's table (1-99), where the gateway numbers them: the number an error
    /// code names a field by (a function code, the item, a reason). `None` when the spec does not know it.
    pub item: Option<u8>,
    /// A value the encoder computes from other values and credentials (a checksum): the caller gives none (a
    /// caller value is a `value` violation), and the field is sent when its marker or condition says so.
    pub computed: Option<Computed>,
    /// The encoder's sets for `kind`'s ASCII mask, built with the field (used while `kind` still has that mask).
    pub(crate) ascii: AsciiSets,
    /// `&` + `wire` + `=` padded for a fixed-size copy, built with the field (from `wire` as it was then).
    pub(crate) padded: PaddedPrefix,
}

impl FieldSpec {
    /// An optional field of `kind` with no limit and no provenance.
    pub const fn new(wire: &'static str, kind: ValueKind) -> FieldSpec {
        FieldSpec {
            wire,
            label_ja: "",
            meaning: "",
            marker: Marker::Optional,
            condition: None,
            forbidden: None,
            kind,
            limit: None,
            checks: &[],
            fixed: None,
            allowed: &[],
            secret: false,
            source: "",
            uncertain: None,
            item: None,
            computed: None,
            ascii: AsciiSets::new(kind.ascii_mask()),
            padded: PaddedPrefix::new(wire),
        }
    }

    /// The same field with its label and meaning.
    #[must_use]
    pub const fn with_label(mut self, label_ja: &'static str, meaning: &'static str) -> FieldSpec {
        self.label_ja = crate::meta::text(label_ja);
        self.meaning = meaning;
        self
    }

    /// The same field with a marker.
    #[must_use]
    pub const fn with_marker(mut self, marker: Marker) -> FieldSpec {
        self.marker = marker;
        self
    }

    /// The same field with a condition.
    #[must_use]
    pub const fn with_condition(mut self, condition: Condition) -> FieldSpec {
        self.condition = Some(condition);
        self
    }

    /// The same field, forbidden (must be absent) while `condition` holds.
    #[must_use]
    pub const fn with_forbidden(mut self, condition: Condition) -> FieldSpec {
        self.forbidden = Some(condition);
        self
    }

    /// The same field with a byte limit.
    #[must_use]
    pub const fn with_limit(mut self, limit: ByteLimit) -> FieldSpec {
        self.limit = Some(limit);
        self
    }

    /// The same field with extra checks on its value.
    #[must_use]
    pub const fn with_checks(mut self, checks: &'static [FieldCheck]) -> FieldSpec {
        self.checks = checks;
        self
    }

    /// The same field with a fixed value (also the only allowed value).
    #[must_use]
    pub const fn with_fixed(mut self, fixed: &'static str, allowed: &'static [&'static str]) -> FieldSpec {
        self.fixed = Some(fixed);
        self.allowed = allowed;
        self
    }

    /// The same field with its allowed values.
    #[must_use]
    pub const fn with_allowed(mut self, allowed: &'static [&'static str]) -> FieldSpec {
        self.allowed = allowed;
        self
    }

    /// The same field, secret.
    #[must_use]
    pub const fn secret(mut self) -> FieldSpec {
        self.secret = true;
        self
    }

    /// The same field with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> FieldSpec {
        self.source = crate::meta::text(source);
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The same field with its item number (1-99) in its function's table.
    #[must_use]
    pub const fn with_item(mut self, item: u8) -> FieldSpec {
        self.item = Some(item);
        self
    }

    /// The same field, computed by the encoder.
    #[must_use]
    pub const fn with_computed(mut self, computed: Computed) -> FieldSpec {
        self.computed = Some(computed);
        self
    }

    /// The same field without an item number (an operation's use of a shared parameter that has one).
    #[must_use]
    pub const fn without_item(mut self) -> FieldSpec {
        self.item = None;
        self
    }

    /// The same field with another meaning (an operation's use of a shared parameter).
    #[must_use]
    pub const fn with_meaning(mut self, meaning: &'static str) -> FieldSpec {
        self.meaning = meaning;
        self
    }

    /// The same field with another source, its uncertainty kept (an operation's use of a shared parameter).
    #[must_use]
    pub const fn with_source_text(mut self, source: &'static str) -> FieldSpec {
        self.source = crate::meta::text(source);
        self
    }

    /// The same field with another uncertainty, its source kept.
    #[must_use]
    pub const fn with_uncertain(mut self, uncertain: Option<&'static str>) -> FieldSpec {
        self.uncertain = crate::meta::opt(uncertain);
        self
    }

    /// The same field, no longer fixed and without an allowed-value list (an operation's use of a shared parameter
    /// that the operation leaves open).
    #[must_use]
    pub const fn without_values(mut self) -> FieldSpec {
        self.fixed = None;
        self.allowed = &[];
        self
    }

    /// Whether validation must look at this field when its value is absent: it is required (always or under a
    /// condition) or fixed (the encoder sends it). Every other absent field costs nothing.
    pub const fn matters_when_absent(&self) -> bool {
        self.fixed.is_some() || self.marker.always_required() || self.condition.is_some()
    }
}

/// How the encoder computes a field's value ([`FieldSpec::computed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Computed {
    /// The lowercase hexadecimal SHA-256 (64 characters) of the concatenation of the inputs, in order.
    Sha256Hex(&'static [ComputedInput]),
}

/// One input of a [`Computed`] value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ComputedInput {
    /// The value of the operation's field at this index as the caller gave it (a fixed field: its fixed value; an
    /// absent or empty one: nothing).
    Field(usize),
    /// The value of a credential the caller gave the encoder ([`crate::Credentials`]); missing, the field is not
    /// computed: a `required` violation names the credential.
    Credential(&'static str),
}

/// The fields of `parts`, one after the other, as one table of `N` fields: how an operation's table takes a shared
/// block of fields (written once, [`FieldSpec`] constants) between its own. Evaluated at compile time in a `static`.
///
/// # Panics
/// When the parts do not hold exactly `N` fields (in a `static`, the build fails instead).
///
/// ```
/// use japay_core::spec::{FieldSpec, ValueKind, join_fields};
///
/// const BLOCK: [FieldSpec; 2] = [FieldSpec::new("b1", ValueKind::Text), FieldSpec::new("b2", ValueKind::Text)];
/// static FIELDS: [FieldSpec; 3] = join_fields(&[&[FieldSpec::new("a", ValueKind::Text)], &BLOCK]);
/// assert_eq!(FIELDS.iter().map(|f| f.wire).collect::<Vec<_>>(), ["a", "b1", "b2"]);
/// ```
#[allow(clippy::indexing_slicing)] // const evaluation: every index is checked against the lengths first
pub const fn join_fields<const N: usize>(parts: &[&[FieldSpec]]) -> [FieldSpec; N] {
    const EMPTY: FieldSpec = FieldSpec::new("", super::ValueKind::Text);
    let mut out = [EMPTY; N];
    let (mut part, mut at) = (0, 0);
    while part < parts.len() {
        let fields = parts[part];
        assert!(at + fields.len() <= N, "more fields than the table holds");
        let mut i = 0;
        while i < fields.len() {
            out[at] = fields[i];
            at += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(at == N, "fewer fields than the table holds");
    out
}

/// The official required markers (◎ ○ ● △ -).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Marker {
    /// ◎ required; the value is supplied by the gateway (e.g. the contract code).
    Supplied,
    /// ○ required; set as described.
    Required,
    /// ● required and unique per order.
    Unique,
    /// △ required only when a condition holds.
    Conditional,
    /// - optional.
    Optional,
}

impl Marker {
    /// Every marker, in the order of the official legend.
    pub const ALL: [Marker; 5] =
        [Marker::Supplied, Marker::Required, Marker::Unique, Marker::Conditional, Marker::Optional];

    /// The marker as printed in the official tables.
    pub const fn symbol(self) -> &'static str {
        match self {
            Marker::Supplied => "◎",
            Marker::Required => "○",
            Marker::Unique => "●",
            Marker::Conditional => "△",
            Marker::Optional => "-",
        }
    }

    /// The marker printed as `symbol`, if any. The spec compiler reads markers with this.
    pub fn from_symbol(symbol: &str) -> Option<Marker> {
        Marker::ALL.into_iter().find(|m| m.symbol() == symbol)
    }

    /// The Rust variant name (`Supplied`, …), as the spec compiler writes it.
    pub const fn variant(self) -> &'static str {
        match self {
            Marker::Supplied => "Supplied",
            Marker::Required => "Required",
            Marker::Unique => "Unique",
            Marker::Conditional => "Conditional",
            Marker::Optional => "Optional",
        }
    }

    /// Whether the field is always required.
    pub const fn always_required(self) -> bool {
        matches!(self, Marker::Supplied | Marker::Required | Marker::Unique)
    }
}

/// When a △ field is required.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Condition {
    /// The test on the other fields.
    pub test: ConditionTest,
    /// English description, shown in errors.
    pub description: &'static str,
}

impl Condition {
    /// A condition with its description.
    pub const fn new(test: ConditionTest, description: &'static str) -> Condition {
        Condition { test, description }
    }
}

/// The test of a [`Condition`], over field indices of the same operation.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ConditionTest {
    /// Required when any of these fields has a non-empty value.
    PresentAny(&'static [usize]),
    /// Required when none of these fields has a non-empty value.
    AbsentAll(&'static [usize]),
    /// Required when the field at `field` (a [`ValueKind::Bitmap`]) is a valid bitmap with the 1-based position
    /// `pos` set.
    BitSet {
        /// The index of the bitmap field.
        field: usize,
        /// The 1-based position.
        pos: u8,
    },
    /// Required when the field at `field` has exactly this value.
    Equals {
        /// The index of the other field.
        field: usize,
        /// The value.
        value: &'static str,
    },
    /// Required when the field at `field` has one of these values (`auth_div` 2 or 3).
    EqualsAny {
        /// The index of the other field.
        field: usize,
        /// The values.
        values: &'static [&'static str],
    },
    /// Required when something outside the request holds (how the card token was issued, the merchant's
    /// contract): the request cannot show it, so validation treats the field as optional and only the
    /// condition's description documents it.
    External,
}

/// A named block of fields required together under one condition (e.g. a consignee address block).
#[derive(Debug)]
#[non_exhaustive]
pub struct FieldGroup {
    /// The group's name.
    pub name: &'static str,
    /// The indices of its fields.
    pub fields: &'static [usize],
    /// When every field of the group is required.
    pub condition: Condition,
}

impl FieldGroup {
    /// A group.
    pub const fn new(name: &'static str, fields: &'static [usize], condition: Condition) -> FieldGroup {
        FieldGroup { name, fields, condition }
    }
}

/// "Exactly one of": alternatives (each a list of field indices) of which exactly one must be given, completely.
///
/// An alternative is *given* when any of its fields has a non-empty value. Giving none or more than one is a
/// `one_of` violation; a given alternative with a missing field is a `required` violation for that field. With a
/// [`OneOf::condition`], the rule applies only while the condition holds.
#[derive(Debug)]
#[non_exhaustive]
pub struct OneOf {
    /// The rule's name, reported as the violation's field.
    pub name: &'static str,
    /// The alternatives, as field indices.
    pub alternatives: &'static [&'static [usize]],
    /// English description of the alternatives, shown in errors (`card data or a token`).
    pub description: &'static str,
    /// When the rule applies (`None`: always).
    pub condition: Option<Condition>,
}

impl OneOf {
    /// A rule.
    pub const fn new(
        name: &'static str,
        alternatives: &'static [&'static [usize]],
        description: &'static str,
    ) -> OneOf {
        OneOf { name, alternatives, description, condition: None }
    }

    /// The same rule, applied only while `condition` holds.
    #[must_use]
    pub const fn with_condition(mut self, condition: Condition) -> OneOf {
        self.condition = Some(condition);
        self
    }
}
