//! `LiveFeed`, the Durable Object that holds one room's WebSockets (a visitor's Messenger tabs, or
//! the console's inbox) and fans out the events the Worker publishes after its D1 writes.
//!
//! Sockets are accepted with the Hibernation API: an idle room costs nothing, and the keep-alive
//! `ping` is answered `pong` by the runtime without waking the object. The object keeps no
//! state but its sockets (each with its flood counter as an attachment), so an eviction or a code
//! update loses nothing: clients reconnect and catch up from D1. Protocol and rules:
//! `switchboard_core::live`.
//!
//! Internal routes (from the Worker only; the namespace is not reachable from outside):
//! `GET /connect` (a WebSocket upgrade, already authorised by the Worker; the object admits a
//! ticket once and holds at most `max_sockets(room)` sockets), `POST /publish` (a request's
//! events for this room, one JSON text per line), `POST /disconnect` (close every socket: clients reconnect and catch up).

use switchboard_core::live::{close, max_sockets, FloodGuard, FrameVerdict, PING, PONG};
use switchboard_core::live_publish::events_of;
use worker::worker_sys::WebSocketRequestResponsePair;
use worker::{
    durable_object, DurableObject, Env, ListOptions, Request, Response, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use crate::platform::clock::now_seconds;

/// The namespace binding of the rooms' objects.
pub const BINDING: &str = "LIVE_FEED";
/// What the Worker tells the room's object about an authorised socket (internal requests only).
pub const ROOM_HEADER: &str = "x-live-room";
pub const TICKET_HEADER: &str = "x-live-ticket";
pub const EXPIRES_HEADER: &str = "x-live-ticket-expires";

#[durable_object]
pub struct LiveFeed {
    state: State,
}

/// Storage keys of used tickets: `ticket:<expires_at, 12 digits>:<nonce>`, so the expired ones
/// are one ordered range.
fn used_key(expires_at: i64, nonce: &str) -> String {
    format!("ticket:{expires_at:012}:{nonce}")
}

impl LiveFeed {
    /// `None` when the socket may join: its ticket was never used (it is marked used now) and
    /// the room is under its cap. Otherwise the refusal to send back. Storage calls hold the
    /// object's input gate, so two sockets racing on one ticket are taken one after the other.
    async fn admit(&self, req: &Request) -> worker::Result<Option<Response>> {
        let headers = req.headers();
        let room = headers.get(ROOM_HEADER)?.unwrap_or_default();
        let nonce = headers.get(TICKET_HEADER)?.unwrap_or_default();
        let expires_at: i64 = headers
            .get(EXPIRES_HEADER)?
            .and_then(|e| e.parse().ok())
            .unwrap_or_default();
        let storage = self.state.storage();
        // Forget the tickets that have expired anyway.
        let expired_before = used_key(now_seconds(), "");
        let expired = storage
            .list_with_options(ListOptions::new().start("ticket:").end(&expired_before))
            .await?;
        let keys: Vec<String> = expired
            .keys()
            .into_iter()
            .filter_map(|k| k.ok()?.as_string())
            .collect();
        if !keys.is_empty() {
            storage.delete_multiple(keys).await?;
        }
        let key = used_key(expires_at, &nonce);
        if nonce.is_empty() || storage.get::<i64>(&key).await?.is_some() {
            return Ok(Some(Response::error(
                "this live ticket has been used: ask for a new one",
                401,
            )?));
        }
        storage.put(&key, expires_at).await?;
        if self.state.get_websockets().len() >= max_sockets(&room) {
            return Ok(Some(Response::error(
                "this chat has as many live connections as it may hold: it checks for replies instead",
                429,
            )?));
        }
        Ok(None)
    }
}

impl DurableObject for LiveFeed {
    fn new(state: State, _env: Env) -> Self {
        if let Ok(pair) = WebSocketRequestResponsePair::new(PING, PONG) {
            state.set_websocket_auto_response(&pair);
        }
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        match req.path().as_str() {
            "/connect" => {
                if let Some(refusal) = self.admit(&req).await? {
                    return Ok(refusal);
                }
                let pair = WebSocketPair::new()?;
                self.state.accept_web_socket(&pair.server);
                pair.server.serialize_attachment(FloodGuard::default())?;
                Response::from_websocket(pair.client)
            }
            "/publish" => {
                let body = req.text().await?;
                let sockets = self.state.get_websockets();
                let mut delivered = 0u32;
                for event in events_of(&body) {
                    for socket in &sockets {
                        if socket.send_with_str(event).is_ok() {
                            delivered += 1;
                        }
                    }
                }
                Response::ok(delivered.to_string())
            }
            "/disconnect" => {
                let sockets = self.state.get_websockets();
                for socket in &sockets {
                    let _ = socket.close(Some(close::GOING_AWAY), Some("reconnect and catch up"));
                }
                Response::ok(sockets.len().to_string())
            }
            _ => Response::error("no such live feed route", 404),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        let mut guard: FloodGuard = ws.deserialize_attachment()?.unwrap_or_default();
        let verdict = match &message {
            WebSocketIncomingMessage::String(text) => guard.judge(text, now_seconds()),
            WebSocketIncomingMessage::Binary(bytes) => {
                guard.judge(&"?".repeat(bytes.len().max(1)), now_seconds())
            }
        };
        match verdict {
            FrameVerdict::Ignore => ws.serialize_attachment(guard),
            FrameVerdict::Close { code, reason } => ws.close(Some(code), Some(reason)),
        }
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        // Complete the closing handshake (1005/1006 are not codes one may send).
        let code = u16::try_from(code)
            .ok()
            .filter(|c| !matches!(c, 1005 | 1006))
            .unwrap_or(1000);
        let _ = ws.close(Some(code), Some("bye"));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        let _ = ws.close(Some(1011), Some("socket error"));
        Ok(())
    }
}
