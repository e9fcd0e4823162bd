//! The HTTP scaffolding: [`start`] opens the store, binds the listener, assembles the router and serves until
//! [`Running::shutdown`].
//!
//! The router is the gateway's API ([`Gateway::api`]) behind the source-host allow-list, then its pages
//! ([`Gateway::pages`]) and the control endpoints ([`crate::control`]), open to any source (a browser reaches them),
//! and a 404 for anything else. Request bodies are limited to [`Settings::body_limit`] bytes (413 above it).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::gateway::Gateway;
use crate::store::{Store, StoreError, Tx};
use crate::{control, outbox};

/// The machinery's settings. Build them with struct-update syntax: `Settings { db: Some(path), ..Settings::default() }`.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Source addresses allowed to call the API; empty → any loopback address. Others get [`Gateway::refuse`].
    pub allow_hosts: Vec<IpAddr>,
    /// The SQLite file; `None` → an in-memory database.
    pub db: Option<PathBuf>,
    /// Where notifications are POSTed; `None` → none are queued.
    pub notify_url: Option<String>,
    /// The first delay between notification attempts, doubled after each (default 1 s).
    pub notify_backoff: Duration,
    /// How many times a notification is sent at most (default 8).
    pub notify_max_attempts: u32,
    /// The largest request body accepted, in bytes (default 2 MiB); larger ones are answered 413.
    pub body_limit: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allow_hosts: Vec::new(),
            db: None,
            notify_url: None,
            notify_backoff: Duration::from_secs(1),
            notify_max_attempts: 8,
            body_limit: 2 * 1024 * 1024,
        }
    }
}

/// Why a sandbox could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listen address could not be bound.
    Bind(std::io::Error),
    /// The database could not be opened or migrated.
    Store(String),
}

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SandboxError::Bind(e) => write!(f, "expected a free listen address: {e}"),
            SandboxError::Store(e) => write!(f, "expected a usable sqlite database: {e}"),
        }
    }
}

impl std::error::Error for SandboxError {}

/// What every handler shares: the gateway, the settings, the store, the sandbox's own URL and an HTTP client for
/// notifications. Cheap to clone.
pub struct Sandbox<G> {
    inner: Arc<Inner<G>>,
}

struct Inner<G> {
    gateway: G,
    settings: Settings,
    store: Store,
    url: String,
    http: reqwest::Client,
}

impl<G> Clone for Sandbox<G> {
    fn clone(&self) -> Self {
        Sandbox { inner: Arc::clone(&self.inner) }
    }
}

impl<G: Gateway> Sandbox<G> {
    /// The gateway.
    pub fn gateway(&self) -> &G {
        &self.inner.gateway
    }

    /// The settings it was started with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The sandbox's base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Whether `ip` may call the API: one of `allow_hosts`, or any loopback address when none is configured.
    pub fn source_allowed(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        let allow = &self.inner.settings.allow_hosts;
        if allow.is_empty() { ip.is_loopback() } else { allow.iter().any(|h| h.to_canonical() == ip) }
    }

    /// Runs `work` in one transaction on a blocking thread and commits it before returning; the notifications it
    /// queued ([`Tx::notify`]) are delivered after the commit. Nothing is committed when `work` fails.
    ///
    /// # Errors
    /// [`StoreError`] when SQLite fails (in `work` or at the commit) or the work panicked.
    pub async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Tx<'_>) -> rusqlite::Result<T> + Send + 'static,
    {
        let sandbox = self.clone();
        let notify = self.inner.settings.notify_url.is_some();
        let done = tokio::task::spawn_blocking(move || {
            sandbox.inner.store.write(|tx| {
                let tx = Tx::new(tx, notify)?;
                let value = work(&tx)?;
                Ok((value, tx.into_queued()))
            })
        })
        .await;
        let (value, queued) = done.map_err(|_| StoreError::Aborted)?.map_err(StoreError::Sqlite)?;
        for id in queued {
            outbox::deliver(self.clone(), id);
        }
        Ok(value)
    }
}

/// Starts a sandbox for `gateway` listening on `listen` (port 0 picks a free port) and returns once it accepts
/// connections; notifications left unfinished in the database are resumed.
///
/// # Errors
/// [`SandboxError::Store`] when the database cannot be opened or migrated, [`SandboxError::Bind`] when the address
/// cannot be bound.
pub async fn start<G: Gateway>(gateway: G, settings: Settings, listen: SocketAddr) -> Result<Running, SandboxError> {
    let store = Store::open(settings.db.as_deref(), G::MIGRATIONS).map_err(|e| SandboxError::Store(e.to_string()))?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(SandboxError::Bind)?;
    let addr = listener.local_addr().map_err(SandboxError::Bind)?;
    let url = format!("http://{addr}");
    let body_limit = settings.body_limit;
    let sandbox =
        Sandbox { inner: Arc::new(Inner { gateway, settings, store, url: url.clone(), http: reqwest::Client::new() }) };
    outbox::resume(&sandbox).await;
    let api = sandbox.gateway().api().route_layer(middleware::from_fn_with_state(sandbox.clone(), guard::<G>));
    let app = Router::new()
        .merge(api)
        .merge(sandbox.gateway().pages())
        .merge(control::routes::<G>())
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(sandbox)
        .into_make_service_with_connect_info::<SocketAddr>();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    });
    Ok(Running { url, stop: Some(stop), task })
}

/// The source-host allow-list in front of the API.
async fn guard<G: Gateway>(
    State(sandbox): State<Sandbox<G>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if sandbox.source_allowed(peer.ip()) {
        next.run(request).await
    } else {
        sandbox.gateway().refuse(request.uri().path()).into_response()
    }
}

/// A running sandbox.
#[derive(Debug)]
pub struct Running {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Stops accepting connections and waits for the requests in flight.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}
