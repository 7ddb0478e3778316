//! D1 rows and their conversion into the shared API views.

use serde::Deserialize;
use switchboard_core::api::{
    Author, Channel, CloseReason, ConversationStatus, ConversationView, Direction, MediaView,
    MessageView, Reactions, ThreadCursor, WidgetAttachment, WidgetMessage,
};
use switchboard_core::customer_identity::CustomerKey;
use switchboard_core::delivery_status::DeliveryStatus;
use switchboard_core::messenger_quote::{excerpt, WidgetQuote};
use switchboard_core::webhook::StatusError;

use crate::csat::service::Resolved;

#[derive(Debug, Clone, Deserialize)]
pub struct ConversationRow {
    pub id: String,
    pub channel: String,
    pub status: String,
    pub close_reason: Option<String>,
    pub phone_number_id: Option<String>,
    pub wa_id: Option<String>,
    pub contact_name: Option<String>,
    pub visitor_id: Option<String>,
    pub handed_off_at: Option<i64>,
    #[serde(default)]
    pub link_disputed_at: Option<i64>,
    #[serde(default)]
    pub unlinked_at: Option<i64>,
    #[serde(default)]
    pub handoff_offered_at: Option<i64>,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub last_message_at: i64,
    pub last_inbound_at: Option<i64>,
    #[serde(default)]
    pub last_outbound_at: Option<i64>,
    #[serde(default)]
    pub message_count: Option<i64>,
    #[serde(default)]
    pub opened_after_hours: Option<i64>,
    #[serde(default)]
    pub assignee_email: Option<String>,
    /// In the list only: the reader's unread count, and the newest message as JSON text.
    #[serde(default)]
    pub unread: Option<i64>,
    #[serde(default)]
    pub last_message: Option<String>,
    /// Meta's `referral` of the first message, as JSON text.
    #[serde(default)]
    pub referral: Option<String>,
    /// The WhatsApp customer's newest username (`customer_identities`).
    #[serde(default)]
    pub username: Option<String>,
}

