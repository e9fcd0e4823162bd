//! The normalize option's first step: Unicode NFC composition (decomposed か + U+3099, as macOS input produces, becomes
//! が), keeping canonical singletons as typed.
//!
//! A *canonical singleton* is a character that NFC replaces by one other character: the CJK compatibility
//! ideographs (U+FA19 神 becomes U+795E 神, U+FA10 塚 becomes U+585A 塚), U+212B Å ANGSTROM SIGN, U+2126 Ω OHM SIGN, …
//! CP932 has 23 of them, as NEC/IBM extensions: in Japanese names the variant is the person's name, and three of them
//! (U+212B, U+FA15 凞, U+FA20 蘒) would even stop being CP932. They are left as typed and nothing composes into them;
//! everything between them is composed to NFC (so combining marks right after one are put in canonical order like any
//! other marks, which can change their positions in a violation).
//!
//! Values that are already NFC (the quick check says so: all ASCII, and almost all text typed on Windows or a phone)
//! are never copied; only a value NFC changes (or may change) is composed into a new `String`.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Whether `value` is known to be NFC without composing it: ASCII, or the NFC quick check answers yes.
/// Allocation-free.
pub(crate) fn is_nfc_fast(value: &str) -> bool {
    value.is_ascii() || is_nfc_quick(value.chars()) == IsNormalized::Yes
}

/// Whether NFC turns `c` alone into one other character (a canonical singleton, kept as typed).
fn is_singleton(c: char) -> bool {
    if is_nfc_quick(core::iter::once(c)) == IsNormalized::Yes {
        return false;
    }
    let mut composed = core::iter::once(c).nfc();
    matches!((composed.next(), composed.next()), (Some(d), None) if d != c)
}

/// `value` composed to NFC, canonical singletons (and the marks after them) kept as typed. Linear in the length.
pub(crate) fn nfc(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = 0;
    for (at, c) in value.char_indices() {
        if is_singleton(c) {
            out.extend(value.get(rest..at).unwrap_or("").nfc());
            out.push(c);
            rest = at + c.len_utf8();
        }
    }
    out.extend(value.get(rest..).unwrap_or("").nfc());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_decomposed_kana_and_keeps_singletons() {
        assert_eq!(nfc("か\u{3099}"), "が");
        assert_eq!(nfc("ハ\u{309A}ン"), "パン");
        assert_eq!(nfc("e\u{301}"), "é");
        assert_eq!(nfc("\u{FA19}\u{FA10}"), "\u{FA19}\u{FA10}"); // 神塚 as typed, not U+795E U+585A
        assert_eq!(nfc("\u{212B}"), "\u{212B}");
        assert_eq!(nfc("か\u{3099}\u{FA19}か\u{3099}"), "が\u{FA19}が");
        assert!(is_nfc_fast("山田 太郎"));
        assert!(is_nfc_fast("abc"));
        assert!(!is_nfc_fast("か\u{3099}"));
        assert!(!is_nfc_fast("\u{FA19}"));
    }
}
