//! What the webhook kept aside, beside its health: deliveries for numbers that are not connected
//! (acknowledged so WhatsApp stops retrying; they join the number's conversations once it is
//! connected) and delivery items that could not be understood, exactly as they arrived.

use serde_json::Value;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::dom::time_label;

#[derive(Properties, PartialEq)]
pub struct KeptProps {
    pub admin: Admin,
    /// Bumped with the page's own refresh: read again.
    pub refresh: u32,
}

#[function_component(KeptDeliveries)]
pub fn kept_deliveries(props: &KeptProps) -> Html {
    let kept = use_state(|| None::<Result<(Vec<Value>, Vec<Value>), String>>);
    {
        let (admin, kept) = (props.admin.clone(), kept.clone());
        use_effect_with(props.refresh, move |_| {
            spawn_local(async move {
                let read = async {
                    let unrouted: Vec<Value> = admin.get("/unrouted").await?;
                    let not_understood: Vec<Value> = admin.get("/not-understood").await?;
                    Ok::<_, ApiError>((unrouted, not_understood))
                };
                kept.set(Some(read.await.map_err(|e| e.to_string())));
            });
        });
    }
    let (unrouted, not_understood) = match &*kept {
        None => return html! {},
        Some(Err(e)) => return html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(lists)) => lists,
    };
    html! {
        <>
            <section class="card" aria-labelledby="unrouted-h">
                <h2 id="unrouted-h">{ "Deliveries for numbers that are not connected" }</h2>
                <p class="hint">{ "WhatsApp sent these for a number that is not connected here (or was disconnected). They were acknowledged so WhatsApp stops retrying, and kept for you. When the number is connected, they join its conversations." }</p>
                if unrouted.is_empty() {
                    <p class="empty">{ "None." }</p>
                }
                <ul class="unrouted">
                    { for unrouted.iter().map(|u| html! {
                        <li>
                            { format!("Number {} · {} message(s), {} status update(s) · ",
                                u["phone_number_id"].as_str().unwrap_or_default(),
                                u["message_count"].as_i64().unwrap_or_default(),
                                u["status_count"].as_i64().unwrap_or_default()) }
                            { time_label(u["received_at"].as_i64().unwrap_or_default()) }
                            if u["replayed_at"].as_i64().is_some() {
                                <span class="hint">{ " · added to conversations" }</span>
                            }
                        </li>
                    }) }
                </ul>
            </section>
            <section class="card" aria-labelledby="not-understood-h">
                <h2 id="not-understood-h">{ "Delivery items that could not be understood" }</h2>
                <p class="hint">{ "WhatsApp sent these inside otherwise good deliveries. Everything else in those deliveries was stored; these items are kept here exactly as they arrived, with the reason." }</p>
                if not_understood.is_empty() {
                    <p class="empty">{ "None." }</p>
                }
                <ul class="not-understood">
                    { for not_understood.iter().map(|u| html! {
                        <li>
                            <strong>{ u["reason"].as_str().unwrap_or_default().to_owned() }</strong>
                            { format!(" · number {} · ", u["phone_number_id"].as_str().unwrap_or("unknown")) }
                            { time_label(u["received_at"].as_i64().unwrap_or_default()) }
                            <pre class="raw"><code>{ u["raw"].as_str().unwrap_or_default().to_owned() }</code></pre>
                        </li>
                    }) }
                </ul>
            </section>
        </>
    }
}
