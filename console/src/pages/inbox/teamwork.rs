//! The team in a thread: who it is assigned to (and changing that), private notes (only the
//! team sees them; they never reach WhatsApp or the Messenger), and what agents did — "Bob
//! closed the conversation · 10:42" — interleaved with the messages by time.

use serde_json::{json, Value};
use switchboard_core::api::ActivityView;
use switchboard_core::team::Member;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::{bind_textarea, select_value, time_label};

/// One activity line (a note stands out from messages: a labelled, tinted card).
pub fn activity_item(a: &ActivityView, team: &[Member]) -> Html {
    let when = time_label(a.at);
    if a.kind == "note" {
        return html! {
            <li key={a.id.clone()} class="note">
                <span class="note-label">{ "Private note" }</span>
                <span class="body">{ a.body.clone().unwrap_or_default() }</span>
                <span class="meta">{ format!("{} · {when}", a.actor_name) }</span>
            </li>
        };
    }
    let name_of = |email: &str| {
        team.iter()
            .find(|m| m.email == email)
            .map_or_else(|| email.to_owned(), |m| m.display_name.clone())
    };
    let what = match a.kind.as_str() {
        "closed" => "closed the conversation".to_owned(),
        "reopened" => "reopened the conversation".to_owned(),
        "unlinked" => "undid the WhatsApp link".to_owned(),
        "offered_whatsapp" => "offered to continue on WhatsApp".to_owned(),
        "retried" => "sent a failed message again".to_owned(),
        "assigned" if a.body.is_some() && a.body == a.actor_email => {
            "took this conversation".to_owned()
        }
        "assigned" => format!(
            "assigned it to {}",
            name_of(a.body.as_deref().unwrap_or_default())
        ),
        "unassigned" => "unassigned it".to_owned(),
        other => other.to_owned(),
    };
    html! {
        <li key={a.id.clone()} class="activity">{ format!("{} {what} · {when}", a.actor_name) }</li>
    }
}

#[derive(Properties, PartialEq)]
pub struct AssignProps {
    pub admin: Admin,
    pub id: String,
    pub assignee: Option<String>,
    pub team: Vec<Member>,
    pub me: Option<String>,
    pub on_change: Callback<()>,
    pub error: UseStateHandle<Option<String>>,
}

/// "Assigned to" as a select: Unassigned, each member, and "Assign to me" first when it is not.
#[function_component(AssignControl)]
pub fn assign_control(props: &AssignProps) -> Html {
    let send = {
        let (admin, id, on_change, error) = (
            props.admin.clone(),
            props.id.clone(),
            props.on_change.clone(),
            props.error.clone(),
        );
        move |assignee: Option<String>| {
            let (admin, id, on_change, error) =
                (admin.clone(), id.clone(), on_change.clone(), error.clone());
            spawn_local(async move {
                let body = json!({ "assignee": assignee });
                match admin
                    .post::<Value>(&format!("/conversations/{id}/assign"), &body)
                    .await
                {
                    Ok(_) => error.set(None),
                    Err(e) => error.set(Some(e.to_string())),
                }
                on_change.emit(());
            });
        }
    };
    let onchange = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            send((!value.is_empty()).then_some(value));
        })
    };
    let select_id = format!("assign-{}", props.id);
    let mine = props.me.is_some() && props.assignee == props.me;
    html! {
        <div class="assign row">
            <label for={select_id.clone()}>{ "Assigned to" }</label>
            <select id={select_id} {onchange}>
                <option value="" selected={props.assignee.is_none()}>{ "Nobody" }</option>
                { for props.team.iter().map(|m| html! {
                    <option value={m.email.clone()} selected={props.assignee.as_deref() == Some(m.email.as_str())}>{ m.display_name.clone() }</option>
                }) }
            </select>
            if let (Some(me), false) = (props.me.clone(), mine) {
                <button class="link" onclick={Callback::from(move |_| send(Some(me.clone())))}>{ "Assign to me" }</button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NoteProps {
    pub admin: Admin,
    pub id: String,
    pub on_change: Callback<()>,
}

/// A private note: for the team only.
#[function_component(NoteForm)]
pub fn note_form(props: &NoteProps) -> Html {
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let submit = {
        let (admin, id, on_change) = (
            props.admin.clone(),
            props.id.clone(),
            props.on_change.clone(),
        );
        let (text, error) = (text.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = json!({ "text": *text });
            let (admin, id, on_change, text, error) = (
                admin.clone(),
                id.clone(),
                on_change.clone(),
                text.clone(),
                error.clone(),
            );
            spawn_local(async move {
                match admin
                    .post::<Value>(&format!("/conversations/{id}/notes"), &body)
                    .await
                {
                    Ok(_) => {
                        text.set(String::new());
                        error.set(None);
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let field = format!("note-{}", props.id);
    html! {
        <details class="note-form">
            <summary>{ "Add a private note" }</summary>
            <form onsubmit={submit}>
                <label for={field.clone()}>{ "Private note (only your team sees it; never sent to the customer)" }</label>
                <textarea id={field} rows="2" value={(*text).clone()} oninput={bind_textarea(&text)}></textarea>
                if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
                <button type="submit">{ "Add note" }</button>
            </form>
        </details>
    }
}
