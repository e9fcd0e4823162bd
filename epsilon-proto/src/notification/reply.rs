//! [`Reply`]: the merchant's answer to a notification, a one-byte plain-text body (facts §3.11).

use super::{Notification, NotificationError};

/// The merchant's answer to a notification: the body `1` accepts it, `0` refuses it (facts §3.11, §5.2). Whether
/// the gateway sends a refused notification again, and when, is not documented (facts B7).
///
/// ```
/// use epsilon_proto::notification::Reply;
///
/// assert_eq!(Reply::Accepted.body(), b"1");
/// assert_eq!(Reply::Rejected.body(), b"0");
/// assert_eq!(Reply::CONTENT_TYPE, "text/plain");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reply {
    /// The notification was received and recorded: body `1`.
    Accepted,
    /// The notification was refused: body `0`.
    Rejected,
}

impl Reply {
    /// The `Content-Type` of the reply.
    pub const CONTENT_TYPE: &'static str = "text/plain";

    /// The reply body: `1` or `0`, nothing else (no newline).
    pub fn body(self) -> &'static [u8] {
        match self {
            Reply::Accepted => b"1",
            Reply::Rejected => b"0",
        }
    }
}

impl From<&Result<Notification<'_>, NotificationError>> for Reply {
    /// [`Reply::Accepted`] for a notification that decoded and passed its checks, else [`Reply::Rejected`].
    fn from(result: &Result<Notification<'_>, NotificationError>) -> Self {
        if result.is_ok() { Reply::Accepted } else { Reply::Rejected }
    }
}
