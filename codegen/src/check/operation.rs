//! One operation: its fields (through [`super::field`]), groups, "exactly one of" rules, answer and outcomes, and
//! the Rust names they take.

use std::collections::BTreeSet;

use japay_core::outcome::kind_names;
use japay_core::spec::Marker;

use super::Known;
use super::field::{check_field, check_when, marker_span};
use super::resolve::{Resolved, has_keys_besides_block, own, resolve};
use crate::diagnostics::Diagnostics;
use crate::load::Loaded;
use crate::model::{
    Attribute, Field, Group, OneOf, Operation, Outcome, OutcomeKind, Provenance, Response, ResponseGroup, ResultMatch,
};
use crate::names::{Scope, camel, is_snake, is_wire_name, snake};
use crate::syntax::{AttributeSyntax, OperationFile, OutcomeSyntax};

/// Checks one operation file.
pub(crate) fn check_operation(d: &mut Diagnostics, loaded: &Loaded<OperationFile>, known: &Known<'_>) -> Operation {
    let f = &loaded.value;
    if f.name.as_str() != loaded.stem {
        d.at(f.name.span(), "name", format!("must equal the file name {:?}", loaded.stem));
    }
    if !is_snake(&f.name) {
        d.at(f.name.span(), "name", "expected a snake_case id");
    }
    let incoming = match f.direction.as_ref().map(|d| d.as_str()) {
        None | Some("outgoing") => false,
        Some("incoming") => true,
        Some(other) => {
            let span = f.direction.as_ref().map_or(*f.name.span(), |d| *d.span());
            d.at(&span, "direction", format!("expected outgoing or incoming, found {other:?}"));
            false
        }
    };
    // each entry resolved; a `block` entry stands for its shared parameters, in order
    let mut resolved: Vec<Resolved<'_>> = Vec::new();
    let mut origins: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for (i, fs) in f.fields.iter().enumerate() {
        let p = format!("fields[{i}]");
        let Some(block) = &fs.block else {
            let param = fs.uses.as_ref().map(|u| u.to_string()).filter(|u| known.params.contains_key(u));
            resolved.push(resolve(d, &p, fs, &known.params));
            origins.push((p, param, None));
            continue;
        };
        if has_keys_besides_block(fs) {
            d.at(fs.span(), &p, "a `block` entry takes the block whole: it has no other key");
        }
        let Some((members, block_uncertain)) = known.blocks.get(block.as_str()) else {
            d.at(block.span(), format!("{p}.block"), format!("no block {:?} in params.yaml", block.as_str()));
            continue;
        };
        for name in members {
            if let Some(param) = known.params.get(name.as_str()) {
                let mut r = own(param);
                r.span = *fs.span();
                r.uncertain = r.uncertain.or(*block_uncertain);
                resolved.push(r);
                origins.push((
                    format!("{p} (block {}: {name})", block.as_str()),
                    Some(name.clone()),
                    Some(block.to_string()),
                ));
            }
        }
    }
    let mut fields = Vec::new();
    let mut idents = Scope::default();
    for (i, r) in resolved.iter().enumerate() {
        let p = origins[i].0.clone();
        let wire = r.wire_name();
        if resolved[..i].iter().any(|o| o.wire_name() == wire) {
            d.at(&r.span, format!("{p}.wire"), format!("parameter {wire:?} listed twice"));
        } else if let Some(other) = idents.take(&snake(wire), wire) {
            d.at(
                &r.span,
                format!("{p}.wire"),
                format!("{wire:?} and {other:?} both become the Rust field {}", snake(wire)),
            );
        }
        let mut field = check_field(d, &p, i, r, &resolved, known);
        if let (true, Some(c)) = (incoming, r.computed) {
            d.at(c.span(), format!("{p}.computed"), "an incoming operation is not encoded; it has no computed field");
        }
        if let (Some(n), Some(item)) = (field.item, r.item)
            && let Some(other) = fields.iter().find(|o: &&Field| o.item == Some(n))
        {
            let msg = format!("item {n} is already the item of {:?}", other.wire);
            d.at(item.span(), format!("{p}.item"), msg);
        }
        field.param = origins[i].1.clone();
        field.block = origins[i].2.clone();
        fields.push(field);
    }
    let groups = check_groups(d, f, &resolved, &mut fields, known);
    for (i, (field, r)) in fields.iter().zip(&resolved).enumerate() {
        if field.marker == Marker::Conditional && field.condition.is_none() && r.when.is_none() {
            let msg = format!("a {} field needs `when` (the condition) or a group", Marker::Conditional.symbol());
            d.at(&marker_span(r), format!("fields[{i}].when"), msg);
        }
    }
    let one_of = check_one_of(d, f, &fields, &resolved, known);
    let mut utf8_params = Vec::new();
    for (i, nv) in f.utf8_params.iter().enumerate() {
        let p = format!("utf8_params[{i}]");
        if fields.iter().any(|fl| fl.wire == nv.name.as_str()) {
            d.at(nv.name.span(), format!("{p}.name"), "is also a field");
        }
        if !nv.value.is_ascii() {
            d.at(nv.value.span(), format!("{p}.value"), "must be ASCII");
        }
        utf8_params.push((d.text(&nv.name, &format!("{p}.name")), nv.value.to_string()));
    }
    if incoming && !utf8_params.is_empty() {
        d.at(f.name.span(), "utf8_params", "an incoming operation is not sent; it has no utf8_params");
    }
    let response = f.response.as_ref().map(|r| {
        if incoming {
            d.at(r.source.span(), "response", "an incoming operation has no response");
        }
        let mut accessors = Scope::default();
        let reserved: &[&str] = if known.element_answer {
            &["parse", "is_success", "outcome", "raw"]
        } else {
            &["parse", "parse_for", "outcome", "raw"]
        };
        for name in reserved {
            accessors.take(name, "(a generated method)");
        }
        let (key, list) = match (known.element_answer, &r.attributes, &r.elements) {
            (false, Some(list), None) => ("attributes", list.as_slice()),
            (true, None, Some(list)) => ("elements", list.as_slice()),
            (element_answer, _, _) => {
                let (want, shape) =
                    if element_answer { ("elements", "element_text") } else { ("attributes", "attributes") };
                d.at(r.source.span(), "response", format!("the answer shape is {shape}: give `{want}` (only)"));
                ("attributes", &[][..])
            }
        };
        let attributes = check_attributes(d, &format!("response.{key}"), list, &mut accessors, known);
        if !known.element_answer && !r.groups.is_empty() {
            d.at(r.source.span(), "response.groups", "groups go with the answer shape element_text only");
        }
        let mut groups = Vec::new();
        for (i, g) in r.groups.iter().enumerate() {
            let p = format!("response.groups[{i}]");
            if !is_wire_name(&g.name) {
                d.at(g.name.span(), format!("{p}.name"), "expected an ASCII element name");
            }
            let rust_name = snake(&g.name);
            if attributes.iter().any(|a| a.name == g.name.as_str()) {
                d.at(g.name.span(), format!("{p}.name"), "is also a value element");
            } else if let Some(other) = accessors.take(&rust_name, &g.name) {
                let msg = format!("{:?} and {other:?} both become the accessor {rust_name}", g.name.as_str());
                d.at(g.name.span(), format!("{p}.name"), msg);
            }
            let mut row_accessors = Scope::default();
            row_accessors.take("raw", "(a generated field)");
            let elements = check_attributes(d, &format!("{p}.elements"), &g.elements, &mut row_accessors, known);
            groups.push(ResponseGroup {
                name: g.name.to_string(),
                type_name: camel(&rust_name),
                rust_name,
                meaning: d.text(&g.meaning, &format!("{p}.meaning")),
                repeated: g.repeated.as_ref().is_some_and(|b| **b),
                provenance: Provenance {
                    source: d.text(&g.source, &format!("{p}.source")),
                    uncertain: d.opt(&g.uncertain, &format!("{p}.uncertain")),
                },
                elements,
                defined_in: None,
                shared_with: Vec::new(),
            });
        }
        Response {
            source: d.text(&r.source, "response.source"),
            empty_root: d.opt(&r.empty_root, "response.empty_root"),
            uncertain: d.opt(&r.uncertain, "response.uncertain"),
            attributes,
            groups,
        }
    });
    let outcomes = check_outcomes(d, f, response.as_ref(), known);
    for field in &mut fields {
        field.secret |= known.secrets.contains(&field.wire);
    }
    let (path, endpoint) = match (&f.cgi, &f.endpoint) {
        (Some(cgi), None) => (d.text(cgi, "cgi"), false),
        (None, Some(endpoint)) => {
            if !is_wire_name(endpoint) {
                d.at(endpoint.span(), "endpoint", "expected an ASCII function name");
            }
            (endpoint.to_string(), true)
        }
        (Some(_), Some(e)) => {
            d.at(e.span(), "endpoint", "give `cgi` or `endpoint`, not both");
            (String::new(), true)
        }
        (None, None) => {
            d.at(f.name.span(), "cgi", "missing: give `cgi` (a CGI path) or `endpoint` (a function name)");
            (String::new(), false)
        }
    };
    let (effect, lookup, route) = super::call::check_call(d, f, incoming, &fields);
    Operation {
        name: f.name.to_string(),
        type_name: camel(&f.name),
        file: loaded.file.clone(),
        path,
        endpoint,
        element_answer: known.element_answer,
        incoming,
        title_ja: d.text(&f.title_ja, "title_ja"),
        title_en: d.text(&f.title_en, "title_en"),
        provenance: Provenance { source: d.text(&f.source, "source"), uncertain: d.opt(&f.uncertain, "uncertain") },
        utf8_params,
        fields,
        groups,
        one_of,
        response,
        outcomes,
        result_field: known.answer_result.clone(),
        effect,
        lookup,
        route,
    }
}

