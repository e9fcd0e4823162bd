//! The gateway's error texts (facts §3.10, §4.4), and the few the sandbox had to invent.

use epsilon_proto::request::Report;

/// 908: the source host is not registered (facts §3.10, SMO fixture).
pub(crate) const E908: &str = "このCGIを実行する権限がありません";
/// 607: malformed contract code (facts §3.10).
pub(crate) const E607: &str = "契約コード形式エラー";
/// 907: the contract is not usable. **Sandbox choice**: the code table's text (the gateway's own err_detail for 907
/// was never recorded).
pub(crate) const E907: &str = "契約コードの状態が決済システムを利用可能な状態(正式契約)ではありません";
/// 604: the order number was used before. **Sandbox choice**: the code table's text (not recorded as err_detail).
pub(crate) const E604: &str = "既にイプシロン決済システム側で受け取られた注文番号と同一の注文番号で接続されました";
/// 601 for a declined card (facts §4.4 (m)).
pub(crate) const E601_CARD: &str = "ご利用の店舗では利用できないカード番号です。再度入力お願いいたします。";
/// 601 for a bad st_code (facts §4.4 (n)).
pub(crate) const E601_ST_CODE: &str = "決済コードの指定が異常です";
/// 601 for a bad user_id (facts §4.4 (o)).
pub(crate) const E601_USER_ID: &str = "ユーザーIDの形式が異常です";
/// 601 for a bad phone number (facts §4.4 (c)).
pub(crate) const E601_TEL: &str = "電話番号を正しく入力してください";
/// 605: no monthly billing found (facts §4.4 (a)).
pub(crate) const E605: &str = "月次課金データ検索エラー";
/// 810: no such transaction (facts §3.10).
pub(crate) const E810: &str = "対象取引はありません";
/// 909: bad mission_code (facts §3.10).
pub(crate) const E909: &str = "課金区分の指定が異常です";
/// 936: token already used (facts §3.10).
pub(crate) const E936: &str = "すでに使用済みのトークンです。再度トークンの発行をお願いします。";
/// 502: the order could not be accepted (facts §3.10; registered charge without a registered card).
pub(crate) const E502: &str = "注文情報を受け付けることができませんでした";
/// 801: get_user_info found no card (facts §4.4 (l)).
pub(crate) const E801: &str = "イプシロンに登録の電話番号の下4桁(下三桁の場合は下三桁)を入力お願いします。";
/// 601 for a user that is already registered (process 3). **Sandbox choice**: invented text.
pub(crate) const E601_USER_EXISTS: &str = "ユーザーIDは既に登録されています";
/// 601 for an unknown or withdrawn user (process 4, 7). **Sandbox choice**: the user_id text.
pub(crate) const E601_NO_USER: &str = E601_USER_ID;

/// The error code and detail text the gateway answers for a request that breaks its operation's rules: 909 when
/// `mission_code` is wrong, else 601 with the text of the first field that has a recorded text (st_code, user_id,
/// user_tel, card fields). **Sandbox choice**: other fields get an invented `{field}の指定が異常です`.
pub(crate) fn for_report(report: &Report) -> (&'static str, String) {
    let fields: Vec<&str> = report.violations().iter().map(|v| v.field.as_ref()).collect();
    if fields.contains(&"mission_code") {
        return ("909", E909.to_owned());
    }
    for field in &fields {
        let text = match *field {
            "st_code" => E601_ST_CODE,
            "user_id" => E601_USER_ID,
            "user_tel" => E601_TEL,
            "card_number" | "token" | "expire_y" | "expire_m" | "security_code" => E601_CARD,
            _ => continue,
        };
        return ("601", text.to_owned());
    }
    let first = fields.first().copied().unwrap_or("parameter");
    ("601", format!("{first}の指定が異常です"))
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
            ("mission_code=1", "mission_code=77", "909", E909.to_owned()),
            ("user_id=U1", "user_id=U%21", "601", E601_USER_ID.to_owned()),
            ("st_code=10000-0000-00000-00000-00000-00000-00000", "st_code=2", "601", E601_ST_CODE.to_owned()),
            ("item_price=100", "item_price=x", "601", "item_priceの指定が異常です".to_owned()),
        ];
        for (from, to, code, text) in cases {
            let body = base.replace(from, to);
            let form = parse(body.as_bytes(), None).unwrap();
            let report = form.validate(operation_for("receive_order3.cgi", &form).unwrap()).unwrap_err();
            assert_eq!(for_report(&report), (code, text), "{to}");
        }
    }
}
