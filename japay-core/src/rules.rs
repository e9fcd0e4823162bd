//! The cross-field rules of a request: when a △ field is required ([`ConditionTest`]) and "exactly one of"
//! ([`OneOf`]). Field groups need no rule of their own: the spec compiler gives every member the group's condition.
//! And the per-field [`FieldCheck`]s ([`check_field`]): lower byte bound, smallest value, prefix, date format,
//! refused character classes, a second byte limit in another charset.
//!
//! Called by [`crate::request`] during validation; this module never uses it (it owns [`value_at`], and takes the
//! normalize flag rather than the request's options). Like every check, these never look at more than whether a
//! value is present, its exact value (for [`ConditionTest::Equals`]) or its bits, and their violations never carry
//! values.

use crate::charset::{Charset, TextPolicy};
use crate::report::{Report, ViolationKind};
use crate::spec::{ConditionTest, FieldCheck, FieldSpec, OneOf, OperationSpec, ValueKind};

/// The non-empty value of field `i` (an absent or empty value is no value).
pub(crate) fn value_at<'v>(values: &[Option<&'v str>], i: usize) -> Option<&'v str> {
    values.get(i).copied().flatten().filter(|v| !v.is_empty())
}

/// Whether `test` holds for the request laid out as `values[i]` ↔ `spec.fields[i]`.
///
/// A [`ConditionTest::BitSet`] on a value that is not a valid bitmap does not hold (that value has its own
/// `pattern` violation, so the request fails anyway).
#[inline]
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
        ConditionTest::EqualsAny { field, values: any } => value_at(values, field).is_some_and(|v| any.contains(&v)),
        // not checkable from the request: the field is optional, the description documents the condition
        ConditionTest::External => false,
    }
}

/// The first violation of the [`FieldCheck`]s of `field` by a non-empty `value` that passed its kind, charset,
/// allowed-value and byte-limit checks.
/// `bytes` is the value's length in `limit_charset` (the charset its byte limit counts), as the caller measured it.
///
/// * [`FieldCheck::MinBytes`]: `min_bytes` when `bytes` is below the bound;
/// * [`FieldCheck::MaxChars`]: `max_chars` when the value has more characters;
/// * [`FieldCheck::MaxBytesIn`]: `max_bytes` (naming that charset) when the value, with the policy's look-alikes
///   mapped when `normalize` (the request's normalize option), is longer there. A character that charset cannot encode counts nothing here: whether it
///   may be sent at all is the charset rule's business (the gateway's storage charset, `charset` violations);
/// * [`FieldCheck::MinValue`]: `min_value` when the decimal value is smaller (or is not a decimal number);
/// * [`FieldCheck::StartsWith`], [`FieldCheck::Format`]: `pattern` without a character;
/// * [`FieldCheck::Forbid`]: `pattern` naming the first refused character (not for a secret field) and its
///   position;
/// * [`FieldCheck::BitsRequired`], [`FieldCheck::BitsAllowed`]: `bits` when a position of the mask is not set, or
///   one outside the mask is (on a field whose kind is not a bitmap, or a value that is not one, they never fire:
///   the kind's own check decides).
///
/// With `local_sandbox` (the request's [`Options::local_sandbox`](crate::Options#structfield.local_sandbox)), a
/// `StartsWith { prefix: "https://" }` also takes `http://` to a loopback host (see `crate::loopback`).
pub(crate) fn check_field(
    field: &FieldSpec,
    value: &str,
    bytes: usize,
    limit_charset: Charset,
    (normalize, local_sandbox): (bool, bool),
    policy: &TextPolicy,
) -> Option<ViolationKind> {
    field
        .checks
        .iter()
        .find_map(|check| violation(check, field, value, bytes, limit_charset, (normalize, local_sandbox), policy))
}

