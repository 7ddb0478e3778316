//! Changes for a number that is not connected: kept in `unrouted_events` once per identical
//! change, with Meta's raw `value`, listed for the console, and taken for a replay once the
//! number connects (`replay.rs`).

use serde::Deserialize;
use serde_json::json;
use switchboard_core::webhook::Change;

use super::store::{hash, WebhookStore};
use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::decode_rows;

/// One row of `unrouted_events` waiting to be replayed.
#[derive(Deserialize)]
pub struct UnroutedEvent {
    pub id: String,
    pub payload: String,
}

/// Keeps a change for a number that is not connected, once per identical change, with the raw
/// change so that it can be replayed into conversations when the number connects.
pub async fn record_unrouted(
    store: &WebhookStore<'_>,
    change: &Change,
    now: i64,
) -> Result<(), EdgeError> {
    let payload = json!({ "waba_id": change.waba_id, "value": change.value }).to_string();
    store
        .record_unrouted(
            &change.phone_number_id,
            now,
            (change.messages.len(), change.statuses.len()),
            &payload,
        )
        .await
}

impl WebhookStore<'_> {
    /// Keeps a change for a number that is not connected (once per identical change), with
    /// its `value` exactly as Meta sent it so that it can be replayed when the number connects.
    pub async fn record_unrouted(
        &self,
        phone_number_id: &str,
        at: i64,
        counts: (usize, usize),
        payload: &str,
    ) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "INSERT OR IGNORE INTO unrouted_events (id, phone_number_id, received_at, message_count, status_count, payload) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![
                    &hash(&[payload]),
                    phone_number_id,
                    at,
                    counts.0 as i64,
                    counts.1 as i64,
                    payload
                ],
            )?
            .run()
            .await?;
        Ok(())
    }

    pub async fn unrouted(&self, limit: i64) -> Result<Vec<serde_json::Value>, EdgeError> {
        decode_rows(
            &self
                .0
                .stmt(
                    "SELECT id, phone_number_id, received_at, message_count, status_count, payload, replayed_at \
                     FROM unrouted_events ORDER BY received_at DESC LIMIT ?1",
                    args![limit],
                )?
                .all()
                .await?,
            "unrouted event",
        )
    }

    /// Unrouted events of a number not replayed yet, oldest first.
    pub async fn unreplayed(
        &self,
        phone_number_id: &str,
        limit: i64,
    ) -> Result<Vec<UnroutedEvent>, EdgeError> {
        decode_rows(
            &self
                .0
                .stmt(
                    "SELECT id, payload FROM unrouted_events WHERE phone_number_id = ?1 AND replayed_at IS NULL \
                     ORDER BY received_at, rowid LIMIT ?2",
                    args![phone_number_id, limit],
                )?
                .all()
                .await?,
            "unrouted event",
        )
    }

    pub async fn mark_replayed(&self, id: &str, at: i64) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "UPDATE unrouted_events SET replayed_at = ?2 WHERE id = ?1",
                args![id, at],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Numbers that have unrouted events waiting.
    pub async fn numbers_with_unreplayed(&self) -> Result<Vec<String>, EdgeError> {
        #[derive(Deserialize)]
        struct Row {
            phone_number_id: String,
        }
        let rows: Vec<Row> = decode_rows(
            &self
                .0
                .stmt(
                    "SELECT DISTINCT phone_number_id FROM unrouted_events WHERE replayed_at IS NULL LIMIT 100",
                    args![],
                )?
                .all()
                .await?,
            "unrouted number",
        )?;
        Ok(rows.into_iter().map(|r| r.phone_number_id).collect())
    }
}
