//! The project's keys: one master key (`ENCRYPTION_KEY`, 32 random bytes) from which a subkey per
//! purpose is derived with HKDF-SHA256, so sealing access tokens and signing visitor tokens never
//! share a key. Each master key has a short public id (derived, not secret) that sealed values
//! and visitor tokens carry, so the key can be rotated: set the new key as `ENCRYPTION_KEY` and
//! the old one as `ENCRYPTION_KEY_PREVIOUS`; values made with the old key still open, and the
//! edge re-seals them with the new one the next time it writes them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hkdf::Hkdf;
use sha2::Sha256;

/// What a subkey is for; each is derived under its own HKDF `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// AES-256-GCM sealing of WhatsApp access tokens.
    TokenSeal,
    /// HMAC-SHA256 of visitor tokens.
    VisitorToken,
    /// HMAC-SHA256 of live-socket tickets.
    LiveTicket,
}

impl Purpose {
    fn info(self) -> &'static [u8] {
        match self {
            Self::TokenSeal => b"switchboard/token-seal/v2",
            Self::VisitorToken => b"switchboard/visitor-token/v2",
            Self::LiveTicket => b"switchboard/live-ticket/v1",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)")]
    Malformed,
}

/// One master key. Its bytes never leave this type except through [`MasterKey::legacy_bytes`],
/// kept for values made before subkeys existed.
#[derive(Clone)]
pub struct MasterKey {
    bytes: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id())
    }
}

impl MasterKey {
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::Malformed)?;
        Ok(Self {
            bytes: bytes.try_into().map_err(|_| KeyError::Malformed)?,
        })
    }

    /// The 32-byte subkey for `purpose`.
    pub fn subkey(&self, purpose: Purpose) -> [u8; 32] {
        let mut out = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"switchboard"), &self.bytes)
            .expand(purpose.info(), &mut out)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }

    /// A public, stable id for this key: 8 hex characters derived under their own `info`
    /// (it reveals nothing about the key or its subkeys).
    pub fn id(&self) -> String {
        let mut out = [0u8; 4];
        Hkdf::<Sha256>::new(Some(b"switchboard"), &self.bytes)
            .expand(b"switchboard/key-id", &mut out)
            .expect("4 bytes is a valid HKDF-SHA256 output length");
        hex::encode(out)
    }

    /// The raw key, as values made before subkeys existed used it directly.
    pub fn legacy_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
}

/// The current key and, during a rotation, the previous one.
#[derive(Debug, Clone)]
pub struct KeyRing {
    pub current: MasterKey,
    pub previous: Option<MasterKey>,
}

impl KeyRing {
    /// Every key, current first.
    pub fn all(&self) -> impl Iterator<Item = &MasterKey> {
        std::iter::once(&self.current).chain(self.previous.as_ref())
    }

    pub fn by_id(&self, id: &str) -> Option<&MasterKey> {
        self.all().find(|k| k.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> MasterKey {
        MasterKey::from_base64(&STANDARD.encode([byte; 32])).unwrap()
    }

    #[test]
    fn each_purpose_gets_its_own_subkey_and_none_is_the_master_key() {
        let k = key(7);
        let seal = k.subkey(Purpose::TokenSeal);
        let visitor = k.subkey(Purpose::VisitorToken);
        assert_ne!(seal, visitor);
        assert_ne!(&seal, k.legacy_bytes());
        assert_ne!(&visitor, k.legacy_bytes());
        assert_eq!(seal, key(7).subkey(Purpose::TokenSeal), "deterministic");
        assert_ne!(seal, key(8).subkey(Purpose::TokenSeal));
    }

    #[test]
    fn key_ids_are_short_stable_and_distinct() {
        assert_eq!(key(7).id().len(), 8);
        assert_eq!(key(7).id(), key(7).id());
        assert_ne!(key(7).id(), key(8).id());
        let ring = KeyRing {
            current: key(8),
            previous: Some(key(7)),
        };
        assert_eq!(ring.by_id(&key(7).id()).unwrap().id(), key(7).id());
        assert!(ring.by_id("00000000").is_none());
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(MasterKey::from_base64("not base64!").is_err());
        assert!(MasterKey::from_base64(&STANDARD.encode([0; 16])).is_err());
        assert!(MasterKey::from_base64(&STANDARD.encode([0; 33])).is_err());
    }
}
