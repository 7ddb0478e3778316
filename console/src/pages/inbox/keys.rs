//! The inbox by keyboard: `j` or ↓ to the next conversation, `k` or ↑ to the previous one,
//! Enter to open it (the row is a button), and `?` for a dialog listing the keys. Keys typed into
//! a field, or with a modifier, are left alone.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::modal::Modal;

/// Moves focus `step` rows through the conversation list (from the focused row, else the open
/// one, else the first).
fn move_focus(step: i32) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(rows) = document.query_selector_all(".conversations button.conversation") else {
        return;
    };
    let rows: Vec<HtmlElement> = (0..rows.length())
        .filter_map(|i| rows.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect();
    if rows.is_empty() {
        return;
    }
    let active = document.active_element();
    let from = rows
        .iter()
        .position(|r| active.as_ref() == Some(r.as_ref()))
        .or_else(|| {
            rows.iter()
                .position(|r| r.get_attribute("aria-current").is_some())
        });
    let to = match from {
        Some(i) => (i as i32 + step).clamp(0, rows.len() as i32 - 1) as usize,
        None => 0,
    };
    let _ = rows[to].focus();
}

fn typing_in_a_field(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el
                    .closest("[contenteditable], dialog")
                    .ok()
                    .flatten()
                    .is_some()
        })
}

/// Listens for the inbox's keys while the inbox is shown; `help` opens the list of keys.
#[hook]
pub fn use_inbox_keys(help: Callback<()>) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || typing_in_a_field(&e) {
                return;
            }
            match e.key().as_str() {
                "j" | "ArrowDown" => {
                    e.prevent_default();
                    move_focus(1);
                }
                "k" | "ArrowUp" => {
                    e.prevent_default();
                    move_focus(-1);
                }
                "?" => {
                    e.prevent_default();
                    help.emit(());
                }
                _ => {}
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ =
                d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = &document {
                let _ = d.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct ShortcutsProps {
    pub open: bool,
    pub on_close: Callback<()>,
}

/// The list of keys (`?`).
#[function_component(Shortcuts)]
pub fn shortcuts(props: &ShortcutsProps) -> Html {
    let keys = [
        ("j or ↓", "next conversation"),
        ("k or ↑", "previous conversation"),
        ("Enter", "open the conversation"),
        ("Tab", "move through a conversation and its reply box"),
        ("?", "this list"),
        ("Escape", "close this list"),
    ];
    html! {
        <Modal open={props.open} title="Keyboard shortcuts" on_close={props.on_close.clone()}>
            <dl class="shortcuts">
                { for keys.iter().map(|(key, what)| html! {
                    <><dt><kbd>{ *key }</kbd></dt><dd>{ *what }</dd></>
                }) }
            </dl>
        </Modal>
    }
}
