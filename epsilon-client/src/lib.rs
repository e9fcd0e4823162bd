//! An async client for GMO Epsilon (イプシロン): one method per operation, and never an automatic retry of a call
//! that can create or change an order.
//!
//! The requests and answers are [`epsilon_proto`]'s (validated, encoded and decoded to the byte); the HTTP messages
//! are its sans-IO [`epsilon_proto::transport`]; this crate sends them with reqwest (rustls) on tokio and
//! decides what to do when the network fails.
//!
//! ```no_run
//! # async fn demo() -> Result<(), epsilon_client::ClientError> {
//! use std::time::Duration;
//! use epsilon_client::{Client, Environment};
//! use epsilon_proto::{OrderInfo, OrderInfoOutcome};
//!
//! let client = Client::builder().environment(Environment::Test).timeout(Duration::from_secs(20)).build()?;
//! let answer = client
//!     .order_info(&OrderInfo { contract_code: "12345678", order_number: Some("A0001"), ..Default::default() })
//!     .await?;
//! if let Ok(view) = answer.response() {
//!     if let Ok(OrderInfoOutcome::Found) = view.outcome() {
//!         println!("state {:?}", view.state().map(|s| s.value()));
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # The retry policy, and why
//!
//! Every operation has a [`Policy`]:
//!
//! * **[`Policy::Read`]** — `order_info` (getsales2.cgi) and `user_info` (get_user_info.cgi). Reading twice is
//!   harmless, so a read that gets no HTTP answer (timeout, connection error) or an HTTP 5xx is sent again, up to
//!   [`ClientBuilder::read_attempts`] times (default 3), waiting [`ClientBuilder::backoff`] (default 250 ms) before
//!   the second attempt and twice as long before each further one.
//! * **[`Policy::Create`]** — the calls that create an order: [`ORDER_CREATING`] (`link_order`,
//!   `registered_link_order`, `card_payment`, `card_3ds_result`, `virtual_account`, `gmo_id_payment`).
//!   **Never retried.** A timeout does not mean the gateway did nothing: the order may have been accepted (and the
//!   card charged) while the answer was lost. Sending it again gets error 604 (order_number already used) at best,
//!   and a second charge under a new order number at worst — the most common failure of the public clients. So
//!   after a timeout, a connection error or an HTTP 5xx, the client **reconciles**: it asks getsales2 (a read, with
//!   the read retries) for the request's `order_number` and returns [`ClientError::Unconfirmed`] with the order's
//!   real state and trans_code ([`Reconciled::Found`]), or [`Reconciled::NotFound`], or [`Reconciled::Unknown`]
//!   when the lookup failed too. The caller decides: a found order is not sent again; "not found" is only what
//!   getsales2 knew at the time of the lookup (see [`Reconciled::NotFound`]).
//! * **[`Policy::Change`]** — every other call (user registration and changes, capture, void, change_amount,
//!   ship_request, stopping a monthly charge). They change state at the gateway, so they are never retried either;
//!   when the request carries an `order_number` (capture, void, ship_request, change_amount with one) the client
//!   reconciles the same way, so the caller sees the order's state after the failure.
//!
//! Only network failures and 5xx statuses are retried or reconciled. An answer is an answer: a gateway error code
//! (result 0/9 with err_code) is a successful call whose [`Answer`] holds the failure outcome, and an HTML page or
//! any other status is a [`ClientError::Transport`], never read as XML.
//!
//! # Logging
//!
//! Each call runs in a `tracing` span named `epsilon` with the fields `operation`, `policy`, `order_number` (when
//! the request has one) and `outcome` (the answer's outcome name such as `authorized`, `failure:601`, or the error
//! kind). Events give the HTTP status, the attempt and the time taken. Request and answer bodies are never logged:
//! card numbers, security codes, tokens and PaRes/PaReq never reach a span, an event or a `Debug` output (the
//! request types' `Debug` is redacted, and [`Answer`]'s `Debug` shows only the length of the body).
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use epsilon_proto::generated::OUTCOMES;
use epsilon_proto::transport::{self, TransportError};
use epsilon_proto::{Operation, Options, OrderInfo, OrderInfoOutcome, OrderInfoResponse, ParseError, Report};
use epsilon_proto::{Response, Version};
use tracing::Instrument;

