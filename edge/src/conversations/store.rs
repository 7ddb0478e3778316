//! D1 queries for conversations and messages. The webhook's own queries (placement context,
//! handoff claims, statuses, items kept aside) live in `webhooks/store.rs`; the visitor's in
//! `visitor_store.rs`.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

use super::rows::{ConversationRow, MessageRow, NewMessage};
use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, returned_a_row, statement, Arg};
use switchboard_core::api::ThreadCursor;

const CONVERSATION_COLUMNS: &str = "c.id, c.channel, c.status, c.close_reason, c.phone_number_id, c.wa_id, \
     c.contact_name, c.visitor_id, c.handed_off_at, c.link_disputed_at, c.unlinked_at, c.opened_at, c.closed_at, c.last_message_at, \
     c.last_inbound_at, c.last_outbound_at, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count";

const MESSAGE_COLUMNS: &str =
    "id, rowid AS seq, wamid, channel, direction, type, text, content, reply_to, \
     sent_at, received_at, status, error_code, error_title, detached_at, \
     (SELECT json_object('state', x.state, 'kind', x.kind, 'mime_type', x.mime_type, 'filename', x.filename, \
       'size', x.size, 'error', x.error) FROM media x WHERE x.message_id = messages.id) AS media";

/// Filters of `GET /api/admin/conversations`.
#[derive(Debug, Default)]
pub struct ConversationFilter {
    pub phone_number_id: Option<String>,
    pub wa_id: Option<String>,
    pub status: Option<String>,
    /// `messenger`, `whatsapp` or `handed_off`.
    pub channel: Option<String>,
    /// Only open WhatsApp conversations whose 24-hour window is still open, closing soonest
    /// first (`?window=closing`), from this time on (now − 24 h).
    pub window_open_since: Option<i64>,
    pub limit: i64,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// Which messages of a thread to read.
pub struct ThreadPage<'a> {
    pub conversation_id: &'a str,
    /// Only this channel's messages (the Messenger shows its own).
    pub channel: Option<&'a str>,
    pub range: PageRange,
    pub limit: i64,
}

pub enum PageRange {
    Newest,
    Before(ThreadCursor),
    /// Every message from the cursor on (up to [`MAX_SINCE`]): a client's live window.
    Since(ThreadCursor),
}

/// Most messages a `since` read returns.
pub const MAX_SINCE: i64 = 500;

pub struct MessagePage {
    pub messages: Vec<MessageRow>,
    pub older: Option<ThreadCursor>,
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

    /// Runs statements atomically (a D1 batch is one transaction, and D1 runs one at a time),
    /// with each statement's result.
    pub async fn batch(
        &self,
        statements: Vec<D1PreparedStatement>,
    ) -> Result<Vec<D1Result>, EdgeError> {
        Ok(self.db.batch(statements).await?)
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

    /// Opens a Messenger conversation for the visitor unless they have one open or have ever
    /// handed one off (a handed-off conversation is theirs on WhatsApp for good). Together with
    /// the unique index `conversations_one_open_messenger_per_visitor`, at most one is open.
    pub fn open_visitor_conversation(
        &self,
        id: &str,
        visitor_id: &str,
        now: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "INSERT OR IGNORE INTO conversations (id, channel, status, visitor_id, opened_at, last_message_at) \
             SELECT ?1, 'messenger', 'open', ?2, ?3, ?3 WHERE NOT EXISTS (SELECT 1 FROM conversations \
               WHERE visitor_id = ?2 AND (status = 'open' OR handed_off_at IS NOT NULL))",
            args![id, visitor_id, now],
        )
    }

    /// A handoff code for the visitor's open Messenger conversation (none if it was handed off).
    pub fn insert_visitor_handoff_code(
        &self,
        code: &str,
        visitor_id: &str,
        phone_number_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "INSERT INTO handoff_codes (code, conversation_id, phone_number_id, created_at, expires_at) \
             SELECT ?1, id, ?3, ?4, ?5 FROM conversations \
             WHERE visitor_id = ?2 AND status = 'open' AND handed_off_at IS NULL RETURNING conversation_id",
            args![code, visitor_id, phone_number_id, now, expires_at],
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
        self.insert_message_as(m, verb, "?2", "", None)
    }

