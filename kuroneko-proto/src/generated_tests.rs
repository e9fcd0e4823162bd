//! The generated request types and answer views of `spec/kuroneko/`: exact request bytes, the limits (UTF-8 and
//! the CP932 second limit), the per-field checks, reading an E04 answer through its row view, and redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod credit;
mod round_trip;

use crate::generated::{GATEWAY, OPERATIONS, SECRET_NAMES, credit_token, trade_info};
use crate::{
    Charset, CreditToken, CreditTokenResponse, Options, OutcomeError, ResultData, TradeInfo, TradeInfoResponse,
};

/// Every request is sent UTF-8, the gateway's only transport.
fn utf8() -> Options<'static> {
    Options::new(Charset::Utf8)
}

fn sample() -> CreditToken<'static> {
    CreditToken {
        trader_code: "888888888",
        device_div: "2",
        order_no: "A-0001",
        settle_price: "1500",
        buyer_name_kanji: "山田 太郎",
        buyer_tel: "03-1234-5678",
        buyer_email: "taro@example.jp",
        pay_way: "1",
        token: "0123456789abcdef",
        ..Default::default()
    }
}

/// The rules broken by `request`, as (field, rule).
fn rules(request: &CreditToken<'_>) -> Vec<(String, &'static str)> {
    match request.validate(utf8()) {
        Ok(()) => Vec::new(),
        Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect(),
    }
}

fn one(field: &str, rule: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_owned(), rule)]
}

