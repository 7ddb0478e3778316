//! The Messenger's markup: launcher, panel, message log, handoff and composer, in the visitor's
//! language (right to left for Arabic and Hebrew). Every user-provided string is rendered as a
//! text node, never as HTML. Focus moves into the panel on opening and back to the launcher on
//! closing; new replies are announced once through a polite live region.

mod intl;
mod messages;
mod sections;

use std::cell::Cell;
use std::rc::Rc;

use switchboard_core::live::LiveEvent;
use switchboard_core::media::check_visitor_file;
use switchboard_live_client::{LiveLink, Signal, TicketSource};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::api::{Answer, Edge};
use crate::i18n::{Texts, T};
use crate::state::{Action, Chat, Notice};
use crate::storage;

#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    pub base: String,
    pub number: Option<String>,
    /// The script tag's `data-lang`.
    pub lang: Option<String>,
    /// The language file the loader fetched (its guess from the browser's languages).
    pub texts: Texts,
}

/// Builds the props from what the loader hands over.
pub fn props(
    base: String,
    number: Option<String>,
    lang: Option<String>,
    loaded: String,
    texts: JsValue,
) -> AppProps {
    AppProps {
        base,
        number: number.filter(|n| !n.is_empty()),
        lang: lang.filter(|l| !l.is_empty()),
        texts: intl::texts_from(&loaded, texts).unwrap_or_default(),
    }
}

pub struct ChatState(Chat);

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

/// Applies an answer when it comes: `done` makes the action from what it brought, a failure
/// becomes the notice. One future per answer type for every caller.
pub(crate) fn apply<T: 'static>(
    dispatch: UseReducerDispatcher<ChatState>,
    answer: Answer<T>,
    done: fn(T) -> Action,
) {
    spawn_local(async move {
        dispatch.dispatch(match answer.await {
            Ok(value) => done(value),
            Err(e) => Action::Problem(e),
        })
    });
}

fn refresh(edge: Edge, dispatch: UseReducerDispatcher<ChatState>) {
    apply(dispatch, edge.conversation(), Action::ConversationLoaded);
}

