//! Code tables, bitmaps, the charset tables and the secret names.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostics;
use crate::load::Loaded;
use crate::model::{Bitmap, BitmapPosition, CharsetTables, CodeRow, Lookalike, Provenance, Refused, Table};
use crate::names::{Scope, camel, is_snake};
use crate::syntax::{
    BitmapFile, CharsetsFile, CodeFile, GatewaySecretRow, LossyRow, NormalizeRow, SecretsFile, Text, TextPolicySyntax,
};

fn provenance(d: &mut Diagnostics, source: &Text, uncertain: &Option<Text>, p: &str) -> Provenance {
    let sep = if p.is_empty() { "" } else { "." };
    Provenance {
        source: d.text(source, &format!("{p}{sep}source")),
        uncertain: d.opt(uncertain, &format!("{p}{sep}uncertain")),
    }
}

/// Checks a code table.
pub(crate) fn check_table(d: &mut Diagnostics, loaded: &Loaded<CodeFile>) -> Table {
    let f = &loaded.value;
    if f.name.as_str() != loaded.stem {
        d.at(f.name.span(), "name", format!("must equal the file name {:?}", loaded.stem));
    }
    let rust_enum = f.rust_enum.as_ref().map(|e| {
        if !e.starts_with(|c: char| c.is_ascii_uppercase()) || !e.bytes().all(|b| b.is_ascii_alphanumeric()) {
            d.at(e.span(), "rust_enum", "expected a CamelCase type name");
        }
        e.to_string()
    });
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    let mut variants = Scope::default();
    variants.take("Unknown", "(values the table does not list)");
    for (i, r) in f.codes.iter().enumerate() {
        let p = format!("codes[{i}]");
        if !seen.insert(r.code.to_string()) {
            d.at(r.code.span(), format!("{p}.code"), format!("code {:?} listed twice", r.code.as_str()));
        }
        let variant = match (&r.key, &rust_enum) {
            (Some(k), Some(_)) => {
                if !is_snake(k) {
                    d.at(k.span(), format!("{p}.key"), "expected a snake_case id");
                }
                let v = camel(k);
                if let Some(other) = variants.take(&v, k) {
                    d.at(k.span(), format!("{p}.key"), format!("variant {v} is already taken by {other:?}"));
                }
                Some(v)
            }
            (None, Some(_)) => {
                d.at(r.code.span(), format!("{p}.key"), "missing: a table with rust_enum needs a key on every code");
                None
            }
            (Some(k), None) => {
                d.at(k.span(), format!("{p}.key"), "`key` goes with the table's `rust_enum` only");
                None
            }
            (None, None) => None,
        };
        rows.push(CodeRow {
            code: r.code.to_string(),
            variant,
            ja: d.text(&r.ja, &format!("{p}.ja")),
            en: d.text(&r.en, &format!("{p}.en")),
            remediation: d.opt(&r.remediation, &format!("{p}.remediation")),
            provenance: provenance(d, &r.source, &r.uncertain, &p),
        });
    }
    Table {
        name: f.name.to_string(),
        file: loaded.file.clone(),
        meaning: d.text(&f.meaning, "meaning"),
        provenance: provenance(d, &f.source, &f.uncertain, ""),
        rust_enum,
        rows,
    }
}

/// Whether `layout` covers the first positions of a bitmap laid out in `groups`, in order: as many groups or fewer,
/// each as long as the current one except the last, which may be shorter (but not empty).
fn covers_first_positions(layout: &[u8], groups: &[u8]) -> bool {
    let Some((last, init)) = layout.split_last() else { return false };
    layout.len() <= groups.len()
        && init.iter().zip(groups).all(|(a, b)| a == b)
        && groups.get(init.len()).is_some_and(|g| *last >= 1 && last <= g)
}

