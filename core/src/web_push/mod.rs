//! Web Push: telling a member's browser of a new customer message while the console is closed.
//!
//! The rules, free of I/O: who hears of a message ([`recipient`]), how often ([`coalesce`]: one
//! push per conversation per minute per subscription, carrying a count), what it says
//! ([`payload`]), which subscriptions are accepted ([`subscription`]), and — with the
//! `web-push` feature, which only the edge turns on — VAPID (RFC 8292, [`vapid`]) and the
//! `aes128gcm` payload encryption of RFC 8291 ([`encryption`]). The crypto is RustCrypto's
//! (`p256` for ECDH and ES256, `hkdf`, `sha2`, `aes-gcm`); randomness (the salt and the
//! ephemeral key) comes from the caller, so every function here is deterministic.

pub mod coalesce;
#[cfg(feature = "web-push")]
pub mod encryption;
pub mod payload;
pub mod recipient;
pub mod subscription;
#[cfg(feature = "web-push")]
pub mod vapid;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// How long a push service keeps a push for a browser that is offline (`TTL`, seconds): a
/// message older than a day is better found in the inbox than announced.
pub const TTL_SECONDS: u32 = 24 * 60 * 60;

/// `Urgency` (RFC 8030 §5.3): a customer is waiting, so `high` (delivered at once, even to a
/// phone on battery saving).
pub const URGENCY: &str = "high";

/// Unpadded base64url, as the Push API and VAPID write keys.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads base64url as browsers write it: with or without `=` padding.
pub fn from_base64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()
}
