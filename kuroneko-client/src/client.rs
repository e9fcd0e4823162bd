//! [`Client`] and [`ClientBuilder`]: japay-client's client for Kuroneko, with the environment, the merchant code and
//! the access key given once, and the common error codes the gateway answers about the call rather than about the
//! request ([`crate::codes`]) handled before the answer reaches the caller.

use std::fmt;
use std::time::Duration;

use japay_client::ClientError;
use japay_core::secret::REDACTED;
use japay_core::spec::{Lookup, OperationSpec};
use japay_core::{Charset, Operation, Options};
use kuroneko_proto::generated::{OPERATIONS, RESULT_FIELD, RESULT_SUCCESS};

use crate::Exchange;
use crate::codes::{TREATED, Treatment};
use crate::gateway::{Decoded, Kuroneko};
use crate::reconcile::ERROR_CODE;

pub(crate) use japay_client::Environment;

/// The merchant's access key (アクセスキー, the digits of its access URL, facts §5.1, §7) until the client is built:
/// it feeds the checksums the encoder computes and is never sent itself, shown, logged or put in an error.
struct AccessKey(String);

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Builds a [`Client`]: where to send, the merchant code and access key, how long to wait, how often to read.
#[must_use]
pub struct ClientBuilder {
    inner: japay_client::ClientBuilder<Kuroneko>,
    environment: Environment,
    trader_code: Option<String>,
    access_key: Option<AccessKey>,
    read_attempts: u32,
    backoff: Duration,
}

impl ClientBuilder {
    /// The defaults: [`Environment::Test`] (Yamato's test gateway), no merchant code, no access key, 30 s timeout,
    /// no proxy, 3 read attempts, 250 ms backoff.
    fn new() -> ClientBuilder {
        ClientBuilder {
            inner: japay_client::Client::builder(),
            environment: Environment::Test,
            trader_code: None,
            access_key: None,
            read_attempts: 3,
            backoff: Duration::from_millis(250),
        }
    }

    /// Where to send: [`Environment::Test`] or [`Environment::Production`] (the spec's endpoints), or
    /// [`Environment::Custom`] with another base URL (each operation's URL is the base and its endpoint name).
    pub fn environment(mut self, environment: Environment) -> ClientBuilder {
        self.environment = environment;
        self
    }

    /// Sends to another base URL, such as a local sandbox's `http://127.0.0.1:PORT/…/`: the same as
    /// `environment(Environment::Custom(url))`. A loopback `http://` base turns on the local-sandbox option of the
    /// encoder (see [`is_local_sandbox`]); any other base never does.
    pub fn base_url(self, url: impl Into<String>) -> ClientBuilder {
        self.environment(Environment::Custom(url.into()))
    }

    /// The merchant code (加盟店コード) this client works for: [`Client::trade_info`] and
    /// [`Client::confirm_settlement`] use it.
    pub fn trader_code(mut self, trader_code: impl Into<String>) -> ClientBuilder {
        self.trader_code = Some(trader_code.into());
        self
    }

    /// The access key (アクセスキー), given once here: the encoder computes every `check_sum` from it. It is a secret:
    /// never in `Debug`, logs or errors.
    pub fn access_key(mut self, access_key: impl Into<String>) -> ClientBuilder {
        self.access_key = Some(AccessKey(access_key.into()));
        self
    }

    /// The time a call may take, connection included, per attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.inner = self.inner.timeout(timeout);
        self
    }

    /// Send through this HTTP(S) proxy; without it no proxy is used (the environment variables are ignored).
    pub fn proxy(mut self, url: impl Into<String>) -> ClientBuilder {
        self.inner = self.inner.proxy(url);
        self
    }

    /// How many times a read is sent at most (default 3; 0 counts as 1), after a lost answer or a load error
    /// (Z012000005, Z012000006). Nothing else is ever sent twice.
    pub fn read_attempts(mut self, attempts: u32) -> ClientBuilder {
        self.read_attempts = attempts.max(1);
        self
    }

    /// The wait before a read's second attempt, doubled before each further one (default 250 ms).
    pub fn backoff(mut self, first: Duration) -> ClientBuilder {
        self.backoff = first;
        self
    }

    /// The client.
    ///
    /// # Errors
    /// [`ClientError::Build`] when the proxy URL is invalid or the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, ClientError> {
        let local_sandbox = is_local_sandbox(&self.environment);
        let has_access_key = self.access_key.is_some();
        let mut inner = self
            .inner
            .environment(self.environment)
            .options(Options::new(Charset::Utf8).local_sandbox(local_sandbox))
            .read_attempts(self.read_attempts)
            .backoff(self.backoff);
        // the one place the access key goes: japay-client keeps it and hands it to the encoder with every request
        if let Some(AccessKey(key)) = self.access_key {
            inner = inner.credential(ACCESS_KEY, key);
        }
        Ok(Client {
            inner: inner.build()?,
            trader_code: self.trader_code,
            has_access_key,
            local_sandbox,
            read_attempts: self.read_attempts,
            backoff: self.backoff,
        })
    }
}

