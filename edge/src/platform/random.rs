//! Randomness from the Workers CSPRNG (`crypto.getRandomValues` via getrandom).

use crate::error::EdgeError;

pub fn bytes<const N: usize>() -> Result<[u8; N], EdgeError> {
    let mut out = [0u8; N];
    getrandom::getrandom(&mut out)
        .map_err(|e| EdgeError::Internal(format!("no randomness available: {e}")))?;
    Ok(out)
}

/// A new opaque id for a row we create (conversation, message).
pub fn id(prefix: &str) -> Result<String, EdgeError> {
    Ok(format!("{prefix}_{}", hex::encode(bytes::<12>()?)))
}
