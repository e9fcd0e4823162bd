//! The body of the fuzz target `kuroneko_error_layout` (`fuzz/fuzz_targets/kuroneko_error_layout.rs`), replayed over
//! `fuzz/corpus/kuroneko_error_layout/` and `fuzz/regressions/kuroneko_error_layout/` by the tests below.
//!
//! Arbitrary bytes (lossy UTF-8) go through `kuroneko_proto::error_layout::explain`, as a whole and as every
//! 10-byte window on character boundaries (so short random inputs still reach the digit paths). Nothing may panic,
//! and the answer must agree with a slow model written here from facts §4.2 (length, then the function code, then
//! the digits, then the form); a decoded code must say only what its characters say, and its sentences must name
//! its operation, item and check.
#![allow(clippy::panic)]

use std::borrow::Cow;
use std::fmt::Write as _;

use japay_core::spec::{Direction, OperationSpec};
use kuroneko_proto::error_layout::{CodeKind, LayoutError, explain, field_for_item};
use kuroneko_proto::generated::OPERATIONS;
use kuroneko_proto::generated::codes::{ERROR_CODE, ErrorCheck};

/// Fuzz target `kuroneko_error_layout`: `data` (lossy UTF-8) as an `errorCode`, whole and in 10-byte windows.
pub fn kuroneko_error_layout(data: &[u8]) {
    let text: Cow<'_, str> = String::from_utf8_lossy(data);
    check(&text);
    for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        if let Some(window) = text.get(start..start + 10) {
            check(window);
        }
    }
}

/// What the model says a code is.
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    Validation { item: u8, check: String },
    Unavailable,
    System,
    Business { class: u8 },
}

/// The slow model of facts §4.2: 10 bytes; an upper-case letter and two digits; seven ASCII digits; `Z01` or the
/// fixed `function_div` of an operation; then the form of the digits.
fn model(code: &str) -> Result<(Option<&'static OperationSpec>, Shape), LayoutError> {
    if code.len() != 10 {
        return Err(LayoutError::Length { len: code.len() });
    }
    let chars: Vec<char> = code.chars().collect();
    let function_ok = chars.len() >= 3
        && code.is_char_boundary(3)
        && chars[0].is_ascii_uppercase()
        && chars[1].is_ascii_digit()
        && chars[2].is_ascii_digit();
    if !function_ok {
        return Err(LayoutError::FunctionCode);
    }
    let (function, digits) = code.split_at(3);
    if let Some(i) = digits.char_indices().find(|(_, c)| !c.is_ascii_digit()).map(|(i, _)| i) {
        return Err(LayoutError::NotDigit { offset: 3 + i });
    }
    let operation = if function == "Z01" {
        None
    } else {
        let op = OPERATIONS.iter().copied().find(|op| {
            op.direction == Direction::Outgoing
                && op.fields.iter().any(|f| f.wire == "function_div" && f.fixed.is_some_and(|v| v == function))
        });
        match op {
            Some(op) => Some(op),
            None => {
                let b = function.as_bytes();
                return Err(LayoutError::UnknownFunction { function: [b[0], b[1], b[2]] });
            }
        }
    };
    let number: u32 = digits.parse().unwrap_or_else(|e| panic!("model: {digits}: {e}"));
    let shape = if digits.starts_with("101") {
        let item: u8 = digits[3..5].parse().unwrap_or_else(|e| panic!("model: {digits}: {e}"));
        if item == 0 {
            return Err(LayoutError::ItemZero);
        }
        Shape::Validation { item, check: digits[5..].to_owned() }
    } else if number == 0 {
        Shape::Unavailable
    } else if number == 9_999_999 {
        Shape::System
    } else if (2_000_000..8_000_000).contains(&number) {
        Shape::Business { class: u8::try_from(number / 1_000_000).unwrap_or(0) }
    } else {
        return Err(LayoutError::Unclassified);
    };
    Ok((operation, shape))
}

