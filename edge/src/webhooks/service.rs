//! Applying a parsed delivery: route each change to its number, store each message once in
//! the right conversation (handoff code, else the reset rule), apply each status, and keep
//! what belongs to no connected number or could not be understood.
//!
//! D1 round trips: one for the delivery's items kept aside (only when there are any), and per
//! message one for the context (duplicate + reset neighbours) and one batch that writes it;
//! a message carrying something that looks like a handoff code adds the claim batch. Statuses
//! are one batch per change.

use serde::Serialize;
use switchboard_core::csat::parse_answer;
use switchboard_core::file_checks::display_filename;
use switchboard_core::handoff::HandoffCode;
use switchboard_core::live::{visitor_room, Change as LiveChange, LiveEvent, INBOX_ROOM};
use switchboard_core::opening_hours::OpeningHours;
use switchboard_core::reset::{place, Placement, ResetDays};
use switchboard_core::settings::ProjectSettings;
use switchboard_core::web_push::payload::{Customer, CustomerMessage};
use switchboard_core::webhook::{
    Change, Delivery, InboundMessage, MessageContent, TimestampWindow,
};
use worker::{D1PreparedStatement, Env};

use super::not_shown_yet;
use super::store::{claimed_conversation, Claim, CodeClaim, WebhookStore};
use super::unrouted::record_unrouted;
use crate::config::store::{ConfigStore, NumberRecord};
use crate::conversations::rows::NewMessage;
use crate::conversations::store::ConversationStore;
use crate::csat::store::SurveyStore;
use crate::error::EdgeError;
use crate::live::publish::Live;
use crate::media::store::{MediaStore, NewMedia};
use crate::platform::clock::{now_millis, now_seconds};
use crate::platform::random;

/// What a delivery did; the webhook's 200 answer.
#[derive(Debug, Default, Serialize)]
pub struct DeliverySummary {
    pub messages_stored: u32,
    pub duplicates: u32,
    pub handoffs: u32,
    pub statuses: u32,
    pub unrouted_changes: u32,
    pub not_understood: u32,
}

enum Applied {
    /// Stored in this conversation.
    Stored(String),
    /// Stored in the Messenger conversation this claim linked.
    Handoff(CodeClaim),
    Duplicate,
}

/// How many times a placement is recomputed after losing a race to a concurrent delivery.
const PLACEMENT_ATTEMPTS: usize = 4;

pub async fn apply_delivery(
    env: &Env,
    delivery: &Delivery,
    live: &Live,
) -> Result<DeliverySummary, EdgeError> {
    let config = ConfigStore::new(env)?;
    // Both KV reads at once.
    let (settings, numbers) = futures_util::join!(config.settings(), config.numbers());
    let (settings, numbers) = (settings?, numbers?);
    let store = ConversationStore::new(env)?;
    let webhook_store = WebhookStore(&store);
    let mut summary = DeliverySummary::default();
    let now = now_seconds();
    // Every item kept aside, the delivery's and its changes', in one batch. The Business app's
    // echoes and history sync (coexistence numbers) are parsed but not shown in the inbox yet:
    // they are kept whole with the not-understood items, so nothing Meta sends is lost.
    let not_shown_yet = not_shown_yet::items(delivery);
    let mut kept = delivery
        .all_not_understood()
        .chain(&not_shown_yet)
        .map(|item| webhook_store.keep_not_understood(item, now))
        .collect::<Result<Vec<_>, _>>()?;
    summary.not_understood = kept.len() as u32;
    // Errors Meta reported for a whole change: kept for the Webhook page, in the same batch.
    for change in &delivery.changes {
        for error in &change.meta_errors {
            kept.push(webhook_store.keep_meta_error(&change.phone_number_id, error, now)?);
        }
    }
    if !kept.is_empty() {
        store.batch(kept).await?;
    }
    for change in &delivery.changes {
        match numbers
            .iter()
            .find(|n| n.connected && n.phone_number_id == change.phone_number_id)
        {
            Some(number) => {
                apply_change(&store, &settings, number, change, now, &mut summary, live).await?
            }
            None => {
                record_unrouted(&webhook_store, change, now).await?;
                summary.unrouted_changes += 1;
            }
        }
    }
    Ok(summary)
}

