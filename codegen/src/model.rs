//! Semantic checks and the checked model. Every error is collected, located and named by field path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use marked_yaml::{LoaderOptions, Span, Spanned};
use serde::de::DeserializeOwned;

use crate::syntax::{self, S};
use crate::{SpecError, SpecErrors};

pub(crate) struct Model {
    pub(crate) ops: Vec<Op>,
    pub(crate) tables: Vec<Table>,
    pub(crate) st: St,
    pub(crate) normalize: Vec<(char, char, String)>,
    pub(crate) lossy: Vec<char>,
    pub(crate) secrets: Vec<String>,
    pub(crate) euc_jp_rejected_rows: Vec<u8>,
}

pub(crate) struct Op {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) cgi: String,
    pub(crate) incoming: bool,
    pub(crate) title_ja: String,
    pub(crate) title_en: String,
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
    pub(crate) utf8: Vec<(String, String)>,
    pub(crate) fields: Vec<Field>,
    pub(crate) response: Option<Resp>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Supplied,
    Required,
    Unique,
    Conditional,
    Optional,
}

impl Marker {
    pub(crate) fn always_required(self) -> bool {
        matches!(self, Marker::Supplied | Marker::Required | Marker::Unique)
    }
}

pub(crate) struct Field {
    pub(crate) wire: String,
    pub(crate) label_ja: String,
    pub(crate) meaning: String,
    pub(crate) marker: Marker,
    /// (present_any?, indices, description)
    pub(crate) cond: Option<(bool, Vec<usize>, String)>,
    pub(crate) kind: Kind,
    /// (exact?, n)
    pub(crate) limit: Option<(bool, u64)>,
    pub(crate) fixed: Option<String>,
    pub(crate) allowed: Vec<String>,
    pub(crate) secret: bool,
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
}

pub(crate) enum Kind {
    Ascii { kind: &'static str, spec: String, mask: u128 },
    Text,
    HalfwidthKana,
    FullwidthKana,
    StCode,
    Code(String),
}

pub(crate) struct Resp {
    pub(crate) source: String,
    pub(crate) empty_root: Option<String>,
    pub(crate) uncertain: Option<String>,
    pub(crate) attrs: Vec<Attr>,
}

pub(crate) struct Attr {
    pub(crate) name: String,
    pub(crate) meaning: String,
    pub(crate) table: Option<String>,
    pub(crate) secret: bool,
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
}

pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) meaning: String,
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
    pub(crate) rows: Vec<Row>,
}

pub(crate) struct Row {
    pub(crate) code: String,
    pub(crate) ja: String,
    pub(crate) en: String,
    pub(crate) remediation: Option<String>,
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
}

pub(crate) struct St {
    pub(crate) meaning: String,
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
    pub(crate) groups: Vec<u8>,
    pub(crate) legacy: Vec<u8>,
    pub(crate) positions: Vec<Pos>,
}

pub(crate) struct Pos {
    pub(crate) pos: u8,
    pub(crate) label: String,
    pub(crate) key: String,
    pub(crate) ja: String,
    pub(crate) en: String,
    pub(crate) source: String,
    pub(crate) uncertain: Option<String>,
}

/// Error collector for one file.
struct Ctx<'e> {
    file: String,
    errors: &'e mut Vec<SpecError>,
}

impl Ctx<'_> {
    fn err(&mut self, span: &Span, path: impl Into<String>, message: impl Into<String>) {
        let (line, column) = span.start().map_or((0, 0), |m| (m.line(), m.column()));
        self.errors.push(SpecError {
            file: self.file.clone(),
            line,
            column,
            path: path.into(),
            message: message.into(),
        });
    }

    /// A required, non-empty one-line string.
    fn text(&mut self, s: &S, path: &str) -> String {
        if s.trim().is_empty() {
            self.err(s.span(), path, "must not be empty");
        }
        s.to_string()
    }

    fn opt(&mut self, s: &Option<S>, path: &str) -> Option<String> {
        s.as_ref().map(|s| self.text(s, path))
    }
}

