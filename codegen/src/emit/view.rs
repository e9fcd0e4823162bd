//! Answer views: the typed view over a decoded answer (`XResponse`, with `parse`, `parse_for` and `outcome`), and
//! over an incoming query string (validated against its spec).

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, doc_lines, prose_lines};
use crate::model::{Kind, Operation, Outcome, OutcomeKind, ResultMatch};
use crate::names::upper;

/// One accessor: attribute name, Rust name, meaning, code table.
struct Accessor<'m> {
    name: &'m str,
    rust_name: &'m str,
    meaning: &'m str,
    table: Option<&'m str>,
}

fn accessors(e: &mut Emitter, list: &[Accessor<'_>]) -> Vec<TokenStream> {
    list.iter()
        .map(|a| {
            let id = e.ident(a.rust_name);
            let name = a.name;
            match a.table {
                Some(t) => {
                    let t = e.ident(&upper(t));
                    let doc =
                        doc_lines(&format!("`{name}`: {} (first occurrence, looked up in its code table).", a.meaning));
                    quote! {
                        #(#[doc = #doc])*
                        pub fn #id(&self) -> ::core::option::Option<::japay_core::spec::Code<'_>> {
                            self.raw.get(#name).map(|v| ::japay_core::spec::Code::new(v, &super::codes::#t))
                        }
                    }
                }
                None => {
                    let doc = doc_lines(&format!("`{name}`: {} (first occurrence, decoded).", a.meaning));
                    quote! {
                        #(#[doc = #doc])*
                        pub fn #id(&self) -> ::core::option::Option<&str> {
                            self.raw.get(#name)
                        }
                    }
                }
            }
        })
        .collect()
}

/// The view of an incoming query string: `parse` decodes it and checks it against the operation's spec.
pub(crate) fn emit_incoming(e: &mut Emitter, op: &Operation) -> TokenStream {
    let ty = e.ident(&op.type_name);
    let c = e.ident(&upper(&op.name));
    let list: Vec<Accessor<'_>> = op
        .fields
        .iter()
        .map(|f| Accessor {
            name: &f.wire,
            rust_name: &f.rust_name,
            meaning: &f.meaning,
            table: match &f.kind {
                Kind::Code(t) => Some(t.as_str()),
                _ => None,
            },
        })
        .collect();
    let accessors = accessors(e, &list);
    let doc = doc_lines(&format!("The decoded query string of `{}`: {}.", op.name, op.title_en));
    quote! {
        #(#[doc = #doc])*
        #[derive(Debug)]
        pub struct #ty<'a> {
            /// Every parameter, in order (unknown ones included).
            pub raw: crate::response::Response<'a>,
        }

        impl<'a> #ty<'a> {
            /// Decodes a query string (without the leading `?`) and checks it against the spec: required
            /// parameters, kinds, allowed values and byte limits (CP932 bytes for [`Version::V1`]); a parameter
            /// of the spec repeated with another value is an error.
            ///
            /// # Errors
            /// [`IncomingError::Parse`] for malformed percent-encoding, bytes invalid in the charset of
            /// `version` or conflicting repeats; [`IncomingError::Invalid`] with every violation of the spec.
            ///
            /// [`Version::V1`]: crate::response::Version::V1
            /// [`IncomingError::Parse`]: crate::incoming::IncomingError::Parse
            /// [`IncomingError::Invalid`]: crate::incoming::IncomingError::Invalid
            pub fn parse(query: &'a [u8], version: crate::response::Version) -> ::core::result::Result<Self, crate::incoming::IncomingError> {
                crate::incoming::parse(query, version, &#c).map(|raw| Self { raw })
            }
            #(#accessors)*
        }
    }
}

/// The view of an answer, and its outcome enum when the spec lists outcomes.
pub(crate) fn emit_response(e: &mut Emitter, op: &Operation) -> Option<TokenStream> {
    let r = op.response.as_ref()?;
    let ty = e.ident(&format!("{}Response", op.type_name));
    let c = e.ident(&upper(&op.name));
    let response_static = e.ident(&format!("{}_RESPONSE", upper(&op.name)));
    let list: Vec<Accessor<'_>> = r
        .attributes
        .iter()
        .map(|a| Accessor { name: &a.name, rust_name: &a.rust_name, meaning: &a.meaning, table: a.table.as_deref() })
        .collect();
    let accessors = accessors(e, &list);
    let doc = doc_lines(&format!("The decoded answer to `{}` ({}).", op.name, op.path));
    let outcome = (!op.outcomes.is_empty()).then(|| emit_outcome(e, op));
    let (outcome_enum, outcome_method) = outcome.unzip();
    Some(quote! {
        #(#[doc = #doc])*
        #[derive(Debug)]
        pub struct #ty<'a> {
            /// Every attribute, in document order (unknown ones included): the same as [`Self::answer`], which is
            /// the documented way to read it. Kept for compatibility.
            pub raw: crate::response::Response<'a>,
        }

        impl<'a> #ty<'a> {
            /// The whole decoded answer: every attribute, in document order (unknown ones included).
            pub fn answer(&self) -> &crate::response::Response<'a> {
                &self.raw
            }

            /// Decodes a response body whose text is in the charset of `version`; an attribute of this answer
            /// repeated with another value is an error.
            ///
            /// # Errors
            /// See [`crate::response::Response::parse_typed`].
            pub fn parse(body: &'a [u8], version: crate::response::Version) -> ::core::result::Result<Self, crate::response::ParseError> {
                crate::response::Response::parse_typed(body, version, &#response_static).map(|raw| Self { raw })
            }

            /// Decodes the answer to a request sent with `options`: the answer's charset follows from the
            /// request's transport ([`crate::exchange::answer_version`]).
            ///
            /// # Errors
            /// See [`crate::response::Response::parse_typed`].
            pub fn parse_for(body: &'a [u8], options: ::japay_core::Options) -> ::core::result::Result<Self, crate::response::ParseError> {
                Self::parse(body, crate::exchange::answer_version(&#c, options))
            }
            #outcome_method
            #(#accessors)*
        }

        #outcome_enum
    })
}

fn of_attributes(list: &[crate::model::Attribute]) -> Vec<Accessor<'_>> {
    list.iter()
        .map(|a| Accessor { name: &a.name, rust_name: &a.rust_name, meaning: &a.meaning, table: a.table.as_deref() })
        .collect()
}

/// The view of an answer read by `crate::answer::Answer` (shape `element_text`): `parse`, `is_success`, one
/// accessor per value element of the root, and per group element an accessor returning its row view(s).
pub(crate) fn emit_element_response(e: &mut Emitter, op: &Operation) -> Option<TokenStream> {
    let r = op.response.as_ref()?;
    let ty = e.ident(&format!("{}Response", op.type_name));
    let fields = accessors(e, &of_attributes(&r.attributes));
    let mut group_accessors = Vec::new();
    let mut rows = Vec::new();
    for g in &r.groups {
        let row = e.ident(&g.type_name);
        let id = e.ident(&g.rust_name);
        let name = &g.name;
        if g.repeated {
            let doc = doc_lines(&format!("The `{name}` elements ({}), in document order.", g.meaning));
            group_accessors.push(quote! {
                #(#[doc = #doc])*
                pub fn #id(&self) -> impl ::core::iter::Iterator<Item = #row<'_, 'a>> + '_ {
                    self.raw.groups_named(#name).map(|raw| #row { raw })
                }
            });
        } else {
            let doc = doc_lines(&format!("The first `{name}` element ({}).", g.meaning));
            group_accessors.push(quote! {
                #(#[doc = #doc])*
                pub fn #id(&self) -> ::core::option::Option<#row<'_, 'a>> {
                    self.raw.groups_named(#name).next().map(|raw| #row { raw })
                }
            });
        }
        let row_accessors = accessors(e, &of_attributes(&g.elements));
        let mut doc = format!(
            "One `{name}` element of the answer to `{}`: {}.
Source: {}.",
            op.name, g.meaning, g.provenance.source
        );
        if let Some(u) = &g.provenance.uncertain {
            doc.push_str(&format!(
                "

**Uncertain:** {u}."
            ));
        }
        let doc = doc_lines(&doc);
        rows.push(quote! {
            #(#[doc = #doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct #row<'r, 'a> {
                /// Every child element, in document order (unknown ones included).
                pub raw: &'r crate::answer::Block<'a>,
            }

            impl #row<'_, '_> {
                #(#row_accessors)*
            }
        });
    }
    let doc = doc_lines(&format!("The decoded answer to `{}` ({}).", op.name, op.path));
    let result_field = &op.result_field;
    let success_doc = prose_lines(&format!(
        "Whether `{result_field}` is present and equals [`super::RESULT_SUCCESS`]; anything else is not success."
    ));
    Some(quote! {
        #(#[doc = #doc])*
        #[derive(Debug)]
        pub struct #ty<'a> {
            /// Every element, in document order (unknown ones included): the same as [`Self::answer`], which is
            /// the documented way to read it. Kept for compatibility.
            pub raw: crate::answer::Answer<'a>,
        }

        impl<'a> #ty<'a> {
            /// The whole answer: every element, in document order (unknown ones included).
            pub fn answer(&self) -> &crate::answer::Answer<'a> {
                &self.raw
            }

            /// Reads an answer body, redacting the values of [`super::SECRET_NAMES`] in `Debug` output.
            ///
            /// # Errors
            /// See [`crate::answer::Answer::parse`].
            pub fn parse(body: &'a [u8]) -> ::core::result::Result<Self, crate::answer::AnswerError> {
                crate::answer::Answer::parse_with_secrets(body, super::SECRET_NAMES).map(|raw| Self { raw })
            }

            #(#[doc = #success_doc])*
            pub fn is_success(&self) -> bool {
                self.raw.get(super::RESULT_FIELD) == ::core::option::Option::Some(super::RESULT_SUCCESS)
            }
            #(#fields)*
            #(#group_accessors)*
        }

        #(#rows)*
    })
}

