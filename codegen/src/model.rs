//! Stage 3, the checked model: what the emitter renders. Every name is resolved (field indices, Rust identifiers,
//! tables), every rule checked; nothing here can be wrong any more.

use japay_core::charset::Charset;
use japay_core::spec::{CharClass, DateFormat, Marker};

/// One gateway's checked spec.
pub(crate) struct Model {
    pub(crate) gateway: Gateway,
    pub(crate) operations: Vec<Operation>,
    pub(crate) tables: Vec<Table>,
    pub(crate) bitmaps: Vec<Bitmap>,
    pub(crate) charsets: CharsetTables,
    /// Names from `secrets.yaml` and fields/attributes marked secret, sorted, without duplicates.
    pub(crate) secrets: Vec<String>,
    /// The gateway's credentials (`gateway.yaml` `credentials`).
    pub(crate) credentials: Vec<Credential>,
    /// The shared parameters some operation uses, as written (no override), by wire name.
    pub(crate) params: Vec<Field>,
    /// The blocks some operation takes.
    pub(crate) blocks: Vec<Block>,
}

/// The gateway profile.
pub(crate) struct Gateway {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) title_ja: Option<String>,
    pub(crate) provenance: Provenance,
    /// The spec folder's display name (`spec/epsilon`).
    pub(crate) dir: String,
    /// The output directory, relative to the workspace.
    pub(crate) generated_dir: String,
    pub(crate) endpoints: Vec<Endpoint>,
    pub(crate) transports: Vec<Transport>,
    pub(crate) stored_in: Option<Charset>,
    pub(crate) answer: Answer,
}

/// A value the merchant holds that computed fields need; never sent.
pub(crate) struct Credential {
    pub(crate) name: String,
    pub(crate) meaning: String,
    pub(crate) provenance: Provenance,
}

/// One base URL.
pub(crate) struct Endpoint {
    pub(crate) name: String,
    pub(crate) base: String,
    pub(crate) suffix: String,
    pub(crate) source: String,
}

/// One way a request travels.
pub(crate) struct Transport {
    pub(crate) charset: Charset,
    /// The charset byte limits count when this transport is used (when not its own).
    pub(crate) limits_count_in: Option<Charset>,
}

/// How an answer carries its fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnswerShape {
    /// `<root><element NAME="VALUE"/>…</root>`: read by `crate::answer::Answer`.
    Attributes,
    /// Element children, read by `crate::answer::Answer` too.
    Elements,
    /// `<root><name>value</name><group><name>value</name></group>…</root>`: read by `crate::answer::Answer`.
    ElementText,
}

/// The answer shape.
pub(crate) struct Answer {
    pub(crate) shape: AnswerShape,
    pub(crate) root: String,
    pub(crate) element: Option<String>,
    pub(crate) result_field: String,
    /// The code table of the result field.
    pub(crate) result_table: Option<String>,
    pub(crate) success: String,
    pub(crate) source: String,
    pub(crate) fields: OutcomeFields,
}

/// Which answer fields carry each outcome kind's data.
#[derive(Clone, Default)]
pub(crate) struct OutcomeFields {
    pub(crate) redirect_url: Option<String>,
    pub(crate) tds1: Option<(String, String)>,
    pub(crate) tds2: Option<(String, String)>,
    pub(crate) failure: Option<FailureFields>,
    /// `tds_html`: the HTML page and the token.
    pub(crate) tds_html: Option<(String, String)>,
    /// `redirect_html`: the HTML page.
    pub(crate) redirect_html: Option<String>,
}

/// The fields of a failure.
#[derive(Clone)]
pub(crate) struct FailureFields {
    pub(crate) code: String,
    /// The gateway's error text, when the gateway sends one.
    pub(crate) detail: Option<String>,
    /// A second code a failure may carry and its code table (`cause`, `cause_table`).
    pub(crate) cause: Option<(String, String)>,
}

/// The character tables of `charsets.yaml`.
#[derive(Default)]
pub(crate) struct CharsetTables {
    pub(crate) normalize: Vec<Lookalike>,
    pub(crate) lossy: Vec<char>,
    pub(crate) euc_jp_rejected_rows: Vec<u8>,
    /// Codes of the storage charset refused in every text value, as inclusive ranges with their names.
    pub(crate) refused: Vec<Refused>,
}

