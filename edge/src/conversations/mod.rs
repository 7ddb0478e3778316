//! Conversations and messages in D1: storage, the webhook's placement of
//! inbound messages (reset rule, handoff linking), and the admin routes.

pub mod api;
pub mod attachments;
pub mod rows;
pub mod store;