/// Stores a change's messages and applies its statuses for a connected number. Used for live
/// deliveries and for replaying unrouted ones; idempotent by wamid either way.
pub async fn apply_change(
    store: &ConversationStore,
    settings: &ProjectSettings,
    number: &NumberRecord,
    change: &Change,
    now: i64,
    summary: &mut DeliverySummary,
    live: &Live,
) -> Result<(), EdgeError> {
    let rules = Rules {
        reset_days: number.effective_reset_days(settings),
        hours: &settings.opening_hours,
        handoff_enabled: settings.handoff_enabled && number.handoff_enabled,
        window: TimestampWindow::around(now),
    };
    for message in &change.messages {
        let contact_name = change
            .contact_for(&message.customer)
            .and_then(|c| c.profile_name.as_deref());
        let inbound = Inbound::new(store, &change.phone_number_id, contact_name, message);
        match inbound.apply(&rules, now).await? {
            Applied::Stored(conversation_id) => {
                summary.messages_stored += 1;
                live.customer_wrote(inbound.for_push(&conversation_id));
                live.publish(
                    INBOX_ROOM,
                    &changed(Some(conversation_id), LiveChange::Message),
                );
            }
            Applied::Handoff(claim) => {
                summary.messages_stored += 1;
                summary.handoffs += 1;
                live.customer_wrote(inbound.for_push(&claim.conversation_id));
                let event = changed(Some(claim.conversation_id), LiveChange::Handoff);
                live.publish(INBOX_ROOM, &event);
                if let Some(visitor) = &claim.visitor_id {
                    live.publish(&visitor_room(visitor), &event);
                }
            }
            Applied::Duplicate => summary.duplicates += 1,
        }
    }
    if !change.statuses.is_empty() {
        let webhook_store = WebhookStore(store);
        let mut statements = Vec::with_capacity(change.statuses.len() * 2);
        for status in &change.statuses {
            statements.extend(webhook_store.apply_status(status, now)?);
        }
        store.batch(statements).await?;
        summary.statuses += change.statuses.len() as u32;
        live.publish(INBOX_ROOM, &changed(None, LiveChange::Status));
    }
    Ok(())
}

fn changed(conversation_id: Option<String>, change: LiveChange) -> LiveEvent {
    LiveEvent::changed(conversation_id, change)
}

/// What decides where a number's messages go.
struct Rules<'a> {
    reset_days: ResetDays,
    /// Opening hours: a conversation opened outside them is marked for the inbox.
    hours: &'a OpeningHours,
    /// The project's and the number's handoff switches, both on.
    handoff_enabled: bool,
    window: TimestampWindow,
}

/// One inbound message on its way into storage, with what every write of it needs.
struct Inbound<'a> {
    store: &'a ConversationStore,
    phone_number_id: &'a str,
    contact_name: Option<&'a str>,
    message: &'a InboundMessage,
    /// Who wrote, as conversations are filed today: the phone number when Meta sends one (every
    /// existing conversation is keyed by it), else the business-scoped user ID of a customer
    /// who only shows a username. (Linking the two and replying by `recipient` come with the
    /// identity work of issue 23; until then such a customer is at least in the inbox.)
    customer: &'a str,
    text: Option<String>,
    content: Option<String>,
    raw: String,
}

impl<'a> Inbound<'a> {
    /// The message as Web Push announces it (whom to tell is decided with the conversation's
    /// assignee as D1 has it then: `push::store::recipients`).
    fn for_push(&self, conversation_id: &str) -> CustomerMessage {
        let customer = Customer::WhatsApp {
            name: self.contact_name,
            wa_id: self.customer,
        };
        CustomerMessage::new(customer, self.text.as_deref(), conversation_id)
    }

    fn new(
        store: &'a ConversationStore,
        phone_number_id: &'a str,
        contact_name: Option<&'a str>,
        message: &'a InboundMessage,
    ) -> Self {
        let customer = message
            .customer
            .phone()
            .or(message.customer.bsuid())
            .unwrap_or_default();
        Self {
            store,
            phone_number_id,
            contact_name,
            message,
            customer,
            text: message.content.text(),
            content: serde_json::to_string(&message.content).ok(),
            raw: message.raw.to_string(),
        }
    }

