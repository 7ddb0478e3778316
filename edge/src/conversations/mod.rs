//! Conversations and messages: the admin routes (`api`, `attachments` for an agent's files, and
//! `teamwork` for assignment, notes and who did what, `attention` for unread state),
//! their steps and the cron's auto-resolve (`service`), the D1 statements of conversations and
//! messages (`store`) and the rows read back (`rows`). The webhook places inbound messages.

pub mod api;
pub mod attachments;
pub mod attention;
pub mod rows;
pub mod service;
pub mod store;
pub mod teamwork;
