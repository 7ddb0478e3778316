//! The numbers' own reads of D1: how many conversations a number has, and its period stats.

use serde::Deserialize;

use crate::args;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;

#[derive(Deserialize)]
struct Count {
    n: i64,
}

impl ConversationStore {
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
}
