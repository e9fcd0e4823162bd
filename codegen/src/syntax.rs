//! The spec files as written: serde structs mirroring the YAML exactly (`deny_unknown_fields`), every value with its
//! span (file, line, column) for diagnostics. No meaning is checked here.

use std::collections::BTreeMap;

use marked_yaml::Spanned;
use serde::Deserialize;

/// A string with its span.
pub(crate) type Text = Spanned<String>;

/// `gateway.yaml`: the gateway profile.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GatewayFile {
    pub(crate) name: Text,
    pub(crate) title: Text,
    #[serde(default)]
    pub(crate) title_ja: Option<Text>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
    pub(crate) output: OutputSyntax,
    pub(crate) endpoints: Spanned<BTreeMap<String, EndpointSyntax>>,
    pub(crate) transports: Spanned<Vec<TransportSyntax>>,
    pub(crate) text: TextPolicySyntax,
    pub(crate) answer: AnswerSyntax,
    /// Secret names written in the profile (instead of, or beside, `secrets.yaml`).
    #[serde(default)]
    pub(crate) secrets: Vec<GatewaySecretRow>,
    /// Values the merchant holds that computed fields need, never sent (`{name, meaning, source, uncertain?}`).
    #[serde(default)]
    pub(crate) credentials: Vec<GatewaySecretRow>,
    /// Read by [`crate::pending`] before anything else; a folder that has it is not generated.
    #[serde(default)]
    #[allow(dead_code)]
    pub(crate) codegen_pending: Option<Text>,
}

/// Where the generated code goes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutputSyntax {
    #[serde(rename = "crate")]
    pub(crate) krate: Text,
    pub(crate) generated: Text,
}

/// One base URL (an operation's URL is `base` + its path + `suffix`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndpointSyntax {
    pub(crate) base: Text,
    #[serde(default)]
    pub(crate) suffix: Option<Text>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// One way a request travels.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransportSyntax {
    pub(crate) name: Text,
    #[serde(default)]
    pub(crate) method: Option<Text>,
    #[serde(default)]
    pub(crate) content_type: Option<Text>,
    pub(crate) charset: Text,
    #[serde(default)]
    pub(crate) limits_count_in: Option<Text>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// How text values are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TextPolicySyntax {
    #[serde(default)]
    pub(crate) storage_charset: Option<Text>,
    #[serde(default)]
    pub(crate) storage_source: Option<Text>,
    #[serde(default)]
    pub(crate) storage_uncertain: Option<Text>,
    /// Characters refused in every text value, as single codes of the storage charset (CP932).
    #[serde(default)]
    pub(crate) refused: Vec<RefusedRow>,
    /// Ranges of refused codes.
    #[serde(default)]
    pub(crate) refused_ranges: Vec<RefusedRangeRow>,
    #[serde(default)]
    pub(crate) refused_uncertain: Option<Text>,
    /// Lossy characters written in the profile (instead of `charsets.yaml`).
    #[serde(default)]
    pub(crate) lossy: Option<Vec<LossyRow>>,
    /// Look-alikes written in the profile (instead of `charsets.yaml`).
    #[serde(default)]
    pub(crate) normalize: Option<Vec<NormalizeRow>>,
}

/// One refused code: `{cp932: "0x815C", char: "U+2015", name, source}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefusedRow {
    pub(crate) cp932: Text,
    #[serde(default, rename = "char")]
    pub(crate) ch: Option<Text>,
    pub(crate) name: Text,
    pub(crate) source: Text,
}

/// One refused range: `{cp932: "0x8740-0x879E", name, source}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefusedRangeRow {
    pub(crate) cp932: Text,
    pub(crate) name: Text,
    pub(crate) source: Text,
}

/// One secret name in `gateway.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GatewaySecretRow {
    pub(crate) name: Text,
    pub(crate) meaning: Text,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// The shape of the gateway's answers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerSyntax {
    pub(crate) format: Text,
    /// The charset of the answer body (`utf-8`), when fixed.
    #[serde(default)]
    pub(crate) charset: Option<Text>,
    pub(crate) shape: Text,
    /// How groups are written (`element_children`), with shape `element_text`.
    #[serde(default)]
    pub(crate) groups: Option<Text>,
    /// What an empty element means (`empty_value`), with shape `element_text`.
    #[serde(default)]
    pub(crate) empty_element: Option<Text>,
    pub(crate) root: Text,
    #[serde(default)]
    pub(crate) element: Option<Text>,
    pub(crate) success: SuccessSyntax,
    #[serde(default)]
    pub(crate) fields: OutcomeFieldsSyntax,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// `{field, table?, ok}`: the field that says how a request went and its value for success.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SuccessSyntax {
    pub(crate) field: Text,
    #[serde(default)]
    pub(crate) table: Option<Text>,
    pub(crate) ok: Text,
}

