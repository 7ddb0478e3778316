//! What a team does in a conversation besides messages: assigning it
//! (`POST /api/admin/conversations/<id>/assign`), private notes (`…/notes`: stored, shown to
//! agents, published to the inbox's room only — never to WhatsApp or the visitor's Messenger),
//! and the record of who closed, reopened, unlinked or retried.

use switchboard_core::api::ActivityView;
use switchboard_core::live::{Change, LiveEvent, INBOX_ROOM};
use switchboard_core::team::normalize_email;
use switchboard_core::team::session::{checked_note, AssignRequest, NoteRequest};
use worker::{Request, Response};

use super::service::find;
use super::store::{ConversationStore, NewActivity};
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::d1::{returned_a_row, Db};
use crate::platform::http::{json_response, ok_json, read_json};
use crate::platform::random;
use crate::team::caller::Caller;
use crate::team::store::TeamStore;

/// Records that `caller` did `kind` in the conversation (`body`: what it was about).
pub async fn record_activity(
    store: &ConversationStore,
    conversation_id: &str,
    kind: &'static str,
    caller: &Caller,
    body: Option<&str>,
) -> Result<ActivityView, EdgeError> {
    let id = random::id("act")?;
    let at = now_seconds();
    store
        .insert_activity(&NewActivity {
            id: &id,
            conversation_id,
            kind,
            actor_email: caller.email(),
            actor_name: caller.name(),
            body,
            at,
        })?
        .run()
        .await?;
    Ok(ActivityView {
        id,
        kind: kind.to_owned(),
        actor_name: caller.name().to_owned(),
        actor_email: caller.email().map(str::to_owned),
        body: body.map(str::to_owned),
        at,
    })
}

/// Assigns the conversation to a member (`{"assignee": "ana@example.com"}`) or unassigns it
/// (`null`). Assigning it to whom it already is changes and records nothing.
pub async fn assign(
    req: &mut Request,
    store: &ConversationStore,
    db: &Db,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let body: AssignRequest = read_json(req).await?;
    find(store, id).await?;
    let assignee = match body.assignee.as_deref().map(normalize_email) {
        Some(email) => {
            if TeamStore(db).member(&email).await?.is_none() {
                return Err(EdgeError::InvalidField(
                    switchboard_core::settings::FieldError {
                        field: "assignee".to_owned(),
                        reason: format!("{email} is not a member of the team"),
                    },
                ));
            }
            Some(email)
        }
        None => None,
    };
    let changed = returned_a_row(
        store
            .batch(vec![store.assign(id, assignee.as_deref())?])
            .await?
            .first(),
    )?;
    if changed {
        let kind = if assignee.is_some() {
            "assigned"
        } else {
            "unassigned"
        };
        record_activity(store, id, kind, caller, assignee.as_deref()).await?;
        live.publish(
            INBOX_ROOM,
            &LiveEvent::changed(Some(id.to_owned()), Change::Assignment),
        );
    }
    ok_json(&find(store, id).await?.view())
}

/// Writes a private note in the thread.
pub async fn note(
    req: &mut Request,
    store: &ConversationStore,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let body: NoteRequest = read_json(req).await?;
    let text = checked_note(&body.text)?;
    find(store, id).await?;
    let note = record_activity(store, id, "note", caller, Some(text)).await?;
    // The inbox only: a visitor's room never hears of a note.
    live.publish(
        INBOX_ROOM,
        &LiveEvent::changed(Some(id.to_owned()), Change::Note),
    );
    Ok(json_response(&note, 201))
}
