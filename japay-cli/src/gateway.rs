//! What a gateway's binary supplies: the [`Gateway`] trait (its answer reader, outcome table and incoming-message
//! reader) and its [`Description`] (names, spec, operations, charsets, help wording, extra commands), as data.

use clap::{Arg, ArgMatches, Command};
use japay_core::Charset;
use japay_core::Report;
use japay_core::outcome::{OutcomeError, OutcomeSummary};
use japay_core::spec::{GatewaySpec, OperationSpec, ResponseSpec};

/// A gateway on the command line. Implemented by a unit struct in the gateway's binary; [`crate::main`] runs it.
///
/// Everything the commands do is written once in this crate over these few items: the commands never name a
/// gateway, an operation or a parameter.
pub trait Gateway: 'static {
    /// The gateway's decoded answer: what [`read_answer`](Gateway::read_answer) returns and the
    /// [`OUTCOMES`](Gateway::OUTCOMES) table reads.
    type Answer<'a>;

    /// The binary's description: names, spec, operations, charsets, help wording, extra commands.
    const CLI: Description;

    /// Every operation whose spec lists outcomes, by name, with its `summarize` (the gateway crate's generated
    /// `OUTCOMES`): the table `answer OP` decides an answer's outcome with.
    const OUTCOMES: &'static [(&'static str, Summarize<Self>)];

    /// Reads `input` — an answer body, or with [`Form::Query`] a redirect query string — whose text is in
    /// `charset`. With the operation's `response` spec when the command knows the operation (`answer OP`): then a
    /// reader refuses what the typed view would refuse (conflicting duplicates of the spec's attributes).
    ///
    /// # Errors
    /// Why the input is no answer (an HTML page, a truncated body, bytes invalid in `charset`, …), one line, lower
    /// case.
    fn read_answer<'a>(
        input: &'a [u8],
        form: Form,
        charset: Charset,
        response: Option<&'static ResponseSpec>,
    ) -> Result<Self::Answer<'a>, String>;

    /// The answer's decoded name/value pairs in document order: what `decode` prints, and `answer`'s `attributes`.
    fn pairs<'r>(answer: &'r Self::Answer<'_>) -> Vec<(&'r str, &'r str)>;

    /// The answer as one JSON object: what `decode` prints and what `answer` holds under its attributes key
    /// ([`AnswerKeys`]). The default is [`output::pairs_json`](crate::output::pairs_json) of
    /// [`pairs`](Gateway::pairs); a gateway whose answers have repeated groups of fields prints them as it reads them
    /// (a group as an array of objects, also when it occurs once).
    fn answer_json(answer: &Self::Answer<'_>) -> String {
        crate::output::pairs_json(Self::pairs(answer))
    }

    /// What an answer's error code says when its code table does not list it: `(ja, en)` read from the code itself,
    /// for a gateway whose codes have a layout (the field and the check of a validation code, …); `None` otherwise.
    /// `answer` prints them as the error's `ja` and `en` (its `remediation` stays null). The default knows nothing.
    fn explain_code(code: &str) -> Option<(String, String)> {
        let _ = code;
        None
    }

    /// Reads and checks an incoming message of `kind` (one of [`Description::incoming`]'s) whose text is in
    /// `charset`, with the checks the gateway's own `notification` options ask for (`args`, holding the options it
    /// declared with [`Incoming::with_args`]). Returns the message as one JSON object, normally
    /// [`output::pairs_json`](crate::output::pairs_json) of its pairs.
    ///
    /// The default refuses every message: a gateway without incoming messages has no `notification` command.
    ///
    /// # Errors
    /// The [`Refusal`]: the spec's violations, or why the body could not be read or was refused.
    fn read_incoming(kind: &IncomingKind, body: &[u8], charset: Charset, args: &ArgMatches) -> Result<String, Refusal> {
        let _ = (body, charset, args);
        Err(Refusal::Malformed(format!("{} messages are not read by this command", kind.name)))
    }
}

/// An operation's `summarize`: decides the outcome of a decoded answer, failing closed, as a gateway-neutral
/// summary (the type of a gateway crate's generated `Summarize`).
pub type Summarize<G> = for<'r, 'a> fn(&'r <G as Gateway>::Answer<'a>) -> Result<OutcomeSummary<'r>, OutcomeError>;

/// What `decode` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Form {
    /// An answer body, as the gateway sends it.
    Body,
    /// A redirect query string, without the leading `?` (`decode --query`).
    Query,
}

/// Why an incoming message was not accepted.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refusal {
    /// It breaks its spec: printed as violation lines on stderr, as `validate` prints them.
    Invalid(Report),
    /// It could not be read (a bad percent escape, bytes invalid in the charset, a conflicting duplicate).
    Malformed(String),
    /// It was read, and one of the gateway's checks refused it (a message meant for another merchant).
    Refused(String),
}

