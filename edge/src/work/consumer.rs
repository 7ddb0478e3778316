//! The queue consumer (`#[event(queue)]` in lib.rs; one item per invocation, wrangler.toml):
//! of a chain of queued messages the first is stored with the webhook's own steps (parsed and
//! judged as of the delivery's arrival) and the rest queued again, so each invocation stores
//! one message and a customer's messages are stored in Meta's order; a media item fetches its
//! file. An item that fails is retried with a delay that grows with its age (5 s … 1 h); after
//! [`GIVE_UP_AFTER_SECONDS`] a chain's first message is kept as "not understood" with its raw
//! JSON and the rest goes on. An item Cloudflare gives up on (its invocation stopped, out of
//! CPU or memory, every time) reaches the dead-letter queue, whose items are kept so too, as is
//! an item we cannot read: nothing the queue held is dropped silently. A media item needs no
//! keeping: its file's state lives in D1 and the cron's sweep retries it.

use serde_json::Value;
use switchboard_core::deferred_work::{
    retry_delay_seconds, QueuedMessage, Work, GIVE_UP_AFTER_SECONDS,
};
use switchboard_core::webhook::NotUnderstood;
use worker::{Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::media::fetch::{fetch_all, fetch_later, fetch_now};
use crate::platform::clock::now_seconds;
use crate::platform::d1::Db;
use crate::platform::queue::{self, DEAD_LETTERS};
use crate::webhooks::service::{apply_delivery, media_wamids};
use crate::webhooks::store::WebhookStore;

pub async fn run(batch: MessageBatch<String>, env: &Env, ctx: &Context) {
    let dead = batch.queue() == DEAD_LETTERS;
    let now = now_seconds();
    for message in batch.raw_iter() {
        let age = now - (message.timestamp().as_millis() / 1000) as i64;
        let text = message.body().as_string().unwrap_or_default();
        let outcome = match Work::from_json(&text) {
            Ok(work) if dead => keep_dead(env, work).await,
            Ok(work) => run_one(env, ctx, work, age).await,
            Err(reason) => keep(env, unreadable(&text), &reason, None, now).await,
        };
        match outcome {
            Ok(()) => message.ack(),
            Err(e) => {
                let delay = retry_delay_seconds(age);
                worker::console_warn!("queued work failed ({e}); retried in {delay} s");
                message.retry_with_options(
                    &QueueRetryOptionsBuilder::new()
                        .with_delay_seconds(delay)
                        .build(),
                );
            }
        }
    }
}

async fn run_one(env: &Env, ctx: &Context, work: Work, age: i64) -> Result<(), EdgeError> {
    match work {
        Work::Messages {
            received_at,
            mut messages,
        } => {
            if messages.is_empty() {
                return Ok(());
            }
            let head = messages.remove(0);
            if let Err(e) = store_one(env, ctx, &head, received_at).await {
                if age < GIVE_UP_AFTER_SECONDS {
                    return Err(e);
                }
                let reason = format!("could not be stored for {} hours: {e}", age / 3600);
                keep_message(env, &head, &reason, received_at).await?;
            }
            // The rest of the chain; if it cannot be queued, this item is retried (its first
            // message is then a duplicate, stored once).
            let rest = Work::Messages {
                received_at,
                messages,
            };
            if rest.message_count() > 0 {
                queue::send(env, &[rest]).await?;
            }
            Ok(())
        }
        Work::Media { wamids } => fetch_now(env, &wamids).await,
        Work::MediaFile { message_id } => {
            fetch_all(env, &Db::new(env)?, &[message_id]).await;
            Ok(())
        }
    }
}

/// Stores one queued message with the webhook's steps, then tells the inbox and fetches its file.
async fn store_one(
    env: &Env,
    ctx: &Context,
    queued: &QueuedMessage,
    received_at: i64,
) -> Result<(), EdgeError> {
    let delivery = queued.delivery(received_at);
    let live = Live::default();
    let applied = apply_delivery(env, &delivery, &live, received_at).await;
    // What was committed is told even if a later step failed (as the router does).
    crate::push::service::send_after(env, ctx, live.take_customer_messages());
    live.send_after(env, ctx);
    applied?;
    fetch_later(env, ctx, media_wamids(&delivery)).await;
    Ok(())
}

/// An item Cloudflare gave up on: each message of a chain kept as "not understood".
async fn keep_dead(env: &Env, work: Work) -> Result<(), EdgeError> {
    if let Work::Messages {
        received_at,
        messages,
    } = work
    {
        let reason = "the work queue gave up on it: every attempt to store it was stopped";
        for queued in &messages {
            keep_message(env, queued, reason, received_at).await?;
        }
    }
    Ok(())
}

async fn keep_message(
    env: &Env,
    queued: &QueuedMessage,
    reason: &str,
    at: i64,
) -> Result<(), EdgeError> {
    let number = queued
        .value
        .pointer("/metadata/phone_number_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    keep(env, queued.value.clone(), reason, number, at).await
}

fn unreadable(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// Keeps `raw` as "not understood" (listed on the console's Webhook page).
async fn keep(
    env: &Env,
    raw: Value,
    reason: &str,
    phone_number_id: Option<String>,
    now: i64,
) -> Result<(), EdgeError> {
    let item = NotUnderstood {
        path: "work queue".to_owned(),
        reason: reason.to_owned(),
        phone_number_id,
        raw,
    };
    let store = ConversationStore::new(env)?;
    let statement = WebhookStore(&store).keep_not_understood(&item, now)?;
    store.batch(vec![statement]).await?;
    worker::console_warn!("queued work kept as not understood: {reason}");
    Ok(())
}
