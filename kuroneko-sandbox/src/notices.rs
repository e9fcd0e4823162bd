//! What the gateway sends the merchant besides its answers: the 決済結果通知 (facts §6.1) and the PayPay
//! notification (facts §6.2), POSTed to `--notify-url` through the machinery's outbox.
//!
//! A notification is accepted when the merchant answers HTTP 200 with exactly the body `0`;
//! anything else (`1`, an error page, no answer) is sent again with the machinery's doubling backoff (facts §6.1:
//! `0` processed, `1` not — the opposite of Epsilon). The bodies are written by kuroneko-proto's request encoder
//! from the notifications' specs (`settlement_notification`, `paypay_notification`) and checked like any request.
//! **Sandbox choices**: the body is UTF-8 (the gateway's charset is not documented, U), the retry schedule is the
//! machinery's.

use japay_core::{Charset, DynamicRequest, Options};
use japay_sandbox::outbox::Message;
use kuroneko_proto::generated::OPERATIONS;
use kuroneko_proto::notify::KuronekoReply;

use crate::store::Order;

/// Whether the merchant's reply accepts a notification: HTTP 200 and exactly the body `0`
/// ([`KuronekoReply::Processed`]).
pub(crate) fn accepts(status: u16, body: &[u8]) -> bool {
    status == 200 && KuronekoReply::from_body(body) == Some(KuronekoReply::Processed)
}

/// The notification of `order`'s current status (`settle_detail`), `settle_result` 1 (normal) or 2 (abnormal).
pub(crate) fn settlement(order: &Order, settle_result: &str) -> Message {
    let price = order.settle_price.to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("trader_code", &order.trader_code),
        ("order_no", &order.order_no),
        ("settle_price", &price),
        ("settle_date", &order.settle_date),
        ("settle_result", settle_result),
        ("settle_detail", &order.status),
        ("settle_method", &order.settle_method),
    ];
    let (kind, spec) = if order.kind == "paypay" {
        pairs.push(("res_payinfo_key", &order.order_no));
        ("paypay", "paypay_notification")
    } else {
        pairs.push(("function_div", &order.function_div));
        ("settlement", "settlement_notification")
    };
    Message { kind, reference: order.order_no.clone(), body: encode(spec, &pairs) }
}

/// The UTF-8 form body of the notification `spec` (by name) with these values (empty ones left out, as absent), by
/// kuroneko-proto's request encoder: a body its spec refuses is never written; why not (the violations, names
/// only) is recorded instead.
fn encode(spec: &str, pairs: &[(&str, &str)]) -> Result<String, String> {
    let Some(spec) = OPERATIONS.iter().find(|op| op.name == spec) else {
        return Err(format!("{spec}: not in the spec"));
    };
    let mut request = DynamicRequest::new(spec);
    for (name, value) in pairs {
        if !value.is_empty() {
            request.set(name, value);
        }
    }
    let mut body = Vec::new();
    request.encode(Options::new(Charset::Utf8), &mut body).map_err(|report| format!("{}: {report}", spec.name))?;
    // the encoder writes percent-encoded ASCII
    String::from_utf8(body).map_err(|e| e.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_the_merchants_reply() {
        let order = Order {
            trader_code: "888888888".into(),
            order_no: "C-1".into(),
            settle_price: 1200,
            settle_date: "20260401120000".into(),
            status: "3".into(),
            settle_method: "21".into(),
            function_div: "B01".into(),
            ..Order::default()
        };
        let message = settlement(&order, "1");
        assert_eq!(
            message.body.unwrap(),
            "trader_code=888888888&order_no=C-1&settle_price=1200&settle_date=20260401120000&settle_result=1&settle_detail=3&settle_method=21&function_div=B01"
        );
        // a value the spec refuses is not sent: the attempt records why (names only)
        let bad = settlement(&Order { settle_price: 123_456_789, ..order.clone() }, "1");
        assert!(bad.body.unwrap_err().contains("settle_price"));
        assert_eq!((message.kind, message.reference.as_str()), ("settlement", "C-1"));
        // (status, body, accepted)
        let replies: [(u16, &[u8], bool); 6] = [
            (200, b"0", true),
            (200, b"0\r\n", false),
            (200, b"1", false),
            (500, b"0", false),
            (200, b"", false),
            (200, b"00", false),
        ];
        for (status, body, accepted) in replies {
            assert_eq!(accepts(status, body), accepted, "{status} {body:?}");
        }
    }
}
