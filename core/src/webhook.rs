//! Parsing of WhatsApp Cloud API webhook deliveries.
//!
//! One delivery may carry several `entry[]`, each with several `changes[]`,
//! each with any number of `messages[]` and `statuses[]`. Every message is kept:
//! types we know are parsed into [`MessageContent`]; anything else (including
//! Meta's `unsupported`) becomes [`MessageContent::Other`] with its raw JSON.

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
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub changes: Vec<Change>,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusError {
    pub code: i64,
    pub title: String,
}

/// Parses a delivery body. Changes for fields other than `messages` are skipped.
pub fn parse_delivery(body: &[u8]) -> Result<Delivery, ParseError> {
    let root: Value =
        serde_json::from_slice(body).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let object = root
        .get("object")
        .ok_or_else(|| invalid("object", "missing"))?;
    if object.as_str() != Some("whatsapp_business_account") {
        return Err(ParseError::WrongObject(object.to_string()));
    }
    let entries = array(&root, "entry", "entry")?;
    let mut changes = Vec::new();
    for (e, entry) in entries.iter().enumerate() {
        let entry_path = format!("entry[{e}]");
        let waba_id = string(entry, "id", &entry_path)?;
        for (c, change) in array(entry, "changes", &entry_path)?.iter().enumerate() {
            let path = format!("{entry_path}.changes[{c}]");
            if change.get("field").and_then(Value::as_str) != Some("messages") {
                continue;
            }
            let value = change
                .get("value")
                .filter(|v| v.is_object())
                .ok_or_else(|| invalid(&format!("{path}.value"), "missing or not an object"))?;
            changes.push(parse_change(&waba_id, value, &format!("{path}.value"))?);
        }
    }
    Ok(Delivery { changes })
}

fn parse_change(waba_id: &str, value: &Value, path: &str) -> Result<Change, ParseError> {
    let metadata = value
        .get("metadata")
        .ok_or_else(|| invalid(&format!("{path}.metadata"), "missing"))?;
    let phone_number_id = string(metadata, "phone_number_id", &format!("{path}.metadata"))?;
    let display_phone_number = opt_string(metadata, "display_phone_number");
    let contacts = optional_array(value, "contacts", path)?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(Contact {
                wa_id: string(c, "wa_id", &format!("{path}.contacts[{i}]"))?,
                profile_name: c
                    .pointer("/profile/name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        })
        .collect::<Result<_, ParseError>>()?;
    let messages = optional_array(value, "messages", path)?
        .iter()
        .enumerate()
        .map(|(i, m)| parse_message(m, &format!("{path}.messages[{i}]")))
        .collect::<Result<_, _>>()?;
    let statuses = optional_array(value, "statuses", path)?
        .iter()
        .enumerate()
        .map(|(i, s)| parse_status(s, &format!("{path}.statuses[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok(Change {
        waba_id: waba_id.to_owned(),
        phone_number_id,
        display_phone_number,
        contacts,
        messages,
        statuses,
    })
}

fn parse_message(m: &Value, path: &str) -> Result<InboundMessage, ParseError> {
    let type_name = opt_string(m, "type").unwrap_or_else(|| "unknown".to_owned());
    let content = parse_content(m, &type_name).unwrap_or(MessageContent::Other {
        original_type: type_name.clone(),
    });
    Ok(InboundMessage {
        wamid: string(m, "id", path)?,
        from: string(m, "from", path)?,
        timestamp: unix_seconds(m, path)?,
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

fn parse_status(s: &Value, path: &str) -> Result<StatusUpdate, ParseError> {
    let status_name = string(s, "status", path)?;
    let status = DeliveryStatus::from_meta(&status_name).ok_or_else(|| {
        invalid(
            &format!("{path}.status"),
            "not one of sent, delivered, read, failed",
        )
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
        wamid: string(s, "id", path)?,
        status,
        timestamp: unix_seconds(s, path)?,
        recipient_id: opt_string(s, "recipient_id"),
        error,
    })
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

fn string(v: &Value, key: &str, path: &str) -> Result<String, ParseError> {
    opt_string(v, key).ok_or_else(|| invalid(&format!("{path}.{key}"), "missing or not a string"))
}

fn array<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a Vec<Value>, ParseError> {
    v.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(&join(path, key), "missing or not an array"))
}

fn optional_array<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a [Value], ParseError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(invalid(&join(path, key), "not an array")),
    }
}

fn join(path: &str, key: &str) -> String {
    if path == key {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Meta sends `timestamp` as a string of unix seconds; accept a number too.
fn unix_seconds(v: &Value, path: &str) -> Result<i64, ParseError> {
    let at = format!("{path}.timestamp");
    match v.get("timestamp") {
        Some(Value::String(s)) => s.parse().map_err(|_| invalid(&at, "not unix seconds")),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| invalid(&at, "not unix seconds")),
        _ => Err(invalid(&at, "missing")),
    }
}

#[cfg(test)]
mod tests;