#[test]
fn the_spec_is_the_gateway_of_the_crate() {
    assert_eq!(GATEWAY.name, "kuroneko");
    assert_eq!(GATEWAY.transports, [Charset::Utf8]);
    let names: Vec<_> = OPERATIONS.iter().map(|o| o.name).collect();
    assert!(names.contains(&"credit_token") && names.contains(&"trade_info"), "{names:?}");
    for name in ["credit_token", "trade_info", "shipment_entry", "settlement_notification"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    let op = &credit_token::CREDIT_TOKEN;
    assert_eq!(op.path, "creditToken");
    // 14 numbered items, option_service_div, the stored-card fields, ec_cart_code, reserve_1, 20 x3ds2_* fields
    assert_eq!(op.fields.len(), 40);
    assert_eq!(op.field("function_div").and_then(|f| f.fixed), Some("A08"));
    assert_eq!(trade_info::TRADE_INFO.field("function_div").and_then(|f| f.fixed), Some("E04"));
    assert_eq!(
        GATEWAY.endpoint("test").map(|e| e.url(op)).as_deref(),
        Some("https://ptwebcollect.jp/test_gateway/creditToken.api")
    );
    assert_eq!(
        GATEWAY.endpoint("production").map(|e| e.url(op)).as_deref(),
        Some("https://api.kuronekoyamato.co.jp/api/creditToken")
    );
    // UTF-8 is the default transport: no marker parameters needed, and nothing else is taken (rule `transport`)
    for op in OPERATIONS {
        assert!(op.utf8_params.is_empty() && op.takes(Charset::Utf8), "{}", op.name);
        assert!(!op.takes(Charset::Cp932) && !op.takes(Charset::EucJp), "{}", op.name);
    }
    // the reader redacts the generated secret names themselves (no hand-written copy)
    assert_eq!(crate::answer::SECRET_NAMES, SECRET_NAMES);
    assert_eq!(GATEWAY.secret_names, SECRET_NAMES);
}

#[test]
fn a_credit_token_encodes_as_a_utf8_form_exactly() {
    let mut body = Vec::new();
    let n = sample().encode(utf8(), &mut body).unwrap();
    let expected = "function_div=A08&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500\
        &buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678\
        &buyer_email=taro%40example.jp&pay_way=1&token=0123456789abcdef";
    assert_eq!(String::from_utf8(body).unwrap(), expected);
    assert_eq!(n, expected.len());
    assert_eq!(sample().encoded_len(utf8()).unwrap(), expected.len());

    let trade = TradeInfo { trader_code: "888888888", order_no: "A-0001" };
    let mut body = Vec::new();
    trade.encode(utf8(), &mut body).unwrap();
    assert_eq!(body, b"function_div=E04&trader_code=888888888&order_no=A-0001");
}

#[test]
fn limits_count_utf8_bytes_and_the_second_limit_cp932_bytes() {
    // 20 full-width characters: 60 UTF-8 bytes, 40 CP932 bytes — the error text's own example
    let twenty = "山".repeat(20);
    assert!(rules(&CreditToken { buyer_name_kanji: &twenty, ..sample() }).is_empty());
    // 21: 63 UTF-8 bytes and 42 CP932 bytes break both limits; a field reports the first rule it breaks
    let twenty_one = "山".repeat(21);
    let report = CreditToken { buyer_name_kanji: &twenty_one, ..sample() }.validate(utf8()).unwrap_err();
    assert_eq!(report.to_string(), "buyer_name_kanji: 63 bytes in UTF-8, limit 60");
    // 41 ASCII characters: 41 bytes in both; only the CP932 limit breaks
    let ascii = "a".repeat(41);
    assert_eq!(rules(&CreditToken { buyer_name_kanji: &ascii, ..sample() }), one("buyer_name_kanji", "max_bytes"));
    // goods_name: 600 UTF-8 / 400 CP932
    let goods = "商".repeat(200);
    assert!(rules(&CreditToken { goods_name: Some(&goods), ..sample() }).is_empty());
    let goods = "商".repeat(201);
    let broken = rules(&CreditToken { goods_name: Some(&goods), ..sample() });
    assert_eq!(broken, one("goods_name", "max_bytes"));
    // 150 full-width and 150 ASCII: 600 UTF-8 bytes pass, 450 CP932 bytes do not
    let goods = format!("{}{}", "商".repeat(150), "a".repeat(150));
    let report = CreditToken { goods_name: Some(&goods), ..sample() }.validate(utf8()).unwrap_err();
    assert_eq!(report.to_string(), "goods_name: 450 bytes in CP932, limit 400");
}

#[test]
fn per_field_checks_apply() {
    #[rustfmt::skip]
    let cases: Vec<(CreditToken<'static>, Vec<(String, &'static str)>)> = vec![
        (CreditToken { buyer_tel: "0312345", ..sample() }, one("buyer_tel", "min_bytes")),
        (CreditToken { buyer_tel: "03123456", ..sample() }, vec![]),
        (CreditToken { settle_price: "0", ..sample() }, one("settle_price", "min_value")),
        (CreditToken { settle_price: "1", ..sample() }, vec![]),
        (CreditToken { trader_ec_url: Some("http://shop.example/3ds"), ..sample() }, one("trader_ec_url", "pattern")),
        (CreditToken { trader_ec_url: Some("https://shop.example/3ds"), ..sample() }, vec![]),
        (CreditToken { scheduled_shipping_date: Some("20260230"), ..sample() }, one("scheduled_shipping_date", "pattern")),
        (CreditToken { scheduled_shipping_date: Some("20260228"), ..sample() }, vec![]),
        (CreditToken { buyer_name_kanji: "ﾔﾏﾀﾞ ﾀﾛｳ", ..sample() }, one("buyer_name_kanji", "pattern")),
        (CreditToken { device_div: "3", ..sample() }, one("device_div", "value")),
        (CreditToken { token: "0123456789abcde", ..sample() }, one("token", "exact_bytes")),
        // the refused CP932 codes of gateway.yaml (facts §2.4), whatever the transport
        (CreditToken { buyer_name_kanji: "髙橋", ..sample() }, one("buyer_name_kanji", "charset")),
        (CreditToken { buyer_name_kanji: "山田①", ..sample() }, one("buyer_name_kanji", "charset")),
        (CreditToken { goods_name: Some("茶～"), ..sample() }, one("goods_name", "charset")),
        (CreditToken { goods_name: Some("茶―"), ..sample() }, one("goods_name", "charset")),
        (CreditToken { goods_name: Some("茶\u{E000}"), ..sample() }, one("goods_name", "charset")),
        (CreditToken { goods_name: Some("茶ー"), ..sample() }, vec![]),
    ];
    for (request, expected) in cases {
        assert_eq!(rules(&request), expected, "{request:?}");
    }
    // with normalize, the per-field checks count positions in the NFC form, like every other check: か + U+3099
    // twice is two characters (がが), so the refused half-width ｱ is at position 2
    let decomposed = CreditToken { buyer_name_kanji: "か\u{3099}か\u{3099}ｱ", ..sample() };
    let report = decomposed.validate(utf8().normalize(true)).unwrap_err();
    assert_eq!(report.violations()[0].kind.rule(), "pattern");
    assert!(report.to_string().contains("at position 2"), "{report}");
    let report = CreditToken { buyer_name_kanji: "山田①", ..sample() }.validate(utf8()).unwrap_err();
    assert_eq!(
        report.to_string(),
        "buyer_name_kanji: character U+2460 '①' at position 2 is refused by the gateway (NEC special characters (①, ㈱, Ⅰ, …))"
    );
    // △ fields whose condition is outside the request are optional
    assert!(rules(&CreditToken { trader_ec_url: None, scheduled_shipping_date: None, ..sample() }).is_empty());
}

