//! What E04 `trade_info` (the lookup every Kuroneko operation that creates or changes a transaction names in its
//! spec: `reconcile: {via: trade_info, key: order_no, copy: [trader_code]}`) says about a call whose answer was
//! lost: the row's `statusInfo` and `crdCResCd`.
//!
//! E04 is read from its elements, not from an outcome table, so that the reading does not depend on which outcomes
//! its spec lists:
//!
//! | E04 answer | [`Reconciled`] |
//! |---|---|
//! | `returnCode` 0, `resultCount` 1, one `resultData` row with a `statusInfo` | `Found`: its `statusInfo` (label from the `status_info` table), its `crdCResCd` when not empty |
//! | `returnCode` 0, `resultCount` 0, no row | `NotFound` (at the time of the lookup) |
//! | `returnCode` 0, several rows | `Unknown`: more than one transaction for one order number is not documented (facts §3.2) |
//! | `returnCode` 0, `resultCount` absent or another number than the rows, or a row without `statusInfo` | `Unknown`: the answer disagrees with itself, so it is never read as "not found" |
//! | `returnCode` 1 | `Unknown`, naming the `errorCode`: what E04 answers for an unknown order number is not documented, so an error is never read as "not found" |
//! | anything else | `Unknown` |

use japay_client::{Reconciled, TransactionId};
use japay_core::spec::{Code, OperationSpec};
use kuroneko_proto::Block;
use kuroneko_proto::generated::codes::STATUS_INFO;
use kuroneko_proto::generated::trade_info::TRADE_INFO;
use kuroneko_proto::generated::{RESULT_FIELD, RESULT_SUCCESS};

use crate::gateway::Decoded;

/// The element of E04's row that carries the transaction's state (facts §3.2, §3.3).
pub(crate) const STATUS: &str = "statusInfo";
/// The element of E04's row that carries the authorization approval number (facts §3.2).
const APPROVAL: &str = "crdCResCd";
/// The order number of an E04 row (facts §3.2).
pub(crate) const ORDER_NO: &str = "orderNo";
/// E04's repeated row (facts §3.2).
pub(crate) const ROW: &str = "resultData";
/// The element of E04's answer that counts its rows (facts §3.2).
pub(crate) const COUNT: &str = "resultCount";
/// The element every answer carries its error code in (`gateway.yaml` `answer.fields.failure.code`, facts §3.1).
pub(crate) const ERROR_CODE: &str = "errorCode";

/// The reading of `answer`, the answer of the lookup operation `lookup`.
/// `order_no` is the number looked up: a row about another order is not this one's state.
pub(crate) fn reconciled(lookup: &'static OperationSpec, order_no: &str, answer: &Decoded<'_>) -> Reconciled {
    if lookup.name != TRADE_INFO.name {
        return Reconciled::Unknown { reason: format!("{} is not a lookup this client can read", lookup.name) };
    }
    match answer.get(RESULT_FIELD) {
        Some(RESULT_SUCCESS) => {}
        Some(code) => {
            let error = answer.get(ERROR_CODE).unwrap_or("");
            return Reconciled::Unknown {
                reason: format!("trade_info answered returnCode {code}, errorCode {error:?}"),
            };
        }
        None => return Reconciled::Unknown { reason: format!("trade_info answered no {RESULT_FIELD}") },
    }
    let rows = match rows(answer) {
        Ok(rows) => rows,
        Err(reason) => return Reconciled::Unknown { reason },
    };
    match rows.as_slice() {
        [] => Reconciled::NotFound,
        [row] => {
            // the row must say which order it is about, and be about this one (fail closed)
            if row.get(ORDER_NO) != Some(order_no) {
                return Reconciled::Unknown {
                    reason: format!("trade_info answered a row whose {ORDER_NO} is not the order looked up"),
                };
            }
            let state = row.get(STATUS).unwrap_or("");
            if state.is_empty() {
                return Reconciled::Unknown { reason: format!("trade_info answered a row without {STATUS}") };
            }
            Reconciled::Found {
                state: state.to_owned(),
                state_label: Code::new(state, &STATUS_INFO).entry.map(|entry| entry.en),
                transaction: row
                    .get(APPROVAL)
                    .filter(|value| !value.is_empty())
                    .map(|value| TransactionId::new(APPROVAL, value)),
            }
        }
        more => Reconciled::Unknown { reason: format!("trade_info answered {} rows for one order number", more.len()) },
    }
}

/// The `resultData` rows of E04's successful answer, when its `resultCount` (digits) is exactly their number;
/// otherwise why the answer cannot be read (an absent count, or a count the rows do not match: a row that was not
/// read as a row, such as an empty `<resultData/>`, must not pass for "no transaction").
pub(crate) fn rows<'r, 'b>(answer: &'r Decoded<'b>) -> Result<Vec<&'r Block<'b>>, String> {
    let rows: Vec<_> = answer.groups_named(ROW).collect();
    let count = answer.get(COUNT).ok_or_else(|| format!("trade_info answered no {COUNT}"))?;
    let counted = count.bytes().all(|b| b.is_ascii_digit()) && count.parse::<usize>().ok() == Some(rows.len());
    if counted {
        Ok(rows)
    } else {
        Err(format!("trade_info answered {} {ROW} rows and a {COUNT} that is not that number", rows.len()))
    }
}
