//! Publishing: handlers queue events as their D1 writes commit ([`Live`]); the router sends
//! them to the rooms' objects after the answer (`ctx.wait_until`), one post per room. A publish that fails is
//! logged and never fails the write. Also closing a room's sockets. The same carrier holds the
//! new customer messages a request stored, for Web Push to announce after the answer.

use std::cell::RefCell;

use switchboard_core::live::LiveEvent;
use switchboard_core::live_publish::{batch_by_room, RoomBatch};
use switchboard_core::web_push::payload::CustomerMessage;
use worker::{Context, Env, Method, Request, RequestInit};

use super::feed::BINDING;
use crate::error::EdgeError;

/// Events to publish once the request's writes are done.
#[derive(Default)]
pub struct Live {
    queued: RefCell<Vec<(String, String)>>,
    /// New customer messages, for the pushes (`crate::push::service::send_after`).
    customer_messages: RefCell<Vec<CustomerMessage>>,
}

impl Live {
    /// Queues `event` for `room`.
    pub fn publish(&self, room: &str, event: &LiveEvent) {
        match serde_json::to_string(event) {
            Ok(json) => self.queued.borrow_mut().push((room.to_owned(), json)),
            Err(e) => worker::console_error!("live event not serialisable: {e}"),
        }
    }

    /// Notes a new message from a customer (stored and committed), for Web Push.
    pub fn customer_wrote(&self, message: CustomerMessage) {
        self.customer_messages.borrow_mut().push(message);
    }

    /// The customer messages noted so far (taken: a second call gets none).
    pub fn take_customer_messages(&self) -> Vec<CustomerMessage> {
        self.customer_messages.take()
    }

    /// Sends what was queued, after the answer.
    pub fn send_after(self, env: &Env, ctx: &Context) {
        if self.queued.borrow().is_empty() {
            return;
        }
        let env = env.clone();
        ctx.wait_until(async move { self.send_now(&env).await });
    }

    /// Sends what was queued, now (the scheduled handler, which has no answer to wait for):
    /// one post per room, with that room's events (a batch of ten messages is one subrequest
    /// to the inbox, not ten).
    pub async fn send_now(self, env: &Env) {
        for RoomBatch { room, body } in batch_by_room(self.queued.into_inner()) {
            if let Err(e) = post(env, &room, "/publish", Some(body)).await {
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
