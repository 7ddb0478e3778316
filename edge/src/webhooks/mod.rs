//! WhatsApp Cloud API webhooks: the verification handshake and signed deliveries (`api`),
//! applying a delivery (`service`), its D1 statements (`store`), changes kept for numbers not
//! connected (`unrouted`) and their replay (`replay`), the wiring panel's data (`wiring`), and
//! changes the inbox does not show yet, kept whole (`not_shown_yet`).

pub mod api;
pub mod not_shown_yet;
pub mod replay;
pub mod service;
pub mod store;
pub mod unrouted;
pub mod wiring;
