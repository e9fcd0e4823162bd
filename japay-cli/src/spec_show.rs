//! `spec list` and `spec show OP`: the operations, and an operation's tables as Markdown or JSON.

use std::fmt::Write as _;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, Command};
use japay_core::Charset;
use japay_core::outcome::kind_names;
use japay_core::spec::{
    ByteLimit, CaseMatch, Computed, ComputedInput, Direction, FieldCheck, FieldSpec, Marker, OperationSpec,
    OutcomeCase, ValueKind,
};
use serde_json::{Map, Value, json};

use crate::Description;
use crate::output::{Output, USAGE};

/// The `spec` command.
pub(crate) fn command(cli: &Description) -> Command {
    Command::new("spec")
        .about("List the operations or show one operation's parameter table")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(Command::new("list").about("Print one operation name per line"))
        .subcommand(
            Command::new("show").about("Print an operation's parameters and answer attributes").arg(op_arg(cli)).arg(
                Arg::new("format")
                    .long("format")
                    .value_name("FORMAT")
                    .help("Output format")
                    .value_parser(PossibleValuesParser::new(["markdown", "json"]))
                    .default_value("markdown"),
            ),
        )
}

/// The required OP positional of `spec show`, `validate` and `encode`: one of the gateway's operations.
pub(crate) fn op_arg(cli: &Description) -> Arg {
    let operations = cli.operations;
    Arg::new("op")
        .value_name("OP")
        .required(true)
        .help(format!("Operation name (see `{} spec list`)", cli.name))
        .value_parser(move |name: &str| -> Result<&'static OperationSpec, String> {
            operations.iter().copied().find(|op| op.name == name).ok_or_else(|| {
                let names: Vec<&str> = operations.iter().map(|op| op.name).collect();
                format!("unknown operation {name}; expected one of: {}", names.join(", "))
            })
        })
}

/// Runs `spec`; the exit status.
pub(crate) fn run(cli: &Description, m: &ArgMatches, out: &mut Output<'_>) -> u8 {
    match m.subcommand() {
        Some(("list", _)) => {
            let mut text = String::new();
            for op in cli.operations {
                text.push_str(op.name);
                text.push('\n');
            }
            out.emit(text.as_bytes())
        }
        Some(("show", m)) => {
            let Some(&op) = m.get_one::<&'static OperationSpec>("op") else {
                return USAGE;
            };
            let text = match m.get_one::<String>("format").map(String::as_str) {
                Some("json") => json(cli, op),
                _ => markdown(cli, op),
            };
            out.emit(text.as_bytes())
        }
        _ => USAGE,
    }
}

const NONE: &str = "—";

fn direction(op: &OperationSpec) -> &'static str {
    match op.direction {
        Direction::Outgoing => "outgoing",
        Direction::Incoming => "incoming",
        _ => "unknown",
    }
}

/// A Markdown table cell: `|` escaped, line breaks flattened, empty shown as —.
fn cell(s: &str) -> String {
    if s.is_empty() {
        return NONE.to_owned();
    }
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn marker_text(f: &FieldSpec) -> String {
    let marker = match (f.marker, f.condition) {
        (Marker::Conditional, Some(c)) => format!("△ ({})", c.description),
        (m, _) => m.symbol().to_owned(),
    };
    match f.forbidden {
        Some(c) => format!("{marker}; absent for {}", c.description),
        None => marker,
    }
}

/// What the bitmap position checks of `f` expect, in words.
fn bits_text(f: &FieldSpec) -> Vec<&'static str> {
    f.checks
        .iter()
        .filter_map(|c| match *c {
            FieldCheck::BitsRequired { expected, .. } | FieldCheck::BitsAllowed { expected, .. } => Some(expected),
            _ => None,
        })
        .collect()
}

/// What the check-digit rules of `f` expect, in words (with the condition under which each applies).
fn check_digit_text(f: &FieldSpec) -> Vec<&'static str> {
    f.checks
        .iter()
        .filter_map(|c| match *c {
            FieldCheck::CheckDigit(rule) => Some(rule.expected),
            _ => None,
        })
        .collect()
}

