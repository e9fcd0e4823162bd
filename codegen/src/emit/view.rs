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

/// The typed accessors over `list`, reading the view's field `from` (`answer`, or `block` for a row view).
fn accessors(e: &mut Emitter, list: &[Accessor<'_>], from: &str) -> Vec<TokenStream> {
    let from = e.ident(from);
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
                        pub fn #id(&self) -> Option<spec::Code<'_>> {
                            self.#from.get(#name).map(|v| spec::Code::new(v, &super::codes::#t))
                        }
                    }
                }
                None => {
                    let doc = doc_lines(&format!("`{name}`: {} (first occurrence, decoded).", a.meaning));
                    quote! {
                        #(#[doc = #doc])*
                        pub fn #id(&self) -> Option<&str> {
                            self.#from.get(#name)
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
    let accessors = accessors(e, &list, "answer");
    let serialize = serialize_incoming(e, op);
    let doc = doc_lines(&format!("The decoded query string or form body of `{}`: {}.", op.name, op.title_en));
    quote! {
        #(#[doc = #doc])*
        #[derive(Debug)]
        pub struct #ty<'a> {
            answer: crate::answer::Answer<'a>,
        }

        impl<'a> #ty<'a> {
            /// Every parameter, in order (unknown ones included).
            pub fn answer(&self) -> &crate::answer::Answer<'a> {
                &self.answer
            }

            /// Decodes `input`, a query string (without the leading `?`) or a form body (the same format), and
            /// checks it against the spec: required
            /// parameters, kinds, allowed values and byte limits (CP932 bytes for [`Version::V1`]); a parameter
            /// of the spec repeated with another value is an error.
            ///
            /// # Errors
            /// [`IncomingError::Parse`] for malformed percent-encoding, bytes invalid in the charset of
            /// `version` or conflicting repeats; [`IncomingError::Invalid`] with every violation of the spec.
            ///
            /// [`Version::V1`]: crate::answer::Version::V1
            /// [`IncomingError::Parse`]: crate::incoming::IncomingError::Parse
            /// [`IncomingError::Invalid`]: crate::incoming::IncomingError::Invalid
            pub fn parse(input: &'a [u8], version: crate::answer::Version) -> Result<Self, crate::incoming::IncomingError> {
                crate::incoming::parse(input, version, &#c).map(|answer| Self { answer })
            }
            #(#accessors)*
        }

        #serialize
    }
}

/// The view of an incoming form body for a gateway whose answers are XML element text (Kuroneko): no answer
/// version selects a charset (the body is UTF-8 or pure ASCII, never guessed), so `parse` takes the body alone and
/// the view wraps the gateway's `crate::incoming::Form` (its decoded parameters) instead of an answer.
pub(crate) fn emit_incoming_form(e: &mut Emitter, op: &Operation) -> TokenStream {
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
    let accessors = accessors(e, &list, "form");
    let serialize = serialize_incoming(e, op);
    let doc = doc_lines(&format!("The decoded form body of `{}`: {}.", op.name, op.title_en));
    quote! {
        #(#[doc = #doc])*
        #[derive(Debug)]
        pub struct #ty<'a> {
            form: crate::incoming::Form<'a>,
        }

        impl<'a> #ty<'a> {
            /// Every parameter, in order (unknown ones included).
            pub fn form(&self) -> &crate::incoming::Form<'a> {
                &self.form
            }

            /// Decodes `body` (an `application/x-www-form-urlencoded` body, UTF-8 once percent-decoded) and checks
            /// it against the spec: required parameters, kinds, allowed values and byte limits; a parameter,
            /// listed or not, repeated with another value is an error; unknown parameters are kept.
            ///
            /// # Errors
            /// [`IncomingError::Parse`] for a body that does not decode (malformed percent-encoding, bytes that are
            /// not UTF-8, conflicting repeats); [`IncomingError::Invalid`] with every violation of the spec.
            ///
            /// [`IncomingError::Parse`]: crate::incoming::IncomingError::Parse
            /// [`IncomingError::Invalid`]: crate::incoming::IncomingError::Invalid
            pub fn parse(body: &'a [u8]) -> Result<Self, crate::incoming::IncomingError> {
                crate::incoming::parse(body, &#c).map(|form| Self { form })
            }
            #(#accessors)*
        }

        #serialize
    }
}

