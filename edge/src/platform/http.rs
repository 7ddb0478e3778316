//! Small HTTP helpers: JSON answers, bounded body reading, query parameters.

use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_core::api::ErrorBody;
use switchboard_core::config_document::ConfigRefusal;
use switchboard_core::team::session;
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

/// The body, refused with 413 past `limit`: at once on a `Content-Length` over it, otherwise
/// as soon as the bytes read from the stream pass it — a chunked body without a length is
/// never buffered (or waited for) beyond the limit.
pub async fn read_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, EdgeError> {
    let declared = header(req, "content-length").and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(EdgeError::TooLarge(limit));
    }
    let unreadable = |e: worker::Error| EdgeError::BadRequest(format!("could not read body: {e}"));
    // With a length (Meta always sends one) the runtime reads the body in one call, instead of
    // one crossing into wasm per chunk; the length was checked against the limit above.
    match declared {
        Some(0) => return Ok(Vec::new()),
        Some(_) => {
            let body = req.bytes().await.map_err(unreadable)?;
            if body.len() > limit {
                return Err(EdgeError::TooLarge(limit));
            }
            return Ok(body);
        }
        None => {}
    }
    let mut body = Vec::new();
    // A request without a body (GET, or an empty POST) has no stream.
    let Ok(mut stream) = req.stream() else {
        return Ok(body);
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(unreadable)?;
        if body.len() + chunk.len() > limit {
            return Err(EdgeError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
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

/// The error as the JSON answer its status calls for (details of storage and internal errors
/// stay in the log).
pub fn error_response(error: EdgeError) -> Response {
    let status = error.status();
    if status >= 500 {
        worker::console_error!("{status}: {error}");
    }
    let body = ErrorBody {
        field: match &error {
            EdgeError::InvalidField(e) => Some(e.field.clone()),
            EdgeError::TurnstileRefused => Some("turnstile_token".to_owned()),
            _ => None,
        },
        current_version: match &error {
            EdgeError::Config(ConfigRefusal::StaleVersion { current, .. }) => Some(*current),
            EdgeError::PreconditionRequired { current_version } => Some(*current_version),
            _ => None,
        },
        code: match &error {
            EdgeError::Unauthorized => Some(session::CODE_ADMIN_TOKEN),
            EdgeError::SignInRefused(_) => Some(session::CODE_ACCESS),
            EdgeError::NotAMember { claimable: true } => Some(session::CODE_CLAIMABLE),
            EdgeError::NotAMember { claimable: false } => Some(session::CODE_NOT_A_MEMBER),
            EdgeError::RoleNeeded(_) => Some(session::CODE_ROLE),
            _ => None,
        }
        .map(str::to_owned),
        error: match &error {
            EdgeError::InvalidField(e) => e.reason.clone(),
            // Storage and internal details stay in the log.
            EdgeError::Storage(_) => "storage failed; please retry".to_owned(),
            EdgeError::Internal(_) => "internal error".to_owned(),
            EdgeError::Unavailable(_) => {
                "a service we need did not answer; please try again".to_owned()
            }
            other => other.to_string(),
        },
    };
    let mut response = json_response(&body, status);
    if let EdgeError::RangeNotSatisfiable(size) = &error {
        let _ = response
            .headers_mut()
            .set("content-range", &format!("bytes */{size}"));
    }
    if let EdgeError::MethodNotAllowed { allow } = &error {
        let _ = response.headers_mut().set("allow", allow);
    }
    if let EdgeError::TooManyRequests { retry_after, .. } = &error {
        let _ = response
            .headers_mut()
            .set("retry-after", &retry_after.to_string());
    }
    response
}