    /// Inserts the message into the conversation whose handoff code the same batch claimed
    /// with `claim_token`; inserts nothing when the claim did not happen.
    pub fn insert_claimed_message(
        &self,
        m: &NewMessage<'_>,
        claim_token: &str,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.insert_message_as(
            m,
            "INSERT",
            "(SELECT conversation_id FROM handoff_codes WHERE claim_token = ?17)",
            "WHERE EXISTS (SELECT 1 FROM handoff_codes WHERE claim_token = ?17)",
            Some(claim_token),
        )
    }

    /// The visitor's Messenger message, into their open conversation that has not been handed
    /// off (resolved inside the statement, so a handoff linked a moment earlier is seen and
    /// the message is refused rather than landing in the WhatsApp conversation).
    /// `RETURNING conversation_id`: no row means there was no such conversation.
    pub fn insert_visitor_message(
        &self,
        m: &NewMessage<'_>,
        visitor_id: &str,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.insert_message_as(
            m,
            "INSERT",
            "(SELECT id FROM conversations WHERE visitor_id = ?17 AND status = 'open' AND handed_off_at IS NULL)",
            "WHERE EXISTS (SELECT 1 FROM conversations WHERE visitor_id = ?17 AND status = 'open' AND handed_off_at IS NULL) \
             RETURNING conversation_id",
            Some(visitor_id),
        )
    }

    /// Whether the visitor's Messenger no longer takes messages: a conversation of theirs
    /// continued on WhatsApp and none is open here (the same rule the insert applies).
    pub async fn visitor_handed_off(&self, visitor_id: &str) -> Result<bool, EdgeError> {
        #[derive(serde::Deserialize)]
        struct Row {
            refused: i64,
        }
        let rows: Vec<Row> = decode_rows(
            &self
                .stmt(
                    "SELECT EXISTS (SELECT 1 FROM conversations WHERE visitor_id = ?1 AND handed_off_at IS NOT NULL) \
                     AND NOT EXISTS (SELECT 1 FROM conversations WHERE visitor_id = ?1 AND status = 'open' AND handed_off_at IS NULL) AS refused",
                    args![visitor_id],
                )?
                .all()
                .await?,
            "handed-off check",
        )?;
        Ok(rows.first().is_some_and(|r| r.refused != 0))
    }

    /// An agent's reply; with a client key, `INSERT OR IGNORE` against the key's unique index.
    /// `RETURNING id`: no row means a reply with this key is already stored.
    pub fn insert_agent_message(
        &self,
        m: &NewMessage<'_>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.insert_message_as(m, "INSERT OR IGNORE", "?2", "RETURNING id", None)
    }

