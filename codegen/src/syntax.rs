//! Serde structs mirroring the YAML exactly (`deny_unknown_fields`), with spans for diagnostics.

use marked_yaml::Spanned;
use serde::Deserialize;

pub(crate) type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperationFile {
    pub(crate) name: S,
    pub(crate) cgi: S,
    #[serde(default)]
    pub(crate) direction: Option<S>,
    pub(crate) title_ja: S,
    pub(crate) title_en: S,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
    #[serde(default)]
    pub(crate) utf8_params: Vec<NameValue>,
    pub(crate) fields: Vec<Spanned<FieldSyn>>,
    #[serde(default)]
    pub(crate) response: Option<ResponseSyn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NameValue {
    pub(crate) name: S,
    pub(crate) value: S,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldSyn {
    pub(crate) wire: S,
    pub(crate) label_ja: S,
    pub(crate) meaning: S,
    pub(crate) required: S,
    #[serde(default)]
    pub(crate) when: Option<WhenSyn>,
    pub(crate) kind: S,
    #[serde(default)]
    pub(crate) ascii: Option<S>,
    #[serde(default)]
    pub(crate) table: Option<S>,
    #[serde(default)]
    pub(crate) max_bytes: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) exact_bytes: Option<Spanned<u64>>,
    #[serde(default)]
    pub(crate) fixed: Option<S>,
    #[serde(default)]
    pub(crate) allowed: Option<Spanned<Vec<S>>>,
    #[serde(default)]
    pub(crate) secret: Option<Spanned<bool>>,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WhenSyn {
    #[serde(default)]
    pub(crate) present_any: Option<Vec<S>>,
    #[serde(default)]
    pub(crate) absent_all: Option<Vec<S>>,
    pub(crate) description: S,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResponseSyn {
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) empty_root: Option<S>,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
    pub(crate) attributes: Vec<AttributeSyn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttributeSyn {
    pub(crate) name: S,
    pub(crate) meaning: S,
    #[serde(default)]
    pub(crate) table: Option<S>,
    #[serde(default)]
    pub(crate) secret: Option<Spanned<bool>>,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeFile {
    pub(crate) name: S,
    pub(crate) meaning: S,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
    pub(crate) codes: Vec<CodeRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeRow {
    pub(crate) code: S,
    pub(crate) ja: S,
    pub(crate) en: S,
    #[serde(default)]
    pub(crate) remediation: Option<S>,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StCodeFile {
    pub(crate) name: S,
    pub(crate) meaning: S,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
    pub(crate) groups: Spanned<Vec<u8>>,
    pub(crate) legacy_groups: Spanned<Vec<u8>>,
    pub(crate) positions: Vec<PositionRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PositionRow {
    pub(crate) pos: Spanned<u8>,
    pub(crate) label: S,
    pub(crate) key: S,
    pub(crate) ja: S,
    pub(crate) en: S,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CharsetsFile {
    pub(crate) source: S,
    pub(crate) normalize: Vec<NormalizeRow>,
    pub(crate) lossy: Vec<LossyRow>,
    pub(crate) euc_jp_rejected_rows: EucJpRows,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EucJpRows {
    pub(crate) rows: Spanned<Vec<u8>>,
    pub(crate) source: S,
    #[serde(default)]
    pub(crate) uncertain: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NormalizeRow {
    pub(crate) from: S,
    pub(crate) to: S,
    pub(crate) name: S,
    pub(crate) source: S,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LossyRow {
    #[serde(rename = "char")]
    pub(crate) ch: S,
    pub(crate) decodes_as: S,
    pub(crate) source: S,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretsFile {
    pub(crate) source: S,
    pub(crate) names: Vec<SecretRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretRow {
    pub(crate) name: S,
    pub(crate) meaning: S,
    pub(crate) source: S,
}
