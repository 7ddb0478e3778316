//! The Messenger's markup: launcher, panel, message log, handoff and composer.
//! Every user-provided string is rendered as a text node, never as HTML.

use std::cell::Cell;
use std::rc::Rc;

use switchboard_core::api::{Author, HandoffOffer, WidgetAttachment};
use switchboard_core::live::LiveEvent;
use switchboard_core::media::check_visitor_file;
use switchboard_live_client::{LiveLink, Signal, TicketSource};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api::Edge;
use crate::state::{Action, Chat, Handoff};
use crate::storage;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub base: String,
    pub number: Option<String>,
}

struct ChatState(Chat);

impl Reducible for ChatState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(ChatState(self.0.clone().apply(action)))
    }
}

fn edge(props: &AppProps, chat: &Chat) -> Edge {
    Edge {
        base: props.base.clone(),
        token: chat.session.as_ref().map(|s| s.visitor_token.clone()),
        turnstile: chat.turnstile_token.clone(),
    }
}

fn refresh(edge: Edge, dispatch: UseReducerDispatcher<ChatState>) {
    spawn_local(async move {
        match edge.conversation().await {
            Ok(c) => dispatch.dispatch(Action::ConversationLoaded(c)),
            Err(e) => dispatch.dispatch(Action::Problem(e)),
        }
    });
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = use_reducer(|| {
        ChatState(Chat {
            open: true,
            ..Chat::default()
        })
    });
    let chat = &state.0;
    let draft = use_state(String::new);
    let next_local_id = use_mut_ref(|| Cell::new(1u32));

    {
        // Start (or resume) the visitor's session, then load the conversation.
        let dispatch = state.dispatcher();
        let props = props.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let edge = Edge {
                    base: props.base.clone(),
                    token: storage::load_token(),
                    turnstile: None,
                };
                match edge.session(props.number.clone()).await {
                    Ok(session) => {
                        storage::save_token(&session.visitor_token);
                        let edge = Edge {
                            token: Some(session.visitor_token.clone()),
                            ..edge
                        };
                        dispatch.dispatch(Action::SessionStarted(session));
                        refresh(edge, dispatch);
                    }
                    Err(e) => dispatch.dispatch(Action::Problem(e)),
                }
            });
        });
    }
    {
        // While the panel is open, listen on the live socket: replies arrive as they are stored,
        // and every (re)connection catches up from the API, so a gap never loses a message. When
        // sockets cannot be held, the link falls back to asking every 12 s (never from a hidden
        // tab). Closing the panel closes the socket.
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        let open = chat.open && edge.token.is_some();
        use_effect_with((open, edge.token.clone()), move |_| {
            let link = open.then(|| {
                let tickets: TicketSource = {
                    let edge = edge.clone();
                    Rc::new(move || {
                        let edge = edge.clone();
                        Box::pin(async move { edge.live_url().await })
                    })
                };
                LiveLink::start(tickets, move |signal| match signal {
                    Signal::Event(LiveEvent::Message(pushed)) => {
                        dispatch.dispatch(Action::Pushed(pushed.message))
                    }
                    Signal::Connected | Signal::Poll | Signal::Event(LiveEvent::Changed(_)) => {
                        refresh(edge.clone(), dispatch.clone())
                    }
                })
            });
            move || {
                if let Some(link) = link {
                    link.stop();
                }
            }
        });
    }

    let log_ref = use_node_ref();
    {
        // Keep the newest message in view.
        let log_ref = log_ref.clone();
        let count = chat.messages.len() + chat.outbox.len();
        use_effect_with((count, chat.open, chat.handoff.clone()), move |_| {
            if let Some(log) = log_ref.cast::<web_sys::Element>() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    }

    let toggle = {
        let dispatch = state.dispatcher();
        Callback::from(move |_| dispatch.dispatch(Action::Toggle))
    };
    let close_on_escape = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                dispatch.dispatch(Action::Toggle);
            }
        })
    };
    let send = {
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        let draft = draft.clone();
        let next_local_id = next_local_id.clone();
        Callback::from(move |text: String| {
            let text = text.trim().to_owned();
            if text.is_empty() {
                return;
            }
            let local_id = next_local_id.borrow().get();
            next_local_id.borrow().set(local_id + 1);
            dispatch.dispatch(Action::Sending {
                local_id,
                text: text.clone(),
            });
            draft.set(String::new());
            post(edge.clone(), dispatch.clone(), local_id, text);
        })
    };
    let send_file = {
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        let next_local_id = next_local_id.clone();
        Callback::from(move |file: web_sys::File| {
            // Checked here first (the edge checks again): pictures and PDFs up to 10 MB.
            if let Err(reason) = check_visitor_file(&file.type_(), file.size() as u64) {
                dispatch.dispatch(Action::Problem(reason));
                return;
            }
            let local_id = next_local_id.borrow().get();
            next_local_id.borrow().set(local_id + 1);
            dispatch.dispatch(Action::Uploading {
                local_id,
                name: file.name(),
            });
            let (edge, dispatch) = (edge.clone(), dispatch.clone());
            spawn_local(async move {
                let progress = dispatch.clone();
                let result = edge
                    .upload_file(file, move |percent| {
                        progress.dispatch(Action::Progress { local_id, percent })
                    })
                    .await;
                match result {
                    Ok(message) => dispatch.dispatch(Action::Sent { local_id, message }),
                    Err(reason) => dispatch.dispatch(Action::SendFailed { local_id, reason }),
                }
            });
        })
    };
    let on_file = {
        let send_file = send_file.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                send_file.emit(file);
            }
            input.set_value("");
        })
    };
    let on_paste = {
        let send_file = send_file.clone();
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            if let Some(file) = e
                .clipboard_data()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                e.prevent_default();
                send_file.emit(file);
            }
        })
    };
    let on_submit = {
        let send = send.clone();
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit((*draft).clone());
        })
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_keydown = {
        let send = send.clone();
        let draft = draft.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                e.prevent_default();
                send.emit((*draft).clone());
            }
        })
    };
    let turnstile_ref = use_node_ref();
    {
        // A new visitor, asked for Turnstile: render the challenge once the panel shows it.
        let site_key = chat
            .needs_turnstile()
            .then(|| {
                chat.session
                    .as_ref()
                    .and_then(|s| s.turnstile_site_key.clone())
            })
            .flatten();
        let (container, dispatch) = (turnstile_ref.clone(), state.dispatcher());
        let open = chat.open;
        use_effect_with((site_key.clone(), open), move |_| {
            if let (Some(site_key), Some(element), true) =
                (site_key, container.cast::<web_sys::Element>(), open)
            {
                let on_token = Callback::from(move |token: String| {
                    dispatch.dispatch(Action::TurnstilePassed(token))
                });
                crate::turnstile::render(element, site_key, on_token);
            }
        });
    }
    let load_earlier = {
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        let older = chat.older.clone();
        Callback::from(move |_| {
            let Some(cursor) = older.clone() else {
                return;
            };
            let (edge, dispatch) = (edge.clone(), dispatch.clone());
            spawn_local(async move {
                match edge.earlier(&cursor).await {
                    Ok(page) => dispatch.dispatch(Action::EarlierLoaded(page)),
                    Err(e) => dispatch.dispatch(Action::Problem(e)),
                }
            });
        })
    };
    let not_me = {
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        Callback::from(move |_| {
            let (edge, dispatch) = (edge.clone(), dispatch.clone());
            spawn_local(async move {
                match edge.not_me().await {
                    Ok(conversation) => dispatch.dispatch(Action::ConversationLoaded(conversation)),
                    Err(e) => dispatch.dispatch(Action::Problem(e)),
                }
            });
        })
    };
    let start_handoff = {
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        let number = props.number.clone();
        Callback::from(move |_| {
            dispatch.dispatch(Action::HandoffRequested);
            let (edge, dispatch, number) = (edge.clone(), dispatch.clone(), number.clone());
            spawn_local(async move {
                match edge.handoff(number).await {
                    Ok(offer) => {
                        // Still within the click's user activation: open WhatsApp (the app on a
                        // phone, WhatsApp Web on a desktop). The link and QR code stay shown in
                        // case a popup blocker or a missing app stops it.
                        if let Some(window) = web_sys::window() {
                            let _ = window.open_with_url_and_target_and_features(
                                &offer.wa_link,
                                "_blank",
                                "noopener",
                            );
                        }
                        dispatch.dispatch(Action::HandoffOffered(offer));
                    }
                    Err(e) => dispatch.dispatch(Action::HandoffFailed(e)),
                }
            });
        })
    };

    let business = chat
        .session
        .as_ref()
        .map(|s| s.business_name.clone())
        .unwrap_or_else(|| "Chat".to_owned());
    let accent = chat
        .session
        .as_ref()
        .map(|s| s.accent_color.clone())
        .unwrap_or_else(|| "#0b7a5c".to_owned());
    let greeting = chat.session.as_ref().map(|s| s.greeting.clone());

    html! {
        <div class="sb" style={format!("--sb-accent: {accent}")}>
            if chat.open {
                <section class="sb-panel" role="dialog" aria-label={format!("Chat with {business}")} onkeydown={close_on_escape}>
                    <header class="sb-head">
                        <strong>{ business.clone() }</strong>
                        <button class="sb-close" aria-label="Close chat" onclick={toggle.clone()}>{ "×" }</button>
                    </header>
                    <ol class="sb-log" ref={log_ref} role="log" aria-live="polite" aria-label="Messages">
                        if let Some(greeting) = greeting {
                            <li class="sb-msg sb-business">{ greeting }</li>
                        }
                        if chat.older.is_some() {
                            <li class="sb-earlier"><button onclick={load_earlier}>{ "Earlier messages" }</button></li>
                        }
                        { for chat.history().map(|m| html! {
                            <li key={m.id.clone()} class={classes!("sb-msg", if m.author == Author::Visitor { "sb-visitor" } else { "sb-business" })}>
                                if let Some(a) = &m.attachment {
                                    <AttachmentView edge={edge(props, chat)} message_id={m.id.clone()} attachment={a.clone()} />
                                }
                                { m.text.clone() }
                            </li>
                        }) }
                        { for chat.outbox.iter().map(|o| outgoing(o, edge(props, chat), state.dispatcher())) }
                    </ol>
                    if let Some(notice) = &chat.notice {
                        <p class="sb-notice" role="alert">{ notice.clone() }</p>
                    }
                    if let Some(continued) = &chat.continued_on_whatsapp {
                        <div class="sb-continued" role="status">
                            <p>{ "This conversation continues on WhatsApp." }</p>
                            <a class="sb-wa" href={continued.wa_link.clone()} target="_blank" rel="noopener noreferrer">
                                { format!("Open WhatsApp ({})", continued.display_phone_number) }
                            </a>
                            if let Some(who) = &continued.continued_with {
                                <p class="sb-who">
                                    { format!("Continued with the WhatsApp number {who}. ") }
                                    if continued.reported_not_me {
                                        { "Thanks — we've asked the business to check." }
                                    } else {
                                        <button class="sb-not-me" onclick={not_me}>{ "Not me?" }</button>
                                    }
                                </p>
                            }
                        </div>
                    } else {
                        if chat.needs_turnstile() {
                            <div class="sb-turnstile" ref={turnstile_ref.clone()} aria-label="A quick check before your first message"></div>
                        }
                        { rating_section(chat, edge(props, chat), state.dispatcher()) }
                        { handoff_section(chat, start_handoff) }
                        <form class="sb-composer" onsubmit={on_submit}>
                            <label class="sb-sr" for="sb-input">{ "Message" }</label>
                            <label class="sb-attach" title="Send a picture or PDF (up to 10 MB)">
                                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7l9-9a3.3 3.3 0 0 1 4.7 4.7l-9 9a1.7 1.7 0 0 1-2.4-2.4l8.3-8.3"/></svg>
                                <span class="sb-sr">{ "Attach a picture or PDF" }</span>
                                <input type="file" class="sb-sr" accept="image/jpeg,image/png,image/webp,application/pdf"
                                    onchange={on_file} disabled={!chat.composer_enabled()} />
                            </label>
                            <textarea id="sb-input" rows="1" placeholder="Write a message…" maxlength="4096"
                                value={(*draft).clone()} oninput={on_input} onkeydown={on_keydown} onpaste={on_paste}
                                disabled={!chat.composer_enabled()} />
                            <button type="submit" class="sb-send" disabled={!chat.composer_enabled()}>{ "Send" }</button>
                        </form>
                    }
                </section>
            }
            <button class="sb-launcher" aria-label={if chat.open { "Close chat" } else { "Open chat" }}
                aria-expanded={chat.open.to_string()} onclick={toggle}>
                <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>
            </button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AttachmentProps {
    edge: Edge,
    message_id: String,
    attachment: WidgetAttachment,
}

/// A file in the conversation: a picture shown, a PDF or other file as a download.
#[function_component(AttachmentView)]
fn attachment_view(props: &AttachmentProps) -> Html {
    let url = use_state(|| None::<String>);
    {
        let (edge, id, mime, url) = (
            props.edge.clone(),
            props.message_id.clone(),
            props.attachment.mime_type.clone(),
            url.clone(),
        );
        use_effect_with(props.message_id.clone(), move |_| {
            let made = Rc::new(std::cell::RefCell::new(None::<String>));
            let keep = made.clone();
            spawn_local(async move {
                if let Ok(u) = edge.media_url(&id, &mime).await {
                    *keep.borrow_mut() = Some(u.clone());
                    url.set(Some(u));
                }
            });
            move || {
                if let Some(u) = made.borrow().as_ref() {
                    let _ = web_sys::Url::revoke_object_url(u);
                }
            }
        });
    }
    let a = &props.attachment;
    let name = a.filename.clone().unwrap_or_else(|| "file".to_owned());
    match (&*url, a.kind.as_str()) {
        (Some(u), "image") => html! { <img class="sb-img" src={u.clone()} alt={name} /> },
        (Some(u), _) => html! {
            <a class="sb-file" href={u.clone()} download={name.clone()}>{ doc_icon() }{ name }</a>
        },
        (None, _) => html! { <span class="sb-file">{ doc_icon() }{ format!("{name}…") }</span> },
    }
}

fn doc_icon() -> Html {
    html! {
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" style="vertical-align:-3px;margin-right:4px">
            <path fill="currentColor" d="M6 2h8l6 6v12a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm7 1.5V9h5.5z"/>
        </svg>
    }
}

/// The business asks for a rating of the resolved conversation: five buttons; a new choice
/// replaces the old one.
fn rating_section(chat: &Chat, edge: Edge, dispatch: UseReducerDispatcher<ChatState>) -> Html {
    let Some(survey) = &chat.survey else {
        return html! {};
    };
    let star = |n: u8| {
        let (edge, dispatch, id) = (edge.clone(), dispatch.clone(), survey.id.clone());
        let onclick = Callback::from(move |_| {
            let (edge, dispatch, id) = (edge.clone(), dispatch.clone(), id.clone());
            spawn_local(async move {
                match edge.rate(id, n).await {
                    Ok(c) => dispatch.dispatch(Action::ConversationLoaded(c)),
                    Err(e) => dispatch.dispatch(Action::Problem(e)),
                }
            });
        });
        let on = survey.score.is_some_and(|s| s >= n);
        html! {
            <button type="button" class={classes!("sb-star", on.then_some("sb-on"))} {onclick}
                aria-label={format!("{n} of 5")} aria-pressed={(survey.score == Some(n)).to_string()}>{ "★" }</button>
        }
    };
    html! {
        <div class="sb-rating" role="group" aria-label="Rate this conversation">
            <p>{ survey.question.clone() }</p>
            <div class="sb-stars">{ for (1..=5).map(star) }</div>
            if survey.score.is_some() { <p class="sb-thanks" role="status">{ "Thanks for your rating." }</p> }
        </div>
    }
}

fn post(edge: Edge, dispatch: UseReducerDispatcher<ChatState>, local_id: u32, text: String) {
    spawn_local(async move {
        match edge.post_message(text).await {
            Ok(message) => dispatch.dispatch(Action::Sent { local_id, message }),
            Err(reason) => {
                dispatch.dispatch(Action::SendFailed { local_id, reason });
                // The conversation may have moved to WhatsApp meanwhile.
                refresh(edge, dispatch);
            }
        }
    });
}

fn outgoing(
    o: &crate::state::Outgoing,
    edge: Edge,
    dispatch: UseReducerDispatcher<ChatState>,
) -> Html {
    let retry = {
        let (local_id, text) = (o.local_id, o.text.clone());
        Callback::from(move |_| {
            dispatch.dispatch(Action::Retry { local_id });
            post(edge.clone(), dispatch.clone(), local_id, text.clone());
        })
    };
    html! {
        <li key={format!("local-{}", o.local_id)} class={classes!("sb-msg", "sb-visitor", if o.failed { "sb-failed" } else { "sb-pending" })}>
            { o.text.clone() }
            if let (Some(percent), false) = (o.upload, o.failed) {
                <progress class="sb-progress" max="100" value={percent.to_string()} aria-label={format!("Uploading {}", o.text)} />
            }
            if o.failed && o.upload.is_none() {
                <button class="sb-retry" onclick={retry}>{ "Not sent — retry" }</button>
            } else if o.failed {
                <span class="sb-retry-note">{ "Not sent — choose the file again" }</span>
            }
        </li>
    }
}

fn handoff_section(chat: &Chat, start: Callback<MouseEvent>) -> Html {
    match &chat.handoff {
        Handoff::Offered(offer) => offered(offer),
        _ if !chat.handoff_available() => html! {},
        Handoff::Requesting => html! {
            <button class="sb-handoff-btn" disabled=true>{ "Preparing WhatsApp…" }</button>
        },
        Handoff::Idle => html! {
            <button class="sb-handoff-btn" onclick={start}>{ "Continue on WhatsApp" }</button>
        },
    }
}

fn offered(offer: &HandoffOffer) -> Html {
    let qr = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&offer.qr_svg)
    );
    html! {
        <div class="sb-handoff" role="status">
            <p>{ "Continue this conversation on WhatsApp. Send the prepared message — it carries your reference " }
               <code>{ offer.code.clone() }</code>{ "." }</p>
            <a class="sb-wa" href={offer.wa_link.clone()} target="_blank" rel="noopener noreferrer">{ "Open WhatsApp" }</a>
            <figure class="sb-qr">
                <img src={qr} alt="QR code that opens this conversation in WhatsApp" width="176" height="176" />
                <figcaption>{ "On a computer? Scan this with your phone." }</figcaption>
            </figure>
        </div>
    }
}
