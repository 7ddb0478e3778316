//! Tickets and the socket route of live conversations.
//!
//! - `POST /api/widget/live` (visitor token) and `POST /api/admin/live` (admin token) issue a
//!   ticket for the caller's own room ([`LiveTicket`], 60 s; visitors' tickets rate-limited).
//!   Browsers cannot set headers on a WebSocket, so the ticket travels in the socket URL; it
//!   names one room, expires at once, and opens one socket (the room's object remembers it).
//! - `GET /api/live?ticket=…` (a WebSocket upgrade, rate-limited per client): checks the ticket and the Origin (a visitor
//!   room: the project's allowed origins or the edge's own; the inbox: the edge's own only), then
//!   hands the socket to the room's [`LiveFeed`](crate::live::feed) object.

use switchboard_core::live::{LiveTicket, INBOX_ROOM};
use switchboard_core::settings::normalize_origin;
use worker::{Env, Request, RequestInit, Response};

use super::feed::{BINDING, EXPIRES_HEADER, ROOM_HEADER, TICKET_HEADER};
use crate::config::env::Config;
use crate::config::store::ConfigStore;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::http::{header, query};
use crate::platform::random;
use crate::platform::rate_limits::{self, Limit};

/// A ticket for `room` with the path to open; it opens one socket.
pub fn ticket(config: &Config, room: &str) -> Result<serde_json::Value, EdgeError> {
    let nonce = hex::encode(random::bytes::<16>()?);
    Ok(serde_json::json!({
        "ticket": LiveTicket::issue(&config.keys, room, now_seconds(), &nonce),
        "path": "/api/live",
    }))
}

/// `GET /api/live?ticket=…`: the socket, handed to the room's object.
pub async fn connect(req: Request, env: &Env, config: &Config) -> Result<Response, EdgeError> {
    if !header(&req, "upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        return Err(EdgeError::UpgradeRequired);
    }
    rate_limits::check(
        env,
        Limit::Live,
        &format!(
            "socket:{}",
            rate_limits::client_key(&req, config.trust_test_country_header)
        ),
    )
    .await?;
    let ticket = query(&req, "ticket")
        .and_then(|t| LiveTicket::verify(&config.keys, &t, now_seconds()))
        .ok_or(EdgeError::BadLiveTicket)?;
    let origin = header(&req, "origin").unwrap_or_default();
    let own = req.url()?.origin().ascii_serialization();
    let same_origin = normalize_origin(&origin) == normalize_origin(&own);
    let allowed = if ticket.room == INBOX_ROOM {
        same_origin
    } else {
        same_origin
            || ConfigStore::new(env)?
                .settings()
                .await?
                .allows_origin(&origin)
    };
    if !allowed {
        return Err(EdgeError::Forbidden(format!(
            "origin {origin} may not open this live feed"
        )));
    }
    let stub = env
        .durable_object(BINDING)?
        .id_from_name(&ticket.room)?
        .get_stub()?;
    // The room's object admits the socket: once per ticket, and up to the room's cap.
    let headers = req.headers().clone();
    headers.set(ROOM_HEADER, &ticket.room)?;
    headers.set(TICKET_HEADER, &ticket.nonce)?;
    headers.set(EXPIRES_HEADER, &ticket.expires_at.to_string())?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let inner = Request::new_with_init("https://live-feed/connect", &init)?;
    Ok(stub.fetch_with_request(inner).await?)
}
