//! Reading single fields of Meta's JSON.
use serde_json::Value;

use super::{ParseError, TimestampWindow};

/// Longest id (`wamid`, `wa_id`) we store; Meta's are under 100 characters.
pub const MAX_ID_LENGTH: usize = 256;

pub(super) fn required_id(v: &Value, key: &str) -> Result<String, String> {
    let id = opt_string(v, key).ok_or_else(|| format!("{key}: missing or not a string"))?;
    if id.is_empty() || id.len() > MAX_ID_LENGTH {
        return Err(format!("{key}: must be 1–{MAX_ID_LENGTH} characters"));
    }
    Ok(id)
}

pub(super) fn invalid(path: &str, reason: &'static str) -> ParseError {
    ParseError::Invalid {
        path: path.to_owned(),
        reason,
    }
}

pub(super) fn opt_string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Meta sends `timestamp` as a string of unix seconds; accept a number too. It must fall in `window`.
pub(super) fn unix_seconds(v: &Value, window: TimestampWindow) -> Result<i64, String> {
    let at = match v.get("timestamp") {
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        None => return Err("timestamp: missing".to_owned()),
        _ => None,
    }
    .ok_or("timestamp: not whole unix seconds")?;
    if !window.contains(at) {
        return Err(format!(
            "timestamp: {at} is outside {}–{} (2009-01-01 to one day from now)",
            window.earliest, window.latest
        ));
    }
    Ok(at)
}