/// The name of the access key among the gateway's credentials (`gateway.yaml` `credentials`, the generated
/// [`CREDENTIALS`](kuroneko_proto::generated::CREDENTIALS)).
const ACCESS_KEY: &str = "access_key";

/// Whether `environment` is a local sandbox: a custom base URL that is `http://` followed by a loopback host
/// (`127.0.0.0/8`, `localhost`, `[::1]`) and then `:`, `/`, `?` or the end. Only then may a request carry an
/// `http://` URL to a loopback host (the merchant URLs are `https://` only for Yamato's gateways); Yamato's test and
/// production endpoints, and any other base, never turn it on.
pub fn is_local_sandbox(environment: &Environment) -> bool {
    matches!(environment, Environment::Custom(base) if japay_core::loopback::is_loopback_http(base))
}

/// An async Kuroneko Web Collect client (see the crate docs for the policy). Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: japay_client::Client<Kuroneko>,
    trader_code: Option<String>,
    has_access_key: bool,
    local_sandbox: bool,
    read_attempts: u32,
    backoff: Duration,
}

impl Client {
    /// A builder with the defaults: [`Environment::Test`], no merchant code, no access key, 30 s timeout, no proxy,
    /// 3 read attempts, 250 ms backoff.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The environment the client sends to.
    pub fn environment(&self) -> &Environment {
        self.inner.environment()
    }

    /// The merchant code the client was built with.
    pub fn trader_code(&self) -> Option<&str> {
        self.trader_code.as_deref()
    }

    /// Whether the client was given an access key (never the key itself).
    pub fn has_access_key(&self) -> bool {
        self.has_access_key
    }

    /// Whether the client sends to a local sandbox ([`is_local_sandbox`]).
    pub fn is_local_sandbox(&self) -> bool {
        self.local_sandbox
    }

    /// japay-client's client underneath: the same calls without the handling of [`crate::codes`].
    pub fn inner(&self) -> &japay_client::Client<Kuroneko> {
        &self.inner
    }

    /// Sends `request` and decodes its answer once; [`Exchange::view`](japay_client::Exchange::view) is its typed
    /// view.
    ///
    /// The policy comes from the operation's spec: a read (E04, A03, H01, …) is sent again after a lost answer
    /// (timeout, connection error, HTTP 5xx) or a load error (Z012000005, Z012000006), with the backoff; any other
    /// call is sent once, and a lost answer is looked up with E04 by `order_no` ([`ClientError::Unconfirmed`]).
    ///
    /// # Errors
    /// [`Error::InProgress`] when the gateway answers Z012000004 (the order number is being processed: not a
    /// failure; look it up later) or, to a call that creates or changes, Z012000005 (the API timed out: whether it
    /// took effect is unknown; look it up), [`Error::Client`] when no answer came (see [`ClientError`]). A gateway error
    /// code is not an error: the exchange holds the failure outcome.
    pub async fn call<O: Operation>(&self, request: &O) -> Result<Exchange<O>, Error> {
        let operation = O::SPEC;
        let mut attempt = 1;
        loop {
            let exchange = self.inner.call(request).await?;
            match treated(exchange.answer()) {
                Some((code, Treatment::InProgress)) => {
                    return Err(Error::InProgress(InProgress::new(operation, request, code)));
                }
                Some((_, Treatment::Load | Treatment::TimedOut))
                    if operation.effect.retryable() && attempt < self.read_attempts =>
                {
                    tokio::time::sleep(backoff(self.backoff, attempt)).await;
                    attempt += 1;
                }
                // a timeout inside the API: whether a create or change took effect is unknown, so it is no failure
                Some((code, Treatment::TimedOut)) if !operation.effect.retryable() => {
                    return Err(Error::InProgress(InProgress::new(operation, request, code)));
                }
                _ => return Ok(exchange),
            }
        }
    }

