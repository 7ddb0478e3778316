//! Statements on conversations: opening, clocks, closing and resolving, reading and listing,
//! unlinking a handoff, and the purge of expired codes and waiting statuses.

use worker::D1PreparedStatement;

use super::{ConversationStore, CONVERSATION_COLUMNS};
use crate::args;
use crate::conversations::rows::ConversationRow;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, returned_a_row, Arg};

/// Filters of `GET /api/admin/conversations`.
#[derive(Debug, Default)]
pub struct ConversationFilter {
    pub phone_number_id: Option<String>,
    /// `?wa_id=`: a customer's phone number or BSUID, or their WhatsApp username.
    pub wa_id: Option<String>,
    pub status: Option<String>,
    /// `messenger`, `whatsapp`, `handed_off`, or `waiting` (a handoff waiting for the visitor's
    /// first WhatsApp message: a conversation with no message yet, listed only then).
    pub channel: Option<String>,
    /// Whose unread counts the rows carry (`conversation_reads.member`).
    pub reader: String,
    /// Only open WhatsApp conversations whose 24-hour window is still open, closing soonest
    /// first (`?window=closing`), from this time on (now − 24 h).
    pub window_open_since: Option<i64>,
    /// `Some(None)`: unassigned only; `Some(Some(email))`: assigned to that member.
    pub assignee: Option<Option<String>>,
    pub limit: i64,
}

/// What a row of the inbox adds: the reader's unread count and the newest message.
fn list_columns(reader: usize) -> String {
    format!(
        "(SELECT COUNT(*) FROM messages u WHERE u.conversation_id = c.id AND u.direction = 'inbound' \
         AND u.rowid > COALESCE((SELECT r.read_seq FROM conversation_reads r WHERE r.conversation_id = c.id AND r.member = ?{reader}), 0)) AS unread, \
         (SELECT json_object('direction', l.direction, 'type', l.type, 'text', l.text, 'author_name', l.author_name, 'sent_at', l.sent_at) \
         FROM messages l WHERE l.conversation_id = c.id ORDER BY l.sent_at DESC, l.rowid DESC LIMIT 1) AS last_message"
    )
}

