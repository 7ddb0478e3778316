//! Round-robin assignment per number: `GET|PUT /api/admin/numbers/<id>/round-robin` reads and
//! sets the members new WhatsApp conversations of that number are assigned to in turn. The turn
//! itself is taken inside D1, by the `conversations_round_robin` trigger (migration 0011), in the
//! same transaction as the conversation's insert.

use serde::{Deserialize, Serialize};
use switchboard_core::team::normalize_email;
use worker::{Request, Response};

use super::store::TeamStore;
use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Db};
use crate::platform::http::{ok_json, read_json};

/// The body of both routes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRobin {
    /// Members' emails; empty: new conversations stay unassigned.
    pub members: Vec<String>,
}

#[derive(Deserialize)]
struct Row {
    email: String,
}

pub async fn read(db: &Db, phone_number_id: &str) -> Result<Response, EdgeError> {
    ok_json(&RoundRobin {
        members: members(db, phone_number_id).await?,
    })
}

async fn members(db: &Db, phone_number_id: &str) -> Result<Vec<String>, EdgeError> {
    let result = db
        .stmt(
            "SELECT r.email FROM round_robin r JOIN team_members m ON m.email = r.email \
             WHERE r.phone_number_id = ?1 ORDER BY r.email",
            args![phone_number_id],
        )?
        .all()
        .await?;
    Ok(decode_rows::<Row>(&result, "round robin")?
        .into_iter()
        .map(|r| r.email)
        .collect())
}

/// Replaces the number's chosen members (each must be a member), in one transaction.
pub async fn write(
    req: &mut Request,
    db: &Db,
    phone_number_id: &str,
) -> Result<Response, EdgeError> {
    let body: RoundRobin = read_json(req).await?;
    let mut emails: Vec<String> = body.members.iter().map(|e| normalize_email(e)).collect();
    emails.sort();
    emails.dedup();
    let team = TeamStore(db).list().await?;
    if let Some(stranger) = emails.iter().find(|e| !team.iter().any(|m| &m.email == *e)) {
        return Err(EdgeError::InvalidField(
            switchboard_core::settings::FieldError {
                field: "members".to_owned(),
                reason: format!("{stranger} is not a member of the team"),
            },
        ));
    }
    let mut statements = vec![db.stmt(
        "DELETE FROM round_robin WHERE phone_number_id = ?1",
        args![phone_number_id],
    )?];
    for email in &emails {
        statements.push(db.stmt(
            "INSERT INTO round_robin (phone_number_id, email) VALUES (?1, ?2)",
            args![phone_number_id, email],
        )?);
    }
    db.batch(statements).await?;
    read(db, phone_number_id).await
}
