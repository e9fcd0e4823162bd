//! The spec as data: the types a gateway crate's generated code fills in from its `spec/<gateway>/*.yaml`.
//!
//! Every table here is a `static` written by `cargo codegen`; the runtime ([`crate::request`]) walks them. Nothing in
//! this module is computed at run time. The types are `#[non_exhaustive]`, so another crate builds them with the
//! `const fn` constructors and `with_*` setters, which the generated code calls in `static` initializers.

use core::fmt;

use crate::charset::TextPolicy;

/// A gateway: what every operation of it shares (its text policy, its secret names).
#[derive(Debug)]
#[non_exhaustive]
pub struct GatewaySpec {
    /// Gateway id, e.g. the name of its `spec/<gateway>/` folder.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// How text values are checked and counted.
    pub text: TextPolicy,
    /// Parameter and attribute names whose values are never shown in `Debug` output or errors.
    pub secret_names: &'static [&'static str],
    /// Where the gateway facts come from.
    pub source: &'static str,
}

impl GatewaySpec {
    /// A gateway with a text policy and no secret names.
    pub const fn new(name: &'static str, title: &'static str, text: TextPolicy) -> GatewaySpec {
        GatewaySpec { name, title, text, secret_names: &[], source: "" }
    }

    /// The same gateway with these secret names.
    #[must_use]
    pub const fn with_secret_names(mut self, names: &'static [&'static str]) -> GatewaySpec {
        self.secret_names = names;
        self
    }

    /// The same gateway with a source.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str) -> GatewaySpec {
        self.source = source;
        self
    }

    /// Whether values of `name` are secret.
    pub fn is_secret(&self, name: &str) -> bool {
        self.secret_names.contains(&name)
    }
}

/// One operation: a request the merchant sends to an endpoint (or, for [`Direction::Incoming`], a message the
/// gateway sends to the merchant).
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationSpec {
    /// Operation id, e.g. `user_register`.
    pub name: &'static str,
    /// The gateway the operation belongs to.
    pub gateway: &'static GatewaySpec,
    /// The endpoint path, relative to the gateway's base URL.
    pub path: &'static str,
    /// Who sends it.
    pub direction: Direction,
    /// Japanese title.
    pub title_ja: &'static str,
    /// English title.
    pub title_en: &'static str,
    /// Where the table comes from.
    pub source: &'static str,
    /// What is not known about the operation as a whole.
    pub uncertain: Option<&'static str>,
    /// Parameters the encoder appends when the request is sent as UTF-8.
    pub utf8_params: &'static [(&'static str, &'static str)],
    /// The parameters, in the order they are sent.
    pub fields: &'static [FieldSpec],
    /// The answer, when the operation has one.
    pub response: Option<&'static ResponseSpec>,
}

impl OperationSpec {
    /// An outgoing operation with no fields, no answer and no provenance.
    pub const fn new(name: &'static str, gateway: &'static GatewaySpec, path: &'static str) -> OperationSpec {
        OperationSpec {
            name,
            gateway,
            path,
            direction: Direction::Outgoing,
            title_ja: "",
            title_en: "",
            source: "",
            uncertain: None,
            utf8_params: &[],
            fields: &[],
            response: None,
        }
    }

    /// The same operation sent in `direction`.
    #[must_use]
    pub const fn with_direction(mut self, direction: Direction) -> OperationSpec {
        self.direction = direction;
        self
    }

    /// The same operation with titles.
    #[must_use]
    pub const fn with_titles(mut self, ja: &'static str, en: &'static str) -> OperationSpec {
        self.title_ja = ja;
        self.title_en = en;
        self
    }

    /// The same operation with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> OperationSpec {
        self.source = source;
        self.uncertain = uncertain;
        self
    }

    /// The same operation with the parameters appended for UTF-8 transport.
    #[must_use]
    pub const fn with_utf8_params(mut self, params: &'static [(&'static str, &'static str)]) -> OperationSpec {
        self.utf8_params = params;
        self
    }

    /// The same operation with these fields.
    #[must_use]
    pub const fn with_fields(mut self, fields: &'static [FieldSpec]) -> OperationSpec {
        self.fields = fields;
        self
    }

    /// The same operation with an answer.
    #[must_use]
    pub const fn with_response(mut self, response: &'static ResponseSpec) -> OperationSpec {
        self.response = Some(response);
        self
    }

    /// The field with this wire name.
    pub fn field(&self, wire: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.wire == wire)
    }

    /// The index of the field with this wire name.
    pub fn field_index(&self, wire: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.wire == wire)
    }
}

