//! Applying a parsed delivery: route each change to its number, store each
//! message once in the right conversation (handoff code, else the reset rule),
//! apply each status, and keep what belongs to no connected number.

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use switchboard_core::handoff::HandoffCode;
use switchboard_core::reset::{place, Placement, ResetDays, UserHistory};
use switchboard_core::webhook::{Change, Delivery, InboundMessage};
use worker::{D1PreparedStatement, Env};

use crate::clock::{now_millis, now_seconds};
use crate::config_store::ConfigStore;
use crate::conversations::rows::NewMessage;
use crate::conversations::store::ConversationStore;
use crate::d1::is_constraint_violation;
use crate::error::EdgeError;
use crate::random;

/// What a delivery did; the webhook's 200 answer.
#[derive(Debug, Default, Serialize)]
pub struct DeliverySummary {
    pub messages_stored: u32,
    pub duplicates: u32,
    pub handoffs: u32,
    pub statuses: u32,
    pub unrouted_changes: u32,
}

enum Applied {
    Stored,
    Handoff,
    Duplicate,
}

/// How many times a placement is recomputed after losing a race to a concurrent delivery.
const PLACEMENT_ATTEMPTS: usize = 4;

pub async fn apply_delivery(env: &Env, delivery: &Delivery) -> Result<DeliverySummary, EdgeError> {
    let config = ConfigStore::new(env)?;
    let settings = config.settings().await?;
    let numbers = config.numbers().await?;
    let store = ConversationStore::new(env)?;
    let mut summary = DeliverySummary::default();
    for change in &delivery.changes {
        let Some(number) = numbers
            .iter()
            .find(|n| n.connected && n.phone_number_id == change.phone_number_id)
        else {
            record_unrouted(&store, change).await?;
            summary.unrouted_changes += 1;
            continue;
        };
        let reset_days = number.effective_reset_days(&settings);
        for message in &change.messages {
            let contact_name = change
                .contacts
                .iter()
                .find(|c| c.wa_id == message.from)
                .and_then(|c| c.profile_name.as_deref());
            match apply_message(
                &store,
                &change.phone_number_id,
                reset_days,
                contact_name,
                message,
            )
            .await?
            {
                Applied::Stored => summary.messages_stored += 1,
                Applied::Handoff => {
                    summary.messages_stored += 1;
                    summary.handoffs += 1;
                }
                Applied::Duplicate => summary.duplicates += 1,
            }
        }
        for status in &change.statuses {
            store.apply_status(status).await?;
            summary.statuses += 1;
        }
    }
    Ok(summary)
}

/// One inbound message on its way into storage, with what every write of it needs.
struct Inbound<'a> {
    store: &'a ConversationStore,
    phone_number_id: &'a str,
    contact_name: Option<&'a str>,
    message: &'a InboundMessage,
    text: Option<String>,
    content: Option<String>,
    raw: String,
}

impl<'a> Inbound<'a> {
    /// Whether the wamid is already stored, and the user's history around this message.
    async fn context(&self) -> Result<(bool, UserHistory<String>), EdgeError> {
        let m = self.message;
        self.store
            .inbound_context(self.phone_number_id, &m.from, m.timestamp, &m.wamid)
            .await
    }

    /// The statements that store the message in `conversation_id` and move its clocks.
    /// `or_ignore`: joining an existing conversation tolerates a concurrent duplicate.
    fn store_in(
        &self,
        conversation_id: &str,
        or_ignore: bool,
    ) -> Result<[D1PreparedStatement; 2], EdgeError> {
        let m = self.message;
        let row = NewMessage {
            id: random::id("msg")?,
            conversation_id,
            wamid: Some(&m.wamid),
            channel: "whatsapp",
            direction: "inbound",
            phone_number_id: Some(self.phone_number_id),
            wa_id: Some(&m.from),
            kind: m.content.type_name(),
            text: self.text.as_deref(),
            content: self.content.clone(),
            reply_to: m.reply_to.as_deref(),
            raw: Some(self.raw.clone()),
            sent_at: m.timestamp,
            received_at: now_millis(),
            status: None,
        };
        Ok([
            self.store.insert_message(&row, or_ignore)?,
            self.store
                .touch(conversation_id, m.timestamp, true, self.contact_name)?,
        ])
    }

