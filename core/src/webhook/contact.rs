//! `contacts[]`: the customer a change is about, with the names they chose.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{identify, nonempty};
use crate::customer_identity::CustomerId;

/// A `contacts[]` item: the sender of the change's messages, or the recipient of its statuses and
/// echoes. Since April 2026 `user_id` is always there and `wa_id` only when the phone number may
/// be shared (see [`crate::customer_identity`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// `wa_id`, `user_id` and `parent_user_id`.
    pub customer: CustomerId,
    /// `profile.name`: the name the user chose.
    pub profile_name: Option<String>,
    /// `profile.username`, only for users who adopted a username. For display: it can change.
    pub username: Option<String>,
    /// `identity_key_hash`, only when the identity change check is on.
    pub identity_key_hash: Option<String>,
}

impl Contact {
    /// Whether this contact is `customer` (they share a phone number or a BSUID).
    pub fn describes(&self, customer: &CustomerId) -> bool {
        self.customer.same_customer(customer)
    }
}

/// Whether a raw `contacts[]` item describes `customer` (one we cannot read describes nobody).
pub fn raw_contact_describes(raw: &Value, customer: &CustomerId) -> bool {
    parse_contact(raw).is_ok_and(|c| c.describes(customer))
}

pub(super) fn parse_contact(c: &Value) -> Result<Contact, String> {
    if !c.is_object() {
        return Err("not an object".to_owned());
    }
    let profile = c.get("profile").unwrap_or(&Value::Null);
    Ok(Contact {
        customer: identify(c, "wa_id", "user_id", "parent_user_id")?,
        profile_name: nonempty(profile, "name"),
        username: nonempty(profile, "username"),
        identity_key_hash: nonempty(c, "identity_key_hash"),
    })
}

/// Who an item is about as the change's contacts know them: `who` merged with the contact that
/// describes them; or, when the item named nobody, the one contact of the change (Meta's
/// `contacts[]` describes the sender of the change's messages). Otherwise `who`'s reason.
pub(super) fn with_contacts(
    who: Result<CustomerId, String>,
    contacts: &[Contact],
) -> Result<CustomerId, String> {
    match (who, contacts) {
        (Ok(who), _) => Ok(contacts
            .iter()
            .find(|c| c.describes(&who))
            .and_then(|c| who.merge(&c.customer).ok())
            .unwrap_or(who)),
        (Err(_), [only]) => Ok(only.customer.clone()),
        (Err(reason), _) => Err(reason),
    }
}
