//! Secrets and settings from the Worker's environment.
//!
//! Secrets (`.dev.vars` locally, `wrangler secret put` in production):
//! `ADMIN_TOKEN`, `WHATSAPP_APP_SECRET`, `WHATSAPP_VERIFY_TOKEN`, `ENCRYPTION_KEY`, and during a
//! key rotation `ENCRYPTION_KEY_PREVIOUS`.
//! Vars (wrangler.toml): `GRAPH_API_BASE`, `GRAPH_API_VERSION`, `GRAPH_TIMEOUT_MS`,
//! `HANDOFF_CODE_LIFETIME_SECONDS`, `MEDIA_ORPHAN_GRACE_SECONDS`, the team's Cloudflare Access
//! application (`ACCESS_TEAM_DOMAIN`, `ACCESS_AUD`, and how long its keys are kept:
//! `ACCESS_KEYS_REFRESH_SECONDS`, `ACCESS_KEYS_GRACE_SECONDS`, `ACCESS_KEYS_MIN_REFETCH_SECONDS`), and the test seam
//! `TRUST_TEST_COUNTRY_HEADER`. An isolate reads them once (see [`Config::from_env`]).

use std::cell::RefCell;
use std::rc::Rc;

use switchboard_core::access_jwt::AccessTeam;
use switchboard_core::handoff::CODE_LIFETIME_SECONDS;
use switchboard_core::keys::{KeyRing, MasterKey};
use switchboard_core::token_cipher::TokenCipher;
use wasm_bindgen::JsValue;
use worker::Env;

use crate::error::EdgeError;
use crate::platform::graph::GraphApi;
use crate::platform::turnstile::Turnstile;

pub struct Config {
    pub admin_token: String,
    pub app_secret: String,
    pub verify_token: String,
    /// Seals access tokens (with the `TokenSeal` subkey of the current key).
    pub cipher: TokenCipher,
    /// The master keys; visitor tokens are signed with their `VisitorToken` subkey.
    pub keys: KeyRing,
    /// The Graph API's base URL, version and timeout.
    pub graph: GraphApi,
    /// Turnstile's secret (if any) and siteverify endpoint.
    pub turnstile: Turnstile,
    /// How long a handoff code stays valid (`HANDOFF_CODE_LIFETIME_SECONDS`, default 30 minutes).
    pub handoff_code_lifetime: i64,
    /// Lets tests say which country a visitor is in (`X-Test-Country`); never set in production.
    pub trust_test_country_header: bool,
    /// The team's sign-in with Cloudflare Access, when configured.
    pub access: AccessConfig,
}

/// `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD`: unset (the admin token alone signs in), usable, or set
/// wrongly (then Access sign-in is refused with 503 saying why; the admin token still works).
pub enum AccessConfig {
    Off,
    On {
        team: AccessTeam,
        /// Keys younger than this are used without asking Access again.
        refresh_seconds: i64,
        /// When Access's keys cannot be fetched, the last good ones are used this long.
        grace_seconds: i64,
        /// An unknown `kid` fetches the keys again only when they are at least this old.
        min_refetch_seconds: i64,
    },
    Broken(String),
}

impl AccessConfig {
    fn read(env: &Env) -> Self {
        let seconds = |name: &str, default: i64| {
            value(env, name)
                .and_then(|v| v.parse().ok())
                .filter(|s: &i64| *s > 0)
                .unwrap_or(default)
        };
        match (value(env, "ACCESS_TEAM_DOMAIN"), value(env, "ACCESS_AUD")) {
            (None, None) => Self::Off,
            (Some(domain), Some(aud)) => match AccessTeam::new(&domain, &aud) {
                Ok(team) => Self::On {
                    team,
                    refresh_seconds: seconds("ACCESS_KEYS_REFRESH_SECONDS", 3_600),
                    grace_seconds: seconds("ACCESS_KEYS_GRACE_SECONDS", 86_400),
                    min_refetch_seconds: seconds("ACCESS_KEYS_MIN_REFETCH_SECONDS", 30),
                },
                Err(e) => Self::Broken(format!("{} {}", e.field, e.reason)),
            },
            (Some(_), None) => Self::Broken("ACCESS_AUD is not set".to_owned()),
            (None, Some(_)) => Self::Broken("ACCESS_TEAM_DOMAIN is not set".to_owned()),
        }
    }
}

