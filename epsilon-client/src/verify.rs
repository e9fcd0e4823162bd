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
    /// The authorisation failed without an answer (or was invalid and never sent), and getsales2 shows no
    /// authorised order: nothing is authorised.
    Authorize(ClientError),
    /// The authorisation's answer fits no documented outcome, and getsales2 shows nothing held.
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
/// [`VerifyError::Authorize`] when the authorisation failed and getsales2 shows nothing held,
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
                    return match state_of(client, &request).await {
                        Ok(Some(state)) if HELD.contains(&state.as_str()) => {
                            void(client, &request, Some(state), None).await
                        }
                        Ok(_) => Err(VerifyError::Unreadable { reason }),
                        Err(lookup) => Err(VerifyError::Outstanding {
                            order_number,
                            state: None,
                            reason: format!("{reason}; getsales2 failed: {lookup}"),
                        }),
                    };
                }
            }
        }
        Err(ClientError::Unconfirmed { reconciled: Reconciled::Found { state, transaction, .. }, .. })
            if HELD.contains(&state.as_str()) =>
        {
            // authorised although its answer was lost: the card is good, and the ¥1 must go
            transaction.map(|id| id.value)
        }
        Err(error @ ClientError::Unconfirmed { reconciled: Reconciled::Unknown { .. }, .. }) => {
            return Err(VerifyError::Outstanding {
                order_number,
                state: None,
                reason: format!("the authorisation's answer was lost and getsales2 did not say: {error}"),
            });
        }
        Err(error) => return Err(VerifyError::Authorize(error)),
    };
    void(client, &request, Some("5".to_owned()), trans_code).await
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
        state = match client.call(&void).await {
            Ok(exchange) => {
                if matches!(exchange.view().outcome(), Ok(VoidOutcome::Voided)) {
                    return Ok(verified(trans_code));
                }
                reason = format!("the void answered {}", exchange.outcome_name());
                match state_of(client, request).await {
                    Ok(state) => state,
                    Err(error) => return Err(outstanding(state, format!("{reason}; getsales2 failed: {error}"))),
                }
            }
            Err(ClientError::Unconfirmed { reconciled: Reconciled::Found { state, .. }, .. }) => {
                reason = "the void's answer was lost".to_owned();
                Some(state)
            }
            Err(error) => return Err(outstanding(state, format!("the void failed: {error}"))),
        };
    }
    match state.as_deref() {
        Some(CANCELLED) => Ok(verified(trans_code)),
        _ => Err(outstanding(state, format!("{reason}, {VOIDS} times"))),
    }
}

/// The state getsales2 shows for `request`'s order: `None` when it knows no such order.
async fn state_of(client: &Client, request: &CardPayment<'_>) -> Result<Option<String>, ClientError> {
    let lookup =
        OrderInfo { contract_code: request.contract_code, order_number: Some(request.order_number), trans_code: None };
    let exchange = client.call(&lookup).await?;
    let view = exchange.view();
    Ok(match view.outcome() {
        Ok(OrderInfoOutcome::Found) => view.state().map(|s| s.value().to_owned()),
        _ => None,
    })
}
