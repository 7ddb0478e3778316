//! `messages[]`: a message a WhatsApp user sent, and who sent it.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::parse_content;
use super::fields::{opt_string, required_id, unix_seconds};
use super::{MessageContent, TimestampWindow};

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

pub(super) fn parse_message(m: &Value, window: TimestampWindow) -> Result<InboundMessage, String> {
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
