//! The 3-D Secure return: what the buyer's browser posts to `trader_ec_url` after the issuer's ACS, read strictly,
//! and the A09 (`credit_token_3d`) or A02 (`credit_3d`) request built from it.
//!
//! After an A08 (or A01) answer with `threeDAuthHtml`, the shop writes that HTML to the browser as it is; it
//! auto-posts to the ACS, and after the authentication the browser posts a form to the shop's `trader_ec_url` with
//! upper-case fields (`COMP_CD`, `TOKEN`, …, `3D_INF`, `HASH_VALUE`; facts §5.4 step 4). The shop relays them to
//! Yamato **unmodified** in A09 under their lower-case names (`comp_cd`, …, `three_d_inf`), together with its own
//! `trader_code`, the `order_no` and the `threeDToken` it kept from the A08 answer (facts §2.2 A09). An altered
//! value is refused by the gateway (A092000003).
//!
//! The names come from the operation's spec: every parameter of A09 (or A02) that the shop does not supply itself
//! is posted by the browser under the upper-case form of its name, `three_d_` written `3D_` (facts §2.2, "upper-case
//! names in, lower-case names out"). The shop supplies [`SHOP_SUPPLIED`]; a browser that posts one of those names
//! is ignored for it (the form can never override the order number, the merchant code or the kept token).
//!
//! Nothing is normalised: each value is percent-decoded exactly once and must then be UTF-8 (the ACS's page charset
//! is not documented; the values seen are ASCII, so a non-UTF-8 byte is refused rather than guessed). `3D_INF` goes
//! back byte for byte.
//!
//! ```
//! use kuroneko_proto::three_d::AcsReturn;
//! # use japay_core::spec::{FieldSpec, GatewaySpec, Marker, OperationSpec, ValueKind};
//! # use japay_core::charset::TextPolicy;
//! # static GW: GatewaySpec = GatewaySpec::new("kuroneko", "", TextPolicy::new());
//! # static FIELDS: [FieldSpec; 6] = [
//! #     FieldSpec::new("trader_code", ValueKind::Text).with_marker(Marker::Required),
//! #     FieldSpec::new("order_no", ValueKind::Text).with_marker(Marker::Required),
//! #     FieldSpec::new("comp_cd", ValueKind::Text),
//! #     FieldSpec::new("token", ValueKind::Text),
//! #     FieldSpec::new("three_d_inf", ValueKind::Text),
//! #     FieldSpec::new("three_d_token", ValueKind::Text).with_marker(Marker::Required),
//! # ];
//! # static A09: OperationSpec = OperationSpec::new("credit_token_3d", &GW, "creditToken3D").with_fields(&FIELDS);
//! let posted = b"COMP_CD=01&TOKEN=abcdEFGH12345678&3D_INF=a%2Bb+c&ORDER_NO=EVIL";
//! let acs = AcsReturn::parse(posted, &A09)?;
//! assert_eq!(acs.get("three_d_inf"), Some("a+b c"));
//! assert_eq!(acs.get("order_no"), None, "the browser cannot set the order number");
//! let request = acs.request("888888888", "ORDER-1", "0123456789abcdef0123456789abcdef");
//! assert_eq!(request.values()[1], Some("ORDER-1"));
//! # Ok::<(), kuroneko_proto::three_d::AcsError>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use japay_core::Charset;
use japay_core::request::DynamicRequest;
use japay_core::secret::{REDACTED, is_secret_name};
use japay_core::spec::OperationSpec;
use japay_core::wire::percent::percent_decode;
use japay_core::wire::query::pairs;
use japay_core::wire::text::decode;

/// The parameters of A09 / A02 the shop supplies itself, never taken from the browser's post: the fixed function
/// code, its merchant code, the order number and the `threeDToken` kept from the A08 (A01) answer.
pub const SHOP_SUPPLIED: [&str; 4] = ["function_div", "trader_code", "order_no", "three_d_token"];

/// The largest post read: the ACS fields are short codes and a PARes; anything larger is refused before parsing.
pub const MAX_BODY: usize = 64 * 1024;

