//! The text rules of Core v2, table-driven: control characters, blank values, NFC normalization, and hints that
//! only offer what can be sent. Each row is (what, options, request, expected report lines or `valid` with the body's
//! value).

use epsilon_proto::{Charset, LinkOrder, Options, UserRegister};

/// The report as `[rule] message` lines, or `valid`.
fn outcome(request: &UserRegister<'_>, options: Options) -> String {
    match request.validate(options) {
        Ok(()) => "valid".to_owned(),
        Err(report) => {
            report.violations().iter().map(|v| format!("[{}] {v}", v.kind.rule())).collect::<Vec<_>>().join("\n")
        }
    }
}

const CP932: Options = Options::new(Charset::Cp932);

#[test]
fn control_characters_are_pattern_violations_in_text_fields() {
    let expected = "expected text without control characters (U+0000-U+001F, U+007F-U+009F)";
    let cases: &[(&str, &str, usize)] = &[
        ("NUL", "a\u{0}b", 1),
        ("tab", "a\tb", 1),
        ("line feed", "10時\n12時", 3),
        ("carriage return", "\r", 0),
        ("escape", "\u{1B}[0m", 0),
        ("DEL", "abc\u{7F}", 3),
        ("C1 NEL", "山\u{85}", 1),
        ("C1 CSI", "\u{9B}", 0),
        ("C1 APC", "x\u{9F}", 1),
    ];
    for &(what, memo, at) in cases {
        for options in [CP932, Options::new(Charset::EucJp), Options::new(Charset::Utf8).normalize(true)] {
            let got = outcome(&UserRegister { memo1: Some(memo), ..crate::reports::user_register() }, options);
            let c = memo.chars().nth(at).unwrap();
            let want =
                format!("[pattern] memo1: character U+{:04X} at position {at} not allowed; {expected}", c as u32);
            assert_eq!(got, want, "{what} ({options:?})");
        }
    }
    // the characters around the control range are fine
    for memo in ["\u{20}x", "~", "\u{A0}", "\u{A1}"] {
        let got = outcome(
            &UserRegister { memo1: Some(memo), ..crate::reports::user_register() },
            Options::new(Charset::Utf8),
        );
        assert!(!got.contains("[pattern]"), "{memo:?}: {got}");
    }
}

#[test]
fn blank_required_values_are_required_and_blank_optional_values_are_sent() {
    let cases: &[(&str, &str)] = &[
        ("empty", ""),
        ("one space", " "),
        ("spaces", "   "),
        ("ideographic space", "\u{3000}"),
        ("mixed", " \u{3000} "),
        ("tab", "\t"),
        ("line breaks", "\r\n"),
        ("no-break space", "\u{A0}"),
    ];
    for &(what, blank) in cases {
        let got = outcome(&UserRegister { user_name: blank, ..crate::reports::user_register() }, CP932);
        assert_eq!(got, "[required] user_name: required", "{what}");
    }
    // optional and blank: checked like any value, and sent as given (not silently dropped)
    let request = UserRegister { memo1: Some("\u{3000}"), memo2: Some(" "), ..crate::reports::user_register() };
    let mut body = Vec::new();
    request.encode(CP932, &mut body).unwrap();
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("&memo1=%81%40&memo2=+&"), "{body}");
    let tab = UserRegister { memo1: Some("\t"), ..crate::reports::user_register() };
    assert!(outcome(&tab, CP932).starts_with("[pattern] memo1: character U+0009"), "{}", outcome(&tab, CP932));
    // a blank conditional field is required when its condition holds
    let order = LinkOrder {
        conveni_code: Some("31"),
        user_tel: Some("0312345678"),
        user_name_kana: Some("\u{3000}"),
        ..crate::reports::link_order()
    };
    let report = order.validate(CP932).unwrap_err();
    assert_eq!(report.violations().len(), 1);
    assert_eq!(
        (report.violations()[0].field.as_ref(), report.violations()[0].kind.rule()),
        ("user_name_kana", "required")
    );
}

/// The transport bytes of the value, or the report.
type Expected = Result<&'static [u8], &'static str>;