    async fn apply(&self, rules: &Rules<'_>, now: i64) -> Result<Applied, EdgeError> {
        let (duplicate, mut history) = self.context(rules.window).await?;
        if duplicate {
            return Ok(Applied::Duplicate);
        }
        if let Some(rated) = self.try_survey_answer(now).await? {
            return Ok(rated);
        }
        if rules.handoff_enabled {
            if let Some(claim) = self.try_handoff(now).await? {
                return Ok(Applied::Handoff(claim));
            }
        }
        let (store, message) = (self.store, self.message);
        for _ in 0..PLACEMENT_ATTEMPTS {
            let mut statements = Vec::new();
            let conversation_id = match place(message.timestamp, rules.reset_days, &history) {
                Placement::Join(id) => {
                    statements.extend(self.store_in(&id, true)?);
                    id
                }
                placement => {
                    if let Placement::OpenAfterReset { close: Some(old) } = &placement {
                        statements.push(store.close(old, "reset", message.timestamp)?);
                    }
                    let id = random::id("conv")?;
                    statements.push(
                        store.insert_conversation(
                            &id,
                            "whatsapp",
                            Some(self.phone_number_id),
                            Some(self.customer),
                            self.contact_name,
                            None,
                            message.timestamp,
                            !rules
                                .hours
                                .is_open_at(message.timestamp.saturating_mul(1000)),
                        )?,
                    );
                    statements.extend(self.store_in(&id, false)?);
                    id
                }
            };
            match store.batch(statements).await {
                Ok(_) => return Ok(Applied::Stored(conversation_id)),
                // A concurrent delivery opened the conversation or stored this wamid first: decide again.
                Err(EdgeError::ConcurrentWrite(_)) => {
                    let (duplicate, fresh) = self.context(rules.window).await?;
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

    /// Whether the wamid is already stored, and the thread around this message.
    async fn context(
        &self,
        window: TimestampWindow,
    ) -> Result<(bool, switchboard_core::reset::UserHistory<String>), EdgeError> {
        let m = self.message;
        WebhookStore(self.store)
            .inbound_context(
                self.phone_number_id,
                self.customer,
                m.timestamp,
                &m.wamid,
                window,
            )
            .await
    }

    /// The message row (for the handoff batch, `conversation_id` is resolved by the batch).
    fn row<'c>(&'c self, conversation_id: &'c str) -> Result<NewMessage<'c>, EdgeError> {
        let m = self.message;
        Ok(NewMessage {
            id: random::id("msg")?,
            conversation_id,
            wamid: Some(&m.wamid),
            channel: "whatsapp",
            direction: "inbound",
            phone_number_id: Some(self.phone_number_id),
            wa_id: Some(self.customer),
            kind: m.content.type_name(),
            text: self.text.as_deref(),
            content: self.content.clone(),
            reply_to: m.reply_to(),
            raw: Some(self.raw.clone()),
            sent_at: m.timestamp,
            received_at: now_millis(),
            status: None,
            client_key: None,
        })
    }

    /// The statements that store the message in `conversation_id` and move its clocks.
    /// `or_ignore`: joining an existing conversation tolerates a concurrent duplicate (and then
    /// touches nothing: the touch goes through the message row).
    fn store_in(
        &self,
        conversation_id: &str,
        or_ignore: bool,
    ) -> Result<Vec<D1PreparedStatement>, EdgeError> {
        let row = self.row(conversation_id)?;
        let mut statements = vec![
            self.store.insert_message(&row, or_ignore)?,
            self.store
                .touch(&row.id, self.message.timestamp, true, self.contact_name)?,
        ];
        // A media message: its file is fetched after the answer (media::fetch), once.
        if let MessageContent::Media {
            kind,
            media_id,
            mime_type,
            filename,
            ..
        } = &self.message.content
        {
            let filename = filename.as_deref().map(|f| display_filename(f, None));
            statements.push(MediaStore(self.store).create(&NewMedia {
                message_id: &row.id,
                media_id,
                phone_number_id: self.phone_number_id,
                kind: kind.as_str(),
                mime_type: mime_type.as_deref(),
                filename: filename.as_deref(),
                now: now_seconds(),
            })?);
        }
        Ok(statements)
    }

    /// A tap on a survey button: the answer rates the survey's conversation (a later tap
    /// replaces it) and the message is stored there — never opening a conversation, never a
    /// reset, however late it comes. `None` when the message is not an answer to a survey of
    /// this customer.
    async fn try_survey_answer(&self, now: i64) -> Result<Option<Applied>, EdgeError> {
        let MessageContent::Interactive { reply_id, .. } = &self.message.content else {
            return Ok(None);
        };
        let Some((survey, score)) = parse_answer(reply_id) else {
            return Ok(None);
        };
        let Some(conversation_id) = SurveyStore(self.store)
            .answer(&survey, score, "whatsapp", self.customer, now)
            .await?
        else {
            return Ok(None);
        };
        match self
            .store
            .batch(self.store_in(&conversation_id, true)?)
            .await
        {
            Ok(_) => Ok(Some(Applied::Stored(conversation_id))),
            Err(EdgeError::ConcurrentWrite(_)) => Ok(Some(Applied::Duplicate)),
            Err(e) => Err(e),
        }
    }

    /// Links the conversation a handoff code in the message was issued for, in one batch that
    /// claims the code, closes the user's other open conversation, links, stores the message
    /// and moves the clocks — all or nothing. `None` when no code was claimed.
    async fn try_handoff(&self, now: i64) -> Result<Option<CodeClaim>, EdgeError> {
        let (store, m) = (self.store, self.message);
        let candidates = self
            .text
            .as_deref()
            .map(HandoffCode::candidates_in)
            .unwrap_or_default();
        if candidates.is_empty() {
            return Ok(None);
        }
        let codes: Vec<&str> = candidates.iter().map(HandoffCode::as_str).collect();
        let token = random::id("claim")?;
        let claim = Claim {
            token: &token,
            phone_number_id: self.phone_number_id,
            wa_id: self.customer,
            wamid: &m.wamid,
            message_timestamp: m.timestamp,
            now,
        };
        let webhook_store = WebhookStore(store);
        let row = self.row("")?;
        let statements = vec![
            webhook_store.claim_code(&codes, &claim)?,
            webhook_store.close_others_for_claim(&claim)?,
            webhook_store.link_claimed(&claim, self.contact_name)?,
            store.insert_claimed_message(&row, &token)?,
            store.touch(&row.id, m.timestamp, true, self.contact_name)?,
        ];
        let results = store.batch(statements).await?;
        Ok(results
            .first()
            .map(claimed_conversation)
            .transpose()?
            .flatten())
    }
}
