//! One message in a thread: direction and channel, what it replies to, its content (with the
//! file, if any), time and delivery status, WhatsApp's error, and Retry or Send again.

use switchboard_core::api::{Channel, Direction, MessageView};
use switchboard_core::delivery_status::DeliveryStatus;
use yew::prelude::*;

use crate::api::Admin;
use crate::components::media_view::MediaBox;
use crate::dom::time_label;
use crate::forms::describe;

pub fn message_item(
    m: &MessageView,
    retry: Callback<MouseEvent>,
    admin: &Admin,
    reload: &Callback<()>,
) -> Html {
    let mine = m.direction == Direction::Outbound;
    let status = m.status.map(|s| s.as_str()).unwrap_or_default();
    html! {
        <li key={m.id.clone()} class={classes!("message", if mine { "out" } else { "in" }, format!("via-{}", if m.channel == Channel::Whatsapp { "whatsapp" } else { "messenger" }))}>
            if let Some(reply_to) = &m.reply_to { <span class="reply-to">{ format!("↪ reply to {}", short(reply_to)) }</span> }
            if m.detached { <span class="detached">{ "unlinked WhatsApp account" }</span> }
            <span class="body">{ describe(m) }</span>
            if let Some(media) = &m.media {
                <MediaBox admin={admin.clone()} message_id={m.id.clone()} media={media.clone()} on_change={reload.clone()} />
            }
            <span class="meta">
                // Who sent an agent's message: "Ana · 10:42".
                { m.author_name.as_ref().map(|name| format!("{name} · ")).unwrap_or_default() }
                { time_label(m.sent_at) }
                if mine && !status.is_empty() { <span class={classes!("status", status.to_owned())}>{ format!(" · {}", status_label(status)) }</span> }
            </span>
            if let Some(err) = &m.error { <span class="error">{ format!("{} (code {})", err.title, err.code) }</span> }
            if m.status == Some(DeliveryStatus::Failed) {
                <button class="retry" onclick={retry}>{ "Retry" }</button>
            } else if m.status == Some(DeliveryStatus::Unconfirmed) {
                <span class="hint">{ "WhatsApp did not confirm this in time; it may have been delivered." }</span>
                <button class="retry" onclick={retry}>{ "Send again" }</button>
            }
        </li>
    }
}

fn status_label(status: &str) -> &str {
    match status {
        "unconfirmed" => "not confirmed",
        other => other,
    }
}

fn short(wamid: &str) -> String {
    let tail: String = wamid
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}
