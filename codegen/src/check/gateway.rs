//! `gateway.yaml`: the gateway profile.

use japay_core::charset::Charset;

use crate::diagnostics::Diagnostics;
use crate::model::{Answer, AnswerShape, Endpoint, FailureFields, Gateway, OutcomeFields, Provenance, Transport};
use crate::names::{is_snake, is_wire_name};
use crate::syntax::{GatewayFile, Text, UrlFieldsSyntax};

fn charset(d: &mut Diagnostics, s: &Text, path: &str) -> Option<Charset> {
    let found = Charset::ALL.into_iter().find(|c| c.label() == s.as_str());
    if found.is_none() {
        let labels: Vec<&str> = Charset::ALL.iter().map(|c| c.label()).collect();
        d.at(s.span(), path, format!("expected one of {}, found {:?}", labels.join(", "), s.as_str()));
    }
    found
}

fn field_name(d: &mut Diagnostics, s: &Text, path: &str) -> String {
    if !is_wire_name(s) {
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
    let krate = &f.output.krate;
    if krate.is_empty() || !krate.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        d.at(krate.span(), "output.crate", "expected a crate name");
    }
    let generated_dir = f.output.generated.to_string();
    if !generated_dir.starts_with(&format!("{}/src/", krate.as_str())) || generated_dir.contains("..") {
        d.at(f.output.generated.span(), "output.generated", format!("expected a folder under {}/src/", krate.as_str()));
    }
    let mut endpoints = Vec::new();
    for (name, e) in f.endpoints.iter() {
        let p = format!("endpoints.{name}");
        if !is_snake(name) {
            d.at(f.endpoints.span(), &p, "expected a snake_case id");
        }
        if !e.base.starts_with("https://") {
            d.at(e.base.span(), format!("{p}.base"), "expected an https:// URL");
        }
        d.opt(&e.uncertain, &format!("{p}.uncertain"));
        endpoints.push(Endpoint {
            name: name.clone(),
            base: e.base.to_string(),
            suffix: e.suffix.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            source: d.text(&e.source, &format!("{p}.source")),
        });
    }
    if endpoints.is_empty() {
        d.at(f.endpoints.span(), "endpoints", "no endpoint");
    }
    let mut transports: Vec<Transport> = Vec::new();
    for (i, t) in f.transports.iter().enumerate() {
        let p = format!("transports[{i}]");
        d.text(&t.name, &format!("{p}.name"));
        d.text(&t.source, &format!("{p}.source"));
        d.opt(&t.uncertain, &format!("{p}.uncertain"));
        if let Some(m) = &t.method
            && m.as_str() != "POST"
        {
            d.at(m.span(), format!("{p}.method"), "expected POST (the only method the encoder writes for)");
        }
        if let Some(c) = &t.content_type
            && c.as_str() != "application/x-www-form-urlencoded"
        {
            d.at(c.span(), format!("{p}.content_type"), "expected application/x-www-form-urlencoded");
        }
        let limits_count_in = t.limits_count_in.as_ref().and_then(|c| charset(d, c, &format!("{p}.limits_count_in")));
        if let Some(c) = charset(d, &t.charset, &format!("{p}.charset")) {
            if transports.iter().any(|o| o.charset == c) {
                d.at(t.charset.span(), format!("{p}.charset"), "two transports in the same charset");
            }
            transports.push(Transport { charset: c, limits_count_in: limits_count_in.filter(|l| *l != c) });
        }
    }
    if f.transports.is_empty() {
        d.at(f.transports.span(), "transports", "the list is empty");
    }
    let stored_in = f.text.storage_charset.as_ref().and_then(|s| charset(d, s, "text.storage_charset"));
    d.opt(&f.text.storage_source, "text.storage_source");
    d.opt(&f.text.storage_uncertain, "text.storage_uncertain");
    let a = &f.answer;
    if a.format.as_str() != "xml" {
        let msg = format!("expected xml (the only answer format the generator knows), found {:?}", a.format.as_str());
        d.at(a.format.span(), "answer.format", msg);
    }
    let shape = match (a.shape.as_str(), &a.element) {
        ("attributes", None) => {
            d.at(a.shape.span(), "answer.element", "shape attributes needs the `element` name");
            AnswerShape::Attributes
        }
        ("attributes", Some(_)) => AnswerShape::Attributes,
        ("elements", _) => AnswerShape::Elements,
        ("element_text", None) => AnswerShape::ElementText,
        ("element_text", Some(e)) => {
            d.at(e.span(), "answer.element", "shape element_text reads the root's children; it has no `element`");
            AnswerShape::ElementText
        }
        (other, _) => {
            let msg = format!("expected attributes, elements or element_text, found {other:?}");
            d.at(a.shape.span(), "answer.shape", msg);
            AnswerShape::Attributes
        }
    };
    if let Some(c) = &a.charset {
        charset(d, c, "answer.charset");
    }
    for (key, value, word) in
        [("groups", &a.groups, "element_children"), ("empty_element", &a.empty_element, "empty_value")]
    {
        let Some(v) = value else { continue };
        if shape != AnswerShape::ElementText {
            d.at(v.span(), format!("answer.{key}"), "goes with shape element_text only");
        } else if v.as_str() != word {
            let msg = format!("expected {word} (the only form the answer reader knows), found {:?}", v.as_str());
            d.at(v.span(), format!("answer.{key}"), msg);
        }
    }
    let url = |d: &mut Diagnostics, u: &Option<UrlFieldsSyntax>, key: &str, pareq: bool| {
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
            detail: fl.detail.as_ref().map(|x| field_name(d, x, "answer.fields.failure.detail")),
            cause: match (&fl.cause, &fl.cause_table) {
                (Some(c), Some(t)) => {
                    if !is_snake(t) {
                        d.at(t.span(), "answer.fields.failure.cause_table", "expected a code table name");
                    }
                    Some((field_name(d, c, "answer.fields.failure.cause"), t.to_string()))
                }
                (Some(c), None) => {
                    let msg = "a cause needs `cause_table`, the code table it is read with";
                    d.at(c.span(), "answer.fields.failure.cause_table", msg);
                    None
                }
                (None, Some(t)) => {
                    d.at(t.span(), "answer.fields.failure.cause_table", "goes with `cause` only");
                    None
                }
                (None, None) => None,
            },
        }),
        tds_html: a.fields.tds_html.as_ref().map(|t| {
            (
                field_name(d, &t.html, "answer.fields.tds_html.html"),
                field_name(d, &t.token, "answer.fields.tds_html.token"),
            )
        }),
        redirect_html: a
            .fields
            .redirect_html
            .as_ref()
            .map(|r| field_name(d, &r.html, "answer.fields.redirect_html.html")),
    };
    d.opt(&a.uncertain, "answer.uncertain");
    Gateway {
        name: f.name.to_string(),
        title: d.text(&f.title, "title"),
        title_ja: d.opt(&f.title_ja, "title_ja"),
        provenance: Provenance { source: d.text(&f.source, "source"), uncertain: d.opt(&f.uncertain, "uncertain") },
        dir: dir.to_owned(),
        generated_dir,
        endpoints,
        transports,
        stored_in,
        answer: Answer {
            shape,
            root: field_name(d, &a.root, "answer.root"),
            element: a.element.as_ref().map(|e| field_name(d, e, "answer.element")),
            result_field: field_name(d, &a.success.field, "answer.success.field"),
            result_table: a.success.table.as_ref().map(|t| t.to_string()),
            success: a.success.ok.to_string(),
            source: d.text(&a.source, "answer.source"),
            fields,
        },
    }
}
