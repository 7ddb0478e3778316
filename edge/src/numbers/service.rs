//! Number operations over the KV config store and the Graph API.

use switchboard_core::api::{DisconnectOutcome, NumberView};
use switchboard_core::manager_links::{two_step_guidance, DisconnectIntent, ManagerLinks};
use switchboard_core::settings::{ConnectNumber, NumberPatch};

use crate::clock::now_seconds;
use crate::config::Config;
use crate::config_store::{ConfigStore, NumberRecord};
use crate::error::EdgeError;
use crate::graph::GraphClient;
use crate::random;

pub struct Numbers<'a> {
    pub config: &'a Config,
    pub store: ConfigStore,
}

impl<'a> Numbers<'a> {
    pub async fn list(&self) -> Result<Vec<NumberView>, EdgeError> {
        let settings = self.store.settings().await?;
        Ok(self
            .store
            .numbers()
            .await?
            .iter()
            .map(|n| n.view(&settings))
            .collect())
    }

    pub async fn get(&self, phone_number_id: &str) -> Result<NumberView, EdgeError> {
        let settings = self.store.settings().await?;
        let numbers = self.store.numbers().await?;
        Ok(find(&numbers, phone_number_id)?.view(&settings))
    }

    /// Validates against Graph, then stores; nothing is saved when Graph refuses.
    pub async fn connect(&self, request: ConnectNumber) -> Result<NumberView, EdgeError> {
        let request = request.validate()?;
        let mut numbers = self.store.numbers().await?;
        if numbers
            .iter()
            .any(|n| n.connected && n.phone_number_id == request.phone_number_id)
        {
            return Err(EdgeError::Conflict(format!(
                "number {} is already connected",
                request.phone_number_id
            )));
        }
        let info = GraphClient::new(self.config, request.access_token.clone())
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
            reset_days: request.reset_days,
            connected: true,
            connected_at: now_seconds(),
            disconnected_at: None,
        };
        // A reconnect replaces the old record; conversations are keyed by the id and resume.
        numbers.retain(|n| n.phone_number_id != record.phone_number_id);
        numbers.push(record.clone());
        self.store.save_numbers(&numbers).await?;
        Ok(record.view(&self.store.settings().await?))
    }

    pub async fn patch(
        &self,
        phone_number_id: &str,
        patch: NumberPatch,
    ) -> Result<NumberView, EdgeError> {
        let patch = patch.validate()?;
        let mut numbers = self.store.numbers().await?;
        let record = numbers
            .iter_mut()
            .find(|n| n.phone_number_id == phone_number_id)
            .ok_or_else(|| not_found(phone_number_id))?;
        if let Some(token) = &patch.access_token {
            let info = GraphClient::new(self.config, token.clone())
                .phone_number(phone_number_id)
                .await?;
            record.display_phone_number = info.display_phone_number;
            record.verified_name = info.verified_name;
            record.quality_rating = info.quality_rating;
            record.sealed_access_token = Some(self.seal(phone_number_id, token)?);
        }
        if let Some(label) = patch.label {
            record.label = label;
        }
        if let Some(handoff) = patch.handoff_enabled {
            record.handoff_enabled = handoff;
        }
        if let Some(reset_days) = patch.reset_days {
            record.reset_days = reset_days;
        }
        let view = record.view(&self.store.settings().await?);
        self.store.save_numbers(&numbers).await?;
        Ok(view)
    }

    /// Stops routing at once and forgets the token; conversations stay in D1.
    pub async fn disconnect(
        &self,
        phone_number_id: &str,
        intent: DisconnectIntent,
        conversations_kept: u64,
    ) -> Result<DisconnectOutcome, EdgeError> {
        let mut numbers = self.store.numbers().await?;
        let record = numbers
            .iter_mut()
            .find(|n| n.phone_number_id == phone_number_id)
            .ok_or_else(|| not_found(phone_number_id))?;
        if !record.connected {
            return Err(EdgeError::Conflict(format!(
                "number {phone_number_id} is already disconnected"
            )));
        }
        record.connected = false;
        record.sealed_access_token = None;
        record.disconnected_at = Some(now_seconds());
        let links = ManagerLinks::for_number(&record.waba_id, &record.phone_number_id);
        let view = record.view(&self.store.settings().await?);
        self.store.save_numbers(&numbers).await?;
        Ok(DisconnectOutcome {
            number: view,
            intent,
            two_step_verification: two_step_guidance(intent, &links),
            conversations_kept,
        })
    }

    /// A Graph client for a connected number, with its token unsealed.
    pub async fn graph_for(
        &self,
        phone_number_id: &str,
    ) -> Result<(NumberRecord, GraphClient<'a>), EdgeError> {
        let record = self
            .store
            .connected_number(phone_number_id)
            .await?
            .ok_or_else(|| not_found(phone_number_id))?;
        let token = self.unseal(&record)?;
        Ok((record, GraphClient::new(self.config, token)))
    }

    fn seal(&self, phone_number_id: &str, token: &str) -> Result<String, EdgeError> {
        Ok(self
            .config
            .cipher
            .seal(random::bytes::<12>()?, phone_number_id, token))
    }

    fn unseal(&self, record: &NumberRecord) -> Result<String, EdgeError> {
        let sealed = record.sealed_access_token.as_deref().ok_or_else(|| {
            EdgeError::Conflict(format!(
                "number {} has no access token",
                record.phone_number_id
            ))
        })?;
        self.config
            .cipher
            .open(&record.phone_number_id, sealed)
            .map_err(|e| {
                EdgeError::Internal(format!(
                    "stored access token of {}: {e}",
                    record.phone_number_id
                ))
            })
    }
}

fn not_found(phone_number_id: &str) -> EdgeError {
    EdgeError::NotFound(format!("no number {phone_number_id}"))
}

fn find<'n>(
    numbers: &'n [NumberRecord],
    phone_number_id: &str,
) -> Result<&'n NumberRecord, EdgeError> {
    numbers
        .iter()
        .find(|n| n.phone_number_id == phone_number_id)
        .ok_or_else(|| not_found(phone_number_id))
}
