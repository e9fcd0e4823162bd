//! What an `errorCode` says by its layout alone, for any code, listed in the tables or not.
//!
//! An `errorCode` (the element of an answer with `returnCode` 1) is 10 characters: the function code of the call
//! (`A08`, …, or `Z01` for the errors common to every function) and 7 digits (facts §4.2, inferred from about 400
//! codes of the clients' tables, not documented):
//!
//! | digits | meaning |
//! |---|---|
//! | `101` `NN` `CC` | parameter validation: `NN` is the item number of the field in the function's spec (`function_div` is 01), `CC` the check type ([`ErrorCheck`], the `error_check` table: 01 missing, 02 length, 03 byte length, 04 character class, 05 format, 06 value not in the allowed set, 51 data/state check, 71-74 checks of the field's own) |
//! | `0000000` | the function is unavailable in a time window (maintenance, the nightly 23:00-01:00 of A07 and A11) |
//! | `9999999` | system exception |
//! | `2…` to `7…` | business error (merchant not enabled, duplicate order, authorization refused, …) |
//!
//! [`explain`] reads a code by this layout: the function code names the operation (the one of
//! [`OPERATIONS`] whose `function_div` is fixed to it), a validation's item number
//! names the field (the [`FieldSpec`] with that `item`), and the exact code's row of
//! [`ERROR_CODE`], when the table lists it, adds its text and remediation.
//! So a code no table lists still reads, e.g. `A081010306`:
//!
//! ```
//! use kuroneko_proto::error_layout::{CodeKind, explain};
//! use kuroneko_proto::generated::codes::ErrorCheck;
//!
//! let e = explain("A081010306")?;
//! assert_eq!(e.to_string(), "credit_token, item 03 `device_div`: value not in the allowed set");
//! assert_eq!(e.function, "A08");
//! assert_eq!(e.operation.map(|op| op.name), Some("credit_token"));
//! match e.kind {
//!     CodeKind::Validation { item, field, check } => {
//!         assert_eq!((item, field.map(|f| f.wire), check), (3, Some("device_div"), ErrorCheck::NotAllowed));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! assert!(explain("A08101030").is_err(), "9 characters");
//! # Ok::<(), kuroneko_proto::error_layout::LayoutError>(())
//! ```
//!
//! Nothing here allocates or panics, on any input; the work is linear in the size of the tables.

use core::fmt;

use japay_core::spec::{CodeEntry, Direction, FieldSpec, OperationSpec};

use crate::generated::OPERATIONS;
use crate::generated::codes::{ERROR_CODE, ErrorCheck};

/// The function code of the errors common to every function (facts §4.3).
pub const COMMON_FUNCTION: &str = "Z01";

/// The length of an `errorCode`: a function code of 3 characters and 7 digits (facts §4.2).
pub const CODE_LEN: usize = 10;

/// An `errorCode` read by its layout ([`explain`]).
///
/// `Display` writes one English sentence (`credit_token, item 03 `device_div`: value not in the allowed set`);
/// [`Explained::ja`] the same in Japanese.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Explained<'a> {
    /// The code as given.
    pub code: &'a str,
    /// Its function code: `A08`, …, or [`COMMON_FUNCTION`] (`Z01`).
    pub function: &'a str,
    /// The operation whose `function_div` is fixed to [`Explained::function`]; `None` for `Z01`.
    pub operation: Option<&'static OperationSpec>,
    /// What the seven digits say.
    pub kind: CodeKind<'a>,
    /// The row of [`ERROR_CODE`] for the exact code (text, remediation, source), when the table lists it.
    pub entry: Option<&'static CodeEntry>,
}

/// What the seven digits after the function code say (facts §4.2).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum CodeKind<'a> {
    /// `101` + item number + check type: a parameter failed validation.
    Validation {
        /// The item number (`NN`, 1-99): the field's position in the function's spec.
        item: u8,
        /// The field of the operation whose `item` is `NN`; `None` when the spec has none (or for `Z01`).
        field: Option<&'static FieldSpec>,
        /// The check type (`CC`).
        check: ErrorCheck<'a>,
    },
    /// `0000000`: the function is unavailable in a time window.
    Unavailable,
    /// `9999999`: system exception.
    SystemError,
    /// `2…` to `7…`: a business error.
    Business {
        /// The first digit, 2-7.
        class: u8,
        /// The seven digits.
        digits: &'a str,
    },
}

/// Why a string is not an `errorCode` of the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayoutError {
    /// Not [`CODE_LEN`] (10) bytes long.
    Length {
        /// The length in bytes.
        len: usize,
    },
    /// The first three characters are not a function code (an upper-case ASCII letter and two digits).
    FunctionCode,
    /// A function code of the right form that is neither `Z01` nor the fixed `function_div` of an operation of the
    /// spec.
    UnknownFunction {
        /// The function code (ASCII).
        function: [u8; 3],
    },
    /// A byte of the seven-digit tail that is not an ASCII digit.
    NotDigit {
        /// Its byte offset in the code (3-9).
        offset: usize,
    },
    /// Item number `00` in a validation code (items count from 01, `function_div`).
    ItemZero,
    /// Seven digits that fit none of the layout's forms (`101NNCC`, `0000000`, `9999999`, `2…`-`7…`).
    Unclassified,
}

