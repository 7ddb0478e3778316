//! Limits on the anonymous widget API, with Cloudflare's Rate Limiting binding: per client IP
//! for every route (sessions most tightly: each is a new visitor), and per visitor for messages
//! and handoff codes. Over a limit: 429 with `Retry-After` and words the Messenger can show.
//!
//! These bound abuse; allowed origins only govern which pages a browser lets embed the widget —
//! any client can call the API without an Origin.

use worker::{Env, Request};

use crate::error::EdgeError;
use crate::platform::http::header;

/// What is being limited; each names its binding (see `[[ratelimits]]` in wrangler.toml).
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// New or renewed sessions per IP (`RL_SESSION`, 20 a minute).
    Session,
    /// Widget API calls of any kind per IP (`RL_IP`, 120 a minute).
    AnyCall,
    /// Messages per visitor (`RL_VISITOR`, 30 a minute).
    Message,
    /// Handoff codes per visitor (`RL_HANDOFF`, 5 a minute).
    Handoff,
    /// Live tickets per visitor, and live sockets per client (`RL_LIVE`, 60 a minute).
    Live,
}

impl Limit {
    fn binding(self) -> &'static str {
        match self {
            Self::Session => "RL_SESSION",
            Self::AnyCall => "RL_IP",
            Self::Message => "RL_VISITOR",
            Self::Handoff => "RL_HANDOFF",
            Self::Live => "RL_LIVE",
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            Self::Session | Self::AnyCall => {
                "Lots of chats are starting from your network right now. Please try again in a minute."
            }
            Self::Message => {
                "You're sending messages faster than we can read them. Please wait a minute, then send again."
            }
            Self::Handoff => {
                "That's a lot of WhatsApp links in a short time. Please wait a minute and try again."
            }
            Self::Live => {
                "Too many live connections from here right now. The chat keeps working and checks for replies now and then."
            }
        }
    }
}

/// The binding's window: Cloudflare's simple limits count over 10 or 60 seconds; ours use 60.
const WINDOW_SECONDS: u32 = 60;

/// Counts one call against `limit` for `key`; 429 when over it. A missing or failing binding
/// lets the call through (logged): availability over strictness. The limits bound abuse of an
/// API that is anonymous by design; what a limiter outage lets through is still authenticated
/// (visitor tokens, tickets), still capped per room (sockets) and per request (body sizes), so
/// failing closed would only turn a limiter incident into a chat outage for every visitor.
pub async fn check(env: &Env, limit: Limit, key: &str) -> Result<(), EdgeError> {
    let limiter = match env.rate_limiter(limit.binding()) {
        Ok(limiter) => limiter,
        Err(e) => {
            worker::console_error!("rate limiter {} unavailable: {e}", limit.binding());
            return Ok(());
        }
    };
    match limiter.limit(format!("{}:{key}", limit.binding())).await {
        Ok(outcome) if !outcome.success => Err(EdgeError::TooManyRequests {
            retry_after: WINDOW_SECONDS,
            message: limit.refusal(),
        }),
        Ok(_) => Ok(()),
        Err(e) => {
            worker::console_error!("rate limiter {} failed: {e}", limit.binding());
            Ok(())
        }
    }
}

/// The key the caller is counted under: its IPv4 address, or its IPv6 /64 (one subscriber's
/// network), so one client cannot walk around a limit by changing addresses inside its prefix.
pub fn client_key(req: &Request, trust_test_headers: bool) -> String {
    switchboard_core::client_key::client_key(&client_ip(req, trust_test_headers))
}

/// The caller's IP as Cloudflare saw it. `X-Test-Client-Ip` is honoured only with the test
/// seam `TRUST_TEST_COUNTRY_HEADER` (never in production), so local tests can be many clients.
pub fn client_ip(req: &Request, trust_test_headers: bool) -> String {
    if trust_test_headers {
        if let Some(ip) = header(req, "x-test-client-ip") {
            return ip;
        }
    }
    header(req, "cf-connecting-ip").unwrap_or_else(|| "unknown".to_owned())
}