/// A refused code or range of codes (`gateway.yaml` `text.refused`, `text.refused_ranges`).
pub(crate) struct Refused {
    pub(crate) first: u16,
    pub(crate) last: u16,
    pub(crate) name: String,
}

/// One look-alike the normalize option maps.
pub(crate) struct Lookalike {
    pub(crate) from: char,
    pub(crate) to: char,
}

/// Where a fact comes from.
#[derive(Clone, Default)]
pub(crate) struct Provenance {
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
}

/// One operation.
pub(crate) struct Operation {
    pub(crate) name: String,
    /// `UserRegister`.
    pub(crate) type_name: String,
    /// The spec file's display name.
    pub(crate) file: String,
    /// The path under the endpoints (`cgi` or `endpoint`).
    pub(crate) path: String,
    /// The path was given as `endpoint` (a named function) rather than `cgi`.
    pub(crate) endpoint: bool,
    /// The answer is read by `crate::answer::Answer` (shape `element_text`).
    pub(crate) element_answer: bool,
    pub(crate) incoming: bool,
    pub(crate) title_ja: String,
    pub(crate) title_en: String,
    pub(crate) provenance: Provenance,
    pub(crate) utf8_params: Vec<(String, String)>,
    pub(crate) fields: Vec<Field>,
    pub(crate) groups: Vec<Group>,
    pub(crate) one_of: Vec<OneOf>,
    pub(crate) response: Option<Response>,
    pub(crate) outcomes: Vec<Outcome>,
    /// The gateway's result field (`gateway.yaml` `answer.result_field`), which outcomes are decided by.
    pub(crate) result_field: String,
    /// What the call does (outgoing operations; `None` for incoming ones).
    pub(crate) effect: Option<japay_core::spec::Effect>,
    /// How a lost answer is reconciled: the read operation, the key field, the fields copied too.
    pub(crate) lookup: Option<Lookup>,
    /// The discriminating parameter and value on a shared path.
    pub(crate) route: Option<(String, String)>,
}

/// `reconcile:` of an operation.
pub(crate) struct Lookup {
    pub(crate) via: String,
    pub(crate) key: String,
    pub(crate) copy: Vec<String>,
}

/// One request parameter.
pub(crate) struct Field {
    pub(crate) wire: String,
    /// The struct field / accessor identifier (`cardNumber` → `card_number`).
    pub(crate) rust_name: String,
    pub(crate) label_ja: String,
    /// The item number in the function's table (1-99).
    pub(crate) item: Option<u8>,
    pub(crate) meaning: String,
    pub(crate) marker: Marker,
    pub(crate) condition: Option<Condition>,
    /// When the field must be absent (`forbidden_when`).
    pub(crate) forbidden: Option<Condition>,
    pub(crate) kind: Kind,
    pub(crate) limit: Option<Limit>,
    /// Extra checks, in the order they run.
    pub(crate) checks: Vec<Check>,
    pub(crate) fixed: Option<String>,
    /// The inputs of a value the encoder computes (SHA-256, lowercase hex), in order.
    pub(crate) computed: Option<Vec<ComputedInput>>,
    pub(crate) allowed: Vec<String>,
    pub(crate) secret: bool,
    pub(crate) provenance: Provenance,
    /// The shared parameter (`params.yaml`) this field uses, emitted once as a constant.
    pub(crate) param: Option<String>,
    /// The block (`params.yaml` `blocks`) this field is part of.
    pub(crate) block: Option<String>,
}

/// One input of a computed value.
#[derive(Clone)]
pub(crate) enum ComputedInput {
    /// A field of the operation, by index.
    Field(usize),
    /// A credential, by name (`$name` in the spec).
    Credential(String),
}

/// A block of shared parameters taken whole by several operations.
pub(crate) struct Block {
    pub(crate) name: String,
    /// The sub-struct (`Tds2Risk`).
    pub(crate) type_name: String,
    /// The constant and the struct field (`TDS2_RISK`, `tds2_risk`).
    pub(crate) meaning: String,
    pub(crate) provenance: Provenance,
    /// The wire names of its parameters, in order.
    pub(crate) params: Vec<String>,
}

