//! Files in the Messenger: `POST /api/widget/attachments` (a visitor sends a picture or a PDF:
//! the body is the file, `Content-Type` its type, `X-Filename` its name; 10 MB at most) and
//! `GET /api/widget/media/<message id>` (a file of the visitor's own conversation — theirs or
//! one the business sent them). A file is taken for what its bytes are (the declared type must
//! match its magic number), and nothing is written to R2 before every check that can refuse it
//! has passed; what an isolate that dies mid-way leaves in R2 is swept by the cron
//! (`media::sweep`). Origins, rate limits and the visitor token are checked by
//! `visitor::api` before these run.

use sha2::{Digest, Sha256};
use switchboard_core::api::{Author, WidgetAttachment, WidgetMessage};
use switchboard_core::file_checks::{check_visitor_bytes, display_filename};
use switchboard_core::live::{visitor_room, Change, LiveEvent, INBOX_ROOM};
use switchboard_core::media::{check_visitor_file, essence, MAX_VISITOR_FILE_BYTES};
use switchboard_core::opening_hours::OpeningHours;
use switchboard_core::web_push::payload::{Customer, CustomerMessage};
use worker::{Env, Request, Response};

use super::service::{handed_off, open_conversation, returned_conversation};
use crate::args;
use crate::conversations::rows::NewMessage;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::media::api::file_response;
use crate::media::fetch::{delete_file, put_file};
use crate::media::store::{MediaStore, NewMedia};
use crate::platform::clock::{now_millis, now_seconds};
use crate::platform::d1::decode_rows;
use crate::platform::http::{header, json_response, read_body};
use crate::platform::random;

pub async fn upload(
    req: &mut Request,
    env: &Env,
    store: &ConversationStore,
    visitor: &str,
    live: &Live,
    hours: &OpeningHours,
) -> Result<Response, EdgeError> {
    let mime = essence(&header(req, "content-type").unwrap_or_default());
    // Everything that can refuse comes before the R2 write, so a refusal leaves nothing behind:
    // the type (400), the size as the body streams in (413 past 10 MB), the bytes against the
    // type (400), then whether the conversation still takes messages (409).
    check_visitor_file(&mime, 1).map_err(|p| EdgeError::BadRequest(p.to_string()))?;
    let bytes = read_body(req, MAX_VISITOR_FILE_BYTES as usize).await?;
    let kind = check_visitor_file(&mime, bytes.len() as u64)
        .map_err(|p| EdgeError::BadRequest(p.to_string()))?;
    check_visitor_bytes(&mime, &bytes).map_err(EdgeError::BadRequest)?;
    if store.visitor_handed_off(visitor).await? {
        return Err(handed_off());
    }
    let filename = display_filename(
        &header(req, "x-filename")
            .map(|v| {
                percent_encoding::percent_decode_str(&v)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .unwrap_or_else(|| "file".to_owned()),
        Some(&mime),
    );
    let now = now_seconds();
    let message_id = random::id("msg")?;
    let sha = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    put_file(env, &message_id, bytes, &mime).await?;
    let content = serde_json::json!({ "type": "media", "kind": kind, "mime_type": mime, "filename": filename }).to_string();
    let message = NewMessage::from_visitor(
        message_id.clone(),
        kind,
        "",
        Some(content),
        now,
        now_millis(),
    );
    // Like a text message: into the visitor's open Messenger conversation (opened if none),
    // refused once it continues on WhatsApp.
    let results = store
        .batch(vec![
            open_conversation(store, visitor, now, hours)?,
            store.insert_visitor_message(&message, visitor)?,
            store.touch(&message.id, now, true, None)?,
            MediaStore(store).create_stored(
                &NewMedia {
                    message_id: &message_id,
                    media_id: "",
                    phone_number_id: "",
                    kind,
                    mime_type: Some(&mime),
                    filename: Some(&filename),
                    now,
                },
                size,
                &sha,
            )?,
        ])
        .await?;
    let Some(conversation_id) = returned_conversation(results.get(1))? else {
        // Handed off between the check above and the batch: the file is no one's now.
        delete_file(env, &message_id).await;
        return Err(handed_off());
    };
    let shown = WidgetMessage {
        agent: None,
        id: message_id,
        author: Author::Visitor,
        text: String::new(),
        sent_at: now,
        attachment: Some(WidgetAttachment {
            kind: kind.to_owned(),
            mime_type: mime,
            filename: Some(filename),
            size: Some(size),
        }),
        quote: None,
        reaction: None,
    };
    live.customer_wrote(CustomerMessage::new(
        Customer::Messenger,
        None,
        &conversation_id,
    ));
    live.publish(
        &visitor_room(visitor),
        &LiveEvent::message(conversation_id.clone(), shown.clone()),
    );
    live.publish(
        INBOX_ROOM,
        &LiveEvent::changed(Some(conversation_id), Change::Message),
    );
    Ok(json_response(&shown, 201))
}

/// A file of one of the visitor's own conversations.
pub async fn serve(
    req: &Request,
    env: &Env,
    store: &ConversationStore,
    visitor: &str,
    message_id: &str,
) -> Result<Response, EdgeError> {
    #[derive(serde::Deserialize)]
    struct Row {
        mime_type: Option<String>,
        filename: Option<String>,
    }
    let row: Option<Row> = decode_rows(
        &store
            .stmt(
                "SELECT x.mime_type, x.filename FROM media x JOIN messages m ON m.id = x.message_id \
                 JOIN conversations c ON c.id = m.conversation_id \
                 WHERE x.message_id = ?1 AND x.state = 'stored' AND c.visitor_id = ?2 AND m.channel = 'messenger'",
                args![message_id, visitor],
            )?
            .all()
            .await?,
        "visitor media",
    )?
    .into_iter()
    .next();
    let row = row.ok_or_else(|| EdgeError::NotFound("no such file of yours".to_owned()))?;
    file_response(
        req,
        env,
        message_id,
        row.mime_type.as_deref(),
        row.filename.as_deref(),
    )
    .await
}
