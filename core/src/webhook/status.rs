//! `statuses[]` and the errors Meta reports.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{opt_string, required_id, unix_seconds};
use super::TimestampWindow;
use crate::delivery_status::DeliveryStatus;

/// A `statuses[]` item: what happened to a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    pub wamid: String,
    pub status: DeliveryStatus,
    pub timestamp: i64,
    pub recipient_id: Option<String>,
    pub error: Option<StatusError>,
    /// `biz_opaque_callback_data` as we sent it with the message: our message id, which settles
    /// a send whose answer (and so its wamid) never reached us.
    pub callback_data: Option<String>,
}

/// An error Meta reported for a delivery as a whole (`entry[].changes[].value.errors[]`, e.g.
/// code 131051 "Unsupported message type", or a system-level problem with the number). Every
/// field is optional: the item is kept as Meta sent it (`raw`) whatever it holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

pub(super) fn parse_status(s: &Value, window: TimestampWindow) -> Result<StatusUpdate, String> {
    let wamid = required_id(s, "id")?;
    let status_name = opt_string(s, "status").ok_or("status: missing or not a string")?;
    let status = DeliveryStatus::from_meta(&status_name).ok_or_else(|| {
        format!("status: {status_name:?} is not one of sent, delivered, read, failed")
    })?;
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
        error,
        callback_data: opt_string(s, "biz_opaque_callback_data"),
    })
}
