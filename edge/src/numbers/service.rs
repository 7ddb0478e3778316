//! Connecting, changing and disconnecting a number: checked with Graph, then stored through the
//! one writer (the number registry itself is `config::numbers`).

use switchboard_core::api::{DisconnectOutcome, NumberView};
use switchboard_core::config_document::{ConfigCommand, NumberChanges, VerifiedToken};
use switchboard_core::manager_links::{two_step_guidance, DisconnectIntent, ManagerLinks};
use switchboard_core::settings::{ConnectNumber, NumberPatch};

use crate::config::numbers::{find, Numbers};
use crate::config::store::NumberRecord;
use crate::error::EdgeError;
use crate::platform::clock::now_seconds;
use crate::platform::graph::GraphClient;

impl Numbers<'_> {
    /// Validates against Graph, then stores through the one writer; nothing is saved when Graph
    /// refuses, and a connect that races another connect of the same number is refused (409).
    pub async fn connect(&self, request: ConnectNumber) -> Result<NumberView, EdgeError> {
        let request = request.validate()?;
        let document = self.store.document().await?;
        if document
            .number(&request.phone_number_id)
            .is_some_and(|n| n.connected)
        {
            return Err(EdgeError::Conflict(format!(
                "number {} is already connected",
                request.phone_number_id
            )));
        }
        let info = GraphClient::new(&self.config.graph, request.access_token.clone())
            .phone_number(&request.phone_number_id)
            .await?;
        let record = NumberRecord {
            sealed_access_token: Some(self.seal(&request.phone_number_id, &request.access_token)?),
            phone_number_id: request.phone_number_id,
            waba_id: request.waba_id,
            label: request.label,
            display_phone_number: info.display_phone_number,
            verified_name: info.verified_name,
            quality_rating: info.quality_rating,
            handoff_enabled: request.handoff_enabled.unwrap_or(true),
            csat: Default::default(),
            read_receipts: true,
            reset_days: request.reset_days,
            connected: true,
            connected_at: now_seconds(),
            disconnected_at: None,
            version: 0,
        };
        let id = record.phone_number_id.clone();
        // A reconnect replaces the old record; conversations are keyed by the id and resume.
        let document = self
            .store
            .command(&ConfigCommand::Connect { record })
            .await?;
        Ok(find(&document.numbers, &id)?.view(&document.settings))
    }

    /// Applies the owner's changes to what is current (a token is checked with Graph first).
    /// `if_version`: the version the owner edited; a change made meanwhile answers 409.
    pub async fn patch(
        &self,
        phone_number_id: &str,
        patch: NumberPatch,
        if_version: Option<u64>,
    ) -> Result<NumberView, EdgeError> {
        let patch = patch.validate()?;
        let token = match &patch.access_token {
            Some(token) => {
                let info = GraphClient::new(&self.config.graph, token.clone())
                    .phone_number(phone_number_id)
                    .await?;
                Some(VerifiedToken {
                    display_phone_number: info.display_phone_number,
                    verified_name: info.verified_name,
                    quality_rating: info.quality_rating,
                    sealed_access_token: self.seal(phone_number_id, token)?,
                })
            }
            // Any write re-seals a token that an earlier key sealed.
            None => {
                let document = self.store.document().await?;
                let record = find(&document.numbers, phone_number_id)?;
                match record.sealed_access_token.as_deref() {
                    Some(sealed) if record.connected && !self.config.cipher.is_current(sealed) => {
                        let opened = self.unseal(record)?;
                        Some(self.resealed(record, &opened.token)?)
                    }
                    _ => None,
                }
            }
        };
        let changes = NumberChanges {
            label: patch.label,
            handoff_enabled: patch.handoff_enabled,
            reset_days: patch.reset_days,
            token,
            csat: patch.csat,
            read_receipts: patch.read_receipts,
        };
        let document = self
            .store
            .command(&ConfigCommand::Patch {
                phone_number_id: phone_number_id.to_owned(),
                changes,
                if_version,
            })
            .await?;
        Ok(find(&document.numbers, phone_number_id)?.view(&document.settings))
    }

    /// Stops routing (here at once, elsewhere within KV's propagation window) and forgets the
    /// token; conversations stay in D1.
    pub async fn disconnect(
        &self,
        phone_number_id: &str,
        intent: DisconnectIntent,
        conversations_kept: u64,
        if_version: Option<u64>,
    ) -> Result<DisconnectOutcome, EdgeError> {
        let document = self
            .store
            .command(&ConfigCommand::Disconnect {
                phone_number_id: phone_number_id.to_owned(),
                at: now_seconds(),
                if_version,
            })
            .await?;
        let record = find(&document.numbers, phone_number_id)?;
        let links = ManagerLinks::for_number(&record.waba_id, &record.phone_number_id);
        Ok(DisconnectOutcome {
            number: record.view(&document.settings),
            intent,
            two_step_verification: two_step_guidance(intent, &links),
            conversations_kept,
        })
    }
}
