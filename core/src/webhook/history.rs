//! `history`: the WhatsApp Business app's chat history of a number onboarded in coexistence
//! (Meta, *history webhook reference*, as mirrored in LimaLb01/endpoint-flow at 5f76437,
//! 2026-01-06). Up to 180 days of one-to-one threads come in chunks, by phase (0: day 0–1,
//! 1: day 1–90, 2: day 90–180) with `chunk_order` and `progress` (100 = done). A message's
//! `from` is the business or the customer; `to` is there only on the business's own messages;
//! `history_context.status` is its last delivery state. Media messages come as
//! `media_placeholder`, their contents in a later `history` change whose `messages[]` hold them.
//! A business that turned sharing off sends one item with `errors[]` (code 2593109).
//!
//! The history is kept, typed, so that nothing in it is lost; these are past messages, not
//! new ones.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::content_of;
use super::fields::{identify, nonempty, opt_integer, required_id, unix_seconds};
use super::message::{message_errors, parse_context, MessageContext};
use super::status::MetaError;
use super::{MessageContent, NotUnderstood, TimestampWindow};
use crate::customer_identity::CustomerId;

/// One `history[]` item.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryChunk {
    pub phase: Option<i64>,
    pub chunk_order: Option<i64>,
    /// Percent of the whole synchronization done.
    pub progress: Option<i64>,
    pub threads: Vec<HistoryThread>,
    /// Why there is no history (e.g. 2593109: sharing turned off in the Business app).
    pub errors: Vec<MetaError>,
}

/// The history with one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryThread {
    pub customer: CustomerId,
    pub messages: Vec<HistoryMessage>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the customer.
    Inbound,
    /// From the business.
    Outbound,
}

/// A past message of a thread.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryMessage {
    pub wamid: String,
    pub direction: Direction,
    /// Unix seconds (the recipient device's time).
    pub timestamp: i64,
    pub content: MessageContent,
    pub context: Option<MessageContext>,
    /// `history_context.status`: `DELIVERED`, `ERROR`, `PENDING`, `PLAYED`, `READ` or `SENT`.
    pub status: Option<String>,
    pub raw: Value,
}

/// Where a chunk is and what it may hold.
pub(super) struct HistoryScope<'a> {
    pub path: &'a str,
    pub window: TimestampWindow,
    pub phone_number_id: &'a str,
    pub display_phone_number: Option<&'a str>,
}

/// A chunk; each thread or message in it that cannot be read is kept in `kept`.
pub(super) fn parse_history(
    item: &Value,
    scope: &HistoryScope,
    kept: &mut Vec<NotUnderstood>,
) -> Result<HistoryChunk, String> {
    if !item.is_object() {
        return Err("not an object".to_owned());
    }
    let metadata = item.get("metadata").unwrap_or(&Value::Null);
    let mut keep = |path: String, reason: String, raw: &Value| {
        kept.push(NotUnderstood {
            path,
            reason,
            phone_number_id: Some(scope.phone_number_id.to_owned()),
            raw: raw.clone(),
        })
    };
    let mut threads = Vec::new();
    match item.get("threads") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (t, thread) in items.iter().enumerate() {
                let path = format!("{}.threads[{t}]", scope.path);
                match parse_thread(thread, &path, scope, &mut keep) {
                    Ok(thread) => threads.push(thread),
                    Err(reason) => keep(path, reason, thread),
                }
            }
        }
        Some(other) => keep(
            format!("{}.threads", scope.path),
            "not an array".to_owned(),
            other,
        ),
    }
    Ok(HistoryChunk {
        phase: opt_integer(metadata, "phase"),
        chunk_order: opt_integer(metadata, "chunk_order"),
        progress: opt_integer(metadata, "progress"),
        threads,
        errors: message_errors(item),
    })
}

fn parse_thread(
    thread: &Value,
    path: &str,
    scope: &HistoryScope,
    keep: &mut impl FnMut(String, String, &Value),
) -> Result<HistoryThread, String> {
    if !thread.is_object() {
        return Err("not an object".to_owned());
    }
    let messages = thread
        .get("messages")
        .and_then(Value::as_array)
        .ok_or("messages: missing or not an array")?;
    // The thread's `id` is the customer's phone number; read a BSUID there too.
    let customer = identify(thread, "id", "user_id", "parent_user_id").or_else(|reason| {
        nonempty(thread, "id")
            .and_then(|id| CustomerId::from_bsuid(&id).ok())
            .ok_or(reason)
    })?;
    let mut parsed = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        match parse_past_message(m, &customer, scope) {
            Ok(message) => parsed.push(message),
            Err(reason) => keep(format!("{path}.messages[{i}]"), reason, m),
        }
    }
    Ok(HistoryThread {
        customer,
        messages: parsed,
    })
}

fn parse_past_message(
    m: &Value,
    customer: &CustomerId,
    scope: &HistoryScope,
) -> Result<HistoryMessage, String> {
    if !m.is_object() {
        return Err("not an object".to_owned());
    }
    let wamid = required_id(m, "id")?;
    let content = if nonempty(m, "type").as_deref() == Some("media_placeholder") {
        MessageContent::Other {
            original_type: "media_placeholder".to_owned(),
            reason: Some("a media message: its contents come in a later history change".into()),
        }
    } else {
        content_of(m)
    };
    Ok(HistoryMessage {
        wamid,
        direction: direction(m, customer, scope.display_phone_number),
        timestamp: unix_seconds(m, scope.window)?,
        content,
        context: parse_context(m),
        status: m.get("history_context").and_then(|c| nonempty(c, "status")),
        raw: m.clone(),
    })
}

/// The business's messages carry `to`; otherwise `from` is the customer or the business.
fn direction(m: &Value, customer: &CustomerId, display: Option<&str>) -> Direction {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    if m.get("to").is_some() || m.get("to_user_id").is_some() {
        return Direction::Outbound;
    }
    let Some(from) = nonempty(m, "from").map(|f| digits(&f)) else {
        return Direction::Inbound;
    };
    match (customer.phone().map(digits), display.map(digits)) {
        (Some(phone), _) if phone == from => Direction::Inbound,
        (_, Some(business)) if business == from => Direction::Outbound,
        (Some(_), _) => Direction::Outbound,
        (None, _) => Direction::Inbound,
    }
}
