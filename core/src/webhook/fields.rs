//! Reading single fields of Meta's JSON.
use serde_json::Value;

use super::{ParseError, TimestampWindow};
use crate::customer_identity::{CustomerId, IdentityError};

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

/// A non-empty string field (Meta sends `""` for some fields it has no value for).
pub(super) fn nonempty(v: &Value, key: &str) -> Option<String> {
    opt_string(v, key).filter(|s| !s.is_empty())
}

pub(super) fn opt_bool(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

/// A whole number sent as a number or as a string of digits.
pub(super) fn opt_integer(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Who an item names: a phone number field, a BSUID field and a parent BSUID field (each
/// optional). An identifier in a shape Meta does not document is passed over when another one
/// names the customer; when none does, the reason says what each field held.
pub(super) fn identify(
    v: &Value,
    phone_key: &str,
    bsuid_key: &str,
    parent_key: &str,
) -> Result<CustomerId, String> {
    let phone = nonempty(v, phone_key);
    let bsuid = nonempty(v, bsuid_key);
    let by_phone = phone.as_deref().map(CustomerId::from_phone);
    let by_bsuid = bsuid.as_deref().map(CustomerId::from_bsuid);
    let customer = match (by_phone, by_bsuid) {
        (Some(Ok(a)), Some(Ok(b))) => a.merge(&b).map_err(|e| e.to_string())?,
        (Some(Ok(id)), _) | (_, Some(Ok(id))) => id,
        (phone, bsuid) => {
            let say = |key: &str, found: Option<Result<CustomerId, IdentityError>>| match found {
                Some(Err(e)) => format!("{key}: {e}"),
                _ => format!("{key}: missing"),
            };
            return Err(format!(
                "{}; {} (an item must name a phone number or a business-scoped user id)",
                say(phone_key, phone),
                say(bsuid_key, bsuid)
            ));
        }
    };
    let parent = nonempty(v, parent_key);
    Ok(customer
        .clone()
        .with_parent(parent.as_deref())
        .unwrap_or(customer))
}
