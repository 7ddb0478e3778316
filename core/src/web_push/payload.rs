//! What a push says: the customer's name (or their masked number), a short preview of the
//! message, how many messages it stands for, and where the notification leads. The service
//! worker (`static/console/sw.js`) shows it as plain notification text, never as HTML.

use serde::{Deserialize, Serialize};

use crate::handoff::mask_wa_id;

/// The longest preview, in characters (a notification shows two or three lines).
pub const PREVIEW_CHARS: usize = 120;

/// The JSON a push carries (encrypted), read by the console's service worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushPayload {
    /// The notification's title: who wrote.
    pub title: String,
    /// The preview of what they wrote (or of the last of `count` messages).
    pub body: String,
    /// Messages this push announces (1, or more when pushes were coalesced).
    pub count: u32,
    pub conversation_id: String,
    /// The console page the notification opens: `/console/inbox/<conversation id>`.
    pub url: String,
}

/// Who wrote, as a push names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Customer<'a> {
    /// A WhatsApp customer: their profile name if Meta sent one, else the number, masked.
    WhatsApp {
        name: Option<&'a str>,
        wa_id: &'a str,
    },
    /// A visitor writing in the website's Messenger (they give no name).
    Messenger,
}

impl Customer<'_> {
    /// The notification's title.
    pub fn title(&self) -> String {
        match self {
            Customer::WhatsApp { name, wa_id } => name
                .map(one_line)
                .filter(|n| !n.is_empty())
                .map(|n| shorten(&n, 60))
                .unwrap_or_else(|| mask_wa_id(wa_id)),
            Customer::Messenger => "Website visitor".to_owned(),
        }
    }
}

/// A new message from a customer, as the edge queues it for pushing after its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerMessage {
    pub conversation_id: String,
    /// Who wrote ([`Customer::title`]).
    pub title: String,
    /// The message's text, if it has one.
    pub text: Option<String>,
    /// The member the conversation is assigned to (`None`: unassigned; see
    /// [`super::recipient::should_notify`]).
    pub assignee: Option<String>,
}

impl CustomerMessage {
    pub fn new(customer: Customer<'_>, text: Option<&str>, conversation_id: &str) -> Self {
        CustomerMessage {
            conversation_id: conversation_id.to_owned(),
            title: customer.title(),
            text: text.map(|t| shorten(&one_line(t), PREVIEW_CHARS)),
            assignee: None,
        }
    }
}

impl PushPayload {
    /// The payload announcing `message` and, when `count` > 1, the messages held before it.
    pub fn new(message: &CustomerMessage, count: u32) -> Self {
        let preview = message
            .text
            .as_deref()
            .map(one_line)
            .filter(|t| !t.is_empty())
            .map(|t| shorten(&t, PREVIEW_CHARS))
            .unwrap_or_else(|| "Sent a message without text".to_owned());
        let count = count.max(1);
        let body = if count > 1 {
            format!("{count} new messages · {preview}")
        } else {
            preview
        };
        PushPayload {
            title: message.title.clone(),
            body,
            count,
            conversation_id: message.conversation_id.clone(),
            url: inbox_url(&message.conversation_id),
        }
    }
}

/// The `Topic` header (RFC 8030 §5.4) for a conversation's pushes: a push service that still
/// holds an undelivered push of the same topic replaces it, so a phone that was offline sees
/// one notification per conversation. `None` when the id is not 1–32 base64url characters.
pub fn topic(conversation_id: &str) -> Option<&str> {
    let ok = (1..=32).contains(&conversation_id.len())
        && conversation_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(conversation_id)
}

/// What stays as it is in a conversation id inside the URL: letters, digits, `-` and `_` (our
/// ids are `conv_<hex>`). A dot is encoded too, so no id can be a `..` segment.
const ID_KEPT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// The console page of a conversation. Anything odd in the id is percent-encoded so the URL
/// stays inside the inbox.
pub fn inbox_url(conversation_id: &str) -> String {
    let id = percent_encoding::utf8_percent_encode(conversation_id, ID_KEPT);
    format!("/console/inbox/{id}")
}

/// Line breaks, tabs and runs of spaces become one space; control characters go.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` characters, cut at a character (never inside one) and marked with "…".
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whatsapp_message_is_named_by_the_customer_and_opens_its_conversation() {
        let customer = Customer::WhatsApp {
            name: Some("Ana Silva"),
            wa_id: "4915112345634",
        };
        let message =
            CustomerMessage::new(customer, Some("Is my order\n\n on its way?"), "conv_ab12");
        let p = PushPayload::new(&message, 1);
        assert_eq!(p.title, "Ana Silva");
        assert_eq!(p.body, "Is my order on its way?");
        assert_eq!(p.count, 1);
        assert_eq!(p.url, "/console/inbox/conv_ab12");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["url"], "/console/inbox/conv_ab12");
        assert_eq!(json["conversation_id"], "conv_ab12");
    }

    #[test]
    fn a_customer_without_a_name_is_shown_by_the_masked_number() {
        let customer = Customer::WhatsApp {
            name: Some("  "),
            wa_id: "4915112345634",
        };
        assert_eq!(customer.title(), "+49 ••• ••34");
        let visitor = PushPayload::new(
            &CustomerMessage::new(Customer::Messenger, None, "conv_1"),
            1,
        );
        assert_eq!(visitor.title, "Website visitor");
        assert_eq!(visitor.body, "Sent a message without text");
    }

    #[test]
    fn the_preview_is_cut_at_120_characters_and_the_count_is_told() {
        let long = "é".repeat(300);
        let message = CustomerMessage::new(Customer::Messenger, Some(&long), "conv_1");
        let p = PushPayload::new(&message, 3);
        let preview = p.body.strip_prefix("3 new messages · ").unwrap();
        assert_eq!(preview.chars().count(), PREVIEW_CHARS);
        assert!(preview.ends_with('…'));
        assert_eq!(p.count, 3);
    }

    #[test]
    fn an_odd_conversation_id_cannot_lead_out_of_the_inbox() {
        assert_eq!(
            inbox_url("../../x?y"),
            "/console/inbox/%2E%2E%2F%2E%2E%2Fx%3Fy"
        );
    }
}
