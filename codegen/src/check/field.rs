//! Fields: checking marker, kind, limit, values and condition of a field resolved by [`super::resolve`].

use std::collections::BTreeSet;

use japay_core::charset::Charset;
use japay_core::spec::{CharClass, DateFormat, Marker, kind_names};
use marked_yaml::{Span, Spanned};

use super::Known;
pub(crate) use super::resolve::Resolved;
use crate::diagnostics::Diagnostics;
use crate::model::{
    AsciiKind, Check, CheckDigitRow, ComputedInput, Condition, ConditionTest, Field, Kind, Limit, Provenance,
};
use crate::syntax::{Text, WhenSyntax};

/// Parses an ASCII set such as `A-Za-z0-9.-+/@` into a mask. A `-` first, last or right after a range is literal.
pub(crate) fn ascii_mask(spec: &str) -> Result<u128, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut mask = 0u128;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !c.is_ascii() || c.is_ascii_control() {
            return Err(format!("{c:?} is not a printable ASCII character"));
        }
        match (chars.get(i + 1), chars.get(i + 2)) {
            (Some('-'), Some(&end)) => {
                if !end.is_ascii() || end < c {
                    return Err(format!("range {c}-{end} is empty or not ASCII"));
                }
                for x in c..=end {
                    mask |= 1u128 << (x as u32);
                }
                i += 3;
            }
            _ => {
                mask |= 1u128 << (c as u32);
                i += 1;
            }
        }
    }
    if mask == 0 {
        return Err("empty set".into());
    }
    Ok(mask)
}

fn ascii_kind(kind: &'static str, set: &str) -> Kind {
    Kind::Ascii(AsciiKind { kind, set: set.to_owned(), mask: ascii_mask(set).unwrap_or(0) })
}

/// Checks a resolved kind (with its `ascii`, `table` or `bitmap`).
pub(crate) fn check_kind(d: &mut Diagnostics, p: &str, r: &Resolved<'_>, known: &Known<'_>) -> Kind {
    let Some(kind) = r.kind else {
        d.at(&r.span, format!("{p}.kind"), "missing");
        return Kind::Text;
    };
    let kind_span = kind.span();
    let word = kind.as_str();
    let result = match word {
        kind_names::DIGITS => ascii_kind(kind_names::DIGITS, "0-9"),
        kind_names::ALNUM => ascii_kind(kind_names::ALNUM, "A-Za-z0-9"),
        kind_names::ASCII => match r.ascii {
            Some(set) => match ascii_mask(set) {
                Ok(mask) => Kind::Ascii(AsciiKind { kind: kind_names::ASCII, set: set.to_string(), mask }),
                Err(e) => {
                    d.at(set.span(), format!("{p}.ascii"), e);
                    Kind::Text
                }
            },
            None => {
                d.at(kind_span, format!("{p}.ascii"), "kind ascii needs the `ascii` set");
                Kind::Text
            }
        },
        kind_names::TEXT => Kind::Text,
        kind_names::HALFWIDTH_KANA => Kind::HalfwidthKana,
        kind_names::FULLWIDTH_KANA => Kind::FullwidthKana,
        kind_names::BITMAP => match r.bitmap {
            Some(b) if known.bitmaps.contains_key(b.as_str()) => Kind::Bitmap(b.to_string()),
            Some(b) => {
                d.at(b.span(), format!("{p}.bitmap"), format!("no bitmap {:?} in bitmaps/", b.as_str()));
                Kind::Text
            }
            None => {
                d.at(kind_span, format!("{p}.bitmap"), "kind bitmap needs `bitmap`");
                Kind::Text
            }
        },
        kind_names::CODE => match r.table {
            Some(t) if known.tables.contains_key(t.as_str()) => Kind::Code(t.to_string()),
            Some(t) => {
                d.at(t.span(), format!("{p}.table"), format!("no code table {:?} in codes/", t.as_str()));
                Kind::Text
            }
            None => {
                d.at(kind_span, format!("{p}.table"), "kind code needs `table`");
                Kind::Text
            }
        },
        other => {
            d.at(
                kind_span,
                format!("{p}.kind"),
                format!("expected one of {}; found {other:?}", kind_names::ALL.join(", ")),
            );
            Kind::Text
        }
    };
    for (key, value, wanted) in [
        ("ascii", r.ascii, kind_names::ASCII),
        ("table", r.table, kind_names::CODE),
        ("bitmap", r.bitmap, kind_names::BITMAP),
    ] {
        if value.is_some() && word != wanted {
            d.at(kind_span, format!("{p}.{key}"), format!("`{key}` goes with kind {wanted} only"));
        }
    }
    result
}

