//! Small HTTP helpers: JSON answers, bounded body reading, query parameters.

use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Request, Response};

use crate::error::EdgeError;

/// Largest JSON body the admin and widget APIs accept.
pub const MAX_API_BODY: usize = 64 * 1024;

pub fn json_response<T: Serialize>(value: &T, status: u16) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    let mut response = Response::ok(body)
        .unwrap_or_else(|_| Response::empty().expect("an empty response can always be built"))
        .with_status(status);
    let _ = response
        .headers_mut()
        .set("content-type", "application/json; charset=utf-8");
    let _ = response.headers_mut().set("cache-control", "no-store");
    response
}

pub fn ok_json<T: Serialize>(value: &T) -> Result<Response, EdgeError> {
    Ok(json_response(value, 200))
}

/// The body, refused with 413 past `limit` (checked on Content-Length first, then on the bytes).
pub async fn read_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, EdgeError> {
    let declared = header(req, "content-length").and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(EdgeError::TooLarge(limit));
    }
    let body = req
        .bytes()
        .await
        .map_err(|e| EdgeError::BadRequest(format!("could not read body: {e}")))?;
    if body.len() > limit {
        return Err(EdgeError::TooLarge(limit));
    }
    Ok(body)
}

pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> Result<T, EdgeError> {
    let body = read_body(req, MAX_API_BODY).await?;
    serde_json::from_slice(&body)
        .map_err(|e| EdgeError::BadRequest(format!("invalid JSON body: {e}")))
}

pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// A query parameter, if present and non-empty.
pub fn query(req: &Request, name: &str) -> Option<String> {
    let url = req.url().ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}
