//! The project defaults (handoff, reset, default and per-country handoff numbers, allowed
//! origins, the Messenger's name, greeting, Turnstile key, ratings and accent colour), saved with
//! the version they were loaded at so a change made elsewhere is not overwritten; and the hint
//! saying which number visitors are actually offered.

use switchboard_core::api::{NumberStatus, NumberView};
use switchboard_core::csat::CsatSettings;
use switchboard_core::settings::ProjectSettings;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::{bind_input, bind_textarea, checked, outcome, select_value};
use crate::forms::{
    format_country_map, parse_country_map, parse_lines, parse_reset_days, reset_days_input,
    RESET_EXPLANATION,
};

/// Says which number visitors are offered when the chosen default is not available (or none is
/// chosen): the first available number stands in.
fn default_number_hint(settings: &ProjectSettings, numbers: &[NumberView]) -> Html {
    use switchboard_core::handoff_routing::{effective_default, RoutableNumber};
    let routable: Vec<RoutableNumber<'_>> = numbers
        .iter()
        .map(|n| RoutableNumber {
            phone_number_id: &n.phone_number_id,
            label: &n.label,
            connected: n.status == NumberStatus::Connected,
            handoff_enabled: n.handoff_enabled,
        })
        .collect();
    let offered = effective_default(settings, &routable)
        .and_then(|id| numbers.iter().find(|n| n.phone_number_id == id));
    let chosen = settings.default_handoff_number.as_deref();
    let text = match (chosen, offered) {
        (Some(c), Some(o)) if c == o.phone_number_id => return html! {},
        (Some(c), Some(o)) => format!(
            "The chosen default ({c}) is disconnected or has handoff off: visitors are offered {} ({}) instead.",
            o.label, o.display_phone_number
        ),
        (Some(c), None) => format!(
            "The chosen default ({c}) is disconnected or has handoff off, and no other number is available: \"Continue on WhatsApp\" is not offered."
        ),
        (None, Some(o)) => format!(
            "Visitors are offered {} ({}), the first available number.",
            o.label, o.display_phone_number
        ),
        (None, None) => return html! {},
    };
    html! { <p class="hint" role="status">{ text }</p> }
}

#[derive(Properties, PartialEq)]
pub struct DefaultsProps {
    pub admin: Admin,
    pub settings: ProjectSettings,
    /// The settings' version when loaded; saving sends it so a change made elsewhere is not overwritten.
    pub version: Option<u64>,
    pub numbers: Vec<NumberView>,
    /// Saved: the parent reloads (a new version, a new form) and keeps saying what it is given.
    pub on_saved: Callback<String>,
    /// Saving found the settings changed meanwhile: the parent reloads and says so.
    pub on_changed_elsewhere: Callback<()>,
    /// Shown when the form opens (after a save here or such a reload).
    pub notice: Option<Result<String, String>>,
}

