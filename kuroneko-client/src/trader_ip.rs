//! Step 1 of the check: H01 `trader_ip`, the global IP Yamato sees for this server.

use kuroneko_proto::TraderIp;
use kuroneko_proto::generated::{RESULT_FIELD, RESULT_SUCCESS};

use crate::check::{Asked, Step, failed, refusal};
use crate::client::Client;
use crate::reconcile::ERROR_CODE;

/// The element of H01's answer that carries the IP (facts §3.2).
const IP_ADDRESS: &str = "ipAddress";

/// Asks H01 for the IP Yamato sees: `Ok(Some(ip))` when it answered one (an empty element is no IP), the refusal
/// when it answered an error code.
pub(crate) async fn ask(client: &Client, trader_code: &str) -> Asked<Option<String>> {
    match client.call(&TraderIp { trader_code }).await {
        Ok(exchange) => {
            let answer = exchange.answer();
            let said = match answer.get(RESULT_FIELD) {
                Some(RESULT_SUCCESS) => {
                    Ok(answer.get(IP_ADDRESS).map(str::trim).filter(|ip| !ip.is_empty()).map(str::to_owned))
                }
                _ => Err(refusal(Step::TraderIp, answer.get(ERROR_CODE).unwrap_or(""), None)),
            };
            Asked::Answered { elapsed: exchange.elapsed(), answer: said }
        }
        Err(error) => Asked::Failed(failed(Step::TraderIp, &error)),
    }
}
