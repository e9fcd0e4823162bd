//! E01 (which captures), E02, E03 and the settlement states in E04.

use crate::support::{Fields, Sandbox, TRADER, classify, config, credit_token, status};

fn slip(order_no: &str, slip_no: &str, carrier: &str) -> Fields {
    vec![
        ("trader_code", TRADER.to_owned()),
        ("order_no", order_no.to_owned()),
        ("slip_no", slip_no.to_owned()),
        ("delivery_service_code", carrier.to_owned()),
    ]
}

/// (operation, fields, outcome, error code, E04 status afterwards) against one sandbox, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipments_capture_and_settle() {
    let sb = Sandbox::start(config()).await;
    sb.set_time("12:00").await;
    for order_no in ["E1", "E2", "E3"] {
        let token = sb.token("4111111111111111").await;
        assert_eq!(
            classify("credit_token", &sb.call("credit_token", &credit_token(order_no, &token)).await).0,
            "authorized"
        );
    }
    let date = |order_no: &str, d: &str| {
        vec![
            ("trader_code", TRADER.to_owned()),
            ("order_no", order_no.to_owned()),
            ("scheduled_shipping_date", d.to_owned()),
        ]
    };
    // 12345678901 mod 7 = 3: 123456789013 passes the seven-check.
    let cases: Vec<(&str, Fields, &str, &str, &str)> = vec![
        ("shipment_entry", slip("E1", "123456789013", "00"), "registered", "", "30"),
        ("shipment_entry", slip("E1", "123456789013", "00"), "failure", "E012000001", "30"),
        ("shipment_entry", slip("E1", "123456789012", "00"), "failure", "E011010451", "30"),
        ("shipment_entry", slip("E1", "E1-PARCEL-2", "99"), "registered", "", "30"),
        ("shipment_entry", slip("NONE", "123456789013", "00"), "failure", "E011010351", ""),
        ("shipment_entry", slip("E2", "123456789013", "00"), "registered", "", "30"),
        ("shipment_cancel", slip("E2", "123456789013", "00")[..3].to_vec(), "cancelled", "", "4"),
        ("shipment_cancel", slip("E2", "123456789013", "00")[..3].to_vec(), "failure", "E021010451", "4"),
        ("change_date", date("E3", "20991231"), "changed", "", "4"),
        ("credit_cancel", slip("E2", "", "")[..2].to_vec(), "cancelled", "", "40"),
        ("shipment_entry", slip("E2", "123456789013", "00"), "failure", "E011010351", "40"),
    ];
    for (op, fields, outcome, code, after) in cases {
        let body = sb.call(op, &fields).await;
        let order_no = &fields[1].1;
        assert_eq!(classify(op, &body), (outcome.to_owned(), code.to_owned()), "{op} {fields:?}: {body}");
        assert_eq!(status(&sb, order_no).await, after, "{op} {order_no}");
    }
    // at most 99 slips an order (two registered above)
    for n in 3..=99 {
        let body = sb.call("shipment_entry", &slip("E1", &format!("E1-PARCEL-{n}"), "99")).await;
        assert_eq!(classify("shipment_entry", &body).0, "registered", "slip {n}: {body}");
    }
    let body = sb.call("shipment_entry", &slip("E1", "E1-PARCEL-100", "99")).await;
    assert_eq!(classify("shipment_entry", &body).1, "E012000002");
    // settled the next day
    assert_eq!(sb.post_form("/sandbox/clock", &[("advance_days", "1")]).await.status(), 200);
    assert_eq!(status(&sb, "E1").await, "31");
    let body = sb.call("credit_cancel", &slip("E1", "", "")[..2]).await;
    assert_eq!(classify("credit_cancel", &body).1, "A062010003", "a settled order is not cancelled");
    sb.running.shutdown().await;
}
