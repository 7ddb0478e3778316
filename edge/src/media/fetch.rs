//! Fetching inbound WhatsApp media into R2, as the Cloud API requires: `GET /<version>/<media
//! id>` with the number's token gives a short-lived URL; `GET` that URL with the same bearer.
//!
//! Runs in an invocation of its own, from the work queue (Meta never waits, and a 25 MiB file's
//! CPU is never added to a delivery's), or after the answer when the queue cannot take it; the
//! retry state lives in D1, so a fetch that dies with its isolate is picked up by the Cron
//! Trigger's sweep. A claim (a lease) keeps two fetchers off one file; a redelivery
//! creates no row, so nothing is fetched twice. Failures back off (1 min … 2 h) and after
//! [`MAX_ATTEMPTS`] the file is "unavailable", with the reason, until the console's Retry.

use sha2::{Digest, Sha256};
use switchboard_core::deferred_work::Work;
use switchboard_core::media::{essence, retry_delay_seconds, MAX_ATTEMPTS, MAX_MEDIA_BYTES};
use worker::{Context, Env, HttpMetadata};

use super::store::{Claimed, MediaStore};
use crate::config::env::Config;
use crate::config::numbers::Numbers;
use crate::config::store::ConfigStore;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::d1::Db;
use crate::platform::graph::{DownloadError, DownloadedBody};
use crate::platform::streamed_file::put_hashed;

/// The R2 key of a message's file.
pub fn key(message_id: &str) -> String {
    format!("media/{message_id}")
}

/// Writes a message's file to R2 with its type.
pub async fn put_file(
    env: &Env,
    message_id: &str,
    bytes: Vec<u8>,
    mime: &str,
) -> worker::Result<()> {
    env.bucket("MEDIA")?
        .put(key(message_id), bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(mime.to_owned()),
            ..HttpMetadata::default()
        })
        .execute()
        .await?;
    Ok(())
}

/// Deletes a message's file from R2 after its row was refused (logged on failure: the cron's
/// sweep removes what no row references).
pub async fn delete_file(env: &Env, message_id: &str) {
    let deleted = match env.bucket("MEDIA") {
        Ok(bucket) => bucket.delete(key(message_id)).await,
        Err(e) => Err(e),
    };
    if let Err(e) = deleted {
        worker::console_warn!("R2 delete of {message_id} failed (the sweep will): {e}");
    }
}

/// The files of these stored media messages are fetched each in an invocation of its own (the
/// work queue); if the queue cannot take them, after this request's answer, as before. Either
/// way the cron's sweep picks up a fetch that dies: its state lives in D1.
pub async fn fetch_later(env: &Env, ctx: &Context, wamids: Vec<String>) {
    if wamids.is_empty() {
        return;
    }
    let items: Vec<Work> = wamids
        .iter()
        .map(|w| Work::Media {
            wamids: vec![w.clone()],
        })
        .collect();
    if let Err(e) = crate::platform::queue::send(env, &items).await {
        worker::console_warn!("media fetches not queued ({e}); fetching after the answer");
        fetch_after(ctx, env, wamids);
    }
}

/// After the answer: fetches the files of the media messages this delivery stored.
pub fn fetch_after(ctx: &Context, env: &Env, wamids: Vec<String>) {
    if wamids.is_empty() {
        return;
    }
    let env = env.clone();
    ctx.wait_until(async move {
        if let Err(e) = fetch_now(&env, &wamids).await {
            worker::console_error!("media fetch after a delivery (the cron retries): {e}");
        }
    });
}

/// Fetches the files of these media messages now, those still pending (the queue consumer):
/// each claimed by its wamid, in one D1 round trip.
pub async fn fetch_now(env: &Env, wamids: &[String]) -> Result<(), EdgeError> {
    let store = Db::new(env)?;
    let config = Config::from_env(env)?;
    let numbers = Numbers {
        config: &config,
        store: ConfigStore::new(env)?,
    };
    for wamid in wamids {
        let claimed = MediaStore(&store)
            .claim_by_wamid(wamid, now_seconds())
            .await?;
        fetch_claimed(env, &store, &numbers, claimed).await?;
    }
    Ok(())
}

/// Fetches these files one after another, each failure recorded on its own row.
pub async fn fetch_all(env: &Env, store: &Db, message_ids: &[String]) {
    let Ok(config) = Config::from_env(env) else {
        return;
    };
    let Ok(config_store) = ConfigStore::new(env) else {
        return;
    };
    let numbers = Numbers {
        config: &config,
        store: config_store,
    };
    for id in message_ids {
        if let Err(e) = fetch_one(env, store, &numbers, id).await {
            worker::console_error!("media {id}: {e}");
        }
    }
}

