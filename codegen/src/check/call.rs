//! What the runtime needs to know about a call: `effect` (the retry policy), `reconcile` (how a lost answer is
//! looked up) and `route` (how the gateway tells operations on one path apart), checked in one operation and across
//! operations.

use japay_core::spec::Effect;

use crate::diagnostics::Diagnostics;
use crate::model::{Field, Lookup};
use crate::syntax::OperationFile;

/// `effect`, `reconcile` and `route`: what the runtime needs to know about a call. The checks that look at other
/// operations (the lookup's operation, routes on a shared path) are in [`check_calls`].
pub(super) fn check_call(
    d: &mut Diagnostics,
    f: &OperationFile,
    incoming: bool,
    fields: &[Field],
) -> (Option<Effect>, Option<Lookup>, Option<(String, String)>) {
    let has = |name: &str| fields.iter().any(|fl| fl.wire == name);
    let effect = match (&f.effect, incoming) {
        (Some(e), true) => {
            d.at(e.span(), "effect", "an incoming operation is not sent; it has no effect");
            None
        }
        (None, true) => None,
        (None, false) => {
            d.at(f.name.span(), "effect", "missing: give creates, changes or reads (the retry policy)");
            None
        }
        (Some(e), false) => match e.as_str() {
            "creates" => Some(Effect::Creates),
            "changes" => Some(Effect::Changes),
            "reads" => Some(Effect::Reads),
            other => {
                d.at(e.span(), "effect", format!("expected creates, changes or reads, found {other:?}"));
                None
            }
        },
    };
    let lookup = f.reconcile.as_ref().map(|r| {
        if incoming || effect == Some(Effect::Reads) {
            d.at(r.via.span(), "reconcile", "only a call that creates or changes state is reconciled");
        }
        for (i, name) in std::iter::once(&r.key).chain(&r.copy).enumerate() {
            if !has(name) {
                let p = if i == 0 { "reconcile.key".to_owned() } else { format!("reconcile.copy[{}]", i - 1) };
                d.at(name.span(), p, format!("{:?} is not a field of this operation", name.as_str()));
            }
        }
        Lookup { via: r.via.to_string(), key: r.key.to_string(), copy: r.copy.iter().map(|c| c.to_string()).collect() }
    });
    let route = f.route.as_ref().map(|r| {
        match fields.iter().find(|fl| fl.wire == r.field.as_str()) {
            None => {
                d.at(r.field.span(), "route.field", format!("{:?} is not a field of this operation", r.field.as_str()))
            }
            Some(fl) => {
                if fl.fixed.as_ref().is_some_and(|v| v != r.equals.as_str()) {
                    d.at(r.equals.span(), "route.equals", "differs from the field's fixed value");
                } else if !fl.allowed.is_empty() && !fl.allowed.iter().any(|v| v == r.equals.as_str()) {
                    d.at(r.equals.span(), "route.equals", "is not one of the field's allowed values");
                }
            }
        }
        (r.field.to_string(), r.equals.to_string())
    });
    (effect, lookup, route)
}

/// The call facts that look across operations: a `reconcile.via` names a read operation that has the key (and the
/// copied fields); operations sharing a path are told apart by routes (at most one without, no two alike).
pub(super) fn check_calls(
    d: &mut Diagnostics,
    operations: &[crate::model::Operation],
    files: &[crate::load::Loaded<crate::syntax::OperationFile>],
) {
    for (o, loaded) in operations.iter().zip(files) {
        let f = &loaded.value;
        if let (Some(lookup), Some(r)) = (&o.lookup, &f.reconcile) {
            match operations.iter().find(|v| v.name == lookup.via) {
                None => d.at(r.via.span(), "reconcile.via", format!("no operation {:?}", lookup.via)),
                Some(via) if via.effect != Some(Effect::Reads) => {
                    d.at(r.via.span(), "reconcile.via", format!("{:?} is not a read (effect: reads)", lookup.via))
                }
                Some(via) => {
                    for name in std::iter::once(&lookup.key).chain(&lookup.copy) {
                        if !via.fields.iter().any(|fl| &fl.wire == name && fl.fixed.is_none()) {
                            d.at(r.via.span(), "reconcile.via", format!("{:?} has no parameter {name:?}", lookup.via));
                        }
                    }
                }
            }
        }
        if o.incoming {
            continue;
        }
        let shared: Vec<_> = operations.iter().filter(|v| !v.incoming && v.path == o.path).collect();
        if shared.len() < 2 {
            continue;
        }
        let unrouted = shared.iter().filter(|v| v.route.is_none()).count();
        if o.route.is_none() && unrouted > 1 {
            let msg =
                format!("{} operations share {:?} without a route; give each but one a `route`", unrouted, o.path);
            d.at(f.name.span(), "route", msg);
        }
        if let (Some(route), Some(r)) = (&o.route, &f.route)
            && shared.iter().any(|v| v.name != o.name && v.route.as_ref() == Some(route))
        {
            d.at(r.field.span(), "route", format!("another operation on {:?} has the same route", o.path));
        }
    }
}