fn kind_text(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Ascii(set) => format!("{} {}", set.kind(), code(set.description())),
        ValueKind::Code(table) => format!("code (table {})", code(table.name)),
        other => other.name().to_owned(),
    }
}

/// A computed field's inputs in words (`SHA-256 of member_id + $access_key`), wire names from `op`.
fn computed_text(op: &OperationSpec, f: &FieldSpec) -> Option<String> {
    let Some(Computed::Sha256Hex(inputs)) = f.computed else { return None };
    let parts: Vec<String> = inputs
        .iter()
        .map(|input| match *input {
            ComputedInput::Field(i) => op.fields.get(i).map_or_else(|| format!("field {i}"), |f| f.wire.to_owned()),
            ComputedInput::Credential(name) => format!("${name}"),
            _ => "?".to_owned(),
        })
        .collect();
    Some(format!("SHA-256 (lowercase hex) of {}", parts.join(" + ")))
}

fn values_text(op: &OperationSpec, f: &FieldSpec) -> String {
    if let Some(computed) = computed_text(op, f) {
        return format!("computed by the encoder: {computed}");
    }
    if let Some(fixed) = f.fixed {
        return format!("fixed {}", code(fixed));
    }
    let mut values: Vec<String> = f.allowed.iter().map(|v| code(v)).collect();
    values.extend(bits_text(f).into_iter().map(str::to_owned));
    values.extend(check_digit_text(f).into_iter().map(str::to_owned));
    values.join(", ")
}

/// The Markdown form.
pub(crate) fn markdown(cli: &Description, op: &OperationSpec) -> String {
    let mut s = String::new();
    // writing to a String cannot fail
    let _ = writeln!(s, "# {} — {}\n", op.name, op.title_ja);
    let _ = writeln!(s, "{}\n", op.title_en);
    let _ = writeln!(s, "- {}: {} ({})", cli.words.path_label, code(op.path), direction(op));
    let _ = writeln!(s, "- Source: {}", op.source);
    let _ = writeln!(s, "- Uncertain: {}", op.uncertain.unwrap_or(NONE));
    s.push_str("\n## Parameters\n\n");
    s.push_str(
        "| parameter | 項目名 | meaning | marker | kind | limit | fixed/allowed values | source | uncertain |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for f in op.fields {
        let limit = f.limit.map_or_else(|| NONE.to_owned(), |l| l.to_string());
        let secret = if f.secret { " (secret)" } else { "" };
        let _ = writeln!(
            s,
            "| {}{secret} | {} | {} | {} | {} | {} | {} | {} | {} |",
            code(f.wire),
            cell(f.label_ja),
            cell(f.meaning),
            cell(&marker_text(f)),
            cell(&kind_text(&f.kind)),
            limit,
            cell(&values_text(op, f)),
            cell(f.source),
            cell(f.uncertain.unwrap_or("")),
        );
    }
    if let Some(response) = op.response {
        s.push_str("\n## Response attributes\n\n");
        let _ = writeln!(s, "Source: {}", response.source);
        if let Some(empty) = response.empty_root {
            let _ = writeln!(s, "{}: {empty}", cli.words.empty_root);
        }
        if let Some(uncertain) = response.uncertain {
            let _ = writeln!(s, "Uncertain: {uncertain}");
        }
        s.push_str("\n| name | meaning | code table | source |\n|---|---|---|---|\n");
        for a in response.attributes {
            let secret = if a.secret { " (secret)" } else { "" };
            let _ = writeln!(
                s,
                "| {}{secret} | {} | {} | {} |",
                code(a.name),
                cell(a.meaning),
                a.table.map_or_else(|| NONE.to_owned(), |t| code(t.name)),
                cell(a.source),
            );
        }
    }
    rules_markdown(&mut s, op);
    outcomes_markdown(&mut s, op);
    s.push_str("\n## UTF-8 transport\n\n");
    if !op.takes(Charset::Utf8) {
        let others: Vec<&str> =
            cli.request_charsets().iter().filter(|&&c| c != Charset::Utf8).map(|c| c.name()).collect();
        let _ = writeln!(
            s,
            "Not sent as UTF-8: the operation has no UTF-8 marker parameters, so the gateway could not tell UTF-8 from \
             its default charset (rule `transport`). Send it as {}.",
            crate::one_of(&others)
        );
    } else if op.utf8_params.is_empty() {
        s.push_str("No parameters are added when the request is sent as UTF-8.\n");
    } else {
        let params: Vec<String> = op.utf8_params.iter().map(|(n, v)| code(&format!("{n}={v}"))).collect();
        let _ = writeln!(s, "Sent as UTF-8, the encoder adds {}.", params.join(", "));
    }
    s
}

