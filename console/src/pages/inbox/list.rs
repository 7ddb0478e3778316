//! The inbox's conversation list, a row per conversation: who, when (relative), channel and
//! number, the newest message on one line with its sender, an unread badge (and the row in bold),
//! the assignee's initials and, for an open WhatsApp conversation, its 24-hour reply window
//! (flagged when unanswered and closing within the hour). Choosing one opens its thread.

use switchboard_core::api::{Channel, ConversationStatus, ConversationView, NumberView};
use switchboard_core::reply_window::{reply_window, ReplyWindow};
use yew::prelude::*;

use crate::attention::last_line;
use crate::dom::{count_of, relative_time, time_label};
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
                let who = crate::attention::who(c);
                let window = window_label(c, clock);
                let flagged = window.as_ref().is_some_and(|(_, f)| *f);
                let active = selected == Some(c.id.as_str());
                let unread = c.unread > 0;
                html! {
                    <li key={c.id.clone()}>
                        <button class={classes!("conversation", active.then_some("active"), flagged.then_some("flagged"), unread.then_some("unread"))} aria-current={active.then_some("true")} {onclick}>
                            <span class="row-top">
                                <strong>{ who }</strong>
                                if unread {
                                    <span class="unread-badge">
                                        <span aria-hidden="true">{ c.unread }</span>
                                        <span class="sr">{ count_of(c.unread, "unread message", "unread messages") }</span>
                                    </span>
                                }
                                <time class="when" title={time_label(c.last_message_at)}>{ relative_time(clock, c.last_message_at) }</time>
                            </span>
                            // A named customer's WhatsApp username too (the thread shows their number).
                            if let (Some(_), Some(username)) = (&c.contact_name, &c.username) {
                                <span class="meta">{ format!("@{username}") }</span>
                            }
                            <span class="meta">{ channel_label(c) }{ label_of(&c.phone_number_id).map(|l| format!(" · {l}")).unwrap_or_default() }{ format!(" · {}", count_of(c.message_count, "message", "messages")) }</span>
                            if let Some(m) = &c.last_message {
                                <span class="preview">{ last_line(m) }</span>
                            }
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
