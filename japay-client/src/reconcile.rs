//! Reconciling a lost answer: the lookup request built from the spec ([`Lookup`]: the `via` operation, the `key` and
//! the `copy` parameters), and [`Reconciled`], what the gateway's reading of the lookup's answer says.

use std::fmt;

use japay_core::request::DynamicRequest;
use japay_core::spec::{Lookup, OperationSpec};

/// The gateway's id of a transaction, with the name the gateway gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransactionId {
    /// The answer field it came in.
    pub name: &'static str,
    /// Its value.
    pub value: String,
}

impl TransactionId {
    /// The id `value` from the answer field `name`, boxed as [`Reconciled::Found`] holds it.
    pub fn new(name: &'static str, value: impl Into<String>) -> Box<TransactionId> {
        Box::new(TransactionId { name, value: value.into() })
    }
}

/// What the operation's lookup said about a call whose answer was lost.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reconciled {
    /// The lookup found it: the call (or an earlier one with the same key) reached the gateway.
    Found {
        /// The state code the lookup reported.
        state: String,
        /// The state's label from the gateway's code table, when the code is known.
        state_label: Option<&'static str>,
        /// The gateway's id of the transaction, when the lookup sent one (boxed: it keeps [`ClientError`] small).
        ///
        /// [`ClientError`]: crate::ClientError
        transaction: Option<Box<TransactionId>>,
    },
    /// The lookup found nothing for the key **at the time of the lookup**. It cannot rule out that the lost request
    /// is still in progress at the gateway and takes effect after the lookup, and a gateway may answer "nothing" for
    /// a lookup it could not attribute (a wrong merchant code). Look it up again later before sending the call again
    /// under a new key.
    NotFound,
    /// The lookup failed too, or its answer said neither: the state is unknown; look it up again before sending
    /// anything.
    Unknown {
        /// Why the state is unknown.
        reason: String,
    },
}

impl fmt::Display for Reconciled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reconciled::Found { state, state_label, transaction } => {
                write!(f, "found: state {state}")?;
                if let Some(label) = state_label {
                    write!(f, " ({label})")?;
                }
                match transaction {
                    Some(id) => write!(f, ", {} {}", id.name, id.value),
                    None => f.write_str(", no transaction id"),
                }
            }
            Reconciled::NotFound => f.write_str("unknown, not found"),
            Reconciled::Unknown { reason } => write!(f, "unknown, the lookup failed: {reason}"),
        }
    }
}

/// The lookup to send after a call's answer was lost.
#[derive(Debug)]
pub(crate) struct Plan<'v> {
    /// The spec's lookup.
    pub(crate) lookup: &'static Lookup,
    /// The key's value in the call.
    pub(crate) value: &'v str,
    /// The lookup request, or why none can be built (the gateway lacks the `via` operation or one of its fields).
    pub(crate) request: Result<DynamicRequest<'v>, String>,
}

/// The non-empty value of the field `name` of a request of `operation` whose values are `values`.
pub(crate) fn field<'v>(operation: &OperationSpec, values: &[Option<&'v str>], name: &str) -> Option<&'v str> {
    let index = operation.field_index(name)?;
    values.get(index).copied().flatten().filter(|value| !value.is_empty())
}

