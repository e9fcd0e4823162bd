//! Stored cards (お預かりカード): A03 `creditInfoGet`, A04 `creditInfoUpdate`, A05 `creditInfoDelete`.
//!
//! Every call carries `check_sum` = lowercase hex SHA-256 of `member_id` ‖ `authentication_key` ‖ the access key
//! (facts §2.1, §5.1), verified before the handler by the spec's `computed` rule ([`crate::api`]): a wrong one is
//! the layout code of `check_sum` with check 71 (A031010571, A041010571, A051010571). A04 and A05 carry the card's `last_credit_date` as an optimistic lock (A043000001, A053000001 when it
//! is not the stored one); an unknown `card_key` is its layout code with check 51. A member has at most 3 cards
//! (`card_key` 1–3), stored by A08 (a token with `optServDiv` 01) or A01.

use japay_sandbox::Tx;

use super::Ctx;
use crate::store::{self, Card};

/// `cardUnit` and the `cardData` rows of a member's cards.
fn card_list(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let cards = store::cards(tx, ctx.trader, ctx.get("member_id"))?;
    let mut w = ctx.ok();
    w.element("cardUnit", &cards.len().to_string());
    for card in &cards {
        let key = card.card_key.to_string();
        w.group(
            "cardData",
            &[
                ("cardKey", &key),
                ("maskingCardNo", &card.card_mask),
                ("cardExp", &card.card_exp),
                ("cardOwner", &card.card_owner),
                ("cardCodeApi", &card.card_code_api),
                ("lastCreditDate", &card.last_credit_date),
                ("subscriptionFlg", "0"),
                ("regularFlg", "0"),
            ],
        );
    }
    Ok(w.finish())
}

/// The card `card_key` of the member, or the answer when there is none.
fn card(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<Result<Card, String>> {
    let key = ctx.get("card_key");
    let found = store::cards(tx, ctx.trader, ctx.get("member_id"))?.into_iter().find(|c| c.card_key.to_string() == key);
    Ok(found.ok_or_else(|| ctx.fail_field("card_key", "51")))
}

/// A03 `creditInfoGet`: the member's cards.
pub(crate) fn credit_info_get(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    card_list(tx, ctx)
}

/// A04 `creditInfoUpdate`: the expiry, holder or card company of a card (names uncertain, facts §2.2); nothing to
/// change is A043000002.
pub(crate) fn credit_info_update(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let mut card = match card(tx, ctx)? {
        Ok(card) => card,
        Err(answer) => return Ok(answer),
    };
    if ctx.get("last_credit_date") != card.last_credit_date {
        return Ok(ctx.fail("A043000001"));
    }
    let before = (card.card_exp.clone(), card.card_owner.clone(), card.card_code_api.clone());
    for (name, slot) in [
        ("card_exp", &mut card.card_exp),
        ("card_owner", &mut card.card_owner),
        ("card_code_api", &mut card.card_code_api),
    ] {
        if !ctx.get(name).is_empty() {
            ctx.get(name).clone_into(slot);
        }
    }
    if (card.card_exp.clone(), card.card_owner.clone(), card.card_code_api.clone()) == before {
        return Ok(ctx.fail("A043000002"));
    }
    card.last_credit_date = ctx.stamp();
    store::put_card(tx, &card)?;
    Ok(ctx.ok().finish())
}

/// A05 `creditInfoDelete`: the card is deleted; the answer lists the cards left.
pub(crate) fn credit_info_delete(tx: &Tx<'_>, ctx: &Ctx<'_>) -> rusqlite::Result<String> {
    let card = match card(tx, ctx)? {
        Ok(card) => card,
        Err(answer) => return Ok(answer),
    };
    if ctx.get("last_credit_date") != card.last_credit_date {
        return Ok(ctx.fail("A053000001"));
    }
    store::delete_card(tx, ctx.trader, &card.member_id, card.card_key)?;
    card_list(tx, ctx)
}
