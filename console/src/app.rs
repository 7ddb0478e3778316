//! Sign-in with the admin token (kept for the browser tab only), the header with the navigation,
//! and the page the address names (`route`).

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{health, Admin};
use crate::components::nav::Nav;
use crate::dom::{bind_input, focus_page_heading, set_page_title};
use crate::pages::inbox::Inbox;
use crate::pages::install::InstallPage;
use crate::pages::not_found::{NotFoundPage, Placeholder};
use crate::pages::numbers::{NumberPage, NumbersPage};
use crate::pages::reports::ReportsPage;
use crate::pages::settings::SettingsPage;
use crate::pages::setup::Setup;
use crate::pages::webhook::WebhookPage;
use crate::route::Route;
use switchboard_core::settings::ProjectSettings;

const TOKEN_KEY: &str = "switchboard.admin";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The console: the address bar is the state of where the member is (see `route`).
#[function_component(App)]
pub fn app() -> Html {
    html! { <BrowserRouter><Console /></BrowserRouter> }
}

#[function_component(Console)]
fn console() -> Html {
    let admin = use_state(|| {
        session_storage()
            .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
            .map(|token| Admin { token })
    });
    let route = use_route::<Route>().unwrap_or(Route::NotFound);
    // Until the deployment is set up, the setup page is all there is to show.
    let report = use_state(|| None::<switchboard_core::api::HealthReport>);
    let checks = use_state(|| 0u32);
    {
        let report = report.clone();
        use_effect_with(*checks, move |_| {
            spawn_local(async move { report.set(health().await) });
        });
    }
    // The tab is named after what is shown; going to another page also moves focus to its
    // heading (not the first page after signing in: there the browser's own start is right).
    let screen = match (&*report, &*admin) {
        (Some(h), _) if !h.ready => "Finish setting up".to_owned(),
        (_, None) => "Sign in".to_owned(),
        (_, Some(_)) => route.title(),
    };
    {
        let shown = use_mut_ref(|| None::<Route>);
        let signed_in = admin.is_some();
        use_effect_with((route.page(), screen), move |(page, screen)| {
            set_page_title(screen);
            if signed_in {
                let previous = shown.borrow_mut().replace(page.clone());
                if previous.is_some_and(|p| p != *page) {
                    focus_page_heading();
                }
            }
        });
    }
    if let Some(h) = (*report).clone().filter(|h| !h.ready) {
        let checks = checks.clone();
        let on_recheck = Callback::from(move |_| checks.set(*checks + 1));
        return html! { <Setup health={h} {on_recheck} /> };
    }
    let Some(current) = (*admin).clone() else {
        let on_signed_in = {
            let admin = admin.clone();
            Callback::from(move |a: Admin| {
                if let Some(s) = session_storage() {
                    let _ = s.set_item(TOKEN_KEY, &a.token);
                }
                admin.set(Some(a));
            })
        };
        return html! { <SignIn {on_signed_in} /> };
    };
    let sign_out = {
        let admin = admin.clone();
        Callback::from(move |_| {
            if let Some(s) = session_storage() {
                let _ = s.remove_item(TOKEN_KEY);
            }
            admin.set(None);
        })
    };
    html! {
        <>
            <header class="top">
                <strong class="brand">{ "Switchboard" }</strong>
                <Nav current={route.section()} />
                <button class="link" onclick={sign_out}>{ "Sign out" }</button>
            </header>
            <main>{ page(&route, current) }</main>
        </>
    }
}

/// The page at `route`.
fn page(route: &Route, admin: Admin) -> Html {
    match route.clone() {
        Route::Home | Route::Inbox => html! { <Inbox {admin} selected={None::<String>} /> },
        Route::Conversation { conversation } => {
            html! { <Inbox {admin} selected={Some(conversation)} /> }
        }
        Route::Numbers => html! { <NumbersPage {admin} /> },
        Route::Number { phone_number_id } => {
            let key = phone_number_id.clone();
            html! { <NumberPage {key} {admin} {phone_number_id} /> }
        }
        Route::Reports => html! { <ReportsPage {admin} /> },
        Route::Settings => html! { <SettingsPage {admin} /> },
        Route::Install => html! { <InstallPage {admin} /> },
        Route::Webhook => html! { <WebhookPage {admin} /> },
        Route::Team | Route::Audit => html! { <Placeholder title={route.title()} /> },
        Route::NotFound => html! { <NotFoundPage /> },
    }
}

#[derive(Properties, PartialEq)]
struct SignInProps {
    on_signed_in: Callback<Admin>,
}

#[function_component(SignIn)]
fn sign_in(props: &SignInProps) -> Html {
    let token = use_state(String::new);
    let error = use_state(|| None::<String>);
    let submit = {
        let (token, error, done) = (token.clone(), error.clone(), props.on_signed_in.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let admin = Admin {
                token: token.trim().to_owned(),
            };
            let (error, done) = (error.clone(), done.clone());
            spawn_local(async move {
                match admin.get::<ProjectSettings>("/settings").await {
                    Ok(_) => done.emit(admin),
                    Err(e) if e.status == 401 => {
                        error.set(Some("That admin token is not right.".to_owned()))
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };
    html! {
        <main class="signin">
            <form class="card" onsubmit={submit}>
                <h1>{ "Switchboard console" }</h1>
                <label for="admin-token">{ "Admin token" }</label>
                <input id="admin-token" type="password" autocomplete="current-password" value={(*token).clone()} oninput={bind_input(&token)} />
                if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
                <button type="submit" class="primary">{ "Sign in" }</button>
                <p class="hint">{ "The token is ADMIN_TOKEN (.dev.vars locally, a Worker secret in production)." }</p>
            </form>
        </main>
    }
}
