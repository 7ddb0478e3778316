//! Configuration in Workers KV (binding `CONFIG`): the project settings and the numbers.
//!
//! Keys: `settings` (ProjectSettings) and `numbers` (every number ever connected,
//! one document so that a disconnect is visible to the next read at once).

use serde::{Deserialize, Serialize};
use switchboard_core::api::{NumberStatus, NumberView};
use switchboard_core::manager_links::ManagerLinks;
use switchboard_core::reset::ResetDays;
use switchboard_core::settings::ProjectSettings;
use worker::kv::KvStore;
use worker::Env;

use crate::error::EdgeError;

const SETTINGS_KEY: &str = "settings";
const NUMBERS_KEY: &str = "numbers";

/// A number as stored: what Graph told us at connect time, the owner's settings,
/// and the access token sealed with AES-GCM.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NumberRecord {
    pub phone_number_id: String,
    pub waba_id: String,
    pub label: String,
    pub display_phone_number: String,
    pub verified_name: Option<String>,
    pub quality_rating: Option<String>,
    /// `None` once disconnected: the token is forgotten.
    pub sealed_access_token: Option<String>,
    pub handoff_enabled: bool,
    pub reset_days: Option<ResetDays>,
    pub connected: bool,
    pub connected_at: i64,
    pub disconnected_at: Option<i64>,
}

impl NumberRecord {
    pub fn effective_reset_days(&self, settings: &ProjectSettings) -> ResetDays {
        self.reset_days.unwrap_or(settings.reset_days)
    }

    pub fn view(&self, settings: &ProjectSettings) -> NumberView {
        NumberView {
            phone_number_id: self.phone_number_id.clone(),
            waba_id: self.waba_id.clone(),
            label: self.label.clone(),
            display_phone_number: self.display_phone_number.clone(),
            verified_name: self.verified_name.clone(),
            quality_rating: self.quality_rating.clone(),
            status: if self.connected {
                NumberStatus::Connected
            } else {
                NumberStatus::Disconnected
            },
            handoff_enabled: self.handoff_enabled,
            reset_days: self.reset_days,
            effective_reset_days: self.effective_reset_days(settings),
            manager_links: ManagerLinks::for_number(&self.waba_id, &self.phone_number_id),
            connected_at: self.connected_at,
            disconnected_at: self.disconnected_at,
        }
    }
}

pub struct ConfigStore {
    kv: KvStore,
}

impl ConfigStore {
    pub fn new(env: &Env) -> Result<Self, EdgeError> {
        Ok(Self {
            kv: env.kv("CONFIG")?,
        })
    }

    pub async fn settings(&self) -> Result<ProjectSettings, EdgeError> {
        Ok(self.kv.get(SETTINGS_KEY).json().await?.unwrap_or_default())
    }

    pub async fn save_settings(&self, settings: &ProjectSettings) -> Result<(), EdgeError> {
        self.put_json(SETTINGS_KEY, settings).await
    }

    /// Stores JSON text: `KvStore::put` with a struct goes through serde-wasm-bindgen, which turns
    /// maps into JS `Map`s that `JSON.stringify` writes as `{}`.
    async fn put_json<T: Serialize>(&self, key: &str, value: &T) -> Result<(), EdgeError> {
        let json = serde_json::to_string(value).map_err(|e| EdgeError::Internal(e.to_string()))?;
        Ok(self.kv.put(key, json)?.execute().await?)
    }

    pub async fn numbers(&self) -> Result<Vec<NumberRecord>, EdgeError> {
        Ok(self.kv.get(NUMBERS_KEY).json().await?.unwrap_or_default())
    }

    pub async fn save_numbers(&self, numbers: &[NumberRecord]) -> Result<(), EdgeError> {
        self.put_json(NUMBERS_KEY, &numbers).await
    }

    /// The connected number with this id, if any.
    pub async fn connected_number(
        &self,
        phone_number_id: &str,
    ) -> Result<Option<NumberRecord>, EdgeError> {
        Ok(self
            .numbers()
            .await?
            .into_iter()
            .find(|n| n.connected && n.phone_number_id == phone_number_id))
    }

    /// Reachability probe for /healthz.
    pub async fn ping(&self) -> bool {
        self.kv.get(SETTINGS_KEY).text().await.is_ok()
    }
}