/// The charset of answer text: one for every answer, or chosen with an option of `decode` and `answer` (the request
/// told the gateway which charset to answer in).
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum AnswerCharset {
    /// Every answer is in this charset; no option.
    Only(Charset),
    /// The option that chooses it.
    Option(CharsetOption),
}

/// An option naming a charset by the gateway's own words: `--LONG VALUE`, each value standing for a charset; the
/// first value is the default.
#[derive(Clone, Copy, Debug)]
pub struct CharsetOption {
    pub(crate) long: &'static str,
    pub(crate) value_name: &'static str,
    pub(crate) help: &'static str,
    pub(crate) values: &'static [(&'static str, Charset)],
}

impl CharsetOption {
    /// `--long VALUE_NAME`, its help line, and its values (the first is the default).
    pub const fn new(
        long: &'static str,
        value_name: &'static str,
        help: &'static str,
        values: &'static [(&'static str, Charset)],
    ) -> CharsetOption {
        CharsetOption { long, value_name, help, values }
    }

    /// The charset a value stands for.
    pub(crate) fn charset(&self, value: &str) -> Option<Charset> {
        self.values.iter().find(|(v, _)| *v == value).map(|&(_, charset)| charset)
    }
}

/// One kind of incoming message (a notification the gateway's server sends the merchant's): its short name on the
/// command line and its operation spec (whose name is accepted too).
#[derive(Clone, Copy, Debug)]
pub struct IncomingKind {
    /// The short name (`KIND`).
    pub name: &'static str,
    /// Its spec.
    pub operation: &'static OperationSpec,
}

impl IncomingKind {
    /// A kind.
    pub const fn new(name: &'static str, operation: &'static OperationSpec) -> IncomingKind {
        IncomingKind { name, operation }
    }
}

/// The incoming messages `notification KIND` reads.
#[derive(Clone, Copy, Debug)]
pub struct Incoming {
    pub(crate) kinds: &'static [IncomingKind],
    pub(crate) charsets: &'static [Charset],
    pub(crate) args: fn() -> Vec<Arg>,
}

impl Incoming {
    /// The kinds, and the charsets their bodies may be in (the first is the default: a body's charset is never
    /// guessed).
    pub const fn new(kinds: &'static [IncomingKind], charsets: &'static [Charset]) -> Incoming {
        Incoming { kinds, charsets, args: Vec::new }
    }

    /// The gateway's own options of `notification`, for its checks in [`Gateway::read_incoming`].
    #[must_use]
    pub const fn with_args(mut self, args: fn() -> Vec<Arg>) -> Incoming {
        self.args = args;
        self
    }
}

/// A command of the gateway's own (a connection check, a local sandbox, a demo).
#[derive(Clone, Copy, Debug)]
pub struct Extra {
    pub(crate) command: fn() -> Command,
    pub(crate) run: fn(&ArgMatches) -> u8,
    pub(crate) after: Option<&'static str>,
}

impl Extra {
    /// The command's definition and what runs it (returning the exit status). Listed after the neutral commands.
    pub const fn new(command: fn() -> Command, run: fn(&ArgMatches) -> u8) -> Extra {
        Extra { command, run, after: None }
    }

    /// Listed right after the command named `name` instead.
    #[must_use]
    pub const fn after(mut self, name: &'static str) -> Extra {
        self.after = Some(name);
        self
    }
}

/// The words `spec show` uses for what differs between gateways.
#[derive(Clone, Copy, Debug)]
pub struct SpecWords {
    pub(crate) path_label: &'static str,
    pub(crate) path_key: &'static str,
    pub(crate) empty_root: &'static str,
}

impl SpecWords {
    /// The defaults: `- Path:` in Markdown and `"path"` in JSON for an operation's path, `Empty answer:` for what
    /// an answer without fields means.
    pub const DEFAULT: SpecWords = SpecWords::new("Path", "path", "Empty answer");

    /// The label of an operation's path in Markdown, its key in JSON, and the label of what an empty answer means.
    pub const fn new(path_label: &'static str, path_key: &'static str, empty_root: &'static str) -> SpecWords {
        SpecWords { path_label, path_key, empty_root }
    }
}

/// The keys of `answer`'s object that a gateway words its own way: the decoded result value and the answer's
/// decoded fields ([`Gateway::answer_json`]). A failure's cause has its own key ([`Description::cause_key`]).
#[derive(Clone, Copy, Debug)]
pub struct AnswerKeys {
    pub(crate) result: &'static str,
    pub(crate) attributes: &'static str,
}

