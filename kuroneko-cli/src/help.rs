//! Kuroneko's wording of the help: what its answers look like, in its own words.
//!
//! Applied by `japay_cli` to the finished command line ([`japay_cli::Description::help`]); only texts change here.

use clap::Command;

/// `answer`'s long help.
const ANSWER: &str = "\
Decide what an XML answer body (<return>) of operation OP means, read from FILE or, when FILE is absent or `-`, \
from stdin, and print one JSON object and a newline:

  {\"operation\":OP,\"outcome\":…,\"return_code\":…,\"error\":…,\"credit_error\":…,\"elements\":{…}}

outcome: ok, 3ds (3-D Secure started: threeDAuthHtml to write to the browser, threeDToken to keep for the next \
call), redirect (an HTML page that forwards the browser), pending (accepted, waiting for the buyer) or failure. \
return_code: the raw returnCode string, or null when the answer has none. error: for a failure, \
{\"code\",\"ja\",\"en\",\"remediation\"} of its errorCode from the error-code table (a code the table does not list \
keeps its code, and its ja and en say what its layout says: the operation, and for a validation code the item, the \
field and the check, e.g. A081010307 \"credit_token, item 03 `device_div`: …\"; null texts when the code fits no \
layout), otherwise null. credit_error: the same for the creditErrorCode a refused \
authorization carries beside it, otherwise null. elements: exactly the object `kuroneko decode` prints.

Exit 1, message on stderr, nothing on stdout: an HTML error page, a truncated or undecodable body, an element \
repeated with another value, or an answer that fits none of the documented outcomes or more than one (fail closed: \
never a guess).";

/// `decode`'s long help.
const DECODE: &str = "\
Decode an XML answer body (<return>, UTF-8), read from FILE or, when FILE is absent or `-`, from stdin.

Prints one JSON object and a newline: element name -> decoded text for the values of <return>, in document order \
(an empty element is \"\", an absent one is not there; a name that occurs more than once with the same text becomes \
an array), then each group of elements (resultData, cardData, …) as name -> array of objects, one per occurrence, \
also when it occurs once.

Anything that cannot be decoded (an HTML error page, a truncated body, bytes that are not UTF-8, an element repeated \
with another value): exit 1, message on stderr.";

/// `notification`'s long help.
const NOTIFICATION: &str = "\
Decode the application/x-www-form-urlencoded body of a notification Yamato's server POSTs to the merchant's server, \
read from FILE or, when FILE is absent or `-`, from stdin (one final line break is ignored), and check it against \
its spec (`kuroneko spec show settlement_notification`).

KIND: settlement (決済結果通知, operation settlement_notification) or paypay (the PayPay notification, \
paypay_notification); the operation names are accepted too.

Valid: exit 0 and one JSON object and a newline on stdout: parameter name -> decoded string, in body order, unknown \
parameters included (a name repeated with the same value becomes an array). Breaks its spec (a settle_detail of 41 \
or 50 is no Yamato status): exit 1 and one JSON object per violation and line on stderr, as `validate` prints them \
({\"field\":…,\"rule\":…,\"message\":…}). Not decodable (bad percent escape, a value that is not UTF-8 once \
decoded, a parameter repeated with another value) or, with --trader-code, for another merchant: exit 1, message on \
stderr.

A notification is not signed: confirm it with E04 (tradeInfo) before trusting it. The reply to send back is the body \
0 when processed and 1 when not: the opposite of Epsilon's.";

/// Kuroneko's help texts over the neutral ones.
pub(crate) fn wording(cli: Command) -> Command {
    cli.mut_subcommand("decode", |c| c.about("Decode an XML answer body into a JSON object").long_about(DECODE))
        .mut_subcommand("answer", |c| {
            c.about("Decide the outcome of an XML answer body; print one JSON object").long_about(ANSWER)
        })
        .mut_subcommand("notification", |c| c.long_about(NOTIFICATION))
}