fn violation(
    check: &FieldCheck,
    field: &FieldSpec,
    value: &str,
    bytes: usize,
    limit_charset: Charset,
    (normalize, local_sandbox): (bool, bool),
    policy: &TextPolicy,
) -> Option<ViolationKind> {
    let (secret, field_kind) = (field.secret, field.kind);
    match *check {
        FieldCheck::MinBytes(limit) => {
            (bytes < limit).then_some(ViolationKind::MinBytes { charset: limit_charset, actual: bytes, limit })
        }
        FieldCheck::MaxBytesIn { charset, limit } => {
            let actual: usize = value
                .chars()
                .map(|c| if normalize { policy.normalized(c).unwrap_or(c) } else { c })
                .filter_map(|c| policy.encode_char(c, charset))
                .map(|b| b.len())
                .sum();
            (actual > limit).then_some(ViolationKind::MaxBytes { charset, actual, limit })
        }
        FieldCheck::MaxChars(limit) => {
            let actual = value.chars().count();
            (actual > limit).then_some(ViolationKind::MaxChars { actual, limit })
        }
        FieldCheck::MinValue(min) => (!at_least(value, min)).then_some(ViolationKind::MinValue { min }),
        FieldCheck::StartsWith { prefix, expected } => {
            let sandbox = local_sandbox && prefix == "https://" && crate::loopback::is_loopback_http(value);
            (!value.starts_with(prefix) && !sandbox).then_some(ViolationKind::Pattern {
                expected,
                ch: None,
                char_index: 0,
            })
        }
        FieldCheck::Format(format) => (!format.matches(value)).then_some(ViolationKind::Pattern {
            expected: format.expected(),
            ch: None,
            char_index: 0,
        }),
        FieldCheck::Forbid(class) => {
            value.chars().enumerate().find(|(_, c)| class.contains(*c)).map(|(char_index, c)| ViolationKind::Pattern {
                expected: class.expected(),
                ch: (!secret).then_some(c),
                char_index,
            })
        }
        FieldCheck::BitsRequired { mask, expected } => {
            bits(field_kind, value).filter(|b| b & mask != mask).map(|_| ViolationKind::Bits { expected })
        }
        FieldCheck::BitsAllowed { mask, expected } => {
            bits(field_kind, value).filter(|b| b & !mask != 0).map(|_| ViolationKind::Bits { expected })
        }
        // it looks at another field: the walk runs it (`check_digit`)
        FieldCheck::CheckDigit(_) => None,
    }
}

/// The first [`FieldCheck::CheckDigit`] of `field` whose condition holds (another field of the request laid out as
/// `values[i]` ↔ `spec.fields[i]` has exactly its value) and that `value` breaks: a `pattern` violation with the
/// rule's description, without a character. Called by the walk for a value that passed every other check.
pub(crate) fn check_digit(
    spec: &OperationSpec,
    field: &FieldSpec,
    value: &str,
    values: &[Option<&str>],
) -> Option<ViolationKind> {
    field.checks.iter().find_map(|check| match check {
        FieldCheck::CheckDigit(rule) => {
            let applies = rule.when.is_none_or(|w| applied_value(spec, values, w.field) == Some(w.value));
            (applies && !rule.matches(value)).then_some(ViolationKind::Pattern {
                expected: rule.expected,
                ch: None,
                char_index: 0,
            })
        }
        _ => None,
    })
}

/// The value field `i` is sent with: the caller's non-empty value, else its fixed value.
fn applied_value<'v>(spec: &OperationSpec, values: &[Option<&'v str>], i: usize) -> Option<&'v str> {
    value_at(values, i).or_else(|| spec.fields.get(i).and_then(|f| f.fixed))
}

/// The positions set in `value` when `kind` is a bitmap and `value` a valid one of it.
fn bits(kind: ValueKind, value: &str) -> Option<u64> {
    match kind {
        ValueKind::Bitmap(bitmap) => bitmap.parse(value).map(|(bits, _)| bits),
        _ => None,
    }
}

/// Whether `value` is a decimal number (ASCII digits, any length) of at least `min`.
fn at_least(value: &str, min: u64) -> bool {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits = value.trim_start_matches('0');
    if digits.len() > 20 {
        return true; // more digits than u64::MAX has: larger than any bound
    }
    let n = digits.bytes().fold(0u128, |n, b| n * 10 + u128::from(b - b'0'));
    n >= u128::from(min)
}

/// Checks every "exactly one of" rule of `spec` whose condition holds (or that has none) and adds its violations
/// to `report`: one `one_of` violation when no alternative or more than one is given, and a `required` violation
/// for each missing field of the one given.
pub(crate) fn check_one_of(spec: &OperationSpec, values: &[Option<&str>], report: &mut Report) {
    for rule in spec.one_of {
        if rule.condition.is_none_or(|c| holds(&c.test, spec, values)) {
            check_rule(rule, spec, values, report);
        }
    }
}

/// Whether `field` must be absent given the other values ([`FieldSpec::forbidden`]).
pub(crate) fn is_forbidden(spec: &OperationSpec, field: &FieldSpec, values: &[Option<&str>]) -> bool {
    field.forbidden.as_ref().is_some_and(|c| holds(&c.test, spec, values))
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
