//! [`Client`]: one typed `call` for every operation of a gateway, with the policy of the crate docs.

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use japay_core::spec::OperationSpec;
use japay_core::transport::{self, Environment};
use japay_core::{Credentials, Operation, Options};
use tracing::Instrument;

use crate::builder::ClientBuilder;
use crate::error::{ClientError, MAX_ANSWER_BYTES, SendError};
use crate::exchange::Exchange;
use crate::gateway::Gateway;
use crate::policy;
use crate::reconcile::{self, Plan, Reconciled};

/// An async client of gateway `G` (see the crate docs for the policy). Cheap to clone.
pub struct Client<G: Gateway> {
    http: reqwest::Client,
    environment: Environment,
    read_attempts: u32,
    backoff: Duration,
    options: Options<'static>,
    credentials: Vec<(&'static str, String)>,
    gateway: PhantomData<fn() -> G>,
}

/// A decoded answer, the time its attempt took and the number of attempts.
type Answered<G> = (<G as Gateway>::OwnedAnswer, Duration, u32);

impl<G: Gateway> Client<G> {
    /// A builder with the defaults: [`Environment::Test`], 30 s timeout, no proxy, 3 read attempts, 250 ms backoff,
    /// the gateway's default transport.
    pub fn builder() -> ClientBuilder<G> {
        ClientBuilder::new()
    }

    /// The client of a finished builder.
    pub(crate) fn new(http: reqwest::Client, builder: ClientBuilder<G>) -> Client<G> {
        Client {
            http,
            environment: builder.environment,
            read_attempts: builder.read_attempts,
            backoff: builder.backoff,
            options: builder.options,
            credentials: builder.credentials,
            gateway: PhantomData,
        }
    }

    /// The environment the client sends to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// How requests are encoded (without the credentials: see [`ClientBuilder::credential`]).
    pub fn options(&self) -> Options<'static> {
        self.options
    }

