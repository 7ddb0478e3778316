//! What goes back to a WhatsApp customer while an agent works: the blue ticks when an agent
//! opens the conversation (`POST …/seen`) and "typing…" while they write (`POST …/typing`).
//!
//! - **Seen**: one Graph call marks the customer's last message read (WhatsApp marks the earlier
//!   ones with it). The message marked is remembered in `whatsapp_receipts`, claimed before the
//!   call in one conditional upsert, so two agents opening the conversation at once send it once,
//!   and opening it again sends nothing; a failed call gives the claim back for the next try.
//! - **Typing**: Meta shows the indicator for up to 25 s or until our reply, and the same request
//!   marks the message read; it is sent at most every [`TYPING_EVERY_SECONDS`] per conversation
//!   (claimed the same way) and only inside the 24-hour window, when a reply could follow.
//! - A number with read receipts off (`read_receipts: false`) sends neither: the typing indicator
//!   would mark the message read too.
//!
//! Both answer 200 with what happened (`{"sent": false, "reason": …}` when nothing was sent), so
//! the console never shows an error for a courtesy. The lead hangs per-agent unread state on the
//! same "seen" moment: [`seen`] is the one place it happens.

use serde::Deserialize;
use serde_json::json;
use switchboard_core::api::within_reply_window;
use switchboard_core::whatsapp_outgoing::{mark_read, typing_indicator};
use worker::Response;

use super::rows::ConversationRow;
use super::service::find;
use super::store::ConversationStore;
use crate::args;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::d1::returned_a_row;
use crate::platform::http::json_response;

/// Least time between two typing indicators of a conversation (Meta shows one for 25 s).
pub const TYPING_EVERY_SECONDS: i64 = 20;

#[derive(Deserialize)]
struct LastInbound {
    wamid: String,
    read_wamid: Option<String>,
}

/// The read receipt of `POST /api/admin/conversations/{id}/seen` (`attention::seen` has read
/// the conversation already).
pub async fn seen(
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    conversation: &ConversationRow,
) -> Result<Response, EdgeError> {
    let id = conversation.id.as_str();
    let Some(number) = whatsapp_number(conversation) else {
        return not_sent("not a WhatsApp conversation");
    };
    let Some(last) = last_inbound(store, id).await? else {
        return not_sent("no customer message to mark read");
    };
    if last.read_wamid.as_deref() == Some(last.wamid.as_str()) {
        return not_sent("already marked read");
    }
    let (record, graph) = numbers.graph_for(&number).await?;
    if !record.read_receipts {
        return not_sent("read receipts are off for this number");
    }
    let claimed = store
        .stmt(
            "INSERT INTO whatsapp_receipts (conversation_id, read_wamid, read_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (conversation_id) DO UPDATE SET read_wamid = excluded.read_wamid, read_at = excluded.read_at \
             WHERE whatsapp_receipts.read_wamid IS NOT excluded.read_wamid RETURNING conversation_id",
            args![id, &last.wamid, now_seconds()],
        )?
        .all()
        .await?;
    if !returned_a_row(Some(&claimed))? {
        return not_sent("already marked read");
    }
    let body = mark_read(&last.wamid).map_err(|e| EdgeError::Internal(e.to_string()))?;
    if let Err(e) = graph.send_receipt(&number, &body).await {
        // Give the claim back, so the next opening tries again.
        store
            .stmt(
                "UPDATE whatsapp_receipts SET read_wamid = ?3 WHERE conversation_id = ?1 AND read_wamid = ?2",
                args![id, &last.wamid, last.read_wamid.as_deref()],
            )?
            .run()
            .await?;
        return Err(e.into());
    }
    Ok(json_response(
        &json!({ "sent": true, "marked_read": last.wamid }),
        200,
    ))
}

/// `POST /api/admin/conversations/{id}/typing`.
pub async fn typing(
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    let Some(number) = whatsapp_number(&conversation) else {
        return not_sent("not a WhatsApp conversation");
    };
    let now = now_seconds();
    if !within_reply_window(conversation.last_inbound_at, now) {
        return not_sent("outside the 24-hour window");
    }
    let Some(last) = last_inbound(store, id).await? else {
        return not_sent("no customer message to answer");
    };
    let (record, graph) = numbers.graph_for(&number).await?;
    if !record.read_receipts {
        return not_sent("read receipts are off for this number (typing marks read)");
    }
    let claimed = store
        .stmt(
            "INSERT INTO whatsapp_receipts (conversation_id, typing_at) VALUES (?1, ?2) \
             ON CONFLICT (conversation_id) DO UPDATE SET typing_at = excluded.typing_at \
             WHERE COALESCE(whatsapp_receipts.typing_at, 0) <= ?2 - ?3 RETURNING conversation_id",
            args![id, now, TYPING_EVERY_SECONDS],
        )?
        .all()
        .await?;
    if !returned_a_row(Some(&claimed))? {
        return not_sent("sent less than 20 s ago");
    }
    let body = typing_indicator(&last.wamid).map_err(|e| EdgeError::Internal(e.to_string()))?;
    graph.send_receipt(&number, &body).await?;
    Ok(json_response(&json!({ "sent": true }), 200))
}

fn whatsapp_number(conversation: &super::rows::ConversationRow) -> Option<String> {
    (conversation.channel == "whatsapp")
        .then(|| conversation.phone_number_id.clone())
        .flatten()
}

/// The customer's last WhatsApp message in the conversation, and the one last marked read.
async fn last_inbound(
    store: &ConversationStore,
    id: &str,
) -> Result<Option<LastInbound>, EdgeError> {
    Ok(store
        .stmt(
            "SELECT m.wamid, (SELECT read_wamid FROM whatsapp_receipts WHERE conversation_id = ?1) AS read_wamid \
             FROM messages m WHERE m.conversation_id = ?1 AND m.direction = 'inbound' AND m.channel = 'whatsapp' \
               AND m.wamid IS NOT NULL AND m.detached_at IS NULL ORDER BY m.sent_at DESC, m.rowid DESC LIMIT 1",
            args![id],
        )?
        .first(None)
        .await?)
}

fn not_sent(reason: &str) -> Result<Response, EdgeError> {
    Ok(json_response(
        &json!({ "sent": false, "reason": reason }),
        200,
    ))
}
