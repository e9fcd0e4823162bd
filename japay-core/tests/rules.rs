//! The cross-field rules (conditions, `one_of`, forbidden fields) and the per-field checks, through the one walk
//! (`request::validate`) that calls them.

use japay_core::charset::TextPolicy;
use japay_core::request::{Options, validate};
use japay_core::spec::{
    BitmapPosition, BitmapSpec, Condition, ConditionTest, FieldCheck, FieldSpec, GatewaySpec, Marker, OneOf,
    OperationSpec, ValueKind,
};

static GATEWAY: GatewaySpec = GatewaySpec::new("unit", "unit test", TextPolicy::new());
static POSITIONS: [BitmapPosition; 3] = [
    BitmapPosition::new(1, "1", "card", "カード", "card"),
    BitmapPosition::new(2, "2", "bank", "銀行", "bank"),
    BitmapPosition::new(3, "A", "store", "コンビニ", "store"),
];
static METHODS: BitmapSpec = BitmapSpec::new("methods", "nn-n", &[2, 1], &POSITIONS);
static ORDER: OperationSpec = OperationSpec::new("order", &GATEWAY, "order.cgi")
    .with_fields(&[
        FieldSpec::new("methods", ValueKind::Bitmap(&METHODS)).with_marker(Marker::Required),
        FieldSpec::new("store", ValueKind::Text)
            .with_marker(Marker::Conditional)
            .with_condition(Condition::new(ConditionTest::BitSet { field: 0, pos: 3 }, "a store payment")),
        FieldSpec::new("kind", ValueKind::Text),
        FieldSpec::new("reason", ValueKind::Text)
            .with_marker(Marker::Conditional)
            .with_condition(Condition::new(ConditionTest::Equals { field: 2, value: "61" }, "kind 61")),
        FieldSpec::new("card_number", ValueKind::Text).secret(),
        FieldSpec::new("expire", ValueKind::Text),
        FieldSpec::new("token", ValueKind::Text).secret(),
    ])
    .with_one_of(&[OneOf::new("card_or_token", &[&[4, 5], &[6]], "card data (card_number, expire) or a token")]);

fn rules(values: &[Option<&str>]) -> Vec<(String, &'static str)> {
    match validate(&ORDER, values, Options::default()) {
        Ok(()) => Vec::new(),
        Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect(),
    }
}

const TOKEN: Option<&str> = Some("tok_secret_value");

mod checks {
    use japay_core::charset::{Charset, TextPolicy};
    use japay_core::request::{Options, ViolationKind, validate};
    use japay_core::spec::{
        AsciiSet, ByteLimit, CharClass, Condition, ConditionTest, DateFormat, FieldCheck, FieldSpec, GatewaySpec,
        Marker, OperationSpec, ValueKind,
    };

    const DIGITS: ValueKind = ValueKind::Ascii(AsciiSet::new(0x3ff << 48, "digits", "0-9"));
    const PRINTABLE: ValueKind = ValueKind::Ascii(AsciiSet::new(!0u128 << 33 & !(1u128 << 127), "ascii", "!-~"));

    // limits count UTF-8 bytes; every text value must survive CP932 (a typical UTF-8 gateway)
    static GATEWAY: GatewaySpec = GatewaySpec::new("unit", "unit test", TextPolicy::new().stored_in(Charset::Cp932));
    static FORM: OperationSpec = OperationSpec::new("form", &GATEWAY, "form").with_fields(&[
        FieldSpec::new("tel", ValueKind::Text).with_limit(ByteLimit::Max(13)).with_checks(&[FieldCheck::MinBytes(8)]),
        FieldSpec::new("price", DIGITS).with_checks(&[FieldCheck::MinValue(1)]),
        FieldSpec::new("url", PRINTABLE)
            .with_checks(&[FieldCheck::StartsWith { prefix: "https://", expected: "a value starting with https://" }]),
        FieldSpec::new("ship", DIGITS)
            .with_limit(ByteLimit::Exact(8))
            .with_checks(&[FieldCheck::Format(DateFormat::YyyyMmDd)]),
        FieldSpec::new("name", ValueKind::Text).with_limit(ByteLimit::Max(12)).with_checks(&[
            FieldCheck::MaxBytesIn { charset: Charset::Cp932, limit: 6 },
            FieldCheck::Forbid(CharClass::HalfwidthKana),
        ]),
        FieldSpec::new("secret_name", ValueKind::Text)
            .secret()
            .with_checks(&[FieldCheck::Forbid(CharClass::HalfwidthKana)]),
        FieldSpec::new("return_url", PRINTABLE).with_marker(Marker::Conditional).with_condition(Condition::new(
            ConditionTest::External,
            "3-D Secure (decided by how the token was issued)",
        )),
    ]);

