//! [`ClientError`]: why a call gave no answer, and [`SendError`]: a request that got no HTTP answer at all.

use std::fmt;

use japay_core::Report;
use japay_core::spec::Lookup;
use japay_core::transport::TransportError;

use crate::reconcile::Reconciled;

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
    source: Source,
}

/// What went wrong: the HTTP stack's error, or an answer body over [`MAX_ANSWER_BYTES`].
#[derive(Debug)]
enum Source {
    Http(reqwest::Error),
    TooLarge,
}

/// The largest answer body the client reads (16 MiB): a gateway answer is a few kilobytes, and a larger body (a
/// broken proxy, a wrong host) is not read into memory. A larger one is a [`SendError`] of kind
/// [`SendErrorKind::Other`]: the answer is lost, as when the connection breaks.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

impl SendError {
    /// The failure of `source`, classified.
    pub(crate) fn new(source: reqwest::Error) -> SendError {
        let kind = if source.is_timeout() {
            SendErrorKind::Timeout
        } else if source.is_connect() {
            SendErrorKind::Connect
        } else {
            SendErrorKind::Other
        };
        // the URL holds no secret (the body does), but keep errors free of it anyway
        SendError { kind, source: Source::Http(source.without_url()) }
    }

    /// An answer body over [`MAX_ANSWER_BYTES`].
    pub(crate) fn too_large() -> SendError {
        SendError { kind: SendErrorKind::Other, source: Source::TooLarge }
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
        let source = match &self.source {
            Source::Http(source) => source,
            Source::TooLarge => {
                return write!(f, "{kind}: expected an answer of at most {MAX_ANSWER_BYTES} bytes, got a larger one");
            }
        };
        write!(f, "{kind}: {source}")?;
        // reqwest's own message is generic ("error sending request"); the causes say what happened
        let mut cause = std::error::Error::source(source);
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.source {
            Source::Http(source) => Some(source),
            Source::TooLarge => None,
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
    /// No HTTP answer (after every attempt of a read; after the only attempt of a call that is not reconciled).
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
        /// The gateway's reader's error: its [`Gateway::ParseError`](crate::Gateway::ParseError) (`downcast_ref` it
        /// for the details).
        error: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A call that creates or changes state failed in transport (timeout, connection error, HTTP 5xx) and was not
    /// retried; the operation's lookup was asked instead.
    Unconfirmed {
        /// The operation.
        operation: &'static str,
        /// The spec's lookup: the read operation that was asked (`operation`), the parameter it is keyed by (`key`)
        /// and the parameters copied into it.
        lookup: &'static Lookup,
        /// The value of the lookup's key in the request.
        value: String,
        /// The original failure ([`ClientError::Send`] or [`ClientError::Transport`]).
        cause: Box<ClientError>,
        /// What the lookup said.
        reconciled: Reconciled,
    },
}

impl ClientError {
    /// The span's `outcome` for this error.
    pub(crate) fn outcome(&self) -> String {
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

    /// Whether the request may have reached the gateway without its answer reaching us: no HTTP answer, or an
    /// HTTP 5xx. Only such failures are retried (reads) or reconciled (everything else).
    pub(crate) fn is_lost_answer(&self) -> bool {
        match self {
            ClientError::Send { .. } => true,
            ClientError::Transport { error: TransportError::Status { status, .. }, .. } => status.is_server_error(),
            _ => false,
        }
    }

    /// The same failure after `attempts` attempts.
    pub(crate) fn after(self, attempts: u32) -> ClientError {
        match self {
            ClientError::Send { operation, error, .. } => ClientError::Send { operation, attempts, error },
            ClientError::Transport { operation, error, .. } => ClientError::Transport { operation, attempts, error },
            other => other,
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
            ClientError::Unconfirmed { operation, lookup, value, cause, reconciled } => {
                let (via, key) = (lookup.operation, lookup.key);
                write!(f, "{operation} not confirmed ({cause}); not retried; {via} for {key} {value}: {reconciled}")
            }
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
            ClientError::Parse { error, .. } => Some(error.as_ref()),
            ClientError::Unconfirmed { cause, .. } => Some(cause.as_ref()),
        }
    }
}
#[cfg(test)]
mod tests {
    /// `ClientError` is what every call returns on failure: it stays small (clippy's `result_large_err`).
    #[test]
    fn the_error_stays_small() {
        assert!(size_of::<super::ClientError>() <= 112, "{}", size_of::<super::ClientError>());
    }
}
