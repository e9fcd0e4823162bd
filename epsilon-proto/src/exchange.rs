//! What ties an answer to its request: the charset of an answer follows from how the request was sent.

use japay_core::Options;
use japay_core::charset::Charset;
use japay_core::spec::OperationSpec;

use crate::response::Version;

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