#[test]
fn debug_and_violations_redact_the_token() {
    let request = CreditToken { token: "SECRETtoken_0001", ..sample() };
    let debug = format!("{request:?}");
    assert!(debug.contains("<redacted>") && !debug.contains("SECRET"), "{debug}");
    assert!(debug.contains("888888888"), "{debug}");
    let report = request.validate(utf8()).unwrap_err();
    let text = format!("{report} {report:?}");
    assert!(text.contains("token") && !text.contains("SECRET") && !text.contains("'_'"), "{text}");

    let body = b"<return><returnCode>0</returnCode><errorCode/><returnDate>20260401120000</returnDate>\
        <threeDAuthHtml>&lt;form/&gt;</threeDAuthHtml><threeDToken>0123456789abcdef0123456789abcdef</threeDToken></return>";
    let answer = CreditTokenResponse::parse(body).unwrap();
    assert!(answer.is_success());
    assert_eq!(answer.three_d_token(), Some("0123456789abcdef0123456789abcdef"));
    assert_eq!(answer.return_code().map(|c| c.value()), Some("0"));
    assert_eq!(answer.error_code().map(|c| c.value()), Some(""));
    let debug = format!("{answer:?}");
    assert!(!debug.contains("0123456789abcdef") && !debug.contains("form"), "{debug}");
}

#[test]
fn a_trade_info_answer_reads_through_its_row_view() {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><return><returnCode>0</returnCode><errorCode/>\
        <returnDate>20260401120000</returnDate><resultCount>2</resultCount>\
        <resultData><orderNo>A-0001</orderNo><settleDate/><settleMethod>1</settleMethod><statusInfo>4</statusInfo>\
        <crdCResCd>123456</crdCResCd><settlePrice>1500</settlePrice></resultData>\
        <resultData><orderNo>A-0002</orderNo><settleDate>20260401120000</settleDate><statusInfo>zz</statusInfo></resultData>\
        </return>";
    let answer = TradeInfoResponse::parse(body.as_bytes()).unwrap();
    assert!(answer.is_success());
    assert_eq!(answer.result_count(), Some("2"));
    let rows: Vec<ResultData<'_, '_>> = answer.result_data().collect();
    assert_eq!(rows.len(), 2);
    let first = rows[0];
    assert_eq!(first.order_no(), Some("A-0001"));
    assert_eq!(first.settle_date(), Some(""), "an empty element is an empty value");
    assert_eq!(first.crd_c_res_cd(), Some("123456"));
    assert_eq!(first.settle_price(), Some("1500"));
    assert_eq!(first.slip_no(), None, "an absent element is None");
    let status = first.status_info().unwrap();
    assert_eq!(status.value(), "4");
    assert!(status.entry.is_some(), "status 4 is a listed code");
    assert!(first.settle_method().unwrap().entry.is_some());
    let unknown = rows[1].status_info().unwrap();
    assert_eq!((unknown.value(), unknown.entry.is_none()), ("zz", true));

    let failed =
        TradeInfoResponse::parse(b"<return><returnCode>1</returnCode><errorCode>Z012000007</errorCode></return>")
            .unwrap();
    assert!(!failed.is_success());
    assert_eq!(failed.result_data().count(), 0);
    assert!(failed.error_code().unwrap().entry.is_some());
}

/// One row of the A08 table: the root elements, whether `is_success()`, and the outcome's variant name or error.
type A08Case<'a> = (&'a [(&'a str, &'a str)], bool, Result<&'a str, OutcomeError>);

/// An A08 answer with these root elements.
fn a08(elements: &[(&str, &str)]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><return>");
    for (name, text) in elements {
        if text.is_empty() {
            s.push_str(&format!("<{name}/>"));
        } else {
            s.push_str(&format!("<{name}>{text}</{name}>"));
        }
    }
    s.push_str("</return>");
    s
}

