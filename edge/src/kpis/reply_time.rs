//! The reply time a visitor is promised ("usually replies within an hour"): the median first
//! response of the last 30 days' conversations that opened during opening hours (a message
//! left at night is not a slow answer), read by D1 through a partial index and kept per isolate
//! for ten minutes, so a visitor's session pays for it at most once per isolate in that time.

use std::cell::RefCell;

use switchboard_core::reply_time::{reply_time, ReplyTime};

use crate::args;
use crate::error::EdgeError;
use crate::platform::clock::now_millis;
use crate::platform::d1::Db;

/// How long a measured reply time is kept.
const KEEP_MS: i64 = 10 * 60 * 1000;
/// The period it is measured over.
const PERIOD_SECONDS: i64 = 30 * 24 * 3600;

const MEDIAN_SQL: &str = "\
SELECT AVG(v) AS median FROM (
  SELECT first_response_at - opened_at AS v,
         ROW_NUMBER() OVER (ORDER BY first_response_at - opened_at) AS i,
         COUNT(*) OVER () AS n
  FROM conversations
  WHERE opened_at >= ?1 AND opened_after_hours = 0 AND first_response_at IS NOT NULL
) WHERE i IN ((n + 1) / 2, (n + 2) / 2)";

thread_local! {
    /// (measured at, the promise).
    static KEPT: RefCell<Option<(i64, Option<ReplyTime>)>> = const { RefCell::new(None) };
}

#[derive(serde::Deserialize)]
struct Median {
    median: Option<f64>,
}

/// The promise now: kept, or measured again when older than ten minutes.
pub async fn current(db: &Db) -> Result<Option<ReplyTime>, EdgeError> {
    let now = now_millis();
    if let Some((at, kept)) = KEPT.with(|k| *k.borrow()) {
        if now - at < KEEP_MS {
            return Ok(kept);
        }
    }
    let since = now / 1000 - PERIOD_SECONDS;
    let row: Option<Median> = db.stmt(MEDIAN_SQL, args![since])?.first(None).await?;
    let seconds = row
        .and_then(|r| r.median)
        .filter(|m| m.is_finite() && *m >= 0.0)
        .map(|m| m.round() as u64);
    let promise = reply_time(seconds);
    KEPT.with(|k| *k.borrow_mut() = Some((now, promise)));
    Ok(promise)
}
