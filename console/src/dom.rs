//! Small DOM helpers shared by the console's components.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

pub fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

pub fn textarea_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

pub fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A `UseStateHandle` setter as a callback taking the new value from an input.
pub fn bind_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(input_value(&e)))
}

pub fn bind_textarea(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(textarea_value(&e)))
}

pub fn time_label(unix: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    String::from(date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED))
}

/// A counter that components bump to refetch. A reducer, so a bump from a timer or an
/// async task always increments the current value, never a stale copy.
#[derive(PartialEq, Default)]
pub struct Counter(pub u32);

impl Reducible for Counter {
    type Action = ();
    fn reduce(self: std::rc::Rc<Self>, _: ()) -> std::rc::Rc<Self> {
        std::rc::Rc::new(Counter(self.0.wrapping_add(1)))
    }
}

/// A form's outcome — a success note or an error — in a live region. Render it always, with
/// `None` while there is nothing to say: a screen reader announces text that appears in a region
/// already there, and often not a region inserted together with its text.
pub fn outcome<'a>(result: impl Into<Option<&'a Result<String, String>>>) -> Html {
    html! {
        <div class="outcome" role="status">
            { match result.into() {
                Some(Ok(text)) => html! { <p class="ok">{ text.clone() }</p> },
                Some(Err(text)) => html! { <p class="error">{ text.clone() }</p> },
                None => html! {},
            } }
        </div>
    }
}

/// Moves focus to the element behind `node` (a control, or an element with `tabindex="-1"`).
pub fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Names the browser tab after the page shown.
pub fn set_page_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} · Switchboard console"));
    }
}

/// Moves focus to the page's main heading once the page has rendered: after a page switch, a
/// keyboard or screen reader user starts at the page they opened.
pub fn focus_page_heading() {
    gloo_timers::callback::Timeout::new(0, || {
        let heading = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("main h1").ok().flatten())
            .and_then(|h| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h).ok());
        if let Some(heading) = heading {
            let _ = heading.focus();
        }
    })
    .forget();
}

/// Whether a key press is Escape (closes the dialog it happens in).
pub fn is_escape(e: &KeyboardEvent) -> bool {
    e.key() == "Escape"
}

/// A Copy button's action: writes `text` to the clipboard and says whether it worked in `note`
/// (shown in a live region with [`outcome`]).
pub fn copy_to_clipboard(
    text: String,
    note: UseStateHandle<Option<Result<String, String>>>,
) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let written = window.navigator().clipboard().write_text(&text);
        let note = note.clone();
        wasm_bindgen_futures::spawn_local(async move {
            note.set(Some(
                match wasm_bindgen_futures::JsFuture::from(written).await {
                    Ok(_) => Ok("Copied.".to_owned()),
                    Err(_) => Err("Could not copy: select the text and copy it.".to_owned()),
                },
            ));
        });
    })
}

/// True while the console's tab is visible (not in the background, not minimised).
pub fn tab_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

/// Calls `changed(visible)` on each `visibilitychange`, until the returned listener is dropped.
pub fn on_visibility_change(changed: impl Fn(bool) + 'static) -> VisibilityListener {
    use wasm_bindgen::JsCast;
    let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || changed(tab_visible()));
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        let _ = d
            .add_event_listener_with_callback("visibilitychange", closure.as_ref().unchecked_ref());
    }
    VisibilityListener(closure)
}

/// A `visibilitychange` listener, removed when dropped.
pub struct VisibilityListener(wasm_bindgen::closure::Closure<dyn Fn()>);

impl Drop for VisibilityListener {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            let _ = d.remove_event_listener_with_callback(
                "visibilitychange",
                self.0.as_ref().unchecked_ref(),
            );
        }
    }
}
