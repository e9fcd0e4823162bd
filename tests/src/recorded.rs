//! Every answer recorded from the real gateway decodes strictly to hand-checked reference values.
//!
//! The recordings are the VCR cassettes in `../shared/fixtures/epsilon-recorded/` (real traffic
//! recorded by pepabo/active_merchant-epsilon; see the README there). They are read at run time and
//! never copied into the project; when the folder is absent the tests print why and pass.
//!
//! The reference table below was built by reading every cassette and checked against the
//! facts sheet (`shared/research/epsilon-facts.md` §4.4 and §4.5). It lists, for every
//! interaction, every attribute in document order with its decoded value, and the state of
//! `result`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use epsilon_proto::response::{ParseError, Response, ResultState, Version};
use marked_yaml::Node;
use marked_yaml::types::MarkedMappingNode;

/// The cassette folder, relative to this crate (`<workspace>/tests`).
fn cassette_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/epsilon-recorded")
}

/// One recorded HTTP exchange.
struct Interaction {
    /// The cassette file name without `.yml`.
    cassette: String,
    /// The position of the exchange in the cassette.
    index: usize,
    /// `request.uri`.
    uri: String,
    /// `request.body.string` (empty when absent).
    request_body: String,
    /// `response.status.code`.
    status: String,
    /// `response.body.string`.
    body: String,
}

impl Interaction {
    /// The version the request was sent with.
    fn version(&self) -> Version {
        if self.request_body.split('&').any(|pair| pair == "version=2") { Version::V2 } else { Version::V1 }
    }

    /// Whether the gateway answered 200 with an XML body.
    fn is_xml_answer(&self) -> bool {
        self.status == "200" && self.body.starts_with("<?xml")
    }

    /// `cassette#index`, for messages.
    fn label(&self) -> String {
        format!("{}#{}", self.cassette, self.index)
    }
}

/// A scalar at `path` below `node` (`None` when a step is missing or not a mapping).
fn scalar<'n>(node: &'n MarkedMappingNode, path: &[&str]) -> Option<&'n str> {
    let (last, steps) = path.split_last()?;
    let mut map = node;
    for step in steps {
        map = map.get_mapping(step)?;
    }
    map.get_scalar(last).map(|s| s.as_str())
}

