//! The inbox: conversations filtered by number, channel and status; a thread
//! with every message type labelled, the handoff marked, delivery statuses, and
//! a reply box that respects WhatsApp's 24-hour window (templates outside it).
//! Nothing typed is lost: a failed send stays visible with its error and a retry.

use std::rc::Rc;

use serde_json::{json, Value};
use switchboard_core::api::{
    template_placeholders, within_reply_window, Channel, ConversationDetail, ConversationStatus,
    ConversationView, Direction, MessageView, NumberView,
};
use switchboard_core::delivery_status::DeliveryStatus;
use switchboard_live_client::{LiveLink, Signal, TicketSource};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::components::media_view::MediaBox;
use crate::dom::{bind_textarea, now_seconds, select_value, time_label, Counter};
use crate::forms::{describe, duration};
use switchboard_core::reply_window::{reply_window, ReplyWindow};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
}

#[function_component(Inbox)]
pub fn inbox(props: &Props) -> Html {
    let number = use_state(String::new);
    let channel = use_state(String::new);
    let status = use_state(|| "open".to_owned());
    let customer = use_state(String::new);
    let window = use_state(String::new);
    let numbers = use_state(Vec::<NumberView>::new);
    let list = use_state(Vec::<ConversationView>::new);
    let selected = use_state(|| None::<String>);
    let tick = use_reducer(Counter::default);
    let error = use_state(|| None::<String>);
    {
        let (admin, numbers) = (props.admin.clone(), numbers.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                if let Ok(n) = admin.get::<Vec<NumberView>>("/numbers").await {
                    numbers.set(n);
                }
            });
        });
    }
    {
        let (admin, list, error) = (props.admin.clone(), list.clone(), error.clone());
        // WhatsApp ids are the number's digits: "+1 (650) 555-1234" finds 16505551234.
        let wa_id: String = customer.chars().filter(char::is_ascii_digit).collect();
        let query = format!(
            "/conversations?number={}&channel={}&status={}&wa_id={wa_id}&window={}",
            *number, *channel, *status, *window
        );
        use_effect_with((query, tick.0), move |(query, _)| {
            let query = query.clone();
            spawn_local(async move {
                match admin.get::<Vec<ConversationView>>(&query).await {
                    Ok(l) => {
                        list.set(l);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
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
    let filter = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(select_value(&e)))
    };
    let refresh = {
        let tick = tick.dispatcher();
        Callback::from(move |_: ()| tick.dispatch(()))
    };
    let label_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| numbers.iter().find(|n| &n.phone_number_id == id))
            .map(|n| n.label.clone())
    };
    html! {
        <div class="page inbox">
            <h1>{ "Inbox" }</h1>
            <div class="filters" role="group" aria-label="Filters">
                <label>{ "Number " }
                    <select onchange={filter(&number)} aria-label="Number">
                        <option value="" selected={number.is_empty()}>{ "All numbers" }</option>
                        { for numbers.iter().map(|n| html! { <option value={n.phone_number_id.clone()} selected={*number == n.phone_number_id}>{ n.label.clone() }</option> }) }
                    </select>
                </label>
                <label>{ "Channel " }
                    <select onchange={filter(&channel)} aria-label="Channel">
                        { for [("", "All channels"), ("messenger", "Messenger"), ("whatsapp", "WhatsApp"), ("handed_off", "Handed off")]
                            .iter()
                            .map(|(value, label)| html! { <option value={*value} selected={channel.as_str() == *value}>{ *label }</option> }) }
                    </select>
                </label>
                <label>{ "Status " }
                    <select onchange={filter(&status)} aria-label="Status">
                        <option value="open" selected={*status == "open"}>{ "Open" }</option>
                        <option value="closed" selected={*status == "closed"}>{ "Closed" }</option>
                        <option value="" selected={status.is_empty()}>{ "All" }</option>
                    </select>
                </label>
                <label>{ "Order " }
                    <select onchange={filter(&window)} aria-label="Order">
                        <option value="" selected={window.is_empty()}>{ "Newest first" }</option>
                        <option value="closing" selected={*window == "closing"}>{ "Reply window closing soon" }</option>
                    </select>
                </label>
                <label>{ "Customer " }
                    <input type="search" aria-label="Customer's WhatsApp number" placeholder="+1 650 555 1234"
                        value={(*customer).clone()} oninput={crate::dom::bind_input(&customer)} />
                </label>
            </div>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <div class="split">
                <ul class="conversations" aria-label="Conversations">
                    if list.is_empty() { <li class="empty">{ "No conversations match." }</li> }
                    { for list.iter().map(|c| {
                        let id = c.id.clone();
                        let onclick = { let selected = selected.clone(); Callback::from(move |_| selected.set(Some(id.clone()))) };
                        let who = c.contact_name.clone().or_else(|| c.wa_id.clone()).unwrap_or_else(|| "Website visitor".to_owned());
                        let window = window_label(c, *clock);
                        let flagged = window.as_ref().is_some_and(|(_, f)| *f);
                        html! {
                            <li key={c.id.clone()}>
                                <button class={classes!("conversation", (selected.as_deref() == Some(c.id.as_str())).then_some("active"), flagged.then_some("flagged"))} {onclick}>
                                    <strong>{ who }</strong>
                                    <span class="meta">{ channel_label(c) }{ label_of(&c.phone_number_id).map(|l| format!(" · {l}")).unwrap_or_default() }{ format!(" · {} messages", c.message_count) }</span>
                                    <span class="meta">{ time_label(c.last_message_at) }</span>
                                    if let Some((text, flag)) = window {
                                        <span class={classes!("window", flag.then_some("flag"))}>{ text }</span>
                                    }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                { match &*selected {
                    Some(id) => html! { <Thread key={id.clone()} admin={props.admin.clone()} id={id.clone()} on_change={refresh} live={live.0} /> },
                    None => html! { <p class="empty thread">{ "Choose a conversation." }</p> },
                } }
            </div>
        </div>
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

fn channel_label(c: &ConversationView) -> &'static str {
    match (c.channel, c.handed_off_at) {
        (_, Some(_)) => "Messenger → WhatsApp",
        (Channel::Whatsapp, None) => "WhatsApp",
        (Channel::Messenger, None) => "Messenger",
    }
}

#[derive(Properties, PartialEq)]
struct ThreadProps {
    admin: Admin,
    id: String,
    on_change: Callback<()>,
    /// Changes whenever the live socket reports something (or reconnects).
    live: u32,
}

#[function_component(Thread)]
fn thread(props: &ThreadProps) -> Html {
    let detail = use_state(|| None::<ConversationDetail>);
    let draft = use_state(String::new);
    let send_error = use_state(|| None::<String>);
    // One send at a time; each reply carries an idempotency key, kept until the edge has it, so a
    // repeated request (a double click, a retry after a network error) never sends twice.
    let sending = use_state(|| false);
    let client_key = use_state(new_client_key);
    let templates = use_state(Vec::<Value>::new);
    let template = use_state(String::new);
    let parameters = use_state(Vec::<String>::new);
    let version = use_reducer(Counter::default);
    // Long threads come in pages: the newest first, older ones on request. After the first load
    // the refresh asks for everything from the window's first message on (`since`), so the
    // window only grows and never leaves a gap before the older pages shown above it.
    let older = use_state(Vec::<MessageView>::new);
    let older_cursor = use_state(|| None::<String>);
    let anchor = use_state(|| None::<String>);
    {
        let (admin, id, detail) = (props.admin.clone(), props.id.clone(), detail.clone());
        let (anchor, older_cursor) = (anchor.clone(), older_cursor.clone());
        use_effect_with((version.0, props.live), move |_| {
            let url = match &*anchor {
                Some(a) => format!("/conversations/{id}?since={a}"),
                None => format!("/conversations/{id}"),
            };
            spawn_local(async move {
                if let Ok(d) = admin.get::<ConversationDetail>(&url).await {
                    if anchor.is_none() {
                        if let Some(first) = d.messages.first() {
                            anchor.set(Some(first.cursor.clone()));
                            older_cursor.set(d.older.clone());
                        }
                    }
                    detail.set(Some(d));
                }
            });
        });
    }
    let load_older = {
        let (admin, id) = (props.admin.clone(), props.id.clone());
        let (older, older_cursor) = (older.clone(), older_cursor.clone());
        Callback::from(move |_| {
            let Some(cursor) = (*older_cursor).clone() else {
                return;
            };
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
    let Some(d) = (*detail).clone() else {
        return html! { <section class="thread"><p>{ "Loading…" }</p></section> };
    };
    let c = &d.conversation;
    let whatsapp = c.channel == Channel::Whatsapp;
    let window_open = !whatsapp || within_reply_window(c.last_inbound_at, now_seconds());
    {
        let (admin, templates) = (props.admin.clone(), templates.clone());
        let number = c.phone_number_id.clone();
        let needed = whatsapp && !window_open;
        use_effect_with((needed, number.clone()), move |_| {
            if let (true, Some(number)) = (needed, number) {
                spawn_local(async move {
                    if let Ok(t) = admin
                        .get::<Vec<Value>>(&format!("/numbers/{number}/templates"))
                        .await
                    {
                        templates.set(t);
                    }
                });
            }
        });
    }
    let bump = {
        let (version, on_change) = (version.dispatcher(), props.on_change.clone());
        Callback::from(move |_: ()| {
            version.dispatch(());
            on_change.emit(());
        })
    };
    let send = {
        let (admin, id, draft, send_error, bump, sending, client_key) = (
            props.admin.clone(),
            props.id.clone(),
            draft.clone(),
            send_error.clone(),
            bump.clone(),
            sending.clone(),
            client_key.clone(),
        );
        Callback::from(move |mut body: Value| {
            if *sending {
                return;
            }
            sending.set(true);
            body["client_key"] = Value::from((*client_key).clone());
            let (admin, id, draft, send_error, bump, sending, client_key) = (
                admin.clone(),
                id.clone(),
                draft.clone(),
                send_error.clone(),
                bump.clone(),
                sending.clone(),
                client_key.clone(),
            );
            let is_text = body.get("text").is_some();
            spawn_local(async move {
                let result = admin
                    .post::<MessageView>(&format!("/conversations/{id}/messages"), &body)
                    .await;
                // The edge has this key's message unless the request never got there.
                if !matches!(&result, Err(e) if e.status == 0 || e.status == 400 || e.status == 409)
                {
                    client_key.set(new_client_key());
                }
                sending.set(false);
                match result {
                    Ok(_) => {
                        if is_text {
                            draft.set(String::new());
                        }
                        send_error.set(None);
                    }
                    // Graph did not answer in time: it may have gone out. Never "failed".
                    Err(e) if e.status == 504 => {
                        if is_text {
                            draft.set(String::new());
                        }
                        send_error.set(Some("WhatsApp did not confirm this message in time; it may still have been delivered. It is marked \"not confirmed\" until WhatsApp reports on it — send it again only if the customer did not get it.".to_owned()));
                    }
                    // Stored but refused by WhatsApp: it shows in the thread as failed, with a retry.
                    Err(e) if e.status == 502 => {
                        if is_text {
                            draft.set(String::new());
                        }
                        send_error.set(Some("WhatsApp did not accept the message. It is kept in the thread with the error and a Retry button.".to_owned()));
                    }
                    // Not stored (window closed, network): the text stays in the box.
                    Err(e) => send_error.set(Some(e.to_string())),
                }
                bump.emit(());
            });
        })
    };
    let on_submit = {
        let (send, draft) = (send.clone(), draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !draft.trim().is_empty() {
                send.emit(json!({ "text": *draft }));
            }
        })
    };
    let on_file = {
        let (admin, id, draft, send_error, bump, sending) = (
            props.admin.clone(),
            props.id.clone(),
            draft.clone(),
            send_error.clone(),
            bump.clone(),
            sending.clone(),
        );
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let (admin, id, draft, send_error, bump, sending) = (
                admin.clone(),
                id.clone(),
                draft.clone(),
                send_error.clone(),
                bump.clone(),
                sending.clone(),
            );
            sending.set(true);
            spawn_local(async move {
                let caption = (*draft).clone();
                let result = admin
                    .post_file::<MessageView>(
                        &format!("/conversations/{id}/attachments"),
                        &file,
                        &caption,
                    )
                    .await;
                sending.set(false);
                match result {
                    Ok(_) => {
                        draft.set(String::new());
                        send_error.set(None);
                    }
                    Err(e) => send_error.set(Some(e.to_string())),
                }
                bump.emit(());
            });
        })
    };
    let on_template = {
        let (template, parameters) = (template.clone(), parameters.clone());
        Callback::from(move |e: Event| {
            template.set(select_value(&e));
            parameters.set(Vec::new());
        })
    };
    let chosen = templates
        .iter()
        .find(|t| t["name"].as_str() == Some(template.as_str()))
        .or_else(|| templates.first())
        .cloned();
    let placeholders = chosen
        .as_ref()
        .map_or(0, |t| template_placeholders(&template_body(t)));
    let send_template = {
        let (send, chosen, parameters) = (send.clone(), chosen.clone(), parameters.clone());
        Callback::from(move |_| {
            if let Some(t) = &chosen {
                let values: Vec<String> = (0..placeholders)
                    .map(|i| parameters.get(i).cloned().unwrap_or_default())
                    .collect();
                send.emit(json!({ "template": { "name": t["name"], "language": t["language"], "parameters": values } }));
            }
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
        Callback::from(move |_| {
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

    let mut items = Vec::new();
    let mut previous_channel = None;
    for m in older.iter().chain(&d.messages) {
        if c.handed_off_at.is_some()
            && previous_channel == Some(Channel::Messenger)
            && m.channel == Channel::Whatsapp
        {
            items.push(
                html! { <li class="divider" role="separator">{ "Continued on WhatsApp" }</li> },
            );
        }
        previous_channel = Some(m.channel);
        items.push(message_item(
            m,
            post_action(format!("messages/{}/retry", m.id)),
            &props.admin,
            &bump,
        ));
    }
    let title = c
        .contact_name
        .clone()
        .or_else(|| c.wa_id.clone())
        .unwrap_or_else(|| "Website visitor".to_owned());
    let open = c.status == ConversationStatus::Open;
    html! {
        <section class="thread" aria-label={format!("Conversation with {title}")}>
            <header class="row between">
                <div>
                    <h2>{ title }</h2>
                    <p class="meta">
                        { channel_label(c) }
                        { c.wa_id.as_ref().map(|w| format!(" · +{w}")).unwrap_or_default() }
                        { if open { " · open".to_owned() } else { format!(" · closed{}", c.close_reason.map(|r| format!(" ({})", serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())).unwrap_or_default()) } }
                    </p>
                </div>
                if open { <button onclick={post_action("close".to_owned())}>{ "Close conversation" }</button> }
                else { <button onclick={post_action("reopen".to_owned())}>{ "Reopen" }</button> }
            </header>
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
            if c.unlinked_at.is_some() {
                <p class="hint" role="status">{ "The WhatsApp link was undone: the visitor continues in the Messenger. Messages marked “unlinked” came from the WhatsApp account that sent their code." }</p>
            }
            if older_cursor.is_some() {
                <button class="older" onclick={load_older}>{ "Show earlier messages" }</button>
            }
            <ol class="messages" aria-label="Messages">{ for items }</ol>
            if let Some(e) = &*send_error { <p class="error" role="alert">{ e.clone() }</p> }
            if window_open {
                <form class="reply" onsubmit={on_submit}>
                    <label for="reply-text" class="sr">{ "Reply" }</label>
                    <textarea id="reply-text" placeholder={if whatsapp { "Reply on WhatsApp…" } else { "Reply in the Messenger…" }}
                        value={(*draft).clone()} oninput={bind_textarea(&draft)} />
                    <label class="attach" for="reply-file" title="The text box becomes its caption">{ "Attach file" }
                        <input id="reply-file" type="file" class="sr" onchange={on_file} disabled={*sending}
                            accept="image/jpeg,image/png,application/pdf,text/plain,audio/mpeg,audio/ogg,audio/aac,audio/mp4,video/mp4,video/3gpp" />
                    </label>
                    <button type="submit" class="primary" disabled={*sending}>{ if *sending { "Sending…" } else { "Send" } }</button>
                </form>
            } else {
                <div class="window-closed" role="status">
                    <p>{ "More than 24 hours have passed since the customer's last message. WhatsApp only allows an approved template now." }</p>
                    if !draft.is_empty() { <p class="hint">{ format!("Your unsent text is kept: “{}”", *draft) }</p> }
                    <label for="template">{ "Template " }</label>
                    <select id="template" onchange={on_template}>
                        { for templates.iter().map(|t| {
                            let name = t["name"].as_str().unwrap_or_default().to_owned();
                            html! { <option value={name.clone()} selected={*template == name}>{ format!("{name} ({}) — {}", t["language"].as_str().unwrap_or_default(), template_body(t)) }</option> }
                        }) }
                    </select>
                    { for (0..placeholders).map(|i| {
                        let value = parameters.get(i).cloned().unwrap_or_default();
                        let parameters = parameters.clone();
                        let oninput = Callback::from(move |e: InputEvent| {
                            let mut values = (*parameters).clone();
                            values.resize(values.len().max(i + 1), String::new());
                            values[i] = crate::dom::input_value(&e);
                            parameters.set(values);
                        });
                        let id = format!("template-param-{}", i + 1);
                        html! {
                            <div class="field">
                                <label for={id.clone()}>{ format!("Value for {{{{{}}}}}", i + 1) }</label>
                                <input id={id} {value} {oninput} />
                            </div>
                        }
                    }) }
                    <button class="primary" onclick={send_template} disabled={templates.is_empty()}>{ "Send template" }</button>
                </div>
            }
        </section>
    }
}

/// The text of a template's BODY component, as Graph lists it.
fn template_body(t: &Value) -> String {
    t["components"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "BODY"))
        .and_then(|c| c["text"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn message_item(
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

/// A fresh idempotency key for the next reply.
fn new_client_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("ck-{random:x}-{:x}", js_sys::Date::now() as u64)
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