/// How old an R2 file no row references must be before the cron deletes it
/// (`MEDIA_ORPHAN_GRACE_SECONDS`, default an hour; tests set 0).
pub fn media_orphan_grace_seconds(env: &Env) -> u64 {
    value(env, "MEDIA_ORPHAN_GRACE_SECONDS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_600)
}

/// A secret or var as text. `wrangler dev --var K:true` binds JSON values, so booleans and
/// numbers are accepted too.
pub(crate) fn value(env: &Env, name: &str) -> Option<String> {
    let binding = js_sys::Reflect::get(env, &JsValue::from_str(name)).ok()?;
    binding
        .as_string()
        .or_else(|| binding.as_bool().map(|b| b.to_string()))
        .or_else(|| binding.as_f64().map(|n| n.to_string()))
        .filter(|v| !v.trim().is_empty())
}

/// The secrets a deployment needs.
pub const REQUIRED_SECRETS: [&str; 4] = [
    "ADMIN_TOKEN",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "ENCRYPTION_KEY",
];

/// What keeps a deployment from working: secrets not set, or set to something unusable. Names
/// and reasons only, never values.
#[derive(Debug, Default)]
pub struct SetupProblems {
    pub secrets_missing: Vec<&'static str>,
    pub secrets_malformed: Vec<String>,
}

impl SetupProblems {
    pub fn of(env: &Env) -> Self {
        let mut problems = Self::default();
        for name in REQUIRED_SECRETS {
            if value(env, name).is_none() {
                problems.secrets_missing.push(name);
            }
        }
        for name in ["ENCRYPTION_KEY", "ENCRYPTION_KEY_PREVIOUS"] {
            if let Some(Err(e)) = value(env, name).map(|text| MasterKey::from_base64(&text)) {
                problems.secrets_malformed.push(format!("{name}: {e}"));
            }
        }
        problems
    }

    pub fn is_empty(&self) -> bool {
        self.secrets_missing.is_empty() && self.secrets_malformed.is_empty()
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.secrets_missing.is_empty() {
            parts.push(format!(
                "secrets not set: {}",
                self.secrets_missing.join(", ")
            ));
        }
        parts.extend(self.secrets_malformed.iter().cloned());
        parts.join("; ")
    }
}

thread_local! {
    /// The configuration this isolate read: secrets and vars do not change under a running
    /// isolate (a deploy or a new secret starts new ones), and reading them is ~15 crossings
    /// into the runtime and two key decodes per request. Only a complete one is kept.
    static READ: RefCell<Option<Rc<Config>>> = const { RefCell::new(None) };
}

impl Config {
    /// The configuration, or 503 naming what is missing (Meta retries; the console shows the
    /// setup steps). Never a built-in default for a secret.
    pub fn from_env(env: &Env) -> Result<Rc<Self>, EdgeError> {
        if let Some(config) = READ.with(|read| read.borrow().clone()) {
            return Ok(config);
        }
        let config = Rc::new(Self::read(env)?);
        READ.with(|read| *read.borrow_mut() = Some(config.clone()));
        Ok(config)
    }

    fn read(env: &Env) -> Result<Self, EdgeError> {
        let problems = SetupProblems::of(env);
        if !problems.is_empty() {
            return Err(EdgeError::NotSetUp(problems.describe()));
        }
        let required = |name: &str| value(env, name).unwrap_or_default();
        let key = |text: String| {
            MasterKey::from_base64(&text).map_err(|e| EdgeError::NotSetUp(e.to_string()))
        };
        let keys = KeyRing {
            current: key(required("ENCRYPTION_KEY"))?,
            previous: value(env, "ENCRYPTION_KEY_PREVIOUS").map(key).transpose()?,
        };
        Ok(Self {
            admin_token: required("ADMIN_TOKEN"),
            app_secret: required("WHATSAPP_APP_SECRET"),
            verify_token: required("WHATSAPP_VERIFY_TOKEN"),
            cipher: TokenCipher::new(keys.clone()),
            keys,
            graph: GraphApi {
                base: value(env, "GRAPH_API_BASE")
                    .unwrap_or_else(|| "https://graph.facebook.com".to_owned())
                    .trim_end_matches('/')
                    .to_owned(),
                version: value(env, "GRAPH_API_VERSION").unwrap_or_else(|| "v23.0".to_owned()),
                timeout_ms: value(env, "GRAPH_TIMEOUT_MS")
                    .and_then(|v| v.parse().ok())
                    .filter(|ms: &u64| *ms > 0)
                    .unwrap_or(15_000),
            },
            turnstile: Turnstile {
                secret: value(env, "TURNSTILE_SECRET_KEY"),
                verify_url: value(env, "TURNSTILE_VERIFY_URL").unwrap_or_else(|| {
                    "https://challenges.cloudflare.com/turnstile/v0/siteverify".to_owned()
                }),
            },
            handoff_code_lifetime: value(env, "HANDOFF_CODE_LIFETIME_SECONDS")
                .and_then(|v| v.parse().ok())
                .filter(|s: &i64| *s > 0)
                .unwrap_or(CODE_LIFETIME_SECONDS),
            trust_test_country_header: value(env, "TRUST_TEST_COUNTRY_HEADER").as_deref()
                == Some("true"),
            access: AccessConfig::read(env),
        })
    }
}
