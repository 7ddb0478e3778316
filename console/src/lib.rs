//! The site owner's console at `/console`: Connections › WhatsApp (numbers, their
//! settings, business profile, disconnect with 2FA guidance, project defaults,
//! the install snippet, reset KPIs), an Inbox for agents and the Webhook page (what to paste
//! into Meta's dashboard, and whether deliveries arrive). A Yew bundle of its
//! own so the visitor's Messenger stays small. Pure helpers live in [`forms`].
//!
//! Layout: `app` (sign-in, navigation) shows one of `pages` (`numbers`, `inbox`, `webhook`,
//! `setup`); `components` holds what a page embeds and could share (the media box, the KPI
//! table); `api`, `dom` and `forms` are the helpers every page uses. Imports go one way:
//! app → pages → components → api, dom, forms; pages never import each other.

pub mod forms;
pub mod hours_text;
pub mod links;

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
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount(root: web_sys::Element) {
    yew::Renderer::<app::App>::with_root(root).render();
}
