//! An agent answering a specific WhatsApp message: a reaction with an emoji
//! (`POST …/messages/{message}/reaction`, `{"emoji": "👍"}`, or `null` to take ours off), and a
//! reply that quotes a message of the thread (`reply_to` of the reply, sent as Meta's
//! `context.message_id`). Both are messages to WhatsApp, so both need the 24-hour window.
//! A reaction is not a message of the thread: it is shown on the message it is on.
//! In a Messenger conversation both are ours alone (`messenger_view`): no Graph, no window.

use serde::Deserialize;
use serde_json::Value;
use switchboard_core::api::within_reply_window;
use switchboard_core::customer_identity::{CustomerKey, Recipient};
use switchboard_core::live::Change;
use switchboard_core::whatsapp_outgoing::{as_reply, reaction, text};
use worker::{Request, Response};

use super::service::{find, message, publish};
use super::store::ConversationStore;
use crate::args;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::http::{json_response, read_json};

#[derive(Deserialize)]
struct ReactionRequest {
    /// The emoji; `null` (or absent) takes our reaction off.
    #[serde(default)]
    emoji: Option<String>,
}

/// Longest emoji accepted (a flag or a family with skin tones is a handful of code points).
const MAX_EMOJI_CHARS: usize = 16;

/// `POST /api/admin/conversations/{id}/messages/{message}/reaction`.
pub async fn react(
    req: &mut Request,
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
    message_id: &str,
    live: &Live,
) -> Result<Response, EdgeError> {
    let body: ReactionRequest = read_json(req).await?;
    let emoji = body.emoji.filter(|e| !e.trim().is_empty());
    if emoji.as_deref().is_some_and(|e| {
        e.chars().count() > MAX_EMOJI_CHARS
            || e.chars().any(|c| c.is_ascii_alphabetic() || c.is_control())
    }) {
        return Err(EdgeError::BadRequest("emoji must be one emoji".to_owned()));
    }
    let conversation = find(store, id).await?;
    if conversation.channel == "messenger" {
        return super::messenger_view::react(
            store,
            &conversation,
            message_id,
            emoji.as_deref(),
            live,
        )
        .await;
    }
    let target = message(store, id, message_id).await?;
    let (Some(number), Some(to), Some(wamid)) = (
        conversation
            .phone_number_id
            .as_deref()
            .filter(|_| conversation.channel == "whatsapp"),
        conversation.wa_id.as_deref(),
        target.wamid.as_deref(),
    ) else {
        return Err(EdgeError::Conflict(
            "only a WhatsApp message WhatsApp has taken can get a reaction".to_owned(),
        ));
    };
    if !within_reply_window(conversation.last_inbound_at, now_seconds()) {
        return Err(EdgeError::Conflict(
            "more than 24 hours have passed since the customer's last message: WhatsApp refuses a reaction now".to_owned(),
        ));
    }
    let request = reaction(&recipient(to), wamid, emoji.as_deref())
        .map_err(|e| EdgeError::BadRequest(e.to_string()))?;
    let (_, graph) = numbers.graph_for(number).await?;
    graph.send_json(number, &request).await?;
    store
        .stmt(
            "UPDATE messages SET agent_reaction = ?3 WHERE id = ?1 AND conversation_id = ?2",
            args![message_id, id, emoji.as_deref()],
        )?
        .run()
        .await?;
    publish(live, &conversation, Change::Message);
    Ok(json_response(&message(store, id, message_id).await?, 200))
}

/// The wamid of message `message_id` of the conversation, for a reply that quotes it.
pub async fn quoted_wamid(
    store: &ConversationStore,
    conversation_id: &str,
    message_id: &str,
) -> Result<String, EdgeError> {
    message(store, conversation_id, message_id)
        .await
        .map_err(|_| EdgeError::BadRequest(format!("reply_to: no message {message_id} here")))?
        .wamid
        .ok_or_else(|| {
            EdgeError::BadRequest("reply_to: that message has not reached WhatsApp".to_owned())
        })
}

/// A text that quotes `quoted`, carrying our message id back in Meta's status webhooks.
pub fn quoting_text(
    to: &str,
    body: &str,
    quoted: &str,
    callback: &str,
) -> Result<Value, EdgeError> {
    let mut request = text(&recipient(to), body, None, false)
        .and_then(|t| as_reply(t, quoted))
        .map_err(|e| EdgeError::BadRequest(e.to_string()))?;
    request["biz_opaque_callback_data"] = Value::from(callback);
    Ok(request)
}

fn recipient(stored: &str) -> Recipient {
    match CustomerKey::from_stored(stored) {
        CustomerKey::Bsuid(id) => Recipient::Bsuid(id),
        CustomerKey::Phone(phone) => Recipient::Phone(phone),
    }
}
