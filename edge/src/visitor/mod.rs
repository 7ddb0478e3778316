//! The visitor's side: the Messenger's loader (`loader`, `/widget.js` with its launcher's words)
//! and the widget's API under `/api/widget`: session, conversation, messages, files, ratings and
//! the handoff offer (`api` and `files` take HTTP, `service` holds the steps
//! between, `store` the visitor's D1 statements, `handoff` codes and QR codes).

pub mod api;
mod files;
mod handoff;
pub mod loader;
mod service;
mod store;
