//! The admin bearer-token check, in constant time, and the name under which the admin token's
//! holder keeps browser subscriptions (tied to the token's current value).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Who a Web Push subscription made with the admin token belongs to: `admin-token:` and a
/// fingerprint of the token (an HMAC keyed by it; the token cannot be read back from it). After
/// the token is rotated the old subscriptions belong to nobody current: they get no pushes, and
/// the cron forgets them.
pub fn admin_subscriber(admin_token: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(admin_token.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"switchboard web push subscriber");
    let tag = mac.finalize().into_bytes();
    format!("{ADMIN_SUBSCRIBER_PREFIX}{}", hex::encode(&tag[..12]))
}

/// The prefix of [`admin_subscriber`]'s names.
pub const ADMIN_SUBSCRIBER_PREFIX: &str = "admin-token:";

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
    fn an_admin_subscriber_is_tied_to_the_token_and_never_shows_it() {
        let one = admin_subscriber("s3cret-token");
        assert_eq!(
            one,
            admin_subscriber("s3cret-token"),
            "stable for one token"
        );
        assert_ne!(
            one,
            admin_subscriber("s3cret-token2"),
            "a rotated token is someone else"
        );
        assert!(one.starts_with(ADMIN_SUBSCRIBER_PREFIX));
        assert_eq!(one.len(), ADMIN_SUBSCRIBER_PREFIX.len() + 24);
        assert!(!one.contains("s3cret"));
    }

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