/// Checks a bitmap: group layout, the legacy layouts (each covers the first positions in order), one position per
/// digit in order, unique labels.
pub(crate) fn check_bitmap(d: &mut Diagnostics, loaded: &Loaded<BitmapFile>) -> Bitmap {
    let f = &loaded.value;
    if f.name.as_str() != loaded.stem {
        d.at(f.name.span(), "name", format!("must equal the file name {:?}", loaded.stem));
    }
    let total: u32 = f.groups.iter().map(|&g| u32::from(g)).sum();
    if total == 0 || total > 64 || f.groups.contains(&0) {
        d.at(
            f.groups.span(),
            "groups",
            format!("group lengths add up to {total}; expected 1 to 64 digits in non-empty groups"),
        );
    }
    let legacy = f.legacy_groups.as_ref().map(|l| l.to_vec()).unwrap_or_default();
    if let Some(l) = &f.legacy_groups {
        if l.is_empty() {
            d.at(l.span(), "legacy_groups", "must list at least one layout (or be left out)");
        }
        for (i, layout) in l.iter().enumerate() {
            if !covers_first_positions(layout, &f.groups) {
                d.at(
                    l.span(),
                    format!("legacy_groups[{i}]"),
                    "must cover the first positions in order: the groups of `groups`, fewer of them, the last one \
                     possibly shorter (none empty)",
                );
            }
            if layout == &f.groups[..] || l.iter().take(i).any(|other| other == layout) {
                d.at(l.span(), format!("legacy_groups[{i}]"), "repeats the current layout or another legacy one");
            }
        }
    }
    let mut positions = Vec::new();
    let mut labels = Scope::default();
    for (i, r) in f.positions.iter().enumerate() {
        let p = format!("positions[{i}]");
        let expected = i + 1;
        if usize::from(*r.pos) != expected {
            d.at(r.pos.span(), format!("{p}.pos"), format!("expected {expected} (positions in order from 1)"));
        }
        if r.label.is_empty() {
            d.at(r.label.span(), format!("{p}.label"), "must not be empty");
        } else if let Some(other) = labels.take(&r.label, &r.key) {
            d.at(
                r.label.span(),
                format!("{p}.label"),
                format!("label {:?} is already position {other:?}", r.label.as_str()),
            );
        }
        if !is_snake(&r.key) {
            d.at(r.key.span(), format!("{p}.key"), "expected a snake_case id");
        }
        positions.push(BitmapPosition {
            pos: *r.pos,
            label: r.label.to_string(),
            key: r.key.to_string(),
            ja: d.text(&r.ja, &format!("{p}.ja")),
            en: d.text(&r.en, &format!("{p}.en")),
            provenance: provenance(d, &r.source, &r.uncertain, &p),
        });
    }
    if positions.len() as u32 != total {
        d.at(f.name.span(), "positions", format!("{} positions, expected {total} (one per digit)", positions.len()));
    }
    Bitmap {
        name: f.name.to_string(),
        file: loaded.file.clone(),
        meaning: d.text(&f.meaning, "meaning"),
        provenance: provenance(d, &f.source, &f.uncertain, ""),
        groups: f.groups.to_vec(),
        legacy_groups: legacy,
        positions,
    }
}

fn scalar(d: &mut Diagnostics, s: &Text, path: &str) -> Option<char> {
    let parsed = s.strip_prefix("U+").and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
    if parsed.is_none() {
        d.at(s.span(), path, format!("expected a scalar value written U+XXXX, found {:?}", s.as_str()));
    }
    parsed
}

fn normalize_rows(d: &mut Diagnostics, rows: &[NormalizeRow], prefix: &str, tables: &mut CharsetTables) {
    for (i, r) in rows.iter().enumerate() {
        let p = format!("{prefix}normalize[{i}]");
        let from = scalar(d, &r.from, &format!("{p}.from"));
        let to = scalar(d, &r.to, &format!("{p}.to"));
        d.text(&r.name, &format!("{p}.name"));
        d.text(&r.source, &format!("{p}.source"));
        if tables.normalize.iter().any(|l| Some(l.from) == from) {
            d.at(r.from.span(), format!("{p}.from"), "normalized twice");
        }
        if let (Some(from), Some(to)) = (from, to) {
            tables.normalize.push(Lookalike { from, to });
        }
    }
}

fn lossy_rows(d: &mut Diagnostics, rows: &[LossyRow], prefix: &str, tables: &mut CharsetTables) {
    for (i, r) in rows.iter().enumerate() {
        let p = format!("{prefix}lossy[{i}]");
        let c = scalar(d, &r.ch, &format!("{p}.char"));
        scalar(d, &r.decodes_as, &format!("{p}.decodes_as"));
        d.text(&r.source, &format!("{p}.source"));
        tables.lossy.extend(c);
    }
}

/// Checks `charsets.yaml`.
pub(crate) fn check_charsets(d: &mut Diagnostics, f: &CharsetsFile) -> CharsetTables {
    let mut tables = CharsetTables::default();
    d.text(&f.source, "source");
    normalize_rows(d, &f.normalize, "", &mut tables);
    lossy_rows(d, &f.lossy, "", &mut tables);
    let rows = &f.euc_jp_rejected_rows;
    d.text(&rows.source, "euc_jp_rejected_rows.source");
    d.opt(&rows.uncertain, "euc_jp_rejected_rows.uncertain");
    if rows.rows.iter().any(|&r| !(1..=94).contains(&r)) {
        d.at(rows.rows.span(), "euc_jp_rejected_rows.rows", "JIS X 0208 rows are 1 to 94");
    }
    tables.euc_jp_rejected_rows = rows.rows.to_vec();
    tables
}

fn cp932_code(d: &mut Diagnostics, s: &str, span: &Text, path: &str) -> Option<u16> {
    let code = s.strip_prefix("0x").and_then(|h| u16::from_str_radix(h, 16).ok()).filter(|c| *c >= 0x8140);
    if code.is_none() {
        d.at(span.span(), path, format!("expected a double-byte CP932 code written 0xXXXX, found {s:?}"));
    }
    code
}