/// The attributes (or value elements) of an answer or of one of its groups; `accessors` holds the Rust names taken.
fn check_attributes(
    d: &mut Diagnostics,
    prefix: &str,
    list: &[AttributeSyntax],
    accessors: &mut Scope,
    known: &Known<'_>,
) -> Vec<Attribute> {
    let mut attributes = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, a) in list.iter().enumerate() {
        let p = format!("{prefix}[{i}]");
        if !seen.insert(a.name.to_string()) {
            d.at(a.name.span(), format!("{p}.name"), format!("attribute {:?} listed twice", a.name.as_str()));
        } else if let Some(other) = accessors.take(&snake(&a.name), &a.name) {
            d.at(
                a.name.span(),
                format!("{p}.name"),
                format!("{:?} and {other:?} both become the accessor {}", a.name.as_str(), snake(&a.name)),
            );
        }
        if !is_wire_name(&a.name) {
            d.at(a.name.span(), format!("{p}.name"), "expected an ASCII attribute name");
        }
        if let Some(t) = &a.table
            && !known.tables.contains_key(t.as_str())
        {
            d.at(t.span(), format!("{p}.table"), format!("no code table {:?} in codes/", t.as_str()));
        }
        attributes.push(Attribute {
            name: a.name.to_string(),
            rust_name: snake(&a.name),
            meaning: d.text(&a.meaning, &format!("{p}.meaning")),
            table: a.table.as_ref().map(|t| t.to_string()),
            secret: a.secret.as_ref().is_some_and(|s| **s) || known.secrets.iter().any(|s| s == a.name.as_str()),
            provenance: Provenance {
                source: d.text(&a.source, &format!("{p}.source")),
                uncertain: d.opt(&a.uncertain, &format!("{p}.uncertain")),
            },
        });
    }
    attributes
}

