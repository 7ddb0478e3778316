//! Connected WhatsApp numbers: connect, settings, business profile, disconnect.

pub mod api;
pub mod service;
mod store;
