//! A conversation's life after it opened, by an agent: close (with the survey, when asked for),
//! reopen, and undo a wrong handoff link (`POST /api/admin/conversations/{id}/close|reopen|unlink`).

use switchboard_core::live::Change;
use worker::Response;

use super::api::detail;
use super::service::{find, publish};
use super::store::ConversationStore;
use super::teamwork::record_activity;
use crate::config::numbers::Numbers;
use crate::csat::service::ask_on_resolve;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::d1::returned_a_row;
use crate::platform::http::ok_json;
use crate::team::caller::Caller;

/// Undoes a wrong handoff link (someone else sent the visitor's code): the conversation returns to
/// the Messenger with its history; the WhatsApp messages stay, marked.
pub async fn unlink(
    store: &ConversationStore,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    if !store.unlink(id, now_seconds()).await? {
        return Err(EdgeError::Conflict(
            "only a website conversation that continued on WhatsApp can be unlinked".to_owned(),
        ));
    }
    record_activity(store, id, "unlinked", caller, None).await?;
    publish(live, &conversation, Change::Handoff);
    ok_json(&detail(store, id).await?.conversation)
}

/// Resolves the conversation (an agent closed it) and, with the channel's survey on, asks the
/// customer to rate it — once; a survey that could not be sent never undoes the close.
pub async fn close(
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    let now = now_seconds();
    let resolved = returned_a_row(
        store
            .batch(vec![store.resolve(id, "agent", now)?])
            .await?
            .first(),
    )?;
    if resolved {
        record_activity(store, id, "closed", caller, None).await?;
        if let Err(e) = ask_on_resolve(store, numbers, &conversation.resolved(), now).await {
            worker::console_error!("survey for {id} not asked: {e}");
        }
    }
    publish(live, &conversation, Change::State);
    ok_json(&detail(store, id).await?.conversation)
}

pub async fn reopen(
    store: &ConversationStore,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    let was_open = conversation.is_open();
    store.reopen(id).await.map_err(|e| match e {
        EdgeError::ConcurrentWrite(_) => EdgeError::Conflict(
            "this customer already has another open conversation on this number".to_owned(),
        ),
        other => other,
    })?;
    if !was_open {
        record_activity(store, id, "reopened", caller, None).await?;
    }
    publish(live, &conversation, Change::State);
    ok_json(&detail(store, id).await?.conversation)
}
