//! What getsales2 (`order_info`, the lookup every Epsilon operation that creates or changes an order names in its
//! spec) says about an order whose call lost its answer: its `state` and `trans_code`.

use epsilon_proto::generated::order_info::ORDER_INFO;
use epsilon_proto::{OrderInfo, OrderInfoOutcome};
use japay_client::{Reconciled, TransactionId};
use japay_core::Answered;
use japay_core::spec::OperationSpec;

use crate::gateway::Decoded;

/// The reading of `answer`, the answer of the lookup operation `lookup`.
pub(crate) fn reconciled(lookup: &'static OperationSpec, answer: &Decoded<'_>) -> Reconciled {
    if lookup.name != ORDER_INFO.name {
        return Reconciled::Unknown { reason: format!("{} is not a lookup this client can read", lookup.name) };
    }
    let view = OrderInfo::view(answer.clone());
    match view.outcome() {
        Ok(OrderInfoOutcome::Found) => Reconciled::Found {
            state: view.state().map(|s| s.value().to_owned()).unwrap_or_default(),
            state_label: view.state().and_then(|s| s.entry).map(|entry| entry.en),
            transaction: view.trans_code().map(|code| TransactionId::new("trans_code", code)),
        },
        Ok(OrderInfoOutcome::NotFound) => Reconciled::NotFound,
        Ok(OrderInfoOutcome::Failure { code, .. }) => {
            Reconciled::Unknown { reason: format!("getsales2 answered error {}", code.value()) }
        }
        Ok(_) => Reconciled::Unknown { reason: "getsales2 answered an unknown outcome".into() },
        Err(error) => Reconciled::Unknown { reason: error.to_string() },
    }
}
