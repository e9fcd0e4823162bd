//! The sans-IO layer: every outgoing operation as an `http::Request`, answers refused unless HTTP 200 and not HTML.

use epsilon_proto::generated::{GATEWAY, order_info::ORDER_INFO};
use epsilon_proto::transport::http::{self, StatusCode};
use epsilon_proto::transport::{self, AnswerError, Environment, TransportError};
use epsilon_proto::{
    Capture, Card3dsResult, Charset, LinkOrder, Operation, Options, OrderInfo, OrderInfoResponse, Report, UserInfo,
    UserRegister, UserRegisterResponse, VirtualAccount, Void,
};

const CP932: Options = Options::new(Charset::Cp932);
const UTF8: Options = Options::new(Charset::Utf8);

fn register() -> UserRegister<'static> {
    UserRegister {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        ..Default::default()
    }
}

fn virtual_account() -> VirtualAccount<'static> {
    VirtualAccount {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_name_kana: Some("ﾔﾏﾀﾞ ﾀﾛｳ"),
        user_mail_add: "taro@example.com",
        item_code: "ITEM001",
        item_name: "テスト商品",
        order_number: "O0001",
        st_code: "00000-0000-00000-00000-00100-00000-00000",
        item_price: "10000",
        ..Default::default()
    }
}

/// (method, url, content type, body) of a built request.
type Parts = (String, String, String, Vec<u8>);

/// The parts of the request built for `op`.
fn parts<O: Operation>(env: &Environment, op: &O, options: Options) -> Parts {
    let request = transport::build_request(env, op, options).unwrap();
    let content_type = request.headers()[http::header::CONTENT_TYPE].to_str().unwrap().to_owned();
    let mut body = Vec::new();
    op.encode(options, &mut body).unwrap();
    assert_eq!(request.body(), &body, "{}: the body is the operation's encode output", O::SPEC.name);
    (request.method().to_string(), request.uri().to_string(), content_type, request.body().clone())
}

#[test]
fn environments_have_the_gateway_bases() {
    #[rustfmt::skip]
    let cases = [
        (Environment::Test, "https://beta.epsilon.jp/cgi-bin/order/", "https://beta.epsilon.jp/cgi-bin/order/getsales2.cgi"),
        (Environment::Production, "https://secure.epsilon.jp/cgi-bin/order/", "https://secure.epsilon.jp/cgi-bin/order/getsales2.cgi"),
        (Environment::Custom("http://127.0.0.1:8383/cgi-bin/order/".into()), "http://127.0.0.1:8383/cgi-bin/order/", "http://127.0.0.1:8383/cgi-bin/order/getsales2.cgi"),
        (Environment::Custom("http://127.0.0.1:8383/cgi-bin/order".into()), "http://127.0.0.1:8383/cgi-bin/order", "http://127.0.0.1:8383/cgi-bin/order/getsales2.cgi"),
    ];
    for (env, base, url) in cases {
        assert_eq!(env.base(&GATEWAY), Some(base));
        assert_eq!(env.url(&ORDER_INFO).as_deref(), Some(url));
    }
}

#[test]
fn every_outgoing_operation_is_a_form_post_to_its_cgi() {
    let env = Environment::Test;
    let link = LinkOrder {
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
    };
    let lookup = OrderInfo { contract_code: "12345678", order_number: Some("O0001"), trans_code: None };
    let capture = Capture { contract_code: "12345678", order_number: "O0001" };
    let void = Void { contract_code: "12345678", order_number: "O0001" };
    let user_info = UserInfo { contract_code: "12345678", user_id: "U0001" };
    let second_leg = Card3dsResult { contract_code: "12345678", order_number: "O0001", tds_pares: "PARES" };
    let form = "application/x-www-form-urlencoded";
    let form_utf8 = "application/x-www-form-urlencoded; charset=UTF-8";
    let base = "https://beta.epsilon.jp/cgi-bin/order/";
    #[rustfmt::skip]
    let cases: Vec<(&str, Parts, &str, &str)> = vec![
        ("user_register", parts(&env, &register(), CP932), "receive_order3.cgi", form),
        ("user_register utf-8", parts(&env, &register(), UTF8), "receive_order3.cgi", form_utf8),
        ("link_order", parts(&env, &link, CP932), "receive_order3.cgi", form),
        ("link_order utf-8", parts(&env, &link, UTF8), "receive_order3.cgi", form_utf8),
        ("link_order euc-jp", parts(&env, &link, Options::new(Charset::EucJp)), "receive_order3.cgi", form),
        ("order_info", parts(&env, &lookup, CP932), "getsales2.cgi", form),
        ("capture", parts(&env, &capture, CP932), "sales_payment.cgi", form),
        ("void", parts(&env, &void, CP932), "cancel_payment.cgi", form),
        ("user_info", parts(&env, &user_info, CP932), "get_user_info.cgi", form),
        ("card_3ds_result", parts(&env, &second_leg, CP932), "direct_card_payment.cgi", form),
        ("virtual_account", parts(&env, &virtual_account(), CP932), "direct_virtual_account.cgi", form),
    ];
    for (what, (method, url, content_type, body), cgi, expected_type) in cases {
        assert_eq!(method, "POST", "{what}");
        assert_eq!(url, format!("{base}{cgi}"), "{what}");
        assert_eq!(content_type, expected_type, "{what}");
        assert!(!body.is_empty(), "{what}");
    }
}

