//! What a message says, by type.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::opt_string;

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

/// `None` when the type is unknown or its object lacks what we need, so the
/// message falls back to [`MessageContent::Other`] rather than being dropped.
pub(super) fn parse_content(m: &Value, type_name: &str) -> Option<MessageContent> {
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