pub(crate) fn post(
    edge: Edge,
    dispatch: UseReducerDispatcher<ChatState>,
    local_id: u32,
    text: String,
) {
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

fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
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
    let texts = use_state(|| props.texts.clone());
    let draft = use_state(String::new);
    let next_local_id = use_mut_ref(|| Cell::new(1u32));

    {
        // Start (or resume) the visitor's session in the language the edge chooses (data-lang,
        // the browser's, the owner's default), fetch that language if the loader had
        // another, then load the conversation.
        let dispatch = state.dispatcher();
        let props = props.clone();
        let texts = texts.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let edge = Edge {
                    base: props.base.clone(),
                    token: storage::load_token(),
                    turnstile: None,
                };
                let asked = edge
                    .session(
                        props.number.clone(),
                        props.lang.clone(),
                        intl::browser_languages(),
                    )
                    .await;
                match asked {
                    Ok(session) => {
                        storage::save_token(&session.visitor_token);
                        if session.language != texts.lang {
                            if let Some(other) =
                                intl::fetch_texts(&props.base, &session.language).await
                            {
                                texts.set(other);
                            }
                        }
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

    // Focus: into the panel on opening (the composer as soon as it can be typed in), back to
    // the launcher on closing. 0: closed; 1: the panel has focus, waiting for the composer;
    // 2: the composer had it (the visitor moves on from there).
    let (panel_ref, composer_ref, launcher_ref) = (use_node_ref(), use_node_ref(), use_node_ref());
    let focus_step = use_mut_ref(|| 0u8);
    {
        let (panel, composer, launcher) = (
            panel_ref.clone(),
            composer_ref.clone(),
            launcher_ref.clone(),
        );
        let step = focus_step.clone();
        let (open, ready) = (chat.open, chat.composer_enabled());
        use_effect_with((open, ready), move |_| {
            let now = *step.borrow();
            let next = match (open, ready, now) {
                (false, _, 0) => 0,
                (false, _, _) => {
                    focus(&launcher);
                    0
                }
                (true, true, 0 | 1) => {
                    focus(&composer);
                    2
                }
                (true, false, 0) => {
                    focus(&panel);
                    1
                }
                (true, _, kept) => kept,
            };
            *step.borrow_mut() = next;
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
                e.stop_propagation();
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
            if let Err(problem) = check_visitor_file(&file.type_(), file.size() as u64) {
                dispatch.dispatch(Action::Problem(Notice::from_file_problem(problem)));
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
            apply(
                dispatch.clone(),
                edge.earlier(&cursor),
                Action::EarlierLoaded,
            );
        })
    };
    let not_me = {
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        Callback::from(move |_| {
            apply(dispatch.clone(), edge.not_me(), Action::ConversationLoaded);
        })
    };
    // `true`: the visitor pressed "Continue on WhatsApp"; `false`: an agent's offer, taken up
    // by the Messenger itself.
    let start_handoff = {
        let dispatch = state.dispatcher();
        let edge = edge(props, chat);
        let number = props.number.clone();
        let prefill = texts.get(T::WaPrefill).to_owned();
        Callback::from(move |pressed: bool| {
            dispatch.dispatch(Action::HandoffRequested);
            let (edge, dispatch, number) = (edge.clone(), dispatch.clone(), number.clone());
            let prefill = prefill.clone();
            spawn_local(async move {
                match edge.handoff(number, prefill).await {
                    Ok(offer) => {
                        // Still within the click's user activation: open WhatsApp (the app on a
                        // phone, WhatsApp Web on a desktop). The link and QR code stay shown in
                        // case a popup blocker or a missing app stops it. An agent's offer opens
                        // nothing: the visitor chooses.
                        if let Some(window) = web_sys::window().filter(|_| pressed) {
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
    {
        let start = start_handoff.clone();
        use_effect_with(chat.takes_up_offer(), move |take| {
            if *take {
                start.emit(false);
            }
        });
    }

    let t = &*texts;
    let session = chat.session.as_ref();
    let business = session.map_or_else(
        || t.text(T::ChatTitle),
        |s| AttrValue::from(s.business_name.clone()),
    );
    let (accent, on_accent) = session.map_or(("#0b7a5c", "#ffffff"), |s| {
        (s.accent_color.as_str(), s.accent_text.as_str())
    });
    let greeting = session.map(|s| text(AttrValue::from(s.greeting.clone())));
    let announcement = chat.announce.as_ref().map(|m| {
        text(AttrValue::from(format!(
            "{} {}",
            t.fill(T::BusinessSaid, &[("business", &business)]),
            m.text
        )))
    });
    let closed = session.is_some_and(|s| s.hours.is_some_and(|h| !h.open));
    let attach_label = t.fill(T::AttachLabel, &[("mb", &sections::visitor_file_mb())]);

    html! {
        <div class="sb" lang={t.lang.clone()} dir={if t.rtl() { "rtl" } else { "ltr" }}
            style={format!("--sb-accent:{accent};--sb-on-accent:{on_accent}")}>
            if chat.open {
                <section class="sb-panel" role="dialog" aria-label={t.fill(T::DialogLabel, &[("business", &business)])}
                    onkeydown={close_on_escape} ref={panel_ref} tabindex="-1">
                    <header class="sb-head">
                        <div>
                            <h2 class="sb-title">{ text(business.clone()) }</h2>
                            { sections::reply_time(session, t) }
                        </div>
                        <button type="button" class="sb-close" aria-label={t.text(T::Close)} onclick={toggle.clone()}>
                            { icon(CLOSE_ICON) }
                        </button>
                    </header>
                    { sections::away(session, t) }
                    <section class="sb-log" ref={log_ref} tabindex="0" aria-label={t.text(T::MessagesLabel)}>
                        <ol class="sb-list">
                            if let Some(greeting) = greeting {
                                <li class="sb-msg sb-business">{ greeting }</li>
                            }
                            if chat.older.is_some() {
                                <li class="sb-earlier"><button type="button" onclick={load_earlier}>{ t.html(T::Earlier) }</button></li>
                            }
                            { for chat.history().map(|m| {
                                let quote_loaded = m.quote.as_ref().is_some_and(|q| chat.history().any(|h| h.id == q.id));
                                messages::message(m, edge(props, chat), t, &business, quote_loaded)
                            }) }
                            { for chat.outbox.iter().map(|o| messages::outgoing(o, edge(props, chat), state.dispatcher(), t)) }
                        </ol>
                    </section>
                    <div class="sb-sr" role="status" aria-live="polite">{ announcement }</div>
                    if let Some(notice) = chat.notice {
                        <p class="sb-notice" role="alert">{ text(sections::notice_text(notice, t)) }</p>
                    }
                    if let Some(continued) = &chat.continued_on_whatsapp {
                        { sections::continued(continued, not_me, t) }
                    } else {
                        if chat.needs_turnstile() {
                            <div class="sb-turnstile" ref={turnstile_ref.clone()} role="group" aria-label={t.text(T::TurnstileLabel)}></div>
                        }
                        { sections::rating(chat, edge(props, chat), state.dispatcher(), t) }
                        { sections::handoff(chat, start_handoff.reform(|_| true), t, closed) }
                        <form class="sb-composer" onsubmit={on_submit}>
                            <label class="sb-sr" for="sb-input">{ t.html(T::MessageLabel) }</label>
                            <label class="sb-attach" title={attach_label.clone()}>
                                { icon(ATTACH_ICON) }
                                <span class="sb-sr">{ text(attach_label) }</span>
                                <input type="file" class="sb-sr" accept="image/jpeg,image/png,image/webp,application/pdf"
                                    onchange={on_file} disabled={!chat.composer_enabled()} />
                            </label>
                            <textarea id="sb-input" ref={composer_ref} rows="1" placeholder={t.text(T::Placeholder)} maxlength="4096"
                                value={(*draft).clone()} oninput={on_input} onkeydown={on_keydown} onpaste={on_paste}
                                disabled={!chat.composer_enabled()} />
                            <button type="submit" class="sb-send" disabled={!chat.composer_enabled()}>{ t.html(T::Send) }</button>
                        </form>
                    }
                </section>
            }
            <button type="button" class="sb-launcher" ref={launcher_ref}
                aria-label={t.text(if chat.open { T::LauncherClose } else { T::LauncherOpen })}
                aria-expanded={if chat.open { "true" } else { "false" }} onclick={toggle}>
                { icon(LAUNCHER_ICON) }
            </button>
        </div>
    }
}

/// Text for the page: always a text node, never parsed as HTML. Not inlined, so each of the
/// view's texts is one call.
#[inline(never)]
pub(crate) fn text(value: AttrValue) -> Html {
    Html::VText(yew::virtual_dom::VText::new(value))
}

/// A constant icon as one raw node instead of a tree of virtual elements (smaller code). Safe
/// as raw HTML: every icon is a literal below, with no data from anyone in it.
pub(crate) fn icon(svg: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(svg))
}

const CLOSE_ICON: &str = r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/></svg>"#;
const ATTACH_ICON: &str = r#"<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7l9-9a3.3 3.3 0 0 1 4.7 4.7l-9 9a1.7 1.7 0 0 1-2.4-2.4l8.3-8.3"/></svg>"#;
const LAUNCHER_ICON: &str = r#"<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>"#;
