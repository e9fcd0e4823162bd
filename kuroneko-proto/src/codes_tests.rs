//! The code tables of `spec/kuroneko/codes/`: what they hold and, as much, what they must not hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use japay_core::spec::Code;

use crate::generated::codes::{CREDIT_ERROR_CODE, ERROR_CHECK, ERROR_CODE, ErrorCheck, STATUS_INFO, THREE_D_CODE};

#[test]
fn row_counts() {
    let counts = [
        (ERROR_CODE.name, ERROR_CODE.entries.len()),
        (CREDIT_ERROR_CODE.name, CREDIT_ERROR_CODE.entries.len()),
        (THREE_D_CODE.name, THREE_D_CODE.entries.len()),
        (STATUS_INFO.name, STATUS_INFO.entries.len()),
        (ERROR_CHECK.name, ERROR_CHECK.entries.len()),
    ];
    assert_eq!(
        counts,
        [
            ("error_code", 118),
            ("credit_error_code", 69),
            ("three_d_code", 22),
            ("status_info", 22),
            ("error_check", 11)
        ]
    );
}

/// 41 and 50 are client markers (WOO's "amount changed", EC2/EC4's "3-D Secure in progress"), not Yamato codes
/// (facts §3.3): a lookup says "unknown", never a status.
#[test]
fn status_info_41_and_50_are_not_yamato_codes() {
    for marker in ["41", "50"] {
        assert_eq!(Code::new(marker, &STATUS_INFO).entry, None, "{marker}");
    }
    let every = [
        "0", "1", "2", "3", "4", "5", "6", "11", "12", "13", "14", "15", "16", "17", "18", "20", "21", "22", "23",
        "30", "31", "40",
    ];
    for code in every {
        assert!(Code::new(code, &STATUS_INFO).entry.is_some(), "{code}");
    }
    assert_eq!(STATUS_INFO.entries.iter().map(|e| e.code).collect::<Vec<_>>(), every);
}

/// The admin-screen fixes quote the seed's terms.
#[test]
fn merchant_fixes_of_the_common_errors() {
    let fix = |code: &str| ERROR_CODE.lookup(code).and_then(|e| e.remediation).unwrap_or_else(|| panic!("{code}"));
    for (code, words) in [
        ("Z012000007", &["加盟店コード", "登録完了書", "利用開始日", "加盟店管理画面", "動作環境設定"][..]),
        ("Z012000008", &["加盟店情報設定 → API方式情報"][..]),
        ("Z012000009", &["global IP", "H01 traderIp", "加盟店情報設定 → API方式情報"][..]),
    ] {
        for word in words {
            assert!(fix(code).contains(word), "{code}: {:?} lacks {word:?}", fix(code));
        }
    }
}

/// Every C and G code tells the merchant what Yamato instructs: tell the buyer, who contacts the issuer.
#[test]
fn card_network_codes_send_the_buyer_to_the_issuer() {
    let cg: Vec<_> = CREDIT_ERROR_CODE.entries.iter().filter(|e| e.code.starts_with(['C', 'G'])).collect();
    assert_eq!(cg.len(), 58);
    for e in cg {
        assert!(e.remediation.is_some_and(|r| r.contains("card issuer")), "{}", e.code);
    }
    for code in ["999", "0200001", "9900001"] {
        assert!(CREDIT_ERROR_CODE.lookup(code).is_some(), "{code}");
    }
}

#[test]
fn three_d_codes() {
    let codes: Vec<_> = THREE_D_CODE.entries.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        [
            "0000", "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012",
            "0998", "0999", "8001", "8002", "8003", "8999", "9001", "9003", "9999"
        ]
    );
}

/// Expanded patterns: one row per function, each saying it is an expansion.
#[test]
fn patterns_are_expanded() {
    for f in ["B01", "B02", "B03", "B04", "B05", "B06"] {
        for tail in ["2000002", "3000001", "4000001"] {
            let code = format!("{f}{tail}");
            let row = ERROR_CODE.entries.iter().find(|e| e.code == code).unwrap_or_else(|| panic!("{code}"));
            if cfg!(feature = "meta") {
                assert!(row.uncertain.is_some_and(|u| u.contains("expansion")), "{code}");
            }
        }
    }
    for f in ["L01", "L02", "L03"] {
        for tail in ["2000005", "2000006"] {
            assert!(ERROR_CODE.lookup(&format!("{f}{tail}")).is_some(), "{f}{tail}");
        }
    }
}

#[test]
fn error_check_enum() {
    assert_eq!(ErrorCheck::from("06"), ErrorCheck::NotAllowed);
    assert_eq!(ErrorCheck::from("07"), ErrorCheck::Unknown("07"));
    assert_eq!(ErrorCheck::DataState.entry().map(|e| e.en), Some("data or state check failed"));
}

/// The codes after which the order's state is unknown (still being processed, a timeout under load, an amount change
/// half done, an order number already registered: perhaps by the call whose answer was lost) send the merchant to trade_info (E04), never to a new order number: a new order number for an order
/// that then completes is a second charge (the client reports Z012000004 as in progress for that reason).
#[test]
fn codes_of_an_unknown_state_send_the_merchant_to_trade_info() {
    for code in ["Z012000004", "Z012000005", "A077000001", "A082000003", "A092000001"] {
        let fix =
            ERROR_CODE.lookup(code).and_then(|e| e.remediation).unwrap_or_else(|| panic!("{code}: no remediation"));
        assert!(fix.contains("trade_info"), "{code}: {fix:?}");
        assert!(!fix.contains("retry with a new order_no"), "{code}: {fix:?}");
    }
}
