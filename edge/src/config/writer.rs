//! `ConfigWriter`, the Durable Object that is the one writer of the configuration (one instance,
//! named `config`). It applies [`ConfigCommand`]s one at a time to the document kept in its own
//! (SQLite-backed) storage and writes the result through to KV, where the edge's hot paths
//! (webhooks, widget) read it.
//!
//! Why this is a single writer: between reading the document from storage and writing it back
//! there is no other I/O, and a Durable Object delivers no other event while its storage is
//! being read or written (input gates), so two commands can never interleave their
//! read-modify-write. KV is written after, outside that section: a flush always writes the latest
//! document and loops until the revision it wrote is the latest, so a slow flush can never leave
//! KV older than storage, and a burst of commands costs a few KV writes, not one each (KV takes
//! about one write per second per key). A failed flush is retried by the object's alarm.

use std::cell::Cell;

use switchboard_core::config_document::{ConfigAnswer, ConfigCommand, ConfigDocument};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use super::store::ConfigStore;

const DOCUMENT_KEY: &str = "document";
const REVISION_KEY: &str = "revision";

#[durable_object]
pub struct ConfigWriter {
    state: State,
    env: Env,
    /// A flush loop is running in this instance; it will pick up any newer revision.
    flushing: Cell<bool>,
}

impl DurableObject for ConfigWriter {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            flushing: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let command: ConfigCommand = match serde_json::from_str(&req.text().await?) {
            Ok(command) => command,
            Err(e) => return Response::error(format!("not a config command: {e}"), 400),
        };
        let writes = command.writes();
        let answer = self.apply(command).await?;
        if writes && matches!(answer, ConfigAnswer::Changed { .. }) {
            self.flush().await;
        }
        Response::from_json(&answer)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        self.flush().await;
        Response::ok("flushed")
    }
}

impl ConfigWriter {
    /// The critical section: read, apply, write — storage only, so nothing interleaves.
    async fn apply(&self, command: ConfigCommand) -> worker::Result<ConfigAnswer> {
        let storage = self.state.storage();
        let mut document = self.document().await?;
        let writes = command.writes();
        let previous = writes.then(|| Box::new(document.clone()));
        Ok(match document.apply(command) {
            Ok(()) => match previous {
                Some(previous) => {
                    let revision = self.revision().await? + 1;
                    storage.put(DOCUMENT_KEY, to_json(&document)?).await?;
                    storage.put(REVISION_KEY, revision).await?;
                    ConfigAnswer::Changed {
                        previous,
                        document: Box::new(document),
                    }
                }
                None => ConfigAnswer::Applied(Box::new(document)),
            },
            Err(refusal) => ConfigAnswer::Refused(refusal),
        })
    }

    /// The stored document; on first use, what KV holds (written before this object existed).
    async fn document(&self) -> worker::Result<ConfigDocument> {
        if let Some(document) = self.stored().await? {
            return Ok(document);
        }
        let kv =
            ConfigStore::new(&self.env).map_err(|e| worker::Error::RustError(e.to_string()))?;
        let (settings, numbers) = futures_util::join!(kv.settings(), kv.numbers());
        let seeded = ConfigDocument {
            settings: settings.map_err(|e| worker::Error::RustError(e.to_string()))?,
            settings_version: 0,
            numbers: numbers.map_err(|e| worker::Error::RustError(e.to_string()))?,
        };
        // Reading KV let other commands in: one of them may have stored a document meanwhile.
        Ok(self.stored().await?.unwrap_or(seeded))
    }

    async fn stored(&self) -> worker::Result<Option<ConfigDocument>> {
        let text: Option<String> = self.state.storage().get(DOCUMENT_KEY).await?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| worker::Error::RustError(e.to_string())))
            .transpose()
    }

    async fn revision(&self) -> worker::Result<u64> {
        Ok(self
            .state
            .storage()
            .get::<u64>(REVISION_KEY)
            .await?
            .unwrap_or(0))
    }

    /// Writes the latest document to KV until the revision written is the latest one.
    async fn flush(&self) {
        if self.flushing.replace(true) {
            return;
        }
        let result = self.flush_loop().await;
        self.flushing.set(false);
        if let Err(e) = result {
            worker::console_error!("writing the configuration to KV failed; retrying soon: {e}");
            let retry_in = std::time::Duration::from_secs(2);
            if let Err(e) = self.state.storage().set_alarm(retry_in).await {
                worker::console_error!("could not schedule the KV retry: {e}");
            }
        }
    }

    async fn flush_loop(&self) -> worker::Result<()> {
        let kv =
            ConfigStore::new(&self.env).map_err(|e| worker::Error::RustError(e.to_string()))?;
        loop {
            let revision = self.revision().await?;
            let Some(document) = self.stored().await? else {
                return Ok(());
            };
            kv.write_through(&document)
                .await
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            if self.revision().await? == revision {
                return Ok(());
            }
        }
    }
}

fn to_json(document: &ConfigDocument) -> worker::Result<String> {
    serde_json::to_string(document).map_err(|e| worker::Error::RustError(e.to_string()))
}
