//! Card requests: exact bodies, the computed check_sum, the untouched 3-D Secure relay, and the violations of
//! invalid requests.

use super::*;

#[test]
fn valid_card_requests_encode_exactly() {
    let cases: Vec<(&str, String, String)> = vec![
        (
            "A01 card data",
            body(&credit_card()),
            format!(
                "function_div=A01&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500{BUYER}\
                 &auth_div=2&pay_way=1&option_service_div=00&card_code_api=9&card_no=4111111111111111\
                 &security_code=123&card_owner=TARO+YAMADA&card_exp=1230"
            ),
        ),
        (
            "A01 with 3-D Secure, a reservation sale and the test gateway's error injection",
            body(&Credit {
                auth_div: "1",
                security_code: None,
                option_service_div: "01",
                trader_ec_url: Some("https://shop.example/3ds?k=1"),
                scheduled_shipping_date: Some("20260430"),
                reserve_1: Some("A012060001"),
                ..credit_card()
            }),
            format!(
                "function_div=A01&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500{BUYER}\
                 &auth_div=1&pay_way=1&option_service_div=01&card_code_api=9&card_no=4111111111111111\
                 &card_owner=TARO+YAMADA&card_exp=1230&trader_ec_url=https%3A%2F%2Fshop.example%2F3ds%3Fk%3D1\
                 &scheduled_shipping_date=20260430&reserve_1=A012060001"
            ),
        ),
        (
            "A01 stored card: check_sum = sha256(member_id authentication_key access_key), the key itself never sent",
            body(&credit_stored()),
            format!(
                "function_div=A01&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500{BUYER}\
                 &auth_div=0&pay_way=1&option_service_div=01&member_id=M0001&authentication_key=k1234567\
                 &card_key=1&last_credit_date=20260401120000&check_sum={SUM}"
            ),
        ),
        (
            "A01 stored card with its security code (auth_div 2)",
            body(&Credit { auth_div: "2", security_code: Some("1234"), ..credit_stored() }),
            format!(
                "function_div=A01&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500{BUYER}\
                 &auth_div=2&pay_way=1&option_service_div=01&security_code=1234&member_id=M0001\
                 &authentication_key=k1234567&card_key=1&last_credit_date=20260401120000&check_sum={SUM}"
            ),
        ),
        (
            "A01 card data stored for a member",
            body(&Credit {
                option_service_div: "01",
                member_id: Some("M0001"),
                authentication_key: Some("k1234567"),
                ..credit_card()
            }),
            format!(
                "function_div=A01&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500{BUYER}\
                 &auth_div=2&pay_way=1&option_service_div=01&card_code_api=9&card_no=4111111111111111\
                 &security_code=123&card_owner=TARO+YAMADA&card_exp=1230&member_id=M0001\
                 &authentication_key=k1234567&check_sum={SUM}"
            ),
        ),
        (
            "A02 relay (card_no in place of token)",
            body(&credit_3d()),
            format!(
                "function_div=A02&trader_code=888888888&order_no=A-0001&comp_cd=2A&card_no=4111111111111111\
                 &card_exp=1230{RELAY}"
            ),
        ),
        (
            "A03",
            body(&CreditInfoGet {
                trader_code: "888888888",
                member_id: "M0001",
                authentication_key: "k1234567",
                ..Default::default()
            }),
            format!(
                "function_div=A03&trader_code=888888888&member_id=M0001&authentication_key=k1234567&check_sum={SUM}"
            ),
        ),
        (
            "A03, another member",
            body(&CreditInfoGet {
                trader_code: "888888888",
                member_id: "MEMBER42",
                authentication_key: "Ab3dEf7h",
                ..Default::default()
            }),
            "function_div=A03&trader_code=888888888&member_id=MEMBER42&authentication_key=Ab3dEf7h\
             &check_sum=316305975533873268dcbe367547025a3e6594849b7abaadc54cec7c920e2393"
                .to_owned(),
        ),
        (
            "A04",
            body(&credit_info_update()),
            format!(
                "function_div=A04&trader_code=888888888&member_id=M0001&authentication_key=k1234567&check_sum={SUM}\
                 &card_key=2&card_exp=0131&card_owner=HANAKO+YAMADA&last_credit_date=20260401120000"
            ),
        ),
        (
            "A05",
            body(&credit_info_delete()),
            format!(
                "function_div=A05&trader_code=888888888&member_id=M0001&authentication_key=k1234567&check_sum={SUM}\
                 &card_key=3&last_credit_date=20260401120000"
            ),
        ),
        (
            "A06",
            body(&CreditCancel { trader_code: "888888888", order_no: "A-0001", ..Default::default() }),
            "function_div=A06&trader_code=888888888&order_no=A-0001".to_owned(),
        ),
        (
            "A07",
            body(&credit_change_price()),
            "function_div=A07&trader_code=888888888&order_no=A-0001&new_price=1200".to_owned(),
        ),
        (
            "A08 with the EMV 3-D Secure 2.0 data",
            body(&CreditToken {
                x3ds2_account_create_date: Some("20240229"),
                x3ds2_address_match: Some("01"),
                x3ds2_bill_address_city: Some("千代田区"),
                x3ds2_bill_address_country: Some("392"),
                x3ds2_bill_address_state: Some("13"),
                x3ds2_bill_address_post_code: Some("1000001"),
                x3ds2_mobile_phone_cc: Some("81"),
                x3ds2_mobile_phone_subscriber: Some("9012345678"),
                x3ds2_transaction_type: Some("01"),
                ..credit_token()
            }),
            format!(
                "function_div=A08&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500{BUYER}\
                 &pay_way=1&token=0123456789abcdef&x3ds2_account_create_date=20240229&x3ds2_address_match=01\
                 &x3ds2_bill_address_city=%E5%8D%83%E4%BB%A3%E7%94%B0%E5%8C%BA&x3ds2_bill_address_country=392\
                 &x3ds2_bill_address_post_code=1000001&x3ds2_bill_address_state=13&x3ds2_mobile_phone_cc=81\
                 &x3ds2_mobile_phone_subscriber=9012345678&x3ds2_transaction_type=01"
            ),
        ),
        (
            "A08 storing the token's card for a member (as CSC and TAR send it)",
            body(&CreditToken {
                option_service_div: Some("01"),
                member_id: Some("M0001"),
                authentication_key: Some("k1234567"),
                ec_cart_code: Some("japay"),
                ..credit_token()
            }),
            format!(
                "function_div=A08&trader_code=888888888&device_div=2&order_no=A-0001&settle_price=1500{BUYER}\
                 &pay_way=1&token=0123456789abcdef&option_service_div=01&member_id=M0001\
                 &authentication_key=k1234567&check_sum={SUM}&ec_cart_code=japay"
            ),
        ),
        (
            "A09 relay, 3D_INF byte for byte",
            body(&credit_token_3d()),
            format!(
                "function_div=A09&trader_code=888888888&order_no=A-0001&comp_cd=2A&token=0123456789abcdef\
                 &card_exp=1230{RELAY}"
            ),
        ),
        (
            "A09 relay without the items that may be empty (#13, #14, #16)",
            body(&CreditToken3d { res_ve: None, res_pa: None, three_d_inf: None, ..credit_token_3d() }),
            "function_div=A09&trader_code=888888888&order_no=A-0001&comp_cd=2A&token=0123456789abcdef\
             &card_exp=1230&item_price=1500&item_tax=0&cust_cd=C+1&shop_id=S-01&term_cd=T01&crd_res_cd=000\
             &res_code=0000&three_d_tran_id=TRAN%2F0001&send_dt=20260401120000&hash_value=ab12cd34\
             &three_d_token=0123456789abcdef0123456789abcdef"
                .to_owned(),
        ),
        (
            "A11",
            body(&ReAuth { trader_code: "888888888", order_no: "A-0001", ..Default::default() }),
            "function_div=A11&trader_code=888888888&order_no=A-0001".to_owned(),
        ),
    ];
    for (name, got, expected) in cases {
        assert_eq!(got, expected, "{name}");
    }
}