/// The tokens that build one outcome's variant from `raw`.
fn construct(e: &mut Emitter, enum_ty: &proc_macro2::Ident, o: &Outcome) -> TokenStream {
    let v = e.ident(&o.variant);
    let name = &o.name;
    let need = |field: &str| quote!(::japay_core::outcome::need(raw.get(#field), #name, #field)?);
    match &o.kind {
        OutcomeKind::Ok | OutcomeKind::NotFound => quote!(#enum_ty::#v),
        OutcomeKind::Redirect { url } => {
            let url = need(url);
            quote!(#enum_ty::#v { url: #url })
        }
        OutcomeKind::Tds1 { url, pareq, pareq_secret } | OutcomeKind::Tds2 { url, pareq, pareq_secret } => {
            let (url, p) = (need(url), need(pareq));
            let pareq = if *pareq_secret { quote!(::japay_core::outcome::Secret::new(#p)) } else { p };
            quote!(#enum_ty::#v { url: #url, pareq: #pareq })
        }
        OutcomeKind::Failure { code, table, detail } => {
            let t = e.ident(&upper(table));
            let code = need(code);
            quote!(#enum_ty::#v { code: ::japay_core::spec::Code::new(#code, &super::codes::#t), detail: raw.get(#detail) })
        }
    }
}

fn variant_fields(o: &Outcome) -> TokenStream {
    let secret_or_str = |secret: bool| {
        if secret { quote!(::japay_core::outcome::Secret<'r>) } else { quote!(&'r str) }
    };
    match &o.kind {
        OutcomeKind::Ok | OutcomeKind::NotFound => quote!(),
        OutcomeKind::Redirect { url } => {
            let doc = format!(" Where to send the browser (`{url}`, decoded once).");
            quote!({ #[doc = #doc] url: &'r str })
        }
        OutcomeKind::Tds1 { url, pareq, pareq_secret } | OutcomeKind::Tds2 { url, pareq, pareq_secret } => {
            let url_doc = format!(" The 3-D Secure page to post the browser to (`{url}`).");
            let pareq_doc = format!(" The payload to post there (`{pareq}`), as decoded once.");
            let ty = secret_or_str(*pareq_secret);
            quote!({ #[doc = #url_doc] url: &'r str, #[doc = #pareq_doc] pareq: #ty })
        }
        OutcomeKind::Failure { code, detail, .. } => {
            let code_doc = format!(" The error code (`{code}`) with its table row (Japanese, English, remediation).");
            let detail_doc = format!(" The gateway's error text (`{detail}`), when it sent one.");
            quote!({ #[doc = #code_doc] code: ::japay_core::spec::Code<'r>, #[doc = #detail_doc] detail: ::core::option::Option<&'r str> })
        }
    }
}

fn outcome_doc(o: &Outcome, result_field: &str) -> String {
    let when = match &o.matches {
        ResultMatch::Values(v) => {
            format!("`{result_field}` is {}", v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(" or "))
        }
        ResultMatch::Absent => format!("the answer has fields but no `{result_field}`"),
        ResultMatch::EmptyAnswer => "the answer is empty".to_owned(),
    };
    let mut s = format!("`{}` ({}): {when}", o.name, o.kind.word());
    if !o.present.is_empty() {
        s.push_str(&format!(
            " and {} present",
            o.present.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    s.push_str(&format!(".\nSource: {}.", o.provenance.source));
    if let Some(u) = &o.provenance.uncertain {
        s.push_str(&format!("\n\n**Uncertain:** {u}."));
    }
    s
}

/// The outcome enum and the `outcome()` method.
fn emit_outcome(e: &mut Emitter, op: &Operation) -> (TokenStream, TokenStream) {
    let enum_ty = e.ident(&format!("{}Outcome", op.type_name));
    let result_field = op.result_field.as_str();
    let mut seen = Vec::new();
    let mut variants = Vec::new();
    for o in &op.outcomes {
        if seen.contains(&o.variant) {
            continue;
        }
        seen.push(o.variant.clone());
        let v = e.ident(&o.variant);
        let docs: Vec<String> =
            op.outcomes.iter().filter(|x| x.variant == o.variant).map(|x| outcome_doc(x, result_field)).collect();
        let doc = doc_lines(&docs.join("\n\n"));
        let fields = variant_fields(o);
        variants.push(quote! { #(#[doc = #doc])* #v #fields, });
    }
    let mut empty_arm = quote!(return ::core::result::Result::Err(::japay_core::outcome::OutcomeError::Empty););
    let mut cases = Vec::new();
    for o in &op.outcomes {
        let build = construct(e, &enum_ty, o);
        let present = o.present.iter().map(|p| quote!(&& has(#p)));
        match &o.matches {
            ResultMatch::EmptyAnswer => empty_arm = quote!(return ::core::result::Result::Ok(#build);),
            ResultMatch::Absent => {
                cases.push(quote! { if result.is_none() #(#present)* { return ::core::result::Result::Ok(#build); } })
            }
            ResultMatch::Values(values) => cases.push(quote! {
                if matches!(result, #(::core::option::Option::Some(#values))|*) #(#present)* { return ::core::result::Result::Ok(#build); }
            }),
        }
    }
    // a result value all of whose cases need fields that are missing: undecided, never a guess
    let mut undecided = Vec::new();
    let mut values: Vec<&String> = Vec::new();
    for o in &op.outcomes {
        if let ResultMatch::Values(v) = &o.matches {
            for x in v {
                if !values.contains(&x) {
                    values.push(x);
                }
            }
        }
    }
    for value in values {
        let covering: Vec<&Outcome> =
            op.outcomes.iter().filter(|o| matches!(&o.matches, ResultMatch::Values(v) if v.contains(value))).collect();
        if covering.iter().all(|o| !o.present.is_empty()) {
            let expected: Vec<&str> = covering.iter().flat_map(|o| o.present.iter().map(String::as_str)).collect();
            undecided.push(quote! {
                ::core::option::Option::Some(#value) => ::japay_core::outcome::OutcomeError::Undecided { field: #result_field, expected: &[#(#expected),*] },
            });
        }
    }
    let absent_cases: Vec<&Outcome> = op.outcomes.iter().filter(|o| matches!(o.matches, ResultMatch::Absent)).collect();
    let none_arm = if !absent_cases.is_empty() && absent_cases.iter().all(|o| !o.present.is_empty()) {
        let expected: Vec<&str> = absent_cases.iter().flat_map(|o| o.present.iter().map(String::as_str)).collect();
        quote!(::core::option::Option::None => ::japay_core::outcome::OutcomeError::Undecided { field: #result_field, expected: &[#(#expected),*] },)
    } else {
        quote!(::core::option::Option::None => ::japay_core::outcome::OutcomeError::MissingResult { field: #result_field },)
    };
    let enum_doc = prose_lines(&format!(
        "What the answer to `{}` means: one variant per outcome the spec documents. [`{}Response::outcome`] decides it \
         and fails closed.",
        op.name, op.type_name
    ));
    let uses_has = op.outcomes.iter().any(|o| !o.present.is_empty());
    let has = uses_has.then(|| quote!(let has = |name: &str| raw.get(name).is_some_and(|v| !v.is_empty());));
    let method_doc = prose_lines(&format!(
        "The outcome of the answer, decided from `{result_field}` (and, where the spec says so, from which fields are \
         present).\n\n# Errors\n[`OutcomeError`](::japay_core::outcome::OutcomeError) when the answer is none of the \
         documented outcomes: an unknown or missing `{result_field}`, or a field the outcome needs that is missing or \
         empty. Never a guess."
    ));
    let borrows = op.outcomes.iter().any(|o| !matches!(o.kind, OutcomeKind::Ok | OutcomeKind::NotFound));
    let use_lifetime = if borrows { quote!(<'_>) } else { quote!() };
    let method = quote! {
        #(#[doc = #method_doc])*
        pub fn outcome(&self) -> ::core::result::Result<#enum_ty #use_lifetime, ::japay_core::outcome::OutcomeError> {
            let raw = &self.raw;
            if raw.is_empty() {
                #empty_arm
            }
            let result = raw.get(#result_field);
            #has
            #(#cases)*
            ::core::result::Result::Err(match result {
                #(#undecided)*
                #none_arm
                ::core::option::Option::Some(_) => ::japay_core::outcome::OutcomeError::UnknownResult { field: #result_field },
            })
        }
    };
    // an enum whose variants carry no data has no lifetime
    let lifetime = if borrows { quote!(<'r>) } else { quote!() };
    let enum_tokens = quote! {
        #(#[doc = #enum_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #enum_ty #lifetime {
            #(#variants)*
        }
    };
    (enum_tokens, method)
}
