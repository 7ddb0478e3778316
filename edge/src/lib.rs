//! Switchboard's Cloudflare Worker: a thin adapter that turns HTTP requests and
//! the KV/D1 bindings into calls of `switchboard_core`, and core results into
//! HTTP answers. Static assets (demo page, widget, console) are served by the
//! Workers assets binding before this code runs.

mod audit;
mod config;
mod conversations;
mod csat;
mod error;
mod kpis;
mod live;
mod maintenance;
mod media;
mod numbers;
mod platform;
mod push;
mod routes;
mod team;
mod visitor;
mod webhooks;
mod work;

use worker::{
    event, Context, Env, MessageBatch, Request, Response, ScheduleContext, ScheduledEvent,
};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    Ok(routes::handle(req, &env, &ctx)
        .await
        .unwrap_or_else(platform::http::error_response))
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = maintenance::run(&env).await {
        worker::console_error!("scheduled maintenance failed (next run retries): {e}");
    }
}

/// The work queue: multi-message deliveries' messages and media fetches, one per invocation.
/// Never an `Err`: each item is acked or retried on its own (an `Err` here would panic).
#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, ctx: Context) -> worker::Result<()> {
    work::consumer::run(batch, &env, &ctx).await;
    Ok(())
}
