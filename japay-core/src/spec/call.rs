//! What a call does and how it is found: the facts a runtime needs about an operation beyond its fields. The
//! [`Effect`] decides the retry policy (a read may be sent again, nothing else may), the [`Lookup`] says how a lost
//! answer is reconciled, and the [`Route`] says how a gateway tells operations that share one path apart.
//!
//! ```
//! use japay_core::charset::TextPolicy;
//! use japay_core::spec::{self, Effect, GatewaySpec, OperationSpec, Route};
//!
//! static G: GatewaySpec = GatewaySpec::new("g", "a gateway", TextPolicy::new());
//! static ORDER: OperationSpec = OperationSpec::new("order", &G, "order.cgi")
//!     .with_effect(Effect::Creates)
//!     .with_route(Route::new("process_code", "1"));
//! static CHANGE: OperationSpec =
//!     OperationSpec::new("change", &G, "order.cgi").with_route(Route::new("process_code", "4"));
//! static PAY: OperationSpec = OperationSpec::new("pay", &G, "pay.cgi");
//! static ALL: &[&OperationSpec] = &[&ORDER, &CHANGE, &PAY];
//!
//! let form = |name: &str| (name == "process_code").then_some("4");
//! assert_eq!(spec::route(ALL, "order.cgi", form).map(|op| op.name), Some("change"));
//! assert_eq!(spec::route(ALL, "pay.cgi", form).map(|op| op.name), Some("pay"));
//! assert!(spec::route(ALL, "order.cgi", |_| Some("7")).is_none()); // no operation takes process_code 7
//! ```

use super::{Direction, OperationSpec};

/// What a call does to the gateway's state, which decides whether it may be sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Effect {
    /// It creates an order (or a payment): never sent twice. A lost answer is reconciled with the operation's
    /// [`Lookup`].
    Creates,
    /// It changes existing state (capture, void, amount, a stored card): never sent twice either.
    Changes,
    /// It only reads: sending it again is harmless, so a runtime may retry it.
    Reads,
}

impl Effect {
    /// The spec word (`creates`, `changes`, `reads`).
    pub const fn word(self) -> &'static str {
        match self {
            Effect::Creates => "creates",
            Effect::Changes => "changes",
            Effect::Reads => "reads",
        }
    }

    /// Whether a call with this effect may be sent again after a failure: only a read.
    pub const fn retryable(self) -> bool {
        matches!(self, Effect::Reads)
    }
}

/// How a call whose answer was lost is reconciled: the read operation to ask, and which of the call's parameters
/// to copy into it (by wire name; the first is the key the lookup is about).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lookup {
    /// The read operation's name (an order lookup).
    pub operation: &'static str,
    /// The parameter the lookup is keyed by (an order id), present in both requests.
    pub key: &'static str,
    /// Further parameters copied from the call into the lookup (the merchant code).
    pub copy: &'static [&'static str],
}

impl Lookup {
    /// A lookup through `operation` keyed by `key`, copying `copy` as well.
    pub const fn new(operation: &'static str, key: &'static str, copy: &'static [&'static str]) -> Lookup {
        Lookup { operation, key, copy }
    }

    /// The parameters copied into the lookup, the key first.
    pub fn fields(&self) -> impl Iterator<Item = &'static str> + use<> {
        core::iter::once(self.key).chain(self.copy.iter().copied())
    }
}

/// How a gateway picks this operation among those sharing its path: the value of one parameter
/// (a `mode=1` parameter on a shared `order.cgi`). An operation without a route is the one its path leads to when no
/// other operation's route matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Route {
    /// The parameter's wire name.
    pub field: &'static str,
    /// The value that selects this operation.
    pub equals: &'static str,
}

impl Route {
    /// The route `field` = `equals`.
    pub const fn new(field: &'static str, equals: &'static str) -> Route {
        Route { field, equals }
    }
}

/// The outgoing operation of `operations` that a request to `path` with these parameters is (`param` gives a
/// parameter's value by wire name): the one whose [`Route`] matches, else the one on that path without a route.
/// `None` when no operation matches (a path the gateway does not serve, or a discriminating value no operation
/// takes). `path` may carry leading segments (`/cgi-bin/order.cgi`): only its last segment counts,
/// unless an operation's path is the whole of it. Linear in the number of operations.
pub fn route<'p>(
    operations: &[&'static OperationSpec],
    path: &str,
    param: impl Fn(&str) -> Option<&'p str>,
) -> Option<&'static OperationSpec> {
    let last = path.rsplit('/').next().unwrap_or(path);
    let on_path =
        |op: &&&'static OperationSpec| op.direction == Direction::Outgoing && (op.path == path || op.path == last);
    let mut fallback = None;
    for op in operations.iter().filter(on_path) {
        match op.route {
            Some(r) if param(r.field) == Some(r.equals) => return Some(op),
            Some(_) => {}
            None => fallback = fallback.or(Some(*op)),
        }
    }
    fallback
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::charset::TextPolicy;
    use crate::spec::GatewaySpec;

    static G: GatewaySpec = GatewaySpec::new("g", "a gateway", TextPolicy::new());
    static ONE: OperationSpec = OperationSpec::new("one", &G, "o.cgi").with_route(Route::new("k", "1"));
    static TWO: OperationSpec = OperationSpec::new("two", &G, "o.cgi").with_route(Route::new("k", "2"));
    static CARD: OperationSpec = OperationSpec::new("card", &G, "c.cgi");
    static CARD3: OperationSpec = OperationSpec::new("card3", &G, "c.cgi").with_route(Route::new("tds", "2"));
    static NOTE: OperationSpec =
        OperationSpec::new("note", &G, "n.cgi").with_direction(crate::spec::Direction::Incoming);
    static ALL: &[&OperationSpec] = &[&ONE, &TWO, &CARD, &CARD3, &NOTE];

    /// (path, value of `k`, value of `tds`, the operation expected)
    type Case = (&'static str, Option<&'static str>, Option<&'static str>, Option<&'static str>);

    #[test]
    fn routes_pick_by_value_then_fall_back_to_the_unrouted_operation() {
        let cases: [Case; 9] = [
            ("o.cgi", Some("1"), None, Some("one")),
            ("/cgi-bin/order/o.cgi", Some("2"), None, Some("two")),
            ("o.cgi", Some("3"), None, None),
            ("o.cgi", None, None, None),
            ("c.cgi", None, None, Some("card")),
            ("c.cgi", None, Some("1"), Some("card")),
            ("c.cgi", None, Some("2"), Some("card3")),
            ("n.cgi", None, None, None), // incoming operations are not served
            ("x.cgi", Some("1"), None, None),
        ];
        for (path, k, tds, expected) in cases {
            let param = |name: &str| match name {
                "k" => k,
                "tds" => tds,
                _ => None,
            };
            assert_eq!(route(ALL, path, param).map(|op| op.name), expected, "{path} k={k:?} tds={tds:?}");
        }
    }

    #[test]
    fn effects_retry_only_reads() {
        assert!(Effect::Reads.retryable());
        assert!(!Effect::Creates.retryable() && !Effect::Changes.retryable());
        assert_eq!(OperationSpec::new("x", &G, "x").effect, Effect::Changes, "the safe default: never retried");
        let lookup = Lookup::new("order_lookup", "order_id", &["shop_code"]);
        assert_eq!(lookup.fields().collect::<Vec<_>>(), ["order_id", "shop_code"]);
    }
}
