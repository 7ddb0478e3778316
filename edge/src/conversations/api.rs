//! Routes under `/api/admin/conversations`: list, read, reply, retry (close, reopen and unlink
//! are `lifecycle`).

use switchboard_core::api::{
    checked_text, within_reply_window, AgentReply, ConversationDetail, TemplateChoice,
    ThreadCursor, REPLY_WINDOW_SECONDS,
};
use switchboard_core::delivery_status::DeliveryStatus;
use switchboard_core::live::{visitor_room, Change, LiveEvent, INBOX_ROOM};
use worker::{Request, Response};

use super::messenger_view::quoted_message;
use super::reactions::{quoted_wamid, quoting_text};
use super::rows::{ConversationRow, NewMessage};
use super::service::{
    already_stored, find, message, outbound, publish, record_send, send_file, send_status,
};
use super::store::{ConversationFilter, ConversationStore, PageRange, ThreadPage};
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::platform::clock::now_seconds;
use crate::platform::d1::returned_a_row;
use crate::platform::http::{json_response, ok_json, query, read_json};
use crate::platform::random;
use crate::team::caller::Caller;
use switchboard_core::team::normalize_email;

pub use super::teamwork::record_activity;

/// `?limit=`: 1–500, 100 when absent.
fn limit_param(req: &Request) -> Result<i64, EdgeError> {
    match query(req, "limit") {
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=500).contains(l))
            .ok_or_else(|| EdgeError::BadRequest("limit must be 1–500".to_owned())),
        None => Ok(100),
    }
}

pub async fn list(
    req: &Request,
    store: &ConversationStore,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let limit = limit_param(req)?;
    // `?assignee=none` (unassigned), `me`, or a member's email.
    let assignee = match query(req, "assignee").as_deref() {
        None => None,
        Some("none") => Some(None),
        // The admin token is no member: nothing is assigned to it.
        Some("me") => Some(Some(caller.email().unwrap_or_default().to_owned())),
        Some(email) => Some(Some(normalize_email(email))),
    };
    let filter = ConversationFilter {
        phone_number_id: query(req, "number"),
        wa_id: query(req, "wa_id"),
        status: query(req, "status"),
        channel: query(req, "channel"),
        window_open_since: match query(req, "window").as_deref() {
            None | Some("") => None,
            Some("closing") => Some(now_seconds() - REPLY_WINDOW_SECONDS),
            Some(other) => {
                return Err(EdgeError::BadRequest(format!(
                    "window must be closing, not {other:?}"
                )))
            }
        },
        assignee,
        reader: super::attention::reader(caller),
        limit,
    };
    let rows = store.list(&filter).await?;
    ok_json(&rows.iter().map(ConversationRow::view).collect::<Vec<_>>())
}

/// `GET /api/admin/conversations/<id>`: the conversation and one page of its thread — the newest
/// `limit` (default 100, at most 500) messages, or those before `?before=<cursor>`, or every
/// message from `?since=<cursor>` on (a client keeping its window live without gaps).
pub async fn read(
    req: &Request,
    store: &ConversationStore,
    id: &str,
) -> Result<Response, EdgeError> {
    let limit = limit_param(req)?;
    let cursor = |name: &str| {
        query(req, name)
            .map(|c| {
                ThreadCursor::parse(&c).ok_or_else(|| {
                    EdgeError::BadRequest(format!("{name} must be a message's cursor, not {c:?}"))
                })
            })
            .transpose()
    };
    let range = match (cursor("before")?, cursor("since")?) {
        (Some(_), Some(_)) => {
            return Err(EdgeError::BadRequest(
                "ask for before or since, not both".to_owned(),
            ))
        }
        (Some(c), None) => PageRange::Before(c),
        (None, Some(c)) => PageRange::Since(c),
        (None, None) => PageRange::Newest,
    };
    ok_json(&page(store, id, range, limit).await?)
}

/// The conversation with its newest page of messages.
pub async fn detail(store: &ConversationStore, id: &str) -> Result<ConversationDetail, EdgeError> {
    page(store, id, PageRange::Newest, 100).await
}

