//! What the admin API says about the person signed in (`GET /api/admin/me`), the codes its
//! sign-in refusals carry (so the console knows which page to show), and the request bodies of
//! the team's routes.

use serde::{Deserialize, Serialize};

use super::Role;

/// `ErrorBody.code` of a 401 when the deployment has no Access: send the admin token.
pub const CODE_ADMIN_TOKEN: &str = "admin_token";
/// `ErrorBody.code` of a 401 when Access is configured but the request carries no Access token
/// (it did not come through the Access application) or one that does not verify.
pub const CODE_ACCESS: &str = "access";
/// `ErrorBody.code` of a 403 for someone signed in with Access who is not a member.
pub const CODE_NOT_A_MEMBER: &str = "not_a_member";
/// `ErrorBody.code` of a 403 for a non-member while the team has no owner yet: the first owner
/// can be claimed (with the admin token).
pub const CODE_CLAIMABLE: &str = "claim_first_owner";
/// `ErrorBody.code` of a 403 for an agent on an owner's route.
pub const CODE_ROLE: &str = "role";

/// How the caller signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedInVia {
    /// A verified Cloudflare Access token of a member.
    Access,
    /// The deployment's `ADMIN_TOKEN` as a bearer (an owner's powers, no name).
    AdminToken,
}

/// Whether this deployment signs its team in with Access, and whether that works now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessStatus {
    /// `ACCESS_TEAM_DOMAIN` and `ACCESS_AUD` are both set (and readable).
    pub configured: bool,
    /// The team domain (public: it is in every Access sign-in page's address).
    #[serde(default)]
    pub team_domain: Option<String>,
    /// What is wrong, when something is (a var unreadable, the keys unreachable).
    #[serde(default)]
    pub problem: Option<String>,
}

/// `GET /api/admin/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// The member's email (`None` with the admin token).
    pub email: Option<String>,
    /// Shown on replies: the member's display name, or "Admin".
    pub display_name: String,
    pub role: Role,
    pub via: SignedInVia,
    pub access: AccessStatus,
}

/// `POST /api/admin/team/claim`: the first owner, by someone signed in with Access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    pub admin_token: String,
    pub display_name: String,
}

/// `PATCH /api/admin/team/<email>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
}

/// `POST /api/admin/conversations/<id>/assign`: a member's email, or `null` to unassign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub assignee: Option<String>,
}

/// `POST /api/admin/conversations/<id>/notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub text: String,
}

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 4_000;

/// A note's text, trimmed, or why not.
pub fn checked_note(text: &str) -> Result<&str, crate::settings::FieldError> {
    let text = text.trim();
    let length = text.chars().count();
    if length == 0 || length > MAX_NOTE_CHARS {
        return Err(crate::settings::field_error(
            "text",
            format!("a note is 1–{MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// The name a reply made with the admin token carries.
pub const ADMIN_TOKEN_NAME: &str = "Admin";

/// Initials for an assignee badge: the first letters of the first two words of the display name
/// ("Ana Lima" → "AL", "bob" → "B").
pub fn initials(display_name: &str) -> String {
    display_name
        .split_whitespace()
        .take(2)
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Ana Lima"), "AL");
        assert_eq!(initials("  bob "), "B");
        assert_eq!(initials("Émile de la Tour"), "ÉD");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn a_note_is_trimmed_and_bounded() {
        assert_eq!(checked_note("  hi  ").unwrap(), "hi");
        assert_eq!(checked_note("   ").unwrap_err().field, "text");
        assert!(checked_note(&"x".repeat(MAX_NOTE_CHARS)).is_ok());
        assert!(checked_note(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
    }
}
