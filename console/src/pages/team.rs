//! The Team page (owners): the members, their roles, adding one, changing a role or a name, and
//! removing one. The edge refuses what would leave the team without an owner, and says so.

use std::rc::Rc;

use serde_json::{json, Value};
use switchboard_core::team::session::Me;
use switchboard_core::team::{Member, Role};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::dom::{bind_input, select_value, Counter};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
}

/// The members table's name (it scrolls sideways on narrow screens, so the keyboard can focus it).
const TABLE_LABEL: &str = "Members";

#[function_component(TeamPage)]
pub fn team_page(props: &Props) -> Html {
    let me = use_context::<Rc<Me>>();
    let members = use_state(|| None::<Vec<Member>>);
    let reload = use_reducer(Counter::default);
    let status = use_state(|| None::<Result<String, String>>);
    {
        let (admin, members) = (props.admin.clone(), members.clone());
        use_effect_with(reload.0, move |_| {
            spawn_local(async move {
                if let Ok(list) = admin.get::<Vec<Member>>("/team").await {
                    members.set(Some(list));
                }
            });
        });
    }
    let act = {
        let (admin, reload, status) = (props.admin.clone(), reload.dispatcher(), status.clone());
        move |done: String, request: Rc<dyn Fn(Admin) -> futures_request::Pending>| {
            let (admin, reload, status) = (admin.clone(), reload.clone(), status.clone());
            spawn_local(async move {
                match request(admin).await {
                    Ok(_) => status.set(Some(Ok(done))),
                    Err(e) => status.set(Some(Err(e.to_string()))),
                }
                reload.dispatch(());
            });
        }
    };
    let rows = members.as_ref().map(|list| {
        list.iter()
            .map(|m| {
                let email = m.email.clone();
                let is_me = me.as_ref().and_then(|me| me.email.as_deref()) == Some(email.as_str());
                let change_role = {
                    let (act, email) = (act.clone(), email.clone());
                    Callback::from(move |e: Event| {
                        let role = select_value(&e);
                        let path = format!("/team/{}", encode(&email));
                        act(
                            format!("{email} is now {}.", if role == "owner" { "an owner" } else { "an agent" }),
                            Rc::new(move |admin: Admin| {
                                let path = path.clone();
                                let body = json!({ "role": role });
                                Box::pin(async move { admin.patch::<Value>(&path, &body).await })
                            }),
                        )
                    })
                };
                let remove = {
                    let (act, email) = (act.clone(), email.clone());
                    Callback::from(move |_| {
                        let confirmed = web_sys::window()
                            .and_then(|w| w.confirm_with_message(&format!("Remove {email} from the team? Their next request is refused.")).ok())
                            .unwrap_or(false);
                        if !confirmed {
                            return;
                        }
                        let path = format!("/team/{}", encode(&email));
                        act(
                            format!("{email} was removed."),
                            Rc::new(move |admin: Admin| {
                                let path = path.clone();
                                Box::pin(async move { admin.delete::<Value>(&path).await })
                            }),
                        )
                    })
                };
                let select_id = format!("role-{}", m.email);
                html! {
                    <tr key={m.email.clone()}>
                        <th scope="row">{ m.display_name.clone() }{ if is_me { " (you)" } else { "" } }</th>
                        <td>{ m.email.clone() }</td>
                        <td>
                            <label class="sr" for={select_id.clone()}>{ format!("Role of {}", m.display_name) }</label>
                            <select id={select_id} onchange={change_role}>
                                <option value="agent" selected={m.role == Role::Agent}>{ "Agent" }</option>
                                <option value="owner" selected={m.role == Role::Owner}>{ "Owner" }</option>
                            </select>
                        </td>
                        <td><button class="danger" onclick={remove} aria-label={format!("Remove {}", m.display_name)}>{ "Remove" }</button></td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    html! {
        <div class="page team">
            <h1 tabindex="-1">{ "Team" }</h1>
            <p class="hint">{ "Members sign in with Cloudflare Access using the email listed here. Agents read and answer the inbox; owners can also change settings, numbers and the team." }</p>
            if let Some(s) = &*status {
                { match s {
                    Ok(m) => html! { <p class="ok" role="status">{ m.clone() }</p> },
                    Err(e) => html! { <p class="error" role="alert">{ e.clone() }</p> },
                } }
            }
            { match rows {
                None => html! { <p>{ "Loading…" }</p> },
                Some(rows) => html! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label={TABLE_LABEL}>
                        <table class="members">
                            <caption class="sr">{ "Members" }</caption>
                            <thead><tr><th scope="col">{ "Name" }</th><th scope="col">{ "Email" }</th><th scope="col">{ "Role" }</th><th scope="col"><span class="sr">{ "Actions" }</span></th></tr></thead>
                            <tbody>{ rows }</tbody>
                        </table>
                    </div>
                },
            } }
            <AddMember admin={props.admin.clone()} on_added={Callback::from(move |_| reload.dispatch(()))} />
        </div>
    }
}

/// A request the page sends, boxed so the rows' buttons can share one way of sending.
mod futures_request {
    use std::future::Future;
    use std::pin::Pin;

    pub type Pending =
        Pin<Box<dyn Future<Output = Result<serde_json::Value, crate::api::ApiError>>>>;
}

fn encode(email: &str) -> String {
    String::from(js_sys::encode_uri_component(email))
}

#[derive(Properties, PartialEq)]
struct AddProps {
    admin: Admin,
    on_added: Callback<()>,
}

#[function_component(AddMember)]
fn add_member(props: &AddProps) -> Html {
    let email = use_state(String::new);
    let name = use_state(String::new);
    let role = use_state(|| "agent".to_owned());
    let error = use_state(|| None::<ApiError>);
    let added = use_state(|| None::<String>);
    let submit = {
        let (admin, email, name, role) = (
            props.admin.clone(),
            email.clone(),
            name.clone(),
            role.clone(),
        );
        let (error, added, on_added) = (error.clone(), added.clone(), props.on_added.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = json!({ "email": email.trim(), "display_name": name.trim(), "role": *role });
            let (admin, email, name, error, added, on_added) = (
                admin.clone(),
                email.clone(),
                name.clone(),
                error.clone(),
                added.clone(),
                on_added.clone(),
            );
            spawn_local(async move {
                match admin.post::<Member>("/team", &body).await {
                    Ok(m) => {
                        error.set(None);
                        added.set(Some(format!(
                            "{} ({}) was added. They sign in with Cloudflare Access.",
                            m.display_name, m.email
                        )));
                        email.set(String::new());
                        name.set(String::new());
                        on_added.emit(());
                    }
                    Err(e) => {
                        added.set(None);
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let field_error = |field: &str| {
        (*error)
            .as_ref()
            .filter(|e| e.field.as_deref() == Some(field))
            .map(|e| e.message.clone())
    };
    let other = (*error)
        .as_ref()
        .filter(|e| e.field.is_none())
        .map(|e| e.message.clone());
    let set_role = {
        let role = role.clone();
        Callback::from(move |e: Event| role.set(select_value(&e)))
    };
    html! {
        <form class="card add-member" onsubmit={submit} novalidate=true>
            <h2>{ "Add a member" }</h2>
            <label for="member-email">{ "Email (the one they sign in to Cloudflare Access with)" }</label>
            <input id="member-email" type="email" autocomplete="off" value={(*email).clone()} oninput={bind_input(&email)}
                aria-invalid={field_error("email").is_some().then_some("true")} aria-describedby="member-email-error" />
            <p id="member-email-error" class="error">{ field_error("email").unwrap_or_default() }</p>
            <label for="member-name">{ "Display name (customers see it on replies)" }</label>
            <input id="member-name" autocomplete="off" value={(*name).clone()} oninput={bind_input(&name)}
                aria-invalid={field_error("display_name").is_some().then_some("true")} aria-describedby="member-name-error" />
            <p id="member-name-error" class="error">{ field_error("display_name").unwrap_or_default() }</p>
            <label for="member-role">{ "Role" }</label>
            <select id="member-role" onchange={set_role}>
                <option value="agent" selected={*role == "agent"}>{ "Agent — reads and answers the inbox" }</option>
                <option value="owner" selected={*role == "owner"}>{ "Owner — also settings, numbers and the team" }</option>
            </select>
            if let Some(e) = other { <p class="error" role="alert">{ e }</p> }
            if let Some(m) = &*added { <p class="ok" role="status">{ m.clone() }</p> }
            <button type="submit" class="primary">{ "Add member" }</button>
        </form>
    }
}