/// Who sends an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// The merchant's server posts it to the gateway.
    Outgoing,
    /// The gateway sends it to the merchant (redirect query string, notification).
    Incoming,
}

/// One request parameter.
#[derive(Debug)]
#[non_exhaustive]
pub struct FieldSpec {
    /// The parameter name on the wire.
    pub wire: &'static str,
    /// The label of the official (Japanese) table.
    pub label_ja: &'static str,
    /// English meaning.
    pub meaning: &'static str,
    /// The official required marker.
    pub marker: Marker,
    /// For [`Marker::Conditional`]: when the field is required.
    pub condition: Option<Condition>,
    /// What characters the value may contain.
    pub kind: ValueKind,
    /// The byte limit, if any.
    pub limit: Option<ByteLimit>,
    /// The value the encoder sends; a caller value that differs is a violation.
    pub fixed: Option<&'static str>,
    /// The only values allowed (empty: any value of the kind). Holds the fixed value, or the codes of a code table.
    pub allowed: &'static [&'static str],
    /// Card data and tokens: never shown in `Debug` or error messages.
    pub secret: bool,
    /// Where the row comes from.
    pub source: &'static str,
    /// What is not known about this field.
    pub uncertain: Option<&'static str>,
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
            kind,
            limit: None,
            fixed: None,
            allowed: &[],
            secret: false,
            source: "",
            uncertain: None,
        }
    }

    /// The same field with its label and meaning.
    #[must_use]
    pub const fn with_label(mut self, label_ja: &'static str, meaning: &'static str) -> FieldSpec {
        self.label_ja = label_ja;
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

    /// The same field with a byte limit.
    #[must_use]
    pub const fn with_limit(mut self, limit: ByteLimit) -> FieldSpec {
        self.limit = Some(limit);
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
        self.source = source;
        self.uncertain = uncertain;
        self
    }
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
}

/// The words of the value kinds, as the spec writes them. The spec compiler and the runtime share them.
pub mod kind_names {
    /// `0-9`.
    pub const DIGITS: &str = "digits";
    /// `A-Za-z0-9`.
    pub const ALNUM: &str = "alnum";
    /// An explicit ASCII set.
    pub const ASCII: &str = "ascii";
    /// Any representable text.
    pub const TEXT: &str = "text";
    /// Half-width katakana.
    pub const HALFWIDTH_KANA: &str = "halfwidth_kana";
    /// Full-width katakana.
    pub const FULLWIDTH_KANA: &str = "fullwidth_kana";
    /// A bitmap of `0`/`1` digits in hyphenated groups.
    pub const BITMAP: &str = "bitmap";
    /// A code of a code table.
    pub const CODE: &str = "code";
    /// Every kind.
    pub const ALL: [&str; 8] = [DIGITS, ALNUM, ASCII, TEXT, HALFWIDTH_KANA, FULLWIDTH_KANA, BITMAP, CODE];
}