/// Which answer fields carry the data of each outcome kind.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutcomeFieldsSyntax {
    #[serde(default)]
    pub(crate) redirect: Option<UrlFieldsSyntax>,
    #[serde(default)]
    pub(crate) tds1: Option<UrlFieldsSyntax>,
    #[serde(default)]
    pub(crate) tds2: Option<UrlFieldsSyntax>,
    #[serde(default)]
    pub(crate) failure: Option<FailureFieldsSyntax>,
    #[serde(default)]
    pub(crate) tds_html: Option<TdsHtmlFieldsSyntax>,
    #[serde(default)]
    pub(crate) redirect_html: Option<HtmlFieldsSyntax>,
}

/// `{html, token}`: an HTML page that starts 3-D Secure, and the token kept for the next step.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TdsHtmlFieldsSyntax {
    pub(crate) html: Text,
    pub(crate) token: Text,
}

/// `{html}`: an HTML page that forwards the browser.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HtmlFieldsSyntax {
    pub(crate) html: Text,
}

/// `{url, pareq?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UrlFieldsSyntax {
    pub(crate) url: Text,
    #[serde(default)]
    pub(crate) pareq: Option<Text>,
}

/// `{code, detail?, cause?, cause_table?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FailureFieldsSyntax {
    pub(crate) code: Text,
    #[serde(default)]
    pub(crate) detail: Option<Text>,
    /// A second code a failure may carry (a card network's code), typed through `cause_table`.
    #[serde(default)]
    pub(crate) cause: Option<Text>,
    #[serde(default)]
    pub(crate) cause_table: Option<Text>,
}

/// `params.yaml`: parameters shared by several operations.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParamsFile {
    pub(crate) source: Text,
    pub(crate) params: Vec<Spanned<FieldSyntax>>,
    /// Blocks of shared parameters several operations take as a whole (`- block: NAME` in their `fields`).
    #[serde(default)]
    pub(crate) blocks: Vec<Spanned<BlockSyntax>>,
}

/// A named block of shared parameters: emitted once as a table and a borrowed sub-struct.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BlockSyntax {
    pub(crate) name: Text,
    pub(crate) meaning: Text,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
    /// The shared parameters, in the order they are sent.
    pub(crate) params: Vec<Text>,
}

/// `operations/<name>.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationFile {
    pub(crate) name: Text,
    /// The path under the endpoints, for a CGI gateway (one of `cgi`, `endpoint`).
    #[serde(default)]
    pub(crate) cgi: Option<Text>,
    /// The path under the endpoints, for a gateway with one named endpoint per function.
    #[serde(default)]
    pub(crate) endpoint: Option<Text>,
    #[serde(default)]
    pub(crate) direction: Option<Text>,
    pub(crate) title_ja: Text,
    pub(crate) title_en: Text,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
    #[serde(default)]
    pub(crate) utf8_params: Vec<NameValue>,
    pub(crate) fields: Vec<Spanned<FieldSyntax>>,
    #[serde(default)]
    pub(crate) groups: Vec<GroupSyntax>,
    #[serde(default)]
    pub(crate) one_of: Vec<OneOfSyntax>,
    #[serde(default)]
    pub(crate) response: Option<ResponseSyntax>,
    #[serde(default)]
    pub(crate) outcomes: Vec<OutcomeSyntax>,
    /// `creates`, `changes` or `reads` (outgoing operations only): the runtime's retry policy.
    #[serde(default)]
    pub(crate) effect: Option<Text>,
    /// How a lost answer is reconciled.
    #[serde(default)]
    pub(crate) reconcile: Option<ReconcileSyntax>,
    /// Which value of which parameter selects this operation on a path several share.
    #[serde(default)]
    pub(crate) route: Option<RouteSyntax>,
}

/// `reconcile: {via: OPERATION, key: FIELD, copy: [FIELD, …]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReconcileSyntax {
    pub(crate) via: Text,
    pub(crate) key: Text,
    #[serde(default)]
    pub(crate) copy: Vec<Text>,
}

