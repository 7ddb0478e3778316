//! JSON for the Messenger and for the live client (which the console shares) without a JSON
//! parser in the wasm. Text is parsed by the browser's own `JSON.parse`, and [`from_js`] maps the
//! resulting JS value onto the core's serde types directly.
//!
//! Why not serde_json or serde-wasm-bindgen: both turn every mismatch into a message such as
//! "invalid type: floating point `1.5`, expected u32", and that one feature links the float
//! formatter and serde's `Unexpected`/`Expected` printing into the bundle (~25 KiB of the
//! Messenger's wasm). A browser client cannot show such a message to anyone anyway: it says
//! "not understood" in its own words. So [`NotUnderstood`] carries no text, and nothing that
//! builds one formats anything.

mod deserializer;
mod serializer;

pub use deserializer::{from_js, NotUnderstood};
pub use serializer::{to_json, Unwritable};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A JSON text (a socket frame, an XHR's answer) as `T`; `None` when it is not JSON or not a `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_js(js_sys::JSON::parse(text).ok()?).ok()
}

/// `value` as JSON text (a request body); `None` if it cannot be written as JSON.
pub fn stringify(value: &impl Serialize) -> Option<String> {
    to_json(value).ok()
}
