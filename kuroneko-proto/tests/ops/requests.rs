//! Requests: valid ones with their exact bodies (written out by hand from the spec's field order and the WHATWG
//! form encoding: `A-Za-z0-9*-._` raw, space `+`, every other byte `%XX` of its UTF-8), invalid ones with the
//! exact (field, rule) pairs, and the routing of the shared `cvs3` endpoint.

use japay_core::spec::{Effect, route};
use kuroneko_proto::generated::OPERATIONS;

use super::{encode, op, rules};

/// A request's values: (wire name, value), in any order.
type Values = &'static [(&'static str, &'static str)];
/// (field, rule) pairs.
type Rules = &'static [(&'static str, &'static str)];

/// (operation, values, body). `function_div` is never given: the encoder sends the operation's fixed code.
#[rustfmt::skip]
const VALID: &[(&str, Values, &str)] = &[
    // cvs_seven_eleven: with goods_name
    ("cvs_seven_eleven", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "ORDER-0001"), ("goods_name", "テスト商品"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_email", "taro@example.jp")], "function_div=B01&trader_code=888888888&device_div=2&order_no=ORDER-0001&goods_name=%E3%83%86%E3%82%B9%E3%83%88%E5%95%86%E5%93%81&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_email=taro%40example.jp"),
    // cvs_seven_eleven: without the optional goods_name
    ("cvs_seven_eleven", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "ORDER-0001"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_email", "taro@example.jp")], "function_div=B01&trader_code=888888888&device_div=2&order_no=ORDER-0001&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_email=taro%40example.jp"),
    // cvs_family_mart: kana with an ideographic space
    ("cvs_family_mart", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "ORDER-0001"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_name_kana", "ヤマダ　タロウ"), ("buyer_tel", "03-1234-5678"), ("buyer_email", "taro@example.jp")], "function_div=B02&trader_code=888888888&device_div=2&order_no=ORDER-0001&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_name_kana=%E3%83%A4%E3%83%9E%E3%83%80%E3%80%80%E3%82%BF%E3%83%AD%E3%82%A6&buyer_tel=03-1234-5678&buyer_email=taro%40example.jp"),
    // cvs_lawson: goods_name required
    ("cvs_lawson", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "ORDER-0001"), ("goods_name", "テスト商品"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_tel", "03-1234-5678"), ("buyer_email", "taro@example.jp")], "function_div=B03&trader_code=888888888&device_div=2&order_no=ORDER-0001&goods_name=%E3%83%86%E3%82%B9%E3%83%88%E5%95%86%E5%93%81&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678&buyer_email=taro%40example.jp"),
    // cvs_circle_k_sunkus: goods_name required
    ("cvs_circle_k_sunkus", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "ORDER-0001"), ("goods_name", "テスト商品"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_tel", "03-1234-5678"), ("buyer_email", "taro@example.jp")], "function_div=B04&trader_code=888888888&device_div=2&order_no=ORDER-0001&goods_name=%E3%83%86%E3%82%B9%E3%83%88%E5%95%86%E5%93%81&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678&buyer_email=taro%40example.jp"),
    // cvs_ministop: goods_name required
    ("cvs_ministop", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "ORDER-0001"), ("goods_name", "テスト商品"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_tel", "03-1234-5678"), ("buyer_email", "taro@example.jp")], "function_div=B05&trader_code=888888888&device_div=2&order_no=ORDER-0001&goods_name=%E3%83%86%E3%82%B9%E3%83%88%E5%95%86%E5%93%81&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678&buyer_email=taro%40example.jp"),
    // cvs_seicomart: goods_name required
    ("cvs_seicomart", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "ORDER-0001"), ("goods_name", "テスト商品"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_tel", "03-1234-5678"), ("buyer_email", "taro@example.jp")], "function_div=B06&trader_code=888888888&device_div=2&order_no=ORDER-0001&goods_name=%E3%83%86%E3%82%B9%E3%83%88%E5%95%86%E5%93%81&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678&buyer_email=taro%40example.jp"),
    // shipment_entry: a yamato slip passing the seven-check
    ("shipment_entry", &[("trader_code", "888888888"), ("order_no", "ORDER-0001"), ("slip_no", "123456789013"), ("delivery_service_code", "00")], "function_div=E01&trader_code=888888888&order_no=ORDER-0001&slip_no=123456789013&delivery_service_code=00"),
    // shipment_entry: another carrier: the order number as slip
    ("shipment_entry", &[("trader_code", "888888888"), ("order_no", "ORDER-0001"), ("slip_no", "ORDER-0001"), ("delivery_service_code", "99")], "function_div=E01&trader_code=888888888&order_no=ORDER-0001&slip_no=ORDER-0001&delivery_service_code=99"),
    // shipment_entry: another carrier: no seven-check
    ("shipment_entry", &[("trader_code", "888888888"), ("order_no", "ORDER-0001"), ("slip_no", "123456789010"), ("delivery_service_code", "99")], "function_div=E01&trader_code=888888888&order_no=ORDER-0001&slip_no=123456789010&delivery_service_code=99"),
    // shipment_cancel
    ("shipment_cancel", &[("trader_code", "888888888"), ("order_no", "ORDER-0001"), ("slip_no", "123456789013")], "function_div=E02&trader_code=888888888&order_no=ORDER-0001&slip_no=123456789013"),
    // change_date
    ("change_date", &[("trader_code", "888888888"), ("order_no", "ORDER-0001"), ("scheduled_shipping_date", "20270115")], "function_div=E03&trader_code=888888888&order_no=ORDER-0001&scheduled_shipping_date=20270115"),
    // trade_info
    ("trade_info", &[("trader_code", "888888888"), ("order_no", "ORDER-0001")], "function_div=E04&trader_code=888888888&order_no=ORDER-0001"),
    // trader_ip
    ("trader_ip", &[("trader_code", "888888888")], "function_div=H01&trader_code=888888888"),
    // paypay_settle_cancel
    ("paypay_settle_cancel", &[("trader_code", "888888888"), ("order_no", "ORDER-0001")], "function_div=L02&trader_code=888888888&order_no=ORDER-0001"),
    // paypay_change_price: the 6-digit maximum
    ("paypay_change_price", &[("trader_code", "888888888"), ("order_no", "ORDER-0001"), ("new_price", "999999")], "function_div=L03&trader_code=888888888&order_no=ORDER-0001&new_price=999999"),
    // regular_3d
    ("regular_3d", &[("trader_code", "888888888"), ("order_no", "REG-0001")], "function_div=G02&trader_code=888888888&order_no=REG-0001"),
    // regular_info
    ("regular_info", &[("trader_code", "888888888"), ("order_no", "REG-0001")], "function_div=G03&trader_code=888888888&order_no=REG-0001"),
    // regular_update
    ("regular_update", &[("trader_code", "888888888"), ("order_no", "REG-0001")], "function_div=G04&trader_code=888888888&order_no=REG-0001"),
    // regular_delete
    ("regular_delete", &[("trader_code", "888888888"), ("order_no", "REG-0001")], "function_div=G05&trader_code=888888888&order_no=REG-0001"),
    // regular
    ("regular", &[("trader_code", "888888888"), ("device_div", "2"), ("order_no", "REG-0001"), ("settle_price", "1500"), ("buyer_name_kanji", "山田 太郎"), ("buyer_tel", "03-1234-5678"), ("buyer_email", "taro@example.jp"), ("auth_div", "1"), ("pay_way", "1"), ("option_service_div", "01"), ("goods_name", "テスト商品"), ("trader_ec_url", "https://shop.example.jp/3ds"), ("scheduled_shipping_date", "20270101"), ("cycle_unit", "1"), ("cycle_interval", "1"), ("cycle_day", "15")], "function_div=G01&trader_code=888888888&device_div=2&order_no=REG-0001&settle_price=1500&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678&buyer_email=taro%40example.jp&auth_div=1&pay_way=1&option_service_div=01&goods_name=%E3%83%86%E3%82%B9%E3%83%88%E5%95%86%E5%93%81&trader_ec_url=https%3A%2F%2Fshop.example.jp%2F3ds&scheduled_shipping_date=20270101&cycle_unit=1&cycle_interval=1&cycle_day=15"),
];

#[test]
fn valid_requests_encode_to_their_golden_bodies() {
    for (name, values, body) in VALID {
        assert_eq!(encode(name, values).as_deref(), Ok(*body), "{name} {values:?}");
    }
}

const KANJI: (&str, &str) = ("buyer_name_kanji", "山田 太郎");
const EMAIL: (&str, &str) = ("buyer_email", "taro@example.jp");
const TEL: (&str, &str) = ("buyer_tel", "03-1234-5678");
const TRADER: (&str, &str) = ("trader_code", "888888888");
const ORDER: (&str, &str) = ("order_no", "ORDER-0001");

/// (operation, values, the violations as (field, rule), in field order).
#[rustfmt::skip]
const INVALID: &[(&str, Values, Rules)] = &[
    // the fixed function code of another store is refused, never sent
    ("cvs_lawson", &[("function_div", "B04"), TRADER, ("device_div", "2"), ORDER, ("goods_name", "g"), ("settle_price", "1"), KANJI, TEL, EMAIL], &[("function_div", "value")]),
    // cvs3 needs goods_name and buyer_tel; B01 needs neither
    ("cvs_ministop", &[TRADER, ("device_div", "2"), ORDER, ("settle_price", "1"), KANJI, EMAIL], &[("goods_name", "required"), ("buyer_tel", "required")]),
    ("cvs_seven_eleven", &[TRADER, ("device_div", "4"), ORDER, ("settle_price", "0"), KANJI, EMAIL], &[("device_div", "value"), ("settle_price", "min_value")]),
    ("cvs_seven_eleven", &[TRADER, ("device_div", "2"), ("order_no", "order-1"), ("settle_price", "1"), ("buyer_name_kanji", "ﾔﾏﾀﾞ"), EMAIL], &[("order_no", "pattern"), ("buyer_name_kanji", "pattern")]),
    // buyer_name_kana: full-width katakana only, at most 15 characters whatever their bytes
    ("cvs_family_mart", &[TRADER, ("device_div", "2"), ORDER, ("settle_price", "1"), KANJI, ("buyer_name_kana", "やまだ"), TEL, EMAIL], &[("buyer_name_kana", "pattern")]),
    ("cvs_family_mart", &[TRADER, ("device_div", "2"), ORDER, ("settle_price", "1"), KANJI, ("buyer_name_kana", "ﾔﾏﾀﾞ"), TEL, EMAIL], &[("buyer_name_kana", "pattern")]),
    ("cvs_family_mart", &[TRADER, ("device_div", "2"), ORDER, ("settle_price", "1"), KANJI, ("buyer_name_kana", "アイウエオカキクケコサシスセソ"), TEL, EMAIL], &[]),
    ("cvs_family_mart", &[TRADER, ("device_div", "2"), ORDER, ("settle_price", "1"), KANJI, ("buyer_name_kana", "アイウエオカキクケコサシスセソタ"), TEL, EMAIL], &[("buyer_name_kana", "max_chars")]),
    ("cvs_family_mart", &[TRADER, ("device_div", "2"), ORDER, ("settle_price", "1"), KANJI, ("buyer_name_kana", "アイウエオカキクケコサシスセ  "), TEL, EMAIL], &[("buyer_name_kana", "max_chars")]),
    ("cvs_family_mart", &[TRADER, ("device_div", "2"), ORDER, ("settle_price", "1"), KANJI, TEL, EMAIL], &[("buyer_name_kana", "required")]),
    // E01: a yamato slip (00) is 12 digits whose last is the first 11 modulo 7
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "123456789010"), ("delivery_service_code", "00")], &[("slip_no", "pattern")]),
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "123456789017"), ("delivery_service_code", "00")], &[("slip_no", "pattern")]),
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "12345678903"), ("delivery_service_code", "00")], &[("slip_no", "pattern")]),
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "ORDER-0001"), ("delivery_service_code", "00")], &[("slip_no", "pattern")]),
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "999999999994"), ("delivery_service_code", "00")], &[]),
    // another carrier (99): the order_no characters, at most 23
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "slip-1"), ("delivery_service_code", "99")], &[("slip_no", "pattern")]),
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "ABCDEFGHIJKLMNOPQRSTUVWX"), ("delivery_service_code", "99")], &[("slip_no", "max_bytes")]),
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "123456789013"), ("delivery_service_code", "01")], &[("delivery_service_code", "value")]),
    ("shipment_entry", &[TRADER, ORDER, ("slip_no", "123456789013")], &[("delivery_service_code", "required")]),
    ("shipment_cancel", &[TRADER, ORDER], &[("slip_no", "required")]),
    ("change_date", &[TRADER, ORDER, ("scheduled_shipping_date", "20270229")], &[("scheduled_shipping_date", "pattern")]),
    ("change_date", &[TRADER, ORDER], &[("scheduled_shipping_date", "required")]),
    ("trade_info", &[TRADER], &[("order_no", "required")]),
    ("trader_ip", &[("trader_code", "888-888")], &[("trader_code", "pattern")]),
    ("paypay_change_price", &[TRADER, ORDER, ("new_price", "1000000")], &[("new_price", "max_bytes")]),
    ("paypay_change_price", &[TRADER, ORDER, ("new_price", "0")], &[("new_price", "min_value")]),
    ("paypay_settle_cancel", &[TRADER], &[("order_no", "required")]),
    ("regular_delete", &[TRADER, ("order_no", "REG-0000000000000001")], &[("order_no", "max_bytes")]),
    // a stored card: authentication_key and the sum (so the access key) come with member_id
    ("regular", &[TRADER, ("device_div", "2"), ("order_no", "REG-0001"), ("settle_price", "1"), KANJI, TEL, EMAIL, ("pay_way", "1"), ("option_service_div", "01"), ("goods_name", "g"), ("member_id", "M1"), ("scheduled_shipping_date", "20270101"), ("cycle_unit", "1"), ("cycle_interval", "1"), ("cycle_day", "1")], &[("auth_div", "required"), ("authentication_key", "required"), ("access_key", "required")]),
    ("regular", &[TRADER, ("device_div", "2"), ("order_no", "REG-0001"), ("settle_price", "1"), KANJI, TEL, EMAIL, ("auth_div", "0"), ("pay_way", "1"), ("option_service_div", "00"), ("goods_name", "g"), ("scheduled_shipping_date", "20270101"), ("cycle_unit", "1"), ("cycle_interval", "1000"), ("cycle_day", "1")], &[("option_service_div", "value"), ("cycle_interval", "max_bytes")]),
];

