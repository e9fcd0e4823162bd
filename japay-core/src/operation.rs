//! [`Operation`]: what a generated request struct is. The generated code writes the struct, its `SPEC` and its
//! `values()`; validation, exact length, encoding and the redacting `Debug` come from here.

use core::fmt;

use crate::request::{self, Options, Report};
use crate::spec::OperationSpec;

/// An outgoing request of a gateway, generated from its spec: a borrowed struct whose values, laid out in
/// `SPEC.fields` order, drive every check and the encoder.
///
/// ```
/// use japay_core::charset::{Charset, TextPolicy};
/// use japay_core::spec::{FieldSpec, GatewaySpec, Marker, OperationSpec, ValueKind};
/// use japay_core::{Operation, Options};
///
/// static GATEWAY: GatewaySpec = GatewaySpec::new("demo", "a demo gateway", TextPolicy::new());
/// static PING: OperationSpec = OperationSpec::new("ping", &GATEWAY, "ping.cgi").with_fields(&[
///     FieldSpec::new("shop", ValueKind::Text).with_marker(Marker::Required),
///     FieldSpec::new("mode", ValueKind::Text).with_fixed("1", &["1"]),
/// ]);
///
/// struct Ping<'a> {
///     shop: &'a str,
/// }
///
/// impl Operation for Ping<'_> {
///     const SPEC: &'static OperationSpec = &PING;
///     type Values<'s> = [Option<&'s str>; 2] where Self: 's;
///     fn values(&self) -> Self::Values<'_> {
///         [Some(self.shop), None]
///     }
/// }
///
/// let mut body = Vec::new();
/// Ping { shop: "東京 本店" }.encode(Options::new(Charset::Utf8), &mut body)?;
/// assert_eq!(body, b"shop=%E6%9D%B1%E4%BA%AC+%E6%9C%AC%E5%BA%97&mode=1");
/// # Ok::<(), japay_core::Report>(())
/// ```
pub trait Operation {
    /// The operation's spec.
    const SPEC: &'static OperationSpec;

    /// The values in spec field order (`None` for absent and fixed parameters).
    type Values<'s>: AsRef<[Option<&'s str>]>
    where
        Self: 's;

    /// The values in spec field order (`None` for absent and fixed parameters).
    fn values(&self) -> Self::Values<'_>;

    /// Checks every parameter; allocation-free when the request is valid.
    ///
    /// # Errors
    /// Every violation, in field order.
    fn validate(&self, options: Options) -> Result<(), Report> {
        request::validate(Self::SPEC, self.values().as_ref(), options)
    }

    /// The exact length of the form body [`Operation::encode`] writes.
    ///
    /// # Errors
    /// Every violation, in field order.
    fn encoded_len(&self, options: Options) -> Result<usize, Report> {
        request::encoded_len(Self::SPEC, self.values().as_ref(), options)
    }

    /// Validates and appends the `application/x-www-form-urlencoded` body to `out`; returns the bytes written.
    ///
    /// # Errors
    /// Every violation, in field order; nothing is written then.
    fn encode(&self, options: Options, out: &mut Vec<u8>) -> Result<usize, Report> {
        request::encode(Self::SPEC, self.values().as_ref(), options, out)
    }

    /// Writes the request's `Debug` form under `name`, with the values of secret fields replaced by `<redacted>`.
    ///
    /// # Errors
    /// Only the formatter's.
    fn fmt_redacted(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        request::debug_request(f, name, Self::SPEC, self.values().as_ref())
    }
}

/// Implements `Debug` (redacted, through [`Operation::fmt_redacted`]) and the inherent `validate`, `encoded_len`
/// and `encode` shortcuts for a generated request type, so callers need not import [`Operation`].
///
/// The generated code writes one line per operation: `japay_core::operation_shortcuts!(UserRegister);`.
#[doc(hidden)] // called by generated code; the methods it writes are documented on each request type
#[macro_export]
macro_rules! operation_shortcuts {
    ($ty:ident) => {
        impl ::core::fmt::Debug for $ty<'_> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::Operation::fmt_redacted(self, ::core::stringify!($ty), f)
            }
        }

        impl $ty<'_> {
            /// Checks every parameter; allocation-free when the request is valid. See [`Operation::validate`].
            ///
            /// # Errors
            /// Every violation, in field order.
            ///
            /// [`Operation::validate`]: $crate::Operation::validate
            pub fn validate(&self, options: $crate::Options) -> ::core::result::Result<(), $crate::Report> {
                $crate::Operation::validate(self, options)
            }

            /// The exact length of the form body `encode` writes. See [`Operation::encoded_len`].
            ///
            /// # Errors
            /// Every violation, in field order.
            ///
            /// [`Operation::encoded_len`]: $crate::Operation::encoded_len
            pub fn encoded_len(&self, options: $crate::Options) -> ::core::result::Result<usize, $crate::Report> {
                $crate::Operation::encoded_len(self, options)
            }

            /// Validates and appends the form body to `out`; returns the bytes written. See [`Operation::encode`].
            ///
            /// # Errors
            /// Every violation, in field order; nothing is written then.
            ///
            /// [`Operation::encode`]: $crate::Operation::encode
            pub fn encode(
                &self,
                options: $crate::Options,
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::core::result::Result<usize, $crate::Report> {
                $crate::Operation::encode(self, options, out)
            }
        }
    };
}
