//! What the gateway sends the merchant besides its answers: the server-to-server notifications (決済完了通知,
//! 入金通知) and the query string of the browser's redirect to the merchant after a page.
//!
//! Their bodies are written by epsilon-proto's request encoder from the spec of the message
//! (`payment_notification`, `deposit_notification`, `completion_redirect`), CP932 percent-encoded and checked like
//! any request: a value the spec refuses is never sent (the attempt records why). **Sandbox choices** (facts §5.2:
//! the charset, schedule and reply format are not documented): CP932, the machinery's doubling backoff, and a
//! notification is accepted when the merchant answers HTTP 200 with exactly `1` (a trailing line break allowed).

use epsilon_proto::generated::{
    completion_redirect::COMPLETION_REDIRECT, deposit_notification::DEPOSIT_NOTIFICATION,
    payment_notification::PAYMENT_NOTIFICATION,
};
use epsilon_proto::{Charset, DynamicRequest, Options};
use japay_core::spec::OperationSpec;
use japay_sandbox::outbox::Message;

use crate::store::Order;

/// Whether the merchant's reply accepts a notification: HTTP 200 and the body `1` (`epsilon_proto::notification::
/// Reply::Accepted`), a trailing line break allowed.
pub(crate) fn accepts(status: u16, body: &[u8]) -> bool {
    status == 200 && matches!(body, b"1" | b"1\n" | b"1\r\n")
}

/// The form body of `spec` with these values (empty values are left out, as an absent parameter), CP932; why it
/// cannot be written otherwise (the violations, names only).
pub(crate) fn encode(spec: &'static OperationSpec, pairs: &[(&str, &str)]) -> Result<String, String> {
    let mut request = DynamicRequest::new(spec);
    for (name, value) in pairs {
        request.set(name, value);
    }
    let mut body = Vec::new();
    request.encode(Options::new(Charset::Cp932), &mut body).map_err(|report| format!("{}: {report}", spec.name))?;
    // the encoder writes percent-encoded ASCII
    String::from_utf8(body).map_err(|e| e.to_string())
}

/// The 決済完了通知 of a paid order.
pub(crate) fn payment(order: &Order) -> Message {
    let pairs = [
        ("contract_code", order.contract_code.as_str()),
        ("trans_code", &order.trans_code),
        ("order_number", &order.order_number),
        ("state", &order.state),
        ("user_id", &order.user_id),
        ("payment_code", &order.payment_code),
    ];
    Message { kind: "payment", reference: order.order_number.clone(), body: encode(&PAYMENT_NOTIFICATION, &pairs) }
}

/// The 入金通知 of a paid convenience-store order.
pub(crate) fn deposit(order: &Order) -> Message {
    let price = order.item_price.to_string();
    let pairs = [
        ("trans_code", order.trans_code.as_str()),
        ("order_number", &order.order_number),
        ("paid", "1"),
        ("user_id", &order.user_id),
        ("item_price", &price),
        ("memo1", &order.memo1),
        ("conveni_code", &order.conveni_code),
        ("contract_code", &order.contract_code),
    ];
    Message { kind: "deposit", reference: order.order_number.clone(), body: encode(&DEPOSIT_NOTIFICATION, &pairs) }
}

/// The query string of the redirect to the merchant after a page: the `completion_redirect` parameters (trans_code,
/// user_id, result, order_number) by its spec, then `extra` (a payment's state and payment_code, facts §5.2; not in
/// that spec): validated code values, ASCII digits, written as they are.
pub(crate) fn redirect_query(pairs: &[(&str, &str)], extra: &[(&str, &str)]) -> Result<String, String> {
    let mut query = encode(&COMPLETION_REDIRECT, pairs)?;
    for (name, value) in extra {
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{name}: expected digits"));
        }
        query.push('&');
        query.push_str(name);
        query.push('=');
        query.push_str(value);
    }
    Ok(query)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use epsilon_proto::{CompletionRedirect, DepositNotification, PaymentNotification, Version};

    use super::*;

    fn order() -> Order {
        Order {
            contract_code: "12345678".to_owned(),
            order_number: "N1".to_owned(),
            trans_code: "700001".to_owned(),
            user_id: "U0001".to_owned(),
            state: "1".to_owned(),
            payment_code: "1".to_owned(),
            item_price: 1000,
            memo1: "山田 ①".to_owned(),
            conveni_code: "31".to_owned(),
            ..Order::default()
        }
    }

    /// The bodies are the spec's encoding in CP932, and epsilon-proto's own readers accept them.
    #[test]
    fn notification_bodies_are_the_specs_encoding() {
        let payment = payment(&order()).body.unwrap();
        assert_eq!(
            payment,
            "contract_code=12345678&trans_code=700001&order_number=N1&state=1&user_id=U0001&payment_code=1"
        );
        let parsed = PaymentNotification::parse(payment.as_bytes(), Version::V1).unwrap();
        assert_eq!((parsed.order_number(), parsed.state().map(|s| s.value())), (Some("N1"), Some("1")));
        let deposit = deposit(&order()).body.unwrap();
        assert_eq!(
            deposit,
            "trans_code=700001&order_number=N1&paid=1&user_id=U0001&item_price=1000&memo1=%8ER%93c+%87%40&conveni_code=31&contract_code=12345678"
        );
        let parsed = DepositNotification::parse(deposit.as_bytes(), Version::V1).unwrap();
        assert_eq!((parsed.order_number(), parsed.memo1()), (Some("N1"), Some("山田 ①")));
    }

    /// A value the spec refuses is not sent: the message says why (the report's words: names, positions, at most one
    /// character of a non-secret field).
    #[test]
    fn a_body_the_spec_refuses_is_not_written() {
        // (change, a piece of the reason)
        type Change = fn(&mut Order);
        let cases: [(Change, &str); 3] = [
            (|o| o.memo1 = "😀".to_owned(), "memo1"),
            (|o| o.state = "77".to_owned(), "state"),
            (|o| o.trans_code = String::new(), "trans_code"),
        ];
        for (change, field) in cases {
            let mut o = order();
            change(&mut o);
            let reasons = [payment(&o).body, deposit(&o).body];
            let reason = reasons.iter().find_map(|b| b.clone().err()).unwrap();
            assert!(reason.contains(field), "{reason}");
        }
    }

    #[test]
    fn redirect_queries_and_the_merchants_reply() {
        let pairs = [("trans_code", "700001"), ("user_id", "U+1/a@b"), ("result", "1"), ("order_number", "N1")];
        let query = redirect_query(&pairs, &[("state", "1"), ("payment_code", "3")]).unwrap();
        assert_eq!(query, "trans_code=700001&user_id=U%2B1%2Fa%40b&result=1&order_number=N1&state=1&payment_code=3");
        let parsed = CompletionRedirect::parse(query.as_bytes(), Version::V1).unwrap();
        assert_eq!(parsed.user_id(), Some("U+1/a@b"));
        assert!(redirect_query(&pairs, &[("state", "1&x=2")]).is_err());
        assert!(redirect_query(&[("result", "1")], &[]).is_err(), "trans_code is required");
        // (status, body, accepted)
        let replies: [(u16, &[u8], bool); 6] = [
            (200, b"1", true),
            (200, b"1\r\n", true),
            (200, b"0", false),
            (200, b"1 ", false),
            (500, b"1", false),
            (200, b"", false),
        ];
        for (status, body, accepted) in replies {
            assert_eq!(accepts(status, body), accepted, "{status} {body:?}");
        }
    }
}