fn read<T: DeserializeOwned>(spec_dir: &Path, rel: &str, errors: &mut Vec<SpecError>) -> Option<T> {
    let file = display_name(spec_dir, rel);
    let text = match std::fs::read_to_string(spec_dir.join(rel)) {
        Ok(t) => t,
        Err(e) => {
            errors.push(SpecError {
                file,
                line: 0,
                column: 0,
                path: String::new(),
                message: format!("cannot read: {e}"),
            });
            return None;
        }
    };
    let options = LoaderOptions::default().error_on_duplicate_keys(true);
    let node = match marked_yaml::parse_yaml_with_options(0, &text, options) {
        Ok(n) => n,
        Err(e) => {
            // the loader's message starts with `line:column: `
            let text = e.to_string();
            let mut parts = text.splitn(3, ':');
            let (line, column, message) = match (parts.next(), parts.next(), parts.next()) {
                (Some(l), Some(c), Some(m)) if l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok() => {
                    (l.parse().unwrap_or(0), c.parse().unwrap_or(0), m.trim().to_owned())
                }
                _ => (0, 0, text.clone()),
            };
            errors.push(SpecError {
                file,
                line,
                column,
                path: String::new(),
                message: format!("not valid YAML: {message}"),
            });
            return None;
        }
    };
    match marked_yaml::from_node::<T>(&node) {
        Ok(v) => Some(v),
        Err(e) => {
            let (line, column) = e.start_mark().map_or((0, 0), |m| (m.line(), m.column()));
            let path = e.path().unwrap_or_default().to_owned();
            let message = e.into_inner().to_string();
            let message = message[..1].to_lowercase() + &message[1..];
            errors.push(SpecError { file, line, column, path, message });
            None
        }
    }
}

fn display_name(spec_dir: &Path, rel: &str) -> String {
    let base = spec_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!("{base}/{rel}")
}

