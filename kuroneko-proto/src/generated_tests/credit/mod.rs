//! The card operations of `spec/kuroneko/` (A01 credit … A11 reAuth): valid requests and their exact bodies,
//! invalid ones and the exact violation (`requests`), the outcome of hand-written `<return>` answers and the shared
//! `cardData` row view (`answers`). Shared here: the options with the access key, the request fixtures.

mod answers;
mod requests;

use std::fmt::Debug;

use japay_core::{Credentials, DynamicRequest};

use crate::generated::*;
use crate::{Charset, Operation, Options};

fn utf8() -> Options<'static> {
    Options::new(Charset::Utf8)
}

/// The merchant's access key (the computed `check_sum` needs it; it is never sent).
static KEYS: Credentials<'static> = Credentials::new().with("access_key", "98765");

/// UTF-8, with the access key.
pub(super) fn keyed() -> Options<'static> {
    utf8().with_credentials(&KEYS)
}

fn body(request: &impl Operation) -> String {
    let mut out = Vec::new();
    let n = request.encode(keyed(), &mut out).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(n, out.len());
    assert_eq!(request.encoded_len(keyed()).ok(), Some(n));
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("98765"), "the access key is never sent: {text}");
    text
}

/// The rules `request` breaks (with the access key given), as (field, rule), in report order.
fn rules(request: &impl Operation) -> Vec<(String, &'static str)> {
    match request.validate(keyed()) {
        Ok(()) => Vec::new(),
        Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect(),
    }
}

fn broken(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    list.iter().map(|(f, r)| ((*f).to_owned(), *r)).collect()
}

const BUYER: &str = "&buyer_name_kanji=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&buyer_tel=03-1234-5678\
    &buyer_email=taro%40example.jp";

/// A01 with card data.
fn credit_card() -> Credit<'static> {
    Credit {
        trader_code: "888888888",
        device_div: "2",
        order_no: "A-0001",
        settle_price: "1500",
        buyer_name_kanji: "山田 太郎",
        buyer_tel: "03-1234-5678",
        buyer_email: "taro@example.jp",
        auth_div: "2",
        pay_way: "1",
        option_service_div: "00",
        card_code_api: Some("9"),
        card_no: Some("4111111111111111"),
        security_code: Some("123"),
        card_owner: Some("TARO YAMADA"),
        card_exp: Some("1230"),
        ..Default::default()
    }
}

/// The A09 (and, with card_no, A02) relay of an ACS post: awkward but printable ASCII, relayed as given.
fn credit_token_3d() -> CreditToken3d<'static> {
    CreditToken3d {
        trader_code: "888888888",
        order_no: "A-0001",
        comp_cd: "2A",
        token: "0123456789abcdef",
        card_exp: "1230",
        item_price: "1500",
        item_tax: "0",
        cust_cd: "C 1",
        shop_id: "S-01",
        term_cd: "T01",
        crd_res_cd: "000",
        res_ve: Some("Y"),
        res_pa: Some("eJzNV+1v2j=="),
        res_code: "0000",
        three_d_inf: Some("<a href=\"x\">%41+&=  ;"),
        three_d_tran_id: "TRAN/0001",
        send_dt: "20260401120000",
        hash_value: "ab12cd34",
        three_d_token: "0123456789abcdef0123456789abcdef",
        ..Default::default()
    }
}

const RELAY: &str = "&item_price=1500&item_tax=0&cust_cd=C+1&shop_id=S-01&term_cd=T01&crd_res_cd=000&res_ve=Y\
    &res_pa=eJzNV%2B1v2j%3D%3D&res_code=0000&three_d_inf=%3Ca+href%3D%22x%22%3E%2541%2B%26%3D++%3B\
    &three_d_tran_id=TRAN%2F0001&send_dt=20260401120000&hash_value=ab12cd34\
    &three_d_token=0123456789abcdef0123456789abcdef";

fn credit_3d() -> Credit3d<'static> {
    let r = credit_token_3d();
    Credit3d {
        trader_code: r.trader_code,
        order_no: r.order_no,
        comp_cd: r.comp_cd,
        card_no: "4111111111111111",
        card_exp: r.card_exp,
        item_price: r.item_price,
        item_tax: r.item_tax,
        cust_cd: r.cust_cd,
        shop_id: r.shop_id,
        term_cd: r.term_cd,
        crd_res_cd: r.crd_res_cd,
        res_ve: r.res_ve,
        res_pa: r.res_pa,
        res_code: r.res_code,
        three_d_inf: r.three_d_inf,
        three_d_tran_id: r.three_d_tran_id,
        send_dt: r.send_dt,
        hash_value: r.hash_value,
        three_d_token: r.three_d_token,
        ..Default::default()
    }
}

