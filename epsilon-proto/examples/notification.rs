//! A framework-neutral notification endpoint: a function from the POSTed body bytes to the reply bytes, the whole
//! job of a merchant's 決済完了通知 URL. Wire it into any HTTP server (answer with `Content-Type: text/plain`).
//!
//! ```sh
//! cargo run -p epsilon-proto --example notification
//! ```

use epsilon_proto::notification::{Kind, Reply, receive};

/// The merchant's own contract code.
const CONTRACT_CODE: &str = "12345678";

/// Handles the body of a payment notification and returns the reply body (`1` accepted, `0` refused).
fn handle_payment_notification(body: &[u8]) -> &'static [u8] {
    let result = receive(Kind::Payment, body, CONTRACT_CODE);
    match &result {
        // record the order here (and confirm it with getsales2 before shipping: notifications are not signed)
        Ok(n) => println!("accepted: trans_code {:?}, order {:?}", n.trans_code(), n.order_number()),
        Err(err) => println!("refused: {err}"),
    }
    Reply::from(&result).body()
}

fn main() {
    let bodies: [&[u8]; 4] = [
        // state 0 (not completed) is a valid state, not a missing one
        b"contract_code=12345678&trans_code=861205&order_number=O1&state=0&payment_code=3",
        // another contract
        b"contract_code=87654321&trans_code=861205&order_number=O1&state=1",
        // state given twice with different values: neither is believed
        b"contract_code=12345678&trans_code=861205&order_number=O1&state=1&state=9",
        // a byte sequence that is not CP932 (0x82 needs a trail byte)
        b"contract_code=12345678&trans_code=861205&order_number=O1&state=1&memo1=%82",
    ];
    for body in bodies {
        let reply = handle_payment_notification(body);
        println!("  -> {}\n", reply.escape_ascii());
    }
}
