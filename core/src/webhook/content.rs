//! What a message says, by type: one variant per type in Meta's messages webhook reference.
//!
//! A known type whose object lacks what the reference promises falls back to
//! [`MessageContent::Other`] with the reason, never to a lost message: its raw JSON stays with
//! the message. `edit` and `revoke` are documented for WhatsApp Business app numbers
//! (coexistence) only; their shape is `{ original_message_id, message: {type, <type>} }` and
//! `{ original_message_id }`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{nonempty, opt_bool};
use super::interactive::{parse_interactive, FlowField};
use super::order::{parse_order, Order};
use super::shared_contacts::{parse_shared_contacts, SharedContact};
use super::system::{parse_system, SystemMessage};

/// The types with an object of their own, besides the media types.
const KNOWN_TYPES: [&str; 10] = [
    "text",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
    "order",
    "system",
    "edit",
    "revoke",
];

/// Longest link kept for a preview.
const MAX_LINK_LENGTH: usize = 2048;

/// What a message says, by type. Stored as JSON (`type` names the variant); fields added since
/// the first version default, so older stored content still reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageContent {
    Text {
        body: String,
        /// The first web link in the body, for a preview (none when the sender turned
        /// previews off with `preview_url: false`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
        /// `preview_url` as sent, on messages the business sent (echoes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preview_url: Option<bool>,
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
        /// A link Meta sends with a chosen place.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    Contacts {
        #[serde(default)]
        contacts: Vec<SharedContact>,
    },
    /// A tap on a reply button (`button_reply`) or a list row (`list_reply`).
    Interactive {
        reply_kind: String,
        reply_id: String,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// `interactive.nfm_reply`: a completed Flow (or address message), its answers readable.
    FlowReply {
        /// `flow` or `address_message`.
        name: Option<String>,
        body: Option<String>,
        fields: Vec<FlowField>,
        /// The answers as Meta sent them (a JSON text).
        response_json: String,
    },
    /// `interactive.call_permission_reply`: whether the customer lets us call them.
    CallPermissionReply {
        /// `accept` or `reject`.
        response: String,
        is_permanent: Option<bool>,
        expiration_timestamp: Option<i64>,
        response_source: Option<String>,
    },
    /// A quick-reply button of a template.
    Button {
        text: String,
        payload: Option<String>,
    },
    /// An emoji on `message_id`; no emoji means the reaction was removed.
    Reaction {
        message_id: String,
        emoji: Option<String>,
    },
    Order(Order),
    System(SystemMessage),
    /// The customer edited `original_message_id`; `content` is what it says now.
    Edit {
        original_message_id: String,
        content: Box<MessageContent>,
    },
    /// The customer deleted `original_message_id` for everyone.
    Revoke {
        original_message_id: String,
    },
    /// `unsupported` (or the older `unknown`): a message WhatsApp could not pass on, with
    /// Meta's errors.
    Unsupported {
        original_type: String,
        /// `unsupported.type`, the kind of message it was, when Meta says.
        unsupported_type: Option<String>,
        errors: Vec<ErrorSummary>,
    },
    /// The customer opened the chat for the first time (`request_welcome`).
    RequestWelcome,
    /// Any type this version does not know, or a known type we could not read (`reason`).
    Other {
        original_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// An error of Meta's as shown with a message: code, title and details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSummary {
    pub code: Option<i64>,
    pub title: Option<String>,
    pub details: Option<String>,
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
            Self::Interactive { .. }
            | Self::FlowReply { .. }
            | Self::CallPermissionReply { .. } => "interactive",
            Self::Button { .. } => "button",
            Self::Reaction { .. } => "reaction",
            Self::Order(_) => "order",
            Self::System(_) => "system",
            Self::Edit { .. } => "edit",
            Self::Revoke { .. } => "revoke",
            Self::RequestWelcome => "request_welcome",
            Self::Unsupported { original_type, .. } | Self::Other { original_type, .. } => {
                original_type
            }
        }
    }

    /// The human-readable text of the message, if it has one (searched, and scanned for
    /// handoff codes).
    pub fn text(&self) -> Option<String> {
        match self {
            Self::Text { body, .. } => Some(body.clone()),
            Self::Media { caption, .. } => caption.clone(),
            Self::Location { name, address, .. } => name.clone().or_else(|| address.clone()),
            Self::Contacts { contacts } => Some(
                contacts
                    .iter()
                    .map(SharedContact::display_name)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Self::Interactive { title, .. } => Some(title.clone()),
            Self::FlowReply { fields, body, .. } if fields.is_empty() => body.clone(),
            Self::FlowReply { fields, .. } => Some(
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.key, f.value))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Self::Button { text, .. } => Some(text.clone()),
            Self::Reaction { emoji, .. } => emoji.clone(),
            Self::Order(order) => order.text.clone(),
            Self::System(system) => system.body.clone(),
            Self::Edit { content, .. } => content.text(),
            Self::CallPermissionReply { .. }
            | Self::Revoke { .. }
            | Self::Unsupported { .. }
            | Self::RequestWelcome
            | Self::Other { .. } => None,
        }
    }
}

