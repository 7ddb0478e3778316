//! `messages[]`: a message a WhatsApp user sent, who sent it, what it replies to and which ad
//! brought them.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::contact::{with_contacts, Contact};
use super::content::content_of;
use super::fields::{identify, nonempty, opt_bool, required_id, unix_seconds};
use super::status::MetaError;
use super::{MessageContent, TimestampWindow};
use crate::customer_identity::{CustomerId, IdentityMove};

/// A message a WhatsApp user sent to a connected number.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub wamid: String,
    /// The sender: `from` (phone number, omitted for some username users), `from_user_id` and
    /// `from_parent_user_id`, completed from the change's `contacts[]`.
    pub customer: CustomerId,
    /// Unix seconds, Meta's own `timestamp`.
    pub timestamp: i64,
    pub content: MessageContent,
    /// `context`: the message this one replies to, or that it was forwarded.
    pub context: Option<MessageContext>,
    /// `referral`: the click-to-WhatsApp ad or post the customer came from.
    pub referral: Option<Referral>,
    /// `errors[]` Meta attached to the message (an `unsupported` message carries them).
    pub errors: Vec<MetaError>,
    /// The message object exactly as Meta sent it.
    pub raw: Value,
}

impl InboundMessage {
    /// `context.id`: the message this one replies to, if any.
    pub fn reply_to(&self) -> Option<&str> {
        self.context.as_ref()?.id.as_deref()
    }

    /// For a `system` message about a changed number or BSUID: where the customer moves.
    pub fn identity_move(&self) -> Option<IdentityMove> {
        match &self.content {
            MessageContent::System(system) => system.identity_move(&self.customer),
            _ => None,
        }
    }
}

/// `context` of a message: what it quotes or how it was forwarded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MessageContext {
    /// `context.id`: the quoted message (ours or the customer's own).
    pub id: Option<String>,
    /// `context.from`: who sent the quoted message (our display number, or the customer).
    pub from: Option<String>,
    #[serde(default)]
    pub forwarded: bool,
    /// Forwarded more than five times.
    #[serde(default)]
    pub frequently_forwarded: bool,
    /// The product the customer asked about from a catalog or product message.
    pub referred_product: Option<ReferredProduct>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferredProduct {
    pub catalog_id: Option<String>,
    pub product_retailer_id: Option<String>,
}

/// `referral`: the ad or post behind a click-to-WhatsApp message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Referral {
    pub source_url: Option<String>,
    pub source_id: Option<String>,
    /// `ad` or `post`.
    pub source_type: Option<String>,
    pub headline: Option<String>,
    pub body: Option<String>,
    /// `image` or `video`.
    pub media_type: Option<String>,
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    pub thumbnail_url: Option<String>,
    /// Click ID of the ad click.
    pub ctwa_clid: Option<String>,
    /// `welcome_message.text`, the ad's prefilled greeting.
    pub welcome_message: Option<String>,
}

pub(super) fn parse_message(
    m: &Value,
    window: TimestampWindow,
    contacts: &[Contact],
) -> Result<InboundMessage, String> {
    if !m.is_object() {
        return Err("not an object".to_owned());
    }
    let wamid = required_id(m, "id")?;
    let content = content_of(m);
    let named = identify(m, "from", "from_user_id", "from_parent_user_id").or_else(|reason| {
        // A system message about a changed BSUID may name the customer only by the old one.
        match &content {
            MessageContent::System(system) => system.sender().ok_or(reason),
            _ => Err(reason),
        }
    });
    Ok(InboundMessage {
        wamid,
        customer: with_contacts(named, contacts)?,
        timestamp: unix_seconds(m, window)?,
        content,
        context: parse_context(m),
        referral: parse_referral(m),
        errors: message_errors(m),
        raw: m.clone(),
    })
}

pub(super) fn parse_context(m: &Value) -> Option<MessageContext> {
    let c = m.get("context").filter(|c| c.is_object())?;
    let referred_product = c
        .get("referred_product")
        .filter(|p| p.is_object())
        .map(|p| ReferredProduct {
            catalog_id: nonempty(p, "catalog_id"),
            product_retailer_id: nonempty(p, "product_retailer_id"),
        });
    Some(MessageContext {
        id: nonempty(c, "id"),
        from: nonempty(c, "from"),
        forwarded: opt_bool(c, "forwarded").unwrap_or(false),
        frequently_forwarded: opt_bool(c, "frequently_forwarded").unwrap_or(false),
        referred_product,
    })
}

fn parse_referral(m: &Value) -> Option<Referral> {
    let r = m.get("referral").filter(|r| r.is_object())?;
    Some(Referral {
        source_url: nonempty(r, "source_url"),
        source_id: nonempty(r, "source_id"),
        source_type: nonempty(r, "source_type"),
        headline: nonempty(r, "headline"),
        body: nonempty(r, "body"),
        media_type: nonempty(r, "media_type"),
        image_url: nonempty(r, "image_url"),
        video_url: nonempty(r, "video_url"),
        thumbnail_url: nonempty(r, "thumbnail_url"),
        ctwa_clid: nonempty(r, "ctwa_clid"),
        welcome_message: r.get("welcome_message").and_then(|w| nonempty(w, "text")),
    })
}

pub(super) fn message_errors(m: &Value) -> Vec<MetaError> {
    m.get("errors")
        .and_then(Value::as_array)
        .map(|errors| errors.iter().map(MetaError::parse).collect())
        .unwrap_or_default()
}
