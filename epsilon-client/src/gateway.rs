//! [`Epsilon`]: GMO Epsilon as a [`Gateway`] of japay-client: its spec and operations, its answer reader (each body
//! decoded once, kept with its body in an [`OwnedAnswer`]) and its outcome tables.

use epsilon_proto::exchange::answer_version;
use epsilon_proto::generated::{GATEWAY, OUTCOMES};
use epsilon_proto::{OPERATIONS, Options, ParseError};
use japay_client::{Gateway, Reconciled};
use japay_core::outcome::{OutcomeError, OutcomeSummary};
use japay_core::spec::{GatewaySpec, OperationSpec};

/// Epsilon's decoded answer: every `<result NAME="VALUE"/>` attribute, decoded, in document order.
pub type Decoded<'b> = epsilon_proto::Answer<'b>;

self_cell::self_cell!(
    /// An answer body and the answer decoded from it, kept together so that the body is decoded once.
    pub struct OwnedAnswer {
        owner: Vec<u8>,
        #[covariant]
        dependent: Decoded,
    }
);

/// GMO Epsilon, the gateway of [`Client`](crate::Client).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Epsilon;

impl Gateway for Epsilon {
    const SPEC: &'static GatewaySpec = &GATEWAY;
    const OPERATIONS: &'static [&'static OperationSpec] = OPERATIONS;

    type Answer<'b> = Decoded<'b>;
    type OwnedAnswer = OwnedAnswer;
    type ParseError = ParseError;

    /// Decodes the body in the charset the request's transport implies ([`answer_version`]), refusing conflicting
    /// duplicates of every attribute the operation's answer lists, exactly as the operation's view's `parse_for`.
    fn read(operation: &'static OperationSpec, options: Options, body: Vec<u8>) -> Result<OwnedAnswer, ParseError> {
        let version = answer_version(operation, options);
        OwnedAnswer::try_new(body, |body| match operation.response {
            Some(spec) => Decoded::parse_typed(body, version, spec),
            None => Decoded::parse(body, version),
        })
    }

    fn body(owned: &OwnedAnswer) -> &[u8] {
        owned.borrow_owner()
    }

    fn answer(owned: &OwnedAnswer) -> &Decoded<'_> {
        owned.borrow_dependent()
    }

    /// The operation's generated `summarize`, from [`OUTCOMES`].
    fn summarize<'a>(
        operation: &'static OperationSpec,
        answer: &'a Decoded<'_>,
    ) -> Option<Result<OutcomeSummary<'a>, OutcomeError>> {
        let (_, summarize) = OUTCOMES.iter().find(|(name, _)| *name == operation.name)?;
        Some(summarize(answer))
    }

    fn reconciled(lookup: &'static OperationSpec, _key: &str, answer: &Decoded<'_>) -> Reconciled {
        crate::reconcile::reconciled(lookup, answer)
    }
}
