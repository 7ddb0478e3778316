//! The D1 statements of `conversation_activity`: private notes and what agents did (close,
//! reopen, unlink, retry, assignment), and who did it. Also the authors of agents' messages and
//! a conversation's assignee.

use serde::Deserialize;
use switchboard_core::api::ActivityView;
use worker::D1PreparedStatement;

use super::ConversationStore;
use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::decode_rows;

/// One thing done, about to be stored.
pub struct NewActivity<'a> {
    pub id: &'a str,
    pub conversation_id: &'a str,
    pub kind: &'static str,
    pub actor_email: Option<&'a str>,
    pub actor_name: &'a str,
    pub body: Option<&'a str>,
    pub at: i64,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    kind: String,
    actor_email: Option<String>,
    actor_name: String,
    body: Option<String>,
    at: i64,
}

/// How many of a conversation's newest activities a thread shows.
pub const ACTIVITY_SHOWN: i64 = 200;

impl ConversationStore {
    pub fn insert_activity(&self, a: &NewActivity<'_>) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "INSERT INTO conversation_activity (id, conversation_id, kind, actor_email, actor_name, body, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![a.id, a.conversation_id, a.kind, a.actor_email, a.actor_name, a.body, a.at],
        )
    }

    /// The newest [`ACTIVITY_SHOWN`] of a conversation, oldest first.
    pub async fn activity(&self, conversation_id: &str) -> Result<Vec<ActivityView>, EdgeError> {
        let result = self
            .stmt(
                "SELECT id, kind, actor_email, actor_name, body, at FROM (SELECT rowid AS seq, * FROM conversation_activity \
                 WHERE conversation_id = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2) ORDER BY at, seq",
                args![conversation_id, ACTIVITY_SHOWN],
            )?
            .all()
            .await?;
        Ok(decode_rows::<Row>(&result, "activity")?
            .into_iter()
            .map(|r| ActivityView {
                id: r.id,
                kind: r.kind,
                actor_email: r.actor_email,
                actor_name: r.actor_name,
                body: r.body,
                at: r.at,
            })
            .collect())
    }

    /// Who sent an agent's message (in the batch that stores it).
    pub fn set_author(
        &self,
        message_id: &str,
        email: Option<&str>,
        name: &str,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE messages SET author_email = ?2, author_name = ?3 WHERE id = ?1",
            args![message_id, email, name],
        )
    }

    /// Sets (or clears) the assignee; `false` when it already was that (nothing to record).
    pub fn assign(
        &self,
        conversation_id: &str,
        assignee: Option<&str>,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.stmt(
            "UPDATE conversations SET assignee_email = ?2 WHERE id = ?1 AND assignee_email IS NOT ?2 RETURNING id",
            args![conversation_id, assignee],
        )
    }
}
