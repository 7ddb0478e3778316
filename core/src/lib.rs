//! Switchboard's domain rules as plain functions over plain types.
//!
//! Nothing here knows about Workers, browsers or HTTP: the edge, the widget and
//! the console are thin adapters that call into these modules. Each rule lives
//! in the module named after it.

pub mod access_jwt;
pub mod admin_auth;
pub mod api;
pub mod audit;
pub mod client_key;
pub mod config_document;
pub mod contrast;
pub mod csat;
pub mod customer_identity;
pub mod deferred_work;
pub mod delivery_status;
pub mod file_checks;
pub mod handoff;
pub mod handoff_routing;
pub mod keys;
pub mod kpi;
pub mod language;
pub mod live;
pub mod live_publish;
pub mod manager_links;
pub mod media;
pub mod media_source;
pub mod messenger_quote;
pub mod messenger_texts;
pub mod opening_hours;
pub mod reply_time;
pub mod reply_window;
pub mod reset;
pub mod settings;
pub mod signature;
pub mod team;
pub mod token_cipher;
pub mod vcard;
pub mod visitor_token;
pub mod web_push;
pub mod webhook;
pub mod webhook_wiring;
pub mod whatsapp_errors;
pub mod whatsapp_outgoing;
