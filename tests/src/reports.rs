//! insta snapshots of what people read: validator reports and decoded responses (the project's own fixtures in
//! `tests/data/responses/`). Update with `cargo insta review`; CI never writes snapshots.

use std::fmt::Write as _;
use std::path::PathBuf;

use epsilon_proto::answer::{ResultState, Version};
use epsilon_proto::{Answer, Charset, LinkOrder, Options, OrderInfo, UserChange, UserRegister};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/responses").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dump(response: &Answer<'_>) -> String {
    let mut out = String::new();
    let state = match response.result() {
        ResultState::Absent => "absent".to_owned(),
        ResultState::Empty => "empty".to_owned(),
        ResultState::Value(v) => format!("{v:?}"),
    };
    writeln!(out, "result: {state}; empty root: {}", response.is_empty()).unwrap();
    for a in response.attributes() {
        let borrowed = matches!(a.value, std::borrow::Cow::Borrowed(_));
        writeln!(out, "{} = {:?}{}", a.name, a.value, if borrowed { "" } else { "  (decoded)" }).unwrap();
    }
    out
}

#[test]
fn decoded_responses() {
    let cases = [
        ("link_order_redirect.xml", Version::V1),
        ("link_order_conveni.xml", Version::V1),
        ("order_info_found.xml", Version::V1),
        ("order_info_not_found.xml", Version::V1),
        ("error_908.xml", Version::V1),
        ("error_v2_utf8.xml", Version::V2),
        ("cancel_empty_result.xml", Version::V1),
    ];
    let mut out = String::new();
    for (name, version) in cases {
        let body = data(name);
        let response = Answer::parse(&body, version).unwrap_or_else(|e| panic!("{name}: {e}"));
        writeln!(out, "## {name} ({version:?})\n{}", dump(&response)).unwrap();
    }
    insta::assert_snapshot!(out);
}

#[test]
fn the_charset_is_chosen_by_the_version_never_guessed() {
    // ﾃｽﾄ in CP932 is also valid UTF-8 (ý + a continuation byte? no: %C3%BD is ý) — the version decides
    let body = b"<?xml version=\"1.0\"?><Epsilon_result><result n=\"%C3%BD\" /></Epsilon_result>";
    assert_eq!(Answer::parse(body, Version::V1).unwrap().get("n"), Some("ﾃｽ"));
    assert_eq!(Answer::parse(body, Version::V2).unwrap().get("n"), Some("ý"));
    // a version-2 (UTF-8) answer read as version 1 is an error or different text, never silently "fixed"
    let v2 = data("error_v2_utf8.xml");
    match Answer::parse(&v2, Version::V1) {
        Ok(r) => assert_ne!(r.get("err_detail"), Some("ユーザーIDの形式が異常です")),
        Err(e) => assert!(e.to_string().contains("err_detail"), "{e}"),
    }
}

#[test]
fn typed_views_read_codes_and_remediation() {
    let body = data("error_908.xml");
    let r = epsilon_proto::UserRegisterResponse::parse(&body, Version::V1).unwrap();
    let result = r.result().unwrap();
    assert_eq!(result.value(), "0");
    let err = r.err_code().unwrap().entry.unwrap();
    assert_eq!(err.code, "908");
    assert!(err.remediation.is_some());

    let found = data("order_info_found.xml");
    let info = epsilon_proto::OrderInfoResponse::parse(&found, Version::V1).unwrap();
    assert_eq!(info.answer().result(), ResultState::Absent, "getsales2 never sends result");
    assert_eq!(info.state().unwrap().entry.map(|e| e.code), Some("5"));
    assert_eq!(info.answer().get("new_attribute"), Some("kept"), "unknown attributes are kept");
    let not_found = data("order_info_not_found.xml");
    assert!(epsilon_proto::OrderInfoResponse::parse(&not_found, Version::V1).unwrap().answer().is_empty());
}

#[test]
fn typed_reading_accepts_the_fixtures_and_fails_closed_on_conflicts() {
    for (file, op) in [
        ("error_908.xml", "user_register"),
        ("order_info_found.xml", "order_info"),
        ("order_info_not_found.xml", "order_info"),
        ("link_order_redirect.xml", "link_order"),
        ("link_order_conveni.xml", "link_order"),
        ("cancel_empty_result.xml", "user_change"),
    ] {
        let spec = epsilon_proto::operation(op).and_then(|o| o.response).unwrap_or_else(|| panic!("{op}"));
        let body = data(file);
        let typed = Answer::parse_typed(&body, Version::V1, spec).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(typed, Answer::parse(&body, Version::V1).unwrap(), "{file}");
        // the same answer with its first attribute repeated with another value
        let first = typed.attributes().first().map(|a| a.name.to_owned());
        if let Some(name) = first {
            let text = String::from_utf8(body.clone()).unwrap();
            let doubled =
                text.replacen("</Epsilon_result>", &format!("<result {name}=\"x-other\"/></Epsilon_result>"), 1);
            let err = Answer::parse_typed(doubled.as_bytes(), Version::V1, spec).unwrap_err();
            assert_eq!(err.attribute(), Some(name.as_str()), "{file}");
        }
    }
}

