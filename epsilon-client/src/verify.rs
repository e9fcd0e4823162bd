//! [`verify_card`]: a card checked by authorising ¥1 and voiding it, with nothing left authorised.

use std::fmt;

use epsilon_proto::{CardPayment, CardPaymentOutcome, OrderInfo, OrderInfoOutcome, Void, VoidOutcome};

use crate::{Client, ClientError, Reconciled};

/// The amount authorised: ¥1, the smallest the facts show accepted (active_merchant-epsilon's `verify` sends
/// `item_price=1`, recorded accepted: CAS:verify_successful; facts §6).
pub const VERIFY_AMOUNT: &str = "1";

/// The states of an order that still holds money (facts §3.7): `5` 仮売上 (authorised) and `1` 課金済み.
const HELD: [&str; 2] = ["5", "1"];

/// The state of a cancelled order (facts §3.7).
const CANCELLED: &str = "9";

/// How many voids are sent at most: the first, and one more when getsales2 shows the first did not take effect.
const VOIDS: usize = 2;

/// A card verified: ¥1 was authorised and is voided.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The order number of the ¥1 authorisation (used up: Epsilon never accepts it again).
    pub order_number: String,
    /// Its transaction code, when the authorisation's answer or getsales2 gave one.
    pub trans_code: Option<String>,
}

/// Why a card is not verified.
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyError {
    /// The gateway declined the authorisation: nothing is authorised.
    Declined {
        /// The `err_code` (empty when the answer had none).
        code: String,
    },
    /// The card needs 3-D Secure (the authorisation answered an ACS page): nothing is authorised until its second
    /// leg, which this helper does not run.
    NeedsThreeDSecure,
    /// The authorisation was not sent (an invalid request, or no HTTP client): nothing is authorised.
    Authorize(ClientError),
    /// The authorisation's answer was lost or unusable (an HTML page, a body that fits no documented outcome), and
    /// getsales2 shows nothing held: nothing is authorised, and whether the card is good is not known.
    Unreadable {
        /// What was wrong with the answer.
        reason: String,
    },
    /// The ¥1 authorisation may still stand: it was authorised (or its state is unknown) and no void could be
    /// confirmed. Void `order_number` (or check it in the admin screen) before anything else.
    Outstanding {
        /// The order number of the authorisation.
        order_number: String,
        /// The state getsales2 last showed, when it answered.
        state: Option<String>,
        /// What went wrong.
        reason: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("card not verified: ")?;
        match self {
            VerifyError::Declined { code } => write!(f, "the authorisation was declined (err_code {code:?})"),
            VerifyError::NeedsThreeDSecure => f.write_str("the card needs 3-D Secure, expected a plain authorisation"),
            VerifyError::Authorize(error) => write!(f, "the authorisation failed: {error}"),
            VerifyError::Unreadable { reason } => f.write_str(reason),
            VerifyError::Outstanding { order_number, state, reason } => write!(
                f,
                "order {order_number} may still be authorised (state {}): {reason}",
                state.as_deref().unwrap_or("unknown")
            ),
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::Authorize(error) => Some(error),
            _ => None,
        }
    }
}

/// Verifies a card: authorises [`VERIFY_AMOUNT`] (¥1) on `card` and voids it, so that nothing stays authorised.
///
/// `card` is sent with `item_price` ¥1, `kari_flag=1` (authorise only), `mission_code=1` (one-off, never a
/// subscription) and one-time payment (`card_st_code`, `pay_time` unset); its order number is used up. Neither call
/// is retried blindly (japay-client's policy): after a lost answer the client's getsales2 reconciliation says what
/// happened. An authorisation found in getsales2 is voided; a void whose answer is lost, or that is refused, is
/// checked with getsales2 and sent once more only when the order still holds the money.
///
/// ```no_run
/// # async fn demo(client: epsilon_client::Client) -> Result<(), epsilon_client::VerifyError> {
/// use epsilon_proto::CardPayment;
///
/// let card = CardPayment {
///     contract_code: "12345678",
///     user_id: "U0001",
///     user_name: "YAMADA TARO",
///     user_mail_add: "taro@example.com",
///     item_code: "verify",
///     item_name: "card check",
///     order_number: "V0001",
///     process_code: "1",
///     token: Some("…"), // from Epsilon's token.js
///     ..Default::default()
/// };
/// let verified = epsilon_client::verify_card(&client, &card).await?;
/// println!("card ok, {} voided", verified.order_number);
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`VerifyError::Declined`] or [`VerifyError::NeedsThreeDSecure`] (nothing authorised),
/// [`VerifyError::Authorize`] (not sent) or [`VerifyError::Unreadable`] (no usable answer, and getsales2 shows
/// nothing held),
/// [`VerifyError::Outstanding`] when the ¥1 may still be authorised.
pub async fn verify_card(client: &Client, card: &CardPayment<'_>) -> Result<Verified, VerifyError> {
    let request = CardPayment {
        item_price: VERIFY_AMOUNT,
        kari_flag: Some("1"),
        mission_code: "1",
        card_st_code: None,
        pay_time: None,
        ..*card
    };
    let order_number = request.order_number.to_owned();
    let trans_code = match client.call(&request).await {
        Ok(exchange) => {
            let view = exchange.view();
            match view.outcome() {
                Ok(CardPaymentOutcome::Authorized) => view.trans_code().map(str::to_owned),
                Ok(CardPaymentOutcome::ThreeDSecure1 { .. } | CardPaymentOutcome::ThreeDSecure2 { .. }) => {
                    return Err(VerifyError::NeedsThreeDSecure);
                }
                Ok(_) => {
                    return Err(VerifyError::Declined {
                        code: exchange.answer().get("err_code").unwrap_or("").to_owned(),
                    });
                }
                Err(error) => {
                    // an answer that fits no outcome is never guessed: getsales2 says whether the ¥1 is held
                    let reason = format!("the authorisation's answer fits no documented outcome ({error})");
                    return after_unusable(client, &request, reason).await;
                }
            }
        }
        Err(ClientError::Unconfirmed { reconciled, .. }) => match reconciled {
            // authorised although its answer was lost: the card is good, and the ¥1 must go
            Reconciled::Found { state, transaction, .. } if HELD.contains(&state.as_str()) => {
                transaction.map(|id| id.value)
            }
            Reconciled::Found { state, .. } => {
                return Err(VerifyError::Unreadable {
                    reason: format!("the authorisation's answer was lost; getsales2 shows state {state}, nothing held"),
                });
            }
            Reconciled::NotFound => {
                return Err(VerifyError::Unreadable {
                    reason: "the authorisation's answer was lost; getsales2 knows no such order".to_owned(),
                });
            }
            Reconciled::Unknown { reason } => {
                return Err(VerifyError::Outstanding {
                    order_number,
                    state: None,
                    reason: format!("the authorisation's answer was lost and getsales2 did not say: {reason}"),
                });
            }
            _ => {
                return Err(VerifyError::Outstanding {
                    order_number,
                    state: None,
                    reason: "the authorisation's answer was lost and its lookup is not understood".to_owned(),
                });
            }
        },
        // nothing was sent
        Err(error @ (ClientError::Invalid { .. } | ClientError::Build(_))) => {
            return Err(VerifyError::Authorize(error));
        }
        // sent, and answered with something that is not an answer (an HTML page, a body that does not parse)
        Err(error) => return after_unusable(client, &request, format!("the authorisation failed: {error}")).await,
    };
    void(client, &request, Some("5".to_owned()), trans_code).await
}

