//! The D1 statements of the team (`team_members`). Every change that could leave the team
//! without an owner is guarded in its own statement, so two owners demoting or removing each
//! other at once cannot both succeed.

use serde::Deserialize;
use switchboard_core::team::{Member, Role};

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, returned_a_row, Db};

pub struct TeamStore<'a>(pub &'a Db);

#[derive(Deserialize)]
struct MemberRow {
    email: String,
    display_name: String,
    role: String,
}

impl MemberRow {
    fn member(self) -> Member {
        Member {
            email: self.email,
            display_name: self.display_name,
            role: if self.role == "owner" {
                Role::Owner
            } else {
                Role::Agent
            },
        }
    }
}

/// The statement's guard: true when the member it touches is not the team's last owner.
const NOT_THE_LAST_OWNER: &str =
    "(role <> 'owner' OR (SELECT COUNT(*) FROM team_members WHERE role = 'owner') > 1)";

impl TeamStore<'_> {
    pub async fn member(&self, email: &str) -> Result<Option<Member>, EdgeError> {
        let row: Option<MemberRow> = self
            .0
            .stmt(
                "SELECT email, display_name, role FROM team_members WHERE email = ?1",
                args![email],
            )?
            .first(None)
            .await?;
        Ok(row.map(MemberRow::member))
    }

    /// Every member, owners first, then by name.
    pub async fn list(&self) -> Result<Vec<Member>, EdgeError> {
        let result = self
            .0
            .stmt(
                "SELECT email, display_name, role FROM team_members \
                 ORDER BY role = 'owner' DESC, display_name COLLATE NOCASE, email",
                args![],
            )?
            .all()
            .await?;
        Ok(decode_rows::<MemberRow>(&result, "team member")?
            .into_iter()
            .map(MemberRow::member)
            .collect())
    }

    pub async fn has_owner(&self) -> Result<bool, EdgeError> {
        let result = self
            .0
            .stmt(
                "SELECT 1 AS one FROM team_members WHERE role = 'owner' LIMIT 1",
                args![],
            )?
            .all()
            .await?;
        returned_a_row(Some(&result))
    }

    /// Adds the first owner, only while the team has none: `false` if someone got there first.
    pub async fn claim(&self, owner: &Member, now: i64) -> Result<bool, EdgeError> {
        let result = self
            .0
            .stmt(
                "INSERT INTO team_members (email, display_name, role, added_at) \
                 SELECT ?1, ?2, 'owner', ?3 WHERE NOT EXISTS (SELECT 1 FROM team_members WHERE role = 'owner') \
                 ON CONFLICT (email) DO UPDATE SET role = 'owner', display_name = excluded.display_name \
                 RETURNING email",
                args![&owner.email, &owner.display_name, now],
            )?
            .all()
            .await?;
        returned_a_row(Some(&result))
    }

    /// Adds a member; a concurrent add of the same email is a `ConcurrentWrite`.
    pub async fn add(&self, member: &Member, now: i64) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "INSERT INTO team_members (email, display_name, role, added_at) VALUES (?1, ?2, ?3, ?4)",
                args![&member.email, &member.display_name, member.role.as_str(), now],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Renames a member and/or changes their role, writing only what the owner changed (a
    /// rename never puts back a role another owner changed meanwhile); `false` when they are
    /// gone, or when it would demote the last owner.
    pub async fn update(
        &self,
        email: &str,
        display_name: Option<&str>,
        role: Option<Role>,
    ) -> Result<bool, EdgeError> {
        let sql = format!(
            "UPDATE team_members SET display_name = COALESCE(?2, display_name), role = COALESCE(?3, role) \
             WHERE email = ?1 AND (COALESCE(?3, role) = 'owner' OR {NOT_THE_LAST_OWNER}) RETURNING email"
        );
        let result = self
            .0
            .stmt(&sql, args![email, display_name, role.map(Role::as_str)])?
            .all()
            .await?;
        returned_a_row(Some(&result))
    }

    /// Removes a member; `false` when they are gone already, or are the last owner.
    pub async fn remove(&self, email: &str) -> Result<bool, EdgeError> {
        let sql = format!(
            "DELETE FROM team_members WHERE email = ?1 AND {NOT_THE_LAST_OWNER} RETURNING email"
        );
        let result = self.0.stmt(&sql, args![email])?.all().await?;
        let removed = returned_a_row(Some(&result))?;
        if removed {
            // Their browsers hear of nothing more (Web Push subscriptions are theirs alone).
            self.0
                .stmt(
                    "DELETE FROM push_subscriptions WHERE member = ?1",
                    args![email],
                )?
                .run()
                .await?;
        }
        Ok(removed)
    }
}
