//! The one D1 read behind the KPIs: every conversation opened in the period, with its survey,
//! packed per number into strings (`core::kpi::unpack`) — an index range on `opened_at`, and a
//! few rows instead of one JSON object per conversation. Each string holds at most 10,000
//! conversations (grouped by rowid), well under D1's 2 MB limit on a value.

use serde::Deserialize;
use switchboard_core::kpi::{unpack, ConversationFacts};

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Db};

#[derive(Deserialize)]
struct Packed {
    number: Option<String>,
    facts: Option<String>,
}

pub async fn facts(store: &Db, from: i64, to: i64) -> Result<Vec<ConversationFacts>, EdgeError> {
    let result = store
        .stmt(
            "SELECT c.phone_number_id AS number, GROUP_CONCAT( \
               COALESCE(c.wa_id, c.visitor_id, '') || ',' || c.opened_at || ',' || IFNULL(c.closed_at, '') || ',' || \
               IFNULL(c.close_reason, '') || ',' || IFNULL(c.first_response_at, '') || ',' || \
               IFNULL(s.outcome, '') || ',' || IFNULL(s.score, ''), ';') AS facts \
             FROM conversations c LEFT JOIN csat_surveys s ON s.conversation_id = c.id \
             WHERE c.opened_at >= ?1 AND c.opened_at < ?2 GROUP BY c.phone_number_id, c.rowid / 10000",
            args![from, to],
        )?
        .all()
        .await?;
    Ok(decode_rows::<Packed>(&result, "kpi facts")?
        .into_iter()
        .flat_map(|p| unpack(p.number.as_deref(), p.facts.as_deref().unwrap_or_default()))
        .collect())
}
