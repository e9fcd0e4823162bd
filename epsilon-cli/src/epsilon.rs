//! GMO Epsilon on the neutral command line (`japay_cli`): its description, its answer reader and outcome table, its
//! notifications and their contract check, and the commands it lists (`check`, `sandbox`, `demo`, whose Epsilon parts
//! are in their own modules).
//!
//! The one place of the binary that names Epsilon's decoded answer (`epsilon_proto::Answer`) and reads a
//! notification's decoded pairs.

use clap::{Arg, ArgMatches};
use epsilon_proto::generated::{
    GATEWAY, OUTCOMES, deferred_payment_notification, deposit_notification, payment_notification,
};
use epsilon_proto::notification::{Kind, Notification};
use epsilon_proto::{Answer, IncomingError, OPERATIONS, Version};
use japay_cli::output::pairs_json;
use japay_cli::{
    AnswerCharset, CharsetOption, Description, Extra, Form, Gateway, Incoming, IncomingKind, Refusal, SpecWords,
    Summarize,
};
use japay_core::Charset;
use japay_core::spec::ResponseSpec;

use crate::help;

/// GMO Epsilon, as the `epsilon` binary.
pub(crate) struct Epsilon;

/// The notifications, by the short names of `notification::Kind` (a test keeps the two lists alike).
const INCOMING: &[IncomingKind] = &[
    IncomingKind::new("payment", &payment_notification::PAYMENT_NOTIFICATION),
    IncomingKind::new("deposit", &deposit_notification::DEPOSIT_NOTIFICATION),
    IncomingKind::new("deferred_payment", &deferred_payment_notification::DEFERRED_PAYMENT_NOTIFICATION),
];

/// `--version 1|2` of `decode` and `answer`: the `version` parameter the request was sent with decides the answer's
/// charset.
const VERSION: CharsetOption = CharsetOption::new(
    "version",
    "VERSION",
    "The `version` the request was sent with: 1 = CP932 text, 2 = UTF-8 text",
    &[("1", Charset::Cp932), ("2", Charset::Utf8)],
);

/// Epsilon's own commands: the connection check (listed after `answer`), the demo and the sandbox.
const EXTRAS: &[Extra] = &[
    japay_cli::check::extra::<Epsilon>().after("answer"),
    japay_cli::demo::extra::<Epsilon>(),
    japay_cli::sandbox::extra::<Epsilon>(),
];

impl Gateway for Epsilon {
    type Answer<'a> = Answer<'a>;

    const CLI: Description = Description::new("epsilon", env!("CARGO_PKG_VERSION"), &GATEWAY, OPERATIONS)
        .about("GMO Epsilon payment gateway: spec tables, request validation and encoding, response decoding")
        .answer_charset(AnswerCharset::Option(VERSION))
        .queries()
        .incoming(Incoming::new(INCOMING, &[Charset::Cp932, Charset::Utf8]).with_args(incoming_args))
        .spec_words(SpecWords::new("CGI", "cgi", "Empty `Epsilon_result`"))
        .help(help::wording)
        .extras(EXTRAS);

    const OUTCOMES: &'static [(&'static str, Summarize<Self>)] = OUTCOMES;

    fn read_answer<'a>(
        input: &'a [u8],
        form: Form,
        charset: Charset,
        response: Option<&'static ResponseSpec>,
    ) -> Result<Answer<'a>, String> {
        let version = version(charset);
        match (form, response) {
            (Form::Query, _) => Answer::parse_query(input, version),
            (_, Some(spec)) => Answer::parse_typed(input, version, spec),
            (_, None) => Answer::parse(input, version),
        }
        .map_err(|e| e.to_string())
    }

    fn pairs<'r>(answer: &'r Answer<'_>) -> Vec<(&'r str, &'r str)> {
        answer.attributes().iter().map(|a| (a.name, &*a.value)).collect()
    }

    fn read_incoming(kind: &IncomingKind, body: &[u8], charset: Charset, args: &ArgMatches) -> Result<String, Refusal> {
        let Some(kind) = Kind::from_name(kind.name) else {
            return Err(Refusal::Malformed(format!("{} is no notification of this gateway", kind.name)));
        };
        let notification = match Notification::parse_in(kind, body, version(charset)) {
            Ok(notification) => notification,
            Err(IncomingError::Invalid(report)) => return Err(Refusal::Invalid(report)),
            Err(e) => return Err(Refusal::Malformed(e.to_string())),
        };
        if let Some(own) = args.get_one::<String>("contract") {
            notification.check_contract(own).map_err(|e| Refusal::Refused(e.to_string()))?;
        }
        Ok(pairs_json(Self::pairs(notification.raw())))
    }
}

/// The answer `version` a charset stands for: UTF-8 is version 2, anything else version 1 (CP932).
fn version(charset: Charset) -> Version {
    match charset {
        Charset::Utf8 => Version::V2,
        _ => Version::V1,
    }
}

/// `notification`'s own option: `--contract CODE` refuses a notification for another contract.
fn incoming_args() -> Vec<Arg> {
    vec![
        Arg::new("contract")
            .long("contract")
            .value_name("CODE")
            .help("The merchant's contract code: refuse a notification that carries another one")
            .value_parser(parse_contract),
    ]
}

/// A `--contract` value: anything but empty (an empty code would refuse every notification that carries one, and
/// say the notification was at fault).
fn parse_contract(code: &str) -> Result<String, String> {
    if code.is_empty() {
        Err("expected the merchant's contract code, found an empty value".to_owned())
    } else {
        Ok(code.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own checks of the whole command line, with Epsilon's wording applied.
    #[test]
    fn the_command_line_is_well_formed() {
        japay_cli::command::<Epsilon>().debug_assert();
    }

    /// `INCOMING` lists the notification kinds of `epsilon_proto::notification::Kind`, by the same names and specs.
    #[test]
    fn incoming_kinds_are_the_notification_kinds() {
        assert_eq!(INCOMING.len(), Kind::ALL.len());
        for (incoming, kind) in INCOMING.iter().zip(Kind::ALL) {
            assert_eq!(incoming.name, kind.short_name());
            assert!(std::ptr::eq(incoming.operation, kind.spec()), "{}", incoming.name);
        }
    }
}
