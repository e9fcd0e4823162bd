//! Malformed and foreign bodies are errors of the right kind; nothing panics; secrets stay out of `Debug`.

use super::*;

/// Malformed or foreign bodies and the error each must give.
#[test]
fn malformed_bodies_are_errors_of_the_right_kind() {
    let html = b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n</body></html>\n";
    let cases: &[(&str, &[u8], ParseError)] = &[
        ("empty body", b"", ParseError::Empty),
        ("whitespace body", b" \r\n", ParseError::Empty),
        ("html page", html, ParseError::Html { offset: 0 }),
        ("html without doctype", b"<html><body>error</body></html>", ParseError::Html { offset: 0 }),
        ("plain text", b"Internal Server Error", ParseError::NotXml { offset: 0 }),
        (
            "truncated inside a tag",
            b"<?xml version=\"1.0\"?>\n<Epsilon_result>\n  <result result=\"1",
            ParseError::Truncated { offset: 41 },
        ),
        (
            "truncated before the end tag",
            b"<?xml version=\"1.0\"?>\n<Epsilon_result>\n  <result result=\"1\" />\n",
            ParseError::Truncated { offset: 63 },
        ),
        ("declaration only", b"<?xml version=\"1.0\"?>\n", ParseError::Truncated { offset: 22 }),
        (
            "wrong root",
            b"<?xml version=\"1.0\"?>\n<Result><result result=\"1\"/></Result>",
            ParseError::WrongRoot { offset: 22, found: "Result".to_owned() },
        ),
        (
            "root with an attribute",
            b"<Epsilon_result version=\"2\"><result result=\"1\"/></Epsilon_result>",
            ParseError::RootAttribute { offset: 0, attribute: "version".to_owned() },
        ),
        (
            "other child element",
            b"<Epsilon_result><item result=\"1\"/></Epsilon_result>",
            ParseError::UnexpectedElement { offset: 16, found: "item".to_owned() },
        ),
        (
            "nested element",
            b"<Epsilon_result><result result=\"1\"><result a=\"2\"/></result></Epsilon_result>",
            ParseError::UnexpectedElement { offset: 35, found: "result".to_owned() },
        ),
        (
            "result without attribute",
            b"<Epsilon_result>\n  <result/>\n</Epsilon_result>",
            ParseError::MissingAttribute { offset: 19 },
        ),
        (
            "attributes not separated by white space (fuzz regression)",
            b"<Epsilon_result><result a=\"1\"b=\"2\" /></Epsilon_result>",
            ParseError::AttributeSyntax { offset: 29 },
        ),
        (
            "a slash inside the tag (fuzz regression)",
            b"<Epsilon_result><result a=\"1\" /b=\"\" /></Epsilon_result>",
            ParseError::AttributeSyntax { offset: 30 },
        ),
        (
            "a quote inside an attribute name (fuzz regression)",
            b"<Epsilon_result><result a=\"1\" b\"c\"=\"2\" /></Epsilon_result>",
            ParseError::AttributeSyntax { offset: 30 },
        ),
        (
            "a declaration without version (fuzz finding)",
            b"<?xml versISO?>\n<Epsilon_result></Epsilon_result>",
            ParseError::Declaration { offset: 0 },
        ),
        (
            "result without attribute, spaced",
            b"<Epsilon_result><result /></Epsilon_result>",
            ParseError::MissingAttribute { offset: 16 },
        ),
        (
            "text in the root",
            b"<Epsilon_result> ok <result result=\"1\"/></Epsilon_result>",
            ParseError::UnexpectedText { offset: 17 },
        ),
        (
            "text inside result",
            b"<Epsilon_result><result result=\"1\">1</result></Epsilon_result>",
            ParseError::UnexpectedText { offset: 35 },
        ),
        ("reference in the root", b"<Epsilon_result>&amp;</Epsilon_result>", ParseError::UnexpectedText { offset: 16 }),
        (
            "cdata",
            b"<Epsilon_result><![CDATA[<result result=\"1\"/>]]></Epsilon_result>",
            ParseError::Cdata { offset: 16 },
        ),
        (
            "doctype",
            b"<?xml version=\"1.0\"?><!DOCTYPE Epsilon_result><Epsilon_result/>",
            ParseError::Doctype { offset: 21 },
        ),
        (
            "processing instruction",
            b"<?xml version=\"1.0\"?><?php echo 1; ?><Epsilon_result/>",
            ParseError::ProcessingInstruction { offset: 21 },
        ),
        (
            "declaration after whitespace",
            b"\n<?xml version=\"1.0\"?><Epsilon_result/>",
            ParseError::MisplacedDeclaration { offset: 1 },
        ),
        ("trailing element", b"<Epsilon_result/><Epsilon_result/>", ParseError::TrailingContent { offset: 17 }),
        ("trailing text", b"<Epsilon_result></Epsilon_result>\r\nx", ParseError::TrailingContent { offset: 35 }),
        (
            "trailing end tag",
            b"<Epsilon_result></Epsilon_result></Epsilon_result>",
            ParseError::TrailingContent { offset: 33 },
        ),
        ("control character", b"<Epsilon_result>\x00</Epsilon_result>", ParseError::InvalidCharacter { offset: 16 }),
    ];
    for (label, body, expected) in cases {
        assert_eq!(&parse_v1(body).unwrap_err(), expected, "{label}");
    }
}

