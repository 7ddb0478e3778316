//! What the open thread tells the customer on WhatsApp: that the agent has seen their last
//! message (the edge sends one read receipt per message, whatever the console asks) and that the
//! agent is typing — asked at most every 20 s, and only while a reply could go out (the edge
//! checks the 24-hour window and the number's read-receipts setting again).

use serde_json::{json, Value};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;

/// Least time between two typing requests, in milliseconds (Meta shows the indicator 25 s).
const TYPING_EVERY_MS: f64 = 20_000.0;

fn post(admin: &Admin, id: &str, what: &str) {
    let (admin, url) = (admin.clone(), format!("/conversations/{id}/{what}"));
    spawn_local(async move {
        // A courtesy: a failure is not the agent's concern, and the next opening tries again.
        let _ = admin.post::<Value>(&url, &json!({})).await;
    });
}

/// Tells the edge the member has seen the thread through `newest` (its newest message) while
/// the thread is open and the tab visible — again when more arrives, or when the tab comes back:
/// their unread state clears, and a WhatsApp customer's last message is marked read.
#[hook]
pub fn use_seen(admin: &Admin, id: &str, newest: Option<String>) {
    let visible = use_tab_visible();
    let (admin, id) = (admin.clone(), id.to_owned());
    use_effect_with((id, newest, visible), move |(id, newest, visible)| {
        if newest.is_some() && *visible {
            post(&admin, id, "seen");
        }
    });
}

/// Whether the console's tab is visible now (follows `visibilitychange`).
#[hook]
pub fn use_tab_visible() -> bool {
    let visible = use_state(crate::dom::tab_visible);
    {
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let listener = crate::dom::on_visibility_change(move |now| visible.set(now));
            move || drop(listener)
        });
    }
    *visible
}

/// A callback for each keystroke: sends "typing…" when `active`, at most every 20 s.
#[hook]
pub fn use_typing(admin: &Admin, id: &str, active: bool) -> Callback<()> {
    let last_sent = use_mut_ref(|| f64::NEG_INFINITY);
    let (admin, id) = (admin.clone(), id.to_owned());
    Callback::from(move |_| {
        let now = js_sys::Date::now();
        if active && now - *last_sent.borrow() >= TYPING_EVERY_MS {
            *last_sent.borrow_mut() = now;
            post(&admin, &id, "typing");
        }
    })
}
