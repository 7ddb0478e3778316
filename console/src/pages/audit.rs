//! The audit log (owners): who changed which setting, number or member, when, and from what to
//! what. Secrets never reach it (the edge writes "[redacted]").

use serde_json::Value;
use switchboard_core::audit::{Actor, AuditAction, AuditEntry, AuditTarget};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::time_label;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
}

/// The table's name (it scrolls sideways on narrow screens, so the keyboard can focus it).
const TABLE_LABEL: &str = "Recent changes";

#[function_component(AuditLog)]
pub fn audit_log(props: &Props) -> Html {
    let entries = use_state(|| None::<Result<Vec<AuditEntry>, String>>);
    {
        let (admin, entries) = (props.admin.clone(), entries.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                entries.set(Some(
                    admin
                        .get::<Vec<AuditEntry>>("/audit?limit=200")
                        .await
                        .map_err(|e| e.to_string()),
                ));
            });
        });
    }
    let body = match &*entries {
        None => html! { <p>{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => html! { <p>{ "No changes recorded yet." }</p> },
        Some(Ok(list)) => html! {
            <div class="table-scroll" tabindex="0" role="region" aria-label={TABLE_LABEL}>
                <table class="audit">
                    <caption class="sr">{ "Recent changes, newest first" }</caption>
                    <thead><tr>
                        <th scope="col">{ "When" }</th><th scope="col">{ "Who" }</th>
                        <th scope="col">{ "What" }</th><th scope="col">{ "Changes" }</th>
                    </tr></thead>
                    <tbody>{ for list.iter().map(row) }</tbody>
                </table>
            </div>
        },
    };
    html! {
        <div class="page audit-log">
            <h1 tabindex="-1">{ "Audit log" }</h1>
            <p class="hint">{ "The newest 200 changes to settings, numbers and the team. Secret values are never shown." }</p>
            { body }
        </div>
    }
}

fn row(entry: &AuditEntry) -> Html {
    let who = match &entry.actor {
        Actor::Member {
            email,
            display_name,
        } => format!("{display_name} ({email})"),
        Actor::AdminToken => "Admin token".to_owned(),
    };
    let target = match &entry.target {
        AuditTarget::Settings => "Settings".to_owned(),
        AuditTarget::Number { phone_number_id } => format!("Number {phone_number_id}"),
        AuditTarget::Member { email } => format!("Member {email}"),
    };
    let action = match entry.action {
        AuditAction::Added => "added",
        AuditAction::Changed => "changed",
        AuditAction::Removed => "removed",
        AuditAction::Connected => "connected",
        AuditAction::Disconnected => "disconnected",
    };
    html! {
        <tr>
            <td>{ time_label(entry.at) }</td>
            <td>{ who }</td>
            <td>{ format!("{target} {action}") }</td>
            <td>
                <ul class="changes">
                    { for entry.changes.iter().map(|c| html! {
                        <li><code>{ c.field.clone() }</code>{ ": " }{ shown(&c.old) }{ " → " }{ shown(&c.new) }</li>
                    }) }
                </ul>
            </td>
        </tr>
    }
}

/// A value as one line of text (never HTML): strings bare, the rest as JSON, long ones cut.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::Null => "(none)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}