fn report(r: Result<(), epsilon_proto::Report>) -> String {
    match r {
        Ok(()) => "valid".to_owned(),
        Err(report) => {
            report.violations().iter().map(|v| format!("[{}] {v}", v.kind.rule())).collect::<Vec<_>>().join("\n")
        }
    }
}

#[test]
fn validator_reports() {
    let base = user_register();
    let cp932 = Options::new(Charset::Cp932);
    let mut out = String::new();
    let mut case = |title: &str, r: Result<(), epsilon_proto::Report>| {
        writeln!(out, "## {title}\n{}\n", report(r)).unwrap();
    };
    case("valid registration", base.validate(cp932));
    case(
        "everything wrong at once",
        UserRegister {
            contract_code: "1234567",
            user_id: "U 0001",
            user_name: &"髙".repeat(33),
            user_mail_add: "taro+1@example.com",
            memo1: Some("10〜20"),
            memo2: Some("😀"),
        }
        .validate(cp932),
    );
    case("wave dash with normalize", UserRegister { memo1: Some("10〜20"), ..base }.validate(cp932.normalize(true)));
    case("yen sign is not representable", UserRegister { memo1: Some("¥100"), ..base }.validate(cp932));
    case("empty required fields", UserRegister::default().validate(cp932));
    case("half-width kana count 1 byte in CP932", UserRegister { user_name: &"ﾃ".repeat(64), ..base }.validate(cp932));
    case(
        "and 2 bytes in EUC-JP",
        UserRegister { user_name: &"ﾃ".repeat(64), ..base }.validate(Options::new(Charset::EucJp)),
    );
    case(
        "UTF-8 transport counts CP932 bytes",
        UserRegister { user_name: &"山".repeat(32), ..base }.validate(Options::new(Charset::Utf8)),
    );
    case("CP932-only characters are fine in CP932", UserRegister { user_name: "①㈱髙", ..base }.validate(cp932));
    case(
        "but not when sent as EUC-JP",
        UserRegister { user_name: "①㈱髙", ..base }.validate(Options::new(Charset::EucJp)),
    );
    case(
        "user_change st_code must be one of two",
        UserChange {
            contract_code: "12345678",
            user_id: "U0001",
            user_name: "x",
            user_mail_add: "a@b",
            st_code: "00100-0000-00000-00000-00000-00000-00000",
            memo1: None,
            memo2: None,
        }
        .validate(cp932),
    );
    case(
        "direct convenience-store order needs all three fields",
        LinkOrder { conveni_code: Some("31"), ..link_order() }.validate(cp932),
    );
    case(
        "unknown convenience store and bad st_code",
        LinkOrder {
            conveni_code: Some("99"),
            user_tel: Some("0312345678"),
            user_name_kana: Some("ヤマダ タロウ"),
            st_code: "00100-0000",
            ..link_order()
        }
        .validate(cp932),
    );
    case("order_info needs a key", OrderInfo { contract_code: "12345678", ..Default::default() }.validate(cp932));
    insta::assert_snapshot!(out);
}

/// A valid user registration, shared by the tests.
pub(crate) fn user_register() -> UserRegister<'static> {
    UserRegister {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        memo1: None,
        memo2: None,
    }
}

/// A valid link order (no convenience-store fields), shared by the tests.
pub(crate) fn link_order() -> LinkOrder<'static> {
    LinkOrder {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        item_code: "ITEM001",
        item_name: "テスト商品",
        order_number: "T20261122001",
        st_code: "00100-0000-00000-00000-00000-00000-00000",
        mission_code: "1",
        item_price: "1980",
        ..Default::default()
    }
}

#[test]
fn spec_readme_lists_every_uncertain_fact() {
    let readme = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/README.md")).unwrap();
    let section = readme.split("## Uncertain facts").nth(1).expect("spec/README.md has an Uncertain facts section");
    let flat = section.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut facts: Vec<(String, &str)> = Vec::new();
    for op in epsilon_proto::OPERATIONS {
        facts.extend(op.uncertain.map(|u| (format!("{} (operation)", op.name), u)));
        for f in op.fields {
            facts.extend(f.uncertain.map(|u| (format!("{}.{}", op.name, f.wire), u)));
        }
        for a in op.response.map_or(&[][..], |r| r.attributes) {
            facts.extend(a.uncertain.map(|u| (format!("{} response {}", op.name, a.name), u)));
        }
    }
    for t in epsilon_proto::generated::codes::TABLES {
        facts.extend(t.uncertain.map(|u| (format!("table {}", t.name), u)));
        for e in t.entries {
            facts.extend(e.uncertain.map(|u| (format!("{} {:?}", t.name, e.code), u)));
        }
    }
    for p in &epsilon_proto::generated::codes::ST_CODE_POSITIONS {
        facts.extend(p.uncertain.map(|u| (format!("st_code {}", p.label), u)));
    }
    assert!(facts.len() > 50, "only {} uncertain facts found", facts.len());
    let missing: Vec<_> = facts
        .iter()
        .filter(|(_, u)| !flat.contains(&u.split_whitespace().collect::<Vec<_>>().join(" ")))
        .map(|(w, _)| w.as_str())
        .collect();
    assert!(missing.is_empty(), "spec/README.md does not list the uncertain facts of: {missing:?}");
}
