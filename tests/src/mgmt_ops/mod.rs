//! The management and account operations (capture, void, change_amount, user_info, virtual_account, ship_request,
//! user_restore, stop_monthly_billing, user_withdraw, and the 定期課金 calls regular_cancel and regular_amount_change): what a valid request encodes to, which rule each mistake
//! breaks, that the body decodes back to the values, and what every answer means — hand-written ones and the real
//! recorded ones (`../shared/fixtures/epsilon-recorded/`, read at run time; when the folder is absent, ignored
//! outside CI and failed under CI).
//!
//! `requests`: encoding, rules, fixed parameters and round trips; `answers`: outcomes of hand-written answers;
//! `recorded`: outcomes of the recorded answers and validity of the recorded requests.

use epsilon_proto::generated::capture::CAPTURE;
use epsilon_proto::generated::change_amount::CHANGE_AMOUNT;
use epsilon_proto::generated::regular_amount_change::REGULAR_AMOUNT_CHANGE;
use epsilon_proto::generated::regular_cancel::REGULAR_CANCEL;
use epsilon_proto::generated::ship_request::SHIP_REQUEST;
use epsilon_proto::generated::stop_monthly_billing::STOP_MONTHLY_BILLING;
use epsilon_proto::generated::user_info::USER_INFO;
use epsilon_proto::generated::user_restore::USER_RESTORE;
use epsilon_proto::generated::user_withdraw::USER_WITHDRAW;
use epsilon_proto::generated::virtual_account::VIRTUAL_ACCOUNT;
use epsilon_proto::generated::void::VOID;
use epsilon_proto::{Charset, DynamicRequest, Options};
use japay_core::spec::OperationSpec;
use japay_core::wire::percent::percent_decode;

const CP932: Options = Options::new(Charset::Cp932);

/// A valid request of every operation, as `(wire name, value)` pairs (fixed parameters left out).
fn valid(spec: &OperationSpec) -> &'static [(&'static str, &'static str)] {
    match spec.name {
        "capture" | "void" => &[("contract_code", "12345678"), ("order_number", "O14289569")],
        "change_amount" => &[
            ("contract_code", "12345678"),
            ("mission_code", "2"),
            ("user_id", "U1434444378"),
            ("item_code", "ITEM001"),
            ("new_item_price", "5000"),
        ],
        "user_info" | "user_restore" | "user_withdraw" => &[("contract_code", "12345678"), ("user_id", "U1416470209")],
        "virtual_account" => &[
            ("contract_code", "12345678"),
            ("user_id", "U1531362414"),
            ("user_name", "山田 太郎"),
            ("user_name_kana", "ﾔﾏﾀﾞ ﾀﾛ-"),
            ("user_mail_add", "yamada-taro@example.com"),
            ("item_code", "ITEM001"),
            ("item_name", "テスト商品"),
            ("order_number", "O54813896"),
            ("st_code", "00000-0000-00000-00000-00100-00000-00000"),
            ("item_price", "10000"),
            ("user_agent", "Mozilla/5.0 (X11; Linux)"),
        ],
        "ship_request" => &[
            ("contract_code", "12345678"),
            ("order_number", "O1"),
            ("delivery_com_code", "12"),
            ("ship_no", "1234-5678-9012"),
        ],
        "stop_monthly_billing" => {
            &[("contract_code", "12345678"), ("user_id", "U1413355547"), ("item_code", "ITEM001")]
        }
        "regular_cancel" => &[("contract_code", "12345678"), ("user_id", "U1413355547"), ("item_code", "SUB001")],
        "regular_amount_change" => &[
            ("contract_code", "12345678"),
            ("user_id", "U1413355547"),
            ("item_code", "SUB001"),
            ("item_price", "1980"),
        ],
        other => panic!("no valid request for {other}"),
    }
}

const SPECS: [&OperationSpec; 11] = [
    &CAPTURE,
    &VOID,
    &CHANGE_AMOUNT,
    &USER_INFO,
    &VIRTUAL_ACCOUNT,
    &SHIP_REQUEST,
    &USER_RESTORE,
    &STOP_MONTHLY_BILLING,
    &USER_WITHDRAW,
    &REGULAR_CANCEL,
    &REGULAR_AMOUNT_CHANGE,
];

/// The request `valid(spec)` with `changes` applied (a pair replaces the value of its name, or is added).
fn request<'a>(spec: &'static OperationSpec, changes: &[(&'a str, &'a str)]) -> DynamicRequest<'a> {
    let mut req = DynamicRequest::new(spec);
    for &(name, value) in valid(spec) {
        if let Some(&(_, changed)) = changes.iter().find(|(n, _)| *n == name) {
            req.set(name, changed);
        } else {
            req.set(name, value);
        }
    }
    for &(name, value) in changes.iter().filter(|(n, _)| !valid(spec).iter().any(|(v, _)| v == n)) {
        req.set(name, value);
    }
    req
}

/// `field:rule` for every violation, in report order; empty when the request is valid.
fn rules(req: &DynamicRequest<'_>, options: Options) -> Vec<String> {
    match req.validate(options) {
        Ok(()) => Vec::new(),
        Err(report) => report.violations().iter().map(|v| format!("{}:{}", v.field, v.kind.rule())).collect(),
    }
}

fn encoded(req: &DynamicRequest<'_>, options: Options) -> String {
    let mut out = Vec::new();
    req.encode(options, &mut out).unwrap_or_else(|r| panic!("{}: {r:?}", req.spec().name));
    String::from_utf8(out).expect("a form body is ASCII")
}

/// The form body decoded back: `+` is a space, `%XX` a byte, the bytes text in `charset`.
fn decode_body(body: &str, charset: Charset) -> Vec<(String, String)> {
    let encoding = match charset {
        Charset::Cp932 => encoding_rs::SHIFT_JIS,
        Charset::EucJp => encoding_rs::EUC_JP,
        _ => encoding_rs::UTF_8,
    };
    body.split('&')
        .map(|pair| {
            let (name, raw) = pair.split_once('=').unwrap_or_else(|| panic!("no = in {pair:?}"));
            let spaced = raw.replace('+', " ");
            let bytes = percent_decode(spaced.as_bytes()).expect("valid percent-encoding");
            let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
            assert!(!had_errors, "{name}: not {charset:?}");
            (name.to_owned(), text.into_owned())
        })
        .collect()
}

fn body(attrs: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>\n<Epsilon_result>\n");
    for (name, value) in attrs {
        s.push_str(&format!("  <result {name}=\"{value}\" />\n"));
    }
    s.push_str("</Epsilon_result>\n");
    s.into_bytes()
}

/// The outcome of an answer as one line: `Captured`, `failure 810 Some("…")`, `error: UnknownResult { … }`.
macro_rules! outcome_line {
    ($response:ty, $outcome:ident, $body:expr) => {{
        match <$response>::parse($body, Version::V1) {
            Err(e) => format!("parse error: {e}"),
            Ok(answer) => match answer.outcome() {
                Ok($outcome::Failure { code, detail }) => format!("failure {} {detail:?}", code.value()),
                Ok(other) => format!("{other:?}"),
                Err(e) => format!("error: {e:?}"),
            },
        }
    }};
}

/// The `err_detail` text of 810 (対象取引はありません, no such transaction) as an outcome line shows it.
const NO_SUCH_TEXT: &str = "Some(\"対象取引はありません\")";

mod answers;
mod recorded;
mod requests;
