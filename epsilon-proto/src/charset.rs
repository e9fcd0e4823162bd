//! Epsilon's text rules: the core's [`Charset`] with the gateway's [`TextPolicy`] (`spec/charsets.yaml`).
//!
//! Whatever the transport, every text value must be representable in CP932, the charset the gateway converts to and
//! stores; a value sent as EUC-JP must also be representable in EUC-JP without the NEC/IBM extension rows. Byte
//! limits count the transport's bytes, except that UTF-8 requests count CP932 bytes.

pub use japay_core::charset::{CharBytes, Charset, TextPolicy};

use crate::generated::GATEWAY;

/// Epsilon's text policy.
pub fn policy() -> &'static TextPolicy {
    &GATEWAY.text
}

/// Encodes one character, or returns `None` when it is not representable in `charset` under Epsilon's policy:
/// U+00A5 ¥, U+203E ‾ and U+2212 − are refused (they come back as other characters), and so are the NEC/IBM
/// extension rows (①, ㈱, 髙) in EUC-JP.
pub fn encode_char(c: char, charset: Charset) -> Option<CharBytes> {
    GATEWAY.text.encode_char(c, charset)
}

/// The look-alike `c` is normalized to by the normalize option (`spec/charsets.yaml`), if any. (The option composes
/// text to Unicode NFC before it maps look-alikes; this is the table step alone.)
pub fn normalized(c: char) -> Option<char> {
    GATEWAY.text.normalized(c)
}

/// The charset byte limits are counted in when a request is sent in `sent_in`: EUC-JP for EUC-JP, CP932 otherwise
/// (the gateway converts UTF-8 requests and stores CP932).
pub fn limit_charset(sent_in: Charset) -> Charset {
    GATEWAY.text.limit_charset(sent_in)
}
