//! D1 queries for conversations, messages, handoff codes and unrouted events.

use serde::Deserialize;
use switchboard_core::reset::{Neighbour, UserHistory};
use switchboard_core::webhook::StatusUpdate;
use worker::{D1Database, D1PreparedStatement, Env};

use super::rows::{ConversationRow, MessageRow, NewMessage};
use crate::args;
use crate::d1::{statement, Arg};
use crate::error::EdgeError;

const CONVERSATION_COLUMNS: &str = "c.id, c.channel, c.status, c.close_reason, c.phone_number_id, c.wa_id, \
     c.contact_name, c.visitor_id, c.handed_off_at, c.opened_at, c.closed_at, c.last_message_at, \
     c.last_inbound_at, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count";

const MESSAGE_COLUMNS: &str = "id, wamid, channel, direction, type, text, content, reply_to, \
     sent_at, received_at, status, error_code, error_title";

/// Filters of `GET /api/admin/conversations`.
#[derive(Debug, Default)]
pub struct ConversationFilter {
    pub phone_number_id: Option<String>,
    pub wa_id: Option<String>,
    pub status: Option<String>,
    /// `messenger`, `whatsapp` or `handed_off`.
    pub channel: Option<String>,
    pub limit: i64,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

#[derive(Deserialize)]
struct InboundContext {
    duplicate: i64,
    previous_at: Option<i64>,
    previous_conversation: Option<String>,
    next_at: Option<i64>,
    next_conversation: Option<String>,
    open_conversation: Option<String>,
}

#[derive(Deserialize)]
struct CodeClaim {
    conversation_id: String,
}

pub struct ConversationStore {
    db: D1Database,
}

impl ConversationStore {
    pub fn new(env: &Env) -> Result<Self, EdgeError> {
        Ok(Self { db: env.d1("DB")? })
    }

