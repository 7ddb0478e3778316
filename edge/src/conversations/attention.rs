//! What needs a member's attention: `POST /api/admin/conversations/<id>/seen` (the console calls
//! it while the thread is open and visible: everything in it is then seen by that member, and a
//! WhatsApp customer's last message is marked read for them: `receipts`) and
//! `GET /api/admin/unread` (how many conversations hold unseen customer messages: the tab's
//! count). Unread is per member; the admin token counts as one member of its own.

use switchboard_core::api::UnreadCount;
use switchboard_core::live::{Change, LiveEvent, INBOX_ROOM};
use worker::Response;

use super::service::find;
use super::store::ConversationStore;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::http::ok_json;
use crate::team::caller::Caller;

/// The key of a member's unread state.
pub fn reader(caller: &Caller) -> String {
    caller.email().unwrap_or("admin-token").to_owned()
}

/// The one "seen" moment: this member has read the thread (their unread state), and the
/// customer is told (`receipts::seen`: one read receipt per message, WhatsApp only).
pub async fn seen(
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    if store.mark_read(id, &reader(caller), now_seconds()).await? {
        // The member's other tabs and devices update their counts.
        live.publish(
            INBOX_ROOM,
            &LiveEvent::changed(Some(id.to_owned()), Change::Read),
        );
    }
    super::receipts::seen(store, numbers, &conversation).await
}

pub async fn unread(store: &ConversationStore, caller: &Caller) -> Result<Response, EdgeError> {
    ok_json(&UnreadCount {
        conversations: store
            .unread_conversations(&reader(caller), caller.email())
            .await?,
    })
}
