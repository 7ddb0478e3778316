//! The Messenger's languages and opening hours: the default language (and whether every visitor
//! gets it), the owner's texts in other languages, the away message, the reply-time promise,
//! and the weekly hours with their exceptions in the business's time zone. Saved with the
//! settings' version, like the project defaults, so a change made elsewhere is not overwritten.

use std::collections::BTreeMap;

use crate::hours_text::{format_exceptions, format_spans, parse_exceptions, parse_spans};
use switchboard_core::language::NAMES;
use switchboard_core::messenger_texts::{LanguageSettings, OwnerTexts};
use switchboard_core::opening_hours::{OpeningHours, Week};
use switchboard_core::settings::ProjectSettings;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::{bind_input, bind_textarea, checked, input_value, outcome, select_value};

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

#[derive(Properties, PartialEq)]
pub struct MessengerProps {
    pub admin: Admin,
    pub settings: ProjectSettings,
    pub version: Option<u64>,
    /// Saved: the parent reloads (a new version, a new form) and keeps saying what it is given.
    pub on_saved: Callback<String>,
    pub on_changed_elsewhere: Callback<()>,
    /// Shown when the form opens (after a save here).
    #[prop_or_default]
    pub notice: Option<Result<String, String>>,
}

fn week_days(week: &Week) -> [String; 7] {
    [
        &week.mon, &week.tue, &week.wed, &week.thu, &week.fri, &week.sat, &week.sun,
    ]
    .map(|d| format_spans(d))
}

/// The owner's texts in one language, as the four fields edit them.
fn field(
    texts: &BTreeMap<String, OwnerTexts>,
    lang: &str,
    get: fn(&OwnerTexts) -> &Option<String>,
) -> String {
    texts
        .get(lang)
        .and_then(|t| get(t).clone())
        .unwrap_or_default()
}

