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
        let count = UNREAD.with(std::cell::Cell::get);
        document.set_title(&crate::attention::titled(
            count,
            &format!("{title} · Switchboard console"),
        ));
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

thread_local! {
    /// Conversations holding messages the member has not seen (the title's and favicon's count).
    static UNREAD: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

/// Shows `count` in the tab: "(3) Inbox · Switchboard console", and a dot on the favicon.
pub fn set_unread(count: i64) {
    UNREAD.with(|u| u.set(count));
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(&crate::attention::titled(count, &document.title()));
    if let Some(icon) = document.get_element_by_id("favicon") {
        let href = if count > 0 {
            "/console/favicon-unread.svg"
        } else {
            "/console/favicon.svg"
        };
        let _ = icon.set_attribute("href", href);
    }
}

/// "2 min ago", "yesterday", "3 days ago", in the browser's language (Intl.RelativeTimeFormat).
pub fn relative_time(now: i64, then: i64) -> String {
    let seconds = (now - then).max(0);
    let (amount, unit) = match seconds {
        s if s < 60 => (0, "second"),
        s if s < 3_600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3_600, "hour"),
        s if s < 7 * 86_400 => (s / 86_400, "day"),
        s => (s / (7 * 86_400), "week"),
    };
    if amount == 0 {
        return "now".to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
    let _ = js_sys::Reflect::set(&options, &"style".into(), &"short".into());
    let format = js_sys::Intl::RelativeTimeFormat::new(&js_sys::Array::new(), &options);
    format.format(-(amount as f64), unit).into()
}

/// `n` and the word for it, with the plural the language's rules choose (Intl.PluralRules):
/// "1 message", "2 messages".
pub fn count_of(n: i64, one: &str, other: &str) -> String {
    let rules =
        js_sys::Intl::PluralRules::new(&js_sys::Array::of1(&"en".into()), &js_sys::Object::new());
    let word = if rules.select(n as f64) == "one" {
        one
    } else {
        other
    };
    format!("{n} {word}")
}
