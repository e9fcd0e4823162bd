//! One operation file: its `OperationSpec` static, the request struct (outgoing) and the answer view (see
//! [`super::view`]).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::gateway::charset_tokens;
use super::view::{emit_element_response, emit_incoming, emit_incoming_form, emit_response};
use super::{Emitter, doc_lines, meta_opt, meta_str, prose_lines, source_call};
use crate::model::{
    Attribute, Check, ComputedInput, Condition, ConditionTest, Field, Kind, Limit, Operation, OutcomeKind, ResultMatch,
};
use crate::names::upper;
use japay_core::spec::Marker;

fn marker_tokens(e: &mut Emitter, m: Marker) -> TokenStream {
    let v = e.ident(m.variant());
    quote!(spec::Marker::#v)
}

fn kind_tokens(e: &mut Emitter, k: &Kind) -> TokenStream {
    match k {
        Kind::Ascii(a) => {
            let mask: TokenStream = format!("0x{:032x}", a.mask).parse().unwrap_or_default();
            let (kind, set) = (a.kind, &a.set);
            quote!(spec::ValueKind::Ascii(spec::AsciiSet::new(#mask, #kind, #set)))
        }
        Kind::Text => quote!(spec::ValueKind::Text),
        Kind::HalfwidthKana => quote!(spec::ValueKind::HalfwidthKana),
        Kind::FullwidthKana => quote!(spec::ValueKind::FullwidthKana),
        Kind::Bitmap(b) => {
            let c = e.ident(&upper(b));
            quote!(spec::ValueKind::Bitmap(&super::codes::#c))
        }
        Kind::Code(t) => {
            let c = e.ident(&upper(t));
            quote!(spec::ValueKind::Code(&super::codes::#c))
        }
    }
}

fn kind_words(k: &Kind) -> String {
    match k {
        Kind::Ascii(a) if a.kind == japay_core::spec::kind_names::ASCII => format!("ASCII `{}`", a.set),
        Kind::Ascii(a) => a.kind.to_owned(),
        Kind::Text => "text".into(),
        Kind::HalfwidthKana => "half-width kana".into(),
        Kind::FullwidthKana => "full-width kana".into(),
        Kind::Bitmap(b) => b.clone(),
        Kind::Code(t) => format!("code from `{t}`"),
    }
}

/// A computed value in words: `the SHA-256 (lowercase hex) of member_id + authentication_key + credential access_key`.
fn computed_words(inputs: &[ComputedInput], fields: &[Field]) -> String {
    let parts: Vec<String> = inputs
        .iter()
        .map(|i| match i {
            ComputedInput::Field(k) => fields.get(*k).map_or_else(|| format!("field {k}"), |f| format!("`{}`", f.wire)),
            ComputedInput::Credential(name) => format!("the credential `{name}`"),
        })
        .collect();
    format!("the SHA-256 (lowercase hex) of {}", parts.join(" + "))
}

/// The rules of a field in words: marker, kind, limits, checks, condition, values. One line.
fn rule_words(f: &Field) -> String {
    let mut s = format!("Marker `{}`; {}", f.marker.symbol(), kind_words(&f.kind));
    match f.limit {
        Some(Limit::Exact(n)) => s.push_str(&format!(", exactly {n} bytes")),
        Some(Limit::Max(n)) => s.push_str(&format!(", at most {n} bytes")),
        None => {}
    }
    for check in &f.checks {
        match check {
            Check::MinBytes(n) => s.push_str(&format!(", at least {n} bytes")),
            Check::MaxChars(n) => s.push_str(&format!(", at most {n} characters")),
            Check::MaxBytesIn(c, n) => s.push_str(&format!(", at most {n} bytes in {}", c.name())),
            Check::MinValue(n) => s.push_str(&format!("; a number of at least {n}")),
            Check::StartsWith(p) => s.push_str(&format!("; starts with `{p}`")),
            Check::Format(f) => s.push_str(&format!("; a date written `{}`", f.pattern())),
            Check::Forbid(c) => s.push_str(&format!("; no `{}` characters", c.name())),
            Check::BitsRequired(_, words) | Check::BitsAllowed(_, words) => s.push_str(&format!("; {words}")),
            Check::DigitRule(c) => s.push_str(&format!("; {}", c.expected)),
        }
    }
    if let Some(c) = &f.condition {
        s.push_str(&format!("; required for {}", c.description));
        if matches!(c.test, ConditionTest::External) {
            s.push_str(" (outside the request: not checked)");
        }
    }
    if let Some(c) = &f.forbidden {
        s.push_str(&format!("; must be absent for {}", c.description));
    }
    if !f.allowed.is_empty() && f.fixed.is_none() && !matches!(f.kind, Kind::Code(_)) {
        s.push_str(&format!("; one of {:?}", f.allowed));
    }
    s.push('.');
    if f.provenance.uncertain.is_some() {
        s.push_str(" Some facts are uncertain (see the spec).");
    }
    s
}

/// A field's doc: what it is, then its rules; the provenance stays in the spec (and in `FieldSpec::source` and
/// `uncertain` with the `meta` feature).
pub(crate) fn field_doc(f: &Field) -> String {
    format!("{} — {}.\n{}", f.label_ja, f.meaning, rule_words(f))
}

fn indices(list: &[usize]) -> impl Iterator<Item = Literal> + '_ {
    list.iter().map(|i| Literal::usize_unsuffixed(*i))
}

fn condition_tokens(c: &Condition) -> TokenStream {
    let test = match &c.test {
        ConditionTest::PresentAny(idx) => {
            let idx = indices(idx);
            quote!(spec::ConditionTest::PresentAny(&[#(#idx),*]))
        }
        ConditionTest::AbsentAll(idx) => {
            let idx = indices(idx);
            quote!(spec::ConditionTest::AbsentAll(&[#(#idx),*]))
        }
        ConditionTest::BitSet { field, position } => {
            let (field, pos) = (Literal::usize_unsuffixed(*field), Literal::u8_unsuffixed(*position));
            quote!(spec::ConditionTest::BitSet { field: #field, pos: #pos })
        }
        ConditionTest::Equals { field, value } => {
            let field = Literal::usize_unsuffixed(*field);
            quote!(spec::ConditionTest::Equals { field: #field, value: #value })
        }
        ConditionTest::EqualsAny { field, values } => {
            let field = Literal::usize_unsuffixed(*field);
            quote!(spec::ConditionTest::EqualsAny { field: #field, values: &[#(#values),*] })
        }
        ConditionTest::External => quote!(spec::ConditionTest::External),
    };
    let desc = &c.description;
    quote!(spec::Condition::new(#test, #desc))
}

/// A bitmap mask written in hexadecimal (bit `pos - 1` for position `pos`).
fn hex_mask(mask: u64) -> TokenStream {
    format!("0x{mask:016x}").parse().unwrap_or_default()
}

/// The builder calls of each attribute of a field, by attribute, so that a use of a shared parameter writes only
/// the ones that differ from the parameter.
struct FieldParts {
    item: TokenStream,
    meaning: TokenStream,
    marker: TokenStream,
    condition: TokenStream,
    forbidden: TokenStream,
    computed: TokenStream,
    limit: TokenStream,
    checks: TokenStream,
    values: TokenStream,
    secret: TokenStream,
    source: TokenStream,
    uncertain: TokenStream,
}

fn field_parts(e: &mut Emitter, f: &Field) -> FieldParts {
    let meaning = &f.meaning;
    let marker = if f.marker == Marker::Optional {
        TokenStream::new()
    } else {
        let m = marker_tokens(e, f.marker);
        quote!(.with_marker(#m))
    };
    let condition = f.condition.as_ref().map(|c| {
        let c = condition_tokens(c);
        quote!(.with_condition(#c))
    });
    let forbidden = f.forbidden.as_ref().map(|c| {
        let c = condition_tokens(c);
        quote!(.with_forbidden(#c))
    });
    let limit = f.limit.map(|limit| match limit {
        Limit::Exact(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(.with_limit(spec::ByteLimit::Exact(#n)))
        }
        Limit::Max(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(.with_limit(spec::ByteLimit::Max(#n)))
        }
    });
    let checks = (!f.checks.is_empty()).then(|| {
        let checks = f.checks.iter().map(|c| match c {
            Check::MinBytes(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote!(spec::FieldCheck::MinBytes(#n))
            }
            Check::MaxChars(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote!(spec::FieldCheck::MaxChars(#n))
            }
            Check::MaxBytesIn(charset, n) => {
                let (charset, n) = (charset_tokens(*charset), Literal::u64_unsuffixed(*n));
                quote!(spec::FieldCheck::MaxBytesIn { charset: #charset, limit: #n })
            }
            Check::MinValue(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote!(spec::FieldCheck::MinValue(#n))
            }
            Check::StartsWith(prefix) => {
                let expected = format!("a value starting with {prefix}");
                quote!(spec::FieldCheck::StartsWith { prefix: #prefix, expected: #expected })
            }
            Check::Format(f) => {
                let v = e.ident(f.variant());
                quote!(spec::FieldCheck::Format(spec::DateFormat::#v))
            }
            Check::Forbid(c) => {
                let v = e.ident(c.variant());
                quote!(spec::FieldCheck::Forbid(spec::CharClass::#v))
            }
            Check::BitsRequired(mask, expected) => {
                let mask = hex_mask(*mask);
                quote!(spec::FieldCheck::BitsRequired { mask: #mask, expected: #expected })
            }
            Check::BitsAllowed(mask, expected) => {
                let mask = hex_mask(*mask);
                quote!(spec::FieldCheck::BitsAllowed { mask: #mask, expected: #expected })
            }
            Check::DigitRule(c) => check_digit_tokens(e, c),
        });
        let checks: Vec<_> = checks.collect();
        quote!(.with_checks(&[#(#checks),*]))
    });
    let allowed = &f.allowed;
    let values = match &f.fixed {
        Some(fixed) => quote!(.with_fixed(#fixed, &[#(#allowed),*])),
        None if !allowed.is_empty() => quote!(.with_allowed(&[#(#allowed),*])),
        None => TokenStream::new(),
    };
    let source = meta_str(&f.provenance.source);
    let uncertain = meta_opt(&f.provenance.uncertain);
    let computed = f.computed.as_ref().map(|inputs| {
        let inputs = inputs.iter().map(|i| match i {
            ComputedInput::Field(k) => {
                let k = Literal::usize_unsuffixed(*k);
                quote!(spec::ComputedInput::Field(#k))
            }
            ComputedInput::Credential(name) => quote!(spec::ComputedInput::Credential(#name)),
        });
        quote!(.with_computed(spec::Computed::Sha256Hex(&[#(#inputs),*])))
    });
    let item = f.item.map(|n| {
        let n = Literal::u8_unsuffixed(n);
        quote!(.with_item(#n))
    });
    FieldParts {
        item: quote!(#item),
        meaning: quote!(#meaning),
        marker,
        condition: quote!(#condition),
        forbidden: quote!(#forbidden),
        computed: quote!(#computed),
        limit: quote!(#limit),
        checks: quote!(#checks),
        values,
        secret: if f.secret { quote!(.secret()) } else { TokenStream::new() },
        source,
        uncertain,
    }
}

/// A field's `FieldSpec` expression, written in full.
pub(crate) fn field_spec(e: &mut Emitter, f: &Field) -> TokenStream {
    field_spec_with(e, f, None)
}

/// [`field_spec`], its uncertainty written as `uncertain` (a constant shared by a block's members) when given.
pub(crate) fn field_spec_with(e: &mut Emitter, f: &Field, shared_uncertain: Option<TokenStream>) -> TokenStream {
    let wire = &f.wire;
    let label_ja = meta_str(&f.label_ja);
    let kind = kind_tokens(e, &f.kind);
    let FieldParts {
        item,
        meaning,
        marker,
        condition,
        forbidden,
        computed,
        limit,
        checks,
        values,
        secret,
        source,
        uncertain,
    } = field_parts(e, f);
    let uncertain = shared_uncertain.unwrap_or(uncertain);
    quote! {
        spec::FieldSpec::new(#wire, #kind)
            .with_label(#label_ja, #meaning)
            #item #marker #condition #forbidden #computed #limit #checks #values #secret
            .with_source(#source, #uncertain)
    }
}

/// A field's `FieldSpec` expression in an operation: the shared parameter's constant plus what the operation
/// changes, or the field in full.
fn op_field_spec(e: &mut Emitter, f: &Field, params: &[Field]) -> TokenStream {
    let Some(base) = f.param.as_ref().and_then(|p| params.iter().find(|b| b.param.as_ref() == Some(p))) else {
        return field_spec(e, f);
    };
    let c = e.ident(&upper(&base.rust_name));
    let (mine, theirs) = (field_parts(e, f), field_parts(e, base));
    let differs = |a: &TokenStream, b: &TokenStream| a.to_string() != b.to_string();
    let mut out = quote!(super::params::#c);
    if differs(&mine.item, &theirs.item) {
        // an item is a number of the operation's own table: a shared parameter has one only where every use agrees
        out.extend(if mine.item.is_empty() { quote!(.without_item()) } else { mine.item.clone() });
    }
    if differs(&mine.meaning, &theirs.meaning) {
        let m = &mine.meaning;
        out.extend(quote!(.with_meaning(#m)));
    }
    if differs(&mine.marker, &theirs.marker) {
        out.extend(if mine.marker.is_empty() {
            quote!(.with_marker(spec::Marker::Optional))
        } else {
            mine.marker.clone()
        });
    }
    // a shared parameter has no condition of its own: an operation's is always written
    out.extend(mine.condition.clone());
    out.extend(mine.forbidden.clone());
    // nor a computed value (its inputs are the operation's fields)
    out.extend(mine.computed.clone());
    if differs(&mine.limit, &theirs.limit) {
        out.extend(mine.limit.clone());
    }
    if differs(&mine.checks, &theirs.checks) {
        out.extend(if mine.checks.is_empty() { quote!(.with_checks(&[])) } else { mine.checks.clone() });
    }
    if differs(&mine.values, &theirs.values) {
        out.extend(if mine.values.is_empty() { quote!(.without_values()) } else { mine.values.clone() });
    }
    if differs(&mine.secret, &theirs.secret) {
        out.extend(mine.secret.clone());
    }
    if differs(&mine.source, &theirs.source) {
        let s = &mine.source;
        out.extend(quote!(.with_source_text(#s)));
    }
    if differs(&mine.uncertain, &theirs.uncertain) {
        let u = &mine.uncertain;
        out.extend(quote!(.with_uncertain(#u)));
    }
    out
}

/// The operation's field table: one array literal, or, when it takes blocks, the join of its own runs of fields
/// and the blocks' shared tables.
fn fields_table(e: &mut Emitter, op: &Operation, params: &[Field]) -> (TokenStream, Option<TokenStream>) {
    if op.fields.iter().all(|f| f.block.is_none()) {
        let fields: Vec<_> = op.fields.iter().map(|f| op_field_spec(e, f, params)).collect();
        return (quote!(&[#(#fields),*]), None);
    }
    let mut parts = Vec::new();
    let mut run = Vec::new();
    let mut i = 0;
    while let Some(f) = op.fields.get(i) {
        match &f.block {
            None => {
                run.push(op_field_spec(e, f, params));
                i += 1;
            }
            Some(block) => {
                if !run.is_empty() {
                    parts.push(quote!(&[#(#run),*]));
                    run.clear();
                }
                let c = e.ident(&upper(block));
                parts.push(quote!(&super::params::#c));
                while op.fields.get(i).is_some_and(|g| g.block.as_ref() == Some(block)) {
                    i += 1;
                }
            }
        }
    }
    if !run.is_empty() {
        parts.push(quote!(&[#(#run),*]));
    }
    let c = e.ident(&format!("{}_FIELDS", upper(&op.name)));
    let n = Literal::usize_unsuffixed(op.fields.len());
    let doc = format!("The fields of [`{}`], with the shared blocks in place.", upper(&op.name));
    let table = quote! {
        #[doc = #doc]
        static #c: [spec::FieldSpec; #n] = spec::join_fields(&[#(#parts),*]);
    };
    (quote!(&#c), Some(table))
}

fn rules_tokens(op: &Operation) -> TokenStream {
    let groups = (!op.groups.is_empty()).then(|| {
        let groups = op.groups.iter().map(|g| {
            let (name, idx, c) = (&g.name, indices(&g.fields), condition_tokens(&g.condition));
            quote!(spec::FieldGroup::new(#name, &[#(#idx),*], #c))
        });
        quote!(.with_groups(&[#(#groups),*]))
    });
    let one_of = (!op.one_of.is_empty()).then(|| {
        let rules = op.one_of.iter().map(|o| {
            let alternatives = o.alternatives.iter().map(|alt| {
                let idx = indices(alt);
                quote!(&[#(#idx),*])
            });
            let (name, desc) = (&o.name, &o.description);
            let condition = o.condition.as_ref().map(|c| {
                let c = condition_tokens(c);
                quote!(.with_condition(#c))
            });
            quote!(spec::OneOf::new(#name, &[#(#alternatives),*], #desc) #condition)
        });
        quote!(.with_one_of(&[#(#rules),*]))
    });
    quote!(#groups #one_of)
}

fn attribute_specs(e: &mut Emitter, list: &[Attribute]) -> Vec<TokenStream> {
    list.iter()
        .map(|a| {
            let (name, meaning, source) = (&a.name, &a.meaning, source_call(&a.provenance));
            let table = a.table.as_ref().map(|t| {
                let t = e.ident(&upper(t));
                quote!(.with_table(&super::codes::#t))
            });
            let secret = a.secret.then(|| quote!(.secret()));
            quote! {
                spec::AttributeSpec::new(#name, #meaning) #table #secret #source
            }
        })
        .collect()
}

fn response_spec(e: &mut Emitter, op: &Operation) -> Option<TokenStream> {
    let r = op.response.as_ref()?;
    let attrs = attribute_specs(e, &r.attributes);
    let groups = (!r.groups.is_empty()).then(|| {
        let groups: Vec<_> = r
            .groups
            .iter()
            .map(|g| {
                let (name, meaning, source) = (&g.name, &g.meaning, source_call(&g.provenance));
                let elements = attribute_specs(e, &g.elements);
                let repeated = g.repeated.then(|| quote!(.repeated()));
                quote! {
                    spec::GroupSpec::new(#name, #meaning, &[#(#elements),*]) #repeated #source
                }
            })
            .collect();
        quote!(.with_groups(&[#(#groups),*]))
    });
    let source = meta_str(&r.source);
    let empty = r.empty_root.as_ref().map(|x| quote!(.with_empty_root(#x)));
    let uncertain = r.uncertain.as_ref().map(|u| {
        let u = meta_str(u);
        quote!(.with_uncertain(#u))
    });
    let c = e.ident(&format!("{}_RESPONSE", upper(&op.name)));
    let doc = format!(" The answer of `{}`: its known attributes ({}).", op.name, op.file);
    Some(quote! {
        #[doc = #doc]
        pub static #c: spec::ResponseSpec =
            spec::ResponseSpec::new(#source, &[#(#attrs),*]) #groups #empty #uncertain;
    })
}

/// `.with_outcomes(&[…])`: the outcome cases as data, one short constructor each; nothing when the spec lists none.
fn outcomes_tokens(op: &Operation) -> Option<TokenStream> {
    if op.outcomes.is_empty() {
        return None;
    }
    let cases = op.outcomes.iter().map(|o| {
        let (name, kind) = (&o.name, o.kind.word());
        let case = match &o.matches {
            ResultMatch::Values(values) => quote!(spec::OutcomeCase::new(#name, #kind, &[#(#values),*])),
            ResultMatch::Absent => quote!(spec::OutcomeCase::absent(#name, #kind)),
            ResultMatch::EmptyAnswer => quote!(spec::OutcomeCase::empty(#name, #kind)),
        };
        let present = &o.present;
        let present = (!present.is_empty()).then(|| quote!(.with_present(&[#(#present),*])));
        let count = o.count.as_ref().map(|(field, group)| quote!(.with_count(#field, #group)));
        // a failure that must leave the error code empty is a failure without one
        let uncoded = matches!(o.kind, OutcomeKind::Failure { .. }) && o.error_code_empty.is_some();
        let uncoded = uncoded.then(|| quote!(.without_code()));
        quote!(#case #present #count #uncoded)
    });
    Some(quote!(.with_outcomes(&[#(#cases),*])))
}

pub(crate) fn emit_operation(e: &mut Emitter, op: &Operation, params: &[Field]) -> TokenStream {
    let c = e.ident(&upper(&op.name));
    let (name, cgi, title_ja, title_en, source) =
        (&op.name, &op.path, &op.title_ja, &op.title_en, &op.provenance.source);
    let (meta_source, uncertain) = (meta_str(source), meta_opt(&op.provenance.uncertain));
    let direction = op.incoming.then(|| quote!(.with_direction(spec::Direction::Incoming)));
    let utf8 = op.utf8_params.iter().map(|(n, v)| quote!((#n, #v)));
    let utf8 = (!op.utf8_params.is_empty()).then(|| quote!(.with_utf8_params(&[#(#utf8),*])));
    let (fields, fields_static) = fields_table(e, op, params);
    let rules = rules_tokens(op);
    let response_static = response_spec(e, op);
    let response = response_static.as_ref().map(|_| {
        let c = e.ident(&format!("{}_RESPONSE", upper(&op.name)));
        quote!(.with_response(&#c))
    });
    let effect = op.effect.map(|effect| {
        let v = e.ident(match effect {
            japay_core::spec::Effect::Creates => "Creates",
            japay_core::spec::Effect::Reads => "Reads",
            _ => "Changes",
        });
        quote!(.with_effect(spec::Effect::#v))
    });
    let lookup = op.lookup.as_ref().map(|l| {
        let (via, key, copy) = (&l.via, &l.key, &l.copy);
        quote!(.with_lookup(spec::Lookup::new(#via, #key, &[#(#copy),*])))
    });
    let route = op.route.as_ref().map(|(field, equals)| quote!(.with_route(spec::Route::new(#field, #equals))));
    let outcomes = outcomes_tokens(op);
    let spec_doc = doc_lines(&format!("The spec of `{name}` ({}).", op.file));
    let spec = quote! {
        #(#[doc = #spec_doc])*
        pub static #c: spec::OperationSpec = spec::OperationSpec::new(#name, &super::GATEWAY, #cgi)
            #direction
            #effect #lookup #route
            .with_titles(#title_ja, #title_en)
            .with_source(#meta_source, #uncertain)
            #utf8
            .with_fields(#fields)
            #rules
            #response
            #outcomes;
        #response_static
        #fields_static
    };
    let path_word = if op.endpoint { "Endpoint" } else { "CGI" };
    let mut module_doc =
        format!("{title_ja}: {title_en}.\n\n{path_word} `{cgi}`; the facts and their sources: `{}`", op.file);
    if op.provenance.uncertain.is_some() {
        module_doc.push_str(" (some are uncertain)");
    }
    module_doc.push('.');
    let _ = source;
    let module_doc = doc_lines(&module_doc);
    let body = match (op.incoming, op.element_answer) {
        (true, true) => emit_incoming_form(e, op),
        (true, false) => emit_incoming(e, op),
        (false, _) => emit_request(e, op),
    };
    quote! {
        #(#![doc = #module_doc])*
        #spec
        #body
    }
}

/// One struct field for a request field (or a block member): `&'a str` when always required, else an `Option`.
pub(crate) fn struct_field(e: &mut Emitter, f: &Field) -> TokenStream {
    let id = e.ident(&f.rust_name);
    let doc = doc_lines(&field_doc(f));
    let wire = &f.wire;
    let rename = (f.rust_name != f.wire).then(|| quote!(#[cfg_attr(feature = "serde", serde(rename = #wire))]));
    if f.marker.always_required() {
        quote! { #(#[doc = #doc])* #rename pub #id: &'a str, }
    } else {
        // `&'a str` borrows implicitly; an `Option` needs `borrow`. Absent in JSON is `None`.
        quote! {
            #(#[doc = #doc])*
            #rename
            // two attributes: each fits one formatted line
            #[cfg_attr(feature = "serde", serde(borrow, default))]
            #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
            pub #id: Option<&'a str>,
        }
    }
}

/// The value of a request field in `values()`: `None` for a fixed one (the encoder sends it).
pub(crate) fn value_of(e: &mut Emitter, f: &Field, this: TokenStream) -> TokenStream {
    let id = e.ident(&f.rust_name);
    if f.fixed.is_some() || f.computed.is_some() {
        quote!(None)
    } else if f.marker.always_required() {
        quote!(Some(#this.#id))
    } else {
        quote!(#this.#id)
    }
}

fn emit_request(e: &mut Emitter, op: &Operation) -> TokenStream {
    let ty = e.ident(&op.type_name);
    let c = e.ident(&upper(&op.name));
    let n = Literal::usize_unsuffixed(op.fields.len());
    let mut struct_fields = Vec::new();
    let mut seen_blocks: Vec<&str> = Vec::new();
    for f in op.fields.iter().filter(|f| f.fixed.is_none() && f.computed.is_none()) {
        match &f.block {
            None => struct_fields.push(struct_field(e, f)),
            Some(block) if !seen_blocks.contains(&block.as_str()) => {
                seen_blocks.push(block);
                let (id, block_ty) = (e.ident(block), e.ident(&crate::names::camel(block)));
                let doc = format!(" The block `{block}` ([`super::params::{}`]).", crate::names::camel(block));
                struct_fields.push(quote! {
                    #[doc = #doc]
                    #[cfg_attr(feature = "serde", serde(flatten, borrow))]
                    pub #id: super::params::#block_ty<'a>,
                });
            }
            Some(_) => {}
        }
    }
    let values_body = if seen_blocks.is_empty() {
        let values: Vec<_> = op.fields.iter().map(|f| value_of(e, f, quote!(self))).collect();
        quote!([#(#values),*])
    } else {
        let mut puts = Vec::new();
        let mut placed: Vec<&str> = Vec::new();
        for (i, f) in op.fields.iter().enumerate() {
            let at = Literal::usize_unsuffixed(i);
            match &f.block {
                None if f.fixed.is_some() || f.computed.is_some() => {}
                None => {
                    let v = value_of(e, f, quote!(self));
                    puts.push(quote!(values[#at] = #v;));
                }
                Some(block) if !placed.contains(&block.as_str()) => {
                    placed.push(block);
                    let id = e.ident(block);
                    puts.push(quote!(self.#id.place(&mut values, #at);));
                }
                Some(_) => {}
            }
        }
        quote! {
            let mut values = [None; #n];
            #(#puts)*
            values
        }
    };
    let fixed: Vec<String> =
        op.fields.iter().filter_map(|f| f.fixed.as_ref().map(|v| format!("`{}={v}`", f.wire))).collect();
    let mut doc = format!("{}: {} (`{}`).", op.title_ja, op.title_en, op.path);
    if !fixed.is_empty() {
        doc.push_str(&format!("\n\nThe encoder sends the fixed parameters {}.", fixed.join(", ")));
    }
    for f in op.fields.iter().filter(|f| f.computed.is_some()) {
        if let Some(inputs) = &f.computed {
            doc.push_str(&format!(
                "\n\nThe encoder computes `{}`: {}; give the credentials with `Options::with_credentials`.",
                f.wire,
                computed_words(inputs, &op.fields)
            ));
        }
    }
    if !op.utf8_params.is_empty() {
        let u: Vec<String> = op.utf8_params.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
        doc.push_str(&format!(" Sent as UTF-8 it adds {}.", u.join(", ")));
    }
    for g in &op.groups {
        let names: Vec<&str> = g.fields.iter().filter_map(|&i| op.fields.get(i)).map(|f| f.wire.as_str()).collect();
        doc.push_str(&format!(
            "\n\nGroup `{}`: {} are required together for {}.",
            g.name,
            names.join(", "),
            g.condition.description
        ));
    }
    for o in &op.one_of {
        match &o.condition {
            Some(c) => {
                doc.push_str(&format!("\n\nFor {}: exactly one of {} (`{}`).", c.description, o.description, o.name))
            }
            None => doc.push_str(&format!("\n\nExactly one of {} (`{}`).", o.description, o.name)),
        }
    }
    for f in op.fields.iter().filter(|f| f.forbidden.is_some()) {
        if let Some(c) = &f.forbidden {
            doc.push_str(&format!("\n\n`{}` must be absent for {}.", f.wire, c.description));
        }
    }
    doc.push_str(&format!("\n\nThe facts and their sources: `{}`.", op.file));
    let doc = doc_lines(&doc);
    let serde_doc = prose_lines(
        "\nWith the `serde` feature: `Deserialize` (borrowing, unknown keys refused) and `Serialize` (card data in clear), keyed by wire name; see [the crate docs](crate#the-serde-feature).",
    );
    let response = if op.element_answer { emit_element_response(e, op) } else { emit_response(e, op) };
    // the request's typed view, for runtimes generic over the operation (the client)
    let answered = op.response.is_some().then(|| {
        let view = e.ident(&format!("{}Response", op.type_name));
        let decoded = quote!(crate::answer::Answer);
        quote! {
            impl ::japay_core::Answered for #ty<'_> {
                type Answer<'b> = #decoded<'b>;
                type View<'b> = #view<'b>;
                fn view<'b>(answer: Self::Answer<'b>) -> Self::View<'b> {
                    #view { answer }
                }
            }
        }
    });
    quote! {
        #(#[doc = #doc])*
        #(#[doc = #serde_doc])*
        #[derive(Clone, Copy, Default, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
        pub struct #ty<'a> {
            #(#struct_fields)*
        }

        impl ::japay_core::Operation for #ty<'_> {
            const SPEC: &'static spec::OperationSpec = &#c;
            type Values<'s> = [Option<&'s str>; #n] where Self: 's;
            fn values(&self) -> Self::Values<'_> {
                #values_body
            }
        }

        ::japay_core::operation_shortcuts!(#ty);

        #answered

        #response
    }
}

/// A [`Check::DigitRule`] as `spec::FieldCheck::CheckDigit(spec::CheckDigit::new(..).when_equals(..))`.
fn check_digit_tokens(e: &mut Emitter, c: &crate::model::CheckDigitRow) -> TokenStream {
    let rule = e.ident(c.rule.variant());
    let (digits, expected) = (Literal::u8_unsuffixed(c.digits), &c.expected);
    let when = c.when.as_ref().map(|(field, value)| {
        let field = Literal::usize_unsuffixed(*field);
        quote!(.when_equals(#field, #value))
    });
    quote!(spec::FieldCheck::CheckDigit(spec::CheckDigit::new(spec::CheckDigitRule::#rule, #digits, #expected) #when))
}