/// After an authorisation whose answer cannot be read: voids it when getsales2 shows it held, else says why not.
async fn after_unusable(client: &Client, request: &CardPayment<'_>, reason: String) -> Result<Verified, VerifyError> {
    match state_of(client, request).await {
        Ok(Some(state)) if HELD.contains(&state.as_str()) => void(client, request, Some(state), None).await,
        Ok(_) => Err(VerifyError::Unreadable { reason: format!("{reason}; getsales2 shows nothing held") }),
        Err(lookup) => Err(VerifyError::Outstanding {
            order_number: request.order_number.to_owned(),
            state: None,
            reason: format!("{reason}; {lookup}"),
        }),
    }
}

/// Voids the authorisation of `request` until getsales2 shows it cancelled; `state` is the last state known.
async fn void(
    client: &Client,
    request: &CardPayment<'_>,
    mut state: Option<String>,
    trans_code: Option<String>,
) -> Result<Verified, VerifyError> {
    let verified = |trans_code| Verified { order_number: request.order_number.to_owned(), trans_code };
    let outstanding =
        |state, reason| VerifyError::Outstanding { order_number: request.order_number.to_owned(), state, reason };
    let void = Void { contract_code: request.contract_code, order_number: request.order_number };
    let mut reason = String::new();
    for _ in 0..VOIDS {
        match state.as_deref() {
            Some(CANCELLED) => return Ok(verified(trans_code)),
            Some(held) if HELD.contains(&held) => {}
            _ if reason.is_empty() => {
                return Err(outstanding(state, "getsales2 shows neither an authorisation nor a void".to_owned()));
            }
            _ => return Err(outstanding(state, reason)),
        }
        let lookup = match client.call(&void).await {
            Ok(exchange) => {
                if matches!(exchange.view().outcome(), Ok(VoidOutcome::Voided)) {
                    return Ok(verified(trans_code));
                }
                format!("the void answered {}", exchange.outcome_name())
            }
            Err(ClientError::Unconfirmed { reconciled: Reconciled::Found { state: now, .. }, .. }) => {
                reason = "the void's answer was lost".to_owned();
                state = Some(now);
                continue;
            }
            Err(error @ (ClientError::Invalid { .. } | ClientError::Build(_))) => {
                return Err(outstanding(state, format!("the void was not sent: {error}")));
            }
            Err(error) => format!("the void failed: {error}"),
        };
        // a refusal, or an answer or a lookup that did not say: getsales2 says whether the void took effect
        state = match state_of(client, request).await {
            Ok(now) => now,
            Err(error) => return Err(outstanding(state, format!("{lookup}; {error}"))),
        };
        reason = lookup;
    }
    match state.as_deref() {
        Some(CANCELLED) => Ok(verified(trans_code)),
        _ => Err(outstanding(state, format!("{reason}, {VOIDS} times"))),
    }
}

/// The state getsales2 shows for `request`'s order (`None` when it knows no such order), or why it did not say.
async fn state_of(client: &Client, request: &CardPayment<'_>) -> Result<Option<String>, String> {
    let lookup =
        OrderInfo { contract_code: request.contract_code, order_number: Some(request.order_number), trans_code: None };
    let exchange = client.call(&lookup).await.map_err(|error| format!("getsales2 failed: {error}"))?;
    let view = exchange.view();
    match view.outcome() {
        Ok(OrderInfoOutcome::Found) => Ok(Some(view.state().map(|s| s.value().to_owned()).unwrap_or_default())),
        Ok(OrderInfoOutcome::NotFound) => Ok(None),
        _ => Err(format!("getsales2 answered {}", exchange.outcome_name())),
    }
}