pub use epsilon_proto::transport::Environment;

use epsilon_proto::{
    Capture, CaptureResponse, Card3dsResult, Card3dsResultResponse, CardPayment, CardPaymentResponse, ChangeAmount,
    ChangeAmountResponse, GmoIdPayment, GmoIdPaymentResponse, LinkOrder, LinkOrderResponse, RegisteredLinkOrder,
    RegisteredLinkOrderResponse, ShipRequest, ShipRequestResponse, StopMonthlyBilling, StopMonthlyBillingResponse,
    UserChange, UserChangeResponse, UserInfo, UserInfoResponse, UserRegister, UserRegisterResponse, UserRestore,
    UserRestoreResponse, UserWithdraw, UserWithdrawResponse, VirtualAccount, VirtualAccountResponse, Void,
    VoidResponse,
};

/// The operations that create an order: never retried, reconciled by getsales2 after a transport failure.
pub const ORDER_CREATING: &[&str] =
    &["link_order", "registered_link_order", "card_payment", "card_3ds_result", "virtual_account", "gmo_id_payment"];

/// The operations that only read: retried with backoff.
pub const READS: &[&str] = &["order_info", "user_info"];

/// How a call is treated when the network fails (see the crate docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Policy {
    /// Reading: retried with exponential backoff.
    Read,
    /// Creating an order: never retried; reconciled by order_number.
    Create,
    /// Changing state: never retried; reconciled when the request has an order_number.
    Change,
}

impl Policy {
    /// The policy of the operation named `operation` (`Change` for any name not in [`READS`] or
    /// [`ORDER_CREATING`]: an unknown call is never retried).
    pub fn of(operation: &str) -> Policy {
        if READS.contains(&operation) {
            Policy::Read
        } else if ORDER_CREATING.contains(&operation) {
            Policy::Create
        } else {
            Policy::Change
        }
    }

    /// `read`, `create` or `change`.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Read => "read",
            Policy::Create => "create",
            Policy::Change => "change",
        }
    }
}

/// An operation whose answer the client can decode: ties a request type to its answer view.
pub trait Answered: Operation {
    /// The decoded answer view (`CardPaymentResponse<'b>` for `CardPayment`).
    type Response<'b>;

    /// Decodes `body` as the answer, in the charset of `version`.
    ///
    /// # Errors
    /// The answer's [`ParseError`].
    fn parse(body: &[u8], version: Version) -> Result<Self::Response<'_>, ParseError>;
}

/// A gateway answer, owned: the body as received, the charset it is read in and the time it took. The typed view
/// and its outcome come from [`Answer::response`].
pub struct Answer<O: Answered> {
    body: Vec<u8>,
    version: Version,
    elapsed: Duration,
    outcome: String,
    _op: PhantomData<fn() -> O>,
}

impl<O: Answered> Answer<O> {
    /// The typed answer view (its `outcome()` says what the answer means).
    ///
    /// # Errors
    /// The [`ParseError`] of the body (never for an answer the client returned: it was decoded once already).
    pub fn response(&self) -> Result<O::Response<'_>, ParseError> {
        O::parse(&self.body, self.version)
    }

    /// The body as received.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The charset the answer is read in (from the request's options).
    pub fn version(&self) -> Version {
        self.version
    }

    /// The time from sending the request to the end of the answer (of the attempt that answered).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The outcome as the span records it: the outcome's name (`redirect`, `authorized`, …), `failure:CODE` for a
    /// failure, or `undecided` when the answer fits no documented outcome.
    pub fn outcome_name(&self) -> &str {
        &self.outcome
    }
}

impl<O: Answered> fmt::Debug for Answer<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("operation", &O::SPEC.name)
            .field("outcome", &self.outcome)
            .field("body_len", &self.body.len())
            .field("version", &self.version)
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

