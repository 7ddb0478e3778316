//! The thread as the visitor's Messenger shows it — each message with the message it quotes
//! (read in one go when the page does not hold it) and the business's reaction — and an agent
//! answering a specific Messenger message: a reply that quotes it (`reply_to` is then our message
//! id, as a Messenger message has no wamid) or a reaction. Neither goes through Graph, so no
//! 24-hour window applies; the visitor's socket is pushed the message as it now shows.

use switchboard_core::api::WidgetMessage;
use switchboard_core::live::{visitor_room, Change, LiveEvent, INBOX_ROOM};
use worker::Response;

use super::rows::{ConversationRow, MessageRow};
use super::store::ConversationStore;
use crate::args;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::http::json_response;

/// A page of Messenger messages as the visitor sees them.
pub async fn widget_page(
    store: &ConversationStore,
    conversation_id: &str,
    rows: &[MessageRow],
    agent_names: bool,
) -> Result<Vec<WidgetMessage>, EdgeError> {
    let mut missing: Vec<&str> = rows
        .iter()
        .filter_map(|m| m.reply_to.as_deref())
        .filter(|quoted| !rows.iter().any(|m| m.id == *quoted))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let fetched = store.messages_by_id(conversation_id, &missing).await?;
    Ok(rows
        .iter()
        .map(|m| {
            let quoted = m
                .reply_to
                .as_deref()
                .and_then(|q| rows.iter().chain(&fetched).find(|r| r.id == q));
            m.widget(quoted, agent_names)
        })
        .collect())
}

/// The Messenger message an agent's reply quotes (`reply_to`, our message id).
pub async fn quoted_message(
    store: &ConversationStore,
    conversation_id: &str,
    message_id: &str,
) -> Result<MessageRow, EdgeError> {
    store
        .message(conversation_id, message_id)
        .await?
        .filter(|m| m.channel == "messenger")
        .ok_or_else(|| {
            EdgeError::BadRequest(format!("reply_to: no Messenger message {message_id} here"))
        })
}

/// Puts the business's emoji on a visitor's Messenger message (`None` takes it off), tells the
/// inbox, and pushes the message with its reaction to the visitor's Messenger.
pub async fn react(
    store: &ConversationStore,
    conversation: &ConversationRow,
    message_id: &str,
    emoji: Option<&str>,
    live: &Live,
) -> Result<Response, EdgeError> {
    let id = conversation.id.as_str();
    let target = store
        .message(id, message_id)
        .await?
        .ok_or_else(|| EdgeError::NotFound(format!("no message {message_id} in {id}")))?;
    if target.channel != "messenger" || !target.is_inbound() {
        return Err(EdgeError::Conflict(
            "in the Messenger only a visitor's message can get a reaction".to_owned(),
        ));
    }
    store
        .stmt(
            "UPDATE messages SET agent_reaction = ?3 WHERE id = ?1 AND conversation_id = ?2",
            args![message_id, id, emoji],
        )?
        .run()
        .await?;
    let updated = store
        .message(id, message_id)
        .await?
        .ok_or_else(|| EdgeError::Storage(format!("message {message_id} went away")))?;
    live.publish(
        INBOX_ROOM,
        &LiveEvent::changed(Some(id.to_owned()), Change::Message),
    );
    if let Some(visitor) = &conversation.visitor_id {
        // The Messenger replaces the message it shows with this one (same id). An open Messenger
        // conversation is the visitor's only one; a closed one may no longer be what their
        // Messenger shows, so it is told to read its conversation again instead.
        let event = if conversation.status == "open" {
            LiveEvent::message(id.to_owned(), updated.widget(None, false))
        } else {
            LiveEvent::changed(Some(id.to_owned()), Change::Message)
        };
        live.publish(&visitor_room(visitor), &event);
    }
    Ok(json_response(&updated.view(), 200))
}
