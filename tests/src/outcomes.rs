//! Generated `outcome()`s: each documented outcome is recognised from answers shaped like the recorded ones, and
//! every answer that fits none is an error (fail closed), never a guess.

use epsilon_proto::generated::codes::ResultCode;
use epsilon_proto::{
    CaptureOutcome, CaptureResponse, CardPaymentOutcome, CardPaymentResponse, Charset, LinkOrderOutcome,
    LinkOrderResponse, Options, OrderInfoOutcome, OrderInfoResponse, OutcomeError, UserChangeOutcome,
    UserChangeResponse, UserRegisterOutcome, UserRegisterResponse, Version,
};

fn body(attrs: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n<Epsilon_result>\r\n");
    for (name, value) in attrs {
        s.push_str(&format!("  <result {name}=\"{value}\" />\r\n"));
    }
    s.push_str("</Epsilon_result>\r\n");
    s.into_bytes()
}

#[test]
fn user_register_redirect_and_failure() {
    let ok = body(&[
        ("result", "1"),
        ("redirect", "https%3A%2F%2Fbeta.epsilon.jp%2Fcgi-bin%2Forder%2Fcard3.cgi%3Ftrans_code%3DAbC"),
    ]);
    let answer = UserRegisterResponse::parse(&ok, Version::V1).unwrap();
    assert_eq!(
        answer.outcome(),
        Ok(UserRegisterOutcome::Redirect { url: "https://beta.epsilon.jp/cgi-bin/order/card3.cgi?trans_code=AbC" })
    );
    let failed = body(&[("result", "0"), ("err_code", "908"), ("err_detail", "%82%B1%82%CCCGI")]);
    let answer = UserRegisterResponse::parse(&failed, Version::V1).unwrap();
    let Ok(UserRegisterOutcome::Failure { code, detail }) = answer.outcome() else { panic!("{:?}", answer.outcome()) };
    assert_eq!(code.value(), "908");
    assert!(code.entry.unwrap().remediation.is_some());
    assert_eq!(detail, Some("このCGI"));
}

#[test]
fn outcomes_fail_closed() {
    let cases: [(&[(&str, &str)], OutcomeError); 5] = [
        (&[("result", "1")], OutcomeError::MissingField { outcome: "redirect", field: "redirect" }),
        (&[("result", "1"), ("redirect", "")], OutcomeError::MissingField { outcome: "redirect", field: "redirect" }),
        (&[("result", "3")], OutcomeError::UnknownResult { field: "result" }),
        (&[("err_code", "601")], OutcomeError::MissingResult { field: "result" }),
        (&[("result", "0"), ("err_detail", "x")], OutcomeError::MissingField { outcome: "failure", field: "err_code" }),
    ];
    for (attrs, expected) in cases {
        let b = body(attrs);
        let answer = UserRegisterResponse::parse(&b, Version::V1).unwrap();
        assert_eq!(answer.outcome(), Err(expected), "{attrs:?}");
    }
    let empty = body(&[]);
    let answer = UserRegisterResponse::parse(&empty, Version::V1).unwrap();
    assert_eq!(answer.outcome(), Err(OutcomeError::Empty));
}

#[test]
fn link_order_tells_redirect_from_convenience_slip_and_refuses_neither() {
    let slip = body(&[("result", "1"), ("trans_code", "504052"), ("conveni_code", "31"), ("receipt_no", "0005180")]);
    let answer = LinkOrderResponse::parse(&slip, Version::V1).unwrap();
    assert_eq!(answer.outcome(), Ok(LinkOrderOutcome::ConvenienceSlip));
    assert_eq!(answer.receipt_no(), Some("0005180"));
    let redirect = body(&[("result", "1"), ("redirect", "https%3A%2F%2Fbeta.epsilon.jp%2Fx")]);
    let answer = LinkOrderResponse::parse(&redirect, Version::V1).unwrap();
    assert_eq!(answer.outcome(), Ok(LinkOrderOutcome::Redirect { url: "https://beta.epsilon.jp/x" }));
    let neither = body(&[("result", "1"), ("trans_code", "1")]);
    let answer = LinkOrderResponse::parse(&neither, Version::V1).unwrap();
    let err = answer.outcome().unwrap_err();
    assert_eq!(err, OutcomeError::Undecided { field: "result", expected: &["redirect", "receipt_no"] });
    assert!(err.to_string().starts_with("the result value is known"), "{err}");
}