/// What characters a value may contain.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ValueKind {
    /// Only characters of an ASCII set (digits, alnum, or an explicit set).
    Ascii(AsciiSet),
    /// Any text representable in the charset, without control characters (C0, DEL, C1).
    Text,
    /// Half-width katakana (U+FF61–U+FF9F), space and `-`.
    HalfwidthKana,
    /// Full-width katakana, ー, ・ and spaces.
    FullwidthKana,
    /// A bitmap of `0`/`1` digits in hyphenated groups.
    Bitmap(&'static BitmapSpec),
    /// A code of a code table.
    Code(&'static CodeTable),
}

impl ValueKind {
    /// The spec name of the kind (`digits`, `alnum`, `ascii`, `text`, …; a bitmap's own name).
    pub fn name(&self) -> &'static str {
        match self {
            ValueKind::Ascii(set) => set.kind,
            ValueKind::Text => kind_names::TEXT,
            ValueKind::HalfwidthKana => kind_names::HALFWIDTH_KANA,
            ValueKind::FullwidthKana => kind_names::FULLWIDTH_KANA,
            ValueKind::Bitmap(b) => b.name,
            ValueKind::Code(_) => kind_names::CODE,
        }
    }

    /// What the kind accepts, in words (used in `pattern` violations).
    pub fn expected(&self) -> &'static str {
        match self {
            ValueKind::Ascii(set) => set.description,
            ValueKind::Text => "text without control characters (U+0000-U+001F, U+007F-U+009F)",
            ValueKind::HalfwidthKana => "half-width katakana (U+FF61-U+FF9F), space or '-'",
            ValueKind::FullwidthKana => "full-width katakana, 'ー', '・' or a space",
            ValueKind::Bitmap(b) => b.description,
            ValueKind::Code(table) => table.name,
        }
    }

    /// Whether `c` is allowed by the kind's own character rule (charset rules are checked separately).
    pub fn allows(&self, c: char) -> bool {
        match self {
            ValueKind::Ascii(set) => set.contains(c),
            ValueKind::Text => !c.is_control(), // C0, DEL and C1: the general category Cc
            ValueKind::HalfwidthKana => matches!(c, '\u{FF61}'..='\u{FF9F}' | ' ' | '-'),
            ValueKind::FullwidthKana => {
                matches!(c, '\u{30A1}'..='\u{30F6}' | '\u{30FB}' | '\u{30FC}' | ' ' | '\u{3000}')
            }
            ValueKind::Bitmap(_) | ValueKind::Code(_) => c.is_ascii(),
        }
    }

    /// The ASCII characters the kind allows, as a 128-bit mask (bit `n`: the character with code `n`); the same rule
    /// as [`ValueKind::allows`] for ASCII, decided once per value instead of per character.
    pub fn ascii_mask(&self) -> u128 {
        const ALL: u128 = u128::MAX; // every ASCII character
        const CONTROLS: u128 = ((1 << 0x20) - 1) | (1 << 0x7F);
        const SPACE: u128 = 1 << b' ';
        match self {
            ValueKind::Ascii(set) => set.mask,
            ValueKind::Text => ALL & !CONTROLS,
            ValueKind::HalfwidthKana => SPACE | 1 << b'-',
            ValueKind::FullwidthKana => SPACE,
            ValueKind::Bitmap(_) | ValueKind::Code(_) => ALL,
        }
    }

    /// Whether the kind is free text (checked against the charset character by character).
    pub fn is_text(&self) -> bool {
        matches!(self, ValueKind::Text | ValueKind::HalfwidthKana | ValueKind::FullwidthKana)
    }
}

/// A set of ASCII characters as a 128-bit mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AsciiSet {
    /// Bit `n` set: the character with code `n` is allowed.
    pub mask: u128,
    /// The spec kind: `digits`, `alnum` or `ascii`.
    pub kind: &'static str,
    /// The set as written in the spec, e.g. `A-Za-z0-9.-+/@`.
    pub description: &'static str,
}

impl AsciiSet {
    /// Whether `c` is in the set.
    pub fn contains(&self, c: char) -> bool {
        let n = c as u32;
        n < 128 && self.mask & (1u128 << n) != 0
    }

    /// Whether the byte `b` is in the set.
    pub fn contains_byte(&self, b: u8) -> bool {
        let half = match b {
            0..=63 => self.mask as u64,
            64..=127 => (self.mask >> 64) as u64,
            _ => return false,
        };
        half >> (b & 63) & 1 == 1
    }
}

/// A byte limit, counted in the charset the gateway's [`TextPolicy`] names for the transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ByteLimit {
    /// At most this many bytes.
    Max(usize),
    /// Exactly this many bytes.
    Exact(usize),
}

impl fmt::Display for ByteLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ByteLimit::Max(n) => write!(f, "max {n} bytes"),
            ByteLimit::Exact(n) => write!(f, "exactly {n} bytes"),
        }
    }
}

