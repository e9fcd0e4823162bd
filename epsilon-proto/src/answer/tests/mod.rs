//! Unit tests of the answer reader over synthesized bodies (`tests/data/bodies/`, made up for these tests; each
//! reproduces format quirks listed in facts §4.3, Q1–Q23). Recorded gateway answers are never copied here;
//! `tests/src/recorded.rs` reads them from the recordings at run time instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::borrow::Cow;

use crate::answer::{Answer, CharsetError, ParseError, ResultState, Version, decode_text, parse_query, percent_decode};
use crate::wire::multimap::{RedactedEntries, RedactedEntry};

mod bodies;
mod conflicts;
mod errors;
mod values;

/// receive_order3 process 8 error: `x-sjis-cp932` with a space before `?>` (Q1), CRLF (Q5),
/// root indented by two spaces, children by four, no final newline (Q6); `%83f` = デ keeps a
/// raw ASCII trail byte while `%81%5B` (ー) and `%83%5E` (タ) escape `[` and `^` (Q12, Q13).
const PROCESS_8_ERROR: &[u8] = include_bytes!("../../../../tests/data/bodies/process_8_error.xml");

/// receive_order3 process 9 success: CRLF, closing tag indented by one space (Q6), `%20` for
/// a space (Q14), empty memos (Q9).
const PROCESS_9_OK: &[u8] = include_bytes!("../../../../tests/data/bodies/process_9_ok.xml");

/// receive_order3 error declared `UTF-8` but carrying CP932 text (Q1, Q3): `%83h` = ド and
/// `%8Am` = 確 keep raw trail bytes (Q12).
const UTF8_DECLARED_CP932_ERROR: &[u8] = include_bytes!("../../../../tests/data/bodies/utf8_declared_cp932_error.xml");

/// receive_order3 direct convenience-store order declared `ISO-8859-1` (Q1, Q3): root not
/// indented, two-space children, arbitrary attribute order (Q8); the name uses `%83~` (ミ),
/// `%83h` (ド), `%83J` (カ), `%83_` (ダ), `%83C` (イ), `%83L` (キ) with raw trail bytes (Q12)
/// and `%20` for the space (Q14); `%28`/`%29`/`%40`/`%3A`/`%2F` escaped (Q13); dates and
/// numbers unencoded (Q17); JST timestamps without a zone (Q18); a plain-http slip URL (Q22).
const LATIN1_DECLARED_CONVENI_ORDER: &[u8] =
    include_bytes!("../../../../tests/data/bodies/latin1_declared_conveni_order.xml");

/// getsales2 "not found": no encoding and two spaces before `?>` (Q1), a root with no
/// children, closing tag indented by two spaces, no final newline (Q6).
const NOT_FOUND: &[u8] = include_bytes!("../../../../tests/data/bodies/not_found.xml");

/// getsales2 found: LF, arbitrary order, no `result` attribute at all; `+` for spaces, `%7E`
/// for `~` and `%2B` for a literal plus (Q14); CP932 kanji around a `+`.
const GETSALES2_FOUND: &[u8] = include_bytes!("../../../../tests/data/bodies/getsales2_found.xml");

/// direct_virtual_account success: `x-sjis-cp932` without a space before `?>` (Q1),
/// alphabetical order (Q8), half-width katakana single bytes with ASCII `-` as the long-vowel
/// mark (Q16).
const VIRTUAL_ACCOUNT: &[u8] = include_bytes!("../../../../tests/data/bodies/virtual_account.xml");

/// direct_card_payment, 3-D Secure 2.0 required: a double-encoded `pareq` that must come out
/// of decoding still escaped (Q15), empty `acsurl` (Q9), a nine-digit trans_code (Q19).
const TDS2_REQUIRED: &[u8] = include_bytes!("../../../../tests/data/bodies/tds2_required.xml");

/// receive_order3 link order: `UTF-8` with a space before `?>`, root indented by one space,
/// closing tag by two (Q6); the redirect carries an already-encoded token, so one decode
/// leaves `%2F` in it (Q15, Q19).
const LINK_REDIRECT: &[u8] = include_bytes!("../../../../tests/data/bodies/link_redirect.xml");

/// receive_order_gmo2 error: result 9 with a trans_code (Q20), CRLF, root not indented,
/// four-space children (Q6), arbitrary order (Q8).
const GMO_ID_ERROR: &[u8] = include_bytes!("../../../../tests/data/bodies/gmo_id_error.xml");

/// cancel_payment with an empty `result` (Q9); LF, no final newline.
const EMPTY_RESULT: &[u8] = include_bytes!("../../../../tests/data/bodies/empty_result.xml");

/// get_user_info failure with result 2: ASCII parentheses escaped as `%28`/`%29` (Q13) and
/// `%81B` = 。 with a raw trail byte (Q12).
const USER_INFO_FAILURE: &[u8] = include_bytes!("../../../../tests/data/bodies/user_info_failure.xml");

