//! Work the Worker hands to its queue so that each invocation stays inside the free plan's CPU
//! budget (10 ms): the messages of a delivery that carries more than [`INLINE_MESSAGES`] of them,
//! and the fetch of each media file.
//!
//! Each customer's messages in a delivery travel as one chain ([`Work::Messages`]): an
//! invocation stores the first and queues the rest, so each invocation stores one message and
//! a customer's messages are stored in Meta's order (two sent within the same second keep their
//! order in the thread); different customers' chains run side by side.
//! Each is its change's `value` reduced to that one message (with the sender's contact, for
//! their name, username and phone/BSUID link), so the consumer parses it with the webhook's own
//! parser and stores it with the webhook's own steps: idempotent by wamid (a retried link
//! stores nothing twice), placed by the reset rule. The webhook's 200 means every item is
//! stored in D1 or held by the queue (durable once `send` resolves); statuses, errors and items
//! not understood stay in the request, where they cost one batch per change.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::webhook::{parse_change, raw_contact_describes, ChangeField, Delivery, TimestampWindow};

/// Most messages a delivery may carry and still be stored inside its own request (measured
/// upper bound: 7.0 ms for one, ~9.2 ms for two, 26.7 ms for ten).
pub const INLINE_MESSAGES: usize = 2;

/// Largest queued item, in bytes: Cloudflare Queues take 128 KB with ~100 B of metadata. A
/// bigger item (a message with an enormous order) is stored inside the request instead.
pub const MAX_ITEM_BYTES: usize = 120_000;

/// How long a queued message is retried before it is kept as "not understood" with its raw
/// JSON instead: the free plan keeps a queue's messages 24 hours.
pub const GIVE_UP_AFTER_SECONDS: i64 = 20 * 3600;

/// One item of work, as queued (JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Work {
    /// A customer's messages of one delivery still to store, in Meta's order.
    Messages {
        /// When the webhook received them (unix seconds): the consumer stores them as of then.
        received_at: i64,
        messages: Vec<QueuedMessage>,
    },
    /// The files of these stored media messages, to fetch from Graph into R2.
    Media { wamids: Vec<String> },
    /// A file whose next attempt is due (the cron's sweep), by its message's id.
    MediaFile { message_id: String },
}

/// One message of a delivery, as its change's `value` holding only that message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedMessage {
    pub waba_id: String,
    /// Where its change was in the delivery (`changes[1].value`).
    pub path: String,
    pub value: Value,
}

impl QueuedMessage {
    /// This message as a delivery of its own, parsed as the webhook parsed it.
    pub fn delivery(&self, received_at: i64) -> Delivery {
        let window = TimestampWindow::around(received_at);
        match parse_change(&self.waba_id, &self.value, &self.path, window) {
            Ok(change) => Delivery {
                changes: vec![change],
                not_understood: Vec::new(),
            },
            Err(item) => Delivery {
                changes: Vec::new(),
                not_understood: vec![item],
            },
        }
    }
}

impl Work {
    pub fn to_json(&self) -> String {
        // A Work holds only strings, numbers and JSON values: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not a work item: {e}"))
    }

    /// How many messages this item holds.
    pub fn message_count(&self) -> usize {
        match self {
            Self::Messages { messages, .. } => messages.len(),
            Self::Media { .. } | Self::MediaFile { .. } => 0,
        }
    }
}

/// Whether a delivery carries too many messages to store inside its own request.
pub fn should_defer(delivery: &Delivery) -> bool {
    message_count(delivery) > INLINE_MESSAGES
}

fn message_count(delivery: &Delivery) -> usize {
    delivery
        .changes
        .iter()
        .filter(|c| c.field == ChangeField::Messages)
        .map(|c| c.messages.len())
        .sum()
}

/// Takes every message out of `delivery`'s `messages` changes, as one [`Work::Messages`] per
/// number and customer, in Meta's order;
/// what stays is the rest of the delivery (statuses, Meta's errors, items not understood,
/// echoes), each change's `value` without its `messages` (so a change kept for replay while
/// its number is not connected carries only what was left). A change left with nothing is
/// dropped. Returns `None`, changing nothing, when an item would be over [`MAX_ITEM_BYTES`].
pub fn take_messages(delivery: &mut Delivery, received_at: i64) -> Option<Vec<Work>> {
    // (number, customer) → their messages, in order of first appearance.
    let mut chains: Vec<((String, String), Vec<QueuedMessage>)> = Vec::new();
    for (index, change) in delivery.changes.iter().enumerate() {
        if change.field != ChangeField::Messages {
            continue;
        }
        let mut shared = change.value.clone();
        let contacts = shared
            .as_object_mut()
            .and_then(|object| {
                for key in [
                    "messages",
                    "statuses",
                    "errors",
                    "message_echoes",
                    "history",
                ] {
                    object.remove(key);
                }
                object.remove("contacts")
            })
            .and_then(|c| c.as_array().cloned());
        for message in &change.messages {
            let mut value = shared.clone();
            if let Some(object) = value.as_object_mut() {
                object.insert(
                    "messages".to_owned(),
                    Value::Array(vec![message.raw.clone()]),
                );
                // Only the sender's contact travels with their message (for the name, the
                // username and the phone/BSUID link): an item does not grow with the number of
                // customers in its change.
                if let Some(contacts) = &contacts {
                    let sender = contacts
                        .iter()
                        .filter(|c| raw_contact_describes(c, &message.customer))
                        .cloned()
                        .collect();
                    object.insert("contacts".to_owned(), Value::Array(sender));
                }
            }
            let queued = QueuedMessage {
                waba_id: change.waba_id.clone(),
                path: format!("changes[{index}].value"),
                value,
            };
            let key = (
                change.phone_number_id.clone(),
                message.customer.key().as_str().to_owned(),
            );
            match chains.iter_mut().find(|(k, _)| *k == key) {
                Some((_, chain)) => chain.push(queued),
                None => chains.push((key, vec![queued])),
            }
        }
    }
    let work: Vec<Work> = chains
        .into_iter()
        .map(|(_, messages)| Work::Messages {
            received_at,
            messages,
        })
        .collect();
    if work.iter().any(|w| w.to_json().len() > MAX_ITEM_BYTES) {
        return None;
    }
    for change in &mut delivery.changes {
        if change.field != ChangeField::Messages || change.messages.is_empty() {
            continue;
        }
        change.messages.clear();
        if let Some(object) = change.value.as_object_mut() {
            object.remove("messages");
        }
    }
    delivery.changes.retain(|c| {
        !(c.messages.is_empty()
            && c.statuses.is_empty()
            && c.echoes.is_empty()
            && c.history.is_empty()
            && c.meta_errors.is_empty()
            && c.not_understood.is_empty())
    });
    Some(work)
}

/// How long to wait before trying a queued item again, by its age: about doubling, from 5 s
/// to an hour.
pub fn retry_delay_seconds(age_seconds: i64) -> u32 {
    age_seconds.clamp(5, 3600) as u32
}

#[cfg(test)]
mod tests;