/// `route: {field: FIELD, equals: VALUE}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RouteSyntax {
    pub(crate) field: Text,
    pub(crate) equals: Text,
}

/// `{name, value}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NameValue {
    pub(crate) name: Text,
    pub(crate) value: Text,
}

/// A field, or (with `use`) a reference to a shared parameter plus overrides.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldSyntax {
    #[serde(default)]
    pub(crate) wire: Option<Text>,
    #[serde(default, rename = "use")]
    pub(crate) uses: Option<Text>,
    /// A block of shared parameters, taken whole (no other key).
    #[serde(default)]
    pub(crate) block: Option<Text>,
    #[serde(default)]
    pub(crate) label_ja: Option<Text>,
    /// The item number in the function's table (1-99).
    #[serde(default)]
    pub(crate) item: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) meaning: Option<Text>,
    #[serde(default)]
    pub(crate) required: Option<Text>,
    #[serde(default)]
    pub(crate) when: Option<Spanned<WhenSyntax>>,
    #[serde(default)]
    pub(crate) kind: Option<Text>,
    #[serde(default)]
    pub(crate) ascii: Option<Text>,
    #[serde(default)]
    pub(crate) table: Option<Text>,
    #[serde(default)]
    pub(crate) bitmap: Option<Text>,
    #[serde(default)]
    pub(crate) max_bytes: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) exact_bytes: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) min_bytes: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) max_chars: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) max_bytes_in: Option<Spanned<BTreeMap<String, u64>>>,
    #[serde(default)]
    pub(crate) min_value: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) starts_with: Option<Text>,
    #[serde(default)]
    pub(crate) format: Option<Text>,
    #[serde(default)]
    pub(crate) forbid: Option<Spanned<Vec<Text>>>,
    #[serde(default)]
    pub(crate) forbidden_when: Option<Spanned<WhenSyntax>>,
    #[serde(default)]
    pub(crate) bits_required: Option<Spanned<Vec<Text>>>,
    #[serde(default)]
    pub(crate) bits_allowed: Option<Spanned<Vec<Text>>>,
    /// A check digit, checked while its condition holds (an operation's field only).
    #[serde(default)]
    pub(crate) check_digit: Option<Spanned<CheckDigitSyntax>>,
    #[serde(default)]
    pub(crate) fixed: Option<Text>,
    /// A value the encoder computes (`{sha256_hex: [wire | $credential, …]}`).
    #[serde(default)]
    pub(crate) computed: Option<Spanned<ComputedSyntax>>,
    #[serde(default)]
    pub(crate) allowed: Option<Spanned<Vec<Text>>>,
    #[serde(default)]
    pub(crate) secret: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) source: Option<Text>,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// `{rule, digits, when?}`: exactly `digits` digits whose last follows from the others by `rule` (`mod7`), while
/// `when` (the `field` + `equals` form) holds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckDigitSyntax {
    pub(crate) rule: Text,
    pub(crate) digits: Spanned<u64>,
    #[serde(default)]
    pub(crate) when: Option<Spanned<WhenSyntax>>,
}

/// `computed: {sha256_hex: [member_id, authentication_key, $access_key]}`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComputedSyntax {
    pub(crate) sha256_hex: Vec<Text>,
}

/// A condition: exactly one of `present_any`, `absent_all`, `field` + `bit`, `field` + `equals`,
/// `field` + `equals_any`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WhenSyntax {
    #[serde(default)]
    pub(crate) present_any: Option<Vec<Text>>,
    #[serde(default)]
    pub(crate) absent_all: Option<Vec<Text>>,
    #[serde(default)]
    pub(crate) field: Option<Text>,
    #[serde(default)]
    pub(crate) bit: Option<Text>,
    #[serde(default)]
    pub(crate) equals: Option<Text>,
    #[serde(default)]
    pub(crate) equals_any: Option<Vec<Text>>,
    /// `true`: the condition is on data outside the request (not checkable; documented only).
    #[serde(default)]
    pub(crate) external: Option<Spanned<bool>>,
    pub(crate) description: Text,
}

/// A named block of fields required together under one condition.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupSyntax {
    pub(crate) name: Text,
    pub(crate) fields: Vec<Text>,
    pub(crate) when: Spanned<WhenSyntax>,
    pub(crate) source: Text,
}

/// "Exactly one of" these alternatives.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OneOfSyntax {
    pub(crate) name: Text,
    pub(crate) alternatives: Spanned<Vec<Vec<Text>>>,
    pub(crate) description: Text,
    /// When the rule applies (always without it).
    #[serde(default)]
    pub(crate) when: Option<Spanned<WhenSyntax>>,
    pub(crate) source: Text,
}