/// get_user_info success: `*` escaped as `%2A` in the mask (Q13), unencoded `card_expire`.
const USER_INFO_OK: &[u8] = include_bytes!("../../../../tests/data/bodies/user_info_ok.xml");

/// direct_card_payment decline: result 0 still carrying a trans_code (Q20), alphabetical
/// order (Q8), `%97p` = 用 and `%81B` = 。 (Q12).
const CARD_DECLINED: &[u8] = include_bytes!("../../../../tests/data/bodies/card_declined.xml");

/// receive_order3 parameter error echoing the memos: `UTF-8` declared, CRLF, CP932 text in
/// `err_detail` and in `memo2` (`%8Ft` = 春, `%90V` = 新: Q12).
const BAD_ITEM_CODE: &[u8] = include_bytes!("../../../../tests/data/bodies/bad_item_code.xml");

/// The same kind of answer for a `version=2` request: UTF-8 percent-encoded text under the
/// same `UTF-8` declaration (Q3, Q11).
const VERSION_2_ERROR: &[u8] = include_bytes!("../../../../tests/data/bodies/version_2_error.xml");

/// One synthesized body and every attribute it must decode to, in document order.
struct Case {
    label: &'static str,
    body: &'static [u8],
    version: Version,
    result: ResultState<'static>,
    attrs: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        label: "receive_order3 process 8 error",
        body: PROCESS_8_ERROR,
        version: Version::V1,
        result: ResultState::Value("0"),
        attrs: &[
            ("result", "0"),
            ("err_code", "605"),
            ("memo1", ""),
            ("err_detail", "定期購入データが見つかりません"),
            ("memo2", "sub-0417"),
        ],
    },
    Case {
        label: "receive_order3 process 9 success",
        body: PROCESS_9_OK,
        version: Version::V1,
        result: ResultState::Value("1"),
        attrs: &[
            ("result", "1"),
            ("user_id", "U7730215"),
            ("user_name", "SUZUKI Hanako"),
            ("memo1", ""),
            ("memo2", ""),
        ],
    },
    Case {
        label: "UTF-8 declared, CP932 payload",
        body: UTF8_DECLARED_CP932_ERROR,
        version: Version::V1,
        result: ResultState::Value("0"),
        attrs: &[
            ("result", "0"),
            ("err_code", "601"),
            ("err_detail", "メールアドレスを確認してください"),
            ("memo1", ""),
            ("memo2", ""),
        ],
    },
    Case {
        label: "ISO-8859-1 declared convenience-store order",
        body: LATIN1_DECLARED_CONVENI_ORDER,
        version: Version::V1,
        result: ResultState::Value("1"),
        attrs: &[
            ("result", "1"),
            ("trans_code", "861205"),
            ("user_id", "U7730216"),
            ("order_number", "T20310042"),
            ("state", "0"),
            ("user_name", "ミドリカワ ダイキ"),
            ("process_code", "1"),
            ("item_price", "3480"),
            ("last_update", "2031-04-02 19:05:48"),
            ("mission_code", "1"),
            ("memo1", ""),
            ("memo2", ""),
            ("contract_code", "87654321"),
            ("st_code", "00100-0000-00000-00000-00000-00000-00000"),
            ("item_name", "Green Tea (x2)"),
            ("item_code", "SKU-77"),
            ("payment_code", "3"),
            ("user_mail_add", "midorikawa.d@example.test"),
            ("conveni_code", "31"),
            ("kigyou_code", "00777"),
            ("receipt_no", "284391"),
            ("haraikomi_url", "http://example.test/slip/sample.pdf"),
            ("receipt_date", "2031-04-02 19:05:48"),
            ("paid", "0"),
            ("conveni_limit", "2031-04-09"),
            ("conveni_time", ""),
        ],
    },
    Case {
        label: "getsales2 not found",
        body: NOT_FOUND,
        version: Version::V1,
        result: ResultState::Absent,
        attrs: &[],
    },
    Case {
        label: "getsales2 found",
        body: GETSALES2_FOUND,
        version: Version::V1,
        result: ResultState::Absent,
        attrs: &[
            ("order_number", "T20310043"),
            ("state", "1"),
            ("user_name", "佐野 花"),
            ("last_update", "2031-05-11 08:15:02"),
            ("trans_code", "9130417"),
            ("item_name", "Blue Mug (L)"),
            ("card_st_code", "61"),
            ("pay_time", "3"),
            ("memo1", "gift~wrap"),
            ("credit_time", "2031-05-11 08:15:03"),
            ("payment_code", "1"),
            ("item_price", "12000"),
            ("user_mail_add", "sano.hana@example.test"),
            ("memo2", "1+1"),
            ("due_date", ""),
            ("st_code", "10000-0000-00000-00000-00000-00000-00000"),
            ("user_id", "U7730217"),
            ("add_info", ""),
            ("sales_limit_exceeded_flag", "0"),
            ("process_code", "1"),
            ("mission_code", "1"),
            ("contract_code", "87654321"),
            ("item_code", "SKU-78"),
            ("credit_flag", "0"),
        ],
    },
    Case {
        label: "direct_virtual_account success",
        body: VIRTUAL_ACCOUNT,
        version: Version::V1,
        result: ResultState::Value("1"),
        attrs: &[
            ("account_name", "EXAMPLEｼｮｯﾌﾟ"),
            ("account_no", "2208461"),
            ("bank_code", "0999"),
            ("bank_name", "ｻﾝﾌﾟﾙﾏ-ﾄｷﾞﾝｺｳ"),
            ("branch_code", "118"),
            ("branch_name", "ﾐﾅﾄﾐﾗｲ"),
            ("err_code", ""),
            ("err_detail", ""),
            ("result", "1"),
            ("trans_code", "861310"),
        ],
    },
    Case {
        label: "3-D Secure 2.0 required",
        body: TDS2_REQUIRED,
        version: Version::V1,
        result: ResultState::Value("6"),
        attrs: &[
            ("acsurl", ""),
            ("err_code", ""),
            ("err_detail", ""),
            ("pareq", "Zq7%2FkP%2BwL0%3D"),
            ("result", "6"),
            ("tds2_url", "https://example.test/tds2/start.cgi"),
            ("trans_code", "402915736"),
        ],
    },
    Case {
        label: "receive_order3 link redirect",
        body: LINK_REDIRECT,
        version: Version::V1,
        result: ResultState::Value("1"),
        attrs: &[("result", "1"), ("redirect", "https://example.test/pay/card.cgi?trans_code=k4Vd9%2FqT2mXw8")],
    },
    Case {
        label: "receive_order_gmo2 error with a trans_code",
        body: GMO_ID_ERROR,
        version: Version::V1,
        result: ResultState::Value("9"),
        attrs: &[
            ("err_code", "601"),
            ("trans_code", "861377"),
            ("err_detail", "カード番号の桁数が正しくありません"),
            ("result", "9"),
        ],
    },
    Case {
        label: "cancel_payment with an empty result",
        body: EMPTY_RESULT,
        version: Version::V1,
        result: ResultState::Empty,
        attrs: &[("err_code", ""), ("err_detail", ""), ("result", "")],
    },
    Case {
        label: "get_user_info failure",
        body: USER_INFO_FAILURE,
        version: Version::V1,
        result: ResultState::Value("2"),
        attrs: &[
            ("card_brand", ""),
            ("card_number_mask", ""),
            ("err_code", "801"),
            ("err_detail", "登録済みのカード(有効期限切れ)を更新してください。"),
            ("result", "2"),
        ],
    },
    Case {
        label: "get_user_info success",
        body: USER_INFO_OK,
        version: Version::V1,
        result: ResultState::Value("1"),
        attrs: &[
            ("card_brand", "JCB"),
            ("card_expire", "203108"),
            ("card_number_mask", "3***********0017"),
            ("err_code", ""),
            ("err_detail", ""),
            ("result", "1"),
        ],
    },
    Case {
        label: "direct_card_payment decline",
        body: CARD_DECLINED,
        version: Version::V1,
        result: ResultState::Value("0"),
        attrs: &[
            ("acsurl", ""),
            ("err_code", "601"),
            ("err_detail", "このカードはご利用いただけません。"),
            ("pareq", ""),
            ("result", "0"),
            ("trans_code", "861402"),
        ],
    },
    Case {
        label: "receive_order3 parameter error echoing memos",
        body: BAD_ITEM_CODE,
        version: Version::V1,
        result: ResultState::Value("0"),
        attrs: &[
            ("result", "0"),
            ("err_code", "601"),
            ("err_detail", "商品コードが長すぎます"),
            ("memo1", "campaign-7"),
            ("memo2", "春の新作"),
        ],
    },
    Case {
        label: "version 2 error",
        body: VERSION_2_ERROR,
        version: Version::V2,
        result: ResultState::Value("0"),
        attrs: &[
            ("result", "0"),
            ("err_code", "601"),
            ("err_detail", "お届け先の郵便番号が正しくありません"),
            ("memo1", "campaign-7"),
            ("memo2", "春の新作"),
        ],
    },
];

/// Every XML declaration the gateway was seen to send (facts §4.3 Q1).
const DECLARATIONS: &[&[u8]] = &[
    b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?>",
    b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>",
    b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>",
    b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>",
    b"<?xml version=\"1.0\"  ?>",
];

fn decoded<'r>(response: &'r Answer<'_>) -> Vec<(&'r str, &'r str)> {
    response.attributes().iter().map(|a| (a.name, a.value.as_ref())).collect()
}

fn parse_v1(body: &[u8]) -> Result<Answer<'_>, ParseError> {
    Answer::parse(body, Version::V1)
}

/// The body with its XML declaration (everything up to the first `?>`) replaced.
fn with_declaration(body: &[u8], declaration: &[u8]) -> Vec<u8> {
    let end = body.windows(2).position(|w| w == b"?>").unwrap() + 2;
    [declaration, &body[end..]].concat()
}
