//! Applying a parsed delivery: route each change to its number, store each message once in
//! the right conversation (handoff code, else the reset rule), apply each status, and keep
//! what belongs to no connected number or could not be understood.
//!
//! D1 round trips: one for the delivery's items kept aside (only when there are any), and per
//! message one for the context (duplicate + reset neighbours) and one batch that writes it;
//! a message carrying something that looks like a handoff code adds the claim batch. Statuses
//! are one batch per change, with the phone/BSUID links they name.

use serde::Serialize;
use switchboard_core::deferred_work::{should_defer, take_messages};
use switchboard_core::live::{visitor_room, Change as LiveChange, LiveEvent, INBOX_ROOM};
use switchboard_core::settings::ProjectSettings;
use switchboard_core::webhook::{Change, Delivery, MessageContent, TimestampWindow};
use worker::Env;

use super::identity::{self, Identity};
use super::inbound::{echo_message, Applied, Inbound, Rules};
use super::not_shown_yet;
use super::store::WebhookStore;
use super::unrouted::record_unrouted;
use crate::config::store::{ConfigStore, NumberRecord};
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::queue;

/// What a delivery did; the webhook's 200 answer.
#[derive(Debug, Default, Serialize)]
pub struct DeliverySummary {
    pub messages_stored: u32,
    /// Messages handed to the work queue, each stored by an invocation of its own (a delivery
    /// of more than two; see `switchboard_core::deferred_work`).
    pub messages_queued: u32,
    pub duplicates: u32,
    pub handoffs: u32,
    pub statuses: u32,
    pub unrouted_changes: u32,
    pub not_understood: u32,
}

/// Stores a delivery received at `now`: inside this request when it carries at most two
/// messages, else its messages go to the work queue (a chain per customer, stored one message
/// per invocation in Meta's order) and the rest is stored here. If the queue cannot take them, everything is stored here. Returns the summary and the
/// media messages stored here, whose files are still to fetch.
pub async fn receive(
    env: &Env,
    delivery: &Delivery,
    live: &Live,
    now: i64,
) -> Result<(DeliverySummary, Vec<String>), EdgeError> {
    if should_defer(delivery) {
        let mut rest = delivery.clone();
        if let Some(work) = take_messages(&mut rest, now) {
            let count: usize = work.iter().map(|w| w.message_count()).sum();
            match queue::send(env, &work).await {
                Ok(()) => {
                    let mut summary = apply_delivery(env, &rest, live, now).await?;
                    summary.messages_queued = count as u32;
                    return Ok((summary, Vec::new()));
                }
                Err(e) => worker::console_warn!(
                    "{count} messages not queued ({e}): stored inside the request"
                ),
            }
        }
    }
    let summary = apply_delivery(env, delivery, live, now).await?;
    Ok((summary, media_wamids(delivery)))
}

/// The media messages of a delivery, whose files are fetched after they are stored.
pub fn media_wamids(delivery: &Delivery) -> Vec<String> {
    delivery
        .changes
        .iter()
        .flat_map(|c| &c.messages)
        .filter(|m| matches!(m.content, MessageContent::Media { .. }))
        .map(|m| m.wamid.clone())
        .collect()
}

/// Stores a delivery as of `now` (its arrival: the queue consumer passes the webhook's time).
pub async fn apply_delivery(
    env: &Env,
    delivery: &Delivery,
    live: &Live,
    now: i64,
) -> Result<DeliverySummary, EdgeError> {
    let config = ConfigStore::new(env)?;
    // Both KV reads at once.
    let (settings, numbers) = futures_util::join!(config.settings(), config.numbers());
    let (settings, numbers) = (settings?, numbers?);
    let store = ConversationStore::new(env)?;
    let webhook_store = WebhookStore(&store);
    let mut summary = DeliverySummary::default();
    // Every item kept aside, the delivery's and its changes', in one batch. The Business app's
    // history sync (coexistence numbers) is not shown in the inbox: it is kept whole with the
    // not-understood items, so nothing Meta sends is lost.
    let not_shown_yet = not_shown_yet::items(delivery);
    let mut kept = delivery
        .all_not_understood()
        .chain(&not_shown_yet)
        .map(|item| webhook_store.keep_not_understood(item, now))
        .collect::<Result<Vec<_>, _>>()?;
    summary.not_understood = kept.len() as u32;
    // Errors Meta reported for a whole change: kept for the Webhook page, in the same batch.
    for change in &delivery.changes {
        for error in &change.meta_errors {
            kept.push(webhook_store.keep_meta_error(&change.phone_number_id, error, now)?);
        }
    }
    if !kept.is_empty() {
        store.batch(kept).await?;
    }
    for change in &delivery.changes {
        match numbers
            .iter()
            .find(|n| n.connected && n.phone_number_id == change.phone_number_id)
        {
            Some(number) => {
                apply_change(&store, &settings, number, change, now, &mut summary, live).await?
            }
            None => {
                record_unrouted(&webhook_store, change, now).await?;
                summary.unrouted_changes += 1;
            }
        }
    }
    Ok(summary)
}

