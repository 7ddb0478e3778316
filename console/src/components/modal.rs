//! A modal dialog on the browser's own `<dialog>` shown with `showModal()`: the rest of the page
//! is inert (screen readers read only the dialog), Tab and Shift+Tab cycle inside it (the browser
//! alone would let focus leave for its own toolbar), Escape closes it, and focus returns to
//! whatever opened it.

use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub open: bool,
    /// The dialog's heading and accessible name.
    pub title: AttrValue,
    /// Called when the dialog closes itself (Escape, or its Close button).
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub children: Html,
}

#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let node = use_node_ref();
    let opener = use_mut_ref(|| None::<HtmlElement>);
    {
        let (node, opener) = (node.clone(), opener.clone());
        use_effect_with(props.open, move |open| {
            let Some(dialog) = node.cast::<HtmlDialogElement>() else {
                return;
            };
            if *open && !dialog.open() {
                *opener.borrow_mut() = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element())
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok());
                let _ = dialog.show_modal();
            } else if !*open {
                if dialog.open() {
                    dialog.close();
                }
                if let Some(opener) = opener.borrow_mut().take() {
                    let _ = opener.focus();
                }
            }
        });
    }
    let onclose = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: Event| on_close.emit(()))
    };
    let onkeydown = {
        let node = node.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Tab" {
                keep_focus_inside(&node, &e);
            }
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    html! {
        <dialog ref={node} class="modal" aria-labelledby="modal-h" {onclose} {onkeydown}>
            <h2 id="modal-h">{ props.title.clone() }</h2>
            { props.children.clone() }
            <button type="button" class="link close" onclick={close}>{ "Close" }</button>
        </dialog>
    }
}

/// Tab on the dialog's last control goes to its first; Shift+Tab on the first, to the last.
fn keep_focus_inside(dialog: &NodeRef, e: &KeyboardEvent) {
    const FOCUSABLE: &str =
        "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";
    let Some(dialog) = dialog.cast::<web_sys::Element>() else {
        return;
    };
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return;
    };
    let controls: Vec<HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let at = |element: &HtmlElement| active.as_ref() == Some(element.as_ref());
    let wrap_to = if e.shift_key() && (at(first) || !controls.iter().any(at)) {
        Some(last)
    } else if !e.shift_key() && (at(last) || !controls.iter().any(at)) {
        Some(first)
    } else {
        None
    };
    if let Some(target) = wrap_to {
        e.prevent_default();
        let _ = target.focus();
    }
}
