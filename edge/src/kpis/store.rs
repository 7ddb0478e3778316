//! The D1 side of the KPIs: the whole report in one query, and the minute-long cache.
//!
//! The query runs the rules of `core::kpi` inside D1, so the Worker never holds the period's
//! conversations: `base` reads each conversation opened in the period (a covering index on
//! `opened_at`) with its survey; `merged` is the without-reset counterfactual — one window pass
//! numbers each customer's threads (a conversation starts a thread unless the one before it
//! was closed by the reset), then a GROUP BY folds each thread (first opening, last closing and
//! reason, first response, last survey); medians come from `ROW_NUMBER()` over each scope's
//! spans. D1 answers a dozen rows ([`KpiSqlRow`]). A first response lies inside its own
//! conversation, so a thread's first response is the smallest of its members'.

use serde::Deserialize;
use switchboard_core::kpi::KpiSqlRow;

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Db};

const REPORT_SQL: &str = "\
WITH base AS MATERIALIZED (
  SELECT c.phone_number_id AS number, COALESCE(c.wa_id, c.visitor_id, '') AS customer,
         c.opened_at, c.closed_at, c.first_response_at,
         CASE c.close_reason WHEN 'reset' THEN 1 WHEN 'agent' THEN 2 ELSE 0 END AS reason,
         CASE WHEN s.score BETWEEN 1 AND 5 THEN 2 + s.score WHEN s.outcome = 'asked' THEN 1 ELSE 0 END AS survey
  FROM conversations c LEFT JOIN csat_surveys s ON s.conversation_id = c.id
  WHERE c.opened_at >= ?1 AND c.opened_at < ?2
),
merged AS MATERIALIZED (
  SELECT number, customer, MIN(opened_at) AS opened_at,
         CASE WHEN SUM(closed_at IS NULL) > 0 THEN NULL ELSE MAX(closed_at) END AS closed_at,
         MIN(first_response_at) AS first_response_at,
         MAX(opened_at * 4 + reason) % 4 AS reason,
         COALESCE(MAX(CASE WHEN survey > 0 THEN opened_at * 8 + survey END) % 8, 0) AS survey
  FROM (SELECT *, COUNT(CASE WHEN reason != 1 THEN 1 END) OVER (PARTITION BY number, customer ORDER BY opened_at
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS thread FROM base)
  GROUP BY number, customer, thread
),
counted AS MATERIALIZED (
  SELECT 0 AS without, * FROM base UNION ALL SELECT 1, * FROM merged
),
spans AS MATERIALIZED (
  SELECT without, number, 1 AS metric, first_response_at - opened_at AS v FROM counted WHERE first_response_at IS NOT NULL
  UNION ALL
  SELECT without, number, 2, closed_at - opened_at FROM counted WHERE reason = 2 AND closed_at IS NOT NULL
),
ranked AS (
  SELECT without, number, 0 AS project, metric, v,
         ROW_NUMBER() OVER (PARTITION BY without, metric, number ORDER BY v) AS i,
         COUNT(*) OVER (PARTITION BY without, metric, number) AS n
  FROM spans
  UNION ALL
  SELECT without, NULL, 1, metric, v,
         ROW_NUMBER() OVER (PARTITION BY without, metric ORDER BY v),
         COUNT(*) OVER (PARTITION BY without, metric)
  FROM spans
)
SELECT without, number, 0 AS project, 0 AS metric, COUNT(*) AS a, SUM(reason = 1) AS b, SUM(survey > 0) AS c,
       SUM(survey >= 3) AS d, SUM(survey >= 6) AS e, COUNT(DISTINCT customer) AS f
FROM counted GROUP BY without, number
UNION ALL
SELECT without, number, project, metric, SUM(v) / COUNT(*), NULL, NULL, NULL, NULL, NULL
FROM ranked WHERE i IN ((n + 1) / 2, (n + 2) / 2) GROUP BY without, number, project, metric";

/// The report's rows for conversations opened in `[from, to)`.
pub async fn compute(db: &Db, from: i64, to: i64) -> Result<Vec<KpiSqlRow>, EdgeError> {
    decode_rows(
        &db.stmt(REPORT_SQL, args![from, to])?.all().await?,
        "kpi rows",
    )
}

/// A kept report: its rows (JSON), period and when it was computed.
#[derive(Deserialize)]
pub struct Kept {
    pub report: Option<String>,
    pub from_at: Option<i64>,
    pub to_at: Option<i64>,
    pub computed_at: i64,
}

/// The kept report of `days`, if any.
pub async fn kept(db: &Db, days: u32) -> Result<Option<Kept>, EdgeError> {
    Ok(decode_rows::<Kept>(
        &db.stmt(
            "SELECT report, from_at, to_at, computed_at FROM kpi_reports WHERE days = ?1",
            args![i64::from(days)],
        )?
        .all()
        .await?,
        "kept kpi report",
    )?
    .into_iter()
    .next())
}

/// Takes the lease to compute `days` (`false`: another request holds it), for `ms` from `now`
/// (unix milliseconds).
pub async fn lease(db: &Db, days: u32, now: i64, ms: i64) -> Result<bool, EdgeError> {
    let result = db
        .stmt(
            "INSERT INTO kpi_reports (days, computing_until) VALUES (?1, ?2) \
             ON CONFLICT (days) DO UPDATE SET computing_until = excluded.computing_until \
             WHERE kpi_reports.computing_until < ?3 RETURNING days",
            args![i64::from(days), now + ms, now],
        )?
        .all()
        .await?;
    Ok(!result.results::<serde_json::Value>()?.is_empty())
}

/// Keeps a computed report (`started_at`: when its computation started, unix milliseconds)
/// and gives the lease back.
pub async fn keep(
    db: &Db,
    days: u32,
    rows: &[KpiSqlRow],
    from: i64,
    to: i64,
    started_at: i64,
) -> Result<(), EdgeError> {
    let report =
        serde_json::to_string(rows).map_err(|e| EdgeError::Internal(format!("kpi rows: {e}")))?;
    db.stmt(
        "INSERT INTO kpi_reports (days, report, from_at, to_at, computed_at, computing_until) \
         VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (days) DO UPDATE SET report = excluded.report, \
         from_at = excluded.from_at, to_at = excluded.to_at, computed_at = excluded.computed_at, computing_until = 0",
        args![i64::from(days), &report, from, to, started_at],
    )?
    .run()
    .await?;
    Ok(())
}
