//! The inbox's conversation list: who, channel, number, message count, last activity and, for
//! an open WhatsApp conversation, its 24-hour reply window (flagged when unanswered and closing
//! within the hour). Choosing one opens its thread.

use switchboard_core::api::{Channel, ConversationStatus, ConversationView, NumberView};
use switchboard_core::customer_identity::customer_handle;
use switchboard_core::reply_window::{reply_window, ReplyWindow};
use yew::prelude::*;

use crate::dom::time_label;
use crate::forms::duration;
use switchboard_core::team::session::initials;
use switchboard_core::team::Member;

/// The list, `selected` marked; `on_select` opens the conversation clicked (its address);
/// `clock` is now (for the countdowns).
pub fn conversation_list(
    list: &[ConversationView],
    numbers: &[NumberView],
    team: &[Member],
    selected: Option<&str>,
    on_select: &Callback<String>,
    clock: i64,
) -> Html {
    let label_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| numbers.iter().find(|n| &n.phone_number_id == id))
            .map(|n| n.label.clone())
    };
    html! {
        <ul class="conversations" aria-label="Conversations">
            if list.is_empty() { <li class="empty">{ "No conversations match." }</li> }
            { for list.iter().map(|c| {
                let id = c.id.clone();
                let onclick = on_select.reform(move |_: MouseEvent| id.clone());
                // WhatsApp: `@username · +phone` (issue 23); a username-only customer's BSUID is no number.
                let handle = customer_handle(c.username.as_deref(), c.phone.as_deref());
                let who = c.contact_name.clone().or_else(|| handle.clone()).or_else(|| c.wa_id.clone()).unwrap_or_else(|| "Website visitor".to_owned());
                let window = window_label(c, clock);
                let flagged = window.as_ref().is_some_and(|(_, f)| *f);
                let active = selected == Some(c.id.as_str());
                html! {
                    <li key={c.id.clone()}>
                        <button class={classes!("conversation", active.then_some("active"), flagged.then_some("flagged"))} aria-current={active.then_some("true")} {onclick}>
                            <strong>{ who }</strong>
                            if let Some(handle) = handle.filter(|_| c.contact_name.is_some()) {
                                <span class="meta">{ handle }</span>
                            }
                            <span class="meta">{ channel_label(c) }{ label_of(&c.phone_number_id).map(|l| format!(" · {l}")).unwrap_or_default() }{ format!(" · {} messages", c.message_count) }</span>
                            <span class="meta">{ time_label(c.last_message_at) }</span>
                            if let Some(email) = &c.assignee {
                                { assignee_badge(email, team) }
                            }
                            if c.opened_after_hours {
                                <span class="after-hours">{ "Arrived after hours" }</span>
                            }
                            if let Some((text, flag)) = window {
                                <span class={classes!("window", flag.then_some("flag"))}>{ text }</span>
                            }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

/// The assignee's initials, named in full for screen readers and on hover.
fn assignee_badge(email: &str, team: &[Member]) -> Html {
    let name = team
        .iter()
        .find(|m| m.email == email)
        .map_or_else(|| email.to_owned(), |m| m.display_name.clone());
    let label = format!("Assigned to {name}");
    html! {
        <span class="assignee" title={label.clone()}>
            <span aria-hidden="true">{ initials(&name) }</span>
            <span class="sr">{ label }</span>
        </span>
    }
}

/// The 24-hour reply window of an open WhatsApp conversation, and whether it is flagged
/// (unanswered, closing within the hour).
fn window_label(c: &ConversationView, now: i64) -> Option<(String, bool)> {
    if c.channel != Channel::Whatsapp || c.status != ConversationStatus::Open {
        return None;
    }
    Some(
        match reply_window(c.last_inbound_at, c.last_outbound_at, now) {
            ReplyWindow::Closed => ("Reply window closed: templates only".to_owned(), false),
            ReplyWindow::Open {
                seconds_left,
                flagged: true,
                ..
            } => (
                format!("Unanswered — window closes in {}", duration(seconds_left)),
                true,
            ),
            ReplyWindow::Open { seconds_left, .. } => (
                format!("{} left to reply freely", duration(seconds_left)),
                false,
            ),
        },
    )
}

/// How the conversation reached the inbox: the Messenger, WhatsApp, or the one handed off to the
/// other.
pub fn channel_label(c: &ConversationView) -> &'static str {
    match (c.channel, c.handed_off_at) {
        (_, Some(_)) => "Messenger → WhatsApp",
        (Channel::Whatsapp, None) => "WhatsApp",
        (Channel::Messenger, None) => "Messenger",
    }
}
