//! What a message teaches about who its customer is, written in the message's own batch: the
//! link between their phone number and their business-scoped user ID (BSUID), their parent BSUID
//! and username (`customer_identities`, per number), and the re-filing of what was stored under
//! the BSUID before the phone number was known — so a customer who gains or shows a username
//! keeps one history (the linking rule: `switchboard_core::customer_identity::Filing`).
//!
//! The re-filing reads the link in SQL, inside the batch, rather than trusting what the context
//! read saw: two deliveries at once (one with the phone number, one without) are serialized by
//! D1, and whichever batch runs second finds the link the first one wrote and moves the other's
//! rows. Each re-filing statement acts only if this batch inserted the message row, so a
//! redelivery changes nothing twice. One open conversation per customer and number holds after
//! every statement: when both keys have one open, the one the message went to stays open and
//! the other is closed (no close reason: it was merged, not reset or resolved) before it moves.

use switchboard_core::customer_identity::CustomerId;
use worker::D1PreparedStatement;

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::Db;

/// The phone number remembered for BSUID `?3` on number `?1`.
const LINKED: &str =
    "(SELECT i.phone FROM customer_identities i WHERE i.phone_number_id = ?1 AND i.bsuid = ?3)";
/// The batch inserted the message row `?2`.
const INSERTED: &str = "EXISTS (SELECT 1 FROM messages WHERE id = ?2)";
/// The conversation the message row `?2` went to.
const TARGET: &str = "(SELECT conversation_id FROM messages WHERE id = ?2)";

/// Remembers what `identity` says (None without a BSUID): the link when it names a phone number
/// too, the parent BSUID and the username — the newest word wins, and a missing one keeps what
/// was known. Also used for statuses that name both (`recipient_id` and `recipient_user_id`), so
/// a customer we wrote to by phone is found when they next write with only their BSUID.
pub fn remember(
    db: &Db,
    identity: &Identity<'_>,
) -> Result<Option<D1PreparedStatement>, EdgeError> {
    let Some(bsuid) = identity.customer.bsuid() else {
        return Ok(None);
    };
    let newer = |column: &str| {
        format!(
            "{column} = CASE WHEN excluded.updated_at >= updated_at \
               THEN COALESCE(excluded.{column}, {column}) ELSE COALESCE({column}, excluded.{column}) END"
        )
    };
    db.stmt(
        &format!(
            "INSERT INTO customer_identities (phone_number_id, bsuid, phone, parent_bsuid, username, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (phone_number_id, bsuid) DO UPDATE SET {}, {}, {}, updated_at = MAX(updated_at, excluded.updated_at)",
            newer("phone"),
            newer("parent_bsuid"),
            newer("username")
        ),
        args![
            identity.phone_number_id,
            bsuid,
            identity.customer.phone(),
            identity.customer.parent_bsuid(),
            identity.username,
            identity.at
        ],
    )
    .map(Some)
}

/// What a message says about its customer.
pub struct Identity<'a> {
    pub phone_number_id: &'a str,
    pub customer: &'a CustomerId,
    /// `contacts[].profile.username`, when the change's contacts describe the customer.
    pub username: Option<&'a str>,
    /// The message's own timestamp: the newest word on the username and the link wins.
    pub at: i64,
}

/// The statements to put in the message's batch after the message row and before its effects
/// (so an edit or reaction finds its target under the key it is filed under now): remember, then
/// re-file. None for a customer without a BSUID (nothing to link, no username).
pub fn statements(
    db: &Db,
    identity: &Identity<'_>,
    row_id: &str,
) -> Result<Vec<D1PreparedStatement>, EdgeError> {
    let Some(bsuid) = identity.customer.bsuid() else {
        return Ok(Vec::new());
    };
    let (number, at) = (identity.phone_number_id, identity.at);
    let merge_open = db.stmt(
        &format!(
            "UPDATE conversations SET status = 'closed', close_reason = NULL, closed_at = ?4 \
             WHERE phone_number_id = ?1 AND status = 'open' AND wa_id IN (?3, {LINKED}) \
               AND {LINKED} IS NOT NULL AND {INSERTED} AND id != {TARGET} \
               AND EXISTS (SELECT 1 FROM conversations t WHERE t.id = {TARGET} AND t.status = 'open')"
        ),
        args![number, row_id, bsuid, at],
    )?;
    let refile_conversations = db.stmt(
        &format!(
            "UPDATE conversations SET wa_id = {LINKED} \
             WHERE phone_number_id = ?1 AND wa_id = ?3 AND {LINKED} IS NOT NULL AND {INSERTED} \
               AND (status != 'open' OR NOT EXISTS (SELECT 1 FROM conversations o \
                 WHERE o.phone_number_id = ?1 AND o.wa_id = {LINKED} AND o.status = 'open'))"
        ),
        args![number, row_id, bsuid],
    )?;
    let refile_messages = db.stmt(
        &format!(
            "UPDATE messages SET wa_id = {LINKED} \
             WHERE phone_number_id = ?1 AND wa_id = ?3 AND {LINKED} IS NOT NULL AND {INSERTED} \
               AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = messages.conversation_id AND c.wa_id = ?3)"
        ),
        args![number, row_id, bsuid],
    )?;
    Ok(remember(db, identity)?
        .into_iter()
        .chain([merge_open, refile_conversations, refile_messages])
        .collect())
}