impl ConversationRow {
    /// What the survey asked on resolving this conversation needs of it.
    pub fn resolved(&self) -> Resolved<'_> {
        Resolved {
            id: &self.id,
            channel: &self.channel,
            handed_off_at: self.handed_off_at,
            phone_number_id: self.phone_number_id.as_deref(),
            wa_id: self.wa_id.as_deref(),
            last_inbound_at: self.last_inbound_at,
        }
    }

    pub fn is_open(&self) -> bool {
        self.status == "open"
    }

    pub fn view(&self) -> ConversationView {
        ConversationView {
            id: self.id.clone(),
            channel: channel(&self.channel),
            status: if self.is_open() {
                ConversationStatus::Open
            } else {
                ConversationStatus::Closed
            },
            close_reason: self.close_reason.as_deref().and_then(|r| match r {
                "reset" => Some(CloseReason::Reset),
                "agent" => Some(CloseReason::Agent),
                "handoff" => Some(CloseReason::Handoff),
                _ => None,
            }),
            phone_number_id: self.phone_number_id.clone(),
            wa_id: self.wa_id.clone(),
            contact_name: self.contact_name.clone(),
            visitor_id: self.visitor_id.clone(),
            handed_off_at: self.handed_off_at,
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            last_message_at: self.last_message_at,
            last_inbound_at: self.last_inbound_at,
            last_outbound_at: self.last_outbound_at,
            message_count: self.message_count.unwrap_or(0),
            link_disputed_at: self.link_disputed_at,
            unlinked_at: self.unlinked_at,
            handoff_offered_at: self.handoff_offered_at,
            opened_after_hours: self.opened_after_hours.unwrap_or(0) != 0,
            assignee: self.assignee_email.clone(),
            unread: self.unread.unwrap_or(0),
            last_message: self
                .last_message
                .as_deref()
                .and_then(|m| serde_json::from_str(m).ok()),
            referral: self
                .referral
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            username: self.username.clone(),
            // A stored key is a phone number unless it holds a dot (a BSUID).
            phone: self
                .wa_id
                .as_deref()
                .map(CustomerKey::from_stored)
                .and_then(|key| match key {
                    CustomerKey::Phone(phone) => Some(phone),
                    CustomerKey::Bsuid(_) => None,
                }),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct MessageRow {
    pub id: String,
    /// Storage order (the rowid): with `sent_at`, a message's place in the thread.
    #[serde(default)]
    pub seq: i64,
    pub wamid: Option<String>,
    pub channel: String,
    pub direction: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub text: Option<String>,
    pub content: Option<String>,
    pub reply_to: Option<String>,
    pub sent_at: i64,
    pub received_at: i64,
    pub status: Option<String>,
    pub error_code: Option<i64>,
    pub error_title: Option<String>,
    #[serde(default)]
    pub detached_at: Option<i64>,
    /// The `media` row as JSON text, when there is one.
    #[serde(default)]
    pub media: Option<String>,
    /// Who sent an agent's message (their display name then, and email).
    #[serde(default)]
    pub author_name: Option<String>,
    #[serde(default)]
    pub author_email: Option<String>,
    #[serde(default)]
    pub edited_at: Option<i64>,
    /// JSON array of the versions an edit replaced.
    #[serde(default)]
    pub edit_history: Option<String>,
    #[serde(default)]
    pub revoked_at: Option<i64>,
    #[serde(default)]
    pub customer_reaction: Option<String>,
    #[serde(default)]
    pub agent_reaction: Option<String>,
}

impl MessageRow {
    pub fn is_inbound(&self) -> bool {
        self.direction == "inbound"
    }

    pub fn cursor(&self) -> ThreadCursor {
        ThreadCursor {
            sent_at: self.sent_at,
            seq: self.seq,
        }
    }

    /// The file of this message as the Messenger shows it, once stored.
    pub fn attachment(&self) -> Option<WidgetAttachment> {
        let media: MediaView = serde_json::from_str(self.media.as_deref()?).ok()?;
        (media.state == "stored").then(|| WidgetAttachment {
            kind: media.kind,
            mime_type: media.mime_type.unwrap_or_default(),
            filename: media.filename,
            size: media.size,
        })
    }

    /// This message as the visitor's Messenger shows it: with the message it quotes (`quoted`)
    /// and the business's reaction; the agent's name unless the owner hides names.
    pub fn widget(&self, quoted: Option<&MessageRow>, agent_names: bool) -> WidgetMessage {
        WidgetMessage {
            id: self.id.clone(),
            author: self.author(),
            text: self.text.clone().unwrap_or_default(),
            sent_at: self.sent_at,
            attachment: self.attachment(),
            // A member's name only: a reply sent with the admin token (no author email) is the
            // business speaking.
            agent: (!self.is_inbound() && agent_names && self.author_email.is_some())
                .then(|| self.author_name.clone())
                .flatten(),
            quote: quoted.map(|q| WidgetQuote {
                id: q.id.clone(),
                author: q.author(),
                excerpt: match q.text.as_deref().filter(|t| !t.trim().is_empty()) {
                    Some(text) => excerpt(text),
                    None => q.attachment().and_then(|a| a.filename).unwrap_or_default(),
                },
            }),
            reaction: self.agent_reaction.clone(),
        }
    }

    fn author(&self) -> Author {
        if self.is_inbound() {
            Author::Visitor
        } else {
            Author::Business
        }
    }

    pub fn view(&self) -> MessageView {
        MessageView {
            id: self.id.clone(),
            wamid: self.wamid.clone(),
            channel: channel(&self.channel),
            direction: if self.is_inbound() {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            kind: self.kind.clone(),
            text: self.text.clone(),
            content: self
                .content
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
            reply_to: self.reply_to.clone(),
            sent_at: self.sent_at,
            received_at: self.received_at,
            status: self.status.as_deref().and_then(DeliveryStatus::from_stored),
            error: self.error_code.map(|code| StatusError {
                code,
                title: self.error_title.clone().unwrap_or_default(),
            }),
            detached: self.detached_at.is_some(),
            cursor: self.cursor().to_string(),
            media: self
                .media
                .as_deref()
                .and_then(|m| serde_json::from_str(m).ok()),
            author_name: self.author_name.clone(),
            author_email: self.author_email.clone(),
            edited_at: self.edited_at,
            edit_history: self
                .edit_history
                .as_deref()
                .and_then(|h| serde_json::from_str(h).ok())
                .unwrap_or_default(),
            revoked_at: self.revoked_at,
            reactions: Reactions {
                customer: self.customer_reaction.clone(),
                agent: self.agent_reaction.clone(),
            },
        }
    }
}

fn channel(name: &str) -> Channel {
    if name == "whatsapp" {
        Channel::Whatsapp
    } else {
        Channel::Messenger
    }
}

/// A message about to be stored.
pub struct NewMessage<'a> {
    pub id: String,
    pub conversation_id: &'a str,
    pub wamid: Option<&'a str>,
    pub channel: &'static str,
    pub direction: &'static str,
    pub phone_number_id: Option<&'a str>,
    pub wa_id: Option<&'a str>,
    pub kind: &'a str,
    pub text: Option<&'a str>,
    pub content: Option<String>,
    pub reply_to: Option<&'a str>,
    pub raw: Option<String>,
    pub sent_at: i64,
    pub received_at: i64,
    pub status: Option<DeliveryStatus>,
    /// An agent reply's idempotency key.
    pub client_key: Option<&'a str>,
}

impl<'a> NewMessage<'a> {
    /// A website visitor's message; its conversation is resolved inside the insert.
    pub fn from_visitor(
        id: String,
        kind: &'a str,
        text: &'a str,
        content: Option<String>,
        now: i64,
        received_at: i64,
    ) -> Self {
        Self {
            id,
            conversation_id: "",
            wamid: None,
            channel: "messenger",
            direction: "inbound",
            phone_number_id: None,
            wa_id: None,
            kind,
            text: Some(text),
            content,
            reply_to: None,
            raw: None,
            sent_at: now,
            received_at,
            status: None,
            client_key: None,
        }
    }
}