/// Every interaction of every cassette, in file-name order; `None` (after saying so) when the
/// cassette folder is absent.
fn load_interactions() -> Option<Vec<Interaction>> {
    let dir = cassette_dir();
    if !dir.is_dir() {
        eprintln!(
            "skipping the recorded-response tests: cassette folder {} not found \
             (it is `../shared/fixtures/epsilon-recorded/` next to the project root)",
            dir.display()
        );
        return None;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.yml cassette in {}", dir.display());

    let mut interactions = Vec::new();
    for (source, path) in files.iter().enumerate() {
        let cassette = path.file_stem().and_then(|stem| stem.to_str()).expect("a UTF-8 file name").to_owned();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let root: Node =
            marked_yaml::parse_yaml(source, &text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
        let list = root
            .as_mapping()
            .and_then(|map| map.get_sequence("http_interactions"))
            .unwrap_or_else(|| panic!("{cassette}: no http_interactions list"));
        for (index, item) in list.iter().enumerate() {
            let item = item.as_mapping().unwrap_or_else(|| panic!("{cassette}#{index}: not a mapping"));
            let field = |path: &[&str]| {
                scalar(item, path).unwrap_or_else(|| panic!("{cassette}#{index}: no {}", path.join("."))).to_owned()
            };
            interactions.push(Interaction {
                cassette: cassette.clone(),
                index,
                uri: field(&["request", "uri"]),
                request_body: scalar(item, &["request", "body", "string"]).unwrap_or_default().to_owned(),
                status: field(&["response", "status", "code"]),
                body: field(&["response", "body", "string"]),
            });
        }
    }
    Some(interactions)
}

/// What one recorded answer must decode to.
enum Expected {
    /// An XML answer: the version its request was sent with, the state of `result`, and every
    /// attribute in document order with its decoded value.
    Decoded { version: Version, result: ResultState<'static>, attrs: &'static [(&'static str, &'static str)] },
    /// Not an XML answer (the Apache HTTP 500 page): decoding must fail.
    NotXml,
}

/// The reference values of one interaction.
struct Reference {
    cassette: &'static str,
    index: usize,
    expected: Expected,
}

/// The 3-D Secure 1.0 `pareq` of `purchase_with_three_d_secure_card_successful`, decoded once.
const PAREQ_3DS1: &str = concat!(
    "eJxVUttOwzAM/ZWq7yy3ppfJDSoUBA8bE4wPCKnZimg72o51f0/SdQwiRfGxLR/7OHA9VJ/e",
    "N7Zd2dSpz2bU97A2TVHWm9R/Xd9fxf61gvW2Rcxf0OxbVLDArtMb9Moi9Vf6Gb9YwKM4jKIk",
    "pFHEOEuoEFIKEQgeRJwJX8Eqs3kKJiZliWYcyBnakq3Z6rpXoM3XzeNSBYyLQAKZIFTYPuZq",
    "dIZRnNApfHJDrStUFMj4gmn2dd8eFRUhkDOAffuptn2/mxNyOBxmm50+Vlj33cw0FQHiwkAu",
    "faz2zupsuaEs1OIjG5brjC7yu2GZv/JFnh3cfcqzFIjLgEL3qDhlkgaUeVTOZTh3DYx+0JXr",
    "QzFqj53qhGDnSLJ/ob8usHq3dh1HJRKr1i8CHHZNbZt3M//aUGBnlGcZ3QvkMsHtg9PV9FYq",
    "WbwzHovwTSAKlHHyLo1GGrzFXDi1xyRXv7SaccH4SOAAEFeGTIsk0yew1r/P8QMmJryw",
);

/// Every recorded interaction, by cassette and position.
const REFERENCES: &[Reference] = &[
    Reference {
        cassette: "authenticate_with_three_d_secure_2_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "257072796"),
            ],
        },
    },
    Reference {
        cassette: "autheticate_three_d_secure_card_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "521710"),
            ],
        },
    },
    Reference {
        cassette: "cancel_recurring_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "494188"),
            ],
        },
    },
    Reference {
        cassette: "cancel_recurring_fail",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "605"),
                ("err_detail", "月次課金データ検索エラー"),
                ("memo1", ""),
                ("memo2", ""),
            ],
        },
    },
    Reference {
        cassette: "cancel_recurring_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "494189"),
            ],
        },
    },
    Reference {
        cassette: "cancel_recurring_successful",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("user_id", "U1413355547"),
                ("item_code", "ITEM001"),
                ("item_name", "Greate Product"),
                ("item_price", "10000"),
                ("mission_code", "2"),
                ("memo1", ""),
                ("memo2", ""),
            ],
        },
    },
    Reference {
        cassette: "capture_failure",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[("err_code", "810"), ("err_detail", "対象取引はありません"), ("result", "9")],
        },
    },
    Reference {
        cassette: "capture_success",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "1")],
        },
    },
    Reference {
        cassette: "capture_success_authorize",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "1"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "1362118"),
            ],
        },
    },
    Reference {
        cassette: "change_recurring_amount_failure",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "536795"),
            ],
        },
    },
    Reference {
        cassette: "change_recurring_amount_failure",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[("err_code", "810"), ("err_detail", "対象取引はありません"), ("result", "9")],
        },
    },
    Reference {
        cassette: "change_recurring_amount_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "536794"),
            ],
        },
    },
    Reference {
        cassette: "change_recurring_amount_successful",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "1")],
        },
    },
    Reference {
        cassette: "convenience_store_purchase_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "601"),
                ("err_detail", "電話番号を正しく入力してください"),
                ("memo1", ""),
                ("memo2", ""),
            ],
        },
    },
    Reference {
        cassette: "convenience_store_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("trans_code", "504052"),
                ("order_number", "O3042483"),
                ("state", "0"),
                ("user_id", "U1421364630"),
                ("user_name", "ヤマダ タロウ"),
                ("process_code", "1"),
                ("last_update", "2015-01-16 08:30:31"),
                ("item_price", "10000"),
                ("memo1", ""),
                ("memo2", ""),
                ("mission_code", "1"),
                ("st_code", "00100-0000-00000-00000-00000-00000-00000"),
                ("contract_code", "[CONTRACT_CODE]"),
                ("item_name", "Greate Product"),
                ("payment_code", "3"),
                ("user_mail_add", "yamada-taro@example.com"),
                ("item_code", "ITEM001"),
                ("conveni_code", "31"),
                ("receipt_no", "0005180"),
                ("kigyou_code", "10020"),
                ("haraikomi_url", "http://beta.epsilon.jp/sample/econ_sample.pdf"),
                ("paid", "0"),
                ("receipt_date", "2015-01-16 08:30:31"),
                ("conveni_limit", "2015-01-26"),
                ("conveni_time", ""),
            ],
        },
    },
    Reference {
        cassette: "epsilon_link_type_not_sending_delivery_information_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("redirect", "https://beta.epsilon.jp/cgi-bin/order/method_select3.cgi?trans_code=RewAwZ7Jm3Y91"),
            ],
        },
    },
    Reference {
        cassette: "epsilon_link_type_purchase_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "601"),
                ("err_detail", "決済コードの指定が異常です"),
                ("memo1", "memo1"),
                ("memo2", "memo2"),
            ],
        },
    },
    Reference {
        cassette: "epsilon_link_type_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("redirect", "https://beta.epsilon.jp/cgi-bin/order/method_select3.cgi?trans_code=IOnPh3Psm7k86"),
            ],
        },
    },
    Reference {
        cassette: "epsilon_link_type_void_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[("err_code", "607"), ("err_detail", "契約コード形式エラー"), ("result", "9")],
        },
    },
    Reference {
        cassette: "epsilon_link_type_void_successfull",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "1")],
        },
    },
    Reference {
        cassette: "epsilon_link_type_with_3d_secure",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("redirect", "https://secure.epsilon.jp/cgi-bin/order/card3.cgi?trans_code=eyHc6JoHNEiEce2mlXuiCg25"),
            ],
        },
    },
    Reference {
        cassette: "find_order_failure",
        index: 0,
        expected: Expected::Decoded { version: Version::V1, result: ResultState::Absent, attrs: &[] },
    },
    Reference {
        cassette: "find_order_success",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "738442"),
            ],
        },
    },
    Reference {
        cassette: "find_order_success",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Absent,
            attrs: &[
                ("last_update", "2018-07-17 10:41:27"),
                ("user_mail_add", "yamada-taro@example.com"),
                ("state", "1"),
                ("credit_time", "2018-07-17 10:41:28"),
                ("trans_code", "738442"),
                ("mission_code", "1"),
                ("credit_flag", "0"),
                ("item_price", "100"),
                ("payment_code", "1"),
                ("item_code", "ITEM001"),
                ("order_number", "O26659000"),
                ("st_code", "10000-0000-00000-00000-00000-00000-00000"),
                ("memo1", "memo1"),
                ("contract_code", "[CONTRACT_CODE]"),
                ("item_name", "Greate Product"),
                ("pay_time", "1"),
                ("user_name", "YAMADA Taro"),
                ("process_code", "1"),
                ("keitai", "100"),
                ("due_date", ""),
                ("card_st_code", "10"),
                ("add_info", ""),
                ("user_id", "U1531791686"),
                ("memo2", "memo2"),
                ("sales_limit_exceeded_flag", "0"),
            ],
        },
    },
    Reference {
        cassette: "find_user_failure",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("2"),
            attrs: &[
                ("card_brand", ""),
                ("card_number_mask", ""),
                ("err_code", "801"),
                ("err_detail", "イプシロンに登録の電話番号の下4桁(下三桁の場合は下三桁)を入力お願いします。"),
                ("result", "2"),
            ],
        },
    },
    Reference {
        cassette: "find_user_success",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("card_brand", "VISA"),
                ("card_number_mask", "4***-****-****-4242"),
                ("err_code", ""),
                ("err_detail", ""),
                ("result", "1"),
            ],
        },
    },
    Reference {
        cassette: "gmo_after_purchase_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "601"),
                ("err_detail", "ユーザーIDの形式が異常です"),
                ("memo1", "memo1"),
                ("memo2", "memo2"),
            ],
        },
    },
    Reference {
        cassette: "gmo_after_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("redirect", "https://beta.epsilon.jp/cgi-bin/order/method_select3.cgi?trans_code=ITL3uKDMlWg41"),
            ],
        },
    },
    Reference {
        cassette: "gmo_id_purchase_failure",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[
                ("trans_code", "708876"),
                ("result", "9"),
                ("err_code", "601"),
                ("err_detail", "会員クレジットカードシーケンス番号が不正です"),
            ],
        },
    },
    Reference {
        cassette: "gmo_id_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("trans_code", "708878"), ("result", "1"), ("err_code", ""), ("err_detail", "")],
        },
    },
    Reference {
        cassette: "gmo_id_void_faiure",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Empty,
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "")],
        },
    },
    Reference {
        cassette: "gmo_id_void_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("trans_code", "708876"), ("result", "1"), ("err_code", ""), ("err_detail", "")],
        },
    },
    Reference {
        cassette: "gmo_id_void_successful",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "1")],
        },
    },
    Reference {
        cassette: "history-6e33c22-gmo_later_purchase_fail-version2",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V2,
            result: ResultState::Value("0"),
            attrs: &[
                ("result", "0"),
                ("err_code", "601"),
                ("err_detail", "ユーザーIDの形式が異常です"),
                ("memo1", "memo1"),
                ("memo2", "memo2"),
            ],
        },
    },
    Reference {
        cassette: "installment_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "524520"),
            ],
        },
    },
    Reference {
        cassette: "purchase_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", "601"),
                ("err_detail", "ご利用の店舗では利用できないカード番号です。再度入力お願いいたします。"),
                ("pareq", ""),
                ("result", "0"),
                ("trans_code", "520646"),
            ],
        },
    },
    Reference {
        cassette: "purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "525987"),
            ],
        },
    },
    Reference {
        cassette: "purchase_with_capture_false_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "1"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "1362123"),
            ],
        },
    },
    Reference {
        cassette: "purchase_with_capture_true_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "1362124"),
            ],
        },
    },
    Reference {
        cassette: "purchase_with_three_d_secure_2_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("6"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("pareq", "sOuxTX%2BZHCDBJKRdKkN2Iw53"),
                ("result", "6"),
                ("tds2_url", "https://secure.epsilon.jp/cgi-bin/order/tds2.cgi"),
                ("trans_code", "257810878"),
            ],
        },
    },
    Reference {
        cassette: "purchase_with_three_d_secure_card_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("5"),
            attrs: &[
                ("acsurl", "https://testacsds.gmopg.jp/ThreeDSim/ACS"),
                ("err_code", ""),
                ("err_detail", ""),
                ("pareq", PAREQ_3DS1),
                ("result", "5"),
                ("trans_code", "522778"),
            ],
        },
    },
    Reference {
        cassette: "purchase_with_verification_value",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "520647"),
            ],
        },
    },
    Reference {
        cassette: "recurring_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", "601"),
                ("err_detail", "ご利用の店舗では利用できないカード番号です。再度入力お願いいたします。"),
                ("pareq", ""),
                ("result", "0"),
                ("trans_code", "494185"),
            ],
        },
    },
    Reference {
        cassette: "recurring_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "494193"),
            ],
        },
    },
    Reference {
        cassette: "registered_purchase_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", "502"),
                ("err_detail", "注文情報を受け付けることができませんでした"),
                ("pareq", ""),
                ("result", "9"),
                ("trans_code", ""),
            ],
        },
    },
    Reference {
        cassette: "registered_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "510024"),
            ],
        },
    },
    Reference {
        cassette: "registered_recurring_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", "909"),
                ("err_detail", "課金区分の指定が異常です"),
                ("pareq", ""),
                ("result", "9"),
                ("trans_code", ""),
            ],
        },
    },
    Reference {
        cassette: "registered_recurring_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "498274"),
            ],
        },
    },
    Reference {
        cassette: "revolving_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "524519"),
            ],
        },
    },
    Reference {
        cassette: "terminate_recurring_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "534678"),
            ],
        },
    },
    Reference { cassette: "terminate_recurring_fail", index: 1, expected: Expected::NotXml },
    Reference {
        cassette: "terminate_recurring_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "534647"),
            ],
        },
    },
    Reference {
        cassette: "terminate_recurring_successful",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("result", "1"),
                ("user_id", "U1433839922"),
                ("user_name", "YAMADA Taro"),
                ("memo1", ""),
                ("memo2", ""),
            ],
        },
    },
    Reference {
        cassette: "token_verify_failure",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", "936"),
                ("err_detail", "すでに使用済みのトークンです。再度トークンの発行をお願いします。"),
                ("pareq", ""),
                ("result", "9"),
                ("trans_code", ""),
            ],
        },
    },
    Reference {
        cassette: "token_verify_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "0"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "683674"),
            ],
        },
    },
    Reference {
        cassette: "token_verify_successful",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "1")],
        },
    },
    Reference {
        cassette: "verify_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("0"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", "601"),
                ("err_detail", "ご利用の店舗では利用できないカード番号です。再度入力お願いいたします。"),
                ("pareq", ""),
                ("result", "0"),
                ("trans_code", "494191"),
            ],
        },
    },
    Reference {
        cassette: "verify_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "1"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "494187"),
            ],
        },
    },
    Reference {
        cassette: "verify_successful",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "1")],
        },
    },
    Reference {
        cassette: "virtual_account_purchase_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[
                ("err_code", "601"),
                ("err_detail", "ユーザーIDの形式が異常です"),
                ("result", "9"),
                ("trans_code", ""),
            ],
        },
    },
    Reference {
        cassette: "virtual_account_purchase_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("account_name", "GMO-EPﾃｽﾄ"),
                ("account_no", "1016014"),
                ("bank_code", "0310"),
                ("bank_name", "ｼﾞ-ｴﾑｵ-ｱｵｿﾞﾗﾈﾂﾄ"),
                ("branch_code", "502"),
                ("branch_name", "ｱｼﾞｻｲ"),
                ("err_code", ""),
                ("err_detail", ""),
                ("result", "1"),
                ("trans_code", "737630"),
            ],
        },
    },
    Reference {
        cassette: "void_fail",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("9"),
            attrs: &[("err_code", "810"), ("err_detail", "対象取引はありません"), ("result", "9")],
        },
    },
    Reference {
        cassette: "void_successful",
        index: 0,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[
                ("acsurl", ""),
                ("err_code", ""),
                ("err_detail", ""),
                ("kari_flag", "1"),
                ("pareq", ""),
                ("result", "1"),
                ("trans_code", "494184"),
            ],
        },
    },
    Reference {
        cassette: "void_successful",
        index: 1,
        expected: Expected::Decoded {
            version: Version::V1,
            result: ResultState::Value("1"),
            attrs: &[("err_code", ""), ("err_detail", ""), ("result", "1")],
        },
    },
];