impl ConversationStore {
    #[allow(clippy::too_many_arguments)]
    pub fn insert_conversation(
        &self,
        id: &str,
        channel: &str,
        phone_number_id: Option<&str>,
        wa_id: Option<&str>,
        contact_name: Option<&str>,
        visitor_id: Option<&str>,
        opened_at: i64,
        after_hours: bool,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "INSERT INTO conversations (id, channel, status, phone_number_id, wa_id, contact_name, visitor_id, opened_at, last_message_at, opened_after_hours) \
             VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            args![id, channel, phone_number_id, wa_id, contact_name, visitor_id, opened_at, after_hours],
        )
    }

    /// Moves the clocks of the conversation that message `message_id` was stored in, for that
    /// message. Invariant "clocks only move forward": each clock is a MAX. Invariant "only a
    /// stored message touches": the conversation is found through the message row, so a
    /// message that was not stored (a duplicate ignored by `INSERT OR IGNORE`, an insert whose
    /// condition failed) moves nothing. Runs in the same batch as the insert.
    pub fn touch(
        &self,
        message_id: &str,
        at: i64,
        inbound: bool,
        contact_name: Option<&str>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE conversations SET last_message_at = MAX(last_message_at, ?2), \
             last_inbound_at = CASE WHEN ?3 = 1 THEN MAX(COALESCE(last_inbound_at, 0), ?2) ELSE last_inbound_at END, \
             first_response_at = CASE WHEN ?3 = 0 AND first_response_at IS NULL THEN ?2 ELSE first_response_at END, \
             last_outbound_at = CASE WHEN ?3 = 0 THEN MAX(COALESCE(last_outbound_at, 0), ?2) ELSE last_outbound_at END, \
             contact_name = COALESCE(?4, contact_name) \
             WHERE id = (SELECT conversation_id FROM messages WHERE id = ?1)",
            args![message_id, at, i64::from(inbound), contact_name],
        )
    }

    pub fn close(
        &self,
        conversation_id: &str,
        reason: &str,
        at: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE conversations SET status = 'closed', close_reason = ?2, closed_at = ?3 WHERE id = ?1 AND status = 'open'",
            args![conversation_id, reason, at],
        )
    }

    /// Open WhatsApp conversations of a number whose customer last wrote before `quiet_since`
    /// (and who wrote at all), oldest first.
    pub async fn quiet_open_conversations(
        &self,
        phone_number_id: &str,
        quiet_since: i64,
        limit: i64,
    ) -> Result<Vec<ConversationRow>, EdgeError> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.status = 'open' AND c.channel = 'whatsapp' \
             AND c.phone_number_id = ?1 AND c.last_inbound_at < ?2 ORDER BY c.last_inbound_at LIMIT ?3"
        );
        let result = self
            .stmt(&sql, args![phone_number_id, quiet_since, limit])?
            .all()
            .await?;
        decode_rows(&result, "conversation")
    }

    /// Resolves an open conversation (close reason `agent`), by an agent or by auto-resolve
    /// (`by`); `RETURNING id` says whether it was open.
    pub fn resolve(
        &self,
        conversation_id: &str,
        by: &str,
        at: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE conversations SET status = 'closed', close_reason = 'agent', resolved_by = ?2, closed_at = ?3 \
             WHERE id = ?1 AND status = 'open' RETURNING id",
            args![conversation_id, by, at],
        )
    }

    pub async fn reopen(&self, conversation_id: &str) -> Result<(), EdgeError> {
        self.stmt(
            "UPDATE conversations SET status = 'open', close_reason = NULL, resolved_by = NULL, closed_at = NULL WHERE id = ?1",
            args![conversation_id],
        )?
        .run()
        .await?;
        Ok(())
    }

    pub async fn conversation(&self, id: &str) -> Result<Option<ConversationRow>, EdgeError> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?1");
        Ok(self.stmt(&sql, args![id])?.first(None).await?)
    }

    pub async fn list(&self, f: &ConversationFilter) -> Result<Vec<ConversationRow>, EdgeError> {
        let channel_clause = match f.channel.as_deref() {
            Some("messenger") => " AND c.channel = 'messenger'",
            Some("whatsapp") => " AND c.channel = 'whatsapp' AND c.handed_off_at IS NULL",
            Some("handed_off") => " AND c.handed_off_at IS NOT NULL",
            Some("waiting") => "",
            Some(other) => {
                return Err(EdgeError::BadRequest(format!(
                    "channel must be messenger, whatsapp, handed_off or waiting, not {other:?}"
                )))
            }
            None => "",
        };
        // A conversation shows once it holds a message; the ones without (a handoff whose
        // visitor has not written on WhatsApp yet) have a filter of their own.
        let holds_messages = if f.channel.as_deref() == Some("waiting") {
            " AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.conversation_id = c.id)"
        } else {
            " AND EXISTS (SELECT 1 FROM messages e WHERE e.conversation_id = c.id)"
        };
        if let Some(status) = f
            .status
            .as_deref()
            .filter(|s| !matches!(*s, "open" | "closed"))
        {
            return Err(EdgeError::BadRequest(format!(
                "status must be open or closed, not {status:?}"
            )));
        }
        // Only the filters given become clauses, so SQLite can use the index that fits them:
        // `conversations_by_customer` for a customer, `conversations_by_number` for a number.
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Arg<'_>> = Vec::new();
        for (column, value) in [
            ("c.phone_number_id", f.phone_number_id.as_ref()),
            ("c.status", f.status.as_ref()),
        ] {
            if let Some(value) = value {
                values.push(Arg::from(value));
                clauses.push(format!("{column} = ?{}", values.len()));
            }
        }
        // The customer: their key (phone number or BSUID), or a WhatsApp username (any case, `@`
        // optional) leading to the keys it was seen with — each an index lookup.
        if let Some(customer) = &f.wa_id {
            values.push(Arg::from(customer));
            let key = values.len();
            values.push(Arg::from(customer.trim().trim_start_matches('@')));
            let username = values.len();
            clauses.push(format!(
                "c.wa_id IN (SELECT ?{key} UNION ALL \
                 SELECT i.phone FROM customer_identities i WHERE i.username = ?{username} COLLATE NOCASE AND i.phone IS NOT NULL \
                 UNION ALL SELECT i.bsuid FROM customer_identities i WHERE i.username = ?{username} COLLATE NOCASE)"
            ));
        }
        match &f.assignee {
            Some(Some(email)) => {
                values.push(Arg::from(email));
                clauses.push(format!("c.assignee_email = ?{}", values.len()));
            }
            Some(None) => clauses.push("c.assignee_email IS NULL".to_owned()),
            None => {}
        }
        let mut order = "c.last_message_at DESC";
        if let Some(since) = f.window_open_since {
            values.push(Arg::from(since));
            clauses.push(format!(
                "c.status = 'open' AND c.channel = 'whatsapp' AND c.last_inbound_at > ?{}",
                values.len()
            ));
            // `conversations_open_by_window`: an index range, soonest to close first.
            order = "c.last_inbound_at ASC";
        }
        values.push(Arg::from(f.reader.as_str()));
        let reader = values.len();
        values.push(Arg::from(f.limit));
        let filters = if clauses.is_empty() {
            "1".to_owned()
        } else {
            clauses.join(" AND ")
        };
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS}, {} FROM conversations c WHERE {filters}{channel_clause}{holds_messages} \
             ORDER BY {order} LIMIT ?{}",
            list_columns(reader),
            values.len()
        );
        let result = self.stmt(&sql, &values)?.all().await?;
        decode_rows(&result, "conversation")
    }

    /// Deletes unused handoff codes that expired before `before`, and statuses that have waited
    /// since before `before` for a send that was never recorded.
    pub async fn purge_expired(&self, before: i64) -> Result<(), EdgeError> {
        self.batch(vec![
            self.stmt(
                "DELETE FROM handoff_codes WHERE expires_at < ?1 AND used_at IS NULL",
                args![before],
            )?,
            self.stmt(
                "DELETE FROM pending_statuses WHERE received_at < ?1",
                args![before],
            )?,
        ])
        .await?;
        Ok(())
    }

    /// Undoes a handoff link, in one batch: the conversation returns to the Messenger (open, its
    /// history intact), and its WhatsApp messages stay, marked `detached_at`, so they no longer
    /// count as that WhatsApp user's thread. `false` when it was not a linked Messenger conversation.
    pub async fn unlink(&self, conversation_id: &str, now: i64) -> Result<bool, EdgeError> {
        let results = self
            .batch(vec![
                self.stmt(
                    "UPDATE messages SET detached_at = ?2 WHERE conversation_id = ?1 AND channel = 'whatsapp' \
                     AND detached_at IS NULL AND EXISTS (SELECT 1 FROM conversations \
                       WHERE id = ?1 AND handed_off_at IS NOT NULL AND visitor_id IS NOT NULL)",
                    args![conversation_id, now],
                )?,
                self.stmt(
                    "UPDATE conversations SET channel = 'messenger', handed_off_at = NULL, wa_id = NULL, \
                     phone_number_id = NULL, link_disputed_at = NULL, unlinked_at = ?2, status = 'open', \
                     close_reason = NULL, closed_at = NULL, handoff_offered_at = NULL \
                     WHERE id = ?1 AND handed_off_at IS NOT NULL AND visitor_id IS NOT NULL RETURNING id",
                    args![conversation_id, now],
                )?,
            ])
            .await?;
        returned_a_row(results.get(1))
    }

    /// An agent offers the visitor to continue on WhatsApp: only an open Messenger conversation
    /// of a visitor that has not continued there yet (checked inside the statement, so an offer
    /// racing the visitor's claim or a close does nothing). `false` when it did not apply.
    pub async fn offer_handoff(&self, conversation_id: &str, now: i64) -> Result<bool, EdgeError> {
        let rows = self
            .stmt(
                "UPDATE conversations SET handoff_offered_at = ?2 WHERE id = ?1 AND channel = 'messenger' \
                 AND status = 'open' AND handed_off_at IS NULL AND visitor_id IS NOT NULL RETURNING id",
                args![conversation_id, now],
            )?
            .all()
            .await?;
        returned_a_row(Some(&rows))
    }
}