/// Stores a change's messages and applies its statuses for a connected number. Used for live
/// deliveries and for replaying unrouted ones; idempotent by wamid either way.
pub async fn apply_change(
    store: &ConversationStore,
    settings: &ProjectSettings,
    number: &NumberRecord,
    change: &Change,
    now: i64,
    summary: &mut DeliverySummary,
    live: &Live,
) -> Result<(), EdgeError> {
    let rules = Rules {
        reset_days: number.effective_reset_days(settings),
        hours: &settings.opening_hours,
        handoff_enabled: settings.handoff_enabled && number.handoff_enabled,
        window: TimestampWindow::around(now),
    };
    // The Business app's echoes (coexistence), shaped as messages and stored outbound.
    let echoes: Vec<_> = change.echoes.iter().map(echo_message).collect();
    let arriving = change
        .messages
        .iter()
        .map(|m| (m, false))
        .chain(echoes.iter().map(|m| (m, true)));
    for (message, outbound) in arriving {
        let contact = change.contact_for(&message.customer);
        let contact_name = contact.and_then(|c| c.profile_name.as_deref());
        let username = contact.and_then(|c| c.username.as_deref());
        let number = &change.phone_number_id;
        let mut inbound = if outbound {
            Inbound::echo(store, number, contact_name, message)
        } else {
            Inbound::new(store, number, contact_name, message)
        }
        .with_username(username);
        match inbound.apply(&rules, now).await? {
            Applied::Stored(conversation_id) => {
                summary.messages_stored += 1;
                // An echo is the business's own message: nobody is told of it.
                if !outbound {
                    live.customer_wrote(inbound.for_push(&conversation_id));
                }
                live.publish(
                    INBOX_ROOM,
                    &changed(Some(conversation_id), LiveChange::Message),
                );
            }
            Applied::Handoff(claim) => {
                summary.messages_stored += 1;
                summary.handoffs += 1;
                live.customer_wrote(inbound.for_push(&claim.conversation_id));
                let event = changed(Some(claim.conversation_id), LiveChange::Handoff);
                live.publish(INBOX_ROOM, &event);
                if let Some(visitor) = &claim.visitor_id {
                    live.publish(&visitor_room(visitor), &event);
                }
            }
            Applied::Duplicate => summary.duplicates += 1,
        }
    }
    if !change.statuses.is_empty() {
        let webhook_store = WebhookStore(store);
        let mut statements = Vec::with_capacity(change.statuses.len() * 2);
        for status in &change.statuses {
            statements.extend(webhook_store.apply_status(status, now)?);
            // A status naming both the phone number and the BSUID links them (no username there).
            if let Some(customer) = status.recipient().filter(|c| c.link().is_some()) {
                let identity = Identity {
                    phone_number_id: &change.phone_number_id,
                    customer: &customer,
                    username: None,
                    at: status.timestamp,
                };
                statements.extend(identity::remember(store, &identity)?);
            }
        }
        store.batch(statements).await?;
        summary.statuses += change.statuses.len() as u32;
        live.publish(INBOX_ROOM, &changed(None, LiveChange::Status));
    }
    Ok(())
}

fn changed(conversation_id: Option<String>, change: LiveChange) -> LiveEvent {
    LiveEvent::changed(conversation_id, change)
}
