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

/// What the visitor reads when the edge cannot be reached at all.
const OFFLINE: &str = "Can't reach the chat right now. Check your connection.";
/// What the visitor reads when an answer is not what this Messenger expects (an edge of
/// another version): nothing they can fix, and nothing to show raw.
const NOT_UNDERSTOOD: &str =
    "The chat answered in a way this page does not understand. Reload the page to try again.";

/// `Bearer <token>` for the `authorization` header.
pub fn bearer(token: &str) -> String {
    let mut value = String::from("Bearer ");
    value.push_str(token);
    value
}

/// One request: `body` (if any) goes as JSON; a 2xx answer is decoded as `T`, anything else
/// becomes the edge's `{"error": …}` text or, without one, the status.
pub async fn send<T: DeserializeOwned>(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&impl Serialize>,
) -> Result<T, String> {
    let response = fetch(method, url, token, body).await?;
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    if response.ok() {
        return json
            .and_then(|v| decode(v))
            .ok_or_else(|| NOT_UNDERSTOOD.to_owned());
    }
    Err(error_text(json, response.status()))
}

/// The raw answer of a request (for files), or the reason there is none.
pub async fn fetch(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&impl Serialize>,
) -> Result<Response, String> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(|_| OFFLINE.to_owned())?;
    if let Some(token) = token {
        let _ = headers.set("authorization", &bearer(token));
    }
    if let Some(body) = body {
        let _ = headers.set("content-type", "application/json");
        let text =
            switchboard_browser_json::stringify(body).ok_or_else(|| NOT_UNDERSTOOD.to_owned())?;
        init.set_body(&JsValue::from(text));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| OFFLINE.to_owned())?;
    JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map(|r| r.unchecked_into::<Response>())
        .map_err(|_| OFFLINE.to_owned())
}

/// The edge's `{"error": …}` out of a failed answer's JSON, or the status when there is none.
fn error_text(json: Option<JsValue>, status: u16) -> String {
    json.and_then(decode::<ErrorBody>)
        .map(|b| b.error)
        .unwrap_or_else(|| {
            let mut text = String::from("The chat answered ");
            text.push_str(&status.to_string());
            text
        })
}

fn decode<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    switchboard_browser_json::from_js(value).ok()
}
