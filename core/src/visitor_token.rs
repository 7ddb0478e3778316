//! Visitor tokens: how the widget proves which visitor it speaks for.
//!
//! `v2.<visitor_id>.<expires_at>.<key id>.<hex HMAC-SHA256(VisitorToken subkey, id ‖ expiry)>`.
//! The edge issues one on the first visit and again, with a fresh expiry, on every session
//! (so a visitor who comes back within [`LIFETIME_SECONDS`] keeps their conversation); the
//! widget keeps it in localStorage and sends it as a bearer token. Without the key no one can
//! mint a token for another visitor. Tokens of the previous key (during a rotation) and the
//! older `v1.<id>.<tag>` form (raw key, no expiry) still verify, and are replaced at the next
//! session.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::keys::{KeyRing, MasterKey, Purpose};

type HmacSha256 = Hmac<Sha256>;

/// How long a token stays valid after it was issued: 180 days.
pub const LIFETIME_SECONDS: i64 = 180 * 86_400;

fn mac_v2(key: &MasterKey, visitor_id: &str, expires_at: i64) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(&key.subkey(Purpose::VisitorToken))
        .expect("HMAC accepts any key length");
    mac.update(b"switchboard-visitor-v2:");
    mac.update(visitor_id.as_bytes());
    mac.update(b":");
    mac.update(expires_at.to_string().as_bytes());
    mac
}

fn mac_v1(secret: &[u8], visitor_id: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(b"switchboard-visitor-v1:");
    mac.update(visitor_id.as_bytes());
    mac
}

/// A new visitor id from 16 random bytes.
pub fn new_visitor_id(random: [u8; 16]) -> String {
    hex::encode(random)
}

fn valid_id(visitor_id: &str) -> bool {
    visitor_id.len() == 32 && visitor_id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A token for `visitor_id`, valid until `now + LIFETIME_SECONDS`, under the current key.
pub fn issue(keys: &KeyRing, visitor_id: &str, now: i64) -> String {
    let expires_at = now + LIFETIME_SECONDS;
    let tag = hex::encode(
        mac_v2(&keys.current, visitor_id, expires_at)
            .finalize()
            .into_bytes(),
    );
    format!("v2.{visitor_id}.{expires_at}.{}.{tag}", keys.current.id())
}

/// The visitor id the token speaks for, if the token is genuine and unexpired at `now`.
pub fn verify(keys: &KeyRing, token: &str, now: i64) -> Option<String> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    match parts.as_slice() {
        ["v2", visitor_id, expires_at, key_id, tag] => {
            let expires_at: i64 = expires_at.parse().ok()?;
            let key = keys.by_id(key_id)?;
            let tag = hex::decode(tag).ok()?;
            (valid_id(visitor_id)
                && now <= expires_at
                && mac_v2(key, visitor_id, expires_at)
                    .verify_slice(&tag)
                    .is_ok())
            .then(|| (*visitor_id).to_owned())
        }
        ["v1", visitor_id, tag] => {
            let tag = hex::decode(tag).ok()?;
            (valid_id(visitor_id)
                && keys.all().any(|key| {
                    mac_v1(key.legacy_bytes(), visitor_id)
                        .verify_slice(&tag)
                        .is_ok()
                }))
            .then(|| (*visitor_id).to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    const NOW: i64 = 1_795_996_800;

    fn ring(current: u8, previous: Option<u8>) -> KeyRing {
        let key = |b: u8| MasterKey::from_base64(&STANDARD.encode([b; 32])).unwrap();
        KeyRing {
            current: key(current),
            previous: previous.map(key),
        }
    }

    #[test]
    fn issued_tokens_verify_and_forgeries_do_not() {
        let keys = ring(9, None);
        let id = new_visitor_id([9; 16]);
        let token = issue(&keys, &id, NOW);
        assert_eq!(verify(&keys, &token, NOW), Some(id.clone()));
        assert_eq!(verify(&ring(8, None), &token, NOW), None);
        let other = new_visitor_id([8; 16]);
        let forged = token.replace(&id, &other);
        assert_eq!(verify(&keys, &forged, NOW), None);
        let stretched = token.replace(
            &(NOW + LIFETIME_SECONDS).to_string(),
            &(NOW + 10 * LIFETIME_SECONDS).to_string(),
        );
        assert_eq!(verify(&keys, &stretched, NOW), None, "the expiry is signed");
        assert_eq!(verify(&keys, "v1.abc.def", NOW), None);
        assert_eq!(verify(&keys, "", NOW), None);
        assert_eq!(verify(&keys, &format!("{token}.extra"), NOW), None);
    }

    #[test]
    fn tokens_expire_and_a_session_renews_them() {
        let keys = ring(9, None);
        let id = new_visitor_id([1; 16]);
        let token = issue(&keys, &id, NOW);
        assert!(verify(&keys, &token, NOW + LIFETIME_SECONDS).is_some());
        assert_eq!(verify(&keys, &token, NOW + LIFETIME_SECONDS + 1), None);
        let renewed = issue(&keys, &id, NOW + LIFETIME_SECONDS - 10);
        assert_eq!(
            verify(&keys, &renewed, NOW + LIFETIME_SECONDS + 1),
            Some(id)
        );
    }

    #[test]
    fn tokens_of_the_previous_key_and_of_the_old_form_still_verify() {
        let id = new_visitor_id([2; 16]);
        let before = issue(&ring(7, None), &id, NOW);
        assert_eq!(verify(&ring(8, Some(7)), &before, NOW), Some(id.clone()));
        assert_eq!(verify(&ring(8, None), &before, NOW), None);
        // The v1 form: HMAC under the raw master key, no expiry.
        let tag = hex::encode(mac_v1(&[7; 32], &id).finalize().into_bytes());
        let v1 = format!("v1.{id}.{tag}");
        assert_eq!(verify(&ring(7, None), &v1, NOW), Some(id.clone()));
        assert_eq!(verify(&ring(8, Some(7)), &v1, NOW), Some(id));
    }
}
