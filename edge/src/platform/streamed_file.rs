//! A file streamed from a response into R2 and hashed on the way, without its bytes ever
//! entering the Worker's wasm memory (which never shrinks: a 25 MiB file read whole would keep
//! the isolate ~80 MB heavier for the rest of its life, of its 128 MB).
//!
//! The body is `tee`d in the runtime: one branch goes through a `FixedLengthStream` of the
//! declared length into `R2Bucket.put` (R2 needs a known length; a body longer or shorter than
//! declared fails the write), the other into `crypto.DigestStream("SHA-256")`. Both are
//! Workers runtime classes, bound here by hand since `web-sys` does not know them.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use worker::{Bucket, HttpMetadata};

#[wasm_bindgen]
extern "C" {
    /// `new FixedLengthStream(length)`: an identity stream whose readable side has a known length.
    #[wasm_bindgen(extends = js_sys::Object)]
    type FixedLengthStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(length: f64) -> Result<FixedLengthStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &FixedLengthStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &FixedLengthStream) -> web_sys::WritableStream;

    /// `new crypto.DigestStream(algorithm)`: a writable stream whose `digest` resolves to the
    /// hash of everything written to it.
    #[wasm_bindgen(extends = web_sys::WritableStream, js_namespace = crypto)]
    type DigestStream;
    #[wasm_bindgen(constructor, js_namespace = crypto, catch)]
    fn new(algorithm: &str) -> Result<DigestStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn digest(this: &DigestStream) -> js_sys::Promise;
}

fn text(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the stream failed".to_owned())
}

/// Stores `body` (exactly `length` bytes) in `bucket` under `key` with type `mime`; the hex
/// SHA-256 of what was stored.
pub async fn put_hashed(
    bucket: &Bucket,
    key: String,
    body: web_sys::ReadableStream,
    length: u64,
    mime: &str,
) -> Result<String, String> {
    let branches = body.tee();
    let to_store: web_sys::ReadableStream = branches.get(0).unchecked_into();
    let to_hash: web_sys::ReadableStream = branches.get(1).unchecked_into();
    let fixed = FixedLengthStream::new(length as f64).map_err(text)?;
    let digest = DigestStream::new("SHA-256").map_err(text)?;
    let piping = JsFuture::from(to_store.pipe_to(&fixed.writable()));
    let hashing = JsFuture::from(to_hash.pipe_to(&digest));
    let put = bucket
        .put(key, fixed.readable())
        .http_metadata(HttpMetadata {
            content_type: Some(mime.to_owned()),
            ..HttpMetadata::default()
        })
        .execute();
    let (put, piped, hashed) = futures_util::join!(put, piping, hashing);
    put.map_err(|e| format!("R2: {e}"))?;
    piped.map_err(text)?;
    hashed.map_err(text)?;
    let sum = JsFuture::from(digest.digest()).await.map_err(text)?;
    Ok(hex::encode(js_sys::Uint8Array::new(&sum).to_vec()))
}
