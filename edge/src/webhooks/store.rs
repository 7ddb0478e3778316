//! The webhook's D1 queries: where an inbound message goes (duplicate check and the reset
//! rule's neighbours), the atomic handoff claim, delivery statuses (applied, or kept until the
//! send they report is recorded), and the items kept aside as not understood or reported by
//! Meta. Unrouted changes have theirs in `unrouted.rs`.

use serde::Deserialize;
use switchboard_core::customer_identity::CustomerId;
use switchboard_core::reset::{Neighbour, UserHistory};
use switchboard_core::webhook::{MetaError, NotUnderstood, StatusUpdate, TimestampWindow};
use switchboard_core::webhook_wiring::ReportedError;
use worker::D1PreparedStatement;

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Db};

/// Slack allowed around a handoff code's lifetime when judged by the message's own timestamp:
/// phones and Meta's servers disagree by seconds, and a message typed just before expiry may
/// reach WhatsApp's servers a little after.
pub const HANDOFF_GRACE_SECONDS: i64 = 300;

#[derive(Deserialize)]
struct InboundContext {
    duplicate: i64,
    previous_at: Option<i64>,
    previous_conversation: Option<String>,
    next_at: Option<i64>,
    next_conversation: Option<String>,
    open_conversation: Option<String>,
    linked_phone: Option<String>,
}

/// What the one context read tells about an arriving message.
pub struct ArrivalContext {
    /// Its wamid is stored already.
    pub duplicate: bool,
    /// The thread around it, under every key of the customer.
    pub history: UserHistory<String>,
    /// The phone number remembered for the message's BSUID on this number (`customer_identities`).
    pub linked_phone: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeClaim {
    pub conversation_id: String,
    /// The Messenger visitor whose conversation was linked (their live room hears of it).
    pub visitor_id: Option<String>,
}

pub struct WebhookStore<'a>(pub &'a Db);