fn yaml_files(spec_dir: &Path, sub: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(spec_dir.join(sub))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml"))
                .map(|n| format!("{sub}/{n}"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn stem(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".yaml")
}

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

pub(crate) fn load(spec_dir: &Path) -> Result<Model, SpecErrors> {
    let mut errors = Vec::new();

    // code tables
    let mut tables = Vec::new();
    let mut st = None;
    for rel in yaml_files(spec_dir, "codes") {
        if stem(&rel) == "st_code" {
            if let Some(f) = read::<syntax::StCodeFile>(spec_dir, &rel, &mut errors) {
                let mut cx = Ctx { file: display_name(spec_dir, &rel), errors: &mut errors };
                st = Some(check_st(&mut cx, f));
            }
        } else if let Some(f) = read::<syntax::CodeFile>(spec_dir, &rel, &mut errors) {
            let mut cx = Ctx { file: display_name(spec_dir, &rel), errors: &mut errors };
            tables.push(check_table(&mut cx, stem(&rel), f));
        }
    }
    let table_names: BTreeSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    let table_codes: BTreeMap<String, Vec<String>> =
        tables.iter().map(|t| (t.name.clone(), t.rows.iter().map(|r| r.code.clone()).collect())).collect();

    // charsets
    let mut normalize = Vec::new();
    let mut lossy = Vec::new();
    let mut euc_jp_rejected_rows = Vec::new();
    if let Some(f) = read::<syntax::CharsetsFile>(spec_dir, "charsets.yaml", &mut errors) {
        let mut cx = Ctx { file: display_name(spec_dir, "charsets.yaml"), errors: &mut errors };
        cx.text(&f.source, "source");
        for (i, r) in f.normalize.iter().enumerate() {
            let p = format!("normalize[{i}]");
            let from = scalar(&mut cx, &r.from, &format!("{p}.from"));
            let to = scalar(&mut cx, &r.to, &format!("{p}.to"));
            let name = cx.text(&r.name, &format!("{p}.name"));
            cx.text(&r.source, &format!("{p}.source"));
            if normalize.iter().any(|(f, _, _)| Some(*f) == from) {
                cx.err(r.from.span(), format!("{p}.from"), "normalized twice");
            }
            if let (Some(from), Some(to)) = (from, to) {
                normalize.push((from, to, name));
            }
        }
        for (i, r) in f.lossy.iter().enumerate() {
            let p = format!("lossy[{i}]");
            let c = scalar(&mut cx, &r.ch, &format!("{p}.char"));
            scalar(&mut cx, &r.decodes_as, &format!("{p}.decodes_as"));
            cx.text(&r.source, &format!("{p}.source"));
            lossy.extend(c);
        }
        let rows = &f.euc_jp_rejected_rows;
        cx.text(&rows.source, "euc_jp_rejected_rows.source");
        cx.opt(&rows.uncertain, "euc_jp_rejected_rows.uncertain");
        if rows.rows.iter().any(|&r| !(1..=94).contains(&r)) {
            cx.err(rows.rows.span(), "euc_jp_rejected_rows.rows", "JIS X 0208 rows are 1 to 94");
        }
        euc_jp_rejected_rows = rows.rows.to_vec();
    }

    // secrets
    let mut secrets = Vec::new();
    if let Some(f) = read::<syntax::SecretsFile>(spec_dir, "secrets.yaml", &mut errors) {
        let mut cx = Ctx { file: display_name(spec_dir, "secrets.yaml"), errors: &mut errors };
        cx.text(&f.source, "source");
        for (i, r) in f.names.iter().enumerate() {
            let p = format!("names[{i}]");
            let name = cx.text(&r.name, &format!("{p}.name"));
            cx.text(&r.meaning, &format!("{p}.meaning"));
            cx.text(&r.source, &format!("{p}.source"));
            if secrets.contains(&name) {
                cx.err(r.name.span(), format!("{p}.name"), "listed twice");
            }
            secrets.push(name);
        }
    }

    // operations
    let mut ops = Vec::new();
    let files = yaml_files(spec_dir, "operations");
    if files.is_empty() {
        errors.push(SpecError {
            file: display_name(spec_dir, "operations"),
            line: 0,
            column: 0,
            path: String::new(),
            message: "no operation files".into(),
        });
    }
    for rel in files {
        if let Some(f) = read::<syntax::OperationFile>(spec_dir, &rel, &mut errors) {
            let mut cx = Ctx { file: display_name(spec_dir, &rel), errors: &mut errors };
            let mut op = check_op(&mut cx, stem(&rel), f, &table_names, &table_codes);
            // a name listed in secrets.yaml is secret in every operation, marked there or not
            for field in &mut op.fields {
                field.secret |= secrets.contains(&field.wire);
            }
            if let Some(r) = &mut op.response {
                for a in &mut r.attrs {
                    a.secret |= secrets.contains(&a.name);
                }
            }
            ops.push(op);
        }
    }

    let st = st.unwrap_or_else(|| {
        errors.push(SpecError {
            file: display_name(spec_dir, "codes/st_code.yaml"),
            line: 0,
            column: 0,
            path: String::new(),
            message: "missing: the st_code table is required".into(),
        });
        St {
            meaning: String::new(),
            source: String::new(),
            uncertain: None,
            groups: vec![],
            legacy: vec![],
            positions: vec![],
        }
    });

    errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    if errors.is_empty() {
        Ok(Model { ops, tables, st, normalize, lossy, secrets, euc_jp_rejected_rows })
    } else {
        Err(SpecErrors(errors))
    }
}

fn scalar(cx: &mut Ctx<'_>, s: &S, path: &str) -> Option<char> {
    let parsed = s.strip_prefix("U+").and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
    if parsed.is_none() {
        cx.err(s.span(), path, format!("expected a scalar value written U+XXXX, found {:?}", s.as_str()));
    }
    parsed
}

fn check_table(cx: &mut Ctx<'_>, stem: &str, f: syntax::CodeFile) -> Table {
    if f.name.as_str() != stem {
        cx.err(f.name.span(), "name", format!("must equal the file name {stem:?}"));
    }
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, r) in f.codes.iter().enumerate() {
        let p = format!("codes[{i}]");
        if !seen.insert(r.code.to_string()) {
            cx.err(r.code.span(), format!("{p}.code"), format!("code {:?} listed twice", r.code.as_str()));
        }
        rows.push(Row {
            code: r.code.to_string(),
            ja: cx.text(&r.ja, &format!("{p}.ja")),
            en: cx.text(&r.en, &format!("{p}.en")),
            remediation: cx.opt(&r.remediation, &format!("{p}.remediation")),
            source: cx.text(&r.source, &format!("{p}.source")),
            uncertain: cx.opt(&r.uncertain, &format!("{p}.uncertain")),
        });
    }
    Table {
        name: f.name.to_string(),
        file: cx.file.clone(),
        meaning: cx.text(&f.meaning, "meaning"),
        source: cx.text(&f.source, "source"),
        uncertain: cx.opt(&f.uncertain, "uncertain"),
        rows,
    }
}

const LABELS: &str = "123456789ABCDEFGHIJKLMNOPQRSTUVWXY";

fn check_st(cx: &mut Ctx<'_>, f: syntax::StCodeFile) -> St {
    if f.name.as_str() != "st_code" {
        cx.err(f.name.span(), "name", "must be \"st_code\"");
    }
    let total: u32 = f.groups.iter().map(|&g| u32::from(g)).sum();
    if total != 34 {
        cx.err(f.groups.span(), "groups", format!("group lengths add up to {total}, expected 34"));
    }
    let legacy: u32 = f.legacy_groups.iter().map(|&g| u32::from(g)).sum();
    if legacy > total || f.legacy_groups.iter().zip(f.groups.iter()).any(|(a, b)| a != b) {
        cx.err(f.legacy_groups.span(), "legacy_groups", "must be a prefix of groups");
    }
    let mut positions = Vec::new();
    for (i, r) in f.positions.iter().enumerate() {
        let p = format!("positions[{i}]");
        let expected = i + 1;
        if usize::from(*r.pos) != expected {
            cx.err(r.pos.span(), format!("{p}.pos"), format!("expected {expected} (positions in order from 1)"));
        }
        let label = LABELS.get(i..=i).unwrap_or("");
        if r.label.as_str() != label {
            cx.err(r.label.span(), format!("{p}.label"), format!("expected {label:?} for position {expected}"));
        }
        if !is_snake(&r.key) {
            cx.err(r.key.span(), format!("{p}.key"), "expected a snake_case id");
        }
        positions.push(Pos {
            pos: *r.pos,
            label: r.label.to_string(),
            key: r.key.to_string(),
            ja: cx.text(&r.ja, &format!("{p}.ja")),
            en: cx.text(&r.en, &format!("{p}.en")),
            source: cx.text(&r.source, &format!("{p}.source")),
            uncertain: cx.opt(&r.uncertain, &format!("{p}.uncertain")),
        });
    }
    if positions.len() != 34 {
        cx.err(f.name.span(), "positions", format!("{} positions, expected 34", positions.len()));
    }
    St {
        meaning: cx.text(&f.meaning, "meaning"),
        source: cx.text(&f.source, "source"),
        uncertain: cx.opt(&f.uncertain, "uncertain"),
        groups: f.groups.to_vec(),
        legacy: f.legacy_groups.to_vec(),
        positions,
    }
}

/// Parses an ASCII set such as `A-Za-z0-9.-+/@` into a mask. A `-` first, last or right after a range is literal.
pub(crate) fn ascii_mask(spec: &str) -> Result<u128, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut mask = 0u128;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii() || c.is_ascii_control() {
            return Err(format!("{c:?} is not a printable ASCII character"));
        }
        if chars.get(i + 1) == Some(&'-') && i + 2 < chars.len() {
            let end = chars[i + 2];
            if !end.is_ascii() || end < c {
                return Err(format!("range {c}-{end} is empty or not ASCII"));
            }
            for x in c..=end {
                mask |= 1u128 << (x as u32);
            }
            i += 3;
        } else {
            mask |= 1u128 << (c as u32);
            i += 1;
        }
    }
    if mask == 0 {
        return Err("empty set".into());
    }
    Ok(mask)
}

