//! Stage 2, check: the loaded files into the [`Model`], collecting *every* error (file, line, column, field path).
//! One module per part of the spec: [`gateway`], [`tables`] (codes, bitmaps, charsets, secrets), [`operation`] and
//! its [`field`]s.

use std::collections::BTreeMap;

use marked_yaml::Spanned;

use crate::diagnostics::{Diagnostics, SpecErrors};
use crate::load::SpecFiles;
use crate::model::{AnswerShape, Bitmap, Model, OutcomeFields};
use crate::syntax::FieldSyntax;

mod call;
mod field;
mod gateway;
mod operation;
mod resolve;
mod tables;

/// What the operations may refer to.
pub(crate) struct Known<'s> {
    /// Shared parameters by wire name.
    pub(crate) params: BTreeMap<String, &'s Spanned<FieldSyntax>>,
    /// Blocks of shared parameters: name → the parameters' wire names and the block's `uncertain`, which a member
    /// without its own takes.
    pub(crate) blocks: BTreeMap<String, (Vec<String>, Option<&'s marked_yaml::Spanned<String>>)>,
    /// Code tables: name → codes.
    pub(crate) tables: BTreeMap<String, Vec<String>>,
    /// Bitmaps by name.
    pub(crate) bitmaps: BTreeMap<String, KnownBitmap>,
    /// Names whose values are secret everywhere.
    pub(crate) secrets: Vec<String>,
    /// The gateway's credentials (`$name` in a computed field).
    pub(crate) credentials: Vec<String>,
    /// The answer's result field.
    pub(crate) answer_result: String,
    /// The code table of the result field.
    pub(crate) answer_table: Option<String>,
    /// The answer fields of each outcome kind.
    pub(crate) outcome_fields: OutcomeFields,
    /// The answer is read by `crate::answer::Answer` (shape `element_text`): responses list `elements`.
    pub(crate) element_answer: bool,
}

/// A bitmap, as conditions and values need it.
pub(crate) struct KnownBitmap {
    pub(crate) name: String,
    groups: Vec<u8>,
    legacy_groups: Vec<Vec<u8>>,
    labels: Vec<(String, u8)>,
}

impl KnownBitmap {
    fn new(b: &Bitmap) -> KnownBitmap {
        KnownBitmap {
            name: b.name.clone(),
            groups: b.groups.clone(),
            legacy_groups: b.legacy_groups.clone(),
            labels: b.positions.iter().map(|p| (p.label.clone(), p.pos)).collect(),
        }
    }

    /// The 1-based position labelled `label`.
    pub(crate) fn position(&self, label: &str) -> Option<u8> {
        self.labels.iter().find(|(l, _)| l == label).map(|(_, p)| *p)
    }

    /// Whether `v` is written in the bitmap's layout (or its legacy layout).
    pub(crate) fn matches(&self, v: &str) -> bool {
        let fits = |groups: &[u8]| {
            let mut parts = v.split('-');
            groups.iter().all(|&len| {
                parts.next().is_some_and(|p| p.len() == usize::from(len) && p.bytes().all(|b| b == b'0' || b == b'1'))
            }) && parts.next().is_none()
        };
        fits(&self.groups) || self.legacy_groups.iter().any(|groups| fits(groups))
    }
}

