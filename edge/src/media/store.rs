//! The D1 statements of `media` (one row per message; see migration 0007).

use serde::Deserialize;
use worker::D1PreparedStatement;

use switchboard_core::media::MAX_ATTEMPTS;

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Db};

/// How long a fetch holds its claim before another may take the file over.
const LEASE_SECONDS: i64 = 120;

/// Why a file whose every attempt was stopped midway is unavailable.
const STOPPED_EVERY_TIME: &str = "every attempt is used up and the last was stopped before it \
     finished (on the Workers free plan a large file can need more than its 10 ms of CPU): Retry, or open it in WhatsApp";

pub struct MediaStore<'a>(pub &'a Db);

/// A file to fetch, as claimed.
#[derive(Deserialize)]
pub struct Claimed {
    pub message_id: String,
    pub media_id: Option<String>,
    pub phone_number_id: Option<String>,
    pub mime_type: Option<String>,
    pub attempts: u32,
}

/// A stored file's metadata, for serving it.
#[derive(Deserialize)]
pub struct Stored {
    pub mime_type: Option<String>,
    pub filename: Option<String>,
    pub state: String,
}

#[derive(Deserialize)]
struct Id {
    message_id: String,
}

/// What an inbound media message's row starts as.
pub struct NewMedia<'a> {
    pub message_id: &'a str,
    pub media_id: &'a str,
    pub phone_number_id: &'a str,
    pub kind: &'a str,
    pub mime_type: Option<&'a str>,
    pub filename: Option<&'a str>,
    pub now: i64,
}

/// How [`MediaStore::claim_where`] finds the row: by the message's id, or by its wamid.
const BY_MESSAGE_ID: &str = "?1";
const BY_WAMID: &str = "(SELECT id FROM messages WHERE wamid = ?1)";

