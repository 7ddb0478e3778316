//! `system` messages: the customer changed their phone number, their business-scoped user ID,
//! or (with the identity change check on) their identity key.
//!
//! Meta's names changed over the years; every one is read:
//! - number change: `user_changed_number` (2026 reference) or `customer_changed_number` (older),
//!   the new number in `wa_id` (`new_wa_id` before Graph v12), the old one in `from` (or
//!   `customer`), the new BSUID in `user_id` / `parent_user_id`, the previous one in
//!   `previous_user_id` / `previous_parent_user_id` (changelog of Aug 11, 2026);
//! - BSUID change: `user_changed_user_id` (Aug 11, 2026), no phone number;
//! - identity change: `customer_identity_changed`, with the message's `identity` object
//!   (`acknowledged`, `created_timestamp`, `hash`). `user_identity_changed` is read the same way,
//!   though no Meta document we found uses that name.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{nonempty, opt_bool, opt_integer};
use crate::customer_identity::{CustomerId, IdentityMove};

/// A `system` message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemMessage {
    /// Meta's sentence, e.g. "User A changed from 1650… to 1651…".
    pub body: Option<String>,
    pub change: SystemChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SystemChange {
    NumberChanged {
        new_phone: Option<String>,
        new_user_id: Option<String>,
        new_parent_user_id: Option<String>,
        /// `customer` in the older shape; otherwise the message's `from`.
        previous_phone: Option<String>,
        previous_user_id: Option<String>,
        previous_parent_user_id: Option<String>,
    },
    UserIdChanged {
        new_user_id: Option<String>,
        new_parent_user_id: Option<String>,
        previous_user_id: Option<String>,
        previous_parent_user_id: Option<String>,
    },
    /// Shown to agents as a warning: the person behind the number may have changed.
    IdentityChanged {
        hash: Option<String>,
        acknowledged: Option<bool>,
        created_timestamp: Option<i64>,
    },
    /// A system message of a type we do not know.
    Other { system_type: String },
}

impl SystemMessage {
    /// The customer the message is about, from the system object alone (for a BSUID change
    /// that names nobody else): the previous phone number and BSUID.
    pub(super) fn sender(&self) -> Option<CustomerId> {
        let (phone, bsuid) = match &self.change {
            SystemChange::NumberChanged {
                previous_phone,
                previous_user_id,
                ..
            } => (previous_phone, previous_user_id),
            SystemChange::UserIdChanged {
                previous_user_id, ..
            } => (&None, previous_user_id),
            _ => return None,
        };
        lenient(phone.as_deref(), bsuid.as_deref())
    }

    /// Where a customer (`sender`, as the message names them) moves: to the new phone number
    /// and BSUID for a number change, to the new BSUID for a BSUID change. `None` for other
    /// changes, or when the new identifiers are missing or malformed.
    pub fn identity_move(&self, sender: &CustomerId) -> Option<IdentityMove> {
        // The system object's previous identifiers win over what the message names.
        let from = match self.sender() {
            Some(previous) => previous.merge(sender).unwrap_or(previous),
            None => sender.clone(),
        };
        let to = match &self.change {
            SystemChange::NumberChanged {
                new_phone,
                new_user_id,
                new_parent_user_id,
                ..
            } => lenient(new_phone.as_deref(), new_user_id.as_deref())?
                .with_parent(new_parent_user_id.as_deref())
                .ok()?,
            SystemChange::UserIdChanged {
                new_user_id,
                new_parent_user_id,
                ..
            } => CustomerId::from_bsuid(new_user_id.as_deref()?)
                .ok()?
                .with_parent(new_parent_user_id.as_deref())
                .ok()?,
            _ => return None,
        };
        (from != to).then_some(IdentityMove { from, to })
    }
}

/// A customer from whichever of the two identifiers is well formed.
fn lenient(phone: Option<&str>, bsuid: Option<&str>) -> Option<CustomerId> {
    let phone = phone.and_then(|p| CustomerId::from_phone(p).ok());
    let bsuid = bsuid.and_then(|b| CustomerId::from_bsuid(b).ok());
    match (phone, bsuid) {
        (Some(p), Some(b)) => p.merge(&b).ok(),
        (one, other) => one.or(other),
    }
}

/// `system` (the message's `system` object) and `message` (for `from` and `identity`).
pub(super) fn parse_system(system: &Value, message: &Value) -> SystemMessage {
    let text = |key: &str| nonempty(system, key);
    let phone = |key: &str| match system.get(key) {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => text(key),
    };
    let kind = text("type").unwrap_or_default();
    let change = match kind.as_str() {
        "user_changed_number" | "customer_changed_number" => SystemChange::NumberChanged {
            new_phone: phone("wa_id").or_else(|| phone("new_wa_id")),
            new_user_id: text("user_id"),
            new_parent_user_id: text("parent_user_id"),
            previous_phone: text("customer").or_else(|| nonempty(message, "from")),
            previous_user_id: text("previous_user_id"),
            previous_parent_user_id: text("previous_parent_user_id"),
        },
        "user_changed_user_id" => SystemChange::UserIdChanged {
            new_user_id: text("user_id"),
            new_parent_user_id: text("parent_user_id"),
            previous_user_id: text("previous_user_id"),
            previous_parent_user_id: text("previous_parent_user_id"),
        },
        "customer_identity_changed" | "user_identity_changed" => {
            let identity = message.get("identity").unwrap_or(&Value::Null);
            SystemChange::IdentityChanged {
                hash: nonempty(identity, "hash").or_else(|| text("identity")),
                acknowledged: opt_bool(identity, "acknowledged"),
                created_timestamp: opt_integer(identity, "created_timestamp"),
            }
        }
        _ => SystemChange::Other { system_type: kind },
    };
    SystemMessage {
        body: text("body"),
        change,
    }
}
