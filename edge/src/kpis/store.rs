//! The one D1 read behind the KPIs: every conversation opened in the period, with its survey,
//! as [`ConversationFacts`] (an index range on `opened_at`; the maths is `core::kpi`).

use serde::Deserialize;
use switchboard_core::csat::Score;
use switchboard_core::kpi::{ConversationFacts, SurveyFacts};

use crate::args;
use crate::conversations::store::ConversationStore;
use crate::d1::decode_rows;
use crate::error::EdgeError;

#[derive(Deserialize)]
struct Row {
    number: Option<String>,
    customer: Option<String>,
    opened_at: i64,
    closed_at: Option<i64>,
    close_reason: Option<String>,
    first_response_at: Option<i64>,
    outcome: Option<String>,
    score: Option<u8>,
}

impl Row {
    fn facts(self) -> ConversationFacts {
        let survey = match (self.outcome.as_deref(), self.score.and_then(Score::new)) {
            (_, Some(score)) => SurveyFacts::Rated(score),
            (Some("asked"), None) => SurveyFacts::Asked,
            _ => SurveyFacts::NotAsked,
        };
        ConversationFacts {
            number: self.number,
            customer: self.customer.unwrap_or_default(),
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            close_reason: self.close_reason,
            first_response_at: self.first_response_at,
            survey,
        }
    }
}

pub async fn facts(
    store: &ConversationStore,
    from: i64,
    to: i64,
) -> Result<Vec<ConversationFacts>, EdgeError> {
    let result = store
        .stmt(
            "SELECT c.phone_number_id AS number, COALESCE(c.wa_id, c.visitor_id) AS customer, c.opened_at, \
               c.closed_at, c.close_reason, c.first_response_at, s.outcome, s.score \
             FROM conversations c LEFT JOIN csat_surveys s ON s.conversation_id = c.id \
             WHERE c.opened_at >= ?1 AND c.opened_at < ?2",
            args![from, to],
        )?
        .all()
        .await?;
    Ok(decode_rows::<Row>(&result, "kpi conversation")?
        .into_iter()
        .map(Row::facts)
        .collect())
}
