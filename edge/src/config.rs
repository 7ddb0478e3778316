//! Secrets and settings from the Worker's environment.
//!
//! Secrets (`.dev.vars` locally, `wrangler secret put` in production):
//! `ADMIN_TOKEN`, `WHATSAPP_APP_SECRET`, `WHATSAPP_VERIFY_TOKEN`, `ENCRYPTION_KEY`, and during a
//! key rotation `ENCRYPTION_KEY_PREVIOUS`.
//! Vars (wrangler.toml): `GRAPH_API_BASE`, `GRAPH_API_VERSION`, `HANDOFF_CODE_LIFETIME_SECONDS`, and the test seam
//! `TRUST_TEST_COUNTRY_HEADER`.

use switchboard_core::handoff::CODE_LIFETIME_SECONDS;
use switchboard_core::keys::{KeyRing, MasterKey};
use switchboard_core::token_cipher::TokenCipher;
use wasm_bindgen::JsValue;
use worker::Env;

use crate::error::EdgeError;

pub struct Config {
    pub admin_token: String,
    pub app_secret: String,
    pub verify_token: String,
    /// Seals access tokens (with the `TokenSeal` subkey of the current key).
    pub cipher: TokenCipher,
    /// The master keys; visitor tokens are signed with their `VisitorToken` subkey.
    pub keys: KeyRing,
    pub graph_base: String,
    pub graph_version: String,
    /// `TURNSTILE_SECRET_KEY`: with a site key in the settings, Turnstile guards first messages.
    pub turnstile_secret: Option<String>,
    /// Turnstile's siteverify endpoint (`TURNSTILE_VERIFY_URL`; tests use a stand-in).
    pub turnstile_verify_url: String,
    /// How long to wait for the Graph API (`GRAPH_TIMEOUT_MS`, default 15 s).
    pub graph_timeout_ms: u64,
    /// How long a handoff code stays valid (`HANDOFF_CODE_LIFETIME_SECONDS`, default 30 minutes).
    pub handoff_code_lifetime: i64,
    /// Lets tests say which country a visitor is in (`X-Test-Country`); never set in production.
    pub trust_test_country_header: bool,
}

/// A secret or var as text. `wrangler dev --var K:true` binds JSON values, so booleans and
/// numbers are accepted too.
fn value(env: &Env, name: &str) -> Option<String> {
    let binding = js_sys::Reflect::get(env, &JsValue::from_str(name)).ok()?;
    binding
        .as_string()
        .or_else(|| binding.as_bool().map(|b| b.to_string()))
        .or_else(|| binding.as_f64().map(|n| n.to_string()))
        .filter(|v| !v.trim().is_empty())
}

fn required(env: &Env, name: &str) -> Result<String, EdgeError> {
    value(env, name).ok_or_else(|| EdgeError::Internal(format!("secret {name} is not set")))
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, EdgeError> {
        let key = |name: &str, text: String| {
            MasterKey::from_base64(&text).map_err(|e| EdgeError::Internal(format!("{name}: {e}")))
        };
        let keys = KeyRing {
            current: key("ENCRYPTION_KEY", required(env, "ENCRYPTION_KEY")?)?,
            previous: value(env, "ENCRYPTION_KEY_PREVIOUS")
                .map(|text| key("ENCRYPTION_KEY_PREVIOUS", text))
                .transpose()?,
        };
        Ok(Self {
            admin_token: required(env, "ADMIN_TOKEN")?,
            app_secret: required(env, "WHATSAPP_APP_SECRET")?,
            verify_token: required(env, "WHATSAPP_VERIFY_TOKEN")?,
            cipher: TokenCipher::new(keys.clone()),
            keys,
            graph_base: value(env, "GRAPH_API_BASE")
                .unwrap_or_else(|| "https://graph.facebook.com".to_owned())
                .trim_end_matches('/')
                .to_owned(),
            graph_version: value(env, "GRAPH_API_VERSION").unwrap_or_else(|| "v23.0".to_owned()),
            turnstile_secret: value(env, "TURNSTILE_SECRET_KEY"),
            turnstile_verify_url: value(env, "TURNSTILE_VERIFY_URL").unwrap_or_else(|| {
                "https://challenges.cloudflare.com/turnstile/v0/siteverify".to_owned()
            }),
            graph_timeout_ms: value(env, "GRAPH_TIMEOUT_MS")
                .and_then(|v| v.parse().ok())
                .filter(|ms: &u64| *ms > 0)
                .unwrap_or(15_000),
            handoff_code_lifetime: value(env, "HANDOFF_CODE_LIFETIME_SECONDS")
                .and_then(|v| v.parse().ok())
                .filter(|s: &i64| *s > 0)
                .unwrap_or(CODE_LIFETIME_SECONDS),
            trust_test_country_header: value(env, "TRUST_TEST_COUNTRY_HEADER").as_deref()
                == Some("true"),
        })
    }
}