    /// The violations of a request with `value` in field `field` (every other field absent).
    fn check(field: usize, value: &str, options: Options) -> Vec<ViolationKind> {
        let mut values = [None; 7];
        values[field] = Some(value);
        match validate(&FORM, &values, options) {
            Ok(()) => Vec::new(),
            Err(r) => r.into_violations().into_iter().map(|v| v.kind).collect(),
        }
    }

    const UTF8: Options = Options::new(Charset::Utf8);

    #[test]
    fn each_check_reports_its_rule_and_never_the_value() {
        #[rustfmt::skip]
        let cases: &[(usize, &str, &[&str])] = &[
            // min_bytes, counted like the field's limit (UTF-8 here)
            (0, "0312345678", &[]),
            (0, "03123456", &[]),
            (0, "0312345", &["min_bytes"]),
            (0, "03123456789012", &["max_bytes"]),
            (0, "〇三一二", &[]), // 4 characters, 12 UTF-8 bytes
            // min_value: decimal, leading zeros and huge values
            (1, "1", &[]),
            (1, "0001", &[]),
            (1, "0", &["min_value"]),
            (1, "000", &["min_value"]),
            (1, "99999999999999999999999999", &[]),
            (1, "1a", &["pattern"]), // the kind fails first; no second violation
            // starts_with
            (2, "https://shop.example/3ds", &[]),
            (2, "http://shop.example/3ds", &["pattern"]),
            (2, "HTTPS://shop.example", &["pattern"]),
            // format
            (3, "20260401", &[]),
            (3, "20260230", &["pattern"]),
            (3, "2026040", &["exact_bytes"]), // one violation a field: the first rule it breaks
            // max_bytes_in: UTF-8 limit 12, CP932 limit 6
            (4, "山田太郎", &["max_bytes"]), // 12 UTF-8 bytes pass, 8 CP932 bytes do not
            (4, "山田太", &[]),            // 9 UTF-8, 6 CP932
            (4, "abcdefg", &["max_bytes"]), // 7 CP932 bytes
            (4, "山田太郎a", &["max_bytes"]), // 13 UTF-8 bytes: the field's own limit first
            // forbid
            (4, "ﾔﾏﾀﾞ", &["pattern"]),
            (4, "ヤマダ", &[]),
            // an external condition is never required by validation
            (6, "https://x", &[]),
        ];
        for &(field, value, rules) in cases {
            let found = check(field, value, UTF8);
            let names: Vec<_> = found.iter().map(ViolationKind::rule).collect();
            assert_eq!(names, rules, "field {field} value {value:?}: {found:?}");
            for v in &found {
                let text = format!("{v} {v:?}");
                assert!(value.len() < 3 || !text.contains(value), "the value leaks: {text}");
            }
        }
    }

    /// The local-sandbox switch: an `https://` prefix also takes `http://` to a loopback host, then a port, a path,
    /// a query or the end; never anything a browser could read as another host, and never without the switch.
    #[test]
    fn the_local_sandbox_switch_takes_loopback_http_only() {
        let sandbox = UTF8.local_sandbox(true);
        #[rustfmt::skip]
        let cases: [(&str, bool, bool); 16] = [
            // (value, accepted without the switch, accepted with it)
            ("https://shop.example/3ds", true, true),
            ("http://127.0.0.1:8080/return", false, true),
            ("http://127.0.0.1", false, true),
            ("http://127.9.8.7/x", false, true),
            ("http://localhost/3ds?x=1", false, true),
            ("http://localhost:3000", false, true),
            ("http://[::1]:8080/", false, true),
            ("http://[::1]", false, true),
            ("http://127.0.0.1.evil.com/", false, false),
            ("http://localhost@evil/", false, false),
            ("http://localhost:80@evil/", false, false),
            ("http://[::1]x", false, false),
            ("http://localhost.evil.example/", false, false),
            ("http://128.0.0.1/", false, false),
            ("http://shop.example/", false, false),
            ("ftp://127.0.0.1/", false, false),
        ];
        for (value, plain, local) in cases {
            assert_eq!(check(2, value, UTF8).is_empty(), plain, "{value} without the switch");
            assert_eq!(check(2, value, sandbox).is_empty(), local, "{value} with the switch");
        }
    }