/// The upper-case name the browser posts for the A09 parameter `wire`: `three_d_inf` → `3D_INF`, `comp_cd` →
/// `COMP_CD`. Compared without allocating.
fn posted_as(wire: &str, posted: &str) -> bool {
    let (wire, posted) = match (wire.strip_prefix("three_d_"), posted.strip_prefix("3D_")) {
        (Some(w), Some(p)) => (w, p),
        (None, None) => (wire, posted),
        _ => return false,
    };
    wire.len() == posted.len()
        && wire.bytes().zip(posted.bytes()).all(|(w, p)| !p.is_ascii_lowercase() && w == p.to_ascii_lowercase())
}

/// The browser's 3-D Secure return post, read: the relayed values by A09 parameter, in the operation's order.
///
/// `Debug` shows the names and redacts the values of secret ones (`token`, `res_pa`, `hash_value`, …).
#[derive(Clone)]
pub struct AcsReturn<'a> {
    spec: &'static OperationSpec,
    values: Vec<Option<Cow<'a, str>>>,
    ignored: Vec<&'a str>,
}

impl<'a> AcsReturn<'a> {
    /// Reads the form body the browser posted to `trader_ec_url`, for the operation `spec` (A09
    /// `CREDIT_TOKEN_3D`, or A02 `CREDIT_3D` for the legacy flow with `CARD_NO`).
    ///
    /// Names the operation does not relay are kept only as names ([`AcsReturn::ignored`]); a relayed name posted
    /// twice must carry the same value both times.
    ///
    /// # Errors
    /// An [`AcsError`]: a body over [`MAX_BODY`], a body that is not a form (non-ASCII byte, control character, bad
    /// name), a bad percent escape, a value that is not UTF-8 once decoded, or a name posted twice with different
    /// values. Errors name the field, never its value.
    pub fn parse(body: &'a [u8], spec: &'static OperationSpec) -> Result<AcsReturn<'a>, AcsError> {
        if body.len() > MAX_BODY {
            return Err(AcsError::TooLarge { len: body.len(), limit: MAX_BODY });
        }
        let pairs = pairs(body).map_err(|e| AcsError::Malformed { offset: e.offset() })?;
        let mut values: Vec<Option<Cow<'a, str>>> = vec![None; spec.fields.len()];
        let mut ignored = Vec::new();
        for pair in pairs {
            let relayed =
                spec.fields.iter().position(|f| !SHOP_SUPPLIED.contains(&f.wire) && posted_as(f.wire, pair.name));
            let Some(index) = relayed else {
                ignored.push(pair.name);
                continue;
            };
            let wire = spec.fields.get(index).map_or("", |f| f.wire);
            let bytes = percent_decode(pair.raw.as_bytes())
                .map_err(|e| AcsError::Percent { field: wire, offset: pair.offset.saturating_add(e.offset) })?;
            let value =
                decode(bytes, Charset::Utf8).map_err(|e| AcsError::NotUtf8 { field: wire, offset: e.offset })?;
            if let Some(slot) = values.get_mut(index) {
                match slot {
                    Some(previous) if *previous != value => return Err(AcsError::Conflict { field: wire }),
                    Some(_) => {}
                    None => *slot = Some(value),
                }
            }
        }
        Ok(AcsReturn { spec, values, ignored })
    }

    /// The operation the values are relayed to.
    pub fn spec(&self) -> &'static OperationSpec {
        self.spec
    }

    /// The relayed value of the parameter `wire` (`"three_d_inf"`), as posted; `None` when the browser did not post
    /// it (or `wire` is one the shop supplies).
    pub fn get(&self, wire: &str) -> Option<&str> {
        let index = self.spec.field_index(wire)?;
        self.values.get(index)?.as_deref()
    }

    /// The posted names that are not relayed (unknown to the operation, or one of [`SHOP_SUPPLIED`]).
    pub fn ignored(&self) -> &[&'a str] {
        &self.ignored
    }

    /// The A09 (A02) request: the relayed values unmodified, with the shop's `trader_code`, the `order_no` of the
    /// order and the `three_d_token` kept from the A08 (A01) answer. Validate and encode it as any request
    /// ([`DynamicRequest::encode`]); a relayed field the browser left out is reported there.
    pub fn request<'s>(
        &'s self,
        trader_code: &'s str,
        order_no: &'s str,
        three_d_token: &'s str,
    ) -> DynamicRequest<'s> {
        let mut request = DynamicRequest::new(self.spec);
        for (field, value) in self.spec.fields.iter().zip(&self.values) {
            if let Some(value) = value {
                request.set(field.wire, value);
            }
        }
        for (name, value) in [("trader_code", trader_code), ("order_no", order_no), ("three_d_token", three_d_token)] {
            if self.spec.field_index(name).is_some() {
                request.set(name, value);
            }
        }
        request
    }
}