#[test]
fn invalid_requests_name_each_field_and_rule() {
    for (name, values, expected) in INVALID {
        let got = match encode(name, values) {
            Ok(_) => Vec::new(),
            Err(report) => rules(&report),
        };
        let expected: Vec<(String, &str)> = expected.iter().map(|(f, r)| ((*f).to_owned(), *r)).collect();
        assert_eq!(got, expected, "{name} {values:?}");
    }
}

#[test]
fn a_check_digit_violation_says_what_a_yamato_slip_is() {
    let report =
        encode("shipment_entry", &[TRADER, ORDER, ("slip_no", "123456789010"), ("delivery_service_code", "00")])
            .unwrap_err();
    let text = report.to_string();
    assert!(text.contains("12-digit number whose last digit is the first 11 digits modulo 7"), "{text}");
    assert!(text.contains("delivery_service_code 00"), "{text}");
    assert!(!text.contains("123456789010"), "the value is never shown: {text}");
}

#[test]
fn fields_of_another_operation_are_unknown() {
    let mut request = japay_core::DynamicRequest::new(op("cvs_seven_eleven"));
    assert!(!request.set("buyer_tel", "03-1234-5678"), "B01 has no phone (facts §2.2)");
    assert!(!request.set("buyer_name_kana", "ヤマダ"), "only B02 has the kana");
}

