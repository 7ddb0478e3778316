//! Asking the survey when a conversation is resolved, and auto-resolving quiet conversations.
//!
//! WhatsApp: with the number's survey on and the 24-hour window open, the interactive survey is
//! sent (recorded first, so a retry of the resolve never asks twice); outside the window nothing
//! is sent and that is recorded. Messenger: with the project's Messenger survey on, the survey is
//! recorded and the Messenger shows its rating row. Handed-off conversations are rated on WhatsApp.

use switchboard_core::api::within_reply_window;
use switchboard_core::csat::{question, whatsapp_survey, CsatSettings, SurveyOutcome};

use super::store::SurveyStore;
use crate::config::numbers::Numbers;
use crate::config::store::ConfigStore;
use crate::conversations::rows::ConversationRow;
use crate::conversations::store::ConversationStore;
use crate::error::EdgeError;
use crate::platform::random;

/// Asks for a rating of `conversation`, just resolved; what became of the survey (`None`: the
/// channel's survey is off, or it was asked before).
pub async fn ask_on_resolve(
    store: &ConversationStore,
    numbers: &Numbers<'_>,
    conversation: &ConversationRow,
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
                &conversation.id,
                "messenger",
                SurveyOutcome::Asked,
                &question(settings.question.as_deref()),
                now,
            )
            .await?;
        return Ok(asked.then_some(SurveyOutcome::Asked));
    }
    let number = conversation.phone_number_id.clone().unwrap_or_default();
    let Ok((record, graph)) = numbers.graph_for(&number).await else {
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
                &conversation.id,
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
            &conversation.id,
            "whatsapp",
            SurveyOutcome::Asked,
            &text,
            now,
        )
        .await?
    {
        return Ok(None);
    }
    let to = conversation.wa_id.clone().unwrap_or_default();
    let sent = graph
        .send_json(&number, &whatsapp_survey(&to, &id, &text))
        .await;
    surveys.sent(&id, sent.as_deref().map_err(|_| ())).await?;
    Ok(Some(if sent.is_ok() {
        SurveyOutcome::Asked
    } else {
        SurveyOutcome::SendFailed
    }))
}

/// The scheduled handler's part: resolves open conversations whose customer has been quiet for
/// their number's auto-resolve delay (off by default), and asks their surveys. At most `limit`.
pub async fn auto_resolve(
    config: &ConfigStore,
    numbers: &Numbers<'_>,
    store: &ConversationStore,
    now: i64,
    limit: i64,
) -> Result<u32, EdgeError> {
    let document = config.document().await?;
    let mut resolved = 0;
    for number in document.numbers.iter().filter(|n| n.connected) {
        let Some(hours) = number.csat.auto_resolve_hours else {
            continue;
        };
        let quiet_since = now - i64::from(hours) * 3600;
        for conversation in store
            .quiet_open_conversations(&number.phone_number_id, quiet_since, limit)
            .await?
        {
            let acted = crate::platform::d1::returned_a_row(
                store
                    .batch(vec![store.resolve(&conversation.id, "auto", now)?])
                    .await?
                    .first(),
            )?;
            if acted {
                resolved += 1;
                if let Err(e) = ask_on_resolve(store, numbers, &conversation, now).await {
                    worker::console_error!("survey after auto-resolve of {}: {e}", conversation.id);
                }
            }
        }
    }
    Ok(resolved)
}
