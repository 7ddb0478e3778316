//! The team's signing keys, read from the JWKS document Access serves at
//! `<team domain>/cdn-cgi/access/certs`:
//!
//! ```json
//! { "keys": [ { "kid": "1a1c…", "kty": "RSA", "alg": "RS256", "use": "sig", "e": "AQAB", "n": "5PKw…" },
//!             { "kid": "6c3b…", … } ],
//!   "public_cert": { "kid": "6c3b…", "cert": "-----BEGIN CERTIFICATE-----…" },
//!   "public_certs": [ … ] }
//! ```
//!
//! Only `keys` is read (the PEM certificates say the same again). It holds the current key and
//! the previous one, in no fixed order: Access rotates every six weeks and keeps the old key valid
//! for seven days, so a token is matched to its key by `kid`, never by position.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde::Deserialize;

/// Keys shorter than this are not used, whoever serves them.
pub const MIN_MODULUS_BITS: usize = 2048;

/// The usable keys of a JWKS document, by key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwks {
    keys: Vec<(String, RsaPublicKey)>,
}

/// Why a keys document cannot be used (the edge keeps its last good keys, then answers 503).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwksError {
    #[error("the Access keys are not a JWKS document (no \"keys\" array)")]
    NotJwks,
    #[error("the Access keys hold no RS256 signing key of {MIN_MODULUS_BITS} bits or more")]
    NoUsableKey,
    #[error("the Access keys name key id {0:?} twice")]
    DuplicateKid(String),
}

#[derive(Deserialize)]
struct Document {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: String,
    kty: String,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default, rename = "use")]
    usage: Option<String>,
    n: String,
    e: String,
}

impl Jwks {
    /// Reads the document. A key that is not an RSA signing key for RS256 (or is too short,
    /// or does not decode) is left out; a document left with no key is refused.
    pub fn from_json(text: &str) -> Result<Self, JwksError> {
        let document: Document = serde_json::from_str(text).map_err(|_| JwksError::NotJwks)?;
        let mut keys: Vec<(String, RsaPublicKey)> = Vec::new();
        for value in document.keys {
            let Some((kid, key)) = usable_key(value) else {
                continue;
            };
            if keys.iter().any(|(known, _)| *known == kid) {
                return Err(JwksError::DuplicateKid(kid));
            }
            keys.push((kid, key));
        }
        if keys.is_empty() {
            return Err(JwksError::NoUsableKey);
        }
        Ok(Self { keys })
    }

    /// The key named `kid`, if the document has it.
    pub fn key(&self, kid: &str) -> Option<&RsaPublicKey> {
        self.keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key)
    }

    /// The key ids, in the document's order.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }
}

fn usable_key(value: serde_json::Value) -> Option<(String, RsaPublicKey)> {
    let jwk: Jwk = serde_json::from_value(value).ok()?;
    let signs_rs256 = jwk.kty == "RSA"
        && jwk.alg.as_deref().is_none_or(|a| a == "RS256")
        && jwk.usage.as_deref().is_none_or(|u| u == "sig");
    if !signs_rs256 || jwk.kid.is_empty() {
        return None;
    }
    let n = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(&jwk.n).ok()?);
    let e = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(&jwk.e).ok()?);
    let key = RsaPublicKey::new(n, e).ok()?;
    (key.n().bits() >= MIN_MODULUS_BITS).then_some((jwk.kid, key))
}
