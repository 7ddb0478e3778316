//! The visitor Messenger: a Yew app that `static/widget.js` mounts inside a
//! Shadow DOM once the visitor opens the chat. State and its transitions live
//! in [`state`], calls to the edge in [`api`], the markup in [`view`].

pub mod api;
pub mod http;
pub mod i18n;
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

    use crate::view::{props, App};

    /// Called by the loader: renders the Messenger into `root` (inside the shadow root).
    /// `base` is the edge's origin, `number` the script tag's `data-number`, `lang` its
    /// `data-lang`; `loaded` names the language file the loader fetched and `texts` is its
    /// content.
    #[wasm_bindgen]
    pub fn mount(
        root: web_sys::Element,
        base: String,
        number: Option<String>,
        lang: Option<String>,
        loaded: String,
        texts: JsValue,
    ) {
        yew::Renderer::<App>::with_root_and_props(root, props(base, number, lang, loaded, texts))
            .render();
    }
}
