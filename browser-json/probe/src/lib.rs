//! Test-only bridge: Node hands JSON text in, gets back what the browser decoder made of it,
//! written again by serde_json (or `"not understood"`), so a test compares plain objects.
//! Compiled for wasm32 only (what it probes exists only there).

#![cfg(target_arch = "wasm32")]

use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_core::api::{
    ErrorBody, HandoffOffer, WidgetConversation, WidgetMessage, WidgetSession,
};
use wasm_bindgen::prelude::*;

/// What a decoder that refused its input answers.
const REFUSED: &str = "not understood";

fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> String {
    switchboard_browser_json::parse::<T>(json)
        .and_then(|v| serde_json::to_string(&v).ok())
        .unwrap_or_else(|| REFUSED.to_owned())
}

/// `json` decoded as the API type `kind` by `switchboard_browser_json::parse`, then re-encoded.
#[wasm_bindgen]
pub fn decode(kind: &str, json: &str) -> String {
    match kind {
        "conversation" => round_trip::<WidgetConversation>(json),
        "message" => round_trip::<WidgetMessage>(json),
        "session" => round_trip::<WidgetSession>(json),
        "handoff" => round_trip::<HandoffOffer>(json),
        "error" => round_trip::<ErrorBody>(json),
        "live" => switchboard_live_client::decode_event(json)
            .and_then(|e| serde_json::to_string(&e).ok())
            .unwrap_or_else(|| REFUSED.to_owned()),
        other => format!("no such kind: {other}"),
    }
}

/// `json` read by serde_json as the request type `kind`, then written by
/// `switchboard_browser_json::stringify` (what the Messenger sends).
#[wasm_bindgen]
pub fn encode(kind: &str, json: &str) -> String {
    fn write<T: DeserializeOwned + Serialize>(json: &str) -> String {
        serde_json::from_str::<T>(json)
            .ok()
            .and_then(|v| switchboard_browser_json::stringify(&v))
            .unwrap_or_else(|| REFUSED.to_owned())
    }
    use switchboard_core::api::{
        HandoffRequest, RatingRequest, VisitorMessage, WidgetSessionRequest,
    };
    match kind {
        "session" => write::<WidgetSessionRequest>(json),
        "message" => write::<VisitorMessage>(json),
        "handoff" => write::<HandoffRequest>(json),
        "rating" => write::<RatingRequest>(json),
        other => format!("no such kind: {other}"),
    }
}