    /// The id of the reply stored under `client_key` in the conversation.
    pub async fn message_by_client_key(
        &self,
        conversation_id: &str,
        client_key: &str,
    ) -> Result<Option<String>, EdgeError> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let row: Option<Row> = self
            .stmt(
                "SELECT id FROM messages WHERE conversation_id = ?1 AND client_key = ?2",
                args![conversation_id, client_key],
            )?
            .first(None)
            .await?;
        Ok(row.map(|r| r.id))
    }

    /// Takes a failed or unconfirmed outbound message for a retry: one statement, so a double
    /// click retries once. `false` when it is not (or no longer) retryable.
    pub async fn claim_retry(&self, message_id: &str) -> Result<bool, EdgeError> {
        let rows = self
            .stmt(
                "UPDATE messages SET status = 'pending', status_rank = 0 \
                 WHERE id = ?1 AND direction = 'outbound' AND status IN ('failed', 'unconfirmed') RETURNING id",
                args![message_id],
            )?
            .all()
            .await?;
        returned_a_row(Some(&rows))
    }

    /// `INSERT … SELECT` of a message row whose conversation id is `conversation` (an SQL
    /// expression) and that is inserted only when `condition` (a `WHERE …`, or empty) holds;
    /// `extra` is bound as `?17`. Insert verbs may end in `… RETURNING` through `condition`.
    fn insert_message_as(
        &self,
        m: &NewMessage<'_>,
        verb: &str,
        conversation: &str,
        condition: &str,
        extra: Option<&str>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        let sql = format!(
            "{verb} INTO messages (id, conversation_id, wamid, channel, direction, phone_number_id, wa_id, type, text, content, \
             reply_to, raw, sent_at, received_at, status, status_rank, client_key) \
             SELECT ?1, {conversation}, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?18 {condition}"
        );
        let mut values = vec![
            Arg::from(m.id.as_str()),
            Arg::from(m.conversation_id),
            Arg::from(m.wamid),
            Arg::from(m.channel),
            Arg::from(m.direction),
            Arg::from(m.phone_number_id),
            Arg::from(m.wa_id),
            Arg::from(m.kind),
            Arg::from(m.text),
            Arg::from(m.content.as_ref()),
            Arg::from(m.reply_to),
            Arg::from(m.raw.as_ref()),
            Arg::from(m.sent_at),
            Arg::from(m.received_at),
            Arg::from(m.status.map(|s| s.as_str())),
            Arg::from(m.status.map(|s| s.rank())),
        ];
        // ?17 is `extra` (bound as NULL when unused), ?18 the client key.
        values.push(Arg::from(extra));
        values.push(Arg::from(m.client_key));
        self.stmt(&sql, &values)
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

    /// Records the Graph API's answer to an outbound send. On success, in the same batch, a
    /// status that arrived before this write (kept in `pending_statuses`) is applied — with
    /// the rank guard, so it never moves the message backwards — and forgotten.
    /// `Err((code, title, confirmed))`: `confirmed` is false when Graph did not answer in time
    /// (the message may have gone out): it is stored as `unconfirmed`, not `failed`.
    pub async fn mark_sent(
        &self,
        message_id: &str,
        result: Result<&str, (Option<i64>, &str, bool)>,
    ) -> Result<(), EdgeError> {
        use switchboard_core::delivery_status::DeliveryStatus;
        match result {
            Ok(wamid) => {
                self.batch(vec![
                    self.stmt(
                        "UPDATE messages SET wamid = ?2, status = 'sent', status_rank = ?3, error_code = NULL, error_title = NULL \
                         WHERE id = ?1 AND (status = 'failed' OR COALESCE(status_rank, -1) < ?3)",
                        args![message_id, wamid, DeliveryStatus::Sent.rank()],
                    )?,
                    // Invariant "a status never moves backwards": the same rank guard as a webhook status.
                    self.stmt(
                        "UPDATE messages SET status = p.status, status_rank = p.status_rank, \
                         error_code = COALESCE(p.error_code, messages.error_code), error_title = COALESCE(p.error_title, messages.error_title) \
                         FROM pending_statuses p \
                         WHERE messages.id = ?1 AND p.wamid = ?2 AND messages.wamid = ?2 AND COALESCE(messages.status_rank, -1) < p.status_rank",
                        args![message_id, wamid],
                    )?,
                    self.stmt("DELETE FROM pending_statuses WHERE wamid = ?1", args![wamid])?,
                ])
                .await?;
            }
            Err((code, title, confirmed)) => {
                let status = if confirmed {
                    DeliveryStatus::Failed
                } else {
                    DeliveryStatus::Unconfirmed
                };
                // A status webhook that already settled it (through the callback data) wins.
                self.stmt(
                    "UPDATE messages SET status = ?2, status_rank = ?3, error_code = ?4, error_title = ?5 \
                     WHERE id = ?1 AND wamid IS NULL",
                    args![message_id, status.as_str(), status.rank(), code.unwrap_or(0), title],
                )?
                .run()
                .await?;
            }
        }
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
        // Only the filters given become clauses, so SQLite can use the index that fits them:
        // `conversations_by_customer` for a customer, `conversations_by_number` for a number.
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Arg<'_>> = Vec::new();
        for (column, value) in [
            ("c.phone_number_id", f.phone_number_id.as_ref()),
            ("c.wa_id", f.wa_id.as_ref()),
            ("c.status", f.status.as_ref()),
        ] {
            if let Some(value) = value {
                values.push(Arg::from(value));
                clauses.push(format!("{column} = ?{}", values.len()));
            }
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
        values.push(Arg::from(f.limit));
        let filters = if clauses.is_empty() {
            "1".to_owned()
        } else {
            clauses.join(" AND ")
        };
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c WHERE {filters}{channel_clause} \
             ORDER BY {order} LIMIT ?{}",
            values.len()
        );
        let result = self.stmt(&sql, &values)?.all().await?;
        decode_rows(&result, "conversation")
    }

    /// One page of a thread, oldest first, in the order `(sent_at, seq)` (seq: storage order).
    /// Every page is an index range scan on `messages_by_conversation`, whatever the thread's
    /// length; the page before is asked for with `older` of the answer.
    pub async fn messages_page(&self, page: &ThreadPage<'_>) -> Result<MessagePage, EdgeError> {
        let mut clauses = vec!["conversation_id = ?1".to_owned()];
        let mut values: Vec<Arg<'_>> = vec![Arg::from(page.conversation_id)];
        if let Some(channel) = page.channel {
            values.push(Arg::from(channel));
            clauses.push(format!("channel = ?{}", values.len()));
        }
        let (order, limit) = match page.range {
            PageRange::Newest => ("DESC", page.limit),
            PageRange::Before(c) => {
                values.extend([Arg::from(c.sent_at), Arg::from(c.seq)]);
                let n = values.len();
                clauses.push(format!("(sent_at, rowid) < (?{}, ?{n})", n - 1));
                ("DESC", page.limit)
            }
            PageRange::Since(c) => {
                values.extend([Arg::from(c.sent_at), Arg::from(c.seq)]);
                let n = values.len();
                clauses.push(format!("(sent_at, rowid) >= (?{}, ?{n})", n - 1));
                ("ASC", MAX_SINCE)
            }
        };
        values.push(Arg::from(limit + 1));
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE {} ORDER BY sent_at {order}, rowid {order} LIMIT ?{}",
            clauses.join(" AND "),
            values.len()
        );
        let mut rows: Vec<MessageRow> =
            decode_rows(&self.stmt(&sql, &values)?.all().await?, "message")?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        if order == "DESC" {
            rows.reverse();
        }
        let older = match page.range {
            PageRange::Since(_) => None,
            _ if more => rows.first().map(MessageRow::cursor),
            _ => None,
        };
        Ok(MessagePage {
            messages: rows,
            older,
        })
    }

    /// One message of a conversation.
    pub async fn message(
        &self,
        conversation_id: &str,
        message_id: &str,
    ) -> Result<Option<MessageRow>, EdgeError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1 AND conversation_id = ?2"
        );
        Ok(self
            .stmt(&sql, args![message_id, conversation_id])?
            .first(None)
            .await?)
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

    /// The visitor says the WhatsApp account their conversation continued with is not theirs.
    /// `false` when the visitor has no handed-off conversation.
    pub async fn dispute_link(&self, visitor_id: &str, now: i64) -> Result<bool, EdgeError> {
        let rows = self
            .stmt(
                "UPDATE conversations SET link_disputed_at = COALESCE(link_disputed_at, ?2) \
                 WHERE visitor_id = ?1 AND handed_off_at IS NOT NULL RETURNING id",
                args![visitor_id, now],
            )?
            .all()
            .await?;
        returned_a_row(Some(&rows))
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
                     close_reason = NULL, closed_at = NULL \
                     WHERE id = ?1 AND handed_off_at IS NOT NULL AND visitor_id IS NOT NULL RETURNING id",
                    args![conversation_id, now],
                )?,
            ])
            .await?;
        returned_a_row(results.get(1))
    }
}