fn check(code: &str) {
    let got = explain(code);
    let expected = model(code);
    match (&got, &expected) {
        (Err(e), Err(m)) => {
            assert_eq!(e, m, "{code:?}");
            let message = e.to_string();
            assert!(message.starts_with("expected "), "{code:?}: {message}");
            if let LayoutError::NotDigit { offset } = e {
                assert!((3..10).contains(offset), "{code:?}: {e:?}");
            }
        }
        (Ok(e), Ok((operation, shape))) => {
            assert_eq!((e.code, e.function), (code, &code[..3]), "{code:?}");
            assert_eq!(e.operation.map(|op| op.name), operation.map(|op| op.name), "{code:?}");
            assert_eq!(e.entry.map(|r| r.code), ERROR_CODE.lookup(code).map(|r| r.code), "{code:?}");
            let sentence = e.to_string();
            let ja = e.ja().to_string();
            match operation {
                Some(op) => assert!(sentence.starts_with(op.name), "{code:?}: {sentence}"),
                None => assert!(sentence.starts_with("common error (Z01)"), "{code:?}: {sentence}"),
            }
            assert!(ja.contains(e.function), "{code:?}: {ja}");
            let got_shape = match e.kind {
                CodeKind::Validation { item, field, check } => {
                    assert!(sentence.contains(&format!("item {item:02}")), "{code:?}: {sentence}");
                    assert_eq!(
                        field.map(|f| f.wire),
                        operation.and_then(|op| field_for_item(op, item)).map(|f| f.wire),
                        "{code:?}"
                    );
                    if let Some(f) = field {
                        assert!(sentence.contains(&format!("`{}`", f.wire)), "{code:?}: {sentence}");
                    }
                    match check {
                        ErrorCheck::Unknown(cc) => assert!(sentence.contains(&format!("check type {cc}"))),
                        known => assert!(known.entry().is_some_and(|r| sentence.contains(r.en)), "{code:?}"),
                    }
                    Shape::Validation { item, check: check.as_str().to_owned() }
                }
                CodeKind::Unavailable => Shape::Unavailable,
                CodeKind::SystemError => Shape::System,
                CodeKind::Business { class, digits } => {
                    assert_eq!(digits, &code[3..], "{code:?}");
                    assert!(sentence.contains(digits), "{code:?}: {sentence}");
                    Shape::Business { class }
                }
                other => panic!("{code:?}: a kind the model does not know: {other:?}"),
            };
            assert_eq!(&got_shape, shape, "{code:?}");
            let mut debug = String::new();
            let _ = write!(debug, "{e:?}");
            assert!(debug.starts_with("Explained {"), "{code:?}: {debug}");
        }
        _ => panic!("{code:?}: explain says {got:?}, the model {expected:?}"),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use super::kuroneko_error_layout;

    fn files(sub: &str) -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(sub).join("kuroneko_error_layout");
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap_or_else(|e| panic!("{e}")).path())
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn kuroneko_error_layout_corpus_and_regressions_replay() {
        let seeds = files("corpus");
        assert!(seeds.len() >= 8, "only {} seeds", seeds.len());
        for path in seeds.iter().chain(files("regressions").iter()) {
            let data = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            eprintln!("kuroneko_error_layout: {}", path.display());
            kuroneko_error_layout(&data);
        }
    }

    /// The `ok_*` seeds decode, the `x_*` ones are refused (`w_*` hold a code inside other text).
    #[test]
    fn kuroneko_error_layout_corpus_reads_as_named() {
        for path in files("corpus") {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let data = fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let text = String::from_utf8_lossy(&data);
            let result = kuroneko_proto::explain(&text);
            if name.starts_with("ok_") {
                assert!(result.is_ok(), "{name}: {result:?}");
            } else {
                assert!(name.starts_with("x_") || name.starts_with("w_"), "{name}: seeds are ok_, x_ or w_");
                assert!(result.is_err(), "{name}: {result:?}");
            }
        }
    }

    /// Every code of every table row, every check type and every form, through the body, so the properties do not
    /// depend on what the fuzzer happened to try.
    #[test]
    fn every_listed_code_and_every_two_digit_tail() {
        for row in kuroneko_proto::generated::codes::ERROR_CODE.entries {
            kuroneko_error_layout(row.code.as_bytes());
        }
        for function in ["A08", "E04", "Z01", "X99"] {
            for head in ["10101", "10103", "10112", "10199", "10100", "00000", "99999", "20000", "70000", "80000"] {
                for tail in 0..100 {
                    kuroneko_error_layout(format!("{function}{head}{tail:02}").as_bytes());
                }
            }
        }
    }
}
