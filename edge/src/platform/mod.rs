//! Adapters to the platform the Worker runs on, shared by every feature: D1 statements, HTTP
//! helpers, the clock, randomness, the Rate Limiting bindings, Turnstile, the Graph API
//! client and the work queue's producer. Nothing here knows a feature; features call down into it.

pub mod clock;
pub mod d1;
pub mod graph;
pub mod http;
pub mod queue;
pub mod random;
pub mod rate_limits;
pub mod runtime;
pub mod streamed_file;
pub mod turnstile;
