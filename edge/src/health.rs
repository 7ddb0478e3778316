//! `GET /healthz`: the build's version and whether KV and D1 answer.

use serde::Serialize;
use worker::{Env, Response};

use crate::config_store::ConfigStore;
use crate::http::json_response;

#[derive(Serialize)]
struct Health {
    version: &'static str,
    kv: bool,
    d1: bool,
}

pub async fn health(env: &Env) -> Response {
    let kv = match ConfigStore::new(env) {
        Ok(store) => store.ping().await,
        Err(_) => false,
    };
    let d1 = match env.d1("DB") {
        Ok(db) => db
            .prepare("SELECT 1 AS ok")
            .first::<serde_json::Value>(None)
            .await
            .is_ok(),
        Err(_) => false,
    };
    let status = if kv && d1 { 200 } else { 503 };
    json_response(
        &Health {
            version: env!("CARGO_PKG_VERSION"),
            kv,
            d1,
        },
        status,
    )
}
