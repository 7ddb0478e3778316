//! `POST /api/admin/conversations/<id>/attachments`: an agent sends a file. The body is the
//! file itself (`Content-Type` its type; `X-Filename`, `X-Caption`, `X-Client-Key` percent-
//! encoded). It is kept in R2 and in the thread first, then — on WhatsApp, inside the 24-hour
//! window — uploaded (`POST /<phone number id>/media`) and sent by media id; in the Messenger the
//! visitor is shown it. A failed upload or send stays in the thread with the error and Retry.

use sha2::{Digest, Sha256};
use switchboard_core::api::within_reply_window;
use switchboard_core::file_checks::display_filename;
use switchboard_core::live::{visitor_room, Change, LiveEvent, INBOX_ROOM};
use switchboard_core::media::{attachment_kind, essence, MAX_MEDIA_BYTES};
use worker::{Env, Request, Response};

use super::service::{
    already_stored, find, message, outbound, record_send, send_file, send_status,
};
use super::store::ConversationStore;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::media::fetch::{delete_file, put_file};
use crate::media::store::{MediaStore, NewMedia};
use crate::platform::clock::now_seconds;
use crate::platform::d1::returned_a_row;
use crate::platform::http::{header, json_response, read_body};
use crate::platform::random;
use crate::team::caller::Caller;

fn decoded(req: &Request, name: &str) -> Option<String> {
    header(req, name).map(|v| {
        percent_encoding::percent_decode_str(&v)
            .decode_utf8_lossy()
            .into_owned()
    })
}

pub async fn attach(
    req: &mut Request,
    env: &Env,
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    let now = now_seconds();
    let mime = essence(&header(req, "content-type").unwrap_or_default());
    let kind = attachment_kind(&mime).ok_or_else(|| {
        EdgeError::BadRequest(format!(
            "{mime:?} cannot be sent: images (JPEG, PNG), audio, video (MP4, 3GPP) and documents (PDF, text, Office)"
        ))
    })?;
    let filename = display_filename(
        &decoded(req, "x-filename").unwrap_or_else(|| "file".to_owned()),
        None,
    );
    let caption = decoded(req, "x-caption").filter(|c| !c.trim().is_empty());
    let client_key = decoded(req, "x-client-key").filter(|k| !k.is_empty() && k.len() <= 64);
    let whatsapp = conversation.channel != "messenger";
    if whatsapp && !within_reply_window(conversation.last_inbound_at, now) {
        return Err(EdgeError::Conflict(
            "more than 24 hours have passed since the customer's last message: WhatsApp only allows an approved template now, not a file"
                .to_owned(),
        ));
    }
    let bytes = read_body(req, MAX_MEDIA_BYTES as usize).await?;
    if bytes.is_empty() {
        return Err(EdgeError::BadRequest("the file is empty".to_owned()));
    }
    // A repeated request (a double click) is answered with what is stored, before any R2 write.
    if let Some(key) = client_key.as_deref() {
        if store.message_by_client_key(id, key).await?.is_some() {
            return already_stored(store, id, Some(key)).await;
        }
    }
    let message_id = random::id("msg")?;
    let sha = hex::encode(Sha256::digest(&bytes));
    put_file(env, &message_id, bytes.clone(), &mime).await?;
    let content = serde_json::json!({ "type": "media", "kind": kind, "mime_type": mime, "filename": filename, "caption": caption }).to_string();
    let shown = caption.clone().unwrap_or_default();
    let row = crate::conversations::rows::NewMessage {
        client_key: client_key.as_deref(),
        ..outbound(
            &message_id,
            &conversation,
            kind,
            Some(&shown),
            Some(content),
            now,
        )
    };
    let number = conversation.phone_number_id.clone().unwrap_or_default();
    let results = store
        .batch(vec![
            store.insert_agent_message(&row)?,
            store.touch(&message_id, now, false, None)?,
            store.set_author(&message_id, caller.email(), caller.name())?,
            MediaStore(store).create_stored(
                &NewMedia {
                    message_id: &message_id,
                    media_id: "",
                    phone_number_id: &number,
                    kind,
                    mime_type: Some(&mime),
                    filename: Some(&filename),
                    now,
                },
                bytes.len() as i64,
                &sha,
            )?,
        ])
        .await?;
    if !returned_a_row(results.first())? {
        // This key's attachment was stored meanwhile (two clicks at once): answer with it, and
        // drop this copy's file.
        delete_file(env, &message_id).await;
        return already_stored(store, id, client_key.as_deref()).await;
    }
    live.publish(
        INBOX_ROOM,
        &LiveEvent::changed(Some(id.to_owned()), Change::Message),
    );
    if !whatsapp {
        if let Some(visitor) = &conversation.visitor_id {
            live.publish(
                &visitor_room(visitor),
                &LiveEvent::changed(Some(id.to_owned()), Change::Message),
            );
        }
        return Ok(json_response(&message(store, id, &message_id).await?, 201));
    }
    let sent = send_file(
        store,
        numbers,
        &conversation,
        &message_id,
        &bytes,
        &mime,
        kind,
        &filename,
        caption.as_deref(),
    )
    .await;
    record_send(store, &message_id, &sent).await?;
    let view = message(store, id, &message_id).await?;
    Ok(json_response(&view, send_status(&sent, 201)))
}
