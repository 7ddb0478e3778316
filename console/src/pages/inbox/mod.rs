//! The inbox: conversations filtered by number, channel and status (`filters`, `list`); a
//! `thread` with every `message` type shown as it was meant (reactions, edits and deletions
//! folded onto their message, the ad a conversation came from: `message_events`; read receipts
//! and typing sent back to a WhatsApp customer: `receipts`), the handoff marked, delivery statuses, and a reply
//! box (`composer`) that respects WhatsApp's 24-hour window (templates outside it). Nothing typed
//! is lost: a failed send stays visible with its error and a retry. New conversations and
//! messages arrive over the live socket. The open conversation is the address's
//! (`/console/inbox/<conversation>`): choosing one goes there, and back and reload keep it.

mod attention;
mod composer;
mod filters;
mod keys;
mod list;
mod message;
mod message_events;
mod receipts;
mod teamwork;
mod thread;

use std::rc::Rc;

use switchboard_core::api::{ConversationView, NumberView};
use switchboard_core::team::Member;
use switchboard_live_client::{LiveLink, Signal, TicketSource};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::Admin;
use crate::components::push_toggle::PushToggle;
use crate::dom::{now_seconds, Counter};
use crate::route::Route;
use filters::filter_bar;
use list::conversation_list;
use thread::Thread;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
    /// The conversation open, from the address.
    pub selected: Option<String>,
}

#[function_component(Inbox)]
pub fn inbox(props: &Props) -> Html {
    let number = use_state(String::new);
    let channel = use_state(String::new);
    let status = use_state(|| "open".to_owned());
    let customer = use_state(String::new);
    let window = use_state(String::new);
    // `""` all, `none` unassigned, `me` mine.
    let assignee = use_state(String::new);
    let team = use_state(Vec::<Member>::new);
    let numbers = use_state(Vec::<NumberView>::new);
    let list = use_state(Vec::<ConversationView>::new);
    let navigator = use_navigator();
    let on_select = Callback::from(move |conversation: String| {
        if let Some(navigator) = &navigator {
            navigator.push(&Route::Conversation { conversation });
        }
    });
    let tick = use_reducer(Counter::default);
    let error = use_state(|| None::<String>);
    {
        let (admin, numbers, team) = (props.admin.clone(), numbers.clone(), team.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(n) = admin.get::<Vec<NumberView>>("/numbers").await {
                    numbers.set(n);
                }
                if let Ok(t) = admin.get::<Vec<Member>>("/team").await {
                    team.set(t);
                }
            });
        });
    }
    {
        let (admin, list, error) = (props.admin.clone(), list.clone(), error.clone());
        // WhatsApp ids are the number's digits: "+1 (650) 555-1234" finds 16505551234. Text with a
        // letter is a WhatsApp username ("@sheena.nelson"), sent as typed (issue 23).
        let wa_id: String = if customer.chars().any(char::is_alphabetic) {
            String::from(js_sys::encode_uri_component(customer.trim()))
        } else {
            customer.chars().filter(char::is_ascii_digit).collect()
        };
        let query = format!(
            "/conversations?number={}&channel={}&status={}&wa_id={wa_id}&window={}&assignee={}",
            *number, *channel, *status, *window, *assignee
        );
        use_effect_with((query, tick.0), move |(query, _)| {
            let query = query.clone();
            // Answers can come back out of order (a live refresh racing a new filter): only the
            // newest request's answer is shown; an older one is dropped when it arrives.
            let superseded = Rc::new(std::cell::Cell::new(false));
            let stale = superseded.clone();
            spawn_local(async move {
                let answer = admin.get::<Vec<ConversationView>>(&query).await;
                if stale.get() {
                    return;
                }
                match answer {
                    Ok(l) => {
                        list.set(l);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
            move || superseded.set(true)
        });
    }
    // Redraws the reply-window countdowns every 30 s (no request).
    let clock = use_state(now_seconds);
    {
        let clock = clock.clone();
        use_effect_with((), move |_| {
            let timer =
                gloo_timers::callback::Interval::new(30_000, move || clock.set(now_seconds()));
            move || drop(timer)
        });
    }
    // Bumped by the live socket: the open thread reads what changed.
    let live = use_reducer(Counter::default);
    {
        // New conversations, messages, statuses, handoffs and closes arrive on the inbox's live
        // socket; each (re)connection catches up. Without a socket: every 12 s, visible tab only.
        let (admin, tick, live) = (props.admin.clone(), tick.dispatcher(), live.dispatcher());
        use_effect_with((), move |_| {
            let tickets: TicketSource = Rc::new(move || {
                let admin = admin.clone();
                Box::pin(async move { admin.live_url().await.map_err(|e| e.to_string()) })
            });
            let link = LiveLink::start(tickets, move |_signal: Signal| {
                tick.dispatch(());
                live.dispatch(());
            });
            move || link.stop()
        });
    }
    let refresh = {
        let tick = tick.dispatcher();
        Callback::from(move |_: ()| tick.dispatch(()))
    };
    attention::use_attention(&props.admin, &list, props.selected.clone(), tick.0);
    let shortcuts = use_state(|| false);
    keys::use_inbox_keys({
        let shortcuts = shortcuts.clone();
        Callback::from(move |_| shortcuts.set(true))
    });
    let close_shortcuts = {
        let shortcuts = shortcuts.clone();
        Callback::from(move |_| shortcuts.set(false))
    };
    html! {
        <div class="page inbox">
            <h1 tabindex="-1">{ "Inbox" }</h1>
            <div class="inbox-tools row wrap">
                <attention::AttentionSettings />
                <PushToggle admin={props.admin.clone()} />
                <button type="button" class="link" onclick={let s = shortcuts.clone(); Callback::from(move |_| s.set(true))}>{ "Keyboard shortcuts (?)" }</button>
            </div>
            <keys::Shortcuts open={*shortcuts} on_close={close_shortcuts} />
            { filter_bar(&numbers, &number, &channel, &status, &window, &customer, &assignee) }
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <div class="split">
                { conversation_list(&list, &numbers, &team, props.selected.as_deref(), &on_select, *clock) }
                { match &props.selected {
                    Some(id) => html! { <Thread key={id.clone()} admin={props.admin.clone()} id={id.clone()} on_change={refresh} live={live.0} team={(*team).clone()} /> },
                    None => html! { <p class="empty thread">{ "Choose a conversation." }</p> },
                } }
            </div>
        </div>
    }
}