/// A kind as tools print it: the CLI's display word, with the spec word after it when they differ (`3ds1 (tds1)`),
/// and "without error code" for a failure whose answers carry none.
fn case_kind_text(case: &OutcomeCase) -> String {
    let word = kind_names::display_word(case.kind);
    let kind = if word == case.kind { word.to_owned() } else { format!("{word} ({})", case.kind) };
    if case.without_code { format!("{kind}, without error code") } else { kind }
}

/// The answers a case covers, in words: its result values, "result absent" or "empty answer".
fn case_results_text(case: &OutcomeCase) -> String {
    match case.matches {
        // an empty result value shows as `""`, never as an empty cell
        CaseMatch::Values(values) => {
            values.iter().map(|v| code(if v.is_empty() { "\"\"" } else { v })).collect::<Vec<_>>().join(", ")
        }
        CaseMatch::ResultAbsent => "result absent".to_owned(),
        CaseMatch::EmptyAnswer => "empty answer (no field at all)".to_owned(),
        _ => "?".to_owned(),
    }
}

/// The `## Outcomes` section: the documented outcomes of the answer, in the spec's order. Left out when the
/// operation lists none.
fn outcomes_markdown(s: &mut String, op: &OperationSpec) {
    if op.outcomes.is_empty() {
        return;
    }
    s.push_str(
        "\n## Outcomes\n\nEach answer is exactly one of these cases; an answer that fits none, or more than one, is refused, never guessed.\n\n",
    );
    s.push_str("| outcome | kind | result values | fields present | count |\n|---|---|---|---|---|\n");
    for case in op.outcomes {
        let present: Vec<String> = case.present.iter().map(|f| code(f)).collect();
        let count = case.count.map_or_else(
            || NONE.to_owned(),
            |(field, group)| format!("{} = number of {} rows", code(field), code(group)),
        );
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            code(case.name),
            cell(&case_kind_text(case)),
            cell(&case_results_text(case)),
            cell(&present.join(", ")),
            cell(&count),
        );
    }
}

fn outcome_json(case: &OutcomeCase) -> Value {
    let results: &[&str] = match case.matches {
        CaseMatch::Values(values) => values,
        _ => &[],
    };
    json!({
        "name": case.name,
        "kind": case.kind,
        "display": kind_names::display_word(case.kind),
        "results": results,
        "result_absent": case.matches == CaseMatch::ResultAbsent,
        "empty_answer": case.matches == CaseMatch::EmptyAnswer,
        "present": case.present,
        "count": case.count.map(|(field, group)| json!({"field": field, "group": group})),
        "without_code": case.without_code,
    })
}

/// The wire names of the fields at `indices`, in the given order.
fn wires(op: &OperationSpec, indices: &[usize]) -> Vec<&'static str> {
    indices.iter().filter_map(|&i| op.fields.get(i)).map(|f| f.wire).collect()
}

/// The `## Rules` section: the operation's exactly-one-of rules and its groups of fields required together. Left out
/// when the operation has neither.
fn rules_markdown(s: &mut String, op: &OperationSpec) {
    if op.one_of.is_empty() && op.groups.is_empty() {
        return;
    }
    s.push_str("\n## Rules\n\n");
    let list = |names: Vec<&str>| names.iter().map(|w| code(w)).collect::<Vec<_>>().join(", ");
    for rule in op.one_of {
        let alternatives: Vec<String> = rule.alternatives.iter().map(|a| list(wires(op, a))).collect();
        let _ = writeln!(s, "- exactly one of ({}): {}", code(rule.name), alternatives.join(" | "));
    }
    for group in op.groups {
        let _ = writeln!(
            s,
            "- all of ({}), when {}: {}",
            code(group.name),
            group.condition.description,
            list(wires(op, group.fields))
        );
    }
}

