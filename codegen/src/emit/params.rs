//! `params.rs`: each shared parameter of `params.yaml` that an operation uses, once, as a `FieldSpec` constant (an
//! operation's table writes the constant plus what it changes), and each block of parameters once, as a table
//! constant and a borrowed sub-struct the operations embed.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::operation::{field_spec_with, struct_field, value_of};
use super::{Emitter, doc_lines, meta_const};
use crate::model::Model;
use crate::names::upper;

pub(crate) fn emit_params(e: &mut Emitter, model: &Model) -> TokenStream {
    let dir = &model.gateway.dir;
    // a block's uncertainty, written once, for the members that take it
    let mut shared = Vec::new();
    for b in model.blocks.iter().filter(|b| b.provenance.uncertain.is_some()) {
        let c = e.ident(&format!("{}_UNCERTAIN", upper(&b.name)));
        let u = meta_const(&b.provenance.uncertain);
        let doc = format!(" What is not known about the parameters of the block `{}`.", b.name);
        shared.push((b, quote!(#c), quote! { #[doc = #doc] const #c: Option<&str> = #u; }));
    }
    let consts: Vec<_> = model
        .params
        .iter()
        .map(|f| {
            let c = e.ident(&upper(&f.rust_name));
            let takes = shared
                .iter()
                .find(|(b, _, _)| b.params.contains(&f.wire) && f.provenance.uncertain == b.provenance.uncertain);
            let spec = field_spec_with(e, f, takes.map(|(_, c, _)| c.clone()));
            let doc = format!(" `{}` ({}).", f.wire, f.label_ja);
            quote! { #[doc = #doc] pub(crate) const #c: spec::FieldSpec = #spec; }
        })
        .collect();
    let blocks: Vec<_> = model
        .blocks
        .iter()
        .map(|b| {
            let members: Vec<_> = b.params.iter().filter_map(|p| model.params.iter().find(|f| &f.wire == p)).collect();
            let c = e.ident(&upper(&b.name));
            let ty = e.ident(&b.type_name);
            let n = Literal::usize_unsuffixed(members.len());
            let consts: Vec<_> = members.iter().map(|f| e.ident(&upper(&f.rust_name))).collect();
            let fields: Vec<_> = members.iter().map(|f| struct_field(e, f)).collect();
            let values: Vec<_> = members.iter().map(|f| value_of(e, f, quote!(self))).collect();
            let debug: Vec<_> = members
                .iter()
                .map(|f| {
                    let (id, wire) = (e.ident(&f.rust_name), &f.wire);
                    if f.secret {
                        quote!(.field(#wire, &self.#id.map(|_| ::japay_core::secret::REDACTED)))
                    } else {
                        quote!(.field(#wire, &self.#id))
                    }
                })
                .collect();
            let name = b.name.as_str();
            let table_doc = doc_lines(&format!("The fields of the block `{name}`, in the order they are sent."));
            let mut text = format!("{} (block `{name}` of `{dir}/params.yaml`).", b.meaning);
            if b.provenance.uncertain.is_some() {
                text.push_str(" Some facts are uncertain (see the spec).");
            }
            text.push_str("\n\nEmbedded in the requests that take it, flattened with the `serde` feature; every value is checked as the operation's own.");
            let doc = doc_lines(&text);
            let type_name = &b.type_name;
            quote! {
                #(#[doc = #table_doc])*
                pub(crate) static #c: [spec::FieldSpec; #n] = [#(#consts),*];

                #(#[doc = #doc])*
                #[derive(Clone, Copy, Default, PartialEq, Eq)]
                #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))]
                pub struct #ty<'a> {
                    #(#fields)*
                }

                impl<'a> #ty<'a> {
                    /// The values in the block's order.
                    pub fn values(&self) -> [Option<&'a str>; #n] {
                        [#(#values),*]
                    }

                    /// Writes the values into an operation's `values` from index `at` on.
                    pub(crate) fn place<const N: usize>(&self, values: &mut [Option<&'a str>; N], at: usize) {
                        for (slot, value) in values.iter_mut().skip(at).zip(self.values()) {
                            *slot = value;
                        }
                    }
                }

                impl ::core::fmt::Debug for #ty<'_> {
                    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.debug_struct(#type_name) #(#debug)* .finish()
                    }
                }
            }
        })
        .collect();
    let doc = doc_lines(&format!(
        "The shared parameters of `{dir}/params.yaml` that operations use, each written once, and its blocks."
    ));
    let shared = shared.iter().map(|(_, _, item)| item);
    quote! {
        #(#![doc = #doc])*
        #(#shared)*
        #(#consts)*
        #(#blocks)*
    }
}
