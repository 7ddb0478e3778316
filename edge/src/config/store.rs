//! Configuration: read from Workers KV (binding `CONFIG`) on the hot paths, changed only through
//! the one writer, the `ConfigWriter` Durable Object (binding `CONFIG_WRITER`), which also serves
//! the admin API's reads so an owner always sees their own latest change.
//!
//! KV keys: `settings` (ProjectSettings) and `numbers` (every number ever connected), written
//! through by the writer. Another location sees a write up to ~60 s later: what that means for
//! connects, disconnects and the handoff switch is in ARCHITECTURE.md ("KV's propagation window").
//!
//! An isolate keeps what it read for [`KEEP_MS`] (every webhook and widget call reads both
//! keys: two binding calls and two JSON decodes each, a third of a delivery's work), and forgets
//! it as soon as it sends the writer a command itself, so its own changes show at once. Another
//! isolate's view is at most five seconds older than KV's own, inside the same window.

use std::cell::RefCell;

use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_core::audit::{config_changes, Actor};
use switchboard_core::config_document::{ConfigAnswer, ConfigCommand, ConfigDocument};
use switchboard_core::settings::ProjectSettings;
use worker::kv::KvStore;
use worker::{Env, Method, Request, RequestInit};

use crate::error::EdgeError;
use crate::platform::clock::now_millis;
use crate::platform::d1::Db;

/// The writer's one instance's name.
pub const INSTANCE: &str = "config";
const SETTINGS_KEY: &str = "settings";
const NUMBERS_KEY: &str = "numbers";

pub use switchboard_core::config_document::NumberRecord;

/// How long an isolate serves what it read from KV.
const KEEP_MS: i64 = 5_000;

/// What this isolate read, and when (unix ms).
#[derive(Default)]
struct Kept {
    settings: Option<(i64, ProjectSettings)>,
    numbers: Option<(i64, Vec<NumberRecord>)>,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// Forgets what this isolate read (after it changed the configuration).
fn forget() {
    KEPT.with(|kept| *kept.borrow_mut() = Kept::default());
}

pub struct ConfigStore {
    kv: KvStore,
    env: Env,
    /// Whom the changes sent through this store are recorded for in the audit log (none: the
    /// webhook and widget paths, which change nothing).
    actor: Option<Actor>,
}

impl ConfigStore {
    pub fn new(env: &Env) -> Result<Self, EdgeError> {
        Ok(Self {
            kv: env.kv("CONFIG")?,
            env: env.clone(),
            actor: None,
        })
    }

    /// This store's changes are recorded in the audit log as `actor`'s.
    pub fn acting_as(mut self, actor: Actor) -> Self {
        self.actor = Some(actor);
        self
    }

    /// Sends a command to the one writer; the document after it, or the refusal as an error.
    pub async fn command(&self, command: &ConfigCommand) -> Result<ConfigDocument, EdgeError> {
        let namespace = self.env.durable_object("CONFIG_WRITER")?;
        let stub = namespace.id_from_name(INSTANCE)?.get_stub()?;
        let body =
            serde_json::to_string(command).map_err(|e| EdgeError::Internal(e.to_string()))?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(body.into()));
        let request = Request::new_with_init("https://config-writer/command", &init)?;
        let mut response = stub.fetch_with_request(request).await?;
        if response.status_code() != 200 {
            return Err(EdgeError::Storage(format!(
                "config writer answered {}: {}",
                response.status_code(),
                response.text().await.unwrap_or_default()
            )));
        }
        let answer: ConfigAnswer = serde_json::from_str(&response.text().await?)
            .map_err(|e| EdgeError::Storage(format!("config writer's answer: {e}")))?;
        if !matches!(command, ConfigCommand::Read) {
            forget();
        }
        match answer {
            ConfigAnswer::Applied(document) => Ok(*document),
            ConfigAnswer::Changed { previous, document } => {
                if let Some(actor) = &self.actor {
                    let entries = config_changes(now_millis() / 1000, actor, &previous, &document);
                    match Db::new(&self.env) {
                        Ok(db) => crate::audit::record(&db, &entries).await,
                        Err(e) => worker::console_error!("audit log: no database: {e}"),
                    }
                }
                Ok(*document)
            }
            ConfigAnswer::Refused(refusal) => Err(EdgeError::Config(refusal)),
        }
    }

    /// The current document, as the writer has it (the admin API's reads).
    pub async fn document(&self) -> Result<ConfigDocument, EdgeError> {
        self.command(&ConfigCommand::Read).await
    }

    /// Writes the document to the KV keys the hot paths read (the writer's flush).
    pub async fn write_through(&self, document: &ConfigDocument) -> Result<(), EdgeError> {
        self.put_json(SETTINGS_KEY, &document.settings).await?;
        self.put_json(NUMBERS_KEY, &document.numbers).await
    }

    pub async fn settings(&self) -> Result<ProjectSettings, EdgeError> {
        self.kept_or_read(SETTINGS_KEY, |kept| &mut kept.settings)
            .await
    }

    /// Stores JSON text: `KvStore::put` with a struct goes through serde-wasm-bindgen, which turns
    /// maps into JS `Map`s that `JSON.stringify` writes as `{}`.
    async fn put_json<T: Serialize>(&self, key: &str, value: &T) -> Result<(), EdgeError> {
        let json = serde_json::to_string(value).map_err(|e| EdgeError::Internal(e.to_string()))?;
        Ok(self.kv.put(key, json)?.execute().await?)
    }

    pub async fn numbers(&self) -> Result<Vec<NumberRecord>, EdgeError> {
        self.kept_or_read(NUMBERS_KEY, |kept| &mut kept.numbers)
            .await
    }

    /// What this isolate read of `key` within [`KEEP_MS`], else KV's value (kept from now on).
    async fn kept_or_read<T: Clone + Default + DeserializeOwned>(
        &self,
        key: &str,
        slot: fn(&mut Kept) -> &mut Option<(i64, T)>,
    ) -> Result<T, EdgeError> {
        let now = now_millis();
        let kept = KEPT.with(|kept| {
            slot(&mut kept.borrow_mut())
                .as_ref()
                .filter(|(at, _)| now - at < KEEP_MS)
                .map(|(_, value)| value.clone())
        });
        if let Some(value) = kept {
            return Ok(value);
        }
        let value: T = self.kv.get(key).json().await?.unwrap_or_default();
        KEPT.with(|kept| *slot(&mut kept.borrow_mut()) = Some((now, value.clone())));
        Ok(value)
    }

    /// Reachability probe for /healthz.
    pub async fn ping(&self) -> bool {
        self.kv.get(SETTINGS_KEY).text().await.is_ok()
    }
}