const REDIRECT: (&str, &str) = ("redirect", "https%3A%2F%2Fbeta.epsilon.jp%2Fx");

/// One row of an outcome table: the answer's attributes and the outcome expected.
type Case<'a, T> = (&'a [(&'a str, &'a str)], Result<T, OutcomeError>);

/// An answer that fits more than one outcome of its result value is refused, never decided by the order of the
/// spec (the reviewer's repro: `result="1"` with a `redirect` and a `receipt_no` used to be `Redirect`).
#[test]
fn an_answer_that_fits_two_outcomes_is_ambiguous() {
    let link_order: &[Case<'_, LinkOrderOutcome<'_>>] = &[
        (
            &[("result", "1"), REDIRECT, ("receipt_no", "0005180")],
            Err(OutcomeError::Ambiguous { field: "result", outcomes: &["redirect", "convenience_slip"] }),
        ),
        (
            &[("result", "1"), ("receipt_no", "0005180"), REDIRECT],
            Err(OutcomeError::Ambiguous { field: "result", outcomes: &["redirect", "convenience_slip"] }),
        ),
        // an empty value is absent: no competition
        (
            &[("result", "1"), REDIRECT, ("receipt_no", "")],
            Ok(LinkOrderOutcome::Redirect { url: "https://beta.epsilon.jp/x" }),
        ),
        (&[("result", "1"), ("redirect", ""), ("receipt_no", "0005180")], Ok(LinkOrderOutcome::ConvenienceSlip)),
        (
            &[("result", "1"), ("redirect", ""), ("receipt_no", "")],
            Err(OutcomeError::Undecided { field: "result", expected: &["redirect", "receipt_no"] }),
        ),
    ];
    for (attrs, expected) in link_order {
        let b = body(attrs);
        let answer = LinkOrderResponse::parse(&b, Version::V1).unwrap();
        assert_eq!(&answer.outcome(), expected, "{attrs:?}");
    }
    let user_change: &[Case<'_, UserChangeOutcome<'_>>] = &[
        (
            &[("result", "1"), REDIRECT, ("user_id", "U1")],
            Err(OutcomeError::Ambiguous { field: "result", outcomes: &["redirect", "changed"] }),
        ),
        (&[("result", "1"), REDIRECT], Ok(UserChangeOutcome::Redirect { url: "https://beta.epsilon.jp/x" })),
        (&[("result", "1"), ("user_id", "U1"), ("user_mail_add", "a%40b.jp")], Ok(UserChangeOutcome::Changed)),
        (&[("result", "1")], Err(OutcomeError::Undecided { field: "result", expected: &["redirect", "user_id"] })),
    ];
    for (attrs, expected) in user_change {
        let b = body(attrs);
        let answer = UserChangeResponse::parse(&b, Version::V1).unwrap();
        assert_eq!(&answer.outcome(), expected, "{attrs:?}");
    }
    let err = OutcomeError::Ambiguous { field: "result", outcomes: &["redirect", "changed"] };
    assert_eq!(err.to_string(), "the answer fits more than one outcome of its result value (redirect, changed)");
}

