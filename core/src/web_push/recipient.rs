//! Who hears of a customer message: every member while the conversation is unassigned, only
//! the assignee once it is assigned.

/// Whether `member` should be told of a new message in a conversation assigned to `assignee`
/// (emails compared without regard to case, as the team stores them lower-cased).
pub fn should_notify(assignee: Option<&str>, member: &str) -> bool {
    match assignee {
        None => true,
        Some(assignee) => assignee.trim().eq_ignore_ascii_case(member.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyone_hears_of_an_unassigned_conversation_and_only_the_assignee_of_an_assigned_one() {
        assert!(should_notify(None, "ana@example.com"));
        assert!(should_notify(None, "owner"));
        assert!(should_notify(Some("Ana@Example.com"), "ana@example.com"));
        assert!(!should_notify(Some("bo@example.com"), "ana@example.com"));
    }
}
