//! One message on its way into storage — a customer's, or an echo of what the business sent from
//! the WhatsApp Business app (coexistence) — placed in the right conversation (survey answer,
//! handoff code, else the reset rule) and stored once with what it does to earlier messages
//! (`effects`). An echo is an outbound message: it is placed by the same reset rule and moves
//! the business's clocks, never the customer's (so it never opens the 24-hour window).

use switchboard_core::csat::parse_answer;
use switchboard_core::delivery_status::DeliveryStatus;
use switchboard_core::file_checks::display_filename;
use switchboard_core::handoff::HandoffCode;
use switchboard_core::opening_hours::OpeningHours;
use switchboard_core::reset::{place, Placement, ResetDays};
use switchboard_core::web_push::payload::{Customer, CustomerMessage};
use switchboard_core::webhook::{InboundMessage, MessageContent, OutboundEcho, TimestampWindow};
use worker::D1PreparedStatement;

use super::effects::{effects, Source};
use super::identity::{self, Identity};
use super::store::{claimed_conversation, Claim, CodeClaim, WebhookStore};
use crate::conversations::rows::NewMessage;
use crate::conversations::store::ConversationStore;
use crate::csat::store::SurveyStore;
use crate::error::EdgeError;
use crate::media::store::{MediaStore, NewMedia};
use crate::platform::clock::{now_millis, now_seconds};
use crate::platform::random;

pub(super) enum Applied {
    /// Stored in this conversation.
    Stored(String),
    /// Stored in the Messenger conversation this claim linked.
    Handoff(CodeClaim),
    Duplicate,
}

/// How many times a placement is recomputed after losing a race to a concurrent delivery.
const PLACEMENT_ATTEMPTS: usize = 4;

/// What decides where a number's messages go.
pub(super) struct Rules<'a> {
    pub(super) reset_days: ResetDays,
    /// Opening hours: a conversation opened outside them is marked for the inbox.
    pub(super) hours: &'a OpeningHours,
    /// The project's and the number's handoff switches, both on.
    pub(super) handoff_enabled: bool,
    pub(super) window: TimestampWindow,
}

/// One inbound message on its way into storage, with what every write of it needs.
pub(super) struct Inbound<'a> {
    store: &'a ConversationStore,
    phone_number_id: &'a str,
    contact_name: Option<&'a str>,
    message: &'a InboundMessage,
    /// An echo of the business's own message (stored outbound).
    outbound: bool,
    /// `contacts[].profile.username` of the customer, if the change's contacts show one.
    username: Option<&'a str>,
    /// The key the customer is filed under (`CustomerId::filing`): the phone number when the
    /// message or the remembered link knows it, else the BSUID. Settled by the context read.
    customer: String,
    text: Option<String>,
    content: Option<String>,
    raw: String,
}

impl<'a> Inbound<'a> {
    /// The message as Web Push announces it (whom to tell is decided with the conversation's
    /// assignee as D1 has it then: `push::store::recipients`).
    pub(super) fn for_push(&self, conversation_id: &str) -> CustomerMessage {
        let customer = Customer::WhatsApp {
            name: self.contact_name,
            wa_id: &self.customer,
        };
        CustomerMessage::new(customer, self.text.as_deref(), conversation_id)
    }

    pub(super) fn new(
        store: &'a ConversationStore,
        phone_number_id: &'a str,
        contact_name: Option<&'a str>,
        message: &'a InboundMessage,
    ) -> Self {
        Self {
            store,
            phone_number_id,
            contact_name,
            username: None,
            message,
            outbound: false,
            customer: message.customer.key().as_str().to_owned(),
            text: message.content.text(),
            content: serde_json::to_string(&message.content).ok(),
            raw: message.raw.to_string(),
        }
    }

    /// With the username the change's contacts show for the customer.
    pub(super) fn with_username(self, username: Option<&'a str>) -> Self {
        Self { username, ..self }
    }

