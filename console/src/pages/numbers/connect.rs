//! Connecting a number (the form inside the Numbers page's dialog): its ids and access token,
//! checked with WhatsApp before it is stored (the token encrypted, never shown again); a refused
//! field is marked invalid.

use serde_json::json;
use switchboard_core::api::NumberView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::dom::bind_input;

#[derive(Properties, PartialEq)]
pub struct ConnectProps {
    pub admin: Admin,
    /// The number as connected.
    pub on_connected: Callback<NumberView>,
}

#[function_component(ConnectForm)]
pub fn connect_form(props: &ConnectProps) -> Html {
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
            if *busy {
                return;
            }
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
                    Ok(number) => {
                        error.set(None);
                        access_token.set(String::new());
                        done.emit(number);
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
        <form class="connect" onsubmit={submit}>
                { field("label", "Label", &label, "text", "For you: a team, brand or region.") }
                { field("phone_number_id", "Phone number ID", &phone_number_id, "text", "WhatsApp Manager › API Setup.") }
                { field("waba_id", "WhatsApp Business Account ID", &waba_id, "text", "") }
                { field("access_token", "Access token", &access_token, "password", "Stored encrypted; never shown again.") }
                if let Some(e) = &*error { <p class="error" role="alert">{ e.to_string() }</p> }
                // Busy, never disabled: a disabled button loses the keyboard's focus.
                <button type="submit" class="primary" aria-disabled={busy.then_some("true")}>{ if *busy { "Checking with WhatsApp…" } else { "Connect" } }</button>
        </form>
    }
}
