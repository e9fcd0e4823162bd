//! The contract check: a notification must be for the merchant's own contract code.

use core::fmt;

use japay_core::spec::{Marker, OperationSpec};

/// The wire name of the contract code.
const CONTRACT_CODE: &str = "contract_code";

/// Why a notification is not for the merchant's contract. Holds no contract code: only the length of the one
/// received, so messages stay tidy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContractError {
    /// The notification's kind requires `contract_code`, and it is absent.
    Missing,
    /// The notification carries another contract code.
    #[non_exhaustive]
    Mismatch {
        /// The length in bytes of the contract code received.
        received_len: usize,
    },
    /// The merchant's own contract code given to compare with is empty (an unset setting): nothing is accepted, not
    /// even a notification without `contract_code` or with an empty one.
    NoOwnCode,
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContractError::Missing => f.write_str("expected the merchant's contract_code, found none"),
            ContractError::Mismatch { received_len } => {
                write!(f, "expected the merchant's contract_code, found another one ({received_len} bytes)")
            }
            ContractError::NoOwnCode => {
                f.write_str("expected the merchant's own contract_code to compare with, given an empty one")
            }
        }
    }
}

impl std::error::Error for ContractError {}

/// Checks `received` (the notification's `contract_code`) against `own`; an absent code is an error only when
/// `spec` requires the field, an empty `own` always is.
pub(super) fn check(spec: &OperationSpec, received: Option<&str>, own: &str) -> Result<(), ContractError> {
    if own.is_empty() {
        return Err(ContractError::NoOwnCode);
    }
    match received {
        Some(code) if code == own => Ok(()),
        Some(code) => Err(ContractError::Mismatch { received_len: code.len() }),
        None if requires_contract(spec) => Err(ContractError::Missing),
        None => Ok(()),
    }
}

/// Whether `spec` lists `contract_code` as required (`○`, `●` or `◎`).
fn requires_contract(spec: &OperationSpec) -> bool {
    spec.fields
        .iter()
        .any(|f| f.wire == CONTRACT_CODE && matches!(f.marker, Marker::Required | Marker::Unique | Marker::Supplied))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::notification::Kind;

    #[test]
    fn contract_codes_are_compared_and_required_only_where_the_spec_says() {
        let cases: [(Kind, Option<&str>, Result<(), ContractError>); 8] = [
            (Kind::Payment, Some("12345678"), Ok(())),
            (Kind::Payment, Some("87654321"), Err(ContractError::Mismatch { received_len: 8 })),
            (Kind::Payment, None, Err(ContractError::Missing)),
            (Kind::Deposit, None, Ok(())),
            (Kind::Deposit, Some("1234567"), Err(ContractError::Mismatch { received_len: 7 })),
            (Kind::DeferredPayment, None, Ok(())),
            (Kind::Deposit, Some(""), Err(ContractError::Mismatch { received_len: 0 })),
            (Kind::Payment, Some("12345678 "), Err(ContractError::Mismatch { received_len: 9 })),
        ];
        for (kind, received, expected) in cases {
            assert_eq!(check(kind.spec(), received, "12345678"), expected, "{kind:?} {received:?}");
        }
        for (kind, received) in [(Kind::Payment, Some("12345678")), (Kind::Deposit, Some("")), (Kind::Deposit, None)] {
            assert_eq!(check(kind.spec(), received, ""), Err(ContractError::NoOwnCode), "{kind:?} {received:?}");
        }
    }

    #[test]
    fn a_mismatch_never_prints_the_code() {
        let err = check(Kind::Payment.spec(), Some("87654321"), "12345678").unwrap_err();
        assert_eq!(err.to_string(), "expected the merchant's contract_code, found another one (8 bytes)");
    }
}