fn credit_token() -> CreditToken<'static> {
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

/// SHA-256 of "M0001" "k1234567" "98765" (member_id, authentication_key, access_key), lowercase hex.
const SUM: &str = "f740d811c0631b08dd4ba9c91b9740e3929108b72e10dda2976bf8b18984e7bd";

/// A01 with a stored card.
fn credit_stored() -> Credit<'static> {
    Credit {
        auth_div: "0",
        option_service_div: "01",
        card_code_api: None,
        card_no: None,
        security_code: None,
        card_owner: None,
        card_exp: None,
        member_id: Some("M0001"),
        authentication_key: Some("k1234567"),
        card_key: Some("1"),
        last_credit_date: Some("20260401120000"),
        ..credit_card()
    }
}

fn credit_info_update() -> CreditInfoUpdate<'static> {
    CreditInfoUpdate {
        trader_code: "888888888",
        member_id: "M0001",
        authentication_key: "k1234567",
        card_key: "2",
        card_exp: Some("0131"),
        card_owner: Some("HANAKO YAMADA"),
        last_credit_date: "20260401120000",
        ..Default::default()
    }
}

fn credit_info_delete() -> CreditInfoDelete<'static> {
    CreditInfoDelete {
        trader_code: "888888888",
        member_id: "M0001",
        authentication_key: "k1234567",
        card_key: "3",
        last_credit_date: "20260401120000",
        ..Default::default()
    }
}

fn credit_change_price() -> CreditChangePrice<'static> {
    CreditChangePrice { trader_code: "888888888", order_no: "A-0001", new_price: "1200", ..Default::default() }
}

#[test]
fn the_card_operations_are_in_the_spec_with_their_paths_and_effects() {
    use japay_core::spec::Effect;
    #[rustfmt::skip]
    let table: [(&str, &str, &str, Effect, bool); 10] = [
        ("credit", "credit", "A01", Effect::Creates, true),
        ("credit_3d", "credit3D", "A02", Effect::Creates, true),
        ("credit_info_get", "creditInfoGet", "A03", Effect::Reads, false),
        ("credit_info_update", "creditInfoUpdate", "A04", Effect::Changes, false),
        ("credit_info_delete", "creditInfoDelete", "A05", Effect::Changes, false),
        ("credit_cancel", "creditCancel", "A06", Effect::Changes, true),
        ("credit_change_price", "creditChangePrice", "A07", Effect::Changes, true),
        ("credit_token", "creditToken", "A08", Effect::Creates, true),
        ("credit_token_3d", "creditToken3D", "A09", Effect::Creates, true),
        ("re_auth", "reAuth", "A11", Effect::Changes, true),
    ];
    for (name, path, code, effect, reconciled) in table {
        let op = OPERATIONS.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(op.path, path, "{name}");
        assert_eq!(op.field("function_div").and_then(|f| f.fixed), Some(code), "{name}");
        assert_eq!(op.effect, effect, "{name}");
        assert_eq!(op.lookup.is_some(), reconciled, "{name}");
        if let Some(lookup) = op.lookup {
            assert_eq!(
                (lookup.operation, lookup.key, lookup.copy),
                ("trade_info", "order_no", &["trader_code"][..]),
                "{name}"
            );
        }
    }
    assert_eq!(
        GATEWAY.endpoint("test").map(|e| e.url(&credit_token_3d::CREDIT_TOKEN_3D)).as_deref(),
        Some("https://ptwebcollect.jp/test_gateway/creditToken3D.api")
    );
}

#[test]
fn card_data_and_relay_secrets_never_show() {
    let request = Credit {
        card_no: Some("4111111111111111"),
        security_code: Some("987"),
        card_exp: Some("0931"),
        ..credit_card()
    };
    let debug = format!("{request:?}");
    for secret in ["4111111111111111", "987", "0931"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    let debug = format!("{:?}", credit_token_3d());
    for secret in ["eJzNV", "href", "ab12cd34", "0123456789abcdef"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(debug.contains("TRAN/0001"), "a non-secret relay value shows: {debug}");
    let report =
        CreditToken3d { res_pa: Some("é"), hash_value: "ü", ..credit_token_3d() }.validate(utf8()).unwrap_err();
    let text = format!("{report} {report:?}");
    assert!(!text.contains('é') && !text.contains('ü'), "{text}");
}