#[test]
fn an_invalid_request_is_its_report_and_a_bad_base_is_named() {
    let invalid = UserRegister { contract_code: "1234", ..register() };
    let report: Report = transport::build_request(&Environment::Test, &invalid, CP932).unwrap_err();
    assert_eq!(report, invalid.validate(CP932).unwrap_err());

    #[rustfmt::skip]
    let bases = [
        ("no scheme", "beta.epsilon.jp/cgi-bin/order/"),
        ("ftp", "ftp://example.com/cgi-bin/order/"),
        ("a space in the host", "http://exa mple.com/cgi-bin/order/"),
    ];
    for (what, base) in bases {
        let report = transport::build_request(&Environment::Custom(base.into()), &register(), CP932).unwrap_err();
        let fields: Vec<_> = report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect();
        assert_eq!(fields, [("base_url".to_owned(), "pattern")], "{what}");
    }
}

fn response(status: u16, content_type: Option<&str>, body: &[u8]) -> http::Response<Vec<u8>> {
    let mut builder = http::Response::builder().status(status);
    if let Some(value) = content_type {
        builder = builder.header(http::header::CONTENT_TYPE, value);
    }
    builder.body(body.to_vec()).unwrap()
}

const APACHE_500: &[u8] = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n</body></html>\n";
const XML: &[u8] = b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\r\n<Epsilon_result>\r\n  <result result=\"1\" />\r\n</Epsilon_result>\r\n";

#[derive(Debug, PartialEq)]
enum Verdict {
    Answer,
    Status(u16),
    Html(u16),
}

/// What a row shows, the status, the content type, the body and the verdict.
type AnswerCase<'a> = (&'a str, u16, Option<&'a str>, &'a [u8], Verdict);

#[test]
fn only_a_200_that_is_not_html_is_an_answer() {
    #[rustfmt::skip]
    let cases: &[AnswerCase<'_>] = &[
        ("xml, cp932 declaration", 200, Some("text/xml; charset=CP932"), XML, Verdict::Answer),
        ("xml, no content type", 200, None, XML, Verdict::Answer),
        ("an empty body is the parser's to refuse", 200, None, b"", Verdict::Answer),
        ("the apache 500 page", 500, Some("text/html; charset=iso-8859-1"), APACHE_500, Verdict::Status(500)),
        ("a 500 with xml is still a 500", 500, Some("text/xml"), XML, Verdict::Status(500)),
        ("404", 404, Some("text/html"), b"<html>not found</html>", Verdict::Status(404)),
        ("a redirect", 302, None, b"", Verdict::Status(302)),
        ("200 with text/html", 200, Some("text/html; charset=utf-8"), XML, Verdict::Html(200)),
        ("200 with TEXT/HTML", 200, Some(" TEXT/HTML "), XML, Verdict::Html(200)),
        ("200 with a doctype body", 200, Some("text/xml"), APACHE_500, Verdict::Html(200)),
        ("200 with <HTML after white space", 200, None, b" \r\n\t<HTML><body>maintenance</body></HTML>", Verdict::Html(200)),
        ("200 with <!doctype html> lower case", 200, None, b"<!doctype html><p>x</p>", Verdict::Html(200)),
        ("text/htmlx is not html", 200, Some("text/htmlx"), XML, Verdict::Answer),
    ];
    for (what, status, content_type, body, expected) in cases {
        let response = response(*status, *content_type, body);
        let verdict = match transport::answer_body(&response) {
            Ok(answer) => {
                assert_eq!(answer, *body, "{what}");
                Verdict::Answer
            }
            Err(TransportError::Status { status, head }) => {
                assert_eq!(head.bytes(), &body[..body.len().min(200)], "{what}");
                Verdict::Status(status.as_u16())
            }
            Err(TransportError::Html { status, head }) => {
                assert_eq!(head.bytes(), &body[..body.len().min(200)], "{what}");
                Verdict::Html(status.as_u16())
            }
            Err(other) => panic!("{what}: {other}"),
        };
        assert_eq!(&verdict, expected, "{what}");
    }
}

#[test]
fn a_refused_body_keeps_its_first_200_bytes_and_shows_them_escaped() {
    let mut body = b"<html>\x82\xa0\n".to_vec();
    body.resize(500, b'x');
    let error = transport::answer_body(&response(503, None, &body)).unwrap_err();
    assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error.head().bytes().len(), 200);
    assert_eq!(error.head().total_len(), 500);
    let text = error.to_string();
    assert!(text.starts_with("http status 503 (expected 200); body starts \"<html>\\x82\\xa0\\n"), "{text}");
    assert!(text.ends_with("(first 200 of 500 bytes)"), "{text}");

    let apache = transport::answer_body(&response(500, Some("text/html"), APACHE_500)).unwrap_err();
    assert!(apache.to_string().contains("500 Internal Server Error"), "{apache}");
}

#[test]
fn parse_answer_reads_the_typed_answer_in_the_requests_charset() {
    let redirect = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Epsilon_result><result result=\"1\" /><result redirect=\"https%3A%2F%2Fbeta.epsilon.jp%2Fcgi-bin%2Forder%2Fcard3.cgi%3Ftrans_code%3D123\" /></Epsilon_result>";
    let ok = response(200, Some("text/xml"), redirect);
    let answer = transport::parse_answer(&ok, CP932, UserRegisterResponse::parse_for).unwrap();
    assert!(answer.outcome().is_ok());

    let refused = response(500, Some("text/html"), APACHE_500);
    let error = transport::parse_answer(&refused, CP932, UserRegisterResponse::parse_for).unwrap_err();
    assert!(matches!(error, AnswerError::Transport(TransportError::Status { .. })), "{error}");

    let truncated = response(200, None, b"<?xml version=\"1.0\"?><Epsilon_result><result result=\"1\"");
    let error = transport::parse_answer(&truncated, CP932, OrderInfoResponse::parse_for).unwrap_err();
    assert!(matches!(error, AnswerError::Parse(_)), "{error}");
}