/// Facts §4.4 (a), byte for byte: the second answer of `cancel_recurring_fail` (CR LF, no final
/// newline), to check that the YAML double-quoted folding is read exactly.
const SAMPLE_A: &str = "<?xml version=\"1.0\" encoding=\"x-sjis-cp932\" ?>\r\n  <Epsilon_result>\r\n    <result result=\"0\" />\r\n    <result err_code=\"605\" />\r\n    <result err_detail=\"%8C%8E%8E%9F%89%DB%8B%E0%83f%81%5B%83%5E%8C%9F%8D%F5%83G%83%89%81%5B\" />\r\n    <result memo1=\"\" />\r\n    <result memo2=\"\" />\r\n  </Epsilon_result>";

/// Facts §4.4 (e), byte for byte: getsales2 "not found" (two spaces before `?>`).
const SAMPLE_E: &str = "<?xml version=\"1.0\"  ?>\n<Epsilon_result>\n</Epsilon_result>\n";

fn body_of<'i>(interactions: &'i [Interaction], cassette: &str, index: usize) -> &'i str {
    &interactions
        .iter()
        .find(|i| i.cassette == cassette && i.index == index)
        .unwrap_or_else(|| panic!("{cassette}#{index} not recorded"))
        .body
}

#[test]
fn every_recorded_xml_answer_parses_and_every_other_answer_is_an_error() {
    let Some(interactions) = load_interactions() else {
        return;
    };
    let mut xml = 0;
    let mut other = 0;
    for interaction in &interactions {
        let label = interaction.label();
        let parsed = Response::parse(interaction.body.as_bytes(), interaction.version());
        if interaction.is_xml_answer() {
            xml += 1;
            if let Err(e) = parsed {
                panic!("{label} ({}): {e}", interaction.uri);
            }
        } else {
            other += 1;
            let err = parsed.expect_err(&label);
            assert!(matches!(err, ParseError::Html { .. }), "{label}: {err:?}");
        }
    }
    assert_eq!((xml, other), (63, 1), "answers found in the cassettes");
}

