//! japay-cli on its own: a toy gateway defined here with japay_core's spec types (two outgoing operations, one
//! incoming message, a line-based answer format) runs every neutral command in process, with stdin, stdout and
//! stderr in memory. No real gateway is involved.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgMatches, Command};
use japay_cli::check::{Failure, Probe, Probed, Verdict};
use japay_cli::demo::{Demo, Merchant};
use japay_cli::output::{Output, pairs_json};
use japay_cli::sandbox::Serve;
use japay_cli::{
    AnswerCharset, AnswerKeys, CharsetOption, Description, Extra, Form, Gateway, Incoming, IncomingKind, Refusal,
    Summarize,
};
use japay_core::charset::TextPolicy;
use japay_core::outcome::{OutcomeError, OutcomeSummary, kind_names};
use japay_core::spec::{
    AsciiSet, AttributeSpec, ByteLimit, Code, CodeEntry, CodeTable, Computed, ComputedInput, CredentialSpec, Direction,
    FieldSpec, GatewaySpec, Marker, OperationSpec, OutcomeCase, ResponseSpec, ValueKind,
};
use japay_core::transport::Environment;
use japay_core::{Charset, DynamicRequest, Options};

// ---------------------------------------------------------------------------------------------------------------
// The toy gateway: its spec, its answer format (one `name=value` per line, or a query string), its outcome table.

static TOY: GatewaySpec = GatewaySpec::new("toy", "Toy Pay", TextPolicy::new())
    .with_transports(&[Charset::Cp932, Charset::Utf8])
    .with_credentials(&[CredentialSpec::new("key", "the toy's signing key")]);

const DIGITS: AsciiSet = AsciiSet::new(0x03FF_0000_0000_0000, "digits", "0-9");

static ERRORS: CodeTable = CodeTable::new(
    "toy_error",
    "the toy's error codes",
    &[CodeEntry::new("E1", "残高不足", "insufficient funds").with_remediation("top up")],
);

static GREET_RESPONSE: ResponseSpec = ResponseSpec::new(
    "toy answers",
    &[AttributeSpec::new("status", "ok or ng"), AttributeSpec::new("error", "why").with_table(&ERRORS)],
);

/// `greet`: a shop number of exactly 4 digits, a name of at most 10 bytes, an optional note, a fixed mode; sent in
/// UTF-8 with the marker `enc=utf8`.
static GREET: OperationSpec = OperationSpec::new("greet", &TOY, "greet.do")
    .with_titles("挨拶", "say hello")
    .with_utf8_params(&[("enc", "utf8")])
    .with_fields(&[
        FieldSpec::new("shop", ValueKind::Ascii(DIGITS)).with_marker(Marker::Supplied).with_limit(ByteLimit::Exact(4)),
        FieldSpec::new("name", ValueKind::Text).with_marker(Marker::Required).with_limit(ByteLimit::Max(10)),
        FieldSpec::new("note", ValueKind::Text).with_marker(Marker::Optional),
        FieldSpec::new("mode", ValueKind::Ascii(DIGITS)).with_marker(Marker::Required).with_fixed("1", &["1"]),
    ])
    .with_response(&GREET_RESPONSE)
    .with_outcomes(&[
        OutcomeCase::new("done", kind_names::OK, &["ok"]),
        OutcomeCase::new("refused", kind_names::FAILURE, &["ng"]).with_present(&["error"]),
    ]);

/// `lookup`: no UTF-8 marker, so never sent as UTF-8; a checksum of the shop and the credential `key`. Its outcome
/// table (every way a case can match) is only shown by `spec show`.
static LOOKUP: OperationSpec = OperationSpec::new("lookup", &TOY, "lookup.do")
    .with_titles("照会", "look up")
    .with_fields(&[
        FieldSpec::new("shop", ValueKind::Ascii(DIGITS)).with_marker(Marker::Supplied).with_limit(ByteLimit::Exact(4)),
        FieldSpec::new("sum", ValueKind::Text)
            .with_marker(Marker::Required)
            .with_computed(Computed::Sha256Hex(&[ComputedInput::Field(0), ComputedInput::Credential("key")])),
    ])
    .with_outcomes(&[
        OutcomeCase::absent("listed", kind_names::OK).with_present(&["total"]).with_count("total", "row"),
        OutcomeCase::empty("missing", kind_names::NOT_FOUND),
        OutcomeCase::new("challenge", kind_names::TDS_HTML, &["3d", ""]),
        OutcomeCase::new("dropped", kind_names::FAILURE, &["x"]).without_code(),
    ]);

/// `ping`: a message the toy's server posts to the shop.
static PING: OperationSpec = OperationSpec::new("ping_message", &TOY, "ping")
    .with_direction(Direction::Incoming)
    .with_titles("通知", "a ping")
    .with_fields(&[
        FieldSpec::new("shop", ValueKind::Ascii(DIGITS)).with_marker(Marker::Supplied).with_limit(ByteLimit::Exact(4)),
        FieldSpec::new("state", ValueKind::Ascii(DIGITS)).with_marker(Marker::Required).with_allowed(&["0", "1"]),
    ]);

static OPERATIONS: &[&OperationSpec] = &[&GREET, &LOOKUP, &PING];

/// A decoded toy answer: its pairs, borrowed from the input.
struct ToyAnswer<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl ToyAnswer<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }
}

/// `greet`'s outcomes: `status=ok` is ok, `status=ng` a failure with its typed error.
fn summarize_greet<'r>(answer: &'r ToyAnswer<'_>) -> Result<OutcomeSummary<'r>, OutcomeError> {
    match answer.get("status") {
        Some(status @ "ok") => Ok(OutcomeSummary::new("done", kind_names::OK, Some(status), None)),
        Some(status @ "ng") => {
            let code = answer.get("error").ok_or(OutcomeError::MissingField { outcome: "refused", field: "error" })?;
            let cause = answer.get("cause").filter(|c| !c.is_empty()).map(|c| Code::new(c, &ERRORS));
            Ok(OutcomeSummary::new("refused", kind_names::FAILURE, Some(status), Some(Code::new(code, &ERRORS)))
                .with_cause(cause))
        }
        Some(_) => Err(OutcomeError::UnknownResult { field: "status" }),
        None => Err(OutcomeError::MissingResult { field: "status" }),
    }
}

/// The toy's incoming messages.
const KINDS: &[IncomingKind] = &[IncomingKind::new("ping", &PING)];

/// The toy: everything optional turned on.
struct Toy;

