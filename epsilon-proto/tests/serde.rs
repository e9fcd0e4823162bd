//! The `serde` feature: JSON → typed request → form body, outcome, incoming view and notification → JSON, secrets
//! redacted.
//! Built only with `--features serde` (`required-features` in Cargo.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

use epsilon_proto::generated::OUTCOMES;
use epsilon_proto::{
    Charset, CompletionRedirect, LinkOrder, LinkOrderResponse, Operation, Options, OrderInfoResponse, Secret,
    UserRegister, Version,
};
use serde_json::{Value, json};

const LINK_ORDER_JSON: &str = r#"{
    "contract_code": "12345678", "user_id": "U0001", "user_name": "山田 太郎",
    "user_mail_add": "taro@example.com", "item_code": "I1", "item_name": "テスト商品", "order_number": "O1",
    "st_code": "10000-0000-00000-00000-00000-00000-00000", "mission_code": "1", "item_price": "1000",
    "memo1": "メモ"
}"#;

fn body(request: &impl Operation) -> Vec<u8> {
    let mut body = Vec::new();
    request.encode(Options::new(Charset::Cp932), &mut body).unwrap();
    body
}

#[test]
fn json_request_borrows_and_encodes_like_the_struct() {
    let from_json: LinkOrder<'_> = serde_json::from_str(LINK_ORDER_JSON).unwrap();
    let literal = LinkOrder {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "山田 太郎",
        user_mail_add: "taro@example.com",
        item_code: "I1",
        item_name: "テスト商品",
        order_number: "O1",
        st_code: "10000-0000-00000-00000-00000-00000-00000",
        mission_code: "1",
        item_price: "1000",
        memo1: Some("メモ"),
        ..Default::default()
    };
    assert_eq!(from_json, literal);
    assert_eq!(body(&from_json), body(&literal));
    // zero copies: the values point into the input
    let range = LINK_ORDER_JSON.as_bytes().as_ptr_range();
    assert!(range.contains(&from_json.user_name.as_ptr()));
    assert!(range.contains(&from_json.memo1.unwrap().as_ptr()));
    // and back: absent optional fields are left out, the JSON deserializes to the same request
    let text = serde_json::to_string(&literal).unwrap();
    assert!(!text.contains("memo2"), "{text}");
    assert_eq!(serde_json::from_str::<LinkOrder<'_>>(&text).unwrap(), literal);
}

#[test]
fn json_requests_refused() {
    let user = r#""contract_code":"12345678","user_id":"U0001","user_mail_add":"a@example.com""#;
    let cases: &[(&str, String, &str)] = &[
        // a borrowed &str cannot hold an unescaped copy: escapes are refused, never mangled
        ("escaped quote", format!(r#"{{{user},"user_name":"a\"b"}}"#), "borrowed"),
        ("escaped non-ASCII", format!(r#"{{{user},"user_name":"\u5c71\u7530"}}"#), "borrowed"),
        ("escape in an optional field", format!(r#"{{{user},"user_name":"x","memo1":"a\nb"}}"#), "borrowed"),
        ("misspelt key", format!(r#"{{{user},"user_name":"x","user_nmae":"y"}}"#), "unknown field `user_nmae`"),
        ("fixed parameter", format!(r#"{{{user},"user_name":"x","process_code":"3"}}"#), "unknown field"),
        ("missing required", format!("{{{user}}}"), "missing field `user_name`"),
        ("number", format!(r#"{{{user},"user_name":1}}"#), "invalid type"),
    ];
    for (name, json, expected) in cases {
        let err = serde_json::from_str::<UserRegister<'_>>(json).unwrap_err().to_string();
        assert!(err.contains(expected), "{name}: {err}");
    }
    let ok = format!(r#"{{{user},"user_name":"山田"}}"#);
    assert_eq!(serde_json::from_str::<UserRegister<'_>>(&ok).unwrap().user_name, "山田");
}

fn answer(attributes: &[(&str, &str)]) -> Vec<u8> {
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?><Epsilon_result>");
    for (name, value) in attributes {
        body.push_str(&format!("<result {name}=\"{value}\" />"));
    }
    body.push_str("</Epsilon_result>");
    body.into_bytes()
}

#[test]
fn outcomes_to_json() {
    let redirect = answer(&[("result", "1"), ("redirect", "https%3A%2F%2Fbeta.epsilon.jp%2Fx%3Fa%3D1")]);
    let failure = answer(&[("result", "0"), ("err_code", "908"), ("err_detail", "%82%A0")]);
    let unknown_code = answer(&[("result", "0"), ("err_code", "999999")]);
    let cases: &[(&str, Vec<u8>, Value)] = &[
        ("redirect", redirect, json!({"outcome": "redirect", "url": "https://beta.epsilon.jp/x?a=1"})),
        ("slip", answer(&[("result", "1"), ("receipt_no", "123")]), json!({"outcome": "convenience_slip"})),
        (
            "unknown code: null texts",
            unknown_code,
            json!({"outcome": "failure", "code": {"code": "999999", "ja": null, "en": null, "remediation": null},
                   "detail": null}),
        ),
    ];
    for (name, body, expected) in cases {
        let view = LinkOrderResponse::parse(body, Version::V1).unwrap();
        assert_eq!(serde_json::to_value(view.outcome().unwrap()).unwrap(), *expected, "{name}");
    }
    let view = LinkOrderResponse::parse(&failure, Version::V1).unwrap();
    let value = serde_json::to_value(view.outcome().unwrap()).unwrap();
    assert_eq!(value["outcome"], "failure");
    assert_eq!(value["detail"], "あ");
    assert_eq!(value["code"]["code"], "908");
    assert!(value["code"]["remediation"].as_str().unwrap().contains("IP"), "{value}");
    assert!(value["code"]["ja"].is_string() && value["code"]["en"].is_string(), "{value}");

    let empty = answer(&[]);
    let not_found = OrderInfoResponse::parse(&empty, Version::V1).unwrap();
    assert_eq!(serde_json::to_value(not_found.outcome().unwrap()).unwrap(), json!({"outcome": "not_found"}));
}

#[test]
fn secrets_serialize_redacted() {
    assert_eq!(serde_json::to_string(&Secret::new("PaReq-value")).unwrap(), r#""<redacted>""#);
}

#[test]
fn incoming_view_to_json() {
    let view = CompletionRedirect::parse(b"trans_code=861205&user_id=U1&result=1&order_number=O1&extra=x", Version::V1)
        .unwrap();
    let value = serde_json::to_value(&view).unwrap();
    assert_eq!(value["trans_code"], "861205");
    assert_eq!(value["user_id"], "U1");
    assert_eq!(value["order_number"], "O1");
    assert_eq!(value["result"]["code"], "1");
    assert!(value.get("extra").is_none(), "only the spec's parameters: {value}");
}

#[test]
fn outcome_summaries_serialize() {
    let summarize = OUTCOMES.iter().find(|(name, _)| *name == "user_register").unwrap().1;
    let body = answer(&[("result", "0"), ("err_code", "908")]);
    let response = epsilon_proto::Answer::parse(&body, Version::V1).unwrap();
    let value = serde_json::to_value(summarize(&response).unwrap()).unwrap();
    assert_eq!(value["name"], "failure");
    assert_eq!(value["kind"], "failure");
    assert_eq!(value["result"], "0");
    assert_eq!(value["error"]["code"], "908");
}

#[test]
fn notifications_to_json_with_their_kind() {
    use epsilon_proto::notification::{Kind, Notification};
    // (kind, body, the object without its `state`, the state code); unknown parameters (`extra`) are left out
    let cases: &[(Kind, &[u8], Value, Option<&str>)] = &[
        (
            Kind::Payment,
            b"contract_code=12345678&trans_code=861205&order_number=O1&state=0&extra=x",
            json!({"kind": "payment", "contract_code": "12345678", "trans_code": "861205", "order_number": "O1",
                   "user_id": null, "payment_code": null}),
            Some("0"),
        ),
        (
            Kind::DeferredPayment,
            b"order_number=O5&trans_code=861209&state=6",
            json!({"kind": "deferred_payment", "order_number": "O5", "trans_code": "861209", "contract_code": null}),
            Some("6"),
        ),
        (
            Kind::Deposit,
            b"trans_code=1&order_number=O1&paid=1",
            json!({"kind": "deposit", "trans_code": "1", "order_number": "O1", "paid": "1", "user_id": null,
                   "item_price": null, "memo1": null, "conveni_code": null, "contract_code": null}),
            None,
        ),
    ];
    for (kind, body, expected, state) in cases {
        let notification = Notification::parse(*kind, body).unwrap();
        let mut value = serde_json::to_value(&notification).unwrap();
        let object = value.as_object_mut().unwrap();
        let code = object.remove("state");
        assert_eq!(code.as_ref().map(|c| c["code"].as_str()), state.map(Some), "{kind:?}");
        if let Some(code) = code {
            assert!(code["ja"].is_string() && code["en"].is_string(), "{kind:?}: the state row {code}");
        }
        assert_eq!(value, *expected, "{kind:?}");
        assert_eq!(value["kind"], kind.short_name());
    }
}