impl WebhookStore<'_> {
    /// In one round trip: whether `wamid` is already stored, and what the reset rule needs about
    /// the thread between the WhatsApp user and this number around `timestamp`. Each part is an
    /// index lookup. Neighbours are messages in either direction (an outbound one only if it did
    /// not fail; none of a handoff link an agent undid) whose time lies in the sane window, so a value stored before timestamps were
    /// bounded can never become a neighbour.
    pub async fn inbound_context(
        &self,
        phone_number_id: &str,
        customer: &CustomerId,
        timestamp: i64,
        wamid: &str,
        window: TimestampWindow,
    ) -> Result<ArrivalContext, EdgeError> {
        // The customer's keys (the linking rule, `CustomerId::filing`): their phone number (the
        // message's, else the one remembered for their BSUID) and their BSUID. The link is one
        // primary-key lookup, in this same read.
        const LINKED: &str = "(SELECT i.phone FROM customer_identities i WHERE i.phone_number_id = ?1 AND i.bsuid = ?7)";
        let keys = format!("wa_id IN (COALESCE(?2, {LINKED}), ?7)");
        let thread = |key: &str| {
            format!(
                "FROM messages WHERE phone_number_id = ?1 AND wa_id = {key} \
                 AND (direction = 'inbound' OR status IS NULL OR status != 'failed') AND detached_at IS NULL"
            )
        };
        let (phone_thread, bsuid_thread) =
            (thread(&format!("COALESCE(?2, {LINKED})")), thread("?7"));
        // The nearest message under either key: each key's nearest is one index step (LIMIT 1
        // in index order), and the nearer of the two wins.
        let nearest = |column: &str, range: &str, order: &str| {
            let one = |thread: &str| {
                format!("SELECT * FROM (SELECT sent_at, conversation_id {thread} AND {range} ORDER BY sent_at {order} LIMIT 1)")
            };
            format!(
                "(SELECT {column} FROM ({} UNION ALL {}) ORDER BY sent_at {order} LIMIT 1)",
                one(&phone_thread),
                one(&bsuid_thread)
            )
        };
        let (before, after) = (
            "sent_at <= ?3 AND sent_at >= ?5",
            "sent_at > ?3 AND sent_at <= ?6",
        );
        // With two open conversations (a phone one and a BSUID one not merged yet), the one under
        // the filing key is the one the reset rule may close; the write batch merges the other.
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM messages WHERE wamid = ?4) AS duplicate, \
             {} AS previous_at, {} AS previous_conversation, {} AS next_at, {} AS next_conversation, \
             (SELECT id FROM conversations WHERE phone_number_id = ?1 AND {keys} AND status = 'open' \
               ORDER BY wa_id = COALESCE(?2, {LINKED}, ?7) DESC, last_message_at DESC LIMIT 1) AS open_conversation, \
             {LINKED} AS linked_phone",
            nearest("sent_at", before, "DESC"),
            nearest("conversation_id", before, "DESC"),
            nearest("sent_at", after, "ASC"),
            nearest("conversation_id", after, "ASC"),
        );
        let row: Option<InboundContext> = self
            .0
            .stmt(
                &sql,
                args![
                    phone_number_id,
                    customer.phone(),
                    timestamp,
                    wamid,
                    window.earliest,
                    window.latest,
                    customer.bsuid()
                ],
            )?
            .first(None)
            .await?;
        let row =
            row.ok_or_else(|| EdgeError::Storage("context query returned no row".to_owned()))?;
        let neighbour = |at: Option<i64>, conversation: Option<String>| {
            Some(Neighbour {
                timestamp: at?,
                conversation: conversation?,
            })
        };
        Ok(ArrivalContext {
            duplicate: row.duplicate != 0,
            history: UserHistory {
                previous: neighbour(row.previous_at, row.previous_conversation),
                next: neighbour(row.next_at, row.next_conversation),
                open: row.open_conversation,
            },
            linked_phone: row.linked_phone,
        })
    }

    /// The first statement of the handoff batch: claims one of `codes` for message `wamid`,
    /// stamping `claim_token` (unique to this batch) so the batch's later statements act only
    /// if this claim happened. A code is claimable when it was issued for this number, the
    /// message's own time lies within its lifetime (± [`HANDOFF_GRACE_SECONDS`]), the message is
    /// not stored yet, and either it is unused and its conversation not yet handed off, or it
    /// was used by this very message (a redelivery whose first attempt died halfway re-claims
    /// its own code). Returns the conversation id when claimed.
    pub fn claim_code(
        &self,
        codes: &[&str],
        claim: &Claim<'_>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        let code = |i: usize| codes.get(i).copied();
        self.0.stmt(
            "UPDATE handoff_codes SET used_at = COALESCE(used_at, ?7), used_by_wa_id = ?6, used_by_wamid = ?5, claim_token = ?9 \
             WHERE code = (SELECT h.code FROM handoff_codes h WHERE h.code IN (?1, ?2, ?3, ?4) AND h.phone_number_id = ?10 \
               AND ?8 BETWEEN h.created_at - ?11 AND h.expires_at + ?11 \
               AND NOT EXISTS (SELECT 1 FROM messages WHERE wamid = ?5) \
               AND (h.used_by_wamid = ?5 OR (h.used_at IS NULL AND EXISTS \
                 (SELECT 1 FROM conversations c WHERE c.id = h.conversation_id AND c.handed_off_at IS NULL))) \
               ORDER BY h.used_by_wamid = ?5 DESC LIMIT 1) \
             RETURNING conversation_id, \
               (SELECT visitor_id FROM conversations WHERE id = handoff_codes.conversation_id) AS visitor_id",
            args![
                code(0),
                code(1),
                code(2),
                code(3),
                claim.wamid,
                claim.wa_id,
                claim.now,
                claim.message_timestamp,
                claim.token,
                claim.phone_number_id,
                HANDOFF_GRACE_SECONDS
            ],
        )
    }

    /// Closes the WhatsApp user's other open conversation on the number, if this batch claimed
    /// a code: the handoff supersedes it (reason `handoff`).
    pub fn close_others_for_claim(
        &self,
        claim: &Claim<'_>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.0.stmt(
            "UPDATE conversations SET status = 'closed', close_reason = 'handoff', closed_at = ?4 \
             WHERE phone_number_id = ?1 AND wa_id = ?2 AND status = 'open' \
               AND id != (SELECT conversation_id FROM handoff_codes WHERE claim_token = ?3)",
            args![claim.phone_number_id, claim.wa_id, claim.token, claim.now],
        )
    }

    /// The Messenger conversation of the claimed code continues on WhatsApp with this user and
    /// number (invariant "one-way handoff": `handed_off_at` is set once and never cleared here).
    pub fn link_claimed(
        &self,
        claim: &Claim<'_>,
        contact_name: Option<&str>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.0.stmt(
            "UPDATE conversations SET channel = 'whatsapp', phone_number_id = ?2, wa_id = ?3, \
             contact_name = COALESCE(?4, contact_name), handed_off_at = COALESCE(handed_off_at, ?5), \
             status = 'open', close_reason = NULL, closed_at = NULL \
             WHERE id = (SELECT conversation_id FROM handoff_codes WHERE claim_token = ?1)",
            args![
                claim.token,
                claim.phone_number_id,
                claim.wa_id,
                contact_name,
                claim.now
            ],
        )
    }

    /// Statements that apply one delivery status. Invariant "a status never moves backwards":
    /// the rank guard in the `WHERE`. A status for a wamid we have not recorded yet (the send's
    /// answer is still on its way to D1) is kept in `pending_statuses`, the highest rank winning;
    /// both statements run in one batch, so a send recorded in between cannot slip past both.
    ///
    /// First, a send whose answer never reached us (Graph timed out, so no wamid was recorded)
    /// is recognised by the callback data we sent with it (our message id) and adopts the wamid.
    pub fn apply_status(
        &self,
        update: &StatusUpdate,
        now: i64,
    ) -> Result<[D1PreparedStatement; 3], EdgeError> {
        let code = update.error.as_ref().map(|e| e.code);
        let title = update.error.as_ref().map(|e| e.title.as_str());
        let (status, rank) = (update.status.as_str(), update.status.rank());
        Ok([
            self.0.stmt(
                "UPDATE messages SET wamid = ?1, status = ?3, status_rank = ?4, error_code = ?5, error_title = ?6 \
                 WHERE id = ?2 AND direction = 'outbound' AND wamid IS NULL \
                   AND NOT EXISTS (SELECT 1 FROM messages WHERE wamid = ?1)",
                args![&update.wamid, update.callback_data.as_deref(), status, rank, code, title],
            )?,
            self.0.stmt(
                "UPDATE messages SET status = ?2, status_rank = ?3, error_code = COALESCE(?4, error_code), \
                 error_title = COALESCE(?5, error_title) \
                 WHERE wamid = ?1 AND direction = 'outbound' AND COALESCE(status_rank, -1) < ?3",
                args![&update.wamid, status, rank, code, title],
            )?,
            self.0.stmt(
                "INSERT INTO pending_statuses (wamid, status, status_rank, error_code, error_title, received_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM messages WHERE wamid = ?1) \
                 ON CONFLICT (wamid) DO UPDATE SET status = excluded.status, status_rank = excluded.status_rank, \
                 error_code = COALESCE(excluded.error_code, error_code), error_title = COALESCE(excluded.error_title, error_title) \
                 WHERE excluded.status_rank > pending_statuses.status_rank",
                args![&update.wamid, status, rank, code, title, now],
            )?,
        ])
    }

    /// Keeps an item we could not understand, once per identical item.
    pub fn keep_not_understood(
        &self,
        item: &NotUnderstood,
        now: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        let raw = item.raw.to_string();
        let id = hash(&[
            item.phone_number_id.as_deref().unwrap_or(""),
            &item.reason,
            &raw,
        ]);
        self.0.stmt(
            "INSERT OR IGNORE INTO not_understood_items (id, phone_number_id, received_at, path, reason, raw) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![
                &id,
                item.phone_number_id.as_deref(),
                now,
                &item.path,
                &item.reason,
                &raw
            ],
        )
    }

    /// Keeps an error Meta reported for a whole delivery; a redelivery of it is seen again.
    pub fn keep_meta_error(
        &self,
        phone_number_id: &str,
        error: &MetaError,
        now: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        let raw = error.raw.to_string();
        let fingerprint = hash(&[phone_number_id, &raw]);
        self.0.stmt(
            "INSERT INTO meta_errors (fingerprint, phone_number_id, code, title, message, details, raw, first_seen_at, last_seen_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) \
             ON CONFLICT (fingerprint) DO UPDATE SET last_seen_at = excluded.last_seen_at",
            args![
                &fingerprint,
                phone_number_id,
                error.code,
                error.title.as_deref(),
                error.message.as_deref(),
                error.details.as_deref(),
                &raw,
                now
            ],
        )
    }

    /// The errors Meta reported, newest first.
    pub async fn meta_errors(&self, limit: i64) -> Result<Vec<ReportedError>, EdgeError> {
        decode_rows(
            &self
                .0
                .stmt(
                    "SELECT phone_number_id, code, title, message, details, first_seen_at, last_seen_at \
                     FROM meta_errors ORDER BY last_seen_at DESC LIMIT ?1",
                    args![limit],
                )?
                .all()
                .await?,
            "meta errors",
        )
    }

    pub async fn not_understood(&self, limit: i64) -> Result<Vec<serde_json::Value>, EdgeError> {
        decode_rows(
            &self
                .0
                .stmt(
                    "SELECT id, phone_number_id, received_at, path, reason, raw FROM not_understood_items \
                     ORDER BY received_at DESC LIMIT ?1",
                    args![limit],
                )?
                .all()
                .await?,
            "not understood",
        )
    }
}

/// What one handoff claim is about; `token` is random and unique to the batch.
pub struct Claim<'a> {
    pub token: &'a str,
    pub phone_number_id: &'a str,
    pub wa_id: &'a str,
    pub wamid: &'a str,
    pub message_timestamp: i64,
    pub now: i64,
}

/// The conversation the handoff batch's claim returned, if it claimed a code.
pub fn claimed_conversation(result: &worker::D1Result) -> Result<Option<CodeClaim>, EdgeError> {
    let rows: Vec<CodeClaim> = decode_rows(result, "handoff claim")?;
    Ok(rows.into_iter().next())
}

pub(super) fn hash(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}
