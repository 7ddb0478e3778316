//! Request routing: path and method to the adapter that answers.

use switchboard_core::live::INBOX_ROOM;
use worker::{Context, Env, Method, Request, Response};

use crate::config::env::Config;
use crate::config::health;
use crate::config::numbers::Numbers;
use crate::config::store::ConfigStore;
use crate::conversations::{
    api as conversations, attachments as conversations_attachments, attention, handoff_offer,
    lifecycle, reactions, receipts, store::ConversationStore, teamwork,
};
use crate::error::EdgeError;
use crate::live::{self, publish::Live};
use crate::numbers::api as numbers;
use crate::platform::d1::Db;
use crate::platform::http::{ok_json, query};
use crate::push;
use crate::team::caller::{identify, refuse_cross_site, Caller, Identity};
use crate::team::store::TeamStore;
use crate::visitor::api as visitor;
use crate::visitor::loader;
use crate::webhooks::store::WebhookStore;
use crate::{kpis, media, team, webhooks};

pub async fn handle(mut req: Request, env: &Env, ctx: &Context) -> Result<Response, EdgeError> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segments == ["healthz"] {
        return Ok(health::health(env).await);
    }
    if segments == ["widget.js"] {
        return loader::serve(&req, env).await;
    }
    if segments.first() == Some(&"console") {
        return console_page(&req, env, &path).await;
    }
    let config = Config::from_env(env)?;
    // Events the handlers queue as their writes commit, published after the answer.
    let live = Live::default();
    let answer = match segments.as_slice() {
        ["webhooks", "whatsapp"] => webhooks::api::handle(&mut req, env, ctx, &config, &live).await,
        ["api", "live"] => live::api::connect(req, env, &config).await,
        ["api", "widget", route @ ..] => {
            visitor::handle(&mut req, env, &config, route, &live).await
        }
        ["api", "admin", route @ ..] => {
            refuse_cross_site(&req)?;
            let db = Db::new(env)?;
            let caller = match identify(&req, &config, &db).await? {
                Identity::Caller(caller) => caller,
                // Someone Access signed in who is not a member: the first-owner claim, or 403.
                Identity::NotAMember { email } => {
                    if req.method() == Method::Post && route == ["team", "claim"] {
                        return team::api::claim(&mut req, &db, &config, &email).await;
                    }
                    let claimable = !TeamStore(&db).has_owner().await?;
                    return Err(EdgeError::NotAMember { claimable });
                }
            };
            caller.may(req.method().as_ref(), &path)?;
            admin(&mut req, env, &config, route, &live, &caller, &db).await
        }
        _ => Err(EdgeError::NotFound(format!("nothing at {path}"))),
    };
    push::service::send_after(env, ctx, live.take_customer_messages());
    live.send_after(env, ctx);
    answer
}

/// A console address that is no file (`/console/numbers/123`: the assets answered first and had
/// nothing): the console's page, whose router shows that place, so a deep link, a reload and a
/// bookmark all land where they point. It is fetched from the assets as `/console/`, so the
/// console's headers (its strict CSP, static/_headers) come with it. A missing file (a name with
/// a dot, such as `/console/pkg/old.wasm`) stays a 404, never a page in place of a script.
async fn console_page(req: &Request, env: &Env, path: &str) -> Result<Response, EdgeError> {
    let is_file_name = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    if is_file_name || !matches!(req.method(), Method::Get | Method::Head) {
        return Err(EdgeError::NotFound(format!("nothing at {path}")));
    }
    let mut page = req.url()?;
    page.set_path("/console/");
    page.set_query(None);
    Ok(env.assets("ASSETS")?.fetch(page.to_string(), None).await?)
}

