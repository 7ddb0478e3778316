//! The Webhook page: what to paste into Meta's App Dashboard (callback URL, verify token masked
//! with Reveal and Copy, the `messages` field) and whether the wiring works — the last verified
//! handshake, signed delivery and signature failure, and each number's last delivery — with the
//! verdict and what to fix; and what the webhook `kept` aside (deliveries for numbers not
//! connected, items not understood). Refreshes every 15 s while open.

mod kept;

use gloo_timers::callback::Interval;
use switchboard_core::webhook_wiring::{Verdict, WebhookWiring, WiringMark};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::{copy_to_clipboard, outcome, Counter};
use crate::forms::{ago, masked};
use kept::KeptDeliveries;

const REFRESH_MS: u32 = 15_000;

#[derive(Properties, PartialEq)]
pub struct WebhookPageProps {
    pub admin: Admin,
}

fn mark_row(label: &str, mark: &Option<WiringMark>, never: &str, now_ms: i64) -> Html {
    html! {
        <tr>
            <th scope="row">{ label.to_owned() }</th>
            { match mark {
                Some(m) => html! { <td>
                    <time title={format!("{} times in all", m.count)}>{ ago(now_ms, m.at) }</time>
                    if let Some(d) = &m.detail { <span class="hint">{ format!(" — {d}") }</span> }
                </td> },
                None => html! { <td class="hint">{ never.to_owned() }</td> },
            } }
        </tr>
    }
}

fn verdict_view(v: &Verdict) -> Html {
    let (class, title, fix) = match v {
        Verdict::Working => ("ok", "Working: Meta's signed deliveries arrive.", None),
        Verdict::NotVerified { fix } => ("warn", "Not verified by Meta yet.", Some(fix)),
        Verdict::WrongVerifyToken { fix } => ("error", "Wrong verify token.", Some(fix)),
        Verdict::NoDeliveryYet { fix } => ("warn", "Verified; no delivery yet.", Some(fix)),
        Verdict::SignatureFailing { fix } => {
            ("error", "Deliveries fail the signature check.", Some(fix))
        }
    };
    html! {
        <div class={classes!("verdict", class)} role="status">
            <strong>{ title }</strong>
            if let Some(fix) = fix { <p>{ fix.clone() }</p> }
        </div>
    }
}

#[function_component(WebhookPage)]
pub fn webhook_page(props: &WebhookPageProps) -> Html {
    let wiring = use_state(|| None::<Result<WebhookWiring, String>>);
    let revealed = use_state(|| false);
    let copied = use_state(|| None::<Result<String, String>>);
    let refresh = use_reducer(Counter::default);
    {
        let (wiring, admin) = (wiring.clone(), props.admin.clone());
        use_effect_with(refresh.0, move |_| {
            spawn_local(async move {
                wiring.set(Some(
                    admin
                        .get::<WebhookWiring>("/webhook")
                        .await
                        .map_err(|e| e.to_string()),
                ));
            });
        });
    }
    {
        let refresh = refresh.dispatcher();
        use_effect_with((), move |_| {
            let timer = Interval::new(REFRESH_MS, move || refresh.dispatch(()));
            move || drop(timer)
        });
    }
    let now_ms = js_sys::Date::now() as i64;
    let body = match &*wiring {
        None => html! { <p class="hint">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(w)) => {
            let toggle = {
                let revealed = revealed.clone();
                Callback::from(move |_| revealed.set(!*revealed))
            };
            html! {
                <>
                    { verdict_view(&w.verdict) }
                    <h2>{ "In Meta's App Dashboard › WhatsApp › Configuration" }</h2>
                    <dl class="wiring">
                        <dt>{ "Callback URL" }</dt>
                        <dd><code id="callback-url">{ w.callback_url.clone() }</code>
                            <button onclick={copy_to_clipboard(w.callback_url.clone(), copied.clone())} aria-label="Copy the callback URL">{ "Copy" }</button></dd>
                        <dt>{ "Verify token" }</dt>
                        <dd><code id="verify-token">{ if *revealed { w.verify_token.clone() } else { masked(&w.verify_token) } }</code>
                            <button onclick={toggle}>{ if *revealed { "Hide" } else { "Reveal" } }</button>
                            <button onclick={copy_to_clipboard(w.verify_token.clone(), copied.clone())} aria-label="Copy the verify token">{ "Copy" }</button></dd>
                        <dt>{ "Webhook field" }</dt>
                        <dd>{ "Subscribe to " }<code>{ w.field.clone() }</code></dd>
                    </dl>
                    { outcome(copied.as_ref()) }
                    <h2>{ "What Switchboard last saw" }</h2>
                    <table class="wiring-health">
                        <tbody>
                            { mark_row("Verified handshake", &w.last_handshake, "never", now_ms) }
                            { mark_row("Signed delivery", &w.last_delivery, "never", now_ms) }
                            { mark_row("Signature failure", &w.last_signature_failure, "none", now_ms) }
                            { mark_row("Refused handshake", &w.last_handshake_refused, "none", now_ms) }
                        </tbody>
                    </table>
                    <h2>{ "Errors Meta reported" }</h2>
                    if w.meta_errors.is_empty() {
                        <p class="hint">{ "None: Meta has reported no error with a delivery." }</p>
                    } else {
                        <table class="wiring-errors">
                            <thead><tr>
                                <th scope="col">{ "Error" }</th>
                                <th scope="col">{ "Number" }</th>
                                <th scope="col">{ "Last seen" }</th>
                            </tr></thead>
                            <tbody>
                                { for w.meta_errors.iter().map(|e| html! {
                                    <tr>
                                        <th scope="row">
                                            { format!("{}{}", e.code.map(|c| format!("({c}) ")).unwrap_or_default(), e.title.clone().or_else(|| e.message.clone()).unwrap_or_else(|| "An error with no title".to_owned())) }
                                            if let Some(d) = &e.details { <span class="hint">{ format!(" — {d}") }</span> }
                                        </th>
                                        <td>{ e.phone_number_id.clone().unwrap_or_default() }</td>
                                        <td><time>{ ago(now_ms, e.last_seen_at * 1000) }</time></td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    }
                    <h2>{ "Per number" }</h2>
                    if w.numbers.is_empty() {
                        <p class="hint">{ "No number connected yet (see Numbers)." }</p>
                    } else {
                        <table class="wiring-numbers">
                            <thead><tr><th scope="col">{ "Number" }</th><th scope="col">{ "Last delivery" }</th></tr></thead>
                            <tbody>
                                { for w.numbers.iter().map(|n| mark_row(&format!("{} ({})", n.label, n.phone_number_id), &n.last_delivery, "none yet", now_ms)) }
                            </tbody>
                        </table>
                    }
                </>
            }
        }
    };
    html! {
        <div class="page">
            <h1 id="webhook-h" tabindex="-1">{ "Webhook" }</h1>
            <section class="card webhook" aria-labelledby="webhook-h">
                { body }
            </section>
            <KeptDeliveries admin={props.admin.clone()} refresh={refresh.0} />
        </div>
    }
}