/// getsales2 sends no `result`; a found order is recognised by the fields every found answer carries, so an error
/// answer without `result` is not a found order (the reviewer's repro: err_code 908 used to be `Found`).
#[test]
fn order_info_without_result_is_found_only_with_the_found_fields() {
    let undecided = Err(OutcomeError::Undecided { field: "result", expected: &["trans_code", "state"] });
    let cases: &[Case<'_, OrderInfoOutcome<'_>>] = &[
        // the repro, byte for byte below as well
        (&[("err_code", "908"), ("err_detail", "%8F%88%97%9D")], undecided),
        (&[("foo", "x")], undecided),
        (&[("err_code", "908")], undecided),
        (&[("trans_code", "738442")], undecided),
        (&[("state", "1")], undecided),
        (&[("trans_code", ""), ("state", "1")], undecided),
        (&[("trans_code", "738442"), ("state", "1")], Ok(OrderInfoOutcome::Found)),
        (
            &[("state", "1"), ("trans_code", "738442"), ("order_number", "O1"), ("paid", "1")],
            Ok(OrderInfoOutcome::Found),
        ),
        (&[], Ok(OrderInfoOutcome::NotFound)),
        (
            &[("result", "1"), ("trans_code", "738442"), ("state", "1")],
            Err(OutcomeError::UnknownResult { field: "result" }),
        ),
        (&[("result", "9")], Err(OutcomeError::MissingField { outcome: "failure", field: "err_code" })),
    ];
    for (attrs, expected) in cases {
        let b = body(attrs);
        let answer = OrderInfoResponse::parse(&b, Version::V1).unwrap();
        assert_eq!(&answer.outcome(), expected, "{attrs:?}");
    }
    let repro = br#"<Epsilon_result><result err_code="908"/><result err_detail="%8F%88%97%9D"/></Epsilon_result>"#;
    let answer = OrderInfoResponse::parse(repro, Version::V1).unwrap();
    assert_eq!(answer.outcome(), undecided);
    let repro = br#"<Epsilon_result><result foo="x"/></Epsilon_result>"#;
    assert_eq!(OrderInfoResponse::parse(repro, Version::V1).unwrap().outcome(), undecided);
}

/// `ErrorCodeOnSuccess` of `outcome`, as any operation's `outcome()` returns it.
fn on_success<T>(outcome: &'static str) -> Result<T, OutcomeError> {
    Err(OutcomeError::ErrorCodeOnSuccess { outcome, field: "err_code" })
}

/// `InsecureUrl` of `outcome` and `field`, as any operation's `outcome()` returns it.
fn insecure<T>(outcome: &'static str, field: &'static str) -> Result<T, OutcomeError> {
    Err(OutcomeError::InsecureUrl { outcome, field })
}

/// The gateway sends `err_code=""` on every success (facts §4.2, §4.3 Q9): an outcome other than a failure whose
/// answer carries an error code contradicts itself and is refused (the reviewer's repro: `result="1"` with
/// `err_code="601"` used to be `captured`).
#[test]
fn an_error_code_on_a_success_is_refused() {
    let capture: &[Case<'_, CaptureOutcome<'_>>] = &[
        (&[("result", "1"), ("err_code", "")], Ok(CaptureOutcome::Captured)),
        (&[("result", "1")], Ok(CaptureOutcome::Captured)),
        (&[("result", "1"), ("err_code", "601")], on_success("captured")),
        (&[("err_code", "601"), ("result", "1")], on_success("captured")),
        (&[("result", "1"), ("err_code", "%20")], on_success("captured")), // not empty: not guessed to be nothing
    ];
    for (attrs, expected) in capture {
        let b = body(attrs);
        assert_eq!(&CaptureResponse::parse(&b, Version::V1).unwrap().outcome(), expected, "{attrs:?}");
    }
    let repro = br#"<Epsilon_result><result result="1"/><result err_code="601"/></Epsilon_result>"#;
    let err = CaptureResponse::parse(repro, Version::V1).unwrap().outcome().unwrap_err();
    assert_eq!(
        err.to_string(),
        "outcome captured expects an empty err_code, but the answer carries an error code in it"
    );
    // a failure keeps its code; a redirect, a found order and a 3-D Secure step refuse one
    let failed = body(&[("result", "9"), ("err_code", "810")]);
    let answer = CaptureResponse::parse(&failed, Version::V1).unwrap();
    assert!(matches!(answer.outcome(), Ok(CaptureOutcome::Failure { code, .. }) if code.value() == "810"));
    let redirect = body(&[("result", "1"), REDIRECT, ("err_code", "908")]);
    assert_eq!(UserRegisterResponse::parse(&redirect, Version::V1).unwrap().outcome(), on_success("redirect"));
    let slip = body(&[("result", "1"), ("receipt_no", "0005180"), ("err_code", "601")]);
    assert_eq!(LinkOrderResponse::parse(&slip, Version::V1).unwrap().outcome(), on_success("convenience_slip"));
    let found = body(&[("trans_code", "738442"), ("state", "1"), ("err_code", "908")]);
    assert_eq!(OrderInfoResponse::parse(&found, Version::V1).unwrap().outcome(), on_success("found"));
    let tds =
        body(&[("result", "5"), ("acsurl", "https%3A%2F%2Facs.example.jp%2F"), ("pareq", "eJz"), ("err_code", "1")]);
    assert_eq!(CardPaymentResponse::parse(&tds, Version::V1).unwrap().outcome(), on_success("three_d_secure1"));
}

