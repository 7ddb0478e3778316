//! The Graph API bodies Switchboard sends to `POST /<PHONE_NUMBER_ID>/messages` besides
//! templates and surveys: read receipts, the typing indicator, reactions, and text that may
//! reply to a message. Plain JSON builders, like [`crate::csat::whatsapp_survey`].
//!
//! - **Read** (Meta, *Mark messages as read*, updated Oct 15, 2026,
//!   <https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/mark-message-as-read>):
//!   `{"messaging_product":"whatsapp","status":"read","message_id":…}`. Marking the customer's
//!   latest message read marks the earlier ones of a one-to-one conversation too, so opening a
//!   conversation needs one call; within 30 days of receipt; an unknown id is error 131009.
//! - **Typing** (Meta, *Typing indicators*, v24.0 examples): the same body with
//!   `"typing_indicator":{"type":"text"}`; it also marks the message read, and shows until we
//!   reply or for [`TYPING_INDICATOR_SECONDS`], whichever comes first. Meta asks to show it only
//!   when a reply is coming.
//! - **Reaction** (Meta, *Reaction messages*): `type: reaction` with `message_id` and `emoji`;
//!   an empty emoji removes ours. A reaction cannot be a reply.
//! - **Reply** (Meta, *Contextual replies*): any message with `"context":{"message_id":…}`.
//! - **Recipient**: `to` for a phone number, `recipient` for a business-scoped user ID (see
//!   [`crate::customer_identity`]); never both, since `to` would win.
use serde_json::{json, Map, Value};

use crate::customer_identity::Recipient;

/// How long WhatsApp shows a typing indicator at most.
pub const TYPING_INDICATOR_SECONDS: i64 = 25;

/// Longest text body Meta accepts, in characters.
pub const MAX_TEXT_BODY_CHARS: usize = 4096;

/// Why a body was not built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutgoingError {
    #[error("a text message needs 1–{MAX_TEXT_BODY_CHARS} characters")]
    TextLength,
    #[error("a reaction needs an emoji (or none, to remove ours)")]
    EmptyEmoji,
    #[error("a message id is needed")]
    NoMessageId,
}

/// Marks the customer's message `message_id` (and those before it) read: blue ticks.
pub fn mark_read(message_id: &str) -> Result<Value, OutgoingError> {
    Ok(json!({
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": id(message_id)?,
    }))
}

/// Marks `message_id` read and shows the customer "typing…".
pub fn typing_indicator(message_id: &str) -> Result<Value, OutgoingError> {
    let mut body = mark_read(message_id)?;
    body["typing_indicator"] = json!({ "type": "text" });
    Ok(body)
}

/// Our reaction `emoji` on the customer's message `message_id`; `None` removes it.
pub fn reaction(
    to: &Recipient,
    message_id: &str,
    emoji: Option<&str>,
) -> Result<Value, OutgoingError> {
    if emoji.is_some_and(|e| e.trim().is_empty()) {
        return Err(OutgoingError::EmptyEmoji);
    }
    let mut body = addressed(to);
    body.insert("type".into(), json!("reaction"));
    body.insert(
        "reaction".into(),
        json!({ "message_id": id(message_id)?, "emoji": emoji.unwrap_or("") }),
    );
    Ok(Value::Object(body))
}

/// A text message; `reply_to` quotes a message of the conversation; `preview_url` asks WhatsApp
/// to show a preview of the first link.
pub fn text(
    to: &Recipient,
    body: &str,
    reply_to: Option<&str>,
    preview_url: bool,
) -> Result<Value, OutgoingError> {
    if body.trim().is_empty() || body.chars().count() > MAX_TEXT_BODY_CHARS {
        return Err(OutgoingError::TextLength);
    }
    let mut message = addressed(to);
    message.insert("type".into(), json!("text"));
    message.insert(
        "text".into(),
        json!({ "preview_url": preview_url, "body": body }),
    );
    let message = Value::Object(message);
    match reply_to {
        Some(message_id) => as_reply(message, message_id),
        None => Ok(message),
    }
}

/// Any message body made a reply to `message_id` (not for reactions, which Meta refuses).
pub fn as_reply(mut message: Value, message_id: &str) -> Result<Value, OutgoingError> {
    message["context"] = json!({ "message_id": id(message_id)? });
    Ok(message)
}

/// `messaging_product`, `recipient_type` and either `to` or `recipient`.
pub fn addressed(to: &Recipient) -> Map<String, Value> {
    let (field, value) = to.field();
    let mut body = Map::new();
    body.insert("messaging_product".into(), json!("whatsapp"));
    body.insert("recipient_type".into(), json!("individual"));
    body.insert(field.into(), json!(value));
    body
}

fn id(message_id: &str) -> Result<&str, OutgoingError> {
    if message_id.trim().is_empty() {
        Err(OutgoingError::NoMessageId)
    } else {
        Ok(message_id)
    }
}

#[cfg(test)]
mod tests;
