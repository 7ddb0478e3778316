//! `GET /api/admin/kpis?days=7|30|90[&fresh=1]`: a row per connected number, one for the
//! Messenger and one for the project, each with and without the reset (`core::kpi`), as D1
//! computed them at most a minute ago (`computed_at`; `fresh=1` computes them now); and
//! `GET /api/admin/kpis/trend?weeks=`: the project's figures week by week.

use switchboard_core::kpi::{
    assemble, project_kpis, trend_weeks, KpiReport, KpiTrend, KpiTrendPoint, TREND_WEEKS_DEFAULT,
    TREND_WEEKS_MAX,
};
use worker::{Request, Response};

use super::service;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::platform::d1::Db;
use crate::platform::http::{ok_json, query};

pub async fn report(
    req: &Request,
    numbers: &Numbers<'_>,
    store: &Db,
) -> Result<Response, EdgeError> {
    // Anything but a period the service knows (a word, 12) is refused there, in one place.
    let days = query(req, "days").map_or(30, |d| d.parse::<u32>().unwrap_or(0));
    let fresh = query(req, "fresh").is_some_and(|v| v == "1" || v == "true");
    let computed = service::report(store, days, fresh).await?;
    let labels: Vec<(String, String)> = numbers
        .list()
        .await?
        .into_iter()
        .map(|n| (n.phone_number_id, n.label))
        .collect();
    ok_json(&KpiReport {
        days,
        from: computed.from,
        to: computed.to,
        computed_at: computed.computed_at_ms / 1000,
        rows: assemble(&computed.rows, &labels),
    })
}

/// `GET /api/admin/kpis/trend?weeks=1–12` (8 by default): the project's KPIs week by week, oldest
/// first, each week one D1 query (the same as a period's report; weeks are short, so each is
/// lighter than the 30-day report).
pub async fn trend(req: &Request, store: &Db) -> Result<Response, EdgeError> {
    let weeks = match query(req, "weeks") {
        None => TREND_WEEKS_DEFAULT,
        Some(w) => w
            .parse::<u32>()
            .ok()
            .filter(|w| (1..=TREND_WEEKS_MAX).contains(w))
            .ok_or_else(|| EdgeError::BadRequest(format!("weeks must be 1–{TREND_WEEKS_MAX}")))?,
    };
    let to = crate::platform::clock::now_seconds() + 1;
    let mut points = Vec::new();
    for (from, to) in trend_weeks(to, weeks) {
        let rows = super::store::compute(store, from, to).await?;
        points.push(KpiTrendPoint {
            from,
            to,
            project: project_kpis(&rows),
        });
    }
    ok_json(&KpiTrend { weeks: points })
}
