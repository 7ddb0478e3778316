//! The site owner's console at `/console/`: an Inbox for agents, Numbers (a table, a page per
//! number with its settings, business profile and disconnect with 2FA guidance, a connect
//! dialog), Reports (the KPIs), Settings (project defaults, the Messenger's look, languages and
//! hours), Install (the snippet, setup status) and the Webhook page (what to paste into Meta's
//! dashboard, whether deliveries arrive, what was kept aside), and for owners Team and the Audit
//! log. Every place has its address
//! ([`route`]). A Yew bundle of its own so the visitor's Messenger stays small. Pure helpers live
//! in [`forms`].
//!
//! Layout: `app` (header, router; `session` signs in through Cloudflare Access or with the
//! admin token) shows the one of `pages` the address names that the member's role allows;
//! `components` holds what a page embeds and could share (the media box, the KPI table, the
//! modal dialog, the navigation links); `api`, `dom`, `forms` and `route` are the helpers every
//! page uses. Imports go one way: app → pages → components → api, dom, forms, route; pages never
//! import each other.

pub mod attention;
pub mod forms;
pub mod hours_text;
pub mod links;
pub mod route;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod session;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount(root: web_sys::Element) {
    yew::Renderer::<app::App>::with_root(root).render();
}
