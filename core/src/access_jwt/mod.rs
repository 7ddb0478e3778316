//! Team sign-in with Cloudflare Access: the JWT Access puts on every request it lets through
//! (the `Cf-Access-Jwt-Assertion` header, and the `CF_Authorization` cookie), verified against
//! the team's keys before anything in it is believed.
//!
//! [`verify`] takes the token, the team's [`Jwks`], the [`AccessTeam`] (issuer and audience)
//! and the time, and gives the [`AccessClaims`] or an [`AccessRefusal`] whose
//! [`reason`](AccessRefusal::reason) is short enough for a 401 and says nothing that helps an
//! attacker. The checks, in order:
//!
//! 1. three base64url segments (16 KiB at most);
//! 2. the header's `alg` is exactly `RS256`. Anything else — `none`, `HS256` (including one
//!    "signed" with the public key as the HMAC secret), `RS384`, `PS256` — is refused here,
//!    before any key is looked at, so no other algorithm can ever reach a verification;
//! 3. its `kid` names a key of the JWKS, else [`AccessRefusal::UnknownKey`]: the edge fetches the
//!    keys again, once, and retries (Access rotates keys every six weeks);
//! 4. RSASSA-PKCS1-v1_5 with SHA-256 over `header.payload`, the signature exactly as long as
//!    the modulus;
//! 5. then the claims: `iss` is the team domain exactly (`https://acme.cloudflareaccess.com`, no
//!    trailing slash: the form Access writes), `aud` (a string or an array) contains
//!    `ACCESS_AUD`, `exp`, `nbf` and `iat` hold within [`CLOCK_SKEW_SECONDS`], and an `email`
//!    names the person (a service token carries none and is refused).
//!
//! Nothing is cached here: the edge keeps the keys (and fetches them again on an unknown `kid`).
//!
//! **Why the `rsa` crate and not WebCrypto** (`crypto.subtle.verify`): one code path, pure and
//! synchronous, tested natively with keys and tokens the tests make (forged, rotated,
//! `alg: none`, HS256…) — WebCrypto would leave the rule testable only inside a Worker, and
//! split it between Rust and a JS promise. `rsa` 0.9 is RustCrypto's, used by the `jsonwebtoken`
//! crate's pure-Rust backend; it shares `sha2`/`digest` 0.10 with the crates core already uses.
//! Its one open advisory, RUSTSEC-2023-0071 (the Marvin attack), is a timing side channel of
//! *private-key* operations (decryption, signing): verification only uses the public key on
//! public inputs, and the Worker holds no RSA private key, so it does not apply here (a
//! `cargo audit` still lists it; 0.10, which fixes it, needs Rust 1.87 and digest 0.11).
//! 0.9.10 carries the January 2026 fix for a panic on malformed *private* keys, also not used.
//!
//! **Size**: verification reaches num-bigint-dig's multiplication, division and modular
//! exponentiation, the PKCS#1 v1.5 unpadding and SHA-256 (already in the bundle for webhook
//! signatures); PEM, DER key encodings, key generation and primes stay out once linked. That is
//! an estimated 40–70 KiB of wasm, 20–30 KiB gzip: about 1 % of the free plan's 3 MiB, beside
//! the edge's ~588 KiB gzip today. Bundles that never call [`verify`] (widget, console) carry none.

mod jwks;
mod team;

#[cfg(test)]
mod tests;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::Pkcs1v15Sign;
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use jwks::{Jwks, JwksError, MIN_MODULUS_BITS};
pub use team::AccessTeam;

/// How far `exp`, `nbf` and `iat` may be off between Access's clock and the Worker's.
pub const CLOCK_SKEW_SECONDS: u64 = 60;

/// Longer tokens are refused unread.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// What a verified token says about the person signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// As Access sent it; [`crate::team::normalize_email`] finds the member.
    pub email: String,
    /// Access's id of the user.
    pub sub: String,
    pub aud: Vec<String>,
    pub iat: u64,
    pub nbf: Option<u64>,
    pub exp: u64,
    /// Names the identity behind the session (for Access's get-identity endpoint).
    pub identity_nonce: Option<String>,
}

