//! The visitor Messenger: a Yew app that `static/widget.js` mounts inside a
//! Shadow DOM once the visitor opens the chat. State and its transitions live
//! in [`state`], calls to the edge in [`api`], the markup in [`view`].

pub mod api;
pub mod http;
pub mod state;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod turnstile;
#[cfg(target_arch = "wasm32")]
mod view;

#[cfg(target_arch = "wasm32")]
pub use entry::mount;

#[cfg(target_arch = "wasm32")]
mod entry {
    use wasm_bindgen::prelude::*;

    use crate::view::{App, AppProps};

    /// Called by the loader: renders the Messenger into `root` (inside the shadow root).
    /// `base` is the edge's origin, `number` the script tag's `data-number`.
    #[wasm_bindgen]
    pub fn mount(root: web_sys::Element, base: String, number: Option<String>) {
        let props = AppProps {
            base,
            number: number.filter(|n| !n.is_empty()),
        };
        yew::Renderer::<App>::with_root_and_props(root, props).render();
    }
}
