//! The merchant's reply to a Kuroneko notification (決済結果通知, the PayPay result notification).
//!
//! Yamato posts a notification and reads the reply body: `0` when the merchant processed it, `1` when it did not
//! (facts §6.1: the official EC-CUBE 2 module and EC-CUBE 4; W2's comment that any 2xx/3xx counts is uncertain).
//! **This is the opposite of Epsilon**, whose notifications want `1` for success. The reply is therefore a named
//! value, never a digit the shop writes by hand: [`KuronekoReply::Processed`] is the body `0`.
//!
//! ```
//! use kuroneko_proto::notify::KuronekoReply;
//!
//! assert_eq!(KuronekoReply::Processed.body(), b"0");
//! assert_eq!(KuronekoReply::NotProcessed.body(), b"1");
//! assert_eq!(KuronekoReply::from_body(b"0"), Some(KuronekoReply::Processed));
//! assert_eq!(KuronekoReply::from_body(b"0\n"), None, "nothing else is read as an answer");
//! ```

/// The body a merchant answers a Kuroneko notification with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KuronekoReply {
    /// The notification was processed (and need not be sent again): the body `0`.
    Processed,
    /// The notification was not processed (Yamato should send it again): the body `1`.
    NotProcessed,
}

impl KuronekoReply {
    /// The exact reply body.
    pub const fn body(self) -> &'static [u8] {
        match self {
            KuronekoReply::Processed => b"0",
            KuronekoReply::NotProcessed => b"1",
        }
    }

    /// The reply a body is, when it is exactly one of the two (no whitespace, no newline); `None` otherwise, which a
    /// sender treats as not processed.
    pub fn from_body(body: &[u8]) -> Option<KuronekoReply> {
        match body {
            b"0" => Some(KuronekoReply::Processed),
            b"1" => Some(KuronekoReply::NotProcessed),
            _ => None,
        }
    }

    /// The `Content-Type` of the reply.
    pub const CONTENT_TYPE: &'static str = "text/plain; charset=us-ascii";
}