    /// E04 `trade_info` for `order_no` under the client's merchant code: the state of a transaction.
    ///
    /// # Errors
    /// [`Error::NoTraderCode`] when the client was built without a merchant code; otherwise as [`Client::call`].
    pub async fn trade_info(&self, order_no: &str) -> Result<Exchange<kuroneko_proto::TradeInfo<'static>>, Error> {
        let trader_code = self.trader_code.as_deref().ok_or(Error::NoTraderCode)?;
        self.call(&kuroneko_proto::TradeInfo { trader_code, order_no }).await
    }
}

/// The treated error code of `answer` (an answer other than success whose `errorCode` is one of [`TREATED`]).
fn treated(answer: &Decoded<'_>) -> Option<(&'static str, Treatment)> {
    if answer.get(RESULT_FIELD) == Some(RESULT_SUCCESS) {
        return None;
    }
    let code = answer.get(ERROR_CODE)?;
    TREATED.iter().find(|(treated, _)| *treated == code).copied()
}

/// The wait after attempt `attempt` (1-based) failed: `first`, doubled after each further failure.
fn backoff(first: Duration, attempt: u32) -> Duration {
    first.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("environment", self.environment())
            .field("trader_code", &self.trader_code)
            .field("access_key", &self.has_access_key.then_some(REDACTED))
            .field("local_sandbox", &self.local_sandbox)
            .field("read_attempts", &self.read_attempts)
            .field("backoff", &self.backoff)
            .finish()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("trader_code", &self.trader_code)
            .field("access_key", &self.access_key)
            .field("read_attempts", &self.read_attempts)
            .field("backoff", &self.backoff)
            .finish()
    }
}

/// Why a call gave no answer the caller should act on.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No answer (see [`ClientError`]: nothing sent, no answer after the read attempts, not a gateway answer, a
    /// lost answer of a call that creates or changes with what E04 said about it).
    Client(ClientError),
    /// Z012000004: a request with the same order number is being processed at the gateway. Not a failure, and not
    /// sent again with this order number: look the order up later with E04 and act on what it says.
    InProgress(InProgress),
    /// A call that needs the client's merchant code, on a client built without one.
    NoTraderCode,
}

impl Error {
    /// Whether this is [`Error::InProgress`].
    pub fn is_in_progress(&self) -> bool {
        matches!(self, Error::InProgress(_))
    }
}

impl From<ClientError> for Error {
    fn from(error: ClientError) -> Error {
        Error::Client(error)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Client(error) => error.fmt(f),
            Error::InProgress(in_progress) => in_progress.fmt(f),
            Error::NoTraderCode => f.write_str("the client has no trader_code: expected one given to its builder"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Client(error) => Some(error),
            Error::InProgress(_) | Error::NoTraderCode => None,
        }
    }
}

/// A call the gateway answered with Z012000004: its order number is being processed (see [`Error::InProgress`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InProgress {
    /// The operation.
    pub operation: &'static str,
    /// The error code (`Z012000004`).
    pub code: &'static str,
    /// The parameter the call is looked up by (`order_no`), from the spec's lookup.
    pub key: Option<&'static str>,
    /// Its value in the call.
    pub value: Option<String>,
    /// The spec's lookup of the operation (E04 `trade_info` by `order_no`), when it has one.
    pub lookup: Option<&'static Lookup>,
}

impl InProgress {
    /// The in-progress answer to `request`, a call of `operation`.
    fn new<O: Operation>(operation: &'static OperationSpec, request: &O, code: &'static str) -> InProgress {
        let key = key_field(operation);
        let value = key.and_then(|name| {
            let index = operation.field_index(name)?;
            let values = request.values();
            values.as_ref().get(index).copied().flatten().map(str::to_owned)
        });
        InProgress { operation: operation.name, code, key, value, lookup: operation.lookup.as_ref() }
    }
}

impl fmt::Display for InProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: in progress ({}): ", self.operation, self.code)?;
        let what = if self.code == "Z012000004" {
            "is being processed at the gateway"
        } else {
            "may or may not have been processed (the gateway timed out)"
        };
        match (self.key, &self.value) {
            (Some(key), Some(value)) => write!(f, "{key} {value} {what}")?,
            _ => write!(f, "the order {what}")?,
        }
        f.write_str("; not a failure and not sent again: look it up later")?;
        if let Some(lookup) = self.lookup {
            write!(f, " with {}", lookup.operation)?;
        }
        Ok(())
    }
}