async fn admin(
    req: &mut Request,
    env: &Env,
    config: &Config,
    route: &[&str],
    live: &Live,
    caller: &Caller,
    db: &Db,
) -> Result<Response, EdgeError> {
    let numbers = Numbers {
        config,
        store: ConfigStore::new(env)?.acting_as(caller.actor()),
    };
    let store = ConversationStore::new(env)?;
    match (req.method(), route) {
        (Method::Get, ["me"]) => team::api::me(caller, config),
        (Method::Get, ["team"]) => team::api::collection(req, db, caller).await,
        (Method::Post, ["team"]) => team::api::collection(req, db, caller).await,
        // A member (or the admin token) claiming: the claim is for the first Access sign-in.
        (Method::Post, ["team", "claim"]) => team::api::claim_as_caller(caller),
        (Method::Patch, ["team", email]) => team::api::item(req, env, db, caller, email).await,
        (Method::Delete, ["team", email]) => team::api::item(req, env, db, caller, email).await,
        (Method::Get, ["audit"]) => team::api::log(req, db).await,
        (_, ["settings"]) => numbers::settings(req, &numbers).await,
        (_, ["numbers"]) => numbers::collection(req, &numbers, &store, live).await,
        (_, ["numbers", id]) => numbers::item(req, &numbers, &store, id).await,
        (_, ["numbers", id, "profile"]) => numbers::profile(req, &numbers, id).await,
        (Method::Get, ["numbers", id, "round-robin"]) => team::round_robin::read(db, id).await,
        (Method::Put, ["numbers", id, "round-robin"]) => {
            team::round_robin::write(req, db, id).await
        }
        (Method::Get, ["numbers", id, "templates"]) => numbers::templates(&numbers, id).await,
        (Method::Get, ["numbers", id, "disconnect"]) => {
            numbers::disconnect_preview(req, &numbers, id).await
        }
        (Method::Get, ["stats"]) => numbers::stats(req, &numbers, &store).await,
        (Method::Get, ["kpis", "trend"]) => kpis::api::trend(req, db).await,
        (Method::Get, ["kpis"]) => kpis::api::report(req, &numbers, &store).await,
        (Method::Get, ["conversations"]) => conversations::list(req, &store, caller).await,
        (Method::Get, ["conversations", id]) => conversations::read(req, &store, id).await,
        (Method::Post, ["conversations", id, "messages"]) => {
            conversations::reply(req, &store, &numbers, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "attachments"]) => {
            conversations_attachments::attach(req, env, &store, &numbers, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "messages", message, "retry"]) => {
            conversations::retry(env, &store, &numbers, id, message, live, caller).await
        }
        (Method::Post, ["conversations", id, "close"]) => {
            lifecycle::close(&store, &numbers, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "reopen"]) => {
            lifecycle::reopen(&store, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "assign"]) => {
            teamwork::assign(req, &store, db, id, live, caller).await
        }
        (Method::Get, ["unread"]) => attention::unread(&store, caller).await,
        (Method::Post, ["conversations", id, "notes"]) => {
            teamwork::note(req, &store, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "unlink"]) => {
            lifecycle::unlink(&store, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "handoff-offer"]) => {
            handoff_offer::offer(&store, &numbers, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "messages", message, "reaction"]) => {
            reactions::react(req, &store, &numbers, id, message, live).await
        }
        (Method::Post, ["conversations", id, "seen"]) => {
            attention::seen(&store, &numbers, id, live, caller).await
        }
        (Method::Post, ["conversations", id, "typing"]) => {
            receipts::typing(&store, &numbers, id).await
        }
        (Method::Get, ["unrouted"]) => ok_json(&WebhookStore(&store).unrouted(100).await?),
        (Method::Get, ["media", id]) => media::api::serve(req, env, &store, id).await,
        (Method::Post, ["media", id, "retry"]) => {
            media::api::retry(env, &store, &numbers, id).await
        }
        (Method::Post, ["live"]) => ok_json(&live::api::ticket(config, INBOX_ROOM)?),
        // Closes every console socket (they reconnect and catch up from D1), or a visitor's.
        (Method::Post, ["live", "disconnect"]) => {
            let room = query(req, "room").unwrap_or_else(|| INBOX_ROOM.to_owned());
            ok_json(&serde_json::json!({ "closed": live::publish::disconnect(env, &room).await? }))
        }
        // Web Push: the member is the signed-in member once sign-in lands (issue 20).
        (Method::Get, ["push", "key"]) => push::api::key(env),
        (Method::Post, ["push", "subscriptions"]) => {
            push::api::subscribe(req, env, &push::api::member(caller, config)).await
        }
        (Method::Delete, ["push", "subscriptions"]) => {
            push::api::unsubscribe(req, env, &push::api::member(caller, config)).await
        }
        (_, ["push", "key"]) => Err(EdgeError::MethodNotAllowed { allow: "GET" }),
        (_, ["push", "subscriptions"]) => Err(EdgeError::MethodNotAllowed {
            allow: "POST, DELETE",
        }),
        (Method::Get, ["runtime"]) => ok_json(&crate::platform::runtime::figures()),
        (Method::Get, ["webhook"]) => {
            let origin = req.url()?.origin().ascii_serialization();
            ok_json(&webhooks::wiring::read(env, config, &numbers, &origin).await?)
        }
        (Method::Get, ["not-understood"]) => {
            ok_json(&WebhookStore(&store).not_understood(100).await?)
        }
        (
            _,
            ["numbers", _, "templates" | "disconnect"]
            | ["stats" | "kpis" | "conversations" | "unrouted" | "not-understood" | "webhook"
            | "runtime" | "me" | "audit" | "unread"],
        )
        | (_, ["conversations", _]) => Err(EdgeError::MethodNotAllowed { allow: "GET" }),
        (_, ["media", _]) => Err(EdgeError::MethodNotAllowed { allow: "GET" }),
        (_, ["team"]) => Err(EdgeError::MethodNotAllowed { allow: "GET, POST" }),
        (_, ["kpis", "trend"]) => Err(EdgeError::MethodNotAllowed { allow: "GET" }),
        (_, ["numbers", _, "round-robin"]) => {
            Err(EdgeError::MethodNotAllowed { allow: "GET, PUT" })
        }
        (_, ["team", "claim"]) => Err(EdgeError::MethodNotAllowed { allow: "POST" }),
        (_, ["team", _]) => Err(EdgeError::MethodNotAllowed {
            allow: "PATCH, DELETE",
        }),
        (_, ["media", _, "retry"]) => Err(EdgeError::MethodNotAllowed { allow: "POST" }),
        (_, ["live"] | ["live", "disconnect"]) => {
            Err(EdgeError::MethodNotAllowed { allow: "POST" })
        }
        (_, ["conversations", _, "seen" | "typing"]) => {
            Err(EdgeError::MethodNotAllowed { allow: "POST" })
        }
        (
            _,
            ["conversations", _, "messages" | "close" | "reopen" | "unlink" | "attachments" | "assign" | "notes"],
        )
        | (_, ["conversations", _, "messages", _, "retry" | "reaction"]) => {
            Err(EdgeError::MethodNotAllowed { allow: "POST" })
        }
        _ => Err(EdgeError::NotFound(format!(
            "no admin route /api/admin/{}",
            route.join("/")
        ))),
    }
}
