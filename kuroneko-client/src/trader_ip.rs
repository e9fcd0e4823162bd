//! Step 1 of the check: H01 `trader_ip`, the global IP Yamato sees for this server.

use crate::check::Asked;
use crate::client::Client;

/// Asks H01 for the IP Yamato sees.
pub(crate) async fn ask(client: &Client, trader_code: &str) -> Asked<Option<String>> {
    // TODO(specs-merged): H01 `trader_ip` is not in spec/kuroneko/operations/ yet; until it is, the check goes
    // straight to E04.
    let _ = (client, trader_code);
    Asked::Unavailable
}