#[test]
fn normalize_composes_to_nfc_before_mapping_look_alikes() {
    // (value, charset, expected transport bytes of memo1 or the report)
    let cases: &[(&str, Charset, Expected)] = &[
        ("か\u{3099}", Charset::Cp932, Ok(b"\x82\xAA")), // が
        ("か\u{3099}", Charset::EucJp, Ok(b"\xA4\xAC")),
        ("か\u{3099}", Charset::Utf8, Ok("が".as_bytes())),
        ("ハ\u{309A}ン", Charset::Cp932, Ok(b"\x83p\x83\x93")), // パン
        ("10時\u{301C}12時", Charset::Cp932, Ok(b"10\x8E\x9E\x81\x6012\x8E\x9E")), // 〜 → ～
        ("\u{FA19}", Charset::Cp932, Ok(b"\xFB\x7E")),          // 神 (IBM extension) kept as typed, not U+795E
        ("\u{212B}", Charset::Cp932, Ok(b"\x81\xF0")),          // Å ANGSTROM SIGN kept: U+00C5 is not CP932
        (
            "e\u{301}x",
            Charset::Cp932,
            Err("[charset] memo1: character U+00E9 'é' at position 0 is not representable in CP932"),
        ),
        (
            "ab\u{3099}",
            Charset::Cp932,
            Err("[charset] memo1: character U+3099 '\u{3099}' at position 2 is not representable in CP932"),
        ),
        (
            "\u{FA19}",
            Charset::EucJp,
            Err("[charset] memo1: character U+FA19 '\u{FA19}' at position 0 is not representable in EUC-JP"),
        ),
    ];
    for &(memo, charset, expected) in cases {
        let options = Options::new(charset).normalize(true);
        let request = UserRegister { memo1: Some(memo), ..crate::reports::user_register() };
        match expected {
            Ok(bytes) => {
                let mut body = Vec::new();
                request.encode(options, &mut body).unwrap_or_else(|r| panic!("{memo:?} in {charset}: {r}"));
                let mut want = Vec::new();
                UserRegister { memo1: None, ..request }.encode(options, &mut want).unwrap();
                let body = String::from_utf8(body).unwrap();
                let escaped: String = bytes
                    .iter()
                    .map(|&b| match b {
                        b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'*' | b'-' | b'.' | b'_' => (b as char).to_string(),
                        _ => format!("%{b:02X}"),
                    })
                    .collect();
                assert!(body.contains(&format!("&memo1={escaped}&")), "{memo:?} in {charset}: {body}");
                assert_eq!(request.encoded_len(options).unwrap(), body.len());
            }
            Err(report) => assert_eq!(outcome(&request, options), report, "{memo:?} in {charset}"),
        }
    }
    // without normalize, the decomposed form is refused where it stands
    assert_eq!(
        outcome(&UserRegister { memo1: Some("か\u{3099}"), ..crate::reports::user_register() }, CP932),
        "[charset] memo1: character U+3099 '\u{3099}' at position 1 is not representable in CP932"
    );
    // NFC composes before the kind's rule: decomposed ガ is full-width katakana
    let order = LinkOrder {
        conveni_code: Some("31"),
        user_tel: Some("0312345678"),
        user_name_kana: Some("カ\u{3099}ス"),
        ..crate::reports::link_order()
    };
    assert!(order.validate(CP932.normalize(true)).is_ok());
    assert_eq!(order.validate(CP932).unwrap_err().violations()[0].kind.rule(), "pattern");
}

#[test]
fn hints_only_offer_a_look_alike_the_transport_can_send() {
    // (value, charset, hint or none)
    let cases: &[(&str, Charset, Option<char>)] = &[
        ("¦", Charset::Cp932, Some('￤')),
        ("¦", Charset::Utf8, Some('￤')), // UTF-8 requests are stored as CP932, which has ￤
        ("¦", Charset::EucJp, None),      // ￤ is an IBM extension: EUC-JP would refuse it too
        ("〜", Charset::EucJp, Some('～')),
        ("¥", Charset::EucJp, Some('￥')),
        ("😀", Charset::Cp932, None),
    ];
    for &(memo, charset, hint) in cases {
        let report = UserRegister { memo1: Some(memo), ..crate::reports::user_register() }
            .validate(Options::new(charset))
            .unwrap_err();
        match &report.violations()[0].kind {
            epsilon_proto::ViolationKind::Charset { normalizes_to, .. } => {
                assert_eq!(*normalizes_to, hint, "{memo} in {charset}");
            }
            other => panic!("{memo} in {charset}: {other:?}"),
        }
        // and when a hint is offered, taking it makes the value valid
        if hint.is_some() {
            let ok = UserRegister { memo1: Some(memo), ..crate::reports::user_register() }
                .validate(Options::new(charset).normalize(true));
            assert!(ok.is_ok(), "{memo} in {charset}: {ok:?}");
        }
    }
}