/// The lookup of a call of `operation` with `values`: the operation's [`Lookup`] through the operation of
/// `operations` it names, with the key and the copied parameters taken from the call. `None` when the operation has
/// no lookup or the call has no value for its key (nothing to look up by).
pub(crate) fn plan<'v>(
    operations: &[&'static OperationSpec],
    operation: &'static OperationSpec,
    values: &[Option<&'v str>],
) -> Option<Plan<'v>> {
    let lookup = operation.lookup.as_ref()?;
    let value = field(operation, values, lookup.key)?;
    let request = match operations.iter().find(|op| op.name == lookup.operation) {
        None => Err(format!("the gateway has no operation {} to look the call up with", lookup.operation)),
        Some(via) => {
            let mut request = DynamicRequest::new(via);
            let copied = lookup.fields().filter_map(|name| Some((name, field(operation, values, name)?)));
            let missing: Vec<_> = copied.filter(|(name, value)| !request.set(name, value)).map(|(n, _)| n).collect();
            if missing.is_empty() {
                Ok(request)
            } else {
                Err(format!("{} has no parameter {}", via.name, missing.join(", ")))
            }
        }
    };
    Some(Plan { lookup, value, request })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use japay_core::charset::TextPolicy;
    use japay_core::spec::{Effect, FieldSpec, GatewaySpec, Marker, ValueKind};

    static G: GatewaySpec = GatewaySpec::new("g", "a gateway", TextPolicy::new());
    static FIELDS: &[FieldSpec] = &[
        FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required),
        FieldSpec::new("order_id", ValueKind::Text).with_marker(Marker::Optional),
        FieldSpec::new("amount", ValueKind::Text).with_marker(Marker::Required),
    ];
    static LOOKUP_FIELDS: &[FieldSpec] = &[
        FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required),
        FieldSpec::new("order_id", ValueKind::Text).with_marker(Marker::Required),
    ];
    static PAY: OperationSpec = OperationSpec::new("pay", &G, "pay")
        .with_fields(FIELDS)
        .with_effect(Effect::Creates)
        .with_lookup(Lookup::new("find", "order_id", &["shop"]));
    static LOST: OperationSpec = OperationSpec::new("lost", &G, "lost").with_fields(FIELDS).with_lookup(Lookup::new(
        "nowhere",
        "order_id",
        &["shop"],
    ));
    static WIDE: OperationSpec = OperationSpec::new("wide", &G, "wide").with_fields(FIELDS).with_lookup(Lookup::new(
        "find",
        "order_id",
        &["shop", "amount"],
    ));
    static FIND: OperationSpec =
        OperationSpec::new("find", &G, "find").with_fields(LOOKUP_FIELDS).with_effect(Effect::Reads);
    static ALL: &[&OperationSpec] = &[&PAY, &LOST, &WIDE, &FIND];

    #[test]
    fn the_lookup_copies_the_key_and_the_copied_fields_into_the_via_operation() {
        let values = [Some("S1"), Some("A7"), Some("100")];
        let plan = plan(ALL, &PAY, &values).unwrap();
        assert_eq!((plan.lookup.operation, plan.value), ("find", "A7"));
        let request = plan.request.unwrap();
        assert_eq!(request.spec().name, "find");
        assert_eq!(request.values(), [Some("S1"), Some("A7")]);
    }

    #[test]
    fn no_key_no_lookup_and_a_missing_operation_or_field_is_said() {
        assert!(plan(ALL, &PAY, &[Some("S1"), None, Some("1")]).is_none(), "no key");
        assert!(plan(ALL, &PAY, &[Some("S1"), Some(""), Some("1")]).is_none(), "an empty key");
        assert!(plan(ALL, &FIND, &[Some("S1"), Some("A7")]).is_none(), "no lookup");
        let lost = plan(ALL, &LOST, &[Some("S1"), Some("A7"), Some("1")]).unwrap();
        assert!(lost.request.unwrap_err().contains("no operation nowhere"));
        let wide = plan(ALL, &WIDE, &[Some("S1"), Some("A7"), Some("1")]).unwrap();
        assert_eq!(wide.request.unwrap_err(), "find has no parameter amount");
    }

    #[test]
    fn reconciled_says_what_was_found() {
        let found = Reconciled::Found {
            state: "1".into(),
            state_label: Some("charged"),
            transaction: Some(TransactionId::new("tx", "99")),
        };
        assert_eq!(found.to_string(), "found: state 1 (charged), tx 99");
        assert_eq!(Reconciled::NotFound.to_string(), "unknown, not found");
        assert_eq!(Reconciled::Unknown { reason: "x".into() }.to_string(), "unknown, the lookup failed: x");
    }
}
