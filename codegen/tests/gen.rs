//! The generator's tests, in one binary: freshness of the checked-in code, that a spec change reaches the generated
//! code, insta snapshots of feature fixtures and of the diagnostics for broken specs.

use std::path::{Path, PathBuf};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn epsilon_spec() -> PathBuf {
    codegen::default_spec_root().join("epsilon")
}

/// A scratch spec directory: the real `spec/epsilon/` (gateway, params, codes, bitmaps, charsets, operations), with
/// `overlay`'s files on top. `keep_ops = false` drops the real operations first.
fn scratch_spec(name: &str, overlay: Option<&Path>, keep_ops: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("epsilon-codegen-{}-{name}", std::process::id())).join("spec/epsilon");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&epsilon_spec(), &dir);
    if !keep_ops {
        std::fs::remove_dir_all(dir.join("operations")).unwrap();
        std::fs::create_dir_all(dir.join("operations")).unwrap();
    }
    if let Some(overlay) = overlay {
        copy_dir(overlay, &dir);
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn render_errors(spec_dir: &Path) -> String {
    match codegen::generate(spec_dir) {
        Ok(_) => panic!("{} should not compile", spec_dir.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn checked_in_generated_code_is_fresh() {
    let gateways = codegen::gateway_dirs(&codegen::default_spec_root());
    assert!(gateways.iter().any(|g| g.ends_with("epsilon")), "spec/epsilon/gateway.yaml not found: {gateways:?}");
    assert!(gateways.iter().any(|g| g.ends_with("kuroneko")), "spec/kuroneko/gateway.yaml not found: {gateways:?}");
    let mut diffs = Vec::new();
    for dir in gateways {
        if let Some(reason) = codegen::pending(&dir) {
            assert!(
                !dir.ends_with("epsilon") && !dir.ends_with("kuroneko"),
                "{} is generated, yet pending: {reason}",
                dir.display()
            );
            continue;
        }
        let generated = codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
        let out = codegen::workspace_root().join(&generated.out_dir);
        let stale = codegen::check(&out, &generated.files).unwrap();
        if !stale.is_empty() && std::env::var_os("CI").is_none() {
            // like prost's fixtures: outside CI, rewrite and still fail, so the change is seen and committed
            codegen::write(&out, &generated.files).unwrap();
        }
        diffs.extend(stale);
    }
    assert!(diffs.is_empty(), "generated code is stale; run `cargo codegen`\n{}", diffs.join("\n"));
}

#[test]
fn a_pending_gateway_folder_is_not_generated_and_says_why() {
    let dir = scratch_spec("pending", None, true);
    let path = dir.join("gateway.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    // written ahead of the schema: an unknown key would be an error, but the folder is skipped before that
    std::fs::write(&path, format!("codegen_pending: needs keys from the next issue\nfuture_key: 1\n{yaml}")).unwrap();
    assert_eq!(codegen::pending(&dir).as_deref(), Some("needs keys from the next issue"));
    let errors = render_errors(&dir);
    assert!(errors.contains("gateway.yaml:0:0: codegen_pending: generation is pending (needs keys"), "{errors}");
    assert_eq!(codegen::pending(&epsilon_spec()), None);
}

#[test]
fn the_generated_dir_comes_from_gateway_yaml() {
    let generated = codegen::generate(&epsilon_spec()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.gateway, "epsilon");
    assert_eq!(generated.out_dir, Path::new("epsilon-proto/src/generated"));
    let module = &generated.file("mod.rs").unwrap().contents;
    assert!(module.contains("pub const ENDPOINT_TEST: &str = \"https://beta.epsilon.jp/cgi-bin/order/\";"));
    assert!(module.contains("pub const ENDPOINT_PRODUCTION: &str = \"https://secure.epsilon.jp/cgi-bin/order/\";"));
}

#[test]
fn every_gateway_folder_is_generated_into_its_own_crate() {
    let epsilon = scratch_spec("two_gateways", None, true);
    let root = epsilon.parent().unwrap().to_path_buf();
    let demo = root.join("demo");
    copy_dir(&epsilon, &demo);
    let yaml = std::fs::read_to_string(demo.join("gateway.yaml")).unwrap();
    let yaml = yaml
        .replacen("name: epsilon", "name: demo", 1)
        .replacen("title: GMO Epsilon", "title: A demo gateway", 1)
        .replace("crate: epsilon-proto", "crate: demo-proto")
        .replace("generated: epsilon-proto/src/generated", "generated: demo-proto/src/generated");
    std::fs::write(demo.join("gateway.yaml"), yaml).unwrap();

    let dirs = codegen::gateway_dirs(&root);
    assert_eq!(dirs, [demo.clone(), epsilon.clone()], "sorted, one per folder with a gateway.yaml");
    let generated: Vec<_> = dirs.iter().map(|d| codegen::generate(d).unwrap_or_else(|e| panic!("{e}"))).collect();
    assert_eq!(generated[0].out_dir, Path::new("demo-proto/src/generated"));
    assert_eq!(generated[1].out_dir, Path::new("epsilon-proto/src/generated"));
    let module = &generated[0].file("mod.rs").unwrap().contents;
    assert!(module.contains("\"demo\",\n        \"A demo gateway\","), "GATEWAY comes from gateway.yaml:\n{module}");
    assert!(module.contains("from spec/demo/;"), "the header names the gateway's folder");
}

#[test]
fn changing_a_shared_limit_changes_every_operation_that_uses_it() {
    let dir = scratch_spec("limit", None, true);
    let path = dir.join("params.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let needle = "kind: text\n    max_bytes: 64";
    assert!(yaml.contains(needle), "user_name's limit moved in spec/epsilon/params.yaml");
    std::fs::write(&path, yaml.replacen(needle, "kind: text\n    max_bytes: 40", 1)).unwrap();

    let before = codegen::generate(&epsilon_spec()).unwrap();
    let after = codegen::generate(&dir).unwrap();
    // the limit is written once, in the shared parameter's constant
    let shared = |g: &codegen::Generated| {
        let src = &g.file("params.rs").unwrap().contents;
        let start = src.find("const USER_NAME:").unwrap();
        src[start..start + 400].to_owned()
    };
    assert!(shared(&before).contains("ByteLimit::Max(64)"));
    assert!(shared(&after).contains("ByteLimit::Max(40)"));
    for file in ["user_register.rs", "user_change.rs", "link_order.rs"] {
        let src = &after.file(file).unwrap().contents;
        let start = src.find("super::params::USER_NAME").unwrap_or_else(|| panic!("{file} uses the constant"));
        let call = &src[start..start + 300];
        let end = call
            .find("super::params::")
            .map_or(call.len(), |_| call[1..].find("super::params::").map_or(call.len(), |i| i + 1));
        assert!(!call[..end].contains("ByteLimit"), "{file} does not repeat the limit:\n{}", &call[..end]);
        assert!(src.contains("at most 40 bytes"), "{file}: the field docs follow the spec too");
    }
}

/// A scratch copy of `spec/kuroneko/` without its operations, with `overlay`'s files on top.
fn scratch_kuroneko(name: &str, overlay: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("epsilon-codegen-{}-{name}", std::process::id())).join("spec/kuroneko");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&codegen::default_spec_root().join("kuroneko"), &dir);
    std::fs::remove_dir_all(dir.join("operations")).unwrap();
    std::fs::create_dir_all(dir.join("operations")).unwrap();
    copy_dir(overlay, &dir);
    dir
}

#[test]
fn element_answer_fixture() {
    let dir = scratch_kuroneko("element_answer", &manifest().join("tests/fixtures/element_answer"));
    let generated = codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("element_answer_rs", generated.file("element_answer.rs").unwrap().contents);
    insta::assert_snapshot!("element_answer_mod_rs", generated.file("mod.rs").unwrap().contents);
}

/// Two operations answering the same group (name, `repeated`, elements) share one row view: the first in file order
/// defines and re-exports it, the other reads through it. A group that differs still clashes, with a hint.
#[test]
fn the_same_group_of_two_operations_shares_one_row_view() {
    let dir = scratch_kuroneko("shared_group", &manifest().join("tests/fixtures/shared_group"));
    let generated = codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    let first = &generated.file("a_first.rs").unwrap().contents;
    let second = &generated.file("b_second.rs").unwrap().contents;
    let squeeze = |s: &str| s.replace(char::is_whitespace, "");
    assert!(squeeze(first).contains("pubstructCardData<'r,'a>{pub(super)block:"), "{first}");
    assert!(first.contains("answer to `a_first` and to `b_second`"), "{first}");
    assert!(!second.contains("pub struct CardData"), "{second}");
    assert!(squeeze(second).contains("super::a_first::CardData{block}"), "{second}");
    let module = squeeze(&generated.file("mod.rs").unwrap().contents);
    assert_eq!(module.matches("CardData").count(), 1, "re-exported once: {module}");

    // the same name with other elements: two types would be needed, which is refused
    let other = std::fs::read_to_string(dir.join("operations/b_second.yaml")).unwrap();
    let other = other.replace("name: b_second", "name: c_third").replace("meaning: slot", "meaning: another slot");
    std::fs::write(dir.join("operations/c_third.yaml"), other).unwrap();
    let errors = codegen::generate(&dir).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        errors.contains("both need the Rust type CardData (a group of two operations shares one row view"),
        "{errors}"
    );
}

#[test]
fn every_mistake_with_checks_and_element_answers_is_reported() {
    let dir = scratch_spec("bad_checks", Some(&manifest().join("tests/errors/bad_checks")), false);
    insta::assert_snapshot!("bad_checks_errors", render_errors(&dir));
}

#[test]
fn all_kinds_fixture() {
    let dir = scratch_spec("all_kinds", Some(&manifest().join("tests/fixtures/all_kinds")), false);
    let generated = codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("all_kinds_rs", generated.file("all_kinds.rs").unwrap().contents);
    insta::assert_snapshot!("all_kinds_mod_rs", generated.file("mod.rs").unwrap().contents);
}

/// The `serde` Serialize of an incoming view redacts a parameter named in the gateway's secret names (marked or
/// not) and only those.
#[test]
fn incoming_views_serialize_secrets_redacted() {
    let dir = scratch_spec("incoming_secret", Some(&manifest().join("tests/fixtures/incoming_secret")), false);
    let generated = codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    // without the layout: no white space, no trailing comma before `)`
    let code =
        generated.file("incoming_secret.rs").unwrap().contents.replace(char::is_whitespace, "").replace(",)", ")");
    let redacted =
        |name: &str| format!("s.serialize_field(\"{name}\",&self.{name}().map(|_|::japay_core::secret::REDACTED))?;");
    let clear = |name: &str| format!("s.serialize_field(\"{name}\",&self.{name}())?;");
    for (name, secret) in [("trans_code", false), ("token", true), ("memo_secret", true)] {
        let expected = if secret { redacted(name) } else { clear(name) };
        assert!(code.contains(&expected), "{name}: expected {expected} in\n{code}");
    }
}

#[test]
fn every_semantic_mistake_is_reported_with_file_line_and_path() {
    let dir = scratch_spec("many_mistakes", Some(&manifest().join("tests/errors/many_mistakes")), false);
    insta::assert_snapshot!("many_mistakes_errors", render_errors(&dir));
}

#[test]
fn every_outcome_that_could_be_a_guess_is_a_spec_error() {
    let dir = scratch_spec("bad_outcomes", Some(&manifest().join("tests/errors/bad_outcomes")), false);
    insta::assert_snapshot!("bad_outcomes_errors", render_errors(&dir));
}

/// `effect`, `reconcile` and `route`: each mistake, including those that look across operations.
#[test]
fn every_call_mistake_is_reported() {
    let dir = scratch_spec("bad_calls", Some(&manifest().join("tests/errors/bad_calls")), false);
    insta::assert_snapshot!("bad_calls_errors", render_errors(&dir));
}

#[test]
fn every_gateway_mistake_is_reported() {
    let dir = scratch_spec("bad_gateway", Some(&manifest().join("tests/errors/bad_gateway")), true);
    insta::assert_snapshot!("bad_gateway_errors", render_errors(&dir));
}

#[test]
fn yaml_and_schema_errors_name_the_file() {
    let dir = scratch_spec("bad_yaml", Some(&manifest().join("tests/errors/bad_yaml")), false);
    insta::assert_snapshot!("bad_yaml_errors", render_errors(&dir));
}

#[test]
fn ascii_sets_treat_a_dash_after_a_range_as_literal() {
    // `A-Za-z0-9-.+/@`: the `-` right after `0-9` is literal; `.-+` would be a backwards range
    let dir = scratch_spec("ascii", None, false);
    std::fs::write(
        dir.join("operations/x.yaml"),
        "name: x\ncgi: x.cgi\ntitle_ja: x\ntitle_en: x\nsource: s\nfields:\n  - {wire: a, label_ja: a, meaning: m, required: \"○\", kind: ascii, ascii: \"A-Za-z0-9.-+/@\", source: s}\neffect: changes\n",
    )
    .unwrap();
    let errors = render_errors(&dir);
    assert!(errors.contains("fields[0].ascii: range .-+ is empty or not ASCII"), "{errors}");
}

#[test]
fn element_incoming_and_check_digit_fixture() {
    let dir = scratch_kuroneko("element_incoming", &manifest().join("tests/fixtures/element_incoming"));
    let generated = codegen::generate(&dir).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("element_incoming_rs", generated.file("element_incoming.rs").unwrap().contents);
    insta::assert_snapshot!("check_digit_rs", generated.file("check_digit.rs").unwrap().contents);
}

#[test]
fn every_check_digit_mistake_is_reported() {
    let dir = scratch_kuroneko("bad_check_digit", &manifest().join("tests/errors/bad_check_digit"));
    insta::assert_snapshot!("bad_check_digit_errors", render_errors(&dir));
}