/// The shared parameters and blocks some operation uses, each as written in `params.yaml` (no override, no
/// condition: those depend on the operation), for the emitter to write once. Checked already through the
/// operations, so problems here are not reported again.
fn shared(
    files: &SpecFiles,
    known: &Known<'_>,
    operations: &[crate::model::Operation],
    secrets: &[String],
) -> (Vec<crate::model::Field>, Vec<crate::model::Block>) {
    use std::collections::BTreeSet;
    let used: BTreeSet<&str> =
        operations.iter().flat_map(|o| o.fields.iter().filter_map(|f| f.param.as_deref())).collect();
    let mut scratch = Diagnostics::new();
    let mut params = Vec::new();
    for name in &used {
        let Some(param) = known.params.get(*name) else { continue };
        let mut r = resolve::own(param);
        r.check_digit = None; // an operation's key, refused in params.yaml
        r.when = None;
        r.forbidden_when = None;
        r.computed = None; // its inputs are fields of the operation: written by each operation
        if r.uncertain.is_none() {
            // a block's member without its own uncertainty takes the block's
            let block = known.blocks.values().find(|(members, _)| members.iter().any(|m| m == name));
            r.uncertain = block.and_then(|(_, u)| *u);
        }
        let mut f = field::check_field(&mut scratch, "params", 0, &r, std::slice::from_ref(&r), known);
        f.secret |= secrets.contains(&f.wire);
        f.param = Some((*name).to_owned());
        params.push(f);
    }
    let taken: BTreeSet<&str> =
        operations.iter().flat_map(|o| o.fields.iter().filter_map(|f| f.block.as_deref())).collect();
    let blocks = files
        .params
        .iter()
        .flat_map(|p| p.value.blocks.iter())
        .filter(|b| taken.contains(b.name.as_str()))
        .map(|b| crate::model::Block {
            name: b.name.to_string(),
            type_name: crate::names::camel(&b.name),
            meaning: b.meaning.to_string(),
            provenance: crate::model::Provenance {
                source: b.source.to_string(),
                uncertain: b.uncertain.as_ref().map(|u| u.to_string()),
            },
            params: b.params.iter().map(|n| n.to_string()).collect(),
        })
        .collect();
    (params, blocks)
}

