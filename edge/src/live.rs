//! The Worker's side of live conversations: tickets, the socket route and publishing.
//!
//! - `POST /api/widget/live` (visitor token) and `POST /api/admin/live` (admin token) issue a
//!   ticket for the caller's own room ([`LiveTicket`], 60 s; visitors' tickets rate-limited).
//!   Browsers cannot set headers on a WebSocket, so the ticket travels in the socket URL; it
//!   names one room, expires at once, and opens one socket (the room's object remembers it).
//! - `GET /api/live?ticket=…` (a WebSocket upgrade, rate-limited per client): checks the ticket and the Origin (a visitor
//!   room: the project's allowed origins or the edge's own; the inbox: the edge's own only), then
//!   hands the socket to the room's [`LiveFeed`](crate::live_feed) object.
//! - [`Live`]: handlers queue events as their D1 writes commit; the router sends them after the
//!   answer (`ctx.wait_until`). A publish that fails is logged and never fails the write.

use std::cell::RefCell;

use switchboard_core::live::{LiveEvent, LiveTicket, INBOX_ROOM};
use switchboard_core::settings::normalize_origin;
use worker::{Context, Env, Method, Request, RequestInit, Response};

use crate::clock::now_seconds;
use crate::config::Config;
use crate::config_store::ConfigStore;
use crate::error::EdgeError;
use crate::http::{header, query};
use crate::random;
use crate::rate_limits::{self, Limit};

const BINDING: &str = "LIVE_FEED";
/// What the Worker tells the room's object about an authorised socket (internal requests only).
pub const ROOM_HEADER: &str = "x-live-room";
pub const TICKET_HEADER: &str = "x-live-ticket";
pub const EXPIRES_HEADER: &str = "x-live-ticket-expires";

/// Events to publish once the request's writes are done.
#[derive(Default)]
pub struct Live {
    queued: RefCell<Vec<(String, String)>>,
}

impl Live {
    /// Queues `event` for `room`.
    pub fn publish(&self, room: &str, event: &LiveEvent) {
        match serde_json::to_string(event) {
            Ok(json) => self.queued.borrow_mut().push((room.to_owned(), json)),
            Err(e) => worker::console_error!("live event not serialisable: {e}"),
        }
    }

    /// Sends what was queued, after the answer.
    pub fn send_after(self, env: &Env, ctx: &Context) {
        if self.queued.borrow().is_empty() {
            return;
        }
        let env = env.clone();
        ctx.wait_until(async move { self.send_now(&env).await });
    }

    /// Sends what was queued, now (the scheduled handler, which has no answer to wait for).
    pub async fn send_now(self, env: &Env) {
        for (room, json) in self.queued.into_inner() {
            if let Err(e) = post(env, &room, "/publish", Some(json)).await {
                worker::console_warn!("live publish to {room} failed (clients catch up): {e}");
            }
        }
    }
}

async fn post(
    env: &Env,
    room: &str,
    path: &str,
    body: Option<String>,
) -> Result<String, EdgeError> {
    let stub = env
        .durable_object(BINDING)?
        .id_from_name(room)?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(body.map(Into::into));
    let request = Request::new_with_init(&format!("https://live-feed{path}"), &init)?;
    Ok(stub.fetch_with_request(request).await?.text().await?)
}

/// Closes every socket of `room` (they reconnect and catch up); how many there were.
pub async fn disconnect(env: &Env, room: &str) -> Result<u32, EdgeError> {
    Ok(post(env, room, "/disconnect", None)
        .await?
        .trim()
        .parse()
        .unwrap_or(0))
}

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
        &format!("socket:{}", rate_limits::client_key(&req, config)),
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
