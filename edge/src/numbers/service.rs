//! Number operations over the KV config store and the Graph API.

use switchboard_core::api::{DisconnectOutcome, NumberView};
use switchboard_core::config_document::{ConfigCommand, NumberChanges, VerifiedToken};
use switchboard_core::manager_links::{two_step_guidance, DisconnectIntent, ManagerLinks};
use switchboard_core::settings::{ConnectNumber, NumberPatch};
use switchboard_core::token_cipher::Opened;

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
        let document = self.store.document().await?;
        Ok(document
            .numbers
            .iter()
            .map(|n| n.view(&document.settings))
            .collect())
    }

    pub async fn get(&self, phone_number_id: &str) -> Result<NumberView, EdgeError> {
        let document = self.store.document().await?;
        Ok(find(&document.numbers, phone_number_id)?.view(&document.settings))
    }

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
            csat: Default::default(),
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
                let info = GraphClient::new(self.config, token.clone())
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

    /// A Graph client for a connected number, with its token unsealed.
    pub async fn graph_for(
        &self,
        phone_number_id: &str,
    ) -> Result<(NumberRecord, GraphClient<'a>), EdgeError> {
        // From the writer, not KV: a disconnect holds here at once, whatever KV shows elsewhere.
        let record = self
            .store
            .document()
            .await?
            .numbers
            .into_iter()
            .find(|n| n.connected && n.phone_number_id == phone_number_id)
            .ok_or_else(|| not_found(phone_number_id))?;
        let opened = self.unseal(&record)?;
        if !opened.current {
            // Sealed with a previous key (or the old form): seal it again with the current one.
            // Only from the version just read, so a change made meanwhile is never overwritten;
            // a failure here costs nothing but another try on the next use.
            let changes = NumberChanges {
                token: Some(self.resealed(&record, &opened.token)?),
                ..Default::default()
            };
            let command = ConfigCommand::Patch {
                phone_number_id: phone_number_id.to_owned(),
                changes,
                if_version: Some(record.version),
            };
            if let Err(e) = self.store.command(&command).await {
                worker::console_log!("re-sealing the token of {phone_number_id} later: {e}");
            }
        }
        Ok((record, GraphClient::new(self.config, opened.token)))
    }

    /// The record's token sealed again with the current key, its Graph details unchanged.
    fn resealed(&self, record: &NumberRecord, token: &str) -> Result<VerifiedToken, EdgeError> {
        Ok(VerifiedToken {
            display_phone_number: record.display_phone_number.clone(),
            verified_name: record.verified_name.clone(),
            quality_rating: record.quality_rating.clone(),
            sealed_access_token: self.seal(&record.phone_number_id, token)?,
        })
    }

    fn seal(&self, phone_number_id: &str, token: &str) -> Result<String, EdgeError> {
        Ok(self
            .config
            .cipher
            .seal(random::bytes::<12>()?, phone_number_id, token))
    }

    fn unseal(&self, record: &NumberRecord) -> Result<Opened, EdgeError> {
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
