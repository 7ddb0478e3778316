//! RFC 8291 message encryption for Web Push, in the `aes128gcm` content coding of RFC 8188:
//! one record (record size 4096, padding delimiter `0x02`), ECDH on P-256 between a fresh
//! application-server key and the browser's `p256dh`, keys derived with HKDF-SHA-256 mixing in
//! the subscription's `auth` secret. The caller supplies the salt and the ephemeral key (from
//! the platform's CSPRNG, new for every push), so the function is deterministic and tested
//! against RFC 8291 Appendix A byte for byte.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;

/// The record size written in the header.
pub const RECORD_SIZE: u32 = 4096;
/// The longest plaintext that fits one record of a 4096-byte push body (RFC 8291 §4: push
/// services need not accept more): 4096 − 86 (header) − 16 (tag) − 1 (delimiter).
pub const MAX_PLAINTEXT: usize = 4096 - 86 - 16 - 1;

/// Why a payload could not be encrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncryptError {
    #[error("the subscription's p256dh is not a P-256 public key")]
    BadSubscriptionKey,
    #[error("the ephemeral key is not a valid P-256 private key")]
    BadEphemeralKey,
    #[error("the payload is {0} bytes; at most {MAX_PLAINTEXT} fit a push")]
    TooLarge(usize),
}

/// The body of a push request (`Content-Encoding: aes128gcm`): salt ‖ rs ‖ idlen ‖ keyid (the
/// ephemeral public key) ‖ the encrypted record.
pub fn encrypt(
    plaintext: &[u8],
    p256dh: &[u8; 65],
    auth: &[u8; 16],
    ephemeral_secret: &[u8; 32],
    salt: &[u8; 16],
) -> Result<Vec<u8>, EncryptError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(EncryptError::TooLarge(plaintext.len()));
    }
    let ua_public =
        PublicKey::from_sec1_bytes(p256dh).map_err(|_| EncryptError::BadSubscriptionKey)?;
    let as_secret =
        SecretKey::from_slice(ephemeral_secret).map_err(|_| EncryptError::BadEphemeralKey)?;
    let as_public = as_secret.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(as_secret.to_nonzero_scalar(), ua_public.as_affine());

    // IKM = HKDF(salt = auth, ikm = ecdh_secret, info = "WebPush: info" ‖ 0 ‖ ua ‖ as, 32).
    let mut key_info = Vec::with_capacity(14 + 65 + 65);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(p256dh);
    key_info.extend_from_slice(as_public.as_bytes());
    let mut ikm = [0u8; 32];
    expand(Some(auth), shared.raw_secret_bytes(), &key_info, &mut ikm);

    // CEK and nonce from HKDF(salt, IKM) (RFC 8188 §2.2, 2.3).
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    expand(Some(salt), &ikm, b"Content-Encoding: aes128gcm\0", &mut cek);
    expand(Some(salt), &ikm, b"Content-Encoding: nonce\0", &mut nonce);

    // One record, the last: the plaintext and the delimiter 0x02, no further padding.
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(0x02);
    let sealed = Aes128Gcm::new(&cek.into())
        .encrypt(Nonce::from_slice(&nonce), record.as_slice())
        .map_err(|_| EncryptError::TooLarge(plaintext.len()))?;

    let mut body = Vec::with_capacity(86 + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(65);
    body.extend_from_slice(as_public.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// HKDF-SHA-256, extract then expand into `out` (at most 32 bytes here, always in range).
fn expand(salt: Option<&[u8]>, ikm: &[u8], info: &[u8], out: &mut [u8]) {
    let hk = Hkdf::<Sha256>::new(salt, ikm);
    // A length of at most 255 × 32 bytes never fails; ours are 12, 16 and 32.
    if hk.expand(info, out).is_err() {
        out.fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web_push::{base64url, from_base64url};

    fn b64<const N: usize>(text: &str) -> [u8; N] {
        from_base64url(text).unwrap().try_into().unwrap()
    }

    /// RFC 8291 Appendix A: the same inputs give the same body, byte for byte.
    #[test]
    fn rfc_8291_appendix_a() {
        let plaintext = b"When I grow up, I want to be a watermelon";
        let ua_public = b64::<65>(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        );
        let auth = b64::<16>("BTBZMqHH6r4Tts7J_aSIgg");
        let as_private = b64::<32>("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");
        let salt = b64::<16>("DGv6ra1nlYgDCS1FRnbzlw");
        let body = encrypt(plaintext, &ua_public, &auth, &as_private, &salt).unwrap();
        assert_eq!(
            base64url(&body[..86]),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocIn\
             mYWAmS6TlzAC8wEqKK6PBru3jl7A8"
        );
        assert_eq!(
            base64url(&body[86..]),
            "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEsbI_0LpXMuGvnzQ"
        );
    }

    #[test]
    fn a_bad_subscription_key_or_an_oversized_payload_is_refused() {
        let auth = [1u8; 16];
        let secret = [7u8; 32];
        let mut off_curve = [9u8; 65];
        off_curve[0] = 4;
        assert_eq!(
            encrypt(b"hi", &off_curve, &auth, &secret, &[0; 16]),
            Err(EncryptError::BadSubscriptionKey)
        );
        let ua = SecretKey::from_slice(&[3u8; 32]).unwrap().public_key();
        let ua: [u8; 65] = ua.to_encoded_point(false).as_bytes().try_into().unwrap();
        assert_eq!(
            encrypt(b"hi", &ua, &auth, &[0u8; 32], &[0; 16]),
            Err(EncryptError::BadEphemeralKey)
        );
        let big = vec![b'a'; MAX_PLAINTEXT + 1];
        assert_eq!(
            encrypt(&big, &ua, &auth, &secret, &[0; 16]),
            Err(EncryptError::TooLarge(MAX_PLAINTEXT + 1))
        );
        let fits = encrypt(&big[1..], &ua, &auth, &secret, &[0; 16]).unwrap();
        assert_eq!(fits.len(), 4096);
    }
}