    pub fn stmt(&self, sql: &str, args: &[Arg<'_>]) -> Result<D1PreparedStatement, EdgeError> {
        statement(&self.db, sql, args)
    }

    /// Runs statements atomically (D1 batches are transactions).
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<(), EdgeError> {
        self.db.batch(statements).await?;
        Ok(())
    }

    pub async fn count_for_number(&self, phone_number_id: &str) -> Result<u64, EdgeError> {
        let row: Option<Count> = self
            .stmt(
                "SELECT COUNT(*) AS n FROM conversations WHERE phone_number_id = ?1",
                args![phone_number_id],
            )?
            .first(None)
            .await?;
        Ok(row.map_or(0, |r| r.n.max(0) as u64))
    }

    /// In one round trip: whether `wamid` is already stored, and what the reset rule needs about
    /// the WhatsApp user on this number around `timestamp`. Each part is an index lookup.
    pub async fn inbound_context(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        timestamp: i64,
        wamid: &str,
    ) -> Result<(bool, UserHistory<String>), EdgeError> {
        const NEIGHBOURS: &str =
            "FROM messages WHERE phone_number_id = ?1 AND wa_id = ?2 AND direction = 'inbound'";
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM messages WHERE wamid = ?4) AS duplicate, \
             (SELECT sent_at {NEIGHBOURS} AND sent_at <= ?3 ORDER BY sent_at DESC LIMIT 1) AS previous_at, \
             (SELECT conversation_id {NEIGHBOURS} AND sent_at <= ?3 ORDER BY sent_at DESC LIMIT 1) AS previous_conversation, \
             (SELECT sent_at {NEIGHBOURS} AND sent_at > ?3 ORDER BY sent_at ASC LIMIT 1) AS next_at, \
             (SELECT conversation_id {NEIGHBOURS} AND sent_at > ?3 ORDER BY sent_at ASC LIMIT 1) AS next_conversation, \
             (SELECT id FROM conversations WHERE phone_number_id = ?1 AND wa_id = ?2 AND status = 'open') AS open_conversation"
        );
        let row: Option<InboundContext> = self
            .stmt(&sql, args![phone_number_id, wa_id, timestamp, wamid])?
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
        Ok((
            row.duplicate != 0,
            UserHistory {
                previous: neighbour(row.previous_at, row.previous_conversation),
                next: neighbour(row.next_at, row.next_conversation),
                open: row.open_conversation,
            },
        ))
    }

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
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "INSERT INTO conversations (id, channel, status, phone_number_id, wa_id, contact_name, visitor_id, opened_at, last_message_at) \
             VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?7)",
            args![id, channel, phone_number_id, wa_id, contact_name, visitor_id, opened_at],
        )
    }

    /// `or_ignore`: a message whose wamid is already stored is skipped instead of failing.
    pub fn insert_message(
        &self,
        m: &NewMessage<'_>,
        or_ignore: bool,
    ) -> Result<D1PreparedStatement, EdgeError> {
        let verb = if or_ignore {
            "INSERT OR IGNORE"
        } else {
            "INSERT"
        };
        let sql = format!(
            "{verb} INTO messages (id, conversation_id, wamid, channel, direction, phone_number_id, wa_id, type, text, content, \
             reply_to, raw, sent_at, received_at, status, status_rank) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        );
        self.stmt(
            &sql,
            args![
                &m.id,
                m.conversation_id,
                m.wamid,
                m.channel,
                m.direction,
                m.phone_number_id,
                m.wa_id,
                m.kind,
                m.text,
                m.content.as_ref(),
                m.reply_to,
                m.raw.as_ref(),
                m.sent_at,
                m.received_at,
                m.status.map(|s| s.as_str()),
                m.status.map(|s| s.rank()),
            ],
        )
    }

    /// Moves a conversation's clocks forward for a new message (never backwards).
    pub fn touch(
        &self,
        conversation_id: &str,
        at: i64,
        inbound: bool,
        contact_name: Option<&str>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE conversations SET last_message_at = MAX(last_message_at, ?2), \
             last_inbound_at = CASE WHEN ?3 = 1 THEN MAX(COALESCE(last_inbound_at, 0), ?2) ELSE last_inbound_at END, \
             first_response_at = CASE WHEN ?3 = 0 AND first_response_at IS NULL THEN ?2 ELSE first_response_at END, \
             contact_name = COALESCE(?4, contact_name) WHERE id = ?1",
            args![conversation_id, at, i64::from(inbound), contact_name],
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

    /// Closes the WhatsApp user's other open conversation on the number: the handoff supersedes it.
    pub fn close_others_for_handoff(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        keep: &str,
        at: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE conversations SET status = 'closed', close_reason = 'handoff', closed_at = ?4 \
             WHERE phone_number_id = ?1 AND wa_id = ?2 AND status = 'open' AND id != ?3",
            args![phone_number_id, wa_id, keep, at],
        )
    }

    /// The Messenger conversation continues on WhatsApp with this user and number.
    pub fn link_handoff(
        &self,
        conversation_id: &str,
        phone_number_id: &str,
        wa_id: &str,
        contact_name: Option<&str>,
        at: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE conversations SET channel = 'whatsapp', phone_number_id = ?2, wa_id = ?3, \
             contact_name = COALESCE(?4, contact_name), handed_off_at = ?5, status = 'open', close_reason = NULL, closed_at = NULL \
             WHERE id = ?1",
            args![conversation_id, phone_number_id, wa_id, contact_name, at],
        )
    }

    pub async fn reopen(&self, conversation_id: &str) -> Result<(), EdgeError> {
        self.stmt(
            "UPDATE conversations SET status = 'open', close_reason = NULL, closed_at = NULL WHERE id = ?1",
            args![conversation_id],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Applies a delivery status; a status never moves backwards.
    pub async fn apply_status(&self, update: &StatusUpdate) -> Result<(), EdgeError> {
        self.stmt(
            "UPDATE messages SET status = ?2, status_rank = ?3, error_code = COALESCE(?4, error_code), \
             error_title = COALESCE(?5, error_title) \
             WHERE wamid = ?1 AND direction = 'outbound' AND COALESCE(status_rank, -1) < ?3",
            args![
                &update.wamid,
                update.status.as_str(),
                update.status.rank(),
                update.error.as_ref().map(|e| e.code),
                update.error.as_ref().map(|e| e.title.as_str()),
            ],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Records the Graph API's answer to an outbound send.
    pub async fn mark_sent(
        &self,
        message_id: &str,
        result: Result<&str, (Option<i64>, &str)>,
    ) -> Result<(), EdgeError> {
        let stmt = match result {
            Ok(wamid) => self.stmt(
                "UPDATE messages SET wamid = ?2, status = 'sent', status_rank = ?3, error_code = NULL, error_title = NULL \
                 WHERE id = ?1 AND (status = 'failed' OR COALESCE(status_rank, -1) < ?3)",
                args![message_id, wamid, switchboard_core::delivery_status::DeliveryStatus::Sent.rank()],
            )?,
            Err((code, title)) => self.stmt(
                "UPDATE messages SET status = 'failed', status_rank = ?2, error_code = ?3, error_title = ?4 WHERE id = ?1",
                args![message_id, switchboard_core::delivery_status::DeliveryStatus::Failed.rank(), code.unwrap_or(0), title],
            )?,
        };
        stmt.run().await?;
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
            Some(other) => {
                return Err(EdgeError::BadRequest(format!(
                    "channel must be messenger, whatsapp or handed_off, not {other:?}"
                )))
            }
            None => "",
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
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE (?1 IS NULL OR c.phone_number_id = ?1) \
             AND (?2 IS NULL OR c.wa_id = ?2) AND (?3 IS NULL OR c.status = ?3){channel_clause} \
             ORDER BY c.last_message_at DESC LIMIT ?4"
        );
        let result = self
            .stmt(
                &sql,
                args![
                    f.phone_number_id.as_ref(),
                    f.wa_id.as_ref(),
                    f.status.as_ref(),
                    f.limit
                ],
            )?
            .all()
            .await?;
        Ok(result.results()?)
    }

    /// Messages in the order they were written.
    pub async fn messages(&self, conversation_id: &str) -> Result<Vec<MessageRow>, EdgeError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY sent_at, received_at, rowid"
        );
        Ok(self
            .stmt(&sql, args![conversation_id])?
            .all()
            .await?
            .results()?)
    }

    /// The visitor's latest conversation.
    pub async fn visitor_conversation(
        &self,
        visitor_id: &str,
    ) -> Result<Option<ConversationRow>, EdgeError> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE c.visitor_id = ?1 ORDER BY c.opened_at DESC, c.rowid DESC LIMIT 1"
        );
        Ok(self.stmt(&sql, args![visitor_id])?.first(None).await?)
    }

    /// Conversations opened, resets applied and first-response times for a number over `[from, to)`.
    pub async fn stats(
        &self,
        phone_number_id: &str,
        from: i64,
        to: i64,
    ) -> Result<(i64, i64, Vec<i64>), EdgeError> {
        let opened: Option<Count> = self
            .stmt(
                "SELECT COUNT(*) AS n FROM conversations WHERE phone_number_id = ?1 AND opened_at >= ?2 AND opened_at < ?3",
                args![phone_number_id, from, to],
            )?
            .first(None)
            .await?;
        let resets: Option<Count> = self
            .stmt(
                "SELECT COUNT(*) AS n FROM conversations WHERE phone_number_id = ?1 AND close_reason = 'reset' \
                 AND closed_at >= ?2 AND closed_at < ?3",
                args![phone_number_id, from, to],
            )?
            .first(None)
            .await?;
        let responses: Vec<Count> = self
            .stmt(
                "SELECT first_response_at - opened_at AS n FROM conversations WHERE phone_number_id = ?1 \
                 AND opened_at >= ?2 AND opened_at < ?3 AND first_response_at IS NOT NULL",
                args![phone_number_id, from, to],
            )?
            .all()
            .await?
            .results()?;
        Ok((
            opened.map_or(0, |c| c.n),
            resets.map_or(0, |c| c.n),
            responses.into_iter().map(|c| c.n.max(0)).collect(),
        ))
    }

    pub async fn insert_handoff_code(
        &self,
        code: &str,
        conversation_id: &str,
        phone_number_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), EdgeError> {
        self.stmt(
            "INSERT INTO handoff_codes (code, conversation_id, phone_number_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![code, conversation_id, phone_number_id, now, expires_at],
        )?
        .run()
        .await?;
        Ok(())
    }

    /// Marks the code used, if it is unused, unexpired and issued for this number;
    /// returns the conversation it was issued for. One statement, so a code is used once.
    pub async fn claim_handoff_code(
        &self,
        code: &str,
        phone_number_id: &str,
        wa_id: &str,
        now: i64,
    ) -> Result<Option<String>, EdgeError> {
        let claim: Option<CodeClaim> = self
            .stmt(
                "UPDATE handoff_codes SET used_at = ?4, used_by_wa_id = ?3 \
                 WHERE code = ?1 AND phone_number_id = ?2 AND used_at IS NULL AND expires_at >= ?4 \
                 RETURNING conversation_id",
                args![code, phone_number_id, wa_id, now],
            )?
            .first(None)
            .await?;
        Ok(claim.map(|c| c.conversation_id))
    }

    pub async fn record_unrouted(
        &self,
        id: &str,
        phone_number_id: &str,
        at: i64,
        messages: i64,
        statuses: i64,
        payload: &str,
    ) -> Result<(), EdgeError> {
        self.stmt(
            "INSERT OR IGNORE INTO unrouted_events (id, phone_number_id, received_at, message_count, status_count, payload) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![id, phone_number_id, at, messages, statuses, payload],
        )?
        .run()
        .await?;
        Ok(())
    }

    pub async fn unrouted(&self, limit: i64) -> Result<Vec<serde_json::Value>, EdgeError> {
        Ok(self
            .stmt(
                "SELECT id, phone_number_id, received_at, message_count, status_count, payload FROM unrouted_events \
                 ORDER BY received_at DESC LIMIT ?1",
                args![limit],
            )?
            .all()
            .await?
            .results()?)
    }
}