fn check_op(
    cx: &mut Ctx<'_>,
    stem: &str,
    f: syntax::OperationFile,
    tables: &BTreeSet<String>,
    table_codes: &BTreeMap<String, Vec<String>>,
) -> Op {
    if f.name.as_str() != stem {
        cx.err(f.name.span(), "name", format!("must equal the file name {stem:?}"));
    }
    if !is_snake(&f.name) {
        cx.err(f.name.span(), "name", "expected a snake_case id");
    }
    let incoming = match f.direction.as_ref().map(|d| d.as_str()) {
        None | Some("outgoing") => false,
        Some("incoming") => true,
        Some(other) => {
            let span = f.direction.as_ref().map(|d| *d.span()).unwrap_or_else(|| *f.name.span());
            cx.err(&span, "direction", format!("expected outgoing or incoming, found {other:?}"));
            false
        }
    };
    let wires: Vec<String> = f.fields.iter().map(|fl| fl.wire.to_string()).collect();
    let mut fields = Vec::new();
    for (i, fs) in f.fields.iter().enumerate() {
        let p = format!("fields[{i}]");
        if wires[..i].contains(&wires[i]) {
            cx.err(fs.wire.span(), format!("{p}.wire"), format!("parameter {:?} listed twice", fs.wire.as_str()));
        }
        fields.push(check_field(cx, &p, i, fs, &wires, tables, table_codes));
    }
    let mut utf8 = Vec::new();
    for (i, nv) in f.utf8_params.iter().enumerate() {
        let p = format!("utf8_params[{i}]");
        if wires.iter().any(|w| w == nv.name.as_str()) {
            cx.err(nv.name.span(), format!("{p}.name"), "is also a field");
        }
        if !nv.value.is_ascii() {
            cx.err(nv.value.span(), format!("{p}.value"), "must be ASCII");
        }
        utf8.push((cx.text(&nv.name, &format!("{p}.name")), nv.value.to_string()));
    }
    if incoming && !utf8.is_empty() {
        cx.err(f.name.span(), "utf8_params", "an incoming operation is not sent; it has no utf8_params");
    }
    let response = f.response.as_ref().map(|r| {
        if incoming {
            cx.err(r.source.span(), "response", "an incoming operation has no response");
        }
        let mut attrs = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, a) in r.attributes.iter().enumerate() {
            let p = format!("response.attributes[{i}]");
            if !seen.insert(a.name.to_string()) {
                cx.err(a.name.span(), format!("{p}.name"), format!("attribute {:?} listed twice", a.name.as_str()));
            }
            if !is_snake(&a.name) && !a.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                cx.err(a.name.span(), format!("{p}.name"), "expected an ASCII attribute name");
            }
            if let Some(t) = &a.table
                && !tables.contains(t.as_str())
            {
                cx.err(t.span(), format!("{p}.table"), format!("no code table {:?} in codes/", t.as_str()));
            }
            attrs.push(Attr {
                name: a.name.to_string(),
                meaning: cx.text(&a.meaning, &format!("{p}.meaning")),
                table: a.table.as_ref().map(|t| t.to_string()),
                secret: a.secret.as_ref().is_some_and(|s| **s),
                source: cx.text(&a.source, &format!("{p}.source")),
                uncertain: cx.opt(&a.uncertain, &format!("{p}.uncertain")),
            });
        }
        Resp {
            source: cx.text(&r.source, "response.source"),
            empty_root: cx.opt(&r.empty_root, "response.empty_root"),
            uncertain: cx.opt(&r.uncertain, "response.uncertain"),
            attrs,
        }
    });
    Op {
        name: f.name.to_string(),
        file: cx.file.clone(),
        cgi: cx.text(&f.cgi, "cgi"),
        incoming,
        title_ja: cx.text(&f.title_ja, "title_ja"),
        title_en: cx.text(&f.title_en, "title_en"),
        source: cx.text(&f.source, "source"),
        uncertain: cx.opt(&f.uncertain, "uncertain"),
        utf8,
        fields,
        response,
    }
}

