//! What the thread shows around messages rather than as them: a reaction, edit or deletion
//! whose message is in view is folded onto that message (its own row is not shown again), and
//! the click-to-WhatsApp ad a conversation came from heads the thread; an agent's reaction is
//! sent from here.

use serde_json::{json, Value};
use switchboard_core::api::MessageView;
use switchboard_core::webhook::Referral;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::components::message_content::{acts_on, is_web_link};

/// Whether `m` is a reaction, edit or deletion of a message among `thread` (then that message
/// shows it, and `m` is not shown on its own).
pub fn folded(m: &MessageView, thread: &[MessageView]) -> bool {
    acts_on(m).is_some_and(|target| {
        thread
            .iter()
            .any(|other| other.wamid.as_deref() == Some(target.as_str()))
    })
}

/// "Came from an ad": the headline, the ad's text and its link (only an `http(s)` one).
pub fn referral_banner(r: &Referral) -> Html {
    let what = match r.source_type.as_deref() {
        Some("post") => "a post",
        _ => "an ad",
    };
    html! {
        <aside class="referral" aria-label="Where the customer came from">
            <strong>{ format!("Came from {what}: {}", r.headline.clone().unwrap_or_else(|| "(no headline)".to_owned())) }</strong>
            if let Some(body) = &r.body { <span>{ body.clone() }</span> }
            if let Some(url) = r.source_url.as_deref().filter(|u| is_web_link(u)) {
                <a href={url.to_owned()} target="_blank" rel="noopener noreferrer">{ url.to_owned() }</a>
            }
        </aside>
    }
}

/// Sends our reaction `(message id, emoji)` (`None` takes it off), then reads the thread again;
/// WhatsApp's refusal shows in the thread's error line.
pub fn react_with(
    admin: &Admin,
    conversation_id: &str,
    bump: &Callback<()>,
    error: &UseStateHandle<Option<String>>,
) -> Callback<(String, Option<String>)> {
    let (admin, conversation_id, bump, error) = (
        admin.clone(),
        conversation_id.to_owned(),
        bump.clone(),
        error.clone(),
    );
    Callback::from(move |(message_id, emoji): (String, Option<String>)| {
        let (admin, bump, error) = (admin.clone(), bump.clone(), error.clone());
        let url = format!("/conversations/{conversation_id}/messages/{message_id}/reaction");
        spawn_local(async move {
            match admin.post::<Value>(&url, &json!({ "emoji": emoji })).await {
                Ok(_) => error.set(None),
                Err(e) => error.set(Some(e.to_string())),
            }
            bump.emit(());
        });
    })
}
