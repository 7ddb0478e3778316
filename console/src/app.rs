//! Signing in (`session`: Cloudflare Access, or the admin token kept for the browser tab only)
//! and the navigation between the pages each member's role may see.

use std::rc::Rc;

use switchboard_core::team::session::{Me, SignedInVia};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Admin;
use crate::dom::{focus_page_heading, set_page_title};
use crate::pages::audit::AuditLog;
use crate::pages::inbox::Inbox;
use crate::pages::numbers::Connections;
use crate::pages::setup::{health, Setup};
use crate::pages::team::TeamPage;
use crate::pages::webhook::WebhookPanel;
use crate::session::{gate_page, is_owner, Session};

const TOKEN_KEY: &str = "switchboard.admin";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

#[derive(Clone, Copy, PartialEq)]
enum Page {
    Connections,
    Inbox,
    Webhook,
    Team,
    Audit,
}

impl Page {
    fn title(self) -> &'static str {
        match self {
            Page::Connections => "Connections › WhatsApp",
            Page::Inbox => "Inbox",
            Page::Webhook => "Webhook",
            Page::Team => "Team",
            Page::Audit => "Audit log",
        }
    }

    /// The pages a member sees: agents the inbox; owners everything.
    fn for_member(me: &Me) -> &'static [Page] {
        if is_owner(me) {
            &[
                Page::Connections,
                Page::Inbox,
                Page::Webhook,
                Page::Team,
                Page::Audit,
            ]
        } else {
            &[Page::Inbox]
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let session = use_state(|| Session::Checking);
    let checks_me = use_reducer(crate::dom::Counter::default);
    {
        let session = session.clone();
        use_effect_with(checks_me.0, move |_| {
            let admin = session_storage()
                .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
                .map_or_else(Admin::access, |token| Admin { token });
            spawn_local(async move { session.set(Session::resolve(admin).await) });
        });
    }
    let page = use_state(|| None::<Page>);
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
    let current_page = signed_in.as_ref().map(|(_, me)| {
        let allowed = Page::for_member(me);
        page.filter(|p| allowed.contains(p)).unwrap_or(allowed[0])
    });
    // The tab is named after what is shown; a page switch also moves focus to the new page's
    // heading (not the first page after signing in: there the browser's own start is right).
    let screen = match (&*report, current_page) {
        (Some(h), _) if !h.ready => "Finish setting up",
        (_, None) => "Sign in",
        (_, Some(p)) => p.title(),
    };
    {
        let shown = use_mut_ref(|| None::<Page>);
        use_effect_with((current_page, screen), move |(page, screen)| {
            set_page_title(screen);
            if let Some(page) = page {
                let previous = shown.borrow_mut().replace(*page);
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
    let (Some((admin, me)), Some(current)) = (signed_in, current_page) else {
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
    let go = |p: Page| {
        let page = page.clone();
        Callback::from(move |_| page.set(Some(p)))
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
    let tab = |p: Page| {
        html! {
            <button class={classes!("tab", (current == p).then_some("active"))} aria-current={(current == p).then_some("page")} onclick={go(p)}>{ p.title() }</button>
        }
    };
    let who = match &me.email {
        Some(email) => format!("{} · {} ({email})", me.display_name, me.role.as_str()),
        None => "Admin token".to_owned(),
    };
    html! {
        <ContextProvider<Rc<Me>> context={me.clone()}>
            <header class="top">
                <strong class="brand">{ "Switchboard" }</strong>
                <nav aria-label="Console">
                    { for Page::for_member(&me).iter().map(|p| tab(*p)) }
                </nav>
                <span class="who">{ who }</span>
                if me.via == SignedInVia::Access {
                    // Access ends its own session; the next visit signs in again.
                    <a class="link" href="/cdn-cgi/access/logout">{ "Sign out" }</a>
                } else {
                    <button class="link" onclick={sign_out}>{ "Sign out" }</button>
                }
            </header>
            <main>
                { match current {
                    Page::Connections => html! { <Connections admin={admin} /> },
                    Page::Inbox => html! { <Inbox admin={admin} /> },
                    Page::Webhook => html! { <WebhookPanel admin={admin} /> },
                    Page::Team => html! { <TeamPage admin={admin} /> },
                    Page::Audit => html! { <AuditLog admin={admin} /> },
                } }
            </main>
        </ContextProvider<Rc<Me>>>
    }
}
