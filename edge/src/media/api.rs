//! `GET /api/admin/media/<message id>`: a stored file, to the signed-in console only (the bucket
//! is never public), with byte ranges for players. Pictures and recordings of allow-listed types
//! are served inline; anything else downloads as `application/octet-stream` — with `nosniff` and
//! a sandboxing CSP, nothing a customer sends can run as a page of ours.
//! `POST /api/admin/media/<message id>/retry`: fetch an unavailable file again, now.

use switchboard_core::media::{byte_range, served_as};
use worker::{Env, Range, Request, Response};

use super::fetch::{fetch_one, key};
use super::store::MediaStore;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::d1::Db;
use crate::platform::http::{header, ok_json};

pub async fn serve(
    req: &Request,
    env: &Env,
    store: &Db,
    message_id: &str,
) -> Result<Response, EdgeError> {
    let row = MediaStore(store)
        .get(message_id)
        .await?
        .filter(|m| m.state == "stored")
        .ok_or_else(|| EdgeError::NotFound(format!("no stored file for message {message_id}")))?;
    file_response(
        req,
        env,
        message_id,
        row.mime_type.as_deref(),
        row.filename.as_deref(),
    )
    .await
}

/// A stored file as an answer (once the caller has checked who may read it): the headers of
/// `core::media::served_as`, `nosniff`, a sandbox CSP, and the byte range asked for.
pub async fn file_response(
    req: &Request,
    env: &Env,
    message_id: &str,
    mime: Option<&str>,
    filename: Option<&str>,
) -> Result<Response, EdgeError> {
    let bucket = env.bucket("MEDIA")?;
    let missing = || EdgeError::NotFound(format!("the file of {message_id} is missing"));
    let size = bucket
        .head(key(message_id))
        .await?
        .ok_or_else(missing)?
        .size();
    let range = byte_range(header(req, "range").as_deref(), size)
        .map_err(|_| EdgeError::RangeNotSatisfiable(size))?;
    let mut get = bucket.get(key(message_id));
    if let Some((start, end)) = range {
        get = get.range(Range::OffsetWithLength {
            offset: start,
            length: end - start + 1,
        });
    }
    let bytes = get
        .execute()
        .await?
        .ok_or_else(missing)?
        .body()
        .ok_or_else(|| EdgeError::Storage("R2 object without a body".to_owned()))?
        .bytes()
        .await?;
    let served = served_as(mime.unwrap_or_default(), filename);
    let mut response = Response::from_bytes(bytes)?;
    let headers = response.headers_mut();
    headers.set("content-type", &served.content_type)?;
    headers.set("content-disposition", &served.content_disposition)?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("content-security-policy", "default-src 'none'; sandbox")?;
    headers.set("cache-control", "private, max-age=3600")?;
    headers.set("accept-ranges", "bytes")?;
    Ok(match range {
        Some((start, end)) => {
            response
                .headers_mut()
                .set("content-range", &format!("bytes {start}-{end}/{size}"))?;
            response.with_status(206)
        }
        None => response,
    })
}

pub async fn retry(
    env: &Env,
    store: &Db,
    numbers: &Numbers<'_>,
    message_id: &str,
) -> Result<Response, EdgeError> {
    let media = MediaStore(store);
    if !media.retry(message_id, now_seconds()).await? {
        return Err(EdgeError::Conflict(
            "only a file that is unavailable or failed its last attempt can be retried".to_owned(),
        ));
    }
    fetch_one(env, store, numbers, message_id).await?;
    let row = media.get(message_id).await?;
    ok_json(&serde_json::json!({ "state": row.map(|r| r.state) }))
}