fn hello_command() -> Command {
    Command::new("hello").about("The toy's own command").arg(Arg::new("fail").long("fail").num_args(0))
}

fn hello_run(m: &ArgMatches) -> u8 {
    u8::from(m.get_flag("fail"))
}

fn shop_arg() -> Vec<Arg> {
    vec![Arg::new("shop").long("shop").value_name("SHOP").help("Refuse a message for another shop")]
}

fn toy_help(cli: Command) -> Command {
    cli.mut_subcommand("answer", |c| c.about("Decide what a toy answer means"))
}

impl Gateway for Toy {
    type Answer<'a> = ToyAnswer<'a>;

    const CLI: Description = Description::new("toy", "9.9.9", &TOY, OPERATIONS)
        .answer_charset(AnswerCharset::Option(CharsetOption::new(
            "text",
            "TEXT",
            "The charset of the answer's text",
            &[("utf-8", Charset::Utf8), ("ascii", Charset::Cp932)],
        )))
        .queries()
        .cause_key("cause")
        .incoming(Incoming::new(KINDS, &[Charset::Utf8, Charset::Cp932]).with_args(shop_arg))
        .help(toy_help)
        .extras(&[
            Extra::new(hello_command, hello_run).after("validate"),
            japay_cli::check::extra::<Toy>(),
            japay_cli::sandbox::extra::<Toy>(),
            japay_cli::demo::extra::<Toy>(),
        ]);

    const OUTCOMES: &'static [(&'static str, Summarize<Self>)] = &[("greet", summarize_greet as Summarize<Self>)];

    fn read_answer<'a>(
        input: &'a [u8],
        form: Form,
        charset: Charset,
        response: Option<&'static ResponseSpec>,
    ) -> Result<ToyAnswer<'a>, String> {
        let text = std::str::from_utf8(input).map_err(|_| "expected utf-8 text".to_owned())?;
        if charset != Charset::Utf8 && !text.is_ascii() {
            return Err("expected ascii text".to_owned());
        }
        let split = if form == Form::Query { '&' } else { '\n' };
        let mut pairs = Vec::new();
        for item in text.split(split).filter(|item| !item.is_empty()) {
            let (name, value) = item
                .split_once('=')
                .filter(|(name, _)| name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
                .ok_or_else(|| format!("expected name=value, found {item:?}"))?;
            if response.is_some_and(|spec| spec.attributes.iter().any(|a| a.name == name))
                && pairs.iter().any(|&(n, v)| n == name && v != value)
            {
                return Err(format!("expected one value for {name}"));
            }
            pairs.push((name, value));
        }
        Ok(ToyAnswer { pairs })
    }

    fn pairs<'r>(answer: &'r ToyAnswer<'_>) -> Vec<(&'r str, &'r str)> {
        answer.pairs.clone()
    }

    fn read_incoming(kind: &IncomingKind, body: &[u8], charset: Charset, args: &ArgMatches) -> Result<String, Refusal> {
        let answer = Toy::read_answer(body, Form::Query, charset, None).map_err(Refusal::Malformed)?;
        let mut request = DynamicRequest::new(kind.operation);
        for &(name, value) in &answer.pairs {
            request.set(name, value);
        }
        request.validate(Options::new(charset)).map_err(Refusal::Invalid)?;
        if let Some(own) = args.get_one::<String>("shop") {
            if answer.get("shop") != Some(own) {
                return Err(Refusal::Refused("expected the shop's own number".to_owned()));
            }
        }
        Ok(pairs_json(answer.pairs.iter().copied()))
    }
}

/// The toy with nothing optional: answers in one charset, no queries, no incoming messages, no own commands.
struct Plain;

impl Gateway for Plain {
    type Answer<'a> = ToyAnswer<'a>;
    const CLI: Description = Description::new("plain", "0.0.1", &TOY, OPERATIONS);
    const OUTCOMES: &'static [(&'static str, Summarize<Self>)] = &[("greet", summarize_greet as Summarize<Self>)];

    fn read_answer<'a>(
        input: &'a [u8],
        form: Form,
        charset: Charset,
        response: Option<&'static ResponseSpec>,
    ) -> Result<ToyAnswer<'a>, String> {
        assert_eq!(charset, Charset::Utf8, "the one answer charset");
        Toy::read_answer(input, form, charset, response)
    }

    fn pairs<'r>(answer: &'r ToyAnswer<'_>) -> Vec<(&'r str, &'r str)> {
        answer.pairs.clone()
    }
}

/// The toy with its own words for the answer object's keys (and a cause), and its own shape of a decoded answer.
struct Worded;