#[test]
fn xml_syntax_errors_are_specific_and_carry_offsets() {
    let attribute = |name: &str| name.to_owned();
    let cases: &[(&[u8], ParseError)] = &[
        (
            b"<Epsilon_result><result result=\"1\"/></Epsilon>",
            ParseError::MismatchedEndTag { offset: 36, expected: "Epsilon_result".into(), found: "Epsilon".into() },
        ),
        (
            b"<Epsilon_result><result result=\"1\"></Epsilon_result>",
            ParseError::MismatchedEndTag { offset: 35, expected: "result".into(), found: "Epsilon_result".into() },
        ),
        (b"</result><Epsilon_result/>", ParseError::UnmatchedEndTag { offset: 0, found: "result".into() }),
        (b"<Epsilon_result><result result=1/></Epsilon_result>", ParseError::UnquotedValue { offset: 31 }),
        (b"<Epsilon_result><result result /></Epsilon_result>", ParseError::ExpectedEquals { offset: 31 }),
        (
            b"<Epsilon_result><result a=\"1\" a=\"2\"/></Epsilon_result>",
            ParseError::DuplicateAttribute { offset: 30, attribute: attribute("a") },
        ),
        (b"<Epsilon_result><!x></Epsilon_result>", ParseError::InvalidMarkup { offset: 16 }),
        (b"<Epsilon_result><!-- a -- b --></Epsilon_result>", ParseError::Comment { offset: 23 }),
        (
            b"<Epsilon_result><result a=\"x<y\"/></Epsilon_result>",
            ParseError::LessThanInValue { offset: 28, attribute: attribute("a") },
        ),
    ];
    for (body, expected) in cases {
        let err = parse_v1(body).unwrap_err();
        assert_eq!(&err, expected, "{}", body.escape_ascii());
        let message = err.to_string();
        assert!(message.starts_with("expected"), "{message}");
        assert!(message.contains(&format!("offset {}", err.offset())), "{message}");
    }
}

#[test]
fn only_well_formed_declarations_and_references_to_xml_characters_are_accepted() {
    // quick-xml, the previous reader, let these through
    let declaration = b"<?xml version=\"1.0\"\" encoding=\"UTF-8\" ?><Epsilon_result/>";
    assert_eq!(parse_v1(declaration).unwrap_err(), ParseError::Declaration { offset: 0 });
    let control = b"<Epsilon_result><result a=\"x&#25;\"/></Epsilon_result>";
    assert!(
        matches!(parse_v1(control).unwrap_err(), ParseError::Reference { index: 1, offset: 27, .. }),
        "U+0019 is not an XML character"
    );
}

