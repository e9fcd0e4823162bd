//! The per-character charset contract, checked exhaustively over every Unicode scalar value against encoding_rs's
//! whole-string API, plus a table of hand-checked bytes.

use encoding_rs::{EUC_JP, Encoding, SHIFT_JIS};
use epsilon_proto::Charset;
use epsilon_proto::generated::{GATEWAY, LOSSY, NORMALIZE};

/// The slow model: encode with the whole-string API, decode back, compare.
fn round_trips(c: char, encoding: &'static Encoding) -> Option<Vec<u8>> {
    let s = c.to_string();
    let mut encoder = encoding.new_encoder();
    let mut out = vec![0u8; 16];
    let (result, _, written) = encoder.encode_from_utf8_without_replacement(&s, &mut out, true);
    if result != encoding_rs::EncoderResult::InputEmpty {
        return None;
    }
    out.truncate(written);
    let back = encoding.decode_without_bom_handling_and_without_replacement(&out)?;
    (back == s).then_some(out)
}

fn encodes(c: char, encoding: &'static Encoding) -> bool {
    let s = c.to_string();
    let mut out = vec![0u8; 16];
    let (result, _, _) = encoding.new_encoder().encode_from_utf8_without_replacement(&s, &mut out, true);
    result == encoding_rs::EncoderResult::InputEmpty
}

fn all_scalars() -> impl Iterator<Item = char> {
    (0..=0x10FFFFu32).filter_map(char::from_u32)
}

#[test]
fn encode_char_agrees_with_a_full_round_trip_for_every_scalar_value() {
    for (charset, encoding) in [(Charset::Cp932, SHIFT_JIS), (Charset::EucJp, EUC_JP)] {
        let mut representable = 0usize;
        for c in all_scalars() {
            let ours = GATEWAY.text.encode_char(c, charset).map(|b| b.as_bytes().to_vec());
            let model = round_trips(c, encoding)
                .filter(|b| charset != Charset::EucJp || !crate::oracle::euc_jp_uses_rejected_row(b));
            assert_eq!(ours, model, "{charset} U+{:04X}", c as u32);
            representable += usize::from(model.is_some());
        }
        // CP932: 128 ASCII + 63 half-width kana + 7,724 double-byte minus the 3 lossy = well over 7,000
        assert!(representable > 7_000, "{charset}: only {representable} representable characters");
    }
}

#[test]
fn lossy_is_exactly_the_characters_that_encode_but_come_back_different() {
    for encoding in [SHIFT_JIS, EUC_JP] {
        let lossy: Vec<char> =
            all_scalars().filter(|&c| encodes(c, encoding) && round_trips(c, encoding).is_none()).collect();
        let sorted = |mut l: Vec<char>| {
            l.sort_unstable();
            l
        };
        assert_eq!(lossy, sorted(LOSSY.to_vec()), "{}", encoding.name());
        assert_eq!(lossy, sorted(japay_core::charset::ROUND_TRIP_LOSSY.to_vec()), "{}", encoding.name());
    }
}

#[test]
fn an_encoded_character_is_never_longer_than_its_utf8_form() {
    for charset in [Charset::Cp932, Charset::EucJp] {
        for c in all_scalars() {
            if let Some(b) = GATEWAY.text.encode_char(c, charset) {
                assert!(b.len() <= c.len_utf8(), "{charset} U+{:04X}", c as u32);
            }
        }
    }
}

#[test]
fn every_normalization_maps_an_unrepresentable_character_to_a_representable_one() {
    for &(from, to) in NORMALIZE {
        assert!(GATEWAY.text.encode_char(from, Charset::Cp932).is_none(), "U+{:04X} is already CP932", from as u32);
        assert!(GATEWAY.text.encode_char(to, Charset::Cp932).is_some(), "U+{:04X} not in CP932", to as u32);
        // (U+FFE4 ￤ is an IBM extension: CP932 only; sending it as EUC-JP stays a charset violation)
        assert!(GATEWAY.text.encode_char(to, Charset::Utf8).is_some());
        assert_eq!(GATEWAY.text.normalized(from), Some(to));
    }
    assert_eq!(GATEWAY.text.normalized('A'), None);
    assert_eq!(GATEWAY.text.normalized('～'), None);
}