#[test]
fn every_recorded_response_decodes_to_its_reference_values() {
    let Some(interactions) = load_interactions() else {
        return;
    };
    let mut used = vec![false; REFERENCES.len()];
    let mut checked = 0;
    for interaction in &interactions {
        let label = interaction.label();
        let position = REFERENCES
            .iter()
            .position(|r| r.cassette == interaction.cassette && r.index == interaction.index)
            .unwrap_or_else(|| panic!("{label}: not in the reference table"));
        assert!(!used[position], "{label}: matched twice");
        used[position] = true;
        let version = interaction.version();
        let parsed = Response::parse(interaction.body.as_bytes(), version);
        match &REFERENCES[position].expected {
            Expected::NotXml => {
                assert!(!interaction.is_xml_answer(), "{label}");
                assert_ne!(interaction.status, "200", "{label}");
                assert!(parsed.is_err(), "{label}");
            }
            Expected::Decoded { version: expected_version, result, attrs } => {
                assert!(interaction.is_xml_answer(), "{label}");
                assert_eq!(version, *expected_version, "{label}: request version");
                let response = parsed.unwrap_or_else(|e| panic!("{label}: {e}"));
                let decoded: Vec<(&str, &str)> =
                    response.attributes().iter().map(|a| (a.name, a.value.as_ref())).collect();
                assert_eq!(decoded, *attrs, "{label}");
                assert_eq!(response.result(), *result, "{label}");
                assert_eq!(response.is_empty(), attrs.is_empty(), "{label}");
                for (name, _) in *attrs {
                    assert_eq!(
                        response.get(name),
                        attrs.iter().find(|(n, _)| n == name).map(|(_, v)| *v),
                        "{label}: {name}"
                    );
                }
                for attr in response.attributes() {
                    assert!(!attr.value.contains('\u{FFFD}'), "{label}: {} holds U+FFFD", attr.name);
                }
            }
        }
        checked += 1;
    }
    assert_eq!(checked, interactions.len(), "responses checked");
    assert_eq!(checked, REFERENCES.len(), "reference table entries");
    assert!(used.iter().all(|&u| u), "every reference entry was used");
}

