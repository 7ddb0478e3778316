//! The queue consumer (`#[event(queue)]` in lib.rs; one item per invocation, wrangler.toml):
//! of a chain of queued messages the first is stored with the webhook's own steps, as of when
//! the webhook received it, and the rest queued again (so each invocation stores one, in
//! Meta's order); a media item fetches its file. An item that fails is retried with a delay that grows
//! with its age (5 s … 1 h); after [`GIVE_UP_AFTER_SECONDS`] a message is kept as "not
//! understood" with its raw JSON instead, and an item we cannot read at all is kept so too:
//! nothing the queue held is dropped silently.

use serde_json::Value;
use switchboard_core::deferred_work::{retry_delay_seconds, Work, GIVE_UP_AFTER_SECONDS};
use switchboard_core::webhook::NotUnderstood;
use worker::{Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::media::fetch::{fetch_later, fetch_now};
use crate::platform::clock::now_seconds;
use crate::platform::queue;
use crate::webhooks::service::{apply_delivery, media_wamids};
use crate::webhooks::store::WebhookStore;

pub async fn run(batch: MessageBatch<String>, env: &Env, ctx: &Context) {
    let now = now_seconds();
    for message in batch.raw_iter() {
        let age = now - (message.timestamp().as_millis() / 1000) as i64;
        let text = message.body().as_string().unwrap_or_default();
        let outcome = match Work::from_json(&text) {
            Ok(work) => run_one(env, ctx, work).await,
            Err(reason) => keep(env, &text, &reason, now).await,
        };
        match outcome {
            Ok(()) => message.ack(),
            Err(e) if age >= GIVE_UP_AFTER_SECONDS => {
                let reason = format!("could not be stored for {} hours: {e}", age / 3600);
                match keep(env, &text, &reason, now).await {
                    Ok(()) => message.ack(),
                    Err(kept) => {
                        worker::console_error!(
                            "queued work not stored and not kept ({kept}); retried"
                        );
                        message.retry();
                    }
                }
            }
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

async fn run_one(env: &Env, ctx: &Context, work: Work) -> Result<(), EdgeError> {
    match work {
        Work::Messages {
            received_at,
            mut messages,
        } => {
            if messages.is_empty() {
                return Ok(());
            }
            let delivery = messages.remove(0).delivery(received_at);
            let live = Live::default();
            let applied = apply_delivery(env, &delivery, &live, received_at).await;
            // What was committed is told even if a later step failed (as the router does).
            crate::push::service::send_after(env, ctx, live.take_customer_messages());
            live.send_after(env, ctx);
            applied?;
            fetch_later(env, ctx, media_wamids(&delivery)).await;
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
    }
}

/// Keeps a queued item as "not understood", with its text (as JSON when it is JSON).
async fn keep(env: &Env, text: &str, reason: &str, now: i64) -> Result<(), EdgeError> {
    let raw = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()));
    let item = NotUnderstood {
        path: "work queue".to_owned(),
        reason: reason.to_owned(),
        phone_number_id: None,
        raw,
    };
    let store = ConversationStore::new(env)?;
    let statement = WebhookStore(&store).keep_not_understood(&item, now)?;
    store.batch(vec![statement]).await?;
    worker::console_warn!("queued work kept as not understood: {reason}");
    Ok(())
}
