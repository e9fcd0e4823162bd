//! Yamato Kuroneko Web Collect on the neutral command line (`japay_cli`): its description, its answer reader and
//! outcome table, and the commands it lists.
//!
//! The one place of the binary that names Kuroneko's decoded answer (`kuroneko_proto::Answer`).

use std::collections::HashMap;

use clap::{Arg, ArgMatches};
use japay_cli::output::{json_str, pairs_json};
use japay_cli::{AnswerKeys, Description, Extra, Form, Gateway, Incoming, IncomingKind, Refusal, SpecWords, Summarize};
use japay_core::Charset;
use japay_core::spec::ResponseSpec;
use kuroneko_proto::answer::{Answer, Block};
use kuroneko_proto::generated::{GATEWAY, OPERATIONS, OUTCOMES, paypay_notification, settlement_notification};
use kuroneko_proto::incoming::{self, IncomingError};

use crate::help;

/// Yamato Kuroneko Web Collect, as the `kuroneko` binary.
pub(crate) struct Kuroneko;

/// The notifications, by short name.
const INCOMING: &[IncomingKind] = &[
    IncomingKind::new("settlement", &settlement_notification::SETTLEMENT_NOTIFICATION),
    IncomingKind::new("paypay", &paypay_notification::PAYPAY_NOTIFICATION),
];

/// Kuroneko's own commands: the connection check (listed after `answer`), the demo and the sandbox.
const EXTRAS: &[Extra] = &[
    japay_cli::check::extra::<Kuroneko>().after("answer"),
    japay_cli::demo::extra::<Kuroneko>(),
    japay_cli::sandbox::extra::<Kuroneko>(),
];

/// The keys of `answer`'s object: the raw `returnCode`, the typed `creditErrorCode` beside the `errorCode` of a
/// failure, and the answer's elements.
const ANSWER_KEYS: AnswerKeys = AnswerKeys::new("return_code", "elements");

impl Gateway for Kuroneko {
    type Answer<'a> = Answer<'a>;

    const CLI: Description = Description::new("kuroneko", env!("CARGO_PKG_VERSION"), &GATEWAY, OPERATIONS)
        .about(
            "Yamato Kuroneko Web Collect (クロネコwebコレクト) API: spec tables, request validation and encoding, answer \
             decoding and outcomes",
        )
        .answer_keys(ANSWER_KEYS)
        .cause_key("credit_error")
        .incoming(Incoming::new(INCOMING, &[Charset::Utf8]).with_args(incoming_args))
        .spec_words(SpecWords::new("Endpoint", "endpoint", "Empty `<return>`"))
        .help(help::wording)
        .extras(EXTRAS);

