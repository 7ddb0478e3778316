//! Request routing: path and method to the adapter that answers.

use switchboard_core::admin_auth::bearer_matches;
use switchboard_core::live::INBOX_ROOM;
use worker::{Context, Env, Method, Request, Response};

use crate::config::env::Config;
use crate::config::health;
use crate::config::numbers::Numbers;
use crate::config::store::ConfigStore;
use crate::conversations::{
    api as conversations, attachments as conversations_attachments, reactions, receipts,
    store::ConversationStore,
};
use crate::error::EdgeError;
use crate::live::{self, publish::Live};
use crate::numbers::api as numbers;
use crate::platform::http::{header, ok_json, query};
use crate::visitor::api as visitor;
use crate::webhooks::store::WebhookStore;
use crate::{kpis, media, webhooks};

pub async fn handle(mut req: Request, env: &Env, ctx: &Context) -> Result<Response, EdgeError> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segments == ["healthz"] {
        return Ok(health::health(env).await);
    }
    if segments == ["widget.js"] {
        return widget_loader(req, env).await;
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
            if !bearer_matches(
                header(&req, "authorization").as_deref(),
                &config.admin_token,
            ) {
                return Err(EdgeError::Unauthorized);
            }
            admin(&mut req, env, &config, route, &live).await
        }
        _ => Err(EdgeError::NotFound(format!("nothing at {path}"))),
    };
    live.send_after(env, ctx);
    answer
}

/// `/widget.js` (the Worker runs first for it, see wrangler.toml): the loader from the assets
/// once the deployment is set up; until then a script that draws nothing, so a site that already
/// has the tag shows no broken chat while the owner finishes the setup.
async fn widget_loader(req: Request, env: &Env) -> Result<Response, EdgeError> {
    if health::is_ready(env).await {
        return Ok(env.assets("ASSETS")?.fetch_request(req).await?);
    }
    let mut response = Response::ok(
        "/*! Switchboard is not set up yet (see /console/ on this Worker): no Messenger is shown. */\n",
    )?;
    let headers = response.headers_mut();
    headers.set("content-type", "text/javascript; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    Ok(response)
}

async fn admin(
    req: &mut Request,
    env: &Env,
    config: &Config,
    route: &[&str],
    live: &Live,
) -> Result<Response, EdgeError> {
    let numbers = Numbers {
        config,
        store: ConfigStore::new(env)?,
    };
    let store = ConversationStore::new(env)?;
    match (req.method(), route) {
        (_, ["settings"]) => numbers::settings(req, &numbers).await,
        (_, ["numbers"]) => numbers::collection(req, &numbers, &store, live).await,
        (_, ["numbers", id]) => numbers::item(req, &numbers, &store, id).await,
        (_, ["numbers", id, "profile"]) => numbers::profile(req, &numbers, id).await,
        (Method::Get, ["numbers", id, "templates"]) => numbers::templates(&numbers, id).await,
        (Method::Get, ["numbers", id, "disconnect"]) => {
            numbers::disconnect_preview(req, &numbers, id).await
        }
        (Method::Get, ["stats"]) => numbers::stats(req, &numbers, &store).await,
        (Method::Get, ["kpis"]) => kpis::api::report(req, &numbers, &store).await,
        (Method::Get, ["conversations"]) => conversations::list(req, &store).await,
        (Method::Get, ["conversations", id]) => conversations::read(req, &store, id).await,
        (Method::Post, ["conversations", id, "messages"]) => {
            conversations::reply(req, &store, &numbers, id, live).await
        }
        (Method::Post, ["conversations", id, "attachments"]) => {
            conversations_attachments::attach(req, env, &store, &numbers, id, live).await
        }
        (Method::Post, ["conversations", id, "messages", message, "retry"]) => {
            conversations::retry(env, &store, &numbers, id, message, live).await
        }
        (Method::Post, ["conversations", id, "close"]) => {
            conversations::close(&store, &numbers, id, live).await
        }
        (Method::Post, ["conversations", id, "reopen"]) => {
            conversations::reopen(&store, id, live).await
        }
        (Method::Post, ["conversations", id, "unlink"]) => {
            conversations::unlink(&store, id, live).await
        }
        (Method::Post, ["conversations", id, "messages", message, "reaction"]) => {
            reactions::react(req, &store, &numbers, id, message, live).await
        }
        (Method::Post, ["conversations", id, "seen"]) => receipts::seen(&store, &numbers, id).await,
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
            | "runtime"],
        )
        | (_, ["conversations", _]) => Err(EdgeError::MethodNotAllowed { allow: "GET" }),
        (_, ["media", _]) => Err(EdgeError::MethodNotAllowed { allow: "GET" }),
        (_, ["media", _, "retry"]) => Err(EdgeError::MethodNotAllowed { allow: "POST" }),
        (_, ["live"] | ["live", "disconnect"]) => {
            Err(EdgeError::MethodNotAllowed { allow: "POST" })
        }
        (_, ["conversations", _, "seen" | "typing"]) => {
            Err(EdgeError::MethodNotAllowed { allow: "POST" })
        }
        (_, ["conversations", _, "messages" | "close" | "reopen" | "unlink" | "attachments"])
        | (_, ["conversations", _, "messages", _, "retry" | "reaction"]) => {
            Err(EdgeError::MethodNotAllowed { allow: "POST" })
        }
        _ => Err(EdgeError::NotFound(format!(
            "no admin route /api/admin/{}",
            route.join("/")
        ))),
    }
}
