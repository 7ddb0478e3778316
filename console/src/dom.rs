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

/// A form's outcome: a success note, or an error announced to screen readers.
pub fn outcome(result: &Result<String, String>) -> Html {
    match result {
        Ok(text) => html! { <p class="ok" role="status">{ text.clone() }</p> },
        Err(text) => html! { <p class="error" role="alert">{ text.clone() }</p> },
    }
}
