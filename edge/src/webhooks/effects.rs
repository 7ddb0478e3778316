//! What a stored message does to earlier ones: an edit replaces what the original says and keeps
//! what it said before, a revoke marks it deleted by its sender, a reaction puts its emoji on it
//! (a reaction without one takes it off), a number change moves the customer's record to the new
//! number, and a click-to-WhatsApp referral is kept on the conversation.
//!
//! Every statement runs in the batch that inserts the message and acts only if that batch
//! inserted its row (`row_id`), so a redelivery, dropped by `INSERT OR IGNORE`, changes nothing
//! twice. Targets are looked up in the same customer's thread on the same number: nobody edits,
//! deletes or reacts to a message of another customer's. An effect whose target is not stored
//! (yet) does nothing; the message itself stays in the thread and the inbox shows it on its own.

use switchboard_core::customer_identity::IdentityMove;
use switchboard_core::webhook::{InboundMessage, MessageContent};
use worker::D1PreparedStatement;

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::Db;

/// Who a message is from, as the effects need it.
pub struct Source<'a> {
    /// The id of the row the batch inserts for this message.
    pub row_id: &'a str,
    pub phone_number_id: &'a str,
    /// The customer's filing key (phone number, else BSUID).
    pub customer: &'a str,
    /// A Business-app echo (the business's own message) rather than the customer's.
    pub outbound: bool,
}

/// The statements that apply `message`'s effects, none for most messages.
pub fn effects(
    db: &Db,
    source: &Source<'_>,
    message: &InboundMessage,
) -> Result<Vec<D1PreparedStatement>, EdgeError> {
    const INSERTED: &str = "EXISTS (SELECT 1 FROM messages WHERE id = ?1)";
    let own = if source.outbound {
        "outbound"
    } else {
        "inbound"
    };
    let (row, number, customer, at) = (
        source.row_id,
        source.phone_number_id,
        source.customer,
        message.timestamp,
    );
    let mut statements = Vec::new();
    match &message.content {
        MessageContent::Edit {
            original_message_id,
            content,
        } => {
            let text = content.text();
            let content = serde_json::to_string(content).ok();
            statements.push(db.stmt(
                &format!(
                    "UPDATE messages SET edit_history = json_insert(COALESCE(edit_history, '[]'), '$[#]', \
                       json_object('text', text, 'content', json(COALESCE(content, 'null')), 'until', CAST(?6 AS INTEGER))), \
                     text = ?7, content = ?8, edited_at = ?6 \
                     WHERE wamid = ?2 AND phone_number_id = ?3 AND wa_id = ?4 AND direction = ?5 \
                       AND COALESCE(edited_at, 0) < ?6 AND {INSERTED}"
                ),
                args![row, original_message_id, number, customer, own, at, text.as_deref(), content.as_deref()],
            )?);
        }
        MessageContent::Revoke {
            original_message_id,
        } => statements.push(db.stmt(
            &format!(
                "UPDATE messages SET revoked_at = ?6 \
                 WHERE wamid = ?2 AND phone_number_id = ?3 AND wa_id = ?4 AND direction = ?5 \
                   AND revoked_at IS NULL AND {INSERTED}"
            ),
            args![row, original_message_id, number, customer, own, at],
        )?),
        MessageContent::Reaction { message_id, emoji } if source.outbound => {
            statements.push(db.stmt(
                &format!(
                    "UPDATE messages SET agent_reaction = ?5 \
                     WHERE wamid = ?2 AND phone_number_id = ?3 AND wa_id = ?4 AND {INSERTED}"
                ),
                args![row, message_id, number, customer, emoji.as_deref()],
            )?)
        }
        MessageContent::Reaction { message_id, emoji } => statements.push(db.stmt(
            &format!(
                "UPDATE messages SET customer_reaction = ?5, customer_reaction_at = ?6 \
                 WHERE wamid = ?2 AND phone_number_id = ?3 AND wa_id = ?4 \
                   AND COALESCE(customer_reaction_at, 0) <= ?6 AND {INSERTED}"
            ),
            args![row, message_id, number, customer, emoji.as_deref(), at],
        )?),
        _ => {}
    }
    if let Some(moved) = message.identity_move() {
        statements.extend(identity_move(db, source, &moved, message.timestamp)?);
    }
    if let Some(referral) = &message.referral {
        let referral = serde_json::to_string(referral).ok();
        statements.push(db.stmt(
            "UPDATE conversations SET referral = ?2 WHERE referral IS NULL \
             AND id = (SELECT conversation_id FROM messages WHERE id = ?1)",
            args![row, referral.as_deref()],
        )?);
    }
    Ok(statements)
}

/// The customer's record follows their new number (or BSUID): their conversations and messages
/// on this number are filed under the new key. An open conversation moves only if the new key
/// has none open (one open conversation per customer and number).
fn identity_move(
    db: &Db,
    source: &Source<'_>,
    moved: &IdentityMove,
    moved_at: i64,
) -> Result<Vec<D1PreparedStatement>, EdgeError> {
    let Some(to) = moved.to.phone().or(moved.to.bsuid()) else {
        return Ok(Vec::new());
    };
    let at = moved_at;
    let mut statements = Vec::new();
    // The new BSUID inherits what was known of the old one (its phone number, unless the move
    // names a new one; its username), so a later message naming only the new BSUID finds the
    // customer's history.
    if let Some(new_bsuid) = moved.to.bsuid() {
        statements.push(db.stmt(
            "INSERT INTO customer_identities (phone_number_id, bsuid, phone, parent_bsuid, username, updated_at) \
             SELECT ?2, ?3, COALESCE(?4, (SELECT i.phone FROM customer_identities i WHERE i.phone_number_id = ?2 AND i.bsuid = ?5)), ?6, \
               (SELECT i.username FROM customer_identities i WHERE i.phone_number_id = ?2 AND i.bsuid = ?5), ?7 \
             WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?1) \
             ON CONFLICT (phone_number_id, bsuid) DO UPDATE SET phone = COALESCE(excluded.phone, phone), \
               parent_bsuid = COALESCE(excluded.parent_bsuid, parent_bsuid), username = COALESCE(username, excluded.username), \
               updated_at = MAX(updated_at, excluded.updated_at)",
            args![
                source.row_id,
                source.phone_number_id,
                new_bsuid,
                moved.to.phone(),
                moved.from.bsuid(),
                moved.to.parent_bsuid(),
                at
            ],
        )?);
    }
    for from in [moved.from.phone(), moved.from.bsuid()]
        .into_iter()
        .flatten()
        .filter(|from| *from != to)
    {
        statements.push(db.stmt(
            "UPDATE conversations SET wa_id = ?4 \
             WHERE phone_number_id = ?2 AND wa_id = ?3 AND EXISTS (SELECT 1 FROM messages WHERE id = ?1) \
               AND (status != 'open' OR NOT EXISTS (SELECT 1 FROM conversations o \
                 WHERE o.phone_number_id = ?2 AND o.wa_id = ?4 AND o.status = 'open'))",
            args![source.row_id, source.phone_number_id, from, to],
        )?);
        statements.push(db.stmt(
            "UPDATE messages SET wa_id = ?4 \
             WHERE phone_number_id = ?2 AND wa_id = ?3 AND EXISTS (SELECT 1 FROM messages WHERE id = ?1)",
            args![source.row_id, source.phone_number_id, from, to],
        )?);
    }
    Ok(statements)
}