    const OUTCOMES: &'static [(&'static str, Summarize<Self>)] = OUTCOMES;

    /// Every answer is a UTF-8 `<return>` document; the reader refuses a conflicting repetition of any element, so
    /// the operation's response spec adds nothing to it.
    fn read_answer<'a>(
        input: &'a [u8],
        _form: Form,
        _charset: Charset,
        _response: Option<&'static ResponseSpec>,
    ) -> Result<Answer<'a>, String> {
        Answer::parse(input).map_err(|e| e.to_string())
    }

    /// A code the error-code table does not list, read by its layout (facts §4.2): `A081010307` is "credit_token,
    /// item 03 `device_div`: …" whatever the tables say.
    fn explain_code(code: &str) -> Option<(String, String)> {
        let explained = kuroneko_proto::error_layout::explain(code).ok()?;
        Some((explained.ja().to_string(), explained.to_string()))
    }

    /// A notification body decoded strictly and checked against its spec (`kuroneko_proto::incoming`), and with
    /// `--trader-code` refused when it is for another merchant.
    fn read_incoming(
        kind: &IncomingKind,
        body: &[u8],
        _charset: Charset,
        args: &ArgMatches,
    ) -> Result<String, Refusal> {
        let form = incoming::parse(body, kind.operation).map_err(|e| match e {
            IncomingError::Invalid(report) => Refusal::Invalid(report),
            other => Refusal::Malformed(other.to_string()),
        })?;
        if let Some(own) = args.get_one::<String>("trader-code") {
            incoming::check_trader(&form, own).map_err(|e| Refusal::Refused(e.to_string()))?;
        }
        Ok(pairs_json(form.params().iter().map(|p| (p.name, &*p.value))))
    }

    /// The values of `<return>`, then those of each group occurrence, in document order.
    fn pairs<'r>(answer: &'r Answer<'_>) -> Vec<(&'r str, &'r str)> {
        let groups = answer.groups().iter().flat_map(|group| block_pairs(&group.block));
        block_pairs(answer.fields()).chain(groups).collect()
    }

    /// The values of `<return>` as name → string (a repeated name as an array), then each group (`resultData`,
    /// `cardData`, …) as name → array of objects, one per occurrence, also when it occurs once.
    fn answer_json(answer: &Answer<'_>) -> String {
        let mut text = pairs_json(block_pairs(answer.fields()));
        let mut names: Vec<&str> = Vec::new();
        let mut rows: HashMap<&str, Vec<String>> = HashMap::new();
        for group in answer.groups() {
            let row = pairs_json(block_pairs(&group.block));
            rows.entry(group.name)
                .or_insert_with(|| {
                    names.push(group.name);
                    Vec::new()
                })
                .push(row);
        }
        if names.is_empty() {
            return text;
        }
        text.pop(); // the closing brace of the root's values
        for name in names {
            if !text.ends_with('{') {
                text.push(',');
            }
            text.push_str(&json_str(name));
            text.push_str(":[");
            text.push_str(&rows.get(name).map(|rows| rows.join(",")).unwrap_or_default());
            text.push(']');
        }
        text.push('}');
        text
    }
}

/// `notification`'s own option: `--trader-code CODE` refuses a notification for another merchant.
fn incoming_args() -> Vec<Arg> {
    vec![
        Arg::new("trader-code")
            .long("trader-code")
            .value_name("CODE")
            .help("The merchant's trader code: refuse a notification that carries another one (or none)")
            .value_parser(|code: &str| {
                if code.is_empty() {
                    Err("expected the merchant's trader code, found an empty value".to_owned())
                } else {
                    Ok(code.to_owned())
                }
            }),
    ]
}

/// A block's name/value pairs in document order.
fn block_pairs<'r>(block: &'r Block<'_>) -> impl Iterator<Item = (&'r str, &'r str)> {
    block.iter().map(|element| (element.name, &*element.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own checks of the whole command line, with Kuroneko's wording applied.
    #[test]
    fn the_command_line_is_well_formed() {
        japay_cli::command::<Kuroneko>().debug_assert();
    }

    #[test]
    fn groups_are_arrays_of_objects_after_the_values() {
        #[rustfmt::skip]
        let cases: &[(&str, &str)] = &[
            ("<return><returnCode>0</returnCode></return>", r#"{"returnCode":"0"}"#),
            ("<return/>", "{}"),
            ("<return><returnCode>0</returnCode><resultData><orderNo>A1</orderNo><settleDate/></resultData></return>",
                r#"{"returnCode":"0","resultData":[{"orderNo":"A1","settleDate":""}]}"#),
            ("<return><resultData><a>1</a></resultData><resultCount>2</resultCount><resultData><a>2</a></resultData>\
              <cardData><b>x</b></cardData></return>",
                r#"{"resultCount":"2","resultData":[{"a":"1"},{"a":"2"}],"cardData":[{"b":"x"}]}"#),
        ];
        for (body, json) in cases {
            let answer = Answer::parse(body.as_bytes()).expect(body);
            assert_eq!(Kuroneko::answer_json(&answer), *json, "{body}");
            let _: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        }
    }
}
