//! Encryption at rest of WhatsApp access tokens (AES-256-GCM).
//!
//! The sealed form is `v1:<base64(nonce ‖ ciphertext+tag)>`. The phone number id is
//! bound as associated data, so a sealed token copied onto another number does
//! not open. The caller supplies the random nonce (the edge uses the Workers CSPRNG).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const VERSION: &str = "v1:";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("encryption key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("sealed token is malformed")]
    Malformed,
    #[error("sealed token does not open with this key")]
    WrongKey,
}

/// A parsed encryption key.
#[derive(Clone)]
pub struct TokenCipher {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCipher(<redacted>)")
    }
}

impl TokenCipher {
    /// `key_base64` is the `ENCRYPTION_KEY` secret: 32 random bytes in base64.
    pub fn from_base64_key(key_base64: &str) -> Result<Self, CipherError> {
        let key = STANDARD
            .decode(key_base64.trim())
            .map_err(|_| CipherError::BadKey)?;
        if key.len() != 32 {
            return Err(CipherError::BadKey);
        }
        Ok(Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
        })
    }

    pub fn seal(&self, nonce: [u8; 12], bound_to: &str, token: &str) -> String {
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: token.as_bytes(),
                    aad: bound_to.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", STANDARD.encode(out))
    }

    pub fn open(&self, bound_to: &str, sealed: &str) -> Result<String, CipherError> {
        let bytes = sealed
            .strip_prefix(VERSION)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > 12 + 16)
            .ok_or(CipherError::Malformed)?;
        let (nonce, ciphertext) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| CipherError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| CipherError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> TokenCipher {
        TokenCipher::from_base64_key(&STANDARD.encode([byte; 32])).unwrap()
    }

    #[test]
    fn round_trips_and_hides_the_token() {
        let sealed = key(7).seal([1; 12], "106540352242922", "EAAG-secret-token");
        assert!(!sealed.contains("EAAG"));
        assert_eq!(
            key(7).open("106540352242922", &sealed).unwrap(),
            "EAAG-secret-token"
        );
    }

    #[test]
    fn wrong_key_other_number_or_tampering_does_not_open() {
        let sealed = key(7).seal([1; 12], "111", "token");
        assert_eq!(key(8).open("111", &sealed), Err(CipherError::WrongKey));
        assert_eq!(key(7).open("222", &sealed), Err(CipherError::WrongKey));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(key(7)
            .open("111", &String::from_utf8(tampered).unwrap())
            .is_err());
        assert_eq!(key(7).open("111", "plain"), Err(CipherError::Malformed));
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(TokenCipher::from_base64_key("not base64!").is_err());
        assert!(TokenCipher::from_base64_key(&STANDARD.encode([0; 16])).is_err());
    }
}
