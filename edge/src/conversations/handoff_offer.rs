//! An agent offers the visitor of a Messenger conversation to continue on WhatsApp
//! (`POST /api/admin/conversations/{id}/handoff-offer`). The conversation remembers the offer;
//! the visitor's Messenger, told over its socket, asks for a handoff code through the visitor's
//! own path (`visitor::api`: its rate limit, the one-way rule, the visitor's language in the
//! prefilled text, the number routing of their page) and shows it with its QR code, as if the
//! visitor had pressed "Continue on WhatsApp" themselves.

use switchboard_core::config_document::handoff_number;
use switchboard_core::live::Change;
use worker::Response;

use super::api::detail;
use super::service::{find, publish};
use super::store::ConversationStore;
use super::teamwork::record_activity;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::http::ok_json;
use crate::team::caller::Caller;

/// Offers WhatsApp to the conversation's visitor; offering again (the visitor missed it) tells
/// their Messenger again. 409 when the project has no number to continue on, or the
/// conversation is not an open Messenger one that stays on the website.
pub async fn offer(
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    let (settings, records) = (
        numbers.store.settings().await?,
        numbers.store.numbers().await?,
    );
    if handoff_number(&settings, &records, None, None).is_none() {
        return Err(EdgeError::Conflict(
            "Continue on WhatsApp is off: turn handoff on in the settings and for a connected number first"
                .to_owned(),
        ));
    }
    if !store.offer_handoff(id, now_seconds()).await? {
        return Err(EdgeError::Conflict(
            "only an open website conversation that has not continued on WhatsApp can be offered WhatsApp"
                .to_owned(),
        ));
    }
    record_activity(store, id, "offered_whatsapp", caller, None).await?;
    publish(live, &conversation, Change::Handoff);
    ok_json(&detail(store, id).await?.conversation)
}
