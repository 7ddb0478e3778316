//! Who a WhatsApp customer is: a phone number, a business-scoped user ID (BSUID), or both.
//!
//! # Why
//!
//! WhatsApp usernames arrive in 2026. A user who adopts one may write to a business with no phone
//! number anywhere in the webhook, so the phone number can no longer be the only key of a
//! customer. Meta added a business-scoped user ID to every messages webhook from early April 2026;
//! from the end of June 2026 a username user's phone number is left out unless the business and
//! the user exchanged a message in the last 30 days or the number is in Meta's contact book.
//!
//! # Which field carries what
//!
//! | where | field | what |
//! |---|---|---|
//! | `contacts[]` (messages, statuses, echoes) | `wa_id` | the user's phone number; **omitted** when it is unavailable |
//! | `contacts[]` | `user_id` | the BSUID, e.g. `US.13491208655302741918`; always there since April 2026 |
//! | `contacts[]` | `parent_user_id` | the parent BSUID (`US.ENT.11815799212886844830`), only if Meta enabled parent BSUIDs for linked portfolios |
//! | `contacts[].profile` | `username` | the user's username, only if they adopted one (not in `sent` statuses); **display only**: users can change it |
//! | `messages[]` | `from` | the sender's phone number; omitted like `wa_id` |
//! | `messages[]` | `from_user_id`, `from_parent_user_id` | the sender's BSUID and parent BSUID |
//! | `statuses[]` | `recipient_id` | the phone number, when we sent to the phone number |
//! | `statuses[]` | `recipient_user_id`, `recipient_parent_user_id` | the BSUID (parent BSUID) of the recipient |
//! | `message_echoes[]` (`smb_message_echoes`) | `to`, `to_user_id`, `to_parent_user_id` | the customer a business-app message went to |
//! | `messages[].system` (`type: system`) | `wa_id`, `user_id`, `parent_user_id`, `previous_user_id`, `previous_parent_user_id` | a number change (`user_changed_number`; older `customer_changed_number` with `customer`, `new_wa_id`) or a BSUID change (`user_changed_user_id`) |
//! | send request (`POST /<PHONE_NUMBER_ID>/messages`) | `to` or `recipient` | a phone number in `to`, or a BSUID / parent BSUID in `recipient`; with both, `to` wins |
//!
//! A BSUID is a two-letter ISO 3166 country code, a dot and up to 128 alphanumeric characters; a
//! parent BSUID has `ENT.` after the country. A phone number change gives the user a new BSUID;
//! a username change does not. The status field for the parent BSUID is spelled
//! `recipient_parent_user_id` in one source and `parent_recipient_user_id` in another: the parser
//! reads both.
//!
//! # The rules here
//!
//! - **Filing key** ([`CustomerId::key`]): the phone number when there is one, else the BSUID.
//!   Every conversation filed before usernames is keyed by the phone number, so the phone number
//!   stays the key whenever it is known (no migration rewrites old rows). Keys are stored as plain
//!   text: a BSUID always holds a dot, a phone number never does, and
//!   [`CustomerKey::from_stored`] tells them apart.
//! - **Linking** ([`CustomerId::link`], [`CustomerId::filing`]): when one item carries both, the
//!   phone number and the BSUID are the same customer. The link is remembered (per connected
//!   number), history filed under the BSUID moves under the phone number, and a later message
//!   that shows only the BSUID is filed under the linked phone number: one history either way.
//! - **Replying** ([`CustomerId::recipient`]): to the phone number when we know it (as before, and
//!   what the statuses of phone sends report), else to the BSUID in `recipient`.
//!
//! # Sources (read 2026-11/12; "updated" is each page's own date; Meta's BSUID page also seen
//! as updated May 28, 2026 and Nov 5, 2026)
//!
//! - Meta, *Business-scoped user IDs*,
//!   <https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids>
//!   (updated Mar 31, 2026; read through the copy at support.chatarchitect.com).
//! - Meta, *Changelog*, entry of Aug 11, 2026 (`user_changed_user_id`, `previous_user_id`; `user_id_update`
//!   is not a webhook field), <https://developers.facebook.com/documentation/business-messaging/whatsapp/changelog/>.
//! - Meta, *System messages webhook reference* (updated Aug 11, 2026) and *Order messages webhook
//!   reference* (its syntax shows `profile.username`, the optional `wa_id`, `user_id`,
//!   `parent_user_id`), under
//!   <https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/>.
//! - whatsapp-api-js (Secreto31126/whatsapp-api-js, `src/types.ts` at 1ef1b00, 2026-07-19; docs
//!   v6.3.0): `from_user_id`, `from_parent_user_id`, `recipient_user_id`, `parent_recipient_user_id`,
//!   `contacts[].user_id`, `contacts[].profile.username`, `system.user_id`.
//! - pywa (david-lev/pywa at 0bcf2f1, 2026-08-12, release 4.4.0): `contacts[].user_id` /
//!   `parent_user_id` / `profile.username`, echoes' `to_user_id` / `to_parent_user_id`, sending a
//!   BSUID in `recipient` instead of `to`, BSUID pattern `^[A-Z]{2}\.\d+$`.
//! - devlooped/WhatsApp (PR #407, 2026-05-01: a BSUID is `CC.` + 1–128 alphanumerics, the phone
//!   number nullable) and vercel/chat (PR #818, 2026-08-12: identity aliases keep phone-based
//!   thread ids when a BSUID appears — the choice made here, see [`Filing`]); Chatwoot issue
//!   #13837 (phone-first continuity when Meta sends both).
//! - Dualhook, *BSUID Webhook Changes* (`recipient_user_id`, `recipient_parent_user_id`,
//!   `contacts[].profile.username`), <https://dualhook.com/docs/contacts-bsuid-webhooks>; YCloud,
//!   *BSUID changelogs* (`recipient`, and `to` winning over it),
//!   <https://docs.ycloud.com/reference/webhook-updates-bsuid>.

