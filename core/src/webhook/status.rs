//! `statuses[]` and the errors Meta reports.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{nonempty, opt_string, required_id, unix_seconds};
use super::TimestampWindow;
use crate::customer_identity::CustomerId;
use crate::delivery_status::DeliveryStatus;
use crate::whatsapp_errors::{explain, ErrorExplanation};

/// A `statuses[]` item: what happened to a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    pub wamid: String,
    pub status: DeliveryStatus,
    pub timestamp: i64,
    /// The phone number, when the message went to it (or a group id).
    pub recipient_id: Option<String>,
    /// The recipient's BSUID (`recipient_user_id`).
    pub recipient_user_id: Option<String>,
    /// The recipient's parent BSUID (`recipient_parent_user_id`, also read as
    /// `parent_recipient_user_id`).
    pub recipient_parent_user_id: Option<String>,
    /// The first of `errors[]`, as stored with the message.
    pub error: Option<StatusError>,
    /// Every error of the status as Meta sent it (code, title, message, details).
    pub errors: Vec<MetaError>,
    /// `biz_opaque_callback_data` as we sent it with the message: our message id, which settles
    /// a send whose answer (and so its wamid) never reached us.
    pub callback_data: Option<String>,
}

/// An error Meta reported for a delivery as a whole (`entry[].changes[].value.errors[]`, e.g.
/// code 131051 "Unsupported message type", or a system-level problem with the number). Every
/// field is optional: the item is kept as Meta sent it (`raw`) whatever it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetaError {
    pub code: Option<i64>,
    pub title: Option<String>,
    pub message: Option<String>,
    /// `error_data.details`.
    pub details: Option<String>,
    pub raw: Value,
}

impl MetaError {
    pub(super) fn parse(item: &Value) -> Self {
        let text = |pointer: &str| {
            item.pointer(pointer)
                .and_then(Value::as_str)
                .map(|s| s.chars().take(1_000).collect::<String>())
        };
        Self {
            code: item.get("code").and_then(Value::as_i64),
            title: text("/title"),
            message: text("/message"),
            details: text("/error_data/details"),
            raw: item.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusError {
    pub code: i64,
    pub title: String,
}

impl StatusError {
    /// Meta's title (or the code's known title when it sent none) and a hint for an agent.
    pub fn explain(&self) -> ErrorExplanation {
        explain(self.code, Some(&self.title))
    }
}

impl StatusUpdate {
    /// The recipient as the status names them (a status for a message sent to a phone number
    /// may carry only `recipient_id`; one sent to a BSUID, only `recipient_user_id`).
    pub fn recipient(&self) -> Option<CustomerId> {
        let by_phone = self
            .recipient_id
            .as_deref()
            .and_then(|p| CustomerId::from_phone(p).ok());
        let by_bsuid = self
            .recipient_user_id
            .as_deref()
            .and_then(|b| CustomerId::from_bsuid(b).ok());
        let who = match (by_phone, by_bsuid) {
            (Some(p), Some(b)) => p.merge(&b).ok()?,
            (one, other) => one.or(other)?,
        };
        Some(
            who.clone()
                .with_parent(self.recipient_parent_user_id.as_deref())
                .unwrap_or(who),
        )
    }
}

pub(super) fn parse_status(s: &Value, window: TimestampWindow) -> Result<StatusUpdate, String> {
    let wamid = required_id(s, "id")?;
    let status_name = opt_string(s, "status").ok_or("status: missing or not a string")?;
    let status = DeliveryStatus::from_meta(&status_name).ok_or_else(|| {
        format!("status: {status_name:?} is not one of sent, delivered, read, failed")
    })?;
    let errors: Vec<MetaError> = s
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| errors.iter().map(MetaError::parse).collect())
        .unwrap_or_default();
    let error = s
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|errors| errors.first())
        .map(|e| StatusError {
            code: e.get("code").and_then(Value::as_i64).unwrap_or(0),
            title: opt_string(e, "title")
                .or_else(|| opt_string(e, "message"))
                .unwrap_or_default(),
        });
    Ok(StatusUpdate {
        wamid,
        status,
        timestamp: unix_seconds(s, window)?,
        recipient_id: opt_string(s, "recipient_id"),
        recipient_user_id: nonempty(s, "recipient_user_id"),
        recipient_parent_user_id: nonempty(s, "recipient_parent_user_id")
            .or_else(|| nonempty(s, "parent_recipient_user_id")),
        error,
        errors,
        callback_data: opt_string(s, "biz_opaque_callback_data"),
    })
}
