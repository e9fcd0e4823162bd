//! Every synthesized body decodes to its expected values, whatever its declaration and line ends.

use super::*;

#[test]
fn every_synthesized_body_decodes_to_its_expected_values() {
    for case in CASES {
        let response = Answer::parse(case.body, case.version).unwrap_or_else(|e| panic!("{}: {e}", case.label));
        assert_eq!(decoded(&response), case.attrs, "{}", case.label);
        assert_eq!(response.result(), case.result, "{}", case.label);
        assert_eq!(response.len(), case.attrs.len(), "{}", case.label);
        assert_eq!(response.is_empty(), case.attrs.is_empty(), "{}", case.label);
        for attr in response.attributes() {
            assert!(!attr.value.contains('\u{FFFD}'), "{}", case.label);
        }
    }
}

#[test]
fn the_synthesized_bodies_cover_every_declaration_and_layout_quirk() {
    for declaration in DECLARATIONS {
        assert!(
            CASES.iter().any(|c| c.body.starts_with(declaration)),
            "no body declares {}",
            declaration.escape_ascii()
        );
    }
    let contains = |body: &[u8], needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    let fragments: &[(&str, &[u8])] = &[
        ("CRLF line ends", b"\r\n"),
        ("a root not indented", b"\n<Epsilon_result>"),
        ("a root indented by one space", b"\n <Epsilon_result>"),
        ("a root indented by two spaces", b"\n  <Epsilon_result>"),
        ("a closing tag not indented", b"\n</Epsilon_result>"),
        ("a closing tag indented by one space", b"\n </Epsilon_result>"),
        ("a closing tag indented by two spaces", b"\n  </Epsilon_result>"),
        ("two-space children", b"\n  <result"),
        ("four-space children", b"\n    <result"),
        ("a raw ASCII trail byte", b"%83_"),
        ("a raw `~` trail byte", b"%83~"),
        ("`+` for a space", b"%EC+"),
        ("`%20` for a space", b"%20"),
        ("`%7E` for `~`", b"%7E"),
        ("`%2B` for a literal plus", b"%2B1"),
        ("a double-encoded value", b"%252"),
        ("half-width katakana", b"%BC%AE"),
        ("an empty value", b"=\"\""),
    ];
    for (what, needle) in fragments {
        assert!(CASES.iter().any(|c| contains(c.body, needle)), "no body with {what}");
    }
    assert!(CASES.iter().any(|c| !c.body.contains(&b'\r')), "no body with LF-only line ends");
    assert!(CASES.iter().any(|c| !c.body.ends_with(b"\n")), "no body without a final newline");
    assert!(CASES.iter().any(|c| c.version == Version::V2), "no version-2 body");
}

#[test]
fn the_declared_encoding_does_not_change_the_decoded_values() {
    for case in CASES {
        for declaration in DECLARATIONS.iter().copied().chain([&b""[..]]) {
            let body = with_declaration(case.body, declaration);
            let body = body.trim_ascii_start();
            let response = Answer::parse(body, case.version)
                .unwrap_or_else(|e| panic!("{} with {}: {e}", case.label, declaration.escape_ascii()));
            assert_eq!(decoded(&response), case.attrs, "{} with {}", case.label, declaration.escape_ascii());
        }
    }
}

#[test]
fn crlf_and_lf_line_ends_decode_alike() {
    for case in CASES {
        let lf: Vec<u8> = case.body.iter().copied().filter(|&b| b != b'\r').collect();
        let crlf: Vec<u8> = lf.iter().flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect();
        for body in [lf, crlf] {
            let response = Answer::parse(&body, case.version).unwrap_or_else(|e| panic!("{}: {e}", case.label));
            assert_eq!(decoded(&response), case.attrs, "{}", case.label);
        }
    }
}

#[test]
fn escaped_keeps_the_value_as_it_stood_in_the_xml() {
    let response = parse_v1(TDS2_REQUIRED).unwrap();
    let pareq = &response.attributes()[3];
    assert_eq!(pareq.name, "pareq");
    assert_eq!(pareq.escaped(), "Zq7%252FkP%252BwL0%253D");
    assert_eq!(pareq.value, "Zq7%2FkP%2BwL0%3D");
}

#[test]
fn values_without_escapes_borrow_from_the_body() {
    let response = parse_v1(LATIN1_DECLARED_CONVENI_ORDER).unwrap();
    for attr in response.attributes() {
        let needs_decoding = attr.escaped().contains(['%', '+', '&']);
        assert_eq!(matches!(attr.value, Cow::Owned(_)), needs_decoding, "{}", attr.name);
    }
    let trans_code = response.attributes()[1].value.as_ref();
    assert_eq!(trans_code, "861205");
    let body = LATIN1_DECLARED_CONVENI_ORDER.as_ptr_range();
    assert!(body.contains(&trans_code.as_ptr()));
}

#[test]
fn getsales2_not_found_is_an_empty_response_with_an_absent_result() {
    let response = parse_v1(NOT_FOUND).unwrap();
    assert!(response.is_empty());
    assert_eq!(response.len(), 0);
    assert_eq!(response.result(), ResultState::Absent);
    assert_eq!(response.get("result"), None);
    let self_closing = parse_v1(b"<Epsilon_result/>").unwrap();
    assert!(self_closing.is_empty());
}