/// What kind of network failure a [`SendError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendErrorKind {
    /// No complete answer within the client's timeout.
    Timeout,
    /// The connection could not be made (refused, unreachable, DNS, TLS handshake).
    Connect,
    /// Anything else on the way (the connection broke, a malformed HTTP answer).
    Other,
}

/// A request that got no HTTP answer.
#[derive(Debug)]
pub struct SendError {
    kind: SendErrorKind,
    source: reqwest::Error,
}

impl SendError {
    fn new(source: reqwest::Error) -> SendError {
        let kind = if source.is_timeout() {
            SendErrorKind::Timeout
        } else if source.is_connect() {
            SendErrorKind::Connect
        } else {
            SendErrorKind::Other
        };
        // the URL holds no secret (the body does), but keep errors free of it anyway
        SendError { kind, source: source.without_url() }
    }

    /// The kind of failure.
    pub fn kind(&self) -> SendErrorKind {
        self.kind
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            SendErrorKind::Timeout => "timed out",
            SendErrorKind::Connect => "connection failed",
            SendErrorKind::Other => "request failed",
        };
        write!(f, "{kind}: {}", self.source)?;
        // reqwest's own message is generic ("error sending request"); the causes say what happened
        let mut cause = std::error::Error::source(&self.source);
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// What getsales2 said about an order after a call that failed in transport.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reconciled {
    /// The order exists: the call (or an earlier one with the same order_number) reached the gateway.
    Found {
        /// getsales2's `state` code (`1` charged, `5` authorised only, …).
        state: String,
        /// The state's English label from the code table, when the code is known.
        state_label: Option<&'static str>,
        /// The order's trans_code, when sent.
        trans_code: Option<String>,
    },
    /// getsales2 answered an empty root: no order with this order_number under this contract code **at the time of
    /// the lookup**. Two things it cannot rule out: the lost request may still be in progress at the gateway and
    /// create the order after the lookup, and getsales2 answers the same empty root for a wrong contract code. Look
    /// the order up again later before charging the buyer under a new order_number.
    NotFound,
    /// The lookup failed too: the order's state is unknown; look it up again before sending anything.
    Unknown {
        /// Why the lookup failed.
        reason: String,
    },
}

impl fmt::Display for Reconciled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reconciled::Found { state, state_label, trans_code } => {
                write!(f, "found: state {state}")?;
                if let Some(label) = state_label {
                    write!(f, " ({label})")?;
                }
                write!(f, ", trans_code {}", trans_code.as_deref().unwrap_or("(none)"))
            }
            Reconciled::NotFound => f.write_str("unknown, not found"),
            Reconciled::Unknown { reason } => write!(f, "unknown, the lookup failed: {reason}"),
        }
    }
}

/// Why a call gave no answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The HTTP client could not be built (a bad proxy URL, no TLS backend).
    Build(reqwest::Error),
    /// The request is invalid (or the environment's base URL is): nothing was sent.
    Invalid {
        /// The operation.
        operation: &'static str,
        /// Every violation.
        report: Report,
    },
    /// No HTTP answer (after every attempt of a read; after the only attempt of a call without order_number).
    Send {
        /// The operation.
        operation: &'static str,
        /// How many times it was sent.
        attempts: u32,
        /// The last failure.
        error: SendError,
    },
    /// An HTTP answer that is not a gateway answer: a status other than 200, or an HTML page.
    Transport {
        /// The operation.
        operation: &'static str,
        /// How many times it was sent.
        attempts: u32,
        /// The status and the first bytes of the body.
        error: TransportError,
    },
    /// An HTTP 200 answer that is not a valid answer of the operation.
    Parse {
        /// The operation.
        operation: &'static str,
        /// Why.
        error: ParseError,
    },
    /// A call that may have changed an order failed in transport (timeout, connection error, HTTP 5xx) and was not
    /// retried; getsales2 was asked for the order instead.
    Unconfirmed {
        /// The operation.
        operation: &'static str,
        /// The order_number looked up.
        order_number: String,
        /// The original failure ([`ClientError::Send`] or [`ClientError::Transport`]).
        cause: Box<ClientError>,
        /// What getsales2 said.
        reconciled: Reconciled,
    },
}

