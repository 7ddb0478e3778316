//! Cloudflare Turnstile in the Messenger: when the session asks for it (a new visitor, Turnstile
//! on for the project), its script is added to the page once and the challenge is rendered into
//! the Messenger; the token it hands back goes with the visitor's first message.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::Callback;

/// Turnstile's script, rendered explicitly into our element.
const SCRIPT: &str = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";

/// Renders the challenge into `container`, loading Turnstile's script first if the page has
/// not got it; `on_token` receives each token it issues.
pub fn render(container: web_sys::Element, site_key: String, on_token: Callback<String>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let draw = move || {
        let window: JsValue = web_sys::window().into();
        let Ok(turnstile) = Reflect::get(&window, &"turnstile".into()) else {
            return;
        };
        let Ok(render) = Reflect::get(&turnstile, &"render".into()) else {
            return;
        };
        let Some(render) = render.dyn_ref::<Function>() else {
            return;
        };
        let on_token = on_token.clone();
        let callback = Closure::<dyn Fn(String)>::new(move |token: String| on_token.emit(token));
        let options = Object::new();
        let _ = Reflect::set(&options, &"sitekey".into(), &site_key.clone().into());
        let _ = Reflect::set(&options, &"callback".into(), callback.as_ref());
        // The widget calls back for as long as the page lives (tokens are renewed).
        callback.forget();
        let _ = render.call2(&turnstile, &container, &options);
    };
    let loaded = Reflect::get(&window, &"turnstile".into()).is_ok_and(|t| !t.is_undefined());
    if loaded {
        draw();
        return;
    }
    let Some(document) = window.document() else {
        return;
    };
    let Ok(script) = document.create_element("script") else {
        return;
    };
    let _ = script.set_attribute("src", SCRIPT);
    let _ = script.set_attribute("async", "");
    let onload = Closure::once_into_js(draw);
    let _ = Reflect::set(&script, &"onload".into(), &onload);
    if let Some(head) = document.head() {
        let _ = head.append_child(&script);
    }
}