async fn page(
    store: &ConversationStore,
    id: &str,
    range: PageRange,
    limit: i64,
) -> Result<ConversationDetail, EdgeError> {
    let conversation = find(store, id).await?;
    let page = store
        .messages_page(&ThreadPage {
            conversation_id: id,
            channel: None,
            range,
            limit,
        })
        .await?;
    Ok(ConversationDetail {
        conversation: conversation.view(),
        messages: page.messages.iter().map(|m| m.view()).collect(),
        older: page.older.map(|c| c.to_string()),
        activity: store.activity(id).await?,
    })
}

/// An agent's reply: to the widget for Messenger, through the Graph API for WhatsApp.
/// The message is stored before it is sent, so a failed send stays visible with its error.
/// With a `client_key`, the same key again answers with the stored message and sends nothing.
pub async fn reply(
    req: &mut Request,
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let body: AgentReply = read_json(req).await?;
    if body
        .client_key
        .as_deref()
        .is_some_and(|k| k.is_empty() || k.len() > 64)
    {
        return Err(EdgeError::BadRequest(
            "client_key must be 1–64 characters".to_owned(),
        ));
    }
    let conversation = find(store, id).await?;
    let whatsapp = conversation.channel != "messenger";
    // What the reply quotes: stored as the wamid for WhatsApp (Meta's context), as our message
    // id in the Messenger (whose messages have no wamid), with the quoted row for its excerpt.
    let (quoted, messenger_quote) = match &body.reply_to {
        None => (None, None),
        Some(q) if whatsapp => (Some(quoted_wamid(store, id, q).await?), None),
        Some(q) => {
            let row = quoted_message(store, id, q).await?;
            (Some(row.id.clone()), Some(row))
        }
    };
    let now = now_seconds();
    let text = match (&body.text, &body.template) {
        (Some(text), None) => Some(
            checked_text(text)
                .ok_or_else(|| EdgeError::BadRequest("text must be 1–4096 characters".to_owned()))?
                .to_owned(),
        ),
        (None, Some(_)) => None,
        _ => {
            return Err(EdgeError::BadRequest(
                "send either text or template".to_owned(),
            ))
        }
    };
    if !whatsapp && text.is_none() {
        return Err(EdgeError::BadRequest(
            "Messenger replies are text".to_owned(),
        ));
    }
    if whatsapp && text.is_some() && !within_reply_window(conversation.last_inbound_at, now) {
        return Err(EdgeError::Conflict(
            "more than 24 hours have passed since the customer's last message: WhatsApp only allows an approved template now"
                .to_owned(),
        ));
    }
    let number = conversation.phone_number_id.clone().unwrap_or_default();
    let graph = if whatsapp {
        let (_, graph) = numbers.graph_for(&number).await.map_err(|e| match e {
            EdgeError::NotFound(_) => {
                EdgeError::Conflict(format!("number {number} is not connected"))
            }
            other => other,
        })?;
        Some(graph)
    } else {
        None
    };
    let message_id = random::id("msg")?;
    let (kind, shown) = match (&text, &body.template) {
        (Some(t), _) => ("text", t.clone()),
        (None, Some(t)) => ("template", template_summary(t)),
        (None, None) => unreachable!("checked above"),
    };
    let content = body
        .template
        .as_ref()
        .and_then(|t| serde_json::to_string(t).ok());
    let row = NewMessage {
        client_key: body.client_key.as_deref(),
        reply_to: quoted.as_deref(),
        ..outbound(&message_id, &conversation, kind, Some(&shown), content, now)
    };
    let results = store
        .batch(vec![
            store.insert_agent_message(&row)?,
            store.touch(&message_id, now, false, None)?,
            store.set_author(&message_id, caller.email(), caller.name())?,
        ])
        .await?;
    if !returned_a_row(results.first())? {
        // This key's reply is already stored (a double click, a repeated request): answer with it.
        return already_stored(store, id, body.client_key.as_deref()).await;
    }
    // The inbox reads it; a Messenger is pushed the message itself (below), nothing to read.
    live.publish(
        INBOX_ROOM,
        &LiveEvent::changed(Some(id.to_owned()), Change::Message),
    );
    let Some(graph) = graph else {
        let stored = store
            .message(id, &message_id)
            .await?
            .ok_or_else(|| EdgeError::Storage(format!("message {message_id} went away")))?;
        if let Some(visitor) = &conversation.visitor_id {
            let agent_names = !numbers.store.settings().await?.hide_agent_names;
            live.publish(
                &visitor_room(visitor),
                &LiveEvent::message(
                    id.to_owned(),
                    stored.widget(messenger_quote.as_ref(), agent_names),
                ),
            );
        }
        return Ok(json_response(&stored.view(), 201));
    };
    let to = conversation.wa_id.clone().unwrap_or_default();
    let sent = match (&text, &body.template) {
        (Some(t), _) if quoted.is_some() => {
            let quoted = quoted.as_deref().unwrap_or_default();
            let request = quoting_text(&to, t, quoted, &message_id)?;
            graph.send_json(&number, &request).await
        }
        (Some(t), _) => graph.send_text(&number, &to, t, &message_id).await,
        (None, Some(t)) => graph.send_template(&number, &to, t, &message_id).await,
        (None, None) => unreachable!("checked above"),
    };
    record_send(store, &message_id, &sent).await?;
    publish(live, &conversation, Change::Status);
    let view = message(store, id, &message_id).await?;
    Ok(json_response(&view, send_status(&sent, 201)))
}

