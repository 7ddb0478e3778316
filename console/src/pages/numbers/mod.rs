//! Connections › WhatsApp: the numbers (a `card` each, with its `profile`), deliveries for
//! numbers not connected and items that could not be understood, connecting a number
//! (`connect`), the support KPIs, the project `defaults` and the install snippet.

mod card;
mod connect;
mod defaults;
mod messenger;
mod profile;

use serde_json::Value;
use switchboard_core::api::{NumberStats, NumberView};
use switchboard_core::settings::ProjectSettings;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::components::kpi_table::KpiTable;
use crate::dom::{copy_to_clipboard, now_seconds, outcome, select_value, Counter};
use card::NumberCard;
use connect::ConnectForm;
use defaults::DefaultsForm;
use messenger::MessengerForm;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
}

#[derive(Clone, PartialEq, Default)]
struct Loaded {
    numbers: Vec<NumberView>,
    settings: Option<ProjectSettings>,
    settings_version: Option<u64>,
    stats: Vec<NumberStats>,
    unrouted: Vec<Value>,
    not_understood: Vec<Value>,
}

#[function_component(Connections)]
pub fn connections(props: &Props) -> Html {
    let loaded = use_state(Loaded::default);
    let error = use_state(|| None::<String>);
    let version = use_reducer(Counter::default);
    let period_days = use_state(|| 30i64);
    {
        let (admin, loaded, error) = (props.admin.clone(), loaded.clone(), error.clone());
        let days = *period_days;
        use_effect_with((version.0, days), move |_| {
            spawn_local(async move {
                let to = now_seconds() + 1;
                let result = async {
                    let (settings, settings_version) = admin.get_versioned("/settings").await?;
                    Ok::<_, ApiError>(Loaded {
                        numbers: admin.get("/numbers").await?,
                        settings: Some(settings),
                        settings_version,
                        stats: admin
                            .get(&format!("/stats?from={}&to={to}", to - days * 86_400))
                            .await?,
                        unrouted: admin.get("/unrouted").await?,
                        not_understood: admin.get("/not-understood").await?,
                    })
                }
                .await;
                match result {
                    Ok(l) => loaded.set(l),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        });
    }
    let reload = {
        let version = version.dispatcher();
        Callback::from(move |_: ()| version.dispatch(()))
    };
    let defaults_notice = use_state(|| None::<String>);
    let snippet_copied = use_state(|| None::<Result<String, String>>);
    let changed_elsewhere = {
        let (reload, defaults_notice) = (reload.clone(), defaults_notice.clone());
        Callback::from(move |_: ()| {
            defaults_notice.set(Some(
                "These defaults were changed elsewhere (another tab or another owner) after you opened them. \
                 The current values are shown now: check them and save again."
                    .to_owned(),
            ));
            reload.emit(());
        })
    };
    let on_period = {
        let period_days = period_days.clone();
        Callback::from(move |e: Event| period_days.set(select_value(&e).parse().unwrap_or(30)))
    };
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let settings = loaded.settings.clone();
    // Hiding the launcher outside hours needs the loader to ask (data-presence).
    let presence = settings
        .as_ref()
        .is_some_and(|s| s.opening_hours.enabled && s.opening_hours.hide_launcher_when_closed);
    let snippet = format!(
        "<script src=\"{origin}/widget.js\"{} async></script>",
        if presence { " data-presence" } else { "" }
    );
    let settings_for_messenger = settings.clone().unwrap_or_default();
    html! {
        <div class="page">
            <h1 tabindex="-1">{ "Connections › WhatsApp" }</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <section aria-labelledby="numbers-h">
                <div class="row between">
                    <h2 id="numbers-h">{ "Numbers" }</h2>
                    <label class="inline">{ "Figures over " }
                        <select onchange={on_period} aria-label="Figures over">
                            <option value="7" selected={*period_days == 7}>{ "7 days" }</option>
                            <option value="30" selected={*period_days == 30}>{ "30 days" }</option>
                            <option value="90" selected={*period_days == 90}>{ "90 days" }</option>
                        </select>
                    </label>
                </div>
                if loaded.numbers.is_empty() {
                    <p class="empty">{ "No number connected yet. Connect one below." }</p>
                }
                { for loaded.numbers.iter().map(|n| {
                    let stats = loaded.stats.iter().find(|s| s.phone_number_id == n.phone_number_id).cloned();
                    html! { <NumberCard key={n.phone_number_id.clone()} admin={props.admin.clone()} number={n.clone()} {stats} on_change={reload.clone()} /> }
                }) }
            </section>
            if !loaded.unrouted.is_empty() {
                <section class="card" aria-labelledby="unrouted-h">
                    <h2 id="unrouted-h">{ "Deliveries for numbers that are not connected" }</h2>
                    <p class="hint">{ "WhatsApp sent these for a number that is not connected here (or was disconnected). They were acknowledged so WhatsApp stops retrying, and kept for you. When the number is connected, they join its conversations." }</p>
                    <ul class="unrouted">
                        { for loaded.unrouted.iter().map(|u| html! {
                            <li>
                                { format!("Number {} · {} message(s), {} status update(s) · ",
                                    u["phone_number_id"].as_str().unwrap_or_default(),
                                    u["message_count"].as_i64().unwrap_or_default(),
                                    u["status_count"].as_i64().unwrap_or_default()) }
                                { crate::dom::time_label(u["received_at"].as_i64().unwrap_or_default()) }
                                if u["replayed_at"].as_i64().is_some() {
                                    <span class="hint">{ " · added to conversations" }</span>
                                }
                            </li>
                        }) }
                    </ul>
                </section>
            }
            if !loaded.not_understood.is_empty() {
                <section class="card" aria-labelledby="not-understood-h">
                    <h2 id="not-understood-h">{ "Delivery items that could not be understood" }</h2>
                    <p class="hint">{ "WhatsApp sent these inside otherwise good deliveries. Everything else in those deliveries was stored; these items are kept here exactly as they arrived, with the reason." }</p>
                    <ul class="not-understood">
                        { for loaded.not_understood.iter().map(|u| html! {
                            <li>
                                <strong>{ u["reason"].as_str().unwrap_or_default().to_owned() }</strong>
                                { format!(" · number {} · ", u["phone_number_id"].as_str().unwrap_or("unknown")) }
                                { crate::dom::time_label(u["received_at"].as_i64().unwrap_or_default()) }
                                <pre class="raw"><code>{ u["raw"].as_str().unwrap_or_default().to_owned() }</code></pre>
                            </li>
                        }) }
                    </ul>
                </section>
            }
            <ConnectForm admin={props.admin.clone()} on_connected={reload.clone()} />
            <KpiTable admin={props.admin.clone()} />
            if let Some(settings) = settings {
                // Keyed by version: a reload after a change elsewhere shows the current values.
                <DefaultsForm key={loaded.settings_version.unwrap_or(0).to_string()} admin={props.admin.clone()} {settings}
                    version={loaded.settings_version} numbers={loaded.numbers.clone()} on_saved={reload.clone()}
                    notice={(*defaults_notice).clone()} on_changed_elsewhere={changed_elsewhere.clone()} />
                <MessengerForm key={format!("m{}", loaded.settings_version.unwrap_or(0))} admin={props.admin.clone()}
                    settings={settings_for_messenger} version={loaded.settings_version} on_saved={reload.clone()}
                    on_changed_elsewhere={changed_elsewhere} />
            }
            <section class="card" aria-labelledby="install-h">
                <h2 id="install-h">{ "Install the Messenger" }</h2>
                <p>{ "Paste this tag into your site's HTML, just before </body>. Add data-number=\"<phone number id or label>\" to pick the handoff number." }</p>
                <pre class="snippet"><code>{ snippet.clone() }</code></pre>
                <button onclick={copy_to_clipboard(snippet, snippet_copied.clone())}>{ "Copy snippet" }</button>
                { outcome(snippet_copied.as_ref()) }
            </section>
        </div>
    }
}
