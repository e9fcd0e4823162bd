//! Resolving an operation's field entry: `use:` against the shared parameters (each key from the operation's
//! override or from the parameter), a parameter as written, and the `block` entry's rule (no other key).

use std::collections::BTreeMap;

use marked_yaml::{Span, Spanned};

use crate::diagnostics::Diagnostics;
use crate::syntax::{CheckDigitSyntax, ComputedSyntax, FieldSyntax, Text, WhenSyntax};

/// A field with `use:` resolved: each key from the operation's override or from the shared parameter.
pub(crate) struct Resolved<'s> {
    pub(crate) span: Span,
    /// `use:` named no shared parameter (already reported; the field is not checked further).
    pub(crate) unresolved: bool,
    pub(crate) wire: Option<&'s Text>,
    pub(crate) label_ja: Option<&'s Text>,
    pub(crate) item: Option<&'s Spanned<u64>>,
    pub(crate) meaning: Option<&'s Text>,
    pub(crate) required: Option<&'s Text>,
    pub(crate) when: Option<&'s Spanned<WhenSyntax>>,
    pub(crate) kind: Option<&'s Text>,
    pub(crate) ascii: Option<&'s Text>,
    pub(crate) table: Option<&'s Text>,
    pub(crate) bitmap: Option<&'s Text>,
    pub(crate) max_bytes: Option<&'s Spanned<u64>>,
    pub(crate) exact_bytes: Option<&'s Spanned<u64>>,
    pub(crate) min_bytes: Option<&'s Spanned<u64>>,
    pub(crate) max_chars: Option<&'s Spanned<u64>>,
    pub(crate) max_bytes_in: Option<&'s Spanned<BTreeMap<String, u64>>>,
    pub(crate) min_value: Option<&'s Spanned<u64>>,
    pub(crate) starts_with: Option<&'s Text>,
    pub(crate) format: Option<&'s Text>,
    pub(crate) forbid: Option<&'s Spanned<Vec<Text>>>,
    pub(crate) forbidden_when: Option<&'s Spanned<WhenSyntax>>,
    pub(crate) bits_required: Option<&'s Spanned<Vec<Text>>>,
    pub(crate) bits_allowed: Option<&'s Spanned<Vec<Text>>>,
    /// Always the entry's own (an operation's): it depends on the operation's other fields.
    pub(crate) check_digit: Option<&'s Spanned<CheckDigitSyntax>>,
    pub(crate) fixed: Option<&'s Text>,
    pub(crate) computed: Option<&'s Spanned<ComputedSyntax>>,
    pub(crate) allowed: Option<&'s Spanned<Vec<Text>>>,
    pub(crate) secret: Option<&'s Spanned<bool>>,
    pub(crate) source: Option<&'s Text>,
    pub(crate) uncertain: Option<&'s Text>,
}

impl Resolved<'_> {
    pub(crate) fn wire_name(&self) -> &str {
        self.wire.map_or("", |w| w.as_str())
    }
}

/// Whether a field entry has any key besides `block` (a block is taken whole, with no overrides).
pub(crate) fn has_keys_besides_block(f: &FieldSyntax) -> bool {
    let texts = [
        &f.wire,
        &f.uses,
        &f.label_ja,
        &f.meaning,
        &f.required,
        &f.kind,
        &f.ascii,
        &f.table,
        &f.bitmap,
        &f.starts_with,
        &f.format,
        &f.fixed,
        &f.source,
        &f.uncertain,
    ];
    let numbers = [&f.item, &f.max_bytes, &f.exact_bytes, &f.min_bytes, &f.max_chars, &f.min_value];
    let lists = [&f.forbid, &f.bits_required, &f.bits_allowed, &f.allowed];
    texts.iter().any(|t| t.is_some())
        || numbers.iter().any(|n| n.is_some())
        || lists.iter().any(|l| l.is_some())
        || f.when.is_some()
        || f.forbidden_when.is_some()
        || f.max_bytes_in.is_some()
        || f.secret.is_some()
        || f.check_digit.is_some()
        || f.computed.is_some()
}