impl AnswerKeys {
    /// The defaults: `result` and `attributes`.
    pub const DEFAULT: AnswerKeys = AnswerKeys::new("result", "attributes");

    /// The key of the result value and the key of the decoded fields.
    pub const fn new(result: &'static str, attributes: &'static str) -> AnswerKeys {
        AnswerKeys { result, attributes }
    }
}

/// A gateway's binary as data. Built with `const` methods, so it can be [`Gateway::CLI`].
#[derive(Clone, Copy, Debug)]
pub struct Description {
    pub(crate) name: &'static str,
    pub(crate) version: &'static str,
    pub(crate) about: &'static str,
    pub(crate) spec: &'static GatewaySpec,
    pub(crate) operations: &'static [&'static OperationSpec],
    pub(crate) answer_charset: AnswerCharset,
    pub(crate) queries: bool,
    pub(crate) incoming: Option<Incoming>,
    pub(crate) words: SpecWords,
    pub(crate) answer_keys: AnswerKeys,
    pub(crate) help: fn(Command) -> Command,
    pub(crate) extras: &'static [Extra],
    pub(crate) cause_key: Option<&'static str>,
}

impl Description {
    /// The binary's name (as scripts call it) and version, the gateway's spec and its operations (the gateway
    /// crate's generated `GATEWAY` and `OPERATIONS`).
    ///
    /// The request charsets are the spec's `transports` (the first is `--charset`'s default; all of them when the
    /// spec lists none). Answers are UTF-8 until [`answer_charset`](Description::answer_charset) says otherwise.
    pub const fn new(
        name: &'static str,
        version: &'static str,
        spec: &'static GatewaySpec,
        operations: &'static [&'static OperationSpec],
    ) -> Description {
        Description {
            name,
            version,
            about: "",
            spec,
            operations,
            answer_charset: AnswerCharset::Only(Charset::Utf8),
            queries: false,
            incoming: None,
            words: SpecWords::DEFAULT,
            answer_keys: AnswerKeys::DEFAULT,
            help: std::convert::identity,
            extras: &[],
            cause_key: None,
        }
    }

    /// The one-line description of the binary (default: the spec's title and what the commands do).
    #[must_use]
    pub const fn about(mut self, about: &'static str) -> Description {
        self.about = about;
        self
    }

    /// The charset answers are read in.
    #[must_use]
    pub const fn answer_charset(mut self, charset: AnswerCharset) -> Description {
        self.answer_charset = charset;
        self
    }

    /// `decode --query` reads a redirect query string ([`Form::Query`]).
    #[must_use]
    pub const fn queries(mut self) -> Description {
        self.queries = true;
        self
    }

    /// The incoming messages: a `notification KIND` command.
    #[must_use]
    pub const fn incoming(mut self, incoming: Incoming) -> Description {
        self.incoming = Some(incoming);
        self
    }

    /// The words of `spec show`.
    #[must_use]
    pub const fn spec_words(mut self, words: SpecWords) -> Description {
        self.words = words;
        self
    }

    /// The keys of `answer`'s object (default: [`AnswerKeys::DEFAULT`]).
    #[must_use]
    pub const fn answer_keys(mut self, keys: AnswerKeys) -> Description {
        self.answer_keys = keys;
        self
    }

    /// The gateway's own wording of the help: applied to the finished command line (with clap's `mut_subcommand`
    /// and `mut_arg`), so a gateway can say what its answers and messages look like. Only texts: the commands,
    /// arguments and what they do stay the same.
    #[must_use]
    pub const fn help(mut self, help: fn(Command) -> Command) -> Description {
        self.help = help;
        self
    }

    /// The gateway's own commands.
    #[must_use]
    pub const fn extras(mut self, extras: &'static [Extra]) -> Description {
        self.extras = extras;
        self
    }

    /// The key under which `answer` prints a failure's cause (the second code some gateways send beside the error
    /// code, `OutcomeSummary::cause`), as an object like `error`'s, `null` when the failure has none and for every
    /// other outcome. Without it (the default) no such key is printed.
    #[must_use]
    pub const fn cause_key(mut self, key: &'static str) -> Description {
        self.cause_key = Some(key);
        self
    }

    /// The binary's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The charsets requests may be sent in; the first is the default.
    pub fn request_charsets(&self) -> &'static [Charset] {
        match self.spec.transports {
            [] => &Charset::ALL,
            transports => transports,
        }
    }

    /// The operation named `name`.
    pub fn operation(&self, name: &str) -> Option<&'static OperationSpec> {
        self.operations.iter().copied().find(|op| op.name == name)
    }
}
