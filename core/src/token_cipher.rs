//! Encryption at rest of WhatsApp access tokens (AES-256-GCM under the `TokenSeal` subkey).
//!
//! The sealed form is `v2:<key id>:<base64(nonce ‖ ciphertext+tag)>`. The phone number id is
//! bound as associated data, so a sealed token copied onto another number does not open. The
//! caller supplies the random nonce (the edge uses the Workers CSPRNG). Tokens sealed before
//! subkeys existed (`v1:…`, under the master key itself) and tokens sealed with the previous key
//! of a rotation still open; [`Opened::current`] says when one should be sealed again.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::keys::{KeyRing, MasterKey, Purpose};

const LEGACY: &str = "v1:";
const VERSION: &str = "v2:";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("sealed token is malformed")]
    Malformed,
    #[error("sealed token does not open with this key")]
    WrongKey,
}

/// A token opened, and whether it was sealed with the current key in the current form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub token: String,
    /// `false`: sealed with a previous key or in the old form; seal it again.
    pub current: bool,
}

/// Seals with the current key; opens with any key of the ring.
#[derive(Clone)]
pub struct TokenCipher {
    keys: KeyRing,
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCipher(<redacted>)")
    }
}

fn aes(key: &[u8; 32]) -> Aes256Gcm {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key))
}

impl TokenCipher {
    pub fn new(keys: KeyRing) -> Self {
        Self { keys }
    }

    /// Whether `sealed` is in the current form under the current key (no need to seal it again).
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix(VERSION)
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(id, _)| id == self.keys.current.id())
    }

    pub fn seal(&self, nonce: [u8; 12], bound_to: &str, token: &str) -> String {
        let key = &self.keys.current;
        let sealed = aes(&key.subkey(Purpose::TokenSeal))
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
        format!("{VERSION}{}:{}", key.id(), STANDARD.encode(out))
    }

    pub fn open(&self, bound_to: &str, sealed: &str) -> Result<Opened, CipherError> {
        if let Some(rest) = sealed.strip_prefix(VERSION) {
            let (id, body) = rest.split_once(':').ok_or(CipherError::Malformed)?;
            let key = self.keys.by_id(id).ok_or(CipherError::WrongKey)?;
            let token = decrypt(&key.subkey(Purpose::TokenSeal), bound_to, body)?;
            return Ok(Opened {
                token,
                current: id == self.keys.current.id(),
            });
        }
        let body = sealed.strip_prefix(LEGACY).ok_or(CipherError::Malformed)?;
        self.keys
            .all()
            .find_map(|key: &MasterKey| decrypt(key.legacy_bytes(), bound_to, body).ok())
            .map(|token| Opened {
                token,
                current: false,
            })
            .ok_or(CipherError::WrongKey)
    }
}

fn decrypt(key: &[u8; 32], bound_to: &str, body: &str) -> Result<String, CipherError> {
    let bytes = STANDARD
        .decode(body)
        .ok()
        .filter(|b| b.len() > 12 + 16)
        .ok_or(CipherError::Malformed)?;
    let (nonce, ciphertext) = bytes.split_at(12);
    let plain = aes(key)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn master(byte: u8) -> MasterKey {
        MasterKey::from_base64(&STANDARD.encode([byte; 32])).unwrap()
    }

    fn ring(current: u8, previous: Option<u8>) -> TokenCipher {
        TokenCipher::new(KeyRing {
            current: master(current),
            previous: previous.map(master),
        })
    }

    /// A token sealed the way versions before subkeys did: `v1:`, AES-GCM under the master key.
    fn sealed_v1(byte: u8, bound_to: &str, token: &str) -> String {
        let nonce = [3u8; 12];
        let ct = aes(&[byte; 32])
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: token.as_bytes(),
                    aad: bound_to.as_bytes(),
                },
            )
            .unwrap();
        format!("v1:{}", STANDARD.encode([nonce.to_vec(), ct].concat()))
    }

    #[test]
    fn round_trips_and_hides_the_token() {
        let sealed = ring(7, None).seal([1; 12], "106540352242922", "EAAG-secret-token");
        assert!(!sealed.contains("EAAG"));
        assert!(sealed.starts_with(&format!("v2:{}:", master(7).id())));
        let opened = ring(7, None).open("106540352242922", &sealed).unwrap();
        assert_eq!(opened.token, "EAAG-secret-token");
        assert!(opened.current);
    }

    #[test]
    fn a_token_sealed_before_subkeys_still_opens_and_asks_to_be_sealed_again() {
        let old = sealed_v1(7, "111", "EAAG-old");
        let opened = ring(7, None).open("111", &old).unwrap();
        assert_eq!(opened.token, "EAAG-old");
        assert!(!opened.current);
        assert!(!ring(7, None).is_current(&old));
        // During a rotation the old key still opens it.
        assert_eq!(
            ring(8, Some(7)).open("111", &old).unwrap().token,
            "EAAG-old"
        );
    }

    #[test]
    fn a_rotation_opens_what_the_previous_key_sealed_and_seals_with_the_new_one() {
        let before = ring(7, None).seal([1; 12], "111", "EAAG-t");
        let rotated = ring(8, Some(7));
        let opened = rotated.open("111", &before).unwrap();
        assert_eq!(opened.token, "EAAG-t");
        assert!(!opened.current);
        let again = rotated.seal([2; 12], "111", &opened.token);
        assert!(rotated.is_current(&again));
        // Once the previous key is dropped, only the re-sealed value opens.
        assert_eq!(
            ring(8, None).open("111", &before),
            Err(CipherError::WrongKey)
        );
        assert_eq!(ring(8, None).open("111", &again).unwrap().token, "EAAG-t");
    }

    #[test]
    fn wrong_key_other_number_or_tampering_does_not_open() {
        let sealed = ring(7, None).seal([1; 12], "111", "token");
        assert_eq!(
            ring(8, None).open("111", &sealed),
            Err(CipherError::WrongKey)
        );
        assert_eq!(
            ring(7, None).open("222", &sealed),
            Err(CipherError::WrongKey)
        );
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(ring(7, None)
            .open("111", &String::from_utf8(tampered).unwrap())
            .is_err());
        assert_eq!(
            ring(7, None).open("111", "plain"),
            Err(CipherError::Malformed)
        );
        assert_eq!(
            ring(7, None).open("111", "v2:nokey"),
            Err(CipherError::Malformed)
        );
    }
}
