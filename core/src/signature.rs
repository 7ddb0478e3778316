//! The `X-Hub-Signature-256` check on WhatsApp webhook deliveries.
//!
//! Meta signs the *raw* request body with HMAC-SHA256 keyed by the app secret
//! and sends `sha256=<lowercase hex>`. The comparison is constant-time (done by
//! `hmac`'s `verify_slice`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a delivery's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing X-Hub-Signature-256 header")]
    Missing,
    #[error("X-Hub-Signature-256 must look like sha256=<64 hex digits>")]
    Malformed,
    #[error("X-Hub-Signature-256 does not match the body")]
    Mismatch,
}

/// Checks `header` (the raw header value, if any) against `body`.
pub fn verify_signature(
    app_secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let hex_digest = header
        .strip_prefix("sha256=")
        .ok_or(SignatureError::Malformed)?;
    let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
    if expected.len() != 32 {
        return Err(SignatureError::Malformed);
    }
    let mut mac = HmacSha256::new_from_slice(app_secret).expect("HMAC accepts any key length");
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// The header value Meta would send for `body`; used by tests and the benchmark.
pub fn sign(app_secret: &[u8], body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(app_secret).expect("HMAC accepts any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_known_meta_style_signature() {
        // HMAC-SHA256("It's a Secret to Everybody", "Hello, World!") as published by GitHub/Meta docs.
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(
            verify_signature(
                b"It's a Secret to Everybody",
                b"Hello, World!",
                Some(header)
            ),
            Ok(())
        );
    }

    #[test]
    fn refuses_missing_malformed_and_wrong_signatures() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        assert_eq!(
            verify_signature(b"s", body, None),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_signature(b"s", body, Some("sha1=abcd")),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature(b"s", body, Some("sha256=zz")),
            Err(SignatureError::Malformed)
        );
        let other = sign(b"another secret", body);
        assert_eq!(
            verify_signature(b"s", body, Some(&other)),
            Err(SignatureError::Mismatch)
        );
    }

    proptest! {
        #[test]
        fn a_signed_body_verifies_and_any_flipped_byte_does_not(
            secret in proptest::collection::vec(any::<u8>(), 1..64),
            body in proptest::collection::vec(any::<u8>(), 1..512),
            flip in any::<usize>(),
        ) {
            let header = sign(&secret, &body);
            prop_assert_eq!(verify_signature(&secret, &body, Some(&header)), Ok(()));
            let mut tampered = body.clone();
            let i = flip % tampered.len();
            tampered[i] ^= 0x01;
            prop_assert_eq!(
                verify_signature(&secret, &tampered, Some(&header)),
                Err(SignatureError::Mismatch)
            );
        }
    }
}
