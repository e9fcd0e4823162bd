//! Percent-decoding, strict text decoding, query strings and versions.

use super::*;

#[test]
fn text_decoding_is_strict_and_reports_the_first_invalid_byte() {
    let ok: &[(&[u8], Version, &str)] = &[
        (b"abc", Version::V1, "abc"),
        (b"\x83\x5f", Version::V1, "ダ"),
        (b"\xB1\xBC\xDE", Version::V1, "ｱｼﾞ"),
        (b"\x87\x40", Version::V1, "①"),
        (b"\xED\x40", Version::V1, "纊"),
        (b"\x81\x60", Version::V1, "～"),
        (b"\xE3\x81\x82", Version::V2, "あ"),
    ];
    for (bytes, version, expected) in ok {
        assert_eq!(decode_text(Cow::Borrowed(bytes), *version).unwrap(), *expected);
        assert_eq!(decode_text(Cow::Owned(bytes.to_vec()), *version).unwrap(), *expected);
    }
    assert!(matches!(decode_text(Cow::Borrowed(b"abc"), Version::V1).unwrap(), Cow::Borrowed("abc")));
    let bad: &[(&[u8], Version, usize)] = &[
        (b"ab\x82", Version::V1, 2),
        (b"\x82\xA0\x82", Version::V1, 2),
        (b"a\xA0", Version::V1, 1),
        (b"a\x82 b", Version::V1, 1),
        (b"\xFF", Version::V1, 0),
        (b"ab\xE3\x81", Version::V2, 2),
        (b"\x83_", Version::V2, 0),
    ];
    for (bytes, version, offset) in bad {
        for input in [Cow::Borrowed(*bytes), Cow::Owned(bytes.to_vec())] {
            assert_eq!(decode_text(input, *version).unwrap_err(), CharsetError { version: *version, offset: *offset });
        }
    }
    let long: Vec<u8> = b"\x82\xA0".repeat(2000).into_iter().chain([0x82]).collect();
    assert_eq!(decode_text(Cow::Owned(long), Version::V1).unwrap_err().offset, 4000);
}

#[test]
fn query_strings_decode_with_the_same_rules_and_keep_order() {
    let query = b"trans_code=861205&user_name=%83~%83h%83%8A+%83_%83C%83L&&result=1&memo1&memo2=a=b&result=%31&";
    let response = parse_query(query, Version::V1).unwrap();
    assert_eq!(
        decoded(&response),
        [
            ("trans_code", "861205"),
            ("user_name", "ミドリ ダイキ"),
            ("result", "1"),
            ("memo1", ""),
            ("memo2", "a=b"),
            ("result", "1"),
        ]
    );
    assert_eq!(response.result(), ResultState::Value("1"));
    assert!(matches!(response.attributes()[0].value, Cow::Borrowed(_)));
    assert!(parse_query(b"", Version::V1).unwrap().is_empty(), "an empty query has no parameters");
    let v2 = Answer::parse_query(b"n=%E3%81%82", Version::V2).unwrap();
    assert_eq!(v2.get("n"), Some("あ"));
}

#[test]
fn malformed_query_strings_are_errors() {
    let cases: &[(&[u8], ParseError)] = &[
        (b"=1", ParseError::InvalidName { offset: 0 }),
        (b"a=1&?b=2", ParseError::InvalidName { offset: 4 }),
        (b"a%41=1", ParseError::InvalidName { offset: 0 }),
        (b"a=1 2", ParseError::InvalidCharacter { offset: 3 }),
        (b"a=\xE3", ParseError::NonAscii { offset: 2 }),
        (b"a=1&bb=%ZZ", ParseError::Percent { attribute: "bb".to_owned(), offset: 7, index: 0 }),
        (b"a=1&bb=x%82", ParseError::Charset { attribute: "bb".to_owned(), version: Version::V1, offset: 7, index: 1 }),
    ];
    for (query, expected) in cases {
        assert_eq!(&parse_query(query, Version::V1).unwrap_err(), expected);
    }
}

#[test]
fn version_parameters_map_to_charsets() {
    assert_eq!(Version::default(), Version::V1);
    assert_eq!(Version::from_param("1"), Some(Version::V1));
    assert_eq!(Version::from_param("2"), Some(Version::V2));
    assert_eq!(Version::from_param(""), None);
    assert_eq!(Version::from_param(" 2"), None);
    assert_eq!(Version::V2.as_param(), "2");
    assert_eq!(Version::V1.charset_name(), "cp932");
}