#[test]
fn an_empty_result_differs_from_an_absent_one() {
    assert_eq!(parse_v1(EMPTY_RESULT).unwrap().result(), ResultState::Empty);
    assert_eq!(parse_v1(GETSALES2_FOUND).unwrap().result(), ResultState::Absent);
    assert_eq!(ResultState::Empty.value(), None);
    assert_eq!(ResultState::Value("1").value(), Some("1"));
}

#[test]
fn utf8_text_read_as_version_1_is_a_charset_error_where_the_mojibake_stops_being_cp932() {
    // The first 13 UTF-8 bytes of the version-2 err_detail happen to pair up as valid CP932
    // (mojibake such as 縺雁ｱ…); bytes 13–14 (0x81 0xAE) are an unassigned CP932 code.
    // Strict decoding catches this text, but not every UTF-8 text would be caught: the
    // version must come from the request.
    let err = parse_v1(VERSION_2_ERROR).unwrap_err();
    assert!(
        matches!(&err, ParseError::Charset { attribute, version: Version::V1, index: 13, .. } if attribute == "err_detail"),
        "{err:?}"
    );
    let bytes = percent_decode(b"%E3%81%8A%E5%B1%8A%E3%81%91%E5%85%88%E3%81%AE").unwrap();
    let head = decode_text(Cow::Owned(bytes[..13].to_vec()), Version::V1).unwrap();
    assert_eq!(head, "縺雁ｱ翫￠蜈医");
}

#[test]
fn cp932_text_read_as_version_2_is_a_charset_error_naming_the_attribute() {
    let err = Answer::parse(PROCESS_8_ERROR, Version::V2).unwrap_err();
    let ParseError::Charset { attribute, version, index, offset } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(attribute, "err_detail");
    assert_eq!(*version, Version::V2);
    assert_eq!(*index, 0);
    let raw_at = PROCESS_8_ERROR.windows(6).position(|w| w == b"%92%E8").unwrap();
    assert_eq!(*offset, raw_at);
    assert_eq!(err.attribute(), Some("err_detail"));
}

#[test]
fn half_width_kana_bytes_are_not_guessed_to_be_utf8() {
    let body = b"<Epsilon_result><result account_name=\"%C5%B2\"/></Epsilon_result>";
    assert_eq!(parse_v1(body).unwrap().get("account_name"), Some("ﾅｲ"));
    let v2 = Answer::parse(body, Version::V2).unwrap();
    assert_eq!(v2.get("account_name"), Some("Ų"));
}

#[test]
fn a_lone_cp932_lead_byte_at_the_end_is_a_charset_error_naming_the_attribute() {
    let body = b"<Epsilon_result><result result=\"1\"/><result err_detail=\"%82%A0%82\"/></Epsilon_result>";
    let err = parse_v1(body).unwrap_err();
    assert!(
        matches!(&err, ParseError::Charset { attribute, version: Version::V1, index: 2, .. } if attribute == "err_detail"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("err_detail"), "{message}");
    assert!(message.contains("cp932"), "{message}");
    assert!(!message.contains("%82"), "{message}");
}

#[test]
fn an_invalid_percent_escape_is_a_percent_error_naming_the_attribute() {
    let body = b"<Epsilon_result><result user_name=\"ab%ZZ\"/></Epsilon_result>";
    let err = parse_v1(body).unwrap_err();
    assert_eq!(err, ParseError::Percent { attribute: "user_name".to_owned(), offset: 35, index: 2 });
    assert_eq!(&body[35..37], b"ab");
    assert!(!err.to_string().contains("ab%ZZ"));
}

#[test]
fn a_raw_non_ascii_byte_is_an_error_with_its_offset() {
    let body = b"<Epsilon_result><result user_name=\"\xE3\x83\xA4\"/></Epsilon_result>";
    assert_eq!(parse_v1(body).unwrap_err(), ParseError::NonAscii { offset: 35 });
    let late_bom = b"<?xml version=\"1.0\"?>\xEF\xBB\xBF<Epsilon_result/>";
    assert_eq!(parse_v1(late_bom).unwrap_err(), ParseError::NonAscii { offset: 21 });
    let half_bom = b"\xEF\xBB<Epsilon_result/>";
    assert_eq!(parse_v1(half_bom).unwrap_err(), ParseError::NonAscii { offset: 0 });
}

#[test]
fn a_utf8_byte_order_mark_is_allowed_before_everything_else() {
    for case in CASES {
        let body = [&b"\xEF\xBB\xBF"[..], case.body].concat();
        let response = Answer::parse(&body, case.version).unwrap_or_else(|e| panic!("{}: {e}", case.label));
        assert_eq!(decoded(&response), case.attrs, "{}", case.label);
    }
    let without_declaration = b"\xEF\xBB\xBF<Epsilon_result><result result=\"1\"/></Epsilon_result>";
    assert_eq!(parse_v1(without_declaration).unwrap().result(), ResultState::Value("1"));
    assert_eq!(parse_v1(b"\xEF\xBB\xBF").unwrap_err(), ParseError::Empty);
    assert_eq!(parse_v1(b"\xEF\xBB\xBF \n").unwrap_err(), ParseError::Empty);
    assert_eq!(parse_v1(b"\xEF\xBB\xBFhello").unwrap_err(), ParseError::NotXml { offset: 3 });
    let twice = b"\xEF\xBB\xBF\xEF\xBB\xBF<Epsilon_result/>";
    assert_eq!(parse_v1(twice).unwrap_err(), ParseError::NonAscii { offset: 3 });
}
