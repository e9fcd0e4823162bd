//! Every error text of the sandbox that no code table of the spec has, in one place. All other texts are the `ja`
//! text of the code in the spec's `err_code` table ([`crate::checks::text`]).
//!
//! Two kinds live here:
//!
//! * **recorded**: err_detail texts the gateway answered for 601 in a recording (facts §4.4), more specific than the
//!   table's text for 601 (`パラメータエラー(内容は err_detail 参照)`);
//! * **invented** (**sandbox choice**): texts the gateway was never seen to answer.

use epsilon_proto::Report;

/// 601 for a declined card (recorded, facts §4.4 (m)).
pub(crate) const CARD: &str = "ご利用の店舗では利用できないカード番号です。再度入力お願いいたします。";
/// 601 for a bad st_code (recorded, facts §4.4 (n)).
pub(crate) const ST_CODE: &str = "決済コードの指定が異常です";
/// 601 for a bad user_id (recorded, facts §4.4 (o)).
pub(crate) const USER_ID: &str = "ユーザーIDの形式が異常です";
/// 601 for a bad phone number (recorded, facts §4.4 (c)).
pub(crate) const TEL: &str = "電話番号を正しく入力してください";
/// 601 for a bad gmo_card_id (recorded, facts §4.4 (j), §2.2).
pub(crate) const GMO_CARD_ID: &str = "会員クレジットカードシーケンス番号が不正です";
/// 601 for a user that is already registered (process 3). Invented.
pub(crate) const USER_EXISTS: &str = "ユーザーIDは既に登録されています";
/// 601 for an unknown or withdrawn user (process 4, 7): the recorded user_id text, chosen.
pub(crate) const NO_USER: &str = USER_ID;
/// 601 for a body that does not decode at all. Invented.
pub(crate) const BODY: &str = "リクエストの形式が異常です";

/// 601 for a parameter without a recorded text, and for a discriminating parameter (process_code) no operation
/// takes: `{field}の指定が異常です`. Invented, in the pattern of the recorded texts.
pub(crate) fn bad_field(field: &str) -> String {
    format!("{field}の指定が異常です")
}

/// The err_code and err_detail the gateway answers for a request that breaks its operation's rules: 909 when
/// `mission_code` is wrong (the table's text), else 601 with the recorded text of the first field that has one
/// (st_code, user_id, user_tel, card fields), else [`bad_field`] of the first field.
pub(crate) fn for_report(report: &Report) -> (&'static str, String) {
    let fields: Vec<&str> = report.violations().iter().map(|v| v.field.as_ref()).collect();
    if fields.contains(&"mission_code") {
        return ("909", crate::checks::text("909").to_owned());
    }
    for field in &fields {
        let text = match *field {
            "st_code" => ST_CODE,
            "user_id" => USER_ID,
            "user_tel" => TEL,
            "card_number" | "token" | "expire_y" | "expire_m" | "security_code" => CARD,
            _ => continue,
        };
        return ("601", text.to_owned());
    }
    ("601", bad_field(fields.first().copied().unwrap_or("parameter")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use epsilon_proto::request_body::{operation_for, parse};

    use super::*;

    #[test]
    fn a_report_maps_to_the_gateway_code_and_text() {
        let base = "contract_code=12345678&user_id=U1&user_name=a&user_mail_add=a%40b.c&item_code=I1&item_name=x&order_number=O1&st_code=10000-0000-00000-00000-00000-00000-00000&mission_code=1&item_price=100&process_code=1&xml=1";
        // (replace this pair, with this one, code, text)
        let cases = [
            ("mission_code=1", "mission_code=77", "909", "課金区分の指定が異常です".to_owned()),
            ("user_id=U1", "user_id=U%21", "601", USER_ID.to_owned()),
            ("st_code=10000-0000-00000-00000-00000-00000-00000", "st_code=2", "601", ST_CODE.to_owned()),
            ("item_price=100", "item_price=x", "601", "item_priceの指定が異常です".to_owned()),
        ];
        for (from, to, code, text) in cases {
            let body = base.replace(from, to);
            let form = parse(body.as_bytes(), None).unwrap();
            let report = form.validate(operation_for("receive_order3.cgi", &form).unwrap()).unwrap_err();
            assert_eq!(for_report(&report), (code, text), "{to}");
        }
    }

    /// The texts here are not in the code table: a text the table has is read from it, never copied.
    #[test]
    fn no_text_here_is_a_table_text() {
        let table = &epsilon_proto::generated::codes::ERR_CODE;
        for text in [CARD, ST_CODE, USER_ID, TEL, USER_EXISTS, BODY] {
            assert!(table.entries.iter().all(|e| e.ja != text), "{text} is in the err_code table");
        }
    }
}
