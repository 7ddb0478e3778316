//! Switchboard's Cloudflare Worker: a thin adapter that turns HTTP requests and
//! the KV/D1 bindings into calls of `switchboard_core`, and core results into
//! HTTP answers. Static assets (demo page, widget, console) are served by the
//! Workers assets binding before this code runs.

mod clock;
mod config;
mod config_store;
mod config_writer;
mod conversations;
mod csat;
mod d1;
mod error;
mod graph;
mod handoff;
mod health;
mod http;
mod kpis;
mod live;
mod live_feed;
mod maintenance;
mod media;
mod numbers;
mod random;
mod rate_limits;
mod routes;
mod turnstile;
mod visitor_api;
mod visitor_files;
mod webhooks;

use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    Ok(routes::handle(req, &env, &ctx)
        .await
        .unwrap_or_else(error::EdgeError::into_response))
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = maintenance::run(&env).await {
        worker::console_error!("scheduled maintenance failed (next run retries): {e}");
    }
}
