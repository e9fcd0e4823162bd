//! [`Kuroneko`]: Yamato Kuroneko Web Collect as a [`Gateway`] of japay-client: its spec and operations, its answer
//! reader (each body decoded once, kept with its body in an [`OwnedAnswer`]) and its outcome tables.

use japay_client::{Gateway, Reconciled};
use japay_core::Options;
use japay_core::outcome::{OutcomeError, OutcomeSummary};
use japay_core::spec::{GatewaySpec, OperationSpec};
use kuroneko_proto::AnswerError;
use kuroneko_proto::generated::{GATEWAY, OPERATIONS, OUTCOMES, SECRET_NAMES};

/// Kuroneko's decoded answer: the value elements of `<return>` and its repeated groups, in document order.
pub type Decoded<'b> = kuroneko_proto::Answer<'b>;

self_cell::self_cell!(
    /// An answer body and the answer decoded from it, kept together so that the body is decoded once.
    pub struct OwnedAnswer {
        owner: Vec<u8>,
        #[covariant]
        dependent: Decoded,
    }
);

/// Yamato Kuroneko Web Collect, the gateway of [`Client`](crate::Client).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Kuroneko;

impl Gateway for Kuroneko {
    const SPEC: &'static GatewaySpec = &GATEWAY;
    const OPERATIONS: &'static [&'static OperationSpec] = OPERATIONS;

    type Answer<'b> = Decoded<'b>;
    type OwnedAnswer = OwnedAnswer;
    type ParseError = AnswerError;

    /// Reads the `<return>` document strictly (UTF-8 only, every answer shape; see [`kuroneko_proto::answer`]),
    /// the values of the generated [`SECRET_NAMES`] redacted in `Debug`, exactly as the generated views' `parse`.
    fn read(_: &'static OperationSpec, _: Options, body: Vec<u8>) -> Result<OwnedAnswer, AnswerError> {
        OwnedAnswer::try_new(body, |body| Decoded::parse_with_secrets(body, SECRET_NAMES))
    }

    fn body(owned: &OwnedAnswer) -> &[u8] {
        owned.borrow_owner()
    }

    fn answer(owned: &OwnedAnswer) -> &Decoded<'_> {
        owned.borrow_dependent()
    }

    /// The operation's generated `summarize`, from [`OUTCOMES`]; `None` for an operation whose spec lists no
    /// outcomes.
    fn summarize<'a>(
        operation: &'static OperationSpec,
        answer: &'a Decoded<'_>,
    ) -> Option<Result<OutcomeSummary<'a>, OutcomeError>> {
        let (_, summarize) = OUTCOMES.iter().find(|(name, _)| *name == operation.name)?;
        Some(summarize(answer))
    }

    fn reconciled(lookup: &'static OperationSpec, key: &str, answer: &Decoded<'_>) -> Reconciled {
        crate::reconcile::reconciled(lookup, key, answer)
    }
}
