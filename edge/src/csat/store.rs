//! The D1 statements of surveys (`csat_surveys`, one per conversation).

use serde::Deserialize;
use switchboard_core::csat::{Score, SurveyOutcome};

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, returned_a_row, Db};

pub struct SurveyStore<'a>(pub &'a Db);

/// A survey as the Messenger shows it.
#[derive(Deserialize)]
pub struct SurveyRow {
    pub id: String,
    pub question: String,
    pub score: Option<u8>,
}

#[derive(Deserialize)]
struct Answered {
    conversation_id: String,
}

impl SurveyStore<'_> {
    /// Records the survey of a resolved conversation, once: `false` when it already has one
    /// (resolved before, reopened, resolved again — asked once).
    pub async fn record(
        &self,
        id: &str,
        conversation_id: &str,
        channel: &str,
        outcome: SurveyOutcome,
        question: &str,
        now: i64,
    ) -> Result<bool, EdgeError> {
        let result = self
            .0
            .stmt(
                "INSERT INTO csat_surveys (id, conversation_id, channel, outcome, question, asked_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (conversation_id) DO NOTHING RETURNING id",
                args![id, conversation_id, channel, outcome.as_str(), question, now],
            )?
            .all()
            .await?;
        returned_a_row(Some(&result))
    }

    /// What Graph said to the survey's send.
    pub async fn sent(&self, id: &str, sent: Result<&str, ()>) -> Result<(), EdgeError> {
        let (outcome, wamid) = match sent {
            Ok(wamid) => (SurveyOutcome::Asked, Some(wamid)),
            Err(()) => (SurveyOutcome::SendFailed, None),
        };
        self.0
            .stmt(
                "UPDATE csat_surveys SET outcome = ?2, wamid = ?3 WHERE id = ?1",
                args![id, outcome.as_str(), wamid],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Records an answer (a later one replaces it) and returns the conversation it rates. Only
    /// the conversation's own customer can answer: `customer` is the WhatsApp user (`whatsapp`)
    /// or the visitor (`messenger`).
    pub async fn answer(
        &self,
        id: &str,
        score: Score,
        channel: &str,
        customer: &str,
        now: i64,
    ) -> Result<Option<String>, EdgeError> {
        let result = self
            .0
            .stmt(
                "UPDATE csat_surveys SET score = ?2, answered_at = ?3, answers = answers + 1 \
                 WHERE id = ?1 AND channel = ?4 AND outcome = 'asked' \
                   AND conversation_id IN (SELECT id FROM conversations \
                     WHERE (?4 = 'whatsapp' AND wa_id = ?5) OR (?4 = 'messenger' AND visitor_id = ?5)) \
                 RETURNING conversation_id",
                args![id, i64::from(score.value()), now, channel, customer],
            )?
            .all()
            .await?;
        Ok(decode_rows::<Answered>(&result, "survey answer")?
            .into_iter()
            .next()
            .map(|a| a.conversation_id))
    }

    /// The asked survey of a Messenger conversation, if any.
    pub async fn of_conversation(
        &self,
        conversation_id: &str,
    ) -> Result<Option<SurveyRow>, EdgeError> {
        let result = self
            .0
            .stmt(
                "SELECT id, question, score FROM csat_surveys WHERE conversation_id = ?1 AND outcome = 'asked'",
                args![conversation_id],
            )?
            .all()
            .await?;
        Ok(decode_rows(&result, "survey")?.into_iter().next())
    }
}
