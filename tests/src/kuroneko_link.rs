//! The link method (`kuroneko_proto::link`): the hand-written form builder agrees with its table,
//! `spec/kuroneko/link/settle_select.yaml` (which codegen does not read).

use std::path::Path;

use kuroneko_proto::link::{ACCEPT_CHARSET, FIELDS, PRODUCTION_URL, TEST_URL, TRS_MAP};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Spec {
    name: String,
    title_ja: String,
    title_en: String,
    source: String,
    uncertain: Option<String>,
    urls: Urls,
    accept_charset: String,
    charset_source: String,
    fields: Vec<Field>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Urls {
    test: String,
    production: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Field {
    name: String,
    fixed: Option<String>,
    param: Option<String>,
    url: Option<bool>,
    required: Option<bool>,
    source: String,
    uncertain: Option<String>,
}

fn load() -> Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/kuroneko/link/settle_select.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let node = marked_yaml::parse_yaml(0, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    marked_yaml::from_node(&node).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_form_builder_is_its_spec_table() {
    let spec = load();
    assert_eq!(spec.urls.test, TEST_URL);
    assert_eq!(spec.urls.production, PRODUCTION_URL);
    assert_eq!(spec.accept_charset, ACCEPT_CHARSET);
    let names: Vec<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
    let built: Vec<&str> = FIELDS.iter().map(|f| f.wire).collect();
    assert_eq!(names, built, "the form's fields, in order");
    for (field, built) in spec.fields.iter().zip(&FIELDS) {
        if let Some(fixed) = &field.fixed {
            assert_eq!((fixed.as_str(), built.fixed), (TRS_MAP, Some(TRS_MAP)), "{}", field.name);
        }
        if let Some(param) = &field.param {
            assert_eq!(param, built.wire, "{}: the API parameter whose rules apply", field.name);
        }
        let required =
            field.required.unwrap_or(field.param.is_some() || field.url == Some(true) || field.fixed.is_some());
        assert_eq!(required, built.marker.always_required(), "{}: required", field.name);
        assert!(!field.source.is_empty(), "{}: a source", field.name);
    }
}
