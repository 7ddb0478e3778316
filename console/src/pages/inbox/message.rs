//! One message in a thread: direction and channel, the message it quotes (a button that jumps
//! to it), its content by type (with the file, if any), edited and deleted marks, reactions, time
//! and delivery status, WhatsApp's error with a hint, and Retry or Send again.
//!
//! Deletion policy: a message the customer deleted for everyone stays readable to agents, dimmed
//! and marked "Deleted by the customer". It reached the business before it was deleted, an agent
//! may already have acted on it, and the support record must show what was asked; removing a
//! customer's data is the owner's erasure process, not a side effect of WhatsApp's "delete".

use switchboard_core::api::{Channel, Direction, MessageView};
use switchboard_core::delivery_status::DeliveryStatus;
use switchboard_core::whatsapp_errors::explain;
use yew::prelude::*;

use crate::api::Admin;
use crate::components::media_view::MediaBox;
use crate::components::message_content::{content_view, snippet, typed};
use crate::dom::time_label;
use crate::forms::describe;

/// The element id of a message in the thread (quotes jump to it).
pub fn anchor(message_id: &str) -> String {
    format!("msg-{message_id}")
}

/// What an agent can do with a customer's message: a WhatsApp message while the window is open,
/// a visitor's message in a Messenger conversation at any time.
#[derive(Clone)]
pub struct Answer {
    /// The conversation's channel: only its own messages can be answered (after a handoff, the
    /// visitor's Messenger messages stay in the thread, but the Messenger no longer shows it).
    pub channel: Channel,
    /// Quote it in the next reply.
    pub reply: Callback<MessageView>,
    /// Put our emoji on it (`None` takes it off): message id and emoji.
    pub react: Callback<(String, Option<String>)>,
    /// The customer's latest message (its id): its buttons always show. Others show theirs on
    /// hover or focus, so the keyboard's path from the thread to the reply box stays short.
    pub latest: Option<String>,
}

/// The emoji offered for a quick reaction.
const QUICK_REACTIONS: [&str; 4] = ["👍", "❤️", "🙏", "😊"];

pub fn message_item(
    m: &MessageView,
    thread: &[MessageView],
    retry: Callback<MouseEvent>,
    admin: &Admin,
    reload: &Callback<()>,
    answer: Option<&Answer>,
) -> Html {
    let mine = m.direction == Direction::Outbound;
    let status = m.status.map(|s| s.as_str()).unwrap_or_default();
    let whatsapp = m.channel == Channel::Whatsapp;
    let body = typed(m)
        .filter(|_| whatsapp)
        .and_then(|c| content_view(&c))
        .unwrap_or_else(|| html! { <span class="body">{ describe(m) }</span> });
    let deleted_by = if mine {
        "Deleted by the business"
    } else {
        "Deleted by the customer"
    };
    html! {
        <li key={m.id.clone()} id={anchor(&m.id)} tabindex="-1"
            class={classes!("message", if mine { "out" } else { "in" }, format!("via-{}", if whatsapp { "whatsapp" } else { "messenger" }), m.revoked_at.map(|_| "revoked"))}>
            if let Some(reply_to) = &m.reply_to { { quote(reply_to, thread) } }
            if m.detached { <span class="detached">{ "unlinked WhatsApp account" }</span> }
            if m.revoked_at.is_some() { <span class="deleted-mark">{ deleted_by }</span> }
            { body }
            if let Some(media) = &m.media {
                <MediaBox admin={admin.clone()} message_id={m.id.clone()} media={media.clone()} on_change={reload.clone()} />
            }
            if !m.edit_history.is_empty() {
                <details class="edit-history">
                    <summary>{ format!("Edited {} — earlier versions", if m.edit_history.len() == 1 { "once".to_owned() } else { format!("{} times", m.edit_history.len()) }) }</summary>
                    <ol>{ for m.edit_history.iter().map(|v| html! {
                        <li>{ v.text.clone().unwrap_or_default() }<span class="meta">{ format!(" · until {}", time_label(v.until)) }</span></li>
                    }) }</ol>
                </details>
            }
            { reactions(m) }
            if let Some(answer) = answer.filter(|a| !mine && a.channel == m.channel && (!whatsapp || m.wamid.is_some()) && answerable(&m.kind)) { { answer_bar(m, answer) } }
            <span class="meta">
                // Who sent an agent's message: "Ana · 10:42".
                { m.author_name.as_ref().map(|name| format!("{name} · ")).unwrap_or_default() }
                { time_label(m.sent_at) }
                if m.edited_at.is_some() { { " · edited" } }
                if mine && !status.is_empty() { <span class={classes!("status", status.to_owned())}>{ format!(" · {}", status_label(status)) }</span> }
            </span>
            if let Some(err) = m.error.as_ref().map(|e| explain(e.code, Some(&e.title))) {
                <span class="error">{ format!("{} (code {})", err.title, err.code) }</span>
                if let Some(hint) = err.hint { <span class="hint">{ hint }</span> }
            }
            if m.status == Some(DeliveryStatus::Failed) {
                <button class="retry" onclick={retry}>{ "Retry" }</button>
            } else if m.status == Some(DeliveryStatus::Unconfirmed) {
                <span class="hint">{ "WhatsApp did not confirm this in time; it may have been delivered." }</span>
                <button class="retry" onclick={retry}>{ "Send again" }</button>
            }
        </li>
    }
}