impl fmt::Debug for AcsReturn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secrets = self.spec.gateway.secret_names;
        let mut map = f.debug_map();
        for (field, value) in self.spec.fields.iter().zip(&self.values) {
            if let Some(value) = value {
                let shown: &dyn fmt::Debug =
                    if field.secret || is_secret_name(secrets, field.wire) { &REDACTED } else { value };
                map.entry(&field.wire, shown);
            }
        }
        map.finish()
    }
}

/// Why a 3-D Secure return post could not be read. Never holds a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AcsError {
    /// The body is larger than [`MAX_BODY`].
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not an `application/x-www-form-urlencoded` form.
    Malformed {
        /// Byte offset of the problem.
        offset: usize,
    },
    /// A `%` not followed by two hex digits.
    Percent {
        /// The parameter.
        field: &'static str,
        /// Byte offset in the body.
        offset: usize,
    },
    /// A value that is not UTF-8 once percent-decoded.
    NotUtf8 {
        /// The parameter.
        field: &'static str,
        /// Byte offset in the decoded value.
        offset: usize,
    },
    /// A parameter posted twice with different values.
    Conflict {
        /// The parameter.
        field: &'static str,
    },
}

impl fmt::Display for AcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AcsError::TooLarge { len, limit } => {
                write!(f, "3-d secure return post of {len} bytes, expected at most {limit}")
            }
            AcsError::Malformed { offset } => {
                write!(f, "3-d secure return post is not a form body at byte {offset}")
            }
            AcsError::Percent { field, offset } => {
                write!(f, "{field}: expected two hex digits after '%' at byte {offset}")
            }
            AcsError::NotUtf8 { field, offset } => {
                write!(f, "{field}: expected utf-8 after percent-decoding, invalid at byte {offset}")
            }
            AcsError::Conflict { field } => write!(f, "{field}: posted twice with different values"),
        }
    }
}

impl std::error::Error for AcsError {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use japay_core::charset::TextPolicy;
    use japay_core::spec::{FieldSpec, GatewaySpec, Marker, ValueKind};

    static GW: GatewaySpec = GatewaySpec::new("kuroneko", "", TextPolicy::new()).with_secret_names(&["res_pa"]);
    static FIELDS: [FieldSpec; 7] = [
        FieldSpec::new("trader_code", ValueKind::Text).with_marker(Marker::Required),
        FieldSpec::new("order_no", ValueKind::Text).with_marker(Marker::Required),
        FieldSpec::new("comp_cd", ValueKind::Text),
        FieldSpec::new("token", ValueKind::Text).secret(),
        FieldSpec::new("res_pa", ValueKind::Text),
        FieldSpec::new("three_d_inf", ValueKind::Text),
        FieldSpec::new("three_d_token", ValueKind::Text).with_marker(Marker::Required),
    ];
    static A09: OperationSpec = OperationSpec::new("credit_token_3d", &GW, "creditToken3D").with_fields(&FIELDS);

    #[test]
    fn posted_names_map_to_the_lower_case_parameters() {
        for (wire, posted, same) in [
            ("comp_cd", "COMP_CD", true),
            ("three_d_inf", "3D_INF", true),
            ("three_d_inf", "THREE_D_INF", false),
            ("comp_cd", "comp_cd", false),
            ("comp_cd", "Comp_cd", false),
            ("three_d_inf", "3D_INFO", false),
            ("token", "TOKEN", true),
        ] {
            assert_eq!(posted_as(wire, posted), same, "{wire} vs {posted}");
        }
    }

    #[test]
    fn values_are_relayed_exactly_and_the_shop_keeps_its_own() {
        let body = b"COMP_CD=1&3D_INF=%E3%81%82+%2B%25&TRADER_CODE=999&THREE_D_TOKEN=x&EXTRA=1&COMP_CD=1";
        let acs = AcsReturn::parse(body, &A09).expect("a good post");
        assert_eq!(acs.get("three_d_inf"), Some("あ +%"));
        assert_eq!(acs.get("comp_cd"), Some("1"));
        assert_eq!(acs.get("trader_code"), None);
        assert_eq!(acs.ignored(), ["TRADER_CODE", "THREE_D_TOKEN", "EXTRA"]);
        let request = acs.request("888", "O-1", "T".repeat(32).leak());
        assert_eq!(request.values()[0], Some("888"));
        assert_eq!(request.values()[6].map(str::len), Some(32));
    }

