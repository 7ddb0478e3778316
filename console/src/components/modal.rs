//! A modal dialog on the browser's own `<dialog>` shown with `showModal()`: the rest of the page
//! is inert (focus stays inside, screen readers read only the dialog), Escape closes it, and
//! focus returns to whatever opened it.

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
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    html! {
        <dialog ref={node} class="modal" aria-labelledby="modal-h" {onclose}>
            <h2 id="modal-h">{ props.title.clone() }</h2>
            { props.children.clone() }
            <button type="button" class="link close" onclick={close}>{ "Close" }</button>
        </dialog>
    }
}
