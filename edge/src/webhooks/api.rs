//! `GET/POST /webhooks/whatsapp`.

use switchboard_core::admin_auth::secrets_equal;
use switchboard_core::signature::verify_signature;
use switchboard_core::webhook::{parse_delivery, MAX_DELIVERY_BYTES};
use worker::{Env, Method, Request, Response};

use super::service::apply_delivery;
use crate::clock::now_seconds;
use crate::config::Config;
use crate::error::EdgeError;
use crate::http::{header, ok_json, query, read_body};

pub async fn handle(req: &mut Request, env: &Env, config: &Config) -> Result<Response, EdgeError> {
    match req.method() {
        Method::Get => verify_subscription(req, config),
        Method::Post => {
            let body = read_body(req, MAX_DELIVERY_BYTES).await?;
            verify_signature(
                config.app_secret.as_bytes(),
                &body,
                header(req, "x-hub-signature-256").as_deref(),
            )
            .map_err(|e| EdgeError::BadSignature(e.to_string()))?;
            // Only a body that is not a delivery at all is refused; odd items inside are kept.
            let delivery = parse_delivery(&body, now_seconds())
                .map_err(|e| EdgeError::BadRequest(e.to_string()))?;
            ok_json(&apply_delivery(env, &delivery).await?)
        }
        _ => Err(EdgeError::MethodNotAllowed {
            allow: "GET (verification), POST (deliveries)",
        }),
    }
}

/// Meta's handshake: echo `hub.challenge` when the verify token matches.
fn verify_subscription(req: &Request, config: &Config) -> Result<Response, EdgeError> {
    let mode = query(req, "hub.mode");
    let token = query(req, "hub.verify_token").unwrap_or_default();
    let challenge = query(req, "hub.challenge").unwrap_or_default();
    if mode.as_deref() == Some("subscribe") && secrets_equal(&token, &config.verify_token) {
        let mut response = Response::ok(challenge)?;
        response.headers_mut().set("content-type", "text/plain")?;
        return Ok(response);
    }
    Err(EdgeError::Forbidden(
        "hub.mode must be subscribe and hub.verify_token must match".to_owned(),
    ))
}