    #[test]
    fn bad_posts_are_refused_by_field_without_values() {
        let big = vec![b'a'; MAX_BODY + 1];
        for (body, expected) in [
            (&b"COMP_CD=1&COMP_CD=2"[..], AcsError::Conflict { field: "comp_cd" }),
            (b"3D_INF=%82%A0", AcsError::NotUtf8 { field: "three_d_inf", offset: 0 }),
            (b"RES_PA=ab%2", AcsError::Percent { field: "res_pa", offset: 9 }),
            (b"COMP_CD=\xe3\x81\x82", AcsError::Malformed { offset: 8 }),
            (&big, AcsError::TooLarge { len: MAX_BODY + 1, limit: MAX_BODY }),
        ] {
            let got = AcsReturn::parse(body, &A09).map(|_| ());
            assert_eq!(got, Err(expected));
            assert!(!expected.to_string().contains("%82"), "{expected}");
        }
    }

    #[test]
    fn debug_redacts_secret_values() {
        let acs = AcsReturn::parse(b"TOKEN=tok123&RES_PA=pares456&COMP_CD=7", &A09).expect("a good post");
        let shown = format!("{acs:?}");
        assert!(!shown.contains("tok123") && !shown.contains("pares456") && shown.contains('7'), "{shown}");
    }
}

/// The module against the generated A09 and A02 tables: every relayed parameter is found under its posted name, and
/// a realistic post becomes a request that validates and encodes with the values unchanged.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod with_the_spec {
    use super::*;
    use crate::generated::credit_3d::CREDIT_3D;
    use crate::generated::credit_token_3d::CREDIT_TOKEN_3D;

    const POST: &[u8] = b"COMP_CD=0&TOKEN=abcdEFGH12345678&CARD_EXP=1230&ITEM_PRICE=1500&ITEM_TAX=0\
        &CUST_CD=C1&SHOP_ID=S1&TERM_CD=T1&CRD_RES_CD=00&RES_VE=Y&RES_PA=eJzLSM3JyQcABiwCFQ%3D%3D&RES_CODE=0000\
        &3D_INF=a%2Bb%2Fc%3D&3D_TRAN_ID=TX1&SEND_DT=20260401120000&HASH_VALUE=f0e1";

    #[test]
    fn every_relayed_parameter_has_its_posted_name() {
        for spec in [&CREDIT_TOKEN_3D, &CREDIT_3D] {
            let relayed: Vec<&str> =
                spec.fields.iter().map(|f| f.wire).filter(|w| !SHOP_SUPPLIED.contains(w)).collect();
            assert!(relayed.len() >= 15, "{}: {relayed:?}", spec.name);
            for wire in relayed {
                let posted = wire
                    .strip_prefix("three_d_")
                    .map_or_else(|| wire.to_ascii_uppercase(), |rest| format!("3D_{}", rest.to_ascii_uppercase()));
                assert!(posted_as(wire, &posted), "{}: {wire} posted as {posted}", spec.name);
            }
        }
    }

    #[test]
    fn a_post_becomes_an_a09_request_byte_for_byte() {
        let acs = AcsReturn::parse(POST, &CREDIT_TOKEN_3D).unwrap();
        assert!(acs.ignored().is_empty(), "{:?}", acs.ignored());
        let request = acs.request("888888888", "ORDER-1", "0123456789abcdef0123456789abcdef");
        let mut body = Vec::new();
        request.encode(japay_core::Options::new(japay_core::Charset::Utf8), &mut body).unwrap();
        let body = String::from_utf8(body).unwrap();
        assert!(body.starts_with("function_div=A09&trader_code=888888888&order_no=ORDER-1&comp_cd=0&"), "{body}");
        assert!(body.contains("&three_d_inf=a%2Bb%2Fc%3D&"), "{body}");
        assert!(body.ends_with("&three_d_token=0123456789abcdef0123456789abcdef"), "{body}");
    }
}
