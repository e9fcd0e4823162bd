//! [`Exchange`]: one call's answer, decoded once and kept with its body, shown through the operation's typed view.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use japay_core::Answered;
use japay_core::outcome::{OutcomeError, OutcomeSummary};
use japay_core::spec::OperationSpec;

use crate::gateway::Gateway;

/// The gateway's answer to one call of operation `O`: the body as received, decoded once when it arrived
/// ([`Gateway::read`]), and what it means.
///
/// [`Exchange::view`] gives the operation's typed view (its accessors and `outcome()`), [`Exchange::answer`] the
/// decoded name → value pairs, [`Exchange::summary`] the gateway-neutral outcome; none of them reads the body again.
/// `O` only names the operation: an `Exchange` does not borrow the request, and an exchange of a request with short
/// borrows may be kept as the same operation with `'static` ones (`Exchange<G, LinkOrder<'static>>`).
pub struct Exchange<G: Gateway, O> {
    owned: G::OwnedAnswer,
    operation: &'static OperationSpec,
    outcome: String,
    elapsed: Duration,
    attempts: u32,
    // contravariant: an exchange of `O<'short>` is one of `O<'static>` too (it holds no `O`)
    _operation: PhantomData<fn(O)>,
}

impl<G: Gateway, O> Exchange<G, O> {
    /// The exchange of `owned`, the answer to a call of `operation` after `attempts` attempts.
    pub(crate) fn new(
        owned: G::OwnedAnswer,
        operation: &'static OperationSpec,
        elapsed: Duration,
        attempts: u32,
    ) -> Exchange<G, O> {
        let outcome = outcome_name(G::summarize(operation, G::answer(&owned)));
        Exchange { owned, operation, outcome, elapsed, attempts, _operation: PhantomData }
    }

    /// The operation's typed view of the answer (`LinkOrderResponse` for a `LinkOrder`): it wraps the answer decoded
    /// when it arrived (a copy of its decoded pairs, which borrow the kept body; the body is not read again).
    pub fn view<'a>(&'a self) -> O::View<'a>
    where
        O: Answered<Answer<'a> = G::Answer<'a>>,
    {
        O::view(G::answer(&self.owned).clone())
    }

    /// The decoded answer: every name → value pair, in the gateway's answer type.
    pub fn answer(&self) -> &G::Answer<'_> {
        G::answer(&self.owned)
    }

    /// What the answer means, gateway-neutral: the outcome's name and kind, the result value and a failure's error
    /// code. `None` when the operation documents no outcomes.
    ///
    /// # Errors
    /// Inside the option: the [`OutcomeError`] of an answer that is not exactly one documented outcome.
    pub fn summary(&self) -> Option<Result<OutcomeSummary<'_>, OutcomeError>> {
        G::summarize(self.operation, self.answer())
    }

    /// The outcome as the call's span recorded it: the outcome's name (`redirect`, `authorized`, …), `NAME:CODE` for
    /// an outcome with an error code (`failure:604`), `undecided` when the answer fits no documented outcome, or
    /// `answered` when the operation documents none.
    pub fn outcome_name(&self) -> &str {
        &self.outcome
    }

    /// The body as received.
    pub fn body(&self) -> &[u8] {
        G::body(&self.owned)
    }

    /// The operation's spec.
    pub fn operation(&self) -> &'static OperationSpec {
        self.operation
    }

    /// The time from sending the request to the end of the answer (of the attempt that answered).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// How many times the request was sent (more than once only for a read).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// Never the body: only its length (an answer may carry a token or a masked card).
impl<G: Gateway, O> fmt::Debug for Exchange<G, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("operation", &self.operation.name)
            .field("outcome", &self.outcome)
            .field("body_len", &self.body().len())
            .field("elapsed", &self.elapsed)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// The outcome name of a summary (see [`Exchange::outcome_name`]).
pub(crate) fn outcome_name(summary: Option<Result<OutcomeSummary<'_>, OutcomeError>>) -> String {
    match summary {
        None => "answered".into(),
        Some(Err(_)) => "undecided".into(),
        Some(Ok(summary)) => match summary.error {
            Some(code) => format!("{}:{}", summary.name, code.value()),
            None => summary.name.to_owned(),
        },
    }
}
