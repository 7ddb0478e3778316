//! VAPID (RFC 8292): the deployment signs each push request with its own P-256 key, so a push
//! service knows the sender. The `Authorization` header is `vapid t=<JWT>, k=<public key>`;
//! the JWT is ES256 over `{"aud": <the endpoint's origin>, "exp": …, "sub": <mailto: of the
//! owner>}`, valid 12 hours (the RFC allows at most 24). The private key is the secret
//! `VAPID_PRIVATE_KEY`: base64url of the 32-byte scalar; the public key is derived from it.
//! Signatures are RFC 6979 deterministic (no randomness needed).

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};

use super::{base64url, from_base64url};

/// How long a VAPID JWT is valid from when it is made (RFC 8292 §2: at most 24 hours).
pub const JWT_LIFETIME_SECONDS: i64 = 12 * 60 * 60;

/// Why a VAPID key or header could not be made. Never shows the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VapidError {
    #[error("VAPID_PRIVATE_KEY must be the base64url of a 32-byte P-256 private key")]
    BadPrivateKey,
    #[error("VAPID_SUBJECT must be a mailto: or https: URI")]
    BadSubject,
    #[error("the push endpoint is not an absolute URL with a host")]
    BadEndpoint,
}

/// The deployment's VAPID key pair.
#[derive(Clone)]
pub struct VapidKey {
    signing: SigningKey,
    /// The uncompressed public point, base64url (the console's `applicationServerKey`).
    public: String,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    /// The key from `VAPID_PRIVATE_KEY` (base64url, padding tolerated).
    pub fn from_base64url(private_key: &str) -> Result<Self, VapidError> {
        let bytes: [u8; 32] = from_base64url(private_key)
            .and_then(|b| b.try_into().ok())
            .ok_or(VapidError::BadPrivateKey)?;
        let signing = SigningKey::from_slice(&bytes).map_err(|_| VapidError::BadPrivateKey)?;
        let public = base64url(signing.verifying_key().to_encoded_point(false).as_bytes());
        Ok(Self { signing, public })
    }

    /// The public key, base64url of the 65-byte uncompressed point.
    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// The `Authorization` header for a push to `endpoint` at `now` (Unix seconds).
    pub fn authorization(
        &self,
        endpoint: &str,
        subject: &str,
        now: i64,
    ) -> Result<String, VapidError> {
        let jwt = self.jwt(endpoint, subject, now)?;
        Ok(format!("vapid t={jwt}, k={}", self.public))
    }

    /// The signed JWT: `aud` the endpoint's origin, `exp` 12 hours on, `sub` the subject.
    pub fn jwt(&self, endpoint: &str, subject: &str, now: i64) -> Result<String, VapidError> {
        let subject = check_subject(subject)?;
        let audience = audience(endpoint)?;
        let header = base64url(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now + JWT_LIFETIME_SECONDS,
            "sub": subject,
        });
        let claims = base64url(claims.to_string().as_bytes());
        let signing_input = format!("{header}.{claims}");
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        Ok(format!(
            "{signing_input}.{}",
            base64url(&signature.to_bytes())
        ))
    }
}

/// The JWT's `aud`: the push endpoint's origin (`https://fcm.googleapis.com`).
pub fn audience(endpoint: &str) -> Result<String, VapidError> {
    let url = url::Url::parse(endpoint).map_err(|_| VapidError::BadEndpoint)?;
    if url.host_str().is_none() {
        return Err(VapidError::BadEndpoint);
    }
    Ok(url.origin().ascii_serialization())
}

/// `VAPID_SUBJECT`, trimmed: a `mailto:` with an address, or an `https:` URL.
pub fn check_subject(subject: &str) -> Result<&str, VapidError> {
    let subject = subject.trim();
    let ok = match subject.split_once(':') {
        Some(("mailto", address)) => {
            address.contains('@') && !address.contains(char::is_whitespace)
        }
        Some(("https", _)) => url::Url::parse(subject).is_ok_and(|u| u.host_str().is_some()),
        _ => false,
    };
    ok.then_some(subject).ok_or(VapidError::BadSubject)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    // RFC 8291 Appendix A's application-server key pair: the public half is derived exactly.
    const PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const PUBLIC: &str =
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";

    #[test]
    fn the_public_key_is_derived_from_the_private_one() {
        let key = VapidKey::from_base64url(PRIVATE).unwrap();
        assert_eq!(key.public_key(), PUBLIC);
        assert!(!format!("{key:?}").contains(PRIVATE));
        for bad in [
            "",
            "short",
            &base64url(&[0u8; 32]),
            &base64url(&[0xffu8; 32]),
        ] {
            assert_eq!(
                VapidKey::from_base64url(bad).unwrap_err(),
                VapidError::BadPrivateKey
            );
        }
    }

    #[test]
    fn the_header_carries_an_es256_jwt_for_the_endpoints_origin_that_verifies_with_k() {
        let key = VapidKey::from_base64url(PRIVATE).unwrap();
        let header = key
            .authorization(
                "https://updates.push.services.mozilla.com:443/wpush/v2/gAAAA?x=1",
                " mailto:owner@example.com ",
                1_700_000_000,
            )
            .unwrap();
        let (t, k) = header
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split_once(", k="))
            .unwrap();
        assert_eq!(k, PUBLIC);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let head: serde_json::Value =
            serde_json::from_slice(&from_base64url(parts[0]).unwrap()).unwrap();
        assert_eq!(head["alg"], "ES256");
        let claims: serde_json::Value =
            serde_json::from_slice(&from_base64url(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://updates.push.services.mozilla.com");
        assert_eq!(claims["sub"], "mailto:owner@example.com");
        assert_eq!(claims["exp"], 1_700_000_000 + JWT_LIFETIME_SECONDS);
        const { assert!(JWT_LIFETIME_SECONDS <= 24 * 60 * 60) };
        let verifying = VerifyingKey::from_sec1_bytes(&from_base64url(k).unwrap()).unwrap();
        let signature = Signature::from_slice(&from_base64url(parts[2]).unwrap()).unwrap();
        let signed = format!("{}.{}", parts[0], parts[1]);
        assert!(verifying.verify(signed.as_bytes(), &signature).is_ok());
        assert!(verifying.verify(b"something else", &signature).is_err());
    }

    #[test]
    fn subjects_and_endpoints_of_odd_shape_are_refused() {
        let key = VapidKey::from_base64url(PRIVATE).unwrap();
        for subject in [
            "",
            "owner@example.com",
            "mailto:",
            "mailto:no at",
            "http://example.com",
        ] {
            assert_eq!(
                key.jwt("https://push.example/x", subject, 0).unwrap_err(),
                VapidError::BadSubject,
                "{subject:?}"
            );
        }
        assert!(check_subject("https://example.com/contact").is_ok());
        assert_eq!(
            key.jwt("/relative", "mailto:a@b.c", 0).unwrap_err(),
            VapidError::BadEndpoint
        );
        assert_eq!(
            audience("http://127.0.0.1:9999/push/1").unwrap(),
            "http://127.0.0.1:9999"
        );
    }
}
