//! The admin bearer-token check, in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// True when `Authorization: Bearer <token>` carries `expected`. Both sides are
/// hashed first so the comparison takes the same time whatever their lengths.
pub fn bearer_matches(authorization: Option<&str>, expected: &str) -> bool {
    let Some(presented) = authorization.and_then(|h| h.trim().strip_prefix("Bearer ")) else {
        return false;
    };
    !expected.is_empty() && secrets_equal(presented.trim(), expected)
}

/// Constant-time equality of two secrets of any lengths.
pub fn secrets_equal(presented: &str, expected: &str) -> bool {
    let presented = Sha256::digest(presented.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    bool::from(presented.ct_eq(&expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        assert!(bearer_matches(Some("Bearer s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cre"), "s3cret"));
        assert!(!bearer_matches(Some("s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Basic s3cret"), "s3cret"));
        assert!(!bearer_matches(None, "s3cret"));
        assert!(!bearer_matches(Some("Bearer "), ""));
    }
}