/// Sends a failed or unconfirmed outbound WhatsApp message again (once, however often asked).
pub async fn retry(
    env: &worker::Env,
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    id: &str,
    message_id: &str,
    live: &Live,
    caller: &Caller,
) -> Result<Response, EdgeError> {
    let conversation = find(store, id).await?;
    let failed = message(store, id, message_id).await?;
    if !matches!(
        failed.status,
        Some(DeliveryStatus::Failed | DeliveryStatus::Unconfirmed)
    ) {
        return Err(EdgeError::Conflict(
            "only a failed or unconfirmed message can be retried".to_owned(),
        ));
    }
    let is_template = failed.kind == "template";
    if !is_template && !within_reply_window(conversation.last_inbound_at, now_seconds()) {
        return Err(EdgeError::Conflict(
            "outside the 24-hour window: send a template instead".to_owned(),
        ));
    }
    let number = conversation.phone_number_id.clone().unwrap_or_default();
    let (_, graph) = numbers.graph_for(&number).await?;
    let template: Option<TemplateChoice> = if is_template {
        Some(
            failed
                .content
                .clone()
                .and_then(|c| serde_json::from_value(c).ok())
                .ok_or_else(|| EdgeError::Internal("stored template is unreadable".to_owned()))?,
        )
    } else {
        None
    };
    if !store.claim_retry(message_id).await? {
        return Err(EdgeError::Conflict(
            "this message is already being retried".to_owned(),
        ));
    }
    record_activity(store, id, "retried", caller, Some(message_id)).await?;
    let to = conversation.wa_id.clone().unwrap_or_default();
    let attachment = failed.media.as_ref().filter(|m| m.state == "stored");
    let sent = match (&template, attachment) {
        (_, Some(file)) => {
            // An attachment: upload it again from R2, then send it.
            let bytes = env
                .bucket("MEDIA")?
                .get(crate::media::fetch::key(message_id))
                .execute()
                .await?
                .ok_or_else(|| EdgeError::NotFound("the attachment's file is missing".to_owned()))?
                .body()
                .ok_or_else(|| EdgeError::Storage("R2 object without a body".to_owned()))?
                .bytes()
                .await?;
            send_file(
                store,
                numbers,
                &conversation,
                message_id,
                &bytes,
                file.mime_type.as_deref().unwrap_or_default(),
                &file.kind,
                file.filename.as_deref().unwrap_or("file"),
                failed.text.as_deref().filter(|t| !t.is_empty()),
            )
            .await
        }
        (Some(t), None) => graph.send_template(&number, &to, t, message_id).await,
        (None, None) => {
            graph
                .send_text(
                    &number,
                    &to,
                    failed.text.as_deref().unwrap_or_default(),
                    message_id,
                )
                .await
        }
    };
    record_send(store, message_id, &sent).await?;
    publish(live, &conversation, Change::Status);
    let view = message(store, id, message_id).await?;
    Ok(json_response(&view, send_status(&sent, 200)))
}

/// How a sent template reads in the thread: its name, language and the values filled in.
fn template_summary(t: &TemplateChoice) -> String {
    let mut summary = format!("Template: {} ({})", t.name, t.language);
    if !t.parameters.is_empty() {
        summary.push_str(&format!(" — {}", t.parameters.join(", ")));
    }
    summary
}
