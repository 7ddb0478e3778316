//! Statements on messages: the inserts (a delivery's, a claimed handoff's, an agent's), an
//! agent's idempotency key, taking a message for a retry, and recording Graph's answer.

use serde::Deserialize;
use worker::D1PreparedStatement;

use super::ConversationStore;
use crate::args;
use crate::conversations::rows::NewMessage;
use crate::error::EdgeError;
use crate::platform::d1::{returned_a_row, Arg};

impl ConversationStore {
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

    /// `INSERT … SELECT` of a message row whose conversation id is `conversation` (an SQL
    /// expression) and that is inserted only when `condition` (a `WHERE …`, or empty) holds;
    /// `extra` is bound as `?17`. Insert verbs may end in `… RETURNING` through `condition`.
    pub(crate) fn insert_message_as(
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
}