#[test]
fn the_four_cvs3_stores_share_the_endpoint_and_route_by_function_div() {
    for (code, name) in
        [("B03", "cvs_lawson"), ("B04", "cvs_circle_k_sunkus"), ("B05", "cvs_ministop"), ("B06", "cvs_seicomart")]
    {
        assert_eq!(op(name).path, "cvs3");
        let found = route(OPERATIONS, "/api/cvs3", |p| (p == "function_div").then_some(code)).map(|o| o.name);
        assert_eq!(found, Some(name), "{code}");
    }
    assert_eq!(route(OPERATIONS, "cvs3", |p| (p == "function_div").then_some("B01")).map(|o| o.name), None);
    assert_eq!(route(OPERATIONS, "cvs1", |_| None).map(|o| o.name), Some("cvs_seven_eleven"));
}

/// (operation, effect, reconciled through trade_info). Only reads are sent again; the others are looked up.
#[rustfmt::skip]
const CALLS: &[(&str, Effect, bool)] = &[
    ("cvs_seven_eleven", Effect::Creates, true), ("cvs_family_mart", Effect::Creates, true),
    ("cvs_lawson", Effect::Creates, true), ("cvs_circle_k_sunkus", Effect::Creates, true),
    ("cvs_ministop", Effect::Creates, true), ("cvs_seicomart", Effect::Creates, true),
    ("shipment_entry", Effect::Changes, true), ("shipment_cancel", Effect::Changes, true),
    ("change_date", Effect::Changes, true), ("trade_info", Effect::Reads, false), ("trader_ip", Effect::Reads, false),
    ("paypay_settle", Effect::Creates, true), ("paypay_settle_cancel", Effect::Changes, true),
    ("paypay_change_price", Effect::Changes, true),
    ("regular", Effect::Creates, true), ("regular_3d", Effect::Creates, true), ("regular_info", Effect::Reads, false),
    ("regular_update", Effect::Changes, true), ("regular_delete", Effect::Changes, true),
];

