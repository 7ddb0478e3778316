//! `fetch` through web-sys, with JSON parsed and written by the browser itself (`Response.json`,
//! `JSON.stringify`) and mapped to the core's types by `switchboard-browser-json`. The bundle
//! carries no JSON parser and no HTTP wrapper of its own (together ~30 KiB of wasm).

use std::future::Future;
use std::pin::Pin;

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

/// One request: `body` (if any) is JSON text; a 2xx answer is decoded as `T`, anything else
/// becomes the [`Notice`] its status (and the error's field) calls for: the edge's English
/// words are for developers, the visitor reads their own language.
///
/// Only the answer's decoding is generic; the exchange is one boxed future that every call
/// shares, rather than a copy inlined into each caller.
pub async fn send<T: DeserializeOwned>(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Result<T, Notice> {
    let json = exchange(method, url, token, body).await?;
    decode(json).ok_or(Notice::NotUnderstood)
}

/// A request body as JSON text.
pub fn json(body: &impl Serialize) -> Result<String, Notice> {
    switchboard_browser_json::stringify(body).ok_or(Notice::NotUnderstood)
}

/// The answer's JSON for a 2xx status, else the notice for the failure.
fn exchange<'a>(
    method: &'a str,
    url: &'a str,
    token: Option<&'a str>,
    body: Option<String>,
) -> Pin<Box<dyn Future<Output = Result<JsValue, Notice>> + 'a>> {
    Box::pin(async move {
        let response = fetch(method, url, token, body).await?;
        let json = match response.json() {
            Ok(promise) => JsFuture::from(promise).await.ok(),
            Err(_) => None,
        };
        if response.ok() {
            return json.ok_or(Notice::NotUnderstood);
        }
        Err(error_notice(json, response.status()))
    })
}

/// The raw answer of a request (for files), or the reason there is none. `body` is JSON text.
pub fn fetch<'a>(
    method: &'a str,
    url: &'a str,
    token: Option<&'a str>,
    body: Option<String>,
) -> Pin<Box<dyn Future<Output = Result<Response, Notice>> + 'a>> {
    Box::pin(async move {
        let init = RequestInit::new();
        init.set_method(method);
        let headers = Headers::new().map_err(|_| Notice::Offline)?;
        if let Some(token) = token {
            let _ = headers.set("authorization", &bearer(token));
        }
        if let Some(body) = body {
            let _ = headers.set("content-type", "application/json");
            init.set_body(&JsValue::from(body));
        }
        init.set_headers(&headers);
        let window = web_sys::window().ok_or(Notice::Offline)?;
        JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .map(|r| r.unchecked_into::<Response>())
            .map_err(|_| Notice::Offline)
    })
}

/// What a failed answer means for the visitor: its status, or a refused Turnstile check.
pub fn error_notice(json: Option<JsValue>, status: u16) -> Notice {
    let field = json.and_then(decode::<ErrorBody>).and_then(|b| b.field);
    Notice::refused(status, field.as_deref())
}

/// The answer as `T` (one copy per type, not one per caller).
#[inline(never)]
fn decode<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    switchboard_browser_json::from_js(value).ok()
}