#[function_component(MessengerForm)]
pub fn messenger_form(props: &MessengerProps) -> Html {
    let s = &props.settings;
    let default_lang = use_state(|| s.language.default.clone());
    let always = use_state(|| s.language.always_default);
    let away = use_state(|| s.away_message.clone().unwrap_or_default());
    let reply_time = use_state(|| s.show_reply_time);
    let agent_names = use_state(|| !s.hide_agent_names);
    let translations = use_state(|| s.translations.clone());
    let editing = use_state(|| {
        NAMES
            .iter()
            .map(|(tag, _)| tag.to_string())
            .find(|t| *t != s.language.default)
            .unwrap_or_default()
    });
    let hours_on = use_state(|| s.opening_hours.enabled);
    let zone = use_state(|| s.opening_hours.time_zone.clone());
    let days = use_state(|| week_days(&s.opening_hours.week));
    let exceptions = use_state(|| format_exceptions(&s.opening_hours.exceptions));
    let hide = use_state(|| s.opening_hours.hide_launcher_when_closed);
    let status = use_state(|| props.notice.clone());

    let submit = {
        let (admin, done, status, before) = (
            props.admin.clone(),
            props.on_saved.clone(),
            status.clone(),
            props.settings.clone(),
        );
        let (version, changed_elsewhere) = (props.version, props.on_changed_elsewhere.clone());
        let (default_lang, always, away, reply_time, translations) = (
            default_lang.clone(),
            always.clone(),
            away.clone(),
            reply_time.clone(),
            translations.clone(),
        );
        let agent_names = agent_names.clone();
        let (hours_on, zone, days, exceptions, hide) = (
            hours_on.clone(),
            zone.clone(),
            days.clone(),
            exceptions.clone(),
            hide.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let built = (|| {
                let spans: Vec<_> = days
                    .iter()
                    .zip(DAYS)
                    .map(|(text, day)| parse_spans(text).map_err(|e| format!("{day}: {e}")))
                    .collect::<Result<_, _>>()?;
                let [mon, tue, wed, thu, fri, sat, sun]: [_; 7] =
                    spans.try_into().map_err(|_| "seven days".to_owned())?;
                Ok::<_, String>(ProjectSettings {
                    language: LanguageSettings {
                        default: (*default_lang).clone(),
                        always_default: *always,
                    },
                    away_message: Some(away.trim().to_owned()).filter(|a| !a.is_empty()),
                    show_reply_time: *reply_time,
                    hide_agent_names: !*agent_names,
                    translations: (*translations).clone(),
                    opening_hours: OpeningHours {
                        enabled: *hours_on,
                        time_zone: zone.trim().to_owned(),
                        week: Week {
                            mon,
                            tue,
                            wed,
                            thu,
                            fri,
                            sat,
                            sun,
                        },
                        exceptions: parse_exceptions(&exceptions)?,
                        hide_launcher_when_closed: *hide,
                    },
                    ..before.clone()
                })
            })();
            let settings = match built {
                Ok(s) => s,
                Err(e) => return status.set(Some(Err(e))),
            };
            let (admin, done, status, changed_elsewhere) = (
                admin.clone(),
                done.clone(),
                status.clone(),
                changed_elsewhere.clone(),
            );
            spawn_local(async move {
                match admin
                    .put_if::<ProjectSettings>("/settings", &settings, version)
                    .await
                {
                    Ok(_) => {
                        let saved = "Languages and hours saved.".to_owned();
                        status.set(Some(Ok(saved.clone())));
                        done.emit(saved);
                    }
                    Err(e) if e.changed_meanwhile => changed_elsewhere.emit(()),
                    Err(e) => status.set(Some(Err(e.to_string()))),
                }
            });
        })
    };

    // One language's texts at a time: the select picks which.
    let text_input = |id: &'static str,
                      label: &'static str,
                      get: fn(&OwnerTexts) -> &Option<String>,
                      set: fn(&mut OwnerTexts, Option<String>)| {
        let (translations, editing) = (translations.clone(), editing.clone());
        let value = field(&translations, &editing, get);
        let oninput = Callback::from(move |e: InputEvent| {
            let mut all = (*translations).clone();
            let text = Some(input_value(&e)).filter(|t| !t.trim().is_empty());
            set(all.entry((*editing).clone()).or_default(), text);
            translations.set(all);
        });
        html! { <div class="field"><label for={id}>{ label }</label><input {id} {value} {oninput} /></div> }
    };
    let on_default = {
        let d = default_lang.clone();
        Callback::from(move |e: Event| d.set(select_value(&e)))
    };
    let on_editing = {
        let d = editing.clone();
        Callback::from(move |e: Event| d.set(select_value(&e)))
    };
    let on_always = {
        let d = always.clone();
        Callback::from(move |e: Event| d.set(checked(&e)))
    };
    let on_reply = {
        let d = reply_time.clone();
        Callback::from(move |e: Event| d.set(checked(&e)))
    };
    let on_agent_names = {
        let d = agent_names.clone();
        Callback::from(move |e: Event| d.set(checked(&e)))
    };
    let on_hours = {
        let d = hours_on.clone();
        Callback::from(move |e: Event| d.set(checked(&e)))
    };
    let on_hide = {
        let d = hide.clone();
        Callback::from(move |e: Event| d.set(checked(&e)))
    };
    let day_row = |i: usize| {
        let value = days[i].clone();
        let days = days.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let mut all = (*days).clone();
            all[i] = input_value(&e);
            days.set(all);
        });
        let id = format!("hours-day-{i}");
        html! {
            <div class="field day">
                <label for={id.clone()}>{ DAYS[i] }</label>
                <input id={id} {value} {oninput} placeholder="closed" />
            </div>
        }
    };
    html! {
        <section class="card" aria-labelledby="messenger-h">
            <h2 id="messenger-h">{ "Messenger languages and opening hours" }</h2>
            <form onsubmit={submit}>
                <h3>{ "Languages" }</h3>
                <div class="field">
                    <label for="lang-default">{ "Default language (your business name and greeting above are in it)" }</label>
                    <select id="lang-default" onchange={on_default}>
                        { for NAMES.iter().map(|(tag, name)| html! {
                            <option value={*tag} selected={*default_lang == *tag}>{ *name }</option>
                        }) }
                    </select>
                    <span class="hint">{ "Visitors get the language their browser asks for when the Messenger speaks it (16 languages), else this one. data-lang=\"pt-BR\" on the script tag chooses for a page." }</span>
                </div>
                <label class="inline"><input type="checkbox" checked={*always} onchange={on_always} />{ " Always use the default language" }</label>
                <div class="field">
                    <label for="lang-editing">{ "Your texts in another language" }</label>
                    <select id="lang-editing" onchange={on_editing}>
                        { for NAMES.iter().filter(|(tag, _)| *tag != *default_lang).map(|(tag, name)| html! {
                            <option value={*tag} selected={*editing == *tag}>{ *name }</option>
                        }) }
                    </select>
                    <span class="hint">{ "Empty fields use the default language's text." }</span>
                </div>
                { text_input("lang-name", "Business name", |t| &t.business_name, |t, v| t.business_name = v) }
                { text_input("lang-greeting", "Greeting", |t| &t.greeting, |t, v| t.greeting = v) }
                { text_input("lang-question", "Rating question", |t| &t.rating_question, |t, v| t.rating_question = v) }
                { text_input("lang-away", "Away message", |t| &t.away_message, |t, v| t.away_message = v) }
                <h3>{ "Opening hours" }</h3>
                <label class="inline"><input type="checkbox" checked={*hours_on} onchange={on_hours} />{ " Show visitors when you are in" }</label>
                <div class="field">
                    <label for="hours-zone">{ "Time zone (IANA name)" }</label>
                    <input id="hours-zone" value={(*zone).clone()} oninput={bind_input(&zone)} placeholder="Europe/Lisbon" />
                </div>
                <fieldset class="week">
                    <legend>{ "Hours per day, such as 09:00–12:30, 14:00–18:00 (empty: closed)" }</legend>
                    { for (0..7).map(day_row) }
                </fieldset>
                <div class="field">
                    <label for="hours-exceptions">{ "Exceptions, one per line (2026-12-25 closed, or 2026-12-24 09:00–13:00)" }</label>
                    <textarea id="hours-exceptions" value={(*exceptions).clone()} oninput={bind_textarea(&exceptions)} />
                </div>
                <div class="field">
                    <label for="hours-away">{ "Away message (shown outside hours, in the default language)" }</label>
                    <input id="hours-away" value={(*away).clone()} oninput={bind_input(&away)} placeholder="Leave a message and we'll reply when we're back." />
                </div>
                <label class="inline"><input type="checkbox" checked={*hide} onchange={on_hide} />{ " Hide the launcher outside hours" }</label>
                <span class="hint">{ "From the next page a visitor opens: while you are closed, your site gets no Messenger at all (nothing to change in the script tag)." }</span>
                <label class="inline"><input type="checkbox" checked={*agent_names} onchange={on_agent_names} />{ " Show the agent's name on replies in the Messenger (\"Ana\" above the reply)" }</label>
                <label class="inline"><input type="checkbox" checked={*reply_time} onchange={on_reply} />{ " Show \"usually replies within …\" (the median first response of the last 30 days, in hours)" }</label>
                { outcome(status.as_ref()) }
                <button type="submit" class="primary">{ "Save languages and hours" }</button>
            </form>
        </section>
    }
}
