//! `GET/POST /webhooks/whatsapp`.

use switchboard_core::admin_auth::secrets_equal;
use switchboard_core::signature::verify_signature;
use switchboard_core::webhook::{parse_delivery, MAX_DELIVERY_BYTES};
use switchboard_core::webhook_wiring::WiringEvent;
use worker::{Context, Env, Method, Request, Response};

use super::service::receive;
use super::wiring;
use crate::config::env::Config;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::http::{header, ok_json, query, read_body};

/// Handshakes, signed deliveries and signature failures are also recorded for the console's
/// Webhook panel ([`wiring`]), after the answer.
pub async fn handle(
    req: &mut Request,
    env: &Env,
    ctx: &Context,
    config: &Config,
    live: &Live,
) -> Result<Response, EdgeError> {
    match req.method() {
        Method::Get => {
            let answer = verify_subscription(req, config);
            let event = match answer {
                Ok(_) => WiringEvent::Handshake,
                Err(_) => WiringEvent::HandshakeRefused,
            };
            wiring::record(ctx, env, vec![event], None);
            answer
        }
        Method::Post => {
            let body = read_body(req, MAX_DELIVERY_BYTES).await?;
            if let Err(e) = verify_signature(
                config.app_secret.as_bytes(),
                &body,
                header(req, "x-hub-signature-256").as_deref(),
            ) {
                let reason = e.to_string();
                wiring::record(
                    ctx,
                    env,
                    vec![WiringEvent::SignatureFailure],
                    Some(reason.clone()),
                );
                return Err(EdgeError::BadSignature(reason));
            }
            // Only a body that is not a delivery at all is refused; odd items inside are kept.
            let now = now_seconds();
            let delivery =
                parse_delivery(&body, now).map_err(|e| EdgeError::BadRequest(e.to_string()))?;
            let (summary, media) = receive(env, &delivery, live, now).await?;
            // Media files are fetched after the message is stored: Meta never waits for them.
            crate::media::fetch::fetch_later(env, ctx, media).await;
            let mut events = vec![WiringEvent::Delivery];
            let mut numbers: Vec<&str> = delivery
                .changes
                .iter()
                .map(|c| c.phone_number_id.as_str())
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            events.extend(
                numbers
                    .into_iter()
                    .map(|id| WiringEvent::NumberDelivery(id.to_owned())),
            );
            wiring::record(ctx, env, events, None);
            ok_json(&summary)
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
