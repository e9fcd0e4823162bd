//! Reading a request body as the gateway reads it: the server side of [`encode`](crate::request::encode).
//!
//! A merchant POSTs `application/x-www-form-urlencoded` bodies to the CGIs. [`parse`] decodes one into a
//! [`FormRequest`] (its charset and its decoded `(name, value)` pairs, in document order), [`operation_for`] picks the
//! operation a CGI path and its form select, and [`FormRequest::validate`] checks the values with that operation's
//! own rules, the same rules a client checks before sending. Nothing here does I/O; a local test gateway (and its
//! fuzz target) builds on it.
//!
//! The charset rule (**sandbox choice**, uncertain: facts §2.3 documents what `version=2` changes, not how the
//! gateway decides): the `charset=` parameter of the `Content-Type` when present, else UTF-8 when the body carries
//! `version=2`, else CP932. The charset is never guessed from the bytes; an invalid byte sequence is an error, never
//! U+FFFD; a name repeated with another value is refused (never decided by position).
//!
//! ```
//! use epsilon_proto::{Charset, request_body};
//!
//! let form = request_body::parse(b"contract_code=12345678&user_name=%8ER%93c&process_code=3", None)?;
//! assert_eq!(form.charset(), Charset::Cp932);
//! assert_eq!(form.get("user_name"), Some("山田"));
//! let op = request_body::operation_for("receive_order3.cgi", &form).unwrap();
//! assert_eq!(op.name, "user_register");
//! # Ok::<(), request_body::RequestBodyError>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use japay_core::spec::OperationSpec;
use japay_core::wire::query::{self, QueryError};
use japay_core::wire::text::{self, ValueError};

use crate::{Charset, DynamicRequest, Options, Report};

/// A decoded form body: its charset and its `(name, value)` pairs in document order (a name repeated with the same
/// value is kept once). `Debug` shows names only: values may be card data.
#[derive(Clone, PartialEq, Eq)]
pub struct FormRequest {
    charset: Charset,
    pairs: Vec<(String, String)>,
}

impl fmt::Debug for FormRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormRequest")
            .field("charset", &self.charset)
            .field("names", &self.pairs.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .finish()
    }
}

impl FormRequest {
    /// The charset the values were decoded in.
    pub fn charset(&self) -> Charset {
        self.charset
    }

    /// The value of `name`, if the body carries it (a linear scan: bodies have a few dozen pairs).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Every `(name, value)` pair, in document order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Whether the body asked for version-2 answers (`version=2` in a UTF-8 body): the answer is then written with
    /// UTF-8 percent-encoding.
    pub fn wants_v2(&self) -> bool {
        self.charset == Charset::Utf8 && self.get("version") == Some("2")
    }

    /// Checks every value with the operation's own rules: required, limits, charsets, conditions, unknown names. The
    /// transport parameters of UTF-8 requests (`version`, `charset`, `character_code`, the operation's
    /// `utf8_params`) are not fields and are skipped.
    ///
    /// # Errors
    /// A [`Report`] with every violation, as a client's validation would report it.
    pub fn validate(&self, spec: &'static OperationSpec) -> Result<(), Report> {
        let mut request = DynamicRequest::new(spec);
        for (name, value) in self.pairs() {
            let transport = spec.utf8_params.iter().any(|(n, _)| *n == name)
                || (matches!(name, "version" | "charset" | "character_code") && spec.field_index(name).is_none());
            if !transport {
                request.set(name, value);
            }
        }
        request.validate(Options::new(self.charset))
    }
}

/// Why a request body could not be decoded. No variant holds a value, only names and offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestBodyError {
    /// The `Content-Type` names a charset the gateway does not take.
    #[non_exhaustive]
    UnknownCharset {
        /// The label, as it stood (at most 40 characters).
        label: String,
    },
    /// The body is not a form body (`name=value&…` in 7-bit ASCII).
    Query(QueryError),
    /// A value is not valid percent-encoded text in the charset.
    #[non_exhaustive]
    Value {
        /// The parameter's name.
        name: String,
        /// What is wrong, with a byte index.
        error: ValueError,
        /// The charset it was decoded in.
        charset: Charset,
    },
    /// A name occurs twice with different values.
    #[non_exhaustive]
    Conflict {
        /// The parameter's name.
        name: String,
    },
}

impl fmt::Display for RequestBodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestBodyError::UnknownCharset { label } => {
                write!(f, "expected a content-type charset of utf-8, shift_jis/cp932 or euc-jp, found `{label}`")
            }
            RequestBodyError::Query(e) => write!(f, "expected a form body: {e}"),
            RequestBodyError::Value { name, error, charset } => {
                write!(f, "{name}: expected percent-encoded {} text: {error}", charset.label())
            }
            RequestBodyError::Conflict { name } => {
                write!(f, "{name}: expected one value, found the parameter twice with different values")
            }
        }
    }
}