/// A byte limit.
#[derive(Clone, Copy)]
pub(crate) enum Limit {
    Max(u64),
    Exact(u64),
}

/// An extra check on a value (`japay_core::spec::FieldCheck`).
#[derive(Clone)]
pub(crate) enum Check {
    MinBytes(u64),
    MaxChars(u64),
    MaxBytesIn(Charset, u64),
    MinValue(u64),
    StartsWith(String),
    Format(DateFormat),
    Forbid(CharClass),
    /// Positions that must be set (mask, expected in words).
    BitsRequired(u64, String),
    /// Positions that may be set (mask, expected in words).
    BitsAllowed(u64, String),
    /// A check digit (`japay_core::spec::CheckDigit`).
    DigitRule(CheckDigitRow),
}

/// A check digit: the rule, the digit count, the field index and value that turn it on, the words of a violation.
#[derive(Clone)]
pub(crate) struct CheckDigitRow {
    pub(crate) rule: japay_core::spec::CheckDigitRule,
    pub(crate) digits: u8,
    pub(crate) when: Option<(usize, String)>,
    pub(crate) expected: String,
}

/// When a △ field is required.
#[derive(Clone)]
pub(crate) struct Condition {
    pub(crate) test: ConditionTest,
    pub(crate) description: String,
}

/// The test of a condition, over field indices.
#[derive(Clone)]
pub(crate) enum ConditionTest {
    PresentAny(Vec<usize>),
    AbsentAll(Vec<usize>),
    BitSet {
        field: usize,
        position: u8,
    },
    Equals {
        field: usize,
        value: String,
    },
    EqualsAny {
        field: usize,
        values: Vec<String>,
    },
    /// On data outside the request: documented, never checked.
    External,
}

/// What characters a value may contain.
pub(crate) enum Kind {
    Ascii(AsciiKind),
    Text,
    HalfwidthKana,
    FullwidthKana,
    /// The bitmap's name.
    Bitmap(String),
    /// The code table's name.
    Code(String),
}

/// An ASCII kind.
pub(crate) struct AsciiKind {
    /// `digits`, `alnum` or `ascii`.
    pub(crate) kind: &'static str,
    /// The set as written (`A-Za-z0-9`).
    pub(crate) set: String,
    pub(crate) mask: u128,
}

/// A named block of fields required together.
pub(crate) struct Group {
    pub(crate) name: String,
    pub(crate) fields: Vec<usize>,
    pub(crate) condition: Condition,
}

/// "Exactly one of".
pub(crate) struct OneOf {
    pub(crate) name: String,
    pub(crate) alternatives: Vec<Vec<usize>>,
    pub(crate) description: String,
    /// When the rule applies (always without it).
    pub(crate) condition: Option<Condition>,
}

/// The answer.
pub(crate) struct Response {
    pub(crate) source: String,
    pub(crate) empty_root: Option<String>,
    pub(crate) uncertain: Option<String>,
    /// The attributes (or, with shape `element_text`, the value elements of the root).
    pub(crate) attributes: Vec<Attribute>,
    /// Group elements of the root (shape `element_text`).
    pub(crate) groups: Vec<ResponseGroup>,
}

/// A group element of the answer and its value elements.
pub(crate) struct ResponseGroup {
    pub(crate) name: String,
    /// The accessor on the answer view (`resultData` → `result_data`).
    pub(crate) rust_name: String,
    /// The row view type (`ResultData`).
    pub(crate) type_name: String,
    pub(crate) meaning: String,
    pub(crate) repeated: bool,
    pub(crate) provenance: Provenance,
    pub(crate) elements: Vec<Attribute>,
    /// The operation whose module defines the row view type, when an earlier operation has the same group (same
    /// name, `repeated` and elements): this one reuses that type (`cardData` of creditInfoGet and creditInfoDelete).
    pub(crate) defined_in: Option<String>,
    /// The later operations that reuse this group's row view type (named in its docs).
    pub(crate) shared_with: Vec<String>,
}

/// One answer attribute.
pub(crate) struct Attribute {
    pub(crate) name: String,
    pub(crate) rust_name: String,
    pub(crate) meaning: String,
    pub(crate) table: Option<String>,
    pub(crate) secret: bool,
    pub(crate) provenance: Provenance,
}

