//! A number's WhatsApp business profile (about, address, description, email, vertical,
//! websites): read from WhatsApp when opened, saved back to it.

use serde_json::{json, Value};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::{bind_textarea, outcome};
use crate::forms::parse_lines;

#[derive(Properties, PartialEq)]
pub struct ProfileProps {
    pub admin: Admin,
    pub id: String,
}

#[function_component(ProfileEditor)]
pub fn profile_editor(props: &ProfileProps) -> Html {
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
            { outcome(status.as_ref()) }
            <button type="submit" class="primary">{ "Save profile" }</button>
        </form>
    }
}