/// The attributes (or elements) of an operation's answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseSpec {
    /// Where the list comes from.
    pub source: &'static str,
    /// What an answer without any value means, when that is a documented state.
    pub empty_root: Option<&'static str>,
    /// What is not known about the answer as a whole.
    pub uncertain: Option<&'static str>,
    /// The known attributes (the parser keeps unknown ones too).
    pub attributes: &'static [AttributeSpec],
}

impl ResponseSpec {
    /// An answer with these attributes.
    pub const fn new(source: &'static str, attributes: &'static [AttributeSpec]) -> ResponseSpec {
        ResponseSpec { source, empty_root: None, uncertain: None, attributes }
    }

    /// The same answer where an empty root means `meaning`.
    #[must_use]
    pub const fn with_empty_root(mut self, meaning: &'static str) -> ResponseSpec {
        self.empty_root = Some(meaning);
        self
    }

    /// The same answer with what is not known about it.
    #[must_use]
    pub const fn with_uncertain(mut self, uncertain: &'static str) -> ResponseSpec {
        self.uncertain = Some(uncertain);
        self
    }

    /// The attribute with this name.
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes.iter().find(|a| a.name == name)
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
    /// Where it comes from.
    pub source: &'static str,
    /// What is not known about it.
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
        self.source = source;
        self.uncertain = uncertain;
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
    /// Where it comes from.
    pub source: &'static str,
    /// What is not known about the table as a whole.
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
        self.source = source;
        self.uncertain = uncertain;
        self
    }

    /// The row for an exact wire value.
    pub fn lookup(&'static self, code: &str) -> Option<&'static CodeEntry> {
        self.entries.iter().find(|e| e.code == code)
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
    /// Where it comes from.
    pub source: &'static str,
    /// What is not known about it.
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
        self.source = source;
        self.uncertain = uncertain;
        self
    }
}

/// A code value seen on the wire, with its table row when the table knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code<'a> {
    /// The value as decoded.
    pub raw: &'a str,
    /// The table row, `None` for a code the spec does not list.
    pub entry: Option<&'static CodeEntry>,
}

impl<'a> Code<'a> {
    /// Looks `raw` up in `table`.
    pub fn new(raw: &'a str, table: &'static CodeTable) -> Code<'a> {
        Code { raw, entry: table.lookup(raw) }
    }

    /// The value as decoded (the same as the `raw` field).
    pub fn value(&self) -> &'a str {
        self.raw
    }
}

/// A bitmap kind: `0`/`1` digits in hyphenated groups, each position a named flag.
#[derive(Debug)]
#[non_exhaustive]
pub struct BitmapSpec {
    /// The bitmap's name in the spec.
    pub name: &'static str,
    /// English meaning.
    pub meaning: &'static str,
    /// What a value looks like, in words (used in `pattern` violations).
    pub description: &'static str,
    /// Group lengths of the current form.
    pub groups: &'static [u8],
    /// Group lengths of an older, shorter form whose missing positions are 0 (empty: none).
    pub legacy_groups: &'static [u8],
    /// The positions.
    pub positions: &'static [BitmapPosition],
    /// Where it comes from.
    pub source: &'static str,
    /// What is not known about it as a whole.
    pub uncertain: Option<&'static str>,
}

impl BitmapSpec {
    /// A bitmap with its group layout and positions.
    pub const fn new(
        name: &'static str,
        description: &'static str,
        groups: &'static [u8],
        positions: &'static [BitmapPosition],
    ) -> BitmapSpec {
        BitmapSpec {
            name,
            meaning: "",
            description,
            groups,
            legacy_groups: &[],
            positions,
            source: "",
            uncertain: None,
        }
    }

    /// The same bitmap with a legacy group layout.
    #[must_use]
    pub const fn with_legacy_groups(mut self, groups: &'static [u8]) -> BitmapSpec {
        self.legacy_groups = groups;
        self
    }

