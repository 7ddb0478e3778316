//! The numbers in the configuration, read through the one writer, and a Graph client for a
//! connected one with its access token opened (re-sealed with the current key when an earlier
//! key sealed it). Connecting, changing and disconnecting are `numbers::service`.

use switchboard_core::api::NumberView;
use switchboard_core::config_document::{ConfigCommand, NumberChanges, VerifiedToken};
use switchboard_core::token_cipher::Opened;

use super::env::Config;
use super::store::{ConfigStore, NumberRecord};
use crate::error::EdgeError;
use crate::platform::graph::GraphClient;
use crate::platform::random;

/// The configuration's numbers, read through the one writer, with the keys that open their tokens.
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
        Ok((record, GraphClient::new(&self.config.graph, opened.token)))
    }

    /// The record's token sealed again with the current key, its Graph details unchanged.
    pub(crate) fn resealed(
        &self,
        record: &NumberRecord,
        token: &str,
    ) -> Result<VerifiedToken, EdgeError> {
        Ok(VerifiedToken {
            display_phone_number: record.display_phone_number.clone(),
            verified_name: record.verified_name.clone(),
            quality_rating: record.quality_rating.clone(),
            sealed_access_token: self.seal(&record.phone_number_id, token)?,
        })
    }

    pub(crate) fn seal(&self, phone_number_id: &str, token: &str) -> Result<String, EdgeError> {
        Ok(self
            .config
            .cipher
            .seal(random::bytes::<12>()?, phone_number_id, token))
    }

    pub(crate) fn unseal(&self, record: &NumberRecord) -> Result<Opened, EdgeError> {
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

pub(crate) fn find<'n>(
    numbers: &'n [NumberRecord],
    phone_number_id: &str,
) -> Result<&'n NumberRecord, EdgeError> {
    numbers
        .iter()
        .find(|n| n.phone_number_id == phone_number_id)
        .ok_or_else(|| not_found(phone_number_id))
}
