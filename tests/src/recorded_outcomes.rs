//! Every recorded exchange is mapped to its operation, and its answer is classified by that operation's typed view.
//!
//! The table below was written by reading each cassette's request (CGI, `process_code`, `tds_check_code`) and answer
//! (`result`, `err_code`, the outcome fields) against the facts sheet (`epsilon-facts.md` §3.9, §4.2): it states
//! what the answer means, independently of the spec's `outcomes:`. The test checks three things for every
//! interaction of every cassette: the table names it exactly once, the operation's CGI is the one the request was
//! sent to (and, for `receive_order3.cgi` and `direct_card_payment.cgi`, the request's `process_code` /
//! `tds_check_code` fit the operation), and the typed outcome and error code are the expected ones. No row may
//! expect a refusal: a real answer, recorded, is always one of its operation's documented outcomes (issue 15 §5).

use epsilon_proto::answer::ParseError;
use epsilon_proto::generated::OUTCOMES;
use epsilon_proto::outcome::kind_names;
use epsilon_proto::{Answer, OPERATIONS};

use crate::recorded::{Interaction, load_interactions};

/// What an answer must be classified as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// A typed outcome (the `epsilon answer` word: `ok`, `redirect`, `3ds1`, `3ds2`, `failure`, `not_found`), with
    /// the error code a failure carries.
    Outcome(&'static str, Option<&'static str>),
    /// The answer decodes, but no outcome may be chosen (fail closed): `outcome()` is an error.
    Refused,
    /// Not an XML answer (the Apache HTTP 500 page): reading it fails.
    NotXml,
}

use Expect::{NotXml, Outcome, Refused};

impl Expect {
    /// How the table and the classification are compared and printed: `ok`, `failure 601`, `refused`, `not_xml`.
    fn label(self) -> String {
        match self {
            Outcome(word, None) => word.to_owned(),
            Outcome(word, Some(code)) => format!("{word} {code}"),
            Refused => "refused".to_owned(),
            NotXml => "not_xml".to_owned(),
        }
    }
}

const OK: Expect = Outcome("ok", None);
const REDIRECT: Expect = Outcome("redirect", None);

/// A failure with its error code.
const fn failure(code: &'static str) -> Expect {
    Outcome("failure", Some(code))
}

/// cassette, interaction index, operation, expected classification.
#[rustfmt::skip]
const TABLE: &[(&str, usize, &str, Expect)] = &[
    ("authenticate_with_three_d_secure_2_successful", 0, "card_3ds_result", OK),
    ("autheticate_three_d_secure_card_successful", 0, "card_3ds_result", OK),
    ("cancel_recurring_fail", 0, "card_payment", OK),
    ("cancel_recurring_fail", 1, "stop_monthly_billing", failure("605")),
    ("cancel_recurring_successful", 0, "card_payment", OK),
    ("cancel_recurring_successful", 1, "stop_monthly_billing", OK),
    ("capture_failure", 0, "capture", failure("810")),
    ("capture_success", 0, "capture", OK),
    ("capture_success_authorize", 0, "card_payment", OK),
    ("change_recurring_amount_failure", 0, "card_payment", OK),
    ("change_recurring_amount_failure", 1, "change_amount", failure("810")),
    ("change_recurring_amount_successful", 0, "card_payment", OK),
    ("change_recurring_amount_successful", 1, "change_amount", OK),
    ("convenience_store_purchase_fail", 0, "link_order", failure("601")),
    // a direct convenience-store order: result 1 with the slip data, no redirect
    ("convenience_store_purchase_successful", 0, "link_order", OK),
    ("epsilon_link_type_not_sending_delivery_information_purchase_successful", 0, "link_order", REDIRECT),
    ("epsilon_link_type_purchase_fail", 0, "link_order", failure("601")),
    ("epsilon_link_type_purchase_successful", 0, "link_order", REDIRECT),
    ("epsilon_link_type_void_fail", 0, "void", failure("607")),
    ("epsilon_link_type_void_successfull", 0, "void", OK),
    ("epsilon_link_type_with_3d_secure", 0, "link_order", REDIRECT),
    // getsales2: an empty root is "no such order" (also for a wrong contract code)
    ("find_order_failure", 0, "order_info", Outcome("not_found", None)),
    ("find_order_success", 0, "card_payment", OK),
    ("find_order_success", 1, "order_info", OK),
    // get_user_info answers result 2 with 801 (facts §3.9: treat as failure)
    ("find_user_failure", 0, "user_info", failure("801")),
    ("find_user_success", 0, "user_info", OK),
    ("gmo_after_purchase_fail", 0, "link_order", failure("601")),
    ("gmo_after_purchase_successful", 0, "link_order", REDIRECT),
    ("gmo_id_purchase_failure", 0, "gmo_id_payment", failure("601")),
    ("gmo_id_purchase_successful", 0, "gmo_id_payment", OK),
    // cancel_payment answered result="" with an empty err_code (2018): a failure without an error code
    ("gmo_id_void_faiure", 0, "void", Outcome("failure", None)),
    ("gmo_id_void_successful", 0, "gmo_id_payment", OK),
    ("gmo_id_void_successful", 1, "void", OK),
    ("history-6e33c22-gmo_later_purchase_fail-version2", 0, "link_order", failure("601")),
    ("installment_purchase_successful", 0, "card_payment", OK),
    // result 0: a decline, with 601 and the reason in err_detail
    ("purchase_fail", 0, "card_payment", failure("601")),
    ("purchase_successful", 0, "card_payment", OK),
    ("purchase_with_capture_false_successful", 0, "card_payment", OK),
    ("purchase_with_capture_true_successful", 0, "card_payment", OK),
    ("purchase_with_three_d_secure_2_successful", 0, "card_payment", Outcome("3ds2", None)),
    ("purchase_with_three_d_secure_card_successful", 0, "card_payment", Outcome("3ds1", None)),
    ("purchase_with_verification_value", 0, "card_payment", OK),
    ("recurring_fail", 0, "card_payment", failure("601")),
    ("recurring_successful", 0, "card_payment", OK),
    ("registered_purchase_fail", 0, "card_payment", failure("502")),
    ("registered_purchase_successful", 0, "card_payment", OK),
    ("registered_recurring_fail", 0, "card_payment", failure("909")),
    ("registered_recurring_successful", 0, "card_payment", OK),
    ("revolving_purchase_successful", 0, "card_payment", OK),
    ("terminate_recurring_fail", 0, "card_payment", OK),
    // HTTP 500 with Apache's HTML page for an unknown user_id (facts Q21)
    ("terminate_recurring_fail", 1, "user_withdraw", NotXml),
    ("terminate_recurring_successful", 0, "card_payment", OK),
    ("terminate_recurring_successful", 1, "user_withdraw", OK),
    // token reuse: result 9 with 936
    ("token_verify_failure", 0, "card_payment", failure("936")),
    ("token_verify_successful", 0, "card_payment", OK),
    ("token_verify_successful", 1, "void", OK),
    ("verify_fail", 0, "card_payment", failure("601")),
    ("verify_successful", 0, "card_payment", OK),
    ("verify_successful", 1, "void", OK),
    ("virtual_account_purchase_fail", 0, "virtual_account", failure("601")),
    ("virtual_account_purchase_successful", 0, "virtual_account", OK),
    ("void_fail", 0, "void", failure("810")),
    ("void_successful", 0, "card_payment", OK),
    ("void_successful", 1, "void", OK),
];