impl ClientError {
    /// The span's `outcome` for this error.
    fn outcome(&self) -> String {
        match self {
            ClientError::Build(_) => "error:build".into(),
            ClientError::Invalid { .. } => "error:invalid".into(),
            ClientError::Send { error, .. } => match error.kind {
                SendErrorKind::Timeout => "error:timeout".into(),
                SendErrorKind::Connect => "error:connect".into(),
                SendErrorKind::Other => "error:send".into(),
            },
            ClientError::Transport { error, .. } => format!("error:http {}", error.status().as_u16()),
            ClientError::Parse { .. } => "error:parse".into(),
            ClientError::Unconfirmed { reconciled, .. } => match reconciled {
                Reconciled::Found { state, .. } => format!("unconfirmed:found state {state}"),
                Reconciled::NotFound => "unconfirmed:not found".into(),
                Reconciled::Unknown { .. } => "unconfirmed:unknown".into(),
            },
        }
    }

    /// Whether a failure of this kind may be sent again (reads only): no HTTP answer, or an HTTP 5xx.
    fn is_retryable(&self) -> bool {
        match self {
            ClientError::Send { .. } => true,
            ClientError::Transport { error: TransportError::Status { status, .. }, .. } => status.is_server_error(),
            _ => false,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Build(e) => write!(f, "could not build the http client: {e}"),
            ClientError::Invalid { operation, report } => {
                write!(f, "{operation}: invalid request, nothing sent: {report}")
            }
            ClientError::Send { operation, attempts, error } => {
                write!(f, "{operation}: no answer after {attempts} attempt(s): {error}")
            }
            ClientError::Transport { operation, attempts, error } => {
                write!(f, "{operation}: not a gateway answer after {attempts} attempt(s): {error}")
            }
            ClientError::Parse { operation, error } => write!(f, "{operation}: invalid answer: {error}"),
            ClientError::Unconfirmed { operation, order_number, cause, reconciled } => write!(
                f,
                "{operation} not confirmed ({cause}); not retried; getsales2 for order_number {order_number}: {reconciled}"
            ),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Build(e) => Some(e),
            ClientError::Invalid { report, .. } => Some(report),
            ClientError::Send { error, .. } => Some(error),
            ClientError::Transport { error, .. } => Some(error),
            ClientError::Parse { error, .. } => Some(error),
            ClientError::Unconfirmed { cause, .. } => Some(cause.as_ref()),
        }
    }
}

/// Builds a [`Client`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    environment: Environment,
    timeout: Duration,
    proxy: Option<String>,
    read_attempts: u32,
    backoff: Duration,
    options: Options,
}

impl ClientBuilder {
    /// Where to send (default: [`Environment::Test`]).
    pub fn environment(mut self, environment: Environment) -> ClientBuilder {
        self.environment = environment;
        self
    }

    /// The time a call may take, connection included, per attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// Send through this HTTP(S) proxy (`http://proxy.example:3128`). Without it no proxy is used: the
    /// `HTTP_PROXY`/`HTTPS_PROXY` environment variables are ignored, so where a payment request goes is decided
    /// by the program alone.
    pub fn proxy(mut self, url: impl Into<String>) -> ClientBuilder {
        self.proxy = Some(url.into());
        self
    }

    /// How many times a read is sent at most (default 3; 0 counts as 1).
    pub fn read_attempts(mut self, attempts: u32) -> ClientBuilder {
        self.read_attempts = attempts.max(1);
        self
    }

    /// The wait before a read's second attempt, doubled before each further one (default 250 ms).
    pub fn backoff(mut self, first: Duration) -> ClientBuilder {
        self.backoff = first;
        self
    }

    /// How requests are encoded (charset, normalization; default CP932 without normalization).
    pub fn options(mut self, options: Options) -> ClientBuilder {
        self.options = options;
        self
    }

