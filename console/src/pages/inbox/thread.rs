//! A conversation's thread: its header (channel, number, open or closed, Close or Reopen), the
//! handoff marked and the undo of a disputed WhatsApp link, earlier messages on request, the
//! messages, and the composer below.

use serde_json::{json, Value};
use switchboard_core::api::{
    within_reply_window, Channel, ConversationDetail, ConversationStatus, Direction, MessageView,
};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::composer::Composer;
use super::list::channel_label;
use super::message::{message_item, Answer};
use super::message_events::{folded, react_with, referral_banner};
use super::receipts::use_seen;
use super::teamwork::{activity_item, AssignControl, NoteForm};
use crate::api::Admin;
use crate::dom::{focus, now_seconds, Counter};
use switchboard_core::customer_identity::customer_handle;
use switchboard_core::team::session::Me;
use switchboard_core::team::Member;

#[derive(Properties, PartialEq)]
pub struct ThreadProps {
    pub admin: Admin,
    pub id: String,
    pub on_change: Callback<()>,
    /// Changes whenever the live socket reports something (or reconnects).
    pub live: u32,
    /// The members (to assign to, and to name them).
    pub team: Vec<Member>,
}

#[function_component(Thread)]
pub fn thread(props: &ThreadProps) -> Html {
    let me = use_context::<std::rc::Rc<Me>>();
    let detail = use_state(|| None::<ConversationDetail>);
    let send_error = use_state(|| None::<String>);
    let version = use_reducer(Counter::default);
    // Long threads come in pages: the newest first, older ones on request. After the first load
    // the refresh asks for everything from the window's first message on (`since`), so the
    // window only grows and never leaves a gap before the older pages shown above it.
    let older = use_state(Vec::<MessageView>::new);
    let older_cursor = use_state(|| None::<String>);
    let anchor = use_state(|| None::<String>);
    let quoting = use_state(|| None::<MessageView>);
    {
        let (admin, id, detail) = (props.admin.clone(), props.id.clone(), detail.clone());
        let (anchor, older_cursor) = (anchor.clone(), older_cursor.clone());
        use_effect_with((version.0, props.live), move |_| {
            let url = match &*anchor {
                Some(a) => format!("/conversations/{id}?since={a}"),
                None => format!("/conversations/{id}"),
            };
            // Only the newest read is shown: an older answer arriving late (a live refresh
            // racing the next one) would put back a status that has moved on.
            let superseded = std::rc::Rc::new(std::cell::Cell::new(false));
            let stale = superseded.clone();
            spawn_local(async move {
                let answer = admin.get::<ConversationDetail>(&url).await;
                if stale.get() {
                    return;
                }
                if let Ok(d) = answer {
                    if anchor.is_none() {
                        if let Some(first) = d.messages.first() {
                            anchor.set(Some(first.cursor.clone()));
                            older_cursor.set(d.older.clone());
                        }
                    }
                    detail.set(Some(d));
                }
            });
            move || superseded.set(true)
        });
    }
    // A conversation just opened takes focus at its heading, once loaded: a keyboard user goes on
    // from there to its messages and the reply box, and a screen reader says whose it is.
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with(detail.is_some(), move |loaded| {
            if *loaded {
                focus(&heading);
            }
        });
    }
    // A button that goes away once used (Retry, Undo WhatsApp link, Show earlier messages) first
    // hands the keyboard's focus to the message list, where what it changed is shown; otherwise
    // focus would fall back to the start of the page.
    let messages_list = use_node_ref();
    let load_older = {
        let (admin, id) = (props.admin.clone(), props.id.clone());
        let (older, older_cursor) = (older.clone(), older_cursor.clone());
        let messages_list = messages_list.clone();
        Callback::from(move |_| {
            let Some(cursor) = (*older_cursor).clone() else {
                return;
            };
            focus(&messages_list);
            let (admin, id, older, older_cursor) = (
                admin.clone(),
                id.clone(),
                older.clone(),
                older_cursor.clone(),
            );
            spawn_local(async move {
                if let Ok(page) = admin
                    .get::<ConversationDetail>(&format!("/conversations/{id}?before={cursor}"))
                    .await
                {
                    let mut all = page.messages;
                    all.extend((*older).iter().cloned());
                    older.set(all);
                    older_cursor.set(page.older);
                }
            });
        })
    };
    // The agent sees the thread: it is read for them (and, on WhatsApp, for the customer).
    // The customer's latest message of the conversation's channel keeps its answer buttons shown.
    let last_inbound = detail.as_ref().and_then(|d| {
        d.messages
            .iter()
            .rev()
            .find(|m| m.channel == d.conversation.channel && m.direction == Direction::Inbound)
            .map(|m| m.id.clone())
    });
    let newest = detail
        .as_ref()
        .and_then(|d| d.messages.last().map(|m| m.id.clone()));
    use_seen(&props.admin, &props.id, newest);
    let Some(d) = (*detail).clone() else {
        return html! { <section class="thread"><p>{ "Loading…" }</p></section> };
    };
    let c = &d.conversation;
    let whatsapp = c.channel == Channel::Whatsapp;
    let window_open = !whatsapp || within_reply_window(c.last_inbound_at, now_seconds());
    let bump = {
        let (version, on_change) = (version.dispatcher(), props.on_change.clone());
        Callback::from(move |_: ()| {
            version.dispatch(());
            on_change.emit(());
        })
    };
    // Close, reopen and retry: a POST under the conversation, then a refresh.
    let post_action = |path: String| {
        let (admin, id, bump, send_error) = (
            props.admin.clone(),
            props.id.clone(),
            bump.clone(),
            send_error.clone(),
        );
        // Close, Reopen and Offer WhatsApp are buttons that stay; every other action's goes away.
        let button_stays = matches!(path.as_str(), "close" | "reopen" | "handoff-offer");
        let messages_list = messages_list.clone();
        Callback::from(move |_| {
            if !button_stays {
                focus(&messages_list);
            }
            let (admin, url, bump, send_error) = (
                admin.clone(),
                format!("/conversations/{id}/{path}"),
                bump.clone(),
                send_error.clone(),
            );
            spawn_local(async move {
                match admin.post::<Value>(&url, &json!({})).await {
                    Ok(_) => send_error.set(None),
                    Err(e) => send_error.set(Some(e.to_string())),
                }
                bump.emit(());
            });
        })
    };

    // Reply to or react on a customer's message: on WhatsApp while a reply can go out, in the
    // Messenger always.
    let answer = window_open.then(|| Answer {
        channel: c.channel,
        reply: {
            let quoting = quoting.clone();
            Callback::from(move |m: MessageView| quoting.set(Some(m)))
        },
        react: react_with(&props.admin, &props.id, &bump, &send_error),
        latest: last_inbound.clone(),
    });
    let mut items = Vec::new();
    let mut previous_channel = None;
    let thread: Vec<MessageView> = older.iter().chain(&d.messages).cloned().collect();
    // What agents did, by time between the messages; what happened before the first message
    // shown waits for the earlier messages to be shown.
    let first_shown = thread.first().map(|m| m.sent_at);
    let mut activity = d
        .activity
        .iter()
        .filter(|a| older_cursor.is_none() || first_shown.is_some_and(|t| a.at >= t))
        .peekable();
    for m in &thread {
        while let Some(a) = activity.next_if(|a| a.at < m.sent_at) {
            items.push(activity_item(a, &props.team));
        }
        // A reaction, edit or deletion shows on the message it acts on, when that is in view.
        if folded(m, &thread) {
            continue;
        }
        if c.handed_off_at.is_some()
            && previous_channel == Some(Channel::Messenger)
            && m.channel == Channel::Whatsapp
        {
            items.push(html! { <li class="divider">{ "Continued on WhatsApp" }</li> });
        }
        previous_channel = Some(m.channel);
        items.push(message_item(
            m,
            &thread,
            post_action(format!("messages/{}/retry", m.id)),
            &props.admin,
            &bump,
            answer.as_ref(),
        ));
    }
    items.extend(activity.map(|a| activity_item(a, &props.team)));
    // WhatsApp: `@username · +phone` (issue 23); a username-only customer's BSUID is no number.
    let handle = customer_handle(c.username.as_deref(), c.phone.as_deref());
    let title = c
        .contact_name
        .clone()
        .or_else(|| handle.clone())
        .or_else(|| c.wa_id.clone())
        .unwrap_or_else(|| "Website visitor".to_owned());
    let open = c.status == ConversationStatus::Open;
    let offered = c.handoff_offered_at.is_some();
    html! {
        <section class="thread" aria-label={format!("Conversation with {title}")}>
            <header class="row between">
                <div>
                    <h2 tabindex="-1" ref={heading}>{ title }</h2>
                    <p class="meta">
                        { channel_label(c) }
                        { handle.filter(|_| c.contact_name.is_some()).map(|h| format!(" · {h}")).unwrap_or_default() }
                        { if open { " · open".to_owned() } else { format!(" · closed{}", c.close_reason.map(|r| format!(" ({})", serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())).unwrap_or_default()) } }
                    </p>
                </div>
                // One button that changes, not two: the one pressed keeps the keyboard's focus.
                <button onclick={post_action(if open { "close" } else { "reopen" }.to_owned())}>{ if open { "Close conversation" } else { "Reopen" } }</button>
            </header>
            <AssignControl admin={props.admin.clone()} id={props.id.clone()} assignee={c.assignee.clone()}
                team={props.team.clone()} me={me.as_ref().and_then(|m| m.email.clone())} on_change={bump.clone()} error={send_error.clone()} />
            if let Some(r) = &c.referral { { referral_banner(r) } }
            if c.link_disputed_at.is_some() && c.handed_off_at.is_some() {
                <div class="warning" role="alert">
                    <p>{ "The website visitor says this WhatsApp number is not theirs: someone else may have sent their handoff code. If so, undo the link — the conversation returns to the visitor's Messenger with its history, and these WhatsApp messages stay here, marked." }</p>
                </div>
            }
            if c.handed_off_at.is_some() && c.visitor_id.is_some() {
                <p class="row">
                    <button onclick={post_action("unlink".to_owned())}>{ "Undo WhatsApp link" }</button>
                    <span class="hint">{ "Only if this WhatsApp account is not the website visitor's." }</span>
                </p>
            }
            if c.channel == Channel::Messenger && open && c.handed_off_at.is_none() && c.visitor_id.is_some() {
                <p class="row">
                    <button onclick={post_action("handoff-offer".to_owned())}>{ if offered { "Offer WhatsApp again" } else { "Offer WhatsApp" } }</button>
                    <span class="hint">{ if offered { "Offered: the visitor's Messenger shows a code and QR code to continue on WhatsApp." } else { "Shows the visitor a code and QR code to continue this conversation on WhatsApp, with its history." } }</span>
                </p>
            }
            if c.unlinked_at.is_some() {
                <p class="hint" role="status">{ "The WhatsApp link was undone: the visitor continues in the Messenger. Messages marked “unlinked” came from the WhatsApp account that sent their code." }</p>
            }
            if older_cursor.is_some() {
                <button class="older" onclick={load_older}>{ "Show earlier messages" }</button>
            }
            // It scrolls on its own: focusable, so the keyboard can scroll it too.
            <ol class="messages" aria-label="Messages" tabindex="0" ref={messages_list}>{ for items }</ol>
            if let Some(e) = &*send_error { <p class="error" role="alert">{ e.clone() }</p> }
            <NoteForm admin={props.admin.clone()} id={props.id.clone()} on_change={bump.clone()} />
            <Composer admin={props.admin.clone()} id={props.id.clone()} phone_number_id={c.phone_number_id.clone()}
                {whatsapp} {window_open} send_error={send_error.clone()} bump={bump.clone()}
                quoting={(*quoting).clone()} clear_quote={{ let q = quoting.clone(); Callback::from(move |_| q.set(None)) }} />
        </section>
    }
}
