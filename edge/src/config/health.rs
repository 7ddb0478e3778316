//! `GET /healthz`: the build's version, whether KV and D1 answer, and whether the deployment is
//! set up — which secrets are missing or malformed (names only, never values) and which D1
//! migrations are not applied. 503 until everything is in place.
//!
//! The Worker reports pending migrations but does not apply them: wrangler applies them with its
//! own bookkeeping (`d1_migrations`), once, from the deploy step; a Worker applying them would run
//! in many isolates at once and bypass that record.

use std::cell::Cell;

use serde::Deserialize;
use switchboard_core::api::HealthReport;
use worker::{Env, Response};

use super::env::SetupProblems;
use super::store::ConfigStore;
use crate::platform::http::json_response;

/// Every migration in `edge/migrations`, in order (a test keeps this list true).
pub const MIGRATIONS: [&str; 16] = [
    "0001_conversations.sql",
    "0002_seams.sql",
    "0003_agent_sends.sql",
    "0004_reads.sql",
    "0005_webhook_wiring.sql",
    "0006_support_kpis.sql",
    "0007_media.sql",
    "0008_sweeps_and_meta_errors.sql",
    "0009_kpi_reports.sql",
    "0010_opening_hours.sql",
    "0011_team.sql",
    "0012_push_subscriptions.sql",
    "0013_message_types.sql",
    "0014_unread.sql",
    "0015_customer_identities.sql",
    "0016_handoff_offers.sql",
];

#[derive(Deserialize)]
struct Applied {
    name: String,
}

/// `GET /healthz`: the report, 200 when ready, else 503.
pub async fn health(env: &Env) -> Response {
    let report = report(env).await;
    let status = if report.ready { 200 } else { 503 };
    json_response(&report, status)
}

thread_local! {
    /// Set once this isolate saw the deployment ready. Readiness only goes one way within an
    /// isolate: a deploy that adds a migration or changes a secret starts new isolates.
    static SEEN_READY: Cell<bool> = const { Cell::new(false) };
}

/// Whether the deployment is set up, checked once per isolate until it is (the widget loader's
/// gate: a Worker that is not set up serves a loader that draws nothing).
pub async fn is_ready(env: &Env) -> bool {
    if SEEN_READY.with(Cell::get) {
        return true;
    }
    let ready = report(env).await.ready;
    if ready {
        SEEN_READY.with(|seen| seen.set(true));
    }
    ready
}

async fn report(env: &Env) -> HealthReport {
    let kv = match ConfigStore::new(env) {
        Ok(store) => store.ping().await,
        Err(_) => false,
    };
    let (d1, applied) = match env.d1("DB") {
        Ok(db) => {
            let reachable = db
                .prepare("SELECT 1 AS ok")
                .first::<serde_json::Value>(None)
                .await
                .is_ok();
            // No `d1_migrations` table yet means nothing was applied.
            let applied: Vec<String> =
                match db.prepare("SELECT name FROM d1_migrations").all().await {
                    Ok(rows) => rows
                        .results::<Applied>()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| a.name)
                        .collect(),
                    Err(_) => Vec::new(),
                };
            (reachable, applied)
        }
        Err(_) => (false, Vec::new()),
    };
    let migrations_pending: Vec<&'static str> = MIGRATIONS
        .into_iter()
        .filter(|m| !applied.iter().any(|a| a == m))
        .collect();
    let setup = SetupProblems::of(env);
    let ready = kv && d1 && setup.is_empty() && migrations_pending.is_empty();
    HealthReport {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        ready,
        kv,
        d1,
        secrets_missing: setup
            .secrets_missing
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        secrets_malformed: setup.secrets_malformed,
        migrations_pending: migrations_pending.iter().map(|m| (*m).to_owned()).collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_migration_list_is_the_migrations_folder() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files, super::MIGRATIONS);
    }
}
