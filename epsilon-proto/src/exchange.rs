//! What ties an answer to its request: the charset of an answer follows from how the request was sent.
//!
//! The HTTP messages themselves are gateway-neutral ([`crate::transport`], japay-core's sans-IO layer: the
//! [`Environment`](crate::transport::Environment) over Epsilon's endpoints, `build_request`, `answer_body` refusing a
//! non-200 status or an HTML page such as the gateway's Apache 500 page); what is Epsilon's is which charset the
//! answer is read in ([`answer_version`], used by every view's `parse_for`).
//!
//! ```
//! use epsilon_proto::transport::{self, Environment, http};
//! use epsilon_proto::{Options, OrderInfo, OrderInfoResponse};
//!
//! let lookup = OrderInfo { contract_code: "12345678", order_number: Some("A0001"), ..Default::default() };
//! let request = transport::build_request(&Environment::Test, &lookup, Options::default())?;
//! assert_eq!(request.uri(), "https://beta.epsilon.jp/cgi-bin/order/getsales2.cgi");
//! assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
//! assert_eq!(request.body(), b"contract_code=12345678&order_number=A0001");
//!
//! // … send it with any HTTP client, then:
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(b"<?xml version=\"1.0\" encoding=\"x-sjis-cp932\"?><Epsilon_result></Epsilon_result>".to_vec())
//!     .unwrap();
//! let answer = transport::parse_answer(&response, Options::default(), OrderInfoResponse::parse_for).unwrap();
//! assert!(answer.answer().is_empty()); // an empty root: not found
//! # Ok::<(), epsilon_proto::Report>(())
//! ```

use japay_core::Options;
use japay_core::charset::Charset;
use japay_core::spec::OperationSpec;

use crate::answer::Version;

/// The [`Version`] of the answer to `spec` sent with `options`: [`Version::V2`] (UTF-8 text) when the request was
/// sent as UTF-8 *and* the operation then sends `version=2`; [`Version::V1`] (CP932) otherwise. An operation
/// without UTF-8 parameters (getsales2) is answered in CP932 whatever the transport (and validation refuses to send
/// it as UTF-8: rule `transport`).
///
/// ```
/// use epsilon_proto::exchange::answer_version;
/// use epsilon_proto::generated::{link_order::LINK_ORDER, order_info::ORDER_INFO};
/// use epsilon_proto::{Charset, Options, Version};
///
/// assert_eq!(answer_version(&LINK_ORDER, Options::new(Charset::Utf8)), Version::V2);
/// assert_eq!(answer_version(&LINK_ORDER, Options::new(Charset::EucJp)), Version::V1);
/// assert_eq!(answer_version(&ORDER_INFO, Options::new(Charset::Utf8)), Version::V1);
/// ```
pub fn answer_version(spec: &OperationSpec, options: Options) -> Version {
    let sends_v2 = spec
        .utf8_params
        .iter()
        .any(|(name, value)| *name == "version" && Version::from_param(value) == Some(Version::V2));
    if options.charset == Charset::Utf8 && sends_v2 { Version::V2 } else { Version::V1 }
}
