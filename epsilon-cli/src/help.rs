//! Epsilon's wording of the help: what its answers, requests and notifications look like, in its own words.
//!
//! Applied by `japay_cli` to the finished command line ([`japay_cli::Description::help`]); only texts change here.

use clap::Command;

/// What `validate` and `encode` say about their input.
const VALIDATE_HELP: &str = "\
Input: one JSON object of parameter name -> string value, read from FILE or, when FILE is absent or `-`, from \
stdin; UTF-8, an optional byte-order mark is ignored. Every value must be a JSON string: numbers, booleans, null, \
arrays and objects are rejected (exit 1, message on stderr), never converted; write \"1000\", not 1000, and leave \
out a parameter instead of writing null. A parameter name that occurs twice in the object is rejected too. An \
empty string counts as absent. Names the operation does not have are `unknown` violations; version, charset and \
character_code among them say so when the encoder itself adds them for --charset utf-8.

Fixed parameters (process_code, xml, a fixed st_code) may be left out; the encoder sends them.";

/// `answer`'s long help.
const ANSWER: &str = "\
Decide what a raw XML answer body (<Epsilon_result>) of operation OP means, read from FILE or, when FILE is absent \
or `-`, from stdin, and print one JSON object and a newline:

  {\"operation\":OP,\"outcome\":…,\"result\":…,\"error\":…,\"attributes\":{…}}

outcome: one of ok, redirect, 3ds1, 3ds2, failure, not_found (the kind of the outcome the spec documents; an \
order_info answer that found the order is ok). result: the decoded `result` value, or null when the answer has \
none. error: for a failure, {\"code\",\"ja\",\"en\",\"remediation\"} from the err_code table (a code the table does \
not list keeps its code and has null texts; remediation is null when the table has none), otherwise null. \
attributes: exactly the object `epsilon decode` prints.

Exit 1, message on stderr, nothing on stdout: an HTML error page, a truncated or undecodable body, an attribute of \
the operation repeated with another value, or an answer that fits none of the documented outcomes or more than one \
(fail closed: never a guess).";

/// `validate`'s long help, before the input paragraph.
const VALIDATE: &str = "\
Check a JSON request against the operation's spec.\n\nValid: exit 0, nothing printed. Invalid: exit 1 and one JSON \
object per violation and line on stdout: {\"field\":…,\"rule\":…,\"message\":…}, rule being one of required, \
unknown, max_bytes, exact_bytes, charset, pattern, one_of, value, min_bytes, min_value, transport, duplicate, \
forbidden (a field that must be absent, e.g. card data with process_code 2), bits (a bitmap position that must or \
must not be set).";

/// `encode`'s long help, before the input paragraph.
const ENCODE: &str = "\
Validate a JSON request and write its application/x-www-form-urlencoded body to stdout (raw bytes, no trailing \
newline): parameters in spec order, fixed ones filled in, version=2 and the charset parameter added for utf-8 (an \
operation without them is refused as utf-8, rule transport).\n\nInvalid: exit 1, nothing on stdout, the violations \
as JSON lines (as `validate` prints them) on stderr.";

/// `decode`'s long help.
const DECODE: &str = "\
Decode a raw XML answer body (<Epsilon_result>) or, with --query, a completion-redirect query string \
(trans_code=…&user_name=%83%7E…, without the leading `?`; one final line break is ignored), read from FILE or, when \
FILE is absent or `-`, from stdin.\n\nPrints one JSON object and a newline: attribute or parameter name -> decoded \
string, in document order (an empty <Epsilon_result> or an empty query prints {}). A name that occurs more than once \
becomes one key, at its first position, whose value is the array of its decoded strings in document \
order.\n\nAnything that cannot be decoded (HTML error page, truncated body, bad percent escape, bytes invalid in the \
charset, a bad parameter name): exit 1, message on stderr.";

/// `notification`'s long help.
const NOTIFICATION: &str = "\
Decode the application/x-www-form-urlencoded body of a notification the gateway's server POSTs to the merchant's \
server, read from FILE or, when FILE is absent or `-`, from stdin (one final line break is ignored), and check it \
against its spec (`epsilon spec show payment_notification`).\n\nKIND: payment (決済完了通知, operation \
payment_notification), deposit (コンビニ・ペイジー入金通知, deposit_notification) or deferred_payment (GMO後払い status change, \
deferred_payment_notification); the operation names are accepted too.\n\nValid: exit 0 and one JSON object and a \
newline on stdout: parameter name -> decoded string, in body order, unknown parameters included (a name repeated \
with the same value becomes an array). Breaks its spec: exit 1 and one JSON object per violation and line on stderr, \
as `validate` prints them ({\"field\":…,\"rule\":…,\"message\":…}). Not decodable (bad percent escape, bytes invalid \
in the charset, a parameter repeated with another value) or, with --contract, for another contract: exit 1, message \
on stderr.\n\nThe body is read as CP932 unless --charset utf-8 is given: the charset of notifications is not \
documented and is never guessed from the bytes. The reply to send back is the body 1 (accepted) or 0 (refused), \
text/plain.";

/// `--charset` of `validate` and `encode`: the aliases, and which operations take UTF-8.
const REQUEST_CHARSET: &str = "\
The charset the request is sent in: cp932 (aliases shift_jis, shift-jis, sjis, windows-31j, ms932, x-sjis-cp932), \
euc-jp (eucjp, euc_jp) or utf-8 (utf8, utf_8), any case; byte limits count CP932 bytes for utf-8, which only \
operations with UTF-8 marker parameters take (`spec show`)";

/// `--charset` of `notification`.
const NOTIFICATION_CHARSET: &str = "\
The charset of the body's text: cp932 or utf-8, any case, with the aliases `validate --help` lists (x-sjis-cp932, \
sjis, utf8, …)";

/// Epsilon's help texts over the neutral ones.
pub(crate) fn wording(cli: Command) -> Command {
    cli.mut_subcommand("validate", |c| {
        c.long_about(format!("{VALIDATE}\n\n{VALIDATE_HELP}")).mut_arg("charset", |a| a.help(REQUEST_CHARSET))
    })
    .mut_subcommand("encode", |c| {
        c.long_about(format!("{ENCODE}\n\n{VALIDATE_HELP}")).mut_arg("charset", |a| a.help(REQUEST_CHARSET))
    })
    .mut_subcommand("decode", |c| {
        c.about("Decode an XML answer body (or, with --query, a redirect query string) into a JSON object")
            .long_about(DECODE)
            .mut_arg("query", |a| a.help("The input is a completion-redirect query string, not an XML body"))
    })
    .mut_subcommand("answer", |c| {
        c.about("Decide the outcome of an XML answer body; print one JSON object").long_about(ANSWER)
    })
    .mut_subcommand("notification", |c| c.long_about(NOTIFICATION).mut_arg("charset", |a| a.help(NOTIFICATION_CHARSET)))
}