#[test]
fn a_result_element_carries_a_bounded_number_of_attributes() {
    let max = ParseError::MAX_ATTRIBUTES_PER_ELEMENT;
    let element = |n: usize| {
        let attrs: String = (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect();
        format!("<Epsilon_result><result{attrs}/></Epsilon_result>")
    };
    assert_eq!(parse_v1(element(max).as_bytes()).unwrap().len(), max);
    let over = element(max + 1);
    let at = over.find(&format!(" a{max}=")).unwrap() + 1;
    assert_eq!(parse_v1(over.as_bytes()).unwrap_err(), ParseError::TooManyAttributes { offset: at });
}

#[test]
fn comments_whitespace_and_explicit_end_tags_are_accepted() {
    let body = b"<?xml version=\"1.0\"?>\r\n<!-- a comment -->\n\t<Epsilon_result >\n  <!-- x -->\n  <result result=\"1\"></result >\n  <result err_code='601'\n    />\n</Epsilon_result >\n<!-- end -->\n";
    let response = parse_v1(body).unwrap();
    assert_eq!(decoded(&response), [("result", "1"), ("err_code", "601")]);
}

#[test]
fn every_attribute_of_a_result_element_and_every_duplicate_is_kept_in_order() {
    let body = b"<Epsilon_result><result a=\"1\" b=\"2\"/><result unknown=\"x\"/><result a=\"3\"/></Epsilon_result>";
    let response = parse_v1(body).unwrap();
    assert_eq!(decoded(&response), [("a", "1"), ("b", "2"), ("unknown", "x"), ("a", "3")]);
    assert_eq!(response.get("a"), Some("1"));
    assert_eq!(response.get_all("a").collect::<Vec<_>>(), ["1", "3"]);
    assert_eq!(response.get("missing"), None);
    assert_eq!(response.iter().count(), 4);
    assert_eq!((&response).into_iter().count(), 4);
}

#[test]
fn xml_references_are_replaced_before_percent_decoding() {
    let body = b"<Epsilon_result><result redirect=\"a.cgi?x=1&amp;y=%32&#38;z=&#x25;41\"/><result q=\"&quot;&lt;&gt;&apos;\"/></Epsilon_result>";
    let response = parse_v1(body).unwrap();
    assert_eq!(response.get("redirect"), Some("a.cgi?x=1&y=2&z=A"));
    assert_eq!(response.get("q"), Some("\"<>'"));
    assert_eq!(response.attributes()[0].escaped(), "a.cgi?x=1&amp;y=%32&#38;z=&#x25;41");
}

#[test]
fn invalid_or_non_ascii_references_are_errors_naming_the_attribute() {
    for body in [
        &b"<Epsilon_result><result memo1=\"a&nbsp;b\"/></Epsilon_result>"[..],
        b"<Epsilon_result><result memo1=\"a&#x3042;\"/></Epsilon_result>",
        b"<Epsilon_result><result memo1=\"a&#xZZ;\"/></Epsilon_result>",
    ] {
        let err = parse_v1(body).unwrap_err();
        assert!(matches!(&err, ParseError::Reference { attribute, offset: 31, .. } if attribute == "memo1"), "{err:?}");
    }
}

#[test]
fn line_breaks_in_attribute_values_are_normalized_to_spaces() {
    let body = b"<Epsilon_result><result memo1=\"a\r\nb\tc\nd&#10;\"/></Epsilon_result>";
    assert_eq!(parse_v1(body).unwrap().get("memo1"), Some("a b c d\n"));
}

#[test]
fn every_truncation_of_every_body_is_an_error() {
    for case in CASES {
        let full = case.body.trim_ascii_end();
        for len in 0..case.body.len() {
            let prefix = &case.body[..len];
            let result = Answer::parse(prefix, case.version);
            if prefix.trim_ascii_end() == full {
                assert!(result.is_ok(), "{} at {len}", case.label);
            } else {
                assert!(result.is_err(), "{} at {len}", case.label);
            }
        }
    }
}

#[test]
fn no_single_byte_change_makes_the_decoder_panic() {
    let interesting = [
        0u8, b'<', b'>', b'/', b'"', b'\'', b'=', b'%', b'+', b'&', b';', b'#', b'!', b'?', b'[', b' ', b'\r', b'x',
        0x82, 0xFF,
    ];
    for original in [PROCESS_8_ERROR, NOT_FOUND, VIRTUAL_ACCOUNT, TDS2_REQUIRED] {
        for i in 0..original.len() {
            for &b in &interesting {
                let mut body = original.to_vec();
                body[i] = b;
                let _ = Answer::parse(&body, Version::V1).map(|r| r.len());
                let _ = Answer::parse(&body, Version::V2).map(|r| r.len());
                body.remove(i);
                let _ = Answer::parse(&body, Version::V1).map(|r| r.len());
                let _ = parse_query(&body, Version::V1).map(|r| r.len());
            }
        }
    }
}

#[test]
fn debug_output_redacts_secret_values() {
    let secrets: &[&str] = &["pareq", "card_number"];
    let body = b"<Epsilon_result><result pareq=\"Zq7kPw%252F\"/><result Card_Number=\"4242\"/><result result=\"6\"/></Epsilon_result>";
    let response = parse_v1(body).unwrap();
    let redacted = RedactedEntries("Answer", response.attributes(), secrets);
    for text in [format!("{redacted:?}"), format!("{redacted:#?}")] {
        assert!(!text.contains("Zq7kPw"), "{text}");
        assert!(!text.contains("4242"), "{text}");
        assert!(text.contains("\"<redacted>\""), "{text}");
        assert!(text.contains("\"pareq\""), "{text}");
        assert!(text.contains("\"6\""), "{text}");
    }
    let attr = format!("{:?}", RedactedEntry(&response.attributes()[0], secrets));
    assert!(!attr.contains("Zq7kPw"), "{attr}");
    assert!(attr.contains("pareq"), "{attr}");
    assert_eq!(
        format!("{:?}", parse_v1(EMPTY_RESULT).unwrap()),
        "Answer {\"err_code\": \"\", \"err_detail\": \"\", \"result\": \"\"}"
    );
}

#[test]
fn debug_output_redacts_every_name_in_secret_names() {
    for &name in crate::SECRET_NAMES {
        let body = format!("<Epsilon_result><result {name}=\"s3cr3t%41\"/></Epsilon_result>");
        let response = parse_v1(body.as_bytes()).unwrap();
        assert!(response.attributes()[0].is_secret(), "{name}");
        for text in [format!("{response:?}"), format!("{response:#?}"), format!("{:?}", response.attributes()[0])] {
            assert!(!text.contains("s3cr3t"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
    }
}

#[test]
fn error_messages_are_lower_case_without_a_trailing_period() {
    let errors = [
        ParseError::Empty,
        parse_v1(b"x").unwrap_err(),
        parse_v1(b"<a/>").unwrap_err(),
        parse_v1(b"<Epsilon_result><result x=\"%Z\"/></Epsilon_result>").unwrap_err(),
        parse_v1(b"<Epsilon_result><result x=\"%82\"/></Epsilon_result>").unwrap_err(),
        parse_v1(b"<Epsilon_result><result/></Epsilon_result>").unwrap_err(),
        parse_v1(b"<Epsilon_result></Epsilon>").unwrap_err(),
        parse_query(b"=1", Version::V1).unwrap_err(),
    ];
    for err in errors {
        let message = err.to_string();
        let first = message.chars().next().unwrap();
        assert!(first.is_lowercase() || first.is_ascii_digit(), "{message}");
        assert!(!message.ends_with('.'), "{message}");
        assert!(message.contains("expected"), "{message}");
        let _: &dyn std::error::Error = &err;
    }
    for message in [
        crate::answer::percent_decode(b"a%zz").unwrap_err().to_string(),
        CharsetError { version: Version::V1, offset: 1 }.to_string(),
    ] {
        assert!(message.starts_with("expected"), "{message}");
        assert!(!message.ends_with('.'), "{message}");
    }
}
