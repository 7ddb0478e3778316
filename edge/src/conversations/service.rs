//! The conversations' steps shared by their routes and the cron: finding a conversation and a
//! message, an outbound message's row, recording what Graph said about a send, sending a file,
//! telling the live rooms what changed, and auto-resolving quiet conversations.

use switchboard_core::api::MessageView;
use switchboard_core::delivery_status::DeliveryStatus;
use switchboard_core::live::{visitor_room, Change, LiveEvent, INBOX_ROOM};
use worker::Response;

use super::rows::{ConversationRow, NewMessage};
use super::store::ConversationStore;
use crate::config::numbers::Numbers;
use crate::config::store::ConfigStore;
use crate::csat::service::ask_on_resolve;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::media::store::MediaStore;
use crate::platform::clock::now_millis;
use crate::platform::d1::returned_a_row;
use crate::platform::graph::GraphError;
use crate::platform::http::json_response;

pub async fn find(store: &ConversationStore, id: &str) -> Result<ConversationRow, EdgeError> {
    store
        .conversation(id)
        .await?
        .ok_or_else(|| EdgeError::NotFound(format!("no conversation {id}")))
}

pub async fn message(
    store: &ConversationStore,
    conversation_id: &str,
    message_id: &str,
) -> Result<MessageView, EdgeError> {
    store
        .message(conversation_id, message_id)
        .await?
        .map(|m| m.view())
        .ok_or_else(|| EdgeError::NotFound(format!("no message {message_id} in {conversation_id}")))
}

pub fn outbound<'a>(
    id: &str,
    conversation: &'a ConversationRow,
    kind: &'a str,
    text: Option<&'a str>,
    content: Option<String>,
    now: i64,
) -> NewMessage<'a> {
    let whatsapp = conversation.channel == "whatsapp";
    NewMessage {
        id: id.to_owned(),
        conversation_id: &conversation.id,
        wamid: None,
        channel: if whatsapp { "whatsapp" } else { "messenger" },
        direction: "outbound",
        phone_number_id: conversation.phone_number_id.as_deref(),
        wa_id: conversation.wa_id.as_deref(),
        kind,
        text,
        content,
        reply_to: None,
        raw: None,
        sent_at: now,
        received_at: now_millis(),
        status: whatsapp.then_some(DeliveryStatus::Pending),
        client_key: None,
    }
}
/// Tells the inbox, and the visitor's Messenger for a website conversation, what changed.
pub fn publish(live: &Live, conversation: &ConversationRow, change: Change) {
    let event = LiveEvent::changed(Some(conversation.id.clone()), change);
    live.publish(INBOX_ROOM, &event);
    if let Some(visitor) = &conversation.visitor_id {
        live.publish(&visitor_room(visitor), &event);
    }
}

/// The answer to a repeated send whose idempotency key found its message already stored: that
/// message, 200, nothing sent again.
pub async fn already_stored(
    store: &ConversationStore,
    id: &str,
    client_key: Option<&str>,
) -> Result<Response, EdgeError> {
    let existing = store
        .message_by_client_key(id, client_key.unwrap_or_default())
        .await?
        .ok_or_else(|| EdgeError::Internal("a message with this key was not stored".to_owned()))?;
    Ok(json_response(&message(store, id, &existing).await?, 200))
}

/// Stores what Graph said about a send: the wamid, a refusal (`failed`), or no answer in time
/// (`unconfirmed`: it may have gone out; a status webhook or a retry settles it).
pub async fn record_send(
    store: &ConversationStore,
    message_id: &str,
    sent: &Result<String, GraphError>,
) -> Result<(), EdgeError> {
    store
        .mark_sent(
            message_id,
            sent.as_deref()
                .map_err(|e| (e.code, e.message.as_str(), !e.timed_out)),
        )
        .await
}

/// `ok` when Graph took it; 504 when it did not answer in time; 502 when it refused.
pub fn send_status(sent: &Result<String, GraphError>, ok: u16) -> u16 {
    match sent {
        Ok(_) => ok,
        Err(e) if e.timed_out => 504,
        Err(_) => 502,
    }
}

/// Uploads the file to WhatsApp and sends it by its media id (an attachment and its retry).
#[allow(clippy::too_many_arguments)]
pub async fn send_file(
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    conversation: &ConversationRow,
    message_id: &str,
    bytes: &[u8],
    mime: &str,
    kind: &str,
    filename: &str,
    caption: Option<&str>,
) -> Result<String, GraphError> {
    let number = conversation.phone_number_id.clone().unwrap_or_default();
    let (_, graph) = numbers
        .graph_for(&number)
        .await
        .map_err(|e| GraphError::plain(409, e.to_string()))?;
    let media_id = graph.upload_media(&number, bytes, mime, filename).await?;
    if let Err(e) = MediaStore(store).uploaded(message_id, &media_id).await {
        worker::console_error!("media id of {message_id} not kept: {e}");
    }
    let to = conversation.wa_id.clone().unwrap_or_default();
    graph
        .send_media(
            &number,
            &to,
            kind,
            &media_id,
            caption,
            Some(filename),
            message_id,
        )
        .await
}
/// The scheduled handler's part: resolves open conversations whose customer has been quiet for
/// their number's auto-resolve delay (off by default), and asks their surveys. At most `limit`.
pub async fn auto_resolve(
    config: &ConfigStore,
    numbers: &Numbers<'_>,
    store: &ConversationStore,
    now: i64,
    limit: i64,
) -> Result<u32, EdgeError> {
    let document = config.document().await?;
    let mut resolved = 0;
    for number in document.numbers.iter().filter(|n| n.connected) {
        let Some(hours) = number.csat.auto_resolve_hours else {
            continue;
        };
        let quiet_since = now - i64::from(hours) * 3600;
        for conversation in store
            .quiet_open_conversations(&number.phone_number_id, quiet_since, limit)
            .await?
        {
            let acted = returned_a_row(
                store
                    .batch(vec![store.resolve(&conversation.id, "auto", now)?])
                    .await?
                    .first(),
            )?;
            if acted {
                resolved += 1;
                if let Err(e) = ask_on_resolve(store, numbers, &conversation.resolved(), now).await
                {
                    worker::console_error!("survey after auto-resolve of {}: {e}", conversation.id);
                }
            }
        }
    }
    Ok(resolved)
}