/// The value of `name` in a form body, when present.
fn form_value<'b>(body: &'b str, name: &str) -> Option<&'b str> {
    body.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// Whether the request fits the operation beyond its CGI: receive_order3 operations by `process_code`, the two
/// legs of direct_card_payment by `tds_check_code`.
fn request_fits(operation: &str, interaction: &Interaction) -> bool {
    let process = form_value(&interaction.request_body, "process_code");
    let second_leg = form_value(&interaction.request_body, "tds_check_code") == Some("2");
    match operation {
        "link_order" => process == Some("1"),
        "stop_monthly_billing" => process == Some("8"),
        "user_withdraw" => process == Some("9"),
        "card_payment" => !second_leg && matches!(process, Some("1" | "2")),
        "card_3ds_result" => second_leg,
        _ => true,
    }
}

#[cfg_attr(japay_no_fixtures, ignore = "../shared/fixtures (or $JAPAY_FIXTURES) missing and CI unset")]
#[test]
fn every_recorded_answer_is_classified_by_its_operation() {
    let interactions = load_interactions();
    assert_eq!(TABLE.len(), interactions.len(), "table rows vs recorded interactions");
    assert_eq!(TABLE.len(), 64, "the recordings hold 64 exchanges");
    // a real answer, recorded, is one of its operation's documented outcomes: none may be refused (the one HTTP 500
    // page is not an answer the XML reader reads, facts Q21)
    let refused: Vec<_> = TABLE.iter().filter(|row| row.3 == Refused).map(|row| (row.0, row.1)).collect();
    assert!(refused.is_empty(), "recorded answers the table expects refused: {refused:?}");
    let mut files: Vec<&str> = TABLE.iter().map(|row| row.0).collect();
    files.dedup();
    // the folder holds 55 files: 53 cassettes, LICENSE.txt and README.md
    assert_eq!(files.len(), 53, "cassette files named by the table");
    let mut failures = Vec::new();
    for interaction in &interactions {
        let label = interaction.label();
        let rows: Vec<_> =
            TABLE.iter().filter(|row| row.0 == interaction.cassette && row.1 == interaction.index).collect();
        let [(_, _, operation, expect)] = rows[..] else {
            failures.push(format!("{label}: named {} times by the table", rows.len()));
            continue;
        };
        let Some(spec) = OPERATIONS.iter().find(|spec| spec.name == *operation) else {
            failures.push(format!("{label}: no operation {operation}"));
            continue;
        };
        if !interaction.uri.ends_with(spec.path) || !request_fits(operation, interaction) {
            failures.push(format!("{label}: request to {} does not fit {operation} ({})", interaction.uri, spec.path));
            continue;
        }
        let got = classify(operation, interaction);
        if got != expect.label() {
            failures.push(format!("{label} ({operation}): expected {}, got {got}", expect.label()));
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// The classification of one recorded answer by the operation's typed view, in [`Expect::label`]'s words: the
/// answer is read with the operation's response spec (conflicting duplicates refused), then its generated
/// `summarize` (the same `decide` as the view's `outcome()`) names the outcome.
fn classify(operation: &str, interaction: &Interaction) -> String {
    let spec = epsilon_proto::operation(operation).and_then(|op| op.response);
    let body = interaction.body.as_bytes();
    let parsed = match spec {
        Some(spec) => Answer::parse_typed(body, interaction.version(), spec),
        None => Answer::parse(body, interaction.version()),
    };
    let response = match parsed {
        Ok(response) => response,
        Err(ParseError::Html { .. }) => return "not_xml".to_owned(),
        Err(e) => return format!("unreadable: {e}"),
    };
    let Some((_, summarize)) = OUTCOMES.iter().find(|(name, _)| *name == operation) else {
        return format!("{operation} has no outcomes");
    };
    match summarize(&response) {
        Ok(summary) => {
            let word = kind_names::display_word(summary.kind);
            match summary.error {
                Some(code) => format!("{word} {}", code.value()),
                None => word.to_owned(),
            }
        }
        Err(_) => "refused".to_owned(),
    }
}
