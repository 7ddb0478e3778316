//! The audit log: who changed which setting, number or member, when, from what to what (never
//! a secret: `core::audit` redacts). Configuration changes are recorded by
//! `config::store::ConfigStore` when it acts for someone; team changes by `team::api`.

pub mod store;

use switchboard_core::audit::AuditEntry;

use crate::platform::d1::Db;
use store::AuditStore;

/// Records entries after the change they describe has happened. The change stands either way:
/// a failure here is logged, not returned (the owner's change must not look failed when it
/// was not).
pub async fn record(db: &Db, entries: &[AuditEntry]) {
    if let Err(e) = AuditStore(db).append(entries).await {
        worker::console_error!("audit log: {} entries not recorded: {e}", entries.len());
    }
}
