//! Getting a member's attention from the inbox: the tab's count and favicon dot (from
//! `GET /api/admin/unread`, read again on every live event), an optional sound on a new customer
//! message (Web Audio, started by the member's own click so the browser's autoplay rules allow
//! it), and desktop notifications (the Notification API) while the console sits in a background
//! tab — a click brings the tab forward on that conversation. The rules are
//! `crate::attention`'s; Web Push (the console closed) is `components::push_toggle`.

use std::cell::RefCell;
use std::rc::Rc;

use switchboard_core::api::{ConversationView, UnreadCount};
use switchboard_core::team::session::Me;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::attention::{last_line, new_customer_messages, should_notify, who};
use crate::dom::{set_unread, tab_visible};

const SOUND_KEY: &str = "switchboard.sound";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn sound_on() -> bool {
    local_storage()
        .and_then(|s| s.get_item(SOUND_KEY).ok().flatten())
        .is_some_and(|v| v == "on")
}

thread_local! {
    /// Made on the member's click (the toggle), so the browser lets it play later.
    static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
}

/// A short two-note chime.
fn chime() {
    AUDIO.with(|audio| {
        let Some(context) = audio.borrow().clone() else {
            return;
        };
        let _ = context.resume();
        let now = context.current_time();
        for (i, frequency) in [880.0_f32, 1320.0].into_iter().enumerate() {
            let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain())
            else {
                return;
            };
            oscillator.frequency().set_value(frequency);
            let start = now + 0.12 * i as f64;
            let _ = gain.gain().set_value_at_time(0.0001, start);
            let _ = gain
                .gain()
                .exponential_ramp_to_value_at_time(0.2, start + 0.02);
            let _ = gain
                .gain()
                .exponential_ramp_to_value_at_time(0.0001, start + 0.25);
            let _ = oscillator.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&context.destination());
            let _ = oscillator.start_with_when(start);
            let _ = oscillator.stop_with_when(start + 0.3);
        }
    });
}

fn permission() -> web_sys::NotificationPermission {
    web_sys::Notification::permission()
}

/// A desktop notification for a new message in `c`; a click brings the console forward on it.
fn notify(c: &ConversationView) {
    let options = web_sys::NotificationOptions::new();
    options.set_body(&c.last_message.as_ref().map(last_line).unwrap_or_default());
    // One per conversation: a newer message replaces the older notification.
    options.set_tag(&format!("conversation-{}", c.id));
    let Ok(notification) =
        web_sys::Notification::new_with_options(&format!("{} wrote", who(c)), &options)
    else {
        return;
    };
    let path = format!("/console/inbox/{}", js_sys::encode_uri_component(&c.id));
    let target = notification.clone();
    let onclick = Closure::<dyn Fn()>::new(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
            // The router follows a history change announced with popstate.
            if let Ok(history) = window.history() {
                let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
                if let Ok(event) = web_sys::Event::new("popstate") {
                    let _ = window.dispatch_event(&event);
                }
            }
        }
        target.close();
    });
    notification.set_onclick(Some(onclick.as_ref().unchecked_ref()));
    onclick.forget();
}

/// Keeps the tab's count current and tells the member of new customer messages: `list` is the
/// inbox's latest read, `tick` moves on every live event, `open` is the conversation shown.
#[hook]
pub fn use_attention(admin: &Admin, list: &[ConversationView], open: Option<String>, tick: u32) {
    let me = use_context::<Rc<Me>>();
    {
        let admin = admin.clone();
        use_effect_with(tick, move |_| {
            spawn_local(async move {
                if let Ok(count) = admin.get::<UnreadCount>("/unread").await {
                    set_unread(count.conversations);
                }
            });
        });
    }
    // Leaving the inbox takes the count out of the title (nothing keeps it current elsewhere).
    use_effect_with((), |_| move || set_unread(0));
    let previous = use_mut_ref(|| None::<Vec<ConversationView>>);
    let me = me.and_then(|m| m.email.clone());
    use_effect_with(list.to_vec(), move |list| {
        let news: Vec<ConversationView> = new_customer_messages(previous.borrow().as_deref(), list)
            .into_iter()
            .cloned()
            .collect();
        *previous.borrow_mut() = Some(list.clone());
        let visible = tab_visible();
        // The sound: for anything but the conversation the member is reading in front of them.
        if sound_on()
            && news
                .iter()
                .any(|c| !(visible && open.as_deref() == Some(&c.id)))
        {
            chime();
        }
        if permission() == web_sys::NotificationPermission::Granted {
            for c in news
                .iter()
                .filter(|c| should_notify(visible, c, me.as_deref()))
            {
                notify(c);
            }
        }
    });
}

/// The inbox's attention switches: the sound, and desktop notifications.
#[function_component(AttentionSettings)]
pub fn attention_settings() -> Html {
    let sound = use_state(sound_on);
    let allowed = use_state(permission);
    let toggle_sound = {
        let sound = sound.clone();
        Callback::from(move |_: Event| {
            let on = !*sound;
            if let Some(s) = local_storage() {
                let _ = s.set_item(SOUND_KEY, if on { "on" } else { "off" });
            }
            if on {
                AUDIO.with(|audio| {
                    if audio.borrow().is_none() {
                        *audio.borrow_mut() = web_sys::AudioContext::new().ok();
                    }
                });
                chime();
            }
            sound.set(on);
        })
    };
    let ask = {
        let allowed = allowed.clone();
        Callback::from(move |_: MouseEvent| {
            let allowed = allowed.clone();
            if let Ok(promise) = web_sys::Notification::request_permission() {
                spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                    allowed.set(permission());
                });
            }
        })
    };
    html! {
        <div class="attention-settings row wrap">
            <label class="check">
                <input type="checkbox" checked={*sound} onchange={toggle_sound} />
                { " Sound on new customer messages" }
            </label>
            { match *allowed {
                web_sys::NotificationPermission::Granted => html! {
                    <span class="hint">{ "Desktop notifications are on while the console is in a background tab." }</span>
                },
                web_sys::NotificationPermission::Denied => html! {
                    <span class="hint">{ "Desktop notifications are blocked for this site in your browser's settings." }</span>
                },
                _ => html! { <button type="button" onclick={ask}>{ "Turn on desktop notifications" }</button> },
            } }
        </div>
    }
}
