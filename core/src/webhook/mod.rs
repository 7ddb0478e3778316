//! Parsing of WhatsApp Cloud API webhook deliveries, item by item.
//!
//! One delivery may carry several `entry[]`, each with several `changes[]`,
//! each with any number of `messages[]` and `statuses[]`. Only a body that is not
//! a delivery at all (not JSON, another `object`, no `entry` array) is an error.
//! Inside a delivery every item stands alone: what can be understood is parsed,
//! and each item that cannot be (a status we do not know, a message without an
//! id, a timestamp outside [`TimestampWindow`]) becomes a [`NotUnderstood`] with
//! its raw JSON and the reason, so that one odd item never costs the others.
//! Message types we do not know (including Meta's `unsupported`) are still
//! messages: [`MessageContent::Other`] with their raw JSON.
use serde::Serialize;
use serde_json::Value;

mod content;
mod fields;
mod message;
mod status;

pub use content::{MediaKind, MessageContent};
pub use fields::MAX_ID_LENGTH;
pub use message::{Contact, InboundMessage};
pub use status::{MetaError, StatusError, StatusUpdate};

use fields::{invalid, opt_string};
use message::parse_message;
use status::parse_status;

/// Largest delivery body the edge accepts (Meta's payloads are a few KiB).
pub const MAX_DELIVERY_BYTES: usize = 256 * 1024;

/// Why a delivery body could not be understood; the message says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("body is not valid JSON: {0}")]
    NotJson(String),
    #[error("object must be \"whatsapp_business_account\", found {0}")]
    WrongObject(String),
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: &'static str },
}

/// A whole delivery, flattened to its changes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Delivery {
    pub changes: Vec<Change>,
    /// Entries and changes that name no number we could read.
    pub not_understood: Vec<NotUnderstood>,
}

impl Delivery {
    /// Every item kept as not understood, the delivery's own and each change's.
    pub fn all_not_understood(&self) -> impl Iterator<Item = &NotUnderstood> {
        self.not_understood
            .iter()
            .chain(self.changes.iter().flat_map(|c| &c.not_understood))
    }
}

/// One `entry[].changes[]` item for the `messages` field.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub waba_id: String,
    pub phone_number_id: String,
    pub display_phone_number: Option<String>,
    pub contacts: Vec<Contact>,
    pub messages: Vec<InboundMessage>,
    pub statuses: Vec<StatusUpdate>,
    /// Errors Meta reported for the whole change (`value.errors`), not for one item.
    pub meta_errors: Vec<MetaError>,
    /// Items of this change that could not be understood.
    pub not_understood: Vec<NotUnderstood>,
    /// The change's `value` exactly as Meta sent it (kept for deliveries that cannot be routed yet).
    pub value: Value,
}

/// The span of time a timestamp from Meta may fall in, in unix seconds.
///
/// From 2009-01-01 (WhatsApp did not exist before, so nothing real is older) to one day
/// after `now` (Meta's clocks and ours agree within seconds; a day leaves room for any skew
/// without letting a far-future value make every later message look "late" to the reset
/// rule). An item outside it is kept as not understood, never stored as a message or status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampWindow {
    pub earliest: i64,
    pub latest: i64,
}

impl TimestampWindow {
    /// 2009-01-01T00:00:00Z.
    pub const EARLIEST: i64 = 1_230_768_000;
    /// How far past `now` a timestamp may be.
    pub const FUTURE_SKEW: i64 = 86_400;

    pub fn around(now: i64) -> Self {
        Self {
            earliest: Self::EARLIEST,
            latest: now.saturating_add(Self::FUTURE_SKEW),
        }
    }

    pub fn contains(self, at: i64) -> bool {
        (self.earliest..=self.latest).contains(&at)
    }
}

/// An item of a delivery we could not understand: kept with its raw JSON for the owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotUnderstood {
    /// Where it was: `entry[0].changes[1].value.statuses[2]`.
    pub path: String,
    /// What is wrong with it: `status: "deleted" is not one of sent, delivered, read, failed`.
    pub reason: String,
    /// The number it was addressed to, when that much could be read.
    pub phone_number_id: Option<String>,
    /// The item exactly as Meta sent it.
    pub raw: Value,
}