/// `check_sum` is the encoder's: no struct field takes it, a caller value is refused, and without the access key it is
/// not computed (a `required` violation naming the credential, never a request without it).
#[test]
fn the_check_sum_is_computed_from_the_access_key_only() {
    let missing =
        |request: &dyn Fn(Options<'static>) -> Result<(), japay_core::Report>| -> Vec<(String, &'static str)> {
            match request(utf8()) {
                Ok(()) => Vec::new(),
                Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect(),
            }
        };
    let expected = broken(&[("access_key", "required")]);
    assert_eq!(missing(&|o| credit_stored().validate(o)), expected);
    assert_eq!(missing(&|o| credit_info_update().validate(o)), expected);
    assert_eq!(missing(&|o| credit_info_delete().validate(o)), expected);
    // without a member there is no check_sum, so no key is needed
    assert_eq!(missing(&|o| credit_card().validate(o)), Vec::new());
    assert_eq!(missing(&|o| credit_token().validate(o)), Vec::new());
    // a caller value is refused (the dynamic request is the only way to give one)
    let mut request = DynamicRequest::new(&credit_info_get::CREDIT_INFO_GET);
    for (name, value) in
        [("trader_code", "888888888"), ("member_id", "M0001"), ("authentication_key", "k1234567"), ("check_sum", SUM)]
    {
        request.set(name, value);
    }
    let report = request.validate(keyed()).unwrap_err();
    let got: Vec<_> = report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect();
    assert_eq!(got, broken(&[("check_sum", "value")]));
    assert!(!format!("{report} {report:?}").contains(SUM), "{report}");
    // the item numbers of A03: function_div 1, trader_code 2, member_id 3, authentication_key 4, check_sum 5
    let items: Vec<_> = credit_info_get::CREDIT_INFO_GET.fields.iter().map(|f| (f.wire, f.item)).collect();
    assert_eq!(
        &items[..5],
        [
            ("function_div", Some(1)),
            ("trader_code", Some(2)),
            ("member_id", Some(3)),
            ("authentication_key", Some(4)),
            ("check_sum", Some(5))
        ]
    );
}