/// A shared parameter as written in `params.yaml`, without overrides.
pub(crate) fn own(f: &Spanned<FieldSyntax>) -> Resolved<'_> {
    Resolved {
        span: *f.span(),
        unresolved: false,
        wire: f.wire.as_ref(),
        label_ja: f.label_ja.as_ref(),
        item: f.item.as_ref(),
        meaning: f.meaning.as_ref(),
        required: f.required.as_ref(),
        when: f.when.as_ref(),
        kind: f.kind.as_ref(),
        ascii: f.ascii.as_ref(),
        table: f.table.as_ref(),
        bitmap: f.bitmap.as_ref(),
        max_bytes: f.max_bytes.as_ref(),
        exact_bytes: f.exact_bytes.as_ref(),
        min_bytes: f.min_bytes.as_ref(),
        max_chars: f.max_chars.as_ref(),
        max_bytes_in: f.max_bytes_in.as_ref(),
        min_value: f.min_value.as_ref(),
        starts_with: f.starts_with.as_ref(),
        format: f.format.as_ref(),
        forbid: f.forbid.as_ref(),
        forbidden_when: f.forbidden_when.as_ref(),
        bits_required: f.bits_required.as_ref(),
        bits_allowed: f.bits_allowed.as_ref(),
        check_digit: f.check_digit.as_ref(),
        fixed: f.fixed.as_ref(),
        computed: f.computed.as_ref(),
        allowed: f.allowed.as_ref(),
        secret: f.secret.as_ref(),
        source: f.source.as_ref(),
        uncertain: f.uncertain.as_ref(),
    }
}

/// Resolves `use:` (or takes the field as written).
pub(crate) fn resolve<'s>(
    d: &mut Diagnostics,
    p: &str,
    f: &'s Spanned<FieldSyntax>,
    params: &BTreeMap<String, &'s Spanned<FieldSyntax>>,
) -> Resolved<'s> {
    let Some(name) = &f.uses else {
        if f.wire.is_none() {
            d.at(f.span(), format!("{p}.wire"), "missing: give `wire` (a new field) or `use` (a shared parameter)");
        }
        return own(f);
    };
    if let Some(w) = &f.wire {
        d.at(w.span(), format!("{p}.wire"), "give `wire` or `use`, not both");
    }
    let fixed_keys = [("label_ja", &f.label_ja), ("kind", &f.kind), ("ascii", &f.ascii), ("table", &f.table)];
    for (key, value) in fixed_keys.into_iter().chain([("bitmap", &f.bitmap)]) {
        if let Some(v) = value {
            d.at(
                v.span(),
                format!("{p}.{key}"),
                format!("`{key}` comes from the shared parameter; it cannot be overridden"),
            );
        }
    }
    let Some(param) = params.get(name.as_str()) else {
        d.at(name.span(), format!("{p}.use"), format!("no parameter {:?} in params.yaml", name.as_str()));
        let mut r = own(f);
        r.wire = Some(name);
        r.unresolved = true;
        return r;
    };
    let base = own(param);
    let limit_overridden = f.max_bytes.is_some() || f.exact_bytes.is_some();
    Resolved {
        span: *f.span(),
        unresolved: false,
        wire: base.wire,
        label_ja: base.label_ja,
        item: f.item.as_ref().or(base.item),
        meaning: f.meaning.as_ref().or(base.meaning),
        required: f.required.as_ref().or(base.required),
        when: f.when.as_ref().or(base.when),
        kind: base.kind,
        ascii: base.ascii,
        table: base.table,
        bitmap: base.bitmap,
        max_bytes: if limit_overridden { f.max_bytes.as_ref() } else { base.max_bytes },
        exact_bytes: if limit_overridden { f.exact_bytes.as_ref() } else { base.exact_bytes },
        min_bytes: f.min_bytes.as_ref().or(base.min_bytes),
        max_chars: f.max_chars.as_ref().or(base.max_chars),
        max_bytes_in: f.max_bytes_in.as_ref().or(base.max_bytes_in),
        min_value: f.min_value.as_ref().or(base.min_value),
        starts_with: f.starts_with.as_ref().or(base.starts_with),
        format: f.format.as_ref().or(base.format),
        forbid: f.forbid.as_ref().or(base.forbid),
        forbidden_when: f.forbidden_when.as_ref().or(base.forbidden_when),
        bits_required: f.bits_required.as_ref().or(base.bits_required),
        bits_allowed: f.bits_allowed.as_ref().or(base.bits_allowed),
        check_digit: f.check_digit.as_ref(),
        fixed: f.fixed.as_ref().or(base.fixed),
        computed: f.computed.as_ref().or(base.computed),
        allowed: f.allowed.as_ref().or(base.allowed),
        secret: f.secret.as_ref().or(base.secret),
        source: f.source.as_ref().or(base.source),
        uncertain: f.uncertain.as_ref().or(base.uncertain),
    }
}
