//! `codes.rs`: the code tables (with a rustls-style enum where the table asks for one) and the bitmaps.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Emitter, doc_lines, meta_const, meta_opt, meta_str, source_call};
use crate::model::{Bitmap, Model, Table};
use crate::names::upper;

fn emit_table(e: &mut Emitter, t: &Table) -> TokenStream {
    let c = e.ident(&upper(&t.name));
    let (name, meaning) = (&t.name, &t.meaning);
    let (source, uncertain) = (meta_str(&t.provenance.source), meta_opt(&t.provenance.uncertain));
    let rows = t.rows.iter().map(|r| {
        let (code, ja, en, source) = (&r.code, &r.ja, &r.en, source_call(&r.provenance));
        let remediation = r.remediation.as_ref().map(|rem| quote!(.with_remediation(#rem)));
        quote! {
            spec::CodeEntry::new(#code, #ja, #en) #remediation #source
        }
    });
    let doc = doc_lines(&format!("`{name}`: {meaning} ({}).", t.file));
    let rust_enum = t.rust_enum.as_ref().map(|en| emit_enum(e, t, en));
    quote! {
        #(#[doc = #doc])*
        pub static #c: spec::CodeTable =
            spec::CodeTable::new(#name, #meaning, &[#(#rows),*]).with_source(#source, #uncertain);
        #rust_enum
    }
}

/// A rustls-style enum: one variant per known code, `Unknown` for any other value, conversion from the wire string.
fn emit_enum(e: &mut Emitter, t: &Table, enum_name: &str) -> TokenStream {
    let ty = e.ident(enum_name);
    let table = e.ident(&upper(&t.name));
    let rows: Vec<_> = t.rows.iter().filter_map(|r| r.variant.as_ref().map(|v| (r, v))).collect();
    let variants: Vec<_> = rows
        .iter()
        .map(|(r, v)| {
            let v = e.ident(v);
            let doc = doc_lines(&format!("`{:?}`: {}.", r.code, r.en));
            quote! { #(#[doc = #doc])* #v, }
        })
        .collect();
    let from_arms: Vec<_> = rows
        .iter()
        .map(|(r, v)| {
            let v = e.ident(v);
            let code = &r.code;
            quote!(#code => #ty::#v,)
        })
        .collect();
    let as_str_arms: Vec<_> = rows
        .iter()
        .map(|(r, v)| {
            let v = e.ident(v);
            let code = &r.code;
            quote!(#ty::#v => #code,)
        })
        .collect();
    let doc = doc_lines(&format!(
        "The codes of `{}` as an enum: one variant per code the spec lists, [`{enum_name}::Unknown`] for any other \
         value. Converts from the wire string; [`{enum_name}::as_str`] gives it back.",
        t.name
    ));
    quote! {
        #(#[doc = #doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ty<'a> {
            #(#variants)*
            /// A value the table does not list.
            Unknown(&'a str),
        }

        impl<'a> ::core::convert::From<&'a str> for #ty<'a> {
            fn from(value: &'a str) -> Self {
                match value {
                    #(#from_arms)*
                    other => #ty::Unknown(other),
                }
            }
        }

        impl<'a> #ty<'a> {
            /// The value as on the wire.
            pub fn as_str(&self) -> &'a str {
                match *self {
                    #(#as_str_arms)*
                    #ty::Unknown(other) => other,
                }
            }

            /// The table row (Japanese and English text, remediation), `None` for an unknown value.
            pub fn entry(&self) -> Option<&'static spec::CodeEntry> {
                #table.lookup(self.as_str())
            }
        }
    }
}

fn describe_groups(groups: &[u8]) -> String {
    groups.iter().map(|&g| "n".repeat(usize::from(g))).collect::<Vec<_>>().join("-")
}

fn emit_bitmap(e: &mut Emitter, b: &Bitmap) -> TokenStream {
    let base = upper(&b.name);
    let (c, groups_c, legacy_c, positions_c, uncertain_c) = (
        e.ident(&base),
        e.ident(&format!("{base}_GROUPS")),
        e.ident(&format!("{base}_LEGACY_GROUPS")),
        e.ident(&format!("{base}_POSITIONS")),
        e.ident(&format!("{base}_UNCERTAIN")),
    );
    let groups = b.groups.iter().map(|g| Literal::u8_unsuffixed(*g));
    let legacy = b.legacy_groups.iter().map(|layout| {
        let groups = layout.iter().map(|g| Literal::u8_unsuffixed(*g));
        quote!(&[#(#groups),*])
    });
    let n = b.positions.len();
    let positions = b.positions.iter().map(|p| {
        let pos = Literal::u8_unsuffixed(p.pos);
        let (label, key, ja, en, source) = (&p.label, &p.key, &p.ja, &p.en, source_call(&p.provenance));
        quote! {
            spec::BitmapPosition::new(#pos, #label, #key, #ja, #en) #source
        }
    });
    let name = &b.name;
    let doc = doc_lines(&format!("`{name}`: {} Source: {}.", b.meaning, b.provenance.source));
    let uncertain = meta_const(&b.provenance.uncertain);
    let mut description = describe_groups(&b.groups);
    for layout in &b.legacy_groups {
        description.push_str(&format!(" or {}", describe_groups(layout)));
    }
    description.push_str(" with n = 0 or 1");
    let (meaning, source) = (&b.meaning, meta_str(&b.provenance.source));
    let groups_doc = format!(" Group lengths of the {}-group `{name}` form.", b.groups.len());
    let legacy_doc = format!(" Group lengths of each legacy `{name}` form (empty: none).");
    let uncertain_doc = format!(" What is not known about the `{name}` bitmap as a whole ({}).", b.file);
    let spec_doc = format!(" The `{name}` bitmap as a value kind.");
    // the parts of the bitmap: reachable through the `BitmapSpec`, public for tests and the crate's own code
    quote! {
        #[doc = #groups_doc]
        #[doc(hidden)]
        pub const #groups_c: &[u8] = &[#(#groups),*];
        #[doc = #legacy_doc]
        #[doc(hidden)]
        pub const #legacy_c: &[&[u8]] = &[#(#legacy),*];
        #(#[doc = #doc])*
        #[doc(hidden)]
        pub static #positions_c: [spec::BitmapPosition; #n] = [#(#positions),*];
        #[doc = #uncertain_doc]
        #[doc(hidden)]
        pub const #uncertain_c: Option<&str> = #uncertain;
        #[doc = #spec_doc]
        pub static #c: spec::BitmapSpec = spec::BitmapSpec::new(
            #name, #description, #groups_c, &#positions_c,
        ).with_legacy_groups(#legacy_c).with_source(#meaning, #source, #uncertain);
    }
}

pub(crate) fn emit_codes(e: &mut Emitter, model: &Model) -> TokenStream {
    let tables: Vec<_> = model.tables.iter().map(|t| emit_table(e, t)).collect();
    let all: Vec<_> = model
        .tables
        .iter()
        .map(|t| {
            let c = e.ident(&upper(&t.name));
            quote!(&#c)
        })
        .collect();
    let bitmaps: Vec<_> = model.bitmaps.iter().map(|b| emit_bitmap(e, b)).collect();
    let all_bitmaps: Vec<_> = model
        .bitmaps
        .iter()
        .map(|b| {
            let c = e.ident(&upper(&b.name));
            quote!(&#c)
        })
        .collect();
    quote! {
        //! Code tables (`codes/`) and bitmaps (`bitmaps/`).
        #(#tables)*
        /// Every code table.
        pub static TABLES: &[&spec::CodeTable] = &[#(#all),*];
        #(#bitmaps)*
        /// Every bitmap.
        pub static BITMAPS: &[&spec::BitmapSpec] = &[#(#all_bitmaps),*];
    }
}