/// Checks everything loaded. `diagnostics` already holds the load errors.
pub(crate) fn check(files: &SpecFiles, mut d: Diagnostics) -> Result<Model, SpecErrors> {
    let gateway = files.gateway.as_ref().map(|g| gateway::check_gateway(&mut d, &g.value, &files.dir));
    let tables: Vec<_> = files.tables.iter().map(|t| tables::check_table(&mut d, t)).collect();
    let bitmaps: Vec<_> = files.bitmaps.iter().map(|b| tables::check_bitmap(&mut d, b)).collect();
    let mut charsets = files.charsets.as_ref().map(|c| tables::check_charsets(&mut d, &c.value));
    let mut secrets = files.secrets.as_ref().map(|s| tables::check_secrets(&mut d, &s.value)).unwrap_or_default();
    let mut credentials: Vec<crate::model::Credential> = Vec::new();
    if let Some(g) = &files.gateway {
        if let Some(text_tables) = tables::check_text_tables(&mut d, &g.value.text) {
            if charsets.is_some() {
                let msg = "the character tables are in charsets.yaml; write them in one place";
                d.at(g.value.name.span(), "text", msg);
            }
            charsets = Some(text_tables);
        }
        let names = tables::check_credentials(&mut d, &g.value.credentials, &g.value.secrets);
        for (name, row) in names.into_iter().zip(&g.value.credentials) {
            credentials.push(crate::model::Credential {
                name,
                meaning: row.meaning.to_string(),
                provenance: crate::model::Provenance {
                    source: row.source.to_string(),
                    uncertain: row.uncertain.as_ref().map(|u| u.to_string()),
                },
            });
        }
        for name in tables::check_gateway_secrets(&mut d, &g.value.secrets) {
            if secrets.contains(&name) {
                d.at(g.value.name.span(), "secrets", format!("{name:?} is also in secrets.yaml"));
            } else {
                secrets.push(name);
            }
        }
        for c in &credentials {
            if !secrets.contains(&c.name) {
                secrets.push(c.name.clone()); // a credential's value is never shown either
            }
        }
    }
    let charsets = charsets.unwrap_or_default();

    let mut params = BTreeMap::new();
    if let Some(loaded) = &files.params {
        d.text(&loaded.value.source, "source");
        for (i, param) in loaded.value.params.iter().enumerate() {
            let p = format!("params[{i}]");
            if let Some(u) = &param.uses {
                d.at(u.span(), format!("{p}.use"), "a shared parameter cannot use another");
            }
            if let Some(c) = &param.check_digit {
                d.at(
                    c.span(),
                    format!("{p}.check_digit"),
                    "depends on the operation's fields: give it in the operation",
                );
            }
            match &param.wire {
                None => d.at(param.span(), format!("{p}.wire"), "missing"),
                Some(w) if params.contains_key(w.as_str()) => d.at(w.span(), format!("{p}.wire"), "listed twice"),
                Some(w) => {
                    params.insert(w.to_string(), param);
                }
            }
        }
    }
    let mut blocks = BTreeMap::new();
    if let Some(loaded) = &files.params {
        for (i, b) in loaded.value.blocks.iter().enumerate() {
            let p = format!("blocks[{i}]");
            if !crate::names::is_snake(&b.name) {
                d.at(b.name.span(), format!("{p}.name"), "expected a snake_case id");
            }
            d.text(&b.meaning, &format!("{p}.meaning"));
            d.text(&b.source, &format!("{p}.source"));
            if b.params.is_empty() {
                d.at(b.name.span(), format!("{p}.params"), "a block needs at least one parameter");
            }
            for (j, name) in b.params.iter().enumerate() {
                let q = format!("{p}.params[{j}]");
                match params.get(name.as_str()) {
                    None => d.at(name.span(), q, format!("no parameter {:?} in params", name.as_str())),
                    Some(param) => {
                        // a block is shared as one table: nothing in it may depend on where it stands
                        if param.when.is_some()
                            || param.forbidden_when.is_some()
                            || param.fixed.is_some()
                            || param.computed.is_some()
                        {
                            let msg = "a block's parameter has no `when`, `forbidden_when`, `fixed` or `computed`";
                            d.at(name.span(), q, msg);
                        }
                    }
                }
                if b.params[..j].iter().any(|o| o.as_str() == name.as_str()) {
                    d.at(name.span(), format!("{p}.params[{j}]"), "listed twice");
                }
            }
            let members = (b.params.iter().map(|n| n.to_string()).collect(), b.uncertain.as_ref());
            if blocks.insert(b.name.to_string(), members).is_some() {
                d.at(b.name.span(), format!("{p}.name"), "listed twice");
            }
        }
    }
    if let (Some(loaded), Some(table)) = (&files.gateway, gateway.as_ref().and_then(|g| g.answer.result_table.as_ref()))
        && !tables.iter().any(|t| &t.name == table)
        && let Some(t) = &loaded.value.answer.success.table
    {
        d.at(t.span(), "answer.success.table", format!("no code table {table:?} in codes/"));
    }
    if let (Some(loaded), Some((_, table))) =
        (&files.gateway, gateway.as_ref().and_then(|g| g.answer.fields.failure.as_ref()?.cause.as_ref()))
        && !tables.iter().any(|t| &t.name == table)
        && let Some(t) = loaded.value.answer.fields.failure.as_ref().and_then(|f| f.cause_table.as_ref())
    {
        d.at(t.span(), "answer.fields.failure.cause_table", format!("no code table {table:?} in codes/"));
    }
    let known = Known {
        params,
        blocks,
        tables: tables.iter().map(|t| (t.name.clone(), t.rows.iter().map(|r| r.code.clone()).collect())).collect(),
        bitmaps: bitmaps.iter().map(|b| (b.name.clone(), KnownBitmap::new(b))).collect(),
        secrets: secrets.clone(),
        credentials: credentials.iter().map(|c| c.name.clone()).collect(),
        answer_result: gateway.as_ref().map(|g| g.answer.result_field.clone()).unwrap_or_default(),
        answer_table: gateway.as_ref().and_then(|g| g.answer.result_table.clone()),
        outcome_fields: gateway.as_ref().map(|g| g.answer.fields.clone()).unwrap_or_default(),
        element_answer: gateway.as_ref().is_some_and(|g| g.answer.shape == AnswerShape::ElementText),
    };
    let mut operations: Vec<_> =
        files.operations.iter().map(|o| operation::check_operation(&mut d, o, &known)).collect();
    share_row_types(&mut operations);
    let mut type_names = crate::names::Scope::default();
    for (o, loaded) in operations.iter().zip(&files.operations) {
        let upper = crate::names::upper(&o.name);
        let mut names = vec![
            o.type_name.clone(),
            format!("{}Response", o.type_name),
            format!("{}Outcome", o.type_name),
            upper.clone(),
            format!("{upper}_RESPONSE"),
        ];
        // row views are re-exported next to the operation types; a group that reuses an earlier operation's row
        // view (the same group, see `share_row_types`) takes no name of its own
        let rows = o.response.iter().flat_map(|r| r.groups.iter().filter(|g| g.defined_in.is_none()));
        let rows: Vec<_> = rows.map(|g| g.type_name.clone()).collect();
        names.extend(rows.iter().cloned());
        for taken in names {
            if let Some(other) = type_names.take(&taken, &o.name) {
                let hint = if rows.contains(&taken) {
                    " (a group of two operations shares one row view when its name, `repeated` and elements are the same)"
                } else {
                    ""
                };
                d.at(
                    loaded.value.name.span(),
                    "name",
                    format!("{:?} and {other:?} both need the Rust type {taken}{hint}", o.name),
                );
            }
        }
    }
    call::check_calls(&mut d, &operations, &files.operations);
    for o in &operations {
        secrets.extend(o.fields.iter().filter(|f| f.secret).map(|f| f.wire.clone()));
        secrets
            .extend(o.response.iter().flat_map(|r| r.attributes.iter().filter(|a| a.secret).map(|a| a.name.clone())));
        let rows = o.response.iter().flat_map(|r| r.groups.iter().flat_map(|g| g.elements.iter()));
        secrets.extend(rows.filter(|a| a.secret).map(|a| a.name.clone()));
    }
    secrets.sort_unstable();
    secrets.dedup();
    let (params, blocks) = shared(files, &known, &operations, &secrets);
    d.finish()?;
    let Some(gateway) = gateway else {
        // a missing gateway.yaml was reported by load, so `finish` returned the error above
        return Err(SpecErrors(Vec::new()));
    };
    Ok(Model { gateway, operations, tables, bitmaps, charsets, secrets, credentials, params, blocks })
}

