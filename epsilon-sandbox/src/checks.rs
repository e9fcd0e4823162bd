//! The gateway's checks of a merchant's request, in the gateway's order, and the texts of its error codes:
//!
//! 1. the path: one the sandbox serves, else 404 ([`crate::cgi::NOT_SERVED`] names why);
//! 2. the source address: only [`Config::allow_hosts`](crate::Config) (default: any loopback address), else 908;
//! 3. the body: a form in the charset the gateway reads, else 601;
//! 4. the contract: malformed → 607, unknown or inactive → 907 (getsales2 answers the empty root for every error);
//! 5. the operation: the spec's route of the path and its selecting parameter, else 601;
//! 6. the parameters, with the operation's own rules ([`epsilon_proto::request_body`]): 909 for a bad
//!    `mission_code`, else 601 ([`crate::details::for_report`]).
//!
//! An error code's text is the `ja` text of the spec's `err_code` table; [`crate::details`] holds the few texts no
//! table has.

use epsilon_proto::generated::codes::ERR_CODE;

/// The text of an error code: its `ja` text in the spec's `err_code` table (empty for a code the table does not
/// list; every code the sandbox answers with is listed, a test says so).
pub(crate) fn text(code: &str) -> &'static str {
    ERR_CODE.lookup(code).map_or("", |entry| entry.ja)
}

/// Whether a contract code is well-formed: 8 digits. **Sandbox choice** (the spec's rule: seed 003, every issued
/// code seen is 8 digits).
pub(crate) fn well_formed(contract: &str) -> bool {
    contract.len() == 8 && contract.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the sandbox answers with its table text has a row with a text.
    #[test]
    fn every_code_answered_has_a_table_text() {
        for code in ["502", "604", "605", "607", "801", "810", "907", "908", "909", "936"] {
            assert!(!text(code).is_empty(), "{code} has no text in the err_code table");
        }
        assert_eq!(text("908"), "このCGIを実行する権限がありません");
        assert_eq!(text("no such code"), "");
    }
}
