//! Connected WhatsApp numbers: the admin routes (`api`: connect, settings, business profile,
//! templates, stats, disconnect), the connect/patch/disconnect steps (`service`) and their
//! D1 reads (`store`). The number registry every feature uses is `config::numbers`.

pub mod api;
pub mod service;
mod store;
