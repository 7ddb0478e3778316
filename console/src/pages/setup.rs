//! The setup page: shown instead of the sign-in while `/healthz` says the deployment is not ready
//! (a secret missing or malformed, migrations pending, KV or D1 unreachable), with the exact steps
//! for Cloudflare's dashboard and for the command line.

use switchboard_core::api::HealthReport;
use yew::prelude::*;

fn secret_hint(name: &str) -> &'static str {
    match name {
        "ADMIN_TOKEN" => "any long random string; you sign in to this console with it",
        "WHATSAPP_APP_SECRET" => "Meta's App Dashboard › App settings › Basic › App secret",
        "WHATSAPP_VERIFY_TOKEN" => "any string; you enter the same in Meta's webhook settings",
        "ENCRYPTION_KEY" => "32 random bytes in base64: openssl rand -base64 32",
        "VAPID_PRIVATE_KEY" => VAPID_KEY_HINT,
        _ => "",
    }
}

/// How to make the optional Web Push key (the same as scripts/deploy does).
const VAPID_KEY_HINT: &str = "optional, for Web Push: a P-256 private key in base64url, made with \
    node -e \"console.log(require('node:crypto').generateKeyPairSync('ec',{namedCurve:'P-256'}).privateKey.export({format:'jwk'}).d)\" \
    — with the variable VAPID_SUBJECT set to mailto: and your email";

#[derive(Properties, PartialEq)]
pub struct SetupProps {
    pub health: HealthReport,
    pub on_recheck: Callback<()>,
}

#[function_component(Setup)]
pub fn setup(props: &SetupProps) -> Html {
    let h = &props.health;
    let recheck = {
        let on_recheck = props.on_recheck.clone();
        Callback::from(move |_| on_recheck.emit(()))
    };
    html! {
        <main class="signin">
            <section class="card setup" aria-labelledby="setup-h">
                <h1 id="setup-h">{ "Finish setting up Switchboard" }</h1>
                <p>{ "This Worker is deployed but not ready yet. WhatsApp's deliveries are answered \"try again later\" meanwhile, so none is lost." }</p>
                if !h.secrets_missing.is_empty() || !h.secrets_malformed.is_empty() {
                    <h2>{ "Secrets" }</h2>
                    <ul>
                        { for h.secrets_missing.iter().map(|name| html! {
                            <li><code>{ name.clone() }</code>{ format!(" is not set — {}", secret_hint(name)) }</li>
                        }) }
                        { for h.secrets_malformed.iter().map(|problem| html! { <li>{ problem.clone() }</li> }) }
                    </ul>
                    <p><strong>{ "In the dashboard: " }</strong>{ "Workers & Pages › your Worker › Settings › Variables and Secrets › Add › type Secret, one per name." }</p>
                    <p><strong>{ "From the command line: " }</strong><code>{ "npx wrangler secret put <NAME>" }</code></p>
                }
                if !h.migrations_pending.is_empty() {
                    <h2>{ "Database" }</h2>
                    <p>{ format!("Migrations not applied yet: {}.", h.migrations_pending.join(", ")) }</p>
                    <p><strong>{ "From the command line (in your copy of Switchboard): " }</strong><code>{ "npx wrangler d1 migrations apply DB --remote" }</code></p>
                    <p>{ "npm run deploy applies them right after each deploy." }</p>
                }
                if !h.kv || !h.d1 {
                    <h2>{ "Bindings" }</h2>
                    <p>{ format!("Not reachable: {}. Deploy again with the wrangler.toml of this project: its bindings are created on deploy.",
                        [(!h.kv).then_some("KV (CONFIG)"), (!h.d1).then_some("D1 (DB)")].into_iter().flatten().collect::<Vec<_>>().join(" and ")) }</p>
                }
                <h2>{ "Web Push (optional)" }</h2>
                <p>{ "To let members be notified while the console is closed, add the secret " }<code>{ "VAPID_PRIVATE_KEY" }</code>{ format!(" ({VAPID_KEY_HINT}). scripts/deploy does this for you.") }</p>
                <button class="primary" onclick={recheck}>{ "Check again" }</button>
            </section>
        </main>
    }
}
