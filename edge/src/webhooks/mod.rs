//! WhatsApp Cloud API webhooks: the verification handshake and signed deliveries (`api`),
//! applying a delivery (`service`), one message or Business-app echo on its way in (`inbound`)
//! what it does to earlier messages (`effects`) and
//! what it teaches about who the customer is (`identity`), its D1 statements (`store`), changes kept for numbers not
//! connected (`unrouted`) and their replay (`replay`), the wiring panel's data (`wiring`), and
//! history syncs the inbox does not show, kept whole (`not_shown_yet`).

pub mod api;
mod effects;
mod identity;
mod inbound;
pub mod not_shown_yet;
pub mod replay;
pub mod service;
pub mod store;
pub mod unrouted;
pub mod wiring;
