//! WhatsApp Cloud API webhooks: the verification handshake and signed deliveries.

pub mod api;
pub mod replay;
pub mod service;
pub mod store;
pub mod wiring;