/// Parses a delivery body received at `now` (unix seconds).
/// Changes for fields other than `messages` are skipped.
pub fn parse_delivery(body: &[u8], now: i64) -> Result<Delivery, ParseError> {
    let root: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let object = root
        .get("object")
        .ok_or_else(|| invalid("object", "missing"))?;
    if object.as_str() != Some("whatsapp_business_account") {
        return Err(ParseError::WrongObject(object.to_string()));
    }
    let entries = root
        .get("entry")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("entry", "missing or not an array"))?;
    let window = TimestampWindow::around(now);
    let mut delivery = Delivery::default();
    for (e, entry) in entries.iter().enumerate() {
        let entry_path = format!("entry[{e}]");
        let kept = |reason: String| NotUnderstood {
            path: entry_path.clone(),
            reason,
            phone_number_id: None,
            raw: entry.clone(),
        };
        let Some(waba_id) = opt_string(entry, "id") else {
            delivery
                .not_understood
                .push(kept("id: missing or not a string".to_owned()));
            continue;
        };
        let Some(changes) = entry.get("changes").and_then(Value::as_array) else {
            delivery
                .not_understood
                .push(kept("changes: missing or not an array".to_owned()));
            continue;
        };
        for (c, change) in changes.iter().enumerate() {
            let path = format!("{entry_path}.changes[{c}]");
            if change.get("field").and_then(Value::as_str) != Some("messages") {
                continue;
            }
            match change.get("value").filter(|v| v.is_object()) {
                Some(value) => {
                    match parse_change(&waba_id, value, &format!("{path}.value"), window) {
                        Ok(parsed) => delivery.changes.push(parsed),
                        Err(item) => delivery.not_understood.push(item),
                    }
                }
                None => delivery.not_understood.push(NotUnderstood {
                    path,
                    reason: "value: missing or not an object".to_owned(),
                    phone_number_id: None,
                    raw: change.clone(),
                }),
            }
        }
    }
    Ok(delivery)
}

/// Parses one change's `value` object. The change itself is refused (as one item not
/// understood) only when it names no number; otherwise each of its items stands alone.
pub fn parse_change(
    waba_id: &str,
    value: &Value,
    path: &str,
    window: TimestampWindow,
) -> Result<Change, NotUnderstood> {
    let Some(phone_number_id) = value
        .get("metadata")
        .and_then(|m| opt_string(m, "phone_number_id"))
    else {
        return Err(NotUnderstood {
            path: path.to_owned(),
            reason: "metadata.phone_number_id: missing or not a string".to_owned(),
            phone_number_id: None,
            raw: value.clone(),
        });
    };
    let mut change = Change {
        waba_id: waba_id.to_owned(),
        display_phone_number: value
            .get("metadata")
            .and_then(|m| opt_string(m, "display_phone_number")),
        phone_number_id,
        contacts: Vec::new(),
        messages: Vec::new(),
        statuses: Vec::new(),
        meta_errors: Vec::new(),
        not_understood: Vec::new(),
        value: value.clone(),
    };
    let number = change.phone_number_id.clone();
    let items = |key: &str, change: &mut Change| -> Vec<(String, Value)> {
        match value.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{path}.{key}[{i}]"), item.clone()))
                .collect(),
            Some(other) => {
                change.not_understood.push(NotUnderstood {
                    path: format!("{path}.{key}"),
                    reason: "not an array".to_owned(),
                    phone_number_id: Some(number.clone()),
                    raw: other.clone(),
                });
                Vec::new()
            }
        }
    };
    let contacts = items("contacts", &mut change);
    let messages = items("messages", &mut change);
    let statuses = items("statuses", &mut change);
    let errors = items("errors", &mut change);
    change.meta_errors = errors
        .iter()
        .map(|(_, item)| MetaError::parse(item))
        .collect();
    let keep = |change: &mut Change, item_path: String, reason: String, raw: Value| {
        change.not_understood.push(NotUnderstood {
            path: item_path,
            reason,
            phone_number_id: Some(change.phone_number_id.clone()),
            raw,
        });
    };
    for (item_path, c) in contacts {
        match opt_string(&c, "wa_id") {
            Some(wa_id) => change.contacts.push(Contact {
                wa_id,
                profile_name: c
                    .pointer("/profile/name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
            None => keep(
                &mut change,
                item_path,
                "wa_id: missing or not a string".into(),
                c,
            ),
        }
    }
    for (item_path, m) in messages {
        match parse_message(&m, window) {
            Ok(message) => change.messages.push(message),
            Err(reason) => keep(&mut change, item_path, reason, m),
        }
    }
    for (item_path, s) in statuses {
        match parse_status(&s, window) {
            Ok(status) => change.statuses.push(status),
            Err(reason) => keep(&mut change, item_path, reason, s),
        }
    }
    Ok(change)
}

#[cfg(test)]
mod tests;
