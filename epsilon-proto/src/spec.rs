//! The spec as data: the types the generated code fills in from `spec/*.yaml`.
//!
//! Every table here is a `const` written by `cargo codegen`; the runtime ([`crate::request`]) walks them. Nothing in
//! this module is computed at run time.

use core::fmt;

/// One operation: a request the merchant sends to a CGI (or, for [`Direction::Incoming`], a query string the gateway
/// sends back through the buyer's browser).
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationSpec {
    /// Operation id, e.g. `user_register`.
    pub name: &'static str,
    /// The CGI path under `https://{beta,secure}.epsilon.jp/cgi-bin/order/`.
    pub cgi: &'static str,
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
    /// The gateway sends it to the merchant (redirect query string).
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

/// The official required markers (◎ ○ ● △ -).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Marker {
    /// ◎ required; the value is supplied by Epsilon (e.g. the contract code).
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
    /// The marker as printed in the official tables.
    pub fn symbol(self) -> &'static str {
        match self {
            Marker::Supplied => "◎",
            Marker::Required => "○",
            Marker::Unique => "●",
            Marker::Conditional => "△",
            Marker::Optional => "-",
        }
    }

    /// Whether the field is always required.
    pub fn always_required(self) -> bool {
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

/// The test of a [`Condition`], over field indices of the same operation.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ConditionTest {
    /// Required when any of these fields has a non-empty value.
    PresentAny(&'static [usize]),
    /// Required when none of these fields has a non-empty value.
    AbsentAll(&'static [usize]),
}

/// What characters a value may contain.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ValueKind {
    /// Only characters of an ASCII set (digits, alnum, or an explicit set).
    Ascii(AsciiSet),
    /// Any text representable in the charset.
    Text,
    /// Half-width katakana (U+FF61–U+FF9F), space and `-`.
    HalfwidthKana,
    /// Full-width katakana, ー, ・ and spaces.
    FullwidthKana,
    /// The `st_code` bitmap.
    StCode,
    /// A code of a code table.
    Code(&'static CodeTable),
}

impl ValueKind {
    /// The spec name of the kind (`digits`, `alnum`, `ascii`, `text`, …).
    pub fn name(&self) -> &'static str {
        match self {
            ValueKind::Ascii(set) => set.kind,
            ValueKind::Text => "text",
            ValueKind::HalfwidthKana => "halfwidth_kana",
            ValueKind::FullwidthKana => "fullwidth_kana",
            ValueKind::StCode => "st_code",
            ValueKind::Code(_) => "code",
        }
    }

    /// What the kind accepts, in words (used in `pattern` violations).
    pub fn expected(&self) -> &'static str {
        match self {
            ValueKind::Ascii(set) => set.description,
            ValueKind::Text => "text representable in the charset",
            ValueKind::HalfwidthKana => "half-width katakana (U+FF61-U+FF9F), space or '-'",
            ValueKind::FullwidthKana => "full-width katakana, 'ー', '・' or a space",
            ValueKind::StCode => "nnnnn-nnnn-nnnnn-nnnnn-nnnnn-nnnnn-nnnnn or nnnnn-nnnn-nnnnn with n = 0 or 1",
            ValueKind::Code(table) => table.name,
        }
    }

    /// Whether `c` is allowed by the kind's own character rule (charset rules are checked separately).
    pub fn allows(&self, c: char) -> bool {
        match self {
            ValueKind::Ascii(set) => set.contains(c),
            ValueKind::Text => true,
            ValueKind::HalfwidthKana => matches!(c, '\u{FF61}'..='\u{FF9F}' | ' ' | '-'),
            ValueKind::FullwidthKana => {
                matches!(c, '\u{30A1}'..='\u{30F6}' | '\u{30FB}' | '\u{30FC}' | ' ' | '\u{3000}')
            }
            ValueKind::StCode | ValueKind::Code(_) => c.is_ascii(),
        }
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
}

/// A byte limit, counted in the charset the value is sent in (CP932 for UTF-8 transport).
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

/// The attributes of an operation's answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseSpec {
    /// Where the list comes from.
    pub source: &'static str,
    /// What an `Epsilon_result` without children means, when that is a documented state.
    pub empty_root: Option<&'static str>,
    /// What is not known about the answer as a whole.
    pub uncertain: Option<&'static str>,
    /// The known attributes (the parser keeps unknown ones too).
    pub attributes: &'static [AttributeSpec],
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

/// A code table (`result`, `err_code`, `state`, …).
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
}

/// One position of the `st_code` bitmap.
#[derive(Debug)]
#[non_exhaustive]
pub struct StCodePosition {
    /// 1-based position over the 34 digits.
    pub pos: u8,
    /// The official label (`1`…`9`, `A`…`Y`).
    pub label: &'static str,
    /// English id.
    pub key: &'static str,
    /// Japanese name of the payment method.
    pub ja: &'static str,
    /// English name.
    pub en: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// What is not known about it.
    pub uncertain: Option<&'static str>,
}