/// `redirect`, `acsurl` and `tds2_url` go into a browser redirect or an auto-submit form: only `https://` (exactly,
/// lower case as every recorded value) without spaces or control characters; the value is never in the error.
#[test]
fn outcome_urls_must_be_https() {
    let user_register: &[Case<'_, UserRegisterOutcome<'_>>] = &[
        (&[("result", "1"), REDIRECT], Ok(UserRegisterOutcome::Redirect { url: "https://beta.epsilon.jp/x" })),
        (&[("result", "1"), ("redirect", "javascript%3Aalert(1)")], insecure("redirect", "redirect")),
        (&[("result", "1"), ("redirect", "http%3A%2F%2Fbeta.epsilon.jp%2Fx")], insecure("redirect", "redirect")),
        (&[("result", "1"), ("redirect", "HTTPS%3A%2F%2Fbeta.epsilon.jp%2Fx")], insecure("redirect", "redirect")),
        (&[("result", "1"), ("redirect", "%2F%2Fevil.example%2F")], insecure("redirect", "redirect")),
        (&[("result", "1"), ("redirect", "https%3A%2F%2Fa.jp%2F%0D%0ASet-Cookie")], insecure("redirect", "redirect")),
        (&[("result", "1"), ("redirect", "https%3A%2F%2F")], insecure("redirect", "redirect")),
    ];
    for (attrs, expected) in user_register {
        let b = body(attrs);
        assert_eq!(&UserRegisterResponse::parse(&b, Version::V1).unwrap().outcome(), expected, "{attrs:?}");
    }
    let card: &[Case<'_, &str>] = &[
        (
            &[("result", "5"), ("acsurl", "https%3A%2F%2Facs.example.jp%2Fs"), ("pareq", "eJz")],
            Ok("https://acs.example.jp/s"),
        ),
        (
            &[("result", "5"), ("acsurl", "http%3A%2F%2Facs.example.jp%2Fs"), ("pareq", "eJz")],
            insecure("three_d_secure1", "acsurl"),
        ),
        (
            &[("result", "6"), ("tds2_url", "https%3A%2F%2Fbeta.epsilon.jp%2F3ds"), ("pareq", "eJz")],
            Ok("https://beta.epsilon.jp/3ds"),
        ),
        (
            &[("result", "6"), ("tds2_url", "data%3Atext%2Fhtml%2Cx"), ("pareq", "eJz")],
            insecure("three_d_secure2", "tds2_url"),
        ),
    ];
    for (attrs, expected) in card {
        let b = body(attrs);
        let answer = CardPaymentResponse::parse(&b, Version::V1).unwrap();
        let url = answer.outcome().map(|o| match o {
            CardPaymentOutcome::ThreeDSecure1 { url, .. } | CardPaymentOutcome::ThreeDSecure2 { url, .. } => url,
            other => panic!("{other:?}"),
        });
        assert_eq!(&url, expected, "{attrs:?}");
    }
    // the payment slip's haraikomi_url is a plain attribute, http in the test environment (facts Q22): not checked
    let slip =
        body(&[("result", "1"), ("receipt_no", "0005180"), ("haraikomi_url", "http%3A%2F%2Fbeta.epsilon.jp%2Fs.pdf")]);
    let answer = LinkOrderResponse::parse(&slip, Version::V1).unwrap();
    assert_eq!(answer.outcome(), Ok(LinkOrderOutcome::ConvenienceSlip));
    let b = body(&[("result", "1"), ("redirect", "javascript%3Aalert(document.cookie)")]);
    let err = UserRegisterResponse::parse(&b, Version::V1).unwrap().outcome().unwrap_err();
    assert_eq!(
        err.to_string(),
        "outcome redirect expects an https:// url (or http:// to a loopback host) in the field redirect (no \
         spaces or control characters); the answer's value is not one"
    );
    assert!(!format!("{err} {err:?}").contains("javascript"), "the value is never in the error");
}

