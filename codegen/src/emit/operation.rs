//! One operation file: its `OperationSpec` static, the request struct (outgoing) and the answer view (see
//! [`super::view`]).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::gateway::charset_tokens;
use super::view::{emit_element_response, emit_incoming, emit_response};
use super::{Emitter, doc_lines, meta_opt, meta_str, prose_lines};
use crate::model::{Attribute, Check, Condition, ConditionTest, Field, Kind, Limit, Operation};
use crate::names::upper;
use japay_core::spec::Marker;

fn marker_tokens(e: &mut Emitter, m: Marker) -> TokenStream {
    let v = e.ident(m.variant());
    quote!(::japay_core::spec::Marker::#v)
}

fn kind_tokens(e: &mut Emitter, k: &Kind) -> TokenStream {
    match k {
        Kind::Ascii(a) => {
            let mask: TokenStream = format!("0x{:032x}", a.mask).parse().unwrap_or_default();
            let (kind, set) = (a.kind, &a.set);
            quote!(::japay_core::spec::ValueKind::Ascii(::japay_core::spec::AsciiSet::new(#mask, #kind, #set)))
        }
        Kind::Text => quote!(::japay_core::spec::ValueKind::Text),
        Kind::HalfwidthKana => quote!(::japay_core::spec::ValueKind::HalfwidthKana),
        Kind::FullwidthKana => quote!(::japay_core::spec::ValueKind::FullwidthKana),
        Kind::Bitmap(b) => {
            let c = e.ident(&upper(b));
            quote!(::japay_core::spec::ValueKind::Bitmap(&super::codes::#c))
        }
        Kind::Code(t) => {
            let c = e.ident(&upper(t));
            quote!(::japay_core::spec::ValueKind::Code(&super::codes::#c))
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

fn field_doc(f: &Field) -> String {
    let mut s = format!("{} — {}.\n\nMarker `{}`; {}", f.label_ja, f.meaning, f.marker.symbol(), kind_words(&f.kind));
    match f.limit {
        Some(Limit::Exact(n)) => s.push_str(&format!(", exactly {n} bytes")),
        Some(Limit::Max(n)) => s.push_str(&format!(", at most {n} bytes")),
        None => {}
    }
    for check in &f.checks {
        match check {
            Check::MinBytes(n) => s.push_str(&format!(", at least {n} bytes")),
            Check::MaxBytesIn(c, n) => s.push_str(&format!(", at most {n} bytes in {}", c.name())),
            Check::MinValue(n) => s.push_str(&format!("; a number of at least {n}")),
            Check::StartsWith(p) => s.push_str(&format!("; starts with `{p}`")),
            Check::Format(f) => s.push_str(&format!("; a date written `{}`", f.pattern())),
            Check::Forbid(c) => s.push_str(&format!("; no `{}` characters", c.name())),
            Check::BitsRequired(_, words) | Check::BitsAllowed(_, words) => s.push_str(&format!("; {words}")),
        }
    }
    if let Some(c) = &f.condition {
        s.push_str(&format!("; required for {}", c.description));
        if matches!(c.test, ConditionTest::External) {
            s.push_str(
                " (a condition on data outside the request: not checked, so validation treats the field as optional)",
            );
        }
    }
    if let Some(c) = &f.forbidden {
        s.push_str(&format!("; must be absent for {}", c.description));
    }
    if !f.allowed.is_empty() && f.fixed.is_none() && !matches!(f.kind, Kind::Code(_)) {
        s.push_str(&format!("; one of {:?}", f.allowed));
    }
    s.push_str(&format!(".\nSource: {}.", f.provenance.source));
    if let Some(u) = &f.provenance.uncertain {
        s.push_str(&format!("\n\n**Uncertain:** {u}."));
    }
    s
}

fn indices(list: &[usize]) -> impl Iterator<Item = Literal> + '_ {
    list.iter().map(|i| Literal::usize_unsuffixed(*i))
}

fn condition_tokens(c: &Condition) -> TokenStream {
    let test = match &c.test {
        ConditionTest::PresentAny(idx) => {
            let idx = indices(idx);
            quote!(::japay_core::spec::ConditionTest::PresentAny(&[#(#idx),*]))
        }
        ConditionTest::AbsentAll(idx) => {
            let idx = indices(idx);
            quote!(::japay_core::spec::ConditionTest::AbsentAll(&[#(#idx),*]))
        }
        ConditionTest::BitSet { field, position } => {
            let (field, pos) = (Literal::usize_unsuffixed(*field), Literal::u8_unsuffixed(*position));
            quote!(::japay_core::spec::ConditionTest::BitSet { field: #field, pos: #pos })
        }
        ConditionTest::Equals { field, value } => {
            let field = Literal::usize_unsuffixed(*field);
            quote!(::japay_core::spec::ConditionTest::Equals { field: #field, value: #value })
        }
        ConditionTest::External => quote!(::japay_core::spec::ConditionTest::External),
    };
    let desc = &c.description;
    quote!(::japay_core::spec::Condition::new(#test, #desc))
}

/// A bitmap mask written in hexadecimal (bit `pos - 1` for position `pos`).
fn hex_mask(mask: u64) -> TokenStream {
    format!("0x{mask:016x}").parse().unwrap_or_default()
}

fn field_spec(e: &mut Emitter, f: &Field) -> TokenStream {
    let (wire, meaning) = (&f.wire, &f.meaning);
    let (label_ja, source) = (meta_str(&f.label_ja), meta_str(&f.provenance.source));
    let kind = kind_tokens(e, &f.kind);
    let marker = (f.marker != Marker::Optional).then(|| {
        let m = marker_tokens(e, f.marker);
        quote!(.with_marker(#m))
    });
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
            quote!(.with_limit(::japay_core::spec::ByteLimit::Exact(#n)))
        }
        Limit::Max(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote!(.with_limit(::japay_core::spec::ByteLimit::Max(#n)))
        }
    });
    let checks = (!f.checks.is_empty()).then(|| {
        let checks = f.checks.iter().map(|c| match c {
            Check::MinBytes(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote!(::japay_core::spec::FieldCheck::MinBytes(#n))
            }
            Check::MaxBytesIn(charset, n) => {
                let (charset, n) = (charset_tokens(*charset), Literal::u64_unsuffixed(*n));
                quote!(::japay_core::spec::FieldCheck::MaxBytesIn { charset: #charset, limit: #n })
            }
            Check::MinValue(n) => {
                let n = Literal::u64_unsuffixed(*n);
                quote!(::japay_core::spec::FieldCheck::MinValue(#n))
            }
            Check::StartsWith(prefix) => {
                let expected = format!("a value starting with {prefix}");
                quote!(::japay_core::spec::FieldCheck::StartsWith { prefix: #prefix, expected: #expected })
            }
            Check::Format(f) => {
                let v = e.ident(f.variant());
                quote!(::japay_core::spec::FieldCheck::Format(::japay_core::spec::DateFormat::#v))
            }
            Check::Forbid(c) => {
                let v = e.ident(c.variant());
                quote!(::japay_core::spec::FieldCheck::Forbid(::japay_core::spec::CharClass::#v))
            }
            Check::BitsRequired(mask, expected) => {
                let mask = hex_mask(*mask);
                quote!(::japay_core::spec::FieldCheck::BitsRequired { mask: #mask, expected: #expected })
            }
            Check::BitsAllowed(mask, expected) => {
                let mask = hex_mask(*mask);
                quote!(::japay_core::spec::FieldCheck::BitsAllowed { mask: #mask, expected: #expected })
            }
        });
        let checks: Vec<_> = checks.collect();
        quote!(.with_checks(&[#(#checks),*]))
    });
    let allowed = &f.allowed;
    let values = match &f.fixed {
        Some(fixed) => Some(quote!(.with_fixed(#fixed, &[#(#allowed),*]))),
        None if !allowed.is_empty() => Some(quote!(.with_allowed(&[#(#allowed),*]))),
        None => None,
    };
    let secret = f.secret.then(|| quote!(.secret()));
    let uncertain = meta_opt(&f.provenance.uncertain);
    let prefix = format!("&{}=", f.wire);
    quote! {
        ::japay_core::spec::FieldSpec::new(#wire, #kind)
            .with_prefix(#prefix)
            .with_label(#label_ja, #meaning)
            #marker #condition #forbidden #limit #checks #values #secret
            .with_source(#source, #uncertain)
    }
}

fn rules_tokens(op: &Operation) -> TokenStream {
    let groups = (!op.groups.is_empty()).then(|| {
        let groups = op.groups.iter().map(|g| {
            let (name, idx, c) = (&g.name, indices(&g.fields), condition_tokens(&g.condition));
            quote!(::japay_core::spec::FieldGroup::new(#name, &[#(#idx),*], #c))
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
            quote!(::japay_core::spec::OneOf::new(#name, &[#(#alternatives),*], #desc) #condition)
        });
        quote!(.with_one_of(&[#(#rules),*]))
    });
    quote!(#groups #one_of)
}

fn attribute_specs(e: &mut Emitter, list: &[Attribute]) -> Vec<TokenStream> {
    list.iter()
        .map(|a| {
            let (name, meaning, source) = (&a.name, &a.meaning, meta_str(&a.provenance.source));
            let table = a.table.as_ref().map(|t| {
                let t = e.ident(&upper(t));
                quote!(.with_table(&super::codes::#t))
            });
            let secret = a.secret.then(|| quote!(.secret()));
            let uncertain = meta_opt(&a.provenance.uncertain);
            quote! {
                ::japay_core::spec::AttributeSpec::new(#name, #meaning) #table #secret .with_source(#source, #uncertain)
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
                let (name, meaning, source) = (&g.name, &g.meaning, meta_str(&g.provenance.source));
                let elements = attribute_specs(e, &g.elements);
                let repeated = g.repeated.then(|| quote!(.repeated()));
                let uncertain = meta_opt(&g.provenance.uncertain);
                quote! {
                    ::japay_core::spec::GroupSpec::new(#name, #meaning, &[#(#elements),*]) #repeated .with_source(#source, #uncertain)
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
        pub static #c: ::japay_core::spec::ResponseSpec =
            ::japay_core::spec::ResponseSpec::new(#source, &[#(#attrs),*]) #groups #empty #uncertain;
    })
}

pub(crate) fn emit_operation(e: &mut Emitter, op: &Operation) -> TokenStream {
    let c = e.ident(&upper(&op.name));
    let (name, cgi, title_ja, title_en, source) =
        (&op.name, &op.path, &op.title_ja, &op.title_en, &op.provenance.source);
    let (meta_source, uncertain) = (meta_str(source), meta_opt(&op.provenance.uncertain));
    let direction = op.incoming.then(|| quote!(.with_direction(::japay_core::spec::Direction::Incoming)));
    let utf8 = op.utf8_params.iter().map(|(n, v)| quote!((#n, #v)));
    let fields: Vec<_> = op.fields.iter().map(|f| field_spec(e, f)).collect();
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
        quote!(.with_effect(::japay_core::spec::Effect::#v))
    });
    let lookup = op.lookup.as_ref().map(|l| {
        let (via, key, copy) = (&l.via, &l.key, &l.copy);
        quote!(.with_lookup(::japay_core::spec::Lookup::new(#via, #key, &[#(#copy),*])))
    });
    let route =
        op.route.as_ref().map(|(field, equals)| quote!(.with_route(::japay_core::spec::Route::new(#field, #equals))));
    let spec_doc = doc_lines(&format!("The spec of `{name}` ({}).", op.file));
    let spec = quote! {
        #(#[doc = #spec_doc])*
        pub static #c: ::japay_core::spec::OperationSpec = ::japay_core::spec::OperationSpec::new(#name, &super::GATEWAY, #cgi)
            #direction
            #effect #lookup #route
            .with_titles(#title_ja, #title_en)
            .with_source(#meta_source, #uncertain)
            .with_utf8_params(&[#(#utf8),*])
            .with_fields(&[#(#fields),*])
            #rules
            #response;
        #response_static
    };
    let path_word = if op.endpoint { "Endpoint" } else { "CGI" };
    let mut module_doc = format!("{title_ja}: {title_en}.\n\n{path_word} `{cgi}`. Source: {source}.");
    if let Some(u) = &op.provenance.uncertain {
        module_doc.push_str(&format!("\n\n**Uncertain:** {u}."));
    }
    let module_doc = doc_lines(&module_doc);
    let body = if op.incoming { emit_incoming(e, op) } else { emit_request(e, op) };
    quote! {
        #(#![doc = #module_doc])*
        #spec
        #body
    }
}

/// The `serde` paragraph of every request struct's doc.
const SERDE_REQUEST_DOC: &str = "\n# `serde` feature\n\nWith the crate's `serde` feature the struct is \
`Deserialize` and `Serialize`, keyed by wire name; absent optional fields are `None`, unknown keys are refused \
(`deny_unknown_fields`: a misspelt key is an error, not a silently dropped value). Deserializing borrows every \
value from the input, so a JSON string with an escape (`\\\"`, `\\\\`, `\\n`, `\\u…`) cannot become a field: \
`serde_json` refuses it (*expected a borrowed string*). Unescaped UTF-8 (what `JSON.stringify` writes for \
Japanese text) borrows fine; for input that may hold escapes, deserialize into owned strings and use \
[`DynamicRequest`](japay_core::DynamicRequest).\n\n`Serialize` writes every value **in clear, card data \
included** (it is the request, to forward it): it is opt-in through the feature, never use it for logs. `Debug` \
stays redacted.";

fn emit_request(e: &mut Emitter, op: &Operation) -> TokenStream {
    let ty = e.ident(&op.type_name);
    let c = e.ident(&upper(&op.name));
    let n = Literal::usize_unsuffixed(op.fields.len());
    let struct_fields: Vec<_> = op
        .fields
        .iter()
        .filter(|f| f.fixed.is_none())
        .map(|f| {
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
                    #[cfg_attr(feature = "serde", serde(borrow, default, skip_serializing_if = "Option::is_none"))]
                    pub #id: ::core::option::Option<&'a str>,
                }
            }
        })
        .collect();
    let values: Vec<_> = op
        .fields
        .iter()
        .map(|f| {
            let id = e.ident(&f.rust_name);
            if f.fixed.is_some() {
                quote!(::core::option::Option::None)
            } else if f.marker.always_required() {
                quote!(::core::option::Option::Some(self.#id))
            } else {
                quote!(self.#id)
            }
        })
        .collect();
    let fixed: Vec<String> =
        op.fields.iter().filter_map(|f| f.fixed.as_ref().map(|v| format!("`{}={v}`", f.wire))).collect();
    let mut doc = format!("{}: {} (`{}`).", op.title_ja, op.title_en, op.path);
    if !fixed.is_empty() {
        doc.push_str(&format!("\n\nThe encoder sends the fixed parameters {}.", fixed.join(", ")));
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
    let doc = doc_lines(&doc);
    let serde_doc = prose_lines(SERDE_REQUEST_DOC);
    let response = if op.element_answer { emit_element_response(e, op) } else { emit_response(e, op) };
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
            const SPEC: &'static ::japay_core::spec::OperationSpec = &#c;
            type Values<'s> = [::core::option::Option<&'s str>; #n] where Self: 's;
            fn values(&self) -> Self::Values<'_> {
                [#(#values),*]
            }
        }

        ::japay_core::operation_shortcuts!(#ty);

        #response
    }
}
