//! Replaying deliveries that were kept as unrouted once their number is connected.
//!
//! KV reaches other locations up to ~60 s after a connect; a delivery handled there meanwhile
//! sees the number as not connected and is kept in `unrouted_events`. A connect replays its
//! number's events at once, and the scheduled handler replays whatever arrived during the
//! propagation window. Replaying is idempotent (wamid uniqueness), so running twice, or dying
//! halfway and running again, stores each message once.

use serde_json::Value;
use switchboard_core::webhook::{parse_change, TimestampWindow};

use super::service::{apply_change, DeliverySummary};
use super::store::WebhookStore;
use crate::config::store::ConfigStore;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;

/// Events replayed per number per call; the rest wait for the next call.
const BATCH: i64 = 200;

/// Replays the unrouted events of `phone_number_id` if it is connected; returns what they did.
pub async fn replay_number(
    config: &ConfigStore,
    store: &ConversationStore,
    phone_number_id: &str,
    live: &Live,
) -> Result<DeliverySummary, EdgeError> {
    let mut summary = DeliverySummary::default();
    // The writer's document, not KV: right after a connect, KV may not show it yet.
    let document = config.document().await?;
    let Some(number) = document
        .number(phone_number_id)
        .filter(|n| n.connected)
        .cloned()
    else {
        return Ok(summary);
    };
    let settings = document.settings;
    let webhook_store = WebhookStore(store);
    for event in webhook_store.unreplayed(phone_number_id, BATCH).await? {
        let now = now_seconds();
        if let Some(change) = change_of(&event.payload, now) {
            apply_change(store, &settings, &number, &change, now, &mut summary, live).await?;
        } else {
            worker::console_error!("unrouted event {} has no replayable change", event.id);
        }
        webhook_store.mark_replayed(&event.id, now).await?;
    }
    Ok(summary)
}

/// Replays every connected number that has unrouted events waiting (the scheduled handler).
pub async fn replay_all(
    config: &ConfigStore,
    store: &ConversationStore,
    live: &Live,
) -> Result<DeliverySummary, EdgeError> {
    let mut total = DeliverySummary::default();
    for number in WebhookStore(store).numbers_with_unreplayed().await? {
        let s = replay_number(config, store, &number, live).await?;
        total.messages_stored += s.messages_stored;
        total.duplicates += s.duplicates;
        total.handoffs += s.handoffs;
        total.statuses += s.statuses;
    }
    Ok(total)
}

/// The change kept in an event: `{waba_id, value}` (the raw change), or the older summary shape
/// `{phone_number_id, display_phone_number, waba_id, messages: [raw…]}`.
fn change_of(payload: &str, now: i64) -> Option<switchboard_core::webhook::Change> {
    let payload: Value = serde_json::from_str(payload).ok()?;
    let waba_id = payload.get("waba_id").and_then(Value::as_str).unwrap_or("");
    let value = match payload.get("value") {
        Some(value) => value.clone(),
        None => serde_json::json!({
            "metadata": {
                "phone_number_id": payload.get("phone_number_id")?,
                "display_phone_number": payload.get("display_phone_number"),
            },
            "messages": payload.get("messages"),
        }),
    };
    parse_change(waba_id, &value, "replay", TimestampWindow::around(now)).ok()
}
