//! The virtual-account lifecycle (`epsilon_proto::virtual_account`): the spec YAML agrees with the Rust tables, the
//! diagram in the docs is the generated one, dates and the deadline, event sequences as tables, the gateway
//! mapping, proptests of the invariants (through [`crate::fuzz_lifecycle::run`]) and the fuzz corpus replayed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use epsilon_proto::virtual_account::{
    ACTION_RULES, Action, DEPOSIT_WINDOW_DAYS, DateError, INITIAL, JstDate, LAST_DAY_OFFSET, LifecycleError,
    MappingError, OrderTerms, Status, TRANSITIONS, Trigger, VirtualAccountOrder, allowed_actions, diagram, is_allowed,
    last_deposit_day, next, status_from_order_info, status_from_paid_notification,
};
use proptest::prelude::*;
use serde::Deserialize;

use crate::fuzz_lifecycle::{self, Event, check_message};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn date(y: i32, m: u8, d: u8) -> JstDate {
    JstDate::new(y, m, d).unwrap_or_else(|e| panic!("{y}-{m}-{d}: {e}"))
}

// ---------------------------------------------------------------------------------------------------------------
// the spec YAML
// ---------------------------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: String,
    #[allow(dead_code)]
    title_en: String,
    #[allow(dead_code)]
    title_ja: String,
    source: String,
    uncertain: Option<String>,
    statuses: Vec<SpecStatus>,
    deadline: SpecDeadline,
    initial: Vec<SpecInitial>,
    transitions: Vec<SpecTransition>,
    refused: Vec<SpecRefused>,
    cancellable: Vec<String>,
    cancellable_source: String,
    actions: Vec<SpecActions>,
    order_info: SpecOrderInfo,
    paid_notification: SpecPaid,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecStatus {
    name: String,
    label_ja: String,
    label_en: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecDeadline {
    window_days: i64,
    last_day_offset: i64,
    source: String,
    uncertain: String,
    unchanged_after_deadline: Vec<String>,
    unchanged_source: String,
    unchanged_uncertain: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecInitial {
    status: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecTransition {
    from: String,
    on: String,
    to: String,
    source: String,
    uncertain: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecRefused {
    #[allow(dead_code)]
    event: String,
    source: String,
    uncertain: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecActions {
    status: String,
    allowed: Vec<String>,
    source: String,
    uncertain: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecOrderInfo {
    source: String,
    uncertain: String,
    other_states: String,
    not_digits: String,
    rows: Vec<SpecOrderInfoRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecOrderInfoRow {
    state: String,
    amount: String,
    status: Option<String>,
    after_deadline: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecPaid {
    source: String,
    uncertain: String,
    other_values: String,
    rows: Vec<SpecPaidRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecPaidRow {
    paid: String,
    status: Option<String>,
    after_deadline: Option<String>,
    error: Option<String>,
}

fn load_spec() -> Spec {
    let path = workspace().join("spec/epsilon/lifecycles/virtual_account.yaml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let node = marked_yaml::parse_yaml(0, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    marked_yaml::from_node(&node).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn status_named(name: &str) -> Status {
    Status::ALL.into_iter().find(|s| s.name() == name).unwrap_or_else(|| panic!("unknown status {name:?}"))
}

fn names(statuses: impl IntoIterator<Item = Status>) -> Vec<&'static str> {
    statuses.into_iter().map(Status::name).collect()
}

fn mapping_error_name(e: &MappingError) -> &'static str {
    match e {
        MappingError::UnknownState { .. } => "unknown_state",
        MappingError::AmountNotNumber => "amount_not_number",
        MappingError::Unexplained { .. } => "unexplained",
        MappingError::UnknownPaid { .. } => "unknown_paid",
        MappingError::AmountNeeded => "amount_needed",
        other => panic!("no spec name for {other:?}"),
    }
}

/// A `Result<Status, MappingError>` as the YAML writes it: the status name or the error name.
fn outcome_name(result: &Result<Status, MappingError>) -> String {
    match result {
        Ok(status) => status.name().to_owned(),
        Err(e) => format!("error {}", mapping_error_name(e)),
    }
}

fn expected_name(status: Option<&String>, error: Option<&String>) -> String {
    match (status, error) {
        (Some(s), None) => s.clone(),
        (None, Some(e)) => format!("error {e}"),
        _ => panic!("a mapping row needs exactly one of status and error"),
    }
}

/// One amount string per YAML amount class, for an order of 10,000 yen.
fn amount_of_class(class: &str) -> Option<&'static str> {
    match class {
        "absent" => None,
        "empty" => Some(""),
        "zero" => Some("0"),
        "equals_order" => Some("10000"),
        "differs" => Some("9999"),
        other => panic!("unknown amount class {other:?}"),
    }
}

#[test]
fn spec_yaml_agrees_with_the_machine() {
    let spec = load_spec();
    assert_eq!(spec.name, "virtual_account");
    assert!(!spec.source.is_empty() && spec.uncertain.is_some());

    // statuses: names, labels, order
    let yaml: Vec<(&str, &str, &str)> =
        spec.statuses.iter().map(|s| (s.name.as_str(), s.label_ja.as_str(), s.label_en.as_str())).collect();
    let rust: Vec<(&str, &str, &str)> = Status::ALL.iter().map(|s| (s.name(), s.label_ja(), s.label_en())).collect();
    assert_eq!(yaml, rust, "statuses");
    assert!(spec.statuses.iter().all(|s| s.source.starts_with("seed S2")));

    // deadline
    assert_eq!((spec.deadline.window_days, spec.deadline.last_day_offset), (DEPOSIT_WINDOW_DAYS, LAST_DAY_OFFSET));
    assert!(!spec.deadline.source.is_empty() && !spec.deadline.uncertain.is_empty());
    assert!(!spec.deadline.unchanged_source.is_empty() && !spec.deadline.unchanged_uncertain.is_empty());
    let unchanged: Vec<&str> =
        names(Status::ALL.into_iter().filter(|&s| next(s, Trigger::Deadline).is_none())).into_iter().collect();
    let mut yaml_unchanged: Vec<&str> = spec.deadline.unchanged_after_deadline.iter().map(String::as_str).collect();
    yaml_unchanged.sort_by_key(|n| status_named(n));
    assert_eq!(yaml_unchanged, unchanged, "statuses the deadline does not change");

    // initial statuses
    let yaml: Vec<&str> = spec.initial.iter().map(|i| i.status.as_str()).collect();
    assert_eq!(yaml, names(INITIAL.iter().map(|i| i.status)), "initial statuses");
    assert!(spec.initial.iter().all(|i| !i.source.is_empty()));

    // transitions, in table order, with the same rows marked uncertain
    let yaml: Vec<[&str; 5]> = spec
        .transitions
        .iter()
        .map(|t| [t.from.as_str(), &t.on, &t.to, &t.source, t.uncertain.as_deref().unwrap_or("-")])
        .collect();
    let rust: Vec<[&str; 5]> = TRANSITIONS
        .iter()
        .map(|t| [t.from.name(), t.trigger.name(), t.to.name(), t.source, t.uncertain.unwrap_or("-")])
        .collect();
    assert_eq!(yaml, rust, "transitions (with their source and uncertain texts)");
    assert!(spec.transitions.iter().all(|t| t.source.starts_with("seed S2")));
    assert!(TRANSITIONS.iter().all(|t| t.source.starts_with("seed S2")));
    assert!(spec.refused.iter().all(|r| r.source.starts_with("seed S2")));

    // cancellable statuses = those with a cancel row
    assert_eq!(
        spec.cancellable,
        names(Status::ALL.into_iter().filter(|&s| next(s, Trigger::Cancel).is_some())),
        "cancellable statuses"
    );
    assert!(spec.cancellable_source.contains("[要確認、未入金、入金完了、入金期限切れ、決済失敗]"));

    // actions per status
    let yaml: Vec<(&str, Vec<&str>)> =
        spec.actions.iter().map(|a| (a.status.as_str(), a.allowed.iter().map(String::as_str).collect())).collect();
    let rust: Vec<(&str, Vec<&str>)> =
        Status::ALL.iter().map(|&s| (s.name(), allowed_actions(s).map(Action::name).collect())).collect();
    assert_eq!(yaml, rust, "actions per status");
    assert!(spec.actions.iter().all(|a| a.source.starts_with("seed S2")));

    // getsales2 mapping: every (state, amount class) once, each agreeing with the Rust mapping before and after
    // the deadline
    let info = &spec.order_info;
    assert!(!info.source.is_empty() && !info.uncertain.is_empty());
    let terms = OrderTerms { order_date: date(2026, 1, 1), amount: 10_000 };
    let (within, after) = (date(2026, 1, 30), date(2026, 1, 31));
    let mut seen = BTreeMap::new();
    for row in &info.rows {
        assert!(seen.insert((row.state.clone(), row.amount.clone()), ()).is_none(), "row listed twice");
        let amount = amount_of_class(&row.amount);
        let expected = expected_name(row.status.as_ref(), row.error.as_ref());
        let got = outcome_name(&status_from_order_info(terms, within, &row.state, amount));
        assert_eq!(got, expected, "state {} amount {} within the window", row.state, row.amount);
        let expected_after = expected_name(row.after_deadline.as_ref().or(row.status.as_ref()), row.error.as_ref());
        let got = outcome_name(&status_from_order_info(terms, after, &row.state, amount));
        assert_eq!(got, expected_after, "state {} amount {} after the window", row.state, row.amount);
    }
    assert_eq!(seen.len(), 3 * 5, "every state 0, 1, 9 with every amount class");
    for state in ["", "2", "4", "5", "6", "11", "01", " 1", "１"] {
        let got = outcome_name(&status_from_order_info(terms, within, state, Some("10000")));
        assert_eq!(got, format!("error {}", info.other_states), "state {state:?}");
    }
    for amount in ["-1", "+10000", "10000 ", "1,000", "1.0", "１０", "18446744073709551616"] {
        for state in ["0", "1", "9"] {
            let got = outcome_name(&status_from_order_info(terms, within, state, Some(amount)));
            assert_eq!(got, format!("error {}", info.not_digits), "amount {amount:?}");
        }
    }

    // 入金通知 paid
    let paid = &spec.paid_notification;
    assert!(!paid.source.is_empty() && !paid.uncertain.is_empty());
    for row in &paid.rows {
        let expected = expected_name(row.status.as_ref(), row.error.as_ref());
        assert_eq!(outcome_name(&status_from_paid_notification(terms, within, &row.paid)), expected);
        let expected_after = expected_name(row.after_deadline.as_ref().or(row.status.as_ref()), row.error.as_ref());
        assert_eq!(outcome_name(&status_from_paid_notification(terms, after, &row.paid)), expected_after);
    }
    for other in ["", "2", " 1", "paid", "１"] {
        let got = outcome_name(&status_from_paid_notification(terms, within, other));
        assert_eq!(got, format!("error {}", paid.other_values));
    }
}

#[test]
fn spec_readme_lists_every_lifecycle_uncertain() {
    let readme = fs::read_to_string(workspace().join("spec/README.md")).unwrap_or_else(|e| panic!("{e}"));
    let section = readme.split("## Uncertain facts").nth(1).unwrap_or_else(|| panic!("no Uncertain facts section"));
    let flat = section.split_whitespace().collect::<Vec<_>>().join(" ");
    let spec = load_spec();
    let mut texts: Vec<&str> = vec![
        spec.uncertain.as_deref().unwrap_or_default(),
        &spec.deadline.uncertain,
        &spec.deadline.unchanged_uncertain,
        &spec.order_info.uncertain,
        &spec.paid_notification.uncertain,
    ];
    texts.extend(spec.transitions.iter().filter_map(|t| t.uncertain.as_deref()));
    texts.extend(spec.refused.iter().filter_map(|r| r.uncertain.as_deref()));
    texts.extend(spec.actions.iter().filter_map(|a| a.uncertain.as_deref()));
    assert_eq!(texts.len(), 11);
    for text in texts {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&text), "spec/README.md does not list: {text}");
    }
}

#[test]
fn every_action_rule_quotes_the_seed() {
    // seed S2, next to the project root like the cassettes (`recorded`); line breaks removed
    let path = workspace().join("../shared/seeds/002_49fa1961ad8a2463.txt");
    let seed = fs::read_to_string(&path).map(|s| s.replace('\n', ""));
    if seed.is_err() {
        // under CI a missing seed is a failure, like a missing fixture folder (`japay_test_support::fixtures`)
        assert!(
            std::env::var_os("CI").is_none(),
            "seed {} not found (CI is set, so this is a failure)",
            path.display()
        );
        eprintln!("not checking the seed quotes: {} not found", path.display());
    }
    for rule in ACTION_RULES {
        assert!(is_allowed(rule.status, rule.action));
        if let Ok(seed) = &seed {
            assert!(seed.contains(rule.seed_ja), "not verbatim in seed S2: {}", rule.seed_ja);
        }
    }
    // the action table (status × ship, cancel, change payment method)
    let table = [
        (Status::NeedsChecking, [true, true, true]),
        (Status::AwaitingDeposit, [true, true, false]),
        (Status::PaidInFull, [true, true, false]),
        (Status::DeadlinePassed, [false, true, true]),
        (Status::AmountMismatch, [false, true, false]),
        (Status::Cancelled, [false, false, true]),
    ];
    for (status, allowed) in table {
        assert_eq!(Action::ALL.map(|a| is_allowed(status, a)), allowed, "{status}");
        // cancel is an action exactly where the machine has a cancel transition
        assert_eq!(is_allowed(status, Action::Cancel), next(status, Trigger::Cancel).is_some(), "{status}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// the diagram
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn lifecycle_md_and_readme_hold_the_generated_diagram() {
    let generated = diagram::mermaid();
    for file in ["epsilon-proto/src/virtual_account/lifecycle.md", "README.md"] {
        let path = workspace().join(file);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let blocks: Vec<&str> =
            text.split("```mermaid\n").skip(1).filter_map(|rest| rest.split("```").next()).collect();
        assert_eq!(blocks.len(), 1, "{} must hold exactly one ```mermaid block", path.display());
        assert_eq!(blocks[0], generated, "regenerate the block in {} from diagram::mermaid()", path.display());
    }
    // one edge per transition and initial status, every status drawn
    assert_eq!(generated.matches(" --> ").count(), TRANSITIONS.len() + INITIAL.len() + 1);
    for status in Status::ALL {
        assert!(generated.contains(&format!("\"{} {}\" as {}", status.label_ja(), status.label_en(), status.ident())));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// dates and the deadline
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn dates_are_validated() {
    let invalid = [
        (2025, 2, 29),
        (2100, 2, 29),
        (2026, 4, 31),
        (2026, 13, 1),
        (2026, 0, 1),
        (2026, 1, 0),
        (0, 1, 1),
        (10000, 1, 1),
        (-1, 1, 1),
    ];
    for (y, m, d) in invalid {
        assert_eq!(JstDate::new(y, m, d), Err(DateError::Invalid { year: y, month: m, day: d }));
        check_message(&DateError::Invalid { year: y, month: m, day: d }.to_string());
    }
    for (y, m, d) in [(2024, 2, 29), (2000, 2, 29), (1, 1, 1), (9999, 12, 31), (2026, 12, 31)] {
        let day = date(y, m, d);
        assert_eq!((day.year(), day.month(), day.day()), (y, m, d));
    }
    assert_eq!(date(2026, 3, 7).to_string(), "2026-03-07");
    assert_eq!(date(1, 1, 1).to_string(), "0001-01-01");
    check_message(&DateError::OutOfRange.to_string());
}

#[test]
fn day_arithmetic_over_the_whole_range() {
    let first = date(1, 1, 1);
    let last = date(9999, 12, 31);
    assert_eq!(first.add_days(-1), Err(DateError::OutOfRange));
    assert_eq!(last.add_days(1), Err(DateError::OutOfRange));
    assert_eq!(last.add_days(i64::MAX), Err(DateError::OutOfRange));
    assert_eq!(first.add_days(i64::MIN), Err(DateError::OutOfRange));
    // 1970-01-01 is day 719,162 after 0001-01-01 (proleptic Gregorian)
    assert_eq!(first.days_until(date(1970, 1, 1)), 719_162);
    // walking day by day visits every calendar date in order, each one day after the previous
    let mut day = first;
    let mut count = 0_i64;
    let mut leap_days = 0;
    while let Ok(next) = day.add_days(1) {
        assert!(next > day);
        let expected = if JstDate::new(day.year(), day.month(), day.day() + 1).is_ok() {
            date(day.year(), day.month(), day.day() + 1)
        } else if day.month() < 12 {
            date(day.year(), day.month() + 1, 1)
        } else {
            date(day.year() + 1, 1, 1)
        };
        assert_eq!(next, expected);
        leap_days += i32::from(next.month() == 2 && next.day() == 29);
        day = next;
        count += 1;
    }
    assert_eq!(day, last);
    assert_eq!(first.days_until(last), count);
    assert_eq!(last.add_days(-count), Ok(first));
    assert_eq!(leap_days, 9999 / 4 - 9999 / 100 + 9999 / 400);
}

#[test]
fn unix_time_becomes_the_jst_calendar_date() {
    // (seconds since 1970-01-01T00:00:00Z, the date in Japan then): JST is UTC+9, the date turns at 15:00 UTC
    let cases: [(i64, Result<JstDate, DateError>); 9] = [
        (0, Ok(date(1970, 1, 1))),                     // 09:00 JST
        (-32_400, Ok(date(1970, 1, 1))),               // 1969-12-31T15:00:00Z = midnight JST
        (-32_401, Ok(date(1969, 12, 31))),             // one second before
        (1_774_969_199, Ok(date(2026, 3, 31))),        // 2026-03-31T14:59:59Z
        (1_774_969_200, Ok(date(2026, 4, 1))),         // 2026-03-31T15:00:00Z
        (253_402_268_399, Ok(date(9999, 12, 31))),     // 9999-12-31T14:59:59Z, the last second of 9999 in Japan
        (253_402_268_400, Err(DateError::OutOfRange)), // 10000-01-01 in Japan
        (-62_135_596_800 - 32_400, Ok(date(1, 1, 1))), // 0001-01-01 00:00 JST
        (i64::MIN, Err(DateError::OutOfRange)),
    ];
    for (seconds, expected) in cases {
        assert_eq!(JstDate::from_unix_time(seconds), expected, "{seconds}");
    }
    assert_eq!(JstDate::from_unix_time(-62_135_596_800 - 32_401), Err(DateError::OutOfRange));
    assert_eq!(JstDate::from_unix_time(i64::MAX), Err(DateError::OutOfRange));
}

#[test]
fn the_last_deposit_day_is_order_date_plus_29() {
    // (order date, last day a deposit is accepted)
    let table = [
        ((2026, 1, 1), (2026, 1, 30)),
        ((2026, 1, 31), (2026, 3, 1)),
        ((2026, 2, 1), (2026, 3, 2)),
        ((2024, 2, 1), (2024, 3, 1)),
        ((2024, 2, 29), (2024, 3, 29)),
        ((2026, 12, 15), (2027, 1, 13)),
        ((9999, 12, 2), (9999, 12, 31)),
    ];
    for ((y, m, d), (ly, lm, ld)) in table {
        let order = date(y, m, d);
        assert_eq!(last_deposit_day(order), Ok(date(ly, lm, ld)), "order of {order}");
        assert_eq!(order.days_until(date(ly, lm, ld)) + 1, DEPOSIT_WINDOW_DAYS, "the order date is day 1");
    }
    assert_eq!(last_deposit_day(date(9999, 12, 3)), Err(DateError::OutOfRange));
    assert_eq!(
        VirtualAccountOrder::new(date(9999, 12, 3), 1),
        Err(LifecycleError::DateOutOfRange(DateError::OutOfRange))
    );
}

// ---------------------------------------------------------------------------------------------------------------
// event sequences
// ---------------------------------------------------------------------------------------------------------------

/// An event on day `n` of the window (day 1 = the order date, 2026-04-01; day 30 = 2026-04-30, the last).
#[derive(Clone, Copy, Debug)]
enum Ev {
    Deposit(i64, u64),
    Cancel(i64),
    Tick(i64),
}

/// The status after an event, or why it was refused.
type Outcome = Result<Status, LifecycleError>;

/// Runs the events on an order of 10,000 yen dated 2026-04-01 and returns the status after each, or the error.
fn statuses(needs_checking: bool, events: &[Ev]) -> Vec<Outcome> {
    let order_date = date(2026, 4, 1);
    let mut order = if needs_checking {
        VirtualAccountOrder::needs_checking(order_date, 10_000)
    } else {
        VirtualAccountOrder::new(order_date, 10_000)
    }
    .unwrap_or_else(|e| panic!("{e}"));
    let on = |n: i64| order_date.add_days(n - 1).unwrap_or_else(|e| panic!("{e}"));
    events
        .iter()
        .map(|&event| match event {
            Ev::Deposit(n, yen) => order.deposit(on(n), yen).map(|d| d.status),
            Ev::Cancel(n) => order.cancel(on(n)),
            Ev::Tick(n) => order.tick(on(n)),
        })
        .collect()
}

#[test]
fn event_sequences() {
    use Ev::*;
    use LifecycleError as E;
    use Status::*;
    let last_day = date(2026, 4, 30);
    let rows: &[(&str, bool, &[Ev], &[Outcome])] = &[
        ("exact deposit", false, &[Deposit(1, 10_000)], &[Ok(PaidInFull)]),
        ("exact deposit on the last day", false, &[Deposit(30, 10_000)], &[Ok(PaidInFull)]),
        (
            "deposit the day after the last day",
            false,
            &[Deposit(31, 10_000), Tick(31)],
            &[Err(E::DepositAfterDeadline { amount: 10_000, last_day }), Ok(DeadlinePassed)],
        ),
        ("short, then top-up", false, &[Deposit(3, 4_000), Deposit(10, 6_000)], &[Ok(AmountMismatch), Ok(PaidInFull)]),
        (
            "short, short, top-up",
            false,
            &[Deposit(3, 1_000), Deposit(4, 1_000), Deposit(30, 8_000)],
            &[Ok(AmountMismatch), Ok(AmountMismatch), Ok(PaidInFull)],
        ),
        (
            "short, top-up too late",
            false,
            &[Deposit(3, 4_000), Deposit(31, 6_000), Tick(40)],
            &[Ok(AmountMismatch), Err(E::DepositAfterDeadline { amount: 6_000, last_day }), Ok(AmountMismatch)],
        ),
        ("over", false, &[Deposit(2, 10_001)], &[Ok(AmountMismatch)]),
        ("short, then over", false, &[Deposit(2, 9_000), Deposit(3, 2_000)], &[Ok(AmountMismatch), Ok(AmountMismatch)]),
        ("paid, then more", false, &[Deposit(2, 10_000), Deposit(3, 1)], &[Ok(PaidInFull), Ok(AmountMismatch)]),
        ("nothing until after the window", false, &[Tick(30), Tick(31)], &[Ok(AwaitingDeposit), Ok(DeadlinePassed)]),
        ("cancel after the deadline", false, &[Tick(60), Cancel(60)], &[Ok(DeadlinePassed), Ok(Cancelled)]),
        (
            "cancel, then a deposit",
            false,
            &[Cancel(2), Deposit(3, 10_000), Tick(50)],
            &[Ok(Cancelled), Err(E::DepositAfterCancel { amount: 10_000 }), Ok(Cancelled)],
        ),
        (
            "cancel twice",
            false,
            &[Cancel(2), Cancel(3)],
            &[Ok(Cancelled), Err(E::NotAllowed { status: Cancelled, event: "cancel" })],
        ),
        ("paid, then cancel", false, &[Deposit(2, 10_000), Cancel(5)], &[Ok(PaidInFull), Ok(Cancelled)]),
        ("mismatch, then cancel", false, &[Deposit(2, 5), Cancel(5)], &[Ok(AmountMismatch), Ok(Cancelled)]),
        (
            "needs checking refuses deposits, ignores the deadline",
            true,
            &[Deposit(2, 10_000), Tick(90), Cancel(91)],
            &[Err(E::DepositWhileNeedsChecking { amount: 10_000 }), Ok(NeedsChecking), Ok(Cancelled)],
        ),
        ("zero deposit", false, &[Deposit(2, 0)], &[Err(E::ZeroDeposit)]),
        (
            "clock going back",
            false,
            &[Tick(10), Tick(9), Cancel(9), Cancel(0), Deposit(0, 10_000)],
            &[
                Ok(AwaitingDeposit),
                Err(E::ClockWentBack { last_seen: date(2026, 4, 10), today: date(2026, 4, 9) }),
                Err(E::ClockWentBack { last_seen: date(2026, 4, 10), today: date(2026, 4, 9) }),
                Err(E::BeforeOrderDate { order_date: date(2026, 4, 1), today: date(2026, 3, 31) }),
                Err(E::BeforeOrderDate { order_date: date(2026, 4, 1), today: date(2026, 3, 31) }),
            ],
        ),
        // deposits are dated when the bank booked them, which the shop may learn days later: a deposit booked in the
        // window counts even after a later date was applied (the gateway took it), and the clock does not go back
        (
            "a deposit booked on the last day, learned after the deadline was applied",
            false,
            &[Tick(31), Deposit(30, 10_000), Tick(31)],
            &[Ok(DeadlinePassed), Ok(PaidInFull), Ok(PaidInFull)],
        ),
        (
            "a short deposit learned late, then topped up",
            false,
            &[Tick(20), Deposit(12, 4_000), Deposit(25, 6_000)],
            &[Ok(AwaitingDeposit), Ok(AmountMismatch), Ok(PaidInFull)],
        ),
        (
            "a deposit learned late is still refused after the deadline",
            false,
            &[Tick(40), Deposit(31, 10_000), Tick(40)],
            &[Ok(DeadlinePassed), Err(E::DepositAfterDeadline { amount: 10_000, last_day }), Ok(DeadlinePassed)],
        ),
        (
            "a deposit into a cancelled order is refused whatever its booking date",
            false,
            &[Cancel(5), Deposit(4, 10_000)],
            &[Ok(Cancelled), Err(E::DepositAfterCancel { amount: 10_000 })],
        ),
    ];
    for (name, needs_checking, events, expected) in rows {
        assert_eq!(statuses(*needs_checking, events), *expected, "{name}");
    }
}

#[test]
fn amounts_are_exact_and_overflow_is_refused() {
    let mut order = VirtualAccountOrder::new(date(2026, 1, 1), u64::MAX - 1).unwrap_or_else(|e| panic!("{e}"));
    let first = order.deposit(date(2026, 1, 2), u64::MAX - 2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((first.status, first.shortfall, first.excess), (Status::AmountMismatch, Some(1), None));
    let refused = order.deposit(date(2026, 1, 3), 3);
    assert_eq!(refused, Err(LifecycleError::DepositOverflow { total: u64::MAX - 2, amount: 3 }));
    assert_eq!(order.total_deposited(), u64::MAX - 2, "a refused deposit is not counted");
    let over = order.deposit(date(2026, 1, 3), 2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (over.status, over.total, over.excess, over.repeated),
        (Status::AmountMismatch, u64::MAX, Some(1), true)
    );
    assert_eq!(order.refund_due(), 1);
    order.cancel(date(2026, 1, 4)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((order.refund_due(), order.shortfall(), order.excess()), (u64::MAX, None, Some(1)));
    assert_eq!(VirtualAccountOrder::new(date(2026, 1, 1), 0), Err(LifecycleError::ZeroAmount));
}

#[test]
fn status_at_reports_the_deadline_without_changing_the_order() {
    let order = VirtualAccountOrder::new(date(2026, 4, 1), 500).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(order.status_at(date(2026, 4, 30)), Status::AwaitingDeposit);
    assert_eq!(order.status_at(date(2026, 5, 1)), Status::DeadlinePassed);
    assert_eq!(order.status_at(date(2035, 1, 1)), Status::DeadlinePassed);
    assert_eq!(order.status(), Status::AwaitingDeposit);
}

#[test]
fn error_messages_are_lower_case_and_say_what_was_expected() {
    let d = date(2026, 1, 1);
    let errors = [
        LifecycleError::ZeroAmount,
        LifecycleError::ZeroDeposit,
        LifecycleError::DateOutOfRange(DateError::OutOfRange),
        LifecycleError::BeforeOrderDate { order_date: d, today: d },
        LifecycleError::ClockWentBack { last_seen: d, today: d },
        LifecycleError::DepositOverflow { total: 1, amount: u64::MAX },
        LifecycleError::DepositAfterDeadline { amount: 1, last_day: d },
        LifecycleError::DepositAfterCancel { amount: 1 },
        LifecycleError::DepositWhileNeedsChecking { amount: 1 },
        LifecycleError::NotAllowed { status: Status::Cancelled, event: "cancel" },
    ];
    for e in errors {
        check_message(&e.to_string());
    }
    assert_eq!(
        LifecycleError::DepositAfterDeadline { amount: 700, last_day: d }.to_string(),
        "deposit of 700 yen after the deadline: expected deposits until 2026-01-01; refund it by hand"
    );
    let terms = OrderTerms { order_date: d, amount: 1 };
    let long = "x".repeat(1000);
    let e = status_from_order_info(terms, d, &long, None).unwrap_err();
    assert_eq!(e, MappingError::UnknownState { state: "x".repeat(16) }, "gateway values are clipped");
    check_message(&e.to_string());
    for e in [
        status_from_order_info(OrderTerms { amount: 0, ..terms }, d, "0", None).unwrap_err(),
        status_from_order_info(terms, date(2025, 12, 31), "0", None).unwrap_err(),
        status_from_order_info(OrderTerms { order_date: date(9999, 12, 31), amount: 1 }, date(9999, 12, 31), "0", None)
            .unwrap_err(),
        status_from_paid_notification(terms, d, "1").unwrap_err(),
        status_from_paid_notification(terms, d, &long).unwrap_err(),
        status_from_order_info(terms, d, "1", Some("2")).unwrap_err(),
        status_from_order_info(terms, d, "1", Some("x")).unwrap_err(),
    ] {
        check_message(&e.to_string());
    }
}

// ---------------------------------------------------------------------------------------------------------------
// proptests
// ---------------------------------------------------------------------------------------------------------------

fn delta() -> impl Strategy<Value = i64> {
    prop_oneof![8 => 0..8_i64, 1 => 8..40_i64, 1 => -4..0_i64]
}

fn event(amount: u64) -> impl Strategy<Value = Event> {
    let yen = prop_oneof![
        3 => Just(amount),
        3 => 0..=amount.saturating_mul(2),
        1 => any::<u64>(),
        1 => Just(0_u64),
        2 => 1..=amount.div_ceil(3).max(1),
    ];
    prop_oneof![
        6 => (delta(), yen).prop_map(|(delta, amount)| Event::Deposit { delta, amount }),
        1 => delta().prop_map(|delta| Event::Cancel { delta }),
        2 => delta().prop_map(|delta| Event::Tick { delta }),
        2 => delta().prop_map(|delta| Event::Query { delta }),
    ]
}

fn scenario() -> impl Strategy<Value = (JstDate, u64, bool, Vec<Event>)> {
    let amount = prop_oneof![4 => 1..100_000_u64, 1 => any::<u64>(), 1 => Just(0_u64)];
    let order_date = prop_oneof![
        9 => (0..5_000_i64).prop_map(|n| date(2020, 1, 1).add_days(n).unwrap_or_else(|e| panic!("{e}"))),
        1 => (0..40_i64).prop_map(|n| date(9999, 11, 22).add_days(n).unwrap_or_else(|e| panic!("{e}"))),
    ];
    (order_date, amount, prop::bool::weighted(0.1)).prop_flat_map(|(order_date, amount, needs_checking)| {
        (Just(order_date), Just(amount), Just(needs_checking), prop::collection::vec(event(amount), 0..24))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Arbitrary deposits, cancels, ticks and queries on arbitrary days: the machine agrees with the model after
    /// every event and every invariant of [`crate::fuzz_lifecycle`] holds.
    #[test]
    fn invariants_hold_over_arbitrary_sequences((order_date, amount, needs_checking, events) in scenario()) {
        fuzz_lifecycle::run(order_date, amount, needs_checking, &events);
    }

    /// Day arithmetic never panics, and agrees with `days_until` whenever it succeeds.
    #[test]
    fn add_days_is_total(start in -800_000..3_000_000_i64, days in prop_oneof![any::<i64>(), -4_000_000..4_000_000_i64]) {
        if let Ok(from) = date(1970, 1, 1).add_days(start) {
            match from.add_days(days) {
                Ok(to) => prop_assert_eq!(from.days_until(to), days),
                Err(e) => prop_assert_eq!(e, DateError::OutOfRange),
            }
        }
    }

    /// Deposits that add up to the amount within the window, in any split, end in 入金完了.
    #[test]
    fn any_split_of_the_amount_within_the_window_is_paid_in_full(
        parts in prop::collection::vec(1..5_000_u64, 1..6),
        days in prop::collection::vec(0..30_i64, 6),
    ) {
        let amount: u64 = parts.iter().sum();
        let mut days = days;
        days.truncate(parts.len());
        days.sort_unstable();
        let order_date = date(2026, 2, 1);
        let mut order = VirtualAccountOrder::new(order_date, amount).unwrap_or_else(|e| panic!("{e}"));
        for (i, (&yen, &day)) in parts.iter().zip(&days).enumerate() {
            let today = order_date.add_days(day).unwrap_or_else(|e| panic!("{e}"));
            let deposit = order.deposit(today, yen).unwrap_or_else(|e| panic!("{e}"));
            let last = i + 1 == parts.len();
            prop_assert_eq!(deposit.status, if last { Status::PaidInFull } else { Status::AmountMismatch });
        }
        prop_assert_eq!(order.status_at(date(2030, 1, 1)), Status::PaidInFull);
    }

    /// Arbitrary gateway values: a status only for the combinations the facts explain.
    #[test]
    fn mapping_fails_closed(
        state in prop_oneof![Just(String::from("0")), Just(String::from("1")), Just(String::from("9")), ".{0,3}"],
        amount in prop::option::of(prop_oneof![Just(String::from("10000")), "[0-9]{0,5}", ".{0,4}"]),
        paid in prop_oneof![Just(String::from("0")), Just(String::from("1")), ".{0,2}"],
        day in 0..60_i64,
    ) {
        let order_date = date(2026, 1, 1);
        let today = order_date.add_days(day).unwrap_or_else(|e| panic!("{e}"));
        let terms = OrderTerms { order_date, amount: 10_000 };
        fuzz_lifecycle::check_mapping(terms, today, &state, amount.as_deref(), &paid);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// the fuzz corpus
// ---------------------------------------------------------------------------------------------------------------

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path())
        .filter(|path| path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files
}

/// Every seed of `fuzz/corpus/virtual_account_lifecycle/` and every regression input of
/// `fuzz/regressions/virtual_account_lifecycle/` through the fuzz target body.
#[test]
fn virtual_account_lifecycle_corpus() {
    let fuzz = workspace().join("fuzz");
    let seeds = files_in(&fuzz.join("corpus/virtual_account_lifecycle"));
    assert!(seeds.len() >= 5, "the corpus holds {} seeds", seeds.len());
    let regressions_dir = fuzz.join("regressions/virtual_account_lifecycle");
    assert!(regressions_dir.join(".gitkeep").is_file());
    for path in seeds.iter().chain(&files_in(&regressions_dir)) {
        let data = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        eprintln!("virtual_account_lifecycle: {}", path.display());
        fuzz_lifecycle::virtual_account_lifecycle(&data);
    }
}
