//! [`ClientBuilder`]: where to send, how long to wait, through which proxy, how often to read, how to encode.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use japay_core::Options;
use japay_core::transport::Environment;

use crate::client::Client;
use crate::error::ClientError;
use crate::gateway::Gateway;

/// Builds a [`Client`] of gateway `G`.
#[must_use]
pub struct ClientBuilder<G: Gateway> {
    pub(crate) environment: Environment,
    pub(crate) timeout: Duration,
    pub(crate) proxy: Option<String>,
    pub(crate) read_attempts: u32,
    pub(crate) backoff: Duration,
    pub(crate) options: Options<'static>,
    /// The credentials of computed fields, by name (never shown: `Debug` prints the names).
    pub(crate) credentials: Vec<(&'static str, String)>,
    pub(crate) gateway: PhantomData<fn() -> G>,
}

impl<G: Gateway> ClientBuilder<G> {
    /// The defaults: [`Environment::Test`], 30 s timeout, no proxy, 3 read attempts, 250 ms backoff, the
    /// gateway's default transport (its first) without normalization.
    pub(crate) fn new() -> ClientBuilder<G> {
        let charset = G::SPEC.transports.first().copied().unwrap_or_default();
        ClientBuilder {
            environment: Environment::Test,
            timeout: Duration::from_secs(30),
            proxy: None,
            read_attempts: 3,
            backoff: Duration::from_millis(250),
            options: Options::new(charset),
            credentials: Vec::new(),
            gateway: PhantomData,
        }
    }

    /// Where to send (default: [`Environment::Test`], the gateway's test endpoint).
    pub fn environment(mut self, environment: Environment) -> ClientBuilder<G> {
        self.environment = environment;
        self
    }

    /// The time a call may take, connection included, per attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder<G> {
        self.timeout = timeout;
        self
    }

    /// Send through this HTTP(S) proxy (`http://proxy.example:3128`). Without it no proxy is used: the
    /// `HTTP_PROXY`/`HTTPS_PROXY` environment variables are ignored, so where a payment request goes is decided
    /// by the program alone.
    pub fn proxy(mut self, url: impl Into<String>) -> ClientBuilder<G> {
        self.proxy = Some(url.into());
        self
    }

    /// How many times a read is sent at most (default 3; 0 counts as 1). Nothing else is ever sent twice.
    pub fn read_attempts(mut self, attempts: u32) -> ClientBuilder<G> {
        self.read_attempts = attempts.max(1);
        self
    }

    /// The wait before a read's second attempt, doubled before each further one (default 250 ms).
    pub fn backoff(mut self, first: Duration) -> ClientBuilder<G> {
        self.backoff = first;
        self
    }

    /// How requests are encoded (charset, normalization; default: the gateway's first transport, no normalization).
    pub fn options(mut self, options: Options<'static>) -> ClientBuilder<G> {
        self.options = options;
        self
    }

    /// A credential the encoder needs for computed fields (a checksum over request values and a key, e.g. the
    /// gateway's `access_key`): kept by the client, handed to the encoder with every request
    /// ([`Options::with_credentials`](japay_core::Options::with_credentials)), never sent itself and never shown
    /// (`Debug` prints its name only). At most [`japay_core::MAX_CREDENTIALS`] names; setting a name again
    /// replaces its value.
    pub fn credential(mut self, name: &'static str, value: impl Into<String>) -> ClientBuilder<G> {
        let value = value.into();
        match self.credentials.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.credentials.push((name, value)),
        }
        self
    }

    /// The client.
    ///
    /// # Errors
    /// [`ClientError::Build`] when the proxy URL is invalid or the HTTP client cannot be built.
    pub fn build(self) -> Result<Client<G>, ClientError> {
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(format!("japay-client/{} ({})", env!("CARGO_PKG_VERSION"), G::SPEC.name));
        http = match &self.proxy {
            Some(url) => http.proxy(reqwest::Proxy::all(url.as_str()).map_err(ClientError::Build)?),
            None => http.no_proxy(),
        };
        let http = http.build().map_err(ClientError::Build)?;
        Ok(Client::new(http, self))
    }
}

impl<G: Gateway> Clone for ClientBuilder<G> {
    fn clone(&self) -> ClientBuilder<G> {
        ClientBuilder {
            environment: self.environment.clone(),
            proxy: self.proxy.clone(),
            credentials: self.credentials.clone(),
            ..*self
        }
    }
}

impl<G: Gateway> fmt::Debug for ClientBuilder<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("gateway", &G::SPEC.name)
            .field("environment", &self.environment)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy)
            .field("read_attempts", &self.read_attempts)
            .field("backoff", &self.backoff)
            .field("options", &self.options)
            .field("credentials", &self.credentials.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .finish()
    }
}