/// Why a token is refused. Several causes share a [`reason`](Self::reason), so the answer tells
/// a person what to do and an attacker nothing about which check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessRefusal {
    /// Not three base64url segments of JSON, too long, or a required claim missing or mistyped.
    Malformed,
    /// Any `alg` but `RS256`.
    AlgorithmNotAllowed,
    /// The `kid` is not in the keys: fetch them again (once), then verify again.
    UnknownKey,
    BadSignature,
    WrongIssuer,
    WrongAudience,
    Expired,
    /// `nbf` or `iat` later than now, beyond the skew.
    NotYetValid,
    /// A valid token for no person (a service token).
    NoEmail,
}

impl AccessRefusal {
    /// The short reason for the 401's body.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Malformed => "malformed token",
            Self::AlgorithmNotAllowed | Self::BadSignature | Self::WrongIssuer => {
                "not signed by your Cloudflare Access team"
            }
            Self::UnknownKey => "unknown key",
            Self::WrongAudience => "not for this application",
            Self::Expired => "sign-in expired",
            Self::NotYetValid => "sign-in not valid yet",
            Self::NoEmail => "no email in the sign-in",
        }
    }

    /// True when the edge should fetch the keys again and retry once.
    pub fn fetch_keys_again(self) -> bool {
        self == Self::UnknownKey
    }
}

impl std::fmt::Display for AccessRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for AccessRefusal {}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    /// Extensions the token says must be understood: none are.
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    aud: Option<Audience>,
    exp: u64,
    iat: u64,
    #[serde(default)]
    nbf: Option<u64>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    sub: String,
    #[serde(default)]
    identity_nonce: Option<String>,
}

/// Verifies an Access token at `now` (Unix seconds). See the module documentation for the rules.
pub fn verify(
    token: &str,
    keys: &Jwks,
    team: &AccessTeam,
    now: u64,
) -> Result<AccessClaims, AccessRefusal> {
    use AccessRefusal as R;
    let token = token.trim();
    if token.len() > MAX_TOKEN_BYTES {
        return Err(R::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(R::Malformed);
    };
    let header: Header = decode_json(header_b64)?;
    if header.alg != "RS256" {
        return Err(R::AlgorithmNotAllowed);
    }
    if header.crit.is_some() {
        return Err(R::Malformed);
    }
    let kid = header.kid.ok_or(R::Malformed)?;
    let key = keys.key(&kid).ok_or(R::UnknownKey)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| R::Malformed)?;
    let signed = &token[..header_b64.len() + 1 + payload_b64.len()];
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(signed.as_bytes()),
        &signature,
    )
    .map_err(|_| R::BadSignature)?;

    let claims: Claims = decode_json(payload_b64)?;
    if claims.iss.as_deref() != Some(team.issuer()) {
        return Err(R::WrongIssuer);
    }
    let aud = match claims.aud {
        Some(Audience::One(one)) => vec![one],
        Some(Audience::Many(many)) => many,
        None => Vec::new(),
    };
    if !aud.iter().any(|a| a == team.audience()) {
        return Err(R::WrongAudience);
    }
    if now >= claims.exp.saturating_add(CLOCK_SKEW_SECONDS) {
        return Err(R::Expired);
    }
    let latest_start = now.saturating_add(CLOCK_SKEW_SECONDS);
    if claims.iat > latest_start || claims.nbf.is_some_and(|nbf| nbf > latest_start) {
        return Err(R::NotYetValid);
    }
    let email = claims
        .email
        .map(|e| e.trim().to_owned())
        .filter(|e| e.contains('@'))
        .ok_or(R::NoEmail)?;
    Ok(AccessClaims {
        email,
        sub: claims.sub,
        aud,
        iat: claims.iat,
        nbf: claims.nbf,
        exp: claims.exp,
        identity_nonce: claims.identity_nonce,
    })
}

fn decode_json<T: serde::de::DeserializeOwned>(segment: &str) -> Result<T, AccessRefusal> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| AccessRefusal::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| AccessRefusal::Malformed)
}
