//! Cloudflare Turnstile on a new visitor's first message (optional, switched on by setting a
//! site key in the settings and the `TURNSTILE_SECRET_KEY` secret): the Messenger renders the
//! challenge, sends its token with the first message, and the edge checks it with Turnstile's
//! siteverify API (`TURNSTILE_VERIFY_URL`; tests point it at a local stand-in).

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::error::EdgeError;

/// Turnstile's secret and siteverify endpoint (read from the environment by `config`).
pub struct Turnstile {
    /// `TURNSTILE_SECRET_KEY`: with a site key in the settings, Turnstile guards first messages.
    pub secret: Option<String>,
    /// Turnstile's siteverify endpoint (`TURNSTILE_VERIFY_URL`; tests use a stand-in).
    pub verify_url: String,
}

#[derive(Deserialize)]
struct Siteverify {
    success: bool,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

/// Whether Turnstile is enforced: a site key in the settings and the secret configured.
pub fn enforced(turnstile: &Turnstile, site_key: Option<&str>) -> bool {
    site_key.is_some() && turnstile.secret.is_some()
}

/// Checks a visitor's Turnstile token; 403 with words the Messenger shows when it does not pass,
/// 503 when siteverify cannot be asked (the visitor can try again; nothing is stored).
pub async fn check(turnstile: &Turnstile, token: Option<&str>, ip: &str) -> Result<(), EdgeError> {
    let Some(secret) = turnstile.secret.as_deref() else {
        return Ok(());
    };
    let refused = || EdgeError::TurnstileRefused;
    let token = token
        .filter(|t| !t.is_empty() && t.len() <= 2048)
        .ok_or_else(refused)?;
    let body = serde_json::json!({ "secret": secret, "response": token, "remoteip": ip });
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(JsValue::from_str(&body.to_string())));
    let unavailable =
        |e: &dyn std::fmt::Display| EdgeError::Unavailable(format!("Turnstile siteverify: {e}"));
    let request = Request::new_with_init(&turnstile.verify_url, &init)?;
    let mut response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| unavailable(&e))?;
    let answer: Siteverify =
        serde_json::from_str(&response.text().await?).map_err(|e| unavailable(&e))?;
    if answer.success {
        return Ok(());
    }
    worker::console_log!("Turnstile refused a token: {:?}", answer.error_codes);
    Err(refused())
}