/// Reply (quoting it) or react: small buttons under a customer's message.
fn answer_bar(m: &MessageView, answer: &Answer) -> Html {
    let quoted = m.clone();
    let reply = answer.reply.reform(move |_: MouseEvent| quoted.clone());
    let ours = m.reactions.agent.clone();
    let latest = answer.latest.as_deref() == Some(m.id.as_str());
    html! {
        <span class={classes!("answer", latest.then_some("latest"))}>
            <button type="button" class="link" onclick={reply}>{ "Reply to this" }</button>
            { for QUICK_REACTIONS.iter().map(|emoji| {
                let (id, on) = (m.id.clone(), ours.as_deref() == Some(*emoji));
                let (shown, emoji) = (*emoji, (*emoji).to_owned());
                let label = if on { format!("Remove reaction {shown}") } else { format!("React {shown}") };
                let react = answer.react.reform(move |_: MouseEvent| (id.clone(), (!on).then(|| emoji.clone())));
                html! { <button type="button" class={classes!("emoji", on.then_some("on"))} aria-label={label} aria-pressed={on.to_string()} onclick={react}>{ shown }</button> }
            }) }
        </span>
    }
}

/// A customer's message one can quote or react to (not a notice of WhatsApp's own).
fn answerable(kind: &str) -> bool {
    !matches!(
        kind,
        "system" | "unsupported" | "unknown" | "reaction" | "edit" | "revoke" | "request_welcome"
    )
}

/// The emoji each side put on the message.
fn reactions(m: &MessageView) -> Html {
    let r = &m.reactions;
    if r.customer.is_none() && r.agent.is_none() {
        return Html::default();
    }
    html! {
        <span class="reactions">
            if let Some(e) = &r.customer { <span class="reaction" title="The customer's reaction">{ format!("{e} customer") }</span> }
            if let Some(e) = &r.agent { <span class="reaction" title="Our reaction">{ format!("{e} us") }</span> }
        </span>
    }
}

/// The quoted message (by wamid on WhatsApp, by our id in the Messenger): a button that brings
/// it into view and focus, or a note when it is not among the messages loaded.
fn quote(reply_to: &str, thread: &[MessageView]) -> Html {
    let quoted = |q: &&MessageView| q.wamid.as_deref() == Some(reply_to) || q.id == reply_to;
    match thread.iter().find(quoted) {
        Some(quoted) => {
            let target = anchor(&quoted.id);
            let who = if quoted.direction == Direction::Outbound {
                "us"
            } else {
                "the customer"
            };
            let jump = Callback::from(move |_: MouseEvent| jump_to(&target));
            html! {
                <button type="button" class="quote" onclick={jump}>
                    <span class="label">{ format!("Replying to {who}") }</span>
                    <span>{ snippet(quoted) }</span>
                </button>
            }
        }
        None => html! { <span class="reply-to">{ "↪ Replying to an earlier message" }</span> },
    }
}

fn jump_to(id: &str) {
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    element.scroll_into_view();
    if let Ok(html) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element) {
        let _ = html.focus();
    }
}

fn status_label(status: &str) -> &str {
    match status {
        "unconfirmed" => "not confirmed",
        other => other,
    }
}
