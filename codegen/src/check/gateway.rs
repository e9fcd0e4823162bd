//! `gateway.yaml`: the gateway profile.

use japay_core::charset::Charset;

use crate::diagnostics::Diagnostics;
use crate::model::{Answer, Endpoint, FailureFields, Gateway, OutcomeFields};
use crate::names::is_snake;
use crate::syntax::{GatewayFile, Text};

fn charset(d: &mut Diagnostics, s: &Text, path: &str) -> Option<Charset> {
    let found = Charset::ALL.into_iter().find(|c| c.label() == s.as_str());
    if found.is_none() {
        let labels: Vec<&str> = Charset::ALL.iter().map(|c| c.label()).collect();
        d.at(s.span(), path, format!("expected one of {}, found {:?}", labels.join(", "), s.as_str()));
    }
    found
}

fn field_name(d: &mut Diagnostics, s: &Text, path: &str) -> String {
    if !crate::names::is_wire_name(s) {
        d.at(s.span(), path, "expected an ASCII field name");
    }
    s.to_string()
}

/// Checks the profile. `dir` is the folder's display name (`spec/epsilon`), whose last part must be the name.
pub(crate) fn check_gateway(d: &mut Diagnostics, f: &GatewayFile, dir: &str) -> Gateway {
    let folder = dir.rsplit('/').next().unwrap_or(dir);
    if !is_snake(&f.name) {
        d.at(f.name.span(), "name", "expected a snake_case id");
    } else if f.name.as_str() != folder {
        d.at(f.name.span(), "name", format!("must equal the folder name {folder:?}"));
    }
    if f.krate.is_empty() || !f.krate.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        d.at(f.krate.span(), "crate", "expected a crate name");
    }
    let generated_dir = f.generated_dir.to_string();
    if !generated_dir.starts_with(&format!("{}/src/", f.krate.as_str())) || generated_dir.contains("..") {
        d.at(f.generated_dir.span(), "generated_dir", format!("expected a folder under {}/src/", f.krate.as_str()));
    }
    let mut endpoints: Vec<Endpoint> = Vec::new();
    for (i, e) in f.endpoints.iter().enumerate() {
        let p = format!("endpoints[{i}]");
        if !is_snake(&e.name) {
            d.at(e.name.span(), format!("{p}.name"), "expected a snake_case id");
        }
        if endpoints.iter().any(|o| o.name == e.name.as_str()) {
            d.at(e.name.span(), format!("{p}.name"), "listed twice");
        }
        if !e.url.starts_with("https://") || !e.url.ends_with('/') {
            d.at(e.url.span(), format!("{p}.url"), "expected an https:// base URL ending in /");
        }
        endpoints.push(Endpoint {
            name: e.name.to_string(),
            url: e.url.to_string(),
            source: d.text(&e.source, &format!("{p}.source")),
        });
    }
    let mut transports = Vec::new();
    for (i, t) in f.transports.iter().enumerate() {
        if let Some(c) = charset(d, t, &format!("transports[{i}]")) {
            if transports.contains(&c) {
                d.at(t.span(), format!("transports[{i}]"), "listed twice");
            }
            transports.push(c);
        }
    }
    if f.transports.is_empty() {
        d.at(f.transports.span(), "transports", "the list is empty");
    }
    let stored_in = f.text.stored_in.as_ref().and_then(|s| charset(d, s, "text.stored_in"));
    let mut count_in = Vec::new();
    for (i, c) in f.text.count_in.iter().enumerate() {
        let p = format!("text.count_in[{i}]");
        if let (Some(t), Some(c)) =
            (charset(d, &c.transport, &format!("{p}.transport")), charset(d, &c.charset, &format!("{p}.charset")))
        {
            count_in.push((t, c));
        }
    }
    d.text(&f.text.source, "text.source");
    let a = &f.answer;
    if a.format.as_str() != "xml" {
        d.at(
            a.format.span(),
            "answer.format",
            format!("expected xml (the only answer format the generator knows), found {:?}", a.format.as_str()),
        );
    }
    let url = |d: &mut Diagnostics, u: &Option<crate::syntax::UrlFieldsSyntax>, key: &str, pareq: bool| {
        u.as_ref().map(|u| {
            let url = field_name(d, &u.url, &format!("answer.fields.{key}.url"));
            let p = match (&u.pareq, pareq) {
                (Some(p), true) => field_name(d, p, &format!("answer.fields.{key}.pareq")),
                (None, true) => {
                    d.at(u.url.span(), format!("answer.fields.{key}.pareq"), "missing");
                    String::new()
                }
                (Some(p), false) => {
                    d.at(p.span(), format!("answer.fields.{key}.pareq"), "a redirect has a url only");
                    String::new()
                }
                (None, false) => String::new(),
            };
            (url, p)
        })
    };
    let fields = OutcomeFields {
        redirect_url: url(d, &a.fields.redirect, "redirect", false).map(|(u, _)| u),
        tds1: url(d, &a.fields.tds1, "tds1", true),
        tds2: url(d, &a.fields.tds2, "tds2", true),
        failure: a.fields.failure.as_ref().map(|fl| FailureFields {
            code: field_name(d, &fl.code, "answer.fields.failure.code"),
            detail: field_name(d, &fl.detail, "answer.fields.failure.detail"),
        }),
    };
    Gateway {
        name: f.name.to_string(),
        title: d.text(&f.title, "title"),
        source: d.text(&f.source, "source"),
        dir: dir.to_owned(),
        generated_dir,
        endpoints,
        transports,
        stored_in,
        count_in,
        answer: Answer {
            root: field_name(d, &a.root, "answer.root"),
            element: field_name(d, &a.element, "answer.element"),
            result_field: field_name(d, &a.result_field, "answer.result_field"),
            success: a.success.to_string(),
            source: d.text(&a.source, "answer.source"),
            fields,
        },
    }
}
