//! The policy, from the spec alone: what is sent again, what is reconciled, how long to wait, and which parameter
//! names a call in the logs. See the crate docs for why.

use std::time::Duration;

use japay_core::spec::OperationSpec;

use crate::error::ClientError;

/// How many times a call of `operation` may be sent: `read_attempts` for a read ([`Effect::Reads`]), once for
/// anything else (a call that creates or changes, and any effect a later spec may add).
///
/// [`Effect::Reads`]: japay_core::spec::Effect::Reads
pub(crate) fn attempts(operation: &OperationSpec, read_attempts: u32) -> u32 {
    if operation.effect.retryable() { read_attempts.max(1) } else { 1 }
}

/// Whether `error`, the failure of a call of `operation`, is reconciled: the call is not a read, and its answer may
/// have been lost (no HTTP answer, or an HTTP 5xx).
pub(crate) fn reconciles(operation: &OperationSpec, error: &ClientError) -> bool {
    !operation.effect.retryable() && error.is_lost_answer()
}

/// Whether `error`, the failure of attempt `attempt` of `attempts`, is followed by another attempt.
pub(crate) fn retries(error: &ClientError, attempt: u32, attempts: u32) -> bool {
    attempt < attempts && error.is_lost_answer()
}

/// The wait after attempt `attempt` (1-based) failed: `first`, doubled after each further failure.
pub(crate) fn backoff(first: Duration, attempt: u32) -> Duration {
    first.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
}

/// The parameter a call of `operation` is named by in its span: its own lookup's key, or, for an operation that is
/// itself a lookup, the key the operations looked up through it use.
pub(crate) fn key_field(operations: &[&'static OperationSpec], operation: &OperationSpec) -> Option<&'static str> {
    operation.lookup.map(|lookup| lookup.key).or_else(|| {
        let mut lookups = operations.iter().filter_map(|op| op.lookup);
        lookups.find(|lookup| lookup.operation == operation.name).map(|lookup| lookup.key)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use japay_core::charset::TextPolicy;
    use japay_core::spec::{Effect, GatewaySpec, Lookup};

    static G: GatewaySpec = GatewaySpec::new("g", "a gateway", TextPolicy::new());
    static CREATE: OperationSpec =
        OperationSpec::new("create", &G, "c").with_effect(Effect::Creates).with_lookup(Lookup::new("read", "id", &[]));
    static CHANGE: OperationSpec = OperationSpec::new("change", &G, "u").with_effect(Effect::Changes);
    static READ: OperationSpec = OperationSpec::new("read", &G, "r").with_effect(Effect::Reads);
    static OTHER_READ: OperationSpec = OperationSpec::new("other", &G, "o").with_effect(Effect::Reads);
    static ALL: &[&OperationSpec] = &[&CREATE, &CHANGE, &READ, &OTHER_READ];

    #[test]
    fn only_reads_are_sent_again() {
        #[rustfmt::skip]
        let cases: [(&OperationSpec, u32, u32); 5] = [
            (&CREATE, 3, 1), (&CHANGE, 3, 1), (&READ, 3, 3), (&READ, 0, 1), (&OTHER_READ, 5, 5),
        ];
        for (op, configured, expected) in cases {
            assert_eq!(attempts(op, configured), expected, "{} with {configured}", op.name);
        }
    }

    #[test]
    fn backoff_doubles() {
        let first = Duration::from_millis(250);
        let waits: Vec<_> = (1..=4).map(|attempt| backoff(first, attempt).as_millis()).collect();
        assert_eq!(waits, [250, 500, 1000, 2000]);
        assert_eq!(backoff(Duration::MAX, 9), Duration::MAX);
    }

    #[test]
    fn a_call_is_named_by_its_lookup_key() {
        let keys: Vec<_> = ALL.iter().map(|op| key_field(ALL, op)).collect();
        assert_eq!(keys, [Some("id"), None, Some("id"), None]);
    }
}