use serde::{Deserialize, Serialize};

/// Longest identifier kept (Meta's are far shorter; a BSUID is at most 2 + 1 + 4 + 128).
pub const MAX_IDENTIFIER_LENGTH: usize = 256;

/// Why an identifier from Meta is not one we can file a customer under.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("neither a phone number nor a business-scoped user id")]
    Nobody,
    #[error("{0:?} is not a phone number (1–256 characters, no dot, no space)")]
    NotAPhoneNumber(String),
    #[error("{0:?} is not a business-scoped user id (CC.<up to 128 letters or digits>)")]
    NotABsuid(String),
    #[error("the phone numbers {0} and {1} do not belong to one customer")]
    PhoneConflict(String, String),
    #[error("the business-scoped user ids {0} and {1} do not belong to one customer")]
    BsuidConflict(String, String),
}

/// A customer as Meta names them: a phone number (`wa_id`, `from`), a business-scoped user ID
/// (`user_id`, `from_user_id`), or both. Never neither.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CustomerIdParts", into = "CustomerIdParts")]
pub struct CustomerId {
    phone: Option<String>,
    bsuid: Option<String>,
    parent_bsuid: Option<String>,
}

/// The stored form of a [`CustomerId`], checked again when read back.
#[derive(Serialize, Deserialize)]
struct CustomerIdParts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bsuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_bsuid: Option<String>,
}

impl TryFrom<CustomerIdParts> for CustomerId {
    type Error = IdentityError;

    fn try_from(parts: CustomerIdParts) -> Result<Self, IdentityError> {
        CustomerId::new(parts.phone.as_deref(), parts.bsuid.as_deref())?
            .with_parent(parts.parent_bsuid.as_deref())
    }
}

impl From<CustomerId> for CustomerIdParts {
    fn from(id: CustomerId) -> Self {
        Self {
            phone: id.phone,
            bsuid: id.bsuid,
            parent_bsuid: id.parent_bsuid,
        }
    }
}

/// The key a customer's conversations are filed under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum CustomerKey {
    Bsuid(String),
    Phone(String),
}

impl CustomerKey {
    /// The key as stored: the BSUID or the phone number itself.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Bsuid(id) | Self::Phone(id) => id,
        }
    }

    /// Reads a stored key back: a BSUID holds a dot, a phone number never does.
    pub fn from_stored(stored: &str) -> Self {
        if stored.contains('.') {
            Self::Bsuid(stored.to_owned())
        } else {
            Self::Phone(stored.to_owned())
        }
    }
}

/// A phone number and a BSUID seen together: one customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityLink {
    pub phone: String,
    pub bsuid: String,
}

/// Where a message to the customer goes: the send request's `to` or `recipient` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// `"to": "<phone number>"`.
    Phone(String),
    /// `"recipient": "<BSUID or parent BSUID>"`.
    Bsuid(String),
}

impl Recipient {
    /// The request field and its value.
    pub fn field(&self) -> (&'static str, &str) {
        match self {
            Self::Phone(phone) => ("to", phone),
            Self::Bsuid(id) => ("recipient", id),
        }
    }
}

impl CustomerId {
    /// A customer from what an item carries; a leading `+` on the phone number is dropped.
    pub fn new(phone: Option<&str>, bsuid: Option<&str>) -> Result<Self, IdentityError> {
        let phone = phone.map(normal_phone).transpose()?;
        let bsuid = bsuid.map(|id| valid_bsuid(id, false)).transpose()?;
        if phone.is_none() && bsuid.is_none() {
            return Err(IdentityError::Nobody);
        }
        Ok(Self {
            phone,
            bsuid,
            parent_bsuid: None,
        })
    }

    pub fn from_phone(phone: &str) -> Result<Self, IdentityError> {
        Self::new(Some(phone), None)
    }