impl LayoutError {
    /// For [`LayoutError::UnknownFunction`], the function code; otherwise `None`.
    pub fn function(&self) -> Option<&str> {
        match self {
            LayoutError::UnknownFunction { function } => core::str::from_utf8(function).ok(),
            _ => None,
        }
    }
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::Length { len } => {
                write!(
                    f,
                    "expected an error code of {CODE_LEN} characters (function code and 7 digits), got {len} bytes"
                )
            }
            LayoutError::FunctionCode => {
                f.write_str("expected a function code (an upper-case letter and two digits) in the first 3 characters")
            }
            LayoutError::UnknownFunction { .. } => write!(
                f,
                "expected the function code of an operation of the spec or {COMMON_FUNCTION}, got {}",
                self.function().unwrap_or("?")
            ),
            LayoutError::NotDigit { offset } => write!(f, "expected a digit at offset {offset} of the error code"),
            LayoutError::ItemZero => f.write_str("expected an item number from 01 in a validation code, got 00"),
            LayoutError::Unclassified => f.write_str(
                "expected 101 + item + check, 0000000, 9999999 or a business code starting with 2-7 after the function \
                 code",
            ),
        }
    }
}

impl core::error::Error for LayoutError {}

/// Reads an `errorCode` by its layout (module docs).
///
/// # Errors
///
/// A [`LayoutError`] when `code` is not 10 bytes, does not start with a function code, names a function the spec
/// does not have (other than `Z01`), has a non-digit in its tail, or has digits that fit none of the layout's forms.
pub fn explain(code: &str) -> Result<Explained<'_>, LayoutError> {
    let bytes = code.as_bytes();
    if bytes.len() != CODE_LEN {
        return Err(LayoutError::Length { len: bytes.len() });
    }
    let (Some(function), Some(digits)) = (code.get(..3), code.get(3..)) else {
        // 10 bytes that do not split at 3 on a character boundary: the first 3 are not ASCII
        return Err(LayoutError::FunctionCode);
    };
    let fb = function.as_bytes();
    let &[letter, tens, ones] = fb else {
        return Err(LayoutError::FunctionCode);
    };
    if !(letter.is_ascii_uppercase() && tens.is_ascii_digit() && ones.is_ascii_digit()) {
        return Err(LayoutError::FunctionCode);
    }
    if let Some(offset) = digits.bytes().position(|b| !b.is_ascii_digit()) {
        return Err(LayoutError::NotDigit { offset: 3 + offset });
    }
    let operation = if function == COMMON_FUNCTION {
        None
    } else {
        match operation_for(function) {
            Some(op) => Some(op),
            None => {
                return Err(LayoutError::UnknownFunction { function: [letter, tens, ones] });
            }
        }
    };
    let kind = classify(digits, operation)?;
    Ok(Explained { code, function, operation, kind, entry: ERROR_CODE.lookup(code) })
}

/// The operation of the spec (one the merchant sends) whose `function_div` is fixed to `function`.
pub fn operation_for(function: &str) -> Option<&'static OperationSpec> {
    OPERATIONS.iter().copied().find(|op| {
        op.direction == Direction::Outgoing
            && op.fields.iter().any(|f| f.wire == "function_div" && f.fixed == Some(function))
    })
}

/// The field of `op` whose item number ([`FieldSpec::item`]) is `item`.
pub fn field_for_item(op: &'static OperationSpec, item: u8) -> Option<&'static FieldSpec> {
    op.fields.iter().find(|f| f.item == Some(item))
}

/// The seven digits (all ASCII digits) as one of the layout's forms.
fn classify<'a>(digits: &'a str, operation: Option<&'static OperationSpec>) -> Result<CodeKind<'a>, LayoutError> {
    let d = digits.as_bytes();
    match d {
        [b'1', b'0', b'1', n1, n2, _, _] => {
            let item = (n1 - b'0') * 10 + (n2 - b'0');
            if item == 0 {
                return Err(LayoutError::ItemZero);
            }
            let check = ErrorCheck::from(digits.get(5..).unwrap_or(""));
            let field = operation.and_then(|op| field_for_item(op, item));
            Ok(CodeKind::Validation { item, field, check })
        }
        b"0000000" => Ok(CodeKind::Unavailable),
        b"9999999" => Ok(CodeKind::SystemError),
        [c @ b'2'..=b'7', ..] => Ok(CodeKind::Business { class: c - b'0', digits }),
        _ => Err(LayoutError::Unclassified),
    }
}

impl<'a> Explained<'a> {
    /// The text of the exact code's row in [`ERROR_CODE`], when the table lists it.
    pub fn listed_en(&self) -> Option<&'static str> {
        self.entry.map(|e| e.en)
    }

    /// What to do about it, when the table has a remediation for the exact code.
    pub fn remediation(&self) -> Option<&'static str> {
        self.entry.and_then(|e| e.remediation)
    }

    /// The same sentence as `Display`, in Japanese (field and operation names stay the wire names).
    pub fn ja(&self) -> impl fmt::Display + '_ {
        Ja(self)
    }

    /// Whether the row of the exact code is worth adding to the layout's sentence: a data or state check, a check
    /// of the field's own or an unknown check says little by itself.
    fn adds_to_check(&self) -> bool {
        matches!(
            self.kind,
            CodeKind::Validation {
                check: ErrorCheck::DataState
                    | ErrorCheck::FieldCheck71
                    | ErrorCheck::FieldCheck72
                    | ErrorCheck::FieldCheck73
                    | ErrorCheck::FieldCheck74
                    | ErrorCheck::Unknown(_),
                ..
            }
        )
    }

    fn subject(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.operation {
            Some(op) => f.write_str(op.name),
            None => write!(f, "common error ({})", self.function),
        }
    }
}