/// Checks the character tables written in `gateway.yaml` `text:` (lossy, normalize, refused codes). `None` when the
/// profile writes none of them (the tables come from `charsets.yaml` then).
pub(crate) fn check_text_tables(d: &mut Diagnostics, t: &TextPolicySyntax) -> Option<CharsetTables> {
    let written = t.lossy.is_some() || t.normalize.is_some() || !t.refused.is_empty() || !t.refused_ranges.is_empty();
    if !written {
        d.opt(&t.refused_uncertain, "text.refused_uncertain");
        return None;
    }
    let mut tables = CharsetTables::default();
    let mut spans = Vec::new();
    normalize_rows(d, t.normalize.as_deref().unwrap_or_default(), "text.", &mut tables);
    lossy_rows(d, t.lossy.as_deref().unwrap_or_default(), "text.", &mut tables);
    for (i, r) in t.refused.iter().enumerate() {
        let p = format!("text.refused[{i}]");
        if let Some(c) = &r.ch {
            scalar(d, c, &format!("{p}.char"));
        }
        let name = d.text(&r.name, &format!("{p}.name"));
        d.text(&r.source, &format!("{p}.source"));
        if let Some(code) = cp932_code(d, &r.cp932, &r.cp932, &format!("{p}.cp932")) {
            tables.refused.push(Refused { first: code, last: code, name });
            spans.push(*r.cp932.span());
        }
    }
    for (i, r) in t.refused_ranges.iter().enumerate() {
        let p = format!("text.refused_ranges[{i}]");
        let name = d.text(&r.name, &format!("{p}.name"));
        d.text(&r.source, &format!("{p}.source"));
        let Some((a, b)) = r.cp932.split_once('-') else {
            d.at(r.cp932.span(), format!("{p}.cp932"), "expected a range written 0xXXXX-0xYYYY");
            continue;
        };
        let path = format!("{p}.cp932");
        if let (Some(first), Some(last)) = (cp932_code(d, a, &r.cp932, &path), cp932_code(d, b, &r.cp932, &path)) {
            if first > last {
                d.at(r.cp932.span(), path, "the range is empty");
            } else {
                tables.refused.push(Refused { first, last, name });
                spans.push(*r.cp932.span());
            }
        }
    }
    for (i, (r, span)) in tables.refused.iter().zip(&spans).enumerate() {
        if let Some(other) = tables.refused.iter().take(i).find(|o| o.first <= r.last && r.first <= o.last) {
            d.at(span, "text.refused", format!("{:?} overlaps {:?}", r.name, other.name));
        }
    }
    d.opt(&t.refused_uncertain, "text.refused_uncertain");
    Some(tables)
}

/// Checks the `secrets:` of `gateway.yaml`; returns the names.
pub(crate) fn check_gateway_secrets(d: &mut Diagnostics, rows: &[GatewaySecretRow]) -> Vec<String> {
    let mut secrets = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let p = format!("secrets[{i}]");
        let name = d.text(&r.name, &format!("{p}.name"));
        d.text(&r.meaning, &format!("{p}.meaning"));
        d.text(&r.source, &format!("{p}.source"));
        d.opt(&r.uncertain, &format!("{p}.uncertain"));
        if secrets.contains(&name) {
            d.at(r.name.span(), format!("{p}.name"), "listed twice");
        }
        secrets.push(name);
    }
    secrets
}

/// Checks `gateway.yaml` `credentials`; returns the names (each also a secret name: the caller adds them). A name
/// may not also be among the profile's `secrets` (it is one already).
pub(crate) fn check_credentials(
    d: &mut Diagnostics,
    rows: &[GatewaySecretRow],
    secrets: &[GatewaySecretRow],
) -> Vec<String> {
    let mut names = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let p = format!("credentials[{i}]");
        let name = d.text(&r.name, &format!("{p}.name"));
        if !crate::names::is_snake(&name) {
            d.at(r.name.span(), format!("{p}.name"), "expected a snake_case name");
        }
        d.text(&r.meaning, &format!("{p}.meaning"));
        d.text(&r.source, &format!("{p}.source"));
        d.opt(&r.uncertain, &format!("{p}.uncertain"));
        if names.contains(&name) {
            d.at(r.name.span(), format!("{p}.name"), "listed twice");
        } else if secrets.iter().any(|s| s.name.as_str() == name) {
            d.at(r.name.span(), format!("{p}.name"), "is also in `secrets` (a credential is a secret name already)");
        }
        names.push(name);
    }
    names
}

/// Checks `secrets.yaml`; returns the names.
pub(crate) fn check_secrets(d: &mut Diagnostics, f: &SecretsFile) -> Vec<String> {
    let mut secrets = Vec::new();
    d.text(&f.source, "source");
    for (i, r) in f.names.iter().enumerate() {
        let p = format!("names[{i}]");
        let name = d.text(&r.name, &format!("{p}.name"));
        d.text(&r.meaning, &format!("{p}.meaning"));
        d.text(&r.source, &format!("{p}.source"));
        if secrets.contains(&name) {
            d.at(r.name.span(), format!("{p}.name"), "listed twice");
        }
        secrets.push(name);
    }
    secrets
}