/// Checks one resolved field. `fields` are all resolved fields of the operation (for conditions).
pub(crate) fn check_field(
    d: &mut Diagnostics,
    p: &str,
    index: usize,
    r: &Resolved<'_>,
    fields: &[Resolved<'_>],
    known: &Known<'_>,
) -> Field {
    let wire = r.wire_name().to_owned();
    if r.unresolved {
        return Field {
            rust_name: crate::names::snake(&wire),
            wire,
            label_ja: String::new(),
            item: None,
            meaning: String::new(),
            marker: Marker::Optional,
            condition: None,
            forbidden: None,
            kind: Kind::Text,
            limit: None,
            checks: Vec::new(),
            fixed: None,
            computed: None,
            allowed: Vec::new(),
            secret: false,
            provenance: Provenance::default(),
            param: None,
            block: None,
        };
    }
    if let Some(w) = r.wire
        && !crate::names::is_wire_name(w)
    {
        d.at(w.span(), format!("{p}.wire"), "expected an ASCII parameter name");
    }
    let marker = match r.required {
        Some(m) => Marker::from_symbol(m).unwrap_or_else(|| {
            let all: Vec<&str> = Marker::ALL.iter().map(|m| m.symbol()).collect();
            d.at(
                m.span(),
                format!("{p}.required"),
                format!("expected one of {}, found {:?}", all.join(" "), m.as_str()),
            );
            Marker::Optional
        }),
        None => {
            d.at(&r.span, format!("{p}.required"), "missing");
            Marker::Optional
        }
    };
    let marker_span = r.required.map_or(r.span, |m| *m.span());
    let condition = match (r.when, marker) {
        (None, Marker::Conditional) => None, // a group may give it; checked by the operation
        (Some(_), m) if m != Marker::Conditional => {
            d.at(
                &marker_span,
                format!("{p}.when"),
                format!("`when` goes with the {} marker only", Marker::Conditional.symbol()),
            );
            None
        }
        (Some(w), _) => check_when(d, &format!("{p}.when"), Some(index), w, fields, known),
        (None, _) => None,
    };
    let kind = check_kind(d, p, r, known);
    let limit = match (r.max_bytes, r.exact_bytes) {
        (Some(_), Some(e)) => {
            d.at(e.span(), format!("{p}.exact_bytes"), "give max_bytes or exact_bytes, not both");
            None
        }
        (Some(m), None) => Some((Limit::Max(**m), m, "max_bytes")),
        (None, Some(e)) => Some((Limit::Exact(**e), e, "exact_bytes")),
        (None, None) => None,
    }
    .map(|(limit, n, key)| {
        if **n == 0 {
            d.at(n.span(), format!("{p}.{key}"), "must be at least 1");
        }
        limit
    });
    let mut checks = check_checks(d, p, r, &kind, limit);
    checks.extend(check_bits(d, p, r, &kind, known));
    checks.extend(check_check_digit(d, p, index, r, &kind, fields, known));
    let forbidden = r.forbidden_when.and_then(|w| {
        let path = format!("{p}.forbidden_when");
        if marker.always_required() || r.fixed.is_some() {
            d.at(w.span(), &path, "a required or fixed field cannot be forbidden");
        }
        let c = check_when(d, &path, Some(index), w, fields, known)?;
        if matches!(c.test, ConditionTest::External) {
            d.at(w.span(), &path, "a forbidding condition must be checkable");
            return None;
        }
        Some(c)
    });
    let kind_word = r.kind.map_or("", |k| k.as_str());
    let fixed = r.fixed.map(|v| {
        if v.is_empty() || !kind_allows(&kind, v, known) {
            d.at(v.span(), format!("{p}.fixed"), format!("{:?} is not a value of kind {kind_word}", v.as_str()));
        }
        v.to_string()
    });
    let mut allowed: Vec<String> = Vec::new();
    if let Some(list) = r.allowed {
        if fixed.is_some() {
            d.at(list.span(), format!("{p}.allowed"), "a fixed field has no `allowed` list");
        }
        if list.is_empty() {
            d.at(list.span(), format!("{p}.allowed"), "the list is empty");
        }
        for (j, v) in list.iter().enumerate() {
            if v.is_empty() || !kind_allows(&kind, v, known) {
                d.at(
                    v.span(),
                    format!("{p}.allowed[{j}]"),
                    format!("{:?} is not a value of kind {kind_word}", v.as_str()),
                );
            }
            allowed.push(v.to_string());
        }
    }
    if let Some(f) = &fixed {
        allowed = vec![f.clone()];
    } else if allowed.is_empty()
        && let Kind::Code(t) = &kind
    {
        allowed = known
            .tables
            .get(t.as_str())
            .map(|codes| codes.iter().filter(|c| !c.is_empty()).cloned().collect())
            .unwrap_or_default();
    }
    if let Some(limit) = limit {
        for v in &allowed {
            let len = v.len() as u64; // allowed values are ASCII by kind
            let breaks = match limit {
                Limit::Max(n) => len > n,
                Limit::Exact(n) => len != n,
            };
            if breaks {
                d.at(&r.span, p, format!("allowed value {v:?} breaks the field's own byte limit"));
            }
        }
    }
    let item = r.item.and_then(|n| match u8::try_from(**n) {
        Ok(n) if (1..=99).contains(&n) => Some(n),
        _ => {
            d.at(n.span(), format!("{p}.item"), format!("expected an item number from 1 to 99, found {}", **n));
            None
        }
    });
    let computed = r.computed.map(|c| check_computed(d, p, index, c, r, (marker, &kind, limit), fields, known));
    let text = |d: &mut Diagnostics, v: Option<&Text>, key: &str| d.need(&v.cloned(), &r.span, &format!("{p}.{key}"));
    Field {
        rust_name: crate::names::snake(&wire),
        wire,
        label_ja: text(d, r.label_ja, "label_ja"),
        item,
        meaning: text(d, r.meaning, "meaning"),
        marker,
        condition,
        forbidden,
        kind,
        limit,
        checks,
        fixed,
        computed,
        allowed,
        secret: r.secret.is_some_and(|s| **s),
        provenance: Provenance {
            source: text(d, r.source, "source"),
            uncertain: d.opt(&r.uncertain.cloned(), &format!("{p}.uncertain")),
        },
        param: None,
        block: None,
    }
}

/// `computed: {sha256_hex: [...]}`: each input a field of the operation (by wire name, not the field itself) or
/// `$name`, a credential of the gateway; the field has no `fixed` or `allowed`, its marker is ○ (always sent) or △
/// (sent while its condition holds), and its kind and limit take a lowercase hex SHA-256 (64 characters).
#[allow(clippy::too_many_arguments)] // the field's parts, checked together
fn check_computed(
    d: &mut Diagnostics,
    p: &str,
    index: usize,
    c: &Spanned<crate::syntax::ComputedSyntax>,
    r: &Resolved<'_>,
    (marker, kind, limit): (Marker, &Kind, Option<Limit>),
    fields: &[Resolved<'_>],
    known: &Known<'_>,
) -> Vec<ComputedInput> {
    let path = format!("{p}.computed");
    if c.sha256_hex.is_empty() {
        d.at(c.span(), format!("{path}.sha256_hex"), "the list of inputs is empty");
    }
    if r.fixed.is_some() || r.allowed.is_some() {
        d.at(c.span(), &path, "a computed field has no `fixed` or `allowed` (the encoder computes its value)");
    }
    if !matches!(marker, Marker::Required | Marker::Conditional) {
        let msg = format!(
            "a computed field has the {} marker (always sent) or {} with `when` (sent while it holds)",
            Marker::Required.symbol(),
            Marker::Conditional.symbol()
        );
        d.at(c.span(), &path, msg);
    }
    let sha_fits_limit = match limit {
        Some(Limit::Exact(n)) => n == 64,
        Some(Limit::Max(n)) => n >= 64,
        None => true,
    };
    if !kind_allows_text(kind, "0123456789abcdef") || !sha_fits_limit {
        d.at(c.span(), &path, "the field's kind and limit must take 64 lowercase hexadecimal characters");
    }
    let mut inputs = Vec::new();
    for (j, name) in c.sha256_hex.iter().enumerate() {
        let q = format!("{path}.sha256_hex[{j}]");
        if let Some(credential) = name.strip_prefix('$') {
            if known.credentials.iter().any(|k| k == credential) {
                inputs.push(ComputedInput::Credential(credential.to_owned()));
            } else {
                d.at(name.span(), q, format!("no credential {credential:?} in gateway.yaml `credentials`"));
            }
            continue;
        }
        match fields.iter().position(|f| f.wire_name() == name.as_str()) {
            Some(k) if k == index => d.at(name.span(), q, "a computed field cannot be its own input"),
            Some(k) if fields.get(k).is_some_and(|f| f.computed.is_some()) => {
                d.at(name.span(), q, format!("{:?} is computed itself; name its inputs instead", name.as_str()))
            }
            Some(k) => inputs.push(ComputedInput::Field(k)),
            None => d.at(name.span(), q, format!("no field {:?} (write `$name` for a credential)", name.as_str())),
        }
    }
    inputs
}

/// The extra checks of a field (`min_bytes`, `max_chars`, `max_bytes_in`, `min_value`, `starts_with`, `format`, `forbid`), in
/// the order they run, each checked against the field's kind and limit.
fn check_checks(d: &mut Diagnostics, p: &str, r: &Resolved<'_>, kind: &Kind, limit: Option<Limit>) -> Vec<Check> {
    let mut checks = Vec::new();
    let is_digits = matches!(kind, Kind::Ascii(a) if a.kind == kind_names::DIGITS);
    if let Some(n) = r.min_bytes {
        match limit {
            _ if **n == 0 => d.at(n.span(), format!("{p}.min_bytes"), "must be at least 1"),
            Some(Limit::Exact(_)) => d.at(n.span(), format!("{p}.min_bytes"), "an exact_bytes field has no min_bytes"),
            Some(Limit::Max(max)) if **n > max => {
                d.at(n.span(), format!("{p}.min_bytes"), format!("larger than the field's max_bytes {max}"))
            }
            _ => checks.push(Check::MinBytes(**n)),
        }
    }
    if let Some(n) = r.max_chars {
        if **n == 0 {
            d.at(n.span(), format!("{p}.max_chars"), "must be at least 1");
        } else {
            checks.push(Check::MaxChars(**n));
        }
    }
    if let Some(map) = r.max_bytes_in {
        if map.is_empty() {
            d.at(map.span(), format!("{p}.max_bytes_in"), "give {charset: limit}");
        }
        for (label, &n) in map.iter() {
            let path = format!("{p}.max_bytes_in.{label}");
            match Charset::ALL.into_iter().find(|c| c.label() == label) {
                None => {
                    let labels: Vec<&str> = Charset::ALL.iter().map(|c| c.label()).collect();
                    d.at(map.span(), path, format!("expected one of {}, found {label:?}", labels.join(", ")));
                }
                Some(_) if n == 0 => d.at(map.span(), path, "must be at least 1"),
                Some(c) => checks.push(Check::MaxBytesIn(c, n)),
            }
        }
    }
    if let Some(n) = r.min_value {
        if is_digits {
            checks.push(Check::MinValue(**n));
        } else {
            d.at(n.span(), format!("{p}.min_value"), "goes with kind digits only");
        }
    }
    if let Some(prefix) = r.starts_with {
        let path = format!("{p}.starts_with");
        if prefix.is_empty() {
            d.at(prefix.span(), path, "an empty prefix is no rule");
        } else if !kind_allows_text(kind, prefix) {
            d.at(prefix.span(), path, format!("{:?} is not a value of the field's kind", prefix.as_str()));
        } else if let Some(Limit::Max(n) | Limit::Exact(n)) = limit
            && prefix.len() as u64 > n
        {
            d.at(prefix.span(), path, "longer than the field's byte limit");
        } else {
            checks.push(Check::StartsWith(prefix.to_string()));
        }
    }
    if let Some(word) = r.format {
        let path = format!("{p}.format");
        match DateFormat::from_pattern(word) {
            None => {
                let all: Vec<&str> = DateFormat::ALL.iter().map(|f| f.pattern()).collect();
                d.at(word.span(), path, format!("expected one of {}, found {:?}", all.join(", "), word.as_str()));
            }
            Some(_) if !is_digits => d.at(word.span(), path, "goes with kind digits only"),
            Some(f) => {
                let len = f.digits() as u64;
                match limit {
                    Some(Limit::Exact(n)) if n != len => {
                        d.at(word.span(), path, format!("{} has {len} digits; exact_bytes is {n}", f.pattern()))
                    }
                    Some(Limit::Max(n)) if n < len => {
                        d.at(word.span(), path, format!("{} has {len} digits; max_bytes is {n}", f.pattern()))
                    }
                    _ => checks.push(Check::Format(f)),
                }
            }
        }
    }
    if let Some(list) = r.forbid {
        if !matches!(kind, Kind::Text) {
            d.at(list.span(), format!("{p}.forbid"), "goes with kind text only");
        }
        if list.is_empty() {
            d.at(list.span(), format!("{p}.forbid"), "the list is empty");
        }
        for (j, word) in list.iter().enumerate() {
            match CharClass::from_name(word) {
                Some(c) if checks.iter().any(|x| matches!(x, Check::Forbid(o) if *o == c)) => {
                    d.at(word.span(), format!("{p}.forbid[{j}]"), "listed twice")
                }
                Some(c) => checks.push(Check::Forbid(c)),
                None => {
                    let all: Vec<&str> = CharClass::ALL.iter().map(|c| c.name()).collect();
                    let msg = format!("expected one of {}, found {:?}", all.join(", "), word.as_str());
                    d.at(word.span(), format!("{p}.forbid[{j}]"), msg);
                }
            }
        }
    }
    checks
}

/// `bits_required` and `bits_allowed` (bitmap fields only): position labels of the field's bitmap, as masks.
fn check_bits(d: &mut Diagnostics, p: &str, r: &Resolved<'_>, kind: &Kind, known: &Known<'_>) -> Vec<Check> {
    let mut checks = Vec::new();
    for (key, list, required) in [("bits_required", r.bits_required, true), ("bits_allowed", r.bits_allowed, false)] {
        let Some(list) = list else { continue };
        let bitmap = match kind {
            Kind::Bitmap(b) => known.bitmaps.get(b.as_str()),
            _ => None,
        };
        let Some(bitmap) = bitmap else {
            d.at(list.span(), format!("{p}.{key}"), "goes with kind bitmap only");
            continue;
        };
        if list.is_empty() {
            d.at(list.span(), format!("{p}.{key}"), "the list is empty");
        }
        let mut mask = 0u64;
        let mut labels = Vec::new();
        for (j, label) in list.iter().enumerate() {
            match bitmap.position(label) {
                Some(pos) if (1..=64).contains(&pos) && mask & (1u64 << (pos - 1)) == 0 => {
                    mask |= 1u64 << (pos - 1);
                    labels.push(label.to_string());
                }
                Some(_) => d.at(label.span(), format!("{p}.{key}[{j}]"), "listed twice"),
                None => d.at(
                    label.span(),
                    format!("{p}.{key}[{j}]"),
                    format!("bitmap {} has no position labelled {:?}", bitmap.name, label.as_str()),
                ),
            }
        }
        let wire = r.wire_name();
        let expected = match (required, labels.len()) {
            (true, 1) => format!("{wire} with position {} set", labels.join("")),
            (true, _) => format!("{wire} with positions {} set", labels.join(", ")),
            (false, _) => format!("{wire} with no position set other than {}", labels.join(", ")),
        };
        checks.push(if required { Check::BitsRequired(mask, expected) } else { Check::BitsAllowed(mask, expected) });
    }
    if let (Some(Check::BitsRequired(need, _)), Some(Check::BitsAllowed(may, _))) = (checks.first(), checks.get(1))
        && need & !may != 0
        && let Some(list) = r.bits_allowed
    {
        d.at(list.span(), format!("{p}.bits_allowed"), "must contain every position of bits_required");
    }
    checks
}

/// Whether every character of `v` is allowed by an ASCII kind (any text for other kinds).
fn kind_allows_text(kind: &Kind, v: &str) -> bool {
    match kind {
        Kind::Ascii(a) => v.chars().all(|c| (c as u32) < 128 && a.mask & (1u128 << (c as u32)) != 0),
        _ => true,
    }
}

/// Whether `v` is a value of `kind` (ASCII sets, code tables and bitmaps; any text otherwise).
pub(crate) fn kind_allows(kind: &Kind, v: &str, known: &Known<'_>) -> bool {
    match kind {
        Kind::Ascii(a) => v.chars().all(|c| (c as u32) < 128 && a.mask & (1u128 << (c as u32)) != 0),
        Kind::Code(t) => known.tables.get(t.as_str()).is_some_and(|codes| codes.iter().any(|c| c == v)),
        Kind::Bitmap(b) => known.bitmaps.get(b.as_str()).is_some_and(|bm| bm.matches(v)),
        _ => true,
    }
}

/// Checks a condition. `own` is the index of the field it belongs to (a condition cannot name its own field);
/// `None` for a group's condition.
pub(crate) fn check_when(
    d: &mut Diagnostics,
    p: &str,
    own: Option<usize>,
    w: &Spanned<WhenSyntax>,
    fields: &[Resolved<'_>],
    known: &Known<'_>,
) -> Option<Condition> {
    let description = d.text(&w.description, &format!("{p}.description"));
    let index_of = |d: &mut Diagnostics, name: &Text, path: String| -> Option<usize> {
        match fields.iter().position(|f| f.wire_name() == name.as_str()) {
            Some(k) if Some(k) == own => {
                d.at(name.span(), path, "a field's condition cannot name itself");
                None
            }
            Some(k) => Some(k),
            None => {
                d.at(name.span(), path, format!("no field {:?}", name.as_str()));
                None
            }
        }
    };
    let forms = [w.present_any.is_some(), w.absent_all.is_some(), w.field.is_some(), w.external.is_some()];
    if forms.iter().filter(|f| **f).count() != 1 {
        d.at(
            w.span(),
            p,
            "give exactly one of present_any, absent_all, field (with bit, equals or equals_any), external",
        );
        return None;
    }
    if let Some(external) = &w.external {
        if !**external {
            d.at(external.span(), format!("{p}.external"), "write `external: true` or another form");
        }
        if own.is_none() {
            d.at(
                external.span(),
                format!("{p}.external"),
                "must be checkable: `external` goes with a field's `when` only",
            );
        }
        return Some(Condition { test: ConditionTest::External, description });
    }
    let list_test = |d: &mut Diagnostics, list: &Vec<Text>, key: &str| -> Vec<usize> {
        if list.is_empty() {
            d.at(w.span(), format!("{p}.{key}"), "the list of fields is empty");
        }
        let mut seen = BTreeSet::new();
        list.iter()
            .enumerate()
            .filter_map(|(j, name)| index_of(d, name, format!("{p}.{key}[{j}]")))
            .filter(|k| seen.insert(*k))
            .collect()
    };
    if let Some(list) = &w.present_any {
        return Some(Condition { test: ConditionTest::PresentAny(list_test(d, list, "present_any")), description });
    }
    if let Some(list) = &w.absent_all {
        return Some(Condition { test: ConditionTest::AbsentAll(list_test(d, list, "absent_all")), description });
    }
    let name = w.field.as_ref()?;
    let field = index_of(d, name, format!("{p}.field"))?;
    let other = fields.get(field)?;
    match (&w.bit, &w.equals, &w.equals_any) {
        (Some(bit), None, None) => {
            let bitmap = other.bitmap.filter(|_| other.kind.is_some_and(|k| k.as_str() == kind_names::BITMAP));
            let Some(bitmap) = bitmap.and_then(|b| known.bitmaps.get(b.as_str())) else {
                d.at(
                    name.span(),
                    format!("{p}.field"),
                    format!("{:?} is not a bitmap field; `bit` needs one", name.as_str()),
                );
                return None;
            };
            let Some(position) = bitmap.position(bit) else {
                d.at(
                    bit.span(),
                    format!("{p}.bit"),
                    format!("bitmap {} has no position labelled {:?}", bitmap.name, bit.as_str()),
                );
                return None;
            };
            Some(Condition { test: ConditionTest::BitSet { field, position }, description })
        }
        (None, Some(value), None) => {
            check_condition_value(d, other, known, name, value, &format!("{p}.equals"));
            Some(Condition { test: ConditionTest::Equals { field, value: value.to_string() }, description })
        }
        (None, None, Some(values)) => {
            if values.len() < 2 {
                d.at(w.span(), format!("{p}.equals_any"), "needs at least two values (one value is `equals`)");
            }
            let mut seen = BTreeSet::new();
            for (j, value) in values.iter().enumerate() {
                if !seen.insert(value.as_str()) {
                    d.at(value.span(), format!("{p}.equals_any[{j}]"), format!("{:?} is listed twice", value.as_str()));
                }
                check_condition_value(d, other, known, name, value, &format!("{p}.equals_any[{j}]"));
            }
            let values = values.iter().map(|v| v.to_string()).collect();
            Some(Condition { test: ConditionTest::EqualsAny { field, values }, description })
        }
        _ => {
            d.at(name.span(), p, "`field` needs exactly one of `bit`, `equals`, `equals_any`");
            None
        }
    }
}

/// A value a condition compares a field with must be one the field can take (its code table, fixed or allowed
/// values), and not empty.
fn check_condition_value(
    d: &mut Diagnostics,
    other: &Resolved<'_>,
    known: &Known<'_>,
    name: &Text,
    value: &Text,
    at: &str,
) {
    let table = other.table.filter(|_| other.kind.is_some_and(|k| k.as_str() == kind_names::CODE));
    let codes = table.and_then(|t| known.tables.get(t.as_str()));
    let allowed = other
        .fixed
        .map(|f| vec![f.to_string()])
        .or_else(|| other.allowed.map(|l| l.iter().map(|v| v.to_string()).collect()));
    if value.is_empty() {
        d.at(value.span(), at.to_owned(), "an empty value is no value; use absent_all");
    } else if codes.is_some_and(|c| !c.iter().any(|c| c == value.as_str()))
        || allowed.is_some_and(|a| !a.iter().any(|a| a == value.as_str()))
    {
        let msg = format!("{:?} is never a value of {:?}, so the condition never holds", value.as_str(), name.as_str());
        d.at(value.span(), at.to_owned(), msg);
    }
}

/// Where a marker error points when the field has no `required`.
pub(crate) fn marker_span(r: &Resolved<'_>) -> Span {
    r.required.map_or(r.span, |m| *m.span())
}

/// `check_digit` (an operation's field of an ASCII kind that admits digits): the rule's word, the digit count
/// (2-64) and an optional `when` in the `field` + `equals` form (the value another field must have).
fn check_check_digit(
    d: &mut Diagnostics,
    p: &str,
    index: usize,
    r: &Resolved<'_>,
    kind: &Kind,
    fields: &[Resolved<'_>],
    known: &Known<'_>,
) -> Option<Check> {
    let c = r.check_digit?;
    let path = format!("{p}.check_digit");
    let rule = japay_core::spec::CheckDigitRule::from_name(&c.rule);
    if rule.is_none() {
        let all: Vec<&str> = japay_core::spec::CheckDigitRule::ALL.iter().map(|r| r.name()).collect();
        let msg = format!("expected one of {}, found {:?}", all.join(", "), c.rule.as_str());
        d.at(c.rule.span(), format!("{path}.rule"), msg);
    }
    let digits = u8::try_from(*c.digits).ok().filter(|n| (2..=64).contains(n));
    if digits.is_none() {
        d.at(c.digits.span(), format!("{path}.digits"), "expected 2 to 64");
    }
    if !matches!(kind, Kind::Ascii(a) if a.mask & ascii_mask("0-9").unwrap_or(0) == ascii_mask("0-9").unwrap_or(0)) {
        d.at(c.span(), &path, "goes with an ascii kind that admits the digits 0-9");
    }
    let mut when = None;
    let mut words = String::new();
    if let Some(w) = &c.when {
        let wp = format!("{path}.when");
        match check_when(d, &wp, Some(index), w, fields, known) {
            Some(Condition { test: ConditionTest::Equals { field, value }, description }) => {
                words = format!(", for {description}");
                when = Some((field, value));
            }
            Some(_) => d.at(w.span(), &wp, "a check digit's condition is the `field` + `equals` form"),
            None => {}
        }
    }
    let (rule, digits) = (rule?, digits?);
    let expected = format!("{}{words}", rule.describe(digits));
    Some(Check::DigitRule(CheckDigitRow { rule, digits, when, expected }))
}
