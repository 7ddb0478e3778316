//! The D1 statements of the audit log (`audit_log`): entries appended, the newest read.

use serde::Deserialize;
use switchboard_core::audit::AuditEntry;

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Db};

pub struct AuditStore<'a>(pub &'a Db);

#[derive(Deserialize)]
struct Row {
    entry: String,
}

impl AuditStore<'_> {
    /// Appends entries in one batch (one transaction).
    pub async fn append(&self, entries: &[AuditEntry]) -> Result<(), EdgeError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut statements = Vec::with_capacity(entries.len());
        for entry in entries {
            let text =
                serde_json::to_string(entry).map_err(|e| EdgeError::Internal(e.to_string()))?;
            statements.push(self.0.stmt(
                "INSERT INTO audit_log (at, entry) VALUES (?1, ?2)",
                args![entry.at, &text],
            )?);
        }
        self.0.batch(statements).await?;
        Ok(())
    }

    /// The newest `limit` entries, newest first.
    pub async fn newest(&self, limit: i64) -> Result<Vec<AuditEntry>, EdgeError> {
        let result = self
            .0
            .stmt(
                "SELECT CAST(id AS TEXT) AS id, entry FROM audit_log ORDER BY id DESC LIMIT ?1",
                args![limit],
            )?
            .all()
            .await?;
        Ok(decode_rows::<Row>(&result, "audit")?
            .into_iter()
            .filter_map(|row| serde_json::from_str(&row.entry).ok())
            .collect())
    }
}
