//! Install: the script tag to paste into the owner's site, how this deployment is kept up to
//! date, and its setup status as
//! `/healthz` reports it (version, storage, secrets, migrations), and whether the team signs in
//! with Cloudflare Access and who is signed in.

use switchboard_core::api::HealthReport;
use switchboard_core::team::session::{Me, SignedInVia};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::health;
use crate::dom::{copy_to_clipboard, outcome};

#[function_component(InstallPage)]
pub fn install_page() -> Html {
    let me = use_context::<std::rc::Rc<Me>>();
    let report = use_state(|| None::<HealthReport>);
    let copied = use_state(|| None::<Result<String, String>>);
    {
        let report = report.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                report.set(health().await);
            });
        });
    }
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let snippet = format!("<script src=\"{origin}/widget.js\" async></script>");
    html! {
        <div class="page">
            <h1 tabindex="-1">{ "Install" }</h1>
            <section class="card" aria-labelledby="install-h">
                <h2 id="install-h">{ "Install the Messenger" }</h2>
                <p>{ "Paste this tag into your site's HTML, just before </body>. Add data-number=\"<phone number id or label>\" to pick the handoff number." }</p>
                <pre class="snippet"><code>{ snippet.clone() }</code></pre>
                <button onclick={copy_to_clipboard(snippet, copied.clone())}>{ "Copy snippet" }</button>
                { outcome(copied.as_ref()) }
                <p class="hint">{ "Only the sites listed under Settings › allowed origins may embed it." }</p>
            </section>
            <section class="card" aria-labelledby="status-h">
                <h2 id="status-h">{ "Setup status" }</h2>
                { match &*report {
                    None => html! { <p class="hint">{ "Checking…" }</p> },
                    Some(h) => status_list(h),
                } }
            </section>
            { access_section(me.as_deref()) }
            <section class="card" aria-labelledby="deploy-h">
                <h2 id="deploy-h">{ "Deploy and update" }</h2>
                <p>{ "From your copy of Switchboard: " }<code>{ "scripts/deploy" }</code>{ " builds, deploys, applies the database migrations and sets any missing secret (" }<code>{ "scripts/deploy --dry-run" }</code>{ " does everything but the upload)." }</p>
                <p>{ "Deployed with Cloudflare's Deploy button: each push to your repository builds and runs " }<code>{ "npm run deploy" }</code>{ ", which applies the migrations and then deploys." }</p>
            </section>
        </div>
    }
}

/// Whether the team signs in with Cloudflare Access, whether that works, and who is signed in.
fn access_section(me: Option<&Me>) -> Html {
    let Some(me) = me else {
        return Html::default();
    };
    let status = match (&me.access.problem, me.access.configured, me.via) {
        (Some(problem), _, _) => html! {
            <p class="error" role="alert">{ format!("Cloudflare Access is set up wrongly: {problem}. Members cannot sign in; the admin token still works.") }</p>
        },
        (None, false, _) => html! {
            <p>{ "Not configured: the console signs in with the admin token. To give each teammate their own sign-in and role, put the console behind a Cloudflare Access application (see the README, \"Your team\") and set ACCESS_TEAM_DOMAIN and ACCESS_AUD." }</p>
        },
        (None, true, SignedInVia::Access) => html! {
            <p>{ format!("Configured and working: you are signed in through {} as {}.", me.access.team_domain.clone().unwrap_or_default(), me.email.clone().unwrap_or_default()) }</p>
        },
        (None, true, SignedInVia::AdminToken) => html! {
            <p>{ format!("Configured ({}), but you signed in with the admin token, so this visit says nothing about Access itself. Open the console through its Access application to check it.", me.access.team_domain.clone().unwrap_or_default()) }</p>
        },
    };
    html! {
        <section class="card" aria-labelledby="access-h">
            <h2 id="access-h">{ "Team sign-in (Cloudflare Access)" }</h2>
            { status }
        </section>
    }
}

fn status_list(h: &HealthReport) -> Html {
    let item = |ok: bool, text: String| {
        html! {
            <li class={classes!(if ok { "ok" } else { "error" })}>
                <span class="sr">{ if ok { "Done: " } else { "To do: " } }</span>{ text }
            </li>
        }
    };
    let secrets = if h.secrets_missing.is_empty() && h.secrets_malformed.is_empty() {
        "Secrets: all set".to_owned()
    } else {
        let mut problems = h.secrets_missing.clone();
        problems.extend(h.secrets_malformed.iter().cloned());
        format!("Secrets: {}", problems.join(", "))
    };
    let migrations = if h.migrations_pending.is_empty() {
        "Database migrations: all applied".to_owned()
    } else {
        format!("Migrations pending: {}", h.migrations_pending.join(", "))
    };
    html! {
        <>
            <p>{ if h.ready { "Ready: the Messenger and WhatsApp deliveries are served." } else { "Not ready yet." } }</p>
            <ul class="status-list">
                { item(true, format!("Version {}", h.version)) }
                { item(h.kv, format!("Configuration store (KV): {}", if h.kv { "reachable" } else { "not reachable" })) }
                { item(h.d1, format!("Database (D1): {}", if h.d1 { "reachable" } else { "not reachable" })) }
                { item(h.secrets_missing.is_empty() && h.secrets_malformed.is_empty(), secrets) }
                { item(h.migrations_pending.is_empty(), migrations) }
            </ul>
        </>
    }
}
