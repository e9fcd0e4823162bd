//! How the client treats the common error codes that are not an answer about the request itself: the order number
//! is busy (Z012000004), or the gateway is under load (Z012000005, Z012000006).
//!
//! The spec's `error_code` table has no key for this (its codegen has none), so the list lives here, naming codes of
//! the generated [`ERROR_CODE`](kuroneko_proto::generated::codes::ERROR_CODE) table; a test checks that each is in
//! it. Every other code is the answer's failure outcome, returned as it came.

/// What the client does with an answer that carries one of [`TREATED`]'s codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Treatment {
    /// "The same order_no is being processed" (Z012000004, facts §4.3): another request with this order number is
    /// in progress at the gateway. Not a failure, and never retried with the same order number: the call returns
    /// [`Error::InProgress`](crate::Error::InProgress); look the order up later (E04) and act on what it says.
    InProgress,
    /// The gateway is under load (Z012000006, too many concurrent transactions, facts §4.3). A read is sent again
    /// with the read backoff, up to the read attempts; a call that creates or changes is never sent again: its
    /// answer is returned as it came (a failure outcome).
    Load,
    /// The API timed out under load (Z012000005, facts §4.3): the request may or may not have taken effect. A read
    /// is sent again as for [`Treatment::Load`]; a call that creates or changes is never sent again and is not a
    /// failure either (a shop that took it for one could charge twice under a new order number): it returns
    /// [`Error::InProgress`](crate::Error::InProgress) with the code; look the order up (E04) and act on what it
    /// says.
    TimedOut,
}

/// The treated codes, each a code of the generated `ERROR_CODE` table.
pub static TREATED: &[(&str, Treatment)] =
    &[("Z012000004", Treatment::InProgress), ("Z012000005", Treatment::TimedOut), ("Z012000006", Treatment::Load)];

/// How the client treats the error code `code`; `None` for every code the answer simply reports.
pub fn treatment(code: &str) -> Option<Treatment> {
    TREATED.iter().find(|(treated, _)| *treated == code).map(|(_, treatment)| *treatment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kuroneko_proto::generated::codes::ERROR_CODE;

    #[test]
    fn every_treated_code_is_in_the_spec_table() {
        for (code, _) in TREATED {
            assert!(ERROR_CODE.lookup(code).is_some(), "{code} is not in spec/kuroneko/codes/error_code.yaml");
        }
    }

    #[test]
    fn treatments() {
        #[rustfmt::skip]
        let cases = [
            ("Z012000004", Some(Treatment::InProgress)), ("Z012000005", Some(Treatment::TimedOut)),
            ("Z012000006", Some(Treatment::Load)), ("Z012000009", None), ("A082000003", None), ("", None),
        ];
        for (code, expected) in cases {
            assert_eq!(treatment(code), expected, "{code}");
        }
    }
}