    #[test]
    fn messages_name_the_bound_and_charset() {
        let v = check(0, "0312345", UTF8);
        assert_eq!(v, [ViolationKind::MinBytes { charset: Charset::Utf8, actual: 7, limit: 8 }]);
        assert_eq!(v[0].to_string(), "7 bytes in UTF-8, at least 8 required");
        let v = check(1, "0", UTF8);
        assert_eq!(v[0].to_string(), "expected a number of at least 1");
        let v = check(4, "山田太郎", UTF8);
        assert_eq!(v, [ViolationKind::MaxBytes { charset: Charset::Cp932, actual: 8, limit: 6 }]);
        let v = check(2, "http://x", UTF8);
        assert_eq!(v[0].to_string(), "expected a value starting with https://");
        let v = check(3, "20261301", UTF8);
        assert_eq!(v[0].to_string(), "expected a valid date written yyyyMMdd");
        let v = check(4, "山ﾀﾞ", UTF8);
        assert_eq!(
            v[0],
            ViolationKind::Pattern { expected: CharClass::HalfwidthKana.expected(), ch: Some('ﾀ'), char_index: 1 }
        );
    }

    #[test]
    fn secret_fields_hide_the_refused_character() {
        let v = check(5, "ｶﾞ", UTF8);
        assert_eq!(
            v,
            [ViolationKind::Pattern { expected: CharClass::HalfwidthKana.expected(), ch: None, char_index: 0 }]
        );
    }

    #[test]
    fn min_bytes_counts_in_the_transport_limit_charset() {
        // sent as CP932, 4 kanji are 8 bytes: the lower bound holds; 3 are 6 bytes
        let cp932 = Options::new(Charset::Cp932);
        assert!(check(0, "〇三一二", cp932).is_empty());
        assert_eq!(check(0, "〇三一", cp932)[0].rule(), "min_bytes");
    }
}

// process 1: card data or a token; process 2 (the registered card): neither, and no card data at all
static CHARGE: OperationSpec = OperationSpec::new("charge", &GATEWAY, "charge.cgi")
    .with_fields(&[
        FieldSpec::new("process", ValueKind::Text).with_marker(Marker::Required).with_allowed(&["1", "2"]),
        FieldSpec::new("card_number", ValueKind::Text)
            .secret()
            .with_forbidden(Condition::new(ConditionTest::Equals { field: 0, value: "2" }, "process 2")),
        FieldSpec::new("token", ValueKind::Text)
            .secret()
            .with_forbidden(Condition::new(ConditionTest::Equals { field: 0, value: "2" }, "process 2")),
        FieldSpec::new("methods", ValueKind::Bitmap(&METHODS)).with_checks(&[
            FieldCheck::BitsRequired { mask: 0b100, expected: "methods with position A set" },
            FieldCheck::BitsAllowed { mask: 0b101, expected: "methods with no position but 1 and A set" },
        ]),
    ])
    .with_one_of(&[OneOf::new("card_or_token", &[&[1], &[2]], "card data or a token")
        .with_condition(Condition::new(ConditionTest::Equals { field: 0, value: "1" }, "process 1"))]);

fn charge(values: &[Option<&str>]) -> Vec<(String, &'static str)> {
    match validate(&CHARGE, values, Options::default()) {
        Ok(()) => Vec::new(),
        Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect(),
    }
}

/// A request of [`CHARGE`] and the (field, rule) pairs it breaks.
type Row<'a> = ([Option<&'a str>; 4], &'a [(&'a str, &'a str)]);