/// With the `serde` feature an incoming view serializes as one object: every parameter of its spec, in spec order,
/// by wire name, `null` when absent; a code as its table row (see `japay_core::spec::Code`); a secret parameter
/// (marked `secret` or named in the gateway's secret names: the checker marks the latter, the name test here is the
/// last line of defence) as `"<redacted>"`. Parameters the spec does not list stay in `answer()` and are not serialized.
fn serialize_incoming(e: &mut Emitter, op: &Operation) -> TokenStream {
    let ty = e.ident(&op.type_name);
    let type_name = &op.type_name;
    let n = op.fields.len();
    let fields: Vec<TokenStream> = op
        .fields
        .iter()
        .map(|f| {
            let (wire, id) = (&f.wire, e.ident(&f.rust_name));
            if f.secret || e.is_secret(&f.wire) {
                quote!(s.serialize_field(#wire, &self.#id().map(|_| ::japay_core::secret::REDACTED))?;)
            } else {
                quote!(s.serialize_field(#wire, &self.#id())?;)
            }
        })
        .collect();
    let doc = prose_lines(&format!(
        "With the `serde` feature: one object of every parameter of the spec of `{}`, by wire name, `null` when \
         absent; codes with their table row; secret parameters as `\"<redacted>\"`. Unknown parameters are in \
         `answer()` only.",
        op.name
    ));
    quote! {
        #(#[doc = #doc])*
        #[cfg(feature = "serde")]
        impl ::serde::Serialize for #ty<'_> {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let mut s = serializer.serialize_struct(#type_name, #n)?;
                #(#fields)*
                s.end()
            }
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
    let accessors = accessors(e, &list, "answer");
    let doc = doc_lines(&format!("The decoded answer to `{}` ({}).", op.name, op.path));
    let outcome = (!op.outcomes.is_empty()).then(|| emit_outcome(e, op));
    let (outcome_enum, outcome_method) = outcome.unzip();
    Some(quote! {
        #(#[doc = #doc])*
        #[derive(Debug)]
        pub struct #ty<'a> {
            answer: crate::answer::Answer<'a>,
        }

        impl<'a> #ty<'a> {
            /// The whole decoded answer: every attribute, in document order (unknown ones included).
            pub fn answer(&self) -> &crate::answer::Answer<'a> {
                &self.answer
            }

            /// Decodes a response body whose text is in the charset of `version`; an attribute of this answer
            /// repeated with another value is an error.
            ///
            /// # Errors
            /// See [`crate::answer::Answer::parse_typed`].
            pub fn parse(body: &'a [u8], version: crate::answer::Version) -> Result<Self, crate::answer::ParseError> {
                crate::answer::Answer::parse_typed(body, version, &#response_static).map(|answer| Self { answer })
            }

            /// Decodes the answer to a request sent with `options`: the answer's charset follows from the
            /// request's transport ([`crate::exchange::answer_version`]).
            ///
            /// # Errors
            /// See [`crate::answer::Answer::parse_typed`].
            pub fn parse_for(body: &'a [u8], options: ::japay_core::Options) -> Result<Self, crate::answer::ParseError> {
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
    let fields = accessors(e, &of_attributes(&r.attributes), "answer");
    let mut group_accessors = Vec::new();
    let mut rows = Vec::new();
    for g in &r.groups {
        // a group shared with an earlier operation reads through that operation's row view (`super::m::Row`)
        let row = match &g.defined_in {
            Some(m) => {
                let (m, ty) = (e.ident(m), e.ident(&g.type_name));
                quote!(super::#m::#ty)
            }
            None => {
                let ty = e.ident(&g.type_name);
                quote!(#ty)
            }
        };
        let id = e.ident(&g.rust_name);
        let name = &g.name;
        if g.repeated {
            let doc = doc_lines(&format!("The `{name}` elements ({}), in document order.", g.meaning));
            group_accessors.push(quote! {
                #(#[doc = #doc])*
                pub fn #id(&self) -> impl ::core::iter::Iterator<Item = #row<'_, 'a>> + '_ {
                    self.answer.groups_named(#name).map(|block| #row { block })
                }
            });
        } else {
            let doc = doc_lines(&format!("The first `{name}` element ({}).", g.meaning));
            group_accessors.push(quote! {
                #(#[doc = #doc])*
                pub fn #id(&self) -> Option<#row<'_, 'a>> {
                    self.answer.groups_named(#name).next().map(|block| #row { block })
                }
            });
        }
        if g.defined_in.is_some() {
            continue;
        }
        let row_accessors = accessors(e, &of_attributes(&g.elements), "block");
        let mut doc = format!("One `{name}` element of the answer to `{}`", op.name);
        for other in &g.shared_with {
            doc.push_str(&format!(" and to `{other}`"));
        }
        doc.push_str(&format!(": {}.", g.meaning));
        if g.provenance.uncertain.is_some() {
            doc.push_str(" Some facts are uncertain (see the spec).");
        }
        let doc = doc_lines(&doc);
        // the operations that reuse the row view build it from their own module
        let vis = if g.shared_with.is_empty() { quote!() } else { quote!(pub(super)) };
        rows.push(quote! {
            #(#[doc = #doc])*
            #[derive(Clone, Copy, Debug)]
            pub struct #row<'r, 'a> {
                #vis block: &'r crate::answer::Block<'a>,
            }

            impl<'r, 'a> #row<'r, 'a> {
                /// Every child element, in document order (unknown ones included).
                pub fn block(&self) -> &'r crate::answer::Block<'a> {
                    self.block
                }

                #(#row_accessors)*
            }
        });
    }
    let doc = doc_lines(&format!("The decoded answer to `{}` ({}).", op.name, op.path));
    let result_field = &op.result_field;
    let mut success = format!(
        "Whether `{result_field}` is present and equals [`super::RESULT_SUCCESS`]: the gateway accepted the request. \
         Anything else is not success. Accepted is not necessarily done: an answer that only starts a further step is \
         accepted too (for A08, an answer that starts 3-D Secure)."
    );
    if !op.outcomes.is_empty() {
        success.push_str(" [`Self::outcome`] tells the documented outcomes apart and fails closed.");
    }
    let success_doc = prose_lines(&success);
    let outcome = (!op.outcomes.is_empty()).then(|| emit_outcome(e, op));
    let (outcome_enum, outcome_method) = outcome.unzip();
    Some(quote! {
        #(#[doc = #doc])*
        #[derive(Debug)]
        pub struct #ty<'a> {
            answer: crate::answer::Answer<'a>,
        }

        impl<'a> #ty<'a> {
            /// The whole answer: every element, in document order (unknown ones included).
            pub fn answer(&self) -> &crate::answer::Answer<'a> {
                &self.answer
            }

            /// Reads an answer body, redacting the values of [`super::SECRET_NAMES`] in `Debug` output.
            ///
            /// # Errors
            /// See [`crate::answer::Answer::parse`].
            pub fn parse(body: &'a [u8]) -> Result<Self, crate::answer::AnswerError> {
                crate::answer::Answer::parse_with_secrets(body, super::SECRET_NAMES).map(|answer| Self { answer })
            }

            #(#[doc = #success_doc])*
            pub fn is_success(&self) -> bool {
                self.answer.get(super::RESULT_FIELD) == Some(super::RESULT_SUCCESS)
            }
            #outcome_method
            #(#fields)*
            #(#group_accessors)*
        }

        #outcome_enum

        #(#rows)*
    })
}

/// The tokens that build one outcome's variant from `raw`.
fn construct(e: &mut Emitter, enum_ty: &proc_macro2::Ident, o: &Outcome) -> TokenStream {
    let v = e.ident(&o.variant);
    let name = &o.name;
    let need = |field: &str| quote!(outcome::need(raw.get(#field), #name, #field)?);
    let need_https = |field: &str| quote!(outcome::need_https(raw.get(#field), #name, #field)?);
    let build = match &o.kind {
        OutcomeKind::Ok | OutcomeKind::NotFound | OutcomeKind::Pending => quote!(#enum_ty::#v),
        OutcomeKind::TdsHtml { html, token } => {
            // an HTML page is written to the browser as it is: not a URL, so not URL-checked
            let (html, token) = (need(html), need(token));
            quote!(#enum_ty::#v { html: outcome::Secret::new(#html), token: outcome::Secret::new(#token) })
        }
        OutcomeKind::RedirectHtml { html } => {
            let html = need(html);
            quote!(#enum_ty::#v { html: outcome::Secret::new(#html) })
        }
        OutcomeKind::Redirect { url } => {
            let url = need_https(url);
            quote!(#enum_ty::#v { url: #url })
        }
        OutcomeKind::Tds1 { url, pareq, pareq_secret } | OutcomeKind::Tds2 { url, pareq, pareq_secret } => {
            let (url, p) = (need_https(url), need(pareq));
            let pareq = if *pareq_secret { quote!(outcome::Secret::new(#p)) } else { p };
            quote!(#enum_ty::#v { url: #url, pareq: #pareq })
        }
        OutcomeKind::Failure { detail, cause, uncoded: true, .. } => {
            // no error code: the code field was refused non-empty above (`error_code_empty`)
            let detail = detail.as_ref().map(|detail| quote!(detail: raw.get(#detail),));
            let cause = cause.as_ref().map(|(field, table)| {
                let t = e.ident(&upper(table));
                quote!(cause: raw.get(#field).filter(|v| !v.is_empty()).map(|v| spec::Code::new(v, &super::codes::#t)),)
            });
            if detail.is_none() && cause.is_none() {
                quote!(#enum_ty::#v)
            } else {
                quote!(#enum_ty::#v { #detail #cause })
            }
        }
        OutcomeKind::Failure { code, table, detail, cause, uncoded: false } => {
            let t = e.ident(&upper(table));
            let code = need(code);
            let detail = detail.as_ref().map(|detail| quote!(detail: raw.get(#detail),));
            let cause = cause.as_ref().map(|(field, table)| {
                let t = e.ident(&upper(table));
                // an empty element is no cause
                quote!(cause: raw.get(#field).filter(|v| !v.is_empty()).map(|v| spec::Code::new(v, &super::codes::#t)),)
            });
            if detail.is_none() && cause.is_none() {
                quote!(#enum_ty::#v { code: spec::Code::new(#code, &super::codes::#t) })
            } else {
                quote!(#enum_ty::#v { code: spec::Code::new(#code, &super::codes::#t), #detail #cause })
            }
        }
    };
    let build = match &o.count {
        Some((field, group)) => quote!({
            outcome::check_count(raw.get(#field), raw.groups_named(#group).count(), #name, (#field, #group))?;
            #build
        }),
        None => build,
    };
    match &o.error_code_empty {
        Some(field) => {
            quote!({ outcome::refuse_error_code(raw.get(#field), #name, #field)?; #build })
        }
        None => build,
    }
}

fn variant_fields(o: &Outcome) -> TokenStream {
    let secret_or_str = |secret: bool| {
        if secret { quote!(outcome::Secret<'r>) } else { quote!(&'r str) }
    };
    match &o.kind {
        OutcomeKind::Ok | OutcomeKind::NotFound | OutcomeKind::Pending => quote!(),
        OutcomeKind::TdsHtml { html, token } => {
            let html_doc = format!(
                " The page to write to the browser as it is (`{html}`): it posts itself to the card issuer to start \
                 3-D Secure. Secret; an HTML page, not a URL."
            );
            let token_doc = format!(" The token to keep on the server for the step that follows (`{token}`). Secret.");
            quote!({ #[doc = #html_doc] html: outcome::Secret<'r>, #[doc = #token_doc] token: outcome::Secret<'r> })
        }
        OutcomeKind::RedirectHtml { html } => {
            let doc =
                format!(" The page to write to the browser as it is (`{html}`): it forwards the browser. Secret.");
            quote!({ #[doc = #doc] html: outcome::Secret<'r> })
        }
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
        OutcomeKind::Failure { code, detail, cause, uncoded, .. } => {
            let code_doc = format!(" The error code (`{code}`) with its table row (Japanese, English, remediation).");
            if *uncoded {
                // the gateway sent no error code: the variant carries what else it sent
                let detail = detail.as_ref().map(|detail| {
                    let detail_doc = format!(" The gateway's error text (`{detail}`), when it sent one.");
                    quote!(#[doc = #detail_doc] detail: Option<&'r str>,)
                });
                let cause = cause.as_ref().map(|(field, table)| {
                    let cause_doc = format!(
                        " The cause (`{field}`) with its row of the `{table}` table, when the answer has a non-empty one."
                    );
                    quote!(#[doc = #cause_doc] cause: Option<spec::Code<'r>>,)
                });
                return if detail.is_none() && cause.is_none() { quote!() } else { quote!({ #detail #cause }) };
            }
            let detail = detail.as_ref().map(|detail| {
                let detail_doc = format!(" The gateway's error text (`{detail}`), when it sent one.");
                quote!(#[doc = #detail_doc] detail: Option<&'r str>,)
            });
            let cause = cause.as_ref().map(|(field, table)| {
                let cause_doc = format!(
                    " The cause (`{field}`) with its row of the `{table}` table, when the answer has a non-empty one."
                );
                quote!(#[doc = #cause_doc] cause: Option<spec::Code<'r>>,)
            });
            if detail.is_none() && cause.is_none() {
                quote!({ #[doc = #code_doc] code: spec::Code<'r> })
            } else {
                quote!({ #[doc = #code_doc] code: spec::Code<'r>, #detail #cause })
            }
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
            ", with {} present",
            o.present.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    s.push('.');
    if o.provenance.uncertain.is_some() {
        s.push_str(" Some facts are uncertain (see the spec).");
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
        let name = &o.name;
        variants.push(quote! { #(#[doc = #doc])* #[cfg_attr(feature = "serde", serde(rename = #name))] #v #fields, });
    }
    let mut empty_arm = quote!(return Err(outcome::OutcomeError::Empty););
    for o in &op.outcomes {
        if matches!(o.matches, ResultMatch::EmptyAnswer) {
            let build = construct(e, &enum_ty, o);
            empty_arm = quote!(return Ok(#build););
        }
    }
    // one arm per set of result values with the same cases, in the order the values first appear
    let mut arms: Vec<(Vec<&String>, Vec<&Outcome>)> = Vec::new();
    for o in &op.outcomes {
        let ResultMatch::Values(values) = &o.matches else { continue };
        for value in values {
            if arms.iter().any(|(vs, _)| vs.contains(&value)) {
                continue;
            }
            let cases: Vec<&Outcome> = op
                .outcomes
                .iter()
                .filter(|x| matches!(&x.matches, ResultMatch::Values(v) if v.contains(value)))
                .collect();
            let same = |other: &[&Outcome]| {
                other.len() == cases.len() && other.iter().zip(&cases).all(|(a, b)| core::ptr::eq(*a, *b))
            };
            match arms.iter_mut().find(|(_, c)| same(c)) {
                Some((vs, _)) => vs.push(value),
                None => arms.push((vec![value], cases)),
            }
        }
    }
    let mut match_arms = Vec::new();
    for (values, cases) in &arms {
        let decide = decide(e, &enum_ty, result_field, cases);
        match_arms.push(quote!(Some(#(#values)|*) => #decide,));
    }
    let absent_cases: Vec<&Outcome> = op.outcomes.iter().filter(|o| matches!(o.matches, ResultMatch::Absent)).collect();
    if absent_cases.is_empty() {
        match_arms.push(quote!(None => Err(outcome::OutcomeError::MissingResult { field: #result_field }),));
    } else {
        let decide = decide(e, &enum_ty, result_field, &absent_cases);
        match_arms.push(quote!(None => #decide,));
    }
    match_arms.push(quote!(Some(_) => Err(outcome::OutcomeError::UnknownResult { field: #result_field }),));
    let enum_doc = prose_lines(&format!(
        "What the answer to `{}` means: one variant per outcome the spec documents. [`{}Response::outcome`] decides it \
         and fails closed.",
        op.name, op.type_name
    ));
    let uses_has = op.outcomes.iter().any(|o| !o.present.is_empty());
    let has = uses_has.then(|| quote!(let has = |name: &str| raw.get(name).is_some_and(|v| !v.is_empty());));
    let mut refused = vec![
        format!("an unknown or missing `{result_field}`"),
        "fields that fit none of its outcomes (`Undecided`) or more than one (`Ambiguous`)".to_owned(),
        "a field the outcome needs that is missing or empty".to_owned(),
    ];
    if let Some(field) = op.outcomes.iter().find_map(|o| o.error_code_empty.as_ref()) {
        refused.push(format!("an error code (`{field}`) in an outcome that is not a failure (`ErrorCodeOnSuccess`)"));
    }
    if op
        .outcomes
        .iter()
        .any(|o| matches!(o.kind, OutcomeKind::Redirect { .. } | OutcomeKind::Tds1 { .. } | OutcomeKind::Tds2 { .. }))
    {
        refused.push("a redirect or 3-D Secure url that is not `https://` (or `http://` to a loopback host: a local sandbox) (`InsecureUrl`)".to_owned());
    }
    let last = refused.pop().unwrap_or_default();
    let method_doc = prose_lines(&format!(
        "The one documented outcome the answer fits, decided from `{result_field}` and the fields present.\
         \n\n# Errors\n[`OutcomeError`](outcome::OutcomeError) when it fits none or several: {}, or {last}.",
        refused.join(", ")
    ));
    // an element-text answer always has its root; an empty one has no result field
    let empty_check = (!op.element_answer).then(|| quote!(if raw.is_empty() { #empty_arm }));
    let borrows = op.outcomes.iter().any(|o| {
        !matches!(
            o.kind,
            OutcomeKind::Ok
                | OutcomeKind::NotFound
                | OutcomeKind::Pending
                | OutcomeKind::Failure { uncoded: true, detail: None, cause: None, .. }
        )
    });
    let use_lifetime = if borrows { quote!(<'_>) } else { quote!() };
    let raw_ty = quote!(crate::answer::Answer<'_>);
    let method = quote! {
        #(#[doc = #method_doc])*
        pub fn outcome(&self) -> Result<#enum_ty #use_lifetime, outcome::OutcomeError> {
            decide(&self.answer)
        }
    };
    // an enum whose variants carry no data has no lifetime
    let lifetime = if borrows { quote!(<'r>) } else { quote!() };
    let decide_sig = if borrows {
        quote!(fn decide<'r>(raw: &'r #raw_ty) -> Result<#enum_ty<'r>, outcome::OutcomeError>)
    } else {
        quote!(fn decide(raw: &#raw_ty) -> Result<#enum_ty, outcome::OutcomeError>)
    };
    let decide_doc = format!(" The body of [`{}Response::outcome`].", op.type_name);
    // with `serde`: internally tagged, `{"outcome": "<spec name>", …fields}`; a secret payload is a `Secret`,
    // which serializes as "<redacted>"
    let enum_serde = quote! {
        #[cfg_attr(feature = "serde", derive(::serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(tag = "outcome"))]
    };
    let summarize = emit_summarize(e, op, &enum_ty, &raw_ty);
    let enum_tokens = quote! {
        #(#[doc = #enum_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #enum_serde
        #[non_exhaustive]
        pub enum #enum_ty #lifetime {
            #(#variants)*
        }

        #[doc = #decide_doc]
        #decide_sig {
            #empty_check
            let result = raw.get(#result_field);
            #has
            match result {
                #(#match_arms)*
            }
        }

        #summarize
    };
    (enum_tokens, method)
}

/// `summarize`: the outcome as a gateway-neutral [`japay_core::outcome::OutcomeSummary`], the entry of the
/// gateway's `OUTCOMES` table.
fn emit_summarize(e: &mut Emitter, op: &Operation, enum_ty: &proc_macro2::Ident, raw_ty: &TokenStream) -> TokenStream {
    let mut seen: Vec<&str> = Vec::new();
    let mut arms = Vec::new();
    // with a failure's cause the arms give it too (a gateway without one keeps the shorter form)
    let causes = op.outcomes.iter().any(|o| matches!(o.kind, OutcomeKind::Failure { cause: Some(_), .. }));
    for o in &op.outcomes {
        if seen.contains(&o.variant.as_str()) {
            continue;
        }
        seen.push(&o.variant);
        let v = e.ident(&o.variant);
        let (name, kind) = (&o.name, o.kind.word());
        arms.push(match (&o.kind, causes) {
            (OutcomeKind::Failure { uncoded: true, cause: Some(_), .. }, _) => {
                quote!(#enum_ty::#v { cause, .. } => (#name, #kind, None, cause),)
            }
            (OutcomeKind::Failure { uncoded: true, .. }, true) => {
                quote!(#enum_ty::#v { .. } => (#name, #kind, None, None),)
            }
            (OutcomeKind::Failure { uncoded: true, .. }, false) => quote!(#enum_ty::#v { .. } => (#name, #kind, None),),
            (OutcomeKind::Failure { cause: Some(_), .. }, _) => {
                quote!(#enum_ty::#v { code, cause, .. } => (#name, #kind, Some(code), cause),)
            }
            (OutcomeKind::Failure { .. }, true) => {
                quote!(#enum_ty::#v { code, .. } => (#name, #kind, Some(code), None),)
            }
            (OutcomeKind::Failure { .. }, false) => quote!(#enum_ty::#v { code, .. } => (#name, #kind, Some(code)),),
            (_, true) => quote!(#enum_ty::#v { .. } => (#name, #kind, None, None),),
            (_, false) => quote!(#enum_ty::#v { .. } => (#name, #kind, None),),
        });
    }
    let result_field = op.result_field.as_str();
    let doc = prose_lines(&format!(
        "The outcome of an answer to `{}` as a gateway-neutral summary: the outcome's spec name and kind, the \
         `{result_field}` value and the typed error code of a failure. The entry of this operation in \
         [`super::OUTCOMES`].\n\n# Errors\nAs [`{}Response::outcome`]: the answer is not exactly one documented \
         outcome.",
        op.name, op.type_name
    ));
    let body = if causes {
        quote! {
            let (name, kind, error, cause) = match decide(raw)? {
                #(#arms)*
            };
            Ok(outcome::OutcomeSummary::new(name, kind, raw.get(#result_field), error).with_cause(cause))
        }
    } else {
        quote! {
            let (name, kind, error) = match decide(raw)? {
                #(#arms)*
            };
            Ok(outcome::OutcomeSummary::new(name, kind, raw.get(#result_field), error))
        }
    };
    quote! {
        #(#[doc = #doc])*
        pub fn summarize<'r>(raw: &'r #raw_ty) -> Result<outcome::OutcomeSummary<'r>, outcome::OutcomeError> {
            #body
        }
    }
}

/// The expression that decides among the cases of one result value (or of its absence): each case fits when all of
/// its `present` fields are there; exactly one fitting outcome is the answer, none is `Undecided`, several are
/// `Ambiguous` (never the first in file order).
fn decide(e: &mut Emitter, enum_ty: &proc_macro2::Ident, result_field: &str, cases: &[&Outcome]) -> TokenStream {
    let ok = |e: &mut Emitter, o: &Outcome| {
        let build = construct(e, enum_ty, o);
        quote!(Ok(#build))
    };
    let [only] = cases else {
        return decide_many(e, result_field, cases, ok);
    };
    if only.present.is_empty() {
        return ok(e, only);
    }
    let test = fits(only);
    let build = ok(e, only);
    let refused = undecided(result_field, cases);
    quote!(if #test { #build } else { #refused })
}

fn decide_many(
    e: &mut Emitter,
    result_field: &str,
    cases: &[&Outcome],
    ok: impl Fn(&mut Emitter, &Outcome) -> TokenStream,
) -> TokenStream {
    let fits: Vec<TokenStream> = cases.iter().map(|o| fits(o)).collect();
    let mut arms = Vec::new();
    for mask in 0u32..(1 << cases.len()) {
        let bits = (0..cases.len()).map(|i| if mask & (1 << i) != 0 { quote!(true) } else { quote!(false) });
        let fitting: Vec<&Outcome> =
            cases.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, o)| *o).collect();
        let mut names: Vec<&str> = Vec::new();
        for o in &fitting {
            if !names.contains(&o.name.as_str()) {
                names.push(&o.name);
            }
        }
        let body = match (fitting.first(), names.len()) {
            (None, _) => undecided(result_field, cases),
            (Some(first), 1) => ok(e, first),
            _ => {
                quote!(Err(outcome::OutcomeError::Ambiguous { field: #result_field, outcomes: &[#(#names),*] }))
            }
        };
        arms.push(quote!([#(#bits),*] => #body,));
    }
    quote!(match [#(#fits),*] { #(#arms)* })
}

/// Whether every `present` field of the case is there (non-empty).
fn fits(o: &Outcome) -> TokenStream {
    if o.present.is_empty() {
        return quote!(true);
    }
    let present = &o.present;
    quote!(#(has(#present))&&*)
}

fn undecided(result_field: &str, cases: &[&Outcome]) -> TokenStream {
    let mut expected: Vec<&str> = Vec::new();
    for name in cases.iter().flat_map(|o| o.present.iter()) {
        if !expected.contains(&name.as_str()) {
            expected.push(name);
        }
    }
    quote!(Err(outcome::OutcomeError::Undecided { field: #result_field, expected: &[#(#expected),*] }))
}