impl MediaStore<'_> {
    /// The row of an inbound media message, in the message's own batch: only when the message
    /// was stored (a redelivery stores neither, so nothing is fetched twice).
    pub fn create(&self, m: &NewMedia<'_>) -> Result<D1PreparedStatement, EdgeError> {
        self.0.stmt(
            "INSERT OR IGNORE INTO media (message_id, media_id, phone_number_id, kind, mime_type, filename, state, updated_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7 WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?1)",
            args![m.message_id, m.media_id, m.phone_number_id, m.kind, m.mime_type, m.filename, m.now],
        )
    }

    /// The row of a file we already hold (an agent's or a visitor's attachment), in its
    /// message's batch.
    pub fn create_stored(
        &self,
        m: &NewMedia<'_>,
        size: i64,
        sha256: &str,
    ) -> Result<D1PreparedStatement, EdgeError> {
        self.0.stmt(
            "INSERT OR IGNORE INTO media (message_id, media_id, phone_number_id, kind, mime_type, filename, state, size, sha256, updated_at) \
             SELECT ?1, NULLIF(?2, ''), ?3, ?4, ?5, ?6, 'stored', ?8, ?9, ?7 WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?1)",
            args![m.message_id, m.media_id, m.phone_number_id, m.kind, m.mime_type, m.filename, m.now, size, sha256],
        )
    }

    /// Remembers the media id Graph gave an uploaded attachment.
    pub async fn uploaded(&self, message_id: &str, media_id: &str) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "UPDATE media SET media_id = ?2 WHERE message_id = ?1",
                args![message_id, media_id],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Takes the file of message `message_id` for one attempt (a lease), if it is waiting or its
    /// last holder's lease ran out with attempts left; `None` when another fetch has it or it is
    /// done.
    pub async fn claim(&self, message_id: &str, now: i64) -> Result<Option<Claimed>, EdgeError> {
        self.claim_where(BY_MESSAGE_ID, message_id, now).await
    }

    /// [`Self::claim`] by the message's wamid (the queue's media items name the wamid).
    pub async fn claim_by_wamid(
        &self,
        wamid: &str,
        now: i64,
    ) -> Result<Option<Claimed>, EdgeError> {
        self.claim_where(BY_WAMID, wamid, now).await
    }

    /// The claim of the row whose message id `row` gives from `key` (one of the two above: an
    /// SQL fragment of ours, never a value; the value is bound as `?1`).
    async fn claim_where(
        &self,
        row: &'static str,
        key: &str,
        now: i64,
    ) -> Result<Option<Claimed>, EdgeError> {
        let sql = format!(
            "UPDATE media SET state = 'fetching', lease_until = ?2 + ?3, attempts = attempts + 1, updated_at = ?2 \
             WHERE message_id = {row} \
             AND (state = 'pending' OR (state = 'fetching' AND lease_until < ?2 AND attempts < ?4)) \
             RETURNING message_id, media_id, phone_number_id, mime_type, attempts"
        );
        let result = self
            .0
            .stmt(
                &sql,
                args![key, now, LEASE_SECONDS, i64::from(MAX_ATTEMPTS)],
            )?
            .all()
            .await?;
        Ok(decode_rows(&result, "media claim")?.into_iter().next())
    }

    pub async fn stored(
        &self,
        message_id: &str,
        mime_type: &str,
        size: i64,
        sha256: &str,
        now: i64,
    ) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "UPDATE media SET state = 'stored', mime_type = ?2, size = ?3, sha256 = ?4, error = NULL, \
                 lease_until = NULL, updated_at = ?5 WHERE message_id = ?1",
                args![message_id, mime_type, size, sha256, now],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// A failed attempt: try again at `retry_at`, or (`None`) give up as unavailable.
    pub async fn failed(
        &self,
        message_id: &str,
        error: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "UPDATE media SET state = CASE WHEN ?3 IS NULL THEN 'unavailable' ELSE 'pending' END, \
                 next_attempt_at = COALESCE(?3, next_attempt_at), error = ?2, lease_until = NULL, updated_at = ?4 \
                 WHERE message_id = ?1",
                args![message_id, error, retry_at, now],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Files whose next attempt is due (the Cron Trigger's sweep). A file whose fetch was
    /// stopped before it could record anything (its invocation ran out of CPU or died), as
    /// many times as a file is tried, is marked unavailable with that reason first: never
    /// retaken for ever.
    pub async fn due(&self, now: i64, limit: i64) -> Result<Vec<String>, EdgeError> {
        self.0
            .stmt(
                "UPDATE media SET state = 'unavailable', lease_until = NULL, updated_at = ?1, error = ?3 \
                 WHERE state = 'fetching' AND lease_until < ?1 AND attempts >= ?2",
                args![now, i64::from(MAX_ATTEMPTS), STOPPED_EVERY_TIME],
            )?
            .run()
            .await?;
        let rows: Vec<Id> = decode_rows(
            &self
                .0
                .stmt(
                    "SELECT message_id FROM media WHERE state IN ('pending', 'fetching') AND next_attempt_at <= ?1 \
                     AND (state = 'pending' OR lease_until < ?1) ORDER BY next_attempt_at LIMIT ?2",
                    args![now, limit],
                )?
                .all()
                .await?,
            "media",
        )?;
        Ok(rows.into_iter().map(|r| r.message_id).collect())
    }

    /// The console's Retry: an unavailable file, or one whose last attempt failed, is fetched
    /// again now, from the start.
    pub async fn retry(&self, message_id: &str, now: i64) -> Result<bool, EdgeError> {
        let result = self
            .0
            .stmt(
                "UPDATE media SET state = 'pending', attempts = 0, next_attempt_at = 0, updated_at = ?2 \
                 WHERE message_id = ?1 AND (state = 'unavailable' OR (state = 'pending' AND error IS NOT NULL)) RETURNING message_id",
                args![message_id, now],
            )?
            .all()
            .await?;
        crate::platform::d1::returned_a_row(Some(&result))
    }

    pub async fn get(&self, message_id: &str) -> Result<Option<Stored>, EdgeError> {
        let result = self
            .0
            .stmt(
                "SELECT mime_type, filename, state FROM media WHERE message_id = ?1",
                args![message_id],
            )?
            .all()
            .await?;
        Ok(decode_rows(&result, "media")?.into_iter().next())
    }
}
