//! [`Answered`]: what ties a request type to the typed view of its answer, so that a runtime generic over the
//! operation can hand its caller the right view.

use crate::Operation;

/// An outgoing operation whose answer a gateway crate decodes and shows through a typed view.
///
/// A gateway's answer reader decodes a body once into the gateway's decoded answer ([`Answered::Answer`]: its
/// name → value pairs, borrowing the body); [`Answered::view`] wraps that decoded answer in the operation's typed
/// view without reading the body again. A runtime keeps the decoded answer and gives its caller the view of the
/// request type it was called with.
///
/// ```
/// use japay_core::charset::TextPolicy;
/// use japay_core::spec::{GatewaySpec, OperationSpec};
/// use japay_core::{Answered, Operation};
///
/// static GATEWAY: GatewaySpec = GatewaySpec::new("demo", "a demo gateway", TextPolicy::new());
/// static PING: OperationSpec = OperationSpec::new("ping", &GATEWAY, "ping");
///
/// struct Ping;
/// impl Operation for Ping {
///     const SPEC: &'static OperationSpec = &PING;
///     type Values<'s> = [Option<&'s str>; 0];
///     fn values(&self) -> Self::Values<'_> {
///         []
///     }
/// }
///
/// /// The demo gateway's decoded answer: `name=value` pairs.
/// type Pairs<'b> = Vec<(&'b str, &'b str)>;
///
/// /// The typed view of a ping's answer.
/// struct PingView<'b>(Pairs<'b>);
/// impl PingView<'_> {
///     fn pong(&self) -> Option<&str> {
///         self.0.iter().find(|(name, _)| *name == "pong").map(|(_, value)| *value)
///     }
/// }
///
/// impl Answered for Ping {
///     type Answer<'b> = Pairs<'b>;
///     type View<'b> = PingView<'b>;
///     fn view<'b>(answer: Self::Answer<'b>) -> Self::View<'b> {
///         PingView(answer)
///     }
/// }
///
/// let view = Ping::view(vec![("pong", "1")]);
/// assert_eq!(view.pong(), Some("1"));
/// ```
pub trait Answered: Operation {
    /// The gateway's decoded answer (the same type for every operation of a gateway), borrowing the body.
    type Answer<'b>;

    /// The operation's typed view over a decoded answer (its accessors and its outcome).
    type View<'b>;

    /// The typed view of `answer`, a decoded answer of this operation. Wraps it; never reads a body.
    ///
    /// (An impl spells the signature with `Self::Answer<'b>` and `Self::View<'b>`, as here.)
    fn view<'b>(answer: Self::Answer<'b>) -> Self::View<'b>;
}
