//! Connections › WhatsApp: the numbers with their settings, business profile,
//! WhatsApp Manager links and disconnect flow; connecting a number; the project
//! defaults; the install snippet; and the reset KPIs per number.

use serde_json::{json, Value};
use switchboard_core::api::{DisconnectOutcome, NumberStats, NumberStatus, NumberView};
use switchboard_core::csat::CsatSettings;
use switchboard_core::manager_links::TwoStepGuidance;
use switchboard_core::settings::ProjectSettings;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::components::kpi_table::KpiTable;
use crate::dom::{bind_input, bind_textarea, checked, now_seconds, outcome, select_value, Counter};
use crate::forms::{
    duration, format_country_map, parse_country_map, parse_lines, parse_reset_days,
    reset_days_input, reset_days_label,
};

const RESET_EXPLANATION: &str = "A customer's message opens a new conversation when the last message between you and them — theirs, or one of yours that was not refused, such as a template — is more than this many days older. So each conversation measures one request (response times, resolution KPIs and CSAT stay clean), and a customer answering your template continues that conversation.";

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
    let snippet = format!("<script src=\"{origin}/widget.js\" async></script>");
    let settings = loaded.settings.clone();
    html! {
        <div class="page">
            <h1>{ "Connections › WhatsApp" }</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <section aria-labelledby="numbers-h">
                <div class="row between">
                    <h2 id="numbers-h">{ "Numbers" }</h2>
                    <label class="inline">{ "Figures over " }
                        <select onchange={on_period} aria-label="Period">
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
                    notice={(*defaults_notice).clone()} on_changed_elsewhere={changed_elsewhere} />
            }
            <section class="card" aria-labelledby="install-h">
                <h2 id="install-h">{ "Install the Messenger" }</h2>
                <p>{ "Paste this tag into your site's HTML, just before </body>. Add data-number=\"<phone number id or label>\" to pick the handoff number." }</p>
                <pre class="snippet"><code>{ snippet.clone() }</code></pre>
                <button onclick={Callback::from(move |_| {
                    if let Some(w) = web_sys::window() { let _ = w.navigator().clipboard().write_text(&snippet); }
                })}>{ "Copy snippet" }</button>
            </section>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    admin: Admin,
    number: NumberView,
    stats: Option<NumberStats>,
    on_change: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Disconnect {
    Closed,
    Choosing,
    Preview {
        intent: &'static str,
        guidance: TwoStepGuidance,
    },
    Done(DisconnectOutcome),
}