    pub fn from_bsuid(bsuid: &str) -> Result<Self, IdentityError> {
        Self::new(None, Some(bsuid))
    }

    /// The same customer with their parent BSUID (`ENT`), when Meta sends one.
    pub fn with_parent(mut self, parent: Option<&str>) -> Result<Self, IdentityError> {
        self.parent_bsuid = parent.map(|id| valid_bsuid(id, true)).transpose()?;
        Ok(self)
    }

    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    pub fn bsuid(&self) -> Option<&str> {
        self.bsuid.as_deref()
    }

    pub fn parent_bsuid(&self) -> Option<&str> {
        self.parent_bsuid.as_deref()
    }

    /// The key the customer's conversations are filed under: the phone number when there is
    /// one, else the BSUID.
    pub fn key(&self) -> CustomerKey {
        match (&self.phone, &self.bsuid) {
            (Some(phone), _) => CustomerKey::Phone(phone.clone()),
            (None, Some(id)) => CustomerKey::Bsuid(id.clone()),
            (None, None) => unreachable!("a CustomerId names somebody"),
        }
    }

    /// Every key history of this customer may be filed under, the filing key first (a customer
    /// first seen by BSUID and now with their phone number keeps one history).
    pub fn keys(&self) -> Vec<CustomerKey> {
        let mut keys = vec![self.key()];
        if let (Some(_), Some(id)) = (&self.phone, &self.bsuid) {
            keys.push(CustomerKey::Bsuid(id.clone()));
        }
        keys
    }

    /// The phone number and the BSUID, when both are known: they are one customer.
    pub fn link(&self) -> Option<IdentityLink> {
        Some(IdentityLink {
            phone: self.phone.clone()?,
            bsuid: self.bsuid.clone()?,
        })
    }

    /// Whether the two name the same customer: they share a phone number or a BSUID.
    pub fn same_customer(&self, other: &CustomerId) -> bool {
        let shared = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        shared(&self.phone, &other.phone) || shared(&self.bsuid, &other.bsuid)
    }

    /// What both know of the customer together. Refused when they disagree on the phone
    /// number or on the BSUID: two customers are never merged into one.
    pub fn merge(&self, other: &CustomerId) -> Result<CustomerId, IdentityError> {
        fn pick(
            a: &Option<String>,
            b: &Option<String>,
            conflict: fn(String, String) -> IdentityError,
        ) -> Result<Option<String>, IdentityError> {
            match (a, b) {
                (Some(a), Some(b)) if a != b => Err(conflict(a.clone(), b.clone())),
                (Some(a), _) => Ok(Some(a.clone())),
                (None, b) => Ok(b.clone()),
            }
        }
        Ok(CustomerId {
            phone: pick(&self.phone, &other.phone, IdentityError::PhoneConflict)?,
            bsuid: pick(&self.bsuid, &other.bsuid, IdentityError::BsuidConflict)?,
            parent_bsuid: self
                .parent_bsuid
                .clone()
                .or_else(|| other.parent_bsuid.clone()),
        })
    }

    /// Where a reply goes: the phone number when we know it, else the BSUID.
    pub fn recipient(&self) -> Recipient {
        match (&self.phone, &self.bsuid) {
            (Some(phone), _) => Recipient::Phone(phone.clone()),
            (None, Some(id)) => Recipient::Bsuid(id.clone()),
            (None, None) => unreachable!("a CustomerId names somebody"),
        }
    }
}

/// A customer whose identifiers changed (a `system` message): the record moves from `from` to
/// `to`. A phone number change also brings a new BSUID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityMove {
    pub from: CustomerId,
    pub to: CustomerId,
}

fn normal_phone(raw: &str) -> Result<String, IdentityError> {
    let phone = raw.strip_prefix('+').unwrap_or(raw);
    let fine = !phone.is_empty()
        && phone.len() <= MAX_IDENTIFIER_LENGTH
        && !phone
            .chars()
            .any(|c| c == '.' || c.is_whitespace() || c.is_control());
    if fine {
        Ok(phone.to_owned())
    } else {
        Err(IdentityError::NotAPhoneNumber(clip(raw)))
    }
}

/// `CC.<id>` (or `CC.ENT.<id>` for a parent), `<id>` 1–128 ASCII letters or digits.
fn valid_bsuid(raw: &str, parent: bool) -> Result<String, IdentityError> {
    let refuse = || IdentityError::NotABsuid(clip(raw));
    let (country, rest) = raw.split_once('.').ok_or_else(refuse)?;
    let rest = match rest.strip_prefix("ENT.") {
        Some(after) if parent => after,
        _ => rest,
    };
    let fine = country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=128).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_alphanumeric());
    if fine {
        Ok(raw.to_owned())
    } else {
        Err(refuse())
    }
}

fn clip(raw: &str) -> String {
    raw.chars().take(64).collect()
}

mod display;
mod filing;
pub use display::customer_handle;
pub use filing::Filing;

#[cfg(test)]
mod tests;