    /// Links the conversation a valid handoff code was issued for; `false` when the code links nothing.
    async fn try_handoff(&self, now: i64) -> Result<bool, EdgeError> {
        let (store, m) = (self.store, self.message);
        let Some(code) = self.text.as_deref().and_then(HandoffCode::find_in) else {
            return Ok(false);
        };
        let Some(conversation_id) = store
            .claim_handoff_code(code.as_str(), self.phone_number_id, &m.from, now)
            .await?
        else {
            return Ok(false);
        };
        let linkable = store
            .conversation(&conversation_id)
            .await?
            .is_some_and(|c| c.handed_off_at.is_none());
        if !linkable {
            return Ok(false);
        }
        let mut statements = vec![
            store.close_others_for_handoff(self.phone_number_id, &m.from, &conversation_id, now)?,
            store.link_handoff(
                &conversation_id,
                self.phone_number_id,
                &m.from,
                self.contact_name,
                now,
            )?,
        ];
        statements.extend(self.store_in(&conversation_id, false)?);
        store.batch(statements).await?;
        Ok(true)
    }
}

async fn apply_message(
    store: &ConversationStore,
    phone_number_id: &str,
    reset_days: ResetDays,
    contact_name: Option<&str>,
    message: &InboundMessage,
) -> Result<Applied, EdgeError> {
    let inbound = Inbound {
        store,
        phone_number_id,
        contact_name,
        message,
        text: message.content.text(),
        content: serde_json::to_string(&message.content).ok(),
        raw: message.raw.to_string(),
    };
    let (duplicate, mut history) = inbound.context().await?;
    if duplicate {
        return Ok(Applied::Duplicate);
    }
    if inbound.try_handoff(now_seconds()).await? {
        return Ok(Applied::Handoff);
    }
    for _ in 0..PLACEMENT_ATTEMPTS {
        let mut statements = Vec::new();
        match place(message.timestamp, reset_days, &history) {
            Placement::Join(id) => statements.extend(inbound.store_in(&id, true)?),
            placement => {
                if let Placement::OpenAfterReset { close: Some(old) } = &placement {
                    statements.push(store.close(old, "reset", message.timestamp)?);
                }
                let id = random::id("conv")?;
                statements.push(store.insert_conversation(
                    &id,
                    "whatsapp",
                    Some(phone_number_id),
                    Some(&message.from),
                    contact_name,
                    None,
                    message.timestamp,
                )?);
                statements.extend(inbound.store_in(&id, false)?);
            }
        }
        match store.batch(statements).await {
            Ok(()) => return Ok(Applied::Stored),
            // A concurrent delivery opened the conversation or stored this wamid first: decide again.
            Err(e) if is_constraint_violation(&e) => {
                let (duplicate, fresh) = inbound.context().await?;
                if duplicate {
                    return Ok(Applied::Duplicate);
                }
                history = fresh;
            }
            Err(e) => return Err(e),
        }
    }
    Err(EdgeError::Storage(format!(
        "could not place message {} after {PLACEMENT_ATTEMPTS} attempts",
        message.wamid
    )))
}

/// Keeps a change for a number that is not connected, once per identical change.
async fn record_unrouted(store: &ConversationStore, change: &Change) -> Result<(), EdgeError> {
    let payload = json!({
        "phone_number_id": change.phone_number_id,
        "display_phone_number": change.display_phone_number,
        "waba_id": change.waba_id,
        "messages": change.messages.iter().map(|m| &m.raw).collect::<Vec<_>>(),
        "statuses": change.statuses.iter().map(|s| json!({ "id": s.wamid, "status": s.status.as_str() })).collect::<Vec<_>>(),
    })
    .to_string();
    let id = hex::encode(Sha256::digest(payload.as_bytes()));
    store
        .record_unrouted(
            &id,
            &change.phone_number_id,
            now_seconds(),
            change.messages.len() as i64,
            change.statuses.len() as i64,
            &payload,
        )
        .await
}
