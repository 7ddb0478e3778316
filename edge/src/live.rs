//! The Worker's side of live conversations: tickets, the socket route and publishing.
//!
//! - `POST /api/widget/live` (visitor token) and `POST /api/admin/live` (admin token) issue a
//!   ticket for the caller's own room ([`LiveTicket`], 60 s). Browsers cannot set headers on a
//!   WebSocket, so the ticket travels in the socket URL; it names one room and expires at once.
//! - `GET /api/live?ticket=…` (a WebSocket upgrade): checks the ticket and the Origin (a visitor
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

const BINDING: &str = "LIVE_FEED";

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

/// A ticket for `room` with the path to open.
pub fn ticket(config: &Config, room: &str) -> serde_json::Value {
    serde_json::json!({
        "ticket": LiveTicket::issue(&config.keys, room, now_seconds()),
        "path": "/api/live",
    })
}

/// `GET /api/live?ticket=…`: the socket, handed to the room's object.
pub async fn connect(req: Request, env: &Env, config: &Config) -> Result<Response, EdgeError> {
    if !header(&req, "upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        return Err(EdgeError::UpgradeRequired);
    }
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
    let mut init = RequestInit::new();
    init.with_headers(req.headers().clone());
    let inner = Request::new_with_init("https://live-feed/connect", &init)?;
    Ok(stub.fetch_with_request(inner).await?)
}
