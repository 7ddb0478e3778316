//! "Notify me on this browser when the console is closed": turns Web Push on or off for this
//! browser. On: asks the notification permission, registers the service worker
//! (`/console/sw.js`, scope `/console/`), subscribes through the Push API with the deployment's
//! VAPID key (`GET /api/admin/push/key`) and posts the subscription; off: unsubscribes and
//! deletes it on the edge. The edge sends the pushes; the service worker shows them.

use switchboard_core::web_push::from_base64url;
use switchboard_core::web_push::subscription::{PushKey, UnsubscribeBody};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Notification, NotificationPermission, PushManager, PushSubscription,
    PushSubscriptionOptionsInit, RegistrationOptions, ServiceWorkerContainer,
    ServiceWorkerRegistration,
};
use yew::prelude::*;

use crate::api::Admin;

const SCRIPT: &str = "/console/sw.js";
const SCOPE: &str = "/console/";

#[derive(Properties, PartialEq)]
pub struct PushToggleProps {
    pub admin: Admin,
}

/// Where the toggle stands.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Checking,
    /// This browser cannot (no service workers or Push API) or may not (permission denied).
    Unavailable(String),
    Off,
    On,
    Busy,
    Failed(String),
}

#[function_component(PushToggle)]
pub fn push_toggle(props: &PushToggleProps) -> Html {
    let state = use_state(|| State::Checking);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { state.set(current().await) });
        });
    }
    let on_change = {
        let (state, admin) = (state.clone(), props.admin.clone());
        Callback::from(move |e: Event| {
            let checked = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            let (state, admin) = (state.clone(), admin.clone());
            state.set(State::Busy);
            spawn_local(async move {
                let result = if checked {
                    turn_on(&admin).await.map(|()| State::On)
                } else {
                    turn_off(&admin).await.map(|()| State::Off)
                };
                state.set(result.unwrap_or_else(State::Failed));
            });
        })
    };
    let checked = matches!(*state, State::On);
    let disabled = matches!(
        *state,
        State::Checking | State::Busy | State::Unavailable(_)
    );
    let note = match &*state {
        State::Unavailable(why) | State::Failed(why) => Some(why.clone()),
        _ => None,
    };
    html! {
        <div class="push-toggle">
            <label>
                <input type="checkbox" {checked} {disabled} onchange={on_change} />
                { " Notify me on this browser when the console is closed" }
            </label>
            if let Some(note) = note {
                <p class="hint" role="status">{ note }</p>
            }
        </div>
    }
}

fn container() -> Result<ServiceWorkerContainer, String> {
    let window = web_sys::window().ok_or("no window")?;
    let navigator = window.navigator();
    let has = |target: &JsValue, name: &str| {
        js_sys::Reflect::has(target, &JsValue::from_str(name)).unwrap_or(false)
    };
    if !has(&navigator, "serviceWorker")
        || !has(&window, "PushManager")
        || !has(&window, "Notification")
    {
        return Err("This browser cannot receive push notifications (on an iPhone or iPad, add the console to the Home Screen first).".to_owned());
    }
    Ok(navigator.service_worker())
}

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the browser refused".to_owned())
}

async fn await_js(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, String> {
    JsFuture::from(promise.map_err(js_error)?)
        .await
        .map_err(js_error)
}

/// On if this browser has a subscription under the console's service worker.
async fn current() -> State {
    let container = match container() {
        Ok(c) => c,
        Err(why) => return State::Unavailable(why),
    };
    if Notification::permission() == NotificationPermission::Denied {
        return State::Unavailable(
            "Notifications are blocked for this site: allow them in the browser's site settings."
                .to_owned(),
        );
    }
    match subscription(&container).await {
        Ok(Some(_)) => State::On,
        Ok(None) => State::Off,
        Err(why) => State::Failed(why),
    }
}

async fn subscription(
    container: &ServiceWorkerContainer,
) -> Result<Option<PushSubscription>, String> {
    let registration = await_js(Ok(container.get_registration_with_document_url(SCOPE))).await?;
    let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
        return Ok(None);
    };
    let manager: PushManager = registration.push_manager().map_err(js_error)?;
    let found = await_js(manager.get_subscription()).await?;
    Ok(found.dyn_into::<PushSubscription>().ok())
}

async fn turn_on(admin: &Admin) -> Result<(), String> {
    let container = container()?;
    let permission = await_js(Notification::request_permission()).await?;
    if permission.as_string().as_deref() != Some("granted") {
        return Err("Notifications were not allowed, so push stays off.".to_owned());
    }
    let key: PushKey = admin.get("/push/key").await.map_err(|e| e.to_string())?;
    let key = from_base64url(&key.public_key).ok_or("the edge sent an unreadable VAPID key")?;
    let options = RegistrationOptions::new();
    options.set_scope(SCOPE);
    await_js(Ok(container.register_with_options(SCRIPT, &options))).await?;
    let registration: ServiceWorkerRegistration = await_js(container.ready())
        .await?
        .dyn_into()
        .map_err(js_error)?;
    let init = PushSubscriptionOptionsInit::new();
    init.set_user_visible_only(true);
    init.set_application_server_key(&js_sys::Uint8Array::from(key.as_slice()).into());
    let manager = registration.push_manager().map_err(js_error)?;
    let subscription: PushSubscription = await_js(manager.subscribe_with_options(&init))
        .await?
        .dyn_into()
        .map_err(js_error)?;
    let json: serde_json::Value =
        js_sys::JSON::stringify(&subscription.to_json().map_err(js_error)?.into())
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| serde_json::from_str(&s).ok())
            .ok_or("the browser gave an unreadable subscription")?;
    let _: serde_json::Value = admin
        .post("/push/subscriptions", &json)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

async fn turn_off(admin: &Admin) -> Result<(), String> {
    let container = container()?;
    let Some(subscription) = subscription(&container).await? else {
        return Ok(());
    };
    let body = UnsubscribeBody {
        endpoint: subscription.endpoint(),
    };
    await_js(subscription.unsubscribe()).await?;
    let _: serde_json::Value = admin
        .delete_with("/push/subscriptions", &body)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
