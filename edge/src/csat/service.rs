//! Asking the survey when a conversation is resolved (by an agent, or by the auto-resolve of
//! quiet conversations, which the conversations feature runs).
//!
//! WhatsApp: with the number's survey on and the 24-hour window open, the interactive survey is
//! sent (recorded first, so a retry of the resolve never asks twice); outside the window nothing
//! is sent and that is recorded. Messenger: with the project's Messenger survey on, the survey is
//! recorded and the Messenger shows its rating row. Handed-off conversations are rated on WhatsApp.

use switchboard_core::api::within_reply_window;
use switchboard_core::csat::{question, whatsapp_survey, CsatSettings, SurveyOutcome};

use super::store::SurveyStore;
use crate::config::numbers::Numbers;
use crate::error::EdgeError;
use crate::platform::d1::Db;
use crate::platform::random;

/// What a survey needs of the conversation just resolved; the conversations feature, whose row
/// it is, hands it over.
pub struct Resolved<'a> {
    pub id: &'a str,
    pub channel: &'a str,
    pub handed_off_at: Option<i64>,
    pub phone_number_id: Option<&'a str>,
    pub wa_id: Option<&'a str>,
    pub last_inbound_at: Option<i64>,
}

/// Asks for a rating of `conversation`, just resolved; what became of the survey (`None`: the
/// channel's survey is off, or it was asked before).
pub async fn ask_on_resolve(
    store: &Db,
    numbers: &Numbers<'_>,
    conversation: &Resolved<'_>,
    now: i64,
) -> Result<Option<SurveyOutcome>, EdgeError> {
    let surveys = SurveyStore(store);
    let id = random::id("srv")?;
    let whatsapp = conversation.channel == "whatsapp" || conversation.handed_off_at.is_some();
    if !whatsapp {
        let settings = numbers.store.document().await?.settings.messenger_csat;
        if !settings.enabled {
            return Ok(None);
        }
        let asked = surveys
            .record(
                &id,
                conversation.id,
                "messenger",
                SurveyOutcome::Asked,
                &question(settings.question.as_deref()),
                now,
            )
            .await?;
        return Ok(asked.then_some(SurveyOutcome::Asked));
    }
    let number = conversation.phone_number_id.unwrap_or_default();
    let Ok((record, graph)) = numbers.graph_for(number).await else {
        return Ok(None); // disconnected since: nobody to ask from
    };
    let CsatSettings {
        enabled,
        question: q,
        ..
    } = &record.csat;
    if !enabled {
        return Ok(None);
    }
    let text = question(q.as_deref());
    if !within_reply_window(conversation.last_inbound_at, now) {
        let recorded = surveys
            .record(
                &id,
                conversation.id,
                "whatsapp",
                SurveyOutcome::WindowClosed,
                &text,
                now,
            )
            .await?;
        return Ok(recorded.then_some(SurveyOutcome::WindowClosed));
    }
    if !surveys
        .record(
            &id,
            conversation.id,
            "whatsapp",
            SurveyOutcome::Asked,
            &text,
            now,
        )
        .await?
    {
        return Ok(None);
    }
    let to = conversation.wa_id.unwrap_or_default();
    let sent = graph
        .send_json(number, &whatsapp_survey(to, &id, &text))
        .await;
    surveys.sent(&id, sent.as_deref().map_err(|_| ())).await?;
    Ok(Some(if sent.is_ok() {
        SurveyOutcome::Asked
    } else {
        SurveyOutcome::SendFailed
    }))
}
