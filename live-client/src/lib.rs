//! The browser side of live conversations, shared by the Messenger and the console.
//!
//! [`LiveLink::start`] asks for a ticket (through the caller's own authenticated API), opens
//! the WebSocket and reports [`Signal`]s: `Connected` (catch up from the API now — after a gap
//! too), each [`LiveEvent`], and `Poll` while it has fallen back to asking on a timer. It pings
//! every [`KEEPALIVE_MS`], reconnects with backoff and jitter ([`backoff_ms`]), and falls back
//! to a slow timer (never from a hidden tab) when a socket could not be opened
//! [`ATTEMPTS_BEFORE_FALLBACK`] times in a row — a proxy that blocks WebSockets, say — while it
//! keeps trying to reconnect at the longest backoff. [`LiveLink::stop`] closes everything.
//!
//! Compiled for wasm32 only; on other targets the crate is empty.

#[cfg(target_arch = "wasm32")]
mod link;
#[cfg(target_arch = "wasm32")]
pub use link::{decode_event, LiveLink, Signal, TicketSource};
