//! The Cron Trigger's sweep of R2: files under `media/` that no `media` row references, older
//! than a grace period, are deleted. They are left by an isolate that died between its R2 write
//! and its D1 batch, or by a write whose row was refused after all (every refusal that can be
//! known beforehand is checked before the write; see `visitor::files` and the attachments).
//!
//! The sweep walks the bucket a page at a time (one R2 list, one D1 read per run), keeping its
//! list cursor in `sweep_cursors`, so a run costs the same with ten files or ten million; a
//! full pass takes `objects / PAGE` minutes. The grace period (`MEDIA_ORPHAN_GRACE_SECONDS`,
//! default an hour) keeps it off a file whose row is being written right now.

use serde::Deserialize;
use worker::Env;

use super::fetch::key;
use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Db};

const SWEEP: &str = "media-orphans";
/// Files looked at per run.
const PAGE: u32 = 500;
const PREFIX: &str = "media/";

#[derive(Deserialize)]
struct Cursor {
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct Unreferenced {
    value: String,
}

/// One page of the sweep: how many orphaned files were deleted.
pub async fn sweep_orphans(
    env: &Env,
    store: &Db,
    now_ms: u64,
    grace_seconds: u64,
) -> Result<usize, EdgeError> {
    let bucket = env.bucket("MEDIA")?;
    let cursor: Option<String> = decode_rows::<Cursor>(
        &store
            .stmt(
                "SELECT cursor FROM sweep_cursors WHERE name = ?1",
                args![SWEEP],
            )?
            .all()
            .await?,
        "sweep cursor",
    )?
    .into_iter()
    .next()
    .and_then(|c| c.cursor);
    let mut list = bucket.list().prefix(PREFIX).limit(PAGE);
    if let Some(c) = cursor {
        list = list.cursor(c);
    }
    let page = list.execute().await?;
    let old_enough = now_ms.saturating_sub(grace_seconds * 1000);
    let candidates: Vec<String> = page
        .objects()
        .iter()
        .filter(|o| o.uploaded().as_millis() <= old_enough)
        .filter_map(|o| o.key().strip_prefix(PREFIX).map(str::to_owned))
        .collect();
    let mut deleted = 0;
    if !candidates.is_empty() {
        let ids = serde_json::to_string(&candidates)
            .map_err(|e| EdgeError::Internal(format!("sweep ids: {e}")))?;
        let orphans = decode_rows::<Unreferenced>(
            &store
                .stmt(
                    "SELECT value FROM json_each(?1) WHERE value NOT IN (SELECT message_id FROM media)",
                    args![&ids],
                )?
                .all()
                .await?,
            "unreferenced files",
        )?;
        if !orphans.is_empty() {
            let keys: Vec<String> = orphans.iter().map(|o| key(&o.value)).collect();
            deleted = keys.len();
            bucket.delete_multiple(keys).await?;
        }
    }
    let next = if page.truncated() {
        page.cursor()
    } else {
        None
    };
    store
        .stmt(
            "INSERT INTO sweep_cursors (name, cursor, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            args![SWEEP, next.as_ref(), (now_ms / 1000) as i64],
        )?
        .run()
        .await?;
    Ok(deleted)
}