    /// The builder's credentials, borrowed for one request's encoder.
    fn credentials(&self) -> Credentials<'_> {
        self.credentials.iter().fold(Credentials::new(), |c, (name, value)| c.with(name, value))
    }

    /// Sends `request` and decodes its answer once; [`Exchange::view`] is its typed view.
    ///
    /// A read is sent again after a lost answer (timeout, connection error, HTTP 5xx), up to the builder's read
    /// attempts. Any other call is sent once; when its answer is lost and its spec names a lookup, the lookup is
    /// asked and the call fails with [`ClientError::Unconfirmed`] carrying what it found.
    ///
    /// # Errors
    /// See [`ClientError`].
    pub async fn call<O: Operation>(&self, request: &O) -> Result<Exchange<G, O>, ClientError> {
        let operation = O::SPEC;
        let key = {
            let values = request.values();
            policy::key_field(G::OPERATIONS, operation)
                .and_then(|name| reconcile::field(operation, values.as_ref(), name))
        };
        let span = tracing::info_span!(
            "japay",
            gateway = G::SPEC.name,
            operation = operation.name,
            effect = operation.effect.word(),
            key = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        if let Some(key) = key {
            span.record("key", key);
        }
        let result = async {
            let credentials = self.credentials();
            let options = self.options.with_credentials(&credentials);
            let http_request = transport::build_request(&self.environment, request, options)
                .map_err(|report| ClientError::Invalid { operation: operation.name, report })?;
            match self.send(operation, &http_request).await {
                Err(cause) if policy::reconciles(operation, &cause) => {
                    let plan = {
                        let values = request.values();
                        reconcile::plan(G::OPERATIONS, operation, values.as_ref())
                    };
                    match plan {
                        Some(plan) => Err(self.unconfirmed(operation, cause, plan).await),
                        None => Err(cause),
                    }
                }
                Err(cause) => Err(cause),
                Ok((owned, elapsed, attempts)) => Ok(Exchange::new(owned, operation, elapsed, attempts)),
            }
        }
        .instrument(span.clone())
        .await;
        let outcome = match &result {
            Ok(exchange) => exchange.outcome_name().to_owned(),
            Err(error) => error.outcome(),
        };
        span.record("outcome", outcome.as_str());
        span.in_scope(|| tracing::info!(outcome = outcome.as_str(), "done"));
        result
    }

    /// The failure of a call whose answer was lost, after asking its lookup.
    async fn unconfirmed(&self, operation: &'static OperationSpec, cause: ClientError, plan: Plan<'_>) -> ClientError {
        tracing::warn!(error = %cause, lookup = plan.lookup.operation, "not retried: reconciling");
        let Plan { lookup, value, request } = plan;
        let reconciled = match request {
            Ok(request) => self.reconcile(&request, value).await,
            Err(reason) => Reconciled::Unknown { reason },
        };
        tracing::info!(reconciled = %reconciled, "reconciled");
        ClientError::Unconfirmed {
            operation: operation.name,
            lookup,
            value: value.to_owned(),
            cause: Box::new(cause),
            reconciled,
        }
    }

    /// Sends the lookup `request` (keyed by `key`) with its own policy (a read: retried) and reads its answer.
    async fn reconcile(&self, request: &japay_core::request::DynamicRequest<'_>, key: &str) -> Reconciled {
        let via = request.spec();
        let span = tracing::info_span!(
            "japay",
            gateway = G::SPEC.name,
            operation = via.name,
            effect = via.effect.word(),
            key,
            outcome = tracing::field::Empty,
        );
        let credentials = self.credentials();
        let options = self.options.with_credentials(&credentials);
        let http_request = match transport::build_dynamic_request(&self.environment, request, options) {
            Ok(http_request) => http_request,
            Err(report) => return Reconciled::Unknown { reason: format!("the lookup is invalid: {report}") },
        };
        let sent = self.send(via, &http_request).instrument(span.clone()).await;
        let outcome = match &sent {
            Ok((owned, ..)) => crate::exchange::outcome_name(G::summarize(via, G::answer(owned))),
            Err(error) => error.outcome(),
        };
        span.record("outcome", outcome.as_str());
        match sent {
            Ok((owned, ..)) => G::reconciled(via, key, G::answer(&owned)),
            Err(error) => Reconciled::Unknown { reason: error.to_string() },
        }
    }

    /// Sends `request`, a request of `operation`, as often as its policy allows, and decodes the answer.
    async fn send(
        &self,
        operation: &'static OperationSpec,
        request: &http::Request<Vec<u8>>,
    ) -> Result<Answered<G>, ClientError> {
        let attempts = policy::attempts(operation, self.read_attempts);
        let mut attempt = 1;
        loop {
            match self.attempt(operation, request, attempt).await {
                Err(error) if policy::retries(&error, attempt, attempts) => {
                    let delay = policy::backoff(self.backoff, attempt);
                    tracing::warn!(attempt, error = %error, delay_ms = delay.as_millis() as u64, "read failed, retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(error) => return Err(error.after(attempt)),
                Ok((owned, elapsed)) => return Ok((owned, elapsed, attempt)),
            }
        }
    }

    /// One HTTP exchange, its answer decoded once.
    async fn attempt(
        &self,
        operation: &'static OperationSpec,
        request: &http::Request<Vec<u8>>,
        attempt: u32,
    ) -> Result<(G::OwnedAnswer, Duration), ClientError> {
        let name = operation.name;
        let started = Instant::now();
        let response = self.exchange(request).await.map_err(|error| ClientError::Send {
            operation: name,
            attempts: attempt,
            error,
        })?;
        let elapsed = started.elapsed();
        let status = response.status().as_u16();
        tracing::debug!(attempt, status, elapsed_ms = elapsed.as_millis() as u64, "answer");
        transport::answer_body(&response).map_err(|error| ClientError::Transport {
            operation: name,
            attempts: attempt,
            error,
        })?;
        let owned = G::read(operation, self.options, response.into_body())
            .map_err(|error| ClientError::Parse { operation: name, error: Box::new(error) })?;
        Ok((owned, elapsed))
    }

    /// Sends one HTTP request and reads the whole answer.
    async fn exchange(&self, request: &http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, SendError> {
        let mut copy = http::Request::new(request.body().clone());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.headers_mut() = request.headers().clone();
        let request = reqwest::Request::try_from(copy).map_err(SendError::new)?;
        let mut response = self.http.execute(request).await.map_err(SendError::new)?;
        let (status, version, headers) = (response.status(), response.version(), response.headers().clone());
        // read at most MAX_ANSWER_BYTES: a larger body is never held in memory
        let declared = response.content_length().and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
        if declared > MAX_ANSWER_BYTES {
            return Err(SendError::too_large());
        }
        let mut body = Vec::with_capacity(declared);
        while let Some(chunk) = response.chunk().await.map_err(SendError::new)? {
            if chunk.len() > MAX_ANSWER_BYTES - body.len() {
                return Err(SendError::too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let mut answer = http::Response::new(body);
        *answer.status_mut() = status;
        *answer.version_mut() = version;
        *answer.headers_mut() = headers;
        Ok(answer)
    }
}

impl<G: Gateway> Clone for Client<G> {
    fn clone(&self) -> Client<G> {
        Client {
            http: self.http.clone(),
            environment: self.environment.clone(),
            credentials: self.credentials.clone(),
            ..*self
        }
    }
}

impl<G: Gateway> fmt::Debug for Client<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("gateway", &G::SPEC.name)
            .field("environment", &self.environment)
            .field("read_attempts", &self.read_attempts)
            .field("backoff", &self.backoff)
            .field("options", &self.options)
            .field("credentials", &self.credentials.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .finish()
    }
}