/// The answer's attributes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResponseSyntax {
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) empty_root: Option<Text>,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
    /// The attributes of the answer element (shape `attributes`).
    #[serde(default)]
    pub(crate) attributes: Option<Vec<AttributeSyntax>>,
    /// The value elements of the root (shape `element_text`).
    #[serde(default)]
    pub(crate) elements: Option<Vec<AttributeSyntax>>,
    /// Group elements of the root and their value elements (shape `element_text`).
    #[serde(default)]
    pub(crate) groups: Vec<ResponseGroupSyntax>,
}

/// A group element of the answer (`resultData`) and its children.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResponseGroupSyntax {
    pub(crate) name: Text,
    pub(crate) meaning: Text,
    #[serde(default)]
    pub(crate) repeated: Option<Spanned<bool>>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
    pub(crate) elements: Vec<AttributeSyntax>,
}

/// One answer attribute.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttributeSyntax {
    pub(crate) name: Text,
    pub(crate) meaning: Text,
    #[serde(default)]
    pub(crate) table: Option<Text>,
    #[serde(default)]
    pub(crate) secret: Option<Spanned<bool>>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// One outcome case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutcomeSyntax {
    pub(crate) name: Text,
    pub(crate) kind: Text,
    #[serde(default)]
    pub(crate) result: Option<Spanned<Vec<Text>>>,
    #[serde(default)]
    pub(crate) result_absent: Option<Spanned<bool>>,
    /// `true` on a `failure` case: the gateway answers it without an error code (the code field absent or empty).
    #[serde(default)]
    pub(crate) without_code: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) present: Vec<Text>,
    /// `{field: resultCount, group: resultData}`: the count must equal the group's rows (shape `element_text`).
    #[serde(default)]
    pub(crate) count: Option<CountSyntax>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// An outcome's `count`: a value element that counts the rows of a repeated group.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountSyntax {
    pub(crate) field: Text,
    pub(crate) group: Text,
}

/// `codes/<table>.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeFile {
    pub(crate) name: Text,
    pub(crate) meaning: Text,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
    #[serde(default)]
    pub(crate) rust_enum: Option<Text>,
    pub(crate) codes: Vec<CodeRow>,
}

/// One code.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeRow {
    pub(crate) code: Text,
    #[serde(default)]
    pub(crate) key: Option<Text>,
    pub(crate) ja: Text,
    pub(crate) en: Text,
    #[serde(default)]
    pub(crate) remediation: Option<Text>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// `bitmaps/<name>.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BitmapFile {
    pub(crate) name: Text,
    pub(crate) meaning: Text,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
    pub(crate) groups: Spanned<Vec<u8>>,
    /// Each legacy layout: `[[5, 4, 5], [5, 4, 4]]`.
    #[serde(default)]
    pub(crate) legacy_groups: Option<Spanned<Vec<Vec<u8>>>>,
    pub(crate) positions: Vec<PositionRow>,
}

/// One bitmap position.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PositionRow {
    pub(crate) pos: Spanned<u8>,
    pub(crate) label: Text,
    pub(crate) key: Text,
    pub(crate) ja: Text,
    pub(crate) en: Text,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// `charsets.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CharsetsFile {
    pub(crate) source: Text,
    pub(crate) normalize: Vec<NormalizeRow>,
    pub(crate) lossy: Vec<LossyRow>,
    pub(crate) euc_jp_rejected_rows: EucJpRows,
}

/// The refused EUC-JP rows.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EucJpRows {
    pub(crate) rows: Spanned<Vec<u8>>,
    pub(crate) source: Text,
    #[serde(default)]
    pub(crate) uncertain: Option<Text>,
}

/// One look-alike.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NormalizeRow {
    pub(crate) from: Text,
    pub(crate) to: Text,
    pub(crate) name: Text,
    pub(crate) source: Text,
}

/// One lossy character.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LossyRow {
    #[serde(rename = "char")]
    pub(crate) ch: Text,
    pub(crate) decodes_as: Text,
    pub(crate) source: Text,
}

/// `secrets.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretsFile {
    pub(crate) source: Text,
    pub(crate) names: Vec<SecretRow>,
}

/// One secret name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretRow {
    pub(crate) name: Text,
    pub(crate) meaning: Text,
    pub(crate) source: Text,
}
