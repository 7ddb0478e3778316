//! A number's settings on its page: its figures, handoff, reset and ratings settings, WhatsApp
//! Manager links, the business profile toggle, and the disconnect flow with the two-step
//! verification guidance for what the owner will do with the number.

use serde_json::{json, Value};
use switchboard_core::api::{DisconnectOutcome, NumberStats, NumberStatus, NumberView};
use switchboard_core::manager_links::TwoStepGuidance;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::profile::ProfileEditor;
use crate::api::Admin;
use crate::dom::{bind_input, checked, focus, is_escape, outcome};
use crate::forms::{
    duration, parse_reset_days, reset_days_input, reset_days_label, RESET_EXPLANATION,
};

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub admin: Admin,
    pub number: NumberView,
    pub stats: Option<NumberStats>,
    pub on_change: Callback<()>,
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

impl Disconnect {
    /// Which step is shown (what focus follows).
    fn step(&self) -> u8 {
        match self {
            Disconnect::Closed => 0,
            Disconnect::Choosing => 1,
            Disconnect::Preview { .. } => 2,
            Disconnect::Done(_) => 3,
        }
    }
}

#[function_component(NumberCard)]
pub fn number_card(props: &CardProps) -> Html {
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
    let receipts_on = use_state(|| n.read_receipts);
    {
        let receipts_on = receipts_on.clone();
        use_effect_with(n.read_receipts, move |saved| receipts_on.set(*saved));
    }
    let on_receipts = {
        let (patch, receipts_on) = (patch.clone(), receipts_on.clone());
        Callback::from(move |e: Event| {
            let on = checked(&e);
            receipts_on.set(on);
            patch.emit(json!({ "read_receipts": on }));
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
    // The disconnect dialog: each step takes focus as it opens (so a keyboard or screen reader
    // user is where the choice is), Escape or Cancel closes it and focus returns to "Disconnect…".
    let opener = use_node_ref();
    let dialog = use_node_ref();
    {
        let (opener, dialog) = (opener.clone(), dialog.clone());
        let opened = use_mut_ref(|| false);
        use_effect_with(disconnect.step(), move |step| {
            if *step == 0 {
                if std::mem::replace(&mut *opened.borrow_mut(), false) {
                    focus(&opener);
                }
            } else {
                *opened.borrow_mut() = true;
                focus(&dialog);
            }
        });
    }
    let on_dialog_key = {
        let disconnect = disconnect.clone();
        Callback::from(move |e: KeyboardEvent| {
            if is_escape(&e)
                && matches!(
                    *disconnect,
                    Disconnect::Choosing | Disconnect::Preview { .. }
                )
            {
                e.prevent_default();
                disconnect.set(Disconnect::Closed);
            }
        })
    };
    let toggle_profile = {
        let show_profile = show_profile.clone();
        Callback::from(move |_| show_profile.set(!*show_profile))
    };

    html! {
        <article class={classes!("card", "number", (!connected).then_some("disconnected"))} aria-label={format!("Number {}", n.label)}>
            if let Some(s) = &props.stats {
                <p class="hint">{ "The last 30 days:" }</p>
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
                    <label class="inline">
                        <input type="checkbox" checked={*receipts_on} onchange={on_receipts} />
                        { " Show customers when an agent has read their message and is typing" }
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
                    <button class="link" onclick={toggle_profile} aria-expanded={show_profile.to_string()}>{ if *show_profile { "Hide business profile" } else { "Edit business profile" } }</button>
                </p>
                if *show_profile { <ProfileEditor admin={props.admin.clone()} id={id.clone()} /> }
            }
            { outcome(message.as_ref()) }
            { match &*disconnect {
                Disconnect::Closed if connected => html! { <button class="danger" ref={opener} onclick={set_disconnect(Disconnect::Choosing)}>{ "Disconnect…" }</button> },
                Disconnect::Closed => html! {},
                Disconnect::Choosing => html! {
                    <div class="dialog" role="group" aria-label="Disconnect" tabindex="-1" ref={dialog} onkeydown={on_dialog_key}>
                        <p><strong>{ "What will you do with this number?" }</strong></p>
                        <button onclick={choose("reuse")}>{ "Connect it here again later (reuse)" }</button>
                        <button onclick={choose("migrate")}>{ "Move it to another tool or provider" }</button>
                        <button class="link" onclick={set_disconnect(Disconnect::Closed)}>{ "Cancel" }</button>
                    </div>
                },
                Disconnect::Preview { guidance, .. } => html! {
                    <div class="dialog" role="group" aria-label="Confirm disconnect" tabindex="-1" ref={dialog} onkeydown={on_dialog_key}>
                        { guidance_view(guidance) }
                        <p>{ "Its conversations stay in the inbox. Replies through it stop at once; the Messenger stops offering it within a minute, and anything WhatsApp still sends for it is kept." }</p>
                        <button class="danger" onclick={confirm}>{ "Disconnect now" }</button>
                        <button class="link" onclick={set_disconnect(Disconnect::Closed)}>{ "Cancel" }</button>
                    </div>
                },
                Disconnect::Done(outcome) => html! {
                    <div class="dialog" role="status" tabindex="-1" ref={dialog}>
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
