//! A number's round-robin: the members its new WhatsApp conversations are assigned to in turn
//! (`GET|PUT /api/admin/numbers/<id>/round-robin`). None chosen: they arrive unassigned.

use serde::{Deserialize, Serialize};
use switchboard_core::team::Member;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::checked;

#[derive(Clone, PartialEq, Serialize, Deserialize)]
struct Chosen {
    members: Vec<String>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
    pub phone_number_id: String,
}

#[function_component(RoundRobin)]
pub fn round_robin(props: &Props) -> Html {
    let team = use_state(Vec::<Member>::new);
    let chosen = use_state(Vec::<String>::new);
    // The checkboxes wait for what is saved: a tick made before it arrived would be overwritten.
    let loaded = use_state(|| false);
    let status = use_state(|| None::<Result<String, String>>);
    {
        let (admin, id, team, chosen, loaded) = (
            props.admin.clone(),
            props.phone_number_id.clone(),
            team.clone(),
            chosen.clone(),
            loaded.clone(),
        );
        use_effect_with(props.phone_number_id.clone(), move |_| {
            spawn_local(async move {
                if let Ok(t) = admin.get::<Vec<Member>>("/team").await {
                    team.set(t);
                }
                if let Ok(c) = admin
                    .get::<Chosen>(&format!("/numbers/{id}/round-robin"))
                    .await
                {
                    chosen.set(c.members);
                }
                loaded.set(true);
            });
        });
    }
    let toggle = |email: String| {
        let (chosen, status) = (chosen.clone(), status.clone());
        Callback::from(move |e: Event| {
            let mut next = (*chosen).clone();
            next.retain(|m| *m != email);
            if checked(&e) {
                next.push(email.clone());
            }
            chosen.set(next);
            status.set(None);
        })
    };
    let save = {
        let (admin, id, chosen, status) = (
            props.admin.clone(),
            props.phone_number_id.clone(),
            chosen.clone(),
            status.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = Chosen {
                members: (*chosen).clone(),
            };
            let (admin, id, chosen, status) =
                (admin.clone(), id.clone(), chosen.clone(), status.clone());
            spawn_local(async move {
                let url = format!("/numbers/{id}/round-robin");
                match admin.put_if::<Chosen>(&url, &body, None).await {
                    Ok(saved) => {
                        status.set(Some(Ok(if saved.members.is_empty() {
                            "Saved: new conversations arrive unassigned.".to_owned()
                        } else {
                            format!(
                                "Saved: new conversations go to {} in turn.",
                                saved.members.join(", ")
                            )
                        })));
                        chosen.set(saved.members);
                    }
                    Err(e) => status.set(Some(Err(e.to_string()))),
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="round-robin-h">
            <h2 id="round-robin-h">{ "Assign new conversations in turn" }</h2>
            <form onsubmit={save}>
                <fieldset>
                    <legend>{ "New WhatsApp conversations on this number go to these members, one after the other:" }</legend>
                    if !*loaded { <p class="hint">{ "Loading…" }</p> }
                    else if team.is_empty() { <p class="hint">{ "Add members on the Team page first." }</p> }
                    { for team.iter().filter(|_| *loaded).map(|m| html! {
                        <label class="check">
                            <input type="checkbox" checked={chosen.contains(&m.email)} onchange={toggle(m.email.clone())} />
                            { format!(" {} ({})", m.display_name, m.email) }
                        </label>
                    }) }
                </fieldset>
                <button type="submit">{ "Save round-robin" }</button>
                { match &*status {
                    Some(Ok(m)) => html! { <p class="ok" role="status">{ m.clone() }</p> },
                    Some(Err(e)) => html! { <p class="error" role="alert">{ e.clone() }</p> },
                    None => Html::default(),
                } }
            </form>
        </section>
    }
}