#[test]
fn effects_and_lookups_follow_the_spec() {
    for (name, effect, reconciled) in CALLS {
        let o = op(name);
        assert_eq!(o.effect, *effect, "{name}");
        let lookup = o.lookup.map(|l| (l.operation, l.key, l.copy.to_vec()));
        let expected = reconciled.then(|| ("trade_info", "order_no", vec!["trader_code"]));
        assert_eq!(lookup, expected, "{name}");
    }
}

/// L01's check_sum is computed by the encoder (facts §2.2): the lowercase hex SHA-256 of function_div, trader_code,
/// order_no, settle_price, buyer_name_kanji, buyer_tel, buyer_email, return_url_success, return_url_res and the
/// access key, concatenated. The expected digest below was computed outside this crate (Python's hashlib) over
/// `L01888888888ORDER-00011500山田 太郎03-1234-5678taro@example.jphttps://shop.example.jp/okhttps://shop.example.jp/res1234567`.
mod paypay_settle {
    use japay_core::{Credentials, DynamicRequest, Options};
    use kuroneko_proto::Charset;

    use super::super::{op, rules};

    const VALUES: &[(&str, &str)] = &[
        ("trader_code", "888888888"),
        ("order_no", "ORDER-0001"),
        ("settle_price", "1500"),
        ("buyer_name_kanji", "山田 太郎"),
        ("buyer_tel", "03-1234-5678"),
        ("buyer_email", "taro@example.jp"),
        ("return_url_success", "https://shop.example.jp/ok"),
        ("return_url_res", "https://shop.example.jp/res"),
    ];