impl fmt::Display for Explained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.subject(f)?;
        match self.kind {
            CodeKind::Validation { item, field, check } => {
                write!(f, ", item {item:02}")?;
                match field {
                    Some(field) => write!(f, " `{}`", field.wire)?,
                    None => f.write_str(" (no field of the spec)")?,
                }
                match check.entry() {
                    Some(e) => write!(f, ": {}", e.en)?,
                    None => write!(f, ": check type {} (not in the layout)", check.as_str())?,
                }
                if let (true, Some(e)) = (self.adds_to_check(), self.entry) {
                    write!(f, " ({})", e.en)?;
                }
                Ok(())
            }
            CodeKind::Unavailable => {
                f.write_str(": unavailable in a time window")?;
                self.listed_suffix(f)
            }
            CodeKind::SystemError => {
                f.write_str(": system exception")?;
                self.listed_suffix(f)
            }
            CodeKind::Business { digits, .. } => {
                write!(f, ": business error {digits}")?;
                match self.entry {
                    Some(e) => write!(f, ": {}", e.en),
                    None => f.write_str(" (not in the error table)"),
                }
            }
        }
    }
}

impl Explained<'_> {
    fn listed_suffix(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry {
            Some(e) => write!(f, " ({})", e.en),
            None => Ok(()),
        }
    }
}

/// [`Explained::ja`].
struct Ja<'e, 'a>(&'e Explained<'a>);

impl fmt::Display for Ja<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        match e.operation {
            Some(op) => write!(f, "{}({})", op.name, e.function)?,
            None => write!(f, "共通エラー({})", e.function)?,
        }
        match e.kind {
            CodeKind::Validation { item, field, check } => {
                write!(f, "、項目{item:02}")?;
                if let Some(field) = field {
                    write!(f, "「{}」", field.wire)?;
                }
                match check.entry() {
                    Some(c) => write!(f, ": {}", c.ja)?,
                    None => write!(f, ": チェック種別{}", check.as_str())?,
                }
                if let (true, Some(row)) = (e.adds_to_check(), e.entry) {
                    write!(f, "({})", row.ja)?;
                }
                Ok(())
            }
            CodeKind::Unavailable => {
                f.write_str(": 時間帯により利用不可")?;
                ja_suffix(f, e.entry)
            }
            CodeKind::SystemError => {
                f.write_str(": システム例外")?;
                ja_suffix(f, e.entry)
            }
            CodeKind::Business { digits, .. } => {
                write!(f, ": 業務エラー{digits}")?;
                ja_suffix(f, e.entry)
            }
        }
    }
}

fn ja_suffix(f: &mut fmt::Formatter<'_>, entry: Option<&'static CodeEntry>) -> fmt::Result {
    match entry {
        Some(e) => write!(f, "({})", e.ja),
        None => Ok(()),
    }
}

impl fmt::Debug for Explained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explained")
            .field("code", &self.code)
            .field("function", &self.function)
            .field("operation", &self.operation.map(|op| op.name))
            .field("kind", &self.kind)
            .field("listed", &self.entry.is_some())
            .finish()
    }
}

impl fmt::Debug for CodeKind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeKind::Validation { item, field, check } => f
                .debug_struct("Validation")
                .field("item", item)
                .field("field", &field.map(|x| x.wire))
                .field("check", check)
                .finish(),
            CodeKind::Unavailable => f.write_str("Unavailable"),
            CodeKind::SystemError => f.write_str("SystemError"),
            CodeKind::Business { class, digits } => {
                f.debug_struct("Business").field("class", class).field("digits", digits).finish()
            }
        }
    }
}

#[cfg(test)]
mod tests;