fn field_json(op: &OperationSpec, f: &FieldSpec) -> Value {
    let (ascii, table) = match &f.kind {
        ValueKind::Ascii(set) => (Some(set.description()), None),
        ValueKind::Code(t) => (None, Some(t.name)),
        _ => (None, None),
    };
    let (max_bytes, exact_bytes) = match f.limit {
        Some(ByteLimit::Max(n)) => (Some(n), None),
        Some(ByteLimit::Exact(n)) => (None, Some(n)),
        _ => (None, None),
    };
    let mut value = json!({
        "wire": f.wire,
        "label_ja": f.label_ja,
        "meaning": f.meaning,
        "marker": f.marker.symbol(),
        "condition": f.condition.map(|c| c.description),
        "forbidden_when": f.forbidden.map(|c| c.description),
        "bits": bits_text(f),
        "kind": f.kind.name(),
        "ascii": ascii,
        "table": table,
        "max_bytes": max_bytes,
        "exact_bytes": exact_bytes,
        "fixed": f.fixed,
        "allowed": f.allowed,
        "secret": f.secret,
        "source": f.source,
        "uncertain": f.uncertain,
    });
    // keys a gateway without items or computed fields never has (its output stays as it was)
    if let Some(object) = value.as_object_mut() {
        if let Some(item) = f.item {
            object.insert("item".to_owned(), json!(item));
        }
        let check_digit = check_digit_text(f);
        if !check_digit.is_empty() {
            object.insert("check_digit".to_owned(), json!(check_digit));
        }
        if let Some(computed) = computed_text(op, f) {
            object.insert("computed".to_owned(), json!(computed));
        }
    }
    value
}

/// The JSON form (pretty-printed, with a final newline).
pub(crate) fn json(cli: &Description, op: &OperationSpec) -> String {
    let response = op.response.map(|r| {
        json!({
            "source": r.source,
            "empty_root": r.empty_root,
            "uncertain": r.uncertain,
            "attributes": r.attributes.iter().map(|a| json!({
                "name": a.name,
                "meaning": a.meaning,
                "table": a.table.map(|t| t.name),
                "secret": a.secret,
                "source": a.source,
                "uncertain": a.uncertain,
            })).collect::<Vec<_>>(),
        })
    });
    let mut value = Map::new();
    value.insert("name".to_owned(), json!(op.name));
    value.insert(cli.words.path_key.to_owned(), json!(op.path));
    value.insert("direction".to_owned(), json!(direction(op)));
    value.insert("title_ja".to_owned(), json!(op.title_ja));
    value.insert("title_en".to_owned(), json!(op.title_en));
    value.insert("source".to_owned(), json!(op.source));
    value.insert("uncertain".to_owned(), json!(op.uncertain));
    value
        .insert("utf8_params".to_owned(), op.utf8_params.iter().map(|(n, v)| json!({"name": n, "value": v})).collect());
    value.insert("fields".to_owned(), op.fields.iter().map(|f| field_json(op, f)).collect());
    value.insert("response".to_owned(), json!(response));
    value.insert(
        "one_of".to_owned(),
        op.one_of
            .iter()
            .map(|rule| {
                json!({
                    "name": rule.name,
                    "description": rule.description,
                    "alternatives": rule.alternatives.iter().map(|a| wires(op, a)).collect::<Vec<_>>(),
                })
            })
            .collect(),
    );
    value.insert(
        "groups".to_owned(),
        op.groups
            .iter()
            .map(|group| {
                json!({
                    "name": group.name,
                    "fields": wires(op, group.fields),
                    "condition": group.condition.description,
                })
            })
            .collect(),
    );
    value.insert("outcomes".to_owned(), op.outcomes.iter().map(outcome_json).collect());
    let value = Value::Object(value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    text
}
