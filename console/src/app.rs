//! The header with the navigation a member's role may see, and the page the address names
//! (`route`), once `session` knows who is there (Cloudflare Access, or the admin token kept for
//! the browser tab only).

use std::rc::Rc;

use switchboard_core::team::session::{Me, SignedInVia};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{health, Admin};
use crate::components::nav::Nav;
use crate::dom::{focus_page_heading, set_page_title, Counter};
use crate::pages::audit::AuditLog;
use crate::pages::inbox::Inbox;
use crate::pages::install::InstallPage;
use crate::pages::not_found::{NotFoundPage, Placeholder};
use crate::pages::numbers::{NumberPage, NumbersPage};
use crate::pages::reports::ReportsPage;
use crate::pages::settings::SettingsPage;
use crate::pages::setup::Setup;
use crate::pages::team::TeamPage;
use crate::pages::webhook::WebhookPage;
use crate::route::Route;
use crate::session::{gate_page, is_owner, Session};

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
    let session = use_state(|| Session::Checking);
    let checks_me = use_reducer(Counter::default);
    {
        let session = session.clone();
        use_effect_with(checks_me.0, move |_| {
            let admin = session_storage()
                .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
                .map_or_else(Admin::access, |token| Admin { token });
            spawn_local(async move { session.set(Session::resolve(admin).await) });
        });
    }
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
    let signed_in = match &*session {
        Session::SignedIn(admin, me) => Some((admin.clone(), me.clone())),
        _ => None,
    };
    // The tab is named after what is shown; going to another page also moves focus to its
    // heading (not the first page after signing in: there the browser's own start is right).
    let screen = match (&*report, &signed_in) {
        (Some(h), _) if !h.ready => "Finish setting up".to_owned(),
        (_, None) => "Sign in".to_owned(),
        (_, Some(_)) => route.title(),
    };
    {
        let shown = use_mut_ref(|| None::<Route>);
        let signed_in = signed_in.is_some();
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
    let Some((admin, me)) = signed_in else {
        let on_signed_in = {
            let session = session.clone();
            Callback::from(move |a: Admin| {
                if let Some(s) = session_storage() {
                    let _ = s.set_item(TOKEN_KEY, &a.token);
                }
                let session = session.clone();
                spawn_local(async move { session.set(Session::resolve(a).await) });
            })
        };
        let on_retry = {
            let checks_me = checks_me.dispatcher();
            Callback::from(move |_| checks_me.dispatch(()))
        };
        return gate_page(&session, on_signed_in, on_retry);
    };
    let sign_out = {
        let session = session.clone();
        Callback::from(move |_| {
            if let Some(s) = session_storage() {
                let _ = s.remove_item(TOKEN_KEY);
            }
            session.set(Session::NeedsToken);
        })
    };
    let who = match &me.email {
        Some(email) => format!("{} · {} ({email})", me.display_name, me.role.as_str()),
        None => "Admin token".to_owned(),
    };
    html! {
        <ContextProvider<Rc<Me>> context={me.clone()}>
            <header class="top">
                <strong class="brand">{ "Switchboard" }</strong>
                <Nav current={route.section()} owner={is_owner(&me)} />
                <span class="who">{ who }</span>
                if me.via == SignedInVia::Access {
                    // Access ends its own session; the next visit signs in again.
                    <a class="link" href="/cdn-cgi/access/logout">{ "Sign out" }</a>
                } else {
                    <button class="link" onclick={sign_out}>{ "Sign out" }</button>
                }
            </header>
            <main>{ page(&route, admin, &me) }</main>
        </ContextProvider<Rc<Me>>>
    }
}

/// The page at `route`, if the member's role may see it.
fn page(route: &Route, admin: Admin, me: &Me) -> Html {
    if !is_owner(me) && !route.for_agents() {
        return html! { <Placeholder title={route.title()} owners_only=true /> };
    }
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
        Route::Install => html! { <InstallPage /> },
        Route::Webhook => html! { <WebhookPage {admin} /> },
        Route::Team => html! { <TeamPage {admin} /> },
        Route::Audit => html! { <AuditLog {admin} /> },
        Route::NotFound => html! { <NotFoundPage /> },
    }
}