#[function_component(DefaultsForm)]
pub fn defaults_form(props: &DefaultsProps) -> Html {
    let s = &props.settings;
    let handoff = use_state(|| s.handoff_enabled);
    let reset = use_state(|| reset_days_input(Some(s.reset_days)));
    let origins = use_state(|| s.allowed_origins.join("\n"));
    let business_name = use_state(|| s.business_name.clone());
    let greeting = use_state(|| s.greeting.clone());
    let turnstile = use_state(|| s.turnstile_site_key.clone().unwrap_or_default());
    let accent = use_state(|| s.accent_color.clone());
    let default_number = use_state(|| s.default_handoff_number.clone().unwrap_or_default());
    let countries = use_state(|| format_country_map(&s.country_numbers));
    let messenger_csat = use_state(|| s.messenger_csat.enabled);
    let messenger_question = use_state(|| s.messenger_csat.question.clone().unwrap_or_default());
    let status = use_state(|| props.notice.clone());
    let submit = {
        let (admin, done, status) = (props.admin.clone(), props.on_saved.clone(), status.clone());
        let (version, changed_elsewhere) = (props.version, props.on_changed_elsewhere.clone());
        let settings_before = props.settings.clone();
        let turnstile = turnstile.clone();
        let (messenger_csat, messenger_question) =
            (messenger_csat.clone(), messenger_question.clone());
        let (handoff, reset, origins, business_name, greeting, accent, default_number, countries) = (
            handoff.clone(),
            reset.clone(),
            origins.clone(),
            business_name.clone(),
            greeting.clone(),
            accent.clone(),
            default_number.clone(),
            countries.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let built = (|| {
                Ok::<_, String>(ProjectSettings {
                    handoff_enabled: *handoff,
                    reset_days: parse_reset_days(&reset, false)?
                        .expect("inherit is not allowed here"),
                    allowed_origins: parse_lines(&origins),
                    business_name: (*business_name).clone(),
                    greeting: (*greeting).clone(),
                    turnstile_site_key: Some(turnstile.trim().to_owned()).filter(|k| !k.is_empty()),
                    accent_color: (*accent).clone(),
                    default_handoff_number: Some((*default_number).clone())
                        .filter(|n| !n.is_empty()),
                    country_numbers: parse_country_map(&countries)?,
                    messenger_csat: CsatSettings {
                        enabled: *messenger_csat,
                        question: Some(messenger_question.trim().to_owned())
                            .filter(|q| !q.is_empty()),
                        auto_resolve_hours: None,
                    },
                    // Languages, texts per language and opening hours have their own form.
                    ..settings_before.clone()
                })
            })();
            let settings = match built {
                Ok(s) => s,
                Err(e) => return status.set(Some(Err(e))),
            };
            let (admin, done, status) = (admin.clone(), done.clone(), status.clone());
            let changed_elsewhere = changed_elsewhere.clone();
            spawn_local(async move {
                match admin
                    .put_if::<ProjectSettings>("/settings", &settings, version)
                    .await
                {
                    Ok(_) => {
                        let saved = "Defaults saved.".to_owned();
                        status.set(Some(Ok(saved.clone())));
                        done.emit(saved);
                    }
                    // Someone (another tab, another owner) saved first: show theirs, say so.
                    Err(e) if e.changed_meanwhile => changed_elsewhere.emit(()),
                    Err(e) => status.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let on_handoff = {
        let handoff = handoff.clone();
        Callback::from(move |e: Event| handoff.set(checked(&e)))
    };
    let on_default = {
        let default_number = default_number.clone();
        Callback::from(move |e: Event| default_number.set(select_value(&e)))
    };
    let on_messenger_csat = {
        let messenger_csat = messenger_csat.clone();
        Callback::from(move |e: Event| messenger_csat.set(checked(&e)))
    };
    let on_accent = {
        let accent = accent.clone();
        Callback::from(move |e: InputEvent| accent.set(crate::dom::input_value(&e)))
    };
    html! {
        <section class="card" aria-labelledby="defaults-h">
            <h2 id="defaults-h">{ "Project defaults" }</h2>
            <form onsubmit={submit}>
                <label class="inline"><input type="checkbox" checked={*handoff} onchange={on_handoff} />{ " Handoff to WhatsApp enabled for this project" }</label>
                <div class="field">
                    <label for="defaults-reset">{ "Reset after (days, or off)" }</label>
                    <input id="defaults-reset" size="6" value={(*reset).clone()} oninput={bind_input(&reset)} />
                    <span class="hint">{ RESET_EXPLANATION }</span>
                </div>
                <div class="field">
                    <label for="defaults-default-number">{ "Default handoff number" }</label>
                    <select id="defaults-default-number" onchange={on_default}>
                        <option value="" selected={default_number.is_empty()}>{ "First available number" }</option>
                        { for props.numbers.iter().filter(|n| n.status == NumberStatus::Connected || n.phone_number_id == *default_number).map(|n| html! {
                            <option value={n.phone_number_id.clone()} selected={*default_number == n.phone_number_id}>{ format!("{} ({}){}", n.label, n.display_phone_number, if n.status == NumberStatus::Connected { "" } else { " — disconnected" }) }</option>
                        }) }
                    </select>
                    { default_number_hint(&props.settings, &props.numbers) }
                </div>
                <div class="field">
                    <label for="defaults-countries">{ "Handoff number by visitor country (DE = <phone number id>, one per line)" }</label>
                    <textarea id="defaults-countries" value={(*countries).clone()} oninput={bind_textarea(&countries)} />
                </div>
                <div class="field">
                    <label for="defaults-origins">{ "Sites allowed to embed the Messenger (one origin per line)" }</label>
                    <textarea id="defaults-origins" placeholder="https://shop.example" value={(*origins).clone()} oninput={bind_textarea(&origins)} />
                </div>
                <div class="field"><label for="defaults-name">{ "Business name" }</label><input id="defaults-name" value={(*business_name).clone()} oninput={bind_input(&business_name)} /></div>
                <div class="field"><label for="defaults-greeting">{ "Greeting" }</label><input id="defaults-greeting" value={(*greeting).clone()} oninput={bind_input(&greeting)} /></div>
                <div class="field">
                    <label for="defaults-turnstile">{ "Turnstile site key (optional)" }</label>
                    <input id="defaults-turnstile" value={(*turnstile).clone()} oninput={bind_input(&turnstile)} placeholder="0x4AAAAAAA…" />
                    <span class="hint">{ "With a site key here and the TURNSTILE_SECRET_KEY secret set, a new visitor passes Cloudflare Turnstile before their first message. Rate limits apply either way; allowed origins only decide which sites may embed the Messenger." }</span>
                </div>
                <div class="field">
                    <label><input type="checkbox" checked={*messenger_csat} onchange={on_messenger_csat} />{ " Ask Messenger visitors to rate a conversation once it is resolved" }</label>
                    <label for="defaults-csat-question">{ "Rating question (Messenger)" }</label>
                    <input id="defaults-csat-question" value={(*messenger_question).clone()} oninput={bind_input(&messenger_question)} placeholder={switchboard_core::csat::DEFAULT_QUESTION} />
                </div>
                <div class="field"><label for="defaults-accent">{ "Accent colour" }</label><input id="defaults-accent" type="color" value={(*accent).clone()} oninput={on_accent} /></div>
                { outcome(status.as_ref()) }
                <button type="submit" class="primary">{ "Save defaults" }</button>
            </form>
        </section>
    }
}
