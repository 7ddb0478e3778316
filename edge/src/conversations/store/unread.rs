//! The D1 statements of unread state (`conversation_reads`): how far a member has read a
//! conversation, and how many conversations hold a customer's message they have not seen.

use serde::Deserialize;

use super::ConversationStore;
use crate::args;
use crate::error::EdgeError;

#[derive(Deserialize)]
struct Count {
    n: i64,
}

impl ConversationStore {
    /// Marks the conversation read by `member` through its newest message (never backwards:
    /// a late, older mark leaves a newer one). `false` when nothing new was read.
    pub async fn mark_read(
        &self,
        conversation_id: &str,
        member: &str,
        now: i64,
    ) -> Result<bool, EdgeError> {
        let result = self
            .stmt(
                "INSERT INTO conversation_reads (conversation_id, member, read_seq, read_at) \
                 SELECT ?1, ?2, MAX(rowid), ?3 FROM messages WHERE conversation_id = ?1 HAVING MAX(rowid) IS NOT NULL \
                 ON CONFLICT (conversation_id, member) DO UPDATE SET read_seq = excluded.read_seq, read_at = excluded.read_at \
                 WHERE excluded.read_seq > conversation_reads.read_seq RETURNING read_seq",
                args![conversation_id, member, now],
            )?
            .all()
            .await?;
        crate::platform::d1::returned_a_row(Some(&result))
    }

    /// Open conversations, unassigned or assigned to `email`, holding a customer's message
    /// `member` has not seen.
    pub async fn unread_conversations(
        &self,
        member: &str,
        email: Option<&str>,
    ) -> Result<i64, EdgeError> {
        let row: Option<Count> = self
            .stmt(
                "SELECT COUNT(*) AS n FROM conversations c WHERE c.status = 'open' \
                 AND (c.assignee_email IS NULL OR c.assignee_email = ?2) \
                 AND EXISTS (SELECT 1 FROM messages u WHERE u.conversation_id = c.id AND u.direction = 'inbound' \
                   AND u.rowid > COALESCE((SELECT r.read_seq FROM conversation_reads r \
                     WHERE r.conversation_id = c.id AND r.member = ?1), 0))",
                args![member, email],
            )?
            .first(None)
            .await?;
        Ok(row.map_or(0, |r| r.n))
    }
}