/// The relay never normalizes: with the normalize option the A09 body is the same bytes.
#[test]
fn the_three_d_secure_relay_is_never_normalized() {
    let mut plain = Vec::new();
    credit_token_3d().encode(utf8(), &mut plain).unwrap();
    let mut normalized = Vec::new();
    credit_token_3d().encode(utf8().normalize(true), &mut normalized).unwrap();
    assert_eq!(plain, normalized);
    // an optional relay value of spaces only is sent as given, not dropped; a required one is refused as missing
    let spaces = CreditToken3d { three_d_inf: Some("   "), ..credit_token_3d() };
    assert!(body(&spaces).contains("&three_d_inf=+++&"), "{}", body(&spaces));
    assert_eq!(rules(&CreditToken3d { comp_cd: " ", ..credit_token_3d() }), broken(&[("comp_cd", "required")]));
    // what the relay cannot send exactly is refused, never changed: a line break, a non-ASCII character
    for inf in ["a\r\nb", "caf\u{e9}", "A\u{30a}"] {
        let request = CreditToken3d { three_d_inf: Some(inf), ..credit_token_3d() };
        assert_eq!(rules(&request), broken(&[("three_d_inf", "pattern")]), "{inf:?}");
        let report = request.validate(utf8().normalize(true)).unwrap_err();
        assert!(!format!("{report} {report:?}").contains(inf), "a secret value is never shown");
    }
}

