//! What the isolate itself holds, for the owner and the benchmarks: the size of the Worker's
//! wasm memory (it grows and never shrinks, so it is the figure that would creep towards the
//! isolate's 128 MB if anything kept or read whole what it should stream).

use serde::Serialize;

/// `GET /api/admin/runtime`.
#[derive(Serialize)]
pub struct RuntimeFigures {
    pub wasm_memory_bytes: u64,
}

pub fn figures() -> RuntimeFigures {
    use wasm_bindgen::JsCast;
    let bytes = wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map(|b| u64::from(b.byte_length()))
                .unwrap_or(0)
        })
        .unwrap_or(0);
    RuntimeFigures {
        wasm_memory_bytes: bytes,
    }
}