#[test]
fn recorded_values_without_escapes_are_borrowed_from_the_body() {
    let Some(interactions) = load_interactions() else {
        return;
    };
    for interaction in interactions.iter().filter(|i| i.is_xml_answer()) {
        let body = interaction.body.as_bytes();
        let response = Response::parse(body, interaction.version()).expect("parsed above");
        for attr in response.attributes() {
            let borrowed = matches!(attr.value, Cow::Borrowed(_));
            let escaped = attr.raw.contains(['%', '+', '&']);
            assert_eq!(borrowed, !escaped, "{}: {}", interaction.label(), attr.name);
            if !escaped {
                assert_eq!(attr.value, attr.raw, "{}: {}", interaction.label(), attr.name);
            }
        }
    }
}

#[test]
fn the_version_2_recording_is_not_valid_cp932_and_is_never_guessed() {
    let Some(interactions) = load_interactions() else {
        return;
    };
    let body = body_of(&interactions, "history-6e33c22-gmo_later_purchase_fail-version2", 0);
    let v2 = Response::parse(body.as_bytes(), Version::V2).expect("a UTF-8 answer");
    assert_eq!(v2.get("err_detail"), Some("ユーザーIDの形式が異常です"));
    let err = Response::parse(body.as_bytes(), Version::V1).expect_err("not CP932");
    assert!(
        matches!(&err, ParseError::Charset { attribute, version: Version::V1, .. } if attribute == "err_detail"),
        "{err:?}"
    );
    // The same text without `version`, as CP932, from another recording.
    let cp932 = body_of(&interactions, "gmo_after_purchase_fail", 0);
    let v1 = Response::parse(cp932.as_bytes(), Version::V1).expect("a CP932 answer");
    assert_eq!(v1.get("err_detail"), v2.get("err_detail"));
    assert!(Response::parse(cp932.as_bytes(), Version::V2).is_err());
}

#[test]
fn cassette_bodies_are_read_byte_for_byte() {
    let Some(interactions) = load_interactions() else {
        return;
    };
    assert_eq!(body_of(&interactions, "cancel_recurring_fail", 1), SAMPLE_A);
    assert_eq!(body_of(&interactions, "find_order_failure", 0), SAMPLE_E);
    for interaction in &interactions {
        assert!(interaction.body.is_ascii(), "{}", interaction.label());
    }
}