/// A group that an earlier operation's answer has too, with the same name, `repeated` and elements (name, meaning,
/// table, secret; not provenance), reuses that operation's row view type instead of defining its own: two
/// operations that answer the same rows (`cardData` of creditInfoGet and creditInfoDelete) read them through one
/// type. A group that differs keeps its own type, and the type-name check reports the clash.
fn share_row_types(operations: &mut [crate::model::Operation]) {
    use crate::model::{Attribute, ResponseGroup};
    fn same_row(a: &ResponseGroup, b: &ResponseGroup) -> bool {
        let same = |x: &Attribute, y: &Attribute| {
            x.name == y.name && x.meaning == y.meaning && x.table == y.table && x.secret == y.secret
        };
        a.name == b.name
            && a.repeated == b.repeated
            && a.elements.len() == b.elements.len()
            && a.elements.iter().zip(&b.elements).all(|(x, y)| same(x, y))
    }
    // (later operation, its group, the earlier operation that defines the row view, that operation's group)
    let mut links = Vec::new();
    for (i, later) in operations.iter().enumerate() {
        for (gi, g) in later.response.iter().flat_map(|r| r.groups.iter().enumerate()) {
            let first = operations.iter().take(i).enumerate().find_map(|(j, earlier)| {
                let groups = earlier.response.iter().flat_map(|r| r.groups.iter().enumerate());
                groups.filter(|(_, e)| e.defined_in.is_none()).find(|(_, e)| same_row(e, g)).map(|(ej, _)| (j, ej))
            });
            if let Some((j, ej)) = first {
                links.push((i, gi, j, ej));
            }
        }
    }
    for (i, gi, j, ej) in links {
        let later_name = operations.get(i).map(|o| o.name.clone()).unwrap_or_default();
        let earlier_name = operations.get(j).map(|o| o.name.clone()).unwrap_or_default();
        if let Some(g) = operations.get_mut(i).and_then(|o| o.response.as_mut()).and_then(|r| r.groups.get_mut(gi)) {
            g.defined_in = Some(earlier_name);
        }
        if let Some(g) = operations.get_mut(j).and_then(|o| o.response.as_mut()).and_then(|r| r.groups.get_mut(ej)) {
            g.shared_with.push(later_name);
        }
    }
}
