//! The browser's own formatting and language facts: times and days in the visitor's language
//! and time zone (`Intl.DateTimeFormat`), the browser's languages, and fetching another
//! language file when the edge chose a different one than the loader had (the browser's
//! `Accept-Language` and `navigator.languages` differ, or the owner's settings changed).

use js_sys::{Array, Date, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Texts;

/// `navigator.languages`, most preferred first.
pub fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| list.iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

/// An instant (Unix ms) formatted for `lang` in the visitor's time zone with `Intl` options
/// such as `[("hour", "2-digit"), ("minute", "2-digit")]`.
pub fn format(lang: &str, at_ms: f64, options: &[(&str, &str)]) -> String {
    let opts = Object::new();
    for (key, value) in options {
        let _ = Reflect::set(&opts, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    let locales = Array::of1(&JsValue::from_str(lang));
    let formatter = js_sys::Intl::DateTimeFormat::new(&locales, &opts);
    formatter
        .format()
        .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(at_ms)))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// A time of day: "09:00", "9:00 AM", as the visitor's language writes it.
pub fn time_of_day(lang: &str, at_ms: f64) -> String {
    format(lang, at_ms, &[("hour", "numeric"), ("minute", "2-digit")])
}

/// When the team is back, in the visitor's own time zone: `None` when that is today (the time
/// alone says it), else the day — its name within the week, with the date when further off.
pub fn back_day(lang: &str, now_ms: f64, at_ms: f64) -> Option<String> {
    let (now, at) = (
        Date::new(&JsValue::from_f64(now_ms)),
        Date::new(&JsValue::from_f64(at_ms)),
    );
    let same_day = now.get_full_year() == at.get_full_year()
        && now.get_month() == at.get_month()
        && now.get_date() == at.get_date();
    if same_day {
        return None;
    }
    let within_a_week = at_ms - now_ms < 6.0 * 24.0 * 3600.0 * 1000.0;
    Some(if within_a_week {
        format(lang, at_ms, &[("weekday", "long")])
    } else {
        format(
            lang,
            at_ms,
            &[("weekday", "long"), ("day", "numeric"), ("month", "long")],
        )
    })
}

/// A language's texts from a plain JS object (the loader's, or a fetched file).
pub fn texts_from(lang: &str, value: JsValue) -> Option<Texts> {
    if !value.is_object() {
        return None;
    }
    Some(Texts::new(lang, |key| {
        Reflect::get(&value, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    }))
}

/// `<base>/widget/i18n/<lang>.json` (a static file the browser caches).
pub async fn fetch_texts(base: &str, lang: &str) -> Option<Texts> {
    let url = format!("{base}/widget/i18n/{lang}.json");
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let json = JsFuture::from(response.json().ok()?).await.ok()?;
    texts_from(lang, json)
}