#[test]
fn user_change_with_and_without_card_change() {
    let changed = body(&[("result", "1"), ("user_id", "U1"), ("user_name", "%83%7E%83h%83%8A")]);
    let answer = UserChangeResponse::parse(&changed, Version::V1).unwrap();
    assert_eq!(answer.outcome(), Ok(UserChangeOutcome::Changed));
}

#[test]
fn order_info_found_not_found_and_failure() {
    let found = body(&[("trans_code", "504052"), ("state", "1"), ("order_number", "O1")]);
    assert_eq!(OrderInfoResponse::parse(&found, Version::V1).unwrap().outcome(), Ok(OrderInfoOutcome::Found));
    let empty = body(&[]);
    assert_eq!(OrderInfoResponse::parse(&empty, Version::V1).unwrap().outcome(), Ok(OrderInfoOutcome::NotFound));
    let refused = body(&[("result", "0"), ("err_code", "908")]);
    let answer = OrderInfoResponse::parse(&refused, Version::V1).unwrap();
    assert!(matches!(answer.outcome(), Ok(OrderInfoOutcome::Failure { detail: None, .. })));
}

#[test]
fn parse_for_reads_utf8_answers_only_when_the_request_sent_version_2() {
    let utf8 = body(&[("result", "0"), ("err_code", "601"), ("err_detail", "%E3%83%A6%E3%83%BC%E3%82%B6%E3%83%BC")]);
    let answer = UserRegisterResponse::parse_for(&utf8, Options::new(Charset::Utf8)).unwrap();
    assert_eq!(answer.err_detail(), Some("ユーザー"));
    let as_cp932 = UserRegisterResponse::parse_for(&utf8, Options::new(Charset::Cp932));
    assert!(!matches!(as_cp932, Ok(a) if a.err_detail() == Some("ユーザー")), "a CP932 request reads CP932");
    // getsales2 sends no version=2, so its answer stays CP932 whatever the transport
    let cp932 = body(&[("user_name", "%83%7E%83h%83%8A")]);
    let answer = OrderInfoResponse::parse_for(&cp932, Options::new(Charset::Utf8)).unwrap();
    assert_eq!(answer.answer().get("user_name"), Some("ミドリ"));
}

#[test]
fn result_codes_convert_from_the_wire_rustls_style() {
    assert_eq!(ResultCode::from("1"), ResultCode::Ok);
    assert_eq!(ResultCode::from("6"), ResultCode::Tds2Required);
    assert_eq!(ResultCode::from(""), ResultCode::Empty);
    assert_eq!(ResultCode::from("3"), ResultCode::Unknown("3"));
    assert_eq!(ResultCode::from("3").as_str(), "3");
    assert_eq!(ResultCode::SystemError.entry().map(|e| e.code), Some("9"));
    assert!(ResultCode::Unknown("3").entry().is_none());
}
