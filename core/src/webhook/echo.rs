//! `smb_message_echoes`: messages the business sent from the WhatsApp Business app or a linked
//! device, on a number used in coexistence (Meta, *smb_message_echoes webhook reference*, updated
//! May 21, 2026). Each `message_echoes[]` item has `from` (the business number), `to` (the
//! customer's phone number), `to_user_id` / `to_parent_user_id` (their BSUID, as pywa 4.4 reads
//! them), `id`, `timestamp`, `type` and the type's object — the same objects as a sent message.
//! Echoes also report the business editing (`edit`) or deleting (`revoke`) a message it sent.
use serde_json::Value;

use super::contact::{with_contacts, Contact};
use super::content::content_of;
use super::fields::{identify, nonempty, required_id, unix_seconds};
use super::message::{parse_context, MessageContext};
use super::{MessageContent, TimestampWindow};
use crate::customer_identity::CustomerId;

/// A message the business sent outside the Cloud API: outbound, in the customer's conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundEcho {
    pub wamid: String,
    /// The recipient: `to`, `to_user_id`, `to_parent_user_id`, completed from `contacts[]`.
    pub customer: CustomerId,
    /// `from`: the business's display phone number.
    pub business_number: Option<String>,
    pub timestamp: i64,
    pub content: MessageContent,
    pub context: Option<MessageContext>,
    /// The echo exactly as Meta sent it.
    pub raw: Value,
}

pub(super) fn parse_echo(
    e: &Value,
    window: TimestampWindow,
    contacts: &[Contact],
) -> Result<OutboundEcho, String> {
    if !e.is_object() {
        return Err("not an object".to_owned());
    }
    let wamid = required_id(e, "id")?;
    let named = identify(e, "to", "to_user_id", "to_parent_user_id");
    Ok(OutboundEcho {
        wamid,
        customer: with_contacts(named, contacts)?,
        business_number: nonempty(e, "from"),
        timestamp: unix_seconds(e, window)?,
        content: content_of(e),
        context: parse_context(e),
        raw: e.clone(),
    })
}