/// Groups: each member is a △ field without its own `when`, in one group only; it takes the group's condition.
fn check_groups(
    d: &mut Diagnostics,
    f: &OperationFile,
    resolved: &[Resolved<'_>],
    fields: &mut [Field],
    known: &Known<'_>,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut names = Scope::default();
    for (i, g) in f.groups.iter().enumerate() {
        let p = format!("groups[{i}]");
        if !is_snake(&g.name) {
            d.at(g.name.span(), format!("{p}.name"), "expected a snake_case id");
        } else if names.take(&g.name, &g.name).is_some() || groups.iter().any(|o| o.name == g.name.as_str()) {
            d.at(g.name.span(), format!("{p}.name"), "listed twice");
        }
        d.text(&g.source, &format!("{p}.source"));
        let condition = check_when(d, &format!("{p}.when"), None, &g.when, resolved, known);
        let mut members = Vec::new();
        for (j, name) in g.fields.iter().enumerate() {
            let path = format!("{p}.fields[{j}]");
            let Some(k) = resolved.iter().position(|r| r.wire_name() == name.as_str()) else {
                d.at(name.span(), path, format!("no field {:?}", name.as_str()));
                continue;
            };
            if groups.iter().any(|o| o.fields.contains(&k)) || members.contains(&k) {
                d.at(name.span(), path, format!("{:?} is already in a group", name.as_str()));
                continue;
            }
            let member = &resolved[k];
            if member.when.is_some() {
                d.at(name.span(), path.clone(), "a group member takes the group's condition; remove its own `when`");
            }
            if let Some(block) = fields.get(k).and_then(|fl| fl.block.as_ref()) {
                // a block is one table shared by operations: a member cannot take one operation's condition
                let msg =
                    format!("{:?} is in the block {block:?}, which takes no operation's condition", name.as_str());
                d.at(name.span(), path.clone(), msg);
            }
            if fields.get(k).is_some_and(|fl| fl.marker != Marker::Conditional) {
                d.at(name.span(), path, format!("a group member has the {} marker", Marker::Conditional.symbol()));
            }
            if let Some(c) = &condition
                && condition_names(c, k)
            {
                d.at(name.span(), format!("{p}.when"), "a group's condition cannot name its own members");
            }
            members.push(k);
        }
        if g.fields.is_empty() {
            d.at(g.name.span(), format!("{p}.fields"), "the list is empty");
        }
        if let Some(condition) = condition {
            for &k in &members {
                if let Some(field) = fields.get_mut(k) {
                    field.condition = Some(condition.clone());
                }
            }
            groups.push(Group { name: g.name.to_string(), fields: members, condition });
        }
    }
    groups
}

fn condition_names(c: &crate::model::Condition, k: usize) -> bool {
    use crate::model::ConditionTest::{AbsentAll, BitSet, Equals, EqualsAny, External, PresentAny};
    match &c.test {
        PresentAny(l) | AbsentAll(l) => l.contains(&k),
        BitSet { field, .. } | Equals { field, .. } | EqualsAny { field, .. } => *field == k,
        External => false,
    }
}

/// "Exactly one of": at least two alternatives of optional fields, no field twice; its `when` a checkable condition
/// on a field outside the alternatives.
fn check_one_of(
    d: &mut Diagnostics,
    f: &OperationFile,
    fields: &[Field],
    resolved: &[Resolved<'_>],
    known: &Known<'_>,
) -> Vec<OneOf> {
    let mut rules = Vec::new();
    for (i, o) in f.one_of.iter().enumerate() {
        let p = format!("one_of[{i}]");
        if !is_snake(&o.name) {
            d.at(o.name.span(), format!("{p}.name"), "expected a snake_case id");
        }
        d.text(&o.source, &format!("{p}.source"));
        if o.alternatives.len() < 2 {
            d.at(o.alternatives.span(), format!("{p}.alternatives"), "give at least two alternatives");
        }
        let mut used = BTreeSet::new();
        let mut alternatives = Vec::new();
        for (j, alt) in o.alternatives.iter().enumerate() {
            if alt.is_empty() {
                d.at(o.alternatives.span(), format!("{p}.alternatives[{j}]"), "an alternative is empty");
            }
            let mut indices = Vec::new();
            for (k, name) in alt.iter().enumerate() {
                let path = format!("{p}.alternatives[{j}][{k}]");
                match fields.iter().position(|fl| fl.wire == name.as_str()) {
                    None => d.at(name.span(), path, format!("no field {:?}", name.as_str())),
                    Some(x) if !used.insert(x) => {
                        d.at(name.span(), path, format!("{:?} is listed twice", name.as_str()))
                    }
                    Some(x) => {
                        if fields.get(x).is_some_and(|fl| fl.marker != Marker::Optional) {
                            d.at(
                                name.span(),
                                path,
                                format!("an alternative's fields have the {} marker", Marker::Optional.symbol()),
                            );
                        }
                        indices.push(x);
                    }
                }
            }
            alternatives.push(indices);
        }
        let condition = o.when.as_ref().and_then(|w| check_when(d, &format!("{p}.when"), None, w, resolved, known));
        if let (Some(c), Some(w)) = (&condition, &o.when)
            && alternatives.iter().flatten().any(|&k| condition_names(c, k))
        {
            d.at(w.span(), format!("{p}.when"), "the condition cannot name a field of the alternatives");
        }
        rules.push(OneOf {
            name: o.name.to_string(),
            alternatives,
            description: d.text(&o.description, &format!("{p}.description")),
            condition,
        });
    }
    rules
}

/// Outcomes: each case's kind, which answers it covers, and the answer fields it needs.
fn check_outcomes(
    d: &mut Diagnostics,
    f: &OperationFile,
    response: Option<&Response>,
    known: &Known<'_>,
) -> Vec<Outcome> {
    let mut outcomes: Vec<Outcome> = Vec::new();
    if f.outcomes.is_empty() {
        return outcomes;
    }
    let Some(response) = response else {
        d.at(f.name.span(), "outcomes", "outcomes need a `response`");
        return outcomes;
    };
    let mut variants = Scope::default();
    let mut spec_index = Vec::new();
    for (i, o) in f.outcomes.iter().enumerate() {
        let p = format!("outcomes[{i}]");
        let Some(kind) = outcome_kind(d, &p, o, response, known) else { continue };
        if let Some(flag) = &o.without_code
            && **flag
            && !matches!(kind, OutcomeKind::Failure { .. })
        {
            d.at(flag.span(), format!("{p}.without_code"), "only a failure case can be without an error code");
        }
        if !is_snake(&o.name) {
            d.at(o.name.span(), format!("{p}.name"), "expected a snake_case id");
        }
        let variant = camel(&o.name);
        let same = outcomes.iter().find(|x| x.variant == variant);
        let uncoded = |k: &OutcomeKind| matches!(k, OutcomeKind::Failure { uncoded: true, .. });
        if let Some(other) = same.filter(|x| uncoded(&x.kind) != uncoded(&kind)) {
            d.at(
                o.name.span(),
                format!("{p}.name"),
                format!(
                    "variant {variant} is already outcome {:?}, with{} an error code: a failure without_code needs \
                     a name of its own",
                    other.name,
                    if uncoded(&other.kind) { "out" } else { "" }
                ),
            );
        }
        if let Some(other) = same.filter(|x| x.kind.word() != kind.word() || x.name != o.name.as_str()) {
            d.at(
                o.name.span(),
                format!("{p}.name"),
                format!("variant {variant} is already outcome {:?} of kind {}", other.name, other.kind.word()),
            );
        }
        variants.take(&variant, &o.name);
        let matches = match (&o.result, o.result_absent.as_ref().map(|b| **b), &kind) {
            (_, _, OutcomeKind::NotFound) if known.element_answer => {
                d.at(
                    o.kind.span(),
                    format!("{p}.kind"),
                    "not_found is not an outcome of the answer shape element_text",
                );
                ResultMatch::EmptyAnswer
            }
            (None, None | Some(false), OutcomeKind::NotFound) => {
                if response.empty_root.is_none() {
                    d.at(o.kind.span(), format!("{p}.kind"), "not_found needs the response's `empty_root`");
                }
                ResultMatch::EmptyAnswer
            }
            (_, _, OutcomeKind::NotFound) => {
                d.at(o.kind.span(), format!("{p}.result"), "not_found is the empty answer; it has no result");
                ResultMatch::EmptyAnswer
            }
            (Some(values), None | Some(false), _) => {
                if values.is_empty() {
                    d.at(values.span(), format!("{p}.result"), "the list is empty");
                }
                let attribute_table =
                    response.attributes.iter().find(|a| a.name == known.answer_result).and_then(|a| a.table.as_deref());
                let table = known.answer_table.as_deref().or(attribute_table);
                for (j, v) in values.iter().enumerate() {
                    let listed = table
                        .and_then(|t| known.tables.get(t))
                        .is_none_or(|codes| codes.iter().any(|c| c == v.as_str()));
                    if !listed {
                        d.at(
                            v.span(),
                            format!("{p}.result[{j}]"),
                            format!("{:?} is not a code of the {} table", v.as_str(), known.answer_result),
                        );
                    }
                }
                ResultMatch::Values(values.iter().map(|v| v.to_string()).collect())
            }
            (None, Some(true), _) => {
                if o.present.is_empty() {
                    d.at(
                        o.name.span(),
                        format!("{p}.present"),
                        "a result_absent case needs `present` (the fields every such answer carries): without it, \
                         any answer without the result field would fit, an error answer included",
                    );
                }
                ResultMatch::Absent
            }
            (Some(v), Some(true), _) => {
                d.at(v.span(), format!("{p}.result"), "give result or result_absent, not both");
                ResultMatch::Absent
            }
            (None, _, _) => {
                d.at(
                    o.name.span(),
                    format!("{p}.result"),
                    "missing: give result (a list of values) or result_absent: true",
                );
                ResultMatch::Absent
            }
        };
        let mut present = Vec::new();
        for (j, name) in o.present.iter().enumerate() {
            if response.attributes.iter().all(|a| a.name != name.as_str()) {
                d.at(name.span(), format!("{p}.present[{j}]"), format!("no response attribute {:?}", name.as_str()));
            }
            present.push(name.to_string());
        }
        let count = o.count.as_ref().map(|c| {
            if response.attributes.iter().all(|a| a.name != c.field.as_str()) {
                d.at(c.field.span(), format!("{p}.count.field"), format!("no response element {:?}", c.field.as_str()));
            }
            match response.groups.iter().find(|g| g.name == c.group.as_str()) {
                None => d.at(
                    c.group.span(),
                    format!("{p}.count.group"),
                    format!("no response group {:?}", c.group.as_str()),
                ),
                Some(g) if !g.repeated => {
                    d.at(c.group.span(), format!("{p}.count.group"), "a count goes with a repeated group")
                }
                Some(_) => {}
            }
            (c.field.to_string(), c.group.to_string())
        });
        spec_index.push(i);
        // every outcome but a failure refuses an answer that carries an error code (fail closed)
        let error_code_empty = match kind {
            OutcomeKind::Failure { uncoded: false, .. } => None,
            // a failure without an error code refuses one too: an answer with a code is a coded failure's
            _ => known.outcome_fields.failure.as_ref().map(|f| f.code.clone()),
        };
        outcomes.push(Outcome {
            variant,
            name: o.name.to_string(),
            kind,
            matches,
            present,
            error_code_empty,
            count,
            provenance: Provenance {
                source: d.text(&o.source, &format!("{p}.source")),
                uncertain: d.opt(&o.uncertain, &format!("{p}.uncertain")),
            },
        });
    }
    check_overlaps(d, f, &outcomes, &spec_index);
    outcomes
}

/// The most cases one result value may have (the generated `outcome()` matches on every combination of them).
const MAX_CASES_PER_RESULT: usize = 6;

/// `outcome()` tries every case of the answer's result value and refuses an answer that fits more than one, so a
/// case whose `present` list contains all of another case's (of the same answers) could never be the only fit: a
/// spec error. `spec_index[i]` is the position of `outcomes[i]` in the file.
fn check_overlaps(d: &mut Diagnostics, f: &OperationFile, outcomes: &[Outcome], spec_index: &[usize]) {
    let at = |i: usize| spec_index.get(i).copied().unwrap_or(i);
    let overlap = |a: &Outcome, b: &Outcome| match (&a.matches, &b.matches) {
        (ResultMatch::Values(a), ResultMatch::Values(b)) => a.iter().any(|v| b.contains(v)),
        (ResultMatch::Absent, ResultMatch::Absent) | (ResultMatch::EmptyAnswer, ResultMatch::EmptyAnswer) => true,
        _ => false,
    };
    for (i, o) in outcomes.iter().enumerate() {
        for (j, other) in outcomes.iter().enumerate() {
            if i == j || !overlap(o, other) {
                continue;
            }
            // `o` is never the only fit when `other`'s fields are a subset of its own (the later one when equal)
            let subset = other.present.iter().all(|x| o.present.contains(x));
            let equal = subset && o.present.iter().all(|x| other.present.contains(x));
            if subset
                && (!equal || j < i)
                && let Some(syntax) = f.outcomes.get(at(i))
            {
                d.at(
                    syntax.name.span(),
                    format!("outcomes[{}]", at(i)),
                    format!(
                        "never decided: every answer it fits, outcome {:?} fits too (give the cases `present` \
                         lists that tell them apart)",
                        other.name
                    ),
                );
            }
        }
        let sharing = outcomes.iter().filter(|x| overlap(o, x)).count();
        if sharing > MAX_CASES_PER_RESULT
            && let Some(syntax) = f.outcomes.get(at(i))
        {
            d.at(
                syntax.name.span(),
                format!("outcomes[{}]", at(i)),
                format!("{sharing} cases share a result value; at most {MAX_CASES_PER_RESULT} may"),
            );
        }
    }
}

fn outcome_kind(
    d: &mut Diagnostics,
    p: &str,
    o: &OutcomeSyntax,
    response: &Response,
    known: &Known<'_>,
) -> Option<OutcomeKind> {
    let fields = &known.outcome_fields;
    let need = |d: &mut Diagnostics, name: &Option<String>, what: &str| -> Option<String> {
        let Some(name) = name else {
            d.at(o.kind.span(), format!("{p}.kind"), format!("gateway.yaml has no answer.fields.{what} for this kind"));
            return None;
        };
        if response.attributes.iter().all(|a| &a.name != name) {
            d.at(
                o.kind.span(),
                format!("{p}.kind"),
                format!("kind {} needs the response attribute {name:?}", o.kind.as_str()),
            );
        }
        Some(name.clone())
    };
    let secret = |name: &str| {
        response.attributes.iter().any(|a| a.name == name && a.secret) || known.secrets.iter().any(|s| s == name)
    };
    match o.kind.as_str() {
        kind_names::OK => Some(OutcomeKind::Ok),
        kind_names::NOT_FOUND => Some(OutcomeKind::NotFound),
        kind_names::REDIRECT => {
            Some(OutcomeKind::Redirect { url: need(d, &fields.redirect_url, kind_names::REDIRECT)? })
        }
        word @ (kind_names::TDS1 | kind_names::TDS2) => {
            let pair = if word == kind_names::TDS1 { &fields.tds1 } else { &fields.tds2 };
            let url = need(d, &pair.as_ref().map(|x| x.0.clone()), word)?;
            let pareq = need(d, &pair.as_ref().map(|x| x.1.clone()), word)?;
            let pareq_secret = secret(&pareq);
            Some(if word == kind_names::TDS1 {
                OutcomeKind::Tds1 { url, pareq, pareq_secret }
            } else {
                OutcomeKind::Tds2 { url, pareq, pareq_secret }
            })
        }
        kind_names::FAILURE => {
            let code = need(d, &fields.failure.as_ref().map(|x| x.code.clone()), kind_names::FAILURE)?;
            let detail = match fields.failure.as_ref().and_then(|x| x.detail.clone()) {
                Some(detail) => Some(need(d, &Some(detail), kind_names::FAILURE)?),
                None => None,
            };
            let Some(table) = response.attributes.iter().find(|a| a.name == code).and_then(|a| a.table.clone()) else {
                d.at(
                    o.kind.span(),
                    format!("{p}.kind"),
                    format!("failure needs the response attribute {code:?} with a code table"),
                );
                return None;
            };
            let cause = fields.failure.as_ref().and_then(|x| x.cause.clone());
            let uncoded = o.without_code.as_ref().is_some_and(|b| **b);
            Some(OutcomeKind::Failure { code, table, detail, cause, uncoded })
        }
        kind_names::TDS_HTML => {
            let pair = fields.tds_html.as_ref();
            let html = need(d, &pair.map(|x| x.0.clone()), kind_names::TDS_HTML)?;
            let token = need(d, &pair.map(|x| x.1.clone()), kind_names::TDS_HTML)?;
            Some(OutcomeKind::TdsHtml { html, token })
        }
        kind_names::REDIRECT_HTML => {
            Some(OutcomeKind::RedirectHtml { html: need(d, &fields.redirect_html, kind_names::REDIRECT_HTML)? })
        }
        kind_names::PENDING => Some(OutcomeKind::Pending),
        other => {
            d.at(
                o.kind.span(),
                format!("{p}.kind"),
                format!("expected one of {}; found {other:?}", kind_names::ALL.join(", ")),
            );
            None
        }
    }
}
