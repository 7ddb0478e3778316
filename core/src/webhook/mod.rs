//! Parsing of WhatsApp Cloud API webhook deliveries, item by item.
//!
//! One delivery may carry several `entry[]`, each with several `changes[]`. The changes read
//! are those of the `messages` field (`contacts[]`, `messages[]`, `statuses[]`, `errors[]`),
//! of `smb_message_echoes` (`message_echoes[]`: what the business sent from the WhatsApp
//! Business app, see [`OutboundEcho`]) and of `history` (`history[]`, see [`HistoryChunk`]).
//! Only a body that is not a delivery at all (not JSON, another `object`, no `entry` array) is
//! an error. Inside a delivery every item stands alone: what can be understood is parsed, and
//! each item that cannot be (a status we do not know, a message without an id or without any
//! identifier of its sender, a timestamp outside [`TimestampWindow`]) becomes a
//! [`NotUnderstood`] with its raw JSON and the reason, so that one odd item never costs the
//! others. A message whose type we do not know, or whose object we cannot read, is still a
//! message: [`MessageContent::Other`] with the reason and its raw JSON.
//!
//! Who a message is from is a [`CustomerId`](crate::customer_identity::CustomerId): its phone
//! number (`from`), its business-scoped user ID (`from_user_id`) or both, completed from
//! `contacts[]`. A message with only a BSUID is an ordinary message.
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod contact;
mod content;
mod echo;
mod fields;
mod history;
mod interactive;
mod message;
mod order;
mod shared_contacts;
mod status;
mod system;

pub use contact::{raw_contact_describes, Contact};
pub use content::{first_link, ErrorSummary, MediaKind, MessageContent};
pub use echo::OutboundEcho;
pub use fields::MAX_ID_LENGTH;
pub use history::{Direction, HistoryChunk, HistoryMessage, HistoryThread};
pub use interactive::{flow_fields, FlowField, MAX_FLOW_FIELDS};
pub use message::{InboundMessage, MessageContext, Referral, ReferredProduct};
pub use order::{
    currency_exponent, decimal_to_minor_units, Money, Order, OrderItem, OrderTotalError,
};
pub use shared_contacts::{
    ContactAddress, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl, SharedContact,
};
pub use status::{MetaError, StatusError, StatusUpdate};
pub use system::{SystemChange, SystemMessage};

use crate::customer_identity::CustomerId;
use contact::parse_contact;
use echo::parse_echo;
use fields::{invalid, opt_string};
use history::{parse_history, HistoryScope};
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

/// The webhook field a change came on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeField {
    /// Messages from customers and statuses of ours.
    Messages,
    /// Messages the business sent from the WhatsApp Business app (coexistence).
    SmbMessageEchoes,
    /// The Business app's past chats; its `messages[]` are past media contents, not new
    /// messages.
    History,
}

impl ChangeField {
    pub fn from_meta(field: &str) -> Option<Self> {
        Some(match field {
            "messages" => Self::Messages,
            "smb_message_echoes" => Self::SmbMessageEchoes,
            "history" => Self::History,
            _ => return None,
        })
    }
}

/// One `entry[].changes[]` item of a field we read.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub waba_id: String,
    pub field: ChangeField,
    pub phone_number_id: String,
    pub display_phone_number: Option<String>,
    pub contacts: Vec<Contact>,
    pub messages: Vec<InboundMessage>,
    pub statuses: Vec<StatusUpdate>,
    /// `message_echoes[]`: outbound messages sent from the Business app.
    pub echoes: Vec<OutboundEcho>,
    /// `history[]`: the Business app's past chats.
    pub history: Vec<HistoryChunk>,
    /// Errors Meta reported for the whole change (`value.errors`), not for one item.
    pub meta_errors: Vec<MetaError>,
    /// Items of this change that could not be understood.
    pub not_understood: Vec<NotUnderstood>,
    /// The change's `value` exactly as Meta sent it (kept for deliveries that cannot be routed yet).
    pub value: Value,
}

impl Change {
    /// The contact that describes `customer` (same phone number or BSUID), for their names.
    pub fn contact_for(&self, customer: &CustomerId) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.describes(customer))
    }
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
/// Changes for fields other than `messages`, `smb_message_echoes` and `history` are skipped.
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
            let Some(field) = change
                .get("field")
                .and_then(Value::as_str)
                .and_then(ChangeField::from_meta)
            else {
                continue;
            };
            match change.get("value").filter(|v| v.is_object()) {
                Some(value) => {
                    let value_path = format!("{path}.value");
                    match parse_change_of(field, &waba_id, value, &value_path, window) {
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

/// Parses one `messages` change's `value` object (see [`parse_change_of`]).
pub fn parse_change(
    waba_id: &str,
    value: &Value,
    path: &str,
    window: TimestampWindow,
) -> Result<Change, NotUnderstood> {
    parse_change_of(ChangeField::Messages, waba_id, value, path, window)
}

/// Parses one change's `value` object, of any field we read: its contacts, messages, statuses,
/// echoes and history are each read where present. The change itself is refused (as one item
/// not understood) only when it names no number; otherwise each of its items stands alone.
pub fn parse_change_of(
    field: ChangeField,
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
        field,
        display_phone_number: value
            .get("metadata")
            .and_then(|m| opt_string(m, "display_phone_number")),
        phone_number_id,
        contacts: Vec::new(),
        messages: Vec::new(),
        statuses: Vec::new(),
        echoes: Vec::new(),
        history: Vec::new(),
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
    let echoes = items("message_echoes", &mut change);
    let history = items("history", &mut change);
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
        match parse_contact(&c) {
            Ok(contact) => change.contacts.push(contact),
            Err(reason) => keep(&mut change, item_path, reason, c),
        }
    }
    for (item_path, m) in messages {
        match parse_message(&m, window, &change.contacts) {
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
    for (item_path, e) in echoes {
        match parse_echo(&e, window, &change.contacts) {
            Ok(echo) => change.echoes.push(echo),
            Err(reason) => keep(&mut change, item_path, reason, e),
        }
    }
    for (item_path, h) in history {
        let scope = HistoryScope {
            path: &item_path,
            window,
            phone_number_id: &number,
            display_phone_number: change.display_phone_number.as_deref(),
        };
        let mut inner = Vec::new();
        match parse_history(&h, &scope, &mut inner) {
            Ok(chunk) => change.history.push(chunk),
            Err(reason) => keep(&mut change, item_path.clone(), reason, h),
        }
        change.not_understood.append(&mut inner);
    }
    Ok(change)
}

#[cfg(test)]
mod tests;
