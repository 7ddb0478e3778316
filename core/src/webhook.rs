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
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::delivery_status::DeliveryStatus;

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

/// `contacts[]`: who wrote, with the profile name they chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub wa_id: String,
    pub profile_name: Option<String>,
}

/// A message a WhatsApp user sent to a connected number.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub wamid: String,
    pub from: String,
    /// Unix seconds, Meta's own `timestamp`.
    pub timestamp: i64,
    pub content: MessageContent,
    /// `context.id`: the message this one replies to, if any.
    pub reply_to: Option<String>,
    /// The message object exactly as Meta sent it.
    pub raw: Value,
}

/// What a message says, by type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageContent {
    Text {
        body: String,
    },
    Media {
        kind: MediaKind,
        media_id: String,
        mime_type: Option<String>,
        caption: Option<String>,
        filename: Option<String>,
    },
    Location {
        latitude: f64,
        longitude: f64,
        name: Option<String>,
        address: Option<String>,
    },
    Contacts {
        names: Vec<String>,
    },
    Interactive {
        reply_kind: String,
        reply_id: String,
        title: String,
    },
    Button {
        text: String,
        payload: Option<String>,
    },
    Reaction {
        message_id: String,
        emoji: Option<String>,
    },
    /// `unsupported` or any type this version does not know.
    Other {
        original_type: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Audio,
    Video,
    Document,
    Sticker,
}

impl MediaKind {
    fn from_type(name: &str) -> Option<Self> {
        Some(match name {
            "image" => Self::Image,
            "audio" => Self::Audio,
            "video" => Self::Video,
            "document" => Self::Document,
            "sticker" => Self::Sticker,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Document => "document",
            Self::Sticker => "sticker",
        }
    }
}

impl MessageContent {
    /// The message's type name as stored and shown (`text`, `image`, …, or the unknown type).
    pub fn type_name(&self) -> &str {
        match self {
            Self::Text { .. } => "text",
            Self::Media { kind, .. } => kind.as_str(),
            Self::Location { .. } => "location",
            Self::Contacts { .. } => "contacts",
            Self::Interactive { .. } => "interactive",
            Self::Button { .. } => "button",
            Self::Reaction { .. } => "reaction",
            Self::Other { original_type } => original_type,
        }
    }

    /// The human-readable text of the message, if it has one.
    pub fn text(&self) -> Option<String> {
        match self {
            Self::Text { body } => Some(body.clone()),
            Self::Media { caption, .. } => caption.clone(),
            Self::Location { name, address, .. } => name.clone().or_else(|| address.clone()),
            Self::Contacts { names } => Some(names.join(", ")),
            Self::Interactive { title, .. } => Some(title.clone()),
            Self::Button { text, .. } => Some(text.clone()),
            Self::Reaction { emoji, .. } => emoji.clone(),
            Self::Other { .. } => None,
        }
    }
}

/// A `statuses[]` item: what happened to a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    pub wamid: String,
    pub status: DeliveryStatus,
    pub timestamp: i64,
    pub recipient_id: Option<String>,
    pub error: Option<StatusError>,
    /// `biz_opaque_callback_data` as we sent it with the message: our message id, which settles
    /// a send whose answer (and so its wamid) never reached us.
    pub callback_data: Option<String>,
}

/// An error Meta reported for a delivery as a whole (`entry[].changes[].value.errors[]`, e.g.
/// code 131051 "Unsupported message type", or a system-level problem with the number). Every
/// field is optional: the item is kept as Meta sent it (`raw`) whatever it holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetaError {
    pub code: Option<i64>,
    pub title: Option<String>,
    pub message: Option<String>,
    /// `error_data.details`.
    pub details: Option<String>,
    pub raw: Value,
}