#[test]
fn conditional_one_of_and_forbidden_fields_follow_their_conditions() {
    let card = Some("4242424242424242");
    #[rustfmt::skip]
    let cases: &[Row<'_>] = &[
        ([Some("1"), card, None, None], &[]),
        ([Some("1"), None, TOKEN, None], &[]),
        ([Some("1"), None, None, None], &[("card_or_token", "one_of")]),
        ([Some("1"), card, TOKEN, None], &[("card_or_token", "one_of")]),
        ([Some("2"), None, None, None], &[]),
        ([Some("2"), card, None, None], &[("card_number", "forbidden")]),
        ([Some("2"), card, TOKEN, None], &[("card_number", "forbidden"), ("token", "forbidden")]),
        // no process: its own violation; neither rule applies
        ([None, None, None, None], &[("process", "required")]),
        ([Some("3"), card, None, None], &[("process", "value")]),
    ];
    for (values, expected) in cases {
        let want: Vec<(String, &str)> = expected.iter().map(|(f, r)| ((*f).to_owned(), *r)).collect();
        assert_eq!(charge(values), want, "{:?}", values[0]);
    }
    let report = validate(&CHARGE, &[Some("2"), card, None, None], Options::default()).unwrap_err();
    assert_eq!(report.to_string(), "card_number: not allowed for process 2; leave it out");
    assert!(!format!("{report:?}").contains("4242"), "values never reach violations");
}

#[test]
fn bitmap_checks_need_and_allow_positions() {
    #[rustfmt::skip]
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("00-1", &[]),
        ("10-1", &[]),
        ("00-0", &[("methods", "bits")]),
        ("10-0", &[("methods", "bits")]),
        ("01-1", &[("methods", "bits")]),
        ("1-1", &[("methods", "pattern")]), // not a bitmap: the kind decides
    ];
    for &(bitmap, expected) in cases {
        let want: Vec<(String, &str)> = expected.iter().map(|(f, r)| ((*f).to_owned(), *r)).collect();
        assert_eq!(charge(&[Some("2"), None, None, Some(bitmap)]), want, "{bitmap}");
    }
    let report = validate(&CHARGE, &[Some("2"), None, None, Some("01-1")], Options::default()).unwrap_err();
    assert_eq!(report.to_string(), "methods: expected methods with no position but 1 and A set");
}

#[test]
fn bit_set_condition_follows_the_bit_by_position() {
    let base = [Some("00-1"), None, None, None, None, None, TOKEN];
    assert_eq!(rules(&base), [("store".to_owned(), "required")]);
    let off = [Some("11-0"), None, None, None, None, None, TOKEN];
    assert!(rules(&off).is_empty());
    // an invalid bitmap is its own violation; the condition does not hold
    let bad = [Some("1-1"), None, None, None, None, None, TOKEN];
    assert_eq!(rules(&bad), [("methods".to_owned(), "pattern")]);
}

#[test]
fn equals_condition_compares_the_exact_value() {
    let v = [Some("10-0"), None, Some("61"), None, None, None, TOKEN];
    let report = validate(&ORDER, &v, Options::default()).unwrap_err();
    assert_eq!(report.to_string(), "reason: required for kind 61");
    let other = [Some("10-0"), None, Some("610"), None, None, None, TOKEN];
    assert!(rules(&other).is_empty());
}

#[test]
fn one_of_needs_exactly_one_complete_alternative() {
    let none = [Some("10-0"), None, None, None, None, None, None];
    let report = validate(&ORDER, &none, Options::default()).unwrap_err();
    assert_eq!(
        report.to_string(),
        "card_or_token: expected exactly one of card data (card_number, expire) or a token, found 0"
    );
    let both = [Some("10-0"), None, None, None, Some("4242424242424242"), Some("2912"), TOKEN];
    let report = validate(&ORDER, &both, Options::default()).unwrap_err();
    assert_eq!(report.violations()[0].kind.rule(), "one_of");
    let text = format!("{report} {report:?}");
    assert!(!text.contains("4242") && !text.contains("tok_secret"), "values never reach violations: {text}");
    let partial = [Some("10-0"), None, None, None, Some("4242424242424242"), None, None];
    assert_eq!(rules(&partial), [("expire".to_owned(), "required")]);
    let card = [Some("10-0"), None, None, None, Some("4242424242424242"), Some("2912"), None];
    assert!(rules(&card).is_empty());
}