/// The parameter a call of `operation` is looked up by: its own lookup's key, or, for an operation that is itself a
/// lookup (E04), the key the operations looked up through it use.
fn key_field(operation: &OperationSpec) -> Option<&'static str> {
    operation.lookup.map(|lookup| lookup.key).or_else(|| {
        let mut lookups = OPERATIONS.iter().filter_map(|op| op.lookup);
        lookups.find(|lookup| lookup.operation == operation.name).map(|lookup| lookup.key)
    })
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn only_a_loopback_http_base_is_a_local_sandbox() {
        #[rustfmt::skip]
        let cases = [
            ("http://127.0.0.1:8484/", true), ("http://127.0.0.1", true), ("http://127.1.2.3/test_gateway/", true),
            ("http://localhost:8484/", true), ("http://localhost?x", true), ("http://[::1]:8484/", true),
            ("http://[::1]", true),
            ("https://127.0.0.1:8484/", false), ("http://127.0.0.1.example.com/", false),
            ("http://localhost.example.com/", false), ("http://128.0.0.1/", false), ("http://127.0.0.256/", false),
            ("http://[::2]/", false), ("http://[::1]x/", false), ("http://10.0.0.1/", false),
            ("http://user@127.0.0.1/", false), ("http://127.0.0.1@evil.example/", false), ("", false),
            ("http://localhost:80@evil.example/", false), ("http://localhost:/", false),
            ("http://127.0.0.1:123456/", false), ("http://LOCALHOST/", false),
        ];
        for (base, expected) in cases {
            assert_eq!(is_local_sandbox(&Environment::Custom(base.into())), expected, "{base}");
        }
        assert!(!is_local_sandbox(&Environment::Test) && !is_local_sandbox(&Environment::Production));
    }

    #[test]
    fn the_access_key_is_a_credential_of_the_spec() {
        assert!(kuroneko_proto::generated::CREDENTIALS.iter().any(|c| c.name == ACCESS_KEY));
    }

    /// The list of what is never retried and what is read, against the generated specs: the policy is the
    /// spec's (`effect`, `reconcile`), and every call that creates or changes something about an order is looked up
    /// with E04 by `order_no`.
    #[test]
    fn the_policy_comes_from_the_spec() {
        use japay_core::spec::Effect;
        #[rustfmt::skip]
        let named = [
            ("credit", false), ("credit_token", false), ("credit_token_3d", false), ("cvs_seven_eleven", false),
            ("cvs_family_mart", false), ("cvs_lawson", false), ("cvs_circle_k_sunkus", false), ("cvs_ministop", false),
            ("cvs_seicomart", false), ("paypay_settle", false), ("regular", false),
            ("trade_info", true), ("credit_info_get", true), ("trader_ip", true),
        ];
        for (name, read) in named {
            let op =
                OPERATIONS.iter().find(|op| op.name == name).unwrap_or_else(|| panic!("{name} is not in the spec"));
            assert_eq!(op.effect.retryable(), read, "{name}");
            assert_eq!(op.effect == Effect::Creates, !read, "{name}");
        }
        let outgoing = |op: &&&OperationSpec| op.direction == japay_core::spec::Direction::Outgoing;
        for op in OPERATIONS.iter().filter(|op| outgoing(op) && !op.effect.retryable()) {
            if op.field_index("order_no").is_some() {
                let lookup = op.lookup.unwrap_or_else(|| panic!("{} has no lookup", op.name));
                assert_eq!(
                    (lookup.operation, lookup.key, lookup.copy),
                    ("trade_info", "order_no", &["trader_code"][..])
                );
            }
        }
    }

    #[test]
    fn backoff_doubles() {
        let waits: Vec<_> = (1..=3).map(|n| backoff(Duration::from_millis(10), n).as_millis()).collect();
        assert_eq!(waits, [10, 20, 40]);
    }

    #[test]
    fn a_call_is_named_by_its_lookup_key() {
        use kuroneko_proto::generated::credit_token::CREDIT_TOKEN;
        use kuroneko_proto::generated::trade_info::TRADE_INFO;
        assert_eq!((key_field(&CREDIT_TOKEN), key_field(&TRADE_INFO)), (Some("order_no"), Some("order_no")));
    }
}
