//! Conversations and messages: the admin routes (`api`; close, reopen and unlink in
//! `lifecycle`; `attachments` for an agent's files; `teamwork` for assignment, notes and who did
//! what; `attention` for unread state; `handoff_offer` for an agent offering the visitor
//! WhatsApp), their steps and the cron's auto-resolve (`service`), the D1 statements of
//! conversations and messages (`store`) and the rows read back (`rows`); read receipts and typing
//! sent back to a WhatsApp customer (`receipts`); an agent's reaction and quoted reply
//! (`reactions`; in the Messenger, and the thread as the visitor sees it: `messenger_view`). The
//! webhook places inbound messages.

pub mod api;
pub mod attachments;
pub mod attention;
pub mod handoff_offer;
pub mod lifecycle;
pub mod messenger_view;
pub mod reactions;
pub mod receipts;
pub mod rows;
pub mod service;
pub mod store;
pub mod teamwork;
