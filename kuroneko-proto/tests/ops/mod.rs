//! The operations of `spec/kuroneko/operations/` besides the card ones: convenience stores (B01-B06), shipments
//! (E01-E03), the inquiry (E04), the IP check (H01), PayPay (L01-L03), continuous billing (G01-G05) and the two
//! notifications. Tables of requests (golden bodies and violations), of answers (outcomes) and of notification bodies.

mod notifications;
mod outcomes;
mod requests;

use japay_core::spec::OperationSpec;
use japay_core::{DynamicRequest, Options, Report};
use kuroneko_proto::Charset;
use kuroneko_proto::generated::OPERATIONS;

/// The operation called `name` (the test fails when the spec has none).
pub(crate) fn op(name: &str) -> &'static OperationSpec {
    OPERATIONS.iter().copied().find(|o| o.name == name).unwrap_or_else(|| panic!("no operation {name}"))
}

/// `values` set on a request of `name` (every name must be a field), encoded as UTF-8.
pub(crate) fn encode(name: &str, values: &[(&str, &'static str)]) -> Result<String, Report> {
    let mut request = DynamicRequest::new(op(name));
    for (wire, value) in values {
        assert!(request.set(wire, value), "{name} has no field {wire}");
    }
    let mut body = Vec::new();
    request.encode(Options::new(Charset::Utf8), &mut body)?;
    Ok(String::from_utf8(body).expect("a form body is ASCII"))
}

/// The (field, rule) pairs of a report, in order.
pub(crate) fn rules(report: &Report) -> Vec<(String, &'static str)> {
    report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect()
}