/// `equals_any`: a field required while another has one of several values (Kuroneko's `security_code` for
/// `auth_div` 2 or 3).
#[test]
fn equals_any_holds_for_each_listed_value_only() {
    static PAY: OperationSpec = OperationSpec::new("pay", &GATEWAY, "pay").with_fields(&[
        FieldSpec::new("auth", ValueKind::Text),
        FieldSpec::new("code", ValueKind::Text)
            .with_marker(Marker::Conditional)
            .with_condition(Condition::new(ConditionTest::EqualsAny { field: 0, values: &["2", "3"] }, "auth 2 or 3")),
    ]);
    for (auth, code, expected) in [
        (Some("2"), None, &[("code", "required")][..]),
        (Some("3"), None, &[("code", "required")]),
        (Some("3"), Some("123"), &[]),
        (Some("1"), None, &[]),
        (Some("23"), None, &[]),
        (Some(""), None, &[]),
        (None, None, &[]),
    ] {
        let got: Vec<(String, &str)> = match validate(&PAY, &[auth, code], Options::default()) {
            Ok(()) => Vec::new(),
            Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect(),
        };
        let expected: Vec<(String, &str)> = expected.iter().map(|(f, r)| ((*f).to_owned(), *r)).collect();
        assert_eq!(got, expected, "auth {auth:?}, code {code:?}");
    }
}

/// A check digit that applies while another field has one value (a mod-7 tracking number of one shipping company),
/// written before or after that field; with no condition it always applies.
mod check_digit {
    use japay_core::charset::TextPolicy;
    use japay_core::request::{Options, ViolationKind, validate};
    use japay_core::spec::{
        AsciiSet, CheckDigit, CheckDigitRule, FieldCheck, FieldSpec, GatewaySpec, Marker, OperationSpec, ValueKind,
    };

    const CODE: ValueKind = ValueKind::Ascii(AsciiSet::new(0x3ff << 48 | 0x7ff_fffe << 64, "ascii", "0-9A-Z"));
    static GATEWAY: GatewaySpec = GatewaySpec::new("unit", "unit test", TextPolicy::new());
    const RULE: CheckDigit = CheckDigit::new(CheckDigitRule::Mod7, 12, "a 12-digit number, last = rest mod 7");
    static SHIP: OperationSpec = OperationSpec::new("ship", &GATEWAY, "ship").with_fields(&[
        FieldSpec::new("number", CODE)
            .with_marker(Marker::Required)
            .with_checks(&[FieldCheck::CheckDigit(RULE.when_equals(1, "00"))]),
        FieldSpec::new("company", CODE).with_marker(Marker::Required),
        FieldSpec::new("always", CODE).with_checks(&[FieldCheck::CheckDigit(RULE)]),
    ]);

    /// (field, violation) pairs, in order.
    type Found = Vec<(String, ViolationKind)>;

    fn rules(values: &[Option<&str>]) -> Found {
        match validate(&SHIP, values, Options::default()) {
            Ok(()) => Vec::new(),
            Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.clone())).collect(),
        }
    }

    #[test]
    fn applies_while_the_other_field_has_the_value() {
        let bad = ViolationKind::Pattern { expected: "a 12-digit number, last = rest mod 7", ch: None, char_index: 0 };
        // 12345678901 mod 7 = 3
        let table: [(&[Option<&str>], Found); 7] = [
            (&[Some("123456789013"), Some("00")], vec![]),
            (&[Some("123456789010"), Some("00")], vec![("number".into(), bad.clone())]),
            (&[Some("ORDER1"), Some("00")], vec![("number".into(), bad.clone())]),
            (&[Some("123456789010"), Some("99")], vec![]),
            (&[Some("ORDER1"), Some("99")], vec![]),
            (&[Some("ORDER1"), None], vec![("company".into(), ViolationKind::Required { condition: None })]),
            (&[Some("123456789013"), Some("99"), Some("1234567890")], vec![("always".into(), bad.clone())]),
        ];
        for (values, expected) in table {
            assert_eq!(rules(values), expected, "{values:?}");
        }
    }
}