    /// The same bitmap with its meaning and provenance.
    #[must_use]
    pub const fn with_source(
        mut self,
        meaning: &'static str,
        source: &'static str,
        uncertain: Option<&'static str>,
    ) -> BitmapSpec {
        self.meaning = meaning;
        self.source = source;
        self.uncertain = uncertain;
        self
    }

    /// Parses a wire value into its set bits (bit `i` = 1-based position `i + 1`) and whether it was written in the
    /// legacy form; `None` when it matches neither layout (or has more than 64 positions).
    pub fn parse(&self, s: &str) -> Option<(u64, bool)> {
        if let Some(bits) = parse_groups(s.as_bytes(), self.groups) {
            return Some((bits, false));
        }
        if self.legacy_groups.is_empty() {
            return None;
        }
        parse_groups(s.as_bytes(), self.legacy_groups).map(|bits| (bits, true))
    }

    /// Whether `s` is a valid value: the same answer as `self.parse(s).is_some()`, without computing the bits.
    pub fn is_valid(&self, s: &str) -> bool {
        matches_groups(s.as_bytes(), self.groups)
            || (!self.legacy_groups.is_empty() && matches_groups(s.as_bytes(), self.legacy_groups))
    }

    /// The position with this 1-based number.
    pub fn position(&self, pos: u8) -> Option<&'static BitmapPosition> {
        self.positions.iter().find(|p| p.pos == pos)
    }

    /// The position with this label (`1`…`9`, `A`…).
    pub fn label(&self, label: &str) -> Option<&'static BitmapPosition> {
        self.positions.iter().find(|p| p.label == label)
    }
}

/// Whether `s` is `0`/`1` digits in groups of exactly these lengths joined by `-` (at most 64 digits).
fn matches_groups(s: &[u8], groups: &[u8]) -> bool {
    let digits: usize = groups.iter().map(|&g| usize::from(g)).sum();
    if groups.is_empty() || digits > 64 || s.len() != digits + groups.len() - 1 {
        return false;
    }
    let mut at = 0usize;
    for &len in groups {
        let Some(part) = s.get(at..at + usize::from(len)) else { return false };
        if !part.iter().all(|&b| b | 1 == b'1') {
            return false;
        }
        at += usize::from(len);
        if at < s.len() && s.get(at) != Some(&b'-') {
            return false;
        }
        at += 1;
    }
    true
}

/// The bits of `s` when it is `0`/`1` digits in groups of exactly these lengths joined by `-` (at most 64 digits), in
/// one pass over the bytes.
fn parse_groups(s: &[u8], groups: &[u8]) -> Option<u64> {
    if groups.is_empty() {
        return None;
    }
    let mut bits = 0u64;
    let mut pos = 0u32;
    let mut at = 0usize;
    for (g, &len) in groups.iter().enumerate() {
        if g > 0 {
            if s.get(at) != Some(&b'-') {
                return None;
            }
            at += 1;
        }
        for &b in s.get(at..at + usize::from(len))? {
            if pos >= 64 {
                return None;
            }
            match b {
                b'0' => {}
                b'1' => bits |= 1 << pos,
                _ => return None,
            }
            pos += 1;
        }
        at += usize::from(len);
    }
    (at == s.len()).then_some(bits)
}

/// One position of a bitmap.
#[derive(Debug)]
#[non_exhaustive]
pub struct BitmapPosition {
    /// 1-based position over all digits.
    pub pos: u8,
    /// The official label (`1`…`9`, `A`…`Y`).
    pub label: &'static str,
    /// English id.
    pub key: &'static str,
    /// Japanese name.
    pub ja: &'static str,
    /// English name.
    pub en: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// What is not known about it.
    pub uncertain: Option<&'static str>,
}

impl BitmapPosition {
    /// A position.
    pub const fn new(pos: u8, label: &'static str, key: &'static str, ja: &'static str, en: &'static str) -> Self {
        BitmapPosition { pos, label, key, ja, en, source: "", uncertain: None }
    }

    /// The same position with its provenance.
    #[must_use]
    pub const fn with_source(mut self, source: &'static str, uncertain: Option<&'static str>) -> Self {
        self.source = source;
        self.uncertain = uncertain;
        self
    }
}