/// One outcome case.
pub(crate) struct Outcome {
    /// The variant name (`ConvenienceSlip`).
    pub(crate) variant: String,
    /// The spec name (`convenience_slip`).
    pub(crate) name: String,
    pub(crate) kind: OutcomeKind,
    pub(crate) matches: ResultMatch,
    /// Fields that must be present (non-empty) to pick this case.
    pub(crate) present: Vec<String>,
    /// For a kind other than `failure`: the gateway's failure code field (`answer.fields.failure.code`), which the
    /// answer must leave absent or empty (an error code on a success is refused, `ErrorCodeOnSuccess`).
    pub(crate) error_code_empty: Option<String>,
    /// `count`: a value element that must equal the number of rows of a repeated group.
    pub(crate) count: Option<(String, String)>,
    pub(crate) provenance: Provenance,
}

/// Which answers a case covers.
pub(crate) enum ResultMatch {
    /// The result field has one of these values.
    Values(Vec<String>),
    /// The answer has fields but no result field.
    Absent,
    /// The answer has no field at all.
    EmptyAnswer,
}

/// The data an outcome carries.
pub(crate) enum OutcomeKind {
    Ok,
    Redirect {
        url: String,
    },
    Tds1 {
        url: String,
        pareq: String,
        pareq_secret: bool,
    },
    Tds2 {
        url: String,
        pareq: String,
        pareq_secret: bool,
    },
    /// `cause`: the field and its code table, when the gateway has one. `uncoded`: the case's answers carry no
    /// error code (`without_code: true`): the variant has no `code`, and a non-empty code field is refused.
    Failure {
        code: String,
        table: String,
        detail: Option<String>,
        cause: Option<(String, String)>,
        uncoded: bool,
    },
    NotFound,
    /// An HTML page that starts 3-D Secure and the token for the next step (both secret).
    TdsHtml {
        html: String,
        token: String,
    },
    /// An HTML page that forwards the browser (secret).
    RedirectHtml {
        html: String,
    },
    Pending,
}

impl OutcomeKind {
    /// The spec word (from `japay_core::outcome::kind_names`).
    pub(crate) fn word(&self) -> &'static str {
        use japay_core::outcome::kind_names;
        match self {
            OutcomeKind::Ok => kind_names::OK,
            OutcomeKind::Redirect { .. } => kind_names::REDIRECT,
            OutcomeKind::Tds1 { .. } => kind_names::TDS1,
            OutcomeKind::Tds2 { .. } => kind_names::TDS2,
            OutcomeKind::Failure { .. } => kind_names::FAILURE,
            OutcomeKind::NotFound => kind_names::NOT_FOUND,
            OutcomeKind::TdsHtml { .. } => kind_names::TDS_HTML,
            OutcomeKind::RedirectHtml { .. } => kind_names::REDIRECT_HTML,
            OutcomeKind::Pending => kind_names::PENDING,
        }
    }
}

/// A code table.
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) meaning: String,
    pub(crate) provenance: Provenance,
    /// The rustls-style enum (`ResultCode`), when the rows have keys.
    pub(crate) rust_enum: Option<String>,
    pub(crate) rows: Vec<CodeRow>,
}

/// One code.
pub(crate) struct CodeRow {
    pub(crate) code: String,
    /// The enum variant (`Tds1Required`), with `rust_enum`.
    pub(crate) variant: Option<String>,
    pub(crate) ja: String,
    pub(crate) en: String,
    pub(crate) remediation: Option<String>,
    pub(crate) provenance: Provenance,
}

/// A bitmap kind.
pub(crate) struct Bitmap {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) meaning: String,
    pub(crate) provenance: Provenance,
    pub(crate) groups: Vec<u8>,
    /// Each legacy layout (its group lengths).
    pub(crate) legacy_groups: Vec<Vec<u8>>,
    pub(crate) positions: Vec<BitmapPosition>,
}

/// One bitmap position.
pub(crate) struct BitmapPosition {
    pub(crate) pos: u8,
    pub(crate) label: String,
    pub(crate) key: String,
    pub(crate) ja: String,
    pub(crate) en: String,
    pub(crate) provenance: Provenance,
}