/// A request's name, the rules it broke, and the rules it should break.
type InvalidCase<'a> = (&'a str, Vec<(String, &'static str)>, &'a [(&'a str, &'static str)]);

#[test]
fn invalid_card_requests_break_exactly_these_rules() {
    let cases: Vec<InvalidCase<'_>> = vec![
        // A01: card data or a stored card, exactly one
        (
            "A01 no card",
            rules(&Credit {
                card_code_api: None,
                card_no: None,
                card_owner: None,
                card_exp: None,
                security_code: None,
                ..credit_card()
            }),
            &[("security_code", "required"), ("card_data", "one_of")],
        ),
        (
            "A01 auth_div 3 without security_code and trader_ec_url",
            rules(&Credit { auth_div: "3", security_code: None, trader_ec_url: None, ..credit_card() }),
            &[("security_code", "required"), ("trader_ec_url", "required")],
        ),
        (
            "A01 auth_div 1 without trader_ec_url",
            rules(&Credit { auth_div: "1", security_code: None, trader_ec_url: None, ..credit_card() }),
            &[("trader_ec_url", "required")],
        ),
        (
            "A01 auth_div 0 needs neither",
            rules(&Credit { auth_div: "0", security_code: None, trader_ec_url: None, ..credit_card() }),
            &[],
        ),
        (
            "A01 card data and a stored card",
            rules(&Credit { option_service_div: "01", card_key: Some("1"), ..credit_card() }),
            &[("member_id", "required"), ("authentication_key", "required"), ("card_data", "one_of")],
        ),
        (
            "A01 card data without card_exp",
            rules(&Credit { card_exp: None, ..credit_card() }),
            &[("card_exp", "required")],
        ),
        (
            "A01 stored-card fields with option_service_div 00",
            rules(&Credit {
                card_key: Some("1"),
                card_no: None,
                card_owner: None,
                card_exp: None,
                card_code_api: None,
                ..credit_card()
            }),
            &[
                ("member_id", "required"),
                ("authentication_key", "required"),
                ("card_key", "forbidden"),
                ("last_credit_date", "required"),
            ],
        ),
        (
            "A01 card_exp not MMYY",
            rules(&Credit { card_exp: Some("12/30"), ..credit_card() }),
            &[("card_exp", "pattern")],
        ),
        (
            "A01 card_exp 3 digits",
            rules(&Credit { card_exp: Some("123"), ..credit_card() }),
            &[("card_exp", "exact_bytes")],
        ),
        (
            "A01 card_no 17 digits",
            rules(&Credit { card_no: Some("41111111111111111"), ..credit_card() }),
            &[("card_no", "max_bytes")],
        ),
        (
            "A01 security_code 2 digits",
            rules(&Credit { security_code: Some("12"), ..credit_card() }),
            &[("security_code", "min_bytes")],
        ),
        (
            "A01 security_code 5 digits",
            rules(&Credit { security_code: Some("12345"), ..credit_card() }),
            &[("security_code", "max_bytes")],
        ),
        (
            "A01 card_owner in kanji",
            rules(&Credit { card_owner: Some("山田"), ..credit_card() }),
            &[("card_owner", "pattern")],
        ),
        (
            "A01 card_owner 21 letters",
            rules(&Credit { card_owner: Some("ABCDEFGHIJ KLMNOPQRST"), ..credit_card() }),
            &[("card_owner", "max_bytes")],
        ),
        (
            "A01 card_owner 20 letters",
            rules(&Credit { card_owner: Some("ABCDEFGHIJ KLMN.,-RS"), ..credit_card() }),
            &[],
        ),
        ("A01 auth_div 4", rules(&Credit { auth_div: "4", ..credit_card() }), &[("auth_div", "value")]),
        (
            "A01 card_code_api 99",
            rules(&Credit { card_code_api: Some("99"), ..credit_card() }),
            &[("card_code_api", "value")],
        ),
        ("A01 device_div 3 (a feature phone)", rules(&Credit { device_div: "3", ..credit_card() }), &[]),
        (
            "A01 http trader_ec_url",
            rules(&Credit { trader_ec_url: Some("http://shop.example/3ds"), ..credit_card() }),
            &[("trader_ec_url", "pattern")],
        ),
        (
            "A01 reservation sale with option_service_div 00",
            rules(&Credit { scheduled_shipping_date: Some("20260430"), ..credit_card() }),
            &[("scheduled_shipping_date", "forbidden")],
        ),
        ("A01 stored card", rules(&credit_stored()), &[]),
        (
            "A01 stored card without last_credit_date",
            rules(&Credit { last_credit_date: None, ..credit_stored() }),
            &[("last_credit_date", "required")],
        ),
        (
            "A01 stored card without authentication_key",
            rules(&Credit { authentication_key: None, ..credit_stored() }),
            &[("authentication_key", "required")],
        ),
        (
            "A01 stored card with option_service_div 00",
            rules(&Credit { option_service_div: "00", ..credit_stored() }),
            &[
                ("member_id", "forbidden"),
                ("authentication_key", "forbidden"),
                ("card_key", "forbidden"),
                ("last_credit_date", "forbidden"),
            ],
        ),
        ("A01 card_key 4", rules(&Credit { card_key: Some("4"), ..credit_stored() }), &[("card_key", "value")]),
        (
            "A01 last_credit_date not a time",
            rules(&Credit { last_credit_date: Some("20260401246000"), ..credit_stored() }),
            &[("last_credit_date", "pattern")],
        ),
        (
            "A01 authentication_key 9 characters",
            rules(&Credit { authentication_key: Some("k12345678"), ..credit_stored() }),
            &[("authentication_key", "max_bytes")],
        ),
        (
            "A01 member_id with a hyphen",
            rules(&Credit { member_id: Some("M-0001"), ..credit_stored() }),
            &[("member_id", "pattern")],
        ),
        // A03 / A04 / A05
        (
            "A03 member_id 65 characters",
            rules(&CreditInfoGet {
                trader_code: "888888888",
                member_id: &"M".repeat(65),
                authentication_key: "k1",
                ..Default::default()
            }),
            &[("member_id", "max_bytes")],
        ),
        (
            "A03 no authentication_key",
            rules(&CreditInfoGet { trader_code: "888888888", member_id: "M0001", ..Default::default() }),
            &[("authentication_key", "required")],
        ),
        (
            "A04 card_key 0",
            rules(&CreditInfoUpdate { card_key: "0", ..credit_info_update() }),
            &[("card_key", "value")],
        ),
        (
            "A04 no last_credit_date",
            rules(&CreditInfoUpdate { last_credit_date: "", ..credit_info_update() }),
            &[("last_credit_date", "required")],
        ),
        (
            "A04 card_exp 5 digits",
            rules(&CreditInfoUpdate { card_exp: Some("01311"), ..credit_info_update() }),
            &[("card_exp", "exact_bytes")],
        ),
        (
            "A04 card_owner with a digit",
            rules(&CreditInfoUpdate { card_owner: Some("R2 D2"), ..credit_info_update() }),
            &[("card_owner", "pattern")],
        ),
        ("A04 card_code_api 13", rules(&CreditInfoUpdate { card_code_api: Some("13"), ..credit_info_update() }), &[]),
        (
            "A05 no card_key",
            rules(&CreditInfoDelete { card_key: "", ..credit_info_delete() }),
            &[("card_key", "required")],
        ),
        (
            "A05 last_credit_date 20260229000000",
            rules(&CreditInfoDelete { last_credit_date: "20260229000000", ..credit_info_delete() }),
            &[("last_credit_date", "pattern")],
        ),
        // A02 / A09: the relay
        (
            "A02 card_no with a mask",
            rules(&Credit3d { card_no: "411111******1111", ..credit_3d() }),
            &[("card_no", "pattern")],
        ),
        (
            "A09 three_d_token 31",
            rules(&CreditToken3d { three_d_token: "0123456789abcdef0123456789abcde", ..credit_token_3d() }),
            &[("three_d_token", "exact_bytes")],
        ),
        (
            "A09 no hash_value",
            rules(&CreditToken3d { hash_value: "", ..credit_token_3d() }),
            &[("hash_value", "required")],
        ),
        ("A09 no res_code", rules(&CreditToken3d { res_code: "", ..credit_token_3d() }), &[("res_code", "required")]),
        (
            "A09 comp_cd with a tab",
            rules(&CreditToken3d { comp_cd: "2\tA", ..credit_token_3d() }),
            &[("comp_cd", "pattern")],
        ),
        (
            "A09 token 15",
            rules(&CreditToken3d { token: "0123456789abcde", ..credit_token_3d() }),
            &[("token", "exact_bytes")],
        ),
        // A06 / A07 / A11
        (
            "A06 order_no in lower case",
            rules(&CreditCancel { trader_code: "888888888", order_no: "a-0001", ..Default::default() }),
            &[("order_no", "pattern")],
        ),
        (
            "A06 no order_no",
            rules(&CreditCancel { trader_code: "888888888", ..Default::default() }),
            &[("order_no", "required")],
        ),
        (
            "A07 new_price 0",
            rules(&CreditChangePrice { new_price: "0", ..credit_change_price() }),
            &[("new_price", "min_value")],
        ),
        (
            "A07 new_price 1,200",
            rules(&CreditChangePrice { new_price: "1,200", ..credit_change_price() }),
            &[("new_price", "pattern")],
        ),
        (
            "A07 no new_price",
            rules(&CreditChangePrice { new_price: "", ..credit_change_price() }),
            &[("new_price", "required")],
        ),
        (
            "A11 order_no 24 characters",
            rules(&ReAuth { trader_code: "888888888", order_no: "ABCDEFGHIJKLMNOPQRSTUVWX", ..Default::default() }),
            &[("order_no", "max_bytes")],
        ),
        // A08: the EMV 3-D Secure 2.0 data
        (
            "A08 x3ds2_address_match 03",
            rules(&CreditToken { x3ds2_address_match: Some("03"), ..credit_token() }),
            &[("x3ds2_address_match", "value")],
        ),
        (
            "A08 x3ds2_account_create_date 20230229",
            rules(&CreditToken { x3ds2_account_create_date: Some("20230229"), ..credit_token() }),
            &[("x3ds2_account_create_date", "pattern")],
        ),
        (
            "A08 x3ds2_bill_address_state 1",
            rules(&CreditToken { x3ds2_bill_address_state: Some("1"), ..credit_token() }),
            &[("x3ds2_bill_address_state", "exact_bytes")],
        ),
        (
            "A08 x3ds2_bill_address_post_code with a hyphen",
            rules(&CreditToken { x3ds2_bill_address_post_code: Some("100-0001"), ..credit_token() }),
            &[("x3ds2_bill_address_post_code", "pattern")],
        ),
        (
            "A08 x3ds2_ship_address_line1 髙",
            rules(&CreditToken { x3ds2_ship_address_line1: Some("髙島屋"), ..credit_token() }),
            &[("x3ds2_ship_address_line1", "charset")],
        ),
        (
            "A08 stored-card fields with option_service_div 00",
            rules(&CreditToken {
                option_service_div: Some("00"),
                authentication_key: Some("k1234567"),
                ..credit_token()
            }),
            &[("member_id", "required"), ("authentication_key", "forbidden")],
        ),
    ];
    let wrong: Vec<String> = cases
        .into_iter()
        .filter(|(_, got, expected)| *got != broken(expected))
        .map(|(name, got, expected)| format!("{name}: got {got:?}, expected {expected:?}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
