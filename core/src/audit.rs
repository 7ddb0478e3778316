//! The audit log: who changed which setting, number or member, when, and from what to what —
//! never a secret value.
//!
//! An [`AuditEntry`] is made from the thing as it was and as it is (the ConfigWriter has both
//! when it applies a command; the team store has both members). [`diff_values`] lists what
//! changed as dotted field paths (`translations.pt.greeting`, as validation errors name fields)
//! with the old and new values as JSON. A field whose name says it holds a secret (a token, a
//! secret, a password, a private or API key: [`is_secret_field`]) is still listed — "the access
//! token was replaced" is worth knowing — but both its values read [`REDACTED`] (or `null` when
//! there was none), wherever it sits. `turnstile_site_key` is public (it is in every page that
//! shows the Messenger) and is shown; a number's `sealed_access_token` never is.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config_document::{ConfigDocument, NumberRecord};
use crate::settings::ProjectSettings;
use crate::team::Member;

/// What a secret's old and new values read.
pub const REDACTED: &str = "[redacted]";

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A member signed in with Cloudflare Access.
    Member { email: String, display_name: String },
    /// Whoever holds the `ADMIN_TOKEN` (the API, a deployment without Access, the way back in).
    AdminToken,
}

impl From<&Member> for Actor {
    fn from(member: &Member) -> Self {
        Self::Member {
            email: member.email.clone(),
            display_name: member.display_name.clone(),
        }
    }
}

/// What was changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditTarget {
    Settings,
    Number { phone_number_id: String },
    Member { email: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Added,
    Changed,
    Removed,
    /// A number connected, or connected again.
    Connected,
    Disconnected,
}

/// One field's change. Secret fields read [`REDACTED`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Unix seconds.
    pub at: i64,
    pub actor: Actor,
    pub target: AuditTarget,
    pub action: AuditAction,
    pub changes: Vec<FieldChange>,
}

impl AuditEntry {
    /// The settings' change, or `None` when nothing changed.
    pub fn settings(
        at: i64,
        actor: Actor,
        old: &ProjectSettings,
        new: &ProjectSettings,
    ) -> Option<Self> {
        let changes = diff_values(&to_json(old), &to_json(new));
        (!changes.is_empty()).then_some(Self {
            at,
            actor,
            target: AuditTarget::Settings,
            action: AuditAction::Changed,
            changes,
        })
    }

    /// A number connected (`old` is `None`, or disconnected), changed or disconnected; `None`
    /// when nothing but its version changed. The version is bookkeeping and left out.
    pub fn number(
        at: i64,
        actor: Actor,
        old: Option<&NumberRecord>,
        new: Option<&NumberRecord>,
    ) -> Option<Self> {
        let phone_number_id = new.or(old)?.phone_number_id.clone();
        let json = |record: Option<&NumberRecord>| {
            let mut value = record.map_or(Value::Null, to_json);
            if let Value::Object(fields) = &mut value {
                fields.remove("version");
            }
            value
        };
        let changes = diff_values(&json(old), &json(new));
        let connected = |r: Option<&NumberRecord>| r.is_some_and(|r| r.connected);
        let action = match (connected(old), connected(new)) {
            _ if new.is_none() => AuditAction::Removed,
            (false, true) => AuditAction::Connected,
            (true, false) => AuditAction::Disconnected,
            _ => AuditAction::Changed,
        };
        (!changes.is_empty()).then_some(Self {
            at,
            actor,
            target: AuditTarget::Number { phone_number_id },
            action,
            changes,
        })
    }

    /// A member added (`old` is `None`), renamed or given another role, or removed.
    pub fn member(
        at: i64,
        actor: Actor,
        old: Option<&Member>,
        new: Option<&Member>,
    ) -> Option<Self> {
        let email = new.or(old)?.email.clone();
        let json = |member: Option<&Member>| member.map_or(Value::Null, to_json);
        let changes = diff_values(&json(old), &json(new));
        let action = match (old, new) {
            (None, _) => AuditAction::Added,
            (_, None) => AuditAction::Removed,
            _ => AuditAction::Changed,
        };
        (!changes.is_empty()).then_some(Self {
            at,
            actor,
            target: AuditTarget::Member { email },
            action,
            changes,
        })
    }
}

/// Every audit line a configuration change makes: the settings' change, and each number
/// connected, changed or disconnected (matched by id), in that order.
pub fn config_changes(
    at: i64,
    actor: &Actor,
    old: &ConfigDocument,
    new: &ConfigDocument,
) -> Vec<AuditEntry> {
    let mut entries: Vec<AuditEntry> =
        AuditEntry::settings(at, actor.clone(), &old.settings, &new.settings)
            .into_iter()
            .collect();
    let find = |document: &'_ ConfigDocument, id: &str| {
        document
            .numbers
            .iter()
            .find(|n| n.phone_number_id == id)
            .cloned()
    };
    let mut ids: Vec<&str> = old
        .numbers
        .iter()
        .chain(&new.numbers)
        .map(|n| n.phone_number_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let (before, after) = (find(old, id), find(new, id));
        entries.extend(AuditEntry::number(
            at,
            actor.clone(),
            before.as_ref(),
            after.as_ref(),
        ));
    }
    entries
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// True for a field whose value must never be shown: its name mentions a token, a secret, a
/// password or a private key, or ends in `key` (an API key) — except a `site_key`, which is
/// public by design.
pub fn is_secret_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "secret", "password", "passphrase", "private"]
        .iter()
        .any(|word| name.contains(word))
        || (name.ends_with("key") && !name.ends_with("site_key"))
}

/// What changed from `old` to `new`: one entry per changed leaf, objects followed field by
/// field (a missing field reads `null`), arrays and other values compared whole. Sorted by
/// field path.
pub fn diff_values(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    walk("", old, new, false, &mut changes);
    changes
}

fn walk(path: &str, old: &Value, new: &Value, secret: bool, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    let is_object_or_null = |v: &Value| v.is_object() || v.is_null();
    if !secret && is_object_or_null(old) && is_object_or_null(new) {
        let empty = Map::new();
        let (old, new) = (
            old.as_object().unwrap_or(&empty),
            new.as_object().unwrap_or(&empty),
        );
        let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let field = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            let (o, n) = (
                old.get(name).unwrap_or(&Value::Null),
                new.get(name).unwrap_or(&Value::Null),
            );
            walk(&field, o, n, is_secret_field(name), out);
        }
        return;
    }
    out.push(FieldChange {
        field: path.to_owned(),
        old: shown(old, secret),
        new: shown(new, secret),
    });
}

/// A value as the log may show it: a secret as [`REDACTED`] (`null` stays `null`), anything
/// else with the secrets inside it redacted.
fn shown(value: &Value, secret: bool) -> Value {
    match value {
        Value::Null => Value::Null,
        _ if secret => Value::from(REDACTED),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, v)| (name.clone(), shown(v, is_secret_field(name))))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| shown(v, false)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