    /// The client.
    ///
    /// # Errors
    /// [`ClientError::Build`] when the proxy URL is invalid or the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, ClientError> {
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("epsilon-client/", env!("CARGO_PKG_VERSION")));
        http = match &self.proxy {
            Some(url) => http.proxy(reqwest::Proxy::all(url.as_str()).map_err(ClientError::Build)?),
            None => http.no_proxy(),
        };
        let http = http.build().map_err(ClientError::Build)?;
        Ok(Client {
            http,
            environment: self.environment,
            read_attempts: self.read_attempts,
            backoff: self.backoff,
            options: self.options,
        })
    }
}

/// An async Epsilon client: one method per operation (see the crate docs for the retry policy). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    environment: Environment,
    read_attempts: u32,
    backoff: Duration,
    options: Options,
}

/// The non-empty value of the field `name` of `request`.
fn field<'r, O: Operation>(request: &'r O, name: &str) -> Option<&'r str> {
    let index = O::SPEC.field_index(name)?;
    let values = request.values();
    let value = values.as_ref().get(index).copied().flatten()?;
    (!value.is_empty()).then_some(value)
}

impl Client {
    /// A builder with the defaults: [`Environment::Test`], 30 s timeout, no proxy, 3 read attempts, 250 ms backoff.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            environment: Environment::Test,
            timeout: Duration::from_secs(30),
            proxy: None,
            read_attempts: 3,
            backoff: Duration::from_millis(250),
            options: Options::default(),
        }
    }

    /// The environment the client sends to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// Sends `request` with the operation's [`Policy`] and decodes its answer.
    ///
    /// # Errors
    /// See [`ClientError`]; a call that may have created or changed an order is never retried and its transport
    /// failure is [`ClientError::Unconfirmed`] when the request has an order_number.
    pub async fn call<O: Answered>(&self, request: &O) -> Result<Answer<O>, ClientError> {
        let operation = O::SPEC.name;
        let policy = Policy::of(operation);
        let order_number = field(request, "order_number");
        let span = tracing::info_span!(
            "epsilon",
            operation,
            policy = policy.name(),
            order_number = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        if let Some(number) = order_number {
            span.record("order_number", number);
        }
        let result = async {
            let result = self.send(request, policy).await;
            match result {
                Err(cause) if policy != Policy::Read && cause.is_retryable() => match order_number {
                    Some(number) => {
                        tracing::warn!(error = %cause, "not retried: reconciling with getsales2");
                        let reconciled = self.reconcile(field(request, "contract_code").unwrap_or(""), number).await;
                        Err(ClientError::Unconfirmed {
                            operation,
                            order_number: number.to_owned(),
                            cause: Box::new(cause),
                            reconciled,
                        })
                    }
                    None => Err(cause),
                },
                other => other,
            }
        }
        .instrument(span.clone())
        .await;
        let outcome = match &result {
            Ok(answer) => answer.outcome.clone(),
            Err(error) => error.outcome(),
        };
        span.record("outcome", outcome.as_str());
        span.in_scope(|| tracing::info!(outcome = outcome.as_str(), "done"));
        result
    }

    /// Sends `request` once, or, for a read, up to `read_attempts` times.
    async fn send<O: Answered>(&self, request: &O, policy: Policy) -> Result<Answer<O>, ClientError> {
        let operation = O::SPEC.name;
        let attempts = if policy == Policy::Read { self.read_attempts } else { 1 };
        let mut delay = self.backoff;
        let mut attempt = 1;
        loop {
            let result = self.attempt(request, attempt).await;
            match result {
                Err(error) if attempt < attempts && error.is_retryable() => {
                    tracing::warn!(attempt, error = %error, delay_ms = delay.as_millis() as u64, "read failed, retrying");
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                    attempt += 1;
                }
                Err(ClientError::Send { error, .. }) => {
                    return Err(ClientError::Send { operation, attempts: attempt, error });
                }
                Err(ClientError::Transport { error, .. }) => {
                    return Err(ClientError::Transport { operation, attempts: attempt, error });
                }
                other => return other,
            }
        }
    }

    /// One HTTP exchange, decoded.
    async fn attempt<O: Answered>(&self, request: &O, attempt: u32) -> Result<Answer<O>, ClientError> {
        let operation = O::SPEC.name;
        let http_request = transport::build_request(&self.environment, request, self.options)
            .map_err(|report| ClientError::Invalid { operation, report })?;
        let started = Instant::now();
        let response = self.exchange(http_request).await.map_err(|error| ClientError::Send {
            operation,
            attempts: attempt,
            error,
        })?;
        let elapsed = started.elapsed();
        tracing::debug!(
            attempt,
            status = response.status().as_u16(),
            elapsed_ms = elapsed.as_millis() as u64,
            "answer"
        );
        let body = transport::answer_body(&response).map_err(|error| ClientError::Transport {
            operation,
            attempts: attempt,
            error,
        })?;
        let version = epsilon_proto::exchange::answer_version(O::SPEC, self.options);
        O::parse(body, version).map_err(|error| ClientError::Parse { operation, error })?;
        // the typed parse accepted it, so the untyped one does too; the summary reads the untyped answer
        let outcome =
            Response::parse(body, version).map_or_else(|_| "undecided".to_owned(), |raw| outcome_name(operation, &raw));
        let body = response.into_body();
        Ok(Answer { body, version, elapsed, outcome, _op: PhantomData })
    }

    /// Sends one HTTP request and reads the whole answer.
    async fn exchange(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, SendError> {
        let request = reqwest::Request::try_from(request).map_err(SendError::new)?;
        let response = self.http.execute(request).await.map_err(SendError::new)?;
        let (status, version, headers) = (response.status(), response.version(), response.headers().clone());
        let body = response.bytes().await.map_err(SendError::new)?;
        let mut answer = http::Response::new(body.to_vec());
        *answer.status_mut() = status;
        *answer.version_mut() = version;
        *answer.headers_mut() = headers;
        Ok(answer)
    }

    /// Asks getsales2 for `order_number` (a read, with the read retries).
    async fn reconcile(&self, contract_code: &str, order_number: &str) -> Reconciled {
        let lookup = OrderInfo { contract_code, order_number: Some(order_number), trans_code: None };
        let span = tracing::info_span!(
            "epsilon",
            operation = "order_info",
            policy = Policy::Read.name(),
            order_number,
            outcome = tracing::field::Empty,
        );
        let sent = Box::pin(self.send(&lookup, Policy::Read)).instrument(span.clone()).await;
        span.record("outcome", sent.as_ref().map_or_else(ClientError::outcome, |a| a.outcome.clone()).as_str());
        let answer = match sent {
            Ok(answer) => answer,
            Err(error) => return Reconciled::Unknown { reason: error.to_string() },
        };
        let view = match answer.response() {
            Ok(view) => view,
            Err(error) => return Reconciled::Unknown { reason: error.to_string() },
        };
        let reconciled = match view.outcome() {
            Ok(OrderInfoOutcome::Found) => Reconciled::Found {
                state: view.state().map(|s| s.value().to_owned()).unwrap_or_default(),
                state_label: view.state().and_then(|s| s.entry).map(|entry| entry.en),
                trans_code: view.trans_code().map(str::to_owned),
            },
            Ok(OrderInfoOutcome::NotFound) => Reconciled::NotFound,
            Ok(OrderInfoOutcome::Failure { code, .. }) => {
                Reconciled::Unknown { reason: format!("getsales2 answered error {}", code.value()) }
            }
            Ok(_) => Reconciled::Unknown { reason: "getsales2 answered an unknown outcome".into() },
            Err(error) => Reconciled::Unknown { reason: error.to_string() },
        };
        tracing::info!(reconciled = %reconciled, "reconciled");
        reconciled
    }
}

/// The outcome name recorded for an answer (see [`Answer::outcome_name`]).
fn outcome_name(operation: &str, raw: &Response<'_>) -> String {
    let Some((_, summarize)) = OUTCOMES.iter().find(|(name, _)| *name == operation) else {
        return "answered".into();
    };
    match summarize(raw) {
        Ok(summary) => match summary.error {
            Some(code) => format!("{}:{}", summary.name, code.value()),
            None => summary.name.to_owned(),
        },
        Err(_) => "undecided".into(),
    }
}

/// One method per operation: the request type, its answer view, the method name and its doc.
macro_rules! operations {
    ($($(#[$doc:meta])* $method:ident: $request:ident => $response:ident, $alias:ident;)*) => {
        $(
            impl Answered for $request<'_> {
                type Response<'b> = $response<'b>;
                fn parse(body: &[u8], version: Version) -> Result<$response<'_>, ParseError> {
                    $response::parse(body, version)
                }
            }

            #[doc = concat!("The answer to [`Client::", stringify!($method), "`].")]
            pub type $alias = Answer<$request<'static>>;
        )*

        impl Client {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// See [`ClientError`] and the crate's retry policy.
                pub async fn $method(&self, request: &$request<'_>) -> Result<Answer<$request<'static>>, ClientError> {
                    let answer = self.call(request).await?;
                    Ok(Answer {
                        body: answer.body,
                        version: answer.version,
                        elapsed: answer.elapsed,
                        outcome: answer.outcome,
                        _op: PhantomData,
                    })
                }
            )*
        }
    };
}

operations! {
    /// ユーザ登録 (receive_order3.cgi, process_code 3): a redirect to the card entry page. Never retried.
    user_register: UserRegister => UserRegisterResponse, UserRegisterAnswer;
    /// ユーザ内容変更 (receive_order3.cgi, process_code 4). Never retried.
    user_change: UserChange => UserChangeResponse, UserChangeAnswer;
    /// 退会 (receive_order3.cgi, process_code 9). Never retried.
    user_withdraw: UserWithdraw => UserWithdrawResponse, UserWithdrawAnswer;
    /// 退会取消 (receive_order3.cgi, process_code 7). Never retried.
    user_restore: UserRestore => UserRestoreResponse, UserRestoreAnswer;
    /// 月次課金解除 (receive_order3.cgi, process_code 8). Never retried.
    stop_monthly_billing: StopMonthlyBilling => StopMonthlyBillingResponse, StopMonthlyBillingAnswer;
    /// A link-type order (receive_order3.cgi): order-creating, never retried, reconciled.
    link_order: LinkOrder => LinkOrderResponse, LinkOrderAnswer;
    /// A charge of a registered user's card through the gateway's page (receive_order3.cgi, process_code 2):
    /// order-creating, never retried, reconciled.
    registered_link_order: RegisteredLinkOrder => RegisteredLinkOrderResponse, RegisteredLinkOrderAnswer;
    /// A direct card payment (direct_card_payment.cgi): order-creating, never retried, reconciled.
    card_payment: CardPayment => CardPaymentResponse, CardPaymentAnswer;
    /// The 3-D Secure second leg (direct_card_payment.cgi, tds_check_code 2): order-completing, never retried,
    /// reconciled.
    card_3ds_result: Card3dsResult => Card3dsResultResponse, Card3dsResultAnswer;
    /// A virtual account (direct_virtual_account.cgi): order-creating, never retried, reconciled.
    virtual_account: VirtualAccount => VirtualAccountResponse, VirtualAccountAnswer;
    /// A charge of a GMO ID card (receive_order_gmo2.cgi): order-creating, never retried, reconciled.
    gmo_id_payment: GmoIdPayment => GmoIdPaymentResponse, GmoIdPaymentAnswer;
    /// 実売上 (sales_payment.cgi). Never retried; reconciled.
    capture: Capture => CaptureResponse, CaptureAnswer;
    /// 取消 (cancel_payment.cgi). Never retried; reconciled.
    void: Void => VoidResponse, VoidAnswer;
    /// 金額変更 (change_amount_payment.cgi). Never retried; reconciled when an order_number is sent.
    change_amount: ChangeAmount => ChangeAmountResponse, ChangeAmountAnswer;
    /// 出荷登録 (ship_request.cgi). Never retried; reconciled.
    ship_request: ShipRequest => ShipRequestResponse, ShipRequestAnswer;
    /// オーダー情報確認 (getsales2.cgi): a read, retried with backoff.
    order_info: OrderInfo => OrderInfoResponse, OrderInfoAnswer;
    /// 登録カード情報 (get_user_info.cgi): a read, retried with backoff.
    user_info: UserInfo => UserInfoResponse, UserInfoAnswer;
}
