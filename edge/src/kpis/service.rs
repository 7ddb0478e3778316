//! The KPI report of a period, computed by D1 and kept for a minute.
//!
//! A report older than [`KEEP_MS`] (or asked for `fresh`) is computed again by one request
//! at a time: that request takes a lease in `kpi_reports`; the others, arriving meanwhile, wait
//! for its result (polling the kept row) rather than running the same heavy query beside it on
//! a database that runs one query at a time. A lease that dies with its isolate lapses after
//! [`LEASE_MS`], and a waiter that waited [`WAIT_MS`] computes the report itself.

use switchboard_core::kpi::{KpiSqlRow, PERIODS};

use super::store::{self, Kept};
use crate::error::EdgeError;
use crate::platform::clock::now_millis;
use crate::platform::d1::Db;

/// How long a computed report is served as it is.
pub const KEEP_MS: i64 = 60_000;
/// How long a computation may hold the lease.
const LEASE_MS: i64 = 30_000;
/// How long a request waits for another's computation before computing itself.
const WAIT_MS: i64 = 20_000;
const POLL_MS: u64 = 150;

/// A period's rows, when their computation started (unix milliseconds), and the period itself.
pub struct Computed {
    pub rows: Vec<KpiSqlRow>,
    pub from: i64,
    pub to: i64,
    pub computed_at_ms: i64,
}

fn usable(kept: Option<Kept>, newer_than: i64) -> Option<Computed> {
    let kept = kept?;
    if kept.computed_at < newer_than {
        return None;
    }
    Some(Computed {
        rows: serde_json::from_str(kept.report.as_deref()?).ok()?,
        from: kept.from_at?,
        to: kept.to_at?,
        computed_at_ms: kept.computed_at,
    })
}

/// The report of the last `days` days: kept, or computed now (`fresh`: by a computation that
/// started after this request arrived — its own, or one it waited for).
pub async fn report(db: &Db, days: u32, fresh: bool) -> Result<Computed, EdgeError> {
    if !PERIODS.contains(&days) {
        return Err(EdgeError::BadRequest("days must be 7, 30 or 90".to_owned()));
    }
    let asked_at = now_millis();
    let newer_than = if fresh { asked_at } else { asked_at - KEEP_MS };
    if let Some(kept) = usable(store::kept(db, days).await?, newer_than) {
        return Ok(kept);
    }
    let mut leased = store::lease(db, days, asked_at, LEASE_MS).await?;
    let give_up_at = asked_at + WAIT_MS;
    while !leased {
        // Another request computes it: wait for its result.
        worker::Delay::from(std::time::Duration::from_millis(POLL_MS)).await;
        if let Some(kept) = usable(store::kept(db, days).await?, newer_than) {
            return Ok(kept);
        }
        let now = now_millis();
        leased = now >= give_up_at || store::lease(db, days, now, LEASE_MS).await?;
    }
    let started_at = now_millis();
    let to = started_at / 1000 + 1;
    let from = to - i64::from(days) * 86_400;
    let rows = store::compute(db, from, to).await?;
    store::keep(db, days, &rows, from, to, started_at).await?;
    Ok(Computed {
        rows,
        from,
        to,
        computed_at_ms: started_at,
    })
}