#[function_component(NumberCard)]
fn number_card(props: &CardProps) -> Html {
    let n = &props.number;
    let reset_text = use_state(|| reset_days_input(n.reset_days));
    let message = use_state(|| None::<Result<String, String>>);
    let disconnect = use_state(|| Disconnect::Closed);
    let show_profile = use_state(|| false);
    let id = n.phone_number_id.clone();
    let connected = n.status == NumberStatus::Connected;

    let patch = {
        let (admin, id, message, on_change) = (
            props.admin.clone(),
            id.clone(),
            message.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |body: Value| {
            let (admin, id, message, on_change) = (
                admin.clone(),
                id.clone(),
                message.clone(),
                on_change.clone(),
            );
            spawn_local(async move {
                match admin
                    .patch::<NumberView>(&format!("/numbers/{id}"), &body)
                    .await
                {
                    Ok(_) => {
                        message.set(Some(Ok("Saved.".to_owned())));
                        on_change.emit(());
                    }
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    // The box follows the owner's click at once (a list refresh still in flight must not flip it
    // back), and the saved value whenever it changes.
    let handoff_on = use_state(|| n.handoff_enabled);
    {
        let handoff_on = handoff_on.clone();
        use_effect_with(n.handoff_enabled, move |saved| handoff_on.set(*saved));
    }
    let on_handoff = {
        let (patch, handoff_on) = (patch.clone(), handoff_on.clone());
        Callback::from(move |e: Event| {
            let on = checked(&e);
            handoff_on.set(on);
            patch.emit(json!({ "handoff_enabled": on }));
        })
    };
    let csat_on = use_state(|| n.csat.enabled);
    let csat_question = use_state(|| n.csat.question.clone().unwrap_or_default());
    let auto_hours = use_state(|| {
        n.csat
            .auto_resolve_hours
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    let save_csat = {
        let (patch, message) = (patch.clone(), message.clone());
        let (csat_on, csat_question, auto_hours) =
            (csat_on.clone(), csat_question.clone(), auto_hours.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let hours = match auto_hours.trim() {
                "" | "off" => None,
                h => match h.parse::<u32>() {
                    Ok(h) => Some(h),
                    Err(_) => {
                        message.set(Some(Err(
                            "Auto-resolve: a number of hours (1–720), or empty for off".to_owned(),
                        )));
                        return;
                    }
                },
            };
            patch.emit(json!({ "csat": {
                "enabled": *csat_on,
                "question": Some(csat_question.trim().to_owned()).filter(|q| !q.is_empty()),
                "auto_resolve_hours": hours,
            } }));
        })
    };
    let on_csat = {
        let csat_on = csat_on.clone();
        Callback::from(move |e: Event| csat_on.set(checked(&e)))
    };
    let save_reset = {
        let (patch, reset_text, message) = (patch.clone(), reset_text.clone(), message.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_reset_days(&reset_text, true) {
                Ok(days) => patch.emit(json!({ "reset_days": days })),
                Err(e) => message.set(Some(Err(e))),
            }
        })
    };
    let choose = |intent: &'static str| {
        let (admin, id, disconnect, message) = (
            props.admin.clone(),
            id.clone(),
            disconnect.clone(),
            message.clone(),
        );
        Callback::from(move |_| {
            let (admin, id, disconnect, message) = (
                admin.clone(),
                id.clone(),
                disconnect.clone(),
                message.clone(),
            );
            spawn_local(async move {
                match admin
                    .get::<TwoStepGuidance>(&format!("/numbers/{id}/disconnect?intent={intent}"))
                    .await
                {
                    Ok(guidance) => disconnect.set(Disconnect::Preview { intent, guidance }),
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let confirm = {
        let (admin, id, disconnect, message, on_change) = (
            props.admin.clone(),
            id.clone(),
            disconnect.clone(),
            message.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |_| {
            let Disconnect::Preview { intent, .. } = &*disconnect else {
                return;
            };
            let intent = *intent;
            let (admin, id, disconnect, message, on_change) = (
                admin.clone(),
                id.clone(),
                disconnect.clone(),
                message.clone(),
                on_change.clone(),
            );
            spawn_local(async move {
                match admin
                    .delete::<DisconnectOutcome>(&format!("/numbers/{id}?intent={intent}"))
                    .await
                {
                    Ok(outcome) => {
                        disconnect.set(Disconnect::Done(outcome));
                        on_change.emit(());
                    }
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    let set_disconnect = |d: Disconnect| {
        let disconnect = disconnect.clone();
        Callback::from(move |_| disconnect.set(d.clone()))
    };
    let toggle_profile = {
        let show_profile = show_profile.clone();
        Callback::from(move |_| show_profile.set(!*show_profile))
    };

    html! {
        <article class={classes!("card", "number", (!connected).then_some("disconnected"))} aria-label={format!("Number {}", n.label)}>
            <div class="row between">
                <div>
                    <h3>{ n.label.clone() }</h3>
                    <p class="meta">
                        { n.display_phone_number.clone() }
                        { n.verified_name.as_ref().map(|v| format!(" · {v}")).unwrap_or_default() }
                        { " · id " }{ n.phone_number_id.clone() }
                    </p>
                </div>
                <div class="badges">
                    <span class={classes!("badge", if connected { "ok" } else { "off" })}>{ if connected { "Connected" } else { "Disconnected" } }</span>
                    if let Some(q) = &n.quality_rating {
                        <span class={classes!("badge", format!("quality-{}", q.to_ascii_lowercase()))} title="Quality rating">{ format!("Quality: {q}") }</span>
                    }
                </div>
            </div>
            if let Some(s) = &props.stats {
                <dl class="stats">
                    <div><dt>{ "Conversations opened" }</dt><dd>{ s.conversations_opened }</dd></div>
                    <div><dt>{ "Resets applied" }</dt><dd>{ s.resets_applied }</dd></div>
                    <div><dt>{ "Median first response" }</dt><dd>{ s.median_first_response_seconds.map(duration).unwrap_or_else(|| "—".to_owned()) }</dd></div>
                </dl>
            }
            if connected {
                <div class="settings-grid">
                    <label class="inline">
                        <input type="checkbox" checked={*handoff_on} onchange={on_handoff} />
                        { " Offer \"Continue on WhatsApp\" in the Messenger" }
                    </label>
                    <form class="inline" onsubmit={save_reset}>
                        <label for={format!("reset-{id}")}>{ "Reset after (days, off, or empty for the project default)" }</label>
                        <input id={format!("reset-{id}")} size="6" value={(*reset_text).clone()} oninput={bind_input(&reset_text)} placeholder={reset_days_label(Some(n.effective_reset_days))} />
                        <button type="submit">{ "Save" }</button>
                        <span class="hint">{ format!("Now: {}", reset_days_label(Some(n.effective_reset_days))) }</span>
                    </form>
                    <p class="hint">{ RESET_EXPLANATION }</p>
                    <form class="csat" onsubmit={save_csat} aria-label={format!("Ratings for {}", n.label)}>
                        <label class="inline"><input type="checkbox" checked={*csat_on} onchange={on_csat} />{ " Ask customers to rate a conversation once it is resolved (reply buttons, only within WhatsApp's 24-hour window)" }</label>
                        <label for={format!("csat-q-{id}")}>{ "Rating question" }</label>
                        <input id={format!("csat-q-{id}")} value={(*csat_question).clone()} oninput={bind_input(&csat_question)} placeholder={switchboard_core::csat::DEFAULT_QUESTION} />
                        <label for={format!("auto-{id}")}>{ "Auto-resolve after (hours without a customer message; empty: off)" }</label>
                        <input id={format!("auto-{id}")} size="6" value={(*auto_hours).clone()} oninput={bind_input(&auto_hours)} placeholder="off" />
                        <button type="submit">{ "Save ratings" }</button>
                    </form>
                </div>
                <p class="links">
                    <a href={n.manager_links.number_settings.clone()} target="_blank" rel="noopener">{ "Manage in WhatsApp Manager" }</a>
                    <a href={n.manager_links.phone_numbers.clone()} target="_blank" rel="noopener">{ "All phone numbers" }</a>
                    <a href={n.manager_links.two_step_verification.clone()} target="_blank" rel="noopener">{ "Two-step verification" }</a>
                    <button class="link" onclick={toggle_profile}>{ if *show_profile { "Hide business profile" } else { "Edit business profile" } }</button>
                </p>
                if *show_profile { <ProfileEditor admin={props.admin.clone()} id={id.clone()} /> }
            }
            if let Some(m) = &*message {
                { outcome(m) }
            }
            { match &*disconnect {
                Disconnect::Closed if connected => html! { <button class="danger" onclick={set_disconnect(Disconnect::Choosing)}>{ "Disconnect…" }</button> },
                Disconnect::Closed => html! {},
                Disconnect::Choosing => html! {
                    <div class="dialog" role="group" aria-label="Disconnect">
                        <p><strong>{ "What will you do with this number?" }</strong></p>
                        <button onclick={choose("reuse")}>{ "Connect it here again later (reuse)" }</button>
                        <button onclick={choose("migrate")}>{ "Move it to another tool or provider" }</button>
                        <button class="link" onclick={set_disconnect(Disconnect::Closed)}>{ "Cancel" }</button>
                    </div>
                },
                Disconnect::Preview { guidance, .. } => html! {
                    <div class="dialog" role="group" aria-label="Confirm disconnect">
                        { guidance_view(guidance) }
                        <p>{ "Its conversations stay in the inbox. Replies through it stop at once; the Messenger stops offering it within a minute, and anything WhatsApp still sends for it is kept." }</p>
                        <button class="danger" onclick={confirm}>{ "Disconnect now" }</button>
                        <button class="link" onclick={set_disconnect(Disconnect::Closed)}>{ "Cancel" }</button>
                    </div>
                },
                Disconnect::Done(outcome) => html! {
                    <div class="dialog" role="status">
                        <p><strong>{ format!("Disconnected. {} conversation(s) kept.", outcome.conversations_kept) }</strong></p>
                        { guidance_view(&outcome.two_step_verification) }
                    </div>
                },
            } }
        </article>
    }
}

fn guidance_view(g: &TwoStepGuidance) -> Html {
    html! {
        <div class={classes!("guidance", g.must_disable_two_step_verification.then_some("warn"))}>
            <p>{ g.summary.clone() }</p>
            if !g.steps.is_empty() {
                <ol>{ for g.steps.iter().map(|s| html! { <li>{ s.clone() }</li> }) }</ol>
            }
            if let Some(link) = &g.link {
                <a href={link.clone()} target="_blank" rel="noopener">{ "Open two-step verification in WhatsApp Manager" }</a>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ProfileProps {
    admin: Admin,
    id: String,
}

#[function_component(ProfileEditor)]
fn profile_editor(props: &ProfileProps) -> Html {
    let fields = ["about", "address", "description", "email", "vertical"];
    let values = use_state(|| None::<Value>);
    let websites = use_state(String::new);
    let status = use_state(|| None::<Result<String, String>>);
    {
        let (admin, id, values, websites, status) = (
            props.admin.clone(),
            props.id.clone(),
            values.clone(),
            websites.clone(),
            status.clone(),
        );
        use_effect_with((), move |_| {
            spawn_local(async move {
                match admin.get::<Value>(&format!("/numbers/{id}/profile")).await {
                    Ok(v) => {
                        let sites = v["websites"].as_array().map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join("\n")
                        });
                        websites.set(sites.unwrap_or_default());
                        values.set(Some(v));
                    }
                    Err(e) => status.set(Some(Err(e.to_string()))),
                }
            });
        });
    }
    let Some(current) = (*values).clone() else {
        return html! { <div class="profile">{ status.as_ref().map(|s| html! { <p class="error" role="alert">{ s.clone().unwrap_err() }</p> }).unwrap_or_else(|| html! { <p>{ "Loading profile…" }</p> }) }</div> };
    };
    let save = {
        let (admin, id, values, websites, status) = (
            props.admin.clone(),
            props.id.clone(),
            values.clone(),
            websites.clone(),
            status.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut body = json!({});
            if let Some(v) = &*values {
                for f in fields {
                    if let Some(s) = v.get(f).and_then(Value::as_str) {
                        body[f] = json!(s);
                    }
                }
            }
            body["websites"] = json!(parse_lines(&websites));
            let (admin, id, values, status) =
                (admin.clone(), id.clone(), values.clone(), status.clone());
            spawn_local(async move {
                match admin
                    .post::<Value>(&format!("/numbers/{id}/profile"), &body)
                    .await
                {
                    Ok(v) => {
                        values.set(Some(v));
                        status.set(Some(Ok("Profile updated on WhatsApp.".to_owned())));
                    }
                    Err(e) => status.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    html! {
        <form class="profile" onsubmit={save} aria-label="Business profile">
            { for fields.iter().map(|f| {
                let values = values.clone();
                let key = *f;
                let oninput = Callback::from(move |e: InputEvent| {
                    let mut v = (*values).clone().unwrap_or_default();
                    v[key] = json!(crate::dom::input_value(&e));
                    values.set(Some(v));
                });
                let id = format!("profile-{}-{key}", props.id);
                html! {
                    <div class="field">
                        <label for={id.clone()}>{ key }</label>
                        <input id={id} value={current.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()} {oninput} />
                    </div>
                }
            }) }
            <div class="field">
                <label for={format!("profile-{}-websites", props.id)}>{ "websites (one per line)" }</label>
                <textarea id={format!("profile-{}-websites", props.id)} value={(*websites).clone()} oninput={bind_textarea(&websites)} />
            </div>
            if let Some(s) = &*status {
                { outcome(s) }
            }
            <button type="submit" class="primary">{ "Save profile" }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ConnectProps {
    admin: Admin,
    on_connected: Callback<()>,
}

#[function_component(ConnectForm)]
fn connect_form(props: &ConnectProps) -> Html {
    let phone_number_id = use_state(String::new);
    let waba_id = use_state(String::new);
    let access_token = use_state(String::new);
    let label = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let submit = {
        let (admin, done) = (props.admin.clone(), props.on_connected.clone());
        let (phone_number_id, waba_id, access_token, label, error, busy) = (
            phone_number_id.clone(),
            waba_id.clone(),
            access_token.clone(),
            label.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = json!({ "phone_number_id": *phone_number_id, "waba_id": *waba_id, "access_token": *access_token, "label": *label });
            let (admin, done, error, busy, access_token) = (
                admin.clone(),
                done.clone(),
                error.clone(),
                busy.clone(),
                access_token.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                let result = admin.post::<NumberView>("/numbers", &body).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        error.set(None);
                        access_token.set(String::new());
                        done.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field = |id: &str,
                 label_text: &str,
                 state: &UseStateHandle<String>,
                 kind: &str,
                 hint: &str| {
        let invalid = error.as_ref().and_then(|e| e.field.as_deref()) == Some(id);
        html! {
            <div class="field">
                <label for={format!("connect-{id}")}>{ label_text.to_owned() }</label>
                <input id={format!("connect-{id}")} type={kind.to_owned()} value={(**state).clone()} oninput={bind_input(state)}
                    aria-invalid={invalid.to_string()} autocomplete="off" />
                <span class="hint">{ hint.to_owned() }</span>
            </div>
        }
    };
    html! {
        <section class="card" aria-labelledby="connect-h">
            <h2 id="connect-h">{ "Connect a number" }</h2>
            <form onsubmit={submit}>
                { field("label", "Label", &label, "text", "For you: a team, brand or region.") }
                { field("phone_number_id", "Phone number ID", &phone_number_id, "text", "WhatsApp Manager › API Setup.") }
                { field("waba_id", "WhatsApp Business Account ID", &waba_id, "text", "") }
                { field("access_token", "Access token", &access_token, "password", "Stored encrypted; never shown again.") }
                if let Some(e) = &*error { <p class="error" role="alert">{ e.to_string() }</p> }
                <button type="submit" class="primary" disabled={*busy}>{ if *busy { "Checking with WhatsApp…" } else { "Connect" } }</button>
            </form>
        </section>
    }
}

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
struct DefaultsProps {
    admin: Admin,
    settings: ProjectSettings,
    /// The settings' version when loaded; saving sends it so a change made elsewhere is not overwritten.
    version: Option<u64>,
    numbers: Vec<NumberView>,
    on_saved: Callback<()>,
    /// Saving found the settings changed meanwhile: the parent reloads and says so.
    on_changed_elsewhere: Callback<()>,
    /// Shown when the form opens (after such a reload).
    notice: Option<String>,
}

#[function_component(DefaultsForm)]
fn defaults_form(props: &DefaultsProps) -> Html {
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
    let status = use_state(|| props.notice.clone().map(Err::<String, String>));
    let submit = {
        let (admin, done, status) = (props.admin.clone(), props.on_saved.clone(), status.clone());
        let (version, changed_elsewhere) = (props.version, props.on_changed_elsewhere.clone());
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
                        status.set(Some(Ok("Defaults saved.".to_owned())));
                        done.emit(());
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
                if let Some(st) = &*status {
                    { outcome(st) }
                }
                <button type="submit" class="primary">{ "Save defaults" }</button>
            </form>
        </section>
    }
}
