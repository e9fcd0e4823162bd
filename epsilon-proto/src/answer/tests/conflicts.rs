//! Conflicting duplicates fail closed: `result` always, and every attribute of the spec for the typed readers.

use super::*;
use japay_core::spec::{OperationSpec, ResponseSpec};

fn order_info() -> &'static OperationSpec {
    crate::operation("order_info").unwrap()
}

fn order_info_answer() -> &'static ResponseSpec {
    order_info().response.unwrap()
}

fn body(children: &[(&str, &str)]) -> String {
    let children: String = children.iter().map(|(n, v)| format!("<result {n}=\"{v}\"/>")).collect();
    format!("<Epsilon_result>{children}</Epsilon_result>")
}

#[test]
fn a_result_that_says_both_success_and_failure_is_an_error() {
    let text = body(&[("result", "1"), ("err_code", ""), ("result", "0")]);
    let err = parse_v1(text.as_bytes()).unwrap_err();
    let second = text.rfind("\"0\"").unwrap() + 1;
    let first = text.find("\"1\"").unwrap() + 1;
    assert_eq!(
        err,
        ParseError::ConflictingValues { attribute: "result".to_owned(), offset: second, first_offset: first }
    );
    assert_eq!(err.attribute(), Some("result"));
    let message = err.to_string();
    assert!(message.starts_with("expected one value for attribute `result`"), "{message}");
    // an empty result conflicts with a value, too
    assert!(parse_v1(body(&[("result", ""), ("result", "1")]).as_bytes()).is_err());
    let query = parse_query(b"result=1&result=0", Version::V1).unwrap_err();
    assert_eq!(query, ParseError::ConflictingValues { attribute: "result".to_owned(), offset: 16, first_offset: 7 });
}

#[test]
fn identical_duplicates_are_kept_and_compared_decoded() {
    let text = body(&[("result", "1"), ("memo1", "a"), ("result", "%31"), ("memo1", "b")]);
    let response = parse_v1(text.as_bytes()).unwrap();
    assert_eq!(response.get_all("result").collect::<Vec<_>>(), ["1", "1"]);
    assert_eq!(response.get_all("memo1").collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(response.len(), 4);
    let typed = Answer::parse_typed(text.as_bytes(), Version::V1, order_info_answer()).unwrap_err();
    assert_eq!(typed.attribute(), Some("memo1"), "memo1 is in the order_info answer spec");
}

#[test]
fn the_typed_reader_checks_every_spec_attribute_and_the_always_names() {
    let spec = order_info_answer();
    assert!(spec.attributes.iter().any(|a| a.name == "item_name"));
    for name in ["item_name", "state", "trans_code", "err_code", "result"] {
        let text = body(&[(name, "a"), ("x", "1"), (name, "b")]);
        let err = Answer::parse_typed(text.as_bytes(), Version::V1, spec).unwrap_err();
        assert_eq!(err.attribute(), Some(name));
        assert_eq!(err.offset(), text.rfind("\"b\"").unwrap() + 1);
    }
    // unknown attributes may repeat with any value
    let text = body(&[("new_attribute", "a"), ("new_attribute", "b"), ("state", "1"), ("state", "1")]);
    let response = Answer::parse_typed(text.as_bytes(), Version::V1, spec).unwrap();
    assert_eq!(response.len(), 4);
    // the first conflict in document order is reported
    let text = body(&[("state", "1"), ("item_name", "x"), ("item_name", "y"), ("state", "2")]);
    let err = Answer::parse_typed(text.as_bytes(), Version::V1, spec).unwrap_err();
    assert_eq!(err.attribute(), Some("item_name"));
    // and everything parse rejects, parse_typed rejects
    assert_eq!(Answer::parse_typed(b"", Version::V1, spec).unwrap_err(), ParseError::Empty);
}

#[test]
fn the_typed_query_reader_checks_the_operation_fields() {
    let spec = crate::operation("completion_redirect").unwrap();
    let field = spec.fields.first().unwrap().wire;
    let query = format!("{field}=a&other=1&other=2&{field}=b");
    let err = Answer::parse_query_typed(query.as_bytes(), Version::V1, spec).unwrap_err();
    assert_eq!(err.attribute(), Some(field));
    assert_eq!(err.offset(), query.len() - 1);
    let same = format!("{field}=a&{field}=%61&other=1&other=2");
    assert_eq!(Answer::parse_query_typed(same.as_bytes(), Version::V1, spec).unwrap().len(), 4);
    let trans = Answer::parse_query_typed(b"trans_code=1&trans_code=2", Version::V1, order_info()).unwrap_err();
    assert_eq!(trans.attribute(), Some("trans_code"));
}