    pub(super) async fn apply(
        &mut self,
        rules: &Rules<'_>,
        now: i64,
    ) -> Result<Applied, EdgeError> {
        let (duplicate, mut history) = self.context(rules.window).await?;
        if duplicate {
            return Ok(Applied::Duplicate);
        }
        if self.outbound {
            // The business's own message: no survey answer, no handoff code.
        } else if let Some(rated) = self.try_survey_answer(now).await? {
            return Ok(rated);
        } else if rules.handoff_enabled {
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
                            Some(&self.customer),
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

    /// Whether the wamid is already stored, and the thread around this message under every key
    /// of the customer; settles the key the message is filed under.
    async fn context(
        &mut self,
        window: TimestampWindow,
    ) -> Result<(bool, switchboard_core::reset::UserHistory<String>), EdgeError> {
        let m = self.message;
        let context = WebhookStore(self.store)
            .inbound_context(
                self.phone_number_id,
                &m.customer,
                m.timestamp,
                &m.wamid,
                window,
            )
            .await?;
        let filing = m.customer.filing(context.linked_phone.as_deref());
        self.customer = filing.key.as_str().to_owned();
        Ok((context.duplicate, context.history))
    }

    /// What the message teaches about who the customer is (see `identity`).
    fn identity(&self, row_id: &str) -> Result<Vec<D1PreparedStatement>, EdgeError> {
        identity::statements(
            self.store,
            &Identity {
                phone_number_id: self.phone_number_id,
                customer: &self.message.customer,
                username: self.username,
                at: self.message.timestamp,
            },
            row_id,
        )
    }

    /// The message row (for the handoff batch, `conversation_id` is resolved by the batch).
    fn row<'c>(&'c self, conversation_id: &'c str) -> Result<NewMessage<'c>, EdgeError> {
        let m = self.message;
        Ok(NewMessage {
            id: random::id("msg")?,
            conversation_id,
            wamid: Some(&m.wamid),
            channel: "whatsapp",
            direction: if self.outbound { "outbound" } else { "inbound" },
            phone_number_id: Some(self.phone_number_id),
            wa_id: Some(&self.customer),
            kind: m.content.type_name(),
            text: self.text.as_deref(),
            content: self.content.clone(),
            reply_to: m.reply_to(),
            raw: Some(self.raw.clone()),
            sent_at: m.timestamp,
            received_at: now_millis(),
            status: self.outbound.then_some(DeliveryStatus::Sent),
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
            self.store.touch(
                &row.id,
                self.message.timestamp,
                !self.outbound,
                self.contact_name,
            )?,
        ];
        statements.extend(self.identity(&row.id)?);
        statements.extend(effects(
            self.store,
            &Source {
                row_id: &row.id,
                phone_number_id: self.phone_number_id,
                customer: &self.customer,
                outbound: self.outbound,
            },
            self.message,
        )?);
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
            .answer(&survey, score, "whatsapp", &self.customer, now)
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
            wa_id: &self.customer,
            wamid: &m.wamid,
            message_timestamp: m.timestamp,
            now,
        };
        let webhook_store = WebhookStore(store);
        let row = self.row("")?;
        let mut statements = vec![
            webhook_store.claim_code(&codes, &claim)?,
            webhook_store.close_others_for_claim(&claim)?,
            webhook_store.link_claimed(&claim, self.contact_name)?,
            store.insert_claimed_message(&row, &token)?,
            store.touch(&row.id, m.timestamp, true, self.contact_name)?,
        ];
        statements.extend(self.identity(&row.id)?);
        let results = store.batch(statements).await?;
        Ok(results
            .first()
            .map(claimed_conversation)
            .transpose()?
            .flatten())
    }
}

impl<'a> Inbound<'a> {
    /// An echo of the business's own message, shaped as a message (see [`echo_message`]).
    pub(super) fn echo(
        store: &'a ConversationStore,
        phone_number_id: &'a str,
        contact_name: Option<&'a str>,
        message: &'a InboundMessage,
    ) -> Self {
        Self {
            outbound: true,
            ..Self::new(store, phone_number_id, contact_name, message)
        }
    }
}

/// An echo as a message: its recipient stands where a customer message's sender does.
pub(super) fn echo_message(echo: &OutboundEcho) -> InboundMessage {
    InboundMessage {
        wamid: echo.wamid.clone(),
        customer: echo.customer.clone(),
        timestamp: echo.timestamp,
        content: echo.content.clone(),
        context: echo.context.clone(),
        referral: None,
        errors: Vec::new(),
        raw: echo.raw.clone(),
    }
}