impl Gateway for Worded {
    type Answer<'a> = ToyAnswer<'a>;
    const CLI: Description = Description::new("worded", "0.0.1", &TOY, OPERATIONS)
        .answer_keys(AnswerKeys::new("status", "fields"))
        .cause_key("cause");
    const OUTCOMES: &'static [(&'static str, Summarize<Self>)] = &[("greet", summarize_greet as Summarize<Self>)];

    fn read_answer<'a>(
        input: &'a [u8],
        form: Form,
        charset: Charset,
        response: Option<&'static ResponseSpec>,
    ) -> Result<ToyAnswer<'a>, String> {
        Toy::read_answer(input, form, charset, response)
    }

    fn pairs<'r>(answer: &'r ToyAnswer<'_>) -> Vec<(&'r str, &'r str)> {
        answer.pairs.clone()
    }

    /// Its own shape: the pairs as an array of `[name, value]` arrays.
    fn answer_json(answer: &ToyAnswer<'_>) -> String {
        let pairs: Vec<[&str; 2]> = answer.pairs.iter().map(|&(name, value)| [name, value]).collect();
        serde_json::to_string(&pairs).unwrap()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Running a command line in process.

/// What a run gave: exit status, stdout, stderr.
struct Ran {
    code: u8,
    out: String,
    err: String,
}

fn run_as<G: Gateway>(args: &[&str], stdin: &str) -> Ran {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut input = stdin.as_bytes();
    let code = {
        let mut output = Output::new(G::CLI.name(), &mut out, &mut err);
        let args = std::iter::once(G::CLI.name()).chain(args.iter().copied());
        japay_cli::execute::<G>(args, &mut input, &mut output)
    };
    Ran { code, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
}

fn toy(args: &[&str], stdin: &str) -> Ran {
    run_as::<Toy>(args, stdin)
}

#[track_caller]
fn assert_ran(ran: &Ran, code: u8, out: &str, err: &str) {
    assert_eq!((ran.code, ran.out.as_str(), ran.err.as_str()), (code, out, err));
}

const VALID: &str = r#"{"shop": "0042", "name": "山田", "note": "hi"}"#;

// ---------------------------------------------------------------------------------------------------------------

#[test]
fn spec_lists_and_shows_the_gateways_operations() {
    assert_ran(&toy(&["spec", "list"], ""), 0, "greet\nlookup\nping_message\n", "");

    let markdown = toy(&["spec", "show", "greet"], "");
    assert_eq!(markdown.code, 0, "{}", markdown.err);
    for needle in [
        "# greet — 挨拶\n\nsay hello\n",
        "- Path: `greet.do` (outgoing)",
        "| `shop` | — | — | ◎ | digits `0-9` | exactly 4 bytes | — |",
        "| `name` | — | — | ○ | text | max 10 bytes | — |",
        "| `note` | — | — | - | text | — | — |",
        "| `mode` | — | — | ○ | digits `0-9` | — | fixed `1` |",
        "## Response attributes",
        "| `error` | why | `toy_error` |",
        "Sent as UTF-8, the encoder adds `enc=utf8`.",
        "## Outcomes\n\nEach answer is exactly one of these cases; an answer that fits none, or more than one, is refused, never guessed.\n\n| outcome | kind | result values | fields present | count |\n|---|---|---|---|---|\n",
        "| `done` | ok | `ok` | — | — |\n| `refused` | failure | `ng` | `error` | — |\n",
    ] {
        assert!(markdown.out.contains(needle), "{needle:?} not in\n{}", markdown.out);
    }
    // an operation without outcomes has no such section
    let ping = toy(&["spec", "show", "ping_message"], "");
    assert!(!ping.out.contains("## Outcomes"), "{}", ping.out);
    // the UTF-8 note names the gateway's other transports
    let lookup = toy(&["spec", "show", "lookup", "--format", "markdown"], "");
    assert!(lookup.out.contains("(rule `transport`). Send it as CP932.\n"), "{}", lookup.out);
    assert!(lookup.out.contains("computed by the encoder: SHA-256 (lowercase hex) of shop + $key"), "{}", lookup.out);
    // every way a case matches, with the CLI's display word of a kind
    for needle in [
        "| `listed` | ok | result absent | `total` | `total` = number of `row` rows |\n",
        "| `missing` | not_found | empty answer (no field at all) | — | — |\n",
        "| `challenge` | 3ds (tds_html) | `3d`, `\"\"` | — | — |\n",
        "| `dropped` | failure, without error code | `x` | — | — |\n",
    ] {
        assert!(lookup.out.contains(needle), "{needle:?} not in\n{}", lookup.out);
    }
    let lookup = toy(&["spec", "show", "lookup", "--format", "json"], "");
    assert!(lookup.out.contains(r#""computed": "SHA-256 (lowercase hex) of shop + $key""#), "{}", lookup.out);
    let value: serde_json::Value = serde_json::from_str(&lookup.out).unwrap();
    let case = |name: &str, kind: &str, display: &str, results: &[&str], absent: bool, empty: bool| {
        serde_json::json!({"name": name, "kind": kind, "display": display, "results": results,
            "result_absent": absent, "empty_answer": empty, "present": [], "count": null, "without_code": false})
    };
    let mut listed = case("listed", "ok", "ok", &[], true, false);
    listed["present"] = serde_json::json!(["total"]);
    listed["count"] = serde_json::json!({"field": "total", "group": "row"});
    let mut dropped = case("dropped", "failure", "failure", &["x"], false, false);
    dropped["without_code"] = serde_json::json!(true);
    assert_eq!(
        value["outcomes"],
        serde_json::json!([
            listed,
            case("missing", "not_found", "not_found", &[], false, true),
            case("challenge", "tds_html", "3ds", &["3d", ""], false, false),
            dropped,
        ])
    );

    let json = toy(&["spec", "show", "greet", "--format", "json"], "");
    let value: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(value["name"], "greet");
    assert_eq!(value["path"], "greet.do", "the default key of the path");
    assert_eq!(value["utf8_params"], serde_json::json!([{"name": "enc", "value": "utf8"}]));
    assert_eq!(value["fields"][0]["exact_bytes"], 4);
    assert_eq!(value["response"]["attributes"][1]["table"], "toy_error");
    assert_eq!(value["outcomes"][1]["present"], serde_json::json!(["error"]));
    assert_eq!(value["outcomes"][1]["results"], serde_json::json!(["ng"]));
    let ping = toy(&["spec", "show", "ping_message", "--format", "json"], "");
    let value: serde_json::Value = serde_json::from_str(&ping.out).unwrap();
    assert_eq!(value["outcomes"], serde_json::json!([]), "an operation without outcomes lists none");

    assert_ran(
        &toy(&["spec", "show", "nope"], ""),
        2,
        "",
        "error: invalid value 'nope' for '<OP>': unknown operation nope; expected one of: greet, lookup, \
         ping_message\n\nFor more information, try '--help'.\n",
    );
}

#[test]
fn validate_and_encode_a_json_request() {
    assert_ran(&toy(&["validate", "greet"], VALID), 0, "", "");
    assert_ran(&toy(&["encode", "greet"], VALID), 0, "shop=0042&name=%8ER%93c&note=hi&mode=1", "");
    assert_ran(
        &toy(&["encode", "--charset", "UTF-8", "greet"], VALID),
        0,
        "shop=0042&name=%E5%B1%B1%E7%94%B0&note=hi&mode=1&enc=utf8",
        "",
    );

    let invalid = r#"{"shop": "42", "name": "髙髙髙髙髙髙", "mode": "2", "enc": "utf8", "x": "1"}"#;
    let lines = concat!(
        r#"{"field":"shop","rule":"exact_bytes","message":"2 bytes in CP932, expected exactly 4"}"#,
        "\n",
        r#"{"field":"name","rule":"max_bytes","message":"12 bytes in CP932, limit 10"}"#,
        "\n",
        r#"{"field":"mode","rule":"value","message":"fixed to \"1\"; leave it out and the encoder sends it"}"#,
        "\n",
        r#"{"field":"enc","rule":"unknown","message":"added by the encoder when the request is sent as UTF-8 (--charset utf-8); leave it out"}"#,
        "\n",
        r#"{"field":"x","rule":"unknown","message":"unknown parameter for this operation"}"#,
        "\n",
    );
    assert_ran(&toy(&["validate", "greet"], invalid), 1, lines, "");
    assert_ran(&toy(&["encode", "greet"], invalid), 1, "", lines);

    // an operation without UTF-8 markers is refused as UTF-8 by validation, not by the option parser
    let refused = toy(&["validate", "--charset", "utf8", "lookup"], r#"{"shop": "0042"}"#);
    assert_eq!((refused.code, refused.err.as_str()), (1, ""));
    assert!(refused.out.starts_with(r#"{"field":"charset","rule":"transport","#), "{}", refused.out);

    // a computed parameter: never taken from the request; its credential comes from the environment (TOY_KEY,
    // not set here), so the request is refused naming it
    let lines = "{\"field\":\"key\",\"rule\":\"required\",\"message\":\"expected this credential (given with the \
                 encoder's options, never sent): the encoder needs it to compute sum\"}\n";
    assert_ran(&toy(&["encode", "lookup"], r#"{"shop": "0042"}"#), 1, "", lines);
    let given = toy(&["validate", "lookup"], r#"{"shop": "0042", "sum": "0"}"#);
    assert!(
        given.out.starts_with(r#"{"field":"sum","rule":"value","message":"computed by the encoder; leave it out"}"#),
        "{}",
        given.out
    );
    // or from its option (`--key`), which is never echoed
    let body = "shop=0042&sum=4388b984a1e2140624fb54b801b2eca903a83f44e7b8aca5fe35c55a968e142b"; // SHA-256 of 0042secret
    assert_ran(&toy(&["encode", "lookup", "--key", "secret"], r#"{"shop": "0042"}"#), 0, body, "");
    assert_ran(&toy(&["validate", "lookup", "--key", "secret"], r#"{"shop": "0042"}"#), 0, "", "");
    let help = toy(&["encode", "--help"], "");
    assert!(help.out.contains("given by their options or read from the environment (TOY_KEY)"), "{}", help.out);
    assert!(help.out.contains("--key <KEY>"), "{}", help.out);
    assert!(!toy(&["encode", "--help"], "").out.contains("--shop"), "only credentials get options");

    assert_eq!(toy(&["validate", "--charset", "latin1", "greet"], VALID).code, 2);
    assert_eq!(toy(&["validate", "nope"], VALID).code, 2);
}

#[test]
fn request_input_is_one_json_object_of_strings() {
    let cases = [
        ("[]", "input rejected: expected a JSON object of parameter name -> string value, found an array\n"),
        ("shop=1", "input rejected: stdin is not JSON: expected value at line 1 column 1\n"),
        (
            r#"{"shop": 42, "shop": "1", "name": null}"#,
            "input rejected: parameter \"shop\" occurs more than once\ninput rejected: parameter \"name\": expected \
             a string, found null; leave the parameter out instead\n",
        ),
    ];
    for (stdin, err) in cases {
        assert_ran(&toy(&["validate", "greet"], stdin), 1, "", err);
    }

    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("japay-cli-toy-request.json");
    std::fs::write(&file, VALID).unwrap();
    let file = file.to_str().unwrap();
    assert_ran(&toy(&["validate", "greet", file], "not read"), 0, "", "");
    assert_ran(&toy(&["validate", "greet", "-"], VALID), 0, "", "");
    let missing = toy(&["encode", "greet", "/nonexistent/japay-cli-toy.json"], "");
    assert_eq!((missing.code, missing.out.as_str()), (1, ""));
    assert!(missing.err.starts_with("input rejected: cannot read /nonexistent/japay-cli-toy.json: "));
}

#[test]
fn decode_prints_the_answers_pairs() {
    assert_ran(&toy(&["decode"], "a=1\nb=\"\\\na=2\n"), 0, "{\"a\":[\"1\",\"2\"],\"b\":\"\\\"\\\\\"}\n", "");
    assert_ran(&toy(&["decode", "--query"], "a=1&b=2\r\n"), 0, "{\"a\":\"1\",\"b\":\"2\"}\n", "");
    assert_ran(&toy(&["decode"], ""), 0, "{}\n", "");
    // the gateway's charset option reaches its reader
    assert_ran(&toy(&["decode"], "a=山"), 0, "{\"a\":\"山\"}\n", "");
    assert_ran(&toy(&["decode", "--text", "ascii"], "a=山"), 1, "", "decode: expected ascii text\n");
    assert_eq!(toy(&["decode", "--text", "latin1"], "a=1").code, 2);
    assert_ran(&toy(&["decode"], "oops"), 1, "", "decode: expected name=value, found \"oops\"\n");
    assert_ran(
        &toy(&["decode", "--query"], "?a=1"),
        1,
        "",
        "decode: expected name=value, found \"?a=1\" (leave out the leading `?`)\n",
    );
}

#[test]
fn answer_decides_the_outcome_from_the_gateways_table() {
    assert_ran(
        &toy(&["answer", "greet"], "status=ok\nx=1"),
        0,
        "{\"operation\":\"greet\",\"outcome\":\"ok\",\"result\":\"ok\",\"error\":null,\"cause\":null,\"attributes\":{\"status\":\"ok\",\"x\":\"1\"}}\n",
        "",
    );
    assert_ran(
        &toy(&["answer", "greet"], "status=ng\nerror=E1"),
        0,
        "{\"operation\":\"greet\",\"outcome\":\"failure\",\"result\":\"ng\",\"error\":{\"code\":\"E1\",\"ja\":\"残高不足\",\
         \"en\":\"insufficient funds\",\"remediation\":\"top up\"},\"cause\":null,\"attributes\":{\"status\":\"ng\",\"error\":\"E1\"}}\n",
        "",
    );
    // the gateway named a key for a failure's cause: printed like the error
    assert_ran(
        &toy(&["answer", "greet"], "status=ng\nerror=E9\ncause=E1"),
        0,
        "{\"operation\":\"greet\",\"outcome\":\"failure\",\"result\":\"ng\",\"error\":{\"code\":\"E9\",\"ja\":null,\
         \"en\":null,\"remediation\":null},\"cause\":{\"code\":\"E1\",\"ja\":\"残高不足\",\"en\":\"insufficient funds\",\
         \"remediation\":\"top up\"},\"attributes\":{\"status\":\"ng\",\"error\":\"E9\",\"cause\":\"E1\"}}\n",
        "",
    );
    assert_ran(
        &toy(&["answer", "greet"], "status=ng\nerror=E9"),
        0,
        "{\"operation\":\"greet\",\"outcome\":\"failure\",\"result\":\"ng\",\"error\":{\"code\":\"E9\",\"ja\":null,\
         \"en\":null,\"remediation\":null},\"cause\":null,\"attributes\":{\"status\":\"ng\",\"error\":\"E9\"}}\n",
        "",
    );
    // fail closed, with the operation named
    assert_ran(
        &toy(&["answer", "greet"], "status=maybe"),
        1,
        "",
        "answer: greet: the status value is not a documented outcome of this operation\n",
    );
    // the operation's response spec reaches the reader
    assert_ran(&toy(&["answer", "greet"], "status=ok\nstatus=ng"), 1, "", "answer: expected one value for status\n");
    assert_ran(&toy(&["decode"], "status=ok\nstatus=ng"), 0, "{\"status\":[\"ok\",\"ng\"]}\n", "");
    // only operations with outcomes
    assert_eq!(toy(&["answer", "lookup"], "").code, 2);
    // the option is in the usage line, whatever its name
    let help = toy(&["answer", "-h"], "");
    assert!(help.out.contains("Usage: toy answer [--text <TEXT>] <OP> [FILE]"), "{}", help.out);
    assert!(help.out.starts_with("Decide what a toy answer means"), "the gateway's wording: {}", help.out);
}

/// A gateway's own words for the answer object's keys, and its own shape of the decoded answer (`decode` prints it
/// too).
#[test]
fn answer_keys_and_shape_are_the_gateways() {
    let worded = |args: &[&str], stdin: &str| run_as::<Worded>(args, stdin);
    assert_ran(
        &worded(&["answer", "greet"], "status=ok\nx=1"),
        0,
        "{\"operation\":\"greet\",\"outcome\":\"ok\",\"status\":\"ok\",\"error\":null,\"cause\":null,\
         \"fields\":[[\"status\",\"ok\"],[\"x\",\"1\"]]}\n",
        "",
    );
    assert_ran(&worded(&["decode"], "a=1\na=2"), 0, "[[\"a\",\"1\"],[\"a\",\"2\"]]\n", "");
    let help = worded(&["answer", "--help"], "");
    assert!(help.out.contains("\"status\":…,\"error\":…,\"cause\":…,\"fields\":{…}"), "{}", help.out);
    assert!(help.out.contains("cause: for a failure, the cause the gateway sends"), "{}", help.out);
}

#[test]
fn notification_reads_and_checks_incoming_messages() {
    assert_ran(&toy(&["notification", "ping"], "shop=0042&state=1\n"), 0, "{\"shop\":\"0042\",\"state\":\"1\"}\n", "");
    assert_ran(
        &toy(&["notification", "ping_message", "-"], "shop=0042&state=0"),
        0,
        "{\"shop\":\"0042\",\"state\":\"0\"}\n",
        "",
    );
    assert_ran(
        &toy(&["notification", "ping"], "state=7"),
        1,
        "",
        "{\"field\":\"shop\",\"rule\":\"required\",\"message\":\"required\"}\n\
         {\"field\":\"state\",\"rule\":\"value\",\"message\":\"expected one of \\\"0\\\", \\\"1\\\"\"}\n",
    );
    assert_ran(
        &toy(&["notification", "ping"], "?shop=0042"),
        1,
        "",
        "notification: expected name=value, found \"?shop=0042\" (a form body has no leading `?`)\n",
    );
    assert_ran(
        &toy(&["notification", "ping", "--shop", "0043"], "shop=0042&state=1"),
        1,
        "",
        "notification: expected the shop's own number\n",
    );
    assert_ran(
        &toy(&["notification", "ping", "--charset", "cp932"], "shop=0042&state=1&memo=山"),
        1,
        "",
        "notification: expected ascii text\n",
    );
    let unknown = toy(&["notification", "pong"], "");
    assert_eq!(unknown.code, 2);
    assert!(unknown.err.contains("unknown notification pong; expected one of: ping (or the operation names)"));
    let charset = toy(&["notification", "ping", "--charset", "euc-jp"], "");
    assert_eq!(charset.code, 2);
    assert!(charset.err.contains("expected utf-8 or cp932 (or an alias of theirs)"), "{}", charset.err);
}

#[test]
fn help_is_neutral_and_lists_the_gateways_commands_in_place() {
    // clap's own checks of the definition (names, ids, conflicts), with every option turned on and off
    japay_cli::command::<Toy>().debug_assert();
    japay_cli::command::<Plain>().debug_assert();
    // as `--help` lists them (a help hook may move a command in the list, not on the page)
    fn listed(command: Command) -> Vec<String> {
        let mut commands: Vec<&Command> = command.get_subcommands().collect();
        commands.sort_by_key(|c| c.get_display_order());
        commands.iter().map(|c| c.get_name().to_owned()).collect()
    }
    assert_eq!(
        listed(japay_cli::command::<Toy>()),
        ["spec", "validate", "hello", "encode", "decode", "answer", "notification", "check", "sandbox", "demo"]
    );
    assert_eq!(
        listed(japay_cli::command::<Plain>()),
        ["spec", "validate", "encode", "decode", "answer"],
        "no notification without messages"
    );
    let help = toy(&["--help"], "");
    let at = |name: &str| help.out.find(&format!("\n  {name} ")).unwrap_or_else(|| panic!("{name} in {}", help.out));
    assert!(at("validate") < at("hello") && at("hello") < at("encode") && at("answer") < at("notification"));

    assert_eq!(help.code, 0);
    assert!(help.out.starts_with("Toy Pay: spec tables, request validation and encoding"), "{}", help.out);
    assert!(help.out.contains("Input (FILE or stdin) is read up to 64 MiB"), "{}", help.out);
    assert!(help.out.contains("Exit status: 0 ok, 1 input rejected"), "{}", help.out);
    assert_ran(&toy(&["--version"], ""), 0, "toy 9.9.9\n", "");
    let validate = toy(&["validate", "--help"], "");
    for needle in ["numbers, booleans", "at most 64 MiB", "(see `toy spec list`)", "cp932 or utf-8"] {
        assert!(validate.out.contains(needle), "{needle:?} not in {}", validate.out);
    }
    let none = toy(&[], "");
    assert_eq!((none.code, none.out.as_str()), (2, ""));
    assert!(none.err.contains("Usage: toy <COMMAND>"), "{}", none.err);
    // the gateway's own command runs with its own arguments
    assert_ran(&toy(&["hello"], ""), 0, "", "");
    assert_ran(&toy(&["hello", "--fail"], ""), 1, "", "");
}

#[test]
fn a_gateway_without_options_has_none() {
    let plain = |args: &[&str], stdin: &str| run_as::<Plain>(args, stdin);
    assert_ran(&plain(&["decode"], "a=山"), 0, "{\"a\":\"山\"}\n", "");
    assert_eq!(plain(&["decode", "--query"], "a=1").code, 2);
    assert_eq!(plain(&["decode", "--text", "utf-8"], "a=1").code, 2);
    assert_eq!(plain(&["notification", "ping"], "").code, 2);
    // no cause key unless the gateway names one
    assert_ran(
        &plain(&["answer", "greet"], "status=ng\nerror=E9\ncause=E1"),
        0,
        "{\"operation\":\"greet\",\"outcome\":\"failure\",\"result\":\"ng\",\"error\":{\"code\":\"E9\",\"ja\":null,\
         \"en\":null,\"remediation\":null},\"attributes\":{\"status\":\"ng\",\"error\":\"E9\",\"cause\":\"E1\"}}\n",
        "",
    );
    let help = plain(&["answer", "--help"], "");
    assert!(help.out.contains("Usage: plain answer <OP> [FILE]"), "{}", help.out);
    assert!(help.out.contains("one of ok, redirect, 3ds1, 3ds2, failure, not_found, 3ds, pending"), "{}", help.out);
    let help = plain(&["--help"], "");
    assert!(help.out.starts_with("Toy Pay: spec tables"), "{}", help.out);
}

/// Writers that fail as a full disk (`>/dev/full`) or a closed pipe (`| head -c0`) do.
struct Failing(io::ErrorKind);

impl io::Write for Failing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::from(self.0))
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::from(self.0))
    }
}

fn run_into(args: &[&str], stdin: &str, stdout: Failing, stderr: impl io::Write) -> u8 {
    let mut input = stdin.as_bytes();
    let mut output = Output::new("toy", stdout, stderr);
    japay_cli::execute::<Toy>(std::iter::once("toy").chain(args.iter().copied()), &mut input, &mut output)
}

#[test]
fn closed_or_full_streams_never_panic() {
    use io::ErrorKind::{BrokenPipe, StorageFull};
    // a full stdout: exit 1, said on stderr; a full stderr as well: still exit 1, nothing to say it with
    let mut err = Vec::new();
    assert_eq!(run_into(&["encode", "greet"], VALID, Failing(StorageFull), &mut err), 1);
    assert!(String::from_utf8_lossy(&err).starts_with("toy: cannot write to stdout: "));
    assert_eq!(run_into(&["spec", "list"], "", Failing(StorageFull), Failing(StorageFull)), 1);
    assert_eq!(run_into(&["--help"], "", Failing(StorageFull), Failing(StorageFull)), 1);
    // a closed stdout ends the output quietly
    assert_eq!(run_into(&["spec", "show", "greet"], "", Failing(BrokenPipe), Failing(StorageFull)), 0);
    // a full stderr changes no exit status
    for (args, stdin, code) in [
        (&["validate", "greet"][..], "[]", 1),
        (&["encode", "greet"][..], "{}", 1),
        (&["decode"][..], "oops", 1),
        (&["answer", "greet"][..], "status=maybe", 1),
        (&["notification", "ping"][..], "state=7", 1),
        (&["validate", "nope"][..], "", 2),
        (&[][..], "", 2),
    ] {
        assert_eq!(run_into(args, stdin, Failing(BrokenPipe), Failing(StorageFull)), code, "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// `check`: the layered connection check, with the toy's call decided by its `--shop` option (no toy server: the
// layers below the call are real, against a listener of the test).

impl Probe for Toy {
    const ABOUT: &'static str = "Check the connection to the toy";
    const LONG_ABOUT: &'static str = "Send the toy's harmless call and diagnose.";
    const BASE_URL_HELP: &'static str = "Another base URL";

    type Call = String;

    fn args() -> Vec<Arg> {
        vec![Arg::new("shop").long("shop").value_name("SHOP").required(true).help("The shop number")]
    }

    fn prepare(args: &ArgMatches) -> Result<String, String> {
        let shop = args.get_one::<String>("shop").cloned().unwrap_or_default();
        if shop.len() == 4 && shop.bytes().all(|b| b.is_ascii_digit()) {
            Ok(shop)
        } else {
            Err("the shop number is not 4 digits".to_owned())
        }
    }

    async fn call(shop: String, environment: Environment, timeout: Duration) -> Probed {
        assert!(matches!(environment, Environment::Custom(_)), "{environment:?}");
        let elapsed = Duration::from_millis(7);
        let answered = |verdict| Probed::Answered { elapsed, verdict };
        match shop.as_str() {
            "0042" => answered(Verdict::Connected("greet: ok".to_owned())),
            "0001" => answered(Verdict::Refused {
                code: "E1".to_owned(),
                text: "残高不足 (insufficient funds)".to_owned(),
                detail: Some("low".to_owned()),
            }),
            "0002" => answered(Verdict::Refused { code: "E2".to_owned(), text: "?".to_owned(), detail: None }),
            "0003" => answered(Verdict::Invalid("status=maybe".to_owned())),
            "0004" => {
                assert_eq!(timeout, Duration::from_secs(3));
                Probed::Failed(Failure::Timeout)
            }
            "0005" => Probed::Failed(Failure::Connect("handshake".to_owned())),
            "0006" => Probed::Failed(Failure::Status { status: 503, head: "busy".to_owned() }),
            "0007" => Probed::Failed(Failure::Http("an html page".to_owned())),
            "0008" => Probed::Failed(Failure::InvalidAnswer("truncated".to_owned())),
            "0009" => Probed::Failed(Failure::Network("reset".to_owned())),
            _ => Probed::Failed(Failure::Other("no client".to_owned())),
        }
    }

    fn remediation(code: &str) -> Option<String> {
        (code == "E1").then(|| "top up\nチャージしてください".to_owned())
    }
}

/// Runs `toy check ARGS` in process.
fn check(args: &[&str]) -> Ran {
    let matches = match japay_cli::check::command::<Toy>()
        .try_get_matches_from(std::iter::once("check").chain(args.iter().copied()))
    {
        Ok(matches) => matches,
        Err(e) => return Ran { code: u8::try_from(e.exit_code()).unwrap(), out: String::new(), err: e.to_string() },
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = japay_cli::check::execute::<Toy>(&matches, &mut Output::new("toy", &mut out, &mut err));
    Ran { code, out: String::from_utf8(out).unwrap(), err: String::from_utf8(err).unwrap() }
}

/// A base URL on 127.0.0.1 that accepts connections (and closes them).
fn listening() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/", listener.local_addr().unwrap());
    std::thread::spawn(move || for _ in listener.incoming() {});
    base
}

#[test]
fn check_names_each_ending_by_its_layer() {
    let base = listening();
    let tls = base.replace("http://", "https://");
    let host = "127.0.0.1";
    #[rustfmt::skip]
    let cases: &[(&str, &str, u8, &[&str])] = &[
        ("0042", &base, 0, &[&format!("connected: {base} answered in 7 ms (greet: ok)\n")]),
        ("0001", &base, 1, &[&format!("error E1: 残高不足 (insufficient funds)\ngateway detail: low\nanswered by {base} in 7 ms\ntop up\nチャージしてください\n")]),
        ("0002", &base, 1, &[&format!("error E2: ?\nanswered by {base} in 7 ms\n")]),
        ("0003", &base, 1, &["invalid answer: status=maybe\n"]),
        ("0004", &base, 1, &[&format!("timeout: no answer from {host} within 3 s\n")]),
        ("0005", &base, 1, &["connection: handshake\n"]),
        ("0005", &tls, 1, &[&format!("tls: the TLS handshake with {host} failed: handshake\n")]),
        ("0006", &base, 1, &[&format!("http status: {host} answered HTTP 503 instead of 200; body starts busy\n")]),
        ("0007", &base, 1, &["http status: an html page\n"]),
        ("0008", &base, 1, &["invalid answer: truncated\n"]),
        ("0009", &tls, 1, &["connection: reset\n"]),
        ("0010", &base, 1, &["error: no client\n"]),
        ("12", &base, 1, &["not sent: the shop number is not 4 digits\n"]),
    ];
    for &(shop, base, code, out) in cases {
        let ran = check(&["--shop", shop, "--base-url", base, "--timeout", "3"]);
        assert_ran(&ran, code, out[0], "");
    }
}

#[test]
fn check_fails_below_the_call_by_layer() {
    // nobody listens on a released port
    let released = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/api/", listener.local_addr().unwrap())
    };
    let ran = check(&["--shop", "0042", "--base-url", &released]);
    assert_eq!(ran.code, 1);
    assert!(ran.out.starts_with("connection: cannot connect to 127.0.0.1 (127.0.0.1:"), "{}", ran.out);
    let ran = check(&["--shop", "0042", "--base-url", "http://no-such-host.invalid/api/"]);
    assert_eq!(ran.code, 1);
    assert!(ran.out.starts_with("dns: cannot resolve no-such-host.invalid"), "{}", ran.out);
    // a malformed call is refused before any connection
    assert_ran(&check(&["--shop", "x", "--base-url", &released]), 1, "not sent: the shop number is not 4 digits\n", "");
}

#[test]
fn check_usage_errors_exit_2() {
    // the toy names no endpoints: --env test has no base
    assert_ran(&check(&["--shop", "0042"]), 2, "error: no host in the base URL \"\"\n", "");
    assert_ran(&check(&["--shop", "0042", "--env", "production"]), 2, "error: no host in the base URL \"\"\n", "");
    assert_ran(
        &check(&["--shop", "0042", "--base-url", "http:///api/"]),
        2,
        "error: no host in the base URL \"http:///api/\"\n",
        "",
    );
    let ran = check(&["--shop", "0042", "--base-url", "ftp://x/"]);
    assert_eq!((ran.code, ran.out.as_str()), (2, ""));
    assert_eq!(ran.err, "error: --base-url: expected an http:// or https:// URL, got \"ftp://x/\"\n");
    for args in [
        &["--base-url", "http://127.0.0.1:1/"][..],
        &["--shop", "0042", "--env", "staging"],
        &["--shop", "0042", "--env", "test", "--base-url", "http://127.0.0.1:1/"],
        &["--shop", "0042", "--timeout", "0"],
        &["--shop", "0042", "--timeout", "601"],
    ] {
        assert_eq!(check(args).code, 2, "{args:?}");
    }
    // the toy's options first, then the machinery's
    let help = japay_cli::check::command::<Toy>().render_long_help().to_string();
    let at = |needle: &str| help.find(needle).unwrap_or_else(|| panic!("{needle} in {help}"));
    assert!(at("--shop") < at("--env") && at("--env") < at("--base-url") && at("--base-url") < at("--timeout"));
    assert!(help.starts_with("Send the toy's harmless call and diagnose."), "{help}");
}

// ---------------------------------------------------------------------------------------------------------------
// `sandbox`: the scaffolding over a toy sandbox that only listens.

/// A started toy sandbox: its listener, its database and its own option.
struct ToySandbox {
    listener: tokio::net::TcpListener,
    db: Option<std::path::PathBuf>,
    greeting: String,
}

impl Serve for Toy {
    const ABOUT: &'static str = "Run a local toy";
    const LONG_ABOUT: &'static str = "Run a local toy that only listens.";
    const DEFAULT_LISTEN: &'static str = "127.0.0.1:0";

    type Running = ToySandbox;

    fn args() -> Vec<Arg> {
        vec![Arg::new("greeting").long("greeting").value_name("TEXT").default_value("hi").help("What it says")]
    }

    async fn start(args: &ArgMatches, listen: SocketAddr, db: Option<PathBuf>) -> Result<ToySandbox, String> {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen: {e}"))?;
        let greeting = args.get_one::<String>("greeting").cloned().unwrap_or_default();
        Ok(ToySandbox { listener, db, greeting })
    }

    fn url(running: &ToySandbox) -> String {
        format!("http://{}", running.listener.local_addr().unwrap())
    }

    fn serving(running: &ToySandbox) -> String {
        format!("{} at {}/api/ ({:?})", running.greeting, Toy::url(running), running.db)
    }

    async fn shutdown(running: ToySandbox) {
        SHUT_DOWN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        drop(running);
    }
}

/// How many toy sandboxes were shut down.
static SHUT_DOWN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `toy sandbox ARGS` in process with `stdout`, stopping it as soon as it serves.
fn sandbox_into(args: &[&str], stdout: impl io::Write) -> Ran {
    let matches = match japay_cli::sandbox::command::<Toy>()
        .try_get_matches_from(std::iter::once("sandbox").chain(args.iter().copied()))
    {
        Ok(matches) => matches,
        Err(e) => return Ran { code: u8::try_from(e.exit_code()).unwrap(), out: String::new(), err: e.to_string() },
    };
    let mut err = Vec::new();
    let code = japay_cli::sandbox::execute::<Toy>(&matches, &mut Output::new("toy", stdout, &mut err), async {});
    Ran { code, out: String::new(), err: String::from_utf8(err).unwrap() }
}

fn sandbox(args: &[&str]) -> Ran {
    let mut out = Vec::new();
    let mut ran = sandbox_into(args, &mut out);
    ran.out = String::from_utf8(out).unwrap();
    ran
}

#[test]
fn sandbox_prints_its_url_first_and_serves_until_stopped() {
    use std::sync::atomic::Ordering::SeqCst;
    let before = SHUT_DOWN.load(SeqCst);
    let ran = sandbox(&["--greeting", "hello", "--db", "toy.db"]);
    assert_eq!(ran.code, 0, "{}", ran.err);
    let url = ran.out.strip_suffix('\n').unwrap();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0") && !url.contains('\n'), "{url}");
    assert_eq!(
        ran.err,
        format!("toy sandbox: hello at {url}/api/ (Some(\"toy.db\")) (database: toy.db); stop it with Ctrl-C\n")
    );
    let ran = sandbox(&[]);
    assert!(ran.err.ends_with("(None) (database: in memory); stop it with Ctrl-C\n"), "{}", ran.err);
    assert!(SHUT_DOWN.load(SeqCst) >= before + 2, "stopped sandboxes are shut down");

    // an address in use: exit 1, nothing on stdout
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let ran = sandbox(&["--listen", &address]);
    assert_eq!((ran.code, ran.out.as_str()), (1, ""));
    assert!(ran.err.starts_with(&format!("toy sandbox: cannot start on {address}: cannot listen: ")), "{}", ran.err);

    // the URL cannot be written (a full disk, or even a closed pipe: nobody would know where it listens): exit 1
    for kind in [io::ErrorKind::StorageFull, io::ErrorKind::BrokenPipe] {
        let ran = sandbox_into(&[], Failing(kind));
        assert_eq!(ran.code, 1, "{kind:?}");
        assert_eq!(ran.err, "toy sandbox: cannot write the listen url to stdout\n");
    }

    // usage errors
    for args in [&["--listen", "nowhere"][..], &["--port", "1"], &["--db"]] {
        assert_eq!(sandbox(args).code, 2, "{args:?}");
    }
    let help = japay_cli::sandbox::command::<Toy>().render_long_help().to_string();
    let at = |needle: &str| help.find(needle).unwrap_or_else(|| panic!("{needle} in {help}"));
    assert!(at("--listen") < at("--db") && at("--db") < at("--greeting"), "{help}");
    assert!(help.contains("Exit status: 1 the sandbox could not start"), "{help}");
}

// ---------------------------------------------------------------------------------------------------------------
// `demo`: the toy's walk drives the merchant's endpoint over plain HTTP/1.1; the plain gateway's walk fails.

/// `METHOD url` with `body` over HTTP/1.1 (`Connection: close`), on a blocking thread: the status and the body.
async fn http(method: &str, url: &str, body: &str) -> (u16, String) {
    let (method, url, body) = (method.to_owned(), url.to_owned(), body.to_owned());
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let rest = url.strip_prefix("http://").unwrap();
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let mut stream = std::net::TcpStream::connect(authority).unwrap();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
        let body = answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
        (status, body)
    })
    .await
    .unwrap()
}

impl Demo for Toy {
    const ABOUT: &'static str = "Walk the toy's flows";

    async fn walk() -> Result<(), String> {
        let merchant = Merchant::start("ACK").await?;
        assert!(merchant.url().starts_with("http://127.0.0.1:"));
        assert_eq!(merchant.notify_url(), format!("{}/notify", merchant.url()));
        // a notification is answered with the gateway's reply and recorded
        assert_eq!(http("POST", &merchant.notify_url(), "shop=0042&state=1").await, (200, "ACK".to_owned()));
        assert_eq!(
            merchant.wait_notification("state=1", Duration::from_secs(1)).await.as_deref(),
            Some("shop=0042&state=1")
        );
        assert_eq!(merchant.wait_notification("state=0", Duration::from_millis(200)).await, None);
        // nothing arrived yet
        assert_eq!(merchant.arrival(&merchant.return_url(), 200), Err("the merchant recorded no redirect".to_owned()));
        // the buyer returns
        let back = format!("{}?shop=0042&ok=1", merchant.return_url());
        assert_eq!(http("GET", &back, "").await.0, 200);
        assert_eq!(merchant.arrival(&back, 200).as_deref(), Ok("shop=0042&ok=1"));
        let elsewhere = merchant.arrival("http://elsewhere/", 302).unwrap_err();
        assert_eq!(elsewhere, "expected a redirect to the merchant's return_url, got http://elsewhere/ (http 302)");
        assert_eq!(merchant.arrival(&back, 500), Err(format!("GET {back}: http 500")));
        // the post-back URL takes any POST
        assert_eq!(http("POST", &merchant.term_url(), "a=1").await, (200, "ok".to_owned()));
        japay_cli::demo::say("toy demo: done");
        Ok(())
    }
}

impl Demo for Plain {
    const ABOUT: &'static str = "Walk the plain flows";

    async fn walk() -> Result<(), String> {
        japay_cli::demo::fail("1. greet", "expected status=ok, got status=ng")
    }
}

#[test]
fn demo_walks_with_a_merchant_endpoint_and_names_the_failing_step() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = japay_cli::demo::execute::<Toy>(&mut Output::new("toy", &mut out, &mut err));
    assert_eq!((code, err.as_slice()), (0, &b""[..]));
    let code = japay_cli::demo::execute::<Plain>(&mut Output::new("plain", &mut out, &mut err));
    assert_eq!(code, 1);
    assert_eq!(String::from_utf8(err).unwrap(), "demo: 1. greet: expected status=ok, got status=ng\n");
    assert!(out.is_empty(), "the steps print on the process's stdout");
    // the command takes no options
    assert_eq!(japay_cli::demo::command::<Toy>().get_arguments().count(), 0);
    assert!(japay_cli::demo::command::<Toy>().try_get_matches_from(["demo", "--offline"]).is_err());
}
