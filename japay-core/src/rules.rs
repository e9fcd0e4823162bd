//! The cross-field rules of a request: when a △ field is required ([`ConditionTest`]) and "exactly one of"
//! ([`OneOf`]). Field groups need no rule of their own: the spec compiler gives every member the group's condition.
//!
//! Called by [`crate::request`] during validation. Like every check, these never look at more than whether a value
//! is present, its exact value (for [`ConditionTest::Equals`]) or its bits, and their violations never carry values.

use crate::report::{Report, ViolationKind};
use crate::spec::{ConditionTest, OneOf, OperationSpec, ValueKind};

/// The non-empty value of field `i`.
fn value_at<'v>(values: &[Option<&'v str>], i: usize) -> Option<&'v str> {
    values.get(i).copied().flatten().filter(|v| !v.is_empty())
}

/// Whether `test` holds for the request laid out as `values[i]` ↔ `spec.fields[i]`.
///
/// A [`ConditionTest::BitSet`] on a value that is not a valid bitmap does not hold (that value has its own
/// `pattern` violation, so the request fails anyway).
pub(crate) fn holds(test: &ConditionTest, spec: &OperationSpec, values: &[Option<&str>]) -> bool {
    match *test {
        ConditionTest::PresentAny(idx) => idx.iter().any(|&i| value_at(values, i).is_some()),
        ConditionTest::AbsentAll(idx) => idx.iter().all(|&i| value_at(values, i).is_none()),
        ConditionTest::BitSet { field, pos } => {
            let bitmap = match spec.fields.get(field).map(|f| f.kind) {
                Some(ValueKind::Bitmap(bitmap)) => bitmap,
                _ => return false,
            };
            let bits = value_at(values, field).and_then(|v| bitmap.parse(v)).map_or(0, |(bits, _)| bits);
            (1..=64).contains(&pos) && bits & (1u64 << (pos - 1)) != 0
        }
        ConditionTest::Equals { field, value } => value_at(values, field) == Some(value),
    }
}

/// Checks every "exactly one of" rule of `spec` and adds its violations to `report`: one `one_of` violation when
/// no alternative or more than one is given, and a `required` violation for each missing field of the one given.
pub(crate) fn check_one_of(spec: &OperationSpec, values: &[Option<&str>], report: &mut Report) {
    for rule in spec.one_of {
        check_rule(rule, spec, values, report);
    }
}

fn check_rule(rule: &OneOf, spec: &OperationSpec, values: &[Option<&str>], report: &mut Report) {
    let given = |alt: &[usize]| alt.iter().any(|&i| value_at(values, i).is_some());
    let count = rule.alternatives.iter().filter(|alt| given(alt)).count();
    if count != 1 {
        report.push(rule.name, ViolationKind::OneOf { description: rule.description, given: count });
        return;
    }
    let Some(alt) = rule.alternatives.iter().find(|alt| given(alt)) else { return };
    for &i in alt.iter() {
        if value_at(values, i).is_none()
            && let Some(field) = spec.fields.get(i)
        {
            report.push(field.wire, ViolationKind::Required { condition: Some(rule.description) });
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
mod tests {
    use crate::charset::TextPolicy;
    use crate::request::{Options, validate};
    use crate::spec::{
        BitmapPosition, BitmapSpec, Condition, ConditionTest, FieldSpec, GatewaySpec, Marker, OneOf, OperationSpec,
        ValueKind,
    };

    static GATEWAY: GatewaySpec = GatewaySpec::new("unit", "unit test", TextPolicy::new());
    static POSITIONS: [BitmapPosition; 3] = [
        BitmapPosition::new(1, "1", "card", "カード", "card"),
        BitmapPosition::new(2, "2", "bank", "銀行", "bank"),
        BitmapPosition::new(3, "A", "store", "コンビニ", "store"),
    ];
    static METHODS: BitmapSpec = BitmapSpec::new("methods", "nn-n", &[2, 1], &POSITIONS);
    static ORDER: OperationSpec = OperationSpec::new("order", &GATEWAY, "order.cgi")
        .with_fields(&[
            FieldSpec::new("methods", ValueKind::Bitmap(&METHODS)).with_marker(Marker::Required),
            FieldSpec::new("store", ValueKind::Text)
                .with_marker(Marker::Conditional)
                .with_condition(Condition::new(ConditionTest::BitSet { field: 0, pos: 3 }, "a store payment")),
            FieldSpec::new("kind", ValueKind::Text),
            FieldSpec::new("reason", ValueKind::Text)
                .with_marker(Marker::Conditional)
                .with_condition(Condition::new(ConditionTest::Equals { field: 2, value: "61" }, "kind 61")),
            FieldSpec::new("card_number", ValueKind::Text).secret(),
            FieldSpec::new("expire", ValueKind::Text),
            FieldSpec::new("token", ValueKind::Text).secret(),
        ])
        .with_one_of(&[OneOf::new("card_or_token", &[&[4, 5], &[6]], "card data (card_number, expire) or a token")]);

    fn rules(values: &[Option<&str>]) -> Vec<(String, &'static str)> {
        match validate(&ORDER, values, Options::default()) {
            Ok(()) => Vec::new(),
            Err(report) => report.violations().iter().map(|v| (v.field.to_string(), v.kind.rule())).collect(),
        }
    }

    const TOKEN: Option<&str> = Some("tok_secret_value");

    #[test]
    fn bit_set_condition_follows_the_bit_by_position() {
        let base = [Some("00-1"), None, None, None, None, None, TOKEN];
        assert_eq!(rules(&base), [("store".to_owned(), "required")]);
        let off = [Some("11-0"), None, None, None, None, None, TOKEN];
        assert!(rules(&off).is_empty());
        // an invalid bitmap is its own violation; the condition does not hold
        let bad = [Some("1-1"), None, None, None, None, None, TOKEN];
        assert_eq!(rules(&bad), [("methods".to_owned(), "pattern")]);
    }

    #[test]
    fn equals_condition_compares_the_exact_value() {
        let v = [Some("10-0"), None, Some("61"), None, None, None, TOKEN];
        let report = validate(&ORDER, &v, Options::default()).unwrap_err();
        assert_eq!(report.to_string(), "reason: required for kind 61");
        let other = [Some("10-0"), None, Some("610"), None, None, None, TOKEN];
        assert!(rules(&other).is_empty());
    }

    #[test]
    fn one_of_needs_exactly_one_complete_alternative() {
        let none = [Some("10-0"), None, None, None, None, None, None];
        let report = validate(&ORDER, &none, Options::default()).unwrap_err();
        assert_eq!(
            report.to_string(),
            "card_or_token: expected exactly one of card data (card_number, expire) or a token, found 0"
        );
        let both = [Some("10-0"), None, None, None, Some("4242424242424242"), Some("2912"), TOKEN];
        let report = validate(&ORDER, &both, Options::default()).unwrap_err();
        assert_eq!(report.violations()[0].kind.rule(), "one_of");
        let text = format!("{report} {report:?}");
        assert!(!text.contains("4242") && !text.contains("tok_secret"), "values never reach violations: {text}");
        let partial = [Some("10-0"), None, None, None, Some("4242424242424242"), None, None];
        assert_eq!(rules(&partial), [("expire".to_owned(), "required")]);
        let card = [Some("10-0"), None, None, None, Some("4242424242424242"), Some("2912"), None];
        assert!(rules(&card).is_empty());
    }
}
