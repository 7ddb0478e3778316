//! Settings: the project `defaults` (handoff, reset, default and per-country numbers, allowed
//! origins, the Messenger's name, greeting, colour and ratings, Turnstile) and the Messenger's
//! languages and opening hours (`messenger`). Both save with the settings' version, so a change
//! made elsewhere meanwhile is reloaded and said, never overwritten.

mod defaults;
mod messenger;

use switchboard_core::api::NumberView;
use switchboard_core::settings::ProjectSettings;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::dom::Counter;
use defaults::DefaultsForm;
use messenger::MessengerForm;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub admin: Admin,
}

#[derive(Clone, PartialEq)]
struct Loaded {
    settings: ProjectSettings,
    version: Option<u64>,
    numbers: Vec<NumberView>,
}

#[function_component(SettingsPage)]
pub fn settings_page(props: &Props) -> Html {
    let loaded = use_state(|| None::<Loaded>);
    let error = use_state(|| None::<String>);
    let version = use_reducer(Counter::default);
    {
        let (admin, loaded, error) = (props.admin.clone(), loaded.clone(), error.clone());
        use_effect_with(version.0, move |_| {
            spawn_local(async move {
                let read = async {
                    let (settings, version) = admin.get_versioned("/settings").await?;
                    let numbers = admin.get("/numbers").await?;
                    Ok::<_, ApiError>(Loaded {
                        settings,
                        version,
                        numbers,
                    })
                };
                match read.await {
                    Ok(l) => loaded.set(Some(l)),
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        });
    }
    let reload = {
        let version = version.dispatcher();
        Callback::from(move |_: ()| version.dispatch(()))
    };
    // What each form says when it opens again after the reload (a saved form is a new one: it is
    // keyed by the settings' version).
    let notice = use_state(|| None::<Result<String, String>>);
    let messenger_notice = use_state(|| None::<Result<String, String>>);
    let changed_elsewhere = {
        let (reload, notice, messenger_notice) =
            (reload.clone(), notice.clone(), messenger_notice.clone());
        Callback::from(move |_: ()| {
            notice.set(Some(Err(
                "These defaults were changed elsewhere (another tab or another owner) after you opened them. \
                 The current values are shown now: check them and save again."
                    .to_owned(),
            )));
            messenger_notice.set(None);
            reload.emit(());
        })
    };
    let on_defaults_saved = {
        let (reload, notice, messenger_notice) =
            (reload.clone(), notice.clone(), messenger_notice.clone());
        Callback::from(move |saved: String| {
            notice.set(Some(Ok(saved)));
            messenger_notice.set(None);
            reload.emit(());
        })
    };
    let on_messenger_saved = {
        let (reload, notice, messenger_notice) =
            (reload.clone(), notice.clone(), messenger_notice.clone());
        Callback::from(move |saved: String| {
            messenger_notice.set(Some(Ok(saved)));
            notice.set(None);
            reload.emit(());
        })
    };
    html! {
        <div class="page">
            <h1 tabindex="-1">{ "Settings" }</h1>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            if let Some(l) = &*loaded {
                // Keyed by version: a reload after a change elsewhere shows the current values.
                <DefaultsForm key={l.version.unwrap_or(0).to_string()} admin={props.admin.clone()}
                    settings={l.settings.clone()} version={l.version} numbers={l.numbers.clone()}
                    on_saved={on_defaults_saved} notice={(*notice).clone()}
                    on_changed_elsewhere={changed_elsewhere.clone()} />
                <MessengerForm key={format!("m{}", l.version.unwrap_or(0))} admin={props.admin.clone()}
                    settings={l.settings.clone()} version={l.version} on_saved={on_messenger_saved}
                    notice={(*messenger_notice).clone()} on_changed_elsewhere={changed_elsewhere} />
            } else {
                <p class="hint">{ "Loading…" }</p>
            }
        </div>
    }
}