#[track_caller]
fn bytes(c: char, charset: Charset, expected: Option<&[u8]>) {
    assert_eq!(GATEWAY.text.encode_char(c, charset).as_ref().map(|b| b.as_bytes()), expected, "{c} in {charset}");
}

#[test]
fn table_of_known_bytes() {
    use Charset::{Cp932, EucJp, Utf8};
    bytes('A', Cp932, Some(b"A"));
    bytes('ｱ', Cp932, Some(b"\xB1")); // half-width kana: 1 byte in CP932
    bytes('ｱ', EucJp, Some(b"\x8E\xB1")); // 2 in EUC-JP
    bytes('ア', Cp932, Some(b"\x83\x41"));
    bytes('ア', EucJp, Some(b"\xA5\xA2"));
    bytes('～', Cp932, Some(b"\x81\x60")); // FULLWIDTH TILDE is CP932's 0x8160
    bytes('〜', Cp932, None); // WAVE DASH is not
    bytes('①', Cp932, Some(b"\x87\x40")); // NEC row 13
    bytes('①', EucJp, None); // encoding_rs would write AD A1 (NEC row 13), which JIS X 0208 EUC-JP lacks
    bytes('㈱', Cp932, Some(b"\x87\x8A"));
    bytes('髙', Cp932, Some(b"\xFB\xFC")); // IBM extension
    bytes('髙', EucJp, None); // FC E2 in encoding_rs (IBM extension row 92): rejected too
    bytes('¥', Cp932, None); // would come back as a backslash
    bytes('−', Cp932, None); // would come back as U+FF0D
    bytes('－', Cp932, Some(b"\x81\x7C"));
    bytes('\u{E000}', Cp932, None); // private use: decodes from F0 40 but never encodes
    bytes('😀', Cp932, None);
    bytes('😀', Utf8, Some("😀".as_bytes()));
}

/// The bulk encoder sends EUC-JP without a CP932 pass (CP932 is the storage charset): sound only because every
/// character EUC-JP represents, CP932 represents too.
#[test]
fn every_character_euc_jp_represents_cp932_represents_too() {
    let missing: Vec<char> = all_scalars()
        .filter(|&c| {
            GATEWAY.text.encode_char(c, Charset::EucJp).is_some()
                && GATEWAY.text.encode_char(c, Charset::Cp932).is_none()
        })
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

/// NFC (the normalize option's first step) never changes a character CP932 already has: the 23 canonical singletons
/// among them (CJK compatibility ideographs such as U+FA19 神, U+212B Å) are kept as typed.
#[test]
fn normalize_sends_every_cp932_character_as_typed() {
    use epsilon_proto::{Options, UserRegister};
    use unicode_normalization::UnicodeNormalization;
    let base = UserRegister {
        contract_code: "12345678",
        user_id: "U0001",
        user_name: "x",
        user_mail_add: "a@b",
        memo1: None,
        memo2: None,
    };
    let (mut plain, mut normalized) = (Vec::new(), Vec::new());
    let mut singletons = 0;
    for c in all_scalars().filter(|c| !c.is_control() && GATEWAY.text.encode_char(*c, Charset::Cp932).is_some()) {
        let s = c.to_string();
        let request = UserRegister { memo1: Some(&s), ..base };
        plain.clear();
        normalized.clear();
        request.encode(Options::new(Charset::Cp932), &mut plain).unwrap_or_else(|r| panic!("{r}"));
        request.encode(Options::new(Charset::Cp932).normalize(true), &mut normalized).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(plain, normalized, "U+{:04X}", c as u32);
        singletons += usize::from(s.nfc().collect::<String>() != s);
    }
    assert_eq!(singletons, 23, "CP932 characters plain NFC would change");
}
