//! `GET /api/admin/kpis?days=7|30|90`: a row per connected number, one for the Messenger and one
//! for the project, each with and without the reset (`core::kpi`).

use switchboard_core::kpi::{row, ConversationFacts, KpiReport, PERIODS};
use worker::{Request, Response};

use super::store::facts;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::d1::Db;
use crate::platform::http::{ok_json, query};

pub async fn report(
    req: &Request,
    numbers: &Numbers<'_>,
    store: &Db,
) -> Result<Response, EdgeError> {
    let days = match query(req, "days") {
        None => 30,
        Some(d) => d
            .parse::<u32>()
            .ok()
            .filter(|d| PERIODS.contains(d))
            .ok_or_else(|| EdgeError::BadRequest("days must be 7, 30 or 90".to_owned()))?,
    };
    let to = now_seconds() + 1;
    let from = to - i64::from(days) * 86_400;
    let all = facts(store, from, to).await?;
    let of = |number: Option<&str>| -> Vec<ConversationFacts> {
        all.iter()
            .filter(|f| f.number.as_deref() == number)
            .cloned()
            .collect()
    };
    let mut rows: Vec<_> = numbers
        .list()
        .await?
        .iter()
        .map(|n| row(&n.phone_number_id, &n.label, &of(Some(&n.phone_number_id))))
        .collect();
    rows.push(row("messenger", "Messenger (website)", &of(None)));
    rows.push(row("project", "All channels", &all));
    ok_json(&KpiReport {
        days,
        from,
        to,
        rows,
    })
}