impl MetaError {
    fn parse(item: &Value) -> Self {
        let text = |pointer: &str| {
            item.pointer(pointer)
                .and_then(Value::as_str)
                .map(|s| s.chars().take(1_000).collect::<String>())
        };
        Self {
            code: item.get("code").and_then(Value::as_i64),
            title: text("/title"),
            message: text("/message"),
            details: text("/error_data/details"),
            raw: item.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusError {
    pub code: i64,
    pub title: String,
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

fn parse_message(m: &Value, window: TimestampWindow) -> Result<InboundMessage, String> {
    let type_name = opt_string(m, "type").unwrap_or_else(|| "unknown".to_owned());
    let content = parse_content(m, &type_name).unwrap_or(MessageContent::Other {
        original_type: type_name.clone(),
    });
    Ok(InboundMessage {
        wamid: required_id(m, "id")?,
        from: required_id(m, "from")?,
        timestamp: unix_seconds(m, window)?,
        content,
        reply_to: m
            .pointer("/context/id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        raw: m.clone(),
    })
}

/// `None` when the type is unknown or its object lacks what we need, so the
/// message falls back to [`MessageContent::Other`] rather than being dropped.
fn parse_content(m: &Value, type_name: &str) -> Option<MessageContent> {
    let body = m.get(type_name);
    let field = |key: &str| body.and_then(|b| opt_string(b, key));
    Some(match type_name {
        "text" => MessageContent::Text {
            body: field("body")?,
        },
        "location" => {
            let b = body?;
            MessageContent::Location {
                latitude: b.get("latitude")?.as_f64()?,
                longitude: b.get("longitude")?.as_f64()?,
                name: field("name"),
                address: field("address"),
            }
        }
        "contacts" => MessageContent::Contacts {
            names: body?
                .as_array()?
                .iter()
                .filter_map(|c| c.pointer("/name/formatted_name").and_then(Value::as_str))
                .map(str::to_owned)
                .collect(),
        },
        "interactive" => {
            let b = body?;
            let reply_kind = opt_string(b, "type")?;
            let reply = b.get(&reply_kind)?;
            MessageContent::Interactive {
                reply_id: opt_string(reply, "id")?,
                title: opt_string(reply, "title")?,
                reply_kind,
            }
        }
        "button" => MessageContent::Button {
            text: field("text")?,
            payload: field("payload"),
        },
        "reaction" => MessageContent::Reaction {
            message_id: field("message_id")?,
            emoji: field("emoji"),
        },
        other => MessageContent::Media {
            kind: MediaKind::from_type(other)?,
            media_id: field("id")?,
            mime_type: field("mime_type"),
            caption: field("caption"),
            filename: field("filename"),
        },
    })
}

fn parse_status(s: &Value, window: TimestampWindow) -> Result<StatusUpdate, String> {
    let wamid = required_id(s, "id")?;
    let status_name = opt_string(s, "status").ok_or("status: missing or not a string")?;
    let status = DeliveryStatus::from_meta(&status_name).ok_or_else(|| {
        format!("status: {status_name:?} is not one of sent, delivered, read, failed")
    })?;
    let error = s
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|errors| errors.first())
        .map(|e| StatusError {
            code: e.get("code").and_then(Value::as_i64).unwrap_or(0),
            title: opt_string(e, "title")
                .or_else(|| opt_string(e, "message"))
                .unwrap_or_default(),
        });
    Ok(StatusUpdate {
        wamid,
        status,
        timestamp: unix_seconds(s, window)?,
        recipient_id: opt_string(s, "recipient_id"),
        error,
        callback_data: opt_string(s, "biz_opaque_callback_data"),
    })
}

/// Longest id (`wamid`, `wa_id`) we store; Meta's are under 100 characters.
pub const MAX_ID_LENGTH: usize = 256;

fn required_id(v: &Value, key: &str) -> Result<String, String> {
    let id = opt_string(v, key).ok_or_else(|| format!("{key}: missing or not a string"))?;
    if id.is_empty() || id.len() > MAX_ID_LENGTH {
        return Err(format!("{key}: must be 1–{MAX_ID_LENGTH} characters"));
    }
    Ok(id)
}

fn invalid(path: &str, reason: &'static str) -> ParseError {
    ParseError::Invalid {
        path: path.to_owned(),
        reason,
    }
}

fn opt_string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Meta sends `timestamp` as a string of unix seconds; accept a number too. It must fall in `window`.
fn unix_seconds(v: &Value, window: TimestampWindow) -> Result<i64, String> {
    let at = match v.get("timestamp") {
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        None => return Err("timestamp: missing".to_owned()),
        _ => None,
    }
    .ok_or("timestamp: not whole unix seconds")?;
    if !window.contains(at) {
        return Err(format!(
            "timestamp: {at} is outside {}–{} (2009-01-01 to one day from now)",
            window.earliest, window.latest
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