/// `returnCode` 0 is "accepted": the outcome tells an authorization from an answer that only starts 3-D Secure,
/// and refuses an answer that fits both or neither (the reviewer's repro: `is_success()` on a 3-D Secure answer).
#[test]
fn a08_outcomes_tell_authorized_from_three_d_secure_and_fail_closed() {
    use crate::CreditTokenOutcome;
    const HTML: (&str, &str) = ("threeDAuthHtml", "&lt;form&gt;&lt;/form&gt;");
    const TOKEN: (&str, &str) = ("threeDToken", "0123456789abcdef0123456789abcdef");
    const OK: (&str, &str) = ("returnCode", "0");
    const NO_ERROR: (&str, &str) = ("errorCode", "");
    let undecided = OutcomeError::Undecided { field: "returnCode", expected: &["crdCResCd", "threeDAuthHtml"] };
    let no_token = OutcomeError::MissingField { outcome: "three_d_secure", field: "threeDToken" };
    let cases: &[A08Case<'_>] = &[
        (&[OK, NO_ERROR, ("crdCResCd", "123456")], true, Ok("Authorized")),
        (&[OK, NO_ERROR, HTML, TOKEN], true, Ok("ThreeDSecure")),
        (&[OK, NO_ERROR, HTML, TOKEN, ("crdCResCd", "")], true, Ok("ThreeDSecure")),
        (
            &[OK, NO_ERROR, ("crdCResCd", "123456"), HTML, TOKEN],
            true,
            Err(OutcomeError::Ambiguous { field: "returnCode", outcomes: &["authorized", "three_d_secure"] }),
        ),
        // the page decides; without its token it is refused, and beside an approval number it is ambiguous
        (&[OK, NO_ERROR, HTML], true, Err(no_token)),
        (
            &[OK, NO_ERROR, ("crdCResCd", "123456"), HTML],
            true,
            Err(OutcomeError::Ambiguous { field: "returnCode", outcomes: &["authorized", "three_d_secure"] }),
        ),
        (&[OK, NO_ERROR, TOKEN], true, Err(undecided)),
        (&[OK, NO_ERROR, ("threeDAuthHtml", ""), TOKEN], true, Err(undecided)),
        (&[OK, NO_ERROR], true, Err(undecided)),
        // errorCode is an empty element on success (facts §3.1): an accepted answer with a code contradicts itself
        (&[OK, ("crdCResCd", "123456")], true, Ok("Authorized")),
        (
            &[OK, ("errorCode", "A082000003"), ("crdCResCd", "123456")],
            true,
            Err(OutcomeError::ErrorCodeOnSuccess { outcome: "authorized", field: "errorCode" }),
        ),
        (
            &[OK, ("errorCode", "A082000003"), HTML, TOKEN],
            true,
            Err(OutcomeError::ErrorCodeOnSuccess { outcome: "three_d_secure", field: "errorCode" }),
        ),
        (&[("returnCode", "1"), ("errorCode", "A082000003"), ("creditErrorCode", "G12")], false, Ok("Failure G12")),
        // an empty or absent creditErrorCode is no cause
        (&[("returnCode", "1"), ("errorCode", "A082000003"), ("creditErrorCode", "")], false, Ok("Failure")),
        (&[("returnCode", "1"), ("errorCode", "A082000003")], false, Ok("Failure")),
        // a code the table does not list is still the cause, without a row
        (&[("returnCode", "1"), ("errorCode", "A082000003"), ("creditErrorCode", "X99")], false, Ok("Failure X99?")),
        (
            &[("returnCode", "1"), NO_ERROR],
            false,
            Err(OutcomeError::MissingField { outcome: "failure", field: "errorCode" }),
        ),
        (
            &[("returnCode", "2"), ("crdCResCd", "123456")],
            false,
            Err(OutcomeError::UnknownResult { field: "returnCode" }),
        ),
        (
            &[("returnCode", ""), ("crdCResCd", "123456")],
            false,
            Err(OutcomeError::UnknownResult { field: "returnCode" }),
        ),
        (&[("crdCResCd", "123456")], false, Err(OutcomeError::MissingResult { field: "returnCode" })),
    ];
    for (elements, accepted, expected) in cases {
        let body = a08(elements);
        let answer = CreditTokenResponse::parse(body.as_bytes()).unwrap();
        assert_eq!(answer.is_success(), *accepted, "{elements:?}");
        let outcome = answer.outcome();
        let got = outcome.map(|o| match o {
            CreditTokenOutcome::Authorized => "Authorized".to_owned(),
            CreditTokenOutcome::ThreeDSecure { html, token } => {
                // the page is handed over as decoded, not URL-checked; the token as sent
                assert_eq!(html.expose(), "<form></form>");
                assert_eq!(token.expose(), TOKEN.1);
                "ThreeDSecure".to_owned()
            }
            CreditTokenOutcome::Failure { code, cause } => {
                assert_eq!(code.value(), "A082000003");
                match cause {
                    Some(c) => format!("Failure {}{}", c.value(), if c.entry.is_some() { "" } else { "?" }),
                    None => "Failure".to_owned(),
                }
            }
        });
        assert_eq!(got.as_deref().map_err(|e| *e), *expected, "{elements:?}");
        let debug = format!("{outcome:?}");
        assert!(!debug.contains("0123456789abcdef") && !debug.contains("form"), "no secret in the outcome: {debug}");
        // the neutral summary carries the kind and the cause
        let summary = crate::generated::credit_token::summarize(answer.answer());
        match (&summary, expected) {
            (Ok(s), Ok(word)) => {
                let kind = match *word {
                    "Authorized" => "ok",
                    "ThreeDSecure" => "tds_html",
                    _ => "failure",
                };
                assert_eq!(s.kind, kind, "{elements:?}");
                let cause = word.strip_prefix("Failure ").map(|c| c.trim_end_matches('?'));
                assert_eq!(s.cause().map(|c| c.value()), cause, "{elements:?}");
            }
            (Err(e), Err(x)) => assert_eq!(e, x),
            _ => panic!("summary and outcome disagree for {elements:?}"),
        }
    }
}