impl std::error::Error for RequestBodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RequestBodyError::Query(e) => Some(e),
            RequestBodyError::Value { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The charset a `Content-Type` value's `charset=` parameter names, `None` when it has none.
///
/// # Errors
/// [`RequestBodyError::UnknownCharset`] for a label that is not UTF-8, Shift_JIS/CP932 or EUC-JP.
fn content_type_charset(content_type: &str) -> Result<Option<Charset>, RequestBodyError> {
    let Some(label) = content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches('"'))
    }) else {
        return Ok(None);
    };
    let lower = label.to_ascii_lowercase();
    match lower.as_str() {
        "utf-8" | "utf8" => Ok(Some(Charset::Utf8)),
        "shift_jis" | "shift-jis" | "sjis" | "x-sjis" | "cp932" | "windows-31j" | "x-sjis-cp932" | "ms932" => {
            Ok(Some(Charset::Cp932))
        }
        "euc-jp" | "eucjp" | "x-euc-jp" => Ok(Some(Charset::EucJp)),
        _ => Err(RequestBodyError::UnknownCharset { label: label.chars().take(40).collect() }),
    }
}

/// Decodes an `application/x-www-form-urlencoded` request body as the gateway would read it: the charset from the
/// `Content-Type` `charset=` parameter, else UTF-8 when the body says `version=2`, else CP932 (**sandbox choice**,
/// see the module docs). Never guessed from bytes, never U+FFFD; a name repeated with another value is refused.
///
/// # Errors
/// [`RequestBodyError`]: an unknown charset label, a body that is not a form body, a value that does not decode, or
/// a name repeated with another value.
pub fn parse(body: &[u8], content_type: Option<&str>) -> Result<FormRequest, RequestBodyError> {
    let raw_pairs = query::pairs(body).map_err(RequestBodyError::Query)?;
    let charset = match content_type.map(content_type_charset).transpose()?.flatten() {
        Some(charset) => charset,
        None if raw_pairs.iter().any(|p| p.name == "version" && p.raw == "2") => Charset::Utf8,
        None => Charset::Cp932,
    };
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(raw_pairs.len());
    // names come from the input: a hash index keeps the repeat check linear
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(raw_pairs.len());
    for pair in raw_pairs {
        let value = text::decode_percent_encoded(Cow::Borrowed(pair.raw), charset)
            .map_err(|error| RequestBodyError::Value { name: pair.name.to_owned(), error, charset })?;
        match index.get(pair.name).and_then(|&i| pairs.get(i)) {
            Some((_, earlier)) if *earlier == *value => {}
            Some(_) => return Err(RequestBodyError::Conflict { name: pair.name.to_owned() }),
            None => {
                index.insert(pair.name, pairs.len());
                pairs.push((pair.name.to_owned(), value.into_owned()));
            }
        }
    }
    Ok(FormRequest { charset, pairs })
}

