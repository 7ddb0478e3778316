//! CSAT surveys: asked once when a conversation is resolved, answered on either channel
//! (rules in `core::csat`).

pub mod service;
pub mod store;
