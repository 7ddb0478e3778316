//! The site owner's console at `/console`: Connections › WhatsApp (numbers, their
//! settings, business profile, disconnect with 2FA guidance, project defaults,
//! the install snippet, reset KPIs), an Inbox for agents and the Webhook page (what to paste
//! into Meta's dashboard, and whether deliveries arrive). A Yew bundle of its
//! own so the visitor's Messenger stays small. Pure helpers live in [`forms`].

pub mod forms;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod connections;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod inbox;
#[cfg(target_arch = "wasm32")]
mod kpi_table;
#[cfg(target_arch = "wasm32")]
mod media_view;
#[cfg(target_arch = "wasm32")]
mod setup;
#[cfg(target_arch = "wasm32")]
mod webhook_panel;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount(root: web_sys::Element) {
    yew::Renderer::<app::App>::with_root(root).render();
}