    fn encode(
        values: &[(&'static str, &'static str)],
        access_key: Option<&str>,
    ) -> Result<String, Vec<(String, &'static str)>> {
        let mut request = DynamicRequest::new(op("paypay_settle"));
        for (wire, value) in values {
            assert!(request.set(wire, value), "no field {wire}");
        }
        let credentials = access_key.map_or(Credentials::new(), |k| Credentials::new().with("access_key", k));
        let options = Options::new(Charset::Utf8).with_credentials(&credentials);
        let mut body = Vec::new();
        request.encode(options, &mut body).map_err(|r| rules(&r))?;
        Ok(String::from_utf8(body).expect("ascii"))
    }

    #[test]
    fn the_check_sum_is_computed_from_the_payment_and_the_access_key() {
        let body = encode(VALUES, Some("1234567")).unwrap();
        assert_eq!(
            body,
            "function_div=L01&trader_code=888888888&order_no=ORDER-0001&settle_price=1500\
             &buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678\
             &buyer_email=taro%40example.jp&return_url_success=https%3A%2F%2Fshop.example.jp%2Fok\
             &return_url_res=https%3A%2F%2Fshop.example.jp%2Fres\
             &check_sum=1903ab7a7828919b04208ea6891f8c55a180913043d34a840dc3efdd35a73adf"
        );
        // another access key, another sum; the optional fields are not summed
        let other = encode(VALUES, Some("7654321")).unwrap();
        assert!(!other.contains("1903ab7a"), "{other}");
        let with_goods: Vec<_> = VALUES.iter().copied().chain([("goods_name", "品")]).collect();
        assert!(
            encode(&with_goods, Some("1234567"))
                .unwrap()
                .ends_with("check_sum=1903ab7a7828919b04208ea6891f8c55a180913043d34a840dc3efdd35a73adf")
        );
    }

    #[test]
    fn the_access_key_is_required_and_the_caller_cannot_give_the_sum() {
        assert_eq!(encode(VALUES, None), Err(vec![("access_key".to_owned(), "required")]));
        let given: Vec<_> = VALUES.iter().copied().chain([("check_sum", "00")]).collect();
        assert_eq!(encode(&given, Some("1234567")), Err(vec![("check_sum".to_owned(), "value")]));
    }

    #[test]
    fn return_urls_are_https_and_at_most_200_bytes() {
        let long: &'static str = Box::leak(format!("https://shop.example.jp/{}", "a".repeat(177)).into_boxed_str());
        let cases: [(&str, &'static str, &str); 4] = [
            ("return_url_success", "http://shop.example.jp/ok", "pattern"),
            ("return_url_res", "http://127.0.0.1/res", "pattern"),
            ("return_url_failure", "javascript:alert(1)", "pattern"),
            ("return_url_success", long, "max_bytes"),
        ];
        for (field, value, rule) in cases {
            let values: Vec<_> = VALUES.iter().copied().filter(|(f, _)| *f != field).chain([(field, value)]).collect();
            assert_eq!(encode(&values, Some("1234567")), Err(vec![(field.to_owned(), rule)]), "{field}={value}");
        }
    }
}
