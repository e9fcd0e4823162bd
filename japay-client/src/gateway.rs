//! [`Gateway`]: what a gateway crate plugs into the client. The client knows operations only through their specs; a
//! gateway supplies its spec and operations, its answer reader, and how to read the answer of its lookup.

use japay_core::Options;
use japay_core::outcome::{OutcomeError, OutcomeSummary};
use japay_core::spec::{GatewaySpec, OperationSpec};

use crate::reconcile::Reconciled;

/// A payment gateway as the client sees it.
///
/// Everything the client decides comes from the specs: an operation's [`effect`](OperationSpec::effect) says
/// whether it may be sent again, its [`lookup`](OperationSpec::lookup) how a lost answer is reconciled (the lookup
/// operation is found by name in [`Gateway::OPERATIONS`]). The gateway adds what only it knows: how a body is
/// decoded ([`Gateway::read`], once per answer), what an answer means ([`Gateway::summarize`]) and what its
/// lookup's answer says about the call it looked up ([`Gateway::reconciled`]).
pub trait Gateway: Send + Sync + 'static {
    /// The gateway: its name, endpoints (for [`Environment`](japay_core::transport::Environment)) and transports.
    const SPEC: &'static GatewaySpec;

    /// Every operation of the gateway; a lookup's `via` names one of them.
    const OPERATIONS: &'static [&'static OperationSpec];

    /// The gateway's decoded answer: its name → value pairs, borrowing the body (the `Answer` of the gateway's
    /// [`Answered`](japay_core::Answered) request types).
    type Answer<'b>: Clone;

    /// A body kept together with its decoded answer, so that it is read once and handed out many times.
    type OwnedAnswer: Send + Sync + 'static;

    /// Why a body is not a valid answer of its operation.
    type ParseError: std::error::Error + Send + Sync + 'static;

    /// Decodes `body`, the answer to a request of `operation` sent with `options`, and keeps both.
    ///
    /// # Errors
    /// The gateway's reader's error when the body is not a valid answer of `operation`.
    fn read(
        operation: &'static OperationSpec,
        options: Options,
        body: Vec<u8>,
    ) -> Result<Self::OwnedAnswer, Self::ParseError>;

    /// The body as received.
    fn body(owned: &Self::OwnedAnswer) -> &[u8];

    /// The decoded answer, as [`Gateway::read`] decoded it.
    fn answer(owned: &Self::OwnedAnswer) -> &Self::Answer<'_>;

    /// What `answer`, an answer to `operation`, means, as a gateway-neutral summary; `None` when the operation
    /// documents no outcomes.
    fn summarize<'a>(
        operation: &'static OperationSpec,
        answer: &'a Self::Answer<'_>,
    ) -> Option<Result<OutcomeSummary<'a>, OutcomeError>>;

    /// What `answer`, the answer of the read operation `lookup` asked after a lost answer, says about the call it
    /// looked up; `key` is the value the lookup was keyed by (the call's own, [`Lookup::key`]), so a gateway can
    /// refuse an answer about another record instead of reading it as this one's.
    ///
    /// [`Lookup::key`]: japay_core::spec::Lookup::key
    fn reconciled(lookup: &'static OperationSpec, key: &str, answer: &Self::Answer<'_>) -> Reconciled;
}
