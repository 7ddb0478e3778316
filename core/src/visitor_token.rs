//! Visitor tokens: how the widget proves which visitor it speaks for.
//!
//! `v1.<visitor_id>.<hex HMAC-SHA256(secret, visitor_id)>`. The edge issues one
//! on the first visit; the widget keeps it in localStorage and sends it as a
//! bearer token. Without the secret no one can mint a token for another visitor.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], visitor_id: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(b"switchboard-visitor-v1:");
    mac.update(visitor_id.as_bytes());
    mac
}

/// A new visitor id from 16 random bytes.
pub fn new_visitor_id(random: [u8; 16]) -> String {
    hex::encode(random)
}

pub fn issue(secret: &[u8], visitor_id: &str) -> String {
    let tag = hex::encode(mac(secret, visitor_id).finalize().into_bytes());
    format!("v1.{visitor_id}.{tag}")
}

/// The visitor id the token speaks for, if the token is genuine.
pub fn verify(secret: &[u8], token: &str) -> Option<String> {
    let mut parts = token.trim().split('.');
    let (Some("v1"), Some(visitor_id), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let valid_id = visitor_id.len() == 32 && visitor_id.bytes().all(|b| b.is_ascii_hexdigit());
    let tag = hex::decode(tag).ok()?;
    (valid_id && mac(secret, visitor_id).verify_slice(&tag).is_ok()).then(|| visitor_id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_forgeries_do_not() {
        let id = new_visitor_id([9; 16]);
        let token = issue(b"secret", &id);
        assert_eq!(verify(b"secret", &token), Some(id.clone()));
        assert_eq!(verify(b"other", &token), None);
        let other = new_visitor_id([8; 16]);
        let forged = format!("v1.{other}.{}", token.rsplit('.').next().unwrap());
        assert_eq!(verify(b"secret", &forged), None);
        assert_eq!(verify(b"secret", "v1.abc.def"), None);
        assert_eq!(verify(b"secret", ""), None);
        assert_eq!(verify(b"secret", &format!("{token}.extra")), None);
    }
}
