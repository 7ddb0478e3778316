//! `fetch` through web-sys, with JSON parsed and written by the browser itself (`Response.json`,
//! `JSON.stringify`) and mapped to the core's types by `switchboard-browser-json`. The bundle
//! carries no JSON parser and no HTTP wrapper of its own (together ~30 KiB of wasm).

use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_core::api::ErrorBody;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

pub use switchboard_browser_json::parse;

use crate::state::Notice;

/// `Bearer <token>` for the `authorization` header.
pub fn bearer(token: &str) -> String {
    let mut value = String::from("Bearer ");
    value.push_str(token);
    value
}

/// One request: `body` (if any) goes as JSON; a 2xx answer is decoded as `T`, anything else
/// becomes the [`Notice`] its status (and the error's field) calls for: the edge's English
/// words are for developers, the visitor reads their own language.
pub async fn send<T: DeserializeOwned>(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&impl Serialize>,
) -> Result<T, Notice> {
    let response = fetch(method, url, token, body).await?;
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if response.ok() {
        return json.and_then(|v| decode(v)).ok_or(Notice::NotUnderstood);
    }
    Err(error_notice(json, response.status()))
}

/// The raw answer of a request (for files), or the reason there is none.
pub async fn fetch(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&impl Serialize>,
) -> Result<Response, Notice> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(|_| Notice::Offline)?;
    if let Some(token) = token {
        let _ = headers.set("authorization", &bearer(token));
    }
    if let Some(body) = body {
        let _ = headers.set("content-type", "application/json");
        let text = switchboard_browser_json::stringify(body).ok_or(Notice::NotUnderstood)?;
        init.set_body(&JsValue::from(text));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(Notice::Offline)?;
    JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map(|r| r.unchecked_into::<Response>())
        .map_err(|_| Notice::Offline)
}

/// What a failed answer means for the visitor: its status, or a refused Turnstile check.
pub fn error_notice(json: Option<JsValue>, status: u16) -> Notice {
    let field = json.and_then(decode::<ErrorBody>).and_then(|b| b.field);
    if field.as_deref() == Some("turnstile_token") {
        return Notice::Check;
    }
    Notice::from_status(status)
}

fn decode<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    switchboard_browser_json::from_js(value).ok()
}