/// The content of message `m`, by its `type` (a message without one is kept as `unknown`, with
/// the reason).
pub(super) fn content_of(m: &Value) -> MessageContent {
    match nonempty(m, "type") {
        Some(type_name) => parse_content(m, &type_name),
        None => MessageContent::Other {
            original_type: "unknown".to_owned(),
            reason: Some("type: missing".to_owned()),
        },
    }
}

/// The content of message `m` of type `type_name`; [`MessageContent::Other`] with the reason
/// when the type is unknown or its object lacks what we need.
fn parse_content(m: &Value, type_name: &str) -> MessageContent {
    parse_known(m, type_name).unwrap_or_else(|reason| MessageContent::Other {
        original_type: type_name.to_owned(),
        reason: Some(reason),
    })
}

fn parse_known(m: &Value, type_name: &str) -> Result<MessageContent, String> {
    if matches!(type_name, "unsupported" | "unknown") {
        return Ok(unsupported(m, type_name));
    }
    if type_name == "request_welcome" {
        return Ok(MessageContent::RequestWelcome);
    }
    if !KNOWN_TYPES.contains(&type_name) && MediaKind::from_type(type_name).is_none() {
        return Err(format!("type {type_name:?} is not one this version knows"));
    }
    let body = m
        .get(type_name)
        .ok_or_else(|| format!("{type_name}: missing"))?;
    let field = |key: &str| nonempty(body, key);
    let need = |key: &str| field(key).ok_or_else(|| format!("{type_name}.{key}: missing"));
    Ok(match type_name {
        "text" => {
            let text = need("body")?;
            let preview_url = opt_bool(body, "preview_url");
            MessageContent::Text {
                link: (preview_url != Some(false))
                    .then(|| first_link(&text))
                    .flatten(),
                body: text,
                preview_url,
            }
        }
        "location" => location(body)?,
        "contacts" => MessageContent::Contacts {
            contacts: parse_shared_contacts(body)?,
        },
        "interactive" => parse_interactive(body)?,
        "button" => MessageContent::Button {
            text: need("text")?,
            payload: field("payload"),
        },
        "reaction" => MessageContent::Reaction {
            message_id: need("message_id")?,
            emoji: field("emoji"),
        },
        "order" => MessageContent::Order(parse_order(body)?),
        "system" => MessageContent::System(parse_system(body, m)),
        "edit" => {
            let edited = body
                .get("message")
                .filter(|e| e.is_object())
                .ok_or("edit.message: missing or not an object")?;
            MessageContent::Edit {
                original_message_id: need("original_message_id")?,
                content: Box::new(content_of(edited)),
            }
        }
        "revoke" => MessageContent::Revoke {
            original_message_id: need("original_message_id")?,
        },
        media => MessageContent::Media {
            kind: MediaKind::from_type(media)
                .ok_or_else(|| format!("type {media:?} is not one this version knows"))?,
            media_id: need("id")?,
            mime_type: field("mime_type"),
            caption: field("caption"),
            filename: field("filename"),
        },
    })
}

/// Coordinates in range; Meta sends numbers (some libraries type them as strings: both read).
fn location(body: &Value) -> Result<MessageContent, String> {
    let coordinate = |key: &str, limit: f64| {
        let value = match body.get(key) {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        value
            .filter(|v| v.is_finite() && v.abs() <= limit)
            .ok_or_else(|| format!("location.{key}: not a number within ±{limit}"))
    };
    Ok(MessageContent::Location {
        latitude: coordinate("latitude", 90.0)?,
        longitude: coordinate("longitude", 180.0)?,
        name: nonempty(body, "name"),
        address: nonempty(body, "address"),
        url: nonempty(body, "url"),
    })
}

fn unsupported(m: &Value, type_name: &str) -> MessageContent {
    let errors = super::message::message_errors(m)
        .into_iter()
        .map(|e| ErrorSummary {
            code: e.code,
            title: e.title.or(e.message),
            details: e.details,
        })
        .collect();
    MessageContent::Unsupported {
        original_type: type_name.to_owned(),
        unsupported_type: m.get("unsupported").and_then(|u| nonempty(u, "type")),
        errors,
    }
}

/// The first `http(s)://` link in `text`, without the punctuation that ends a sentence.
pub fn first_link(text: &str) -> Option<String> {
    text.split_whitespace()
        .filter_map(|word| {
            let start = word.find("https://").or_else(|| word.find("http://"))?;
            let candidate = word[start..]
                .trim_end_matches(|c: char| ".,;:!?)]}>\"'".contains(c) || c == '\u{2019}');
            let url = url::Url::parse(candidate).ok()?;
            let fine = matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some()
                && candidate.len() <= MAX_LINK_LENGTH;
            fine.then(|| candidate.to_owned())
        })
        .next()
}

impl MessageContent {
    /// A `geo:` link (RFC 5870) for a location: opens the device's own map, so the console
    /// loads no third-party map tiles.
    pub fn geo_uri(&self) -> Option<String> {
        match self {
            Self::Location {
                latitude,
                longitude,
                ..
            } => Some(format!("geo:{latitude},{longitude}")),
            _ => None,
        }
    }
}