fn check_field(
    cx: &mut Ctx<'_>,
    p: &str,
    index: usize,
    fs: &Spanned<syntax::FieldSyn>,
    wires: &[String],
    tables: &BTreeSet<String>,
    table_codes: &BTreeMap<String, Vec<String>>,
) -> Field {
    let span = *fs.span();
    if !is_snake(&fs.wire) && !fs.wire.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        cx.err(fs.wire.span(), format!("{p}.wire"), "expected an ASCII parameter name");
    }
    let marker = match fs.required.as_str() {
        "◎" => Marker::Supplied,
        "○" => Marker::Required,
        "●" => Marker::Unique,
        "△" => Marker::Conditional,
        "-" => Marker::Optional,
        other => {
            cx.err(fs.required.span(), format!("{p}.required"), format!("expected one of ◎ ○ ● △ -, found {other:?}"));
            Marker::Optional
        }
    };
    let cond = match (&fs.when, marker) {
        (None, Marker::Conditional) => {
            cx.err(fs.required.span(), format!("{p}.when"), "a △ field needs `when` (the condition)");
            None
        }
        (Some(_), m) if m != Marker::Conditional => {
            cx.err(fs.required.span(), format!("{p}.when"), "`when` goes with the △ marker only");
            None
        }
        (Some(w), _) => {
            let (present, list) = match (&w.present_any, &w.absent_all) {
                (Some(l), None) => (true, l),
                (None, Some(l)) => (false, l),
                _ => {
                    cx.err(w.description.span(), format!("{p}.when"), "give exactly one of present_any, absent_all");
                    (true, &Vec::new())
                }
            };
            let mut idx = Vec::new();
            for (j, name) in list.iter().enumerate() {
                match wires.iter().position(|x| x == name.as_str()) {
                    Some(k) if k == index => {
                        cx.err(name.span(), format!("{p}.when[{j}]"), "a field's condition cannot name itself")
                    }
                    Some(k) => idx.push(k),
                    None => cx.err(name.span(), format!("{p}.when[{j}]"), format!("no field {:?}", name.as_str())),
                }
            }
            if list.is_empty() {
                cx.err(w.description.span(), format!("{p}.when"), "the list of fields is empty");
            }
            Some((present, idx, cx.text(&w.description, &format!("{p}.when.description"))))
        }
        (None, _) => None,
    };
    let kind = match fs.kind.as_str() {
        "digits" => Kind::Ascii { kind: "digits", spec: "0-9".into(), mask: ascii_mask("0-9").unwrap_or(0) },
        "alnum" => Kind::Ascii { kind: "alnum", spec: "A-Za-z0-9".into(), mask: ascii_mask("A-Za-z0-9").unwrap_or(0) },
        "ascii" => match &fs.ascii {
            Some(set) => match ascii_mask(set) {
                Ok(mask) => Kind::Ascii { kind: "ascii", spec: set.to_string(), mask },
                Err(e) => {
                    cx.err(set.span(), format!("{p}.ascii"), e);
                    Kind::Text
                }
            },
            None => {
                cx.err(fs.kind.span(), format!("{p}.ascii"), "kind ascii needs the `ascii` set");
                Kind::Text
            }
        },
        "text" => Kind::Text,
        "halfwidth_kana" => Kind::HalfwidthKana,
        "fullwidth_kana" => Kind::FullwidthKana,
        "st_code" => Kind::StCode,
        "code" => match &fs.table {
            Some(t) if tables.contains(t.as_str()) => Kind::Code(t.to_string()),
            Some(t) => {
                cx.err(t.span(), format!("{p}.table"), format!("no code table {:?} in codes/", t.as_str()));
                Kind::Text
            }
            None => {
                cx.err(fs.kind.span(), format!("{p}.table"), "kind code needs `table`");
                Kind::Text
            }
        },
        other => {
            cx.err(
                fs.kind.span(),
                format!("{p}.kind"),
                format!(
                    "expected one of digits, alnum, ascii, text, halfwidth_kana, fullwidth_kana, st_code, code; found {other:?}"
                ),
            );
            Kind::Text
        }
    };
    if fs.ascii.is_some() && fs.kind.as_str() != "ascii" {
        cx.err(fs.kind.span(), format!("{p}.ascii"), "`ascii` goes with kind ascii only");
    }
    if fs.table.is_some() && fs.kind.as_str() != "code" {
        cx.err(fs.kind.span(), format!("{p}.table"), "`table` goes with kind code only");
    }
    let limit = match (&fs.max_bytes, &fs.exact_bytes) {
        (Some(_), Some(e)) => {
            cx.err(e.span(), format!("{p}.exact_bytes"), "give max_bytes or exact_bytes, not both");
            None
        }
        (Some(m), None) => Some((false, m, "max_bytes")),
        (None, Some(e)) => Some((true, e, "exact_bytes")),
        (None, None) => None,
    }
    .map(|(exact, n, key)| {
        if **n == 0 {
            cx.err(n.span(), format!("{p}.{key}"), "must be at least 1");
        }
        (exact, **n)
    });
    let kind_allows = |v: &str| match &kind {
        Kind::Ascii { mask, .. } => v.chars().all(|c| (c as u32) < 128 && mask & (1u128 << (c as u32)) != 0),
        Kind::Code(t) => table_codes.get(t).is_some_and(|codes| codes.iter().any(|c| c == v)),
        _ => true,
    };
    let fixed = fs.fixed.as_ref().map(|v| {
        if v.is_empty() || !kind_allows(v) {
            cx.err(
                v.span(),
                format!("{p}.fixed"),
                format!("{:?} is not a value of kind {}", v.as_str(), fs.kind.as_str()),
            );
        }
        v.to_string()
    });
    let mut allowed: Vec<String> = Vec::new();
    if let Some(list) = &fs.allowed {
        if fixed.is_some() {
            cx.err(list.span(), format!("{p}.allowed"), "a fixed field has no `allowed` list");
        }
        if list.is_empty() {
            cx.err(list.span(), format!("{p}.allowed"), "the list is empty");
        }
        for (j, v) in list.iter().enumerate() {
            if v.is_empty() || !kind_allows(v) {
                cx.err(
                    v.span(),
                    format!("{p}.allowed[{j}]"),
                    format!("{:?} is not a value of kind {}", v.as_str(), fs.kind.as_str()),
                );
            }
            allowed.push(v.to_string());
        }
    }
    if let Some(f) = &fixed {
        allowed = vec![f.clone()];
    } else if allowed.is_empty()
        && let Kind::Code(t) = &kind
    {
        allowed = table_codes.get(t).cloned().unwrap_or_default().into_iter().filter(|c| !c.is_empty()).collect();
    }
    if let (Some((exact, n)), Some(v)) = (limit, allowed.first()) {
        for v in std::iter::once(v).chain(allowed.iter().skip(1)) {
            let len = v.len() as u64; // allowed values are ASCII by kind
            if (exact && len != n) || (!exact && len > n) {
                cx.err(&span, p, format!("allowed value {v:?} breaks the field's own byte limit"));
            }
        }
    }
    Field {
        wire: fs.wire.to_string(),
        label_ja: cx.text(&fs.label_ja, &format!("{p}.label_ja")),
        meaning: cx.text(&fs.meaning, &format!("{p}.meaning")),
        marker,
        cond,
        kind,
        limit,
        fixed,
        allowed,
        secret: fs.secret.as_ref().is_some_and(|s| **s),
        source: cx.text(&fs.source, &format!("{p}.source")),
        uncertain: cx.opt(&fs.uncertain, &format!("{p}.uncertain")),
    }
}
