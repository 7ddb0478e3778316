//! The team: who may use the console and the admin API, and with which [`Role`].
//!
//! A member is known by email (as Access signs it in, compared in lower case), has a display
//! name (shown on their replies) and a role. Owners may do everything; agents read and answer
//! the inbox ([`route_roles`] says which route needs which role). The rules here:
//!
//! - a member's email and name are checked and normalised ([`Member::validate`]);
//! - the first owner of a deployment is claimed once, by someone signed in with Access who also
//!   holds the `ADMIN_TOKEN` ([`claim_first_owner`]); never silently, never a second time;
//! - the team never loses its last owner ([`TeamChange::apply`]), so the claim stays "once".

pub mod route_roles;
pub mod session;

use serde::{Deserialize, Serialize};

use crate::settings::{field_error, FieldError};

pub use route_roles::required_role;

/// What a member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads and answers the inbox.
    Agent,
    /// Also settings, numbers, the team, the webhook page and the runtime figures.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Owner => "owner",
        }
    }

    /// True when a member with this role may do what needs `needed`.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// The longest display name, in characters.
pub const MAX_DISPLAY_NAME: usize = 60;

/// A member of the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Lower case, as [`normalize_email`] gives it.
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

impl Member {
    /// Checks and normalises the email (lower case) and the display name (trimmed).
    pub fn validate(self) -> Result<Self, FieldError> {
        let email = check_email(&self.email)?;
        let display_name = self.display_name.trim();
        let length = display_name.chars().count();
        if length == 0 || length > MAX_DISPLAY_NAME {
            return Err(field_error(
                "display_name",
                format!("must be 1–{MAX_DISPLAY_NAME} characters"),
            ));
        }
        if display_name.chars().any(char::is_control) {
            return Err(field_error(
                "display_name",
                "must be one line of text (no control characters)",
            ));
        }
        Ok(Self {
            email,
            display_name: display_name.to_owned(),
            role: self.role,
        })
    }
}

/// The form a member's email is kept and compared in: trimmed, lower case.
pub fn normalize_email(email: &str) -> String {
    // ASCII only: Unicode case folding maps look-alikes together (the Kelvin sign `K` folds to
    // `k`), so a crafted address could match a member it is not.
    email.trim().to_ascii_lowercase()
}

/// A normalised email of a plausible shape (`name@example.com`), or why not.
pub fn check_email(email: &str) -> Result<String, FieldError> {
    let email = normalize_email(email);
    let bad = || field_error("email", "must be an email address like ana@example.com");
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "@<>()[]\\,;:\"".contains(c));
    let domain_ok = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !local_ok || !domain_ok || email.len() > 254 {
        return Err(bad());
    }
    Ok(email)
}

/// Why the first owner could not be claimed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimRefusal {
    /// 401: the claim needs the deployment's `ADMIN_TOKEN`.
    #[error("the admin token does not match")]
    WrongAdminToken,
    /// 409: the team has an owner; they add members.
    #[error("this team already has an owner: ask them to add you")]
    AlreadyClaimed,
    /// 400: the name (or the signed-in email) does not pass [`Member::validate`].
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// The first owner: the person signed in with Access (`access_email`, from a verified token,
/// never from a header alone) who also presents the `ADMIN_TOKEN`, while the team has no owner.
/// The token is checked first, so someone without it learns nothing about the team.
pub fn claim_first_owner(
    team: &[Member],
    admin_token_matches: bool,
    access_email: &str,
    display_name: &str,
) -> Result<Member, ClaimRefusal> {
    if !admin_token_matches {
        return Err(ClaimRefusal::WrongAdminToken);
    }
    if team.iter().any(|m| m.role == Role::Owner) {
        return Err(ClaimRefusal::AlreadyClaimed);
    }
    Ok(Member {
        email: access_email.to_owned(),
        display_name: display_name.to_owned(),
        role: Role::Owner,
    }
    .validate()?)
}

/// An owner's change to the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamChange {
    Add(Member),
    /// Renames or changes the role of the member with this email.
    Update {
        email: String,
        display_name: Option<String>,
        role: Option<Role>,
    },
    Remove {
        email: String,
    },
}

/// Why a change to the team was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamRefusal {
    #[error("{0} is already a member")]
    AlreadyMember(String),
    #[error("{0} is not a member")]
    NotAMember(String),
    /// Removing or demoting the last owner would leave nobody to manage the team.
    #[error("the team needs an owner: make another member an owner first")]
    LastOwner,
    #[error(transparent)]
    Invalid(#[from] FieldError),
}

/// A change applied: the team now, and the member as they were and as they are (for the audit
/// log: `before` is `None` for an add, `after` for a removal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamChanged {
    pub team: Vec<Member>,
    pub before: Option<Member>,
    pub after: Option<Member>,
}

impl TeamChange {
    /// Applies the change to `team`, or says why not.
    pub fn apply(self, team: &[Member]) -> Result<TeamChanged, TeamRefusal> {
        let mut team = team.to_vec();
        let position = |team: &[Member], email: &str| {
            let email = normalize_email(email);
            team.iter().position(|m| m.email == email)
        };
        let (before, after) = match self {
            TeamChange::Add(member) => {
                let member = member.validate()?;
                if position(&team, &member.email).is_some() {
                    return Err(TeamRefusal::AlreadyMember(member.email));
                }
                team.push(member.clone());
                (None, Some(member))
            }
            TeamChange::Update {
                email,
                display_name,
                role,
            } => {
                let at = position(&team, &email).ok_or(TeamRefusal::NotAMember(email))?;
                let before = team[at].clone();
                let after = Member {
                    email: before.email.clone(),
                    display_name: display_name.unwrap_or_else(|| before.display_name.clone()),
                    role: role.unwrap_or(before.role),
                }
                .validate()?;
                team[at] = after.clone();
                (Some(before), Some(after))
            }
            TeamChange::Remove { email } => {
                let at = position(&team, &email).ok_or(TeamRefusal::NotAMember(email))?;
                (Some(team.remove(at)), None)
            }
        };
        let had_owner = before.as_ref().is_some_and(|m| m.role == Role::Owner);
        if had_owner && !team.iter().any(|m| m.role == Role::Owner) {
            return Err(TeamRefusal::LastOwner);
        }
        Ok(TeamChanged {
            team,
            before,
            after,
        })
    }
}

#[cfg(test)]
mod tests;
