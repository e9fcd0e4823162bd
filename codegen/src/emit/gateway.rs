//! `mod.rs`: the gateway profile (`GATEWAY`, endpoints, answer shape), the character tables, the secret names and
//! the list of operations.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Emitter, doc_lines, meta_opt, meta_str};
use crate::model::Model;
use crate::names::upper;

pub(crate) fn charset_tokens(c: japay_core::charset::Charset) -> TokenStream {
    let variant = format_ident!("{}", format!("{c:?}"));
    quote!(::japay_core::charset::Charset::#variant)
}

fn char_lit(c: char) -> TokenStream {
    format!("'\\u{{{:04X}}}'", c as u32).parse().unwrap_or_default()
}

pub(crate) fn emit_mod(e: &mut Emitter, model: &Model) -> TokenStream {
    let g = &model.gateway;
    let mods = model.operations.iter().map(|op| {
        let m = e.ident(&op.name);
        let doc = doc_lines(&format!("{} ({}): {}.", op.title_ja, op.path, op.title_en));
        quote! { #(#[doc = #doc])* pub mod #m; }
    });
    let mut mods: Vec<_> = mods.collect();
    if !model.params.is_empty() {
        let doc = doc_lines(&format!("The shared parameters of `{}/params.yaml`, each written once.", g.dir));
        mods.insert(0, quote! { #(#[doc = #doc])* pub mod params; });
    }
    let blocks: Vec<_> = model.blocks.iter().map(|b| e.ident(&b.type_name)).collect();
    let block_reexport = (!blocks.is_empty()).then(|| quote!(pub use self::params::{#(#blocks),*};));
    let statics: Vec<_> = model
        .operations
        .iter()
        .map(|op| {
            let m = e.ident(&op.name);
            let c = e.ident(&upper(&op.name));
            quote!(&#m::#c)
        })
        .collect();
    let reexports: Vec<_> = model
        .operations
        .iter()
        .map(|op| {
            let m = e.ident(&op.name);
            let mut names = vec![e.ident(&op.type_name)];
            if op.response.is_some() && !op.incoming {
                names.push(e.ident(&format!("{}Response", op.type_name)));
            }
            if !op.outcomes.is_empty() {
                names.push(e.ident(&format!("{}Outcome", op.type_name)));
            }
            if op.element_answer {
                names.extend(
                    op.response
                        .iter()
                        .flat_map(|r| &r.groups)
                        .filter(|g| g.defined_in.is_none()) // a shared row view is re-exported once
                        .map(|g| e.ident(&g.type_name))
                        .collect::<Vec<_>>(),
                );
            }
            quote!(pub use self::#m::{#(#names),*};)
        })
        .collect();
    let endpoint_consts: Vec<_> = g
        .endpoints
        .iter()
        .map(|ep| {
            let c = e.ident(&format!("ENDPOINT_{}", upper(&ep.name)));
            let base = &ep.base;
            let mut text = format!("The {} base URL of {}", ep.name, g.title);
            if !ep.suffix.is_empty() {
                text.push_str(&format!(" (an operation's URL adds its path and `{}`)", ep.suffix));
            }
            let doc = doc_lines(&format!("{text}. Source: {}.", ep.source));
            quote! { #(#[doc = #doc])* pub const #c: &str = #base; }
        })
        .collect();
    let endpoints: Vec<_> = g
        .endpoints
        .iter()
        .map(|ep| {
            let c = e.ident(&format!("ENDPOINT_{}", upper(&ep.name)));
            let name = &ep.name;
            let suffix = &ep.suffix;
            let suffix = (!suffix.is_empty()).then(|| quote!(.with_suffix(#suffix)));
            quote!(spec::Endpoint::new(#name, #c) #suffix)
        })
        .collect();
    let transports = g.transports.iter().map(|t| charset_tokens(t.charset));
    let count_in = g.transports.iter().filter_map(|t| {
        let (sent, counted) = (charset_tokens(t.charset), charset_tokens(t.limits_count_in?));
        Some(quote!(.count_in(#sent, #counted)))
    });
    let stored_in = g.stored_in.map(|c| {
        let c = charset_tokens(c);
        quote!(.stored_in(#c))
    });
    let normalize = model.charsets.normalize.iter().map(|l| {
        let (from, to) = (char_lit(l.from), char_lit(l.to));
        quote!((#from, #to))
    });
    let lossy = model.charsets.lossy.iter().map(|c| char_lit(*c));
    let euc_leads = model.charsets.euc_jp_rejected_rows.iter().map(|r| {
        let lead: TokenStream = format!("0x{:02X}", u16::from(*r) + 0xA0).parse().unwrap_or_default();
        lead
    });
    let refused = (!model.charsets.refused.is_empty()).then(|| {
        let rows = model.charsets.refused.iter().map(|r| {
            let first: TokenStream = format!("0x{:04X}", r.first).parse().unwrap_or_default();
            let last: TokenStream = format!("0x{:04X}", r.last).parse().unwrap_or_default();
            let name = &r.name;
            quote!((#first, #last, #name))
        });
        let doc = doc_lines(&format!(
            "CP932 codes refused in every text value, as inclusive ranges (first, last, name) \
             (`{dir}/gateway.yaml` `text.refused`, `text.refused_ranges`); `GATEWAY.text` enforces them.",
            dir = g.dir
        ));
        quote! {
            #(#[doc = #doc])*
            #[doc(hidden)]
            pub static REFUSED: &[(u16, u16, &str)] = &[#(#rows),*];
        }
    });
    let with_refused = (!model.charsets.refused.is_empty()).then(|| quote!(.with_cp932_refused(REFUSED)));
    let secrets = &model.secrets;
    let credentials = (!model.credentials.is_empty()).then(|| {
        let rows = model.credentials.iter().map(|c| {
            let (name, meaning) = (&c.name, &c.meaning);
            let (source, uncertain) = (meta_str(&c.provenance.source), meta_opt(&c.provenance.uncertain));
            quote!(spec::CredentialSpec::new(#name, #meaning).with_source(#source, #uncertain))
        });
        quote! {
            /// Values the merchant holds that the encoder needs for computed fields (`gateway.yaml` `credentials`),
            /// never sent themselves; give them with [`Options::with_credentials`](japay_core::Options::with_credentials).
            /// Their names are secret names too.
            pub static CREDENTIALS: &[spec::CredentialSpec] = &[#(#rows),*];
        }
    });
    let with_credentials = credentials.as_ref().map(|_| quote!(.with_credentials(CREDENTIALS)));
    let (name, title, source) = (&g.name, &g.title, &g.provenance.source);
    let (root, result, success) = (&g.answer.root, &g.answer.result_field, &g.answer.success);
    let meta_source = meta_str(source);
    let dir = &g.dir;
    let module_doc = doc_lines(&format!(
        "Code generated from `{dir}/`: the gateway profile, one module per operation, the code tables and bitmaps."
    ));
    let mut gateway_doc = title.clone();
    if let Some(ja) = &g.title_ja {
        gateway_doc.push_str(&format!(" ({ja})"));
    }
    gateway_doc.push_str(&format!(
        ": text policy, secret names, endpoints and transports (`{dir}/gateway.yaml`). Source: {source}."
    ));
    if let Some(u) = &g.provenance.uncertain {
        gateway_doc.push_str(&format!("\n\n**Uncertain:** {u}."));
    }
    let gateway_doc = doc_lines(&gateway_doc);
    let answer_doc = format!(" Source: {}.", g.answer.source);
    let element = g.answer.element.as_ref().map(|element| {
        quote! {
            /// The element that carries the answer's fields.
            #[doc = #answer_doc]
            pub const ANSWER_ELEMENT: &str = #element;
        }
    });
    let summaries: Vec<_> = model
        .operations
        .iter()
        .filter(|op| !op.incoming && op.response.is_some() && !op.outcomes.is_empty())
        .map(|op| {
            let (name, m) = (&op.name, e.ident(&op.name));
            quote!((#name, #m::summarize as Summarize))
        })
        .collect();
    // every gateway crate names its decoded answer `crate::answer::Answer`
    let raw_ty = quote!(crate::answer::Answer<'a>);
    quote! {
        #(#![doc = #module_doc])*
        pub mod codes;
        #(#mods)*
        #(#reexports)*
        #block_reexport
        /// Every operation of the spec, in file-name order.
        pub static OPERATIONS: &[&spec::OperationSpec] = &[#(#statics),*];
        /// An operation's `summarize`: decides the outcome of a decoded answer (failing closed, as its view's
        /// `outcome()`) and returns it as a gateway-neutral summary.
        pub type Summarize = for<'r, 'a> fn(&'r #raw_ty) -> Result<outcome::OutcomeSummary<'r>, outcome::OutcomeError>;
        /// Every operation whose spec lists outcomes, by name, with its `summarize`, in file-name order: the outcome
        /// of an answer for an operation chosen at run time.
        pub static OUTCOMES: &[(&str, Summarize)] = &[#(#summaries),*];
        #(#[doc = #gateway_doc])*
        pub static GATEWAY: spec::GatewaySpec = spec::GatewaySpec::new(
            #name,
            #title,
            ::japay_core::charset::TextPolicy::new()
                #(#count_in)*
                #stored_in
                .with_tables(NORMALIZE, LOSSY, EUC_JP_REJECTED_LEAD_BYTES)
                #with_refused,
        )
        .with_secret_names(SECRET_NAMES)
        .with_source(#meta_source)
        .with_endpoints(ENDPOINTS)
        .with_transports(&[#(#transports),*])
        #with_credentials;
        #credentials
        #(#endpoint_consts)*
        /// Every base URL, by name.
        pub static ENDPOINTS: &[spec::Endpoint] = &[#(#endpoints),*];
        /// The root element of every answer.
        #[doc = #answer_doc]
        pub const ANSWER_ROOT: &str = #root;
        #element
        /// The answer field that says how a request went.
        #[doc = #answer_doc]
        pub const RESULT_FIELD: &str = #result;
        /// The value of [`RESULT_FIELD`] for success.
        #[doc = #answer_doc]
        pub const RESULT_SUCCESS: &str = #success;
        // the raw character tables: `GATEWAY.text` holds them; public for tests
        /// Look-alikes the normalize option maps (`charsets.yaml`), as (from, to).
        #[doc(hidden)]
        pub const NORMALIZE: &[(char, char)] = &[#(#normalize),*];
        /// Characters that encode in CP932/EUC-JP but decode as another character (`charsets.yaml`).
        #[doc(hidden)]
        pub const LOSSY: &[char] = &[#(#lossy),*];
        /// EUC-JP lead bytes of the JIS X 0208 rows rejected when sending EUC-JP (NEC/IBM extensions; `charsets.yaml`).
        #[doc(hidden)]
        pub const EUC_JP_REJECTED_LEAD_BYTES: &[u8] = &[#(#euc_leads),*];
        #refused
        /// Names from `secrets.yaml` and fields/attributes marked `secret: true`: their values are never shown in
        /// `Debug` output or error messages.
        pub const SECRET_NAMES: &[&str] = &[#(#secrets),*];
    }
}
