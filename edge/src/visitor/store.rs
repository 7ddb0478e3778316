//! The visitor's statements: opening their Messenger conversation, their messages and handoff
//! codes, whether they were handed off, their latest conversation, and disputing a link.

use worker::D1PreparedStatement;

use crate::args;
use crate::conversations::rows::{ConversationRow, NewMessage};
use crate::conversations::store::{ConversationStore, CONVERSATION_COLUMNS};
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, returned_a_row};

impl ConversationStore {
    /// Opens a Messenger conversation for the visitor unless they have one open or have ever
    /// handed one off (a handed-off conversation is theirs on WhatsApp for good). Together with
    /// the unique index `conversations_one_open_messenger_per_visitor`, at most one is open.
    /// `after_hours`: it opens outside the opening hours (the inbox marks it).
    pub fn open_visitor_conversation(
        &self,
        id: &str,
        visitor_id: &str,
        now: i64,
        after_hours: bool,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "INSERT OR IGNORE INTO conversations (id, channel, status, visitor_id, opened_at, last_message_at, opened_after_hours) \
             SELECT ?1, 'messenger', 'open', ?2, ?3, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM conversations \
               WHERE visitor_id = ?2 AND (status = 'open' OR handed_off_at IS NOT NULL))",
            args![id, visitor_id, now, after_hours],
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
}