/// The Cron Trigger's sweep: files whose next attempt is due, each fetched in an invocation
/// of its own through the work queue (a large file's CPU never stops the cron's other work), or
/// here when the queue cannot take them.
pub async fn retry_due(env: &Env, store: &Db) -> Result<usize, EdgeError> {
    let due = MediaStore(store).due(now_seconds(), 20).await?;
    let items: Vec<Work> = due
        .iter()
        .map(|id| Work::MediaFile {
            message_id: id.clone(),
        })
        .collect();
    if let Err(e) = crate::platform::queue::send(env, &items).await {
        worker::console_warn!("media retries not queued ({e}); fetching them here");
        fetch_all(env, store, &due).await;
    }
    Ok(due.len())
}

/// One attempt at one file: `Ok` whether it was stored or the failure was recorded.
pub async fn fetch_one(
    env: &Env,
    store: &Db,
    numbers: &Numbers<'_>,
    message_id: &str,
) -> Result<(), EdgeError> {
    let claimed = MediaStore(store).claim(message_id, now_seconds()).await?;
    fetch_claimed(env, store, numbers, claimed).await
}

/// One attempt at a claimed file (`None`: another fetch has it, or it is done).
async fn fetch_claimed(
    env: &Env,
    store: &Db,
    numbers: &Numbers<'_>,
    claimed: Option<Claimed>,
) -> Result<(), EdgeError> {
    let Some(claimed) = claimed else {
        return Ok(());
    };
    let media = MediaStore(store);
    let message_id = claimed.message_id.as_str();
    let now = now_seconds();
    match download(env, numbers, &claimed).await {
        Ok((mime, size, sha)) => {
            media
                .stored(message_id, &mime, size, &sha, now_seconds())
                .await
        }
        Err(Failure::Permanent(reason)) => media.failed(message_id, &reason, None, now).await,
        Err(Failure::Transient(reason)) => {
            let retry_at = if claimed.attempts >= MAX_ATTEMPTS {
                None
            } else {
                retry_delay_seconds(claimed.attempts).map(|d| now + d)
            };
            media.failed(message_id, &reason, retry_at, now).await
        }
    }
}

enum Failure {
    /// Worth trying again later (Graph down, URL expired, a hash that did not match).
    Transient(String),
    /// Trying again cannot help (over the size cap, the number is gone).
    Permanent(String),
}

async fn download(
    env: &Env,
    numbers: &Numbers<'_>,
    claimed: &Claimed,
) -> Result<(String, i64, String), Failure> {
    let number = claimed.phone_number_id.clone().unwrap_or_default();
    let media_id = claimed
        .media_id
        .clone()
        .ok_or_else(|| Failure::Permanent("no media id".to_owned()))?;
    let (_, graph) = numbers
        .graph_for(&number)
        .await
        .map_err(|_| Failure::Permanent(format!("number {number} is not connected")))?;
    let info = graph
        .media_info(&media_id)
        .await
        .map_err(|e| Failure::Transient(e.to_string()))?;
    let cap_mib = MAX_MEDIA_BYTES / 1024 / 1024;
    if info.size().is_some_and(|s| s > MAX_MEDIA_BYTES) {
        return Err(Failure::Permanent(format!(
            "over {cap_mib} MiB ({} MiB): open it in WhatsApp on a phone",
            info.size().unwrap_or_default() / 1024 / 1024
        )));
    }
    let downloaded = graph
        .download(&info.url, MAX_MEDIA_BYTES)
        .await
        .map_err(|e| match e {
            DownloadError::TooLarge(_) => Failure::Permanent(format!(
                "over {cap_mib} MiB: open it in WhatsApp on a phone"
            )),
            DownloadError::Refused(reason) => Failure::Permanent(reason),
            DownloadError::Failed(reason) => Failure::Transient(reason),
        })?;
    let mime = essence(
        info.mime_type
            .as_deref()
            .or(claimed.mime_type.as_deref())
            .or(downloaded.content_type.as_deref())
            .unwrap_or("application/octet-stream"),
    );
    // Stored first, then checked: a file whose hash is not Meta's is deleted again.
    let (size, sha) = match downloaded.body {
        DownloadedBody::Stream { stream, length } => {
            let bucket = env
                .bucket("MEDIA")
                .map_err(|e| Failure::Transient(format!("R2: {e}")))?;
            let sha = put_hashed(&bucket, key(&claimed.message_id), stream, length, &mime)
                .await
                .map_err(|e| Failure::Transient(format!("the download into R2 broke off: {e}")))?;
            (length as i64, sha)
        }
        DownloadedBody::Bytes(bytes) => {
            let sha = hex::encode(Sha256::digest(&bytes));
            let size = bytes.len() as i64;
            put_file(env, &claimed.message_id, bytes, &mime)
                .await
                .map_err(|e| Failure::Transient(format!("R2: {e}")))?;
            (size, sha)
        }
    };
    if let Some(expected) = &info.sha256 {
        if !expected.eq_ignore_ascii_case(&sha) {
            delete_file(env, &claimed.message_id).await;
            return Err(Failure::Transient(
                "the downloaded file does not match Meta's sha256".to_owned(),
            ));
        }
    }
    Ok((mime, size, sha))
}