/// The operation a CGI path (`receive_order3.cgi`, with or without a leading path) and its form select, by the
/// routes of the spec ([`japay_core::spec::route`] over [`crate::OPERATIONS`]): `receive_order3.cgi` by
/// `process_code`, `direct_card_payment.cgi` by `tds_check_code` (`2` is the 3-D Secure second leg), every other CGI
/// by its path alone. `None` for an unknown path or selector.
pub fn operation_for(cgi: &str, form: &FormRequest) -> Option<&'static OperationSpec> {
    japay_core::spec::route(crate::OPERATIONS, cgi, |name| form.get(name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::UserRegister;

    /// One case: body, content type, charset or a piece of the error, the decoded user_name.
    type Case = (&'static [u8], Option<&'static str>, Result<Charset, &'static str>, Option<&'static str>);

    #[test]
    fn charset_rule_table() {
        // (body, content type, charset or error, user_name)
        let cases: [Case; 8] = [
            (b"user_name=%8ER%93c", None, Ok(Charset::Cp932), Some("山田")),
            (b"user_name=%E5%B1%B1%E7%94%B0&version=2", None, Ok(Charset::Utf8), Some("山田")),
            (
                b"user_name=%E5%B1%B1",
                Some("application/x-www-form-urlencoded; charset=UTF-8"),
                Ok(Charset::Utf8),
                Some("山"),
            ),
            (
                b"user_name=%8ER&version=2",
                Some("application/x-www-form-urlencoded; charset=Shift_JIS"),
                Ok(Charset::Cp932),
                Some("山"),
            ),
            (
                b"user_name=%BB%B3",
                Some("application/x-www-form-urlencoded;charset=\"EUC-JP\""),
                Ok(Charset::EucJp),
                Some("山"),
            ),
            (b"user_name=%83_", None, Ok(Charset::Cp932), Some("ダ")),
            (b"user_name=a", Some("application/x-www-form-urlencoded; charset=latin1"), Err("latin1"), None),
            (b"version=1&user_name=YAMADA+Taro", None, Ok(Charset::Cp932), Some("YAMADA Taro")),
        ];
        for (body, content_type, want, name) in cases {
            let got = parse(body, content_type);
            match want {
                Ok(charset) => {
                    let form = got.unwrap();
                    assert_eq!(form.charset(), charset, "{body:?}");
                    assert_eq!(form.get("user_name"), name);
                }
                Err(label) => assert!(got.unwrap_err().to_string().contains(label)),
            }
        }
    }

    #[test]
    fn refusals_table() {
        // (body, error display contains)
        let cases: [(&[u8], &str); 6] = [
            (b"user_name=%E5", "at byte 0"), // a lead byte without its trail: invalid, never U+FFFD
            (b"user_name=%80", "at byte 0"), // a lone 0x80 is not CP932
            (b"user_name=%8", "two hex digits"), // truncated escape
            (b"a=1&a=2", "a: expected one value"), // conflict
            (b"a=\xE5", "non-ascii"),        // raw non-ASCII byte
            (b"=1", "parameter name"),       // empty name
        ];
        for (body, want) in cases {
            let err = parse(body, None).unwrap_err();
            assert!(err.to_string().contains(want), "{body:?}: {err}");
        }
        // a repeat with the same value is kept once
        let form = parse(b"a=1&a=%31&b=", None).unwrap();
        assert_eq!(form.pairs().collect::<Vec<_>>(), [("a", "1"), ("b", "")]);
    }

    #[test]
    fn operation_table() {
        let cases = [
            ("receive_order3.cgi", "process_code=1", Some("link_order")),
            ("receive_order3.cgi", "process_code=2", Some("registered_link_order")),
            ("receive_order3.cgi", "process_code=3", Some("user_register")),
            ("receive_order3.cgi", "process_code=4", Some("user_change")),
            ("/cgi-bin/order/receive_order3.cgi", "process_code=7", Some("user_restore")),
            ("receive_order3.cgi", "process_code=8", Some("stop_monthly_billing")),
            ("receive_order3.cgi", "process_code=9", Some("user_withdraw")),
            ("receive_order3.cgi", "process_code=5", None),
            ("receive_order3.cgi", "", None),
            ("direct_card_payment.cgi", "tds_check_code=2", Some("card_3ds_result")),
            ("direct_card_payment.cgi", "tds_check_code=1", Some("card_payment")),
            ("direct_virtual_account.cgi", "", Some("virtual_account")),
            ("getsales2.cgi", "", Some("order_info")),
            ("get_user_info.cgi", "", Some("user_info")),
            ("cancel_payment.cgi", "", Some("void")),
            ("sales_payment.cgi", "", Some("capture")),
            ("change_amount_payment.cgi", "", Some("change_amount")),
            ("nothing.cgi", "", None),
        ];
        for (cgi, body, want) in cases {
            let form = parse(body.as_bytes(), None).unwrap();
            assert_eq!(operation_for(cgi, &form).map(|op| op.name), want, "{cgi} {body}");
        }
    }

    #[test]
    fn encoded_requests_validate_on_the_way_back() {
        let request = UserRegister {
            contract_code: "12345678",
            user_id: "U0001",
            user_name: "山田 太郎",
            user_mail_add: "taro@example.com",
            ..Default::default()
        };
        for charset in [Charset::Cp932, Charset::Utf8, Charset::EucJp] {
            let mut body = Vec::new();
            request.encode(Options::new(charset), &mut body).unwrap();
            let content_type = match charset {
                Charset::EucJp => Some("application/x-www-form-urlencoded; charset=EUC-JP"),
                _ => None,
            };
            let form = parse(&body, content_type).unwrap();
            assert_eq!(form.get("user_name"), Some("山田 太郎"), "{charset:?}");
            assert_eq!(form.wants_v2(), charset == Charset::Utf8);
            let op = operation_for("receive_order3.cgi", &form).unwrap();
            form.validate(op).unwrap();
        }
        // a missing field and an unknown one are reported as a client's validation reports them
        let form = parse(b"contract_code=12345678&process_code=3&xml=1&nickname=x", None).unwrap();
        let report = form.validate(operation_for("receive_order3.cgi", &form).unwrap()).unwrap_err();
        let rules: Vec<_> = report.violations().iter().map(|v| (v.field.as_ref(), v.kind.rule())).collect();
        assert!(rules.contains(&("user_id", "required")), "{rules:?}");
        assert!(rules.contains(&("nickname", "unknown")), "{rules:?}");
    }

    #[test]
    fn arbitrary_bodies_never_panic_and_never_replace() {
        // a fixed pseudo-random walk over the bytes that matter to the parser
        const ALPHABET: &[u8] = b"ab=&%%+2F8E0x\x80\xE5\xFF _.-";
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = usize::try_from(seed % 24).unwrap();
            let body: Vec<u8> = (0..len)
                .map(|i| ALPHABET[usize::try_from((seed >> (i % 58)) % ALPHABET.len() as u64).unwrap()])
                .collect();
            for content_type in [None, Some("application/x-www-form-urlencoded; charset=UTF-8")] {
                if let Ok(form) = parse(&body, content_type) {
                    assert!(form.pairs().all(|(_, v)| !v.contains('\u{FFFD}')), "{body:?}");
                    let _ = operation_for("receive_order3.cgi", &form);
                }
            }
        }
    }

    #[test]
    fn debug_shows_names_only() {
        let form = parse(b"cardno=4242424242424242", None).unwrap();
        let debug = format!("{form:?}");
        assert!(debug.contains("cardno") && !debug.contains("4242"), "{debug}");
    }
}
